"""明细查询: the filtered service records, searchable and paginated, with downloads of all of them."""
import streamlit as st

from dangqun import export, metrics, ui
from dangqun.markup import md
from dangqun.views import records as view

fr = ui.frame("明细查询")
lang = fr.lang


def _reset_page():
    st.session_state["rec_page"] = 1


def _clear_center():
    st.session_state.pop("records_center", None)
    _reset_page()


# A center opened from a chart (ui.open_records) narrows the records until the official clears it.
center_id = st.session_state.get("records_center") or ""
if center_id:
    center = ui.query("record_center", {"center_id": center_id})
    name = center.center_name.iloc[0] if len(center) else center_id
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info(fr.t("只看中心：{name}", name=md(name)))
    right.button(fr.t("查看全部中心"), key="rec_clear_center", on_click=_clear_center, width="stretch")

left, middle, right = st.columns([2, 2, 1])
id_prefix = left.text_input(fr.t("受理编号（开头）"), key="rec_search_id", on_change=_reset_page,
                            max_chars=view.SEARCH_MAX_CHARS)
item_text = middle.text_input(fr.t("事项（编码或名称）"), key="rec_search_item", on_change=_reset_page,
                              max_chars=view.SEARCH_MAX_CHARS)
size = right.selectbox(fr.t("每页条数"), view.PAGE_SIZES, key="rec_page_size", on_change=_reset_page)

params = view.search_params(fr.params(), center_id, id_prefix, item_text)
total = int(ui.query("record_count", params).records.iloc[0])
st.markdown(f"**{fr.t('共 {n} 条', n=metrics.fmt_int(total))}**")
if total == 0:
    if params["id_prefix"] or params["item_text"]:
        st.info(fr.t("没有符合搜索条件的记录"))
    else:
        ui.no_data(lang)
    st.stop()

pages = view.page_count(total, size)
# the filters may have shrunk the result below the page the official was on
st.session_state["rec_page"] = view.clamp_page(st.session_state.get("rec_page", 1), total, size)
left, right, _ = st.columns([1, 1, 3], vertical_alignment="bottom")
page = left.number_input(fr.t("页码"), min_value=1, max_value=pages, step=1, key="rec_page")
right.caption(fr.t("第 {page} / {pages} 页", page=metrics.fmt_int(page), pages=metrics.fmt_int(pages)))

rows = ui.query("record_page", view.page_params(params, page, size))
shown = view.labelled(rows, lang)
st.dataframe(shown, hide_index=True, key="table_records", column_config={
    fr.t("受理时间"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    fr.t("办结时间"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    fr.t("截止日期"): st.column_config.DateColumn(format="YYYY-MM-DD"),
})

if total <= export.DOWNLOAD_MAX_ROWS:        # above it the buttons' place says why there are none
    st.caption(fr.t("下载全部 {n} 条筛选结果（不只本页）", n=metrics.fmt_int(total)))
ui.downloads_of_query("record_page", view.export_params(params, total), view.labelled, total, fr.t("服务记录明细"),
                      "records", fr)
