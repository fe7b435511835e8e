#!/usr/bin/env python3
"""Turns docs/configuration.md into the body of cuttle.conf(5), so the manual page
says what the reference says (the build runs it; packaging/man/cuttle.conf.5.in
holds the sections around it).

    markdown-to-man.py TEMPLATE MARKDOWN OUTPUT VERSION

The Markdown this project writes is all it reads: `##`/`###` headings, paragraphs,
`-` lists (continued by indented lines), ``` blocks, tables whose first column
names a directive. A table row becomes a tagged paragraph (.TP) headed by its
first cell; the other cells follow, each after its column's name when there are
more than two.
"""
import re
import sys

# Characters groff may lack in some output devices: named glyphs instead.
GLYPHS = {
    "\u2026": "\\&...", "\u2014": "\\(em", "\u2013": "\\(en", "\u2192": "\\(->", "\u2190": "\\(<-",
    "\u2264": "\\(<=", "\u2265": "\\(>=", "\u00d7": "\\(mu", "\u00b5": "\\(mc", "\u00a7": "\\(sc",
    "\u2019": "\\(cq", "\u2018": "\\(oq", "\u201c": "\\(lq", "\u201d": "\\(rq", "\u2260": "\\(!=",
    "\u00b1": "\\(+-", "\u2248": "\\(~~", "\u2212": "\\-", "\u00a0": "\\ ",
}


def escape(text, literal=False):
    """Roff-escapes plain text; in literal (code) text every '-' is a minus."""
    text = text.replace("\\", "\\e")
    if literal:
        text = text.replace("-", "\\-")
    return "".join(GLYPHS.get(c, c) for c in text)


def inline(text):
    """Markdown inline markup to roff fonts: `code` bold, **strong** bold, *em* italic,
    links as their text."""
    out = []
    # Code spans first: nothing inside them is markup.
    for i, part in enumerate(re.split(r"(`[^`]*`)", text)):
        if i % 2:
            out.append("\\fB" + escape(part[1:-1], literal=True) + "\\fR")
            continue
        part = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", part)
        part = escape(part)
        part = re.sub(r"\*\*([^*]+)\*\*", r"\\fB\1\\fR", part)
        part = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\\fI\1\\fR", part)
        out.append(part)
    return "".join(out)


def line(text):
    """One output line; a leading '.' or ''' would be a request."""
    text = text.strip()
    return "\\&" + text if text[:1] in (".", "'") else text


def cells(row):
    """A table row's cells: split at '|' but not at '\\|' (a '|' in the text)."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [p.strip().replace("\\|", "|") for p in re.split(r"(?<!\\)\|", row)]


def convert(markdown):
    out = []
    lines = markdown.splitlines()
    i = 0
    skipped_title = False

    def paragraph(text, request=".PP"):
        out.append(request)
        out.append(line(inline(text)))

    while i < len(lines):
        cur = lines[i]
        if not cur.strip():
            i += 1
        elif cur.startswith("# ") and not skipped_title:
            skipped_title = True  # the template names the page
            i += 1
        elif cur.startswith("## "):
            out.append(".SH " + escape(cur[3:].strip().upper()))
            i += 1
        elif cur.startswith("### "):
            out.append(".SS " + escape(cur[4:].strip()))
            i += 1
        elif cur.startswith("```"):
            i += 1
            out += [".PP", ".RS", ".nf"]
            while i < len(lines) and not lines[i].startswith("```"):
                out.append(line(escape(lines[i], literal=True)) or "\\&")
                i += 1
            out += [".fi", ".RE"]
            i += 1
        elif cur.lstrip().startswith("|"):
            header = cells(cur)
            i += 2  # the header and its |---| line
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                row = cells(lines[i])
                out.append(".TP")
                out.append(line(inline(row[0])))
                first = True
                for name, value in zip(header[1:], row[1:]):
                    if not value:
                        continue
                    text = inline(value)
                    if len(header) > 2:
                        text = "\\fI" + escape(name) + ":\\fR " + text
                    if not first:
                        out.append(".br")
                    out.append(line(text))
                    first = False
                i += 1
        elif re.match(r"\s*- ", cur):
            indent = len(cur) - len(cur.lstrip())
            text = cur.strip()[2:]
            i += 1
            # Continuation lines are indented deeper than the dash.
            while i < len(lines) and lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) > indent \
                    and not re.match(r"\s*- ", lines[i]):
                text += " " + lines[i].strip()
                i += 1
            paragraph(text, ".IP \\(bu 2" if indent == 0 else ".IP \\(em 4")
        else:
            text = cur.strip()
            i += 1
            while i < len(lines) and lines[i].strip() and not re.match(r"\s*(- |#|\||```)", lines[i]):
                text += " " + lines[i].strip()
                i += 1
            paragraph(text)
    return "\n".join(out) + "\n"


def main():
    template_path, markdown_path, output_path, version = sys.argv[1:5]
    with open(markdown_path, encoding="utf-8") as f:
        body = convert(f.read())
    with open(template_path, encoding="utf-8") as f:
        template = f.read()
    page = template.replace("@CUTTLE_VERSION@", version).replace("@CONFIGURATION_MD@\n", body)
    with open(output_path, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
