"""The rollups of dangqun/sql/rollups.sql: created with the schema, rebuilt whole by the demo and when their
definition changes, refreshed by every import for the (center, month) pairs it touched, inside the
import's transaction, so a reader never sees records and rollups disagree.

Imports nothing of dangqun: dangqun.db calls it while opening a database (ensure_schema)."""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

SQL_DIR = Path(__file__).with_name("sql")
ROLLUPS_SQL = SQL_DIR / "rollups.sql"
# The SQL the rollups' rows are computed from: their tables and refresh statements, and the macros those
# call (flagged_records; tests/test_rollups.py checks that they call no other). Its hash is the version.
DEFINED_BY = (SQL_DIR / "00_flags.sql", ROLLUPS_SQL)
# in refresh order: rollup_center_month_total is summed from rollup_center_month
TABLES = ("rollup_center_month", "rollup_center_month_total", "rollup_center_month_item", "rollup_center_month_group",
          "rollup_late_records", "rollup_late_closings")
META_KEY = "rollup_version"


def version(paths=DEFINED_BY) -> str:
    """A hash of the SQL in `paths` without its comments and spacing: stored in meta with the rollups, so
    a database whose rollups another definition built is rebuilt on opening, and a comment is no change."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in paths)
    return hashlib.sha256(" ".join(re.sub(r"--[^\n]*", "", text).split()).encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _sql() -> tuple[str, dict[str, str]]:
    """(the tables' DDL, {table: its refresh statement}) of rollups.sql."""
    ddl, *sections = re.split(r"^-- refresh: (\w+) --$", ROLLUPS_SQL.read_text(encoding="utf-8"), flags=re.M)
    refresh = dict(zip(sections[::2], sections[1::2]))
    if tuple(refresh) != TABLES:
        raise RuntimeError(f"rollups.sql refreshes {tuple(refresh)}, expected {TABLES}")
    return ddl, refresh


def refresh_sql(table: str) -> str:
    """The statement that inserts `table`'s rows for the (center, month) pairs in temp table rollup_touched."""
    return _sql()[1][table]


def create_tables(con) -> None:
    """Before the macros of 20_counts.sql, which read the rollups."""
    con.execute(_sql()[0])


def drop_tables(con) -> None:
    """Before create_tables when the definition changed: the columns may have changed too."""
    for table in TABLES:
        con.execute(f"drop table if exists {table}")


def rebuild(con) -> None:
    """Every rollup row from all the records (the demo build; a definition change)."""
    con.execute("create or replace temp table rollup_touched as "
                "select distinct center_id, date_trunc('month', received_at)::date as month from service_records")
    _replace_touched(con, everything=True)


def touch_updated(con) -> None:
    """Before an import updates stored records (temp table upd, see ingest.write.write_good): their
    (center, month) pairs as stored, which the update may leave."""
    _touch(con, "service_records s semi join upd u on u.record_id = s.record_id")


def refresh_imported(con) -> None:
    """After an import wrote its records, in its transaction: the (center, month) pairs of every record
    whose id the file holds (temp view stage; bad rows' ids too, harmlessly) and those touched before,
    recomputed from the records. Ids, not the typed rows, so the costly parsing is not done twice."""
    _touch(con, "service_records s semi join stage t on t.t_record_id = s.record_id")
    _replace_touched(con)


def _touch(con, source: str) -> None:
    con.execute("create temp table if not exists rollup_touched (center_id varchar, month date)")
    con.execute("insert into rollup_touched select distinct s.center_id, date_trunc('month', s.received_at)::date "
                f"from {source}")


def _replace_touched(con, everything: bool = False) -> None:
    if not everything:
        con.execute("create or replace temp table rollup_touched as select distinct * from rollup_touched")
    for table in TABLES:
        if everything:
            con.execute(f"delete from {table}")
        else:
            con.execute(f"delete from {table} u using rollup_touched t "
                        "where u.center_id = t.center_id and u.month = t.month")
        con.execute(refresh_sql(table))
    con.execute("drop table if exists temp.rollup_touched")
