"""`revdesk letters ...`: the templates on offer, one letter from an account, a batch run's
letters for the print bureau; and `revdesk document show`. Thin: parse, ask the application, print."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    Handler,
    UsageError,
    as_of_and_json,
    print_json,
    progress_printer,
    record_id,
)

if TYPE_CHECKING:
    from app.application import Application


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    letters = sub.add_parser("letters", help="letters").add_subparsers(dest="letters_command", metavar="ACTION", required=True)
    export = letters.add_parser("export", help="write a batch run's letters as Word files into a folder")
    export.add_argument("--run", required=True, help="batch run id")
    export.add_argument("--out", required=True, help="folder for the .docx files (created if need be)")
    export.add_argument("--json", action="store_true")
    printing = letters.add_parser("print", help="a batch run's letters as one PDF in address order, with a manifest")
    printing.add_argument("--run", required=True, help="batch run id")
    printing.add_argument("--out", required=True, help="the PDF to write (FILE.docx and FILE-manifest.csv beside it)")
    printing.add_argument("--force", action="store_true", help="replace the files if they exist")
    printing.add_argument("--json", action="store_true")
    listing = letters.add_parser("templates", help="the letter templates on offer (the council's folder first)")
    listing.add_argument("--check", action="store_true",
                         help="fail (exit 1) naming each template file that cannot make letters")
    listing.add_argument("--json", action="store_true")
    generate = letters.add_parser("generate", help="write one letter from an account; it is kept on the account")
    generate.add_argument("ref", help="account reference")
    generate.add_argument("--template", required=True, help="template name (see `revdesk letters templates`)")
    generate.add_argument("--paragraph", default="", help="your own paragraph, for a template that has one")
    generate.add_argument("--to", dest="recipient", action="append", default=[],
                          help="address the letter to someone else: once per line, name first (tracing enquiry)")
    generate.add_argument("--out", default=None, help="also write the letter to this .docx file")
    generate.add_argument("--force", action="store_true", help="replace --out if it exists")
    as_of_and_json(generate)

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
    if args.letters_command == "templates":
        return _templates(app, args)
    if args.letters_command == "generate":
        return _generate(app, args)
    if args.letters_command == "print":
        return _print(app, args)
    return _export(app, args)


def _templates(app: Application, args: argparse.Namespace) -> int:
    infos, problems = app.letter_templates()
    if args.json:
        print_json({
            "templates": [{"name": i.name, "title": i.title, "version": i.version, "source": i.source,
                           "free_paragraph": i.free_paragraph, "fields": list(i.fields)} for i in infos],
            "problems": [p.to_json() for p in problems],
        })
    else:
        for i in infos:
            print(f"{i.name:<32} {i.version}  {i.source:<8} {'free paragraph  ' if i.free_paragraph else ''}{i.title}")
    for problem in problems:
        print(f"revdesk: {problem.sentence()}", file=sys.stderr)
    return EXIT_FAILURE if args.check and problems else EXIT_OK


def _writable(path: str, force: bool) -> Path:
    """The --out file, refused before anything is made if it exists (unless --force) or its folder does not."""
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name")
    if not out.parent.is_dir():
        raise UsageError(f"the folder {out.parent} does not exist")
    if out.exists() and not force:
        raise UsageError(f"{out} exists; use --force to replace it")
    return out


def _generate(app: Application, args: argparse.Namespace) -> int:
    from app.letters.requests import GenerateLetter

    out = _writable(args.out, args.force) if args.out else None
    letter = app.execute(GenerateLetter(
        account_ref=args.ref, template=args.template, as_of=args.as_of or clock.today(), paragraph=args.paragraph,
        recipient=tuple(args.recipient),
    ))
    file = None
    if out is not None:
        _, content = app.document_file(letter.document_id)
        partial = out.with_name(f".{out.name}.partial")
        partial.write_bytes(content)
        partial.replace(out)
        file = str(out)
    if args.json:
        print_json({"document_id": str(letter.document_id), "file": file, "file_name": letter.file_name,
                    "template": letter.template, "template_version": letter.template_version})
    else:
        print(f"Made {letter.file_name} (template {letter.template} version {letter.template_version}), kept on "
              f"account {letter.account_ref}{f'; written to {file}' if file else ''}.")
    return EXIT_OK


def _print(app: Application, args: argparse.Namespace) -> int:
    run_id = record_id(args.run, "batch run")
    report = progress_printer(quiet=args.json)
    made = app.print_letters(run_id, args.out, force=args.force, progress=report)
    if report:
        print(file=sys.stderr)
    if args.json:
        print_json(made.to_json())
    elif made.file:
        print(f"Wrote {made.letters:,} letters ({made.pages if made.pages is not None else 'unknown'} pages) to "
              f"{made.file}; manifest {made.manifest}.")
    if made.warning:
        print(f"revdesk: {made.warning}", file=sys.stderr)
    return EXIT_OK


def _export(app: Application, args: argparse.Namespace) -> int:
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
