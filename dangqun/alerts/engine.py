"""The month's alerts from the registered rules (dangqun.alerts.rules.RULES): the queries they ask, the
frames gathered for them, every rule's evaluation in one ordered table, and the stored alerts read back
for a region in the reader's language."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from dangqun import periods, regions
from dangqun.alerts.base import COLUMNS, FOUND_COLUMNS, SEVERITIES, Ask, Month, Query, day, parse_period
from dangqun.alerts.config import AlertConfig, load_config
from dangqun.alerts.rules import RULES as REGISTERED
from dangqun.i18n import t

# rule → its name; the order of the cards
RULES = {rule.name: rule.title for rule in REGISTERED}


def plan(ask: Ask) -> dict[str, Query]:
    """Frame name → the query and parameters every rule reads for `ask`; rules naming one frame share it."""
    out: dict[str, Query] = {}
    for rule in REGISTERED:
        for frame, query in rule.queries(ask).items():
            if out.setdefault(frame, query) != query:
                raise ValueError(f"预警规则 {rule.name} 的 {frame} 与另一规则的查询或参数不同")
    return out


def query_params(region: str, period: str, latest: dt.date, cfg: AlertConfig | None = None) -> dict[str, dict]:
    """Frame name → its bound parameters for the alerts of `region` (a 12-digit code) in `period`."""
    return {frame: q.params for frame, q in plan(Ask(region, period, latest, cfg or load_config())).items()}


def gather(run, region: str, period: str) -> tuple[dict[str, pd.DataFrame], dt.date, dt.date | None]:
    """The query frames of the alerts of `region` in `period` (names as in query_params, with the frames
    the rules derive from them), the data's latest and first day; `run(name, params)` runs a named query
    (unscoped when ensure() finds the province's alerts; under the caller's scope for the tests that compute
    a region's alerts directly)."""
    span = run("data_span", {})
    latest, first = day(span["last_day"].iloc[0]), day(span["first_day"].iloc[0])
    latest = latest or periods.month_end(parse_period(period))
    queries = plan(Ask(region, period, latest, load_config()))
    params = {frame: q.params for frame, q in queries.items()}
    frames = {frame: run(q.query, q.params) for frame, q in queries.items() if q.run}
    for rule in REGISTERED:
        if rule.derive is not None:
            frames.update(rule.derive(run, frames, params))
    return frames, latest, first


def find(frames: dict[str, pd.DataFrame], period: str, latest: dt.date, first_day: dt.date | None,
         cfg: AlertConfig | None = None, mcfg=None) -> pd.DataFrame:
    """Every alert of the month from the query frames (names as in query_params), severest first, with
    their sentences in Chinese and the sentences' templates and values (FOUND_COLUMNS)."""
    month = Month(period, latest, first_day, cfg or load_config(), mcfg)
    found = [a for rule in REGISTERED for a in rule.evaluate(frames, month)]
    return ordered(pd.DataFrame(found, columns=list(FOUND_COLUMNS)))


def evaluate(frames: dict[str, pd.DataFrame], period: str, latest: dt.date, first_day: dt.date | None,
             cfg: AlertConfig | None = None, mcfg=None, lang: str = "zh") -> pd.DataFrame:
    """find()'s alerts in `lang`, with the columns of COLUMNS."""
    return localise(find(frames, period, latest, first_day, cfg, mcfg), lang)


def alert_size(args) -> int:
    """How many cases (or 有效回访) an alert is about, from its values: what orders alerts of one severity."""
    a = args if isinstance(args, dict) else json.loads(args)
    for name in ("n", "now", "valid"):
        if name in a:
            try:
                return int(str(a[name]).replace(",", ""))
            except ValueError:
                return 0
    return 0


def ordered(alerts: pd.DataFrame) -> pd.DataFrame:
    """Severest first, then the biggest (alert_size), then by rule (the cards' order), unit and subject."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rules = {r: i for i, r in enumerate(RULES)}
    size = alerts["size"] if "size" in alerts else alerts["args"].map(alert_size)
    alerts = alerts.assign(_s=alerts["severity"].map(order), _n=-size, _r=alerts["rule"].map(rules))
    return (alerts.sort_values(["_s", "_n", "_r", "unit_code", "subject"], kind="stable")
            .drop(columns=["_s", "_n", "_r"]).reset_index(drop=True))


def localise(found: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Alerts with templates (FOUND_COLUMNS; args as a dict or as stored, JSON) as read: rule name,
    figures and explanation in `lang`, the columns of COLUMNS and the size ordered() sorts by."""
    args = [a if isinstance(a, dict) else json.loads(a) for a in found["args"]]
    out = found.assign(
        rule_name=found["rule"].map(RULES), p_value=pd.to_numeric(found["p_value"]).astype("float64"),
        numbers=[t(text, lang, **a) for text, a in zip(found["numbers_text"], args)],
        explanation=[t(text, lang, **a) for text, a in zip(found["explanation_text"], args)],
        size=[alert_size(a) for a in args])
    return out[[*COLUMNS, "size"]].reset_index(drop=True)


def town_of(region: str) -> str:
    """The region alerts are read for: a village's (村社区) town, since the rules' units are towns."""
    code = regions.normalise_code(region)
    return code if regions.level_of(code) < 4 else code[:9] + "000"


def listing(run, region: str, stored, lang: str = "zh", cfg: AlertConfig | None = None) -> pd.DataFrame:
    """The alerts of `region` (a village: its town, town_of) in the stored month (dangqun.alerts.store.Stored),
    without statuses, severest first, in `lang`: the stored alerts of the units under the region (热点 of
    诉求内容 among them) and those a rule finds for a smaller region from its own counts when read
    (Rule.regional: 热点 of rising 事项 where the region's records carry no 诉求内容). `run(name, params)` runs
    a named query under the caller's scope (the page's cached ui.query, the command line's and the 通报's
    db.run)."""
    region = town_of(region)
    rows = run("alert_list", {"region": regions.prefix(region), "period": stored.period, "run_key": stored.key})
    if region != regions.PROVINCE:
        ask = Ask(region, stored.period, stored.as_of, cfg or load_config())
        params = {frame: q.params for frame, q in plan(ask).items()}
        answers = [rule.regional(run, ask, params) for rule in REGISTERED if rule.regional is not None]
        answers = [found for found in answers if found is not None]
        if answers:
            found = [a for found in answers for a in found]
            rows = pd.concat([rows, pd.DataFrame(found, columns=list(FOUND_COLUMNS))[rows.columns]],
                             ignore_index=True)
    return ordered(localise(rows, lang))
