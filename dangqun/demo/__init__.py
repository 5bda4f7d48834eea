"""The deterministic demo database (README 快速开始): six counties, 2021–2022, the report's figures.

`build(path)` writes regions, catalog, centers, service records, funds and activities into a
fresh DuckDB file; the same seed gives the same database. The figures it reproduces are the
constants of `dangqun.demo.figures`, re-exported here. `build(path, years=5)` spans 2018–2022 instead
(the page bench's province): the same figures in 2021–2022, ordinary records and ledgers before.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from dangqun import alerts, contract, db, rollups
from dangqun.demo.figures import *  # noqa: F401,F403  (the figures are this module's API)
from dangqun.demo import anomalies
from dangqun.demo import figures as F
from dangqun.demo.centers import CENTER_COLUMNS, backdate_towns, build_centers, place_centers
from dangqun.demo.ledgers import build_activities, build_funds
from dangqun.demo.records import RecordGenerator
from dangqun.demo.regions import build_regions
from dangqun.demo.texts import TextMaker, center_places

CATALOG_CSV = db.ROOT / "sample_data" / "catalog.csv"
# what the demo holds, raised when that changes (2: 诉求内容 and its planted matters), so that databases built
# by an older release and kept for the benches are built anew
CONTENT = 2


def build(path, records: int | None = None, seed: int = F.DEFAULT_SEED,
          years: int = F.DEFAULT_YEARS) -> dict[str, int]:
    """Build the demo database at `path` (replaced whole at the end); returns table → row count. `records`
    is the total over all `years` calendar years, which end with 2022."""
    F.first_day(years)     # a wrong number of years fails here, before the old file is touched
    path = Path(path)
    tmp = path.with_name(path.name + ".building")
    for stale in (tmp, Path(str(tmp) + ".wal")):
        stale.unlink(missing_ok=True)
    con = db.connect(tmp)
    try:
        con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        counts = _fill(con, records or F.DEFAULT_RECORDS, seed, years)
        con.execute("checkpoint")
    finally:
        con.close()
    Path(str(path) + ".wal").unlink(missing_ok=True)
    os.replace(tmp, path)
    return counts


def _fill(con, records: int, seed: int, years: int = F.DEFAULT_YEARS) -> dict[str, int]:
    # one generator per part, so changing one part's draws does not reshuffle the others
    rngs = [np.random.default_rng([seed, part]) for part in range(6)]
    regions = build_regions(rngs[0])
    catalog = load_catalog()
    centers = build_centers(regions, rngs[1])
    # positions from a generator of their own (part 5): the other parts' draws stay as they were
    centers = place_centers(centers, np.random.default_rng([seed, 5]))
    if years > F.DEFAULT_YEARS:
        # a generator of its own (part 6), used only here: the two-year demo draws nothing new
        centers = backdate_towns(centers, F.first_day(years), np.random.default_rng([seed, 6]))
    con.execute("begin")
    _insert(con, "regions", pd.DataFrame([(r.code, r.name, r.level, r.parent) for r in regions],
                                         columns=list(contract.REGION_HEADERS)))
    _insert(con, "catalog", catalog)
    _insert(con, "centers", centers[list(CENTER_COLUMNS)])
    _insert(con, "funds", build_funds(centers, rngs[2], years))
    _insert(con, "activities", build_activities(centers, rngs[3], years))
    con.execute("commit")
    # the AB posts' night hours (part 7) and the 诉求内容 (part 8) from generators of their own: the records' other
    # draws stay as they were
    texts = TextMaker(centers, catalog, center_places(centers, {r.code: r.name for r in regions}),
                      np.random.default_rng([seed, 8]))
    gen = RecordGenerator(centers, catalog, records, rngs[4], plant_rng=rngs[5], years=years,
                          night_rng=np.random.default_rng([seed, 7]), texts=texts)
    _insert_records(con, gen)
    anomalies.plant(con, gen.scale)      # the 预警 rules' planted cases and the planted matters (README, 演示数据中的预警)
    rollups.rebuild(con)
    db.set_meta(con, "demo", "true")
    db.set_meta(con, "seed", str(seed))
    db.bump_data_version(con)
    alerts.refresh(con)       # the pages' stored alerts, as after an import
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("regions", "catalog", "centers", "service_records", "funds", "activities")}


def load_catalog(path: Path = CATALOG_CSV) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, encoding="utf-8")
    df = df.rename(columns={v: k for k, v in contract.CATALOG_HEADERS.items()})
    df["promised_days"] = df.promised_days.astype(int)
    return df[list(contract.CATALOG_HEADERS)]


def _insert(con, table: str, df: pd.DataFrame) -> None:
    con.register("_demo_rows", df)
    cols = ", ".join(df.columns)
    con.execute(f"insert into {table} ({cols}) select {cols} from _demo_rows")
    con.unregister("_demo_rows")


COMMIT_ROWS = 1_000_000
# bounded so a 20-million-record build stays within a few GB on a small machine
MEMORY_LIMIT = "1500MB"

# lpad cuts a longer string to its width: past 100M records (a 9-digit seq) the ids would repeat
RECORD_INSERT = """
insert into service_records by name
select county || strftime(received_at, '%Y%m%d')
       || lpad(seq::varchar, greatest(8, length(seq::varchar))::integer, '0') as record_id,
       * exclude (seq, county)
from _demo_block
"""


def _insert_records(con, gen: RecordGenerator) -> None:
    # commit every million rows or so: DuckDB holds a transaction's new rows in memory
    con.execute("begin")
    pending = 0
    for table in gen.tables():
        con.register("_demo_block", table)
        con.execute(RECORD_INSERT)
        con.unregister("_demo_block")
        pending += table.num_rows
        if pending >= COMMIT_ROWS:
            con.execute("commit")
            con.execute("begin")
            pending = 0
    con.execute("commit")
