"""What every 预警 rule module is written with (README 「新增预警规则 / Adding a 预警 rule」): the Rule a module
declares, the month it is asked about (Ask) and evaluated for (Month), the one shape of an alert (alert) and
its key, and the month's arithmetic. Knows no rule, so that every rule module can import it."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dangqun import periods, regions
from dangqun.i18n import t

SEVERITIES = ("高", "中", "低")
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# the columns of an alert, as evaluate() returns them and the CLI prints them
COLUMNS = ("alert_key", "rule", "rule_name", "severity", "unit_code", "unit_name", "subject", "subject_name",
           "period", "numbers", "explanation", "drill_page", "drill_region", "drill_item", "p_value")
# the columns of a found alert (find, the rules): COLUMNS with its sentences' templates and their values
FOUND_COLUMNS = COLUMNS + ("numbers_text", "explanation_text", "args")


@dataclass(frozen=True)
class Query:
    """A frame a rule reads: the named query (queries/<query>.sql) and its parameters for the month asked.
    run=False: the parameters are the rule's to use when it needs them (listing, derived frames), gather()
    does not run it."""
    query: str
    params: dict
    run: bool = True


@dataclass(frozen=True)
class Rule:
    """One 预警 rule, as its module under dangqun/alerts/rules/ declares it and rules.RULES lists it.

    name      the rule's key in alert keys, alert_found.rule and statuses (never renamed: stored keys)
    title     its Chinese name (the cards, the 通报, an i18n key)
    section   the table of config/alerts.toml it reads (its own, or a sibling's it shares thresholds with)
    settings  section table → the rule's settings object (AlertConfig.<name>)
    queries   (Ask) → frame name → Query: the frames it reads; two rules naming one frame share it
    evaluate  (frames, Month) → its alerts (dicts from alert())
    cases     (frames, period) → the records behind its alerts (alert_key, unit_code and
              STORED_CASE_COLUMNS), or None: its alerts have no stored records
    derive    (run, frames, params) → frames computed from its queried ones (the month's topics), or None
    regional  (run, Ask, params) → its alerts of a region below the province, found from that region's
              own counts when read (listing) rather than stored, or None where it adds none
    yardstick (pandas records, params) → its frames computed in pandas from all records, for the page
              benchmark's yardstick (dangqun/bench/pandas_way.py), or None
    """
    name: str
    title: str
    section: str
    settings: Callable[[Mapping[str, Any]], Any]
    queries: Callable[["Ask"], dict[str, Query]]
    evaluate: Callable[[dict[str, pd.DataFrame], "Month"], list[dict]]
    cases: Callable[[dict[str, pd.DataFrame], str], pd.DataFrame] | None = None
    derive: Callable[..., dict[str, pd.DataFrame]] | None = None
    regional: Callable[..., list | None] | None = None
    yardstick: Callable[..., dict[str, pd.DataFrame]] | None = None


# ── the month ────────────────────────────────────────────────────────────────────────────────────

class BadPeriod(ValueError):
    pass


def parse_period(text: str) -> dt.date:
    """'2022-10' → its first day; anything else raises BadPeriod with the sentence to show."""
    text = str(text or "").strip()
    if not PERIOD.fullmatch(text):
        raise BadPeriod(f"预警月份应写成 YYYY-MM（如 2022-10），收到：{text[:20]}")
    return dt.date(int(text[:4]), int(text[5:]), 1)


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def as_of_day(period: str, latest: dt.date) -> dt.date:
    """The day open cases are counted late to: the month's last day, never past the data's latest day."""
    return min(periods.month_end(parse_period(period)), latest)


def base_months(first_day: dt.date | None, period: str, months: int) -> int:
    """How many of the `months` months before `period` the data covers (from its first day): a baseline
    averages over the months that were recorded, not over months before the platform existed."""
    start = parse_period(period)
    if first_day is None:
        return 0
    first = periods.month_start(first_day)
    covered = (start.year - first.year) * 12 + start.month - first.month
    return max(0, min(months, covered))


@dataclass(frozen=True)
class Ask:
    """The month a rule's queries are asked about: `region` (12 digits) in `period`, the data's latest day,
    and the configuration (AlertConfig)."""
    region: str
    period: str
    latest: dt.date
    cfg: Any

    @property
    def prefix(self) -> str:
        return regions.prefix(self.region)

    @property
    def start(self) -> dt.date:
        return parse_period(self.period)

    @property
    def end(self) -> dt.date:
        return periods.month_end(self.start)

    @property
    def as_of(self) -> dt.date:
        return as_of_day(self.period, self.latest)

    def before(self, months: int) -> tuple[dt.date, dt.date]:
        """The first and last day of the `months` months before the month."""
        return periods.add_months(self.start, -months), self.start - dt.timedelta(days=1)


@dataclass(frozen=True)
class Month:
    """The month a rule evaluates: its period, the data's latest and first day, the configuration
    (AlertConfig) and the metrics' (config/metrics.toml, None: as loaded)."""
    period: str
    latest: dt.date
    first_day: dt.date | None
    cfg: Any
    mcfg: Any = None

    @property
    def as_of(self) -> dt.date:
        return as_of_day(self.period, self.latest)


# ── an alert ─────────────────────────────────────────────────────────────────────────────────────

def key(rule: str, unit_code: str, subject: str, period: str) -> str:
    """An alert's identity, under which officials' statuses are stored: never change its form."""
    return f"{rule}|{unit_code}|{subject}|{period}"


def alert(rule: Rule, severity, unit_code, unit_name, subject, subject_name, period, numbers,
          explanation, drill_page, drill_region, drill_item="", p_value=None, args=None) -> dict:
    """One alert of `rule`; `numbers` and `explanation` are sentences with
    {placeholders} (i18n keys) filled from `args`: the alert is stored so (alert_found) and put in the
    reader's language when read (localise)."""
    args = args or {}
    return dict(alert_key=key(rule.name, unit_code, subject, period), rule=rule.name, rule_name=rule.title,
                severity=severity, unit_code=unit_code, unit_name=unit_name, subject=subject,
                subject_name=subject_name, period=period, numbers=t(numbers, **args),
                explanation=t(explanation, **args), drill_page=drill_page, drill_region=drill_region,
                drill_item=drill_item, p_value=p_value, numbers_text=numbers, explanation_text=explanation,
                args=args)


def fmt_p(p: float) -> str:
    """A p-value as officials read it: 0.0123, or 3.2e-07 when tiny."""
    return f"{p:.4f}" if p >= 0.0001 else f"{p:.1e}"


def day(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
