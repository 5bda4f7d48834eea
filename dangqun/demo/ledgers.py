"""Fund projects and activities of the demo centers."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dangqun import contract
from dangqun.demo import figures as F
from dangqun.demo.centers import COMMUNITY, POST, STATION, TOWN, VILLAGE

SOURCE_DEPTS = {
    "整合项目资金": ("发改局", "住建局", "民政局"),
    "财政专项": ("财政局",),
    "党费": ("组织部",),
    "帮扶单位": ("驻村帮扶工作队", "市直帮扶单位", "国网供电公司"),
    "村集体自筹": ("村集体",),
    "社会捐赠": ("爱心企业", "商会"),
}
SMALL_PURPOSES = ("设备购置", "宣传阵地", "运行经费", "活动经费")
SMALL_SOURCES = ("财政专项", "党费", "村集体自筹", "帮扶单位", "社会捐赠")
SMALL_SOURCES_P = (0.35, 0.3, 0.15, 0.12, 0.08)


def _cents(rng, low: float, high: float) -> int:
    return int(rng.integers(int(low * 100), int(high * 100) + 1))


def _disbursed(rng, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(20, 340)))


def _project(rows, center_id, year, source, purpose, cents, day, rng) -> None:
    rows.append(dict(center_id=center_id, fiscal_year=year, fund_source=source,
                     source_dept=str(rng.choice(SOURCE_DEPTS[source])), amount_cents=cents,
                     purpose=purpose, disbursed_on=day))


def build_funds(centers: pd.DataFrame, rng, years: int = F.DEFAULT_YEARS) -> pd.DataFrame:
    rows: list[dict] = []
    _dandong(rows, centers, rng)
    _elsewhere(rows, centers, rng)
    # after 2021–2022's draws, so those years' projects are the same whatever the number of years
    _earlier(rows, centers, rng, F.first_day(years).year)
    df = pd.DataFrame(rows).sort_values(["fiscal_year", "disbursed_on", "center_id"], kind="stable")
    df["project_id"] = [f"XM{y}{c[2:8]}{i:05d}" for i, (y, c) in enumerate(zip(df.fiscal_year, df.center_id), 1)]
    df["amount_wan"] = df.amount_cents / 100
    return df[[c.name for c in contract.FUNDS.columns]].reset_index(drop=True)


def _dandong(rows, centers, rng) -> None:
    """The 24 rebuilt village centers, then small projects until 丹东's total is reached exactly."""
    dd = centers[centers.county.str.startswith(F.DANDONG[:4])]
    built = dd[dd.build_type.isin(("新建", "改扩建")) & (dd.kind == VILLAGE)]
    spent = 0
    for c in built.itertuples():
        cents = _cents(rng, 80, 180) if c.build_type == "新建" else _cents(rng, 30, 70)
        day = max(c.opened_on - dt.timedelta(days=int(rng.integers(60, 200))), dt.date(2021, 1, 15))
        source = str(rng.choice(("整合项目资金", "财政专项", "党费"), p=(0.6, 0.3, 0.1)))
        _project(rows, c.center_id, day.year, source, c.build_type, cents, day, rng)
        spent += cents
    others = dd[dd.kind.isin((VILLAGE, COMMUNITY, TOWN))].center_id.to_numpy()
    left = int(round(F.DANDONG_FUNDS_WAN * 100)) - spent
    while left > 0:
        cents = _cents(rng, 5, 30)
        if left - cents < 500:      # the last project takes the rest, so it is never below 5 万
            cents = left
        year = int(rng.integers(2021, 2023))
        _project(rows, str(rng.choice(others)), year, str(rng.choice(SMALL_SOURCES, p=SMALL_SOURCES_P)),
                 str(rng.choice(SMALL_PURPOSES)), cents, _disbursed(rng, year), rng)
        left -= cents


def _elsewhere(rows, centers, rng) -> None:
    rest = centers[~centers.county.str.startswith(F.DANDONG[:4])]
    for c in rest.itertuples():
        for year in (2021, 2022):
            if c.center_name.endswith("古塔社区党群服务中心") and year == 2022:
                # 投入 2.2 万元制作 12 个宣传橱窗和 2 处固定标语
                _project(rows, c.center_id, year, "党费", "宣传阵地", int(F.GUTA_WINDOWS_WAN * 100),
                         dt.date(2022, 4, 18), rng)
                continue
            _running(rows, c, year, rng)


def _earlier(rows, centers, rng, first_year: int) -> None:
    """Years before 2021: every center open by the year's end, 丹东's too (its 2,500 万 are the campaign of
    2021–2022), gets the yearly projects of its kind."""
    for year in range(first_year, F.START.year):
        for c in centers.itertuples():
            if c.opened_on.year <= year:
                _running(rows, c, year, rng)


def _running(rows, c, year: int, rng) -> None:
    """A center's yearly running, activity or equipment project, by its kind."""
    if c.kind == STATION:
        _project(rows, c.center_id, year, "党费", "运行经费", _cents(rng, 0.3, 1.0),
                 _disbursed(rng, year), rng)
    elif c.kind == TOWN:
        _project(rows, c.center_id, year, "财政专项", "运行经费", _cents(rng, 10, 40),
                 _disbursed(rng, year), rng)
    elif c.kind == POST:
        if c.opened_on.year <= year:
            _project(rows, c.center_id, year, "党费", "活动经费", _cents(rng, 2, 6),
                     _disbursed(rng, year), rng)
    elif rng.random() < 0.5:
        purpose = str(rng.choice(("设备购置", "运行经费", "活动经费")))
        _project(rows, c.center_id, year, str(rng.choice(SMALL_SOURCES, p=SMALL_SOURCES_P)),
                 purpose, _cents(rng, 3, 20), _disbursed(rng, year), rng)


# --- activities ----------------------------------------------------------------------------------
TYPES = contract.ACTIVITY_TYPES   # 教育培训 文化宣传 文明实践 农业技术讲座 志愿服务 农产品评比 党员轮训 健康服务 矛盾调解
PER_YEAR = {
    VILLAGE:   (6, 5, 6, 5, 6, 1.5, 3, 3, 3),
    COMMUNITY: (5, 6, 6, 0.2, 12, 0, 3, 5, 4),
    TOWN:      (6, 4, 4, 2, 4, 0.5, 6, 2, 2),
    STATION:   (0, 0, 0, 0, 3, 0, 0, 0, 0.5),
    POST:      (4, 2, 0, 0, 3, 0, 0, 8, 0),
}
# month factors: farm talks in the greenhouse season, product contests after harvest
TYPE_SEASON = {3: (1.5, 1.8, 1.6, 1.2, 0.8, 0.5, 0.5, 0.5, 0.6, 0.9, 1.4, 1.6),
               5: (0.3, 0.3, 0.3, 0.3, 0.3, 0.5, 0.5, 1.0, 3.0, 3.5, 1.5, 0.5),
               6: (1.5, 1.0, 1.0, 1.0, 1.0, 2.0, 2.5, 1.0, 1.0, 1.0, 1.0, 1.0)}
VENUE_RURAL = {   # 室内 广场院落 田间地头 大棚车间
    0: (0.8, 0.1, 0.05, 0.05), 1: (0.5, 0.5, 0, 0), 2: (0.5, 0.5, 0, 0), 3: (0.3, 0, 0.35, 0.35),
    4: (0.3, 0.4, 0.3, 0), 5: (0.2, 0.6, 0, 0.2), 6: (0.9, 0.1, 0, 0), 7: (0.7, 0.3, 0, 0), 8: (0.7, 0.3, 0, 0),
}
PARTICIPANTS = (30, 60, 40, 35, 15, 80, 25, 40, 5)


def build_activities(centers: pd.DataFrame, rng, years: int = F.DEFAULT_YEARS) -> pd.DataFrame:
    df = _activities(centers, rng, F.START, F.END, 2)
    start = F.first_day(years)
    if start < F.START:
        # drawn after 2021–2022's, so those years' activities are the same whatever the number of years
        earlier = _activities(centers, rng, start, F.START - dt.timedelta(days=1), F.START.year - start.year,
                              open_share=True)
        df = pd.concat([earlier, df], ignore_index=True)
    df = df.sort_values(["activity_date", "center_id"], kind="stable").reset_index(drop=True)
    ym = df.activity_date.dt.strftime("%Y%m")
    df.insert(0, "activity_id", [f"HD{m}{i:06d}" for i, m in enumerate(ym, 1)])
    return df


def _activities(centers: pd.DataFrame, rng, start: dt.date, end: dt.date, years: int,
                open_share: bool = False) -> pd.DataFrame:
    """The activities of `years` years from `start` to `end`, none before a center opened. With `open_share`
    a center opening within the span has its count cut to the share of the span it was open (none if it
    opened after); without, it holds the span's count in its open months (2021–2022, as the demo always did)."""
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1, dtype="datetime64[D]")
    months = days.astype("datetime64[M]").astype(int) % 12
    opened = pd.to_datetime(centers.opened_on).to_numpy().astype("datetime64[D]")
    lam = np.array([PER_YEAR[k] for k in centers.kind], float) * years
    share = np.ones(len(centers))
    if open_share:
        share = np.clip((days[-1] + 1 - np.maximum(opened, days[0])).astype(int) / len(days), 0, 1)
        lam = lam * share[:, None]
    counts = rng.poisson(lam)
    guta = centers.center_name.str.endswith("古塔社区党群服务中心").to_numpy()
    # the report's 1,030 volunteer activities are 2021–2022's; earlier years at the same yearly rate
    counts[guta, TYPES.index("志愿服务")] = np.round(F.GUTA_VOLUNTEER_ACTIVITIES * years / 2 * share[guta])
    center = np.repeat(np.arange(len(centers)), counts.sum(axis=1))
    atype = np.concatenate([np.repeat(np.arange(len(TYPES)), row) for row in counts])
    first = np.clip((opened - days[0]).astype(int), 0, len(days) - 1)[center]

    day = np.empty(len(center), np.int64)
    for t in range(len(TYPES)):
        sel = atype == t
        w = np.asarray(TYPE_SEASON.get(t, (1,) * 12))[months]
        cdf = np.cumsum(w) / w.sum()
        lo = np.where(first[sel] > 0, cdf[first[sel] - 1], 0.0)
        u = lo + rng.random(int(sel.sum())) * (1 - lo)
        day[sel] = np.minimum(np.searchsorted(cdf, u), len(days) - 1)

    rural = centers.kind.to_numpy()[center] == VILLAGE
    p_venue = np.array([VENUE_RURAL[t] for t in atype])
    p_venue[~rural] = np.where(np.arange(4) == 0, 0.7, np.where(np.arange(4) == 1, 0.3, 0))
    venue = (rng.random(len(center))[:, None] * p_venue.sum(1)[:, None] >= np.cumsum(p_venue, 1)).sum(1)
    mean = np.asarray(PARTICIPANTS, float)[atype]
    participants = np.maximum(3, rng.lognormal(np.log(mean), 0.45)).astype(int)
    vol_high = np.where(atype == TYPES.index("志愿服务"), 25, np.where(atype == TYPES.index("文明实践"), 15, 5))
    volunteers = np.minimum(rng.integers(0, vol_high + 1), participants)
    volunteers = np.where(atype == TYPES.index("志愿服务"), np.maximum(volunteers, 3), volunteers)
    hours = volunteers * rng.integers(3, 9, len(center)) / 2

    df = pd.DataFrame({"center_id": centers.center_id.to_numpy()[center], "activity_date": days[day],
                       "activity_type": np.asarray(TYPES)[atype], "venue": np.asarray(contract.VENUES)[venue],
                       "participants": participants, "volunteers": volunteers, "volunteer_hours": hours})
    return df
