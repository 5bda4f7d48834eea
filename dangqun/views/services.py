"""服务办理's 超期件: how many working days each overdue case is past its promised deadline (限时办结); its
热点诉求: the month's topics of 诉求内容 (dangqun.topics); and its 24 小时服务（AB岗）: receipts outside office
hours at the 24-hour AB-post centers against the others."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dangqun import metrics, workdays
from dangqun.i18n import t


def as_of_day(period_end: dt.date, latest: dt.date) -> dt.date:
    """The day open cases are counted late to: the end of the window, but never past the latest day
    in the data (a window reaching into the future would otherwise grow the lateness every day)."""
    return min(period_end, latest)


def workdays_overdue(due_on, closed_at, status, as_of: dt.date) -> pd.Series:
    """Working days from the deadline (due_on) to the closing day for closed cases, or to `as_of`
    for open ones (待受理/办理中/延期); <NA> where the deadline or that day is missing."""
    due = pd.to_datetime(pd.Series(due_on)).dt.normalize()
    closed = pd.to_datetime(pd.Series(closed_at, index=due.index)).dt.normalize()
    status = pd.Series(status, index=due.index)
    is_open = status.isin(metrics.OPEN_STATUSES).fillna(False).astype(bool)
    until = closed.where(~is_open, pd.Timestamp(as_of))
    n = workdays.workdays_between_many(due.to_numpy("datetime64[D]"), until.to_numpy("datetime64[D]"))
    return pd.Series(n, index=due.index, dtype="Int64").mask(n < 0)


def overdue_table(cases: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The overdue_cases query as the page shows and downloads it: the columns an official reads,
    with 超期工作日 (workdays_overdue)."""
    out = cases.assign(workdays_overdue=workdays_overdue(cases["due_on"], cases["closed_at"],
                                                         cases["status"], as_of))
    cols = ["record_id", "center_name", "item_name", "received_at", "promised_days", "due_on",
            "closed_at", "status", "workdays_overdue"]
    # the query picks the latest by calendar days; within those, working days decide the order
    out = out.sort_values("workdays_overdue", ascending=False, kind="stable", na_position="last")
    return out[cols].reset_index(drop=True)


# ---------------------------------------------------------------- 24 小时服务（AB岗）
# Receipts outside office hours at the centers registered as 24-hour AB posts (是否24小时AB岗) and at the others
# (README「24 小时服务（AB岗）」). 夜间: received from 20:00 to 08:00 the next morning, every day (the queries'
# `hour >= 20 or hour < 8`); 节假日: a non-working day of dangqun.workdays (weekends and statutory holidays; a
# 调休 working Saturday is not one, a weekday of the National Day break is); 工作时间: neither.

NIGHT_FROM, NIGHT_UNTIL = 20, 8
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
SLOTS = ("夜间", "节假日", "夜间或节假日", "工作时间")
AB_KINDS = {True: "AB岗中心", False: "其他中心"}
NEVER_OFF_HOURS, NO_RECEIPTS = "从未在夜间或节假日受理", "本期没有受理记录"
NO_HIGHER = "占比不高于其他中心"


def is_night(hour):
    """夜间: an hour of receipt (0–23, or a Series of them) from 20 to 7, as the queries test it."""
    return (hour >= NIGHT_FROM) | (hour < NIGHT_UNTIL)


def receipt_grid(hours: pd.DataFrame, ab_post: bool, lang: str = "zh") -> pd.DataFrame:
    """One center kind's receipts by weekday × hour from ab_receipt_hours, every one of the 7 × 24 cells (0
    where none): weekday (周一…周日 in `lang`), hour (0–23), received and share (of the kind's receipts in the
    view); empty when the kind received nothing."""
    mine = hours[hours["ab_post"] == ab_post]
    if mine.empty or mine["received"].sum() == 0:
        return pd.DataFrame(columns=["weekday", "hour", "received", "share"])
    counts = mine.groupby(["weekday", "hour"])["received"].sum()
    full = pd.MultiIndex.from_product([range(1, 8), range(24)], names=["weekday", "hour"])
    grid = counts.reindex(full, fill_value=0).astype("int64").reset_index()
    grid["share"] = metrics.ratio(grid["received"], grid["received"].sum())
    grid["weekday"] = [t(WEEKDAYS[d - 1], lang) for d in grid["weekday"]]
    return grid


def slot_counts(hours: pd.DataFrame) -> pd.DataFrame:
    """Receipts per center kind and 时段 from ab_receipt_hours: ab_post, slot, received, share (of the kind's
    receipts); the kinds with receipts only, AB岗 first. 夜间 and 节假日 overlap (a holiday's night is in both);
    夜间或节假日 and 工作时间 add up to all."""
    rows = []
    for ab_post in (True, False):
        mine = hours[hours["ab_post"] == ab_post]
        total = int(mine["received"].sum())
        if not total:
            continue
        night, holiday = is_night(mine["hour"]), mine["holiday"].astype(bool)
        for slot, rows_in in zip(SLOTS, (night, holiday, night | holiday, ~(night | holiday))):
            n = int(mine.loc[rows_in, "received"].sum())
            rows.append({"ab_post": ab_post, "slot": slot, "received": n, "share": n / total})
    return pd.DataFrame(rows, columns=["ab_post", "slot", "received", "share"])


TIME_COLUMNS = ("response_median_hours", "response_mean_hours", "closing_median_hours", "closing_mean_hours")


def off_hours_table(hours: pd.DataFrame, times: pd.DataFrame | None, lang: str = "zh") -> pd.DataFrame:
    """The table of 夜间 and 节假日 receipts against 工作时间, AB-post centers beside the others: per center kind
    and 时段 the receipts (ab_receipt_hours) and their share of the kind's, and the median and mean hours to the
    first response and to closing (ab_response_times; empty where `times` is None: not computed)."""
    out = slot_counts(hours)
    if times is not None and len(times):
        out = out.merge(times[["ab_post", "slot", *TIME_COLUMNS]], on=["ab_post", "slot"], how="left")
    else:
        out = out.assign(**{c: np.nan for c in TIME_COLUMNS})
    out.insert(0, "ab_kind", [t(AB_KINDS[bool(a)], lang) for a in out["ab_post"]])
    out["slot"] = [t(s, lang) for s in out["slot"]]
    return out.drop(columns="ab_post").reset_index(drop=True)


def others_off_hours_share(hours: pd.DataFrame) -> float | None:
    """The share of the other (not AB-post) centers' receipts that came at 夜间 or on a 节假日 (ab_receipt_hours):
    what an AB post serving no more than the name needs is measured against; None where they received none."""
    others = slot_counts(hours).query("not ab_post").set_index("slot")
    return None if others.empty else float(others.loc["夜间或节假日", "share"])


def ab_center_ranking(centers: pd.DataFrame, others_share: float | None = None, lang: str = "zh") -> pd.DataFrame:
    """The AB-post centers (ab_center_hours) ranked by their receipts outside office hours (夜间 or 节假日, each
    receipt once), most first, ties sharing a place (1, 2, 2, 4) and then by their share of the center's
    receipts. Remarks: 本期没有受理记录 (nothing received at all), 从未在夜间或节假日受理 (nothing outside office
    hours), or, given the other centers' share (others_off_hours_share), 不高于其他中心 where the center's share of
    receipts outside office hours is no higher than theirs: the post's name without the service."""
    out = centers.assign(off_hours_share=metrics.ratio(centers["off_hours"], centers["received"]))
    out["rank"] = metrics.rank_desc(out["off_hours"].astype("float64"))
    # rounded as metrics rounds a rate before a threshold, so float noise decides nothing (NaN is never ≤)
    no_higher = (out["off_hours_share"].round(9) <= round(others_share, 9) if others_share is not None
                 else pd.Series(False, index=out.index))
    remark = np.select([out["received"] == 0, out["off_hours"] == 0, no_higher.to_numpy(dtype=bool)],
                       [NO_RECEIPTS, NEVER_OFF_HOURS, NO_HIGHER], "")
    out["remark"] = [t(r, lang) if r else "" for r in remark]
    out = out.sort_values(["rank", "off_hours_share", "center_id"], ascending=[True, False, True], kind="stable",
                          na_position="last")
    # the remark beside the name (on a phone the columns after it scroll), then what it is ranked by; the
    # center's name already says its type
    cols = ["rank", "center_name", "remark", "off_hours", "off_hours_share", "night", "holiday", "received"]
    return out[cols].reset_index(drop=True)


# ── 热点诉求: the month's topics of 诉求内容 (dangqun.topics) ─────────────────────────────────────────

TOPICS_SHOWN = 10           # the biggest topics the section lists; the download holds every stored one
TREND_MONTHS = 6


TOWNS_NAMED = 3


def towns_text(towns, lang: str = "zh") -> str:
    """A topic's towns as a cell reads them: all of a few, else the first (most records) and how many."""
    towns = list(towns)
    if len(towns) <= TOWNS_NAMED:
        return "、".join(towns)
    return t("{towns} 等 {n} 个", lang, towns="、".join(towns[:TOWNS_NAMED]), n=len(towns))


def topic_table(found: pd.DataFrame, lang: str = "zh", with_county: bool = False) -> pd.DataFrame:
    """The 热点诉求 table from dangqun.topics.listing: one row per topic, in listing's order, in the reader's
    language (the texts and names stay as recorded); with_county where the view holds several counties (a
    matter's words can recur in two of them)."""
    county = {t("县（市、区）", lang): found["county_name"]} if with_county else {}
    return pd.DataFrame({
        t("话题", lang): found["label"],
        **county,
        t("热点", lang): [t("是", lang) if h else "—" for h in found["hot"]],
        t("本月件数", lang): found["count"].astype(int),
        t("涉及群众", lang): found["residents"].astype(int),
        t("上月相似件数", lang): found["previous"].astype(int),
        t("乡镇街道", lang): [towns_text(towns, lang) for towns in found["towns"]],
        t("首次", lang): pd.to_datetime(found["first"]).dt.date,
        t("最近", lang): pd.to_datetime(found["last"]).dt.date,
        t("示例诉求", lang): [x[0] if len(x) else "—" for x in found["examples"]],
        t("关键词", lang): [" ".join(k) for k in found["keywords"]],
    })


def trend_words(label: str) -> list[str]:
    """The words a topic's trend counts: the first two of its label, as the official reads them (place and
    object, or object and problem; one word alone says too little of a matter)."""
    return label.split(" ")[:2]


def trend_frame(trend: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """topic_trend's months with every month of start..end present (no texts: 0)."""
    months = pd.date_range(start, end, freq="MS").date
    got = trend.assign(month=pd.to_datetime(trend["month"]).dt.date).set_index("month")
    return pd.DataFrame({"month": months,
                         "matching": [int(got["matching"].get(m, 0)) for m in months],
                         "texts": [int(got["texts"].get(m, 0)) for m in months]})


def topic_records_table(records: pd.DataFrame) -> pd.DataFrame:
    """A topic's records as listed under it (topic_records): when, where and what was asked."""
    return records[["received_at", "town_name", "center_name", "request_text", "record_id"]]
