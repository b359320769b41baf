"""`revdesk letters templates` and `revdesk letters generate` end to end: JSON per the
contract, the letter kept on the account as sent, --out refused when it exists unless
--force, and a broken council template named (file and reason) before any letter is made."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from app.letters import templates
from tests.cli.harness import Revdesk, with_examples
from tests.services.test_account_letters import edit_body

REF = "70000005"


@pytest.fixture
def revdesk(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> Revdesk:
    cli = with_examples(capsys, db_url, examples)
    code, _, err = cli("bill", "--year", "2025", "--as-of", "2025-03-01")
    assert code == 0, err
    cli.add_user("olly", "officer")
    return cli


def council_settings(cli: Revdesk, tmp_path: Path, folder: str) -> None:
    """The examples' settings with a `[letters]` section naming a folder beside the file."""
    settings = tmp_path / "settings.toml"
    settings.write_text(cli.settings.read_text(encoding="utf-8") + f'\n[letters]\ntemplates_folder = "{folder}"\n',
                        encoding="utf-8")
    cli.settings = settings


def documents(cli: Revdesk) -> int:
    code, out, err = cli("account", "timeline", REF, "--json")
    assert code == 0, err
    return sum(1 for e in json.loads(out)["entries"] if e["kind"] == "letter" and e["title"] == "Letter")


def text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)


def test_templates_lists_every_template_with_its_fields(revdesk: Revdesk) -> None:
    listed = {t["name"]: t for t in revdesk.json("letters", "templates")["templates"]}
    for name in ("writeoff_notification", "arrangement_default", "general_correspondence", "tracing_enquiry",
                 "arrangement_confirmation", "demand_notice"):
        assert listed[name]["source"] == "built-in" and listed[name]["version"] == templates.template_version(name)
        assert set(listed[name]) == {"name", "title", "version", "source", "free_paragraph", "fields"}
    assert listed["general_correspondence"]["free_paragraph"] and not listed["demand_notice"]["free_paragraph"]
    assert "owed_now_pence" in listed["arrangement_default"]["fields"]
    code, _, err = revdesk("letters", "templates", "--check")
    assert code == 0, err


def test_generate_keeps_the_letter_and_writes_it_out(revdesk: Revdesk, tmp_path: Path) -> None:
    out = tmp_path / "letter.docx"
    made = revdesk.json("letters", "generate", REF, "--template", "general_correspondence", "--paragraph",
                        "Thank you for your call.", "--out", str(out), "--as-of", "2025-06-30", user="olly")
    assert set(made) >= {"document_id", "file"} and made["file"] == str(out)
    assert "Thank you for your call." in text(out)
    shown = tmp_path / "shown.docx"
    code, _, err = revdesk("document", "show", made["document_id"], "--out", str(shown))
    assert code == 0, err
    assert shown.read_bytes() == out.read_bytes()  # kept exactly as sent

    code, _, err = revdesk("letters", "generate", REF, "--template", "general_correspondence", "--out", str(out),
                           "--as-of", "2025-06-30", user="olly")
    assert code == 2 and "exists" in err and "--force" in err
    again = revdesk.json("letters", "generate", REF, "--template", "arrangement_default", "--out", str(out),
                         "--force", "--as-of", "2025-06-30", user="olly")
    assert again["document_id"] != made["document_id"] and "arrangement has ended" in text(out)
    assert documents(revdesk) == 2


def test_generate_without_out_and_a_tracing_enquiry_to_a_third_party(revdesk: Revdesk) -> None:
    made = revdesk.json("letters", "generate", REF, "--template", "tracing_enquiry", "--to", "Acme Lettings Ltd",
                        "--to", "1 High Street", "--to", "EX1 2AB", "--as-of", "2025-06-30", user="olly")
    assert made["file"] is None and made["document_id"]


def test_bad_requests_are_refused_and_nothing_is_kept(revdesk: Revdesk) -> None:
    code, _, err = revdesk("letters", "generate", REF, "--template", "demand_notice", "--paragraph", "Hi",
                           "--as-of", "2025-06-30", user="olly")
    assert code == 2 and "no free paragraph" in err and "Traceback" not in err
    code, _, err = revdesk("letters", "generate", REF, "--template", "no_such_letter", "--as-of", "2025-06-30")
    assert code == 1 and "no_such_letter" in err
    code, _, err = revdesk("letters", "generate", "99999999", "--template", "general_correspondence")
    assert code == 1 and "99999999" in err
    assert documents(revdesk) == 0


def test_a_council_template_takes_precedence_and_a_broken_one_is_named(revdesk: Revdesk, tmp_path: Path) -> None:
    folder = tmp_path / "council letters"
    folder.mkdir()
    builtin = (templates.TEMPLATES_DIR / "general_correspondence.docx").read_bytes()
    (folder / "general_correspondence.docx").write_bytes(edit_body(builtin, "Dear ", "Greetings "))
    (folder / "tracing_enquiry.docx").write_bytes(edit_body(builtin, "Dear ", "Dear {{ shoe_size }} "))
    council_settings(revdesk, tmp_path, "council letters")
    listed = {t["name"]: t for t in revdesk.json("letters", "templates")["templates"]}
    assert listed["general_correspondence"]["source"] == "council" and "tracing_enquiry" not in listed
    code, _, err = revdesk("letters", "templates", "--check")
    assert code == 1 and str(folder / "tracing_enquiry.docx") in err and "shoe_size" in err
    code, _, err = revdesk("letters", "generate", REF, "--template", "tracing_enquiry", "--as-of", "2025-06-30")
    assert code == 1 and "shoe_size" in err and str(folder / "tracing_enquiry.docx") in err
    assert documents(revdesk) == 0
    out = tmp_path / "own.docx"
    revdesk.json("letters", "generate", REF, "--template", "general_correspondence", "--out", str(out),
                 "--as-of", "2025-06-30")
    assert "Greetings" in text(out)
