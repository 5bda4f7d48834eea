"""The mapping step of 数据导入: a file whose headers fit no kind is mapped to the contract in grids — one
row per contract column, a grid of distinct values per enum column — checked live, tried (dry run), saved
as config/mappings/<name>.toml and then imported with. The figures and the profile text come from
dangqun.views.data_import and dangqun.ingest.mapping; this module only draws them."""
from __future__ import annotations

import streamlit as st

from dangqun import audit
from dangqun.contract import KINDS
from dangqun.i18n import t
from dangqun.ingest import mapping, sandbox
from dangqun.ui.data import account, connection, state
from dangqun.views import data_import as view

MAPPINGS = "import_mappings"      # {saved upload path: Profile}: files this session mapped, imported with it
_SHEETS = "_mapping_sheets"       # {path: Sheet}: the whole file, read once (every edit reruns the page)
_PROPOSALS = "_mapping_proposals"  # {(path, kind): Proposal}
_VALUES = "_mapping_values"       # {(path, kind, column, header): the value grid as first proposed}
_DRY = "_mapping_dry"             # {path: (profile text tried, its summary lines, rejected)}


def mapping_step(pv, lang: str, key: str) -> None:
    """Draw the mapping step for one previewed file (views.data_import.Preview with kind None)."""
    path = str(pv.path)
    st.info(t("无法识别该文件的表头。可在下面把它的列对应到数据规范（映射配置）：试运行无误后保存配置，"
              "再点「开始导入」按此配置导入。", lang))
    sheets = st.session_state.setdefault(_SHEETS, {})
    if path not in sheets:
        sheets[path] = sandbox.read_any(path)
    sheet = sheets[path]
    kind = st.selectbox(t("文件类型", lang), list(KINDS), format_func=lambda k: view.kind_label(k, lang),
                        key=f"map_kind_{key}")
    cur = connection().cursor()
    try:
        proposals = st.session_state.setdefault(_PROPOSALS, {})
        if (path, kind) not in proposals:
            proposals[(path, kind)] = mapping.propose(cur, sheet, kind)
        headers = [h.strip() for h in sheet.headers if h.strip()]
        st.markdown(f"**{t('列对应', lang)}**")
        st.caption(t("每个数据规范的列选一个来源：文件表头、常量、推导（办理状态：所选表头有值即已办结）或无；"
                     "日期列可填日期格式，如 %m/%d/%Y %I:%M:%S %p。", lang))
        grid = st.data_editor(
            view.mapping_grid(proposals[(path, kind)]), key=f"map_cols_{key}_{kind}", hide_index=True,
            num_rows="fixed", disabled=["列", "必填"], width="stretch",
            column_config={
                "列": st.column_config.TextColumn(t("列", lang)),
                "必填": st.column_config.TextColumn(t("必填", lang), width="small"),
                "来源": st.column_config.SelectboxColumn(t("来源", lang), options=list(view.SOURCES), required=True),
                "文件表头": st.column_config.SelectboxColumn(t("文件表头", lang), options=[view.NO_HEADER, *headers]),
                "常量": st.column_config.TextColumn(t("常量", lang)),
                "日期格式": st.column_config.TextColumn(t("日期格式", lang)),
            })
        values = _value_grids(cur, sheet, path, kind, grid, lang, key)
        st.markdown(f"**{t('逐列核对', lang)}**")
        st.caption(t("样本已按入库方式脱敏；可解析：非空单元格中能按该列类型读出（可选值列：已对应到规范值或忽略）的比例。",
                     lang))
        st.dataframe(view.check_frame(cur, sheet, kind, grid, values), hide_index=True, key=f"map_check_{key}")
        text = view.profile_toml(kind, grid, values, pv.file)
        dry = st.session_state.setdefault(_DRY, {})
        if st.button(t("试运行", lang), key=f"map_dry_{key}", icon=":material/fact_check:"):
            try:
                report = view.dry_run(cur, pv.path, view.parse_profile(text), pv.file)
                dry[path] = (text, report.dry_run_zh(), report.rejected)
            except mapping.MappingError as exc:
                dry[path] = (text, [str(exc)], True)
    finally:
        cur.close()
    tried = dry.get(path)
    if tried is None:
        return
    if tried[0] != text:
        st.caption(t("映射已修改，请重新试运行。", lang))
        return
    st.markdown(f"**{t('试运行结果（未写入）', lang)}**")
    st.code("\n".join(tried[1]), language=None, wrap_lines=True)
    if tried[2]:
        st.error(t("按此映射，文件将被拒绝；请修改后重新试运行。", lang))
        return
    _save(pv, kind, grid, values, lang, key)


def _value_grids(cur, sheet, path: str, kind: str, grid, lang: str, key: str) -> dict:
    """One grid per enum column read from a file header: each distinct value → a contract value, （空）
    or 忽略该行. Returns {column: edited grid}."""
    columns = view.value_columns(kind, grid)
    if not columns:
        return {}
    st.markdown(f"**{t('值对应', lang)}**")
    st.caption(t("可选值列的每个不同的值（按行数排序）对应到规范值；「忽略该行」的行不导入，计入跳过。", lang))
    proposed = st.session_state.setdefault(_VALUES, {})
    out = {}
    slots = st.columns(min(len(columns), 3))
    for n, (name, header) in enumerate(columns.items()):
        col = KINDS[kind].column(name)
        if (path, kind, name, header) not in proposed:
            proposed[(path, kind, name, header)] = view.values_grid(cur, sheet, name, kind, header)
        with slots[n % len(slots)]:
            st.caption(f"{t(col.header, lang)} ← {header}")
            out[name] = st.data_editor(
                proposed[(path, kind, name, header)], key=f"map_vals_{key}_{kind}_{name}_{abs(hash(header))}",
                hide_index=True, num_rows="fixed", disabled=["源值", "行数"], width="stretch",
                column_config={
                    "源值": st.column_config.TextColumn(t("源值", lang)),
                    "行数": st.column_config.NumberColumn(t("行数", lang), format="localized"),
                    "规范值": st.column_config.SelectboxColumn(
                        t("规范值", lang), options=[view.UNMAPPED, *col.enum, view.EMPTY_VALUE, view.SKIP_VALUE]),
                })
    return out


def _save(pv, kind: str, grid, values, lang: str, key: str) -> None:
    """The profile's name, then save it (audited) and use it for this file's import."""
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    name = left.text_input(t("配置名称（保存为 config/mappings/名称.toml）", lang), key=f"map_name_{key}",
                           max_chars=40)
    if not right.button(t("保存映射配置", lang), key=f"map_save_{key}", type="primary", icon=":material/save:"):
        return
    problem = view.check_profile_name(name)
    if problem:
        st.error(t(problem, lang))
        return
    text = view.profile_toml(kind, grid, values, pv.file, name=name.strip())
    saved = view.save_profile(text, name.strip())
    profile = mapping.load(saved)
    audit.record(state(), account().name, "mapping", target=saved.name,
                 detail=f"为 {pv.file} 保存映射配置：{profile.describe()}")
    st.session_state.setdefault(MAPPINGS, {})[str(pv.path)] = profile
    st.session_state["_mapping_saved"] = t("已保存映射配置 {name}；点「开始导入」按此配置导入 {file}。", lang,
                                           name=saved.name, file=pv.file)
    st.rerun()


def forget(paths) -> None:
    """Drop what the step holds of files once they are imported (the whole file is held while mapping)."""
    for p in map(str, paths):
        for name in (_SHEETS, _DRY, MAPPINGS):
            st.session_state.get(name, {}).pop(p, None)
        for store in (_PROPOSALS, _VALUES):
            held = st.session_state.get(store, {})
            for k in [k for k in held if k[0] == p]:
                del held[k]
