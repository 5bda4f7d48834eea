"""The benchmark's parts that need no run: which pages it times and computes the pandas way, and the
Streamlit version its test-harness patches are tied to. (tests/test_bench.py runs it.)"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dangqun import registry
from dangqun.bench import harness, pages, pandas_way

ROOT = Path(__file__).resolve().parent.parent


def test_the_bench_times_the_benched_pages_of_the_registry():
    benched = [p.file for p in registry.benched()]
    assert list(pages.PAGE_FILES) == benched
    assert "app_pages/audit.py" not in benched    # registered with benched=False


def test_each_tab_of_a_page_is_timed_as_a_view_of_its_own():
    """Only the open tab of a page runs: the page's row times its first tab, a row per further tab the rest."""
    rows = [(row, tab) for row, file, tab in pages.views() if file == "app_pages/services.py"]
    assert rows == [("services", None), ("services·热点诉求", "热点诉求"),
                    ("services·24 小时服务（AB岗）", "24 小时服务（AB岗）")]
    assert [row for row, _, tab in pages.views() if tab is None] == [p.name for p in registry.benched()]


def test_the_pandas_yardstick_computes_exactly_the_benched_pages():
    assert sorted(pandas_way.PAGES) == sorted(p.file for p in registry.benched())


def test_the_harness_is_tied_to_the_pinned_streamlit():
    pinned = re.search(r"^streamlit==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M).group(1)
    assert harness.STREAMLIT_VERSION == pinned


def test_the_harness_refuses_another_streamlit_by_name():
    harness.require_streamlit_version("1.67.0")
    with pytest.raises(RuntimeError) as err:
        harness.require_streamlit_version("1.68.0")
    assert str(err.value).startswith("基准测试的 Streamlit 测试框架补丁只适用于 Streamlit 1.67.0，当前安装的是 1.68.0：")
    assert "dangqun/bench/harness.py" in str(err.value)


def test_the_dashboard_never_imports_the_bench():
    """Only the command line (dangqun/cli.py) reaches the bench; the app, its pages and the library do not."""
    sources = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "dangqun").rglob("*.py")]
    imports_bench = re.compile(r"^\s*(from dangqun import .*\bbench\b|from dangqun\.bench\b|import dangqun\.bench)", re.M)
    importing = sorted(p.relative_to(ROOT).as_posix() for p in sources
                       if "bench" not in p.relative_to(ROOT).parts and imports_bench.search(p.read_text(encoding="utf-8")))
    assert importing == ["dangqun/cli.py"]
