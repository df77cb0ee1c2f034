#!/usr/bin/env python3
"""Generate roff man pages from the markdown sources in this directory.

The sources use a small pandoc-like subset: a `% NAME(S) footer | header`
title line, `# SECTION` headings, paragraphs, definition lists (a term line
followed by `:   text` lines), `* ` bullet lists, **bold** and *italic*.

    man/gen.py          rewrite man/*.[58] from man/*.md
    man/gen.py --check  fail if a generated page is out of date
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def inline(text: str) -> str:
    text = text.replace("\\", "\\e")
    text = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\\fI\1\\fR", text)
    text = text.replace("\\e*", "*")
    if text.startswith(".") or text.startswith("'"):
        text = "\\&" + text
    return text.replace("-", "\\-")


def convert(src: str) -> str:
    lines = src.splitlines()
    out = []
    title = lines[0].lstrip("% ").strip()
    name_sec, _, rest = title.partition(" ")
    name, sec = re.match(r"(.+)\((\d)\)", name_sec).groups()
    footer, _, header = rest.partition("|")
    out.append(f'.TH "{name}" "{sec}" "" "{footer.strip()}" "{header.strip()}"')
    i = 1
    para = []

    def flush():
        if para:
            out.append(".PP")
            out.append(inline(" ".join(para)))
            para.clear()

    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.startswith("# "):
            flush()
            out.append(f".SH {line[2:].strip()}")
        elif not line.strip():
            flush()
        elif nxt.startswith(":   "):
            flush()
            out.append(".TP")
            out.append(inline(line.strip()))
            i += 1
            body = []
            while i < len(lines) and (lines[i].startswith(":   ") or lines[i].startswith("    ")):
                body.append(lines[i][4:].strip())
                i += 1
            out.append(inline(" ".join(body)))
            continue
        elif line.startswith("* "):
            flush()
            item = [line[2:].strip()]
            i += 1
            while i < len(lines) and lines[i].startswith("  ") and not lines[i].startswith("* "):
                item.append(lines[i].strip())
                i += 1
            out.append(".IP \\(bu 2")
            out.append(inline(" ".join(item)))
            continue
        else:
            para.append(line.strip())
        i += 1
    flush()
    return "\n".join(out) + "\n"


def main() -> int:
    check = "--check" in sys.argv
    stale = []
    for src in sorted(HERE.glob("*.md")):
        target = HERE / src.stem
        roff = convert(src.read_text())
        if check:
            if not target.exists() or target.read_text() != roff:
                stale.append(target.name)
        else:
            target.write_text(roff)
    if stale:
        print("out of date (run man/gen.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
