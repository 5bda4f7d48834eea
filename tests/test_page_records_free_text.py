"""诉求内容 and 答复意见 on 明细查询 and in its downloads: only masked. Records dated 2017,
before the demo's years, are imported into app_db; one is then given raw digits directly in the table, as
a row stored before the masking rule would hold them, and still shows masked."""
import datetime as dt

import pytest

from dangqun import db, export, privacy
from dangqun.views import records

CSV = ("受理编号,中心编码,受理时间,事项编码,办理状态,诉求内容,答复意见\n"
       "FT2017000001,ZX210681107201,2017-05-05 09:07,0101,已办结,"
       "请回电13812341234，身份证210681199001011234,已联系 139 0000 1111 办妥\n")
PERIOD = {"start": "2017-01-01", "end": "2017-12-31", "county": "210681000000"}
MASKED = "请回电138****1234，身份证210****1234"


@pytest.fixture(scope="module")
def free_text_records(app_db, tmp_path_factory):
    from dangqun import ingest, publish, ui

    path = tmp_path_factory.mktemp("freetext") / "free_text.csv"
    path.write_text(CSV, encoding="utf-8")
    with publish.importing(app_db, who="test") as cur:     # the importer: the app reads its new version
        (report,) = ingest.import_files(cur, [str(path)])
        assert report.imported == 1
        cur.execute("insert into service_records by name select * replace ('FT2017000002' as record_id, "
                    "'老数据 13912345678' as request_text, null as reply_text) from service_records "
                    "where record_id = 'FT2017000001'")
    return ui.connection()


def test_records_page_shows_free_text_masked(open_page, free_text_records):
    at = open_page("app_pages/records.py", **PERIOD)
    assert not at.exception
    table = next(d.value for d in at.dataframe if "诉求内容" in d.value.columns)
    shown = dict(zip(table["受理编号"], zip(table["诉求内容"], table["答复意见"])))
    assert shown["FT2017000001"] == (MASKED, privacy.mask_text("已联系 139 0000 1111 办妥"))
    assert shown["FT2017000002"][0] == "老数据 139****5678"


def test_download_has_free_text_masked(free_text_records):
    params = records.search_params({"region": "210681", "start": dt.date(2017, 1, 1), "end": dt.date(2017, 12, 31),
                                    "category": "", "channel": ""}, "", "FT2017", "")
    frame = records.labelled(db.run(free_text_records, "record_page", records.export_params(params, 10)), "zh")
    text = export.to_csv_bytes(frame, "zh").decode("utf-8-sig")
    assert "13812341234" not in text and "13912345678" not in text and "199001011234" not in text
    assert "请回电138****1234" in text and "老数据 139****5678" in text
