"""热点 (README 「页面」预警 and 「热点：话题」, config/alerts.toml [hotspot], the topics' own [topics]): where the
month's records carry 诉求内容, one alert per hot topic (dangqun.topics); without any, the region's 事项
whose count rose significantly against the month before."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dangqun import metrics, stats, topics
from dangqun.alerts.base import Ask, Month, Query, Rule, alert, fmt_p, key


@dataclass(frozen=True)
class Settings:
    alpha: float
    min_increase: int       # at least this many more than last month
    max_alerts: int         # the most significant this many 事项


def settings(table) -> Settings:
    return Settings(alpha=float(table["alpha"]), min_increase=int(table["min_increase"]),
                    max_alerts=int(table["max_alerts"]))


def queries(ask: Ask) -> dict[str, Query]:
    """The region's 事项 this month and last (alert_item_counts by the region itself), the 诉求内容 of both
    months (topic_texts); how many texts the month has (text_volume) and the region's place names
    (alert_place_names) are asked only when needed (regional, derive)."""
    prev_start, prev_end = ask.before(1)
    pre = ask.prefix
    return {
        "hotspot": Query("alert_item_counts", {"region": pre, "start": ask.start, "end": ask.end,
                                               "base_start": prev_start, "base_end": prev_end, "digits": len(pre)}),
        "topic_texts": Query("topic_texts", {"region": pre, "start": ask.start, "end": ask.end,
                                             "base_start": prev_start}),
        "text_volume": Query("text_volume", {"region": pre, "start": ask.start, "end": ask.end}, run=False),
        "alert_place_names": Query("alert_place_names", {"region": pre}, run=False),
    }


def derive(run, frames: dict[str, pd.DataFrame], params: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """The month's topics of 诉求内容 (dangqun.topics.of_month), with the region's place names cut whole;
    the place names are asked only where there are texts to cut."""
    texts = frames["topic_texts"]
    if not len(texts):
        return {"topics": pd.DataFrame(columns=list(topics.TOPIC_COLUMNS))}
    places = run("alert_place_names", params["alert_place_names"])["region_name"].tolist()
    return {"topics": topics.of_month(texts, places)}


def hotspot_alerts(counts: pd.DataFrame, period: str, cfg, found: pd.DataFrame | None = None,
                   has_texts: bool = False) -> list:
    """热点: where the months' records carry 诉求内容, one alert per hot topic (`found`, dangqun.topics.of_month:
    the biggest max_alerts of each county); without any text, the 事项 of the region whose count rose
    against the previous month: given both months' total, this month's share tested against one half
    (one-sided binomial: the two months' rates equal), p < alpha and at least min_increase more; the
    max_alerts most significant."""
    if has_texts:
        return topic_alerts(found, period)
    s = cfg.hotspot
    rising = []
    for row in counts.itertuples(index=False):
        now, before = int(row.received), int(row.base_received)
        if now - before < s.min_increase:
            continue
        p = stats.binom_sf(now, now + before, 0.5)
        if p < s.alpha:
            rising.append((p, -(now - before), row, now, before))
    rising.sort(key=lambda x: (x[0], x[1], x[2].item_code))
    out = []
    for p, _, row, now, before in rising[:s.max_alerts]:
        fmt = dict(item=row.item_name, now=now, before=before, rise=metrics.fmt_pct((now - before) / before)
                   if before else "—", p=fmt_p(p), alpha=f"{s.alpha:g}")
        out.append(alert(
            RULE, "低", row.unit_code, row.unit_name, row.item_code, row.item_name, period,
            "本月 {now} 件，上月 {before} 件",
            "“{item}”本月 {now} 件，上月 {before} 件（增加 {rise}）；若两月发生率相同，"
            "出现这样增幅的概率 p = {p}（单侧条件二项检验），低于 {alpha}。",
            "app_pages/records.py", row.unit_code, row.item_code, p_value=p, args=fmt))
    return out


def topic_subject(topic_key: str) -> str:
    """A topic's 热点 subject (a 事项's is its code)."""
    return f"题:{topic_key}"


def topic_alerts(found: pd.DataFrame | None, period: str, tcfg: topics.TopicConfig | None = None) -> list:
    """One 热点 per hot topic, the biggest max_alerts of each county; its unit is the topic's town, or its
    county when the matter spans towns, and its records are the topic's (cases)."""
    tcfg = tcfg or topics.load_config()
    if found is None or found.empty:
        return []
    hot = found[found["hot"]].groupby("county_code", sort=True).head(tcfg.max_alerts)
    out = []
    for row in hot.itertuples(index=False):
        towns = "、".join(row.towns[:3]) + (f" 等 {len(row.towns)} 个乡镇街道" if len(row.towns) > 3 else "")
        fmt = dict(label=row.label, n=row.count, residents=row.residents, previous=row.previous, towns=towns,
                   county=row.county_name, volume=metrics.fmt_int(row.volume),
                   share=metrics.fmt_pct(row.count / row.volume), keywords="、".join(row.keywords[:5]))
        rising = row.severity == "中"
        out.append(alert(
            RULE, row.severity, row.unit_code, row.unit_name, topic_subject(row.topic_key), row.label, period,
            "本月 {n} 件（{residents} 人），上月 {previous} 件",
            ("{n} 件诉求说的是同一件事：“{label}”（关键词：{keywords}），来自 {residents} 位群众，涉及 {towns}；"
             "占{county}本月有诉求内容的 {volume} 件的 {share}。上月相似的诉求 {previous} 件"
             + ("，本月明显增多。" if rising else "。")),
            "app_pages/services.py", row.unit_code, row.topic_key, p_value=row.p_value, args=fmt))
    return out


def evaluate(frames: dict[str, pd.DataFrame], month: Month) -> list:
    return hotspot_alerts(frames["hotspot"], month.period, month.cfg, frames.get("topics"),
                          len(frames.get("topic_texts", ())) > 0)


def cases(frames: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """The month's records of every topic, under the key its 热点 alert would have (the stored records keep
    those of the alerts found)."""
    found = frames.get("topics")
    if found is None or found.empty:
        return pd.DataFrame(columns=["alert_key", "unit_code"])
    ids = found[["topic_key", "unit_code", "record_ids"]].explode("record_ids").rename(
        columns={"record_ids": "record_id"})
    ids["alert_key"] = [key(RULE.name, u, topic_subject(k), period)
                        for u, k in zip(ids["unit_code"], ids["topic_key"])]
    texts = frames["topic_texts"].drop(columns=["town_code"], errors="ignore")
    return ids.merge(texts, on="record_id", how="left")


def regional(run, ask: Ask, params: dict[str, dict]) -> list | None:
    """A region below the province whose records of the month carry no 诉求内容: its own 热点 of rising 事项,
    from its own counts (the province's are stored); None where it has texts (its topics are stored)."""
    if int(run("text_volume", params["text_volume"])["texts"].iloc[0]):
        return None
    return hotspot_alerts(run("alert_item_counts", params["hotspot"]), ask.period, ask.cfg)


def yardstick(w, q: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """alert_item_counts by the region in pandas (the bench's yardstick: its frames hold no 诉求内容, so
    热点 by 事项; w: dangqun.bench.pandas_way.Records)."""
    return {"hotspot": w.item_counts(q["hotspot"])}


RULE = Rule("hotspot", "热点", "hotspot", settings, queries, evaluate, cases=cases, derive=derive,
            regional=regional, yardstick=yardstick)
