"""Every download every page offers: each column has a Chinese header, and the files build."""
import io
import re

import pandas as pd
import pytest

from dangqun import export, ui
from dangqun.i18n import column_label
from dangqun.registry import PAGES
from dangqun.ui import widgets

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture()
def offered(monkeypatch):
    """(name, make_frame) of each download the pages draw: downloads_lazy is where every CSV/XLSX
    button of the dashboard is made (ui.downloads, ui.chart/ui.table and ui.downloads_of_query pass through
    it). A download of a query's rows has no frame before it is built: its frame is read back from its CSV."""
    seen = []
    real = widgets.downloads_lazy

    def spy(make_frame, row_count, name, key, fr, build=None):
        if make_frame is None:
            def make_frame(build=build):
                return pd.read_csv(io.BytesIO(build("csv", None)), encoding="utf-8-sig", dtype=str)
        seen.append((name, make_frame))
        return real(make_frame, row_count, name, key, fr, build=build)

    monkeypatch.setattr(widgets, "downloads_lazy", spy)
    monkeypatch.setattr(ui, "downloads_lazy", spy)
    return seen


@pytest.mark.parametrize("registered", PAGES, ids=lambda p: p.name)
def test_every_download_has_chinese_headers(open_page, offered, registered):
    at = open_page(registered.file, county="210681000000")
    assert not at.exception
    assert offered, f"{registered.title} offers no download"
    english = {}
    for name, make_frame in offered:
        frame = make_frame()
        headers = [column_label(str(c), "zh") for c in frame.columns]
        english.update({name: [h for h in headers if not CJK.search(h)]} if any(
            not CJK.search(h) for h in headers) else {})
        csv_header = export.to_csv_bytes(frame)[3:].decode("utf-8").split("\r\n")[0]
        assert csv_header.split(",") == headers
        export.to_xlsx_bytes(frame.head(50), "zh", name)
    assert not english, f"{registered.title}: headers without Chinese {english}"


def test_tables_show_numbers_like_the_cards(open_page):
    """Every numeric column of a plain table gets thousands separators and the page's decimals
    (Streamlit's 'localized' format: the browser's zh-CN grouping, 16,500 and 39,992.50)."""
    import json

    at = open_page("app_pages/funds.py", city="210600000000")
    config = json.loads(at.dataframe[0].proto.columns)
    shown = {c: v["type_config"] for c, v in config.items() if "type_config" in v}
    assert shown["受理量"] == {"type": "number", "format": "localized", "step": 1}
    assert shown["单件成本(元/件)"] == {"type": "number", "format": "localized", "step": 0.01}
    assert shown["满意折算数"] == {"type": "number", "format": "localized", "step": 0.1}
    assert "满意率" not in shown          # already written as 93.5% by the page


def test_styled_tables_give_counts_separators(open_page):
    at = open_page("app_pages/satisfaction.py", city="210600000000")
    import pyarrow as pa

    arrow = at.dataframe[0].proto.arrow_data
    shown = pa.ipc.open_stream(arrow.styler.display_values).read_all().to_pandas()
    dg = shown[shown["单位"] == "东港市"].iloc[0]
    assert (dg["受理量"], dg["满意折算数"], dg["满意率"], dg["综合成绩"]) == ("37,800", "21,567.8", "92.5%", "92.81")
