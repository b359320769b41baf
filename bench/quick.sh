#!/usr/bin/env bash
# Every benchmark at a quick size, one JSON object per line on stdout (progress on stderr).
# For "before and after" comparisons of a change: run it on both commits, in the same
# session, and compare the ratios (the machine is shared and noisy; ratios hold).
#   bash bench/quick.sh > before.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
N="${QUICK_ACCOUNTS:-20000}"
"$PY" -m bench.search --accounts "$N" --db-kind both --repeat 3
"$PY" -m bench.account_open --accounts "$N" --db-kind both --refs 300
"$PY" -m bench.import_payments --rows "$N" --accounts "$N"
"$PY" -m bench.billing --accounts "$N" --rebills 100
"$PY" -m bench.recovery --accounts "$N"
"$PY" -m bench.worklist --accounts 10000 --entries 20000 --repeat 30 --claims 200
"$PY" -m bench.arrangements --kind sqlite --accounts "$N" --arrangements 2000
"$PY" -m bench.startup --db "sqlite:///$(pwd)/bench/data/bench-$N.db" --runs 5 --warmup 1
