"""The metric registry (dangqun.metric_registry, README「新增指标」), parametrised over its live list so a new
metric fails here until it is declared whole, counted right and placed where its entry says: on the 总览 cards,
the ranking's hover, the map's choices and the 通报. The cards' values are checked one by one against the raw
records in tests/test_page_overview.py, the map's in tests/test_page_map.py."""
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

import expected as E
from dangqun import db, i18n, metric_registry, metrics
from dangqun.charts import overview as overview_charts
from dangqun.metric_registry import CARDS, MAP, METRICS, PLACES, RANKING, REPORT
from dangqun.views import map as map_view
from dangqun.views import overview as overview_view
from dangqun.views import report as report_view
from dangqun.views import screen as screen_view

ROOT = Path(__file__).resolve().parent.parent
PARAMS = dict(region="2106", start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31), category="", channel="", as_of=None)
KINDS = {"count", "rate", "score", "money", "per"}
SOURCES = {"records", "funds", "alerts", "centers", "activities"}


@pytest.mark.parametrize("m", METRICS, ids=lambda m: m.key)
def test_each_metric_is_declared_whole(m):
    assert m.kind in KINDS and m.source in SOURCES and m.shows <= set(PLACES) and m.shows
    assert i18n.t(m.label, "en") == m.en != m.label and i18n.column_label(m.key) == m.label
    assert i18n.t(m.unit, "en") != m.unit or m.unit == "%" or MAP not in m.shows   # the map's legend names it
    if m.rate:
        assert m.num and m.den
    if m.kind == "count" and m.source != "alerts":
        assert m.num and m.den is None
    if m.help:
        assert i18n.t(m.help, "en") == m.help_en and ("{parts}" in m.help) == m.rate
    if REPORT in m.shows:
        assert m.kind == "count" and "{value}" in m.report and "{change}" in m.report
    assert metrics.fmt_value(m.key, 1) != metrics.DASH


def test_keys_are_unique_and_targets_come_from_the_registry():
    assert len({m.key for m in METRICS}) == len(METRICS) and len({m.label for m in METRICS}) == len(METRICS)
    assert metrics.TARGET_METRICS == {m.key: m.label for m in METRICS if m.target}
    assert set(metrics.targets()) <= set(metrics.TARGET_METRICS)


@pytest.fixture(scope="module")
def kpi(demo_con):
    return db.run(demo_con, "kpi_summary", PARAMS).iloc[0].to_dict()


@pytest.fixture(scope="module")
def records(demo_raw):
    return E.window(demo_raw["service_records"], PARAMS["region"], PARAMS["start"], PARAMS["end"])


@pytest.mark.parametrize("m", metric_registry.summarised(), ids=lambda m: m.key)
def test_each_summarised_metric_has_its_counts_in_kpi_summary(m, kpi):
    assert metrics.value(m.key, kpi) is not None
    # its parts are columns of the row, or of what metrics.add_values derives from it (satisfied_weighted)
    derived = metrics.add_values(pd.DataFrame([kpi]))
    assert all(column in derived for column in (m.num, m.den) if column)


@pytest.mark.parametrize("m", [m for m in METRICS if m.kind == "count" and m.source == "records"], ids=lambda m: m.key)
def test_each_record_count_equals_the_raw_records(m, kpi, records):
    assert metrics.value(m.key, kpi) == E.REGISTERED_COUNTS[m.key](records)


@pytest.mark.parametrize("m", metric_registry.shown_in(CARDS), ids=lambda m: m.key)
def test_each_card_metric_is_a_card_in_the_registry_order(m, kpi):
    cards = overview_view.cards(kpi, kpi)
    labels = [c.label for c in cards]
    # the funds card is named by its fiscal years (views.funds.total_label): without a period, 投入总额(万元)
    assert m.label in labels
    assert labels == [x.label for x in metric_registry.shown_in(CARDS)]
    card = cards[labels.index(m.label)]
    if m.kind == "count":
        assert card.value == metrics.fmt_int(metrics.value(m.key, kpi)) and (card.delta is None) != m.compare
    assert m.label in screen_view.CARDS


@pytest.mark.parametrize("m", metric_registry.shown_in(RANKING), ids=lambda m: m.key)
def test_each_ranking_metric_is_on_the_ranking_hover(m, demo_con, records):
    units = metrics.add_rates(db.run(demo_con, "unit_scores", dict(PARAMS, child_digits=6)))
    fig = overview_charts.unit_ranking(units)
    hover = {c[0]: c[1] for c in fig.data[0].customdata}
    for code, group in records.groupby(records.region_code.str[:6].str.ljust(12, "0")):
        line = re.search(f"<br>{m.label}：([^<]*)", hover[code]).group(1)
        if m.kind == "count":
            assert line == metrics.fmt_int(E.REGISTERED_COUNTS[m.key](group))
        else:
            row = units.set_index("unit_code").loc[code]
            assert line == metrics.fmt_ratio_hover(row[m.num], row[m.den])


@pytest.mark.parametrize("m", metric_registry.shown_in(MAP), ids=lambda m: m.key)
def test_each_map_metric_is_offered(m):
    assert m.key in map_view.offered("210600000000")


@pytest.mark.parametrize("m", metric_registry.shown_in(REPORT), ids=lambda m: m.key)
def test_each_report_metric_has_its_sentence(m, kpi, records, demo_raw):
    before_records = E.window(demo_raw["service_records"], "2106", dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    now, before = E.REGISTERED_COUNTS[m.key](records), E.REGISTERED_COUNTS[m.key](before_records)
    change = abs(now - before) / before
    sentences = report_view.sentence_registered(kpi, {**kpi, m.num: before}, "同比")
    word = "上升" if now > before else "下降"
    assert m.report.format(value=metrics.fmt_int(now), change=f"，同比{word}{metrics.fmt_pct(change)}") + "。" \
        in sentences


def test_readme_names_every_file_of_a_new_metric():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 新增指标 / Adding a metric", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`((?:dangqun|queries|tests|config)/[\w/.-]+\.(?:py|sql|toml))`", section))
    assert {"dangqun/metric_registry.py", "queries/unit_scores.sql", "tests/expected.py"} <= named
    assert all((ROOT / path).exists() for path in named), named
    # every place a metric may appear is explained there
    assert all(f"`{place}`" in section for place in ("CARDS", "RANKING", "MAP", "SCREEN", "REPORT"))
