"""Rendering a batch of letters on every core, in order, with memory flat however many.

A letter takes tens of milliseconds of pure Python (Jinja, lxml, zip), so a batch of
thousands is spread over one worker process per core. Each worker gets the batch's
templates once (`(name, version) -> bytes`, when the pool starts) and keeps docxtpl's
cleaned Jinja source and compiled templates between letters (`app.letters.rendering`), so
a template is parsed once per worker, not once per letter. Letters go to the workers in
windows of `WINDOW`, and come back in the order asked for, so neither the merge data
waiting nor the rendered letters pile up in memory.

Small batches (or one core) are rendered in this process: starting workers costs a second.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from app.letters.rendering import render_bytes

TemplateKey = tuple[str, str]  # (name, version)
Task = tuple[TemplateKey, Mapping[str, Any]] | bytes  # merge data to render, or a letter kept as sent
WINDOW = 256  # letters handed to the workers at a time
CHUNK = 8  # letters per message to a worker
POOL_FROM = 200  # fewer letters than this are rendered in this process

_templates: Mapping[TemplateKey, bytes] = {}


def _start(templates: Mapping[TemplateKey, bytes]) -> None:
    global _templates
    _templates = templates


def _render(task: Task) -> bytes:
    return _render_with(_templates, task)


def _render_with(templates: Mapping[TemplateKey, bytes], task: Task) -> bytes:
    if isinstance(task, bytes):
        return task
    key, data = task
    return render_bytes(key[0], templates[key], data)


def workers_for(count: int) -> int:
    """How many worker processes a batch of `count` letters is worth (0: render here)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 0 if count < POOL_FROM or cores < 2 else cores


def render_batch(
    templates: Mapping[TemplateKey, bytes], tasks: Iterable[Task], *, processes: int,
) -> Iterator[bytes]:
    """Each task's letter (.docx bytes), in the order of `tasks`: byte for byte what
    `render_bytes` makes. `processes` 0 renders in this process."""
    if processes <= 0:
        for task in tasks:
            yield _render_with(templates, task)
        return
    # spawn, not fork: the desktop runs this from a worker thread, and forking a process with
    # threads (Qt's, the database driver's) can deadlock the child.
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_start, initargs=(dict(templates),)) as pool:
        iterator = iter(tasks)
        while window := list(itertools.islice(iterator, WINDOW)):
            yield from pool.imap(_render, window, CHUNK)
