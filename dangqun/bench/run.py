"""`python -m dangqun bench` (dangqun/cli.py parses the options): the page bench or the sessions bench at
each size, as a table or one JSON line per size."""
from __future__ import annotations

import contextlib
import json
import subprocess
import sys

from dangqun import registry
from dangqun.bench import pages as page_bench
from dangqun.bench import sessions as sessions_bench
from dangqun.bench.imports import import_rates


def main(records: int | None = None, as_json: bool = False, sessions: int = 0, rounds: int = page_bench.ROUNDS,
         pages=page_bench.PAGE_FILES, import_rows: int = 1_000_000, seconds: float = 60) -> int:
    """Each size in turn (all of SIZES unless `records`)."""
    if not records:
        return _each_size(as_json, sessions, rounds, import_rows, seconds, pages)
    # progress lines go to stderr under --json, so stdout is the one JSON object
    with contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext():
        if sessions:
            result = sessions_bench.run_sessions_bench(records, sessions, seconds)
        else:
            result = page_bench.run_pages_bench(records, pages, rounds)
            # after the pages, so the peak RSS reported is the app's, not the importer's
            if import_rows:
                result["import_rows_per_s"] = import_rates(import_rows, import_rows // 10)[1]
    _print(result, as_json)
    return 0 if result.get("errors", 0) == 0 else 1


def _print(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    elif "sessions" in result:
        sessions_bench.print_sessions(result)
    else:
        page_bench.print_table(result)


def _each_size(as_json, sessions, rounds, import_rows, seconds, pages) -> int:
    """Every size of SIZES, each in a process of its own so its peak RSS is its own; import rates once."""
    rates = {}
    if import_rows and not sessions:
        rates = import_rates(import_rows, import_rows // 10)[1]
    code = 0
    for n in page_bench.SIZES:
        cmd = [sys.executable, "-m", "dangqun", "bench", "--records", str(n), "--json", "--import-rows", "0",
               "--rounds", str(rounds), "--seconds", str(seconds), "--pages", *pages] + (["--sessions", str(sessions)] if sessions else [])
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=registry.ROOT)
        code = code or done.returncode
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if not sessions:
            result["import_rows_per_s"] = rates
        _print(result, as_json)
    return code
