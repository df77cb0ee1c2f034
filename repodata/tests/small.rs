//! Hand-written documents exercising every field of each parser.

use std::io::Cursor;

use repodata::updateinfo::parse_date;
use repodata::{ChecksumKind, DepOp, FileKind, Repomd, parse_filelists, parse_other, parse_primary, parse_updateinfo};

const PRIMARY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- comment -->
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="2">
<package type="rpm">
  <name>foo</name>
  <arch>x86_64</arch>
  <version epoch="2" ver="1.0" rel="3.el9"/>
  <checksum type="SHA" pkgid="YES">ABCDEF</checksum>
  <summary>Foo &amp; bar &lt;tools&gt; &#233;&#x263a;</summary>
  <description><![CDATA[raw <text>]]> and more</description>
  <packager>Joe &quot;J&quot; &apos;X&apos;</packager>
  <url>http://x/?a=1&amp;b=2</url>
  <time file="10" build="20"/>
  <size package="1" installed="2" archive="3"/>
  <location xml:base="http://mirror/&amp;base" href="Packages/foo.rpm"/>
  <format>
    <rpm:license>MIT</rpm:license>
    <rpm:vendor>V</rpm:vendor>
    <rpm:group>G</rpm:group>
    <rpm:buildhost>B</rpm:buildhost>
    <rpm:sourcerpm>foo.src.rpm</rpm:sourcerpm>
    <rpm:header-range start="100" end="200"/>
    <rpm:provides><rpm:entry name="foo" flags="EQ" epoch="2" ver="1.0" rel="3.el9"/></rpm:provides>
    <rpm:requires>
      <rpm:entry name="a &lt; b" flags="GE" epoch="0" ver="1"/>
      <rpm:entry name="c" pre="1"/>
      <rpm:entry name="(d if e)"/>
    </rpm:requires>
    <rpm:conflicts><rpm:entry name="k" flags="LT" ver="2" rel="1"/></rpm:conflicts>
    <rpm:obsoletes><rpm:entry name="o" flags="LE" epoch="1" ver="2"/></rpm:obsoletes>
    <rpm:recommends><rpm:entry name="r"/></rpm:recommends>
    <rpm:suggests><rpm:entry name="s" flags="GT" ver="0"/></rpm:suggests>
    <rpm:supplements><rpm:entry name="su"/></rpm:supplements>
    <rpm:enhances><rpm:entry name="en"/></rpm:enhances>
    <rpm:unknown><x/>y</rpm:unknown>
    <file>/usr/bin/foo</file>
    <file type="dir">/usr/share/foo</file>
    <file type="ghost">/var/log/foo.log</file>
  </format>
</package>
<package type="rpm"><name>bar</name><arch>noarch</arch><version ver="1" rel="1"/></package>
</metadata>
"#;

#[test]
fn primary_every_field() {
    let mut pkgs = Vec::new();
    let n = parse_primary(Cursor::new(PRIMARY), "p.xml", |p| {
        pkgs.push(p);
        Ok(())
    })
    .expect("parse");
    assert_eq!(n, 2);
    let p = &pkgs[0];
    assert_eq!((p.name.as_str(), p.arch.as_str(), p.epoch), ("foo", "x86_64", 2));
    assert_eq!(p.evr(), "2:1.0-3.el9");
    let c = p.checksum.as_ref().expect("checksum");
    assert_eq!((c.kind, c.hex.as_str()), (ChecksumKind::Sha1, "abcdef"));
    assert_eq!(p.summary, "Foo & bar <tools> é☺");
    assert_eq!(p.description, "raw <text> and more");
    assert_eq!(p.packager, "Joe \"J\" 'X'");
    assert_eq!(p.url, "http://x/?a=1&b=2");
    assert_eq!((p.time_file, p.time_build), (10, 20));
    assert_eq!((p.size_package, p.size_installed, p.size_archive), (1, 2, 3));
    assert_eq!(p.location_href, "Packages/foo.rpm");
    assert_eq!(p.location_base.as_deref(), Some("http://mirror/&base"));
    assert_eq!(
        (p.license.as_str(), p.vendor.as_str(), p.group.as_str(), p.buildhost.as_str(), p.sourcerpm.as_str()),
        ("MIT", "V", "G", "B", "foo.src.rpm")
    );
    assert_eq!(p.header_range, Some((100, 200)));
    let s = |v: &Vec<repodata::Dependency>| v.iter().map(|d| d.to_rpm_string()).collect::<Vec<_>>();
    assert_eq!(s(&p.provides), ["foo = 2:1.0-3.el9"]);
    assert_eq!(s(&p.requires), ["a < b >= 1", "c", "(d if e)"]);
    assert!(p.requires[1].pre && !p.requires[0].pre);
    assert_eq!(p.requires[0].op, Some(DepOp::Ge));
    assert_eq!(s(&p.conflicts), ["k < 2-1"]);
    assert_eq!(s(&p.obsoletes), ["o <= 1:2"]);
    assert_eq!(s(&p.recommends), ["r"]);
    assert_eq!(s(&p.suggests), ["s > 0"]);
    assert_eq!(s(&p.supplements), ["su"]);
    assert_eq!(s(&p.enhances), ["en"]);
    let files: Vec<_> = p.files.iter().map(|f| (f.path.as_str(), f.kind)).collect();
    assert_eq!(
        files,
        [("/usr/bin/foo", FileKind::File), ("/usr/share/foo", FileKind::Dir), ("/var/log/foo.log", FileKind::Ghost)]
    );
    let b = &pkgs[1];
    assert_eq!((b.name.as_str(), b.epoch, b.evr().as_str()), ("bar", 0, "1-1"));
    assert!(b.provides.is_empty() && b.checksum.is_none());
}

#[test]
fn repomd_fields() {
    let xml = r#"<?xml version="1.0"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo">
  <revision>42</revision>
  <tags><content>binary-x86_64</content><distro cpeid="x">AL 3</distro></tags>
  <data type="primary_zck">
    <checksum type="sha512">AA</checksum>
    <open-checksum type="sha256">bb</open-checksum>
    <header-checksum type="sha256">cc</header-checksum>
    <location xml:base="http://b/" href="repodata/p.xml.zck"/>
    <timestamp>7</timestamp><size>10</size><open-size>20</open-size><header-size>3</header-size>
  </data>
  <data type="primary_db"><checksum type="md5">dd</checksum><location href="p.sqlite.bz2"/><database_version>10</database_version><timestamp>9</timestamp></data>
</repomd>"#;
    let md = Repomd::parse(Cursor::new(xml), "repomd.xml").expect("parse");
    assert_eq!(md.revision.as_deref(), Some("42"));
    assert_eq!(md.timestamp_max, Some(9));
    assert_eq!(md.content_tags, ["binary-x86_64"]);
    assert_eq!(md.distro_tags, ["AL 3"]);
    let z = md.get("primary_zck").expect("zck");
    assert_eq!((z.checksum.kind, z.checksum.hex.as_str()), (ChecksumKind::Sha512, "aa"));
    assert_eq!(z.open_checksum.as_ref().map(|c| c.hex.as_str()), Some("bb"));
    assert_eq!((z.location_href.as_str(), z.location_base.as_deref()), ("repodata/p.xml.zck", Some("http://b/")));
    assert_eq!((z.timestamp, z.size, z.open_size), (Some(7), Some(10), Some(20)));
    assert_eq!(md.get("primary_db").and_then(|r| r.database_version), Some(10));
    for bad in [
        "<repomd><data type=\"x\"><location href=\"a\"/></data></repomd>",
        "<repomd><data type=\"x\"><checksum type=\"sha256\">a</checksum></data></repomd>",
        "<repomd><data><checksum type=\"sha256\">a</checksum><location href=\"a\"/></data></repomd>",
        "<repomd><data type=\"x\"><checksum type=\"sha256\">a</checksum><location href=\"a\"/><size>-1</size></data></repomd>",
        "<metadata/>",
    ] {
        let e = Repomd::parse(Cursor::new(bad), "repomd.xml").expect_err(bad);
        assert!(e.to_string().starts_with("repomd.xml: line 1"), "{e}");
    }
}

#[test]
fn filelists_and_other() {
    let fl = r#"<filelists packages="2">
<package pkgid="ABC" name="foo" arch="noarch"><version epoch="1" ver="2" rel="3"/>
<file>/a</file><file type="dir">/b</file><file type="ghost">/c &amp; d</file></package>
<package pkgid="def" name="e" arch="x"><version ver="1" rel="1"/></package>
</filelists>"#;
    let mut v = Vec::new();
    let n = parse_filelists(Cursor::new(fl), "f.xml", |e| {
        v.push(e);
        Ok(())
    })
    .expect("filelists");
    assert_eq!(n, 2);
    assert_eq!((v[0].pkgid.as_str(), v[0].name.as_str(), v[0].epoch, v[0].version.as_str()), ("abc", "foo", 1, "2"));
    assert_eq!(v[0].files[2].path, "/c & d");
    assert_eq!(v[0].files[1].kind, FileKind::Dir);
    assert!(v[1].files.is_empty());
    assert!(parse_filelists(Cursor::new("<filelists><package name=\"x\"/></filelists>"), "f", |_| Ok(())).is_err());

    let other = r#"<otherdata packages="1"><package pkgid="p1" name="foo" arch="x86_64">
<version epoch="0" ver="1" rel="2"/>
<changelog author="A &lt;a@x&gt; - 1-1" date="1600000000">- first
- second</changelog>
<changelog author="B" date="1700000000">- third &amp; last</changelog>
</package></otherdata>"#;
    let mut v = Vec::new();
    let n = parse_other(Cursor::new(other), "o.xml", |e| {
        v.push(e);
        Ok(())
    })
    .expect("other");
    assert_eq!(n, 1);
    let c = &v[0].changelogs;
    assert_eq!(c.len(), 2);
    assert_eq!((c[0].author.as_str(), c[0].date), ("A <a@x> - 1-1", 1_600_000_000));
    assert_eq!(c[0].text, "- first\n- second");
    assert_eq!(c[1].text, "- third & last");
    assert!(parse_other(Cursor::new("<filelists/>"), "o", |_| Ok(())).is_err());
}

#[test]
fn updateinfo_fields_and_dates() {
    let xml = r#"<updates>
<update from="sec@x" status="final" type="security" version="2">
  <id>ALSA-1</id><title>T</title><severity>Important</severity>
  <issued date="2024-02-29"/><updated date="1700000000"/>
  <summary>S</summary><rights>R</rights><release>AL 3</release>
  <description>D &amp; E</description>
  <references><reference href="https://cve/1" id="CVE-1" type="cve" title="t1"/></references>
  <pkglist><collection short="c"><name>C</name>
    <package name="n" epoch="1" version="2" release="3" arch="x86_64" src="n.src.rpm">
      <filename> n-2-3.x86_64.rpm </filename><sum type="sha256">00</sum>
    </package>
  </collection></pkglist>
  <restart_suggested>true</restart_suggested>
</update>
<update type="bugfix"><id>B</id><issued date="bogus"/><reboot_suggested>0</reboot_suggested></update>
</updates>"#;
    let mut v = Vec::new();
    parse_updateinfo(Cursor::new(xml), "u.xml", |a| {
        v.push(a);
        Ok(())
    })
    .expect("parse");
    let a = &v[0];
    assert_eq!((a.kind.as_str(), a.status.as_str(), a.from.as_str(), a.version.as_str()), ("security", "final", "sec@x", "2"));
    assert_eq!((a.id.as_str(), a.title.as_str(), a.severity.as_deref()), ("ALSA-1", "T", Some("Important")));
    assert_eq!((a.issued, a.updated), (Some(1_709_164_800), Some(1_700_000_000)));
    assert_eq!((a.summary.as_str(), a.rights.as_str(), a.release.as_str()), ("S", "R", "AL 3"));
    assert_eq!(a.description, "D & E");
    assert_eq!(a.references.len(), 1);
    let r = &a.references[0];
    assert_eq!((r.href.as_str(), r.id.as_str(), r.kind.as_str(), r.title.as_str()), ("https://cve/1", "CVE-1", "cve", "t1"));
    let p = &a.packages[0];
    assert_eq!((p.name.as_str(), p.epoch, p.version.as_str(), p.release.as_str()), ("n", 1, "2", "3"));
    assert_eq!((p.arch.as_str(), p.src.as_str(), p.filename.as_str()), ("x86_64", "n.src.rpm", "n-2-3.x86_64.rpm"));
    assert!(a.restart_suggested && !a.reboot_suggested);
    assert_eq!((v[1].issued, v[1].reboot_suggested, v[1].severity.as_deref()), (None, false, None));

    assert_eq!(parse_date("1970-01-01 00:00:00"), Some(0));
    assert_eq!(parse_date("2008-09-09 22:07:04"), Some(1_220_998_024));
    assert_eq!(parse_date("2008-09-09 22:07:04.35"), Some(1_220_998_024));
    assert_eq!(parse_date("2008-09-09T22:07:04Z"), Some(1_220_998_024));
    assert_eq!(parse_date("2000-03-01"), Some(951_868_800));
    assert_eq!(parse_date("1969-12-31 23:59:59"), Some(-1));
    assert_eq!(parse_date("2100-02-29"), None);
    assert_eq!(parse_date("2008-13-01"), None);
    assert_eq!(parse_date("2008-01-01 25:00:00"), None);
    assert_eq!(parse_date(""), None);
}
