"""`make test-fast` leaves out the slow tier, which tests/conftest.py assigns by module and fixture."""
import pytest

from conftest import is_slow


@pytest.mark.parametrize("module, fixtures, slow", [
    ("test_page_maps", [], True),                 # a new page test is slow without being marked
    ("test_browser", [], True),
    ("test_bench", [], True),
    ("test_scope", ["open_page"], True),          # drives the app through AppTest
    ("test_hostile", ["app_db", "accounts_file"], True),
    ("test_scope", ["demo_con"], False),
    ("test_bench_package", [], False),
    ("test_metrics", [], False),
])
def test_the_slow_tier_is_assigned_by_module_and_fixture(module, fixtures, slow):
    assert is_slow(module, fixtures) is slow


def test_no_fast_test_starts_the_app_itself():
    """A test, fixture or helper that builds an AppTest or starts `streamlit run` itself must sit in a
    slow module, or be a test taking an app fixture, or be such a fixture: else it would run in the fast tier."""
    import ast
    from pathlib import Path

    from conftest import APP_FIXTURES

    markers = ("AppTest.from_", '"streamlit", "run"')
    offenders = []
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name == Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8")
        if not any(m in text for m in markers):
            continue
        for fn in ast.parse(text).body:
            if not isinstance(fn, ast.FunctionDef) or not any(m in ast.get_source_segment(text, fn) for m in markers):
                continue
            if fn.name.startswith("test_"):
                ok = is_slow(path.stem, {a.arg for a in fn.args.args})
            else:
                ok = is_slow(path.stem, ()) or (path.name == "conftest.py" and fn.name in APP_FIXTURES)
            if not ok:
                offenders.append(f"{path.name}::{fn.name}")
    assert offenders == []
