"""Staged, validated rows → the tables, set-wise, inside the caller's transaction."""
from __future__ import annotations

import pyarrow as pa

from dangqun import rollups, workdays
from dangqun.contract import Column
from dangqun.ingest.normalise import Match
from dangqun.ingest.validate import Params, col_ref, q, typed_columns

# Masked on the way in (privacy); handler is a person's name too.
MASKS = {"resident_name": "mask_name", "phone": "mask_phone", "handler": "mask_name"}

SQL_TYPES = {"varchar": "varchar", "timestamp": "timestamp", "date": "date", "boolean": "boolean",
             "integer": "integer", "double": "double", "decimal": "decimal(14, 2)"}


def masked(col: Column, ref: str) -> str:
    fn = "mask_text" if col.free_text else MASKS.get(col.name)
    return f"{fn}({ref})" if fn else ref


def py_mask(col: Column):
    """The Python twin of `masked` (dangqun.privacy), for the few rows masked outside SQL."""
    from dangqun import privacy

    fn = "mask_text" if col.free_text else MASKS.get(col.name)
    return getattr(privacy, fn) if fn else None


def raw_json_sql(m: Match, headers: list[str], params: Params) -> str:
    """The row as JSON with the file's headers (bound in `params`) as keys and personal fields masked
    (quarantine.raw)."""
    # over the stage: s.t_<col> is the text as given
    pairs = [f"{params.bind(headers[i].strip() or f'第{i + 1}列')}, {masked(c, 's.t_' + c.name)}"
             for i, c in m.columns.items()]
    return f"json_object({', '.join(pairs)})"


def final_select(m: Match, salt: str) -> tuple[list[str], list[str]]:
    """(SQL expressions over the stage for the stored columns, their names). Masks and the resident
    hash are applied here, so the staged table never holds a raw name or phone number."""
    present = {c.name: c for c in m.columns.values()}
    sel = [f"cast({masked(c, 's.' + col_ref(c))} as {SQL_TYPES[c.type]}) as {c.name}" for c in m.columns.values()]
    cols = list(present)
    if m.kind.name == "service_records":
        if "resident_name" in present or "phone" in present:
            sel.append(hash_sql(salt, "resident_name" in present, "phone" in present))
            cols.append("resident_hash")
    return sel, cols


def make_good(con, m: Match, final: list[str], cols: list[str]) -> list[str]:
    """Temp view good: the valid rows in stored form, with due_on for service records; returns its columns."""
    if m.kind.name != "service_records":
        con.execute(f"create or replace temp view good as select {', '.join(final)} from typed s "
                    f"anti join bad b on b._row = s._row")
        return cols
    _due_on(con, m)
    # due holds the valid rows only, so the join also leaves the bad ones out
    con.execute(f"create or replace temp view good as select {', '.join(final)}, d.due_on from typed s "
                f"join due d using (_row)")
    return cols + ["due_on"]


def hash_sql(salt: str, has_name: bool, has_phone: bool) -> str:
    """privacy.resident_hash in SQL, on the stage's precomputed phone digits: the installed macro repeats
    its regexp per reference, which costs seconds at a million rows. Same result (tested)."""
    # quoted, not bound: this expression is part of the view `good` (make_good), and a view takes no parameters
    n = "coalesce(s.t_resident_name, '')" if has_name else "''"
    d = "coalesce(s.phone_digits, '')" if has_phone else "''"
    return (f"case when {n} = '' and {d} = '' then null "
            f"else left(sha256({q(salt + '|')} || {n} || '|' || {d}), 16) end as resident_hash")


def _due_on(con, m: Match) -> None:
    """due_on for the valid rows: received date + promised working days (file, else catalog), in numpy."""
    need = [c for c in m.columns.values() if c.name in ("received_at", "promised_days", "item_code")]
    has_promised = any(c.name == "promised_days" for c in need)
    promised = "coalesce(s.v_promised_days, c.promised_days)" if has_promised else "c.promised_days"
    t = con.sql(f"select s._row, cast(s.v_received_at as date) as d, cast({promised} as double) as p "
                f"from (select *, {', '.join(typed_columns(m, need))} from stage) s "
                f"left join catalog c on c.item_code = s.v_item_code "
                f"anti join bad b on b._row = s._row").to_arrow_table()
    received = t["d"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    days = t["p"].to_numpy(zero_copy_only=False)
    due = workdays.due_dates(received, days)
    con.register("due", pa.table({"_row": t["_row"], "due_on": pa.array(due, type=pa.date32(), from_pandas=True)}))


def _same(m: Match, c: str) -> str:
    """Stored row t and file row o agree on column c. A time given to the minute (2022/3/5 9:07, as many
    platforms export) agrees with the stored time in that minute: the export's precision is not a change.
    resident_hash is not compared: it follows the salt and the raw name, while the masked name and phone
    that the platform's content shows are compared as columns of their own."""
    typ = next((col.type for col in m.kind.columns if col.name == c), None)
    if typ == "timestamp":
        return (f"(t.{c} is not distinct from o.{c} or "
                f"(o.{c} = date_trunc('minute', o.{c}) and o.{c} = date_trunc('minute', t.{c})))")
    return f"t.{c} is not distinct from o.{c}"


def write_good(con, m: Match, cols: list[str]) -> tuple[int, int, int]:
    """Classify against the stored rows (new / identical / changed) and write. Only the columns the file
    has are compared and updated, so a narrower export does not blank the others."""
    table, key = m.kind.name, m.kind.id_column
    # rows whose id is stored already: usually none (a new export) or all (a re-import)
    # ids first, from the stage's plain text, so a new export never computes its wide rows twice
    con.execute(f"create or replace temp table old as select g.* from good g "
                f"semi join (select s.t_{key} as k from stage s semi join {table} t on t.{key} = s.t_{key}) ids "
                f"on ids.k = g.{key}")
    n_old = con.execute("select count(*) from old").fetchall()[0][0]
    same = " and ".join(_same(m, c) for c in cols if c not in (key, "resident_hash")) or "true"
    con.execute(f"create or replace temp table upd as select o.* from old o join {table} t "
                f"on t.{key} = o.{key} where not ({same})")
    n_upd = con.execute("select count(*) from upd").fetchall()[0][0]
    if n_upd and table == "service_records":
        rollups.touch_updated(con)
    if n_upd:
        sets = ", ".join(f"{c} = u.{c}" for c in cols if c != key)
        con.execute(f"update {table} set {sets} from upd u where {table}.{key} = u.{key}")
    # service_records has no primary key (see schema.sql): this anti-join is what keeps ids unique
    anti = f"anti join old o on o.{key} = g.{key}" if n_old else ""
    n_new = con.execute(f"insert into {table} ({', '.join(cols)}) select {', '.join('g.' + c for c in cols)} "
                        f"from good g {anti}").fetchall()[0][0]
    if table == "service_records":
        rollups.refresh_imported(con)
    return n_new, n_upd, n_old - n_upd
