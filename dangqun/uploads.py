"""Uploaded files on disk, without Streamlit (the 数据导入 page saves them here, the importer reads paths).

Uploads are saved in the data directory (uploads/ beside the database, 0700; files 0600), one folder per
session, each file under a short generated name (a 100-character Chinese name is too long for many file
systems); the import log, quarantine and audit name the file as the official uploaded it. The files hold
names and phones unmasked, so they go as soon as they are not needed: after the import, when they leave
the uploader, and, since Streamlit has no hook that always fires when a session ends, by age: every run of
the import page (and a sweeper thread while the server runs) deletes folders untouched for UPLOAD_MAX_AGE,
and the first sweep of a process deletes every folder an earlier process left behind.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

from dangqun import db

UPLOAD_MAX_AGE = 30 * 60        # seconds an upload folder may stay untouched
SWEEP_EVERY = 5 * 60            # the sweeper thread's interval
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(name: str) -> str:
    """The uploaded file's own name without any directory part or characters a file system refuses."""
    base = _UNSAFE.sub("_", str(name).replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    if len(base) > 150:     # keep the extension: the importer reads by content, people read by name
        suffix = Path(base).suffix[:10]
        base = base[:150 - len(suffix)] + suffix
    return base or "upload"


class Saved(NamedTuple):
    """An upload on disk: its path (a generated short name) and the name the official gave it."""
    path: Path
    name: str


def upload_root() -> Path:
    """uploads/ beside the database, readable by the app's user only; under `dangqun serve --workers N` each
    worker has its own folder in it ($DANGQUN_WORKER), since a process's first sweep deletes every folder it
    did not make, and the other workers' live uploads are not its to delete."""
    root = db.resolve_path().resolve().parent / "uploads"
    folders = [root]
    if os.environ.get("DANGQUN_WORKER"):
        root = root / f"worker-{os.environ['DANGQUN_WORKER']}"
        folders.append(root)
    folders[0].parent.mkdir(parents=True, exist_ok=True)     # the data folder (a database not made yet)
    for folder in folders:
        folder.mkdir(exist_ok=True, mode=0o700)
        folder.chmod(0o700)
    return root


_lock = threading.Lock()
_mine: set[Path] = set()       # session folders made by this process
_swept_once = False


def session_dir(root: Path | None = None) -> Path:
    """A new folder for one session's uploads."""
    root = root or upload_root()
    folder = Path(tempfile.mkdtemp(dir=root))     # 0700
    with _lock:
        _mine.add(folder)
    return folder


def _age(folder: Path, now: float) -> float:
    newest = max((p.stat().st_mtime for p in folder.rglob("*")), default=folder.stat().st_mtime)
    return now - max(newest, folder.stat().st_mtime)


def sweep(root: Path | None = None, max_age: float = UPLOAD_MAX_AGE, now: float | None = None) -> list[Path]:
    """Delete upload folders untouched for `max_age` seconds and, on a process's first sweep, every
    folder it did not make (left by an earlier run, a crash or a kill). Returns what was deleted."""
    global _swept_once
    root = root or upload_root()
    now = time.time() if now is None else now
    gone = []
    with _lock:
        first, _swept_once = not _swept_once, True
        for folder in root.iterdir() if root.exists() else ():
            try:
                stale = (first and folder not in _mine) or not folder.is_dir() or _age(folder, now) > max_age
            except OSError:       # deleted meanwhile
                continue
            if stale:
                shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink(missing_ok=True)
                _mine.discard(folder)
                gone.append(folder)
    return gone


def start_sweeper() -> None:
    """A daemon thread sweeping every SWEEP_EVERY seconds while the server runs (once per process):
    an upload of a session that simply closed its tab goes within UPLOAD_MAX_AGE + SWEEP_EVERY."""
    def _loop():
        while True:
            time.sleep(SWEEP_EVERY)
            try:
                sweep()
            except OSError:
                pass
    with _lock:
        if any(t.name == "dangqun-upload-sweeper" for t in threading.enumerate()):
            return
        threading.Thread(target=_loop, name="dangqun-upload-sweeper", daemon=True).start()


def save_uploads(files, directory) -> list[Saved]:
    """Write uploaded files (objects with .name and .getvalue(), like Streamlit's UploadedFile) to
    `directory`, each in its own subfolder under a short generated name, and return them with their
    uploaded names. A file already saved is not written again (the page reruns on every click); files
    saved earlier but no longer in `files` are deleted (they hold personal data unmasked)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)   # swept while the session was idle
    saved = []
    for i, f in enumerate(files):
        name = safe_name(f.name)
        folder = directory / re.sub(r"[^0-9A-Za-z_-]", "", str(getattr(f, "file_id", None) or i))[:40]
        path = folder / ("upload" + Path(name).suffix[:10].lower())
        if not path.exists():
            folder.mkdir(exist_ok=True, mode=0o700)
            path.write_bytes(f.getvalue())
            path.chmod(0o600)
        saved.append(Saved(path, name))
    keep = {s.path.parent for s in saved}
    for folder in directory.iterdir():
        if folder.is_dir() and folder not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    return saved


def discard(paths) -> None:
    """Delete saved uploads once imported: they hold names and phones unmasked, and the database
    keeps only the masked values."""
    for p in paths:
        p = Path(getattr(p, "path", p))
        p.unlink(missing_ok=True)
        try:
            p.parent.rmdir()     # the file's own folder (see save_uploads)
        except OSError:
            pass
