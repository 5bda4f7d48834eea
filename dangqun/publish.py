"""One writer that publishes: the analytics store as immutable versions (README 「两个存储」).

For the database data/dangqun.duckdb:

    data/dangqun.duckdb                 the working copy: only an importer opens it, read-write, under the lock
    data/dangqun.duckdb.lock            the importer's lock (flock) and who holds it since when
    data/dangqun.versions/v000042.duckdb  published versions: never written after publishing
    data/dangqun.versions/CURRENT       the current version's file name, replaced by rename

Every change of data (`dangqun import`, the inbox, the 数据导入 page, `boundaries / catalog / regions
import`, `init`, the demo build) runs inside `importing()`: it waits for the lock (a second importer says
who holds it), opens the working copy, changes it, checkpoints, and publishes a copy as a new version: the
file is written under a temporary name, then renamed, then CURRENT is replaced by rename, so a reader
never sees half a version. Each server process reads CURRENT at every run and opens the new version
(db.Reader) when it changed; its caches are keyed by the data version. Versions but the newest two are
deleted at each publish (a process still reading an older one keeps its open file until it switches: on
Linux a deleted file lives while it is open), so the disk holds the working copy and two versions.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

from dangqun import db

VERSIONS_SUFFIX = ".versions"
CURRENT = "CURRENT"
KEEP = 2                     # published versions kept on disk
_VERSION_RE = re.compile(r"v(\d{6,})\.duckdb")
LEGACY_TABLES = ("sessions", "audit_log", "alert_status")


class Busy(RuntimeError):
    """Another importer holds the lock and did not let go within the wait."""


class PublishFailed(RuntimeError):
    """The import is in the working copy but no new version could be written (a full disk, say): the servers
    go on with the version before, and the next publish (the next import, or a server's start) carries it."""


def versions_dir(db_path=None) -> Path:
    path = db.resolve_path(db_path)
    return path.with_name(path.name.removesuffix(".duckdb") + VERSIONS_SUFFIX)


def lock_path(db_path=None) -> Path:
    path = db.resolve_path(db_path)
    return path.with_name(path.name + ".lock")


def current(db_path=None) -> Path | None:
    """The current published version's file, or None before the first publish."""
    folder = versions_dir(db_path)
    try:
        name = (folder / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return folder / name if _VERSION_RE.fullmatch(name) else None


def holder(db_path=None) -> dict:
    """Who holds the importer's lock, as it wrote when taking it ({} when nobody said)."""
    try:
        return json.loads(lock_path(db_path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def busy_message(info: dict) -> str:
    who = info.get("who") or "未知"
    since = info.get("since") or "?"
    return f"另一个导入正在进行（{who}，自 {since} 起）"


@contextlib.contextmanager
def locked(db_path=None, who: str = "", wait: float | None = None, on_wait=None):
    """The importer's lock on the working copy: waits for it (`wait` seconds at most, None: as long as it
    takes; `on_wait(holder)` is called once when it has to wait), raising Busy after the wait."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    db.owner_only()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = None if wait is None else time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and on_wait is not None:
                    on_wait(holder(db_path))
                    told = True
                if deadline is not None and time.monotonic() >= deadline:
                    raise Busy(busy_message(holder(db_path)) + "，请稍后再试") from None
                time.sleep(0.2)
        info = {"who": who, "pid": os.getpid(), "since": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info, ensure_ascii=False).encode("utf-8"), 0)
        try:
            yield info
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def importing(db_path=None, who: str = "", wait: float | None = None, on_wait=None, publish_after: bool = True):
    """The working copy opened read-write under the lock; on a normal exit it is checkpointed and published
    (publish_after=False: only checkpointed, for a run of importers that publish once at its end with
    publish_pending). An exception publishes nothing (what the block committed goes out with the next
    publish)."""
    path = db.resolve_path(db_path)
    with locked(path, who, wait, on_wait):
        con = db.connect(path)
        try:
            _convert_legacy(con, path)
            yield con
            con.execute("checkpoint")
        finally:
            con.close()
        if not publish_after:
            return
        try:
            publish(path)
        except OSError as exc:
            _log_failed_publish(path, who, exc)
            raise PublishFailed(f"数据已导入，但未能发布新版本（{exc.strerror or exc}）：看板仍显示上一版本的数据，"
                                "下一次导入或看板启动时会再次发布") from exc


def publish_pending(db_path=None, who: str = "") -> Path | None:
    """Publish the working copy if it changed since the current version (importers that left publishing to
    the end of their run, dangqun.inbox); the new version, or None when there was nothing to publish. Only
    copies a file: no database is opened."""
    path = db.resolve_path(db_path)
    with locked(path, who):
        version = current(path)
        if version is not None and not _newer(path, version):
            return None
        try:
            return publish(path)
        except OSError as exc:
            _log_failed_publish(path, who, exc)
            raise PublishFailed(f"数据已导入，但未能发布新版本（{exc.strerror or exc}）：看板仍显示上一版本的数据，"
                                "下一次导入或看板启动时会再次发布") from exc


def publish(db_path=None) -> Path:
    """Publish the working copy as a new version (call under the lock, the working copy closed)."""
    path = db.resolve_path(db_path)
    folder = versions_dir(path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for stale in folder.glob("*.tmp"):     # a publish killed half-way
        stale.unlink(missing_ok=True)
    number = max((int(m.group(1)) for p in folder.iterdir() if (m := _VERSION_RE.fullmatch(p.name))), default=0) + 1
    target = folder / f"v{number:06d}.duckdb"
    tmp = folder / (target.name + ".tmp")
    shutil.copyfile(path, tmp)
    os.chmod(tmp, 0o600)
    _fsync(tmp)
    os.replace(tmp, target)
    pointer = folder / (CURRENT + ".tmp")
    pointer.write_text(target.name, encoding="utf-8")
    _fsync(pointer)
    os.replace(pointer, folder / CURRENT)
    _fsync_dir(folder)
    _prune(folder, target)
    _after_publish(target, folder / CURRENT)
    return target


def _after_publish(version: Path, pointer: Path) -> None:
    """$DANGQUN_AFTER_PUBLISH, when set, is run with the new version's file and the pointer as its last two
    arguments: servers on other machines get their copy this way (e.g. a script that rsyncs the version, then
    the pointer; README 多个进程). Its failure is logged: the version is published here all the same."""
    import logging
    import shlex
    import subprocess

    command = os.environ.get("DANGQUN_AFTER_PUBLISH", "").strip()
    if not command:
        return
    try:
        done = subprocess.run([*shlex.split(command), str(version), str(pointer)], capture_output=True, text=True,
                              timeout=3600)
        if done.returncode != 0:
            logging.getLogger(__name__).error("after publish: %s ended with %s: %s", command, done.returncode,
                                              done.stderr[-2000:])
    except (OSError, subprocess.SubprocessError):
        logging.getLogger(__name__).exception("after publish: %s could not run", command)


def _log_failed_publish(path: Path, who: str, exc: OSError) -> None:
    """A line in the import history (import_log) for the failed publish, and no half file left behind."""
    for half in versions_dir(path).glob("*.tmp"):
        half.unlink(missing_ok=True)
    try:
        con = db.connect(path)
    except Exception:  # noqa: BLE001 - the error being reported matters more than its log line
        return
    try:
        con.execute("insert into import_log (import_id, imported_at, file_name, status, message, imported_by) "
                    "values (nextval('import_id_seq'), $at, '（发布新版本）', '发布失败', $msg, $who)",
                    {"at": dt.datetime.now(), "msg": f"未能发布新版本：{exc.strerror or exc}；看板仍显示上一版本",
                     "who": who[:200]})
        con.execute("checkpoint")
    finally:
        con.close()


def _prune(folder: Path, newest: Path) -> None:
    numbered = sorted((int(m.group(1)), p) for p in folder.iterdir() if (m := _VERSION_RE.fullmatch(p.name)))
    keep = {p for _, p in numbered[-KEEP:]} | {newest}
    for _, p in numbered:
        if p not in keep:
            p.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prepare(db_path=None, who: str = "启动") -> Path | None:
    """Make sure a version is published that this release can read and that holds what the working copy
    holds: on the first start of this release (no version yet: an older release's single file is converted,
    dangqun.state takes its audit log and alert statuses), after an upgrade that changed the stored
    definitions (the rollups' version), and when the working copy changed after the last publish (an importer
    killed between its commit and its publish, or a database put in place by hand). Called when a server
    process starts. Returns the current version; None when there is no database at all."""
    path = db.resolve_path(db_path)
    version = current(path)
    if version is not None and not _stale(version) and not _newer(path, version):
        return version
    if not path.exists():
        return None
    with importing(path, who):
        pass
    return current(path)


def _newer(path: Path, version: Path) -> bool:
    try:
        return path.stat().st_mtime_ns > version.stat().st_mtime_ns
    except FileNotFoundError:
        return False


def _stale(version: Path) -> bool:
    from dangqun import rollups
    import duckdb

    try:
        con = duckdb.connect(str(version), read_only=True)
    except duckdb.Error:
        return True
    try:
        return db.get_meta(con, rollups.META_KEY) != rollups.version()
    finally:
        con.close()


def _convert_legacy(con, path: Path) -> None:
    """An older release's database held the operational tables (sessions, audit_log, alert_status): their
    rows move to the operational store (sessions are dropped: their officials log in again), then the tables
    are dropped, so a published version carries no session or audit row."""
    have = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
    legacy = [t for t in LEGACY_TABLES if t in have]
    if not legacy:
        return
    from dangqun import state

    store = state.open_store(db_path=path)
    state.take_legacy_rows(store, con, str(path))
    for table in legacy:
        con.execute(f"drop table {table}")
    con.execute("drop sequence if exists audit_id_seq")


# ── the server's side: the version a process reads ────────────────────────────────────────────────

class Readers:
    """The versions a server process has open: the current one, and the one before it for queries that
    were running when it switched (closed at the next switch)."""

    def __init__(self, db_path=None):
        self.db_path = db.resolve_path(db_path)
        self._lock = threading.Lock()
        self._open: list[db.Reader] = []
        if self.db_path.exists():
            prepare(self.db_path)

    def get(self) -> db.Reader:
        version = current(self.db_path)
        if version is None:
            version = prepare(self.db_path)
            if version is None:
                raise FileNotFoundError(f"没有数据库：{self.db_path}")
        with self._lock:
            if self._open and self._open[-1].path == version:
                return self._open[-1]
            reader = db.Reader(version)
            self._open.append(reader)
            while len(self._open) > 2:
                self._open.pop(0).close()
            return reader
