"""URL ↔ filter state, the cascade, drilling and the breadcrumb, as plain functions."""
import datetime as dt

import pandas as pd
import pytest

from dangqun import filters
from dangqun.periods import Period

D = dt.date
LATEST = D(2022, 12, 31)
CATEGORIES = {"01": "党员服务", "11": "法律服务与调解"}
CHANNELS = ("窗口", "电话", "家庭代办站")

INDEX = filters.RegionIndex.from_frame(pd.DataFrame([
    ("210000000000", "辽宁省", 0, None),
    ("210600000000", "丹东市", 1, "210000000000"),
    ("210681000000", "东港市", 2, "210600000000"),
    ("210681107000", "长山镇", 3, "210681000000"),
    ("210681107201", "卧龙村", 4, "210681107000"),
    ("210682000000", "凤城市", 2, "210600000000"),
    ("211300000000", "朝阳市", 1, "210000000000"),
    ("211324000000", "喀喇沁左翼蒙古族自治县", 2, "211300000000"),
], columns=["region_code", "region_name", "level_no", "parent_code"]))


def parse(**query):
    return filters.from_query(query, INDEX, LATEST, CATEGORIES, CHANNELS)


def test_defaults_are_this_year_against_last_year():
    f = parse()
    assert (f.period, f.preset, f.compare) == (Period(D(2022, 1, 1), D(2022, 12, 31)), "year", "yoy")
    assert f.compare_period == Period(D(2021, 1, 1), D(2021, 12, 31))
    assert f.region() == "210000000000" and f.notices == ()


def test_a_full_link_round_trips():
    query = {"city": "210600000000", "county": "210681000000", "town": "210681107000",
             "village": "210681107201", "start": "2022-01-01", "end": "2022-07-31",
             "compare": "2021-01-01..2021-07-31", "cat": "11", "ch": "电话", "lang": "en"}
    f = parse(**query)
    assert f.notices == ()
    assert f.region() == "210681107201"
    assert f.compare == "custom" and f.compare_period == Period(D(2021, 1, 1), D(2021, 7, 31))
    assert filters.to_query(f) == query


def test_six_digit_codes_are_accepted_and_parents_inferred():
    f = parse(county="210681")
    assert (f.city, f.county, f.notices) == ("210600000000", "210681000000", ())


def test_a_preset_window_is_recognised():
    assert parse(start="2022-12-01", end="2022-12-31").preset == "month"
    assert parse(start="2022-10-01", end="2022-12-31").preset == "quarter"
    assert parse(start="2022-02-03", end="2022-12-31").preset == "custom"


DEFAULT = filters.default_filters(LATEST)


@pytest.mark.parametrize("query, notice, fallback", [
    ({"city": "999999999999"}, "city=999999999999", {"city": ""}),
    ({"city": "' or 1=1 --"}, "city=' or 1=1 --", {"city": ""}),
    ({"city": "210600000000", "county": "211324000000"}, "county=211324000000",   # not under 丹东
     {"city": "210600000000", "county": ""}),
    ({"county": "210600000000"}, "county=210600000000", {"county": "", "city": ""}),  # a city given as county
    ({"start": "2022-02-30", "end": "2022-03-01"}, "start=2022-02-30, end=2022-03-01", {"period": DEFAULT.period}),
    ({"start": "2022-05-01", "end": "2022-04-01"}, "start=2022-05-01, end=2022-04-01", {"period": DEFAULT.period}),
    ({"start": "../../etc/passwd"}, "start=../../etc/passwd, end=", {"period": DEFAULT.period}),
    ({"compare": "yesterday"}, "compare=yesterday", {"compare": "yoy", "compare_period": DEFAULT.compare_period}),
    ({"compare": "2021-07-31..2021-01-01"}, "compare=2021-07-31..2021-01-01", {"compare": "yoy"}),
    ({"cat": "99"}, "cat=99", {"category": ""}),
    ({"cat": "01; drop table funds"}, "cat=01; drop table funds", {"category": ""}),
    ({"ch": "<script>alert(1)</script>"}, "ch=<script>alert(1)</script>", {"channel": ""}),
    ({"lang": "fr"}, "lang=fr", {"lang": "zh"}),
])
def test_invalid_values_fall_back_with_a_notice(query, notice, fallback):
    f = parse(**query)
    assert f.notices == (notice,)
    assert {field: getattr(f, field) for field in fallback} == fallback


def test_an_invalid_lower_level_keeps_the_valid_upper_levels():
    f = parse(city="210600000000", county="210681000000", town="bogus")
    assert (f.city, f.county, f.town) == ("210600000000", "210681000000", "")
    assert f.notices == ("town=bogus",)


def test_overlong_values_are_cut_before_they_reach_a_message():
    f = parse(ch="渠" * 10_000)
    assert f.notices == ("ch=" + "渠" * 64,)


def test_drilling_sets_the_path_and_clears_the_levels_below():
    f = parse(city="210600000000", county="210682000000")
    down = f.with_region("210681107201", INDEX)
    assert (down.city, down.county, down.town, down.village) == \
        ("210600000000", "210681000000", "210681107000", "210681107201")
    up = down.with_region("210600000000", INDEX)
    assert (up.city, up.county, up.town, up.village) == ("210600000000", "", "", "")
    assert up.period == f.period and up.compare_period == f.compare_period


def test_breadcrumb_runs_from_the_root_to_the_current_region():
    f = parse(village="210681107201")
    assert filters.breadcrumb(f, INDEX) == [
        ("210000000000", "辽宁省"), ("210600000000", "丹东市"), ("210681000000", "东港市"),
        ("210681107000", "长山镇"), ("210681107201", "卧龙村")]


def test_cascade_offers_only_children_of_the_parent():
    assert INDEX.children("210600000000") == ["210681000000", "210682000000"]
    assert INDEX.children("210681107201") == []


@pytest.mark.parametrize("code, digits", [
    ("210000000000", 4), ("210600000000", 6), ("210681000000", 9), ("210681107000", 12), ("210681107201", 0)])
def test_child_digits(code, digits):
    assert filters.child_digits(code) == digits


def test_params_bind_the_region_prefix_and_the_window():
    f = parse(county="210681", cat="11", ch="电话")
    assert f.params() == {"region": "210681", "start": D(2022, 1, 1), "end": D(2022, 12, 31),
                          "category": "11", "channel": "电话", "as_of": None}
    assert f.params(f.compare_period)["start"] == D(2021, 1, 1)
