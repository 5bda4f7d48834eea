"""Plain logic of the 资金投入 page: what each 万元 bought, the treemap 市 → 县 → 乡镇 → 中心 under
the current region (two levels at a time, at most MAX_TILES_PER_PARENT tiles under each), and what a
click on one of its tiles does."""
from __future__ import annotations

import pandas as pd

from dangqun import metrics, regions

REGION, CENTER, OTHER = "region", "center", "other"
# what the download's 层级 column says of a tile (the codes above are for the page's clicks)
KIND_NAMES = {REGION: "地区", CENTER: "中心", OTHER: "其他"}
# levels a treemap tile may stand for: 市, 县, 乡镇 (a center hangs under its town, not its village)
TREE_LEVELS = (1, 2, 3)
TILE_COLUMNS = ["unit_code", "parent_code", "unit_name", "kind", "amount_wan"]
# children drawn under one treemap tile: the largest MAX_TILES_PER_PARENT - 1 and one 其他 tile
MAX_TILES_PER_PARENT = 30
OTHER_PREFIX = "其他:"


def whole_years(period) -> bool:
    """True when the period runs from 1 January to 31 December (of the same or a later year): only then
    is the 资金年度 amount the amount of the period itself."""
    return period is None or (period.start.month, period.start.day, period.end.month, period.end.day) == (1, 1, 12, 31)


def total_label(period) -> str:
    """The i18n key of the funds total card: 投入总额(万元) for whole years, else 资金年度投入(万元),
    since funds are counted by fiscal year and a quarter or a custom range shows its whole years' amount."""
    return "投入总额(万元)" if whole_years(period) else "资金年度投入(万元)"


def comparable(period, compare) -> bool:
    """Whether a funds total can be compared with the comparison period's: only when the two count
    different fiscal years (a quarter against the quarter before shares its year, and +0.0% would
    be no comparison at all)."""
    if period is None or compare is None:
        return False
    return (period.start.year, period.end.year) != (compare.start.year, compare.end.year)


def add_costs(df: pd.DataFrame) -> pd.DataFrame:
    """A funds_by_center / funds_by_unit frame with the 三率, 综合成绩, 每万元服务量 (per_wan) and
    单件成本(元/件) (unit_cost_yuan), both over the funds' part falling in the period (period_wan). Both
    are NaN where the unit has no funds in the period, 单件成本 also where it received nothing."""
    out = metrics.add_rates(df)
    out["per_wan"] = metrics.per_wan(out["received"], out["period_wan"])
    # 0 万元 over 40 cases is not a cost of 0.00 元 a case: without funds there is no cost to speak of
    funded = out["period_wan"].astype("float64") > 0
    out["unit_cost_yuan"] = metrics.unit_cost_yuan(out["period_wan"], out["received"]).where(funded)
    return out


def costs(received, period_wan) -> tuple[float | None, float | None]:
    """每万元服务量 and 单件成本 of a whole scope (the cards), None where add_costs leaves them NaN."""
    if not period_wan or pd.isna(period_wan) or period_wan <= 0:
        return None, None
    return metrics.per_wan(received, period_wan), metrics.unit_cost_yuan(period_wan, received)


# what a unit one level below the region is called in a note, by the region's level (0 province …
# 4 village); below a county the units are villages and the town's own centers, below a village centers
UNIT_WORDS = {0: "个市", 1: "个县（市、区）", 2: "个乡镇街道", 3: "个下级单位", 4: "个中心"}
NO_FUNDS, NO_CASES, NO_SURVEYS = "{n} {unit}没有本期资金", "{n} {unit}本期没有受理", "{n} {unit}没有有效回访"


def left_out(units: pd.DataFrame, value_col: str, level: int, t) -> str | None:
    """The note under a chart of `value_col` by unit (add_costs columns), naming how many units it
    leaves out for want of a value and why; None when it draws them all. `t` is i18n.t with the
    language bound (Frame.t)."""
    period_wan = units["period_wan"].astype("float64").fillna(0)
    missing = units[value_col].isna()
    if value_col == "composite_score":
        reasons = [(NO_SURVEYS, missing)]
    else:
        reasons = [(NO_FUNDS, missing & (period_wan <= 0)), (NO_CASES, missing & (period_wan > 0))]
    unit = t(UNIT_WORDS.get(level, "个下级单位"))
    items = [t(key, n=int(mask.sum()), unit=unit) for key, mask in reasons if mask.any()]
    if not items:
        return None
    # "另有" (besides those drawn) only when the chart draws some
    return t("{items}，不列出" if missing.all() else "另有 {items}，不列出", items=t("、").join(items))


def _ancestor(code: str, level: int) -> str:
    return code[: regions.LEVEL_DIGITS[level]].ljust(12, "0")


def tree(centers: pd.DataFrame, region: str, names, other: str = "其他") -> pd.DataFrame:
    """Tiles of the funds treemap under `region`: the region itself (the root) and at most two levels
    below it (province → 市 → 县, 市 → 县 → 乡镇, 县 → 乡镇 → 中心, 乡镇 → 中心). A funded center hangs under
    its town (or under its deepest region when that is above a town), so below a county the second
    level is the centers of each town, below a town or a village the only level is its centers.

    Each tile has at most MAX_TILES_PER_PARENT children: the largest ones and one tile named `other`
    (kind 'other', unit_code '其他:' + parent code) summing the rest, whose own children are not drawn.

    `centers` has center_id, center_name, region_code, funds_wan (funds_by_center); `names` maps a
    region code to its name (filters.RegionIndex.name) and is asked only for the tiles drawn. Returns
    unit_code (region code, center id or the 其他 code), parent_code ('' for the root), unit_name,
    kind (region/center/other) and amount_wan in 万元 with 2 decimals: each center counted to the cent
    and every tile exactly the sum of its children (Plotly's branchvalues='total'), the root the total
    of the funded centers. No rows when no center of the region has funds."""
    levels = [lvl for lvl in TREE_LEVELS if lvl > regions.level_of(region)][:2]
    # parent code → {child code: [name, kind, cents]}; whole cents, so every sum is exact
    children: dict[str, dict[str, list]] = {}
    total = 0
    for center_id, name, code, wan in zip(*(centers[c].tolist() for c in
                                            ("center_id", "center_name", "region_code", "funds_wan"))):
        cents = round(float(wan) * 100)
        if cents <= 0:
            continue
        total += cents
        # a level's ancestor exists when the code lies below the level above it (a county-level center
        # has no town)
        path = [region] + [_ancestor(code, lvl) for lvl in levels if code != _ancestor(code, lvl - 1)]
        if len(path) < 3:  # fewer than two levels of regions below the root: the center is drawn too
            path.append(center_id)
        for parent, child in zip(path, path[1:]):
            kind = CENTER if child == center_id else REGION
            tile = children.setdefault(parent, {}).setdefault(child, [name if kind == CENTER else None, kind, 0])
            tile[2] += cents
    if not total:
        return pd.DataFrame(columns=TILE_COLUMNS)

    rows = [(region, "", names(region), REGION, total)]

    def draw(parent: str) -> None:
        kids = sorted(children.get(parent, {}).items(), key=lambda kv: (-kv[1][2], kv[0]))
        shown, rest = (kids, []) if len(kids) <= MAX_TILES_PER_PARENT else \
            (kids[: MAX_TILES_PER_PARENT - 1], kids[MAX_TILES_PER_PARENT - 1:])
        for code, (name, kind, cents) in shown:
            rows.append((code, parent, names(code) if kind == REGION else name, kind, cents))
            if kind == REGION:
                draw(code)
        if rest:
            rows.append((OTHER_PREFIX + parent, parent, other, OTHER, sum(k[1][2] for k in rest)))

    draw(region)
    out = pd.DataFrame(rows, columns=["unit_code", "parent_code", "unit_name", "kind", "cents"])
    return out.assign(amount_wan=out["cents"] / 100)[TILE_COLUMNS]


def tile_action(code: str | None, tiles: pd.DataFrame, region: str):
    """What a click on a treemap tile does: ('drill', region code) for a region below the current
    one, ('records', center_id) for a center, None for the root (the current region), a 其他 tile (it
    stands for many units), a code not drawn or no click."""
    if not code or code == region:
        return None
    hit = tiles[tiles["unit_code"] == code]
    if hit.empty:
        return None
    kind = hit["kind"].iloc[0]
    return {CENTER: ("records", code), REGION: ("drill", code)}.get(kind)


def tiles_table(tiles: pd.DataFrame, t) -> pd.DataFrame:
    """The treemap's tiles as downloaded: 层级 in words (地区/中心/其他), not the codes the clicks use; `t` is
    i18n.t with the language bound (Frame.t)."""
    return tiles.assign(kind=tiles["kind"].map(lambda k: t(KIND_NAMES.get(k, k))))
