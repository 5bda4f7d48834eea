"""The one list of the metrics the pages show, without Streamlit (README「新增指标 / Adding a metric」).

Each metric is declared here once: its key (the column name in query results, downloads and
config/metrics.toml [targets]), its Chinese and English labels, its unit, the SQL count columns it is made
of, which way is better, whether a target may be set for it, and where it appears. The 总览 cards, the
ranking's hover, the map's metric list, the 大屏's cards, the 通报's sentences and numbers, the targets,
the download headers and the English labels all read this list, so a count metric the SQL already counts
(a column of record_counts, dangqun/sql/20_counts.sql) reaches every one of them from one entry here and
its column in queries/unit_scores.sql. The formulas of the rates and the score stay in dangqun.metrics.
"""
from __future__ import annotations

from dataclasses import dataclass

# where a metric may appear (Metric.shows)
CARDS, RANKING, MAP, SCREEN, REPORT = "cards", "ranking", "map", "screen", "report"
PLACES = (CARDS, RANKING, MAP, SCREEN, REPORT)


@dataclass(frozen=True)
class Metric:
    key: str                 # column name of its value (a count's own SQL column); the targets' key
    label: str               # Chinese label, also its i18n key and download header
    en: str                  # English label
    unit: str                # 件, %, 分, 万元 … (i18n key)
    kind: str = "count"      # count (num), rate (num / den, a fraction), score (0–100 points), money (万元),
                             # per (cases per 万元); the kind decides its number format (metrics.fmt_value)
    num: str | None = None   # count: its SQL column; rate: the numerator's column (also on hover)
    den: str | None = None   # rate: the denominator's column
    help: str = ""           # what it counts, under the card ('{parts}' is a rate's "num / den" shown)
    help_en: str = ""
    better: str = "up"       # which way is better: up, or down (fewer is better)
    target: bool = False     # config/metrics.toml [targets] may set a target for it
    shows: frozenset = frozenset()   # of PLACES
    compare: bool = True     # its card shows a change against the comparison period
    follows_filters: bool = True     # 事项大类 and 受理渠道 filter it (funds and activities: not)
    short: str = ""          # a shorter label where a unit is said beside it (the map's legend)
    source: str = "records"  # what counts it: records (unit_scores, kpi_summary), funds (funds_by_unit), the
                             # month's alerts (预警), or the centers and activities tables (kpi_summary only)
    report: str = ""         # the 通报's sentence, '{value}' its count and '{change}' its change
    summarised: bool = True  # the region's one kpi_summary row holds it (not: those only counted per unit)

    @property
    def rate(self) -> bool:
        return self.kind == "rate"

    @property
    def name(self) -> str:
        """The label the map and its legend use."""
        return self.short or self.label


def _m(*args, shows=(), **kw) -> Metric:
    return Metric(*args, shows=frozenset(shows), **kw)


# In the order the 总览 cards show them.
METRICS: tuple[Metric, ...] = (
    _m("received", "受理量", "Cases received", "件", num="received",
       help="期内受理的服务记录数", help_en="Service records received in the period",
       shows=(CARDS, RANKING, MAP, SCREEN)),
    _m("close_rate", "办结率", "Closure rate", "%", kind="rate", num="closed", den="received",
       help="办结 / 受理：{parts}", help_en="Closed / received: {parts}", target=True,
       shows=(CARDS, MAP, SCREEN)),
    _m("on_time_rate", "按期办结率", "On-time closure rate", "%", kind="rate", num="closed_on_time", den="closed",
       help="按期办结 / 办结：{parts}", help_en="Closed on time / closed: {parts}", target=True,
       shows=(CARDS, MAP, SCREEN)),
    _m("response_rate", "响应率", "Response rate", "%", kind="rate", num="contacted", den="valid", target=True,
       shows=(RANKING,)),
    _m("solve_rate", "解决率", "Resolution rate", "%", kind="rate", num="solved", den="valid", target=True,
       shows=(RANKING,)),
    _m("satisfaction_rate", "满意率", "Satisfaction rate", "%", kind="rate", num="satisfied_weighted", den="valid",
       target=True, shows=(CARDS, RANKING, MAP, SCREEN)),
    _m("composite_score", "综合成绩", "Composite score", "分", kind="score", target=True,
       shows=(CARDS, MAP, SCREEN)),
    _m("funds_wan", "投入总额(万元)", "Total funds (10k yuan)", "万元", kind="money", short="投入",
       source="funds", follows_filters=False, shows=(CARDS, MAP, SCREEN)),
    _m("per_wan", "每万元服务量", "Cases per 10k yuan", "件/万元", kind="per", source="funds", summarised=False,
       shows=(MAP,)),
    _m("centers", "中心数", "Centers", "个", num="centers", compare=False, source="centers",
       help="期末已投用的党群服务中心、代办站和驿站",
       help_en="Centers, proxy stations and hubs in use at the end of the period",
       shows=(CARDS, SCREEN)),
    _m("activities", "活动场次", "Activities", "场", num="activities", follows_filters=False, source="activities",
       help="期内开展的活动次数", help_en="Activities held in the period", shows=(CARDS, SCREEN)),
    _m("proxy", "代办件数", "Proxy-handled cases", "件", num="proxy",
       help="期内受理、由代办员代为办理（是否代办为“是”）的服务记录数",
       help_en="Records received in the period and handled by a proxy agent (是否代办 = 是)",
       shows=(CARDS, RANKING, MAP, REPORT), report="其中代办{value}件{change}"),
    _m("alerts", "预警条数", "Alerts", "条", short="预警", source="alerts", summarised=False, shows=(MAP,)),
)

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}


def get(key: str) -> Metric:
    return BY_KEY[key]


def shown_in(place: str) -> tuple[Metric, ...]:
    """The metrics that appear in `place` (one of PLACES), in the registry's order."""
    return tuple(m for m in METRICS if place in m.shows)


def summarised() -> tuple[Metric, ...]:
    """The metrics of a region as a whole (one kpi_summary row): the cards' and the 通报's."""
    return tuple(m for m in METRICS if m.summarised)


def targetable() -> dict[str, str]:
    """metric key → Chinese label, of the metrics config/metrics.toml [targets] may set a target for."""
    return {m.key: m.label for m in METRICS if m.target}


def labels() -> dict[str, str]:
    """column → Chinese label of every metric's value (for download headers)."""
    return {m.key: m.label for m in METRICS}


def english() -> dict[str, str]:
    """Chinese → English of every metric's label and help (merged into dangqun.i18n.EN)."""
    out = {m.label: m.en for m in METRICS}
    out.update({m.help: m.help_en for m in METRICS if m.help})
    return out
