"""The dictionaries shipped in sample_data/ — regions (区划) and the service catalog (服务事项目录) —
loaded into a database, so that a fresh database can take real exports (`python -m dangqun init`)."""
from __future__ import annotations

from pathlib import Path

from dangqun import contract, db

SAMPLE_DATA = db.ROOT / "sample_data"


def load(con, directory: Path = SAMPLE_DATA) -> dict[str, int]:
    """Insert or refresh regions and catalog from `directory`/regions.csv and catalog.csv (Chinese
    headers, UTF-8); returns table → row count afterwards. One transaction."""
    con.execute("begin")
    try:
        for table, headers in (("regions", contract.REGION_HEADERS), ("catalog", contract.CATALOG_HEADERS)):
            select = ", ".join(f'"{zh}" as {en}' for en, zh in headers.items())
            con.execute(f"insert or replace into {table} ({', '.join(headers)}) "
                        f"select {select} from read_csv($p, header = true, all_varchar = true)",
                        {"p": str(directory / f"{table}.csv")})
        db.bump_data_version(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("regions", "catalog")}
