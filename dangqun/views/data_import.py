"""数据导入 without Streamlit: uploaded files to paths, their previews, the import run and the
tables the page shows (per-file counts, problems, history).

The importer (dangqun.ingest) takes paths, so uploads are saved to a directory first, each under its
own name (the import log and quarantine name the file as the official uploaded it).
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dangqun import db, ingest
from dangqun.contract import KINDS
from dangqun.i18n import t
from dangqun.metrics import fmt_date

PREVIEW_ROWS = 20
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


def save_uploads(files, directory) -> list[Path]:
    """Write uploaded files (objects with .name and .getvalue(), like Streamlit's UploadedFile) to
    `directory`, each in its own subfolder so two files of the same name do not collide, and return
    their paths. A file already saved is not written again (the page reruns on every click); files
    saved earlier but no longer in `files` are deleted (they hold personal data unmasked)."""
    directory = Path(directory)
    paths = []
    for i, f in enumerate(files):
        path = directory / str(getattr(f, "file_id", None) or i) / safe_name(f.name)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.write_bytes(f.getvalue())
            path.chmod(0o600)
        paths.append(path)
    keep = {p.parent for p in paths}
    for folder in directory.iterdir() if directory.exists() else ():
        if folder.is_dir() and folder not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    return paths


def discard(paths) -> None:
    """Delete saved uploads once imported: they hold names and phones unmasked, and the database
    keeps only the masked values."""
    for p in map(Path, paths):
        p.unlink(missing_ok=True)
        try:
            p.parent.rmdir()     # the file's own numbered folder (see save_uploads)
        except OSError:
            pass


def preview_files(paths, n: int = PREVIEW_ROWS) -> list[Preview]:
    previews = []
    for p in paths:
        kind, encoding, rows, notes = ingest.preview(p, n=n)
        previews.append(Preview(Path(p).name, Path(p), kind, encoding, rows, list(notes)))
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
    for done, pv in enumerate(ordered):
        if progress:
            progress(done, len(ordered), pv.file)
        report = ingest.import_files(con, [str(pv.path)], db_path=db_path)[0]
        results[id(pv)] = Result(pv.file, report, _import_id(con, report, pv.path.name))
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
