//! The plan of an alter command: tdnf's table (`tools/cli/lib/installcmd.c`
//! `PrintSolvedInfo`/`PrintAction`) and its JSON object
//! (`PrintSolvedInfoJson`).

use serde::Serialize;

use super::Printer;
use super::format::{console_width, format_size};
use crate::goal::{Plan, PlanItem, PlanKind};

/// The groups in tdnf's order, with their headings and JSON keys.
const GROUPS: [(PlanKind, &str); 7] = [
    (PlanKind::Install, "Installing"),
    (PlanKind::Upgrade, "Upgrading"),
    (PlanKind::Downgrade, "Downgrading"),
    (PlanKind::Erase, "Removing"),
    (PlanKind::UnNeeded, "Removing"),
    (PlanKind::Reinstall, "Reinstalling"),
    (PlanKind::Obsolete, "Obsoleting"),
];

/// The table for a console `width` columns wide: per group a heading, one
/// row per package (Name 20%, Arch 15%, `[E:]V-R` 20%, Repo 15%, install
/// size 10%, download size 10% right-aligned) and the group's totals.
pub fn format_plan(plan: &Plan, width: usize) -> String {
    let w: Vec<usize> = [20, 15, 20, 15, 10, 10].iter().map(|p| width * p / 100).collect();
    let mut out = String::new();
    for (kind, heading) in GROUPS {
        let rows: Vec<&PlanItem> = plan.of_kind(kind).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{heading}:\n"));
        let (mut total_inst, mut total_dl) = (0u64, 0u64);
        for r in rows {
            total_inst += r.install_size;
            total_dl += r.download_size;
            let evr = if r.epoch > 0 { format!("{}:{}-{}", r.epoch, r.version, r.release) } else { format!("{}-{}", r.version, r.release) };
            out.push_str(&format!(
                "{:<w0$} {:<w1$} {:<w2$} {:<w3$} {:<w4$} {:>w5$}\n",
                r.name,
                r.arch,
                evr,
                r.repo,
                format_size(r.install_size),
                format_size(r.download_size),
                w0 = w[0],
                w1 = w[1],
                w2 = w[2],
                w3 = w[3],
                w4 = w[4],
                w5 = w[5],
            ));
        }
        out.push_str(&format!("\nTotal installed size: {}\n", format_size(total_inst)));
        out.push_str(&format!("Total download size: {}\n", format_size(total_dl)));
    }
    out
}

/// Print the table (info output: hidden by `-q` and `-j`).
pub fn print_plan(printer: &Printer, plan: &Plan) {
    printer.info(&format_plan(plan, console_width()));
}

/// tdnf's `No package X available` lines for the specs that matched
/// nothing (printed before the plan, also when nothing is left to do).
pub fn print_not_available(printer: &Printer, plan: &Plan) {
    for spec in &plan.not_resolved {
        printer.info(&format!("No package \x1b[1m\x1b[30m{spec} \x1b[0mavailable\n"));
    }
}

/// One package of the JSON plan.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct AlterItem {
    pub name: String,
    pub arch: String,
    /// `V-R`, never the epoch (as tdnf's alter objects).
    pub evr: String,
    pub install_size: u64,
    pub repo: String,
}

/// The JSON plan: keys in tdnf's order, each only when non-empty.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct AlterView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub install: Option<Vec<AlterItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<Vec<AlterItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downgrade: Option<Vec<AlterItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove: Option<Vec<AlterItem>>,
    #[serde(rename = "UnNeeded", skip_serializing_if = "Option::is_none")]
    pub unneeded: Option<Vec<AlterItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reinstall: Option<Vec<AlterItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obsolete: Option<Vec<AlterItem>>,
}

/// The JSON view of a plan.
pub fn plan_view(plan: &Plan) -> AlterView {
    let list = |kind: PlanKind| {
        let v: Vec<AlterItem> = plan
            .of_kind(kind)
            .map(|r| AlterItem {
                name: r.name.clone(),
                arch: r.arch.clone(),
                evr: format!("{}-{}", r.version, r.release),
                install_size: r.install_size,
                repo: r.repo.clone(),
            })
            .collect();
        (!v.is_empty()).then_some(v)
    };
    AlterView {
        install: list(PlanKind::Install),
        upgrade: list(PlanKind::Upgrade),
        downgrade: list(PlanKind::Downgrade),
        remove: list(PlanKind::Erase),
        unneeded: list(PlanKind::UnNeeded),
        reinstall: list(PlanKind::Reinstall),
        obsolete: list(PlanKind::Obsolete),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goal::PlanItem;
    use crate::sack::Sid;

    fn row(kind: PlanKind, name: &str, epoch: u32, repo: &str, inst: u64, dl: u64) -> PlanItem {
        PlanItem {
            kind,
            sid: Sid::from_raw(2),
            name: name.into(),
            arch: "x86_64".into(),
            epoch,
            version: "1.0.1".into(),
            release: "2".into(),
            nevra: format!("{name}-1.0.1-2.x86_64"),
            repo: repo.into(),
            install_size: inst,
            download_size: dl,
            hnum: None,
            replaces: Vec::new(),
            location: None,
        }
    }

    #[test]
    fn table_as_tdnf_prints_it() {
        let plan = Plan {
            items: vec![
                row(PlanKind::Install, "tdnf-test-one", 0, "local", 65, 6634),
                row(PlanKind::Install, "tdnf-test-two", 3, "local", 2048, 7000),
                row(PlanKind::Erase, "old", 0, "@System", 100, 0),
            ],
            ..Plan::default()
        };
        let text = format_plan(&plan, 80);
        let want = concat!(
            "\nInstalling:\n",
            "tdnf-test-one    x86_64       1.0.1-2          local         65.00b     6.48k\n",
            "tdnf-test-two    x86_64       3:1.0.1-2        local          2.00k     6.84k\n",
            "\nTotal installed size:   2.06k\nTotal download size:  13.31k\n",
            "\nRemoving:\n",
            "old              x86_64       1.0.1-2          @System      100.00b     0.00b\n",
            "\nTotal installed size: 100.00b\nTotal download size:   0.00b\n",
        );
        assert_eq!(text, want);
    }

    #[test]
    fn json_keys_in_tdnf_order_and_only_when_present() {
        let plan = Plan {
            items: vec![
                row(PlanKind::Obsolete, "gone", 0, "@System", 1, 0),
                row(PlanKind::Upgrade, "up", 2, "local", 65, 10),
                row(PlanKind::Install, "new", 0, "local", 0, 10),
            ],
            ..Plan::default()
        };
        let json = serde_json::to_string(&plan_view(&plan)).expect("json");
        assert_eq!(
            json,
            r#"{"Install":[{"Name":"new","Arch":"x86_64","Evr":"1.0.1-2","InstallSize":0,"Repo":"local"}],"Upgrade":[{"Name":"up","Arch":"x86_64","Evr":"1.0.1-2","InstallSize":65,"Repo":"local"}],"Obsolete":[{"Name":"gone","Arch":"x86_64","Evr":"1.0.1-2","InstallSize":1,"Repo":"@System"}]}"#
        );
        assert_eq!(serde_json::to_string(&plan_view(&Plan::default())).expect("json"), "{}");
    }
}
