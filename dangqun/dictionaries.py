"""The dictionaries — regions (区划) and the service catalog (服务事项目录) — loaded into a database.

`python -m dangqun init` loads the shipped ones: the national 统计用区划代码 to town level
(dangqun/divisions/regions_national.csv.gz, NBS 2023 via modood/Administrative-divisions-of-China, WTFPL; 9-digit
town codes padded to 12), then sample_data/regions.csv (the demo area down to villages) and catalog.csv.
`regions import FILE` and `catalog import FILE` take a department's own files, validated like any import: a
bad row goes to quarantine with its reason, the good ones are inserted or replace the stored row.

A catalog may carry a platform's own categories (a 12345 hotline's 一级分类) beside the 12 大类: they are
rows like any other, with their own 大类编码 (e.g. TD01), so a mapping profile can send a message to them
(and unmatched ones to an explicit 未分类 item).
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

from dangqun import contract, db, regions

SAMPLE_DATA = db.ROOT / "sample_data"
NATIONAL = Path(__file__).with_name("divisions") / "regions_national.csv.gz"
LABELS = {"regions": "区划字典", "catalog": "服务事项目录"}
HEADERS = {"regions": contract.REGION_HEADERS, "catalog": contract.CATALOG_HEADERS}
KEYS = {"regions": "region_code", "catalog": "item_code"}


def load(con, directory: Path | None = SAMPLE_DATA, national: Path | None = NATIONAL) -> dict[str, int]:
    """Insert or refresh the national regions, then `directory`/regions.csv and catalog.csv (Chinese headers,
    UTF-8); returns table → row count afterwards. One transaction."""
    con.execute("begin")
    try:
        sources = ([("regions", national)] if national else []) + ([
            ("regions", directory / "regions.csv"), ("catalog", directory / "catalog.csv")] if directory else [])
        for table, path in sources:
            headers = HEADERS[table]
            select = ", ".join(f'"{zh}" as {en}' for en, zh in headers.items())
            con.execute(f"insert or replace into {table} ({', '.join(headers)}) "
                        f"select {select} from read_csv($p, header = true, all_varchar = true)", {"p": str(path)})
        db.bump_data_version(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("regions", "catalog")}


# ── the national dictionary, built from the modood dist/ CSVs ──────────────────────────────────────

def national_rows(src: Path) -> list[tuple[str, str, str, str | None]]:
    """(code, name, level, parent) for provinces, cities, counties and towns of `src` (modood's dist/
    provinces.csv, cities.csv, areas.csv, streets.csv), every code padded to 12 digits."""
    def read(name):
        with open(Path(src) / name, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    pad = lambda c: c.ljust(12, "0") if c else None  # noqa: E731
    out = [(pad(r["code"]), r["name"], "省", None) for r in read("provinces.csv")]
    out += [(pad(r["code"]), r["name"], "市", pad(r["provinceCode"])) for r in read("cities.csv")]
    out += [(pad(r["code"]), r["name"], "县", pad(r["cityCode"])) for r in read("areas.csv")]
    out += [(pad(r["code"]), r["name"], "乡镇街道", pad(r["areaCode"])) for r in read("streets.csv")]
    # four units appear twice, once a level lower under the same code: cities without counties (东莞、中山、儋州,
    # listed as their own county) and 金门县 (listed as its own town). Padded to 12 digits they are one code:
    # the higher level is kept, and the towns beneath still find their parent under that code.
    seen: set[str] = set()
    return [r for r in out if not (r[0] in seen or seen.add(r[0]))]


def write_national(src: Path, out: Path = NATIONAL) -> int:
    """Write the shipped dictionary (gzip, contract headers) from modood's dist/ CSVs; returns its rows."""
    rows = national_rows(src)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(contract.REGION_HEADERS.values())
    w.writerows(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime 0: the same source gives the same bytes
    with open(out, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    return len(rows)


# ── `regions import` / `catalog import`: a department's own dictionary files ───────────────────────

R_MISSING_HEADERS = "表头不是{label}：缺少 {cols}（应为 {all}）"
R_CODE = "区划代码「{v}」应为 12 位数字（省 2 位、市 4 位、县 6 位、乡镇 9 位可补零）"
R_LEVEL = "层级「{v}」不是可选值（{options}）"
R_LEVEL_CODE = "层级「{v}」与区划代码「{c}」不符（应为「{w}」）"
R_PARENT = "上级区划代码「{v}」不在区划表中，也不在本文件中"
R_EMPTY = "{col}为空"
R_DAYS = "承诺时限「{v}」应为 0 或正整数"
R_MODE = "办理方式「{v}」不是可选值（{options}）"
R_DUP = "「{v}」在本文件第 {n} 行已出现"


def _pad_code(code: str) -> str | None:
    c = (code or "").strip()
    if re.fullmatch(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}", c):
        return c.ljust(12, "0")
    return None


def import_dictionary(con, table: str, path: str):
    """Validate and insert or replace one dictionary file; returns an ingest.Report (kind = table)."""
    from dangqun.ingest import Problem, Report, _file_name, _log, sandbox
    from dangqun.ingest.normalise import norm_header
    from dangqun.ingest.read import Rejected

    report = Report(file=str(path), kind=table)
    sheet = None
    headers = HEADERS[table]
    try:
        sheet = sandbox.read_any(str(path))
        report.encoding = sheet.encoding
        report.notes += sheet.notes
        have = {norm_header(h): i for i, h in enumerate(sheet.headers)}
        need = [zh for en, zh in headers.items() if en not in ("parent_code", "handling_mode", "promised_days")]
        missing = [h for h in need if norm_header(h) not in have]
        if missing:
            raise Rejected(R_MISSING_HEADERS.format(label=LABELS[table], cols="、".join(missing),
                                                    all="、".join(headers.values())))
        data = sheet.table.to_pydict()
        cols = {en: data.get(f"c{have[norm_header(zh)]}") for en, zh in headers.items() if norm_header(zh) in have}
    except Rejected as exc:
        report.rejected, report.message = True, str(exc)
        report.errors = [Problem(None, None, str(exc))]
        _log(con, report, sheet, _file_name(str(path)), status="已拒绝")
        return report
    n = len(data["_row"])
    rows, bad = [], []
    seen: dict[str, int] = {}
    known = {r[0] for r in con.execute("select region_code from regions").fetchall()} if table == "regions" else set()
    for j in range(n):
        row = {en: (v[j] or "").strip() or None for en, v in cols.items()}
        line = data["_row"][j]
        problems = _check_region(row) if table == "regions" else _check_item(row)
        key = row.get(KEYS[table])
        if key and not problems:
            if key in seen:
                problems.append((headers[KEYS[table]], R_DUP.format(v=key, n=seen[key])))
            else:
                seen[key] = line
        (bad if problems else rows).append((line, row, problems))
    if table == "regions":   # parents may come later in the same file
        codes = known | {r["region_code"] for _, r, _ in rows}
        for entry in list(rows):
            _, r, problems = entry
            if r.get("parent_code") and r["parent_code"] not in codes:
                problems.append((headers["parent_code"], R_PARENT.format(v=r["parent_code"])))
                rows.remove(entry)
                bad.append(entry)
    report.rows_read = n + len(sheet.bad_lines)
    report.quarantined = len(bad) + len(sheet.bad_lines)
    report.errors = sorted([Problem(line, col, reason) for line, _, ps in bad for col, reason in ps]
                           + [Problem(b.row, None, "行不完整") for b in sheet.bad_lines], key=lambda p: p.row)
    con.execute("begin")
    try:
        stored = {r[0]: r[1:] for r in con.execute(f"select * from {table}").fetchall()}
        names = list(headers)
        for _, r, _ in rows:
            values = tuple(r.get(c) for c in names)
            old = stored.get(r[KEYS[table]])
            if old is None:
                report.imported += 1
            elif tuple(None if v is None else str(v) for v in old) == values[1:]:
                report.duplicates += 1
                continue
            else:
                report.updated += 1
            con.execute(f"insert or replace into {table} ({', '.join(names)}) values "
                        f"({', '.join('?' for _ in names)})", list(values))
        import_id = con.execute("select nextval('import_id_seq')").fetchall()[0][0]
        for line, r, ps in bad:
            raw = json.dumps({headers[k]: v for k, v in r.items()}, ensure_ascii=False, separators=(",", ":"))
            for col, reason in ps:
                con.execute("insert into quarantine values (?, ?, ?, ?, ?, ?, null, ?)",
                            [import_id, _file_name(str(path)), table, line, col, reason, raw])
        if report.quarantined and not rows:
            report.rejected = True
            report.message = f"全部 {report.quarantined:,} 行都未通过校验，未导入任何数据"
        _log(con, report, sheet, _file_name(str(path)), status="已拒绝" if report.rejected else "已处理",
             import_id=import_id)
        db.bump_data_version(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return report


def _check_region(r: dict) -> list[tuple[str, str]]:
    h = contract.REGION_HEADERS
    out = []
    code = _pad_code(r.get("region_code") or "")
    if not r.get("region_code"):
        out.append((h["region_code"], R_EMPTY.format(col=h["region_code"])))
    elif code is None:
        out.append((h["region_code"], R_CODE.format(v=r["region_code"][:40])))
    if not r.get("region_name"):
        out.append((h["region_name"], R_EMPTY.format(col=h["region_name"])))
    level = r.get("level")
    if level not in contract.REGION_LEVELS:
        out.append((h["level"], R_LEVEL.format(v=level or "", options="/".join(contract.REGION_LEVELS))))
    elif code and contract.REGION_LEVELS[regions.level_of(code)] != level:
        out.append((h["level"], R_LEVEL_CODE.format(v=level, c=code, w=contract.REGION_LEVELS[regions.level_of(code)])))
    parent = r.get("parent_code")
    if parent:
        if _pad_code(parent) is None:
            out.append((h["parent_code"], R_CODE.format(v=parent[:40])))
        else:
            r["parent_code"] = _pad_code(parent)
    if code:
        r["region_code"] = code
    return out


def _check_item(r: dict) -> list[tuple[str, str]]:
    h = contract.CATALOG_HEADERS
    out = [(h[k], R_EMPTY.format(col=h[k])) for k in ("item_code", "category_code", "category_name", "item_name")
           if not r.get(k)]
    mode = r.get("handling_mode")
    if mode and mode not in contract.HANDLING_MODES:
        out.append((h["handling_mode"], R_MODE.format(v=mode, options="/".join(contract.HANDLING_MODES))))
    days = r.get("promised_days")
    if days is not None:
        if not re.fullmatch(r"\d{1,4}", days):
            out.append((h["promised_days"], R_DAYS.format(v=days[:20])))
        else:
            r["promised_days"] = str(int(days))
    return out
