"""预警 (dangqun.alerts): the tail probabilities against exact decimal sums, statuses kept across a
recomputation and audit-logged, the scope of a county, the stored alerts equal to each region's own
computation, found once and anew, and the command line's refusals. Each rule's own tests are in
tests/test_alert_<rule>.py (README 「新增预警规则 / Adding a 预警 rule」)."""
from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from math import factorial

import pandas as pd
import pytest

from dangqun import alerts, cli, db, regions, stats
from dangqun.demo import anomalies as A
from tests.alert_helpers import LATEST, add_cases, exact_binom_cdf, exact_poisson_sf


# ── the statistics ──────────────────────────────────────────────────────────────────────────────

def test_binomial_tail_matches_the_exact_sum():
    assert stats.binom_cdf(2, 10, 0.5) == pytest.approx(56 / 1024, rel=1e-12)
    assert stats.binom_cdf(140, 200, 0.95) == pytest.approx(exact_binom_cdf(140, 200, "0.95"), rel=1e-9)
    assert stats.binom_sf(60, 100, 0.5) == pytest.approx(1 - exact_binom_cdf(59, 100, "0.5"), rel=1e-9)
    assert (stats.binom_cdf(-1, 5, 0.3), stats.binom_cdf(5, 5, 0.3)) == (0.0, 1.0)


def test_poisson_tail_and_upper_limit():
    assert stats.poisson_sf(30, 10) == pytest.approx(exact_poisson_sf(30, 10), rel=1e-9)
    assert stats.poisson_sf(12, 10) == pytest.approx(exact_poisson_sf(12, 10), rel=1e-9)
    assert stats.poisson_sf(3, 10) == pytest.approx(exact_poisson_sf(3, 10), rel=1e-9)
    # the limit: P(X > 21) ≤ 0.001 < P(X > 20) for a mean of 10
    assert stats.poisson_upper_limit(10, 0.001) == 21
    assert exact_poisson_sf(22, 10) <= 0.001 < exact_poisson_sf(21, 10)
    # large baselines (a town's 事项 at 20M records): the one-pass limit is the definition's
    for lam, alpha in ((0.6, 0.001), (57.3, 0.01), (480.5, 0.001), (1234.5, 1e-5)):
        u = stats.poisson_upper_limit(lam, alpha)
        assert stats.poisson_sf(u + 1, lam) <= alpha < stats.poisson_sf(u, lam) or u == math.floor(lam)
    assert stats.poisson_pmf(12, 10) == pytest.approx(float(Decimal(10) ** 12 / factorial(12) * Decimal(-10).exp()),
                                                     rel=1e-12)
    assert stats.poisson_pmf(12, 10) <= stats.poisson_sf(12, 10)
    assert stats.p_chart_lower(0.95, 200) == pytest.approx(0.95 - 3 * (0.95 * 0.05 / 200) ** 0.5)


# ── statuses and scope ───────────────────────────────────────────────────────────────────────────

def test_status_is_kept_across_recompute_and_audited(scratch_con, store):
    before = alerts.run_all(scratch_con, "210681000000", "2022-10", scope="210681000000", store=store)
    assert (before["status"] == "待处理").all() and len(before) > 0
    first = before.iloc[0].to_dict()
    params = alerts.status_params(first, "已核实", "已电话联系镇里", "donggang", dt.datetime(2022, 11, 2, 9))
    alerts.set_status(store, params)
    # new records change nothing of that alert's identity: recomputed, it keeps its status and note
    add_cases(scratch_con, "cccccccccccccccccccc", "0102", ["2022-10-03"])
    after = alerts.run_all(scratch_con, "210681000000", "2022-10", scope="210681000000", store=store) \
        .set_index("alert_key")
    row = after.loc[first["alert_key"]]
    assert (row["status"], row["note"], row["updated_by"]) == ("已核实", "已电话联系镇里", "donggang")
    assert (after.drop(index=first["alert_key"])["status"] == "待处理").all()
    from tests.test_audit import rows

    assert [(u, t, d) for u, _, t, d, _ in rows(store, "alert_status")] \
        == [("donggang", first["alert_key"], "已核实：已电话联系镇里")]
    # another county's account does not see what was recorded on 东港's alerts; the province's and 丹东's do
    assert alerts.statuses(store, "2022-10", "211324000000").empty
    assert len(alerts.statuses(store, "2022-10", "210681000000")) == 1
    assert len(alerts.statuses(store, "2022-10", "210600000000")) == 1
    assert len(alerts.statuses(store, "2022-10", None)) == 1
    with pytest.raises(ValueError, match="未知的预警状态"):
        alerts.status_params(first, "已关闭", "", "donggang")


def test_a_county_sees_only_its_county(alerts_con):
    county = alerts.run_all(alerts_con, "210681000000", "2022-12", scope="210681000000")
    province = alerts.run_all(alerts_con, "210000000000", "2022-12", scope=None)
    assert len(county) > 0 and county["unit_code"].str.startswith("210681").all()
    # the county's own units' alerts are the province's for those units (热点 is per region looked at)
    mine = province[province["unit_code"].str.startswith("210681") & (province["rule"] != "hotspot")]
    assert sorted(county.loc[county["rule"] != "hotspot", "alert_key"]) == sorted(mine["alert_key"])
    # an account scoped to the county asking for the whole province still sees its county only
    assert alerts.run_all(alerts_con, "210000000000", "2022-12", scope="210681000000")["unit_code"] \
        .str.startswith("210681").all()


# ── the stored alerts (alert_found): what the pages read ─────────────────────────────────────────

@pytest.mark.parametrize("region, scope, period", [
    ("210000000000", None, "2022-10"), ("210600000000", None, "2022-12"),
    ("210681000000", "210681000000", "2022-10"), (A.REPEAT_TOWN, "210681000000", "2022-10")])
def test_stored_alerts_are_the_regions_own_computation(alerts_con, region, scope, period):
    """The province's alerts found once and read back for a region under a scope equal the alerts found
    from that region's own records under that scope, row by row and in the same order; 诉求突增's
    baseline follows each 事项 in all the province's other towns, so its alerts are the province's; 热点's
    topics are found from their whole county's texts (a matter's share is of its county), so below a county
    they are the province's too."""
    run = lambda name, params: db.run(alerts_con, name, params, scope=scope)  # noqa: E731
    frames, latest, first = alerts.gather(run, region, period)
    everything, last, first_day = alerts.gather(lambda name, params: db.run(alerts_con, name, params),
                                                "210000000000", period)
    province = alerts.evaluate(everything, period, last, first_day)
    spikes = province[(province["rule"] == "spike") & province["unit_code"].str.startswith(regions.prefix(region))]
    for lang in ("zh", "en"):
        want = alerts.evaluate(frames, period, latest, first, lang=lang)
        got = alerts.listing(run, region, alerts.ensure(alerts_con, period), lang)
        assert len(want) > 0
        theirs = {"spike"} | ({"hotspot"} if regions.level_of(region) >= 3 else set())
        others = lambda found: found[~found["rule"].isin(theirs)].reset_index(drop=True)  # noqa: E731
        pd.testing.assert_frame_equal(others(got), others(want), check_dtype=False)
        assert got.loc[got["rule"] == "spike", "alert_key"].tolist() == spikes["alert_key"].tolist()
        hot = province[(province["rule"] == "hotspot") & province["unit_code"].str.startswith(regions.prefix(region))]
        assert got.loc[got["rule"] == "hotspot", "alert_key"].tolist() == hot["alert_key"].tolist()


def test_a_village_reads_its_towns_alerts(alerts_con):
    village = alerts_con.execute("select min(region_code) from centers where region_code like $t",
                                 {"t": A.REPEAT_TOWN[:9] + "%"}).fetchone()[0]
    stored = alerts.ensure(alerts_con, "2022-10")
    run = lambda name, params: db.run(alerts_con, name, params)  # noqa: E731
    assert alerts.town_of(village) == A.REPEAT_TOWN
    pd.testing.assert_frame_equal(alerts.listing(run, village, stored), alerts.listing(run, A.REPEAT_TOWN, stored))


def test_a_month_is_found_once_and_again_when_the_rules_change(scratch_con, tmp_path, monkeypatch):
    first = alerts.ensure(scratch_con, "2022-10")
    when = scratch_con.execute("select computed_at from alert_run where period = '2022-10'").fetchone()
    assert alerts.ensure(scratch_con, "2022-10") == first
    assert scratch_con.execute("select computed_at from alert_run where period = '2022-10'").fetchone() == when
    run = lambda name, params: db.run(scratch_con, name, params)  # noqa: E731
    repeats = (alerts.listing(run, "210000000000", first)["rule"] == "repeat").sum()
    # two cases make a repeat now: the changed file is a new key, and the month is found anew
    config = tmp_path / "alerts.toml"
    config.write_text(alerts.CONFIG_PATH.read_text(encoding="utf-8").replace("min_count = 3", "min_count = 2"),
                      encoding="utf-8")
    monkeypatch.setattr(alerts.config, "CONFIG_PATH", config)     # what load_config and run_key read
    again = alerts.ensure(scratch_con, "2022-10")
    assert again.key != first.key
    assert (alerts.listing(run, "210000000000", again)["rule"] == "repeat").sum() > repeats
    # rows are read only under the key they were found with
    assert db.run(scratch_con, "alert_list", {"region": "21", "period": "2022-10", "run_key": first.key}).empty
    # a comment edited changes no setting: the stored month still holds
    commented = tmp_path / "commented.toml"
    commented.write_text("# 说明改了一句\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(alerts.config, "CONFIG_PATH", commented)
    assert alerts.ensure(scratch_con, "2022-10").key == again.key


def test_new_data_is_a_new_key_and_refresh_keeps_only_the_latest_month(scratch_con):
    old = alerts.ensure(scratch_con, "2022-10")
    add_cases(scratch_con, "dddddddddddddddddddd", "0101", ["2022-12-01", "2022-12-05", "2022-12-09"])
    db.bump_data_version(scratch_con)
    stored = alerts.refresh(scratch_con)
    assert (stored.period, stored.as_of) == ("2022-12", dt.date(2022, 12, 31)) and stored.key != old.key
    assert scratch_con.execute("select period, run_key from alert_run").fetchall() == [("2022-12", stored.key)]
    assert scratch_con.execute("select distinct period from alert_found").fetchall() == [("2022-12",)]
    keys = scratch_con.execute("select alert_key from alert_found where rule = 'repeat'").df()["alert_key"]
    assert keys.str.contains("dddddddddddddddd:0101").sum() == 1


def test_the_records_behind_an_alert_are_stored_with_it(alerts_con, demo_raw):
    from dangqun.views import alerts as view

    stored = alerts.ensure(alerts_con, "2022-10")
    run = lambda name, params: db.run(alerts_con, name, params, scope="210681000000")  # noqa: E731
    found = alerts.listing(run, "210681000000", stored)
    # the planted resident's four cases, as the records hold them
    planted = found[found["subject"].str.startswith(A.REPEAT_HASH)].iloc[0].to_dict()
    cases = view.cases_of(planted, run, stored)
    r = demo_raw["service_records"]
    mine = r[r["resident_hash"] == A.REPEAT_HASH].sort_values("received_at")
    assert cases["record_id"].tolist() == mine["record_id"].tolist()
    assert set(cases["resident_name"]) == {"赵*"} and set(cases["item_name"]) == {"医疗费用报销代办"}
    # a town's backlog (December: towns with five cases and more): its cases open past their deadline at
    # the month's end, the longest overdue first
    stored = alerts.ensure(alerts_con, "2022-12")
    run = lambda name, params: db.run(alerts_con, name, params)  # noqa: E731
    found = alerts.listing(run, "210000000000", stored)
    late = found[found["rule"] == "backlog"].iloc[0].to_dict()
    cases = view.cases_of(late, run, stored)
    want = alerts.backlog_cases(db.run(alerts_con, "alert_backlog", {"region": regions.prefix(late["unit_code"]),
                                                                     "as_of": stored.as_of}), stored.as_of)
    assert sorted(cases["record_id"]) == sorted(want["record_id"]) and len(cases) > 0
    assert cases["workdays_overdue"].is_monotonic_decreasing
    assert int(late["numbers"].split(" 件")[0]) == len(cases)


@pytest.mark.parametrize("period", ["2021-03", "2021-11", "2022-10", "2022-12"])
def test_a_province_month_reads_short(alerts_con, period):
    """The months of the demo with the most alerts still list about 15 at most: one or two fresh late cases
    stay on 服务办理's 超期件 list, and only the five strongest 热点 are listed; the severest come first, the
    bigger before the smaller within a severity."""
    found = alerts.run_all(alerts_con, "210000000000", period, scope=None)
    assert 0 < len(found) <= 15
    assert (found["rule"] == "hotspot").sum() <= 5
    rank = found["severity"].map({s: i for i, s in enumerate(alerts.SEVERITIES)})
    assert rank.is_monotonic_increasing
    for _, same in found.groupby("severity"):
        assert same["size"].is_monotonic_decreasing


# ── the command line ─────────────────────────────────────────────────────────────────────────────

def test_cli_json_and_refusals(demo_db, tmp_path, accounts_file, capsys):
    path = tmp_path / "cli.duckdb"
    path.write_bytes(demo_db.read_bytes())
    assert cli.main(["alerts", "--db", str(path), "--region", "210681", "--period", "2022-10", "--json",
                     "--user", "donggang"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["region"], out["region_name"], out["period"]) == ("210681000000", "东港市", "2022-10")
    assert out["counts"]["repeat"] == sum(a["rule"] == "repeat" for a in out["alerts"]) > 0
    assert out["counts"]["backlog"] == sum(a["rule"] == "backlog" for a in out["alerts"])
    assert all(a["unit_code"].startswith("210681") for a in out["alerts"])
    assert cli.main(["alerts", "--db", str(path), "--region", "210600", "--user", "donggang"]) == 2
    assert "账号 donggang 无权查看区划 210600000000" in capsys.readouterr().err
    assert cli.main(["alerts", "--db", str(path), "--period", "2022-13"]) == 2
    assert "预警月份应写成 YYYY-MM" in capsys.readouterr().err


# ── the bench's yardstick (Rule.yardstick) ───────────────────────────────────────────────────────

def test_the_rules_yardsticks_find_what_their_queries_find(demo_con):
    """The page bench's pandas way (dangqun/bench/pandas_way.py) computes each rule's frames from the records
    with the rules' yardsticks: a rule without one, or one that reads a frame differently, fails here (two
    province months between them have alerts of every rule). Its records carry no 诉求内容 (热点 by 事项),
    and its residents are unnamed."""
    from dangqun.alerts import engine
    from dangqun.alerts.base import Ask
    from dangqun.bench import pandas_way

    records, seen = pandas_way.load(demo_con), set()
    for end in (dt.date(2022, 10, 31), dt.date(2022, 12, 31)):
        period = alerts.period_of(end)
        got = pandas_way.alerts_page(records, {"region": "21", "start": end.replace(day=1), "end": end}, None, 4)
        asked = engine.plan(Ask("210000000000", period, LATEST, alerts.load_config()))
        frames = {name: db.run(demo_con, q.query, q.params) for name, q in asked.items()
                  if q.run and name != "topic_texts"}
        want = alerts.find(frames, period, LATEST, dt.date(2021, 1, 1))
        same = ["alert_key", "severity", "unit_name", "numbers_text", "explanation_text", "p_value"]
        pd.testing.assert_frame_equal(got[same], want[same])
        seen |= set(got["rule"])
    assert seen == set(alerts.RULES)
