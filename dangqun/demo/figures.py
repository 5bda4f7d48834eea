"""The source report's figures the demo reproduces, and the demo's size.

Code and tests share these as intent; the tests recompute every figure from the database with SQL.
"""
from __future__ import annotations

import datetime as dt

START = dt.date(2021, 1, 1)
END = dt.date(2022, 12, 31)
# The demo may span more years, all ending with END's: the figures stay those of START's and END's years,
# the years before get ordinary records and ledgers (the page bench's five-year province).
DEFAULT_YEARS = 2
# the demo's centers opened from 2008 on, so a longer span would start with most of them not yet open
MAX_YEARS = 10
# Export snapshot: anything later than this has not happened yet (open cases at year end).
SNAPSHOT = dt.datetime(2023, 1, 1)
DEFAULT_SEED = 20221231

PROVINCE = "210000000000"
DANDONG = "210600"
DONGGANG, FENGCHENG = "210681", "210682"
KAZUO = "211324"
WANGHUA = "210404"
XIGANG = "210203"
KAIYUAN = "211282"
DEMO_COUNTIES = (DONGGANG, FENGCHENG, KAZUO, WANGHUA, XIGANG, KAIYUAN)

# 丹东: 77 村级党群服务中心, 24 新建/改扩建, 2,500 余万元
DANDONG_VILLAGE_CENTERS_BY_COUNTY = {DONGGANG: 52, FENGCHENG: 25}
DANDONG_BUILT = 24
DANDONG_NEW = 6                       # of the 24, the rest 改扩建
DANDONG_FUNDS_WAN = 2510.00

# 东港: 206 个村级党组织; 年均办理办结 3.7 万余件
DONGGANG_VILLAGE_ORGS = 206
DONGGANG_RECEIVED_2022 = 37_800

# 喀左: 14 个社区, 品牌矩阵
XINHUA_BRANCHES = 5
GUTA_TEAMS = 8
GUTA_VOLUNTEER_ACTIVITIES = 1_030
GUTA_WINDOWS_WAN = 2.20
AOMULUN_HARDSHIPS = 140               # closed records of 大类 05
AOMULUN_DISPUTES = 160                # closed records of item 1101

# 望花: 172 家庭代办站 covering 6 街道 / 70 社区; 1,872 disputes; 十余万件 proxy items
WANGHUA_STATIONS = 172
WANGHUA_STATION_STREETS = 6
WANGHUA_STATION_COMMUNITIES = 70
WANGHUA_DISPUTES = 1_900
WANGHUA_PROXY_RATE = 0.93

# 西岗: 2,000 份健康服务包; 八一路街道 60 岁以上老人上门体检
XIGANG_HEALTH_PACKS = 2_000
XIGANG_HOME_CHECKS = 360
BAYILU = "210203010000"

# 开原: "小哥医院" with 20 项服务措施
XIAOGE_ITEMS = ("0301", "0302", "0303", "0304", "0307", "0205", "0208", "0401", "0404", "0408",
                "0603", "0604", "0606", "0609", "0610", "1102", "1108", "1206", "1207", "1209")
XIAOGE_TOWN = "211282001000"          # 新城街道, in the county seat
XIAOGE_OPENED = dt.date(2022, 1, 13)

# Records received per year (2021, 2022) by county at the default size: ~316k in all.
RECORDS_PER_YEAR = {
    DONGGANG: (36_200, DONGGANG_RECEIVED_2022),
    FENGCHENG: (17_000, 18_500),
    KAZUO: (16_500, 18_000),
    WANGHUA: (53_000, 57_000),
    XIGANG: (15_500, 16_500),
    KAIYUAN: (14_500, 15_500),
}
DEFAULT_RECORDS = sum(sum(v) for v in RECORDS_PER_YEAR.values())
# Years before 2021 (a demo of more than two years): each county's 2021 count, this much smaller for every
# year further back, as use of the centers grew (2021 → 2022 above grows by a few per cent too)
EARLIER_YEAR_FACTOR = 0.95


def first_day(years: int) -> dt.date:
    """1 January of the first of `years` calendar years ending with END's."""
    if not DEFAULT_YEARS <= years <= MAX_YEARS:
        raise ValueError(f"years must be {DEFAULT_YEARS}–{MAX_YEARS}, not {years}")
    return dt.date(END.year - years + 1, 1, 1)


def records_per_year(county: str, year: int) -> float:
    """The county's records of `year` at the default size (RECORDS_PER_YEAR, extended backwards)."""
    if year >= START.year:
        return RECORDS_PER_YEAR[county][year - START.year]
    return RECORDS_PER_YEAR[county][0] * EARLIER_YEAR_FACTOR ** (START.year - year)
