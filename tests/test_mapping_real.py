"""Acceptance on real public exports nobody on this project wrote (../shared/realdata, see its README):
the shipped profiles, drafts from `dangqun map` with only their TODOs filled in, and the national dictionary."""
import csv
import os
import re
import tomllib
from pathlib import Path

import duckdb
import pytest

from dangqun import db, dictionaries, privacy
from dangqun.ingest import import_files, mapping, read

ROOT = Path(__file__).resolve().parent.parent
# from a worktree at /work/wt-x, ROOT.parent is /work: /work/shared/realdata serves /work/main and worktrees alike
REALDATA = Path(os.environ.get("DANGQUN_REALDATA", ROOT.parent / "shared" / "realdata"))
TEDDY = REALDATA / "teddy2020c" / "留言与答复.xlsx"
BALTIMORE = REALDATA / "baltimore_311" / "311_sample.csv"
DIVISIONS = REALDATA / "divisions"
PROFILES = ROOT / "config" / "mappings"

pytestmark = pytest.mark.skipif(not REALDATA.is_dir(), reason=f"真实数据目录 {REALDATA} 不存在（见 shared/realdata/README.md；"
                                                             f"可用 DANGQUN_REALDATA 指定）")


def fresh_db(path: Path) -> Path:
    """National regions and the shipped catalogs, the two platforms' catalogs and one center each — both in towns
    outside Liaoning (长沙市芙蓉区文艺路街道, 北京市东城区东华门街道)."""
    with db.opened(path) as con:
        dictionaries.load(con)
        for name in ("teddy2020c_catalog.csv", "baltimore311_catalog.csv"):
            r = dictionaries.import_dictionary(con, "catalog", str(PROFILES / name))
            assert (r.rejected, r.quarantined) == (False, 0)
        centers = path.parent / "centers.csv"
        centers.write_text("中心编码,中心名称,区划代码,中心类型\n"
                           "TD-A000,A市留言板,430102001000,乡镇街道党群服务中心\n"
                           "BALT-311,Baltimore 311,110101001000,乡镇街道党群服务中心\n", encoding="utf-8")
        (r,) = import_files(con, [centers], db_path=path)
        assert (r.imported, r.quarantined) == (2, 0)
    return path


@pytest.fixture(scope="module")
def realdb(tmp_path_factory):
    return fresh_db(tmp_path_factory.mktemp("real") / "real.duckdb")


def check_teddy(con, r, replied=True):
    assert (r.rejected, r.rows_read) == (False, 2816)
    assert r.imported + r.updated + r.duplicates + r.quarantined + r.skipped == r.rows_read
    assert (r.imported, r.quarantined, r.skipped) == (2816, 0, 0)
    # every message has a reply time: all closed, closed when replied
    assert con.execute("select status, count(*), count(closed_at), count(*) filter (where closed_at = replied_at) "
                       "from service_records where center_id = 'TD-A000' group by 1").fetchall() == [
        ("已办结", 2816, 2816, 2816 if replied else 0)]   # a draft maps 答复时间 once, to 办结时间


def test_teddy_messages_with_the_shipped_profile(realdb):
    with db.opened(realdb) as con:
        r = import_files(con, [TEDDY], db_path=realdb)[0]   # found by its headers
        check_teddy(con, r)
        assert r.mapping.startswith("映射配置 teddy2020c：中心编码=常量「TD-A000」")
        # texts stored exactly as the masking gives them, with no digit run long enough to be a phone left
        src = read.read_any(str(TEDDY)).table
        expected = {f"TD-{i}": (privacy.mask_text(a), privacy.mask_text(b))
                    for i, a, b in zip(src["c0"].to_pylist(), src["c4"].to_pylist(), src["c5"].to_pylist())}
        stored = {k: (a, b) for k, a, b in con.execute(
            "select record_id, request_text, reply_text from service_records where center_id = 'TD-A000'").fetchall()}
        assert stored == expected
        assert con.execute("select count(*) from service_records where regexp_matches(request_text, '\\d{11}') "
                           "or regexp_matches(reply_text, '\\d{11}')").fetchall()[0][0] == 0
        # categories from the keyword lookup; the rest in the explicit 未分类 item
        cats = dict(con.execute("select item_code, count(*) from service_records where center_id = 'TD-A000' "
                                "group by 1").fetchall())
        assert set(cats) <= {f"TD{i:02d}" for i in range(1, 16)} | {"TD99"} and sum(cats.values()) == 2816
        assert cats["TD99"] < 2816 * 0.2
        again = import_files(con, [TEDDY], db_path=realdb)[0]
        assert (again.imported, again.updated, again.duplicates, again.quarantined) == (0, 0, 2816, 0)


def days_open() -> dict[str, int]:
    with open(BALTIMORE, encoding="utf-8", newline="") as f:
        return {"BAL-" + r["ServiceRequestNum"]: int(r["DaysOpen"]) for r in csv.DictReader(f) if r["CloseDate"]}


def check_baltimore(con, r):
    assert r.imported >= 0.97 * r.rows_read and r.rows_read == 10000
    assert (r.imported, r.quarantined, r.skipped, r.duplicates) == (9783, 0, 217, 0)
    assert r.imported + r.updated + r.duplicates + r.quarantined + r.skipped == r.rows_read
    oracle = days_open()
    got = con.execute("select record_id, date_diff('day', received_at::date, closed_at::date) from service_records "
                      "where center_id = 'BALT-311' and status = '已办结'").fetchall()
    assert len(got) == 9567 + 18
    assert all(oracle[k] == d for k, d in got), [(k, d, oracle[k]) for k, d in got if oracle[k] != d][:5]


def test_baltimore_311_with_the_shipped_profile(realdb):
    with db.opened(realdb) as con:
        r = import_files(con, [BALTIMORE], db_path=realdb, mapping=PROFILES / "baltimore311.toml")[0]
        check_baltimore(con, r)
        assert "按映射跳过 SRStatus「Closed (Duplicate)」：平台标记的重复工单（207 行）、SRStatus「Open (Duplicate)」：" \
               "平台标记的重复工单（8 行）、SRStatus「New (Duplicate)」：平台标记的重复工单（2 行）" in r.notes
        assert con.execute("select skipped from import_log where import_id = $i", {"i": r.import_id}).fetchall() == [(217,)]
        assert con.execute("select count(*) from service_records where record_id like 'BAL-%' and record_id in "
                           "(select 'BAL-' || ServiceRequestNum from read_csv($p, all_varchar = true) "
                           "where SRStatus like '%(Duplicate)')", {"p": str(BALTIMORE)}).fetchall()[0][0] == 0


def fill(draft: str, fills: dict[str, str], values: dict[str, dict]) -> str:
    """The draft with only its TODO lines changed: column TODOs from `fills`, value TODOs from `values`."""
    out, section = [], None
    for line in draft.splitlines():
        m = re.match(r"\[values\.(\w+)\]", line)
        if m:
            section = m.group(1)
        if '"TODO"' in line:
            if section is None:
                col = line.split("=")[0].strip()
                line = f"{col} = {fills[col]}"
            else:
                key = tomllib.loads(line.split("#")[0])
                (src,) = key
                dst = values[section][src]
                line = f'"{src}" = ' + (f'{{ skip = "{dst["skip"]}" }}' if isinstance(dst, dict) else f'"{dst}"')
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("which", ["teddy", "baltimore"])
def test_a_drafted_profile_with_its_todos_filled_imports_the_same(which, tmp_path):
    from dangqun import cli

    src = TEDDY if which == "teddy" else BALTIMORE
    out = tmp_path / "draft.toml"
    assert cli.main(["map", str(src), "--out", str(out)]) == 0
    draft = out.read_text(encoding="utf-8")
    if which == "teddy":
        fills = {"center_id": '{ constant = "TD-A000" }',
                 "item_code": f'{{ header = "留言主题", lookup = "{PROFILES / "teddy2020c_一级分类.csv"}", key = "关键词", '
                              f'value = "事项编码", match = "contains", unmatched = "TD99" }}'}
        values = {}
    else:
        fills = {"center_id": '{ constant = "BALT-311" }',
                 "item_code": f'{{ header = "Agency", lookup = "{PROFILES / "baltimore311_agency.csv"}", key = "Agency", '
                              f'value = "事项编码", unmatched = "BA99" }}'}
        values = tomllib.loads((PROFILES / "baltimore311.toml").read_text(encoding="utf-8"))["values"]
    assert draft.count('"TODO"') == len(fills) + sum(len(v) for v in values.values())
    out.write_text(fill(draft, fills, values), encoding="utf-8")
    dbp = fresh_db(tmp_path / "d.duckdb")
    with db.opened(dbp) as con:
        r = import_files(con, [src], db_path=dbp, mapping=out)[0]
        if which == "teddy":
            check_teddy(con, r, replied=False)
        else:
            # the draft prefixes no ids: compare against the oracle under the file's own numbers
            assert (r.imported, r.quarantined, r.skipped) == (9783, 0, 217)
            oracle = {k[4:]: v for k, v in days_open().items()}
            got = con.execute("select record_id, date_diff('day', received_at::date, closed_at::date) "
                              "from service_records where status = '已办结'").fetchall()
            assert len(got) == 9585 and all(oracle[k] == d for k, d in got)


def test_shipped_divisions_equal_the_source_and_hold_every_town(tmp_path):
    import gzip

    with gzip.open(dictionaries.NATIONAL, "rt", encoding="utf-8") as f:
        shipped = [tuple(v or None for v in r) for r in list(csv.reader(f))[1:]]
    assert shipped == dictionaries.national_rows(DIVISIONS)
    with open(DIVISIONS / "streets.csv", encoding="utf-8") as f:
        towns = [r["code"] + "000" for r in csv.DictReader(f)]
    assert len(towns) == 41352
    con = duckdb.connect()
    db.ensure_schema(con)
    dictionaries.load(con, directory=None)
    have = {r[0] for r in con.execute("select region_code from regions").fetchall()}
    assert sum(t in have for t in towns) == 41352
