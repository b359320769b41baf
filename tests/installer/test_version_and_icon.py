"""One version everywhere (app.__version__), and an icon the desktop can use."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest
from PySide6.QtWidgets import QApplication

from app import __version__
from app.cli import main
from app.paths import ICONS
from app.ui.style import ICON_SIZES, app_icon


def test_version_is_one_value_for_the_cli_and_the_installed_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert version("revenues-desk") == __version__  # pyproject reads it from app/__init__.py
    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0
    assert capsys.readouterr().out.strip() == f"Revenues Desk {__version__}"


def test_changelog_names_the_current_version() -> None:
    changelog = (ICONS.parent.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {__version__}" in changelog


def test_icon_has_every_size(qapp: QApplication) -> None:
    icon = app_icon()
    sizes = sorted(s.width() for s in icon.availableSizes())
    assert sizes == list(ICON_SIZES)
    assert (ICONS / "revenues-desk.ico").read_bytes()[:4] == b"\0\0\1\0"  # an ICONDIR of type icon
