"""Every named query in queries/ is used by a page (or the frame every page calls) and tested;
every query on regional tables goes through the scoped runner's views."""
import re
from pathlib import Path

import pytest

from dangqun import db

ROOT = Path(__file__).resolve().parent.parent
PAGE_SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), ROOT / "dangqun" / "ui.py"]
# the login gate and the audit trail the frame calls run their queries from the library
FRAME_HELPERS = [ROOT / "dangqun" / "auth.py", ROOT / "dangqun" / "audit.py"]
TEST_SOURCES = sorted(p for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_inventory.py")


def _mentions(paths, name):
    pattern = re.compile(rf"""["']{re.escape(name)}["']""")
    return [p.name for p in paths if pattern.search(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("name", db.query_names())
def test_query_is_used_by_a_page(name):
    assert _mentions(PAGE_SOURCES + FRAME_HELPERS, name), f"queries/{name}.sql is used by no page"


@pytest.mark.parametrize("name", db.query_names())
def test_query_has_a_test(name):
    assert _mentions(TEST_SOURCES, name), f"queries/{name}.sql has no test"


@pytest.mark.parametrize("path", sorted((ROOT / "queries").glob("*.sql")), ids=lambda p: p.name)
def test_query_file_is_one_named_query_documented(path):
    text = path.read_text(encoding="utf-8")
    headers = re.findall(r"^-- name: (\w+)", text, flags=re.M)
    assert headers == [path.stem], "one query per file, named like the file"
    assert re.search(r"^-- grain: ", text, flags=re.M), "every query states its grain"


def test_pages_write_no_sql():
    sql = re.compile(r"\b(select|insert|update|delete)\b[^\n]*\b(from|into|set)\b", re.I)
    offenders = [p.name for p in PAGE_SOURCES[:-1] if sql.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_only_ui_draws_with_streamlit_in_the_library():
    """ui is the one drawing module; bench may only drive pages through Streamlit's test harness."""
    def imports(path):
        text = path.read_text(encoding="utf-8")
        return re.findall(r"^\s*(?:import (streamlit\S*)|from (streamlit\S*) import)", text, re.M)

    found = {p.relative_to(ROOT).as_posix(): sorted({a or b for a, b in imports(p)})
             for p in (ROOT / "dangqun").rglob("*.py") if imports(p)}
    drawing = [path for path, mods in found.items()
               if path not in ("dangqun/bench.py", "dangqun/server_guard.py") and mods]
    assert drawing == ["dangqun/ui.py"]
    assert all(m.startswith(("streamlit.testing", "streamlit.runtime")) or m == "streamlit"
               for m in found.get("dangqun/bench.py", []))
    # the server's gate reads the runtime (sessions, uploads), its messages and its config; it draws nothing
    assert all(m.startswith(("streamlit.runtime", "streamlit.proto")) or m == "streamlit"
               for m in found.get("dangqun/server_guard.py", []))
