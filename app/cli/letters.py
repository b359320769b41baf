"""`revdesk letters export` (a batch run's letters for the print bureau) and `revdesk document show`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import EXIT_OK, Handler, UsageError, print_json, progress_printer, record_id

if TYPE_CHECKING:
    from app.application import Application


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    letters = sub.add_parser("letters", help="letters").add_subparsers(dest="letters_command", metavar="ACTION", required=True)
    export = letters.add_parser("export", help="write a batch run's letters as Word files into a folder")
    export.add_argument("--run", required=True, help="batch run id")
    export.add_argument("--out", required=True, help="folder for the .docx files (created if need be)")
    export.add_argument("--json", action="store_true")

    document = sub.add_parser("document", help="letters kept on accounts").add_subparsers(
        dest="document_command", metavar="ACTION", required=True
    )
    show = document.add_parser("show", help="write a letter, as it was sent, to a .docx file")
    show.add_argument("document_id")
    show.add_argument("--out", required=True, help="file to write")
    show.add_argument("--json", action="store_true")

    handlers["letters"] = _letters
    handlers["document"] = _document



def _letters(app: Application, args: argparse.Namespace) -> int:
    run_id = record_id(args.run, "batch run")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    report = progress_printer(quiet=args.json)
    written = app.export_letters(run_id, out, progress=report)
    if report:
        print(file=sys.stderr)  # end the progress line
    if args.json:
        print_json({"run": str(run_id), "exported": written, "out": str(out)})
    else:
        print(f"Wrote {written:,} letters to {out}.")
    return EXIT_OK


def _document(app: Application, args: argparse.Namespace) -> int:
    from app.letters.documents import document_bytes

    document_id = record_id(args.document_id, "document")
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name")
    if not out.parent.is_dir():
        raise UsageError(f"the folder {out.parent} does not exist")
    file_name, content = app.read(document_bytes, document_id)
    out.write_bytes(content)
    if args.json:
        print_json({"document_id": str(document_id), "file_name": file_name, "out": str(out), "bytes": len(content)})
    else:
        print(f"Wrote {file_name} to {out}.")
    return EXIT_OK
