"""明细查询 without Streamlit: the search parameters, paging and the table as an official reads it.

The searching itself is SQL (searched_record_ids in dangqun/sql/10_filters.sql; queries record_count,
record_page); this module only shapes what goes in and what comes out.
"""
from __future__ import annotations

import math

import pandas as pd

from dangqun.i18n import t

PAGE_SIZES = (50, 100, 200)
SEARCH_MAX_CHARS = 64     # a 受理编号 is 22 characters; longer input is cut, never an error

# query column → header (an i18n key), in the order the table shows them. The header is set here
# rather than by i18n.column_label because the page's headers are the short ones officials use
# (中心, 事项, 状态), not the export headers (中心名称, 事项名称, 办理状态).
COLUMNS = {
    "record_id": "受理编号",
    "center_name": "中心",
    "item_code": "事项编码",
    "item_name": "事项",
    "category_name": "大类",
    "received_at": "受理时间",
    "channel": "渠道",
    "group_tag": "人群",
    "resident_name": "服务对象",
    "phone": "联系电话",
    "status": "状态",
    "closed_at": "办结时间",
    "due_on": "截止日期",
    "satisfaction": "满意度",
    "score": "评分",
    "request_text": "诉求内容",     # free text, digit runs masked (queries/record_page.sql)
    "reply_text": "答复意见",
}


def search_params(base: dict, center_id: str | None = "", id_prefix: str | None = "",
                  item_text: str | None = "") -> dict:
    """The bound parameters of record_count (record_page adds limit and offset): the sidebar's
    `base` (Frame.params()) plus the center and the two search boxes, trimmed."""
    def clean(text):
        return str(text or "").strip()[:SEARCH_MAX_CHARS]

    return dict(base, center_id=clean(center_id), id_prefix=clean(id_prefix), item_text=clean(item_text))


def page_count(total: int, size: int) -> int:
    """Pages needed for `total` rows (at least 1, so an empty result still has page 1)."""
    return max(1, math.ceil(int(total) / int(size)))


def clamp_page(page, total: int, size: int) -> int:
    """A page number within 1 … page_count (the filters may have shrunk the result)."""
    try:
        page = int(page)
    except (TypeError, ValueError):
        page = 1
    return min(max(1, page), page_count(total, size))


def page_params(params: dict, page: int, size: int) -> dict:
    """record_page parameters for page `page` (1-based) of `size` rows."""
    return dict(params, limit=int(size), offset=(int(page) - 1) * int(size))


def export_params(params: dict, total: int) -> dict:
    """record_page parameters for every matching row (the full download)."""
    return dict(params, limit=max(int(total), 1), offset=0)


def labelled(df: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The records as shown and downloaded: COLUMNS in order with their headers in `lang`."""
    cols = [c for c in COLUMNS if c in df.columns]
    return df[cols].rename(columns={c: t(COLUMNS[c], lang) for c in cols})
