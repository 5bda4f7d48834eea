"""The inbox: files dropped into a folder are imported without anyone at the dashboard.

A nightly job copies its exports into the inbox (default data/inbox/ beside the database, or
$DANGQUN_INBOX). A thread of each server process looks into it every $DANGQUN_INBOX_POLL seconds
(`poll_once`) and hands each waiting file, oldest first, to an importer of its own
(`python -m dangqun inbox --once --file=NAME`, a process apart: the server only reads, and a file that
crashes a reader cannot take the server with it). The importer takes the importer's lock
(dangqun.publish), imports the file with the ordinary pipeline (a profile from config/mappings is found by
the file's headers), logs it in import_log and the audit log as imported by 收件箱 and moves it to
inbox/done/ or inbox/rejected/ (timestamp prefixed); the pass publishes the new version once, at its end.
`python -m dangqun inbox --once` from a timer (systemd, cron) runs the same pass without a dashboard.

A file must never be imported twice, nor block the files after it: when its importer dies (killed for
memory, a crash in a parser, CHILD_TIMEOUT exceeded) the pass moves the file to rejected/ with a
reason file beside it (`<name>.错误.txt`) and an audit row, and goes on with the next file; names are
shortened so that the timestamp prefix and the reason file fit the file system's 255 bytes; and a file
that cannot be moved where it belongs is moved anywhere it can be (see `_put_away`). Anything in the inbox
that is not a regular file (a symbolic link, a pipe, a device, a folder) is never opened: it is moved
aside the same way.

A file still being written must not be read half-way: names starting with '.' or '~$' and ending in
.part/.tmp/.crdownload are left alone (copy to such a name, then rename — atomic on one file system),
and any entry changed in the last SETTLE_SECONDS waits for the next pass.
"""
from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import errno
import logging
import os
import secrets
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

from dangqun import audit, db, ingest, publish

USER = "收件箱"
SETTLE_SECONDS = 5.0
DEFAULT_POLL = 30.0
TEMP_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")
DONE, REJECTED = "done", "rejected"
# the importer of one file; the pass adds --db and --file=NAME (a module attribute: tests put a crashing
# stand-in here)
CHILD = [sys.executable, "-m", "dangqun", "inbox", "--once"]
CHILD_TIMEOUT = 30 * 60.0    # seconds an importer may take with one file before it is killed
LOCK_WAIT = 60.0             # seconds to wait for the importer's lock before leaving a file for the next pass
EXIT_BUSY = 3                # the importer's exit code when it could not start (lock held, database locked)
NAME_MAX = 255               # bytes in a file name (ext4, xfs, btrfs)
REASON_SUFFIX = ".错误.txt"
NOT_REGULAR = "不是普通文件（符号链接/管道/目录…），未读取"
_BUSY = object()             # _import_in_child: the importer could not start
log = logging.getLogger(__name__)


class NotStarted(RuntimeError):
    """The importer could not take the lock or open the working copy: no file was touched, try later."""


class _NothingToPublish(Exception):
    """Leaves publish.importing() without publishing when the run changed nothing."""


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


def ready(folder: Path, now: float | None = None) -> list[Path]:
    """Every entry a pass handles, oldest first: the regular files to import and whatever else is there to
    move aside unread. lstat only: a symbolic link is judged as itself, never by what it points at."""
    now = time.time() if now is None else now
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        if name in (DONE, REJECTED) or name.startswith((".", "~$")) or name.lower().endswith(TEMP_SUFFIXES):
            continue
        try:
            mtime = os.lstat(folder / name).st_mtime
        except OSError:
            continue
        if now - mtime >= SETTLE_SECONDS:
            found.append((mtime, name))
    return [folder / name for _, name in sorted(found)]


def waiting(folder: Path, now: float | None = None) -> list[Path]:
    """The files ready to import, oldest first (see the module docstring for what waits)."""
    return [p for p in ready(folder, now) if _regular(p)]


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


# ── moving files away ────────────────────────────────────────────────────────────────────────────────

def _size(text: str) -> int:
    return len(os.fsencode(text))


def _shorten(name: str, room: int) -> str:
    """`name` in at most `room` bytes: cut at a character boundary before the extension, marked by '…'."""
    if _size(name) <= room:
        return name
    stem, ext = os.path.splitext(name)
    if _size(ext) > 16:          # not an extension worth keeping
        stem, ext = name, ""
    limit, kept, size = room - _size(ext) - _size("…"), [], 0
    for ch in stem:
        size += _size(ch)
        if size > limit:
            break
        kept.append(ch)
    return "".join(kept) + "…" + ext


def _move(path: Path, to: Path) -> Path:
    """Rename `path` (the entry itself, even a link or a folder) into `to` under a timestamp prefix, the
    name shortened so that it and its reason file fit NAME_MAX bytes."""
    to.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S}"
    n = 0
    while True:
        prefix = f"{stamp}_" if n == 0 else f"{stamp}_{n}_"
        target = to / (prefix + _shorten(path.name, NAME_MAX - _size(prefix + REASON_SUFFIX)))
        if not os.path.lexists(target) and not os.path.lexists(str(target) + REASON_SUFFIX):
            break
        n += 1
    os.rename(path, target)      # never shutil.move: its copying fallback would open a pipe or follow a link
    return target


def _put_away(folder: Path, path: Path, where: str) -> Path | None:
    """Move a handled entry to done/ or rejected/; when that fails, into rejected/ under a short generated
    name, and failing that to a hidden name in the inbox (which no pass looks at): a file left where it was
    would be imported again at the next pass. None when nothing worked (logged)."""
    try:
        return _move(path, folder / where)
    except OSError:
        log.exception("inbox: could not move %s to %s/", path, where)
    ext = os.path.splitext(path.name)[1]
    ext = ext if _size(ext) <= 16 else ""
    generated = f"{dt.datetime.now():%Y%m%d-%H%M%S}_未能移动_{secrets.token_hex(4)}{ext}"
    for target in (folder / REJECTED / generated, folder / f".{generated}"):
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.rename(path, target)
        except OSError:
            log.exception("inbox: could not move %s to %s either", path, target)
            continue
        log.error("inbox: %s was moved to %s instead of %s/", path, target, where)
        if target.parent.name == REJECTED:
            _write_reason(target, f"未能按原名移入 {where}/，改名存放于此。原文件名：{path.name}")
        return target
    return None


def _write_reason(moved: Path, reason: str) -> None:
    """`<moved name>.错误.txt`, created anew (O_EXCL, O_NOFOLLOW: never written through a link put there)."""
    try:
        fd = os.open(str(moved) + REASON_SUFFIX, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(reason + "\n")
    except OSError:
        log.exception("inbox: could not write the reason for %s", moved)


def set_aside(store, folder: Path, path: Path, reason: str) -> Path | None:
    """Move an entry that was not imported to rejected/, the reason beside it and in the audit log."""
    log.warning("inbox: %s set aside: %s", path.name, reason)
    moved = _put_away(folder, path, REJECTED)
    if moved is not None and moved.parent.name == REJECTED and not moved.name.startswith(".") \
            and not os.path.lexists(str(moved) + REASON_SUFFIX):
        _write_reason(moved, reason)
    try:
        audit.record(store, USER, "import", target=path.name, detail=reason, result="rejected")
    except Exception:  # noqa: BLE001 - the file is out of the way; a missing audit row is logged
        log.exception("inbox: could not audit %s", path.name)
    return moved


# ── the importer (`inbox --once --file=NAME`, under the importer's lock) ─────────────────────────────

def _opened_path(fd: int, path: Path) -> str:
    # the importer reads paths: /proc/PID/fd/N is the file opened here (without following a link), whatever
    # is put at `path` meanwhile; PID and not self: the reader may be a child (dangqun.ingest.sandbox)
    proc = f"/proc/{os.getpid()}/fd/{fd}"
    return proc if os.path.exists(proc) else str(path)


def _import_one(con, store, folder: Path, path: Path, db_path=None) -> ingest.Report | None:
    """One file imported and put away (None: it was gone, or not a regular file and set aside unread)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            set_aside(store, folder, path, NOT_REGULAR)
            return None
        # O_NOFOLLOW: a link swapped in since the lstat is refused; O_NONBLOCK: a pipe would not hang the open
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None              # another importer took it meanwhile
    except OSError as exc:
        set_aside(store, folder, path, NOT_REGULAR if exc.errno == errno.ELOOP else
                  f"无法打开文件：{exc.strerror or exc}，未导入")
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            set_aside(store, folder, path, NOT_REGULAR)
            return None
        cur = con.cursor()
        try:
            (report,) = ingest.import_files(cur, [_opened_path(fd, path)], db_path=db_path, names=[path.name],
                                            imported_by=USER)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the inbox
            log.exception("inbox: %s failed", path)
            set_aside(store, folder, path, f"导入失败：{exc}")
            return None
        finally:
            cur.close()
    finally:
        os.close(fd)
    try:
        audit.record_import(store, USER, report)
    except Exception:  # noqa: BLE001 - the import is committed: the file is done all the same
        log.exception("inbox: could not audit the import of %s", path.name)
    _put_away(folder, path, REJECTED if report.rejected else DONE)
    return report


def process(con, store, folder: Path, db_path=None, names=None) -> list[ingest.Report]:
    """Import the files `names` of `folder` (default: every waiting file), one transaction each, and move
    each to done/ or rejected/ (`con`: the working copy, under the importer's lock)."""
    paths = waiting(folder) if names is None else [folder / name for name in names]
    reports = []
    for path in paths:
        report = _import_one(con, store, folder, path, db_path)
        if report is not None:
            reports.append(report)
    return reports


def run_once(db_path, store, names=None, publish_after: bool = True) -> list[ingest.Report]:
    """`dangqun inbox --once --file=NAME`: the file(s) imported under the importer's lock and published
    (nothing is locked or published when none is there; nothing is published when nothing was logged).
    Raises NotStarted when the lock or the working copy could not be had (within LOCK_WAIT)."""
    folder = directory(db_path)
    paths = waiting(folder) if names is None else [folder / name for name in names]
    paths = [p for p in paths if os.path.lexists(p)]
    if not paths:
        return []
    try:
        with contextlib.ExitStack() as stack:
            try:
                con = stack.enter_context(publish.importing(db_path, who=USER, wait=LOCK_WAIT,
                                                            publish_after=publish_after))
            except Exception as exc:
                raise NotStarted(str(exc)) from exc
            reports = process(con, store, folder, db.resolve_path(db_path), [p.name for p in paths])
            if not reports:      # gone, or set aside unread: a copy of the whole database for nothing
                raise _NothingToPublish
            return reports
    except _NothingToPublish:
        return []


# ── the pass (the watcher's, and `inbox --once`) ─────────────────────────────────────────────────────

def poll_once(folder: Path, db_path=None, stopped: threading.Event | None = None) -> list[str]:
    """One look into the inbox: each ready entry, oldest first, is imported by an importer of its own
    (CHILD … --file=NAME) or, when not a regular file, set aside unread. An importer that dies, fails or
    outlives CHILD_TIMEOUT leaves its file set aside, and the pass goes on. Returns what the importers
    printed and what was set aside, a line each."""
    db_path = db.resolve_path(db_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    said = []
    imported = False
    for path in ready(folder):
        if stopped is not None and stopped.is_set():
            break
        try:
            before = os.lstat(path)
            if not stat.S_ISREG(before.st_mode):
                if _set_aside_if_same(folder, db_path, path, before, NOT_REGULAR):
                    said.append(f"✗ {path.name}：{NOT_REGULAR}")
                continue
            reason = _import_in_child(folder, db_path, path, said)
            if reason is None:
                imported = True
                continue
            if reason is _BUSY:
                break            # every file after it would wait the same: the next pass
            if _set_aside_if_same(folder, db_path, path, before, reason):
                said.append(f"✗ {path.name}：{reason}")
        except FileNotFoundError:
            continue             # gone meanwhile (another server's importer took it)
        except publish.Busy:
            log.info("inbox: the importer's lock is held; %s waits for the next pass", path.name)
            break
        except Exception:  # noqa: BLE001 - one entry must not stop the pass; the next pass tries again
            log.exception("inbox: %s could not be handled", path)
    if imported:
        # the importers left publishing to the end of the pass: one copy of the database for the night's files
        try:
            publish.publish_pending(db_path, who=USER)
        except Exception:  # noqa: BLE001 - the files are imported; the next import or a server's start publishes
            log.exception("inbox: publishing after the pass failed")
    return said


def _import_in_child(folder: Path, db_path: Path, path: Path, said: list[str]):
    """Run the importer on one file: None when it did its work, _BUSY when it could not start, else the
    reason the file was not imported."""
    command = [*CHILD, "--db", str(db_path), f"--file={path.name}"]    # '=': a name may start with '-'
    env = {**os.environ, "DANGQUN_INBOX": str(folder)}
    try:
        done = subprocess.run(command, cwd=db.ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=CHILD_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:      # subprocess.run has killed it
        _log_child(path, exc.stderr)
        return f"导入进程超过 {CHILD_TIMEOUT / 60:g} 分钟未结束，已被终止，该文件未导入"
    _log_child(path, done.stderr)
    said += done.stdout.decode("utf-8", "replace").splitlines()
    code = done.returncode
    if code == 0:
        return None
    if code == EXIT_BUSY:
        log.info("inbox: the importer could not start for %s; the next pass tries again", path.name)
        return _BUSY
    if code < 0:
        return f"导入进程异常退出（被信号 {-code} 结束），该文件未导入"
    return f"导入进程异常退出（退出码 {code}），该文件未导入"


def _log_child(path: Path, stderr) -> None:
    # the importer's own log (its tracebacks included) goes to this process's log, never to a user
    if stderr:
        log.warning("inbox: the importer of %s wrote:\n%s", path.name,
                    stderr.decode("utf-8", "replace")[-20000:].rstrip())


def _set_aside_if_same(folder: Path, db_path: Path, path: Path, before: os.stat_result, reason: str) -> bool:
    """Set `path` aside, under the importer's lock (another server's importer may be at it), unless it is gone
    or is not the entry seen before the importer ran (a new file of the same name is for the next pass)."""
    from dangqun import state

    with publish.locked(db_path, who=USER, wait=LOCK_WAIT):
        try:
            now = os.lstat(path)
        except FileNotFoundError:
            return False
        if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            return False
        set_aside(state.open_store(db_path=db_path), folder, path, reason)
        return True


class Watcher(threading.Thread):
    """Looks into the inbox every `poll` seconds for the life of the server process, and starts an importer
    for each waiting file (it never imports in the server process itself)."""

    def __init__(self, folder: Path, poll: float, db_path=None):
        super().__init__(name="dangqun-inbox", daemon=True)
        self.folder, self.poll, self.db_path = folder, poll, db.resolve_path(db_path)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.poll):
            self.pass_once()

    def pass_once(self) -> None:
        try:
            poll_once(self.folder, self.db_path, self.stopped)
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
