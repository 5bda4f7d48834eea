"""The funds treemap (dangqun.views.funds.tree, charts.funds.treemap, views.funds.tile_action) at the size
of a province: two levels at a time, at most 30 tiles under a tile, sums exact to the cent (README 性能:
no figure over 200 KB, never more points than a person can see)."""
import numpy as np
import pandas as pd
import pytest

from dangqun.views import funds
from dangqun.charts import funds as charts

PROVINCE = "210000000000"
LIMIT = funds.MAX_TILES_PER_PARENT


def synthetic_province(n=16_000, seed=20240601):
    """~16,000 funded centers in villages of 14 cities × 7 counties × 12 towns, funds 1.00–5,000.00 万元."""
    rng = np.random.default_rng(seed)
    towns = [f"21{c:02d}{k:02d}{t:03d}" for c in range(1, 15) for k in range(1, 8) for t in range(101, 113)]
    codes = [towns[t] + f"{v:03d}" for t, v in zip(rng.integers(0, len(towns), n), rng.integers(201, 230, n))]
    return pd.DataFrame({"center_id": [f"ZX{i:05d}" for i in range(n)],
                         "center_name": [f"第{i}号党群服务中心" for i in range(n)],
                         "region_code": codes, "funds_wan": rng.integers(100, 500_000, n) / 100})


def name_of(code):
    return "地区" + code


def cents(x):
    return int(round(float(x) * 100))


def under(centers, region):
    return centers[centers.region_code.str.startswith(region.rstrip("0"))]


def children(tiles):
    return {parent: group for parent, group in tiles[tiles.parent_code != ""].groupby("parent_code")}


def assert_exact_and_capped(tiles, centers, region):
    """Root first and equal to the funded centers' total; every tile with children equals their sum
    to the cent (and Plotly's own check, parent ≥ children's sum, holds on the floats); ≤ 30 children."""
    assert tiles.columns.tolist() == funds.TILE_COLUMNS
    assert tiles.unit_code.is_unique
    assert tiles.iloc[0].unit_code == region and tiles.iloc[0].parent_code == ""
    funded = centers[centers.funds_wan > 0]
    assert cents(tiles.iloc[0].amount_wan) == sum(cents(f) for f in funded.funds_wan)
    amount = tiles.set_index("unit_code").amount_wan
    for parent, group in children(tiles).items():
        assert len(group) <= LIMIT, parent
        assert cents(amount[parent]) == sum(cents(a) for a in group.amount_wan), parent
        assert amount[parent] >= group.amount_wan.round(2).sum() * (1 - 1e-6), parent
    assert (tiles.amount_wan == tiles.amount_wan.round(2)).all()


# ── a province ──────────────────────────────────────────────────────────────────────────────

def test_a_province_shows_cities_and_counties_only_and_its_figure_stays_small():
    centers = synthetic_province()
    tiles = funds.tree(centers, PROVINCE, name_of)
    cities = {c[:4] + "0" * 8 for c in centers.region_code}
    counties = {c[:6] + "0" * 6 for c in centers.region_code}
    assert len(cities) == 14 and len(counties) == 98
    assert set(tiles.unit_code) == {PROVINCE} | cities | counties        # no town, no center tile
    assert set(tiles.kind) == {funds.REGION}
    parents = tiles.set_index("unit_code").parent_code
    assert all(parents[c] == PROVINCE for c in cities)
    assert all(parents[c] == c[:4] + "0" * 8 for c in counties)
    assert_exact_and_capped(tiles, centers, PROVINCE)
    # each county is the direct sum of its centers, to the cent
    direct = centers.assign(county=centers.region_code.str[:6] + "000000",
                            cents=[cents(f) for f in centers.funds_wan]).groupby("county").cents.sum()
    drawn = tiles.set_index("unit_code").amount_wan
    assert all(cents(drawn[county]) == total for county, total in direct.items())
    assert tiles.set_index("unit_code").unit_name[PROVINCE] == name_of(PROVINCE)
    # measured: 10,884 bytes for 113 tiles (the former tree drew all 17,289 tiles: 1,765,346 bytes)
    assert len(charts.treemap(tiles).to_json().encode()) < 200_000


@pytest.mark.parametrize("region", ["210100000000", "210307000000", "210704106000", "210704106215"])
def test_every_level_of_the_province_is_exact_capped_and_small(region):
    centers = under(synthetic_province(), region)
    tiles = funds.tree(centers, region, name_of)
    assert_exact_and_capped(tiles, centers, region)
    assert len(charts.treemap(tiles).to_json().encode()) < 200_000       # measured 1.5–19 KB


# ── a county, a town, a village ─────────────────────────────────────────────────────────────

COUNTY, BIG_TOWN, SMALL_TOWN = "210681000000", "210681107000", "210681108000"


def county_centers():
    """BIG_TOWN: 40 funded centers with distinct amounts (and one without funds), SMALL_TOWN: 3 centers,
    and one county-level center (its region code is the county itself)."""
    amounts = np.random.default_rng(5).permutation(np.arange(1, 41)) * 1.37 + 0.01
    rows = [(f"A{i:02d}", f"{BIG_TOWN[:9]}{201 + i % 9:03d}", round(a, 2)) for i, a in enumerate(amounts)]
    rows += [("A99", BIG_TOWN[:9] + "201", 0.0)]
    rows += [("B1", SMALL_TOWN, 3.33), ("B2", SMALL_TOWN[:9] + "201", 0.1), ("B3", SMALL_TOWN[:9] + "202", 0.2)]
    rows += [("C1", COUNTY, 7.77)]
    return pd.DataFrame({"center_id": [r[0] for r in rows], "center_name": [r[0] + "中心" for r in rows],
                         "region_code": [r[1] for r in rows], "funds_wan": [r[2] for r in rows]})


def test_a_county_shows_towns_then_centers_and_a_big_town_gets_29_centers_and_other():
    centers = county_centers()
    tiles = funds.tree(centers, COUNTY, name_of)
    assert_exact_and_capped(tiles, centers, COUNTY)
    below = children(tiles)
    # the county-level center hangs under the county itself, counted once
    assert set(below[COUNTY].unit_code) == {BIG_TOWN, SMALL_TOWN, "C1"}
    assert below[COUNTY].set_index("unit_code").kind.to_dict() == {BIG_TOWN: "region", SMALL_TOWN: "region",
                                                                   "C1": "center"}
    assert set(below[SMALL_TOWN].unit_code) == {"B1", "B2", "B3"}
    big = below[BIG_TOWN]
    funded = centers[centers.center_id.str.startswith("A") & (centers.funds_wan > 0)]
    largest = funded.nlargest(29, "funds_wan")
    smallest = funded.nsmallest(11, "funds_wan")
    assert len(big) == 30 and set(big[big.kind == "center"].unit_code) == set(largest.center_id)
    other = big[big.kind == funds.OTHER].iloc[0]
    assert other.unit_code == "其他:" + BIG_TOWN and other.unit_name == "其他"
    assert cents(other.amount_wan) == sum(cents(a) for a in smallest.funds_wan)
    assert not set(smallest.center_id) & set(tiles.unit_code)
    assert big.kind.tolist()[-1] == funds.OTHER                          # largest first, 其他 last
    assert funds.tree(centers, COUNTY, name_of, other="Other").set_index("unit_code").unit_name[
        "其他:" + BIG_TOWN] == "Other"


def test_a_county_with_more_than_30_towns_folds_the_smallest_towns_into_other():
    towns = [f"210681{t:03d}000" for t in range(101, 136)]                 # 35 towns, town i holds i+1 万元
    centers = pd.DataFrame({"center_id": [f"Z{i}" for i in range(35)], "center_name": "中心",
                            "region_code": [t[:9] + "201" for t in towns], "funds_wan": np.arange(1, 36) + 0.25})
    tiles = funds.tree(centers, COUNTY, name_of)
    assert_exact_and_capped(tiles, centers, COUNTY)
    top = children(tiles)[COUNTY].set_index("unit_code")
    assert len(top) == 30 and set(top.index) == set(towns[6:]) | {"其他:" + COUNTY}
    assert cents(top.amount_wan["其他:" + COUNTY]) == sum(cents(a) for a in np.arange(1, 7) + 0.25)
    assert not {"Z0", "Z5", "其他:" + towns[0]} & set(tiles.unit_code)     # nothing drawn under 其他
    assert set(tiles[tiles.parent_code.isin(towns[6:])].unit_code) == {f"Z{i}" for i in range(6, 35)}


@pytest.mark.parametrize("region, ids", [
    (BIG_TOWN, {f"A{i:02d}" for i in range(40)}),
    (SMALL_TOWN, {"B1", "B2", "B3"}),
    (BIG_TOWN[:9] + "203", {f"A{i:02d}" for i in range(40) if i % 9 == 2}),
])
def test_a_town_or_village_shows_its_centers_only(region, ids):
    centers = under(county_centers(), region)
    tiles = funds.tree(centers, region, name_of)
    assert_exact_and_capped(tiles, centers, region)
    assert set(tiles.parent_code) == {"", region}                        # one level below the root
    drawn = set(tiles.unit_code) - {region}
    if len(ids) <= LIMIT:
        assert drawn == ids and set(tiles.kind[1:]) == {funds.CENTER}
    else:
        assert len(drawn) == LIMIT and "其他:" + region in drawn and drawn - {"其他:" + region} < ids


def test_no_funded_center_no_tiles():
    centers = county_centers()
    assert funds.tree(centers[centers.center_id == "A99"], BIG_TOWN, name_of).empty
    assert funds.tree(centers.iloc[:0], COUNTY, name_of).columns.tolist() == funds.TILE_COLUMNS


# ── clicks and the figure ───────────────────────────────────────────────────────────────────

COUNTY_TILES = funds.tree(county_centers(), COUNTY, name_of)
SMALLEST = county_centers().query("center_id.str.startswith('A') and funds_wan > 0").nsmallest(1, "funds_wan")


@pytest.mark.parametrize("code, action", [
    (BIG_TOWN, ("drill", BIG_TOWN)),
    (SMALL_TOWN, ("drill", SMALL_TOWN)),
    ("B1", ("records", "B1")),
    ("C1", ("records", "C1")),
    ("其他:" + BIG_TOWN, None),                                           # stands for 11 centers: no click
    (SMALLEST.center_id.iloc[0], None),                                  # folded into 其他, not drawn
    (COUNTY, None),                                                      # the root
    ("999", None),
    ("", None),
    (None, None),
])
def test_tile_action(code, action):
    assert funds.tile_action(code, COUNTY_TILES, COUNTY) == action


@pytest.mark.parametrize("lang, other", [("zh", "其他"), ("en", "Other")])
def test_treemap_draws_every_tile_with_its_amount_and_code(lang, other):
    fig = charts.treemap(COUNTY_TILES, lang)
    trace = fig.data[0]
    assert list(trace.ids) == COUNTY_TILES.unit_code.tolist()
    assert [c[0] for c in trace.customdata] == COUNTY_TILES.unit_code.tolist()
    assert list(trace.values) == COUNTY_TILES.amount_wan.round(2).tolist()
    assert trace.branchvalues == "total" and trace.maxdepth == 3
    labels = dict(zip(trace.ids, trace.labels))
    assert labels["其他:" + BIG_TOWN] == other and labels["B1"] == "B1中心"
    assert "%{value:,.2f}" in trace.hovertemplate                        # the 其他 tile's amount on hover
