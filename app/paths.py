"""Where the application's own files live.

Resources and migrations sit beside the package in the source tree (the design's fixed
layout); the application is installed in editable mode, so they are found from here. The
frozen build (installer/revenues-desk.spec) keeps the same layout beside its `app` package,
so the same paths hold there too.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
MIGRATIONS = ROOT / "migrations"
DEFAULT_SETTINGS = RESOURCES / "authority" / "default.toml"
ICONS = RESOURCES / "icons"
