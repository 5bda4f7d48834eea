"""Headers → contract columns and kind; cell text → typed values (as DuckDB macros, so a million rows
are normalised set-wise in SQL; the unit tests run the same macros)."""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from dangqun.contract import KINDS, Column, Kind

_BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})


def norm_header(cell: str | None) -> str:
    """承诺时限（工作日） / ' 承诺时限 (工作日) ' / 建筑面积(m²) → one comparable form.
    NFKC folds full-width brackets, letters and ㎡; spaces, BOMs and a required-marker '*' go."""
    s = unicodedata.normalize("NFKC", cell or "").translate(_BRACKETS)
    s = re.sub(r"[\s\ufeff\u200b*＊]+", "", s)
    return s.lower()


@lru_cache(maxsize=None)
def header_map(kind: str) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for col in KINDS[kind].columns:
        for h in (col.header, *col.aliases):
            out.setdefault(norm_header(h), col)
    return out


@lru_cache(maxsize=1)
def _all_headers() -> frozenset[str]:
    return frozenset(h for k in KINDS for h in header_map(k))


def header_score(row: list[str]) -> int:
    """How many cells of a row are known headers of some kind (to find the header row)."""
    known = _all_headers()
    return sum(1 for c in row if norm_header(c) in known)


@dataclass
class Match:
    kind: Kind
    columns: dict[int, Column]                       # file column index → contract column
    extras: list[int] = field(default_factory=list)  # unknown columns, kept aside
    repeated: list[int] = field(default_factory=list)  # a second column for the same field

    @property
    def missing(self) -> list[Column]:
        have = {c.name for c in self.columns.values()}
        return [c for c in self.kind.required if c.name not in have]


def match(headers: list[str], kind: str) -> Match:
    hmap = header_map(kind)
    m = Match(KINDS[kind], {})
    seen: set[str] = set()
    for i, h in enumerate(headers):
        col = hmap.get(norm_header(h))
        if col is None:
            if norm_header(h):
                m.extras.append(i)
        elif col.name in seen:
            m.repeated.append(i)
        else:
            seen.add(col.name)
            m.columns[i] = col
    return m


def detect(headers: list[str], declared: str | None = None) -> tuple[Match | None, list[str], str | None]:
    """(match, notes, rejection message). A declared kind (--kind) is taken when the headers fit it;
    when they fit another kind instead, the headers win and a note says so."""
    matches = {k: match(headers, k) for k in KINDS}
    fitting = [m for m in matches.values() if not m.missing]
    notes: list[str] = []
    if declared and not matches[declared].missing:
        return matches[declared], notes, None
    if fitting:
        best = max(fitting, key=lambda m: len(m.columns))
        if declared:
            notes.append(f"指定的类型「{KINDS[declared].label}」与表头不符，已按表头识别为「{best.kind.label}」")
        return best, notes, None
    best = matches[declared] if declared else max(
        matches.values(), key=lambda m: (len(m.kind.required) - len(m.missing), len(m.columns)))
    return None, notes, rejection_message(best, headers)


def rejection_message(m: Match, headers: list[str]) -> str:
    unknown = [headers[i] for i in m.extras]
    parts = []
    for col in m.missing:
        near = difflib.get_close_matches(col.header, unknown, n=1, cutoff=0.4)
        parts.append(f"{col.header}（文件中最接近的表头：{near[0]}）" if near else col.header)
    if not m.columns:
        return ("表头无法识别：前 30 行中没有找到任何已知的列名（如 受理编号、中心编码、项目编号、活动编号），"
                "请确认文件是服务记录、服务中心、资金投入或活动记录的导出表")
    return f"表头不完整，按「{m.kind.label}」缺少必填列：{'、'.join(parts)}"


def extras_note(m: Match, headers: list[str]) -> str | None:
    if not m.extras:
        return None
    have = {c.name for c in m.columns.values()}
    known = [c.header for c in m.kind.columns if c.name not in have]   # suggest only columns still missing
    names = []
    for i in m.extras[:EXTRAS_NAMED]:
        near = difflib.get_close_matches(headers[i].strip()[:100], known, n=1, cutoff=0.6)
        names.append(f"{headers[i].strip()[:100]}（是否为「{near[0]}」？）" if near else headers[i].strip()[:100])
    more = f" 等 {len(m.extras):,} 列" if len(m.extras) > EXTRAS_NAMED else ""
    return f"以下列不在「{m.kind.label}」的数据规范中，已忽略（未导入）：{'、'.join(names)}{more}"


EXTRAS_NAMED = 20     # a file of 10,000 columns gets one readable line, not 70,000 characters


# ---- cell normalisation: trimming (pyarrow), then parsing (SQL macros) ------------------------------

TRIM_CHARS = " \t\r\n\u3000\xa0\ufeff"   # incl. full-width space, no-break space, stray BOMs


def tidy(table: pa.Table, crlf_inside: bool = False) -> pa.Table:
    """Trim every cell (pyarrow's kernel is several times faster than DuckDB's trim with a character set)."""
    cols = []
    for col in table.columns:
        if crlf_inside:
            col = pc.replace_substring(col, "\r\n", "\n")
        cols.append(pc.utf8_trim(col, characters=TRIM_CHARS))
    return pa.table(cols, names=table.column_names)


# ---- cell parsing, as SQL macros ------------------------------------------------------------

TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M", "%Y年%m月%d日", "%Y年%m月%d日%H时%M分",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y.%m.%d %H:%M", "%Y.%m.%d", "%Y%m%d",
)
YES = ("是", "Y", "YES", "1", "TRUE", "T", "√", "有")
NO = ("否", "N", "NO", "0", "FALSE", "F", "×", "无")
# Excel day serials: 20000 = 1954-10-03, 80000 = 2119-01-10; plain numbers outside are not dates.
SERIAL_MIN, SERIAL_MAX = 20000, 80000


def _lit(values) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


MACROS_SQL = f"""
create or replace temp macro dq_text(s) as nullif(s, '');
create or replace temp macro dq_ts(s) as
    coalesce(try_cast(s as timestamp), try_strptime(s, {_lit(TIME_FORMATS)}),
             case when regexp_full_match(s, '\\d{{5}}(\\.\\d+)?')
                       and try_cast(s as double) between {SERIAL_MIN} and {SERIAL_MAX}
                  then timestamp '1899-12-30'
                       + to_microseconds(cast(round(try_cast(s as double) * 86400) as bigint) * 1000000) end);
create or replace temp macro dq_date(s) as cast(dq_ts(s) as date);
create or replace temp macro dq_bool(s) as
    case upper(s) {' '.join(f"when '{v}' then true" for v in YES)}
                  {' '.join(f"when '{v}' then false" for v in NO)} end;
create or replace temp macro dq_num(s) as
    try_cast(case when regexp_full_match(s, '[+-]?\\d{{1,3}}([,，]\\d{{3}})+(\\.\\d*)?')
                  then regexp_replace(s, '[,，]', '', 'g') else s end as double);
create or replace temp macro dq_int(s) as
    case when dq_num(s) = floor(dq_num(s)) and abs(dq_num(s)) < 2147483648 then cast(dq_num(s) as integer) end;
create or replace temp macro dq_dec(s) as
    try_cast(case when regexp_full_match(s, '[+-]?\\d{{1,3}}([,，]\\d{{3}})+(\\.\\d*)?')
                  then regexp_replace(s, '[,，]', '', 'g') else s end as decimal(14, 2));
create or replace temp macro dq_region(s) as
    case when regexp_full_match(s, '\\d{{6}}') then s || '000000' else s end;
create or replace temp macro dq_item(s) as
    case when regexp_full_match(s, '\\d{{3}}') then '0' || s else s end;
"""


def install(con) -> None:
    con.execute(MACROS_SQL)


PARSERS = {"timestamp": "dq_ts", "date": "dq_date", "boolean": "dq_bool", "integer": "dq_int",
           "double": "dq_num", "decimal": "dq_dec"}


def normalise_values(con, type_: str, values: list[str | None]) -> list:
    """The importer's normalisation (pyarrow trim, then the SQL macros) applied to a few Python values,
    for the tests and the preview."""
    install(con)
    table = tidy(pa.table({"v": pa.array(values, type=pa.string())}))
    table = table.append_column("i", pa.array(range(len(values)), type=pa.int64()))
    fn = PARSERS.get(type_)
    expr = f"{fn}(dq_text(v))" if fn else "dq_text(v)"
    con.register("nv_values", table)
    try:
        return [r[0] for r in con.execute(f"select {expr} from nv_values order by i").fetchall()]
    finally:
        con.unregister("nv_values")
