"""The frozen build's spec: every module it names as a hidden import exists under that name
(an upstream rename fails here, not on a council's desktop), and its data files are there."""

from __future__ import annotations

import ast
import importlib
import sys

import pytest

from app.paths import ROOT

SPEC = ROOT / "installer" / "revenues-desk.spec"
# Backends that exist only for another operating system (their modules import anywhere, but
# what they import in turn may not): imported on their own platform only.
ELSEWHERE = {"keyring.backends.Windows": "win32", "keyring.backends.macOS": "darwin", "platformdirs.windows": "win32",
             "platformdirs.macos": "darwin"}


def spec_list(name: str) -> list[str]:
    """A list literal assigned at the top of the spec (the spec itself runs only under PyInstaller)."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"{SPEC} assigns no {name}")


@pytest.mark.parametrize("module", spec_list("HIDDEN_IMPORTS"))
def test_every_hidden_import_exists(module: str) -> None:
    if ELSEWHERE.get(module, sys.platform) != sys.platform:
        assert importlib.util.find_spec(module) is not None  # there, though not for this platform
        return
    importlib.import_module(module)


def test_the_application_uses_no_qt_module_the_spec_leaves_out() -> None:
    excluded = set(spec_list("QT_EXCLUDES"))
    used = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("PySide6."):
                used.add(node.module)
            elif isinstance(node, ast.Import):
                used |= {alias.name for alias in node.names if alias.name.startswith("PySide6.")}
    assert used == {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"}
    assert not used & excluded


def test_data_files_the_spec_names_are_in_the_repository() -> None:
    text = SPEC.read_text(encoding="utf-8")
    for folder in ("resources/letters", "resources/authority", "resources/icons", "migrations/versions"):
        assert f'"{folder}")' in text
        assert any((ROOT / folder).iterdir())
    for name in ("env.py", "script.py.mako"):
        assert (ROOT / "migrations" / name).is_file()
    assert (ROOT / "resources" / "icons" / "revenues-desk.ico").is_file()
    assert (ROOT / "installer" / "revenues_desk.py").is_file()


def test_nothing_the_application_imports_is_excluded() -> None:
    excluded = spec_list("PY_EXCLUDES")
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                assert not any(name == e or name.startswith(e + ".") for e in excluded), f"{path}: {name}"


def test_the_build_script_and_windows_definitions_are_there() -> None:
    for name in ("build", "check", "windows/revenues-desk.iss", "windows/revenues-desk.wxs"):
        assert (ROOT / "installer" / name).is_file(), name
    assert (ROOT / ".github" / "workflows" / "windows-installer.yml").is_file()
