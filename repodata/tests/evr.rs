use std::cmp::Ordering::{self, Equal, Greater, Less};

use repodata::{Evr, rpmvercmp};

/// Cases from rpm's own test suite (tests/rpmvercmp.at) plus the tricky ones.
const CASES: &[(&str, &str, Ordering)] = &[
    ("1.0", "1.0", Equal),
    ("1.0", "2.0", Less),
    ("2.0", "1.0", Greater),
    ("2.0.1", "2.0.1", Equal),
    ("2.0", "2.0.1", Less),
    ("2.0.1", "2.0", Greater),
    ("2.0.1a", "2.0.1a", Equal),
    ("2.0.1a", "2.0.1", Greater),
    ("2.0.1", "2.0.1a", Less),
    ("5.5p1", "5.5p1", Equal),
    ("5.5p1", "5.5p2", Less),
    ("5.5p2", "5.5p1", Greater),
    ("5.5p10", "5.5p10", Equal),
    ("5.5p1", "5.5p10", Less),
    ("5.5p10", "5.5p1", Greater),
    ("10xyz", "10.1xyz", Less),
    ("10.1xyz", "10xyz", Greater),
    ("xyz10", "xyz10", Equal),
    ("xyz10", "xyz10.1", Less),
    ("xyz10.1", "xyz10", Greater),
    ("xyz.4", "xyz.4", Equal),
    ("xyz.4", "8", Less),
    ("8", "xyz.4", Greater),
    ("xyz.4", "2", Less),
    ("2", "xyz.4", Greater),
    ("5.5p2", "5.6p1", Less),
    ("5.6p1", "5.5p2", Greater),
    ("5.6p1", "6.5p1", Less),
    ("6.5p1", "5.6p1", Greater),
    ("6.0.rc1", "6.0", Greater),
    ("6.0", "6.0.rc1", Less),
    ("10b2", "10a1", Greater),
    ("10a2", "10b2", Less),
    ("1.0aa", "1.0aa", Equal),
    ("1.0a", "1.0aa", Less),
    ("1.0aa", "1.0a", Greater),
    ("10.0001", "10.0001", Equal),
    ("10.0001", "10.1", Equal),
    ("10.1", "10.0001", Equal),
    ("10.0001", "10.0039", Less),
    ("10.0039", "10.0001", Greater),
    ("4.999.9", "5.0", Less),
    ("5.0", "4.999.9", Greater),
    ("20101121", "20101121", Equal),
    ("20101121", "20101122", Less),
    ("20101122", "20101121", Greater),
    ("2_0", "2_0", Equal),
    ("2.0", "2_0", Equal),
    ("2_0", "2.0", Equal),
    ("1.0", "1_0", Equal),
    ("a", "a", Equal),
    ("a+", "a+", Equal),
    ("a+", "a_", Equal),
    ("a_", "a+", Equal),
    ("+a", "+a", Equal),
    ("+a", "_a", Equal),
    ("_a", "+a", Equal),
    ("+_", "+_", Equal),
    ("_+", "+_", Equal),
    ("_+", "_+", Equal),
    ("+", "_", Equal),
    ("_", "+", Equal),
    ("1.0~rc1", "1.0~rc1", Equal),
    ("1.0~rc1", "1.0", Less),
    ("1.0", "1.0~rc1", Greater),
    ("1.0~rc1", "1.0~rc2", Less),
    ("1.0~rc2", "1.0~rc1", Greater),
    ("1.0~rc1~git123", "1.0~rc1~git123", Equal),
    ("1.0~rc1~git123", "1.0~rc1", Less),
    ("1.0~rc1", "1.0~rc1~git123", Greater),
    ("1.0^", "1.0^", Equal),
    ("1.0^", "1.0", Greater),
    ("1.0", "1.0^", Less),
    ("1.0^git1", "1.0^git1", Equal),
    ("1.0^git1", "1.0", Greater),
    ("1.0", "1.0^git1", Less),
    ("1.0^git1", "1.0^git2", Less),
    ("1.0^git2", "1.0^git1", Greater),
    ("1.0^git1", "1.01", Less),
    ("1.01", "1.0^git1", Greater),
    ("1.0^20160101", "1.0^20160101", Equal),
    ("1.0^20160101", "1.0.1", Less),
    ("1.0.1", "1.0^20160101", Greater),
    ("1.0^20160101^git1", "1.0^20160101^git1", Equal),
    ("1.0^20160102", "1.0^20160101^git1", Greater),
    ("1.0^20160101^git1", "1.0^20160102", Less),
    ("1.0~rc1^git1", "1.0~rc1^git1", Equal),
    ("1.0~rc1^git1", "1.0~rc1", Greater),
    ("1.0~rc1", "1.0~rc1^git1", Less),
    ("1.0^git1~pre", "1.0^git1~pre", Equal),
    ("1.0^git1", "1.0^git1~pre", Greater),
    ("1.0^git1~pre", "1.0^git1", Less),
    ("1.0^post1", "1.0", Greater),
    ("1.0^post1", "1.0.1", Less),
    // numeric segment is newer than alpha
    ("a-1", "1-1", Less),
    ("1-1", "a-1", Greater),
    ("1.a", "1.1", Less),
    ("", "", Equal),
    ("", "1", Less),
    ("1", "", Greater),
    ("~", "", Less),
    ("^", "", Greater),
    ("1.é", "1.", Equal),
];

#[test]
fn rpmvercmp_table() {
    let mut bad = Vec::new();
    for &(a, b, want) in CASES {
        let got = rpmvercmp(a, b);
        if got != want {
            bad.push(format!("rpmvercmp({a:?}, {b:?}) = {got:?}, want {want:?}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn evr_parse() {
    let e = Evr::parse("1:2.0-3").expect("parse");
    assert_eq!(e, Evr::new(1, "2.0", "3"));
    let e = Evr::parse("2.0").expect("parse");
    assert_eq!((e.epoch, e.version.as_str(), e.release), (0, "2.0", None));
    let e = Evr::parse("1.0-1-2").expect("parse");
    assert_eq!((e.version.as_str(), e.release.as_deref()), ("1.0-1", Some("2")));
    let e = Evr::parse(":1.0").expect("parse");
    assert_eq!((e.epoch, e.version.as_str()), (0, "1.0"));
    // a colon not preceded by digits only is part of the version, as in rpm
    let e = Evr::parse("a:1.0").expect("parse");
    assert_eq!((e.epoch, e.version.as_str()), (0, "a:1.0"));
    assert!(Evr::parse("99999999999:1").is_err());
    assert_eq!(Evr::parse("3:1.0-2").expect("parse").to_string(), "3:1.0-2");
    assert_eq!(Evr::parse("0:1.0").expect("parse").to_string(), "1.0");
}

#[test]
fn evr_order() {
    let p = |s: &str| Evr::parse(s).expect("parse");
    assert!(p("1:1.0-1") > p("2.0-1"));
    assert!(p("1.0-2") > p("1.0-1"));
    assert!(p("1.0-10") > p("1.0-9"));
    assert!(p("1.0~rc1-1") < p("1.0-1"));
    // Total order: missing release sorts first (libsolv EVRCMP_COMPARE)...
    assert!(p("1.0") < p("1.0-1"));
    // ...while rpm's matching rule treats it as equal.
    assert_eq!(p("1.0").cmp_rpm(&p("1.0-1")), Equal);
    assert_eq!(p("1.0-1").cmp_rpm(&p("1.0")), Equal);
    assert_eq!(p("1.0-1").cmp_rpm(&p("1.0-2")), Less);
    assert_eq!(p("1:1.0").cmp_rpm(&p("1.0-2")), Greater);
    // Ord stays consistent with Eq even where rpmvercmp says equal.
    assert_ne!(p("1.0-1").cmp(&p("1_0-1")), Equal);
    assert_eq!(p("1.0-1").cmp_rpm(&p("1_0-1")), Equal);
    let mut v = [p("2.0-1"), p("1:0.1-1"), p("1.0-1"), p("1.0~b-1"), p("1.0^p-1")];
    v.sort();
    let s: Vec<String> = v.iter().map(|e| e.to_string()).collect();
    assert_eq!(s, ["1.0~b-1", "1.0-1", "1.0^p-1", "2.0-1", "1:0.1-1"]);
}
