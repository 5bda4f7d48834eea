"""The one package that draws with Streamlit. A page calls `ui.frame(title)` first, then asks named
queries (`ui.query`) and draws their frames with `ui.chart` / `ui.table`, which carry the downloads.

- data: the connection, named queries cached under the account's scope and the data version;
- login: the login form and the session; sidebar: navigation and filter widgets;
- frame: what every page calls first; widgets: charts, tables, downloads and what a click does."""
from dangqun.ui.data import (RUN_VERSION, SESSION, Context, account, audit_imports, connection, context,
                             data_version, deferred_query, query, read_data_version)
from dangqun.ui.frame import Frame, frame
from dangqun.ui.report import audit_shown, report_downloads
from dangqun.ui.sidebar import STATE, drill_to, set_category, set_filters
from dangqun.ui.widgets import (ASKED, ask_button, asked, chart, clicked_code, downloads, downloads_lazy, follow,
                                no_data, open_records, table)

__all__ = ["ASKED", "RUN_VERSION", "SESSION", "STATE", "Context", "Frame", "account", "ask_button", "asked",
           "audit_imports", "chart", "clicked_code", "connection", "context", "data_version", "deferred_query",
           "downloads", "downloads_lazy", "drill_to", "follow", "frame", "no_data", "open_records", "query",
           "read_data_version", "report_downloads", "audit_shown", "set_category", "set_filters", "table"]
