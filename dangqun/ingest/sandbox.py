"""Untrusted files are parsed in a child process under limits, never in the process that asked (README
「工作簿读取限制与上传文件」).

A spreadsheet reader asked for a sheet's whole cell range allocates it at once (a cell at XFD1048576 means
512 GiB) and aborts the process; a shared string referenced by many cells multiplies memory; a decoder
meets a lone surrogate. The text checks of dangqun.ingest.limits catch the known shapes fast, but safety
must not depend on them: `read_any` runs dangqun.ingest.read.read_any in a child Python (`CHILD`)
with an address-space limit, a CPU-time limit, a wall-time limit and a limit on what it may write. The child
writes the parsed table as an Arrow IPC file into a private temporary folder and its description (headers,
encoding, notes, bad lines) as one JSON line; the parent maps the table and deletes the file. A child that
dies, runs out of its limits or answers nonsense becomes one Chinese line (read.Rejected) for the official;
the server and every other official go on. Previews and headers are cached by the file's identity, so a
page's reruns do not start a child each time.
"""
from __future__ import annotations

import csv
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import pyarrow as pa

from dangqun.ingest.read import BadLine, Rejected, Sheet, is_workbook, split_sheet

log = logging.getLogger(__name__)

MEMORY_BASE = 1536 << 20          # address space of the child: what reading any workbook within limits needs
MEMORY_PER_CSV_BYTE = 2           # …plus twice a CSV's size (its text and its table live at once)
CPU_SECONDS = 300                 # a million-row CSV takes about 3 s of CPU here
WALL_SECONDS = 600
HEAD_WALL_SECONDS = 60            # a preview or a header reads a few rows
OUTPUT_BYTES = 4 << 30            # the table the child may write (a 300 MB CSV makes about 350 MB)
MESSAGE_BYTES = 8 << 20           # the JSON line (headers, notes, bad lines)
UNSAFE = "文件过大或结构异常，无法安全读取"

# the child: a module the package imports cannot be run with -m without runpy's warning; a test replaces
# it to show the limits hold without the text checks
CHILD = [sys.executable, "-c", "from dangqun.ingest import sandbox; sandbox.main()"]

_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
CACHE_ENTRIES = 64


def memory_limit(path: Path) -> int:
    """The child's address space for reading `path`: a workbook gets the base, a CSV more with its size."""
    try:
        with open(path, "rb") as f:
            head, size = f.read(8), os.fstat(f.fileno()).st_size
    except OSError:
        return MEMORY_BASE
    return MEMORY_BASE if is_workbook(head) else MEMORY_BASE + MEMORY_PER_CSV_BYTE * size


def read_any(path: str, head_only: bool = False, max_rows: int | None = None) -> Sheet:
    """dangqun.ingest.read.read_any, run in a child process under limits (the module docstring)."""
    real, _ = split_sheet(str(path))
    key = None
    if head_only or max_rows:
        try:
            st = real.stat()
            key = (str(real.resolve()), str(path), st.st_size, st.st_mtime_ns, head_only, max_rows)
        except OSError:
            key = None
        if key is not None:
            with _cache_lock:
                if key in _cache:
                    _cache.move_to_end(key)
                    return _copy(_cache[key])
    # the child starts in the project's folder: a relative path is the caller's
    sheet = _read_in_child(os.path.abspath(str(path)), real, head_only, max_rows)
    if key is not None:
        with _cache_lock:
            _cache[key] = sheet
            while len(_cache) > CACHE_ENTRIES:
                _cache.popitem(last=False)
        return _copy(sheet)
    return sheet


def _copy(sheet: Sheet) -> Sheet:
    # callers change a sheet's table and notes (a preview is sliced, notes appended): each gets its own
    return Sheet(sheet.encoding, list(sheet.headers), sheet.header_row, sheet.table, list(sheet.bad_lines),
                 list(sheet.notes), sheet.content_hash)


def _limits(memory: int, wall: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (min(CPU_SECONDS, wall), min(CPU_SECONDS, wall) + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_BYTES, OUTPUT_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))      # a crash leaves no core file of personal data
    return apply


def _read_in_child(path: str, real: Path, head_only: bool, max_rows: int | None) -> Sheet:
    out = Path(tempfile.mkdtemp(prefix="dangqun-read-"))       # 0700: the rows are not masked yet
    memory = memory_limit(real)
    wall = HEAD_WALL_SECONDS if (head_only or max_rows) else WALL_SECONDS
    request = json.dumps({"path": path, "head_only": head_only, "max_rows": max_rows, "out": str(out)})
    # the child's allocator returns memory to the limit's count as it goes (Arrow's default pool keeps large
    # reservations); two malloc arenas keep threads from reserving one each
    env = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2", "RUST_BACKTRACE": "0"}
    try:
        try:
            done = subprocess.run([*CHILD, request], input=None,
                                  capture_output=True, timeout=wall, env=env, preexec_fn=_limits(memory, wall),
                                  cwd=str(Path(__file__).resolve().parents[2]))
        except subprocess.TimeoutExpired:
            log.warning("reading %s: the child took longer than %s s", path, wall)
            raise Rejected(f"{UNSAFE}：读取超过 {wall} 秒") from None
        answer = _answer(done.stdout)
        if done.returncode != 0 or answer is None:
            # for the server's log, not for the official
            log.warning("reading %s: the child ended with %s: %s", path, done.returncode,
                        done.stderr[-4000:].decode("utf-8", "replace"))
            raise Rejected(f"{UNSAFE}：{_why(done.returncode, done.stderr, memory)}")
        if "rejected" in answer:
            raise Rejected(answer["rejected"])
        table = None
        if answer.get("table"):
            with pa.memory_map(str(out / "table.arrow")) as source:
                table = pa.ipc.open_file(source).read_all()
        return Sheet(answer["encoding"], answer["headers"], answer["header_row"], table,
                     [BadLine(**b) for b in answer["bad_lines"]], answer["notes"], answer["content_hash"])
    finally:
        shutil.rmtree(out, ignore_errors=True)       # a mapped table stays readable after its file is gone


def _answer(stdout: bytes) -> dict | None:
    if not stdout or len(stdout) > MESSAGE_BYTES:
        return None
    try:
        answer = json.loads(stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    return answer if isinstance(answer, dict) else None


def _why(code: int, stderr: bytes, memory: int) -> str:
    said = stderr.decode("utf-8", "replace")
    if "MemoryError" in said or "memory allocation" in said or code == -6:   # -6: an allocation that aborted
        return f"读取所需内存超过上限 {memory / (1 << 30):.1f} GB"
    if code == -24:                                  # SIGXCPU
        return f"读取所需时间超过上限 {CPU_SECONDS} 秒"
    if code == -25:                                  # SIGXFSZ
        return f"读取结果超过上限 {OUTPUT_BYTES >> 30} GB"
    if code == -9:
        return "读取所需内存或时间超过上限，读取进程被结束"
    if code < 0:
        return f"读取进程异常结束（信号 {-code}）"
    return "读取进程异常结束"


# ── the child ─────────────────────────────────────────────────────────────────────────────────────

def _child(request: dict) -> dict:
    from dangqun.ingest import read

    try:
        sheet = read.read_any(request["path"], head_only=request["head_only"], max_rows=request["max_rows"])
    except Rejected as exc:
        return {"rejected": str(exc)}
    except MemoryError:
        raise
    except RecursionError:
        return {"rejected": f"{UNSAFE}：结构嵌套过深"}
    except csv.Error as exc:
        return {"rejected": read.csv_problem(exc)}
    except (UnicodeError, ValueError, OSError, EOFError, LookupError) as exc:
        # a parser's own complaint about the bytes: one line, without the server's paths
        log.warning("reading %s failed", request["path"], exc_info=True)
        return {"rejected": f"{UNSAFE}：{type(exc).__name__}"}
    if sheet.table is not None:
        with pa.OSFile(str(Path(request["out"]) / "table.arrow"), "wb") as sink:
            with pa.ipc.new_file(sink, sheet.table.schema) as writer:
                writer.write_table(sheet.table)
    return {"encoding": sheet.encoding, "headers": sheet.headers, "header_row": sheet.header_row,
            "table": sheet.table is not None, "notes": sheet.notes, "content_hash": sheet.content_hash,
            "bad_lines": [{"row": b.row, "cells": b.cells, "expected": b.expected} for b in sheet.bad_lines]}


def main() -> int:
    request = json.loads(sys.argv[-1])
    try:
        answer = _child(request)
    except Exception as exc:  # noqa: BLE001 - any other failure is the file's; its traceback goes to stderr (the log)
        import traceback

        traceback.print_exc()
        answer = {"rejected": f"{UNSAFE}：{type(exc).__name__}"}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    os._exit(0)        # no interpreter teardown: the parent has its answer

