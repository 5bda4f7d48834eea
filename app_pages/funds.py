"""资金投入: where did the money go, and what did each 万元 buy?"""
import pandas as pd
import streamlit as st

from dangqun import filters, metrics, regions, ui
from dangqun.charts import funds as charts
from dangqun.views import funds as view


fr = ui.frame("资金投入")
f = fr.filters
params = fr.params()
fund_params = {k: params[k] for k in ("region", "start", "end")}

by_source = ui.query("funds_by_source", fund_params)
by_purpose = ui.query("funds_by_purpose", fund_params)
by_year = ui.query("funds_by_year", fund_params)
centers = view.add_costs(ui.query("funds_by_center", params))
if centers.empty:
    ui.no_data(fr.lang)
    st.stop()

total_wan = by_year["amount_wan"].sum()
received = centers["received"].sum()
row = ui.card_row()
row.metric(fr.t(view.total_label(f.period)), metrics.fmt_wan(total_wan), border=True)
row.metric(fr.t("受理量"), metrics.fmt_int(received), border=True)
period_wan = centers["period_wan"].sum()
per_wan, unit_cost = view.costs(received, period_wan)
# a — says why where it stands (the card's help): no funds fall in the period, so nothing is divided
why = fr.t("本期没有分摊到资金，不计算") if per_wan is None else None
row.metric(fr.t("每万元服务量"), metrics.fmt_num(per_wan, 2), border=True, help=why)
row.metric(fr.t("单件成本(元/件)"), metrics.fmt_num(unit_cost, 2), border=True, help=why)
years = f"{f.period.start.year}–{f.period.end.year}" if f.period.start.year != f.period.end.year \
    else str(f.period.start.year)
st.caption(fr.t("资金按年度统计：计入统计周期所含年度（{years}）的全部资金，不按拨付日期截取；受理量、满意率按统计周期内的服务记录。",
                years=years))
if not view.whole_years(f.period):
    st.caption(fr.t("每万元服务量和单件成本按本期分摊的资金计算：年度资金按统计周期在该年度中的天数折算（本期 {share} 万元），与本期受理量相除。",
                    share=metrics.fmt_wan(period_wan)))

# 来源 and 用途 as bars across: their names are long and their amounts wide (years are neither)
for col, (data, label_col, key) in zip(st.columns(3), (
        (by_source, "fund_source", "按资金来源"), (by_purpose, "purpose", "按资金用途"),
        (by_year, "fiscal_year", "按年度"))):
    with col:
        ui.chart(charts.totals(data, label_col, f"{key}(万元)", fr.lang, across=label_col != "fiscal_year"), data,
                 fr.t(key), f"funds_{label_col}", fr)

tiles = view.tree(centers, fr.region, fr.ctx.index.name)
event = ui.chart(charts.treemap(tiles, fr.lang), view.tiles_table(tiles, fr.t), fr.t("资金分布"), "funds_treemap", fr,
                 selectable=True)
# a tile click reports the tile's id (its unit code) but no customdata (Streamlit sends hierarchy
# fields only for treemaps), so the tile is read by id
action = view.tile_action(ui.clicked_code(event, "id"), tiles, fr.region)

table = centers[["center_name", "center_type", "build_type", "funds_wan", "period_wan", "received", "closed", "per_wan",
                 "unit_cost_yuan", "satisfaction_rate", "composite_score", "valid", "satisfied_weighted",
                 "center_id"]]
# 满意率 as the page writes it (93.5%); none without surveys, so the cell reads — and the download's is empty
table = table.assign(satisfaction_rate=table["satisfaction_rate"].map(
    lambda rate: None if pd.isna(rate) else metrics.fmt_pct(rate)).astype(object))
ui.table(table, fr.t("各中心投入与成效"), "funds_centers", fr)   # numbers formatted by ui.table

child_digits = filters.child_digits(fr.region)
units = view.add_costs(ui.query("funds_by_unit", dict(params, child_digits=child_digits)))
drawn = units[["unit_code", "unit_name", "funds_wan", "period_wan", "received", "per_wan", "unit_cost_yuan"]]
level = regions.level_of(fr.region)


def note_left_out(value_col: str) -> None:
    """Under a chart by unit: how many units it leaves out, having no value to draw, and why."""
    if note := view.left_out(units, value_col, level, fr.t):
        st.caption(note)


# a unit without a value (no funds in the period, no cases) is left out of the chart, not drawn as 0.00
left, right = st.columns(2)
with left:
    per_wan = drawn.dropna(subset=["per_wan"])
    clicks = [ui.chart(charts.unit_bars(per_wan, "per_wan", fr.lang), per_wan, fr.t("每万元服务量（按下级单位）"),
                       "funds_per_wan", fr, selectable=True)]
    note_left_out("per_wan")
with right:
    cost = drawn.dropna(subset=["unit_cost_yuan"])
    clicks.append(ui.chart(charts.unit_bars(cost, "unit_cost_yuan", fr.lang), cost,
                           fr.t("单件成本（按下级单位）"), "funds_unit_cost", fr, selectable=True))
    note_left_out("unit_cost_yuan")
outcome = units.dropna(subset=["composite_score"])[
    ["unit_code", "unit_name", "funds_wan", "composite_score", "received", "per_wan", "valid", "satisfied_weighted"]]
clicks.append(ui.chart(charts.outcome_scatter(outcome, fr.lang), outcome, fr.t("投入与成效"), "funds_outcome", fr,
                       selectable=True))
note_left_out("composite_score")

for event in clicks:
    action = action or filters.click_action(ui.clicked_code(event), child_digits)
ui.follow(action, fr.ctx)
