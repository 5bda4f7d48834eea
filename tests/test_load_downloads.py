"""The load bench's officials download (dangqun.bench.load): through the bare client (dangqun.bench.stclient)
a logged-in session asks for a chart's CSV and Excel as the download buttons do — the deferred file over the
websocket, then its URL over HTTP with the session's cookie — and gets the files the app builds."""
from __future__ import annotations

import re
import shutil

import pytest

from dangqun import auth
from dangqun.bench.stclient import DownloadFailed, Served

# it serves the app: slow, like the other served-app modules (conftest.SLOW_MODULES)


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def served(demo_db, accounts_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("downloads")
    path = folder / "served.duckdb"
    shutil.copy(demo_db, path)
    srv = Served(path, folder / "streamlit.log")
    yield srv
    srv.stop()


def test_an_official_downloads_a_chart_as_csv_and_excel(served):
    s = served.logged_in("donggang", auth.DEMO_PASSWORD)
    s.rerun(query_string="start=2022-12-01&end=2022-12-31")         # the 总览 over one month
    assert not s.exceptions
    csv_keys = sorted(k for k in s.downloads if k.startswith("csv_"))
    assert csv_keys, s.downloads
    key = csv_keys[0]
    assert s.downloads[key][0] == "deferred"        # built on click, as downloads_lazy asks

    data = s.download(key)
    assert data.startswith(b"\xef\xbb\xbf")         # UTF-8 with BOM, for Excel
    header = data.decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    assert len(header) > 1 and all(CJK.search(cell) for cell in header), header

    assert s.download("xlsx_" + key.removeprefix("csv_")).startswith(b"PK")   # a zip: an .xlsx
    s.close()


def test_a_download_the_server_cannot_build_is_an_error(served):
    s = served.logged_in("donggang", auth.DEMO_PASSWORD)
    key = next(k for k in s.downloads if k.startswith("csv_"))
    s.downloads[key] = ("deferred", "no-such-file")
    with pytest.raises(DownloadFailed, match="Failed to generate file"):
        s.download(key)
    s.close()
