"""A download of every row a query finds (明细查询's 下载全部), built when the official clicks (README 下载).

Building one is heavy: a county's month is a quarter of a million records, its Excel file some 20 s of
CPU. Built inside the server, that work holds Python's interpreter lock, and every other official on the
same server process waits for it: their pages stall for as long as the file takes. So a large download
(over APART_ROWS rows) is built in a child process at a lower CPU priority (NICE), one at a time per
server process; the pages others open keep their share of the machine. A small one is built in the
server, where a child's start-up would cost more than the file.

The child reads the same published version of the analytics store, read-only (DuckDB lets any number of
processes read a version nobody writes), under the same account scope.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

import pandas as pd

from dangqun import db, export

log = logging.getLogger(__name__)

APART_ROWS = 20_000          # about a quarter of a second of building in the server; above it, a child
NICE = 10                    # the child's priority below the servers': an official's page comes first
WALL_SECONDS = 1800          # a sheet of a million rows takes a few minutes on a busy 2-core machine
CHILD = [sys.executable, "-c", "from dangqun import export_job; export_job.main()"]
FAILED = "下载文件生成失败，请稍后重试"

# one child at a time per server process: several officials' large files are built one after another
# instead of all at once on the same cores (each child holds its rows in memory)
_apart = threading.BoundedSemaphore(1)


class BuildFailed(RuntimeError):
    """The child building a download failed; the official sees the message, the log the reason."""


@dataclasses.dataclass(frozen=True)
class Job:
    """What to build: the rows of `query` with `params` under `scope` (an account's region; None for
    administrators) in the published `version`, shaped by `shape(frame, lang)` (a module-level function,
    which the child imports), as a CSV or an XLSX file (`kind`)."""
    version: Path
    query: str
    params: dict
    scope: str | None
    shape: Callable[[pd.DataFrame, str], pd.DataFrame]
    kind: str                                   # "csv" or "xlsx"
    lang: str = "zh"
    sheet: str = "数据"
    heading: export.Heading | None = None


def build(job: Job, con=None) -> bytes:
    """The file's bytes, built in this process; `con`: an open reader of `job.version` (else one is opened)."""
    own = con is None
    con = db.Reader(job.version) if own else con
    try:
        frame = job.shape(db.run(con, job.query, job.params, scope=job.scope), job.lang)
    finally:
        if own:
            con.close()
    if job.kind == "csv":
        return export.to_csv_bytes(frame, job.lang)
    return export.to_xlsx_bytes(frame, job.lang, job.sheet, job.heading)


def bytes_of(job: Job, rows: int, con=None) -> bytes:
    """The file's bytes: built here when `rows` is small, else in a child process (build_apart)."""
    return build(job, con) if rows <= APART_ROWS else build_apart(job)


def build_apart(job: Job) -> bytes:
    """build(job) in a child process at a lower priority, one child at a time per server process."""
    with _apart:
        try:
            done = subprocess.run(CHILD, input=pickle.dumps(job), capture_output=True, timeout=WALL_SECONDS,
                                  cwd=Path(__file__).resolve().parent.parent)
        except subprocess.TimeoutExpired:
            log.error("download %s (%s) not built within %d s", job.query, job.kind, WALL_SECONDS)
            raise BuildFailed(FAILED) from None
    if done.returncode != 0:
        log.error("download %s (%s) failed in its child: %s", job.query, job.kind,
                  done.stderr.decode("utf-8", "replace")[-2000:])
        raise BuildFailed(FAILED)
    return done.stdout


def main() -> None:
    """The child: a pickled Job on stdin (from build_apart, in the same installation), the bytes on stdout."""
    os.nice(NICE)
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())      # a library's print cannot end up inside the file
    job = pickle.loads(sys.stdin.buffer.read())
    out.write(build(job))
    out.close()
