"""The 通报 (README 通报生成), its plain parts: the period, the sentences written from given numbers (exact
text), the region and scope check, the font fallbacks. The files are tested in test_report_files."""
import datetime as dt

import pytest

from dangqun import gbt9704, metrics
from dangqun.views import report as view

DONGGANG = "210681000000"
DEC = view.parse_period("2022-12")


# ── periods ─────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("text, kind, start, end, title", [
    ("2022-12", "month", dt.date(2022, 12, 1), dt.date(2022, 12, 31), "2022年12月"),
    ("2022q4", "quarter", dt.date(2022, 10, 1), dt.date(2022, 12, 31), "2022年第四季度"),
    ("2022", "year", dt.date(2022, 1, 1), dt.date(2022, 12, 31), "2022年"),
])
def test_parse_period(text, kind, start, end, title):
    rp = view.parse_period(text)
    assert (rp.kind, rp.period.start, rp.period.end, rp.title_label) == (kind, start, end, title)


@pytest.mark.parametrize("bad", ["2022-13", "2022Q5", "22", "十二月", ""])
def test_bad_period_is_refused_with_the_forms_named(bad):
    with pytest.raises(view.ReportError, match="通报周期应写成 2022-12（月）、2022Q4（季度）或 2022（年）"):
        view.parse_period(bad)


# ── sentences ───────────────────────────────────────────────────────────────────────────────

def row(**kw):
    base = dict(received=3215, closed=3138, closed_on_time=3000, valid=1000, contacted=990, solved=950,
                satisfied=900, basic=50, funds_wan=313.69, centers=101)
    return {**base, **kw}


def test_received_up_by_a_share():
    assert view.sentence_received("12月", "全市", row(), row(received=2971), "同比") == \
        "12月全市共受理群众诉求3,215件，同比上升8.2%。"


def test_received_down_and_unchanged_at_the_shown_precision():
    assert view.sentence_received("第四季度", "全县", row(received=900), row(received=1000), "环比") == \
        "第四季度全县共受理群众诉求900件，环比下降10.0%。"
    # 10,001 against 10,000 is +0.01 %: 0.0 % at one decimal, so 持平
    assert view.sentence_received("12月", "全市", row(received=10001), row(received=10000), "同比") == \
        "12月全市共受理群众诉求10,001件，同比持平。"


def test_no_comparison_no_clause():
    assert view.sentence_received("12月", "全市", row(), None, "") == "12月全市共受理群众诉求3,215件。"
    assert view.sentence_received("12月", "全市", row(), row(received=0), "同比") == "12月全市共受理群众诉求3,215件。"


def test_closure_rate_in_percentage_points():
    # 97.6 % now, 98.8 % a month before
    assert view.sentence_closed(row(received=1000, closed=976), row(received=1000, closed=988), "较上月") == \
        "办结976件，办结率97.6%，较上月下降1.2个百分点。"
    assert view.sentence_closed(row(received=1000, closed=976), row(received=2000, closed=1952), "较上年同期") == \
        "办结976件，办结率97.6%，较上年同期持平。"


def test_on_time_rate_up():
    assert view.sentence_on_time(row(closed=1000, closed_on_time=950), row(closed=1000, closed_on_time=900),
                                 "较上季度") == "按期办结950件，按期办结率95.0%，较上季度上升5.0个百分点。"


def test_three_rates_and_score():
    cfg = metrics.load_config()
    now = row(valid=1000, contacted=990, solved=950, satisfied=900, basic=50)
    before = row(valid=1000, contacted=980, solved=950, satisfied=880, basic=50)
    assert view.sentence_rates(now, before, "较上年同期", cfg) == (
        "有效回访1,000件，响应率99.0%（较上年同期上升1.0个百分点）、解决率95.0%（较上年同期持平）、"
        "满意率94.5%（较上年同期上升2.0个百分点）。")
    # 100 × (0.1 × 0.99 + 0.5 × 0.95 + 0.4 × 0.945) = 95.20; before 100 × (0.098 + 0.475 + 0.37) = 94.30
    assert view.sentence_score(now, before, "较上年同期", cfg) == "综合成绩95.20分，较上年同期上升0.90分。"


def test_no_survey_is_said_once_and_no_score_sentence():
    cfg = metrics.load_config()
    now = row(valid=0, contacted=0, solved=0, satisfied=0, basic=0)
    assert view.sentence_rates(now, row(), "较上月", cfg) == view.NO_SURVEY
    assert view.sentence_score(now, row(), "较上月", cfg) == ""


def test_funds_compared_only_across_fiscal_years():
    assert view.sentence_funds(row(), row(funds_wan=400), "2022", "2022") == \
        "2022年度各中心投入资金313.69万元，现有党群服务中心（站）101个。"
    assert view.sentence_funds(row(), row(funds_wan=400), "2022", "2021") == \
        "2022年度各中心投入资金313.69万元，较2021年度下降21.6%，现有党群服务中心（站）101个。"


def test_area_word():
    assert [view.area_word(n, lvl) for n, lvl in (("东港市", 2), ("宽甸满族自治县", 2), ("振兴区", 2),
                                                  ("丹东市", 1), ("辽宁省", 0))] == ["全市", "全县", "全区", "全市", "全省"]


# ── scope ───────────────────────────────────────────────────────────────────────────────────

def test_region_checks():
    assert view.check_region("210681", "210681000000") == DONGGANG
    with pytest.raises(view.ReportError, match="^无权查看该区域$"):
        view.check_region("210682", "210681000000")
    with pytest.raises(view.ReportError, match="通报按县（市、区）及以上地区生成"):
        view.check_region("210681100000", None)


def test_missing_fonts_fall_back_to_installed_noto():
    fonts = view.load_config()["fonts"]
    subs = gbt9704.substitutions(fonts, {"Noto Serif CJK SC", "Noto Sans CJK SC", "黑体"})
    assert subs == {"方正小标宋简体": "Noto Serif CJK SC", "仿宋_GB2312": "Noto Serif CJK SC",
                    "楷体_GB2312": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC"}
