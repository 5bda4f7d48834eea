"""What the 预警 tests share (tests/test_alerts.py and each rule's tests/test_alert_<name>.py): exact tail
probabilities to check the rules' statistics against, the demo's records of a town and a month, a rule's
alerts of the province, and cases added to a scratch copy of the demo."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, getcontext
from math import comb, factorial

import pandas as pd

from dangqun import alerts

getcontext().prec = 60
CFG = alerts.load_config()
LATEST = dt.date(2022, 12, 31)


def exact_binom_cdf(k: int, n: int, p: str) -> float:
    p = Decimal(p)
    return float(sum(comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1)))


def exact_poisson_sf(x: int, lam: int) -> float:
    return exact_poisson_sf_dec(x, Decimal(lam))


def exact_poisson_sf_dec(x: int, lam: Decimal) -> float:
    below = sum(lam ** i / factorial(i) for i in range(x)) * (-lam).exp()
    return float(1 - below)


def town_records(raw, town: str) -> pd.DataFrame:
    r = raw["service_records"]
    return r[r["region_code"].str.startswith(town[:9])]


def in_month(r: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    return r[(r["received_at"] >= start) & (r["received_at"] < end)]


def rule_alerts(con, rule: str, period: str) -> list[dict]:
    found = alerts.run_all(con, "210000000000", period, scope=None)
    return found[found["rule"] == rule].to_dict("records")


def add_cases(con, resident: str, item: str, days: list[str], center: str = "ZX210681001000"):
    for i, day in enumerate(days):
        con.execute("""insert into service_records (record_id, center_id, received_at, item_code, status,
                       resident_name, phone, resident_hash)
                       values ($id, $c, $at, $item, '已办结', '李*', '138****0000', $h)""",
                    {"id": f"T-{resident}-{i}", "c": center, "at": f"{day} 10:00:00", "item": item, "h": resident})
