"""Metric definitions and number formats (dangqun.metrics), and the per-record
definitions the query tests compare against (expected.py: durations, on time, overdue).
Expected values are computed by hand in the comments."""
import math
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from dangqun import metrics as m
import expected

NAN = float("nan")


def test_config_values():
    cfg = m.load_config()
    assert (cfg.w_response, cfg.w_solve, cfg.w_satisfaction) == (0.1, 0.5, 0.4)
    assert cfg.basic_factor == 0.9
    assert cfg.yellow_below == 0.7
    assert (cfg.min_valid, cfg.rectify_below, cfg.advanced_top_share, cfg.advanced_min_rate,
            cfg.progress_min_places) == (10, 0.7, 0.1, 0.9, 3)


def test_config_rejects_weights_not_summing_to_one(tmp_path):
    text = m.CONFIG_PATH.read_text(encoding="utf-8").replace("solve = 0.5", "solve = 0.6")
    path = tmp_path / "metrics.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="权重之和"):
        m.load_config(path)


@pytest.mark.parametrize("num, den, expected", [
    (1, 2, 0.5),
    (0, 5, 0.0),
    (3, 4, 0.75),
    (1, 0, None),
    (1, None, None),
    (1, NAN, None),
    (None, 2, None),
    (NAN, 2, None),
    (pd.NA, 2, None),
    (Decimal("2512.36"), 2, 1256.18),
])
def test_ratio_scalar(num, den, expected):
    assert m.ratio(num, den) == expected


def test_ratio_vector():
    got = m.ratio(pd.Series([1, 2, 3, 4]), pd.Series([2, 0, NAN, 8]))
    assert got.tolist()[0] == 0.5 and got.tolist()[3] == 0.5
    assert got.isna().tolist() == [False, True, True, False]
    assert m.ratio(pd.Series([1, 2]), 0).isna().all()
    keyed = m.ratio(pd.Series([1, 3], index=["a", "b"]), np.array([2, 4]))   # array takes the index
    assert keyed.to_dict() == {"a": 0.5, "b": 0.75}
    nullable = m.ratio(pd.array([1, None, 3], dtype="Int64"), pd.array([2, 2, None], dtype="Int64"))
    assert nullable.isna().tolist() == [False, True, True] and nullable[0] == 0.5


@pytest.mark.parametrize("count, amount, expected", [
    (37000, 2500, 14.8),
    (5, 0, None),
    (5, None, None),
])
def test_per_wan(count, amount, expected):
    assert m.per_wan(count, amount) == expected


@pytest.mark.parametrize("amount, count, text", [
    (2512.36, 37000, "679.02"),     # 25,123,600 / 37,000 = 679.0162…
    (2.2, 12, "1,833.33"),          # 22,000 / 12 = 1,833.333…
    (1, 8, "1,250.00"),
    (1, 0, "—"),
    (None, 3, "—"),
])
def test_unit_cost_yuan(amount, count, text):
    assert m.fmt_wan(m.unit_cost_yuan(amount, count)) == text


# contacted, solved, satisfied, basic, valid → response, solve, satisfaction, composite, flag
RATE_CASES = [
    # 90/100, 85/100, (80 + 0.9×10)/100 = 0.89; 100 × (0.09 + 0.425 + 0.356) = 87.1
    ((90, 85, 80, 10, 100), (0.9, 0.85, 0.89, 87.1, False)),
    # 100 × (0.1 + 0.5 + 0.4) = 100
    ((10, 10, 10, 0, 10), (1.0, 1.0, 1.0, 100.0, False)),
    # all 基本满意: 0.9 × 10 / 10 = 0.9
    ((10, 10, 0, 10, 10), (1.0, 1.0, 0.9, 96.0, False)),
    # 69% responded: on the 黄榜; 100 × (0.069 + 0.5 + 0.4) = 96.9
    ((69, 100, 100, 0, 100), (0.69, 1.0, 1.0, 96.9, True)),
    # exactly 70% is not below 70%
    ((7, 7, 7, 0, 10), (0.7, 0.7, 0.7, 70.0, False)),
    # (6 + 0.9 × 1)/10 = 0.69 → flagged on satisfaction alone
    ((10, 10, 6, 1, 10), (1.0, 1.0, 0.69, 87.6, True)),
    # no valid follow-ups: nothing to rate, never flagged
    ((0, 0, 0, 0, 0), (None, None, None, None, False)),
    ((None, None, None, None, None), (None, None, None, None, False)),
]


@pytest.mark.parametrize("counts, expected", RATE_CASES)
def test_rates(counts, expected):
    got = m.rates(*counts)
    keys = ("response_rate", "solve_rate", "satisfaction_rate", "composite_score", "flagged_yellow")
    assert list(got) == list(keys)
    for key, want in zip(keys, expected):
        if want is None or isinstance(want, bool):
            assert got[key] is want, key
        else:
            assert got[key] == pytest.approx(want, abs=1e-12), key


def test_add_rates_matches_scalar_rates():
    rows = [c for c, _ in RATE_CASES if c[4] is not None]
    df = pd.DataFrame(rows, columns=["contacted", "solved", "satisfied", "basic", "valid"])
    out = m.add_rates(df)
    assert list(df.columns) == ["contacted", "solved", "satisfied", "basic", "valid"]   # input untouched
    for i, counts in enumerate(rows):
        want = m.rates(*counts)
        for key, value in want.items():
            got = out.loc[i, key]
            if value is None:
                assert pd.isna(got), (i, key)
            else:
                assert got == value, (i, key)   # same arithmetic, so exactly equal
    assert out["flagged_yellow"].dtype == bool
    assert out["satisfied_weighted"].tolist() == [89.0, 10.0, 9.0, 100.0, 7.0, 6.9, 0.0]


def test_rates_read_the_config():
    cfg = replace(m.load_config(), w_response=0.2, w_solve=0.4, basic_factor=0.5)
    got = m.rates(10, 5, 4, 2, 10, cfg)
    # satisfaction (4 + 0.5×2)/10 = 0.5; 100 × (0.2×1 + 0.4×0.5 + 0.4×0.5) = 60
    assert got["satisfaction_rate"] == 0.5
    assert got["composite_score"] == pytest.approx(60.0)


def _units(rows):
    df = pd.DataFrame(rows, columns=["unit", "contacted", "solved", "satisfied", "valid", "prev_rank"])
    df["basic"] = 0
    df["prev_rank"] = df["prev_rank"].astype("Int64")
    return df.set_index("unit")


def test_tiers():
    # composite = 100 × (0.1 r + 0.5 s + 0.4 m); 11 eligible units → top ceil(1.1) = 2 places
    df = _units([
        ("u1", 100, 98, 98, 100, 10),    # 98.2, rank 1, all ≥ 90%: 先进 (beats 进步)
        ("u2", 100, 95, 95, 100, None),  # 95.5, rank 2: 先进
        ("u3", 100, 95, 95, 100, None),  # 95.5, tied rank 2: 先进 too
        ("u5", 89, 94, 94, 100, 8),      # 93.5, rank 4, up 4 places: 进步
        ("u6", 100, 90, 90, 100, 7),     # 91.0, rank 5, up 2 places: 一般
        ("u7", 100, 85, 85, 100, None),  # 86.5, rank 6
        ("u4", 100, 99, 60, 100, 12),    # 83.5, rank 7, satisfaction 60%: 整改 despite +5 places
        ("u8", 100, 80, 80, 100, None),  # 82.0, rank 8
        ("u11", 100, 69, 90, 100, None), # 80.5, rank 9, solve 69%: 整改
        ("u9", 100, 75, 75, 100, None),  # 77.5, rank 10
        ("u10", 100, 70, 70, 100, None), # 73.0, rank 11, exactly 70%: not 整改
        ("u12", 5, 5, 5, 5, 1),          # 5 follow-ups < min_valid 10: not ranked
        ("u13", 0, 0, 0, 0, None),       # nothing to rate
    ])
    out = m.add_tiers(df)
    ranks = out["rank"].tolist()
    assert ranks == [1, 2, 2, 4, 5, 6, 7, 8, 9, 10, 11, pd.NA, pd.NA]
    assert out["rank_change"].tolist()[:7] == [9, pd.NA, pd.NA, 4, 2, pd.NA, 5]
    tiers = out["tier"].tolist()
    assert tiers[:11] == ["先进", "先进", "先进", "进步", "一般", "一般", "整改", "一般", "整改", "一般", "一般"]
    assert pd.isna(tiers[11]) and pd.isna(tiers[12])
    assert out.loc["u12", "composite_score"] == 100.0   # rated, only not ranked


def test_top_share_is_exact():
    # 30 eligible units: the top 10% is 3 places (0.1 × 30 in floats is 3.0000000000000004 → 4)
    rows = [(f"u{i:02d}", 100, 100 - i, 100, 100, None) for i in range(30)]
    out = m.add_tiers(_units(rows))
    assert out.index[out["tier"] == "先进"].tolist() == ["u00", "u01", "u02"]


def test_tiers_without_comparison_and_single_unit():
    df = _units([("u1", 95, 95, 95, 20, None)]).drop(columns="prev_rank")
    out = m.add_tiers(df)
    assert out["rank"].tolist() == [1]
    assert out["tier"].tolist() == ["先进"]    # top share of one unit is at least one place
    assert out["rank_change"].isna().all()


def test_hours_and_quantiles():
    start = pd.Series(pd.to_datetime(["2022-03-01 08:00", "2022-03-01 08:00", None, "2022-03-02 10:00"]))
    end = pd.Series(pd.to_datetime(["2022-03-01 09:30", "2022-03-03 08:00", "2022-03-01 00:00", "2022-03-02 09:00"]))
    hours = expected.hours_between(start, end)
    assert hours.tolist()[:2] == [1.5, 48.0]
    assert hours.isna().tolist() == [False, False, True, True]    # missing, and out of order
    # 1..10: median 5.5; P90 at position 0.9 × 9 = 8.1 → 9 + 0.1 × (10 − 9) = 9.1
    med, p90 = expected.median_p90(list(range(1, 11)) + [NAN])
    assert med == 5.5 and p90 == pytest.approx(9.1)
    assert expected.median_p90([]) == (None, None)
    assert expected.median_p90(pd.Series([NAN])) == (None, None)


def test_on_time_and_overdue():
    frame = pd.DataFrame([
        # status, closed_at, due_on, on_time, overdue (as of 2022-03-10)
        ("已办结", "2022-03-07 18:00", "2022-03-07", True, False),   # closed on the deadline day
        ("已办结", "2022-03-08 08:00", "2022-03-07", False, True),   # a day late
        ("已办结", "2022-03-08 08:00", None, False, False),          # no deadline: neither
        ("办理中", None, "2022-03-07", False, True),                 # open past the deadline
        ("办理中", None, "2022-03-10", False, False),                # due today: not yet late
        ("退回", None, "2022-03-01", False, False),                  # returned: not open
        ("延期", None, "2022-03-09", False, True),
        ("待受理", None, None, False, False),
    ], columns=["status", "closed_at", "due_on", "on_time", "overdue"])
    closed_at, due_on = pd.to_datetime(frame["closed_at"]), pd.to_datetime(frame["due_on"])
    assert expected.on_time(frame["status"], closed_at, due_on).tolist() == frame["on_time"].tolist()
    assert expected.overdue(frame["status"], closed_at, due_on, date(2022, 3, 10)).tolist() == \
        frame["overdue"].tolist()


@pytest.mark.parametrize("x, text", [
    (2512.36, "2,512.36"),
    (2512.355, "2,512.36"),        # half up, not to even
    (0.005, "0.01"),
    (0.125, "0.13"),
    (1.005, "1.01"),               # the float is 1.00499999999999989…; the decimal 1.005 rounds up
    (-1234.5, "-1,234.50"),
    (-0.001, "0.00"),              # never "-0.00"
    (0, "0.00"),
    (25, "25.00"),
    (1_000_000_000, "1,000,000,000.00"),
    (Decimal("2512.36"), "2,512.36"),
    (np.float64(37.5), "37.50"),
    (None, "—"),
    (NAN, "—"),
    (pd.NA, "—"),
    (math.inf, "—"),
])
def test_fmt_wan(x, text):
    assert m.fmt_wan(x) == text


@pytest.mark.parametrize("x, text", [
    (0.934, "93.4%"),
    (0.9345, "93.5%"),             # half up
    (0.93449, "93.4%"),
    (1, "100.0%"),
    (0, "0.0%"),
    (2 / 3, "66.7%"),
    (0.0005, "0.1%"),
    (0.00049, "0.0%"),
    (0.1 + 0.2, "30.0%"),
    (None, "—"),
    (NAN, "—"),
])
def test_fmt_pct(x, text):
    assert m.fmt_pct(x) == text


def test_float_noise_does_not_decide_rounding():
    assert 0.285 * 100 == 28.499999999999996
    assert m.fmt_num(0.285 * 100, 0) == "29"
    assert m.fmt_score(m.rates(95, 90, 91, 0, 100)["composite_score"]) == "90.90"


@pytest.mark.parametrize("x, text", [
    (37012, "37,012"),
    (0, "0"),
    (12.5, "13"),
    (np.int64(1234567), "1,234,567"),
    (None, "—"),
])
def test_fmt_int(x, text):
    assert m.fmt_int(x) == text


@pytest.mark.parametrize("x, text", [
    (date(2022, 3, 5), "2022-03-05"),
    (datetime(2022, 3, 5, 9, 7), "2022-03-05"),
    (pd.Timestamp("2022-12-31 23:59"), "2022-12-31"),
    (np.datetime64("2024-02-29"), "2024-02-29"),
    ("2022-03-05 09:07:00", "2022-03-05"),
    (None, "—"),
    (pd.NaT, "—"),
])
def test_fmt_date(x, text):
    assert m.fmt_date(x) == text


@pytest.mark.parametrize("num, den, text", [
    (1234, 1321, "93.4%（1,234 / 1,321）"),         # 0.93414…
    (1869, 2000, "93.5%（1,869 / 2,000）"),         # exactly 93.45% → half up
    (1234.5, 1321, "93.5%（1,234.5 / 1,321）"),     # weighted 满意 numerator: 0.93452…
    (Decimal("88.2"), 100, "88.2%（88.2 / 100）"),
    (0, 5, "0.0%（0 / 5）"),
    (0, 0, "—（0 / 0）"),
    (5, None, "—（5 / —）"),
    (None, None, "—（— / —）"),
])
def test_fmt_ratio_hover(num, den, text):
    assert m.fmt_ratio_hover(num, den) == text
