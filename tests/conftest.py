"""Shared fixtures. The demo database is built once per test session; open it read-only."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """Path of the default demo database (dangqun.demo.build), built once per session."""
    from dangqun import demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    demo.build(path)
    return path


@pytest.fixture(scope="session")
def app_db(demo_db, tmp_path_factory):
    """A copy of the demo database for the page tests (AppTest): the app opens its database
    read-write and caches the connection for the whole process, so it gets a file of its own and
    DANGQUN_DB points at it for the session."""
    import os
    import shutil

    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    shutil.copy(demo_db, path)
    os.environ["DANGQUN_DB"] = str(path)
    return path


@pytest.fixture()
def open_page(app_db):
    """open_page('pages/funds.py', county='210681') → an AppTest that has run app.py with those URL
    parameters and then switched to the page (as an official arriving by a link would)."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent

    def _open(page: str = "app.py", **query):
        at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
        at.query_params.update({k: str(v) for k, v in query.items()})
        at.run()
        if page != "app.py":
            at.switch_page(page).run()
        return at

    return _open
