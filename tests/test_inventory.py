"""The inventory: every page registered once (dangqun/registry.py) has the files README 「新增页面 / Adding a
page」 lists, and nothing in app_pages/, views/, charts/ or i18n/ lives outside the registry; every 预警 rule
registered once (dangqun/alerts/rules) has what README 「新增预警规则 / Adding a 预警 rule」 lists; every named query
in queries/ is used by a page (or the frame every page calls) and tested; every query on regional tables
goes through the scoped runner's views; only dangqun/ui draws with Streamlit."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dangqun import db, registry
from dangqun.alerts import rules
from dangqun.alerts.base import Rule
from dangqun.i18n import EN
from dangqun.registry import Page

ROOT = Path(__file__).resolve().parent.parent
PAGE_SCRIPTS = [ROOT / p.file for p in registry.PAGES]
UI_SOURCES = sorted((ROOT / "dangqun" / "ui").glob("*.py"))
PAGE_SOURCES = PAGE_SCRIPTS + UI_SOURCES
# the login gate and the audit trail the frame calls run their queries from the library
FRAME_HELPERS = [ROOT / "dangqun" / "auth.py", ROOT / "dangqun" / "audit.py",
                 # the 通报 page hands its ui.query to the report builder, which names the queries it asks
                 ROOT / "dangqun" / "views" / "report.py",
                 # the 预警 page (and the 通报) hand theirs to alerts.gather, whose rules name their queries
                 *sorted((ROOT / "dangqun" / "alerts").rglob("*.py")),
                 # 服务办理 (and the 通报) hand theirs to topics.listing, which reads the stored topics
                 ROOT / "dangqun" / "topics.py",
                 # the 地图 page and the 大屏 hand theirs to views.map.gather
                 ROOT / "dangqun" / "views" / "map.py"]
TEST_SOURCES = sorted(p for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_inventory.py")
# i18n modules shared by every page rather than one page's: the login form and the sidebar's account
SHARED_I18N = {"auth"}


# ── the page rule (README 「新增页面 / Adding a page」) ─────────────────────────────────────────

def readme_section(text: str, heading: str) -> str:
    """The README text under `## heading`, up to the next `## `."""
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def readme_page_titles(root: Path) -> list[str]:
    """The first cells of the README table under 页面 / Pages."""
    section = readme_section((root / "README.md").read_text(encoding="utf-8"), "页面 / Pages")
    rows = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("|")]
    return [cell for cell in rows[2:]]   # after the header and its |---| line


def _english_keys(path: Path) -> set[str]:
    """The keys of the `EN = {...}` dict of an i18n module, read without importing it."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["EN"]:
            return set(ast.literal_eval(node.value))
    return set()


def _translated_keys(path: Path) -> list[str]:
    """The literal keys a module passes to t() or fr.t() (implicitly joined strings are one key)."""
    keys = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            if getattr(func, "id", None) == "t" or getattr(func, "attr", None) == "t":
                keys.append(node.args[0].value)
    return keys


def page_problems(pages: list[Page], root: Path = ROOT) -> list[str]:
    """What the page rule finds missing or out of place under `root` for the registered `pages`;
    [] when every page has its files and every page file and module is registered."""
    problems = []
    readme_titles = readme_page_titles(root)
    for page in pages:
        name, title = page.name, page.title
        script = root / page.file
        source = script.read_text(encoding="utf-8") if script.exists() else None
        if source is None:
            problems.append(f"{title}: {page.file} is missing")
        elif re.findall(r"""\bui\.frame\(\s*["']([^"']+)["']""", source) != [title]:
            problems.append(f"{title}: {page.file} does not call ui.frame({title!r}) once")
        if title not in readme_titles:
            problems.append(f"{title}: no row in README 页面 / Pages")
        test = root / "tests" / f"test_page_{name}.py"
        if not test.exists():
            problems.append(f"{title}: tests/test_page_{name}.py is missing")
        elif f'"{page.file}"' not in test.read_text(encoding="utf-8"):
            problems.append(f"{title}: tests/test_page_{name}.py never opens {page.file}")
        views, charts, strings = (root / "dangqun" / d / f"{name}.py" for d in ("views", "charts", "i18n"))
        if not views.exists():
            problems.append(f"{title}: dangqun/views/{name}.py is missing")
        if source is not None and "ui.chart(" in source and not charts.exists():
            problems.append(f"{title}: draws charts but dangqun/charts/{name}.py is missing")
        if not strings.exists():
            problems.append(f"{title}: dangqun/i18n/{name}.py is missing")
            continue
        english = EN.keys() | _english_keys(strings)
        if title not in _english_keys(strings):
            problems.append(f"{title}: its title has no English in dangqun/i18n/{name}.py")
        for path in (script, views, charts):
            if path.exists():
                problems += [f"{title}: {key!r} in {path.relative_to(root).as_posix()} has no English"
                             for key in _translated_keys(path) if key not in english]

    files = {p.file for p in pages}
    names = {p.name for p in pages}
    titles = {p.title for p in pages}
    scripts = sorted((root / "app_pages").glob("*.py"))
    problems += [f"{s.relative_to(root).as_posix()} is not registered" for s in scripts
                 if s.exists() and s.relative_to(root).as_posix() not in files]
    for folder, shared in (("views", set()), ("charts", set()), ("i18n", SHARED_I18N)):
        problems += [f"dangqun/{folder}/{m.name} belongs to no registered page"
                     for m in sorted((root / "dangqun" / folder).glob("*.py"))
                     if m.stem != "__init__" and m.stem not in names | shared]
    problems += [f"README 页面 / Pages row {t} is not a registered page" for t in readme_titles if t not in titles]
    return problems


def test_every_registered_page_has_its_files_and_every_page_file_is_registered():
    assert page_problems(list(registry.PAGES)) == []


def test_the_check_reports_a_page_registered_without_its_files():
    fake = Page("app_pages/timeline.py", "时间线", ":material/timeline:")
    assert page_problems([*registry.PAGES, fake]) == [
        "时间线: app_pages/timeline.py is missing",
        "时间线: no row in README 页面 / Pages",
        "时间线: tests/test_page_timeline.py is missing",
        "时间线: dangqun/views/timeline.py is missing",
        "时间线: dangqun/i18n/timeline.py is missing",
    ]


def test_the_check_reports_a_page_file_that_is_not_registered():
    without_audit = [p for p in registry.PAGES if p.name != "audit"]
    assert page_problems(without_audit) == [
        "app_pages/audit.py is not registered",
        "dangqun/views/audit.py belongs to no registered page",
        "dangqun/i18n/audit.py belongs to no registered page",
        "README 页面 / Pages row 审计日志 is not a registered page",
    ]


def test_the_check_reports_a_missing_chart_module_and_an_untranslated_string(tmp_path):
    """A page with every file but its charts module, one string without English, a page test that
    never opens it and another title in its frame."""
    files = {
        "README.md": "## 页面 / Pages\n\n| 页面 | 回答的问题 |\n|---|---|\n| 地图 | 各中心在哪里 |\n",
        "app_pages/map.py": 'fr = ui.frame("地理")\nui.chart(fig, data, fr.t("中心分布"), "map", fr)\n'
                        'st.caption(fr.t("还没有翻译"))\n',
        "tests/test_page_map.py": 'PAGE = "app_pages/maps.py"\n',
        "dangqun/views/map.py": "",
        "dangqun/i18n/map.py": 'EN = {"地图": "Map", "中心分布": "Centers"}\n',
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    assert page_problems([Page("app_pages/map.py", "地图", ":material/map:")], tmp_path) == [
        "地图: app_pages/map.py does not call ui.frame('地图') once",
        "地图: tests/test_page_map.py never opens app_pages/map.py",
        "地图: draws charts but dangqun/charts/map.py is missing",
        "地图: '还没有翻译' in app_pages/map.py has no English",
    ]


def test_readme_adding_a_page_lists_every_file_the_rule_checks():
    section = readme_section((ROOT / "README.md").read_text(encoding="utf-8"), "新增页面 / Adding a page")
    for path in ("dangqun/registry.py", "app_pages/<name>.py", "dangqun/views/<name>.py", "dangqun/charts/<name>.py",
                 "dangqun/i18n/<name>.py", "tests/test_page_<name>.py", "README.md"):
        assert f"`{path}`" in section, path


def test_registry_names_and_titles_are_unique():
    for key in ("file", "name", "title"):
        values = [getattr(p, key) for p in registry.PAGES]
        assert len(values) == len(set(values)), key


# ── the 预警 rule rule (README 「新增预警规则 / Adding a 预警 rule」) ──────────────────────────────────────

def _alerts_page_row(root: Path) -> str:
    """The 预警 row of README 页面 / Pages, which names every rule."""
    section = readme_section((root / "README.md").read_text(encoding="utf-8"), "页面 / Pages")
    return next((line for line in section.splitlines() if line.startswith("| 预警 |")), "")


def rule_problems(registered: list[Rule], root: Path = ROOT) -> list[str]:
    """What the rule rule finds missing or out of place under `root` for the `registered` rules; [] when
    every rule has its module, config section, test, README mention and English title, and every rule
    module, test and config section belongs to a registered rule."""
    import tomllib

    problems = []
    config = tomllib.loads((root / "config" / "alerts.toml").read_text(encoding="utf-8"))
    row = _alerts_page_row(root)
    english = EN.keys() | _english_keys(root / "dangqun" / "i18n" / "alerts.py")
    for rule in registered:
        name, title = rule.name, rule.title
        module = root / "dangqun" / "alerts" / "rules" / f"{name}.py"
        if not module.exists():
            problems.append(f"{title}: dangqun/alerts/rules/{name}.py is missing")
        elif f'Rule("{name}", "{title}"' not in module.read_text(encoding="utf-8"):
            problems.append(f"{title}: dangqun/alerts/rules/{name}.py does not declare Rule({name!r}, {title!r}, …)")
        if rule.section not in config:
            problems.append(f"{title}: no [{rule.section}] in config/alerts.toml")
        test = root / "tests" / f"test_alert_{name}.py"
        if not test.exists():
            problems.append(f"{title}: tests/test_alert_{name}.py is missing")
        elif not re.search(rf"""["']{name}["']|\b{name}_alerts\(""", test.read_text(encoding="utf-8")):
            problems.append(f"{title}: tests/test_alert_{name}.py never asks for its alerts")
        if title not in row:
            problems.append(f"{title}: not named in README's 预警 row of 页面 / Pages")
        if title not in english:
            problems.append(f"{title}: no English in dangqun/i18n/alerts.py")
    names = {r.name for r in registered}
    sections = {r.section for r in registered} | {"topics"}     # [topics] is dangqun.topics' own
    problems += [f"dangqun/alerts/rules/{m.name} belongs to no registered rule"
                 for m in sorted((root / "dangqun" / "alerts" / "rules").glob("*.py"))
                 if m.stem != "__init__" and m.stem not in names]
    problems += [f"tests/{t.name} belongs to no registered rule"
                 for t in sorted((root / "tests").glob("test_alert_*.py")) if t.stem[len("test_alert_"):] not in names]
    problems += [f"[{s}] in config/alerts.toml belongs to no registered rule" for s in config if s not in sections]
    return problems


def test_every_registered_rule_has_its_files_and_every_rule_file_is_registered():
    assert rule_problems(list(rules.RULES)) == []


def test_the_check_reports_a_rule_without_its_files_and_files_without_their_rule():
    """A rule registered with nothing else, and 诉求突增's module, test and config section left unregistered."""
    fake = Rule("queue", "排队过长", "queue", dict, lambda ask: {}, lambda frames, month: [])
    registered = [r for r in rules.RULES if r.name != "spike"] + [fake]
    missing = ("dangqun/alerts/rules/queue.py is missing", "no [queue] in config/alerts.toml",
               "tests/test_alert_queue.py is missing", "not named in README's 预警 row of 页面 / Pages",
               "no English in dangqun/i18n/alerts.py")
    unregistered = ("dangqun/alerts/rules/spike.py", "tests/test_alert_spike.py", "[spike] in config/alerts.toml")
    assert rule_problems(registered) == ([f"排队过长: {what}" for what in missing]
                                         + [f"{what} belongs to no registered rule" for what in unregistered])


def test_readme_adding_a_rule_lists_every_file_the_rule_checks():
    section = readme_section((ROOT / "README.md").read_text(encoding="utf-8"), "新增预警规则 / Adding a 预警 rule")
    for path in ("dangqun/alerts/rules/<name>.py", "dangqun/alerts/rules/__init__.py", "config/alerts.toml",
                 "tests/test_alert_<name>.py", "dangqun/i18n/alerts.py", "README.md"):
        assert f"`{path}`" in section, path


def test_rule_names_and_titles_are_unique():
    for key in ("name", "title"):
        values = [getattr(r, key) for r in rules.RULES]
        assert len(values) == len(set(values)), key


# ── queries ──────────────────────────────────────────────────────────────────────────────────

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
    offenders = [p.name for p in PAGE_SCRIPTS if sql.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def streamlit_imports(root: Path = ROOT) -> dict[str, list[str]]:
    """Module path → the Streamlit modules it imports, for every module of dangqun/ importing one."""
    def imports(path):
        text = path.read_text(encoding="utf-8")
        return re.findall(r"^\s*(?:import (streamlit\S*)|from (streamlit\S*) import)", text, re.M)

    return {p.relative_to(root).as_posix(): sorted({a or b for a, b in imports(p)})
            for p in (root / "dangqun").rglob("*.py") if imports(p)}


# the server middlewares (serve.py) read the runtime (sessions, uploads, media files) through the door to
# Streamlit's internals (tests/test_streamlit_door.py); they draw nothing
SERVER = ("dangqun/server_guard.py", "dangqun/web_session.py")
DOOR = "dangqun/streamlit_door.py"


def _is_bench(path: str) -> bool:
    return path.startswith("dangqun/bench/")


def test_only_ui_draws_with_streamlit_in_the_library():
    """dangqun/ui is the one drawing package; the bench may only drive pages through Streamlit's test
    harness (streamlit.testing and the caches it clears) and speak its protocol (the protobuf messages of
    streamlit.proto: the load bench's officials); the internals (streamlit.runtime, the harness's patches)
    are the door's."""
    found = streamlit_imports()
    drawing = sorted(path for path in found if not _is_bench(path) and path not in (*SERVER, DOOR))
    assert drawing and all(path.startswith("dangqun/ui/") for path in drawing), drawing
    assert "dangqun/ui/frame.py" in drawing
    assert sorted(path for path in found if _is_bench(path)) == [
        "dangqun/bench/harness.py", "dangqun/bench/load.py", "dangqun/bench/stclient.py"]
    assert all(m.startswith(("streamlit.testing", "streamlit.proto")) or m == "streamlit"
               for path, mods in found.items() if _is_bench(path) for m in mods)
    assert found.get("dangqun/server_guard.py") == ["streamlit"] and "dangqun/web_session.py" not in found
    assert all(m.startswith(("streamlit.runtime", "streamlit.proto", "streamlit.testing")) or m == "streamlit"
               for m in found[DOOR])


# a CSS rule on a Streamlit element: `[data-testid="…"] … {` (a querySelector in a script has no brace)
TESTID_RULE = re.compile(r'\[data-testid="[^"]+"\][^{}\n\'"]*\{')


def test_streamlits_own_elements_are_restyled_in_one_stylesheet():
    """Every rule on a Streamlit element (by data-testid) is in dangqun/ui/streamlit.css, which
    ui.frame.style() reads; no module writes a <style> of its own."""
    from importlib import import_module

    frame = import_module("dangqun.ui.frame")
    sources = [*(ROOT / "dangqun").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"]
    texts = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in sources}
    assert [p for p, text in texts.items() if TESTID_RULE.search(text)] == []
    assert [p for p, text in texts.items() if "<style" in text] == ["dangqun/ui/frame.py"]
    assert list(frame._style_sections()) == ["page", "zh", "screen", "uploader_zh"]
    uploader = frame.style("uploader_zh", button="选择文件", limit="每个文件不超过 300MB · CSV", refused="未能上传")
    assert uploader.startswith("<style>\n") and uploader.endswith("</style>") and "$" not in uploader
    assert '[data-testid="stTooltipErrorContent"]::after {content: "未能上传"; font-size: 0.875rem}' in uploader
    assert '[data-testid="stDownloadButtonError"]::after { content: "下载失败：登录已结束，请刷新页面重新登录";' \
        in frame.style("zh")
    assert 'header[data-testid="stHeader"]' in frame.style("screen") and "stHeader" not in frame.style("page")


def test_the_drawing_rule_reports_streamlit_outside_ui(tmp_path):
    for path, text in {"dangqun/ui/frame.py": "import streamlit as st\n",
                       "dangqun/views/map.py": "import pandas as pd\nfrom streamlit import session_state\n"}.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    found = streamlit_imports(tmp_path)
    assert [path for path in found if not path.startswith("dangqun/ui/")] == ["dangqun/views/map.py"]
