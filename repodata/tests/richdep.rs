mod common;

use repodata::DepOp;
use repodata::richdep::{self, DepTag, RichDep};

/// Checked by hand with `rpmspec -q --requires` (rpm 4.18.0) on a one-line
/// spec `Requires: <dep>`: `Ok` ones were accepted, `Err` ones rejected with
/// exactly this message.
const REQUIRES_TABLE: &[(&str, Result<(), &str>)] = &[
    ("(a and b)", Ok(())),
    ("(a)", Ok(())),
    ("(a and b and c)", Ok(())),
    ("(a with b with c)", Ok(())),
    ("(a if b else c)", Ok(())),
    ("(a if b)", Ok(())),
    ("(a else b)", Ok(())),
    ("((a with b) or c)", Ok(())),
    ("(a or (b with c))", Ok(())),
    ("((a or b) with c)", Ok(())),
    ("(a >= 1.0 or b)", Ok(())),
    ("(a if (b unless c))", Ok(())),
    ("(a or (b unless c))", Ok(())),
    ("((a unless b) or c)", Ok(())),
    ("(a(x) and b)", Ok(())),
    ("(a == 1 or b =< 2)", Ok(())),
    ("(a and (b or c) and d)", Ok(())),
    ("(a and b or c)", Err("Cannot chain different ops")),
    ("(a with b or c)", Err("Cannot chain different ops")),
    ("(a if b or c)", Err("Cannot chain different ops")),
    ("(a if b if c)", Err("Can only chain and/or/with ops")),
    ("(a without b without c)", Err("Can only chain and/or/with ops")),
    ("(a if b else c else d)", Err("Can only chain and/or/with ops")),
    ("(a unless b)", Err("Illegal context for 'unless', please use 'or' instead")),
    ("(a unless b else c)", Err("Illegal context for 'unless', please use 'or' instead")),
    ("((a unless b) and c)", Err("Illegal context for 'unless', please use 'or' instead")),
    ("(a if b else (c unless d))", Err("Illegal context for 'unless', please use 'or' instead")),
    ("((a if b) or c)", Err("Illegal context for 'if', please use 'and' instead")),
    ("((a and b) with c)", Err("Illegal ops in with/without")),
    ("((a if b) with c)", Err("Illegal ops in with/without")),
    ("(a >= )", Err("Version required")),
    ("(a >= 1", Err("Unterminated rich dependency: (a >= 1")),
    ("()", Err("Empty rich dependency")),
    ("(a and)", Err("Missing argument to rich dependency op")),
    ("(a foo b)", Err("Unknown rich dependency op 'foo'")),
    ("(a, b)", Err("Unknown rich dependency op 'b'")),
    ("(a >=1.0)", Err("Unknown rich dependency op '>=1.0'")),
    ("(a(x y) and b)", Err("Unknown rich dependency op 'y'")),
    ("(a <> 1)", Err("Unknown rich dependency op '<>'")),
];

#[test]
fn requires_table_matches_rpmbuild() {
    let mut bad = Vec::new();
    for &(s, want) in REQUIRES_TABLE {
        let got = richdep::parse_for_tag(s, DepTag::Requires).map(|_| ()).map_err(|e| e.message);
        if got != want.map_err(str::to_owned) {
            bad.push(format!("{s}: got {got:?}, want {want:?}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn context_rules() {
    // rpmspec -q --conflicts: `if` is illegal there, `unless` fine.
    let c = |s| richdep::parse_for_tag(s, DepTag::Conflicts).map_err(|e| e.message);
    assert_eq!(c("(a if b)"), Err("Illegal context for 'if', please use 'and' instead".into()));
    assert!(c("(a unless b)").is_ok());
    assert!(c("((a if b) and c)").is_ok());
    // Plain parse (rpmdsParseRichDep) has no context check but the with rule.
    assert!(richdep::parse("(a unless b)").is_ok());
    assert!(richdep::parse("((a and b) with c)").is_err());
    // Nothing may follow, nothing may precede.
    assert_eq!(richdep::parse("(a) ").map_err(|e| e.message), Err("Junk after rich dependency".into()));
    assert!(richdep::parse(" (a)").is_err());
    assert!(richdep::parse("a").is_err());
    assert!(richdep::is_rich("(a or b)") && !richdep::is_rich("a"));
}

fn s(name: &str) -> Box<RichDep> {
    Box::new(RichDep::Simple { name: name.into(), op: None, evr: String::new() })
}

#[test]
fn tree_shape() {
    let p = |x| richdep::parse(x).expect("valid");
    assert_eq!(p("(a and b and c)"), RichDep::And(s("a"), Box::new(RichDep::And(s("b"), s("c")))));
    assert_eq!(p("(a if b else c)"), RichDep::If { then: s("a"), cond: s("b"), otherwise: Some(s("c")) });
    assert_eq!(p("(a unless b)"), RichDep::Unless { then: s("a"), cond: s("b"), otherwise: None });
    assert_eq!(p("(a else b)"), RichDep::Else(s("a"), s("b")));
    assert_eq!(p("((a))"), *s("a"));
    // A comma ends a token like white space.
    assert_eq!(
        richdep::parse("(foo >= 1:2.0-3,bar)").map_err(|e| e.message),
        Err("Unknown rich dependency op 'bar'".into())
    );
    assert_eq!(
        richdep::parse("(a,and,b)").map_err(|e| e.message),
        Err("Unknown rich dependency op 'and,b'".into())
    );
    assert_eq!(p("(a, and b)"), RichDep::And(s("a"), s("b")));
    match p("(foo >= 1:2.0-3 or bar)") {
        RichDep::Or(l, r) => {
            assert_eq!(*l, RichDep::Simple { name: "foo".into(), op: Some(DepOp::Ge), evr: "1:2.0-3".into() });
            assert_eq!(r, s("bar"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(p("(pkg(x86-64) = 1.0 with b)").to_string(), "(pkg(x86-64) = 1.0 with b)");
    assert_eq!(p("(a  or\tb or (c if d else e))").to_string(), "(a or b or (c if d else e))");
}

/// Every rich dependency of the cs9 AppStream primary parses, under the
/// rules of the tag it appears in, and prints back to a string that parses
/// to the same tree.
#[test]
fn corpus_rich_deps_all_parse() {
    let dir = common::corpus().join("cs9-appstream/repodata");
    let path = common::find(&dir, "-primary.xml.gz");
    let r = repodata::decompress::open_path(&path).expect("open");
    let mut n = 0;
    let mut bad = Vec::new();
    repodata::parse_primary(r, "appstream primary", |p| {
        let lists = [
            (DepTag::Provides, &p.provides),
            (DepTag::Requires, &p.requires),
            (DepTag::Conflicts, &p.conflicts),
            (DepTag::Obsoletes, &p.obsoletes),
            (DepTag::Recommends, &p.recommends),
            (DepTag::Suggests, &p.suggests),
            (DepTag::Supplements, &p.supplements),
            (DepTag::Enhances, &p.enhances),
        ];
        for (tag, list) in lists {
            for d in list.iter().filter(|d| richdep::is_rich(&d.name)) {
                n += 1;
                match richdep::parse_for_tag(&d.name, tag) {
                    Ok(t) => {
                        let again = richdep::parse(&t.to_rich_string());
                        if again.as_ref() != Ok(&t) {
                            bad.push(format!("{}: round trip {} -> {again:?}", d.name, t));
                        }
                    }
                    Err(e) => bad.push(format!("{tag:?} {}: {e}", d.name)),
                }
            }
        }
        Ok(())
    })
    .expect("parse");
    assert_eq!(n, 1395);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
