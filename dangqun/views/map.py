"""Plain logic of the 地图 page (README 地图与边界): the metrics a map can colour by, each unit's value and rank
from the same queries the rankings use (unit_scores, funds_by_unit: no metric is defined twice), the
centers' points, and what a click does."""
from __future__ import annotations

import pandas as pd

from dangqun import filters, metric_registry, metrics, regions
from dangqun.metric_registry import Metric


# the metrics a map can colour by: those the metric registry shows on the map, in its order
METRICS: dict[str, Metric] = {m.key: m for m in metric_registry.shown_in(metric_registry.MAP)}
DEFAULT_METRIC = "composite_score"
VALUE_COLUMNS = ["unit_code", "unit_name", "value", "rank", "units", "num", "den", "received"]


def offered(region: str) -> list[str]:
    """The metrics a map of `region` can colour by: 预警 only where the units are cities or counties (the
    alerts are of towns and their cases: below a county the map draws centers, which carry none)."""
    return [k for k, m in METRICS.items() if not (m.source == "alerts" and draws_points(region))]


def metric(key: str | None, region: str | None = None) -> Metric:
    """The chosen metric; the default for anything else (a forged widget value, or one not offered for
    `region`)."""
    if region is not None and key not in offered(region):
        return METRICS[DEFAULT_METRIC]
    return METRICS.get(key or "", METRICS[DEFAULT_METRIC])


def alert_counts(codes, found: pd.DataFrame) -> list[int]:
    """How many of the alerts `found` (alerts.listing) fall in each unit of `codes`: those whose unit
    (a town, or a center's code) lies under it."""
    units = found["unit_code"].astype(str) if len(found) else pd.Series([], dtype="str")
    return [int(units.str.startswith(regions.prefix(code)).sum()) for code in codes]


def with_metrics(scores: pd.DataFrame, funds: pd.DataFrame | None = None,
                 found: pd.DataFrame | None = None) -> pd.DataFrame:
    """unit_scores rows (or funds_by_unit rows when a funds metric is shown: they hold the same counts
    and the funds; the counts they lack are taken from unit_scores) with every metric of METRICS: the 三率,
    综合成绩 and the other rates (metrics.add_values), 办结率,
    按期办结率, from funds_by_unit 投入 (funds_wan) and 每万元服务量 (per_wan), and from the alerts
    `found` (alerts.listing) 预警 (alerts)."""
    df = funds if funds is not None else scores
    out = df.copy()
    for column in scores.select_dtypes("number").columns.difference(out.columns):   # funds_by_unit lacks some counts
        by_unit = scores.set_index("unit_code")[column]
        out[column] = out["unit_code"].map(by_unit).fillna(0).astype("int64")
    out = metrics.add_values(out)
    if "period_wan" in out:
        out["per_wan"] = metrics.per_wan(out["received"], out["period_wan"])
    if found is not None:
        out["alerts"] = pd.Series(alert_counts(out["unit_code"], found), index=out.index, dtype="int64")
    return out


def values(units: pd.DataFrame, m: Metric) -> pd.DataFrame:
    """Each unit's value of metric `m` and its rank among the units (1 = highest; units without a value,
    such as a 满意率 without 有效回访, have none): unit_code, unit_name, value, rank, units (how many
    ranked), num and den (a rate's parts, else NaN) and received."""
    value = units[m.key].astype("float64")
    rank = metrics.rank_desc(value)
    return pd.DataFrame({
        "unit_code": units["unit_code"], "unit_name": units["unit_name"], "value": value, "rank": rank,
        "units": int(value.notna().sum()),
        "num": units[m.num].astype("float64") if m.rate else float("nan"),
        "den": units[m.den].astype("float64") if m.rate else float("nan"),
        "received": units["received"].astype("int64"),
    })[VALUE_COLUMNS].reset_index(drop=True)


def gather(query, params: dict, region: str, m: Metric, found: pd.DataFrame | None = None):
    """What a map of `region` coloured by `m` draws, asked through `query` (ui.query): (units, centers,
    unplaced) — the child units' values(); below a county also the centers with a position and their
    values (points) and those without one, else None for both. `found`: the alerts of the 预警 metric
    (alerts.listing of the 预警 page's month, views.alerts.period_for), needed only for it."""
    child_digits = filters.child_digits(region)

    def units_at(digits):
        scores = query("unit_scores", dict(params, child_digits=digits))
        funds = query("funds_by_unit", dict(params, child_digits=digits)) if m.source == "funds" else None
        return values(with_metrics(scores, funds, found), m)

    units = units_at(child_digits)
    if not draws_points(region):
        return units, None, None
    per_center = units if child_digits == 0 else units_at(0)   # below a village the units are its centers
    centers, unplaced = points(query("center_positions", {"region": params["region"]}), per_center)
    return units, centers, unplaced


def draws_points(region: str) -> bool:
    """A map of a county or anything below shows the centers as points (towns have no shipped shapes;
    below a town the units are villages and centers)."""
    return regions.level_of(region) >= 2


def points(centers: pd.DataFrame, center_values: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(centers with a position and their value of the metric, centers without a position). `centers` is
    center_positions', `center_values` the values() of unit_scores at child_digits 0 (per center)."""
    by_id = center_values.set_index("unit_code")
    out = centers.assign(value=centers["center_id"].map(by_id["value"]),
                         rank=centers["center_id"].map(by_id["rank"]).astype("Int64"),
                         num=centers["center_id"].map(by_id["num"]), den=centers["center_id"].map(by_id["den"]),
                         received=centers["center_id"].map(by_id["received"]).fillna(0).astype("int64"),
                         units=int(center_values["value"].notna().sum()))
    placed = out["longitude"].notna() & out["latitude"].notna()
    return out[placed].reset_index(drop=True), out[~placed].reset_index(drop=True)


def click_action(code: str | None, units: pd.DataFrame, child_digits: int, centers=(), index=None):
    """What a click on the map does, as filters.click_action (the ranking bars' rule): a unit with data
    drills into it (('drill', code); below a village the units are centers: ('records', id)), a center's
    point opens its records; a unit without data, a name outside the sidebar's regions or no click: None."""
    if not code:
        return None
    if code in set(centers):
        return "records", code
    if code not in set(units["unit_code"]) or (child_digits and index is not None and code not in index.names):
        return None
    return filters.click_action(code, child_digits)


def table(vals: pd.DataFrame, m: Metric) -> pd.DataFrame:
    """The units as the map colours them, best first: the download and the table under the map; a rate
    keeps its numerator and denominator, the value's column is named for the metric."""
    out = vals.sort_values(["rank", "unit_code"], na_position="last")
    cols = {"unit_code": "unit_code", "unit_name": "unit_name", "value": m.key, "rank": "rank"}
    if m.rate:
        cols.update(num=m.num, den=m.den)
    if m.key != "received":
        cols["received"] = "received"
    return out[list(cols)].rename(columns=cols).reset_index(drop=True)


def center_table(centers: pd.DataFrame, m: Metric) -> pd.DataFrame:
    """The centers drawn as points, best first, with their position: the download of the points map."""
    out = centers.sort_values(["rank", "center_id"], na_position="last")
    cols = {"center_id": "center_id", "center_name": "center_name", "center_type": "center_type",
            "value": m.key, "rank": "rank"}
    if m.rate:
        cols.update(num=m.num, den=m.den)
    if m.key != "received":
        cols["received"] = "received"
    cols.update(longitude="longitude", latitude="latitude")
    return out[list(cols)].rename(columns=cols).reset_index(drop=True)
