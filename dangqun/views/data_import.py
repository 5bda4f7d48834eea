"""数据导入 without Streamlit: uploaded files to paths, their previews, the import run and the
tables the page shows (per-file counts, problems, history).

The importer (dangqun.ingest) takes paths, so uploads are saved to disk first: in the data directory
(uploads/ beside the database, 0700; files 0600), one folder per session, each file under a short
generated name (a 100-character Chinese name is too long for many file systems); the import log,
quarantine and audit name the file as the official uploaded it. The files hold names and phones
unmasked, so they go as soon as they are not needed: after the import, when they leave the uploader,
and, since Streamlit has no hook that always fires when a session ends, by age: every run of the
import page (and a sweeper thread while the server runs) deletes folders untouched for UPLOAD_MAX_AGE,
and the first sweep of a process deletes every folder an earlier process left behind.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from dangqun import db, ingest
from dangqun.contract import KINDS
from dangqun.i18n import t
from dangqun.metrics import fmt_date

PREVIEW_ROWS = 20
UPLOAD_MAX_AGE = 30 * 60        # seconds an upload folder may stay untouched
SWEEP_EVERY = 5 * 60            # the sweeper thread's interval
HISTORY_ROWS = 200
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')

# result and history columns → header (an i18n key), in the order shown
COUNT_COLUMNS = {"rows_read": "读取", "imported": "新增", "updated": "更新", "duplicates": "重复",
                 "quarantined": "隔离"}
HISTORY_COLUMNS = {"imported_at": "时间", "file_name": "文件", "kind": "类型", "encoding": "编码",
                   **COUNT_COLUMNS, "status": "状态", "message": "说明", "imported_by": "导入人"}
ERROR_COLUMNS = {"row": "行", "column": "列", "reason": "原因"}
LOADED_COLUMNS = {"table_label": "数据表", "row_count": "行数", "first_date": "起始日期", "last_date": "结束日期"}
QUARANTINE_COLUMNS = {"file_name": "文件", "row_number": "行", "column_name": "列", "reason": "原因",
                      "center_id": "中心编码", "raw": "原始内容"}


@dataclass
class Preview:
    file: str                 # the uploaded name
    path: Path
    kind: str | None          # None: the importer would reject the file
    encoding: str | None
    rows: pd.DataFrame        # first rows, canonical headers, personal fields masked
    notes: list[str] = field(default_factory=list)


@dataclass
class Result:
    file: str
    report: ingest.Report
    import_id: int | None     # the import_log line (its quarantine rows carry the same id)


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
    """uploads/ beside the database, readable by the app's user only."""
    root = db.resolve_path().resolve().parent / "uploads"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    root.chmod(0o700)
    return root


_lock = threading.Lock()
_import_lock = threading.Lock()
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


def preview_files(files, n: int = PREVIEW_ROWS) -> list[Preview]:
    """Previews of saved uploads (Saved) or of plain paths (named by their file name)."""
    previews = []
    for f in files:
        path = Path(getattr(f, "path", f))
        kind, encoding, rows, notes = ingest.preview(path, n=n)
        previews.append(Preview(f.name, path, kind, encoding, rows, list(notes)))
    return previews


def import_order(previews: list[Preview]) -> list[Preview]:
    """Centers files first, so records of a center created in the same upload pass (as the CLI)."""
    return sorted(previews, key=lambda pv: pv.kind != "centers")


def run_import(con, previews: list[Preview], db_path=None, progress=None) -> list[Result]:
    """Import each previewed file in its own transaction (the importer bumps the data version with
    it, so cached pages see the new data at once). progress(done, total, file) is called before each
    file and at the end; results come back in upload order."""
    ordered = import_order(previews)
    results = {}
    with _import_lock:   # imports queue: two at once on the one connection conflict ("Conflict on tuple deletion")
        for done, pv in enumerate(ordered):
            if progress:
                progress(done, len(ordered), pv.file)
            try:
                report = ingest.import_files(con, [str(pv.path)], db_path=db_path, names=[pv.file])[0]
                results[id(pv)] = Result(pv.file, report, _import_id(con, report, pv.file))
            except duckdb.Error as exc:   # the file's transaction was rolled back: say so, and go on
                report = ingest.Report(file=pv.file, rejected=True,
                                       message=f"导入时数据库出错，未导入任何数据（{type(exc).__name__}: {exc}），请稍后重试")
                results[id(pv)] = Result(pv.file, report, None)
        if progress:
            progress(len(ordered), len(ordered), None)
    return [results[id(pv)] for pv in previews]


def _import_id(con, report, file_name: str) -> int | None:
    if getattr(report, "import_id", None) is not None:
        return report.import_id
    # the newest log line of this file is the one just written on this connection
    latest = db.run(con, "import_history", {"limit": 20})
    mine = latest[latest.file_name == file_name]
    return int(mine.import_id.iloc[0]) if len(mine) else None


def kind_label(kind: str | None, lang: str = "zh") -> str:
    return t(KINDS[kind].label, lang) if kind in KINDS else "—"


def results_frame(results: list[Result], lang: str = "zh") -> pd.DataFrame:
    """One row per file: 文件, 类型, 编码, 读取, 新增, 更新, 重复, 隔离, 状态."""
    rows = []
    for r in results:
        rep = r.report
        row = {t("文件", lang): r.file, t("类型", lang): kind_label(rep.kind, lang),
               t("编码", lang): rep.encoding or "—"}
        row.update({t(label, lang): getattr(rep, name) for name, label in COUNT_COLUMNS.items()})
        row[t("状态", lang)] = t("已拒绝" if rep.rejected else "已处理", lang)
        rows.append(row)
    return pd.DataFrame(rows)


def errors_frame(report: ingest.Report, lang: str = "zh") -> pd.DataFrame:
    """The report's problems as 行 / 列 / 原因 (row as a spreadsheet numbers it, header = 1)."""
    data = [{t(ERROR_COLUMNS["row"], lang): e.row, t(ERROR_COLUMNS["column"], lang): e.column,
             t(ERROR_COLUMNS["reason"], lang): e.reason} for e in report.errors]
    return pd.DataFrame(data, columns=[t(v, lang) for v in ERROR_COLUMNS.values()]).astype(
        {t("行", lang): "Int64"})


def _labelled(df: pd.DataFrame, columns: dict, lang: str) -> pd.DataFrame:
    cols = [c for c in columns if c in df.columns]
    return df[cols].rename(columns={c: t(columns[c], lang) for c in cols})


def history_frame(history: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """import_history as shown: kinds and statuses in words, headers in `lang`."""
    out = history.assign(kind=history["kind"].map(lambda k: kind_label(k, lang)).astype("str"),
                         status=history["status"].map(lambda s: t(s, lang) if isinstance(s, str) else "—"))
    return _labelled(out, HISTORY_COLUMNS, lang)


def quarantine_frame(rows: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    return _labelled(rows, QUARANTINE_COLUMNS, lang)


def loaded_frame(loaded: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """loaded_tables as shown: table names in `lang`, dates as YYYY-MM-DD ("—" where a table has none)."""
    out = loaded.assign(table_label=loaded["table_label"].map(lambda s: t(s, lang)).astype("str"),
                        first_date=loaded["first_date"].map(fmt_date).astype("str"),
                        last_date=loaded["last_date"].map(fmt_date).astype("str"))
    return _labelled(out, LOADED_COLUMNS, lang)
