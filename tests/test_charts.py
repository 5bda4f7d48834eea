"""The reference lines the figures draw as shapes (not add_hline/add_vline): where they are and what they say."""
import pandas as pd

from dangqun import metrics
from dangqun.charts import brands as brand_charts
from dangqun.charts import satisfaction as satisfaction_charts


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
