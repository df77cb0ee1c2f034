//! Base64 (RFC 4648, standard alphabet, `=` padding) and the OpenPGP ASCII
//! armor rpm writes, as far as the pubkey pseudo-package needs them:
//! PUBKEYS holds the key as one unbroken base64 line (`rpmPubkeyBase64`,
//! `rpmio/rpmpgp.c`), DESCRIPTION the armored key (`%{pubkeys:armor}`,
//! `lib/formats.c armorFormat` → `pgpArmorWrap`: 64-column lines, a
//! `Version: rpm-<version>` header and the CRC-24 line).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encode `data` as one line of padded base64.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextet = |k: u32| char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]);
        out.push(sextet(0));
        out.push(sextet(1));
        out.push(if chunk.len() > 1 { sextet(2) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(3) } else { '=' });
    }
    out
}

/// Decode base64, ignoring ASCII whitespace; `None` on any other invalid
/// character, bad padding or a truncated group.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|v| v as u32);
    let digits: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() / 4 * 3);
    let groups = digits.len() / 4;
    for (i, g) in digits.chunks(4).enumerate() {
        let pad = g.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != groups) {
            return None;
        }
        let mut n = 0u32;
        for &c in &g[..4 - pad] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Encode `data` as base64 lines of 64 columns, each ending in `\n` (rpm's
/// `rpmBase64Encode(.., .., 64)`, used for PUBKEYS and the armor).
pub fn encode_lines(data: &[u8]) -> String {
    let b64 = encode(data);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 1);
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out
}

/// OpenPGP's CRC-24 (RFC 9580 §6.1).
fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0x00b7_04ce;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= 0x0186_4cfb;
            }
        }
    }
    crc & 0x00ff_ffff
}

/// The armored public key block rpm stores as a pubkey's DESCRIPTION.
pub fn armor_public_key(data: &[u8], rpm_version: &str) -> String {
    let mut out = format!("-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: rpm-{rpm_version}\n\n");
    out.push_str(&encode_lines(data));
    let crc = crc24(data).to_be_bytes();
    out.push('=');
    out.push_str(&encode(&crc[1..]));
    out.push_str("\n-----END PGP PUBLIC KEY BLOCK-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        for len in 0..20 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(decode(&encode(&data)).as_deref(), Some(&data[..]));
        }
        assert_eq!(encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(encode(b"fo"), "Zm8=");
        assert_eq!(decode("Zm9v\nYmE="), Some(b"fooba".to_vec()));
        assert_eq!(decode("Zm9"), None);
        assert_eq!(decode("Zm=v"), None);
        assert_eq!(decode("Zm8=Zm8="), None);
        assert_eq!(decode("Zm*v"), None);
    }

    #[test]
    fn crc24_matches_rfc_test_vector() {
        // The CRC of the empty string is the init value.
        assert_eq!(crc24(b""), 0x00b7_04ce);
    }
}
