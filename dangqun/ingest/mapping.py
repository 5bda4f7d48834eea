"""Mapping profiles: a foreign export (other headers, values and date formats) read into the contract.

A profile is a hand-editable TOML file (config/mappings/<name>.toml, see the shipped ones for a commented
example). For each contract column it names one source:

    record_id   = "留言编号"                                   # a file header (shorthand)
    received_at = { header = "CreatedDate", format = "%m/%d/%Y %I:%M:%S %p" }
    center_id   = { constant = "BALT-311" }
    status      = { derive = "status", header = "CloseDate", closed = "已办结", open = "办理中" }
    received_at = { derive = "datetime", date = "日期", time = "时间" }
    item_code   = { header = "Agency", lookup = "x.csv", key = "Agency", value = "事项编码", unmatched = "BA99" }
    region_code = { header = "街道代码", pad = 12 }               # 9-digit town codes → 12
    record_id   = { header = "编号", prefix = "TD-" }

and per column a value map `[values.<column>]`: source value → contract value, "" for none, or
`{ skip = "reason" }` to leave the row out (counted as skipped, with its reason, in import_log).

Applying a profile is one SQL select over the file's text cells that yields the contract's headers; the
ordinary pipeline (validation, quarantine, masking, write) then runs unchanged, so a mapped file is held to
the same rules as one in contract format. A profile that cannot fit the file (a header it names is missing,
a constant outside its enum, a lookup without its key column, a date format matching under 80% of the
cells …) blocks the file with one line instead of producing a row error per row.
"""
from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
import tomllib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from dangqun.contract import KINDS, Column, Kind
from dangqun.ingest.normalise import PARSERS, header_map, norm_header
from dangqun.ingest.read import Rejected, Sheet, decode
from dangqun.ingest.validate import Params

PROFILE_DIR = Path(__file__).resolve().parent.parent.parent / "config" / "mappings"
PROJECT_DIR = PROFILE_DIR.parent.parent
LOOKUP_MAX_BYTES = 10 * 1024 * 1024   # a lookup table is a short list of categories or places
SHOWN_CELL_MAX = 40                   # a lookup cell quoted in a message is cut to this many characters
TODO = "TODO"
MIN_PARSE_RATE = 0.8   # below this share of a date column's cells, the format is wrong, not the rows
SPEC_KEYS = {"header", "constant", "derive", "format", "prefix", "pad", "lookup", "key", "value", "match",
             "unmatched", "closed", "open", "date", "time"}
DERIVATIONS = ("status", "datetime")


class MappingError(Rejected):
    """The profile does not fit (or is not a valid profile): the file is blocked with this one line."""


@dataclass
class Lookup:
    path: Path
    key: str
    value: str
    match: str                      # exact | contains
    pairs: list[tuple[str, str]]    # in file order: for `contains` the first keyword found wins
    unmatched: str | None


@dataclass
class Spec:
    column: Column
    header: str | None = None
    constant: str | None = None
    derive: str | None = None
    formats: list[str] = field(default_factory=list)
    prefix: str = ""
    pad: int | None = None
    lookup: Lookup | None = None
    closed: str | None = None
    open: str | None = None
    date: str | None = None
    time: str | None = None

    def describe(self) -> str:
        """How the column is filled, for import_log and the dry run."""
        c = self.column.header
        if self.constant is not None:
            return f"{c}=常量「{self.constant}」"
        if self.derive == "status":
            return f"{c}=由「{self.header}」推导（有值→{self.closed}，无值→{self.open}）"
        if self.derive == "datetime":
            return f"{c}=「{self.date}」+「{self.time}」"
        if self.lookup:
            how = "关键词" if self.lookup.match == "contains" else "对照"
            tail = f"，未匹配→{self.lookup.unmatched}" if self.lookup.unmatched else ""
            return f"{c}=「{self.header}」经{self.lookup.path.name}{how}{tail}"
        return f"{c}=「{self.header}」"

    def headers(self) -> list[str]:
        return [h for h in (self.header, self.date, self.time) if h]


@dataclass
class Profile:
    name: str
    path: Path | None
    kind: Kind
    fingerprint: list[str]
    specs: dict[str, Spec]                           # contract column name → its source
    values: dict[str, dict[str, str | None]]         # column → source value → contract value (None: empty)
    skips: dict[str, dict[str, str]]                 # column → source value → reason the row is skipped

    def describe(self) -> str:
        parts = [s.describe() for s in self.specs.values() if s.constant is not None or s.derive or s.lookup]
        return f"映射配置 {self.name}" + (f"：{'；'.join(parts)}" if parts else "")


def _err(name: str, text: str) -> MappingError:
    return MappingError(f"映射配置 {name}：{text}")


# ── loading: everything that can be checked without the file ─────────────────────────────────────────

def load(path, kind: str | None = None) -> Profile:
    path = Path(path)
    name = path.stem
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _err(name, f"无法读取 {path}：{exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise _err(name, f"不是有效的 TOML 文件（{exc}）") from exc
    return parse(data, name, path.parent, kind, path)


def parse(data: dict, name: str, base: Path, kind: str | None = None, path: Path | None = None) -> Profile:
    k = data.get("kind")
    if k not in KINDS:
        raise _err(name, f"kind「{k}」不是可导入的类型（可选：{'/'.join(KINDS)}）")
    if kind and kind != k:
        raise _err(name, f"是「{KINDS[k].label}」的映射，与指定的类型「{KINDS[kind].label}」不符")
    knd = KINDS[k]
    names = {c.name for c in knd.columns}
    cols = data.get("columns") or {}
    todo = [c for c, v in cols.items() if v == TODO or (isinstance(v, dict) and TODO in v.values())]
    todo += [f"values.{c}.{s}" for c, vm in (data.get("values") or {}).items() for s, v in vm.items() if v == TODO]
    if todo:
        raise _err(name, f"还有未填写的 TODO：{'、'.join(todo)}")
    specs: dict[str, Spec] = {}
    for cname, raw in cols.items():
        if cname not in names:
            raise _err(name, f"「{cname}」不是「{knd.label}」的列（可用：{'、'.join(sorted(names))}）")
        specs[cname] = _spec(name, knd.column(cname), raw, base)
    missing = [c.header for c in knd.required if c.name not in specs]
    if missing:
        raise _err(name, f"缺少必填列 {'、'.join(missing)} 的来源（表头、常量或推导）")
    values: dict[str, dict[str, str | None]] = {}
    skips: dict[str, dict[str, str]] = {}
    for cname, vmap in (data.get("values") or {}).items():
        if cname not in specs:
            raise _err(name, f"[values.{cname}] 对应的列没有来源（在 [columns] 中未指定）")
        col = knd.column(cname)
        values[cname], skips[cname] = {}, {}
        for src, dst in vmap.items():
            if isinstance(dst, dict):
                reason = str(dst.get("skip") or "").strip()
                if set(dst) != {"skip"} or not reason:
                    raise _err(name, f"[values.{cname}]「{src}」应为目标值或 {{ skip = \"原因\" }}（跳过须写明原因）")
                skips[cname][src] = reason
            elif isinstance(dst, str):
                if dst and col.enum and dst not in col.enum:
                    raise _err(name, f"[values.{cname}]「{src}」→「{dst}」不是「{col.header}」的可选值"
                                     f"（{'/'.join(col.enum)}）")
                values[cname][src] = dst or None
            else:
                raise _err(name, f"[values.{cname}]「{src}」的目标应为文字")
    fingerprint = data.get("fingerprint") or sorted({h for s in specs.values() for h in s.headers()})
    return Profile(str(data.get("name") or name), path, knd, list(fingerprint), specs, values, skips)


def _spec(name: str, col: Column, raw, base: Path) -> Spec:
    if isinstance(raw, str):
        raw = {"header": raw}
    if not isinstance(raw, dict):
        raise _err(name, f"列「{col.name}」应为表头名或 {{ header = …, constant = …, derive = … }}")
    unknown = set(raw) - SPEC_KEYS
    if unknown:
        raise _err(name, f"列「{col.name}」有未知的设置 {'、'.join(sorted(unknown))}（可用：{'、'.join(sorted(SPEC_KEYS))}）")
    sources = [k for k in ("constant", "derive") if k in raw] + (["header"] if "header" in raw and "derive" not in raw
                                                                  else [])
    if len(sources) != 1:
        raise _err(name, f"列「{col.name}」须且只能有一个来源：header（表头）、constant（常量）或 derive（推导）")
    s = Spec(col, header=raw.get("header"), prefix=str(raw.get("prefix") or ""))
    fmt = raw.get("format")
    s.formats = [fmt] if isinstance(fmt, str) else list(fmt or [])
    if s.formats and col.type not in ("timestamp", "date"):
        raise _err(name, f"列「{col.name}」不是日期列，不能设置 format")
    if "pad" in raw:
        if not isinstance(raw["pad"], int) or not 1 <= raw["pad"] <= 20:
            raise _err(name, f"列「{col.name}」的 pad 应为 1–20 的整数位数，而不是「{raw['pad']}」")
        s.pad = raw["pad"]
    if "constant" in raw:
        s.constant = str(raw["constant"]).strip()
        if not s.constant:
            raise _err(name, f"列「{col.name}」的常量为空")
        if col.enum and s.constant not in col.enum:
            raise _err(name, f"列「{col.name}」的常量「{s.constant}」不是「{col.header}」的可选值（{'/'.join(col.enum)}）")
    if "derive" in raw:
        s.derive = raw["derive"]
        if s.derive not in DERIVATIONS:
            raise _err(name, f"列「{col.name}」的推导「{s.derive}」不存在（可用：status 由时间列推导状态、"
                             f"datetime 由日期列加时间列）")
        if s.derive == "status":
            if col.name != "status" or not s.header:
                raise _err(name, "derive = \"status\" 只用于 status 列，并须以 header 指定据以推导的时间列")
            s.closed, s.open = raw.get("closed", "已办结"), raw.get("open", "办理中")
            for v in (s.closed, s.open):
                if v not in col.enum:
                    raise _err(name, f"列「status」推导出的「{v}」不是可选值（{'/'.join(col.enum)}）")
        else:
            if col.type != "timestamp" or not raw.get("date") or not raw.get("time"):
                raise _err(name, f"列「{col.name}」：derive = \"datetime\" 须是时间列，并指定 date 与 time 两个表头")
            s.date, s.time = raw["date"], raw["time"]
    if "lookup" in raw:
        if not s.header:
            raise _err(name, f"列「{col.name}」的对照表须以 header 指定查找的表头")
        s.lookup = _lookup(name, col, raw, base)
    return s


def _lookup(name: str, col: Column, raw: dict, base: Path) -> Lookup:
    match = raw.get("match", "exact")
    if match not in ("exact", "contains"):
        raise _err(name, f"列「{col.name}」的 match 应为 exact（整值对照）或 contains（关键词），而不是「{match}」")
    path, data = _read_lookup(name, col, raw["lookup"], base)
    try:
        text, _ = decode(data)
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except (Rejected, UnicodeDecodeError, csv.Error) as exc:
        # never the reader's own words: they may quote the file
        raise _err(name, f"列「{col.name}」的对照表 {path.name} 不是可读的 CSV 文件（UTF-8 或 GBK 编码，逗号分隔）") from exc
    header = [h.strip() for h in rows[0]] if rows else []
    key, value = raw.get("key") or (header[0] if header else ""), raw.get("value") or col.header
    for what, h in (("查找列", key), ("结果列", value)):
        if h not in header:
            raise _err(name, f"列「{col.name}」的对照表 {path.name} 没有{what}「{_shown(h)}」（{_header_shown(header)}）")
    ki, vi = header.index(key), header.index(value)
    pairs, seen = [], {}
    for n, r in enumerate(rows[1:], start=2):
        k, v = (r[ki].strip() if ki < len(r) else ""), (r[vi].strip() if vi < len(r) else "")
        if not k or not v:
            raise _err(name, f"对照表 {path.name} 第 {n} 行的「{_shown(key)}」或「{_shown(value)}」为空")
        if k in seen and match == "exact":
            raise _err(name, f"对照表 {path.name} 第 {n} 行的「{_shown(k)}」在第 {seen[k]} 行已出现")
        seen.setdefault(k, n)
        pairs.append((k, v))
    if col.enum:
        bad = [v for _, v in pairs if v not in col.enum]
        if bad:
            raise _err(name, f"对照表 {path.name} 的结果「{_shown(bad[0])}」不是「{col.header}」的可选值")
    return Lookup(path, key, value, match, pairs, raw.get("unmatched"))


def _shown(text) -> str:
    """A lookup cell or name as quoted in a one-line message: control characters out, cut to SHOWN_CELL_MAX."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(text))
    return text if len(text) <= SHOWN_CELL_MAX else text[:SHOWN_CELL_MAX] + "…"


def _header_shown(header: list[str]) -> str:
    """A lookup's header row for a message: its column names when it looks like one (a lookup has a key and a
    value column: two or more short names), else only their count — a file's lines never reach a message."""
    if not header:
        return "表头：空"
    if 2 <= len(header) <= 30 and all(len(h) <= SHOWN_CELL_MAX and not re.search(r"[\x00-\x1f\x7f]", h) for h in header):
        return f"表头：{'、'.join(header)}"
    return f"首行不像表头，共 {len(header)} 列，未显示"


def _lookup_root(base: Path) -> Path:
    """The directory a profile's lookups must stay inside: config/mappings for a profile kept there (in any
    of its subdirectories), else the directory of the profile file itself."""
    base = Path(os.path.realpath(base))
    home = Path(os.path.realpath(PROFILE_DIR))
    return home if base == home or home in base.parents else base


def _read_lookup(name: str, col: Column, given, base: Path) -> tuple[Path, bytes]:
    """(path, bytes) of a lookup table: a plain regular file of at most LOOKUP_MAX_BYTES inside the profile's
    directory (_lookup_root) or config/mappings, reached without a symbolic link. Anything else is refused with one line naming
    the profile, the column and the path as written — never a byte of what the path points at."""
    if not isinstance(given, str) or not given.strip() or re.search(r"[\x00-\x1f\x7f]", given):
        raise _err(name, f"列「{col.name}」的 lookup 应为对照表 CSV 文件名（相对于映射配置所在目录）")
    shown = _shown(given)
    refused = lambda why: _err(name, f"列「{col.name}」的 lookup「{shown}」{why}，未读取")  # noqa: E731
    # the profile's own directory, or config/mappings, whose shipped lookups a drafted profile kept elsewhere may
    # name (the platforms' category tables)
    roots = [_lookup_root(base), Path(os.path.realpath(PROFILE_DIR))]
    # joined and normalised as text: what is checked below is exactly what is opened
    path = Path(os.path.normpath(os.path.join(os.path.realpath(base), given)))
    root = next((r for r in roots if r in path.parents), roots[0])
    if root not in path.parents:
        try:
            where = root.relative_to(os.path.realpath(PROJECT_DIR)).as_posix()
        except ValueError:
            where = str(root)
        raise refused(f"不在配置目录 {where} 内")
    # no symbolic link anywhere below the root (the last component is checked again by O_NOFOLLOW)
    step = root
    for part in path.relative_to(root).parts:
        step = step / part
        try:
            st = os.lstat(step)
        except FileNotFoundError:
            break   # reported by open below as the missing file it is
        except OSError as exc:
            raise _err(name, f"列「{col.name}」的对照表 {path.name} 无法读取：{exc.strerror or exc}") from exc
        if stat.S_ISLNK(st.st_mode):
            raise refused("是符号链接或经过符号链接")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)   # O_NONBLOCK: a FIFO opens at once (and is refused below) instead of waiting
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise refused("是符号链接或经过符号链接") from exc
        raise _err(name, f"列「{col.name}」的对照表 {path.name} 无法读取：{exc.strerror or exc}") from exc
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise refused("是目录，不是对照表文件")
        if not stat.S_ISREG(st.st_mode):
            raise refused("不是普通文件（设备、管道或套接字）")
        if st.st_size > LOOKUP_MAX_BYTES:
            raise refused(f"超过 {LOOKUP_MAX_BYTES // (1024 * 1024)} MB")
        chunks, left = [], LOOKUP_MAX_BYTES + 1   # at most one byte past the limit, whatever the file does meanwhile
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise refused(f"超过 {LOOKUP_MAX_BYTES // (1024 * 1024)} MB")
    except OSError as exc:
        raise _err(name, f"列「{col.name}」的对照表 {path.name} 无法读取：{exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    return path, b"".join(chunks)


# ── finding a profile for a file ─────────────────────────────────────────────────────────────────────

def find(headers: list[str], directory: Path | None = None) -> Profile | None:
    """The shipped or saved profile whose header fingerprint the file's headers contain (most headers wins)."""
    directory = directory or PROFILE_DIR
    have = {norm_header(h) for h in headers}
    best = None
    for p in sorted(Path(directory).glob("*.toml")):
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        fp = [norm_header(h) for h in data.get("fingerprint") or []]
        if fp and set(fp) <= have and (best is None or len(fp) > best[0]):
            best = (len(fp), p)
    return load(best[1]) if best else None


# ── applying it ──────────────────────────────────────────────────────────────────────────────────────

@dataclass
class Applied:
    sheet: Sheet                 # contract headers, c0..cN text cells, _row; skipped rows left out
    skipped: Counter             # reason → rows
    notes: list[str]


def _index(profile: Profile, headers: list[str]) -> dict[str, int]:
    """Contract-side header names → file column index; a named header missing from the file blocks it."""
    idx = {}
    for i, h in enumerate(headers):
        idx.setdefault(norm_header(h), i)
    out, missing = {}, []
    for s in profile.specs.values():
        for h in s.headers():
            if norm_header(h) in idx:
                out[h] = idx[norm_header(h)]
            else:
                missing.append(f"{s.column.name}→「{h}」")
    if missing:
        shown = "、".join(h.strip() for h in headers if h.strip())
        raise _err(profile.name, f"文件中没有指定的表头 {'、'.join(missing)}（文件表头：{shown[:300]}）")
    return out


def _padded(expr: str, n: int) -> str:
    return f"case when regexp_full_match({expr}, '\\d+') and length({expr}) < {n} then rpad({expr}, {n}, '0') else {expr} end"


def _parsed(expr: str, formats: list[str], params: Params) -> str:
    """The cell as ISO text when one of the formats reads it, else the cell as given (so the pipeline's own
    check reports it, with the value)."""
    if not formats:
        return expr
    return f"coalesce(strftime(try_strptime({expr}, {params.bind(list(formats))}), '%Y-%m-%d %H:%M:%S'), {expr})"


def _value_mapped(expr: str, vmap: dict[str, str | None], params: Params) -> str:
    if not vmap:
        return expr
    whens = " ".join(f"when {params.bind(k)} then {params.bind(v) if v is not None else 'null'}"
                     for k, v in vmap.items())
    return f"(case {expr} {whens} else {expr} end)"


def select_sql(profile: Profile, idx: dict[str, int], lookups: dict[str, str],
               params: Params) -> tuple[list[str], list[str], str]:
    """(select expressions c0..cN, their contract headers, the skip-reason expression) over `m_src`; the
    profile's texts are bound in `params`, never written into the SQL."""
    exprs, headers, skips = [], [], []
    for j, s in enumerate(profile.specs.values()):
        c = s.column
        vmap = profile.values.get(c.name, {})
        if s.constant is not None:
            e = params.bind(s.constant)
        elif s.derive == "status":
            e = f"case when c{idx[s.header]} is not null then {params.bind(s.closed)} else {params.bind(s.open)} end"
        elif s.derive == "datetime":
            d, t = f"c{idx[s.date]}", f"c{idx[s.time]}"
            e = _parsed(f"case when {t} is null then {d} else {d} || ' ' || {t} end", s.formats, params)
        else:
            src = f"c{idx[s.header]}"
            for k, reason in profile.skips.get(c.name, {}).items():
                skips.append(f"when {src} = {params.bind(k)} then {params.bind(f'{s.header}「{k}」：{reason}')}")
            e = _value_mapped(src, vmap, params)
            if s.lookup:
                lk = s.lookup
                fallback = params.bind(lk.unmatched) if lk.unmatched else e
                if lk.match == "exact":
                    e = f"coalesce({lookups[c.name]}.v, {fallback})"
                else:
                    keys = params.bind([k for k, _ in lk.pairs])
                    vals = params.bind([v for _, v in lk.pairs])
                    e = (f"coalesce({vals}[list_position(list_transform({keys}, lambda x: contains(coalesce({e}, ''), x)), "
                         f"true)], {fallback})")
            e = _parsed(e, s.formats, params)
            if s.pad:
                e = _padded(e, s.pad)
            if s.prefix:
                e = f"{params.bind(s.prefix)} || {e}"
        exprs.append(f"{e} as c{j}")
        headers.append(c.header)
    skip = f"case {' '.join(skips)} end" if skips else "null"
    return exprs, headers, skip


def apply(con, profile: Profile, sheet: Sheet) -> Applied:
    """The file's sheet in contract form (one pass in DuckDB); blocks with MappingError when the profile
    does not fit the file."""
    idx = _index(profile, sheet.headers)
    con.register("m_src", sheet.table)
    lookups, joins, params = {}, [], Params()
    try:
        for n, s in enumerate(profile.specs.values()):
            if s.lookup and s.lookup.match == "exact":
                alias = f"m_lk{n}"
                con.register(alias, pa.table({"k": [k for k, _ in s.lookup.pairs], "v": [v for _, v in s.lookup.pairs]}))
                lookups[s.column.name] = alias
                key_expr = _value_mapped(f"m_src.c{idx[s.header]}", profile.values.get(s.column.name, {}), params)
                joins.append(f"left join {alias} on {alias}.k = {key_expr}")
        _check_rates(con, profile, idx)
        exprs, headers, skip = select_sql(profile, idx, lookups, params)
        # no order by: every later step keys on _row, and sorting a million rows costs more than the mapping
        sql = f"select {', '.join(exprs)}, m_src._row as _row, {skip} as _skip from m_src {' '.join(joins)}"
        table = con.sql(sql, params=params.of(sql)).to_arrow_table()
    finally:
        for name in ["m_src", *lookups.values()]:
            con.unregister(name)
    skipped: Counter = Counter()
    if profile.skips:
        counts = pc.value_counts(table["_skip"].drop_null()).to_pylist()
        skipped.update({c["values"]: c["counts"] for c in counts})
        if skipped:
            table = table.filter(pc.is_null(table["_skip"]))
    table = table.drop_columns(["_skip"])
    mapped = Sheet(sheet.encoding, headers, sheet.header_row, table, bad_lines=sheet.bad_lines, notes=[],
                   content_hash=sheet.content_hash)
    notes = [profile.describe()]
    if skipped:
        notes.append("按映射跳过 " + "、".join(f"{r}（{n:,} 行）" for r, n in skipped.most_common()))
    used = {i for i in idx.values()}
    unused = [h.strip() for i, h in enumerate(sheet.headers) if i not in used and h.strip()]
    if unused:
        notes.append(f"以下列未映射，已忽略（未导入）：{'、'.join(unused)}")
    return Applied(mapped, skipped, notes)


def _check_rates(con, profile: Profile, idx: dict[str, int]) -> None:
    """A date column whose cells mostly do not parse means a wrong format or a wrong column: block the file."""
    checks, params = [], Params()
    for s in profile.specs.values():
        if s.column.type not in ("timestamp", "date") or s.constant is not None:
            continue
        if s.derive == "datetime":
            src = f"case when c{idx[s.time]} is null then c{idx[s.date]} else c{idx[s.date]} || ' ' || c{idx[s.time]} end"
        else:
            src = f"c{idx[s.header]}"
        parsed = (f"try_strptime({src}, {params.bind(list(s.formats))}) is not null "
                  f"or try_cast({src} as timestamp) is not null") if s.formats else f"dq_ts({src}) is not null"
        checks.append((s, f"count({src})", f"count(*) filter (where {parsed})"))
    if not checks:
        return
    sql = f"select {', '.join(f'{a}, {b}' for _, a, b in checks)} from m_src"
    row = con.execute(sql, params.of(sql)).fetchall()[0]
    for k, (s, _, _) in enumerate(checks):
        total, ok = row[2 * k], row[2 * k + 1]
        if total and ok < MIN_PARSE_RATE * total:
            fmt = f"日期格式 {' / '.join(s.formats)}" if s.formats else "默认日期格式"
            src = "、".join(s.headers())
            raise _err(profile.name, f"列「{s.column.header}」（表头「{src}」）的{fmt}只匹配 {ok:,} / {total:,} 个单元格"
                                     f"（{ok / total:.1%}），低于 80%，文件未导入；请检查 format")


def bad_line_raw(headers: list[str], cells: list[str], profile: Profile) -> str:
    """A malformed line of a mapped file for quarantine: the file's own headers, personal columns masked."""
    import json

    from dangqun.ingest.write import py_mask

    by_header = {norm_header(s.header): s.column for s in profile.specs.values() if s.header}
    out = {}
    for i, h in enumerate(headers):
        if i < len(cells) and norm_header(h) in by_header:
            fn = py_mask(by_header[norm_header(h)])
            out[h.strip()] = fn(cells[i]) if fn else cells[i]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


# ── the dry run's figures ────────────────────────────────────────────────────────────────────────────

def column_report(con, m, headers: list[str], limit: int = 15) -> list[str]:
    """Per contract column: parse rate and the values outside its enum with counts (over the typed view)."""
    lines = []
    for i, c in m.columns.items():
        t = f"t_{c.name}"
        if c.type in PARSERS or c.enum:
            total, ok = con.execute(
                f"select count({t}), count(*) filter (where {t} is not null and "
                + (f"v_{c.name} is not null" if c.type in PARSERS else f"list_contains($enum, {t})")
                + ") from typed", {"enum": list(c.enum)} if c.type not in PARSERS else {}).fetchall()[0]
            rate = f"{ok / total:.1%}" if total else "—"
            lines.append(f"  {headers[i]}：可解析 {ok:,} / {total:,}（{rate}）")
            if c.enum and ok < total:
                rows = con.execute(f"select {t}, count(*) from stage where {t} is not null and not list_contains("
                                   f"$enum, {t}) group by 1 order by 2 desc, 1 limit {int(limit)}",
                                   {"enum": list(c.enum)}).fetchall()
                lines += [f"      未映射的值「{v}」：{n:,} 行" for v, n in rows]
        else:
            total = con.execute(f"select count({t}) from stage").fetchall()[0][0]
            lines.append(f"  {headers[i]}：有值 {total:,} 行")
    return lines


# ── drafting a profile from a file (`dangqun map`) ───────────────────────────────────────────────────

# Words in foreign headers that suggest a contract column (besides the contract's own headers and aliases).
HINTS = {
    "record_id": ("编号", "servicerequestnum", "requestnum", "ticket", "caseid", "工单"),
    "received_at": ("留言时间", "createddate", "created", "opened", "受理", "登记", "提交时间"),
    "closed_at": ("答复时间", "closedate", "closed", "办结", "完成"),
    "replied_at": ("回复时间", "回单"),
    "channel": ("methodreceived", "method", "渠道", "来源"),
    "status": ("srstatus", "status", "state", "状态"),
    "request_text": ("留言详情", "诉求", "description", "details"),
    "reply_text": ("答复意见", "回复内容", "reply"),
}
# Headers that may feed a required column through a lookup table: named in the TODO, never filled in (their
# values are a platform's own categories or places, not our codes).
CANDIDATES = {
    "item_code": ("srtype", "type", "agency", "分类", "类别", "事项", "主题"),
    "center_id": ("neighborhood", "district", "街道", "社区", "地点", "站点", "部门"),
}
DRAFT_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%d/%m/%Y %H:%M:%S",
                 "%d.%m.%Y %H:%M:%S", "%d.%m.%Y")
ENUM_VALUES_MAX = 60   # a draft lists every distinct value of an enum column up to this many


@dataclass
class Proposal:
    """What `map` finds in a file before it is written out as a draft (the import page edits it in a grid)."""
    kind: str
    headers: list[str]
    chosen: dict[str, tuple[int, list[str], float]]   # column → (file index, formats, parse rate)
    status_from: int | None                           # the closing-time column status is derived from
    candidates: dict[str, list[str]]                  # unresolved required column → headers a lookup could use
    values: dict[str, list[tuple[str, int]]]          # enum column → its distinct values with counts, commonest first
    samples: dict[str, str]                           # chosen column → three masked sample cells


@contextmanager
def registered(con, sheet: Sheet):
    """The sheet's text cells as m_src (c0..cN) on `con` while the block runs."""
    from dangqun.ingest import normalise

    normalise.install(con)
    con.register("m_src", sheet.table)
    try:
        yield con
    finally:
        con.unregister("m_src")


def propose(con, sheet: Sheet, kind: str = "service_records") -> Proposal:
    """Headers matched by alias and by how their values parse, every distinct value of the enum columns
    with its count (up to ENUM_VALUES_MAX + 1), candidate lookup headers of unresolved required columns."""
    knd = KINDS[kind]
    with registered(con, sheet):
        chosen: dict[str, tuple[int, list[str], float]] = {}
        taken: set[int] = set()
        hmap = header_map(kind)
        for i, h in enumerate(sheet.headers):   # the contract's own headers and aliases first
            col = hmap.get(norm_header(h))
            if col and col.name not in chosen:
                chosen[col.name] = (i, [], 1.0)
                taken.add(i)
        for col in knd.columns:
            if col.name in chosen:
                continue
            for i, h in enumerate(sheet.headers):
                nh = norm_header(h)
                if i in taken or not nh or not any(w in nh for w in HINTS.get(col.name, ())):
                    continue
                formats, rate = _fit(con, i, col)
                if rate >= MIN_PARSE_RATE:
                    chosen[col.name] = (i, formats, rate)
                    taken.add(i)
                    break
        status_from = chosen["closed_at"][0] if "status" not in chosen and "closed_at" in chosen else None
        candidates = {}
        for col in knd.required:
            if col.name not in chosen and not (col.name == "status" and status_from is not None):
                candidates[col.name] = [
                    f"{h.strip()}（{con.execute(f'select count(distinct c{i}) from m_src').fetchall()[0][0]:,} 种值）"
                    for i, h in enumerate(sheet.headers) if i not in taken
                    and any(w in norm_header(h) for w in CANDIDATES.get(col.name, ()))]
        values = {name: distinct_values(con, i) for name, (i, _, _) in chosen.items() if knd.column(name).enum}
        samples = {name: " | ".join(sample_cells(con, i, knd.column(name))) for name, (i, _, _) in chosen.items()}
    return Proposal(kind, list(sheet.headers), chosen, status_from, candidates, values, samples)


def distinct_values(con, i: int, limit: int = ENUM_VALUES_MAX + 1) -> list[tuple[str, int]]:
    """Column i's distinct non-empty values with their row counts, commonest first (m_src registered)."""
    return [tuple(r) for r in con.execute(f"select c{i}, count(*) from m_src where c{i} is not null group by 1 "
                                          f"order by 2 desc, 1 limit {int(limit)}").fetchall()]


def draft(con, sheet: Sheet, kind: str = "service_records", file_name: str = "") -> str:
    """A commented TOML profile for the file (see propose): every unresolved required column as TODO."""
    pr = propose(con, sheet, kind)
    knd = KINDS[kind]
    lines = [f"# 映射配置草稿：{file_name}（由 python -m dangqun map 生成，请逐项核对）",
             "# 每个数据规范的列写一个来源：表头名、{ constant = \"…\" } 常量、或 { derive = … } 推导；",
             "# 标 TODO 的必须填写后才能导入（草稿不会替你编造常量）。",
             f'kind = "{kind}"',
             f"fingerprint = [{', '.join(_toml_str(h.strip()) for h in sheet.headers if h.strip())}]",
             "", "[columns]"]
    for col in knd.columns:
        if col.name in pr.chosen:
            i, formats, rate = pr.chosen[col.name]
            spec = f"{{ header = {_toml_str(sheet.headers[i].strip())}"
            spec += f", format = {_toml_str(formats[0])} }}" if formats else " }"
            lines.append(f"{col.name} = {spec}   # {col.header}；样例：{pr.samples[col.name]}"
                         + (f"；可解析 {rate:.0%}" if col.type in PARSERS else ""))
        elif col.name == "status" and pr.status_from is not None:
            lines.append(f"status = {{ derive = \"status\", header = {_toml_str(sheet.headers[pr.status_from].strip())}, "
                         f"closed = \"已办结\", open = \"办理中\" }}   # 办理状态：有办结时间即已办结（请核对）")
        elif col.required:
            hint = "常量 { constant = \"…\" } 或对照表 { header = \"…\", lookup = \"….csv\", key = \"…\", value = \"…\" }"
            cands = pr.candidates.get(col.name) or []
            near = f"；可作对照的表头：{'、'.join(cands[:3])}" if cands else ""
            lines.append(f'{col.name} = "{TODO}"   # {col.header}（必填）：文件中没有对应的列，请填{hint}{near}')
        else:
            lines.append(f"# {col.name} =   # {col.header}：未找到对应的列（可选）")
    for name, rows in pr.values.items():
        col = knd.column(name)
        lines += ["", f"[values.{name}]   # 可选值：{'/'.join(col.enum)}；不需要的行写 {{ skip = \"原因\" }}，"
                      "没有对应的值写 \"\""]
        for v, n in rows[:ENUM_VALUES_MAX]:
            target = v if v in col.enum else TODO
            lines.append(f"{_toml_str(v)} = {_toml_str(target)}   # {n:,} 行")
        if len(rows) > ENUM_VALUES_MAX:
            lines.append("# …… 还有更多不同的值，请用 --dry-run 查看")
    return "\n".join(lines) + "\n"


def parse_rate(con, i: int, col: Column, formats: list[str] | None = None) -> float | None:
    """Share of column i's non-empty cells (m_src registered) that read as `col`'s type — with one of
    `formats` when given, as the import would — or None when the column has no cells or no type to parse."""
    c = f"c{i}"
    if col.type not in PARSERS:
        return None
    if formats:
        ok = f"try_strptime({c}, $formats) is not null or try_cast({c} as timestamp) is not null"
    else:
        ok = f"{PARSERS[col.type]}({c}) is not null"
    total, good = con.execute(f"select count({c}), count(*) filter (where {ok}) from m_src",
                              {"formats": list(formats)} if formats else {}).fetchall()[0]
    return good / total if total else None


def _fit(con, i: int, col: Column) -> tuple[list[str], float]:
    """([format] or [], share of non-empty cells that parse) for column i of m_src as `col`."""
    if col.type not in PARSERS:
        return [], 1.0
    best = ([], parse_rate(con, i, col))
    if best[1] is None:
        return [], 0.0
    if col.type in ("timestamp", "date") and best[1] < MIN_PARSE_RATE:
        for f in DRAFT_FORMATS:
            rate = parse_rate(con, i, col, [f])
            if rate > best[1]:
                best = ([f], rate)
    return best


def sample_cells(con, i: int, col: Column, n: int = 3) -> list[str]:
    """n sample cells of column i, masked as they would be stored (drafts and the page show them): personal
    columns by their rule, digit runs inside any other text; codes and ids as given (they name no person,
    and whoever checks the mapping must see them whole)."""
    from dangqun.ingest.write import py_mask
    from dangqun.privacy import mask_text

    fn = py_mask(col) or (str if col.name.endswith(("_id", "_code")) else mask_text)
    vals = [r[0] for r in con.execute(f"select c{i} from m_src where c{i} is not null limit {int(n)}").fetchall()]
    return [re.sub(r"\s+", " ", fn(v))[:24] for v in vals]


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
