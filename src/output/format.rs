//! Text formatting shared by commands: tdnf's size format, column widths,
//! and dates.

/// tdnf's `TDNFUtilsFormatSize`: `%6.2f` plus one of `b k M G`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [char; 4] = ['b', 'k', 'M', 'G'];
    let mut size = bytes as f64;
    let mut idx = 0;
    while idx < UNITS.len() - 1 && size > 1024.0 {
        size /= 1024.0;
        idx += 1;
    }
    // tdnf's loop may go one past 'G' to a NUL; we stop at G.
    format!("{size:6.2}{}", UNITS[idx])
}

/// Terminal width of stdout, 80 when it is not a terminal (as tdnf).
pub fn console_width() -> usize {
    // SAFETY: TIOCGWINSZ writes a `winsize` into the struct we pass; a
    // zeroed winsize is a valid initial value and the fd is stdout's.
    let ws = unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        if libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) != 0 {
            return 80;
        }
        ws
    };
    if ws.ws_col == 0 { 80 } else { usize::from(ws.ws_col) }
}

/// The three `list` columns (55%, 25%, 15% of the width).
pub fn list_columns() -> [usize; 3] {
    let w = console_width();
    [w * 55 / 100, w * 25 / 100, w * 15 / 100]
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `%a %b %d %Y` in UTC (changelog dates, as tdnf prints them).
pub fn format_day(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let wd = WEEKDAYS[days.rem_euclid(7) as usize];
    format!("{wd} {} {d:02} {y}", MONTHS[(m - 1) as usize])
}

/// `%a %b %d %H:%M:%S %Y` in UTC (the C locale's `%c`).
pub fn format_c_time(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let wd = WEEKDAYS[days.rem_euclid(7) as usize];
    format!(
        "{wd} {} {d:2} {:02}:{:02}:{:02} {y}",
        MONTHS[(m - 1) as usize],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_tdnf() {
        assert_eq!(format_size(65), " 65.00b");
        assert_eq!(format_size(1024), "1024.00b");
        assert_eq!(format_size(6634), "  6.48k");
        assert_eq!(format_size(5 * 1024 * 1024), "  5.00M");
    }

    #[test]
    fn dates() {
        assert_eq!(format_day(1_625_572_800), "Tue Jul 06 2021");
        assert_eq!(format_day(0), "Thu Jan 01 1970");
        assert_eq!(format_c_time(1_700_000_000), "Tue Nov 14 22:13:20 2023");
    }
}
