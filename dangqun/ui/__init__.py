"""The one package that draws with Streamlit. A page calls `ui.frame(title)` first, then asks named
queries (`ui.query`) and draws their frames with `ui.chart` / `ui.table`, which carry the downloads.

- data: the connection, named queries cached under the account's scope and the data version;
- login: the login form and the session; sidebar: navigation and filter widgets;
- frame: what every page calls first; mapping_step: 数据导入's grids for a foreign file;
- widgets: charts, tables, downloads and what a click does."""
from dangqun.ui.data import (RUN_VERSION, SESSION, Context, account, alert_store, alerts_of, audit_unreadable, connection, context,
                             data_version, live_query, query, read_data_version, state,
                             region_shapes)
from dangqun.ui.frame import Frame, frame, run
from dangqun.ui.login import keep_alive
from dangqun.ui.mapping_step import MAPPINGS, forget as forget_mapping, mapping_step
from dangqun.ui.report import audit_shown, report_downloads
from dangqun.ui.sidebar import STATE, drill_to, set_category, set_filters, switch_page
from dangqun.ui.widgets import (ASKED, ask_button, asked, card, card_row, chart, clicked_code, downloads, downloads_lazy, downloads_of_query,
                                file_uploader, follow, no_data, no_survey, open_records, open_tab, page_tabs,
                                table)

__all__ = ["ASKED", "MAPPINGS", "RUN_VERSION", "SESSION", "STATE", "Context", "Frame", "account", "alert_store", "alerts_of", "ask_button", "asked",
           "audit_shown", "audit_unreadable", "card", "card_row", "chart", "clicked_code", "connection", "context", "data_version",
           "downloads", "downloads_lazy", "downloads_of_query", "drill_to", "file_uploader", "follow",
           "forget_mapping", "frame", "keep_alive", "live_query", "mapping_step", "no_data", "no_survey", "open_records", "open_tab", "page_tabs", "query",
           "read_data_version", "region_shapes", "report_downloads", "run", "set_category", "set_filters", "switch_page", "table"]
