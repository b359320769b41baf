# Sourced by scripts/run and scripts/test: make sure .venv exists and has this project installed.
# Re-installs only when pyproject.toml changed since the last install.
#
# The install is quiet: pip's output (dozens of lines, and setuptools' note about editable
# installs) goes to .venv/install.log; a person sees one line per stage and, if a stage
# fails, the end of that log and where the whole of it is.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
INSTALL_LOG="$VENV/install.log"

# Run one install stage with its output in the log: "label... done", or the log's tail.
_venv_stage() {
  local label="$1"; shift
  printf '%s... ' "$label" >&2
  echo "== $label: $*" >>"$INSTALL_LOG"
  if "$@" >>"$INSTALL_LOG" 2>&1; then
    echo "done" >&2
  else
    echo "failed" >&2
    echo "--- the last lines of $INSTALL_LOG:" >&2
    tail -n 25 "$INSTALL_LOG" >&2
    echo "--- (the whole log is $INSTALL_LOG)" >&2
    return 1
  fi
}

if [ ! -x "$VENV/bin/python" ]; then
  printf 'Creating %s... ' "$VENV" >&2
  if ! err="$("$PY" -m venv "$VENV" 2>&1)"; then
    echo "failed" >&2
    echo "$err" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "done" >&2
fi
STAMP="$VENV/.installed-$1"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
  : >"$INSTALL_LOG"
  # A newer pip is nice to have, not needed: it is only logged, and so is its failure (offline).
  "$VENV/bin/python" -m pip install --upgrade pip >>"$INSTALL_LOG" 2>&1 || true
  target="$ROOT"
  [ "$1" = "app" ] || target="$ROOT[$1]"
  _venv_stage "Installing Revenues Desk and its libraries ($1; about a minute the first time)" \
    "$VENV/bin/python" -m pip install --disable-pip-version-check -e "$target"
  touch "$STAMP"
fi
# The package is installed editable, so pip compiles none of its bytecode; where
# PYTHONDONTWRITEBYTECODE is set (some managed desktops) Python never would either, and
# every start would recompile the whole application (~0.4 s of the 2 s start budget).
# Compiling is quick and only rewrites files that changed.
"$VENV/bin/python" -m compileall -q "$ROOT/app" "$ROOT/migrations" >/dev/null
