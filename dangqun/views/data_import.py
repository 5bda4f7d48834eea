"""数据导入 without Streamlit: previews of the saved uploads (dangqun.uploads), the import run and the
tables the page shows (per-file counts, problems, history)."""
from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from dangqun import db, inbox, ingest
from dangqun.contract import KINDS
from dangqun.i18n import t
from dangqun.metrics import fmt_date

PREVIEW_ROWS = 20
HISTORY_ROWS = 200

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
    mapping: object = None    # the mapping profile (ingest.mapping.Profile) the file is imported with


@dataclass
class Result:
    file: str
    report: ingest.Report
    import_id: int | None     # the import_log line (its quarantine rows carry the same id)


def preview_files(files, n: int = PREVIEW_ROWS, mappings: dict | None = None) -> list[Preview]:
    """Previews of saved uploads (dangqun.uploads.Saved) or of plain paths (named by their file name). A file
    whose headers fit no kind is read through the profile `mappings` names for its path (made on this page), else through
    a saved profile whose fingerprint its headers contain."""
    previews = []
    for f in files:
        path = Path(getattr(f, "path", f))
        kind, encoding, rows, notes = ingest.preview(path, n=n)
        pv = Preview(getattr(f, "name", path.name), path, kind, encoding, rows, list(notes))
        if kind is None and encoding is not None:
            pv.mapping = (mappings or {}).get(str(path)) or _saved_profile(rows)
            if pv.mapping is not None:
                pv.kind = pv.mapping.kind.name
                pv.notes = pv.notes[:-1]   # the last note says the headers fit no kind: the profile fits them
        previews.append(pv)
    return previews


def _saved_profile(rows: pd.DataFrame):
    from dangqun.ingest import mapping

    try:
        return mapping.find([str(c) for c in rows.columns])
    except mapping.MappingError:
        return None     # a broken profile file: the import reports it when it is used


def import_order(previews: list[Preview]) -> list[Preview]:
    """Centers files first, so records of a center created in the same upload pass (as the CLI)."""
    return sorted(previews, key=lambda pv: pv.kind != "centers")


def run_import(previews: list[Preview], db_path=None, progress=None, imported_by: str | None = None
               ) -> list[Result]:
    """Import each previewed file in its own transaction, with its mapping profile if it has one, logged as
    imported by `imported_by` (the logged-in account). The server process only reads the published data:
    the import runs in the importer's own process (`python -m dangqun import-job`, import_job below), which
    waits its turn behind any other import, publishes a new version, and reports each step as a JSON line.
    progress(done, total, file) is called before each file and at the end (file None), progress(None, total,
    message) while another import holds the lock; results come back in upload order."""
    ordered = import_order(previews)
    job = {"imported_by": imported_by,
           "files": [{"path": str(pv.path), "name": pv.file,
                      "mapping": str(pv.mapping.path) if pv.mapping is not None and pv.mapping.path else None}
                     for pv in ordered]}
    results: dict[int, Result] = {}
    proc = subprocess.Popen([sys.executable, "-m", "dangqun", "import-job", "--db", str(db.resolve_path(db_path))],
                            cwd=db.ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8")
    proc.stdin.write(json.dumps(job, ensure_ascii=False))
    proc.stdin.close()
    for line in proc.stdout:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if "waiting" in event and progress:
            progress(None, len(ordered), event["waiting"])
        elif "start" in event and progress:
            progress(event["start"], len(ordered), ordered[event["start"]].file)
        elif "report" in event:
            i = event["index"]
            results[id(ordered[i])] = Result(ordered[i].file, report_from_json(event["report"]), event["import_id"])
        elif "not_published" in event:      # imported, but the new version could not be written
            for r in results.values():
                r.report.notes.append(event["not_published"])
    stderr = proc.stderr.read()
    proc.wait()
    for pv in ordered:       # the importer died before reporting on it: said so, nothing of it shown as done
        if id(pv) not in results:
            reason = _last_line(stderr) or f"导入进程退出（代码 {proc.returncode}）"
            results[id(pv)] = Result(pv.file, ingest.Report(
                file=pv.file, rejected=True, message=f"导入未完成，请稍后重试或查看导入记录（{reason}）"), None)
    if progress:
        progress(len(ordered), len(ordered), None)
    return [results[id(pv)] for pv in previews]


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def report_from_json(data: dict) -> ingest.Report:
    fields = dict(data)
    fields["errors"] = [ingest.Problem(**e) for e in data.get("errors", [])]
    return ingest.Report(**fields)


def import_job(job: dict, db_path, store) -> int:
    """`python -m dangqun import-job`: the import run_import hands over, in this process. Writes JSON lines:
    {"waiting": message} while another import holds the lock, {"start": i} before file i, {"index": i,
    "report": …, "import_id": …} after it; the version is published after the last file ({"not_published":
    message} when that failed: the files are imported, the servers show the version before)."""
    from dangqun import audit, publish

    def _say(event: dict) -> None:
        print(json.dumps(event, ensure_ascii=False, default=str), flush=True)

    user = job.get("imported_by") or audit.cli_user()
    try:
        _import_each(job, db_path, store, user, _say)
    except publish.PublishFailed as exc:
        _say({"not_published": str(exc)})
    return 0


def _import_each(job: dict, db_path, store, user: str, _say) -> None:
    from dangqun import audit, publish

    with publish.importing(db_path, who=f"{user} · 数据导入页",
                           on_wait=lambda info: _say({"waiting": publish.busy_message(info)})) as con:
        for i, f in enumerate(job["files"]):
            _say({"start": i})
            cur = con.cursor()
            try:
                report = ingest.import_files(cur, [f["path"]], db_path=db.resolve_path(db_path), mapping=f.get("mapping"),
                                             names=[f["name"]], imported_by=user)[0]
                import_id = _import_id(cur, report, f["name"])
            except duckdb.Error as exc:   # the file's transaction was rolled back: say so, and go on
                report = ingest.Report(file=f["name"], rejected=True,
                                       message=f"导入时数据库出错，未导入任何数据（{type(exc).__name__}: {exc}），请稍后重试")
                import_id = None
            finally:
                cur.close()
            audit.record_import(store, user, report)
            _say({"index": i, "report": dataclasses.asdict(report), "import_id": import_id})


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
                         status=history["status"].map(lambda s: t(s, lang) if isinstance(s, str) else "—"),
                         imported_by=history["imported_by"].map(lambda s: s if isinstance(s, str) and s else "—").astype("str"))
    return _labelled(out, HISTORY_COLUMNS, lang)


def quarantine_frame(rows: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    return _labelled(rows, QUARANTINE_COLUMNS, lang)


def loaded_frame(loaded: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """loaded_tables as shown: table names in `lang`, dates as YYYY-MM-DD ("—" where a table has none)."""
    out = loaded.assign(table_label=loaded["table_label"].map(lambda s: t(s, lang)).astype("str"),
                        first_date=loaded["first_date"].map(fmt_date).astype("str"),
                        last_date=loaded["last_date"].map(fmt_date).astype("str"))
    return _labelled(out, LOADED_COLUMNS, lang)


# ── the mapping step: a file whose headers fit no kind, mapped to the contract on the page ───────────
# The figures come from dangqun.ingest.mapping (the functions `python -m dangqun map` drafts with) and the
# dry run from ingest.import_file(dry_run=True), as `import --mapping --dry-run`; the page only edits them.

SOURCES = ("文件表头", "常量", "推导", "无")
EMPTY_VALUE = "（空）"        # the row is kept, the column left empty
SKIP_VALUE = "忽略该行"       # the row is left out, counted as skipped with this reason
SKIP_REASON = "导入页面映射时选择忽略该行"
# what an empty grid cell shows (a select cell without a value would show the word None)
NO_HEADER = "（无）"
UNMAPPED = "（未对应）"   # the value is left as it is: the import quarantines it unless the contract allows it
PROFILE_NAME = re.compile(r"[0-9A-Za-z_\-\u4e00-\u9fff]{1,40}")
MAP_COLUMNS = ("列", "必填", "来源", "文件表头", "常量", "日期格式")


def mapping_grid(proposal) -> pd.DataFrame:
    """One row per contract column of the proposal's kind: 来源 (文件表头 / 常量 / 推导 / 无), the file
    header it is read from (the derived status: the closing time it is derived from), a constant, a date
    format. The contract's column name is the index."""
    rows, index = [], []
    for col in KINDS[proposal.kind].columns:
        source, header, fmt = "无", NO_HEADER, ""
        if col.name in proposal.chosen:
            i, formats, _ = proposal.chosen[col.name]
            source, header, fmt = "文件表头", proposal.headers[i].strip(), (formats[0] if formats else "")
        elif col.name == "status" and proposal.status_from is not None:
            source, header = "推导", proposal.headers[proposal.status_from].strip()
        rows.append({"列": col.header, "必填": "是" if col.required else "", "来源": source, "文件表头": header,
                     "常量": "", "日期格式": fmt})
        index.append(col.name)
    return pd.DataFrame(rows, index=pd.Index(index, name="column"), columns=list(MAP_COLUMNS))


def _cell(v) -> str:
    if v is None or pd.isna(v) or v in (NO_HEADER, UNMAPPED):
        return ""
    return str(v).strip()


def value_columns(kind: str, grid: pd.DataFrame) -> dict[str, str]:
    """The enum columns read from a file header (their values get a grid): column → header."""
    knd = KINDS[kind]
    return {name: _cell(row["文件表头"]) for name, row in grid.iterrows()
            if knd.column(name).enum and row["来源"] == "文件表头" and _cell(row["文件表头"])}


def values_grid(con, sheet, column: str, kind: str, header: str) -> pd.DataFrame:
    """The distinct values of `header` (up to mapping.ENUM_VALUES_MAX, commonest first) with their row
    counts and a proposed 规范值: the value itself where the contract allows it, else none yet."""
    from dangqun.ingest import mapping

    enum = KINDS[kind].column(column).enum
    i = _header_index(sheet.headers, header)
    with mapping.registered(con, sheet):
        rows = mapping.distinct_values(con, i, mapping.ENUM_VALUES_MAX)
    return pd.DataFrame({"源值": [v for v, _ in rows], "行数": [int(n) for _, n in rows],
                         "规范值": [v if v in enum else UNMAPPED for v, _ in rows]})


def _header_index(headers: list[str], header: str) -> int | None:
    from dangqun.ingest.normalise import norm_header

    want = norm_header(header)
    return next((i for i, h in enumerate(headers) if norm_header(h) == want), None)


def check_frame(con, sheet, kind: str, grid: pd.DataFrame, values: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """What each mapped column would read, live: three sample cells (masked as they would be stored) and
    the share of non-empty cells that parse as the column's type — for an enum column, the share of rows
    whose value the value grid maps to a contract value or leaves out."""
    from dangqun.ingest import mapping

    knd = KINDS[kind]
    out = []
    with mapping.registered(con, sheet):
        for name, row in grid.iterrows():
            col, source, header = knd.column(name), row["来源"], _cell(row["文件表头"])
            samples, rate = "", None
            if source == "常量":
                samples = _cell(row["常量"])
            elif source in ("文件表头", "推导") and header:
                i = _header_index(sheet.headers, header)
                if i is None:
                    samples = f"文件中没有表头「{header}」"
                else:
                    samples = " | ".join(mapping.sample_cells(con, i, col))
                    if source == "文件表头" and col.enum and name in values:
                        v = values[name]
                        ok = v["规范值"].map(lambda x: bool(_cell(x))).to_numpy()
                        rate = float(v.loc[ok, "行数"].sum() / v["行数"].sum()) if v["行数"].sum() else None
                    elif source == "文件表头":
                        fmt = _cell(row["日期格式"])
                        rate = mapping.parse_rate(con, i, col, [fmt] if fmt else None)
            elif source == "无" and col.required:
                samples = "必填，须指定来源"
            out.append({"列": col.header, "来源": source, "样本": samples,
                        "可解析": "—" if rate is None else f"{rate:.1%}"})
    return pd.DataFrame(out)


def profile_toml(kind: str, grid: pd.DataFrame, values: dict[str, pd.DataFrame], file_name: str = "",
                 name: str = "") -> str:
    """The page's mapping as a profile file, in the syntax of config/mappings/*.toml (hand-editable
    afterwards): what is saved is exactly what was tried."""
    from dangqun.ingest.mapping import _toml_str

    used = []
    lines = [f"# 映射配置：由数据导入页面为 {file_name} 建立（可手工修改，格式见 config/mappings 中的示例）",
             f"kind = {_toml_str(kind)}"]
    if name:
        lines.append(f"name = {_toml_str(name)}")
    cols = ["", "[columns]"]
    for cname, row in grid.iterrows():
        source, header, const, fmt = row["来源"], _cell(row["文件表头"]), _cell(row["常量"]), _cell(row["日期格式"])
        if source == "文件表头" and header:
            cols.append(f"{cname} = {{ header = {_toml_str(header)}"
                        + (f", format = {_toml_str(fmt)}" if fmt else "") + " }")
            used.append(header)
        elif source == "常量" and const:
            cols.append(f"{cname} = {{ constant = {_toml_str(const)} }}")
        elif source == "推导":
            # the one derivation a grid row can state: status from a closing time's presence
            cols.append(f"{cname} = {{ derive = \"status\", header = {_toml_str(header)}, closed = \"已办结\", "
                        f"open = \"办理中\" }}")
            if header:
                used.append(header)
    lines.append(f"# 文件表头含这些列时自动使用本配置\nfingerprint = [{', '.join(_toml_str(h) for h in dict.fromkeys(used))}]")
    lines += cols
    for cname, v in values.items():
        if cname not in grid.index or grid.loc[cname, "来源"] != "文件表头":
            continue
        pairs = []
        for src, dst in zip(v["源值"], v["规范值"]):
            dst = _cell(dst)
            if dst == SKIP_VALUE:
                pairs.append(f"{_toml_str(src)} = {{ skip = {_toml_str(SKIP_REASON)} }}")
            elif dst == EMPTY_VALUE:
                pairs.append(f"{_toml_str(src)} = \"\"")
            elif dst and dst != src:
                pairs.append(f"{_toml_str(src)} = {_toml_str(dst)}")
        if pairs:
            lines += ["", f"[values.{cname}]", *pairs]
    return "\n".join(lines) + "\n"


def parse_profile(text: str, name: str = "页面映射"):
    """The profile of profile_toml's text, checked as a saved one is (mapping.parse): MappingError with
    the one-line reason when it cannot be used."""
    import tomllib

    from dangqun.ingest import mapping

    return mapping.parse(tomllib.loads(text), name, mapping.PROFILE_DIR)


def dry_run(con, path, profile, file_name: str) -> ingest.Report:
    """`import --mapping --dry-run` for one upload: nothing is written (not even import_log)."""
    report = ingest.import_file(con, str(path), salt="dry-run", mapping=profile, dry_run=True)
    report.file = file_name
    return report


def check_profile_name(name: str, directory=None) -> str | None:
    """Why `name` cannot name a new profile file (None: it can)."""
    from dangqun.ingest import mapping

    name = (name or "").strip()
    if not PROFILE_NAME.fullmatch(name):
        return "配置名称只能用 1–40 个汉字、字母、数字、下划线或连字符"
    if (Path(directory or mapping.PROFILE_DIR) / f"{name}.toml").exists():
        return f"已有名为「{name}」的映射配置，请换一个名称"
    return None


def save_profile(text: str, name: str, directory=None) -> Path:
    """Write a new profile file config/mappings/<name>.toml (refused when the name is bad or taken)."""
    from dangqun.ingest import mapping

    problem = check_profile_name(name, directory)
    if problem:
        raise ValueError(problem)
    path = Path(directory or mapping.PROFILE_DIR) / f"{name.strip()}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as f:     # "x": never overwrite a profile saved meanwhile
        f.write(text)
    return path


def inbox_note(lang: str = "zh") -> str:
    """Where the running server imports from, how often, and what waits there now."""
    folder = inbox.directory()
    poll = inbox.poll_seconds()
    if not poll:
        return t("收件箱未启用（DANGQUN_INBOX_POLL=0）。", lang)
    return t("收件箱：{folder}（每 {poll} 秒检查一次，导入人记为收件箱，文件随后移到 done 或 rejected），"
             "当前待导入 {n} 个文件。", lang, folder=str(folder), poll=f"{poll:g}", n=len(inbox.waiting(folder)))
