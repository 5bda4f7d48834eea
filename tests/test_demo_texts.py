"""The demo's 诉求内容 (dangqun.demo.texts) and its two planted matters (dangqun.demo.anomalies MIXER, WATER),
read with SQL from the built demo."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dangqun import demo, privacy
from dangqun.demo import anomalies as A
from dangqun.demo import texts as T

REMOTE = "('电话', '网上', '12345转办')"


def month_range(year: int, month: int) -> tuple[str, str]:
    return f"{year}-{month:02d}-01", f"{year + month // 12}-{month % 12 + 1:02d}-01"


def matter_counts(con, matter: A.Matter) -> dict:
    """(year, month) → center → records whose text names the matter's place, object and problem word."""
    word = "噪音" if matter is A.MIXER else matter.problem
    rows = con.execute("""
        select year(received_at), month(received_at), center_id, count(*)
        from service_records
        where contains(request_text, $place) and contains(request_text, $object) and contains(request_text, $word)
        group by all""", {"place": matter.place, "object": matter.object, "word": word}).fetchall()
    out: dict = {}
    for y, m, center, n in rows:
        out.setdefault((y, m), {})[center] = n
    return out


def test_about_a_third_of_records_carry_a_text_those_received_by_phone_or_online(demo_con):
    total, with_text, remote, remote_with_text = demo_con.execute(f"""
        select count(*), count(request_text), count(*) filter (where channel in {REMOTE}),
               count(request_text) filter (where channel in {REMOTE})
        from service_records""").fetchone()
    assert 0.30 < with_text / total < 0.33
    assert remote_with_text == remote
    planted = sum(n for m in A.MATTERS for n in m.months().values())
    # the other texts are the planted matters' messages on records of other channels
    assert with_text - remote <= planted


def test_texts_name_the_records_own_place_and_vary(demo_con):
    # a village's or community's routine texts name it as the regions dictionary does, but for the questions
    # asked without saying where from (请问…, 咨询…)
    named, texts = demo_con.execute(f"""
        select count(*) filter (where contains(s.request_text, r.region_name)), count(*)
        from service_records s join centers c using (center_id) join regions r on r.region_code = c.region_code
        where s.channel in {REMOTE} and c.center_type in ('村级党群服务中心', '社区党群服务中心')""").fetchone()
    assert 0.45 < named / texts < 0.7
    distinct, texts = demo_con.execute("select count(distinct request_text), count(request_text) from service_records").fetchone()
    assert distinct > texts / 2
    sample = [r[0] for r in demo_con.execute("""
        select request_text from service_records where center_id = 'ZX210681001003' and item_code = '1204'
          and request_text is not null and not contains(request_text, '搅拌站')""").fetchall()]
    assert sample and all("丽景社区" in t and any(o in t for o in ("路灯", "楼道灯")) for t in sample)


def test_no_routine_matter_is_big_in_one_place(demo_con):
    # a matter (object and problem of the record's 事项) raised at one center in one month: a few times at most
    matters = pd.DataFrame([(code, m) for code, ms in T.item_matters(demo.load_catalog()).items() for m in ms],
                           columns=["item_code", "matter"])
    cur = demo_con.cursor()
    cur.register("_matters", matters)
    try:
        top = cur.execute("""
            select count(*) n from service_records s join _matters m
              on m.item_code = s.item_code and contains(s.request_text, m.matter)
            where not contains(s.request_text, '搅拌站') and not contains(s.request_text, '停水')
            group by s.center_id, date_trunc('month', s.received_at), m.matter
            order by n desc limit 1""").fetchone()[0]
    finally:
        cur.close()
    assert top <= 6


def test_the_mixer_matter_two_months_three_centers(demo_con):
    got = matter_counts(demo_con, A.MIXER)
    assert got == A.MIXER.counts
    assert A.MIXER.months() == {(2022, 11): 18, (2022, 12): 26}
    centers = demo_con.execute("select center_id, region_code from centers where center_id in "
                               "(select unnest($ids))", {"ids": list(A.MIXER.counts[(2022, 12)])}).fetchall()
    assert len(centers) == 3 and all(code.startswith(A.MIXER.town[:9]) for _, code in centers)
    # every message names the place, the 搅拌站 and its noise, in at least six different sentences
    texts = [r[0] for r in demo_con.execute("select request_text from service_records "
                                            "where contains(request_text, '搅拌站')").fetchall()]
    assert len(texts) == 44 and len(set(texts)) >= 6
    assert all("丽景社区" in t and "噪音" in t for t in texts)


def test_the_water_matter_one_month_one_town(demo_con):
    got = matter_counts(demo_con, A.WATER)
    assert got == A.WATER.counts and A.WATER.months() == {(2022, 12): 30}
    town = demo_con.execute("""select count(*), count(distinct left(c.region_code, 9)) from service_records s
                               join centers c using (center_id) where contains(s.request_text, '停水')""").fetchone()
    assert town == (30, 1)
    texts = [r[0] for r in demo_con.execute("select request_text from service_records "
                                            "where contains(request_text, '停水')").fetchall()]
    assert len(set(texts)) >= 6 and all("李家堡村" in t and "自来水" in t for t in texts)


@pytest.mark.parametrize("matter", A.MATTERS, ids=["mixer", "water"])
def test_the_matters_places_are_villages_or_communities_of_their_town(demo_con, matter):
    # the place is a name of the regions dictionary, held by a center of the town (what the 热点 rule adds to
    # its words), and the county the one the constants say
    held = demo_con.execute("""select count(*) from regions r join centers c on c.region_code = r.region_code
                               where r.region_name = $place and r.level = '村社区' and r.parent_code = $town""",
                            {"place": matter.place, "town": matter.town}).fetchone()[0]
    assert held == 1 and matter.town[:6] == matter.county[:6]
    assert A.MIXER.county == "210681000000" and A.WATER.county != A.MIXER.county


def test_no_routine_text_looks_like_a_planted_matter(demo_con):
    assert demo_con.execute("""select count(*) from service_records where contains(request_text, '搅拌站')
                               and not (contains(request_text, '丽景社区') and contains(request_text, '噪音'))""").fetchone()[0] == 0
    vocabulary = " ".join([*T.ASK, *T.FIX_LEADS, *T.ASK_LEADS, *T.FIX_CLOSINGS, *T.ASK_CLOSINGS, *T.TOWN_SPOTS,
                           *T.VILLAGE_SPOTS, *(o + "".join(p) for pairs in T.MATTERS.values() for o, p in pairs)])
    assert "搅拌站" not in vocabulary and "停水" not in vocabulary and "噪音" not in vocabulary


def test_no_text_holds_a_number_to_mask(demo_con):
    texts = [r[0] for r in demo_con.execute("select distinct request_text from service_records "
                                            "where request_text is not null").fetchall()]
    assert not any(ch.isdigit() for t in texts for ch in t)
    assert all(privacy.mask_text(t) == t for t in texts)


def test_the_texts_change_no_other_column(tmp_path, monkeypatch):
    """A build without the texts (TextMaker off, the matters not planted) has every other column as it was."""
    with_texts, without = tmp_path / "with.duckdb", tmp_path / "without.duckdb"
    demo.build(with_texts, records=30_000)
    monkeypatch.setattr(demo, "TextMaker", lambda *a, **k: None)
    monkeypatch.setattr(A, "MATTERS", ())
    demo.build(without, records=30_000)
    con = duckdb.connect()
    con.execute(f"attach '{with_texts}' as a (read_only); attach '{without}' as b (read_only)")
    for table in ("regions", "catalog", "centers", "funds", "activities", "service_records"):
        cols = "* exclude (request_text)" if table == "service_records" else "*"
        for x, y in (("a", "b"), ("b", "a")):
            assert con.execute(f"select count(*) from (select {cols} from {x}.{table} "
                               f"except all select {cols} from {y}.{table})").fetchone()[0] == 0, table
    assert con.execute("select count(request_text) from b.service_records").fetchone()[0] == 0
    assert con.execute("select count(request_text) from a.service_records").fetchone()[0] > 8_000
