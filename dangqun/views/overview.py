"""The 总览 KPI cards: values, deltas against the comparison period and the parts behind each rate."""
from __future__ import annotations

from dataclasses import dataclass, replace

from dangqun import metric_registry, metrics
from dangqun.i18n import t
from dangqun.views import funds as funds_view


@dataclass(frozen=True)
class Card:
    label: str        # the Chinese KPI label (translated when the interface is English)
    value: str
    delta: str | None
    help: str
    target: str | None = None        # '目标 ≥ 90%：已达成' when config/metrics.toml [targets] sets one
    target_met: bool | None = None   # None: no target, or no value to judge
    delta_color: str = "normal"      # st.metric's: "off" for a delta of 持平 (shown without arrow or colour)


def target_fields(key: str, value, targets: dict, lang: str) -> dict:
    """Card fields (target, target_met) for the target of `key` (metrics.targets), if one is set."""
    if key not in targets:
        return {}
    goal = metrics.fmt_target(key, targets[key], lang)
    if value is None:
        return {"target": t("目标 ≥ {goal}", lang, goal=goal)}
    met = bool(metrics.at_least(value, targets[key]))
    return {"target": t("目标 ≥ {goal}：{verdict}", lang, goal=goal, verdict=t("已达成" if met else "未达成", lang)),
            "target_met": met}


# a change that rounds to nothing at the precision shown (+0.0 个百分点, +0.00 分, +0.0%): neither up nor
# down, so no sign, no arrow and no colour (Card.delta_color "off")
FLAT = "持平"


def _signed(diff: str, unit: str, lang) -> str:
    """`diff` (formatted, with its own minus) with a plus when above zero, or 持平 when every digit shown is 0."""
    if not any(c in "123456789" for c in diff):
        return t(FLAT, lang)
    return ("" if diff.startswith("-") else "+") + diff + unit


def _count_delta(now, before, lang="zh") -> str | None:
    r = metrics.ratio(now - before, before) if before else None
    return None if r is None else _signed(metrics.fmt_pct(r), "", lang)


def _rate_delta(now, before, lang) -> str | None:
    if now is None or before is None:
        return None
    return _signed(metrics.fmt_num((now - before) * 100, 1), t(" 个百分点", lang), lang)


def _points_delta(now, before, lang) -> str | None:
    if now is None or before is None:
        return None
    return _signed(metrics.fmt_num(now - before, 2), t(" 分", lang), lang)


# the word for a comparison in the notes (同比 / 环比; an explicit period is 对比)
MODE_WORDS = {"yoy": "同比", "mom": "环比", "custom": "对比"}


def vintage_note(v, mode: str, lang: str = "zh") -> str | None:
    """What a comparison counts, said where its numbers are (README「同口径对比」); `v` a periods.Vintage or
    None (nothing cut: no note)."""
    if v is None:
        return None
    mode = t(MODE_WORDS.get(mode, "对比"), lang)
    if not v.days:
        return t("{mode}按同口径：本期数据截至期末，对比期的办结、超期和回访也只统计到其期末（{as_of}）", lang,
                 mode=mode, as_of=metrics.fmt_date(v.as_of))
    return t("{mode}按同口径：本期数据截至期末后 {days} 天，对比期的办结、超期和回访也只统计到其期末后 {days} 天（{as_of}）",
             lang, mode=mode, days=v.days, as_of=metrics.fmt_date(v.as_of))


def _years(period) -> str:
    s, e = period.start.year, period.end.year
    return str(s) if s == e else f"{s}–{e}"


def _plain_card(m, now: dict, before: dict | None, lang: str, cfg, targets: dict, later) -> Card:
    """The card of a count or a simple rate, wholly from its registry entry."""
    value = metrics.value(m.key, now, cfg)
    prev = metrics.value(m.key, before, cfg) if before and m.compare else None
    if m.rate:
        return Card(t(m.label, lang), metrics.fmt_pct(value),
                    _rate_delta(value, prev, lang) if before else None,
                    later(t(m.help, lang, parts=metrics.fmt_ratio_hover(now[m.num], now[m.den]))),
                    **(target_fields(m.key, value, targets, lang) if m.target else {}))
    return Card(t(m.label, lang), metrics.fmt_int(value),
                _count_delta(value, prev, lang) if before and m.compare else None, t(m.help, lang))


def _satisfaction_card(m, now, before, lang, cfg, targets, later) -> Card:
    value, prev = metrics.value(m.key, now, cfg), metrics.value(m.key, before, cfg) if before else None
    parts = metrics.fmt_ratio_hover(metrics.satisfied_weighted(now["satisfied"], now["basic"], cfg), now["valid"])
    return Card(t(m.label, lang), metrics.fmt_survey_pct(value, now["valid"], lang),
                _rate_delta(value, prev, lang) if before else None,
                later(metrics.satisfaction_formula(parts, lang, cfg)), **target_fields(m.key, value, targets, lang))


def _score_card(m, now, before, lang, cfg, targets, later) -> Card:
    value, prev = metrics.value(m.key, now, cfg), metrics.value(m.key, before, cfg) if before else None
    return Card(t(m.label, lang), metrics.fmt_survey_score(value, now["valid"], lang),
                _points_delta(value, prev, lang) if before else None,
                later(metrics.composite_formula(lang, cfg)), **target_fields(m.key, value, targets, lang))


def _funds_card(m, now, before, lang, period, compare) -> Card:
    b = before or {}
    return Card(
        t(funds_view.total_label(period), lang), metrics.fmt_wan(now["funds_wan"]),
        _count_delta(float(now["funds_wan"]), float(b.get("funds_wan") or 0), lang)
        if before and (period is None or funds_view.comparable(period, compare)) else None,
        t("按资金年度统计，含所选范围内各中心的全部资金来源", lang) if funds_view.whole_years(period) else
        t("按资金年度统计：所选周期所含年度（{years}）的全部资金，不按季度或日期截取；与对比期同属一个年度时不作比较",
          lang, years=_years(period)))


def cards(now: dict, before: dict | None, lang: str = "zh", cfg: metrics.MetricsConfig | None = None,
          targets: dict | None = None, period=None, compare=None, vintage_note: str | None = None,
          records_filtered: bool = False) -> list[Card]:
    """The cards of the metrics the registry shows on 总览 (metric_registry, CARDS), in its order.
    `now`/`before`: one row of the kpi_summary query as a dict (before None: no comparison);
    `cfg`: the weights and factors (config/metrics.toml), which the help texts state; `targets`:
    metric → target (default metrics.targets()), judged on the rate and score cards; `period` and
    `compare` (periods.Period): the funds card is named and compared by fiscal year (views.funds);
    `vintage_note`: how the comparison period was counted, added to the help of the rates it changes;
    `records_filtered`: a 事项大类 or 受理渠道 filter is on, which funds and activities cannot follow, so their
    cards are left out rather than shown unfiltered beside filtered ones."""
    cfg = cfg or metrics.load_config()
    targets = metrics.targets() if targets is None else targets
    later = (lambda text: f"{text}。{vintage_note}" if vintage_note and before else text)   # cards the cutoff changes
    special = {"satisfaction_rate": _satisfaction_card, "composite_score": _score_card}
    out = []
    for m in metric_registry.shown_in(metric_registry.CARDS):
        if records_filtered and not m.follows_filters:
            continue
        if m.key == "funds_wan":
            card = _funds_card(m, now, before, lang, period, compare)
        else:
            card = special.get(m.key, _plain_card)(m, now, before, lang, cfg, targets, later)
        out.append(replace(card, delta_color="off") if card.delta == t(FLAT, lang) else card)
    return out
