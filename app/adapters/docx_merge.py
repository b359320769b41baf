"""Many .docx letters merged into one Word document, each letter its own section.

A print bureau (or LibreOffice, converting to PDF) takes one document far faster than
thousands: converting one merged file ran at ~140 pages/s where one file at a time managed
8 letters/s. The merge works on the XML text and streams the body to a temporary file, so
memory stays flat however many letters there are:

* each letter's body is copied whole and ends in a section break carrying its own page
  set-up, footer and header (copied as parts of their own, so every letter keeps its own
  account reference in the footer), with page numbers restarting at 1 and "of N" counting
  the letter's own pages (`SECTIONPAGES` for `NUMPAGES`);
* every part the body or its header/footer refers to (a logo, a link) is copied under a
  new name; styles, numbering, fonts and settings are the first letter's (letters from
  one house style share them);
* each letter starts with a bookmark `L000001`, `L000002`... so the PDF says on which page
  each letter begins (`app.adapters.libreoffice.pdf_pages`).
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_FOOTER = ("/header", "/footer")
_RID = re.compile(r'\br:(?:id|embed|link|pict)="([^"]+)"')
_REL = re.compile(r"<Relationship\b([^>]*?)/?>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_OVERRIDE = re.compile(r'<Override\b[^>]*PartName="([^"]+)"[^>]*ContentType="([^"]+)"[^>]*/>')
_DEFAULT = re.compile(r'<Default\b[^>]*Extension="([^"]+)"[^>]*ContentType="([^"]+)"[^>]*/>')
_BODY_OPEN = re.compile(r"<w:body>")
_SECT = re.compile(r"<w:sectPr\b.*?</w:sectPr>\s*</w:body>", re.S)


def bookmark_name(number: int) -> str:
    """The bookmark at the start of the `number`th letter (1-based): letters and digits only,
    so it survives as a PDF destination name unescaped."""
    return f"L{number:06d}"


@dataclass
class _Letter:
    files: dict[str, bytes]
    rels: dict[str, dict[str, str]]  # rId -> attributes
    types: dict[str, str]  # "/word/footer1.xml" -> content type
    defaults: dict[str, str]  # extension -> content type


@dataclass
class _Merged:
    parts: dict[str, bytes] = field(default_factory=dict)  # new part name (no leading /) -> bytes
    overrides: dict[str, str] = field(default_factory=dict)  # "/word/x.xml" -> content type
    defaults: dict[str, str] = field(default_factory=dict)
    rels: list[str] = field(default_factory=list)  # <Relationship .../> of document.xml.rels
    count: int = 0


def _read(content: bytes) -> _Letter:
    import io

    with zipfile.ZipFile(io.BytesIO(content)) as z:
        files = {name: z.read(name) for name in z.namelist()}
    rels_xml = files.get("word/_rels/document.xml.rels", b"").decode("utf-8")
    rels = {}
    for match in _REL.finditer(rels_xml):
        attrs = dict(_ATTR.findall(match.group(1)))
        rels[attrs["Id"]] = attrs
    types_xml = files["[Content_Types].xml"].decode("utf-8")
    return _Letter(files, rels, dict(_OVERRIDE.findall(types_xml)),
                   {ext.lower(): ct for ext, ct in _DEFAULT.findall(types_xml)})


def _part_rels(letter: _Letter, part: str) -> dict[str, dict[str, str]]:
    """The relationships of a part (a header's logo), keyed by id."""
    folder, name = posixpath.split(part)
    xml = letter.files.get(f"{folder}/_rels/{name}.rels", b"").decode("utf-8")
    return {a["Id"]: a for a in (dict(_ATTR.findall(m.group(1))) for m in _REL.finditer(xml))}


def _rels_xml(rels: Iterable[dict[str, str]]) -> bytes:
    items = "".join(_rel(a) for a in rels)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{REL_NS}">'
            f"{items}</Relationships>").encode()


def _rel(attrs: dict[str, str]) -> str:
    return "<Relationship " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>"


def _copy_part(letter: _Letter, merged: _Merged, source: str, index: int) -> str:
    """Copy `source` (a path inside the letter's zip) and what it refers to; the new path."""
    folder, name = posixpath.split(source)
    target = f"{folder}/print/{index}_{name}"
    content = letter.files[source]
    own = _part_rels(letter, source)
    if own:
        renamed = []
        for attrs in own.values():
            attrs = dict(attrs)
            if attrs.get("TargetMode") != "External":
                inner = posixpath.normpath(posixpath.join(folder, attrs["Target"]))
                attrs["Target"] = posixpath.relpath(_copy_part(letter, merged, inner, index), folder + "/print")
            renamed.append(attrs)
        merged.parts[f"{folder}/print/_rels/{index}_{name}.rels"] = _rels_xml(renamed)
    if "/footer" in source or "/header" in source:
        content = content.replace(b'w:instr="NUMPAGES"', b'w:instr="SECTIONPAGES"').replace(
            b" NUMPAGES ", b" SECTIONPAGES ")
    merged.parts[target] = content
    content_type = letter.types.get("/" + source)
    if content_type:
        merged.overrides["/" + target] = content_type
    else:
        ext = name.rsplit(".", 1)[-1].lower()
        if ext in letter.defaults:
            merged.defaults.setdefault(ext, letter.defaults[ext])
    return target


def _relink(text: str, letter: _Letter, merged: _Merged, index: int) -> str:
    """Give every r:id the text uses a relationship of the merged document (parts copied)."""
    mapping: dict[str, str] = {}
    for rid in dict.fromkeys(_RID.findall(text)):
        attrs = dict(letter.rels[rid])
        new_id = f"rIdL{index}x{len(mapping)}"
        if attrs.get("TargetMode") != "External":
            source = posixpath.normpath(posixpath.join("word", attrs["Target"]))
            attrs["Target"] = posixpath.relpath(_copy_part(letter, merged, source, index), "word")
        attrs["Id"] = new_id
        merged.rels.append(_rel(attrs))
        mapping[rid] = new_id
    return _RID.sub(lambda m: m.group(0).replace(f'"{m.group(1)}"', f'"{mapping[m.group(1)]}"'), text)


def _with_bookmark(body: str, number: int) -> str:
    """A bookmark at the start of the letter's first paragraph (after its properties)."""
    start = re.search(r"<w:p[ >]", body)
    if start is None:
        return body
    end = body.index(">", start.start()) + 1
    if body[start.start():end].endswith("/>"):  # an empty paragraph <w:p/>
        body = body[:start.start()] + "<w:p>" + "</w:p>" + body[end:]
        end = start.start() + len("<w:p>")
    if body.startswith("<w:pPr/>", end):
        end += len("<w:pPr/>")
    elif body.startswith("<w:pPr", end):
        end = body.index("</w:pPr>", end) + len("</w:pPr>")
    mark_id = 900000 + number
    mark = f'<w:bookmarkStart w:id="{mark_id}" w:name="{escape(bookmark_name(number))}"/><w:bookmarkEnd w:id="{mark_id}"/>'
    return body[:end] + mark + body[end:]


def _restarting(sect: str) -> str:
    """The section's page numbers start at 1 (each letter is numbered on its own)."""
    if "<w:pgNumType" in sect:
        return re.sub(r"<w:pgNumType\b[^>]*/>", '<w:pgNumType w:start="1"/>', sect, count=1)
    for before in ("<w:cols", "<w:formProt", "<w:vAlign", "<w:noEndnote", "<w:titlePg", "<w:textDirection",
                   "<w:bidi", "<w:rtlGutter", "<w:docGrid", "<w:printerSettings", "</w:sectPr>"):
        at = sect.find(before)
        if at >= 0:
            return sect[:at] + '<w:pgNumType w:start="1"/>' + sect[at:]
    return sect


def merge_letters(letters: Iterable[bytes], out: str | Path) -> int:
    """Write `letters` (.docx bytes, in print order) as one .docx at `out`; return how many.

    ValueError when there are none or one is not a Word document this merge understands.
    """
    merged = _Merged()
    base: _Letter | None = None
    prefix = ""
    pending_sect = ""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as body:
        for content in letters:
            letter = _read(content)
            xml = letter.files["word/document.xml"].decode("utf-8")
            opened = _BODY_OPEN.search(xml)
            sect = _SECT.search(xml)
            if opened is None or sect is None:
                raise ValueError("A letter has no document body or page set-up to merge.")
            merged.count += 1
            if base is None:
                base, prefix = letter, xml[:opened.end()]
            inner = xml[opened.end():sect.start()]
            section = sect.group(0)[: sect.group(0).rindex("</w:body>")].rstrip()
            if pending_sect:
                body.write(f"<w:p><w:pPr>{pending_sect}</w:pPr></w:p>")
            body.write(_relink(_with_bookmark(inner, merged.count), letter, merged, merged.count))
            pending_sect = _restarting(_relink(section, letter, merged, merged.count))
        if base is None:
            raise ValueError("There are no letters to merge.")
        body.write(pending_sect + "</w:body></w:document>")
        body.seek(0)
        _write_package(base, merged, prefix, body, Path(out))
    return merged.count


def _write_package(base: _Letter, merged: _Merged, prefix: str, body: object, out: Path) -> None:
    """The first letter's package with the merged body, the copied parts and new relationships."""
    dropped = {posixpath.normpath(posixpath.join("word", a["Target"])) for a in base.rels.values()
               if a["Type"].endswith(HEADER_FOOTER)}
    kept_rels = [_rel(a) for a in base.rels.values() if not a["Type"].endswith(HEADER_FOOTER)
                 and not _per_letter(a)]
    types = {k: v for k, v in base.types.items() if k.lstrip("/") not in dropped}
    types.update(merged.overrides)
    defaults = {**merged.defaults, **base.defaults}
    partial = out.with_name(f".{out.name}.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + "".join(f'<Default Extension={quoteattr(e)} ContentType={quoteattr(c)}/>' for e, c in defaults.items())
            + "".join(f'<Override PartName={quoteattr(p)} ContentType={quoteattr(c)}/>' for p, c in types.items())
            + "</Types>").encode("utf-8"))
        for name, content in base.files.items():
            if name in dropped or name in ("[Content_Types].xml", "word/document.xml", "word/_rels/document.xml.rels"):
                continue
            if name.startswith("word/_rels/") and posixpath.join("word", name[len("word/_rels/"):-5]) in dropped:
                continue
            z.writestr(name, content)
        for name, content in merged.parts.items():
            z.writestr(name, content)
        z.writestr("word/_rels/document.xml.rels", _rels_xml([]).replace(
            b"</Relationships>", ("".join(kept_rels) + "".join(merged.rels)).encode("utf-8") + b"</Relationships>"))
        with z.open("word/document.xml", "w", force_zip64=True) as target:
            target.write(prefix.encode("utf-8"))
            while chunk := body.read(1 << 20):  # type: ignore[attr-defined]
                target.write(chunk.encode("utf-8"))
    partial.replace(out)


_PACKAGE_PARTS = ("/styles", "/settings", "/fontTable", "/theme", "/numbering", "/webSettings", "/footnotes",
                  "/endnotes", "/comments", "/customXml", "/glossaryDocument", "/people")


def _per_letter(attrs: dict[str, str]) -> bool:
    """A relationship of the first letter its body refers to (copied per letter), not a
    package-wide part (styles, numbering, fonts...) the merged document keeps once."""
    return not attrs["Type"].endswith(_PACKAGE_PARTS)
