"""The 通报 (README 通报生成) as plain data: the report period, the sentences written from the numbers, and
the document's sections. Every number comes from the named queries the dashboard shows (kpi_summary,
monthly_trend, unit_scores, service_items' sibling report_items, funds_*), run through a `run(name,
params)` the caller gives: the page's cached, scoped ui.query or the command line's scoped db.run.
The Word and PDF files are written from the `Report` by dangqun.gbt9704; the page shows it as text."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dangqun import alerts, filters, metric_registry, metrics, periods, regions, topics, workdays
from dangqun.views import funds as funds_view
from dangqun.views import satisfaction as satisfaction_view
from dangqun.views import services as services_view

CONFIG_PATH = Path(__file__).resolve().parent.parent.parent / "config" / "report.toml"
QUARTERS = "一二三四"
HOT_ITEMS = 5          # 热点事项 named in the text
HOT_TOPICS = 3         # topics of 诉求内容 named in the text, the biggest
OVERDUE_UNITS = 5      # units named for their 超期件
REPEATS_NAMED = 5      # residents named for their 重复诉求
ALERT_UNITS = 5        # units named in 预警情况 with the explanation of their severest alert
NUMERALS = "一二三四五六七八九十"
FUTURE_WORK = "【下步工作：此处由起草人填写，系统不生成内容。】"
NO_SURVEY = "本期无有效回访记录，不计算响应率、解决率、满意率和综合成绩。"


class ReportError(ValueError):
    """A report that cannot be made (bad period, region below a county, outside the account's scope)."""


# ── period ──────────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class ReportPeriod:
    kind: str            # month, quarter, year
    period: periods.Period

    @property
    def title_label(self) -> str:
        """As the title writes it: 2022年12月, 2022年第四季度, 2022年."""
        s = self.period.start
        return {"month": f"{s.year}年{s.month}月", "quarter": f"{s.year}年第{QUARTERS[periods.quarter_of(s) - 1]}季度",
                "year": f"{s.year}年"}[self.kind]

    @property
    def text_label(self) -> str:
        """As a sentence opens: 12月, 第四季度, 2022年."""
        s = self.period.start
        return {"month": f"{s.month}月", "quarter": f"第{QUARTERS[periods.quarter_of(s) - 1]}季度",
                "year": f"{s.year}年"}[self.kind]

    @property
    def code(self) -> str:
        s = self.period.start
        return {"month": f"{s.year}-{s.month:02d}", "quarter": f"{s.year}Q{periods.quarter_of(s)}",
                "year": f"{s.year}"}[self.kind]


def parse_period(text: str) -> ReportPeriod:
    """'2022-12' (month), '2022Q4' (quarter), '2022' (year) → ReportPeriod; anything else raises ReportError."""
    text = str(text or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            start = dt.date(year, month, 1)
            return ReportPeriod("month", periods.Period(start, periods.month_end(start)))
    elif m := re.fullmatch(r"(\d{4})Q([1-4])", text):
        start = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
        return ReportPeriod("quarter", periods.Period(start, periods.month_end(periods.add_months(start, 2))))
    elif re.fullmatch(r"\d{4}", text):
        return ReportPeriod("year", periods.Period(dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)))
    raise ReportError(f"通报周期应写成 2022-12（月）、2022Q4（季度）或 2022（年）：{text[:20]}")


def period_options(latest: dt.date, earliest: dt.date) -> list[str]:
    """Codes of the whole months, quarters and years with data, latest first (the page's choices).
    The days may be dates or pandas Timestamps (data_span's)."""
    latest, earliest = pd.Timestamp(latest).date(), pd.Timestamp(earliest).date()
    out = []
    month = periods.month_start(latest)
    while month >= periods.month_start(earliest):
        out.append(f"{month.year}-{month.month:02d}")
        month = periods.add_months(month, -1)
    quarters = sorted({f"{c[:4]}Q{(int(c[5:]) - 1) // 3 + 1}" for c in out}, reverse=True)
    years = sorted({c[:4] for c in out}, reverse=True)
    return out + quarters + years


# ── the words of a comparison ───────────────────────────────────────────────────────────────

def count_word(compare: str) -> str:
    """How a count's change is introduced: 同比 / 环比."""
    return {"yoy": "同比", "mom": "环比"}[compare]


def rate_word(compare: str, kind: str) -> str:
    """How a rate's or a score's change is introduced: 较上年同期, or 较上月 / 较上季度 / 较上年."""
    if compare == "yoy":
        return "较上年同期"
    return {"month": "较上月", "quarter": "较上季度", "year": "较上年"}[kind]


def count_change(now, before, word: str) -> str:
    """'同比上升8.2%', '同比下降3.0%', '同比持平' (unchanged at one decimal); '' when there is nothing to
    compare with (no comparison, or none in the comparison period)."""
    if before is None or not before:
        return ""
    return _change(now, before, word, metrics.fmt_pct(abs(float(now) - float(before)) / float(before)), "0.0%")


def rate_change(now, before, word: str) -> str:
    """'较上月下降1.2个百分点', '较上年同期持平'; '' when either rate is missing."""
    if now is None or before is None:
        return ""
    return _change(now, before, word, metrics.fmt_num(abs(now - before) * 100, 1), "0.0", "个百分点")


def score_change(now, before, word: str) -> str:
    """'较上年同期上升1.25分'; '较上月持平' at two decimals; '' when either is missing."""
    if now is None or before is None:
        return ""
    return _change(now, before, word, metrics.fmt_score(abs(now - before)), "0.00", "分")


def _change(now, before, word: str, shown: str, zero: str, unit: str = "") -> str:
    """The sentence of a change whose size is written `shown`: 持平 when it reads as `zero` at the shown
    precision, else 上升 / 下降 by the sign."""
    if shown == zero:
        return f"{word}持平"
    return f"{word}{'上升' if now > before else '下降'}{shown}{unit}"


def _clause(text: str) -> str:
    return f"，{text}" if text else ""


# ── 一、基本情况: one sentence per measure ────────────────────────────────────────────────────

def area_word(region_name: str, level: int) -> str:
    """全市 / 全县 / 全区 / 全省 from the region's own name (东港市 is a county-level 市)."""
    last = region_name[-1:] if region_name else ""
    return "全" + (last if last in "省市县区旗" else regions.LEVEL_NAMES[level])


def sentence_received(when: str, area: str, now: dict, before: dict | None, word: str) -> str:
    return (f"{when}{area}共受理群众诉求{metrics.fmt_int(now['received'])}件"
            f"{_clause(count_change(now['received'], (before or {}).get('received'), word))}。")


def sentence_registered(now: dict, before: dict | None, word: str) -> list[str]:
    """A sentence for each count the metric registry has the 通报 state (metric_registry, REPORT), from its
    entry's wording: '其中代办1,234件，同比上升5.2%。'."""
    return [m.report.format(value=metrics.fmt_int(metrics.value(m.key, now)),
                            change=_clause(count_change(metrics.value(m.key, now),
                                                        metrics.value(m.key, before) if before else None, word)))
            + "。" for m in metric_registry.shown_in(metric_registry.REPORT)]


def sentence_closed(now: dict, before: dict | None, word: str) -> str:
    rate = metrics.value("close_rate", now)
    prev = metrics.value("close_rate", before) if before else None
    return (f"办结{metrics.fmt_int(now['closed'])}件，办结率{metrics.fmt_pct(rate)}"
            f"{_clause(rate_change(rate, prev, word))}。")


def sentence_on_time(now: dict, before: dict | None, word: str) -> str:
    rate = metrics.value("on_time_rate", now)
    prev = metrics.value("on_time_rate", before) if before else None
    return (f"按期办结{metrics.fmt_int(now['closed_on_time'])}件，按期办结率{metrics.fmt_pct(rate)}"
            f"{_clause(rate_change(rate, prev, word))}。")


def sentence_rates(now: dict, before: dict | None, word: str, cfg: metrics.MetricsConfig) -> str:
    """The 三率 over 有效回访; NO_SURVEY (said once, instead of both this and the score) without any."""
    if not now["valid"]:
        return NO_SURVEY
    r = _rates(now, cfg)
    b = _rates(before, cfg) if before and before["valid"] else {}
    parts = []
    for key, label in satisfaction_view.RATE_LABELS.items():
        change = rate_change(r[key], b.get(key), word)
        parts.append(f"{label}{metrics.fmt_pct(r[key])}" + (f"（{change}）" if change else ""))
    return f"有效回访{metrics.fmt_int(now['valid'])}件，" + "、".join(parts) + "。"


def sentence_score(now: dict, before: dict | None, word: str, cfg: metrics.MetricsConfig) -> str:
    """'' without 有效回访 (NO_SURVEY has said so)."""
    if not now["valid"]:
        return ""
    score = _rates(now, cfg)["composite_score"]
    prev = _rates(before, cfg)["composite_score"] if before and before["valid"] else None
    return f"综合成绩{metrics.fmt_score(score)}分{_clause(score_change(score, prev, word))}。"


def sentence_funds(now: dict, before: dict | None, years: str, before_years: str | None) -> str:
    """Funds count by fiscal year (as on the 资金投入 page), so a change is stated only against other years."""
    change = ""
    if before is not None and before_years and before_years != years:
        change = count_change(float(now["funds_wan"]), float(before["funds_wan"] or 0), f"较{before_years}年度")
    return (f"{years}年度各中心投入资金{metrics.fmt_wan(now['funds_wan'])}万元"
            f"{_clause(change)}，现有党群服务中心（站）{metrics.fmt_int(now['centers'])}个。")


def _rates(row: dict, cfg) -> dict:
    return metrics.rates(row["contacted"], row["solved"], row["satisfied"], row["basic"], row["valid"], cfg)


def _years(p: periods.Period) -> str:
    return str(p.start.year) if p.start.year == p.end.year else f"{p.start.year}—{p.end.year}"


# ── the document as data ────────────────────────────────────────────────────────────────────

@dataclass
class Block:
    kind: str                  # heading1, heading2, para, placeholder, chart, table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)   # table: header row first
    data: pd.DataFrame | None = None                      # chart: the frame it draws


@dataclass
class Report:
    title: str
    organ: str
    date: str
    region: str
    region_name: str
    period: ReportPeriod
    compare: str
    blocks: list[Block]
    numbers: dict             # the figures the text states, for the tests and the page's cards
    red_header: str = ""
    doc_number: str = ""

    @property
    def file_stem(self) -> str:
        return f"{self.region_name}{self.period.title_label}通报"


def load_config(path=None) -> dict:
    with open(path or CONFIG_PATH, "rb") as fh:
        return tomllib.load(fh)


def check_region(region: str, scope: str | None) -> str:
    """The 12-digit region of a report: county level or above (a 通报 goes to the units one level down)
    and inside the account's scope (None: everything)."""
    try:
        code = regions.normalise_code(region)
    except regions.BadRegionCode as exc:
        raise ReportError(str(exc)) from None
    if scope is not None and not regions.contains(scope, code):
        raise ReportError("无权查看该区域")
    if regions.level_of(code) > 2:
        raise ReportError("通报按县（市、区）及以上地区生成，请选择县（市、区）、市或全省")
    return code


def build(run, region: str, region_name: str, rp: ReportPeriod, compare: str = "yoy",
          cfg: metrics.MetricsConfig | None = None, config: dict | None = None,
          today: dt.date | None = None, *, store) -> Report:
    """The report of `region` (12 digits, checked by check_region) for `rp`. `run(name, params)` runs
    a named query under the caller's scope and returns its DataFrame; `store(period)` stores a month's
    alerts (alerts.ensure on a connection that may write) and returns its alerts.Stored."""
    cfg = cfg or metrics.load_config()
    config = config or load_config()
    issuer = issuer_of(region, region_name, config)
    prefix = regions.prefix(region)
    level = regions.level_of(region)
    p = rp.period
    before_p = periods.comparison_period(p, compare) if compare != "none" else None
    base = {"region": prefix, "category": "", "channel": "", "as_of": None}
    params = dict(base, start=p.start, end=p.end)
    # the comparison period counted like with like: its cases as they stood as long after its end as the
    # data run after this period's end (README「同口径对比」)
    last = run("data_span", {})["last_day"].iloc[0]
    vintage = periods.vintage(p, before_p, pd.Timestamp(last).date() if pd.notna(last) else None)
    before_params = (dict(base, start=before_p.start, end=before_p.end, as_of=vintage.as_of if vintage else None)
                     if before_p else None)
    child = filters.child_digits(region)

    now = run("kpi_summary", params).iloc[0].to_dict()
    before = run("kpi_summary", before_params).iloc[0].to_dict() if before_params else None
    trend_p = periods.Period(periods.add_months(p.start, -11) if rp.kind == "month" else
                             (periods.add_months(p.start, -9) if rp.kind == "quarter" else p.start), p.end)
    trend = metrics.add_rates(run("monthly_trend", dict(base, start=trend_p.start, end=trend_p.end)), cfg)
    units_now = run("unit_scores", dict(params, child_digits=child))
    units_before = run("unit_scores", dict(before_params, child_digits=child)) if before_params else None
    ranking = satisfaction_view.ranking(units_now, units_before, cfg)
    items = metrics.add_rates(_survey_ready(run("report_items", dict(
        start=p.start, end=p.end, region=prefix, max_rows=HOT_ITEMS))), cfg)
    fund_params = {"region": prefix, "start": p.start, "end": p.end}
    by_source = run("funds_by_source", fund_params)
    by_purpose = run("funds_by_purpose", fund_params)
    unit_funds = funds_view.add_costs(run("funds_by_unit", dict(params, child_digits=child)))
    month_topics: list[pd.DataFrame] = []
    found, repeats = period_alerts(run, store, region, p, month_topics)
    ab_params = dict(params, off_days=workdays.off_days(p.start, p.end))
    ab_centers = run("ab_center_hours", ab_params)
    ab_hours = run("ab_receipt_hours", ab_params) if len(ab_centers) else None

    area = area_word(region_name, level)
    word_c = count_word(compare) if before else ""
    word_r = rate_word(compare, rp.kind) if before else ""
    b = before if before else None
    basic = [sentence_received(rp.text_label, area, now, b, word_c), *sentence_registered(now, b, word_c),
             sentence_closed(now, b, word_r),
             sentence_on_time(now, b, word_r), sentence_rates(now, b, word_r, cfg),
             sentence_score(now, b, word_r, cfg),
             sentence_funds(now, b, _years(p), _years(before_p) if before_p else None)]
    blocks = [Block("heading1", "基本情况"), Block("para", "".join(s for s in basic if s))]
    blocks += ab_post_blocks(ab_centers, ab_hours, area)
    blocks += [Block("chart", "图1 月度受理量与满意率", data=trend)]
    blocks += ranking_blocks(ranking, level, cfg)
    topic_rows = period_topics(month_topics)
    blocks += hot_blocks(items, units_now, now, repeats, topic_rows=topic_rows, kind=rp.kind)
    blocks += alert_blocks(found, rp)
    blocks += funds_blocks(by_source, by_purpose, unit_funds, level)
    blocks += [Block("heading1", "下步工作"), Block("placeholder", FUTURE_WORK)]
    blocks += notes_blocks(compare if before else "none", vintage, rp, _years(p), topics_named=not topic_rows.empty)
    number_headings(blocks)
    blocks += [Block("heading1", "附件"), Block("para", f"{region_name}{rp.title_label}下级单位考核排名"),
               Block("table", rows=annex_rows(ranking))]

    numbers = {"closed": int(now["closed"]), "closed_on_time": int(now["closed_on_time"]), "valid": int(now["valid"]),
               **{m.key: metrics.value(m.key, now, cfg) for m in metric_registry.summarised()},
               "units": len(ranking), "alerts": alert_counts(found), "repeats": len(repeats)}
    return Report(
        title=f"{region_name}{rp.title_label}村（社区）党群服务中心运行情况通报",
        organ=issuer["organ"], date=issuer.get("date") or cn_date(today or dt.date.today()),
        region=region, region_name=region_name, period=rp, compare=compare if before else "none",
        blocks=blocks, numbers=numbers, red_header=issuer.get("red_header", ""),
        doc_number=issuer.get("doc_number", ""))


def issuer_of(region: str, region_name: str, config: dict) -> dict:
    """Who signs the report of `region`: its organization department by the region dictionary's name (中共东港市委
    组织部, 中共辽宁省委组织部), unless config/report.toml's [issuer.regions.<code>] says otherwise; the date,
    red header and document number likewise per region, the date falling back to [issuer] date."""
    issuer = config.get("issuer", {})
    own = next((v for k, v in issuer.get("regions", {}).items() if str(k).ljust(12, "0") == region), {})
    return {"organ": own.get("organ") or f"中共{region_name}委组织部",
            "date": own.get("date") or issuer.get("date", ""),
            "red_header": own.get("red_header", ""), "doc_number": own.get("doc_number", "")}


def notes_blocks(compare: str, vintage, rp: ReportPeriod, years: str, topics_named: bool = False) -> list[Block]:
    """说明: what the figures count, where a reader could take them otherwise."""
    notes = ["本通报统计全部事项大类和受理渠道的服务记录，按受理时间计入统计周期。"]
    if vintage is not None:
        word = "同比" if compare == "yoy" else "环比"
        after = f"期末后{vintage.days}天" if vintage.days else "期末"
        notes.append(f"{word}按同口径：本期数据截至{after}，对比期的办结、按期办结、超期和回访也只统计到其{after}"
                     f"（{cn_date(vintage.as_of)}）。")
    if rp.kind != "year":
        notes.append(f"资金按年度统计（{years}年度）；每万元服务量按本期分摊的资金计算，"
                     "即年度资金按本期天数占全年天数的比例折算。")
    if topics_named:
        notes.append("热点问题中的各类诉求，是把每月诉求内容中说同一件事（同一地点或事物、同一问题）的诉求归为一类后计数，"
                     "类名取这些诉求共同的词。")
    notes.append("预警的判定依据见看板「预警」页。")
    return [Block("para", "说明：" + "".join(f"{i}. {n}" for i, n in enumerate(notes, 1)))]


def _survey_ready(items: pd.DataFrame) -> pd.DataFrame:
    # add_rates wants contacted and solved; the 热点 table states only 满意率
    return items.assign(contacted=items["valid"], solved=items["valid"])


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _names(df: pd.DataFrame) -> str:
    return "、".join(df["unit_name"].astype(str)) if len(df) else "无"


def ab_post_blocks(centers: pd.DataFrame, hours: pd.DataFrame | None, area: str) -> list[Block]:
    """One paragraph on night and holiday service where the region has 24-hour AB-post centers (README
    「24 小时服务（AB岗）」; ab_center_hours and ab_receipt_hours of the period): what they received at 夜间 or on
    节假日 against the other centers' share, and how many served then no more than the others, or never."""
    if centers.empty:
        return []
    received, off = int(centers["received"].sum()), int(centers["off_hours"].sum())
    others = services_view.others_off_hours_share(hours)
    ranking = services_view.ab_center_ranking(centers, others)
    text = (f"{area}{len(centers)}个24小时AB岗中心本期受理{metrics.fmt_int(received)}件，其中夜间（20时至次日8时）"
            f"或节假日受理{metrics.fmt_int(off)}件，占{metrics.fmt_pct(metrics.ratio(off, received))}")
    text += f"（其他中心占{metrics.fmt_pct(others)}）" if others is not None else ""
    never = int((ranking["remark"] == services_view.NEVER_OFF_HOURS).sum())
    no_higher = int((ranking["remark"] == services_view.NO_HIGHER).sum())
    parts = ([f"{never}个AB岗中心从未在夜间或节假日受理"] if never else []) + \
            ([f"{no_higher}个AB岗中心夜间或节假日受理的占比不高于其他中心"] if no_higher else [])
    text += f"；有{'，'.join(parts)}" if parts else ""
    return [Block("para", text + "。")]


def ranking_blocks(ranking: pd.DataFrame, level: int, cfg: metrics.MetricsConfig) -> list[Block]:
    """二、考核排名: the ranked units, 红榜 (先进、进步), 黄榜 (rates under the line, named), 整改."""
    unit_word = regions.LEVEL_NAMES[level + 1] if level < 4 else "中心"
    ranked = ranking[ranking["rank"].notna()]
    out = [Block("heading1", "考核排名")]
    if ranked.empty:
        out.append(Block("para", f"本期没有有效回访达到{cfg.min_valid}件的{unit_word}，不排名、不评定红黄榜。"))
        return out
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    out.append(Block("para", (
        f"按综合成绩对{len(ranked)}个{unit_word}排名（有效回访不少于{cfg.min_valid}件），"
        f"{top['unit_name']}以{metrics.fmt_score(top['composite_score'])}分居首，"
        f"{bottom['unit_name']}以{metrics.fmt_score(bottom['composite_score'])}分居末，排名全表见附件。")))
    out.append(Block("chart", "图2 下级单位综合成绩排名", data=ranked))
    out.append(Block("heading2", "（一）红榜"))
    progress = ranking[ranking["tier"] == metrics.TIER_PROGRESS]
    moves = "、".join(f"{r.unit_name}（由第{int(r.prev_rank)}名升至第{int(r.rank)}名）" for r in progress.itertuples())
    out.append(Block("para", f"先进：{_names(ranking[ranking['tier'] == metrics.TIER_ADVANCED])}。"
                             f"进步：{moves or '无'}。"))
    out.append(Block("heading2", "（二）黄榜"))
    yellow = ranking[ranking["flagged_yellow"]]
    named = "；".join(f"{r['unit_name']}（{satisfaction_view.flag_text(r, cfg=cfg).lstrip(satisfaction_view.FLAG).strip()}"
                     f"低于{metrics.fmt_pct(cfg.yellow_below, 0)}）" for _, r in yellow.iterrows())
    out.append(Block("para", f"响应率、解决率、满意率任一项低于{metrics.fmt_pct(cfg.yellow_below, 0)}的{unit_word}"
                             f"{len(yellow)}个" + (f"：{named}。" if named else "。")))
    out.append(Block("heading2", "（三）整改"))
    out.append(Block("para", f"三率任一项低于{metrics.fmt_pct(cfg.rectify_below, 0)}、列为整改的{unit_word}："
                             f"{_names(ranking[ranking['tier'] == metrics.TIER_RECTIFY])}。"))
    return out


def period_topics(month_topics: list[pd.DataFrame]) -> pd.DataFrame:
    """The period's topics of 诉求内容 from each month's (topics.listing with its period): a matter found in
    several months once, its months' counts summed, hot in any month first, then biggest first, with the
    town most of it lies in (its last month's); empty where no month has texts."""
    got = [m for m in month_topics if len(m)]
    if not got:
        return pd.DataFrame(columns=["topic_key", "label", "count", "previous", "months", "hot"])
    rows = pd.concat(got, ignore_index=True).sort_values(["period", "topic_key"])
    out = rows.groupby(["topic_key", "label"], sort=False).agg(
        count=("count", "sum"), previous=("previous", "first"), months=("period", list), hot=("hot", "any"),
        town=("towns", lambda t: t.iloc[-1][0] if len(t.iloc[-1]) else ""),
        spread=("towns", lambda t: len(t.iloc[-1])))
    return (out.reset_index().sort_values(["hot", "count", "topic_key"], ascending=[False, False, True])
            .reset_index(drop=True))


def topic_sentence(found: pd.DataFrame, kind: str) -> str:
    """The 热点问题 sentence naming the first topics of 诉求内容 (period_topics' order) with their counts and,
    for a month, the month before's similar requests (else the months it was found in): the hot ones as
    反映集中的问题 with the town most of each lies in, then, up to HOT_TOPICS, the biggest others with how
    many towns they span — a question asked all over a county is not said to be concentrated in one town.
    Empty where the period's records carry no 诉求内容."""
    if found.empty:
        return ""
    hot = found[found["hot"]].head(HOT_TOPICS)
    rest = found[~found["hot"]].head(HOT_TOPICS - len(hot))

    def one(r, where: str) -> str:
        if kind != "month":
            when = "、".join(f"{int(m[5:])}月" for m in r.months)
        else:
            when = f"上月{metrics.fmt_int(r.previous)}件" if r.previous else "上月没有"
        return f"“{r.label}”{metrics.fmt_int(r.count)}件（{'，'.join(x for x in (where, when) if x)}）"

    said = ""
    if len(hot):
        said += ("群众诉求中反映集中的问题（说同一件事的诉求归为一类）：" + "、".join(one(r, r.town) for r in hot.itertuples())
                 + "。")
    if len(rest):
        said += (("诉求较多的还有：" if len(hot) else "群众诉求中件数较多的问题（说同一件事的诉求归为一类）：")
                 + "、".join(one(r, f"分布在{r.spread}个乡镇街道" if r.spread > 1 else r.town)
                            for r in rest.itertuples()) + "。")
    return said


def hot_blocks(items: pd.DataFrame, units: pd.DataFrame, now: dict, repeats: pd.DataFrame | None = None,
               acfg: alerts.AlertConfig | None = None, topic_rows: pd.DataFrame | None = None,
               kind: str = "month") -> list[Block]:
    """三、热点问题: the biggest topics of 诉求内容 where the records carry it; the most asked items with their
    满意率; the 超期件 by unit; the 重复诉求 where the data has them (repeat_summary's rows of the period,
    residents as stored: masked)."""
    out = [Block("heading1", "热点问题")]
    said = topic_sentence(topic_rows, kind) if topic_rows is not None else ""
    if said:
        out.append(Block("para", said))
    if items.empty:
        out.append(Block("para", "本期没有受理记录。"))
    else:
        named = "、".join(f"{r.item_name}（{metrics.fmt_int(r.received)}件，满意率{metrics.fmt_pct(r.satisfaction_rate)}）"
                         if r.valid else f"{r.item_name}（{metrics.fmt_int(r.received)}件，无有效回访）"
                         for r in items.itertuples())
        out.append(Block("para", f"受理量居前{len(items)}位的事项是：{named}。"))
    overdue = int(now.get("overdue", 0) or 0)
    late = units[units["overdue"] > 0].sort_values(["overdue", "unit_code"], ascending=[False, True])
    if overdue == 0:
        out.append(Block("para", "本期没有超期件。"))
    else:
        shown = late.head(OVERDUE_UNITS)
        named = "、".join(f"{r.unit_name}{metrics.fmt_int(r.overdue)}件" for r in shown.itertuples())
        more = f"等{len(late)}个单位" if len(late) > len(shown) else ""
        out.append(Block("para", f"超期件共{metrics.fmt_int(overdue)}件，主要分布在{named}{more}。"))
    if repeats is not None and len(repeats):
        acfg = acfg or alerts.load_config()
        shown = repeats.head(REPEATS_NAMED)
        named = "、".join(f"{r.who}就“{r.item_name}”{r.n}次（{r.unit_name}）" for r in shown.itertuples())
        more = f"等{len(repeats)}人次" if len(repeats) > len(shown) else ""
        out.append(Block("para", f"重复诉求（同一服务对象在同一乡镇街道就同一事项{acfg.repeat.window_days}天内诉求"
                                 f"{acfg.repeat.min_count}次及以上）共{len(repeats)}人次：{named}{more}。"))
    return out


# ── 预警情况: the alerts of the period's months, as the 预警 page computes them ────────────────────

def period_alerts(run, store, region: str, p: periods.Period,
                  month_topics: list | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The alerts of every month of `p` (each as the 预警 page shows that month, without statuses) and the
    period's 重复诉求: each resident, 事项 and town once, with the most cases any month counted, most first
    (see build for `run` and `store`); each month's topics of 诉求内容 appended to `month_topics` if given."""
    found, repeats = [], []
    month = periods.month_start(p.start)
    while month <= p.end:
        stored = store(alerts.period_of(month))
        found.append(alerts.listing(run, region, stored))
        if month_topics is not None:
            month_topics.append(topics.listing(run, region, stored).assign(period=stored.period))
        # the month's 重复诉求 as stored with its alerts (the region is a county or above: its towns' alerts whole)
        repeats.append(alerts.stored_repeat_summary(run("alert_list", {
            "region": regions.prefix(region), "period": stored.period, "run_key": stored.key})))
        month = periods.add_months(month, 1)
    found = pd.concat(found, ignore_index=True)
    repeats = pd.concat(repeats, ignore_index=True)
    repeats = (repeats.sort_values(["n", "last", "resident_hash", "item_code", "unit_code"],
                                   ascending=[False, False, True, True, True])
               .drop_duplicates(["resident_hash", "item_code", "unit_code"]).reset_index(drop=True))
    return found, repeats


def alert_counts(found: pd.DataFrame) -> dict[str, int]:
    """rule → alerts of the period, every rule (as the 预警 page's cards)."""
    return {rule: int((found["rule"] == rule).sum()) for rule in alerts.RULES}


# the rule that picks the units 预警情况 names, stated in the text as it is applied in alert_units
ALERT_UNITS_RULE = "有“高”级预警或预警2条及以上的单位，先按“高”级预警条数、再按预警总条数排列，同等的按区划代码"


def alert_units(found: pd.DataFrame) -> pd.DataFrame:
    """The units that need attention (ALERT_UNITS_RULE; 热点 excluded: the 热点问题 section names them), in
    that rule's order: unit_code, unit_name, n (alerts), high (of them 高), by_rule ('诉求突增2条、超期积压1条',
    every alert of the unit counted by rule) and the fields of its severest alert (evaluate's order:
    severity, rule), whose first line (numbers) says what happened."""
    mine = found[found["rule"] != "hotspot"]
    if mine.empty:
        return mine.assign(n=pd.Series(dtype=int), high=pd.Series(dtype=int), by_rule=pd.Series(dtype=str))
    rank = {s: i for i, s in enumerate(alerts.SEVERITIES)}
    ordered = mine.assign(_s=mine["severity"].map(rank)).sort_values(["_s", "period", "unit_code"], kind="stable")
    first = ordered.drop_duplicates("unit_code").set_index("unit_code")
    n = mine.groupby("unit_code").size().rename("n")
    high = (mine["severity"] == alerts.SEVERITIES[0]).groupby(mine["unit_code"]).sum().astype(int).rename("high")
    units = first.join(n).join(high).reset_index()
    units = units[(units["high"] > 0) | (units["n"] >= 2)]
    # counted once for all units, worded for the kept ones only: a province's month has thousands of alerts
    counted = mine.groupby(["unit_code", "rule"]).size().to_dict()
    units = units.assign(by_rule=["、".join(f"{alerts.RULES[r]}{counted[(u, r)]}条" for r in alerts.RULES
                                           if (u, r) in counted) for u in units["unit_code"]])
    return (units.sort_values(["high", "n", "unit_code"], ascending=[False, False, True]).drop(columns="_s")
            .reset_index(drop=True))


def alert_line(r) -> str:
    """What an alert says in a 公文: its subject and its first line, numbers run in (no spaces)."""
    if " · " in r.subject_name:          # 重复诉求: the resident · the 事项
        who, item = r.subject_name.split(" · ", 1)
        text = f"{who}就“{item}”{r.numbers}"
    else:
        text = (f"“{r.subject_name.strip('“”')}”" if r.subject_name else "") + r.numbers
    return re.sub(r"\s+", "", text)


def alert_blocks(found: pd.DataFrame, rp: ReportPeriod) -> list[Block]:
    """预警情况, only when the period has alerts: how many by rule, and the units that need attention
    (ALERT_UNITS_RULE), each with all its alerts counted by rule and what its severest one says, in plain
    words: the statistics behind an alert are on the 预警 page, never in the body of a 公文."""
    if found.empty:
        return []
    counts = alert_counts(found)
    parts = "、".join(f"{name}{metrics.fmt_int(counts[rule])}条" for rule, name in alerts.RULES.items()
                      if counts[rule])
    how = "" if rp.kind == "month" else "（逐月计算后合计）"
    out = [Block("heading1", "预警情况"),
           Block("para", f"{rp.text_label}共有预警{metrics.fmt_int(len(found))}条{how}：{parts}。"
                         "各条预警的数字与判定依据见看板「预警」页。")]
    units = alert_units(found)
    if units.empty:
        out.append(Block("para", f"没有需要重点关注的单位（{ALERT_UNITS_RULE.split('，')[0]}）。"))
    else:
        shown = units.head(ALERT_UNITS)
        more = f"，下面列出前{len(shown)}个" if len(units) > len(shown) else ""
        out.append(Block("para", f"需要重点关注的单位{len(units)}个（{ALERT_UNITS_RULE}）{more}："))
        for r in shown.itertuples():
            when = "" if rp.kind == "month" else f"{int(r.period[5:7])}月的"
            if r.n == 1:
                out.append(Block("para", f"{r.unit_name}（{when}{r.rule_name}）：{alert_line(r)}。"))
            else:
                out.append(Block("para", f"{r.unit_name}（{r.n}条）：{r.by_rule}；"
                                         f"最突出的是{when}{r.rule_name}：{alert_line(r)}。"))
    return out


def number_headings(blocks: list[Block]) -> None:
    """一、二、… before each first-level heading but the 附件, in order (预警情况 is there only with alerts)."""
    i = 0
    for block in blocks:
        if block.kind == "heading1" and block.text != "附件":
            block.text = f"{NUMERALS[i]}、{block.text}"
            i += 1


def funds_blocks(by_source: pd.DataFrame, by_purpose: pd.DataFrame, units: pd.DataFrame, level: int) -> list[Block]:
    """四、资金投入: by source and by purpose with shares; 每万元服务量 of the units, highest and lowest."""
    out = [Block("heading1", "资金投入")]
    total = float(by_source["amount_wan"].sum()) if len(by_source) else 0.0
    if not total:
        out.append(Block("para", "本期所属年度没有资金投入记录。"))
        return out

    def parts(df, col):
        return "、".join(f"{r[col]}{metrics.fmt_wan(r['amount_wan'])}万元（占{metrics.fmt_pct(float(r['amount_wan']) / total)}）"
                         for _, r in df.iterrows())
    out.append(Block("para", f"按资金来源：{parts(by_source, 'fund_source')}。按资金用途：{parts(by_purpose, 'purpose')}。"))
    rated = units.dropna(subset=["per_wan"]).sort_values(["per_wan", "unit_code"], ascending=[False, True])
    if len(rated):
        hi, lo = rated.iloc[0], rated.iloc[-1]
        unit_word = regions.LEVEL_NAMES[level + 1] if level < 4 else "中心"
        out.append(Block("para", (
            f"每万元服务量（本期受理量 ÷ 本期分摊的资金）最高的{unit_word}是{hi['unit_name']}（{metrics.fmt_num(hi['per_wan'], 2)}件），"
            f"最低的是{lo['unit_name']}（{metrics.fmt_num(lo['per_wan'], 2)}件）。")))
    return out


ANNEX_HEADER = ["名次", "单位", "受理量", "有效回访", "响应率", "解决率", "满意率", "综合成绩", "评定", "黄榜"]


def annex_rows(ranking: pd.DataFrame) -> list[list[str]]:
    rows = [ANNEX_HEADER]
    for _, r in ranking.iterrows():
        rows.append([str(int(r["rank"])) if pd.notna(r["rank"]) else "不排名", str(r["unit_name"]),
                     metrics.fmt_int(r["received"]), metrics.fmt_int(r["valid"]),
                     *(metrics.fmt_pct(r[c]) for c in satisfaction_view.RATE_LABELS),
                     metrics.fmt_score(r["composite_score"]) if pd.notna(r["composite_score"]) else metrics.DASH,
                     r["tier"] if isinstance(r["tier"], str) else metrics.DASH,
                     "是" if r["flagged_yellow"] else ""])
    return rows
