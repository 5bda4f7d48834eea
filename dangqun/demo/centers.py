"""Service centers and stations of the six demo counties, with the internal columns the record
generator needs (kind, weight, fallback center, …)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dangqun.demo import figures as F
from dangqun.demo import names as N
from dangqun.demo.regions import Region

# kinds, in the order the record generator indexes its tables by
VILLAGE, COMMUNITY, TOWN, STATION, POST = range(5)
KIND_TYPES = ("村级党群服务中心", "社区党群服务中心", "乡镇街道党群服务中心", "家庭代办站", "新就业群体驿站")
# share of a county's walk-in records a center of each kind draws, relative to a village
KIND_WEIGHTS = (1.0, 2.5, 5.0, 0.0, 0.0)

CENTER_COLUMNS = ("center_id", "center_name", "region_code", "center_type", "parent_center_id",
                  "build_type", "floor_area_m2", "opened_on", "brand_name", "brand_category",
                  "functional_branches", "volunteer_teams", "staff_count", "has_ab_post", "longitude", "latitude")

OLD_BUILD = ("原有", "回收集体房屋", "租用", "共建共享")
OLD_BUILD_P = (0.55, 0.2, 0.1, 0.15)


def _day(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _row(center_id, name, region, kind, county, **kw) -> dict:
    row = dict.fromkeys(CENTER_COLUMNS)
    row.update(center_id=center_id, center_name=name, region_code=region, center_type=KIND_TYPES[kind],
               kind=kind, county=county, weight=KIND_WEIGHTS[kind])
    row.update(kw)
    return row


def _common(rng, kind: int, county: str, built: str | None = None) -> dict:
    """Ledger fields that only need to look plausible."""
    build = built or str(rng.choice(OLD_BUILD, p=OLD_BUILD_P))
    area_range = {VILLAGE: (150, 600), COMMUNITY: (300, 1500), TOWN: (500, 3000),
                  STATION: (20, 60), POST: (40, 150)}[kind]
    area = float(rng.integers(*area_range))
    if build in ("新建", "改扩建"):
        area = round(area * 1.4)
    staff = {VILLAGE: (2, 6), COMMUNITY: (4, 11), TOWN: (6, 16), STATION: (1, 3), POST: (2, 5)}[kind]
    ab_p = {VILLAGE: 0.1, COMMUNITY: 0.3, TOWN: 0.5, STATION: 0.0, POST: 0.2}[kind]
    return dict(
        build_type=build, floor_area_m2=area,
        opened_on=_day(rng, dt.date(2008, 1, 1), dt.date(2020, 10, 31)),
        functional_branches=int(rng.integers(0, 4)) if kind in (VILLAGE, COMMUNITY) else None,
        volunteer_teams=int(rng.integers(1, 6)) if kind in (VILLAGE, COMMUNITY, TOWN) else None,
        staff_count=int(rng.integers(*staff)),
        # 西岗 runs 24-hour AB posts everywhere (the report)
        has_ab_post=True if county == F.XIGANG else bool(rng.random() < ab_p),
    )


def _dandong_built(villages: list[Region], rng) -> dict[str, str]:
    """village code → 新建/改扩建 for the 24 rebuilt 丹东 village centers; 卧龙村 is one (刚落成)."""
    codes = [v.code for v in villages if v.name != "卧龙村"]
    picks = ["210681107201"] + list(rng.choice(codes, size=F.DANDONG_BUILT - 1, replace=False))
    kinds = ["新建"] * F.DANDONG_NEW + ["改扩建"] * (F.DANDONG_BUILT - F.DANDONG_NEW)
    return dict(zip(picks, kinds))


def _dandong_village_centers(villages: list[Region], rng) -> list[Region]:
    chosen = []
    for county, n in F.DANDONG_VILLAGE_CENTERS_BY_COUNTY.items():
        pool = [v for v in villages if v.code.startswith(county) and v.kind == "村"]
        real = [v for v in pool if v.name in ("卧龙村", "大顶子村")]
        rest = [v for v in pool if v not in real]
        picks = rng.choice(len(rest), size=n - len(real), replace=False)
        chosen += real + [rest[i] for i in sorted(picks)]
    return chosen


def build_centers(regions: list[Region], rng) -> pd.DataFrame:
    by_code = {r.code: r for r in regions}
    demo_prefixes = tuple(F.DEMO_COUNTIES)
    towns = [r for r in regions if r.level == "乡镇街道" and r.code.startswith(demo_prefixes)]
    villages = [r for r in regions if r.level == "村社区"]
    rows = []
    for t in towns:
        county = t.code[:6]
        rows.append(_row("ZX" + t.code, f"{t.name}党群服务中心", t.code, TOWN, county,
                         **_common(rng, TOWN, county)))

    dandong = _dandong_village_centers([v for v in villages if v.code.startswith(F.DANDONG[:4])], rng)
    built = _dandong_built(dandong, rng)
    with_center = {v.code for v in dandong} | {
        v.code for v in villages if not v.code.startswith(F.DANDONG[:4]) or v.kind == "社区"}
    for v in villages:
        if v.code not in with_center:
            continue
        county, town = v.code[:6], by_code[v.parent]
        kind = COMMUNITY if v.kind == "社区" else VILLAGE
        if v.code in built:
            extra = _common(rng, kind, county, built[v.code])
            # rebuilt during the report's campaign, so records before opening go to the town
            extra["opened_on"] = _day(rng, dt.date(2021, 3, 1), dt.date(2022, 9, 30))
        elif county.startswith(F.DANDONG[:4]):
            extra = _common(rng, kind, county, str(rng.choice(OLD_BUILD, p=OLD_BUILD_P)))
        else:
            extra = _common(rng, kind, county, str(rng.choice(OLD_BUILD + ("新建", "改扩建"),
                                                               p=(0.45, 0.15, 0.1, 0.1, 0.08, 0.12))))
        name = f"{town.name}{v.name}党群服务中心"
        rows.append(_row("ZX" + v.code, name, v.code, kind, county, **extra))

    df = pd.DataFrame(rows)
    _brand_kazuo(df, rng)
    _brand_others(df)
    df = pd.concat([df, _stations(df, by_code, rng), _posts(by_code, rng)], ignore_index=True)
    return df


def _brand_kazuo(df: pd.DataFrame, rng) -> None:
    kazuo = df[(df.county == F.KAZUO) & (df.kind == COMMUNITY)]
    real = {name: (brand, cat) for name, _, brand, cat in N.KAZUO_BRANDS}
    invented = list(N.KAZUO_INVENTED_BRANDS)
    for i, row in kazuo.iterrows():
        short = row.center_name.split("街道")[-1].replace("党群服务中心", "")
        brand, cat = real[short] if short in real else invented.pop(0)
        df.loc[i, ["brand_name", "brand_category"]] = brand, cat
        df.loc[i, "weight"] = 5.0    # the county seat's brand communities are busy
        if short == "新华社区":
            df.loc[i, "functional_branches"] = F.XINHUA_BRANCHES
        if short == "古塔社区":
            df.loc[i, "volunteer_teams"] = F.GUTA_TEAMS
        if short == "双桥社区":
            df.loc[i, "volunteer_teams"] = 7        # 七彩志愿服务队伍
        if short == "敖木伦社区":
            df.loc[i, "volunteer_teams"] = 2        # 暖心志愿者服务队、民事纠纷调解队


def _brand_others(df: pd.DataFrame) -> None:
    marks = {"ZX210681107201": ("党群服务综合体", "阵地建设型"),
             "ZX210203011001": ("24小时暖心AB岗", "民生服务型")}
    for cid, (brand, cat) in marks.items():
        df.loc[df.center_id == cid, ["brand_name", "brand_category"]] = brand, cat


def _stations(df: pd.DataFrame, by_code: dict[str, Region], rng) -> pd.DataFrame:
    """望花's 172 刘全国式党员家庭代办站: two or three per community of six streets."""
    comms = df[(df.county == F.WANGHUA) & (df.kind == COMMUNITY)]
    streets = sorted({c[:9] for c in comms.region_code})[:F.WANGHUA_STATION_STREETS]
    comms = comms[comms.region_code.str[:9].isin(streets)]
    assert len(comms) == F.WANGHUA_STATION_COMMUNITIES
    per = np.full(len(comms), F.WANGHUA_STATIONS // len(comms))
    per[rng.choice(len(comms), F.WANGHUA_STATIONS - per.sum(), replace=False)] += 1
    rows = []
    for (_, c), k in zip(comms.iterrows(), per):
        region = by_code[c.region_code]
        town = by_code[region.parent]
        for j in range(1, k + 1):
            extra = _common(rng, STATION, F.WANGHUA, "共建共享")
            extra["opened_on"] = _day(rng, dt.date(2021, 3, 1), dt.date(2021, 9, 30))
            rows.append(_row(f"DB{c.region_code}{j:02d}", f"{town.name}{region.name}刘全国式党员家庭代办站（{j}号）",
                             c.region_code, STATION, F.WANGHUA, parent_center_id=c.center_id, **extra))
    return pd.DataFrame(rows)


def _posts(by_code: dict[str, Region], rng) -> pd.DataFrame:
    """新就业群体驿站: 开原's 小哥医院 (the report) and a few ordinary ones."""
    posts = [
        (F.XIAOGE_TOWN, '开原市"小哥医院"新就业群体驿站', F.XIAOGE_OPENED, 10.0),
        ("210203001000", None, dt.date(2021, 6, 18), 1.0),
        ("210203011000", None, dt.date(2021, 9, 1), 1.0),
        ("210681001000", None, dt.date(2022, 4, 20), 1.0),
        ("210404002000", None, dt.date(2021, 11, 8), 1.0),
    ]
    rows = []
    for i, (town, name, opened, weight) in enumerate(posts, 1):
        county = town[:6]
        extra = _common(rng, POST, county, "共建共享")
        extra.update(opened_on=opened, weight=weight)
        name = name or f"{by_code[town].name}快递外卖小哥爱心驿站"
        rows.append(_row(f"YZ{town}{i:02d}", name, town, POST, county, **extra))
    return pd.DataFrame(rows)


def backdate_towns(df: pd.DataFrame, start: dt.date, rng) -> pd.DataFrame:
    """For a demo starting before 2021: every town center opened before `start` (a copy). The records of a
    village or community center not yet open go to its town's center (dangqun.demo.records), which therefore
    must be open itself; a town center drawn as opened later is given a day between 2008 and `start`. Drawn
    from a generator of its own, and only for such demos: the two-year demo's centers stay as they were."""
    out = df.copy()
    late = (out.kind == TOWN) & (out.opened_on >= start)
    out.loc[late, "opened_on"] = [_day(rng, dt.date(2008, 1, 1), start - dt.timedelta(days=1))
                                  for _ in range(int(late.sum()))]
    return out


def place_centers(df: pd.DataFrame, rng) -> pd.DataFrame:
    """经度/纬度 for every center, inside its county's shipped boundary (dangqun.boundaries): each town gets
    a point of the county, its town center sits there and its village and community centers around it
    (spread by the county's size), a proxy station beside its community's center. Drawn from a generator of
    its own, so the positions change no other number of the demo. Returns a copy with the two columns."""
    import shapely

    from dangqun import boundaries

    out = df.copy()
    lon = np.full(len(df), np.nan)
    lat = np.full(len(df), np.nan)
    at: dict[str, tuple[float, float]] = {}      # center id → its position (for the stations' parents)
    anchors: dict[str, tuple[float, float]] = {}  # town code → its point
    for i, (cid, code, parent) in enumerate(zip(df.center_id, df.region_code, df.parent_center_id)):
        polygon = boundaries.package_shape(code[:6] + "000000")
        x0, y0, x1, y1 = polygon.bounds
        spread = 0.12 * float(np.sqrt(polygon.area))

        def inside(cx: float, cy: float, sd: float) -> tuple[float, float]:
            for _ in range(200):
                x, y = (cx + rng.normal(0, sd), cy + rng.normal(0, sd)) if sd else \
                    (rng.uniform(x0, x1), rng.uniform(y0, y1))
                if shapely.contains_xy(polygon, x, y):
                    return x, y
            return cx, cy

        town = code[:9]
        if town not in anchors:
            anchors[town] = inside(0.0, 0.0, 0.0)
        if isinstance(parent, str) and parent in at:
            x, y = inside(*at[parent], 0.004)
        elif code[9:] == "000":
            x, y = anchors[town] if cid.startswith("ZX") else inside(*anchors[town], 0.004)
        else:
            x, y = inside(*anchors[town], spread)
        at[cid] = (x, y)
        lon[i], lat[i] = round(x, 6), round(y, 6)
    out["longitude"], out["latitude"] = lon, lat
    return out
