"""The inbox: files dropped into a folder are imported by the running dashboard (issue 11 item 7).

While the dashboard runs it holds the database's write lock, so `python -m dangqun import` cannot write
(exit 3). A nightly job copies its exports into the inbox instead (default data/inbox/ beside the
database, or $DANGQUN_INBOX); a thread of the server process imports each file with the ordinary
pipeline (a profile from config/mappings is found by the file's headers), logs it in import_log and the
audit log as imported by 收件箱, and moves it to inbox/done/ or inbox/rejected/ (timestamp prefixed).

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
import threading
import time
from pathlib import Path

from dangqun import audit, db, ingest

USER = "收件箱"
SETTLE_SECONDS = 5.0
DEFAULT_POLL = 30.0
TEMP_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")
DONE, REJECTED = "done", "rejected"
# one import at a time in this process: the page's import and the inbox's do not race for the same rows
LOCK = threading.Lock()
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


def process(con, folder: Path, db_path=None) -> list[ingest.Report]:
    """Import every waiting file of `folder` (one transaction each) and move it to done/ or rejected/."""
    reports = []
    for path in waiting(folder):
        with LOCK:
            cur = con.cursor()
            try:
                (report,) = ingest.import_files(cur, [str(path)], db_path=db_path, imported_by=USER)
                audit.record_import(con, USER, report)
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


class Watcher(threading.Thread):
    """Looks into the inbox every `poll` seconds for the life of the server process. `connection()` gives
    the process's connection at each pass (the dashboard's cached one, which a cache clear may replace):
    the thread never keeps a connection of its own alive."""

    def __init__(self, connection, folder: Path, poll: float, db_path=None):
        super().__init__(name="dangqun-inbox", daemon=True)
        self.connection, self.folder, self.poll, self.db_path = connection, folder, poll, db_path
        self.stopped = threading.Event()

    def run(self) -> None:
        # the first look after one interval: the connection that starts the thread is still being made
        while not self.stopped.wait(self.poll):
            try:
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                process(self.connection(), self.folder, self.db_path)
            except Exception:  # noqa: BLE001 - keep looking: a full disk or a moved folder may pass
                log.exception("inbox: pass over %s failed", self.folder)

    def stop(self) -> None:
        self.stopped.set()

    def join_stopped(self, timeout: float = 30) -> None:
        self.stop()
        self.join(timeout)


_watcher: Watcher | None = None
_started = threading.Lock()


def start(connection, db_path=None) -> Watcher | None:
    """The inbox thread of this process, started once (None when $DANGQUN_INBOX_POLL is 0)."""
    global _watcher
    poll = poll_seconds()
    if not poll:
        return None
    with _started:
        if _watcher is None or not _watcher.is_alive():
            _watcher = Watcher(connection, directory(db_path), poll, db_path)
            _watcher.start()
            # ended before the interpreter: a daemon thread cut off inside DuckDB leaks its objects
            atexit.register(_watcher.join_stopped)
    return _watcher
