"""Period presets, comparison windows, labels and URL dates (dangqun.periods)."""
from datetime import date

import pytest

from dangqun.periods import (COMPARE_MODES, PRESETS, Period, add_months, comparison_period,
                             match_preset, month_end, parse_date, preset_period, quarter_start)

D = date


@pytest.mark.parametrize("d, expected", [
    (D(2022, 1, 15), D(2022, 1, 31)),
    (D(2022, 2, 1), D(2022, 2, 28)),
    (D(2020, 2, 10), D(2020, 2, 29)),     # divisible by 4
    (D(2024, 2, 29), D(2024, 2, 29)),
    (D(2100, 2, 1), D(2100, 2, 28)),      # divisible by 100, not by 400: no leap day
    (D(2000, 2, 1), D(2000, 2, 29)),      # divisible by 400
    (D(2022, 4, 30), D(2022, 4, 30)),
    (D(2022, 12, 1), D(2022, 12, 31)),
])
def test_month_end(d, expected):
    assert month_end(d) == expected


@pytest.mark.parametrize("d, n, expected", [
    (D(2022, 1, 31), 1, D(2022, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2022, 3, 31), -1, D(2022, 2, 28)),
    (D(2022, 1, 15), -1, D(2021, 12, 15)),
    (D(2022, 12, 1), 1, D(2023, 1, 1)),
    (D(2024, 2, 29), -12, D(2023, 2, 28)),
    (D(2022, 5, 1), -11, D(2021, 6, 1)),
    (D(2022, 5, 1), 0, D(2022, 5, 1)),
    (D(2022, 1, 1), -25, D(2019, 12, 1)),
])
def test_add_months(d, n, expected):
    assert add_months(d, n) == expected


@pytest.mark.parametrize("d, start", [
    (D(2022, 1, 1), D(2022, 1, 1)),
    (D(2022, 3, 31), D(2022, 1, 1)),
    (D(2022, 4, 1), D(2022, 4, 1)),
    (D(2022, 8, 15), D(2022, 7, 1)),
    (D(2022, 12, 31), D(2022, 10, 1)),
])
def test_quarter_start(d, start):
    assert quarter_start(d) == start


@pytest.mark.parametrize("preset, latest, start, end", [
    ("month", D(2022, 12, 31), D(2022, 12, 1), D(2022, 12, 31)),
    ("month", D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 29)),      # the whole latest month
    ("quarter", D(2022, 12, 31), D(2022, 10, 1), D(2022, 12, 31)),
    ("quarter", D(2022, 8, 15), D(2022, 7, 1), D(2022, 8, 31)),     # quarter to date
    ("year", D(2022, 12, 31), D(2022, 1, 1), D(2022, 12, 31)),
    ("year", D(2022, 7, 3), D(2022, 1, 1), D(2022, 7, 31)),         # year to date
    ("last12", D(2022, 11, 30), D(2021, 12, 1), D(2022, 11, 30)),
    ("last12", D(2022, 12, 31), D(2022, 1, 1), D(2022, 12, 31)),
    ("last12", D(2024, 2, 29), D(2023, 3, 1), D(2024, 2, 29)),
])
def test_preset_period(preset, latest, start, end):
    assert preset_period(preset, latest) == Period(start, end)


def test_custom_preset_and_errors():
    assert preset_period("custom", D(2022, 12, 31), D(2022, 3, 5), D(2022, 4, 1)) == \
        Period(D(2022, 3, 5), D(2022, 4, 1))
    with pytest.raises(ValueError):
        preset_period("custom", D(2022, 12, 31))
    with pytest.raises(ValueError):
        preset_period("week", D(2022, 12, 31))
    with pytest.raises(ValueError):
        Period(D(2022, 2, 1), D(2022, 1, 31))


def test_preset_keys_and_labels():
    assert list(PRESETS) == ["month", "quarter", "year", "last12", "custom"]
    assert list(PRESETS.values()) == ["本月", "本季度", "本年", "近12个月", "自定义"]
    assert [COMPARE_MODES[k] for k in ("yoy", "mom", "none")] == ["同比", "环比", "无"]


@pytest.mark.parametrize("start, end, days", [
    (D(2022, 1, 1), D(2022, 12, 31), 365),
    (D(2024, 1, 1), D(2024, 12, 31), 366),
    (D(2100, 1, 1), D(2100, 12, 31), 365),
    (D(2022, 3, 5), D(2022, 3, 5), 1),
    (D(2020, 2, 1), D(2020, 2, 29), 29),
])
def test_days(start, end, days):
    assert Period(start, end).days == days


@pytest.mark.parametrize("start, end, zh, en", [
    (D(2022, 1, 1), D(2022, 12, 31), "2022年", "2022"),
    (D(2022, 3, 1), D(2022, 3, 31), "2022年3月", "Mar 2022"),
    (D(2024, 2, 1), D(2024, 2, 29), "2024年2月", "Feb 2024"),
    (D(2022, 1, 1), D(2022, 3, 31), "2022年第1季度", "2022 Q1"),
    (D(2022, 10, 1), D(2022, 12, 31), "2022年第4季度", "2022 Q4"),
    (D(2022, 2, 1), D(2022, 4, 30), "2022年2–4月", "Feb–Apr 2022"),   # three months, not a quarter
    (D(2022, 1, 1), D(2022, 7, 31), "2022年1–7月", "Jan–Jul 2022"),
    (D(2021, 12, 1), D(2022, 11, 30), "2021-12-01 至 2022-11-30", "2021-12-01 to 2022-11-30"),
    (D(2022, 3, 1), D(2022, 3, 30), "2022-03-01 至 2022-03-30", "2022-03-01 to 2022-03-30"),
    (D(2022, 3, 5), D(2022, 3, 5), "2022-03-05", "2022-03-05"),
])
def test_label(start, end, zh, en):
    p = Period(start, end)
    assert p.label() == zh
    assert p.label("en") == en


@pytest.mark.parametrize("start, end, c_start, c_end", [
    (D(2022, 1, 1), D(2022, 12, 31), D(2021, 1, 1), D(2021, 12, 31)),
    (D(2022, 3, 1), D(2022, 3, 31), D(2021, 3, 1), D(2021, 3, 31)),
    (D(2024, 2, 1), D(2024, 2, 29), D(2023, 2, 1), D(2023, 2, 28)),   # full month stays full
    (D(2025, 2, 1), D(2025, 2, 28), D(2024, 2, 1), D(2024, 2, 29)),   # …in both directions
    (D(2101, 2, 1), D(2101, 2, 28), D(2100, 2, 1), D(2100, 2, 28)),   # 2100 has no Feb 29
    (D(2024, 2, 29), D(2024, 3, 10), D(2023, 2, 28), D(2023, 3, 10)), # Feb 29 → Feb 28
    (D(2022, 1, 1), D(2022, 7, 31), D(2021, 1, 1), D(2021, 7, 31)),   # Jan–Jul vs Jan–Jul
    (D(2021, 12, 1), D(2022, 11, 30), D(2020, 12, 1), D(2021, 11, 30)),
    (D(2022, 3, 5), D(2022, 3, 20), D(2021, 3, 5), D(2021, 3, 20)),
])
def test_yoy(start, end, c_start, c_end):
    assert comparison_period(Period(start, end), "yoy") == Period(c_start, c_end)


@pytest.mark.parametrize("start, end, c_start, c_end", [
    (D(2022, 3, 1), D(2022, 3, 31), D(2022, 2, 1), D(2022, 2, 28)),   # month ends
    (D(2024, 3, 1), D(2024, 3, 31), D(2024, 2, 1), D(2024, 2, 29)),
    (D(2022, 1, 1), D(2022, 1, 31), D(2021, 12, 1), D(2021, 12, 31)), # across the year
    (D(2022, 5, 1), D(2022, 5, 31), D(2022, 4, 1), D(2022, 4, 30)),
    (D(2022, 1, 1), D(2022, 3, 31), D(2021, 10, 1), D(2021, 12, 31)), # quarter
    (D(2022, 4, 1), D(2022, 6, 30), D(2022, 1, 1), D(2022, 3, 31)),
    (D(2022, 1, 1), D(2022, 12, 31), D(2021, 1, 1), D(2021, 12, 31)), # year
    (D(2021, 12, 1), D(2022, 11, 30), D(2020, 12, 1), D(2021, 11, 30)),  # 12 months
    (D(2022, 3, 10), D(2022, 3, 19), D(2022, 2, 28), D(2022, 3, 9)),  # 10 days before
    (D(2024, 3, 1), D(2024, 3, 15), D(2024, 2, 15), D(2024, 2, 29)),  # 15 days, leap February
    (D(2023, 1, 1), D(2023, 1, 1), D(2022, 12, 31), D(2022, 12, 31)),
])
def test_mom(start, end, c_start, c_end):
    assert comparison_period(Period(start, end), "mom") == Period(c_start, c_end)


def test_none_and_custom_comparison():
    p = Period(D(2022, 1, 1), D(2022, 7, 31))
    assert comparison_period(p, "none") is None
    assert comparison_period(p, "custom", D(2021, 1, 1), D(2021, 7, 31)) == \
        Period(D(2021, 1, 1), D(2021, 7, 31))
    with pytest.raises(ValueError):
        comparison_period(p, "custom")
    with pytest.raises(ValueError):
        comparison_period(p, "qoq")


@pytest.mark.parametrize("start, end, expected", [
    (D(2022, 12, 1), D(2022, 12, 31), "month"),
    (D(2022, 10, 1), D(2022, 12, 31), "quarter"),
    (D(2022, 1, 1), D(2022, 12, 31), "year"),      # year wins over the equal last-12-months
    (D(2021, 1, 1), D(2021, 12, 31), "custom"),
    (D(2022, 3, 5), D(2022, 4, 1), "custom"),
])
def test_match_preset(start, end, expected):
    assert match_preset(Period(start, end), D(2022, 12, 31)) == expected


@pytest.mark.parametrize("s, expected", [
    ("2022-03-05", D(2022, 3, 5)),
    ("2024-02-29", D(2024, 2, 29)),
    (" 2022-03-05 ", D(2022, 3, 5)),
    ("2023-02-29", None),
    ("2100-02-29", None),
    ("2022-13-01", None),
    ("2022-3-5", None),
    ("20220305", None),
    ("2022/03/05", None),
    ("2022-03-05T00:00", None),
    ("", None),
    (None, None),
    (20220305, None),
    ("２０２２-03-05", None),      # full-width digits match \d but are not ISO
])
def test_parse_date(s, expected):
    assert parse_date(s) == expected
