"""Stage a file's text cells as typed values and list every (row, column, reason) that is wrong,
set-wise in DuckDB: one pass builds the stage, one pass lists the reasons."""
from __future__ import annotations

import re

from dangqun import privacy
from dangqun.contract import COORDINATE_RANGES, Column
from dangqun.ingest.normalise import PARSERS, Match


# Reason texts, written once. {v} is the cell as given (cut at 50 characters).
R_EMPTY = "必填项为空"
R_TOO_LONG = "内容过长（{n} 字，上限 {m} 字），请检查是否粘贴错误"
R_TYPE = {"timestamp": "「{v}」不是有效的日期时间", "date": "「{v}」不是有效的日期", "boolean": "「{v}」应为 是 或 否",
          "integer": "「{v}」不是整数", "double": "「{v}」不是数字", "decimal": "「{v}」不是金额数字"}
R_ENUM = "「{v}」不是可选值（{options}）"
R_NEGATIVE = "「{v}」不能为负数"
R_SCORE = "评分「{v}」应在 1–5 之间"
R_YEAR = "年度「{v}」不在 2000–2100 之间"
R_COORDINATE = "{name}「{v}」不在 {lo}–{hi} 度之间（经纬度是否填反，或不是以度为单位？）"
R_REGION_FORMAT = "区划代码「{v}」应为 12 位数字（市、县可用 6 位）"
R_UNKNOWN_REGION = "区划代码「{v}」不在区划表中"
R_UNKNOWN_CENTER = "中心编码「{v}」不存在，请先导入服务中心表"
R_UNKNOWN_ITEM = "事项编码「{v}」不在服务事项目录中"
R_ORDER = "{later}「{v}」早于{earlier}「{w}」"
R_DUPLICATE = "「{v}」在本文件第 {n} 行已出现"
R_SHORT_ROW = "本行只有 {n} 列，表头有 {e} 列（行不完整，可能被截断）"
R_LONG_ROW = "本行有 {n} 列，多于表头的 {e} 列（可能有未加引号的逗号）"

# received ≤ dispatched ≤ accepted ≤ closed (replied_at is not part of the chain: it may follow closing)
TIME_CHAIN = ("received_at", "dispatched_at", "accepted_at", "closed_at")


class Params(dict):
    """Values (texts of a mapping profile, of the file, reasons, formats) bound to the statements they are
    used in, never written into them: `bind(value)` returns the placeholder to write in their place."""

    def bind(self, value) -> str:
        name = f"p{len(self)}"
        self[name] = value
        return f"${name}"

    def of(self, sql: str) -> dict:
        """The parameters `sql` names: DuckDB refuses a statement given parameters it does not use."""
        return {name: self[name] for name in re.findall(r"\$(p\d+)\b", sql)}


def q(s: str) -> str:
    """SQL string literal, only where DuckDB takes no parameters: the body of a view (CREATE VIEW cannot
    be prepared). Everywhere else, Params.bind."""
    return "'" + s.replace("'", "''") + "'"


def _reason(params: Params, template: str, **parts: str) -> str:
    """A reason template as a SQL expression; parts are SQL expressions, the text between them is bound."""
    out, rest = [], template
    while "{" in rest:
        pre, _, tail = rest.partition("{")
        key, _, rest = tail.partition("}")
        out += [params.bind(pre) if pre else "", f"cast({parts[key]} as varchar)"]
    out.append(params.bind(rest) if rest else "")
    return " || ".join(o for o in out if o)


SHOW = "(case when length({0}) > 50 then left({0}, 50) || '…' else {0} end)"
TS = "strftime({0}, '%Y-%m-%d %H:%M')"


def value_expr(col: Column) -> str | None:
    """The typed value of a column from its trimmed text t_<name>, or None when the text is the value."""
    t = f"t_{col.name}"
    if col.type in PARSERS:
        return f"{PARSERS[col.type]}({t})"
    if col.name == "region_code":
        return f"dq_region({t})"
    if col.name == "item_code":
        return f"dq_item({t})"
    return None


def col_ref(col: Column) -> str:
    return f"v_{col.name}" if value_expr(col) else f"t_{col.name}"


def stage_sql(m: Match) -> list[str]:
    """Temp views: stage (_row and t_<col>, the cell text) and typed (stage plus v_<col>, the typed values).
    Views, not tables: a million rows are not copied once more. Two of them because DuckDB does not prune
    unused computed columns from a view, so whatever needs only ids or the row count reads stage."""
    texts = [f"dq_text(c{i}) as t_{c.name}" for i, c in m.columns.items()]
    return [f"create or replace temp view stage as select _row, {', '.join(texts)} from src",
            f"create or replace temp view typed as select *, {', '.join(typed_columns(m, m.columns.values()))} "
            f"from stage"]


def typed_columns(m: Match, cols) -> list[str]:
    values = [f"{value_expr(c)} as v_{c.name}" for c in cols if value_expr(c)]
    if any(c.name == "phone" for c in cols):
        values.append(privacy.PHONE_DIGITS_SQL.format(p="t_phone") + " as phone_digits")   # for resident_hash
    return values or ["null as _none"]


def staging_sql(m: Match, headers: list[str], raw_json: str, params: Params) -> tuple[list[str], str]:
    """(statements that create temp tables dups and bad, the statement that creates temp table errs); the
    values they use are bound in `params` (run each with `params.of(sql)`).

    One pass over the stage checks every row; only the bad ones are materialised, with their list of
    (column, reason) and the masked raw row for quarantine. Good rows are not copied: the insert reads
    them from the stage view once more (parsing again is cheaper than materialising a million rows)."""
    kind = m.kind.name
    present = {c.name: c for c in m.columns.values()}
    header_of = {c.name: headers[i].strip() for i, c in m.columns.items()}
    idc = present[m.kind.id_column]
    # ids seen twice: grouping a million 8-byte hashes first is much cheaper than grouping the strings
    prep = [f"create or replace temp table dups as select t_{idc.name} as dup_id, min(_row) as first_row "
            f"from stage where hash(t_{idc.name}) in (select h from (select hash(t_{idc.name}) as h from stage "
            f"where t_{idc.name} is not null) group by h having count(*) > 1) "
            f"and t_{idc.name} is not null group by 1 having count(*) > 1"]
    joins = [f"left join dups on dups.dup_id = s.t_{idc.name}"]
    extra = ["dups.first_row"]
    checks: list[tuple[str, str, str]] = []    # (column name, condition, reason expr)

    for c in m.columns.values():
        t, v = f"t_{c.name}", col_ref(c)
        show = SHOW.format(t)
        if c.required:
            checks.append((c.name, f"{t} is null", params.bind(R_EMPTY)))
        checks.append((c.name, f"length({t}) > {c.max_len}",
                       _reason(params, R_TOO_LONG.replace("{m}", str(c.max_len)), n=f"length({t})")))
        if c.type in PARSERS:
            checks.append((c.name, f"{t} is not null and {v} is null", _reason(params, R_TYPE[c.type], v=show)))
        if c.enum:
            # list_contains, not IN: DuckDB plans a long IN list as a join per column
            checks.append((c.name, f"{t} is not null and not list_contains({params.bind(list(c.enum))}, {t})",
                           _reason(params, R_ENUM.replace("{options}", "/".join(c.enum)), v=show)))
        if c.name in COORDINATE_RANGES:       # west and south are negative: a range, not the sign
            lo, hi = COORDINATE_RANGES[c.name]
            text = R_COORDINATE.replace("{name}", c.header).replace("{lo}", f"{lo:g}").replace("{hi}", f"{hi:g}")
            checks.append((c.name, f"{v} not between {lo} and {hi}", _reason(params, text, v=show)))
        elif c.type in ("integer", "double", "decimal"):
            checks.append((c.name, f"{v} < 0", _reason(params, R_NEGATIVE, v=show)))
        if c.name == "score":
            checks.append((c.name, f"{v} not between 1 and 5", _reason(params, R_SCORE, v=show)))
        if c.name == "fiscal_year":
            checks.append((c.name, f"{v} not between 2000 and 2100", _reason(params, R_YEAR, v=show)))
        if c.name == m.kind.id_column:
            checks.append((c.name, "_row > first_row", _reason(params, R_DUPLICATE, v=show, n="first_row")))

    if "region_code" in present:
        joins.append("left join regions kr on kr.region_code = s.v_region_code")
        extra.append("kr.region_code as k_region")
        checks.append(("region_code", "t_region_code is not null and not regexp_full_match(v_region_code, '\\d{12}')",
                       _reason(params, R_REGION_FORMAT, v=SHOW.format("t_region_code"))))
        checks.append(("region_code", "regexp_full_match(v_region_code, '\\d{12}') and k_region is null",
                       _reason(params, R_UNKNOWN_REGION, v=SHOW.format("t_region_code"))))
    if "center_id" in present and kind != "centers":
        joins.append("left join centers kc on kc.center_id = s.t_center_id")
        extra.append("kc.center_id as k_center")
        checks.append(("center_id", "t_center_id is not null and k_center is null",
                       _reason(params, R_UNKNOWN_CENTER, v=SHOW.format("t_center_id"))))
    if "item_code" in present:
        joins.append("left join catalog ki on ki.item_code = s.v_item_code")
        extra.append("ki.item_code as k_item")
        checks.append(("item_code", "t_item_code is not null and k_item is null",
                       _reason(params, R_UNKNOWN_ITEM, v=SHOW.format("t_item_code"))))
    if kind == "service_records":
        chain = [n for n in TIME_CHAIN if n in present]
        for j, later in enumerate(chain[1:], start=1):
            whens = []
            for earlier in reversed(chain[:j]):
                lc, ec = present[later], present[earlier]
                whens.append(f"when v_{later} < v_{earlier} then " + _reason(
                    params,                     R_ORDER.replace("{later}", lc.header).replace("{earlier}", ec.header),
                    v=TS.format(f"v_{later}"), w=TS.format(f"v_{earlier}")))
            checks.append((later, f"v_{later} < greatest({', '.join('v_' + e for e in chain[:j])})",
                           "case " + " ".join(whens) + " end"))

    order = {c.name: k for k, c in enumerate(m.kind.columns)}
    items = [f"case when {cond} then {{'col': {params.bind(header_of[name])}, 'ord': {order[name]}, 'reason': {reason}}} end"
             for name, cond, reason in checks]
    center = "t_center_id" if "center_id" in present else "null"
    prep.append(
        f"create or replace temp table bad as select _row, "
        f"list_filter([{', '.join(items)}], lambda e: e is not null) as errs_list, "
        f"{raw_json} as raw, {center} as raw_center "
        f"from (select s.*, {', '.join(extra)} from typed s {' '.join(joins)}) s "
        f"where {' or '.join('(' + cond + ')' for _, cond, _ in checks)}")
    sql = ("create or replace temp table errs as select _row, e.col as column_name, e.ord as ord, e.reason as reason "
           "from (select _row, unnest(errs_list) as e from bad)")
    return prep, sql
