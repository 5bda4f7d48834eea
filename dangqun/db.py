"""The analytics store's DuckDB files: where they live, opening them, their schema and data version, and
the named-query runner. The importer opens the working copy read-write (`connect`, under dangqun.publish's
lock); the server processes open a published version read-only (`Reader`)."""
from __future__ import annotations

import inspect
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import duckdb

from dangqun import regions, rollups

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "dangqun.duckdb"
SCHEMA_SQL = Path(__file__).with_name("schema.sql")
# the macros the named queries call, run in name order: the map of their chain is at the top of the first
MACRO_FILES = tuple(sorted(rollups.SQL_DIR.glob("[0-9][0-9]_*.sql")))

TABLES = ("regions", "catalog", "centers", "service_records", "funds", "activities",
          "quarantine", "import_log")


class DatabaseLocked(RuntimeError):
    """Another process holds DuckDB's write lock on the file (an importer of an older release, or a
    program opened on the working copy by hand): the importer's own lock (dangqun.publish) comes first."""

    def __init__(self, path):
        super().__init__(
            f"数据库文件 {path} 正被另一个进程占用（不是本看板的导入程序），请关闭该进程后再试。"
            f" / The database file {path} is locked by another process; close it and try again."
        )


def resolve_path(db: str | os.PathLike | None = None) -> Path:
    """`--db PATH`, else `$DANGQUN_DB`, else data/dangqun.duckdb (README 命令行)."""
    if db:
        return Path(db)
    if os.environ.get("DANGQUN_DB"):
        return Path(os.environ["DANGQUN_DB"])
    return DEFAULT_DB


def connect(db=None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = resolve_path(db)
    if not read_only:
        owner_only()
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLocked(path) from exc
        raise
    if not read_only:
        for made_earlier in (path, Path(f"{path}.wal")):     # by an older version, or copied in
            if made_earlier.exists() and made_earlier.stat().st_uid == os.getuid():
                made_earlier.chmod(made_earlier.stat().st_mode & 0o700)
        ensure_schema(con)
    return con


def owner_only() -> None:
    """Every file this process creates from now on is readable by its owner only (README 文件权限): the
    database, and its write-ahead log, which DuckDB creates anew after each checkpoint, at the next
    write, so no chmod after creating the file could cover it; a umask does. Called by every opening
    for writing (the dashboard, the command line, the demo build)."""
    os.umask(os.umask(0o077) | 0o077)


@contextmanager
def opened(db=None, read_only: bool = False):
    con = connect(db, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    from dangqun.privacy import install_macros

    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    # rollups built by another definition (or never, as in a database made before rollups existed): made
    # anew, their tables before the macros that read them, their rows after the macros they are built from
    stale = get_meta(con, rollups.META_KEY) != rollups.version()
    if stale:
        rollups.drop_tables(con)
    rollups.create_tables(con)
    for path in MACRO_FILES:
        con.execute(path.read_text(encoding="utf-8"))
    install_macros(con)
    if stale:
        rollups.rebuild(con)
        set_meta(con, rollups.META_KEY, rollups.version())


def path_of(con) -> str | None:
    """The file a read-write connection has open (None in memory)."""
    rows = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()
    return rows[0][0] if rows and rows[0][0] else None


def data_version(con) -> int:
    row = con.execute("select value from meta where key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def bump_data_version(con) -> int:
    """Called inside the transaction that changes data, so caches keyed by it see the change."""
    new = data_version(con) + 1
    con.execute(
        "insert or replace into meta values ('data_version', $v)", {"v": str(new)}
    )
    return new


def get_meta(con, key: str, default: str | None = None) -> str | None:
    row = con.execute("select value from meta where key = $k", {"k": key}).fetchone()
    return row[0] if row else default


def set_meta(con, key: str, value: str) -> None:
    con.execute("insert or replace into meta values ($k, $v)", {"k": key, "v": value})


# ── named queries (queries/*.sql, aiosql format) and the scoped runner ──────────────────────────

QUERIES_DIR = ROOT / "queries"
# Tables whose rows belong to a region: every query sees them only through views restricted to the
# caller's scope, created on the query's own cursor, so a page cannot forget the scope.
SCOPED_TABLES = ("centers", "service_records", "funds", "activities", "quarantine", "rollup_center_month",
                 "rollup_center_month_total", "rollup_center_month_item", "rollup_center_month_group",
                 "rollup_late_records")
# Tables of regions' own rows (no center): seen only for the region codes under the scope, so a county
# account's map receives its county's boundaries and nothing of a neighbour's, and its 预警 its towns' alerts
REGION_TABLES = ("boundaries", "alert_found", "alert_case", "topic_member")


@lru_cache(maxsize=1)
def _query_library():
    import aiosql

    return aiosql.from_path(QUERIES_DIR, "duckdb")


def query_names() -> list[str]:
    return sorted(n for n in _query_library().available_queries if not n.endswith("_cursor"))


def query_sql(name: str) -> str:
    return getattr(_query_library(), name).sql


def query_params(name: str) -> list[str]:
    return list(inspect.signature(getattr(_query_library(), name)).parameters)


def scoped_cursor(con, scope: str | None):
    """A fresh cursor whose centers/records/funds/activities/quarantine are those under `scope`
    (a region code); scope None means everything (administrators). `con`: a Reader or a connection."""
    cur = con.cursor()
    if scope is None:
        return cur
    pre = regions.prefix(scope)  # digits only: validated, so safe inside DDL
    if hasattr(con, "OWN_TABLES"):      # a Reader (by its shape: a module reloaded under a running server
                                        # makes a new class, and the process's open versions are of the old one)
        base, own = f"{Reader.DATA}.main", f"{Reader.OWN}.main"
    else:
        base = own = f'"{cur.execute("select current_database()").fetchone()[0]}".main'
    in_scope_centers = f"select center_id from {base}.centers where region_code like '{pre}%'"
    cur.execute(
        f"create or replace temp view centers as select * from {base}.centers where region_code like '{pre}%';"
        + "".join(
            f"create or replace temp view {t} as select * from {base}.{t} where center_id in ({in_scope_centers});"
            for t in SCOPED_TABLES if t != "centers"
        )
        + "".join(f"create or replace temp view {t} as select * from "
                  f"{own if t in Reader.OWN_TABLES else base}.{t} where region_code like '{pre}%';"
                  for t in REGION_TABLES)
    )
    return cur


class Reader:
    """A published version of the analytics store (dangqun.publish), opened read-only by a server process.

    DuckDB lets many processes read a file only when none writes it, and a version is never written after
    it is published. The stored alerts are the one thing a reader adds: a month nobody asked for before is
    found when first asked (dangqun.alerts.ensure) and kept for the life of this version in the process's
    own in-memory catalog, which holds a copy of the version's stored alerts. Every cursor looks there first,
    then in the version (search_path), so queries name tables as on a read-write connection."""

    DATA, OWN = "data", "memory"
    OWN_TABLES = ("alert_found", "alert_case", "alert_run", "topic_member")

    def __init__(self, path):
        self.path = Path(path)
        self._con = duckdb.connect()
        quoted = str(self.path).replace("'", "''")
        self._con.execute(f"attach '{quoted}' as {self.DATA} (read_only)")
        for table in self.OWN_TABLES:
            # this release's table, whatever release published the version: an older one may lack a table
            # or a column added since (the table starts empty, the column null)
            ddl = _schema_ddl(table)
            self._con.execute(ddl.replace(f"CREATE TABLE {table}", f"CREATE TABLE {self.OWN}.main.{table}", 1))
            if self._con.execute("select count(*) from duckdb_tables() where database_name = $d and table_name = $t",
                                 {"d": self.DATA, "t": table}).fetchone()[0]:
                self._con.execute(f"insert into {self.OWN}.main.{table} by name select * from {self.DATA}.main.{table}")

    def cursor(self):
        cur = self._con.cursor()
        cur.execute(f"set search_path = '{self.OWN}.main,{self.DATA}.main'")
        return cur

    def execute(self, sql: str, params=None):
        """A statement on a cursor of its own (returned, to fetch from), as DuckDBPyConnection.execute."""
        return self.cursor().execute(sql, params)

    def close(self) -> None:
        self._con.close()

    def __repr__(self) -> str:
        return f"Reader({self.path.name})"


@lru_cache(maxsize=None)
def _schema_ddl(table: str) -> str:
    """A table's CREATE statement as this release's schema.sql makes it."""
    con = duckdb.connect()
    try:
        ensure_schema(con)
        return con.execute("select sql from duckdb_tables() where table_name = $t", {"t": table}).fetchone()[0]
    finally:
        con.close()


def run(con, name: str, params: dict | None = None, scope: str | None = None):
    """Run the named query with bound parameters under `scope`; returns a pandas DataFrame."""
    params = params or {}
    wanted = query_params(name)
    missing = [p for p in wanted if p not in params]
    if missing:
        raise TypeError(f"query {name} needs parameters {missing}")
    cur = scoped_cursor(con, scope)
    try:
        return cur.execute(query_sql(name), {p: params[p] for p in wanted}).df()
    finally:
        cur.close()
