"""数据导入: upload platform exports, preview them, import them and see the history of imports."""
import streamlit as st

from dangqun import metrics, ui, uploads
from dangqun.markup import md
from dangqun.views import data_import as view

fr = ui.frame("数据导入")
lang = fr.lang

st.caption(fr.t("支持服务记录、服务中心、资金投入、活动记录四类导出；按表头自动识别类型和编码（UTF-8、GBK），"
                "姓名和电话在入库前脱敏。"))
files = ui.file_uploader(fr.t("选择导出文件（CSV 或 Excel，可多选）"), ["csv", "xlsx"], "import_files", lang)

# files imported in this session stay in the uploader; they are not previewed, saved or imported again
imported_ids = st.session_state.setdefault("imported_file_ids", set())
pending = [f for f in files or [] if f.file_id not in imported_ids]
# the importer takes paths: each session saves its uploads in a directory of its own, kept in step
# with the uploader (a file the official removes is deleted at once); idle and leftover ones are swept
uploads.start_sweeper()
uploads.sweep()
if pending and "import_dir" not in st.session_state:
    st.session_state["import_dir"] = str(uploads.session_dir())
previews = []
if "import_dir" in st.session_state:
    previews = view.preview_files(uploads.save_uploads(pending, st.session_state["import_dir"]),
                                  mappings=st.session_state.get(ui.MAPPINGS))
    ui.audit_unreadable(previews)
if "_mapping_saved" in st.session_state:
    st.success(st.session_state.pop("_mapping_saved"))
if previews:
    st.subheader(fr.t("文件预览"))
    for pv in previews:
        with st.expander(md(pv.file), expanded=len(previews) == 1):
            if pv.kind is None and pv.encoding is None:
                st.warning(fr.t("无法识别该文件，导入时将被拒绝。"))
            elif pv.kind is not None:
                if pv.mapping is not None:
                    st.caption(fr.t("按映射配置「{name}」导入", name=pv.mapping.name))
                st.caption(fr.t("类型：{kind} · 编码：{encoding} · 前 {n} 行（个人信息已脱敏）",
                                kind=view.kind_label(pv.kind, lang), encoding=pv.encoding,
                                n=len(pv.rows)))
            if len(pv.rows):
                st.dataframe(pv.rows, hide_index=True)
            for note in pv.notes:
                st.caption(fr.t("注：{note}", note=md(note)))
            if pv.kind is None and pv.encoding is not None:    # read, but its headers fit no kind
                ui.mapping_step(pv, lang, key=str(abs(hash(str(pv.path)))))

if st.button(fr.t("开始导入"), key="import_run", type="primary", disabled=not previews):
    bar = st.progress(0.0)

    def _progress(done, total, file):
        if done is None:       # another import holds the importer's lock: `file` says whose, since when
            bar.progress(0.0, text=fr.t("{message}：等待中…", message=md(file)))
            return
        text = fr.t("正在导入 {file}（{done}/{total}）", file=md(file), done=done + 1, total=total) if file \
            else fr.t("导入完成")
        bar.progress(done / total if total else 1.0, text=text)

    try:
        st.session_state["import_results"] = view.run_import(previews, progress=_progress,
                                                             imported_by=ui.account().name)
        ui.read_data_version()  # the history and table sizes below are of the newly published version
    finally:
        imported_ids.update(f.file_id for f in pending)
        uploads.discard([pv.path for pv in previews])
        ui.forget_mapping([pv.path for pv in previews])

results = st.session_state.get("import_results")
if results:
    st.subheader(fr.t("导入结果"))
    st.dataframe(view.results_frame(results, lang), hide_index=True, key="table_import_results")
    for r in results:
        if r.report.rejected:
            st.error(fr.t("{file}：已拒绝，未导入任何数据。{message}", file=md(r.file), message=md(r.report.message)))
            continue
        for note in r.report.notes:
            st.info(fr.t("注：{note}", note=md(note)))
        if r.report.errors:
            st.markdown(f"**{fr.t('{file}：问题行', file=md(r.file))}**")
            st.dataframe(view.errors_frame(r.report, lang), hide_index=True)
        if r.import_id is not None and r.report.quarantined:
            rows = ui.query("import_quarantine", {"import_id": r.import_id})
            st.caption(fr.t("{file}：被隔离的行", file=md(r.file)) + f" · {metrics.fmt_int(r.report.quarantined)}")
            ui.downloads(view.quarantine_frame(rows, lang), f"{fr.t('隔离记录')}_{r.file}",
                         f"quarantine_{r.import_id}", fr)

st.subheader(fr.t("导入记录"))
st.caption(view.inbox_note(lang))
history = ui.query("import_history", {"limit": view.HISTORY_ROWS})
if len(history) == 0:
    st.info(fr.t("还没有导入记录"))
else:
    ui.table(view.history_frame(history, lang), fr.t("导入记录"), "import_history", fr,
             column_config={fr.t("时间"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")})

st.subheader(fr.t("已载入的数据"))
loaded = ui.query("loaded_tables")
ui.table(view.loaded_frame(loaded, lang), fr.t("已载入的数据"), "loaded_tables", fr)
