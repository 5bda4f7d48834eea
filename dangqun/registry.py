"""The one list of the dashboard's pages, without Streamlit: app.py's st.navigation, the sidebar's links, the
page benchmark and its pandas yardstick, the browser tests, the i18n tests and the inventory test all read
it, so a page is added here once and everything that must know about it fails until it is there (README,
"Adding a page")."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Page:
    file: str          # the page's script, from the repository root
    title: str         # Chinese title, also its i18n key
    icon: str          # Streamlit material icon
    admin: bool = False    # only administrators see and open it
    benched: bool = True   # timed by `dangqun bench` (and computed the pandas way beside it)
    chrome: bool = True    # False: no sidebar or Streamlit header, the page heads itself (the 大屏)
    home: bool = False     # the page at the site's root address (one only)
    # its sections as tabs (Chinese labels, also i18n keys; the first opens by default): only the open tab's
    # script runs (ui.page_tabs), and the page benchmark times each tab
    tabs: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Short name: the file's stem, as used by views/, charts/, i18n/ and tests."""
        return Path(self.file).stem

    @property
    def slug(self) -> str:
        """The URL path the page is served under ("" for the home page), as app.py's st.navigation sets it."""
        return "" if self.home else Path(self.file).stem

    @property
    def tab_key(self) -> str:
        """The session-state key holding the open tab's label (set it to open another tab)."""
        return f"{self.name}_tab"


PAGES: tuple[Page, ...] = (
    Page("app_pages/overview.py", "总览", ":material/dashboard:", home=True),
    Page("app_pages/brands.py", "品牌矩阵", ":material/workspace_premium:"),
    Page("app_pages/funds.py", "资金投入", ":material/payments:"),
    Page("app_pages/satisfaction.py", "满意度与考核", ":material/thumb_up:"),
    Page("app_pages/services.py", "服务办理", ":material/assignment:",
         tabs=("办理情况", "热点诉求", "24 小时服务（AB岗）")),
    Page("app_pages/records.py", "明细查询", ":material/search:"),
    Page("app_pages/report.py", "通报", ":material/article:", benched=False),
    Page("app_pages/alerts.py", "预警", ":material/notification_important:"),
    Page("app_pages/map.py", "地图", ":material/map:"),
    # not benched: it asks kpi_summary, monthly_trend and unit_scores with 总览's parameters, timed there
    Page("app_pages/screen.py", "大屏", ":material/tv:", benched=False, chrome=False),
    # the administrators' pages come last in the navigation
    Page("app_pages/data_import.py", "数据导入", ":material/upload_file:", admin=True),
    Page("app_pages/audit.py", "审计日志", ":material/policy:", admin=True, benched=False),
    Page("app_pages/accounts.py", "账号管理", ":material/manage_accounts:", admin=True, benched=False),
)


def home() -> Page:
    return next(p for p in PAGES if p.home)


def by_name(name: str) -> Page:
    return next(p for p in PAGES if p.name == name)


def by_slug(slug: str) -> Page:
    return next(p for p in PAGES if p.slug == slug)


def by_title(title: str) -> Page:
    return next(p for p in PAGES if p.title == title)


def by_file(file: str) -> Page:
    return next(p for p in PAGES if p.file == file)


def benched() -> tuple[Page, ...]:
    return tuple(p for p in PAGES if p.benched)
