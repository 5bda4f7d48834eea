"""数据导入's mapping step (AppTest): a CSV in another platform's layout, built here, is mapped column by
column and value by value in the page's grids, tried (dry run), saved as a profile and imported with it.
AppTest cannot type into st.data_editor, so `edit` sends the edits as the browser does: the editor's
widget state (edited_rows by row position and column)."""
import json
import tomllib

import pandas as pd
import pytest
from streamlit.testing.v1.element_tree import Dataframe, ElementTree

from dangqun import audit, db, ui
from dangqun.contract import KINDS
from dangqun.ingest import mapping

PAGE = "app_pages/data_import.py"
FOREIGN = ("Ticket,Site,Opened,How,State,Topic,Caller,Phone number\n"
           "M2020-1,ZX210681107201,03/05/2020 09:07,Phone,Open,0101,张三丰,13812341234\n"
           "M2020-2,ZX210681107201,03/06/2020 10:00,Web,Closed,0102,李四,13900001111\n"
           "M2020-3,ZX210681107201,03/07/2020 11:00,Walk-in,Closed (Duplicate),0102,王五,13900002222\n"
           ).encode("utf-8")
ROWS = {c.name: i for i, c in enumerate(KINDS["service_records"].columns)}


@pytest.fixture()
def edit(monkeypatch):
    """edit[key] = {row: {column: value}}: the data editor with that key (prefix) runs with these edits."""
    edits: dict[str, dict] = {}
    original = ElementTree.get_widget_states

    def with_edits(self):
        states = original(self)
        for node in self:
            if isinstance(node, Dataframe) and node.key:
                for prefix, rows in edits.items():
                    if node.key.startswith(prefix):
                        w = states.widgets.add()
                        w.id = node.proto.id
                        w.string_value = json.dumps({"edited_rows": {str(k): v for k, v in rows.items()},
                                                     "added_rows": [], "deleted_rows": []})
        return states

    monkeypatch.setattr(ElementTree, "get_widget_states", with_edits)
    return edits


@pytest.fixture()
def profiles(tmp_path, monkeypatch):
    monkeypatch.setattr(mapping, "PROFILE_DIR", tmp_path)
    return tmp_path


def frame_with(at, columns):
    return next(d.value for d in at.dataframe if list(d.value.columns)[:len(columns)] == columns)


def editor(at, prefix):
    return next(d for d in at.dataframe if d.key and d.key.startswith(prefix))


def test_map_try_save_and_import_a_foreign_csv(open_page, app_db, edit, profiles):
    at = open_page(PAGE)
    at.file_uploader(key="import_files").set_value([("其他平台.csv", FOREIGN, "text/csv")]).run()
    assert not at.exception
    assert at.info[0].value.startswith("无法识别该文件的表头。可在下面把它的列对应到数据规范")
    assert not at.warning
    grid = editor(at, "map_cols_").value           # the draft of `dangqun map`, one row per contract column
    assert len(grid) == len(KINDS["service_records"].columns)
    cell = (lambda v: None if pd.isna(v) else v)                 # empty cells come back from Arrow as NaN
    proposed = {r["列"]: (r["来源"], cell(r["文件表头"]), cell(r["日期格式"])) for _, r in grid.iterrows()}
    assert proposed["受理编号"] == ("文件表头", "Ticket", "")
    assert proposed["受理时间"] == ("文件表头", "Opened", "%m/%d/%Y %H:%M")
    assert proposed["办理状态"] == ("文件表头", "State", "")
    assert proposed["中心编码"] == proposed["事项编码"] == ("无", "（无）", "")
    check = frame_with(at, ["列", "来源", "样本", "可解析"]).set_index("列")
    assert check.loc["受理时间"].tolist() == ["文件表头", "03/05/2020 09:07 | 03/06/2020 10:00 | 03/07/2020 11:00", "100.0%"]
    assert check.loc["中心编码", "样本"] == "必填，须指定来源"
    assert check.loc["办理状态", "可解析"] == "0.0%"        # no value of State is a contract status yet

    edit["map_cols_"] = {ROWS[c]: {"来源": "文件表头", "文件表头": h} for c, h in (
        ("center_id", "Site"), ("item_code", "Topic"), ("channel", "How"), ("resident_name", "Caller"),
        ("phone", "Phone number"))}
    at.run()
    assert not at.exception
    check = frame_with(at, ["列", "来源", "样本", "可解析"]).set_index("列")
    assert check.loc["服务对象", "样本"] == "张** | 李* | 王*"          # masked as they would be stored
    assert check.loc["联系电话", "样本"] == "138****1234 | 139****1111 | 139****2222"
    channel = editor(at, "map_vals_").value       # the value grids: 受理渠道 first, then 办理状态
    assert channel[["源值", "行数"]].to_dict("list") == {"源值": ["Phone", "Walk-in", "Web"], "行数": [1, 1, 1]}
    assert channel["规范值"].tolist() == ["（未对应）"] * 3     # no proposal: none of them is a contract channel
    keys = [d.key for d in at.dataframe if d.key and d.key.startswith("map_vals_")]
    assert len(keys) == 2
    edit[keys[0]] = {0: {"规范值": "电话"}, 1: {"规范值": "窗口"}, 2: {"规范值": "网上"}}
    # State's values: Closed, Closed (Duplicate), Open (commonest first, then by value)
    edit[keys[1]] = {0: {"规范值": "已办结"}, 1: {"规范值": "忽略该行"}, 2: {"规范值": "办理中"}}
    at.run()
    check = frame_with(at, ["列", "来源", "样本", "可解析"]).set_index("列")
    assert check.loc["受理渠道", "可解析"] == check.loc["办理状态", "可解析"] == "100.0%"

    at.button(key=next(b.key for b in at.button if b.key.startswith("map_dry_"))).click().run()
    assert not at.exception
    [summary] = [c.value for c in at.code]
    assert summary.splitlines()[0] == ("（试运行，未写入）其他平台.csv：读取 3 行，可导入 2，跳过 1，文件内重复 0，将隔离 0")
    assert "    按映射跳过 State「Closed (Duplicate)」：导入页面映射时选择忽略该行（1 行）" in summary.splitlines()
    con = ui.connection()        # the version the app reads
    logged = con.execute("select count(*) from import_log").fetchone()[0]
    assert con.execute("select count(*) from service_records where record_id like 'M2020-%'").fetchone()[0] == 0

    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("map_name_"))).input("坏/名字").run()
    at.button(key=next(b.key for b in at.button if b.key.startswith("map_save_"))).click().run()
    assert [e.value for e in at.error] == ["配置名称只能用 1–40 个汉字、字母、数字、下划线或连字符"]
    assert list(profiles.iterdir()) == []
    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("map_name_"))).input("某平台").run()
    at.button(key=next(b.key for b in at.button if b.key.startswith("map_save_"))).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["已保存映射配置 某平台.toml；点「开始导入」按此配置导入 其他平台.csv。"]
    saved = tomllib.loads((profiles / "某平台.toml").read_text(encoding="utf-8"))
    assert saved["columns"]["received_at"] == {"header": "Opened", "format": "%m/%d/%Y %H:%M"}
    assert saved["values"]["status"] == {"Closed": "已办结", "Closed (Duplicate)": {"skip": "导入页面映射时选择忽略该行"},
                                         "Open": "办理中"}
    assert sorted(saved["fingerprint"]) == sorted(["Ticket", "Opened", "State", "Site", "Topic", "How", "Caller",
                                                   "Phone number"])
    assert "按映射配置「某平台」导入" in [c.value for c in at.caption]

    at.button(key="import_run").click().run()
    assert not at.exception
    results = frame_with(at, ["文件", "类型", "编码", "读取"])
    assert results.iloc[0].tolist() == ["其他平台.csv", "服务记录", "utf-8", 3, 2, 0, 0, 0, "已处理"]
    con = ui.connection()        # the new version the importer published
    assert con.execute("select count(*) from import_log").fetchone()[0] == logged + 1
    by, skipped, how = con.execute("select imported_by, skipped, mapping from import_log "
                                   "order by import_id desc limit 1").fetchone()
    assert (by, skipped, how) == ("admin", 1, "映射配置 某平台")
    stored = con.execute("select record_id, channel, status, resident_name, phone, received_at::varchar "
                         "from service_records where record_id like 'M2020-%' order by 1").fetchall()
    assert stored == [("M2020-1", "电话", "办理中", "张**", "138****1234", "2020-03-05 09:07:00"),
                      ("M2020-2", "网上", "已办结", "李*", "139****1111", "2020-03-06 10:00:00")]
    from tests.test_audit import rows

    audited = [r[1:4] for r in rows(ui.state()) if r[1] in ("mapping", "import")]
    assert audited[-1] == ("import", "其他平台.csv", "读取 3，新增 2，更新 0，重复 0，隔离 0，跳过 1；映射配置 某平台")
    assert audited[-2][:2] == ("mapping", "某平台.toml")
    assert audited[-2][2].startswith("为 其他平台.csv 保存映射配置：映射配置 某平台")
    history = frame_with(at, ["时间", "文件"])
    assert history.iloc[0][["文件", "导入人"]].tolist() == ["其他平台.csv", "admin"]


def test_a_saved_profile_is_used_for_a_file_it_fits(open_page, profiles):
    (profiles / "p.toml").write_text(
        'kind = "service_records"\nfingerprint = ["Ticket", "Site"]\n[columns]\nrecord_id = "Ticket"\n'
        'center_id = "Site"\nreceived_at = { header = "Opened", format = "%m/%d/%Y %H:%M" }\n'
        'item_code = "Topic"\nstatus = { constant = "已办结" }\n', encoding="utf-8")
    at = open_page(PAGE)
    at.file_uploader(key="import_files").set_value([("again.csv", FOREIGN, "text/csv")]).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "按映射配置「p」导入" in captions
    assert "类型：服务记录 · 编码：utf-8 · 前 3 行（个人信息已脱敏）" in captions
    assert not [d for d in at.dataframe if d.key and d.key.startswith("map_cols_")]     # no mapping step
    assert not any(c.startswith("注：表头无法识别") for c in captions)
