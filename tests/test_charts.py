"""The reference lines the figures draw as shapes (not add_hline/add_vline): where they are and what they say."""
import pandas as pd
import pytest

from dangqun import metrics
from dangqun.charts import brands as brand_charts
from dangqun.charts import satisfaction as satisfaction_charts


@pytest.fixture(autouse=True)
def no_targets(monkeypatch):
    """The figures as drawn without config/metrics.toml [targets]; a test of the target lines sets its own."""
    monkeypatch.setattr(metrics, "targets", lambda path=None: {})


def test_rates_trend_draws_the_yellow_list_line():
    trend = metrics.add_rates(pd.DataFrame({
        "month": pd.to_datetime(["2022-01-01", "2022-02-01"]), "valid": [10, 20], "contacted": [9, 20],
        "solved": [5, 18], "satisfied": [4, 15], "basic": [2, 3]}))
    fig = satisfaction_charts.rates_trend(trend, "zh", yellow_below=0.6)
    (line,) = fig.layout.shapes
    assert (line.xref, line.x0, line.x1, line.yref, line.y0, line.y1) == ("x domain", 0, 1, "y", 60, 60)
    assert line.line.dash == "dash"
    assert [a.text for a in fig.layout.annotations] == ["黄榜线 60%"]
    assert fig.layout.annotations[0].y == 60


def test_cost_score_draws_both_medians():
    df = pd.DataFrame({"center_id": ["A", "B"], "brand_name": ["甲", "乙"], "region_name": ["东港市", "凤城市"],
                       "funds_wan": [10.0, 30.0], "composite_score": [80.0, 60.0], "received": [100, 50],
                       "satisfied_weighted": [8.0, 6.0], "valid": [10, 10], "satisfaction_rate": [0.8, 0.6]})
    fig = brand_charts.cost_score(df, [False, True], 20.0, 70.0, "zh")
    vertical, horizontal = fig.layout.shapes
    assert (vertical.xref, vertical.x0, vertical.x1, vertical.yref, vertical.y0, vertical.y1) == ("x", 20, 20, "y domain", 0, 1)
    assert (horizontal.xref, horizontal.x0, horizontal.x1, horizontal.yref, horizontal.y0, horizontal.y1) == \
        ("x domain", 0, 1, "y", 70, 70)
    assert [a.text for a in fig.layout.annotations] == ["高投入低成绩"]


def test_every_figure_starts_with_the_dashboard_look():
    from dangqun.charts import FONT, PALETTE
    from dangqun.charts import funds as fund_charts

    df = pd.DataFrame({"fund_source": ["中央财政", "省级财政"], "amount_wan": [12.5, 3.0], "count": [2, 1]})
    sent = fund_charts.totals(df, "fund_source", "按资金来源").to_plotly_json()["layout"]
    assert sent["template"]["layout"]["font"]["family"] == FONT
    assert list(sent["template"]["layout"]["colorway"]) == list(PALETTE)
    assert sent["yaxis"]["title"]["text"] == "投入(万元)" and sent["height"] == 340


# ---------------------------------------------------------------- labels, axes, formats
import datetime as dt  # noqa: E402


from dangqun.charts import TEMPLATE, fit_range, label_range, month_labels, place_labels  # noqa: E402
from dangqun.charts import funds as fund_charts  # noqa: E402
from dangqun.charts import overview as overview_charts  # noqa: E402
from dangqun.charts import services as service_charts  # noqa: E402


def _trend(months=("2022-01-01", "2022-02-01")):
    n = len(months)
    return metrics.add_rates(pd.DataFrame({
        "month": pd.to_datetime(list(months)), "received": [15000 + i for i in range(n)], "valid": [100] * n,
        "contacted": [98] * n, "solved": [92] * n, "satisfied": [90] * n, "basic": [5] * n}))


def test_ticks_have_separators_and_no_si_suffix_and_labels_are_never_clipped():
    assert TEMPLATE.layout.xaxis.tickformat == ",~f" and TEMPLATE.layout.yaxis.tickformat == ",~f"
    assert TEMPLATE.layout.separators == ".,"
    assert TEMPLATE.data.bar[0].cliponaxis is False and TEMPLATE.data.scatter[0].cliponaxis is False


def test_month_axes_are_categories_written_yyyy_mm():
    assert month_labels(pd.to_datetime(["2022-01-01", "2022-12-01"])) == ["2022-01", "2022-12"]
    for fig in (overview_charts.monthly_trend(_trend()), satisfaction_charts.rates_trend(_trend(), yellow_below=0.7)):
        assert fig.layout.xaxis.type == "category"
        assert list(fig.data[0].x) == ["2022-01", "2022-02"]


def test_value_axes_leave_room_for_the_longest_label():
    assert label_range([10, 80.3]) == [0.0, pytest.approx(80.3 * 1.18)]
    units = pd.DataFrame({"unit_code": ["a", "b"], "unit_name": ["甲", "乙"], "per_wan": [80.3, 134.64],
                          "received": [100, 200], "funds_wan": [1.0, 2.0]})
    fig = fund_charts.unit_bars(units, "per_wan")
    assert fig.layout.xaxis.range[1] >= 134.64 * 1.15
    channels = pd.DataFrame({"channel": ["窗口", "网上"], "received": [531, 469]})
    fig = service_charts.channel_bars(channels)
    assert fig.layout.xaxis.range[1] >= 53.1 * 1.15
    assert list(fig.data[0].text) == ["46.9%", "53.1%"]
    reasons = pd.DataFrame({"dissatisfaction_reason": ["态度", "跑腿"], "count": [201, 166]})
    assert satisfaction_charts.reasons_bars(reasons).layout.xaxis.range[1] >= 201 * 1.15


def test_score_axes_fit_the_scores_and_the_yellow_line_only_where_it_matters():
    units = pd.DataFrame({"unit_code": ["a", "b"], "unit_name": ["甲", "乙"], "composite_score": [90.8, 94.2],
                          "flagged_yellow": [False, False], "contacted": [9, 9], "solved": [9, 9],
                          "satisfied_weighted": [9.0, 9.0], "valid": [10, 10], "received": [10, 10]})
    fig = overview_charts.unit_ranking(units, yellow_below=0.7)
    lo, hi = fig.layout.xaxis.range
    assert 85 <= lo < 90.8 and 94.2 < hi <= 101     # 90.8 and 94.2 far apart, not two bars of ~92% width
    dots = fig.data[0]       # dots, read by their place: no bar whose length from lo would double a 2-point gap
    assert dots.type == "scatter" and list(dots.x) == pytest.approx([90.8, 94.2])
    assert list(dots.text) == ["90.80", "94.20"]
    assert fig.layout.xaxis.title.text == f"综合成绩（分，横轴从 {lo:.0f} 起）"
    assert fig.layout.shapes == ()                  # 70 is far below every score: no line
    units["composite_score"] = [72.0, 94.2]
    fig = overview_charts.unit_ranking(units, yellow_below=0.7)
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 70 and fig.layout.xaxis.range[0] <= 70
    assert fit_range([90.8, 94.2], top=100) == [90.0, pytest.approx(97.2)]


def test_rates_trend_without_the_line_says_so():
    fig = satisfaction_charts.rates_trend(_trend(), yellow_below=0.7)
    assert fig.layout.shapes == ()
    assert [a.text for a in fig.layout.annotations] == ["黄榜线 70%：各项均在其上"]
    assert fig.layout.yaxis.range[0] >= 85


def test_donut_writes_every_share_with_one_decimal():
    levels = metrics.satisfaction_levels({"valid": 1000, "satisfied": 847, "basic": 99, "unsatisfied": 54})
    fig = satisfaction_charts.levels_donut(levels)
    assert fig.data[0].texttemplate == "%{label}<br>%{percent:.1%}" and fig.data[0].textinfo is None


def test_a_partial_last_month_is_hatched_and_noted():
    trend = _trend(("2022-11-01", "2022-12-01"))
    fig = overview_charts.monthly_trend(trend, through=dt.date(2022, 12, 15))
    bar = fig.data[0]
    assert list(bar.marker.pattern.shape) == ["", "/"] and list(bar.marker.opacity) == [1.0, 0.45]
    assert [a.text for a in fig.layout.annotations] == ["2022-12 数据截至 12-15"]
    whole = overview_charts.monthly_trend(trend, through=dt.date(2022, 12, 31))
    assert list(whole.data[0].marker.pattern.shape) == ["", ""] and whole.layout.annotations == ()


def test_scatter_labels_do_not_overlap():
    x, y = [0, 0.01, 0.02, 5], [93.0, 93.05, 93.1, 93.0]
    texts, positions = place_labels(x, y, ["甲乙丙丁", "戊己庚辛", "壬癸子丑", "寅卯"], [-1, 6], [92, 94],
                                    width_px=700, height_px=300)
    assert texts[0] == "甲乙丙丁" and texts[3] == "寅卯"
    # the three clustered points: each label drawn takes a side of its own, or is left out
    clustered = [p for t, p in zip(texts[:3], positions[:3]) if t]
    assert len(set(clustered)) == len(clustered) >= 2


def test_brand_quadrant_is_named_for_what_defines_it():
    df = pd.DataFrame({"center_id": ["A", "B"], "brand_name": ["甲", "乙"], "region_name": ["东港市", "凤城市"],
                       "funds_wan": [10.0, 30.0], "composite_score": [80.0, 60.0], "received": [100, 50],
                       "satisfied_weighted": [8.0, 6.0], "valid": [10, 10], "satisfaction_rate": [0.8, 0.6]})
    fig = brand_charts.cost_score(df, [False, True], 20.0, 70.0, "zh")
    assert fig.layout.yaxis.title.text == "综合成绩" and fig.layout.annotations[0].text == "高投入低成绩"
    assert list(fig.data[0].text) == ["甲", "乙"]            # every bubble named when there is room
    assert fig.layout.yaxis.range[0] < 60 and fig.layout.yaxis.range[1] > 80


def test_half_width_wan_everywhere():
    import inspect

    from dangqun import charts as chart_pkg
    from dangqun.i18n import EN

    sources = "".join(inspect.getsource(m) for m in (chart_pkg, fund_charts, brand_charts, overview_charts))
    assert "（万元）" not in sources
    assert not [k for k in EN if "（万元）" in k]


def test_funds_axes_have_no_negative_ticks():
    from dangqun.charts import ticks_from_zero

    assert ticks_from_zero(21.5) == [0, 5, 10, 15, 20, 25]
    assert ticks_from_zero(0.6)[-1] >= 0.6 and ticks_from_zero(0.6)[:3] == [0, 0.1, 0.2]
    df = pd.DataFrame({"center_id": ["A"], "brand_name": ["甲"], "region_name": ["东港市"], "funds_wan": [0.0],
                       "composite_score": [94.7], "received": [100], "satisfied_weighted": [8.0], "valid": [10],
                       "satisfaction_rate": [0.8]})
    fig = brand_charts.cost_score(df, [False], 0.0, 94.7, "zh")
    assert fig.layout.xaxis.range[0] < 0 and min(fig.layout.xaxis.tickvals) == 0


def test_targets_are_dotted_lines_where_the_chart_draws_their_metric(monkeypatch):
    from dangqun.charts import GOOD

    monkeypatch.setattr(metrics, "targets", lambda path=None: {"satisfaction_rate": 0.9, "composite_score": 90,
                                                               "close_rate": 0.95, "solve_rate": 0.955})
    # 总览's trend: the 满意率 target on the right (%) axis; 办结率 is not drawn there, so no line for it
    fig = overview_charts.monthly_trend(_trend())
    (goal,) = fig.layout.shapes
    assert (goal.yref, goal.y0, goal.y1, goal.line.dash, goal.line.color) == ("y2", 90, 90, "dot", GOOD)
    assert [a.text for a in fig.layout.annotations] == ["目标：满意率 ≥ 90%"]
    assert fig.layout.yaxis2.range[0] <= 90
    # 满意度与考核: one axis for rates (%) and the score (points); two targets at 90 share a line
    fig = satisfaction_charts.rates_trend(_trend(), yellow_below=0.7)
    goals = {(s.y0, s.line.dash) for s in fig.layout.shapes}
    assert goals == {(90, "dot"), (95.5, "dot")}
    texts = [a.text for a in fig.layout.annotations]
    assert "目标：满意率 ≥ 90%、综合成绩 ≥ 90 分" in texts and "目标：解决率 ≥ 95.5%" in texts
    lo, hi = fig.layout.yaxis.range
    assert lo <= 90 and hi >= 95.5
    # the ranking: the 综合成绩 target as a vertical line, within the fitted axis
    units = pd.DataFrame({"unit_code": ["a", "b"], "unit_name": ["甲", "乙"], "composite_score": [92.8, 94.2],
                          "flagged_yellow": [False, False], "contacted": [9, 9], "solved": [9, 9],
                          "satisfied_weighted": [9.0, 9.0], "valid": [10, 10], "received": [10, 10]})
    fig = overview_charts.unit_ranking(units, yellow_below=0.7)
    (goal,) = fig.layout.shapes
    assert (goal.xref, goal.x0, goal.x1, goal.line.dash) == ("x", 90, 90, "dot")
    assert fig.layout.xaxis.range[0] <= 90
    assert [a.text for a in fig.layout.annotations] == ["目标：综合成绩 ≥ 90 分"]
    # in English
    fig = overview_charts.unit_ranking(units, "en", yellow_below=0.7)
    assert [a.text for a in fig.layout.annotations] == ["Target: Composite score ≥ 90 pts"]


def _legend(fig) -> dict:
    """The legend's settings as drawn: the dashboard look's, overridden by the figure's own."""
    return {**fig.layout.template.layout.legend.to_plotly_json(), **fig.layout.legend.to_plotly_json()}


def test_a_legend_stays_inside_its_figure():
    """The look puts legends at the figure's foot (yref "container"): a chart of its own setting y below 0
    on top of it drew its legend outside the figure, and the brand radar lost its names."""
    from dangqun.views import brands

    df = pd.DataFrame({"center_id": ["A", "B"], "brand_name": ["甲", "乙"], "region_name": ["东港市", "凤城市"],
                       "received": [100, 50], "activities": [3, 4], "volunteer_hours": [10.0, 20.0],
                       "satisfied_weighted": [8.0, 6.0], "valid": [10, 10], "satisfaction_rate": [0.8, 0.6],
                       "composite_score": [80.0, 60.0], "funds_wan": [10.0, 30.0]})
    cols = [c for c, _ in brands.INDICATORS]
    trend = metrics.add_rates(pd.DataFrame({
        "month": pd.to_datetime(["2022-01-01", "2022-02-01"]), "valid": [10, 20], "contacted": [9, 20],
        "solved": [5, 18], "satisfied": [4, 15], "basic": [2, 3]}))
    for fig in (brand_charts.radar(df, brands.normalise(df, cols), ["A", "B"]),
                satisfaction_charts.rates_trend(trend, "zh", yellow_below=0.6)):
        legend = _legend(fig)
        assert fig.layout.showlegend is not False
        assert legend.get("yref") != "container" or 0 <= legend["y"] <= 1, legend


# ---------------------------------------------------------------- value labels, scatter names, no normalising over one value

def test_bar_labels_keep_a_readable_size_and_room_beside_the_bar():
    """Plotly shrank an 'outside' label wider than its bar to about 6 px (the largest amount): labels
    are never drawn below 10 px (one that would need less is left to the hover), and bars across leave
    room for the widest label even on a phone."""
    sources = pd.DataFrame({"fund_source": ["财政专项", "党费", "整合项目资金"], "amount_wan": [2823.93, 991.71, 133.42],
                            "count": [40, 12, 3]})
    fig = fund_charts.totals(sources, "fund_source", "按资金来源(万元)", across=True)
    bar = fig.data[0]
    assert bar.orientation == "h" and list(bar.y) == ["整合项目资金", "党费", "财政专项"]     # largest on top
    assert list(bar.text) == ["133.42", "991.71", "2,823.93"] and bar.textposition == "outside"
    assert fig.layout.xaxis.title.text == "投入(万元)" and fig.layout.xaxis.range[1] >= 2823.93 * 1.25
    years = pd.DataFrame({"fiscal_year": [2021, 2022], "amount_wan": [2500.0, 2530.42], "count": [9, 9]})
    units = pd.DataFrame({"unit_code": ["a", "b"], "unit_name": ["甲", "乙"], "unit_cost_yuan": [612.96, 12345.67],
                          "received": [100, 200], "funds_wan": [1.0, 2.0]})
    for fig in (fund_charts.totals(sources, "fund_source", "按资金来源(万元)", across=True),
                fund_charts.totals(years, "fiscal_year", "按年度(万元)"), fund_charts.unit_bars(units, "unit_cost_yuan")):
        assert fig.layout.uniformtext.minsize >= 10 and fig.layout.uniformtext.mode == "hide"
    # "12,345.67" beside the longest bar in a phone's plot area of ~240 px
    assert fund_charts.unit_bars(units, "unit_cost_yuan").layout.xaxis.range[1] >= 12345.67 * 1.4


def test_the_funds_scatter_names_only_the_most_funded_units():
    n = 12
    units = pd.DataFrame({"unit_code": [f"u{i}" for i in range(n)], "unit_name": [f"单位{i}" for i in range(n)],
                          "funds_wan": [0.0] * 4 + [float(i) for i in range(1, n - 3)],
                          "composite_score": [92.0 + 0.1 * i for i in range(n)], "received": [100] * n,
                          "per_wan": [1.0] * n, "valid": [10] * n, "satisfied_weighted": [9.0] * n})
    fig = fund_charts.outcome_scatter(units)
    named = [text for text in fig.data[0].text if text]
    assert 0 < len(named) <= fund_charts.NAMED_UNITS
    most_funded = units.sort_values("funds_wan", ascending=False)["unit_name"].head(fund_charts.NAMED_UNITS)
    assert set(named) <= set(most_funded)
    assert len(fig.data[0].hovertemplate) and all(c[1].startswith("单位") for c in fig.data[0].customdata)


def test_the_brand_scatter_names_the_costly_low_scoring_brands_only():
    n = 8
    df = pd.DataFrame({"center_id": list("ABCDEFGH"), "brand_name": [f"品牌{i}" for i in range(n)],
                       "region_name": ["某社区"] * n, "funds_wan": [float(i) for i in range(n)],
                       "composite_score": [95.0, 94.0, 93.0, 92.0, 95.0, 91.0, 96.0, 90.0], "received": [100] * n,
                       "satisfied_weighted": [9.0] * n, "valid": [10] * n, "satisfaction_rate": [0.9] * n})
    costly = [False, False, False, False, False, True, False, True]
    fig = brand_charts.cost_score(df, costly, 3.5, 93.5, "zh")
    named = {text for text in fig.data[0].text if text}
    assert named and named <= {"品牌5", "品牌7"}
    # a brand alone: named, and no medians of one value
    one = df.head(1)
    fig = brand_charts.cost_score(one, [False], None, None, "zh")
    assert list(fig.data[0].text) == ["品牌0"] and fig.layout.shapes == () and fig.layout.annotations == ()


def test_a_column_of_equal_values_is_dashed_in_the_heatmap_and_off_the_radar():
    from dangqun.views import brands

    df = pd.DataFrame({"center_id": ["A", "B", "C"], "brand_name": ["甲", "乙", "丙"], "region_name": ["东港市"] * 3,
                       "received": [100, 50, 70], "activities": [3, 4, 5], "volunteer_hours": [10.0, 20.0, 5.0],
                       "satisfied_weighted": [8.0, 6.0, 7.0], "valid": [10, 10, 10], "satisfaction_rate": [0.8, 0.6, 0.7],
                       "composite_score": [80.0, 60.0, 70.0], "funds_wan": [0.0, 0.0, 0.0]})
    normalised = brands.normalise(df, [c for c, _ in brands.INDICATORS])
    fig = brand_charts.indicator_heatmap(df, normalised)
    funds_col = [t for _, t in brands.INDICATORS].index("投入")
    z = fig.data[0].z
    assert all(pd.isna(row[funds_col]) for row in z)                 # not 1 for every brand
    assert all(not pd.isna(row[0]) for row in z)
    dashes = fig.data[1]
    assert [row[funds_col] for row in dashes.text] == ["—"] * 3 and dashes.texttemplate == "%{text}"
    assert all(text == "" for row in dashes.text for i, text in enumerate(row) if i != funds_col)
    radar = brand_charts.radar(df, normalised, ["A", "B"])
    assert "投入" not in radar.data[0].theta and len(set(radar.data[0].theta)) == 5
