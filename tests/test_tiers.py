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
