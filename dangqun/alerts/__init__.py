"""预警 (README 页面): the rules that find the units and cases needing attention in a month, each alert with
its unit, its numbers and a sentence stating the test that flagged it; and the status officials keep on
each (待处理 → 已核实 / 已处理, with a note), stored under the alert's key so it survives recomputation.

One module per rule in rules/, listed once in rules.RULES (README 「新增预警规则 / Adding a 预警 rule」): its
settings from its section of config/alerts.toml (config), the named queries it reads (queries/alert_*.sql
and others), its evaluation and the records it keeps. engine gathers the frames and evaluates every rule;
store runs it once per month and data version for the whole province and stores what they find
(alert_found, alert_case), which the pages, the 通报 and `dangqun alerts` read back under the account's
scope (listing); status keeps officials' statuses in the operational store. The 黄榜 line is in
config/metrics.toml. Units are towns (乡镇街道), except 热点, whose unit is the town or county of a hot topic
of 诉求内容 (dangqun.topics), or where no 诉求内容 was imported the region looked at as a whole and its rising
事项. Runs without Streamlit. This module is the API the rest of the dashboard calls."""
from __future__ import annotations

import pandas as pd

from dangqun import db
from dangqun.alerts import config
from dangqun.alerts.base import (COLUMNS, FOUND_COLUMNS, PERIOD, SEVERITIES, BadPeriod, as_of_day, base_months, fmt_p,
                                 key, parse_period, period_of)
from dangqun.alerts.config import CONFIG_PATH, AlertConfig, load_config
from dangqun.alerts.engine import (RULES, alert_size, evaluate, find, gather, listing, localise, ordered,
                                   query_params, town_of)
from dangqun.alerts.rules.backlog import backlog_alerts, backlog_cases
from dangqun.alerts.rules.hotspot import hotspot_alerts, topic_alerts
from dangqun.alerts.rules.repeat import REPEAT_COLUMNS, repeat_alerts, repeat_summary
from dangqun.alerts.rules.repeat import stored_summary as stored_repeat_summary
from dangqun.alerts.rules.satisfaction import satisfaction_alerts
from dangqun.alerts.rules.spike import rise_words, spike_alerts
from dangqun.alerts.rules.yellow import yellow_alerts
from dangqun.alerts.status import NOTE_MAX, STATUS_COLUMNS, STATUSES, set_status, status_params, statuses, with_status
from dangqun.alerts.store import STORED_CASE_COLUMNS, VERSION, Stored, case_rows, ensure, refresh, run_key

__all__ = [
    "COLUMNS", "CONFIG_PATH", "FOUND_COLUMNS", "NOTE_MAX", "PERIOD", "REPEAT_COLUMNS", "RULES", "SEVERITIES",
    "STATUSES", "STATUS_COLUMNS", "STORED_CASE_COLUMNS", "VERSION", "AlertConfig", "BadPeriod", "Stored",
    "alert_size", "as_of_day", "backlog_alerts", "backlog_cases", "base_months", "case_rows", "config", "ensure",
    "evaluate", "find", "fmt_p", "gather", "hotspot_alerts", "key", "listing", "load_config", "localise",
    "ordered", "parse_period", "period_of", "query_params", "refresh", "repeat_alerts", "repeat_summary", "stored_repeat_summary",
    "rise_words", "run_all", "run_key", "satisfaction_alerts", "set_status", "spike_alerts", "status_params",
    "statuses", "topic_alerts", "town_of", "with_status", "yellow_alerts",
]


def run_all(con, region: str, period: str, scope: str | None, lang: str = "zh", store=None) -> pd.DataFrame:
    """The alerts of `region` in `period` with their statuses from the operational store `store` (none
    given: every alert 待处理), through the scoped runner (the CLI)."""
    found = listing(lambda name, params: db.run(con, name, params, scope=scope), region, ensure(con, period), lang)
    return with_status(found, statuses(store, period, scope) if store is not None
                       else pd.DataFrame(columns=list(STATUS_COLUMNS)))
