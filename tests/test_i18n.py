"""Interface strings and column labels (dangqun.i18n)."""
import string

import pytest

from dangqun import contract, registry
from dangqun.i18n import COMPUTED_LABELS, EN, STORED_HEADERS, column_label, t
from dangqun.periods import COMPARE_MODES, PRESETS

# Strings the pages and the sidebar rely on, beside every page's title.
REQUIRED = [p.title for p in registry.PAGES] + [
    "受理量", "办结量", "办结率", "按期办结率", "满意率", "响应率", "解决率", "综合成绩",
    "投入总额(万元)", "中心数", "活动场次", "每万元服务量", "单件成本(元/件)", "超期件", "代办占比",
    "未诉先办占比",
    "市", "县区", "乡镇街道", "村社区", "全部", "统计周期", "本月", "本季度", "本年", "近12个月",
    "自定义", "对比", "同比", "环比", "无", "事项大类", "受理渠道", "语言",
    "该范围内没有数据", "无权查看该区域", "链接中的参数无效，已恢复默认: {detail}", "下载 CSV", "下载 Excel",
    "先进", "进步", "整改", "一般", "黄榜",
]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_both_languages():
    for key, en in EN.items():
        assert key.strip() and en.strip(), key
        assert _fields(key) == _fields(en), key   # same placeholders, so format() fills both


@pytest.mark.parametrize("key", REQUIRED + list(PRESETS.values()) + list(COMPARE_MODES.values()))
def test_required_keys_are_translated(key):
    assert key in EN


@pytest.mark.parametrize("key, lang, text", [
    ("受理量", "zh", "受理量"),
    ("受理量", "en", "Cases received"),
    ("满意度与考核", "en", "Satisfaction & assessment"),
    ("投入总额(万元)", "en", "Total funds (10k yuan)"),
    ("同比", "en", "Same period last year"),
    ("没有这个键", "zh", "没有这个键"),      # unknown → the key itself
    ("没有这个键", "en", "没有这个键"),
    ("受理量", "fr", "受理量"),             # unknown language → Chinese
])
def test_t(key, lang, text):
    assert t(key, lang) == text


def test_t_formats_and_never_raises():
    key = "链接中的参数无效，已恢复默认: {detail}"
    assert t(key, detail="start=2022-13-01") == "链接中的参数无效，已恢复默认: start=2022-13-01"
    assert t(key, "en", detail="start") == "Invalid link parameter, defaults restored: start"
    assert t(key, other=1) == key                      # a missing value leaves the placeholder
    assert t("未知 {x}", x=1) == "未知 1"
    assert t("坏的 {", x=1) == "坏的 {"


@pytest.mark.parametrize("name, zh, en", [
    ("record_id", "受理编号", "Record ID"),
    ("center_id", "中心编码", "Center code"),
    ("amount_wan", "金额(万元)", "Amount (10k yuan)"),
    ("region_name", "区划名称", "Region"),
    ("category_name", "大类名称", "Category"),
    ("response_rate", "响应率", "Response rate"),
    ("composite_score", "综合成绩", "Composite score"),
    ("total_wan", "投入总额(万元)", "Total funds (10k yuan)"),
    ("unit_cost_yuan", "单件成本(元/件)", "Cost per case (yuan)"),
    ("tier", "评定", "Rating"),
    ("no_such_column", "no_such_column", "no_such_column"),
])
def test_column_label(name, zh, en):
    assert column_label(name, "zh") == zh
    assert column_label(name, "en") == en


def test_every_column_label_has_english():
    for zh in list(STORED_HEADERS.values()) + list(COMPUTED_LABELS.values()):
        assert zh in EN, zh


def test_contract_names_have_one_header():
    # column_label relies on a column name meaning the same header in every kind
    seen = {}
    for kind in contract.KINDS.values():
        for col in kind.columns:
            assert seen.setdefault(col.name, col.header) == col.header, col.name
    # the only names that are both: the two 是/否 fields counted by add_rates, and one same label
    assert set(COMPUTED_LABELS) & set(STORED_HEADERS) == {"contacted", "solved", "category_name"}
    assert column_label("contacted") == "已联系" and column_label("solved", "en") == "Solved"


@pytest.mark.parametrize("n, text", [(1, "1 case open past their deadline, up to 1 working day late"),
                                     (2, "2 cases open past their deadline, up to 2 working days late"),
                                     (11, "11 cases open past their deadline, up to 11 working days late")])
def test_one_takes_the_singular_in_english(n, text):
    from dangqun.i18n import EN

    key = "{n} 件超期未办结，最长超期 {oldest} 个工作日"
    assert EN[key] == "{n} cases open past their deadline, up to {oldest} working days late"
    assert t(key, "en", n=n, oldest=n) == text
    assert t(key, "zh", n=1, oldest=1) == "1 件超期未办结，最长超期 1 个工作日"
    assert t("{n} 件", "en", n=1) == "1 件"           # an untranslated key is left as it is
