"""地图: the units one level below the region coloured by a metric; below a county the centers as points."""
import streamlit as st

from dangqun import alerts, filters, metrics, ui
from dangqun.charts import map as charts
from dangqun.views import alerts as alerts_view
from dangqun.views import map as view

fr = ui.frame("地图")
params = fr.params()
child_digits = filters.child_digits(fr.region)

# pills wrap on a phone, one by one (a segmented control ran past the screen's edge)
choice = st.pills(fr.t("着色指标"), view.offered(fr.region), default=view.DEFAULT_METRIC, key="map_metric",
                  format_func=lambda k: fr.t(view.METRICS[k].name))
m = view.metric(choice, fr.region)

# the 预警 page's month and alerts, counted per unit (no statuses: the map shows counts only)
month = alerts_view.period_for(fr.filters)
found = alerts.listing(ui.query, fr.region, ui.alert_store(month)) if m.source == "alerts" else None
units, centers, unplaced = view.gather(ui.query, params, fr.region, m, found)
shapes = ui.region_shapes(fr.region)

if units.empty and not shapes.units and (centers is None or centers.empty):
    ui.no_data(fr.lang)
    st.stop()

label = fr.t(m.name)
if m.source == "alerts":        # the alerts are of one month, the period's last (as on the 预警 page)
    label = fr.t("{month} {metric}", metric=label, month=month)
title = fr.t("{metric}（按下级单位，点击进入）", metric=label) if centers is None else \
    fr.t("{metric}（各中心，点击查看明细）", metric=label)
fig = charts.map_figure(units, shapes, m, fr.lang, centers=centers, title=title)
data = view.table(units, m) if centers is None else view.center_table(centers, m)
event = ui.chart(fig, data, fr.t("地图"), "map", fr, selectable=True)
ui.follow(view.click_action(ui.clicked_code(event), units, child_digits,
                            centers=() if centers is None else centers["center_id"], index=fr.ctx.index), fr.ctx)

notes = [fr.t("地图显示统计用区域范围，不代表法定行政区域界线。")]
if centers is not None and unplaced is not None and len(unplaced):
    notes.append(fr.t("{n} 个中心没有经纬度（服务中心表的「经度」「纬度」列），未在图上标出。",
                      n=metrics.fmt_int(len(unplaced))))
if centers is not None and shapes.ground is None:
    notes.append(fr.t("本区域没有边界数据，只画出各中心的位置。"))
elif centers is not None and shapes.ground[0] != fr.region:
    notes.append(fr.t("本区域没有自己的边界数据，底图是{name}的轮廓。", name=fr.ctx.index.name(shapes.ground[0])))
st.caption(" ".join(notes))

if centers is not None and child_digits:
    st.subheader(fr.t("下级单位"))
    ui.table(view.table(units, m), fr.t("下级单位"), "map_units", fr)
