"""品牌矩阵: which communities' Party brands deliver the most, and at what cost?"""
import streamlit as st

from dangqun import metrics, ui
from dangqun.charts import brands as charts
from dangqun.markup import md
from dangqun.views import brands as view
from dangqun.views import overview as overview_view

fr = ui.frame("品牌矩阵")
f = fr.filters

now = ui.query("brand_scorecard", fr.params())
if now.empty:
    st.info(fr.t("该范围内没有党建品牌社区"))
    st.stop()
before_params = fr.compare_params()
before = ui.query("brand_scorecard", before_params) if before_params else None
df = view.with_ranks(now, before)

row = ui.card_row()
row.metric(fr.t("品牌社区数"), metrics.fmt_int(len(df)), border=True)
row.metric(fr.t("服务量"), metrics.fmt_int(df["received"].sum()), border=True)
row.metric(fr.t("活动场次"), metrics.fmt_int(df["activities"].sum()), border=True)
row.metric(fr.t("投入(万元)"), metrics.fmt_wan(df["funds_wan"].sum()), border=True)
st.caption(fr.t("服务量为统计周期内受理的服务记录数；投入为统计周期所含年度的资金；排名按综合成绩，有效回访不足 {min_valid} 件的不排名。",
                min_valid=metrics.load_config().min_valid))
st.caption(" ".join(filter(None, [fr.t("名次变化对比：{label}", label=f.compare_period.label(fr.lang)),
                                   overview_view.vintage_note(fr.vintage, f.compare, fr.lang)]))
           if f.compare_period else fr.t("未选择对比周期，名次变化显示为 —"))

scorecard = view.table(df)
ui.table(scorecard, fr.t("品牌成绩表"), "brand_table", fr)   # numbers formatted by ui.table

costly, x_med, y_med = view.costly_low_scoring(df)
# a brand without 综合成绩 (no valid follow-ups) has no place on the score axis: left out, and said so
scored = df["composite_score"].notna()
drawn = df.loc[scored, ["center_id", "brand_name", "center_name", "funds_wan", "composite_score", "received",
                        "satisfied_weighted", "valid"]].assign(costly_low_score=costly[scored])
figure = charts.cost_score(df[scored], costly[scored], x_med, y_med, fr.lang) if scored.any() else None
event = ui.chart(figure, drawn, fr.t("投入与综合成绩"), "brand_cost_score", fr, selectable=True)
if not scored.all():
    st.caption(fr.t("{n} 个品牌社区没有有效回访，不列出" if not scored.any() else "另有 {n} 个品牌社区没有有效回访，不列出",
                    n=int((~scored).sum())))
if costly.any():
    names = "、".join(md(n) for n in df.loc[costly, "brand_name"])
    st.warning(fr.t("{n} 个品牌社区落在高投入低成绩区间（投入高于中位数、综合成绩低于中位数）：{names}",
                    n=int(costly.sum()), names=names))
clicked = ui.clicked_code(event)
ui.follow(("records", clicked) if clicked else None, fr.ctx)

normalised = view.normalise(df, [c for c, _ in view.INDICATORS])
compared = view.compared(normalised)
# min–max over one brand, or over brands alike in everything, would draw every cell 1 (the best)
if len(df) < 2:
    st.caption(fr.t("只有一个品牌社区，不作归一化比较"))
    st.stop()
if not compared:
    st.caption(fr.t("各品牌社区的各项指标都相同或没有数据，不作归一化比较"))
    st.stop()
heat = view.heat_frame(df, normalised, fr.t)
ui.chart(charts.indicator_heatmap(df, normalised, fr.lang), heat, fr.t("各社区指标对比"), "brand_heatmap", fr)
if note := view.not_compared_note(df, normalised, fr.t):
    st.caption(note)
# a radar of one or two axes is a point or a line, and compares nothing the heatmap does not show
if len(compared) < 3:
    st.stop()

options = df["center_id"].tolist()
labels = dict(zip(df["center_id"], df["brand_name"] + "（" + df["center_name"] + "）"))
# the choice lives under a non-widget key (widget state does not survive a page switch or a change of
# options); the widget is re-seeded from it on every run and writes back through on_change
st.session_state["brand_pick"] = view.valid_pick(st.session_state.get("_brand_pick"), options,
                                                   view.default_pick(df))
picked = st.multiselect(fr.t("选择要对比的品牌（最多 5 个）"), options, key="brand_pick",
                        max_selections=view.MAX_PICK, format_func=labels.get,
                        on_change=lambda: st.session_state.update(_brand_pick=st.session_state["brand_pick"]))
ui.chart(charts.radar(df, normalised, picked, fr.lang), heat[heat["center_id"].isin(picked)],
         fr.t("品牌对比"), "brand_radar", fr)
