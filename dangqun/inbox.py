"""The inbox: files dropped into a folder are imported without anyone at the dashboard.

A nightly job copies its exports into the inbox (default data/inbox/ beside the database, or
$DANGQUN_INBOX). A thread of each server process looks into it every $DANGQUN_INBOX_POLL seconds and, when
files wait, starts the importer (`python -m dangqun inbox --once`, a process of its own: the server only
reads, and a file that crashes a reader cannot take the server with it). The importer takes the
importer's lock (dangqun.publish), imports each file with the ordinary pipeline (a profile from
config/mappings is found by the file's headers), logs it in import_log and the audit log as imported by
收件箱, moves it to inbox/done/ or inbox/rejected/ (timestamp prefixed) and publishes the new version.
`python -m dangqun inbox --once` from a timer (systemd, cron) does the same without a dashboard.

A file still being written must not be read half-way: names starting with '.' or '~$' and ending in
.part/.tmp/.crdownload are left alone (copy to such a name, then rename — atomic on one file system),
and any file changed in the last SETTLE_SECONDS waits for the next pass.
"""
from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from dangqun import audit, db, ingest

USER = "收件箱"
SETTLE_SECONDS = 5.0
DEFAULT_POLL = 30.0
TEMP_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")
DONE, REJECTED = "done", "rejected"
log = logging.getLogger(__name__)


def directory(db_path=None) -> Path:
    """$DANGQUN_INBOX, else inbox/ beside the database file (data/inbox for the default database)."""
    if os.environ.get("DANGQUN_INBOX"):
        return Path(os.environ["DANGQUN_INBOX"])
    return db.resolve_path(db_path).parent / "inbox"


def poll_seconds() -> float:
    """$DANGQUN_INBOX_POLL seconds between looks (default 30; 0 turns the inbox off)."""
    try:
        return max(0.0, float(os.environ.get("DANGQUN_INBOX_POLL", DEFAULT_POLL)))
    except ValueError:
        return DEFAULT_POLL


def waiting(folder: Path, now: float | None = None) -> list[Path]:
    """The files ready to import, oldest first (see the module docstring for what waits)."""
    if not folder.is_dir():
        return []
    now = time.time() if now is None else now
    ready = []
    for p in folder.iterdir():
        name = p.name
        if (not p.is_file() or name.startswith((".", "~$")) or name.lower().endswith(TEMP_SUFFIXES)):
            continue
        try:
            if now - p.stat().st_mtime < SETTLE_SECONDS:
                continue
        except OSError:
            continue
        ready.append(p)
    return sorted(ready, key=lambda p: (p.stat().st_mtime, p.name))


def _move(path: Path, to: Path) -> Path:
    to.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = to / f"{dt.datetime.now():%Y%m%d-%H%M%S}_{path.name}"
    n = 1
    while target.exists():
        target = to / f"{dt.datetime.now():%Y%m%d-%H%M%S}_{n}_{path.name}"
        n += 1
    shutil.move(str(path), target)
    return target


def process(con, store, folder: Path, db_path=None) -> list[ingest.Report]:
    """Import every waiting file of `folder` (one transaction each) and move it to done/ or rejected/ (`con`:
    the working copy, under the importer's lock)."""
    reports = []
    for path in waiting(folder):
        cur = con.cursor()
        try:
            (report,) = ingest.import_files(cur, [str(path)], db_path=db_path, imported_by=USER)
            audit.record_import(store, USER, report)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the inbox
            log.exception("inbox: %s failed", path)
            moved = _move(path, folder / REJECTED)
            moved.with_name(moved.name + ".错误.txt").write_text(f"导入失败：{exc}\n", encoding="utf-8")
            continue
        finally:
            cur.close()
        _move(path, folder / (REJECTED if report.rejected else DONE))
        reports.append(report)
    return reports


def run_once(db_path, store) -> list[ingest.Report]:
    """`dangqun inbox --once`: the waiting files imported under the importer's lock and published (nothing
    is locked or published when none waits)."""
    from dangqun import publish

    folder = directory(db_path)
    if not waiting(folder):
        return []
    with publish.importing(db_path, who=USER) as con:
        return process(con, store, folder, db.resolve_path(db_path))


class Watcher(threading.Thread):
    """Looks into the inbox every `poll` seconds for the life of the server process, and starts the
    importer when files wait (it never imports in the server process itself)."""

    def __init__(self, folder: Path, poll: float, db_path=None):
        super().__init__(name="dangqun-inbox", daemon=True)
        self.folder, self.poll, self.db_path = folder, poll, db.resolve_path(db_path)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.poll):
            try:
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                if waiting(self.folder):
                    subprocess.run([sys.executable, "-m", "dangqun", "inbox", "--once", "--db", str(self.db_path)],
                                   cwd=db.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=6 * 3600,
                                   check=False)
            except Exception:  # noqa: BLE001 - keep looking: a full disk or a moved folder may pass
                log.exception("inbox: pass over %s failed", self.folder)

    def stop(self) -> None:
        self.stopped.set()

    def join_stopped(self, timeout: float = 30) -> None:
        self.stop()
        self.join(timeout)


_watcher: Watcher | None = None
_started = threading.Lock()


def start(db_path=None) -> Watcher | None:
    """The inbox thread of this process, started once (None when $DANGQUN_INBOX_POLL is 0)."""
    global _watcher
    poll = poll_seconds()
    if not poll:
        return None
    with _started:
        if _watcher is None or not _watcher.is_alive():
            _watcher = Watcher(directory(db_path), poll, db_path)
            _watcher.start()
            atexit.register(_watcher.join_stopped)
    return _watcher
