//! `tdnf repoquery [SPEC]` with tdnf's select and query options.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::output::format::format_day;
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
    if a.has("installed") {
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
            out.push_str(&format!("{}\n", sack.info(s).sourcerpm));
        }
    } else if a.has("location") {
        for &s in ids {
            out.push_str(&format!("{}\n", sack.location_url(s)));
        }
    } else {
        for &s in ids {
            out.push_str(&format!("{}\n", sack.info(s).nvra()));
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
        change_logs: a.has("changelogs").then(|| {
            sack.changelogs(s)
                .into_iter()
                .map(|c| ChangeLogItem { time: format_day(c.date), author: c.author, text: c.text })
                .collect()
        }),
        source: a.source.then(|| p.sourcerpm.clone()),
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

/// `--qf`: `%{tag}` replaced by the package's value.
fn query_format(sack: &Sack, s: Sid, fmt: &str) -> Result<String> {
    let p = sack.info(s);
    let mut out = String::new();
    let mut rest = fmt;
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
        "sourcename" | "sourcerpm" => p.sourcerpm.clone(),
        "size" | "downloadsize" => p.download_size.to_string(),
        "installsize" => p.install_size.to_string(),
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
