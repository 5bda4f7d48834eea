"""党群服务数据看板 — entry point and home page."""
import streamlit as st

from dangqun import db, ui

st.set_page_config(page_title="党群服务数据看板", page_icon="🏛️", layout="wide")
st.title("党群服务数据看板")

tables = ui.query("loaded_tables")
if tables.loc[tables.table_name == "service_records", "row_count"].iloc[0] == 0:
    st.info("数据库中还没有服务记录。运行 `python -m dangqun demo` 生成演示数据，"
            "或用 `python -m dangqun import 文件` 导入服务平台的导出文件。")

st.subheader("已载入的数据")
shown = tables.assign(
    first_date=tables.first_date.dt.strftime("%Y-%m-%d").fillna("—"),
    last_date=tables.last_date.dt.strftime("%Y-%m-%d").fillna("—"),
)[["table_label", "row_count", "first_date", "last_date"]].rename(columns={
    "table_label": "数据表", "row_count": "行数", "first_date": "起始日期", "last_date": "截止日期"})
st.dataframe(shown, hide_index=True, key="loaded_tables",
             column_config={"行数": st.column_config.NumberColumn(format="localized")})
st.caption(f"数据库：{db.resolve_path()} · 数据版本 {ui.data_version()}")
