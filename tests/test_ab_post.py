"""服务办理's 24 小时服务（AB岗）: the receipts by weekday × hour, the 夜间 / 节假日 table and the ranking of the
AB-post centers (queries ab_receipt_hours, ab_response_times, ab_center_hours; dangqun.views.services) against
an independent pandas computation on the demo (holidays from chinese-calendar itself, not dangqun.workdays); the
night/holiday split on 调休 working days; the demo's AB posts serving at night; the page as an official sees it."""
from __future__ import annotations

import datetime as dt
import json

import chinese_calendar
import numpy as np
import pandas as pd
import pytest

from dangqun import db, metrics, workdays
from expected import full_title
from dangqun.views import services as view
from expected import hours_between, window

PAGE = "app_pages/services.py"
COUNTY = "210681"                    # 东港市: 19 AB-post centers among its 101
CENTER_REGION = "210681002004"       # 新兴街道富强社区: one AB-post community center, alone in its community
YEAR = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
SLOTS = ["夜间", "节假日", "夜间或节假日", "工作时间"]


def params(region, start, end, category="", channel=""):
    return {"region": region, "start": start, "end": end, "category": category, "channel": channel,
            "off_days": workdays.off_days(start, end)}


def marked(demo_raw, prefix, start, end):
    """The window's records with their center's AB post and the slots they fall in, computed here: 夜间 from the
    hour, 节假日 from chinese-calendar (a day that is not a working day)."""
    r = window(demo_raw["service_records"], prefix, start, end)
    centers = demo_raw["centers"].set_index("center_id")
    ab = centers["has_ab_post"].fillna(False).astype(bool)
    days = pd.Series(r.received_at.dt.date.unique())
    off = {d for d in days if not chinese_calendar.is_workday(d)}
    hour = r.received_at.dt.hour
    return r.assign(ab_post=r.center_id.map(ab).to_numpy(), center_name=r.center_id.map(centers.center_name),
                    weekday=r.received_at.dt.day_of_week + 1, hour=hour,
                    night=(hour >= 20) | (hour < 8), holiday=r.received_at.dt.date.isin(off))


def slot_of(r, slot):
    return {"夜间": r.night, "节假日": r.holiday, "夜间或节假日": r.night | r.holiday,
            "工作时间": ~(r.night | r.holiday)}[slot]


# ── the calendar: 调休 working days are not holidays, a weekday of the National Day break is ─────────────

def test_off_days_honour_adjusted_working_days():
    days = workdays.off_days(dt.date(2022, 9, 24), dt.date(2022, 10, 9)).split(",")
    # 2022-09-24/25 an ordinary weekend; 10-01…10-07 国庆 (10-03…10-07 are weekdays); 10-08/09 调休 workdays
    assert days == ["2022-09-24", "2022-09-25"] + [f"2022-10-0{d}" for d in range(1, 8)]
    assert "2022-10-08" not in days and "2022-10-03" in days
    # 2022-01-29 (Saturday) and 01-30 (Sunday) were worked for 春节; 01-31 (Monday) was a holiday
    jan = workdays.off_days(dt.date(2022, 1, 29), dt.date(2022, 2, 1)).split(",")
    assert jan == ["2022-01-31", "2022-02-01"]
    assert workdays.off_days(dt.date(2022, 10, 8), dt.date(2022, 10, 9)) == ""


@pytest.fixture(scope="module")
def planted(demo_db, tmp_path_factory):
    """A copy of the demo with a region of its own (2199…): AB-post center A with one case on the 调休 Saturday
    2022-10-08 in the daytime, AB-post center B with one on 2022-10-03 (a Monday of the National Day break) in
    the daytime and one on 2022-10-08 at 22:30, and an ordinary center C with one on a working Tuesday at 9:00
    without a dispatch time."""
    import shutil

    path = tmp_path_factory.mktemp("ab") / "copy.duckdb"
    shutil.copy(demo_db, path)
    con = db.connect(path)
    con.execute("""insert into centers (center_id, center_name, region_code, center_type, has_ab_post) values
        ('ZXT1', '调休中心', '219999001001', '社区党群服务中心', true),
        ('ZXT2', '国庆中心', '219999001002', '社区党群服务中心', true),
        ('ZXT3', '普通中心', '219999001003', '社区党群服务中心', false)""")
    con.execute("""insert into service_records (record_id, center_id, received_at, dispatched_at, closed_at,
                                                item_code, status) values
        ('T1', 'ZXT1', '2022-10-08 10:00', '2022-10-08 11:00', '2022-10-09 10:00', '0101', '已办结'),
        ('T2', 'ZXT2', '2022-10-03 10:00', '2022-10-03 12:00', '2022-10-10 10:00', '0101', '已办结'),
        ('T3', 'ZXT2', '2022-10-08 22:30', '2022-10-09 02:30', null, '0101', '办理中'),
        ('T4', 'ZXT3', '2022-10-11 09:00', null, '2022-10-11 15:00', '0101', '已办结')""")
    yield con
    con.close()


def test_the_split_honours_adjusted_working_days(planted):
    p = params("2199", dt.date(2022, 10, 1), dt.date(2022, 10, 12))
    hours = db.run(planted, "ab_receipt_hours", p)
    got = {(r.ab_post, r.holiday, r.weekday, r.hour): r.received for r in hours.itertuples()}
    # the 调休 Saturday is a Saturday (isodow 6) but not a 节假日; the National Day Monday is
    assert got == {(True, False, 6, 10): 1, (True, True, 1, 10): 1, (True, False, 6, 22): 1, (False, False, 2, 9): 1}

    table = view.off_hours_table(hours, db.run(planted, "ab_response_times", p))
    ab = table[table.ab_kind == "AB岗中心"].set_index("slot")
    assert ab.received.to_dict() == {"夜间": 1, "节假日": 1, "夜间或节假日": 2, "工作时间": 1}
    assert ab.loc["节假日", "response_median_hours"] == 2.0          # T2: dispatched after 2 hours
    assert ab.loc["节假日", "closing_median_hours"] == 7 * 24.0
    assert ab.loc["工作时间", "closing_mean_hours"] == 24.0           # T1, on the 调休 Saturday
    assert ab.loc["夜间", "response_mean_hours"] == 4.0 and np.isnan(ab.loc["夜间", "closing_median_hours"])
    others = table[table.ab_kind == "其他中心"].set_index("slot")
    assert others.received.to_dict() == {"夜间": 0, "节假日": 0, "夜间或节假日": 0, "工作时间": 1}
    # no dispatch time: the response is the closing, 6 hours
    assert others.loc["工作时间", "response_median_hours"] == 6.0

    ranking = view.ab_center_ranking(db.run(planted, "ab_center_hours", p))
    assert ranking[["rank", "center_name", "received", "night", "holiday", "off_hours", "remark"]].values.tolist() == [
        [1, "国庆中心", 2, 1, 1, 2, ""],
        [2, "调休中心", 1, 0, 0, 0, "从未在夜间或节假日受理"],
    ]
    # a period in which the 调休 centre received nothing at all
    quiet = view.ab_center_ranking(db.run(planted, "ab_center_hours", params("2199", dt.date(2022, 10, 1),
                                                                             dt.date(2022, 10, 5))))
    assert quiet.set_index("center_name").remark.to_dict() == {"国庆中心": "", "调休中心": "本期没有受理记录"}


# ── the figures against pandas: a county and one center ─────────────────────────────────────────────────

@pytest.mark.parametrize("prefix", [COUNTY, CENTER_REGION])
def test_receipts_by_weekday_and_hour_agree_with_pandas(demo_con, demo_raw, prefix):
    r = marked(demo_raw, prefix, *YEAR)
    hours = db.run(demo_con, "ab_receipt_hours", params(prefix, *YEAR))
    assert hours.received.sum() == len(r)
    for ab in (True, False):
        grid = view.receipt_grid(hours, ab)
        mine = r[r.ab_post == ab]
        if mine.empty:
            assert grid.empty
            continue
        assert len(grid) == 7 * 24
        expected = mine.groupby(["weekday", "hour"]).size()
        got = grid.assign(day=[view.WEEKDAYS.index(w) + 1 for w in grid.weekday]).set_index(["day", "hour"]).received
        assert got[got > 0].to_dict() == expected.to_dict()
        assert grid.share.sum() == pytest.approx(1.0)
    # holidays as chinese-calendar has them
    by_holiday = hours.groupby(["ab_post", "holiday"]).received.sum().to_dict()
    assert by_holiday == r.groupby(["ab_post", "holiday"]).size().to_dict()


@pytest.mark.parametrize("prefix", [COUNTY, CENTER_REGION])
def test_night_and_holiday_table_agrees_with_pandas(demo_con, demo_raw, prefix):
    r = marked(demo_raw, prefix, *YEAR)
    p = params(prefix, *YEAR)
    table = view.off_hours_table(db.run(demo_con, "ab_receipt_hours", p), db.run(demo_con, "ab_response_times", p))
    first = r.dispatched_at.fillna(r.closed_at)
    response = hours_between(r.received_at, first)
    closing = hours_between(r.received_at, r.closed_at).where(r.status == "已办结")
    rows = 0
    for ab, kind in ((True, "AB岗中心"), (False, "其他中心")):
        mine = r.ab_post == ab
        if not mine.any():
            assert kind not in set(table.ab_kind)
            continue
        got = table[table.ab_kind == kind].set_index("slot")
        assert got.index.tolist() == SLOTS
        for slot in SLOTS:
            sel = mine & slot_of(r, slot)
            row = got.loc[slot]
            assert row.received == sel.sum()
            assert row.share == pytest.approx(sel.sum() / mine.sum())
            assert row.response_median_hours == pytest.approx(response[sel].median())
            assert row.response_mean_hours == pytest.approx(response[sel].mean())
            assert row.closing_median_hours == pytest.approx(closing[sel].median())
            assert row.closing_mean_hours == pytest.approx(closing[sel].mean())
            rows += 1
    assert rows == (8 if prefix == COUNTY else 4)


@pytest.mark.parametrize("prefix", [COUNTY, CENTER_REGION])
def test_ranking_agrees_with_pandas(demo_con, demo_raw, prefix):
    r = marked(demo_raw, prefix, *YEAR)
    p = params(prefix, *YEAR)
    others = view.others_off_hours_share(db.run(demo_con, "ab_receipt_hours", p))
    ranking = view.ab_center_ranking(db.run(demo_con, "ab_center_hours", p), others)
    centers = demo_raw["centers"]
    ab = centers[centers.region_code.str.startswith(prefix) & centers.has_ab_post.fillna(False).astype(bool)]
    assert sorted(ranking.center_name) == sorted(ab.center_name)
    mine = r[r.ab_post]
    expected = pd.DataFrame({"received": mine.groupby("center_name").size(),
                             "night": mine.groupby("center_name").night.sum(),
                             "holiday": mine.groupby("center_name").holiday.sum(),
                             "off_hours": (mine.night | mine.holiday).groupby(mine.center_name).sum()})
    got = ranking.set_index("center_name")[["received", "night", "holiday", "off_hours"]]
    assert got.sort_index().to_dict() == expected.reindex(got.index).fillna(0).astype(int).sort_index().to_dict()
    assert ranking.off_hours.is_monotonic_decreasing
    assert ranking["rank"].tolist() == metrics.rank_desc(ranking.off_hours.astype(float)).tolist()
    assert ranking.off_hours_share.tolist() == pytest.approx((ranking.off_hours / ranking.received).tolist())
    # the AB posts serving outside office hours no more than the other centers do: only the name
    rest = r[~r.ab_post]
    if rest.empty:
        assert others is None and set(ranking.remark) == {""}
        return
    assert others == pytest.approx((rest.night | rest.holiday).mean())
    share = (expected.off_hours / expected.received)
    name_only = sorted(share[share <= others].index)
    assert sorted(ranking.center_name[ranking.remark == "占比不高于其他中心"]) == name_only
    assert set(ranking.remark) == {"", "占比不高于其他中心"}
    if prefix == COUNTY:
        assert 1 <= len(name_only) < len(ranking) / 2


def test_the_demo_ab_posts_serve_at_night_after_midnight_too(demo_raw):
    r = marked(demo_raw, "21", *YEAR)
    small_hours = r[r.hour < 6]
    # before 6 o'clock only AB-post centers receive (the others' online receipts start at 6:30)
    assert len(small_hours) > 100 and small_hours.ab_post.all()
    share = r.groupby("ab_post").night.mean()
    assert share[True] > 2 * share[False]
    # every 西岗 center is an AB post, and they answer at night (the source report)
    xigang = r[r.region_code.str.startswith("210203")]
    assert xigang.ab_post.all() and (xigang.hour < 6).sum() > 20
    # the move leaves every case in order, within its day
    assert not (r.dispatched_at < r.received_at).any() and not (r.accepted_at < r.dispatched_at).any()
    assert not (r.closed_at < r.accepted_at).any() and not (r.replied_at < r.accepted_at).any()


# ── the page ───────────────────────────────────────────────────────────────────────────────────────────

def test_the_page_shows_the_ab_section(open_page, demo_raw):
    at = open_page(PAGE, tab="24 小时服务（AB岗）", county="210681000000")
    assert not at.exception
    titles = [full_title(json.loads(c.proto.spec)["layout"]) for c in at.get("plotly_chart")]
    assert titles == ["AB岗中心各时段受理量", "其他中心各时段受理量"]
    caption = next(c.value for c in at.caption if c.value.startswith("AB岗中心："))
    assert "本范围 19 个" in caption

    r = marked(demo_raw, COUNTY, *YEAR)
    table = table_with(at, "时段")
    assert table.columns.tolist() == ["中心类别", "时段", "受理量", "占比", "响应用时中位数(小时)", "响应用时平均(小时)",
                                      "办结用时中位数(小时)", "办结用时平均(小时)"]
    night = table[(table["中心类别"] == "AB岗中心") & (table["时段"] == "夜间")].iloc[0]
    assert night["受理量"] == (r.ab_post & r.night).sum() > 1000
    response = hours_between(r.received_at, r.dispatched_at.fillna(r.closed_at))
    assert night["响应用时中位数(小时)"] == pytest.approx(response[r.ab_post & r.night].median(), abs=0.05)

    ranking = table_with(at, "夜间或节假日受理量")
    assert ranking.columns.tolist() == ["排名", "中心名称", "备注", "夜间或节假日受理量", "夜间或节假日占比", "夜间受理量",
                                        "节假日受理量", "受理量"]
    assert len(ranking) == 19
    top = r[r.ab_post & (r.night | r.holiday)].groupby("center_name").size().sort_values(ascending=False)
    assert ranking.iloc[0]["中心名称"] == top.index[0] and ranking.iloc[0]["夜间或节假日受理量"] == top.iloc[0]
    others = (r[~r.ab_post].night | r[~r.ab_post].holiday).mean()
    assert (f"按夜间或节假日受理量排名（相同的并列，再按占比）。本范围其他中心的受理中 {metrics.fmt_pct(others)} "
            "在夜间或节假日；不高于这一比例的AB岗中心备注「占比不高于其他中心」。") in [c.value for c in at.caption]
    assert (ranking["备注"] == "占比不高于其他中心").sum() >= 1


def table_with(at, column: str):
    """The page's table that has `column` (the sections above hold tables of their own)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_page_in_english_and_a_town_without_ab_posts(open_page):
    at = open_page(PAGE, county="210681000000", lang="en")
    at.session_state["services_tab"] = "24-hour service (A/B posts)"
    assert not at.run().exception
    titles = [full_title(json.loads(c.proto.spec)["layout"]) for c in at.get("plotly_chart")]
    assert titles == ["A/B-post centers: cases by weekday and hour", "Other centers: cases by weekday and hour"]
    assert table_with(at, "Time of receipt").iloc[0, :2].tolist() == ["A/B-post centers", "Night"]
    assert table_with(at, "Note").columns[2] == "Note"

    at = open_page(PAGE, tab="24 小时服务（AB岗）", county="210681000000", town="210681107000")
    assert not at.exception
    assert "本范围没有登记为 24 小时 AB 岗的中心（服务中心表「是否24小时AB岗」）。" in [i.value for i in at.info]
    assert not [d for d in at.dataframe if "时段" in d.value.columns]      # no AB table


def test_a_large_view_computes_the_times_with_the_durations(open_page, monkeypatch):
    monkeypatch.setattr(metrics, "DURATIONS_AUTO_MAX", 20_000)
    at = open_page(PAGE, tab="24 小时服务（AB岗）")
    assert not at.exception
    table = table_with(at, "时段")
    assert table["受理量"].gt(0).all() and table["响应用时中位数(小时)"].isna().all()
    assert any("点下面的「计算办理用时」后显示（「办理情况」的办理用时一并算出）" in c.value for c in at.caption)
    at.button(key="ask_durations").click().run()
    assert not at.exception
    assert table_with(at, "时段")["响应用时中位数(小时)"].notna().all()
    # asked here, asked for the view: 办理情况 draws its times without asking again
    at.session_state["services_tab"] = "办理情况"
    assert not at.run().exception
    assert "派单、接单、办结用时（小时）" in [full_title(json.loads(c.proto.spec)["layout"])
                                         for c in at.get("plotly_chart")]


def test_the_report_says_how_the_ab_posts_serve_at_night_and_on_holidays(alerts_con, demo_raw):
    from dangqun import alerts
    from dangqun.views import report

    region = COUNTY.ljust(12, "0")
    run = lambda n, p: db.run(alerts_con, n, p, scope=region)  # noqa: E731
    r = report.build(run, region, "东港市", report.parse_period("2022-12"), "yoy", today=dt.date(2023, 1, 10),
                     store=lambda month: alerts.ensure(alerts_con, month))
    month = marked(demo_raw, COUNTY, dt.date(2022, 12, 1), dt.date(2022, 12, 31))
    mine, rest = month[month.ab_post], month[~month.ab_post]
    off = mine.night | mine.holiday
    share = off.groupby(mine.center_id).mean()
    others = (rest.night | rest.holiday).mean()
    n_ab = int(demo_raw["centers"].query("region_code.str.startswith(@COUNTY)").has_ab_post.fillna(False).sum())
    want = (f"全市{n_ab}个24小时AB岗中心本期受理{metrics.fmt_int(len(mine))}件，其中夜间（20时至次日8时）或节假日受理"
            f"{metrics.fmt_int(int(off.sum()))}件，占{metrics.fmt_pct(off.mean())}（其他中心占{metrics.fmt_pct(others)}）；"
            f"有{int((share <= others).sum())}个AB岗中心夜间或节假日受理的占比不高于其他中心。")
    paragraphs = [b.text for b in r.blocks if b.kind == "para"]
    assert paragraphs[1] == want, paragraphs[1]
    # a region without AB posts: no such sentence
    town = "210681101000"        # 孤山镇
    run = lambda n, p: db.run(alerts_con, n, p, scope=town)  # noqa: E731
    r = report.build(run, town, "孤山镇", report.parse_period("2022-12"), "yoy", today=dt.date(2023, 1, 10),
                     store=lambda month: alerts.ensure(alerts_con, month))
    assert not any("AB岗" in b.text for b in r.blocks if b.kind == "para")
