"""Import of the platforms' exports (README 命令行): read, normalise, validate, mask, write.

    import_files(con, paths, kind=None, db_path=None, mapping=None, imported_by=None) -> list[Report]
    preview(path, n=20) -> (kind, encoding, DataFrame, notes)

The pipeline, set-wise so that a million rows take seconds (no per-row Python on the CSV path):
read.py turns the bytes into a pyarrow table of text cells (pyarrow.csv, every column a string; GBK is
decoded in Python and re-encoded as UTF-8 first) with each row's spreadsheet number; normalise.py maps
the headers to the contract and installs the cell parsers as DuckDB macros; validate.py views the table
as text (stage) and typed values (typed) and, in one pass, materialises only the bad rows with all their
reasons; write.py computes due_on with numpy (workdays.due_dates) for the valid rows and inserts/updates
from a view, masking and hashing personal fields on the way, in one transaction per file.

Reading (read.py). The bytes decide the format and encoding, never the file name or --kind: a workbook
(xlsx/xlsm/xls/ods, read with python-calamine) is recognised by its magic bytes; text is UTF-8 with BOM,
UTF-8, GBK, then GB18030 (UTF-16 with BOM too). The header row is the row among the first 30 that matches
the most known headers, so title rows above it are skipped. A workbook's first sheet is read unless the
path names one: `book.xlsx#Sheet2` (a note says when other sheets were left unread).

Row numbers are as a spreadsheet shows them: the header row's own number (1, or e.g. 3 under a title
block) plus the data row's offset; blank lines count, as they do in Excel, and all-empty rows are skipped
and not counted in rows_read. A quoted cell holding line breaks is one row, as in Excel (tested).

Decisions:
- The kind comes from the headers. --kind is a declaration: taken when the headers fit it; when they fit
  another kind instead, that kind is used and a note says so; when they fit no kind the file is rejected.
- A file is rejected whole (exit 2, nothing written but an import_log line with status 已拒绝) when it is
  empty, cannot be decoded, or its headers lack a required column (the message names the column and the
  nearest header in the file). A header-only file is processed, not rejected: rows_read 0 and a note.
- Unknown extra columns are ignored, never stored (they may hold personal data), and named in a note.
- Cells longer than 2,000 characters are quarantined ("内容过长"), not truncated: cutting would store
  something the platform never said; 2,000 is far above any real remark.
- Formula-like cells (= + - @) are data: stored as the text given, never evaluated (calamine reads a
  workbook formula's cached value); escaping is the exporter's job. `=HYPERLINK(...)` in a text column is
  stored as that plain string; in a typed column it fails that column's check like any other text.
- Each quarantined row gets one quarantine row per (column, reason), the same as the JSON `errors` list;
  `quarantined` counts rows. Personal fields (服务对象, 联系电话, 承办人) are masked in quarantine.raw, and
  reasons never quote them.
- Ids: a row identical to the stored one is a duplicate, the same id with other content an update (only
  the columns the file has are compared and written), a new id is imported. A time given to the minute
  matches a stored time in that minute (the export's precision is not a change). Within a file a row
  repeated identically is a duplicate; the same id with other content: the first occurrence wins and
  later ones are quarantined.
- A file none of whose rows pass is reported rejected (status 已拒绝, exit 2) with its commonest reasons;
  its rows still go to quarantine with their reasons.
- A file in another platform's layout is read through a mapping profile (mapping.py), named with
  --mapping or found by its header fingerprint; a profile that does not fit rejects the file in one line.
- Within a run, centers files are processed first, so records for a center created in the same run pass.
- Each file is one transaction: its rows, its quarantine rows, its import_log line and the data version
  bump commit together or not at all (a killed import leaves the database as it was).
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field

import pandas as pd
import pyarrow as pa

from dangqun import db, hooks, privacy
from dangqun.contract import KINDS
from dangqun.ingest import normalise, read, sandbox, validate, write
from dangqun.ingest.read import Rejected

__all__ = ["Problem", "Report", "import_files", "import_file", "preview"]


@dataclass
class Problem:
    """One error: spreadsheet row (header = 1), the column as headed in the file, a Chinese reason."""
    row: int | None
    column: str | None
    reason: str


@dataclass
class Report:
    file: str
    kind: str | None = None
    encoding: str | None = None
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    quarantined: int = 0
    errors: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejected: bool = False
    message: str = ""
    import_id: int | None = None   # the import_log line (not part of the --json contract)
    skipped: int = 0               # rows a mapping profile left out on purpose (e.g. duplicate tickets)
    mapping: str | None = None     # the profile applied, with its constants and derivations
    repeated: int = 0              # identical repeats within the file (counted in duplicates)

    def to_json(self) -> dict:
        """The `import --json` line (README 命令行; exactly these keys)."""
        out = {"file": self.file, "kind": self.kind, "encoding": self.encoding, "rows_read": self.rows_read,
               "imported": self.imported, "updated": self.updated, "duplicates": self.duplicates,
               "quarantined": self.quarantined, "errors": [asdict(e) for e in self.errors], "notes": self.notes}
        if self.mapping:   # a mapped file adds these two (a contract file's line keeps exactly the keys above)
            out |= {"skipped": self.skipped, "mapping": self.mapping}
        return out

    def dry_run_zh(self, max_errors: int = 10) -> list[str]:
        """What a dry run (import_file(dry_run=True)) found, as the CLI prints it and the import page shows it."""
        if self.rejected:
            return [f"✗ {self.file}：{self.message}"]
        good = self.rows_read - self.skipped - self.quarantined - self.repeated
        lines = [f"（试运行，未写入）{self.file}：读取 {self.rows_read:,} 行，可导入 {good:,}，跳过 {self.skipped:,}，"
                 f"文件内重复 {self.repeated:,}，将隔离 {self.quarantined:,}"]
        lines += [f"    {n}" for n in self.notes]
        lines += [f"    第 {e.row} 行 {e.column or ''}：{e.reason}" for e in self.errors[:max_errors]]
        return lines

    def summary_zh(self, max_errors: int = 10) -> str:
        if self.rejected and self.quarantined:
            lines = [f"✗ {self.file}：已拒绝。读取 {self.rows_read} 行，{self.message}（各行原因见隔离表）"]
        elif self.rejected:
            lines = [f"✗ {self.file}：已拒绝，未导入任何数据。{self.message}"]
        else:
            kind = KINDS[self.kind].label if self.kind in KINDS else {"regions": "区划字典", "catalog": "服务事项目录"}.get(
                self.kind)
            label = "，".join(x for x in (kind, self.encoding) if x)
            skipped = f"，跳过 {self.skipped}" if self.mapping else ""
            lines = [f"✓ {self.file}（{label}）：读取 {self.rows_read} 行，新增 {self.imported}，"
                     f"更新 {self.updated}，重复 {self.duplicates}，隔离 {self.quarantined}{skipped}"]
            for e in self.errors[:max_errors]:
                where = f"第 {e.row} 行 " if e.row is not None else ""
                lines.append(f"    {where}{e.column or ''}：{e.reason}")
            if len(self.errors) > max_errors:
                lines.append(f"    …… 共 {len(self.errors)} 条问题，完整列表见 quarantine 表或 --json 输出")
        lines += [f"    注：{n}" for n in self.notes]
        return "\n".join(lines)


def import_files(con, paths, kind: str | None = None, db_path=None, mapping=None, names=None,
                 imported_by: str | None = None) -> list[Report]:
    """Import each file in its own transaction; centers files first (see module docstring). `mapping` is a
    profile path (dangqun.ingest.mapping) applied to every file; without it a file whose headers fit no
    kind is matched against the saved profiles by its header fingerprint. `names`: the files as reports and
    the import log name them (an upload's own name), else their paths. `imported_by` is who import_log
    names: the logged-in account on the page, 收件箱 for the inbox, cli:<os user> by default."""
    path = db_path or db.path_of(con)
    salt = privacy.salt_for(path) if path else os.urandom(16).hex()
    con.execute("set enable_progress_bar = false")   # the CLI's output is ours (and --json is parsed)
    normalise.install(con)
    order = []
    for i, p in enumerate(paths):
        rank = 1
        if len(paths) > 1:   # only a run of several files needs ordering (a workbook's header costs a parse)
            try:
                m, _, _ = normalise.detect(sandbox.read_any(str(p), head_only=True).headers, kind)
                rank = 0 if m and m.kind.name == "centers" else 1
            except Rejected:
                pass
        order.append((rank, i))
    reports: dict[int, Report] = {}
    for _, i in sorted(order):
        reports[i] = import_file(con, str(paths[i]), kind=kind, salt=salt, mapping=mapping,
                                 name=names[i] if names else None, imported_by=imported_by)
    if any(r.imported or r.updated for r in reports.values()):
        hooks.after_import(con)     # the stored 预警 and whatever else follows new data (dangqun.hooks)
    return [reports[i] for i in range(len(paths))]


def import_file(con, path: str, kind: str | None = None, salt: str = "", mapping=None,
                dry_run: bool = False, name: str | None = None, imported_by: str | None = None) -> Report:
    """One file. With dry_run nothing is written (not even import_log): the report's notes carry the
    per-column parse rates and the values the mapping leaves unmapped."""
    from dangqun.ingest import mapping as mapping_mod

    report = Report(file=name or path)
    file_name = name or _file_name(path)
    normalise.install(con)
    sheet = raw_sheet = profile = None
    try:
        sheet = raw_sheet = sandbox.read_any(path, head_only=False)
        report.encoding = sheet.encoding
        report.notes += sheet.notes
        if mapping is not None:
            profile = mapping if isinstance(mapping, mapping_mod.Profile) else mapping_mod.load(mapping, kind)
        else:
            _refuse_dictionary(sheet.headers)
            m, notes, message = normalise.detect(sheet.headers, kind)
            if m is None:
                profile = mapping_mod.find(sheet.headers)
                if profile is None:
                    raise Rejected(message)
                report.notes.append(f"表头与数据规范不符，按表头识别为映射配置「{profile.name}」")
        if profile is not None:
            applied = mapping_mod.apply(con, profile, sheet)
            sheet, raw_sheet.table = applied.sheet, None   # the file's own cells are not needed any more
            report.skipped = sum(applied.skipped.values())
            report.mapping = profile.describe()
            report.notes += applied.notes
            m, notes, message = normalise.detect(sheet.headers, profile.kind.name)
        report.notes += notes
        if m is None:
            raise Rejected(message)
        report.kind = m.kind.name
        if profile is None:
            for note in (normalise.extras_note(m, sheet.headers), _repeated_note(m, sheet.headers)):
                if note:
                    report.notes.append(note)
        final, cols = _stage(con, m, sheet, report, salt)
        if dry_run:
            report.notes += ["各列解析情况："] + mapping_mod.column_report(con, m, sheet.headers)
            _cleanup(con)
            return report
    except Rejected as exc:
        _cleanup(con)
        report.rejected, report.message = True, str(exc)
        report.errors = [Problem(raw_sheet.header_row if raw_sheet and raw_sheet.headers else None, None, str(exc))]
        report.imported = report.updated = report.duplicates = report.quarantined = 0
        if not report.rows_read:
            report.skipped = 0
        if not dry_run:
            _log(con, report, raw_sheet, file_name, status="已拒绝", user=imported_by)
        return report
    raw_of_bad = None
    if profile is not None:
        raw_of_bad = lambda cells: mapping_mod.bad_line_raw(raw_sheet.headers, cells, profile)  # noqa: E731
    _commit_file(con, m, sheet, report, final, cols, file_name, raw_of_bad, imported_by)
    return report


def _refuse_dictionary(headers: list[str]) -> None:
    """A dictionary file (regions, catalog) fits the centers kind by its 区划代码 column: say what it is."""
    from dangqun.contract import CATALOG_HEADERS, REGION_HEADERS

    have = {normalise.norm_header(h) for h in headers}
    for label, cmd, hs in (("区划字典", "regions", REGION_HEADERS), ("服务事项目录", "catalog", CATALOG_HEADERS)):
        if {normalise.norm_header(h) for h in hs.values()} <= have:
            raise Rejected(f"这是{label}文件，不是业务数据导出；请用 python -m dangqun {cmd} import 文件 导入")


def _nothing_passes(con, report: Report) -> str | None:
    """When none of a file's rows can be imported: the message that rejects it, with its commonest reasons
    (a wrong mapping or a wrong file, not ten thousand separate row problems). Its rows still go to
    quarantine, so each one's reasons can be looked up."""
    n_good = con.execute("select count(*) from stage anti join bad using (_row)").fetchall()[0][0]
    if n_good or report.repeated or not report.quarantined:
        return None
    top = con.execute(
        "select column_name, regexp_replace(reason, '「[^」]*」', '「…」', 'g') as r, count(distinct _row) as n "
        "from errs group by all order by n desc, column_name, r limit 3").fetchall()
    reasons = "；".join(f"{r}（{c}列，{n:,} 行）" if c else f"{r}（{n:,} 行）" for c, r, n in top)
    if not top:
        reasons = f"行不完整（{report.quarantined:,} 行）"
    return f"全部 {report.quarantined:,} 行都未通过校验，未导入任何数据。主要原因：{reasons}"


def _file_name(path: str) -> str:
    real, sheet = read.split_sheet(path)
    return real.name + (f"#{sheet}" if sheet else "")


def _repeated_note(m, headers) -> str | None:
    if m.repeated:
        return f"以下列与前面的列重复，已忽略：{'、'.join(headers[i].strip() for i in m.repeated)}"
    return None


def _stage(con, m, sheet, report: Report, salt: str) -> tuple[list[str], list[str]]:
    """Temp view stage, temp tables bad and errs (one row per row, column, reason); returns the SQL
    of the stored columns and their names."""
    con.register("src", sheet.table)   # stays registered until the file is done: stage is a view on it
    for sql in validate.stage_sql(m):
        con.execute(sql)
    report.repeated = _drop_identical_repeats(con, m, sheet)
    final, cols = write.final_select(m, salt)
    params = validate.Params()
    prep, errs = validate.staging_sql(m, sheet.headers, write.raw_json_sql(m, sheet.headers, params), params)
    for sql in [*prep, errs]:
        con.execute(sql, params.of(sql))
    n_rows = con.execute("select count(*) from stage").fetchall()[0][0]
    n_bad = con.execute("select count(*) from bad").fetchall()[0][0]
    # all-empty rows are not rows; rows a mapping skipped and identical repeats are
    report.rows_read = n_rows + len(sheet.bad_lines) + report.skipped + report.repeated
    if report.rows_read == 0:
        report.notes.append("文件只有表头，没有数据行")
    problems = con.execute("select _row, column_name, reason from errs order by _row, ord").fetchall()
    for b in sheet.bad_lines:
        problems.append((b.row, None, _bad_line_reason(b)))
    problems.sort(key=lambda p: p[0])
    report.errors = [Problem(*p) for p in problems]
    report.quarantined = n_bad + len(sheet.bad_lines)
    return final, cols


def _drop_identical_repeats(con, m, sheet) -> int:
    """A row repeated identically within the file (the same export pasted twice, a platform listing a ticket
    once per handler) is a duplicate, not a problem: its later copies are dropped from src before
    validation and counted as duplicates. The same id with other content stays for quarantine."""
    key = m.kind.id_column
    texts = ", ".join(f"t_{c.name}" for c in m.columns.values())
    rows = con.execute(
        f"select _row from (select _row, row({texts}) as r, first_value(row({texts})) over "
        f"(partition by t_{key} order by _row) as f, row_number() over (partition by t_{key} order by _row) as n "
        f"from stage where hash(t_{key}) in (select h from (select hash(t_{key}) as h from stage "
        f"where t_{key} is not null) group by h having count(*) > 1) and t_{key} is not null) "
        f"where n > 1 and r = f").fetchall()
    if not rows:
        return 0
    import pyarrow.compute as pc

    sheet.table = sheet.table.filter(pc.invert(pc.is_in(sheet.table["_row"], value_set=pa.array([r[0] for r in rows]))))
    con.register("src", sheet.table)
    return len(rows)


def _bad_line_reason(b) -> str:
    tmpl = validate.R_SHORT_ROW if len(b.cells) < b.expected else validate.R_LONG_ROW
    return tmpl.format(n=len(b.cells), e=b.expected)


def _bad_line_json(m, sheet, cells: list[str]) -> str:
    import json

    out = {}
    for i, c in m.columns.items():
        if i < len(cells):
            fn = write.py_mask(c)
            out[sheet.headers[i].strip()] = fn(cells[i]) if fn else cells[i]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def _commit_file(con, m, sheet, report: Report, final: list[str], cols: list[str], file_name: str,
                 raw_of_bad=None, imported_by: str | None = None) -> None:
    cols = write.make_good(con, m, final, cols)
    con.begin()
    try:
        import_id = con.execute("select nextval('import_id_seq')").fetchall()[0][0]
        report.imported, report.updated, report.duplicates = write.write_good(con, m, cols)
        report.duplicates += report.repeated
        refusal = _nothing_passes(con, report)
        if refusal:
            report.rejected, report.message = True, refusal
        con.execute(
            "insert into quarantine select $id, $file, $kind, e._row, e.column_name, e.reason, s.raw_center, s.raw "
            "from errs e join bad s using (_row) order by e._row, e.ord",
            {"id": import_id, "file": file_name, "kind": m.kind.name})
        center_i = next((i for i, c in m.columns.items() if c.name == "center_id"), None)
        for b in sheet.bad_lines:
            con.execute("insert into quarantine values ($id, $file, $kind, $row, null, $reason, $center, $raw)",
                        {"id": import_id, "file": file_name, "kind": m.kind.name, "row": b.row,
                         "reason": _bad_line_reason(b),
                         "center": None if raw_of_bad or center_i is None or center_i >= len(b.cells)
                         else b.cells[center_i],
                         "raw": raw_of_bad(b.cells) if raw_of_bad else _bad_line_json(m, sheet, b.cells)})
        _log(con, report, sheet, file_name, status="已拒绝" if report.rejected else "已处理", import_id=import_id,
             user=imported_by)
        db.bump_data_version(con)
        _commit(con)
    except BaseException:
        con.rollback()
        raise
    finally:
        _cleanup(con)


def _cleanup(con) -> None:
    for v in ("good", "typed", "stage"):
        con.execute(f"drop view if exists temp.{v}")
    for t in ("errs", "dups", "bad", "old", "upd"):
        con.execute(f"drop table if exists temp.{t}")
    for name in ("due", "src"):
        try:
            con.unregister(name)
        except Exception:  # noqa: BLE001 - not every file registers both
            pass


def _commit(con) -> None:
    # one place where a file's transaction ends (the killed-import test waits here)
    con.commit()


def _log(con, report: Report, sheet, file_name: str, status: str, import_id=None, user: str | None = None) -> None:
    if not user:
        from dangqun.audit import cli_user

        user = cli_user()
    if import_id is None:
        import_id = con.execute("select nextval('import_id_seq')").fetchall()[0][0]
    report.import_id = import_id
    message = report.message or "；".join(report.notes) or None
    con.execute(
        "insert into import_log (import_id, imported_at, file_name, content_hash, kind, encoding, rows_read, imported, "
        "updated, duplicates, quarantined, status, message, imported_by, skipped, mapping) values ($id, "
        "now()::timestamp, $file, $hash, $kind, $enc, $rows, $imp, $upd, $dup, $qua, $status, $msg, $user, $skip, $map)",
        {"id": import_id, "file": file_name, "hash": sheet.content_hash if sheet else None, "kind": report.kind,
         "enc": report.encoding, "rows": report.rows_read, "imp": report.imported, "upd": report.updated,
         "dup": report.duplicates, "qua": report.quarantined, "status": status, "msg": message, "user": user,
         "skip": report.skipped if report.mapping else None, "map": report.mapping})


# Headers of an unrecognised file that name a person or a phone (Chinese and English exports alike)
NAME_WORDS = ("姓名", "名字", "联系人", "申请人", "留言用户", "服务对象", "承办人", "经办人", "name")
PHONE_WORDS = ("电话", "手机", "联系方式", "phone", "mobile", "tel")


def _mask_unknown(header: str, values: list) -> list:
    """A column of a file whose kind is unknown, masked before anything is shown: names and phones by their
    header, long digit runs (phone, ID and card numbers) inside any other cell."""
    h = normalise.norm_header(header)
    if any(w in h for w in PHONE_WORDS):
        fn = privacy.mask_phone
    elif any(w in h for w in NAME_WORDS):
        fn = privacy.mask_name
    else:
        fn = privacy.mask_text
    return [fn(v) if v is not None else None for v in values]


def preview(path, n: int = 20):
    """(kind, encoding, first n rows with canonical Chinese headers and personal fields masked, notes)
    for the upload page; nothing is written. kind is None when the file would be rejected."""
    try:
        sheet = sandbox.read_any(str(path), max_rows=n)
    except Rejected as exc:
        return None, None, pd.DataFrame(), [str(exc)]
    m, notes, message = normalise.detect(sheet.headers)
    notes = sheet.notes + notes
    head = sheet.table.slice(0, n).to_pydict() if sheet.table is not None else {}
    if m is None:
        notes.append(message)
        return None, sheet.encoding, pd.DataFrame({h: _mask_unknown(h, head.get(f"c{i}", []))
                                                   for i, h in enumerate(sheet.headers)}), notes
    data = {}
    for i, c in m.columns.items():
        values = [(v.strip() or None) if v is not None else None for v in head.get(f"c{i}", [])]
        fn = write.py_mask(c)
        data[c.header] = [fn(v) for v in values] if fn else values
    note = normalise.extras_note(m, sheet.headers)
    if note:
        notes.append(note)
    return m.kind.name, sheet.encoding, pd.DataFrame(data), notes
