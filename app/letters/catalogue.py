"""The letter templates on offer, where each comes from, and whether it can make a letter.

A template is the council's (`[letters] templates_folder`) or built-in (`resources/letters/`);
the council's file wins over a built-in one of the same name. Before any letter is made
from a template it is inspected: a file that is not a Word document, Word XML that does not
parse, Jinja tags that do not parse, or a merge field nothing supplies is named here with
the file and the reason, instead of failing half way through a batch or printing a blank.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.dto import JsonView
from app.errors import Conflict, NotFound
from app.letters import templates
from app.letters.rendering import environment

FREE_PARAGRAPH = "free_paragraph"  # the merge field an officer's own paragraph goes in


@dataclass(frozen=True)
class TemplateInfo(JsonView):
    """One template as `letters templates` lists it."""

    name: str
    title: str
    version: str
    source: str  # "council" | "built-in"
    free_paragraph: bool
    fields: tuple[str, ...]  # the top-level merge fields it reads, sorted
    file: str


@dataclass(frozen=True)
class TemplateProblem(JsonView):
    """Why a template file cannot make letters: named before any letter is made."""

    name: str
    file: str
    reason: str

    def sentence(self) -> str:
        return f"The letter template '{self.name}' ({self.file}) cannot be used: {self.reason}."


class TemplateBroken(Conflict):
    """A template file that cannot make letters (not a Word file, broken XML or tags, unknown fields):
    a refusal at run time (exit 1), since the officer's request was sound but the council's file is not."""


def template_files(folder: Path | None) -> dict[str, tuple[Path, str]]:
    """name -> (file, source): the built-in templates, then the council's over them."""
    found: dict[str, tuple[Path, str]] = {}
    for source, where in (("built-in", templates.TEMPLATES_DIR), ("council", folder)):
        if where is None or not where.is_dir():
            continue
        for path in sorted(where.glob("*.docx")):
            if templates.is_template_name(path.stem):
                found[path.stem] = (path, source)
    return found


def inspect(name: str, content: bytes, file: str, source: str = "built-in") -> TemplateInfo:
    """The template's title and merge fields; TemplateBroken (naming `file`) when Word or Jinja cannot read it."""
    from docx.opc.exceptions import OpcError
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError
    from lxml.etree import XMLSyntaxError  # type: ignore[import-untyped]

    def broken(reason: str) -> TemplateBroken:
        return TemplateBroken(TemplateProblem(name, file, reason).sentence())

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise broken("it is not a Word (.docx) file")
    try:
        doc = DocxTemplate(io.BytesIO(content))
        doc.init_docx()
        title = doc.docx.core_properties.title or ""
        env = environment()
        fields = doc.get_undeclared_template_variables(env) - set(env.globals)
    except XMLSyntaxError as exc:
        raise broken(f"its Word XML is broken ({exc})") from None
    except TemplateSyntaxError as exc:
        raise broken(f"a merge tag is broken on line {exc.lineno} of its XML ({exc.message})") from None
    except (OpcError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise broken(f"it is not a Word document Word can open ({exc})") from None
    return TemplateInfo(
        name=name, title=title or name.replace("_", " ").capitalize(), version=templates.version_of(content),
        source=source, free_paragraph=FREE_PARAGRAPH in fields, fields=tuple(sorted(fields)), file=file,
    )


def unknown_fields(info: TemplateInfo, known: Iterable[str]) -> list[str]:
    return sorted(set(info.fields) - set(known))


def list_templates(folder: Path | None) -> tuple[list[TemplateInfo], list[TemplateProblem]]:
    """Every template on offer (council's over built-in), sorted by name, and the problems found.

    A council template is also checked against the fields its built-in namesake reads (the
    data its letters are made with): a field nothing supplies is a problem, not a blank.
    """
    infos: list[TemplateInfo] = []
    problems: list[TemplateProblem] = []
    if folder is not None and not folder.is_dir():
        problems.append(TemplateProblem("*", str(folder), "the council's templates folder does not exist"))
    builtin_fields: dict[str, tuple[str, ...]] = {}
    for name, (path, source) in template_files(folder).items():
        try:
            info = inspect(name, path.read_bytes(), str(path), source)
        except TemplateBroken as exc:
            problems.append(TemplateProblem(name, str(path), str(exc).split("cannot be used: ", 1)[-1].rstrip(".")))
            continue
        if source == "council":
            builtin = templates.TEMPLATES_DIR / f"{name}.docx"
            if builtin.is_file():
                if name not in builtin_fields:
                    builtin_fields[name] = inspect(name, builtin.read_bytes(), str(builtin)).fields
                if unknown := unknown_fields(info, builtin_fields[name]):
                    problems.append(TemplateProblem(
                        name, str(path), f"unknown merge field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                        f"(the built-in '{name}' is given only {', '.join(builtin_fields[name])})"))
                    continue
        infos.append(info)
    return infos, problems


def current(name: str, folder: Path | None) -> tuple[TemplateInfo, bytes]:
    """The template `name` as it would be used now (council's first), inspected."""
    path = templates.template_path(name, folder)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"There is no letter template '{name}'.") from None
    source = "council" if folder is not None and path.parent == folder else "built-in"
    return inspect(name, content, str(path), source), content


def require_fields(info: TemplateInfo, data: dict[str, Any], what: str) -> None:
    """TemplateBroken naming the fields the template reads that `data` (for `what`) does not give."""
    if unknown := unknown_fields(info, data):
        raise TemplateBroken(TemplateProblem(
            info.name, info.file, f"it reads merge field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}, "
            f"which {what} does not have").sentence())
