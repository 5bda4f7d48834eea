"""Plain logic of the 资金投入 page: what each 万元 bought, the treemap 市 → 县 → 乡镇 → 中心 under
the current region, and what a click on one of its tiles does."""
from __future__ import annotations

import pandas as pd

from dangqun import metrics, regions

REGION, CENTER = "region", "center"
# levels a treemap tile may stand for: 市, 县, 乡镇 (a center hangs under its town, not its village)
TREE_LEVELS = (1, 2, 3)
TILE_COLUMNS = ["unit_code", "parent_code", "unit_name", "kind", "amount_wan"]


def add_costs(df: pd.DataFrame) -> pd.DataFrame:
    """A funds_by_center / funds_by_unit frame with the 三率, 综合成绩, 每万元服务量 (per_wan) and
    单件成本(元/件) (unit_cost_yuan); NaN where the denominator is empty."""
    out = metrics.add_rates(df)
    out["per_wan"] = metrics.per_wan(out["received"], out["funds_wan"])
    out["unit_cost_yuan"] = metrics.unit_cost_yuan(out["funds_wan"], out["received"])
    return out


def _ancestor(code: str, level: int) -> str:
    return code[: regions.LEVEL_DIGITS[level]].ljust(12, "0")


def tree(centers: pd.DataFrame, region: str, names) -> pd.DataFrame:
    """Tiles of the funds treemap under `region`: the region itself (the root), the 市/县/乡镇 below
    it that hold funded centers, and the funded centers under their town.

    `centers` has center_id, center_name, region_code, funds_wan (funds_by_center); `names` maps a
    region code to its name (filters.RegionIndex.name). Returns unit_code (region code or center id),
    parent_code ('' for the root), unit_name, kind (region/center) and amount_wan, the sum of the tiles below (Plotly's branchvalues='total');
    no rows when no center of the region has funds."""
    funded = centers[centers["funds_wan"].astype("float64") > 0]
    if funded.empty:
        return pd.DataFrame(columns=TILE_COLUMNS)
    root_level = regions.level_of(region)
    rows = {region: {"unit_code": region, "parent_code": "", "unit_name": names(region), "kind": REGION,
                     "amount_wan": 0.0}}
    for c in funded.itertuples(index=False):
        chain = [region] + [_ancestor(c.region_code, lvl) for lvl in TREE_LEVELS if lvl > root_level]
        for parent, code in zip(chain, chain[1:]):
            rows.setdefault(code, {"unit_code": code, "parent_code": parent, "unit_name": names(code),
                                   "kind": REGION, "amount_wan": 0.0})
        rows[c.center_id] = {"unit_code": c.center_id, "parent_code": chain[-1], "unit_name": c.center_name,
                             "kind": CENTER, "amount_wan": float(c.funds_wan)}
        for code in chain:
            rows[code]["amount_wan"] += float(c.funds_wan)
    return pd.DataFrame(list(rows.values()), columns=TILE_COLUMNS)


def tile_action(code: str | None, tiles: pd.DataFrame, region: str):
    """What a click on a treemap tile does: ('drill', region code) for a region below the current
    one, ('records', center_id) for a center, None for the root (the current region) or no click."""
    if not code or code == region:
        return None
    hit = tiles[tiles["unit_code"] == code]
    if hit.empty:
        return None
    return ("records", code) if hit["kind"].iloc[0] == CENTER else ("drill", code)

