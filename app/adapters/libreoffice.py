"""LibreOffice, headless, as the converter from Word to PDF; and reading back the PDF's pages.

One `soffice --headless --convert-to pdf` per print file: LibreOffice takes seconds to
start, then converts a merged document at ~140 pages/s, where one process per letter
managed 8 letters/s. Each conversion gets a user profile of its own in a temporary folder,
so it never waits on (or disturbs) a LibreOffice the officer has open.

The PDF is asked to keep Word bookmarks as named destinations; `pdf_pages` reads the page
tree and those destinations (LibreOffice writes them as plain objects) to say how many
pages there are and on which page each bookmark is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

PDF_FILTER = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
START_SECONDS = 120  # LibreOffice's first start (a new profile) on a slow shared machine
PAGES_PER_SECOND = 20  # the timeout allows for a conversion seven times slower than measured


class ConversionFailed(Exception):
    """LibreOffice ran but made no PDF (its last words in the message)."""


def soffice() -> str | None:
    """The LibreOffice program (`REVDESK_SOFFICE`, else `soffice`/`libreoffice` on the PATH), or None."""
    named = os.environ.get("REVDESK_SOFFICE")
    if named:
        return named if Path(named).exists() else shutil.which(named)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx: Path, pdf: Path, *, pages_hint: int = 0, program: str | None = None) -> None:
    """Convert `docx` to `pdf` (written then renamed). ConversionFailed if no PDF comes out."""
    exe = program or soffice()
    if exe is None:
        raise ConversionFailed("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="revdesk-pdf-") as work:
        folder = Path(work)
        profile = (folder / "profile").as_uri()
        command = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
                   "--convert-to", PDF_FILTER, "--outdir", str(folder / "out"), str(docx)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  timeout=START_SECONDS + pages_hint / PAGES_PER_SECOND)
        except subprocess.TimeoutExpired:
            raise ConversionFailed("LibreOffice did not finish converting the letters in time") from None
        made = folder / "out" / f"{docx.stem}.pdf"
        if not made.exists():
            said = (done.stderr or done.stdout or "").strip().splitlines()
            raise ConversionFailed(f"LibreOffice made no PDF ({said[-1] if said else f'exit {done.returncode}'})")
        partial = pdf.with_name(f".{pdf.name}.partial")
        shutil.move(str(made), partial)
        partial.replace(pdf)


_ROOT = re.compile(rb"/Root\s+(\d+)\s+0\s+R")
_PAGES_REF = re.compile(rb"/Pages\s+(\d+)\s+0\s+R")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_REF = re.compile(rb"(\d+)\s+0\s+R")
_DEST = re.compile(rb"/([A-Za-z][A-Za-z0-9]*)\s*\[\s*(\d+)\s+0\s+R\s*/XYZ")


def _object(pdf: bytes, number: int) -> bytes:
    """The text of indirect object `number` up to its `endobj` (page tree nodes hold no streams)."""
    found = re.search(rb"(?:^|[\r\n\s])%d\s+0\s+obj\b" % number, pdf)
    if found is None:
        raise ValueError(f"object {number} is not in the PDF")
    end = pdf.find(b"endobj", found.end())
    return pdf[found.end(): end if end >= 0 else len(pdf)]


def pdf_pages(pdf: bytes) -> tuple[int, dict[str, int]]:
    """(number of pages, {destination name: 1-based page}) of a PDF LibreOffice wrote.

    ValueError when the page tree cannot be read (e.g. a PDF written with compressed object
    streams): the caller reports the pages as unknown rather than guessing."""
    roots = _ROOT.findall(pdf)
    if not roots:
        raise ValueError("the PDF has no catalogue")
    pages_ref = _PAGES_REF.search(_object(pdf, int(roots[-1])))
    if pages_ref is None:
        raise ValueError("the PDF's catalogue names no pages")
    order: list[int] = []
    stack = [int(pages_ref.group(1))]
    while stack:
        number = stack.pop()
        node = _object(pdf, number)
        kids = _KIDS.search(node)
        if kids is not None and re.search(rb"/Type\s*/Pages\b", node):
            stack.extend(reversed([int(k) for k in _REF.findall(kids.group(1))]))
        else:
            order.append(number)
    position = {number: i + 1 for i, number in enumerate(order)}
    dests = {name.decode("ascii"): position[int(ref)] for name, ref in _DEST.findall(pdf) if int(ref) in position}
    return len(order), dests
