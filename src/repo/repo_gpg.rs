//! `repo_gpgcheck`: verify `repodata/repomd.xml` against its detached
//! signature `repodata/repomd.xml.asc` before anything repomd lists is
//! trusted (everything else is then pinned by repomd's checksums and sizes).
//!
//! The keys are the repo's `gpgkey=` list, as dnf does (tdnf's plugin uses
//! the invoking user's GnuPG keyring instead and never imports `gpgkey`,
//! tdnf issue #471), plus the keys of the root's rpmdb. Azure Linux signs
//! its repomd with a separate metadata key, which the user lists in
//! `gpgkey=` next to the package key. `file://` keys are read in place;
//! http(s) keys are downloaded into the repo's `keys/` cache directory.
//! The `gpgkey` key that verified repomd is imported into the rpmdb when
//! the user allows it ([`crate::signature::KeyImport`]); declining only
//! skips the import.

use std::path::Path;

use super::cache::{self, RepoCache};
use super::sync::{Syncer, Trust, join_url};
use crate::config::RepoConf;
use crate::download::{Downloader, Expect, NetOptions};
use crate::error::{Code, Error, Result};
use crate::signature::verify::{SigFailure, Signed, Signer, verify_signature};
use crate::signature::{KeyImport, KeyOrigin, Keyring, OpenPgpPolicy};

/// repo_gpgcheck for a freshly downloaded `repomd`: fetch repomd.xml.asc
/// (capped at 1 MiB) and verify it with the root's rpmdb keys and the
/// repo's `gpgkey` keys; then import the `gpgkey` key that verified it
/// when `trust.import_keys` allows (declining does not fail the check).
pub(super) fn check_trust(
    s: &Syncer<'_>,
    repo: &RepoConf,
    cache: &RepoCache,
    bases: &[String],
    net: &NetOptions,
    trust: &Trust,
    repomd: &[u8],
) -> Result<()> {
    if !repo.repo_gpgcheck {
        return Ok(());
    }
    let urls: Vec<String> = bases.iter().map(|b| join_url(b, "repodata/repomd.xml.asc")).collect();
    let asc_path = cache.tmp().join("repomd.xml.asc");
    let expect = Expect { max_size: Some(1 << 20), ..Expect::default() };
    s.dl.fetch(&urls, &asc_path, &expect, net)?;
    let asc = fs_err::read(&asc_path).map_err(|e| Error::io(asc_path.display(), e));
    cache::remove_file(&asc_path)?;
    let asc = asc?;
    let mut keys = Keyring::new();
    if let Some(db) = &trust.dbdir {
        let (ring, _skipped) = Keyring::from_rpmdb(db, &trust.policy)
            .map_err(|e| Error::new(Code::Eio, format!("reading keys from {}: {e}", db.display())).with_source(e))?;
        keys.extend(&ring);
    }
    if !repo.gpgkeys.is_empty() || keys.keys().is_empty() {
        keys.extend(&repo_keys(s.dl, repo, cache, net, &trust.policy)?);
    }
    let signer = verify_repomd(&repo.id, repomd, &asc, &keys, &trust.policy)?;
    let (Some(db), KeyOrigin::File(url)) = (&trust.dbdir, &signer.origin) else { return Ok(()) };
    let Some(k) = keys.keys().iter().find(|k| k.key.keyid == signer.keyid) else { return Ok(()) };
    if !trust.import_keys.confirm(s.printer, url, &mut std::io::stdin().lock())? {
        if trust.import_keys == KeyImport::NoTerminal {
            s.printer.info(&format!("The key from {url} is not imported into the rpm database (use -y to import it)\n"));
        }
        return Ok(());
    }
    let tid = crate::signature::pubkey_header::now_tid();
    crate::signature::pubkey_header::import_key(db, &k.key, tid, &trust.policy)
        .map_err(|e| Error::new(Code::RpmrcFail, format!("importing key from {url}: {e}")).with_source(e))?;
    Ok(())
}

/// The keys the `gpgkey=` URLs of `repo` name, loaded and linted. No
/// `gpgkey` at all is tdnf's 1523.
pub fn repo_keys(dl: &Downloader, repo: &RepoConf, cache: &RepoCache, net: &NetOptions, policy: &OpenPgpPolicy) -> Result<Keyring> {
    if repo.gpgkeys.is_empty() {
        return Err(Error::new(
            Code::NoGpgkeyConfEntry,
            format!("repo '{}': {}", repo.id, Code::NoGpgkeyConfEntry.message()),
        ));
    }
    let mut ring = Keyring::new();
    for url in &repo.gpgkeys {
        let bytes = read_key_url(dl, url, cache, net)?;
        ring.add_key_file(&bytes, url, policy).map_err(|e| {
            Error::new(Code::InvalidPubkeyFile, format!("{} ({e})", Code::InvalidPubkeyFile.message())).with_source(e)
        })?;
    }
    Ok(ring)
}

/// The bytes of one `gpgkey=` URL.
pub fn read_key_url(dl: &Downloader, url: &str, cache: &RepoCache, net: &NetOptions) -> Result<Vec<u8>> {
    if let Some(path) = url.strip_prefix("file://") {
        if Path::new(path).is_dir() || !path.starts_with('/') {
            return Err(Error::new(Code::KeyurlInvalid, format!("{}: {url}", Code::KeyurlInvalid.message())));
        }
        return fs_err::read(path).map_err(|e| Error::io(path, e));
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Error::new(Code::KeyurlUnsupported, format!("{}: {url}", Code::KeyurlUnsupported.message())));
    }
    // The file name is the URL's last segment, checked: never a path.
    let name = url.rsplit('/').next().filter(|n| !n.is_empty() && *n != "." && *n != "..").ok_or_else(|| {
        Error::new(Code::KeyurlInvalid, format!("{}: {url}", Code::KeyurlInvalid.message()))
    })?;
    let dir = cache.keys();
    fs_err::create_dir_all(&dir).map_err(|e| Error::io(dir.display(), e))?;
    let dest = dir.join(name);
    dl.fetch(&[url.to_string()], &dest, &Expect::default(), net)?;
    let bytes = fs_err::read(&dest).map_err(|e| Error::io(dest.display(), e));
    // Like tdnf, a downloaded key is not kept.
    let _ = fs_err::remove_file(&dest);
    bytes
}

/// Verify `repomd` against the armored (or binary) detached signature
/// `asc` with `keys`. Any one good signature suffices; a bad one fails.
pub fn verify_repomd(repo: &str, repomd: &[u8], asc: &[u8], keys: &Keyring, policy: &OpenPgpPolicy) -> Result<Signer> {
    let fail = |why: String| {
        Error::new(Code::GpgSignatureCheck, format!("repo '{repo}': repomd.xml: {} ({why})", Code::GpgSignatureCheck.message()))
    };
    let packets = signature_packets(asc).map_err(fail)?;
    let mut last = None;
    for p in &packets {
        match verify_signature(p, 0, Signed::Bytes(repomd), keys, policy) {
            Ok(s) => return Ok(s),
            Err(e @ SigFailure::Bad { .. }) => return Err(fail(bad_text(&e))),
            Err(e) => last = Some(e),
        }
    }
    Err(fail(last.map_or_else(|| "no signature in repomd.xml.asc".to_string(), |e| bad_text(&e))))
}

fn bad_text(e: &SigFailure) -> String {
    // Drop rpm's "Header " scope word: this is a file signature.
    e.to_string().replacen("Header ", "", 1)
}

/// The signature packets of a detached signature file.
fn signature_packets(asc: &[u8]) -> std::result::Result<Vec<Vec<u8>>, String> {
    use sequoia_openpgp::parse::{PacketParser, PacketParserResult, Parse};
    use sequoia_openpgp::serialize::Marshal;
    let mut out = Vec::new();
    let mut ppr = PacketParser::from_bytes(asc).map_err(|e| format!("unreadable repomd.xml.asc: {e}"))?;
    while let PacketParserResult::Some(pp) = ppr {
        let (packet, next) = pp.next().map_err(|e| format!("unreadable repomd.xml.asc: {e}"))?;
        if let sequoia_openpgp::Packet::Signature(_) = &packet {
            let mut bytes = Vec::new();
            packet.serialize(&mut bytes).map_err(|e| format!("{e}"))?;
            out.push(bytes);
        }
        ppr = next;
    }
    if out.is_empty() {
        return Err("no signature in repomd.xml.asc".into());
    }
    Ok(out)
}
