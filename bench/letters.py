"""Letters per second for a batch, beside a bare docxtpl loop measured in the same run.

Why: issue 17's target is >= 150 one-page letters/s on this 2-core machine for a batch
(a recovery run of 10,572 letters measured 67/s; the naive python-docx loop 33/s), with
memory flat over 10,000 letters.

No database: the demand notice template and merge data shaped as billing makes it
(tests/services/letter_data.py), each letter with its own account reference. Reported:

* `raw_floor_per_s`: the bare loop, `DocxTemplate(template).render(data)` then `save`,
  for `--raw` letters (what any docxtpl code pays per letter);
* `single_per_s`: `app.letters.rendering.render_bytes` in one process for `--raw` letters
  (deterministic output; docxtpl's cleaned Jinja source kept per template);
* `batch_per_s`: `app.letters.batch_render.render_batch` over `--letters` letters, with
  the worker processes `workers_for` chooses (one per core for a big batch);
* `rss_mb`: this process's resident memory after 10%, 50% and 100% of the batch (flat:
  letters are handed out and collected in windows), and `workers_peak_rss_mb`.

    .venv/bin/python -m bench.letters --letters 10000
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import time
from typing import Any

from app.letters import templates
from app.letters.batch_render import render_batch, workers_for
from app.letters.rendering import environment, render_bytes
from tests.services.letter_data import notice_data

TEMPLATE = "demand_notice"


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _data(i: int) -> dict[str, Any]:
    return notice_data(account_ref=f"7{i:07d}")


def raw_floor(template: bytes, count: int) -> float:
    from docxtpl import DocxTemplate

    started = time.perf_counter()
    for i in range(count):
        doc = DocxTemplate(io.BytesIO(template))
        doc.render(_data(i), environment(), autoescape=True)
        doc.save(io.BytesIO())
    return count / (time.perf_counter() - started)


def single(template: bytes, count: int) -> float:
    started = time.perf_counter()
    for i in range(count):
        render_bytes(TEMPLATE, template, _data(i))
    return count / (time.perf_counter() - started)


def batch(template: bytes, count: int) -> dict[str, Any]:
    key = (TEMPLATE, templates.version_of(template))
    processes = workers_for(count)
    checkpoints = {max(1, count // 10): "10%", max(1, count // 2): "50%", count: "100%"}
    rss: dict[str, float] = {}
    total_bytes = 0
    started = time.perf_counter()
    for done, letter in enumerate(render_batch({key: template}, ((key, _data(i)) for i in range(count)),
                                               processes=processes), start=1):
        total_bytes += len(letter)
        if done in checkpoints:
            rss[checkpoints[done]] = _rss_mb()
    seconds = time.perf_counter() - started
    return {"batch_letters": count, "batch_processes": processes, "batch_seconds": round(seconds, 1),
            "batch_per_s": round(count / seconds, 1), "rss_mb": rss,
            "workers_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            "mean_letter_kb": round(total_bytes / count / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=10_000, help="letters in the batch")
    parser.add_argument("--raw", type=int, default=200, help="letters for the one-process loops")
    args = parser.parse_args()
    template = (templates.TEMPLATES_DIR / f"{TEMPLATE}.docx").read_bytes()
    render_bytes(TEMPLATE, template, _data(0))  # imports and first compile, not timed
    result: dict[str, Any] = {"template": TEMPLATE, "raw_letters": args.raw}
    result["raw_floor_per_s"] = round(raw_floor(template, args.raw), 1)
    result["single_per_s"] = round(single(template, args.raw), 1)
    result.update(batch(template, args.letters))
    result["batch_vs_raw_floor"] = round(result["batch_per_s"] / result["raw_floor_per_s"], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
