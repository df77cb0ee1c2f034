//! `tdnf repoquery [SPEC]` with tdnf's select and query options.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::output::format::{format_day, format_size};
use crate::output::views::{ChangeLogItem, RepoQueryItem};
use crate::query;
use crate::sack::{DepKind, Needs, PkgInfo, Sack, SelectKind, Sid};

/// Query options that print a dependency list, with their JSON key.
const DEP_QUERIES: &[(&str, DepKind, &str)] = &[
    ("provides", DepKind::Provides, "Provides"),
    ("obsoletes", DepKind::Obsoletes, "Obsoletes"),
    ("conflicts", DepKind::Conflicts, "Conflicts"),
    ("requires", DepKind::Requires, "Requires"),
    ("recommends", DepKind::Recommends, "Recommends"),
    ("suggests", DepKind::Suggests, "Suggests"),
    ("supplements", DepKind::Supplements, "Supplements"),
    ("enhances", DepKind::Enhances, "Enhances"),
    ("depends", DepKind::Depends, "Depends"),
    ("requires-pre", DepKind::RequiresPre, "RequiresPre"),
];

/// `--whatX` select options and the dependency kinds they look at.
const WHAT_OPTS: &[(&str, DepKind)] = &[
    ("whatprovides", DepKind::Provides),
    ("whatobsoletes", DepKind::Obsoletes),
    ("whatconflicts", DepKind::Conflicts),
    ("whatrequires", DepKind::Requires),
    ("whatrecommends", DepKind::Recommends),
    ("whatsuggests", DepKind::Suggests),
    ("whatsupplements", DepKind::Supplements),
    ("whatenhances", DepKind::Enhances),
    ("whatdepends", DepKind::Depends),
];

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let a = ctx.args;
    let spec = match a.command_args() {
        [] => None,
        [s] => Some(s.clone()),
        _ => return Err(Error::code(Code::CliInvalidArgument)),
    };
    // With --list tdnf never fills in the dependency lists.
    let dep_query = if a.has("list") { None } else { DEP_QUERIES.iter().rfind(|(o, _, _)| a.has(o)).copied() };
    let qf = a.value("qf").map(str::to_string);
    if qf.is_some() && dep_query.is_some() && !ctx.printer.is_json() {
        return Err(Error::code(Code::InvalidMixedQueryQueryformat));
    }
    let installed_only = a.has("installed") || a.has("extras") || a.has("duplicates") || a.has("userinstalled");
    let needs = Needs {
        installed: true,
        available: !installed_only || a.has("extras"),
        filelists: a.has("list") || a.has("file") || spec.as_deref().is_some_and(|s| s.starts_with('/')),
        other: a.has("changelogs"),
        ..Needs::default()
    };
    let mut sack = ctx.load_sack(needs)?;
    let mut ids = base_set(ctx, &mut sack)?;
    if let Some(s) = &spec {
        let hits: std::collections::HashSet<Sid> =
            query::select_spec(&mut sack, ctx.printer, s, SelectKind::List, None).into_iter().collect();
        ids.retain(|i| hits.contains(i));
    }
    if let Some(f) = a.value("file") {
        let hits: std::collections::HashSet<Sid> = sack.select(f, SelectKind::File, false).ids.into_iter().collect();
        ids.retain(|i| hits.contains(i));
    }
    let arches: Vec<&str> = a.values("arch").flat_map(|v| v.split(',')).collect();
    if !arches.is_empty() {
        ids.retain(|&i| arches.contains(&sack.info(i).arch.as_str()));
    }
    for (opt, kind) in WHAT_OPTS {
        let caps: Vec<&str> = a.values(opt).flat_map(|v| v.split(',')).filter(|c| !c.is_empty()).collect();
        if !caps.is_empty() {
            let hits = sack.what_matches(*kind, &caps);
            ids.retain(|i| hits.contains(i));
        }
    }
    if ids.is_empty() {
        return Err(Error::code(Code::NoData));
    }
    print(ctx, &sack, &ids, dep_query, qf.as_deref())
}

/// The packages repoquery starts from.
fn base_set(ctx: &Context<'_>, sack: &mut Sack) -> Result<Vec<Sid>> {
    let a = ctx.args;
    // tdnf refuses these combinations with 1622.
    let (inst, avail) = (a.has("installed"), a.has("available"));
    if (a.has("extras") && (inst || avail || a.has("duplicates"))) || (a.has("duplicates") && (inst || avail)) {
        return Err(Error::code(Code::Einval));
    }
    let installed = sack.installed_ids();
    if a.has("extras") {
        let available: std::collections::HashSet<String> = sack.available_ids().iter().map(|&s| sack.info(s).nevra()).collect();
        return Ok(installed.into_iter().filter(|&s| !available.contains(&sack.info(s).nevra())).collect());
    }
    if a.has("duplicates") {
        let mut counts = std::collections::HashMap::new();
        for &s in &installed {
            let p = sack.info(s);
            *counts.entry((p.name, p.arch)).or_insert(0) += 1;
        }
        return Ok(installed
            .into_iter()
            .filter(|&s| {
                let p = sack.info(s);
                counts.get(&(p.name, p.arch)).copied().unwrap_or(0) > 1
            })
            .collect());
    }
    if a.has("userinstalled") {
        let auto = crate::sack::installed::auto_installed_names(&ctx.settings)?;
        return Ok(installed.into_iter().filter(|&s| !auto.contains(&sack.info(s).name)).collect());
    }
    // --available wins over --installed, as in tdnf.
    if inst && !avail {
        return Ok(installed);
    }
    if a.has("upgrades") {
        return Ok(query::up_down_candidates(sack, &installed, true));
    }
    Ok(sack.available_ids().into_iter().filter(|&s| sack.visible(s)).collect())
}

fn print(ctx: &Context<'_>, sack: &Sack, ids: &[Sid], dep_query: Option<(&str, DepKind, &str)>, qf: Option<&str>) -> Result<u8> {
    let a = ctx.args;
    if ctx.printer.is_json() {
        let items: Vec<RepoQueryItem> = ids.iter().map(|&s| json_item(ctx, sack, s, dep_query)).collect();
        ctx.printer.json(&items);
        return Ok(0);
    }
    let mut out = String::new();
    if let Some(fmt) = qf {
        for &s in ids {
            out.push_str(&query_format(sack, s, fmt)?);
            out.push('\n');
        }
    } else if dep_query.is_some() || a.has("list") {
        let mut lines: Vec<String> = Vec::new();
        for &s in ids {
            match dep_query {
                Some((_, kind, _)) => lines.extend(sack.deps(s, kind)),
                None => lines.extend(sack.files(s)),
            }
        }
        lines.sort();
        lines.dedup();
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    } else if a.has("changelogs") {
        for &s in ids {
            for c in sack.changelogs(s) {
                out.push_str(&format!("{} {}\n{}\n", format_day(c.date), c.author, c.text));
            }
        }
    } else if a.source {
        for &s in ids {
            out.push_str(&format!("{}\n", source_nevra(&sack.info(s))));
        }
    } else if a.has("location") {
        for &s in ids {
            out.push_str(&format!("{}\n", sack.location_url(s)));
        }
    } else {
        for &s in ids {
            out.push_str(&sack.nvra(s));
            out.push('\n');
        }
    }
    ctx.printer.data(&out);
    Ok(0)
}

fn json_item(ctx: &Context<'_>, sack: &Sack, s: Sid, dep_query: Option<(&str, DepKind, &str)>) -> RepoQueryItem {
    let a = ctx.args;
    let p = sack.info(s);
    let mut item = RepoQueryItem {
        nevra: p.nvra(),
        name: p.name.clone(),
        arch: p.arch.clone(),
        evr: p.evr.clone(),
        repo: p.repo.clone(),
        files: a.has("list").then(|| sack.files(s)),
        provides: None,
        obsoletes: None,
        conflicts: None,
        requires: None,
        recommends: None,
        suggests: None,
        supplements: None,
        enhances: None,
        depends: None,
        requires_pre: None,
        // tdnf leaves the key out for a package without entries.
        change_logs: Some(sack.changelogs(s))
            .filter(|logs| a.has("changelogs") && !logs.is_empty())
            .map(|logs| logs.into_iter().map(|c| ChangeLogItem { time: format_day(c.date), author: c.author, text: c.text }).collect()),
        source: a.source.then(|| source_nevra(&p)),
        location: a.has("location").then(|| sack.location_url(s)),
    };
    if let Some((_, kind, _)) = dep_query {
        let deps = Some(sack.deps(s, kind));
        match kind {
            DepKind::Provides => item.provides = deps,
            DepKind::Obsoletes => item.obsoletes = deps,
            DepKind::Conflicts => item.conflicts = deps,
            DepKind::Requires => item.requires = deps,
            DepKind::Recommends => item.recommends = deps,
            DepKind::Suggests => item.suggests = deps,
            DepKind::Supplements => item.supplements = deps,
            DepKind::Enhances => item.enhances = deps,
            DepKind::Depends => item.depends = deps,
            DepKind::RequiresPre => item.requires_pre = deps,
        }
    }
    item
}

/// The source package as tdnf names it: `name-evr.arch` (`foo-1.0-1.src`).
fn source_nevra(p: &PkgInfo) -> String {
    p.sourcerpm.strip_suffix(".rpm").unwrap_or(&p.sourcerpm).to_string()
}

/// `--qf` backslash escapes, as tdnf's format parser.
fn unescape(fmt: &str) -> String {
    let mut out = String::with_capacity(fmt.len());
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// `--qf`: `%{tag}` replaced by the package's value.
fn query_format(sack: &Sack, s: Sid, fmt: &str) -> Result<String> {
    let p = sack.info(s);
    let fmt = unescape(fmt);
    let mut out = String::new();
    let mut rest = fmt.as_str();
    while let Some(pos) = rest.find("%{") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let Some(end) = after.find('}') else {
            return Err(Error::new(Code::CliInvalidArgument, format!("unterminated tag in query format `{fmt}`")));
        };
        let tag = &after[..end];
        out.push_str(&tag_value(sack, s, &p, tag)?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn tag_value(sack: &Sack, s: Sid, p: &PkgInfo, tag: &str) -> Result<String> {
    Ok(match tag {
        "name" => p.name.clone(),
        "arch" => p.arch.clone(),
        "version" => p.version.clone(),
        "release" => p.release.clone(),
        "epoch" => p.epoch.to_string(),
        "evr" => p.evr.clone(),
        "reponame" => p.repo.clone(),
        "sourcename" | "sourcerpm" => source_nevra(p),
        "size" | "downloadsize" => format_size(p.download_size),
        "installsize" => format_size(p.install_size),
        "description" => p.description.clone(),
        "summary" => p.summary.clone(),
        "license" => p.license.clone(),
        "url" => p.url.clone().unwrap_or_default(),
        "location" => sack.location_url(s),
        other => match DEP_QUERIES.iter().find(|(o, _, _)| *o == other) {
            Some((_, kind, _)) => {
                let mut d = sack.deps(s, *kind);
                d.sort();
                d.join("\n")
            }
            None => return Err(Error::new(Code::Einval, format!("Package doesn't have attribute {other}"))),
        },
    })
}
