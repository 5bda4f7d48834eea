"""The figure of the 地图 page: the units one level below the region coloured by a metric (go.Choropleth
over GeoJSON, no base map, no tiles), their names, and the centers as points over the region's outline.

Nothing is fetched: the shapes are in the figure, geo.visible is off (no coastlines, land or frame), and the
topology Plotly loads for any choropleth is an empty one inside the page (charts.OFFLINE_CONFIG, which
ui.chart passes with every figure)."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import shapely
from shapely.geometry import shape

from dangqun import metrics
from dangqun.charts import PALETTE, plain, style
from dangqun.i18n import t

# the lowest value is a light blue, not near-white: a county's lowest-scoring centers are dots on a white
# page (#DCE9F2, 1.2 : 1 against white, all but vanished); 1.7 : 1 shows them, and stays apart from NO_DATA
SCALE = [[0.0, "#A8CAE2"], [0.5, "#5B93BF"], [1.0, "#1F4E79"]]
NO_DATA = "#E6E6E6"
OUTLINE = "#8A8A8A"
MAX_LABELS = 60        # unit names drawn on the map up to this many units (more would cover it)
HEIGHT = 560
# a map of a town or a village stands on its county's outline: it is framed on the centers, with this
# much room around them (degrees, at least), the outline running on beyond the frame as context
POINTS_PAD = 0.05


def legend_title(m, lang: str) -> str:
    return t("{label}（{unit}）", lang, label=t(m.name, lang), unit=t(m.unit, lang))


def _z(values, m):
    """A metric's values as coloured: rates in percent."""
    return [v * 100 if m.rate else v for v in values]


def value_text(value, num, den, m, lang: str) -> str:
    """The hover's value: a rate with its numerator and denominator, else the number and its unit."""
    if m.rate:
        return metrics.fmt_ratio_hover(num, den)
    shown = metrics.fmt_value(m.key, value)
    return shown if shown == metrics.DASH else f"{shown} {t(m.unit, lang)}"


def rank_text(rank, units: int, lang: str) -> str:
    if rank is None or pd.isna(rank):
        return t("未排名（无数据）", lang)
    return t("第 {rank} 名（共 {n} 个）", lang, rank=int(rank), n=int(units))


def _hover(name, value, rank, units, num, den, received, m, lang: str, extra: str = "") -> str:
    lines = [f"<b>{name}</b>" + (f" · {extra}" if extra else ""),
             f"{t(m.name, lang)}：{value_text(value, num, den, m, lang)}", rank_text(rank, units, lang)]
    if m.key != "received":
        lines.append(f"{t('受理量', lang)}：{metrics.fmt_int(received)}")
    return "<br>".join(lines)


def _feature_collection(geometries: dict[str, dict]) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": code, "properties": {}, "geometry": g}
                         for code, g in geometries.items()]}


def _label_points(geometries: dict[str, dict]) -> dict[str, tuple[float, float]]:
    """A point inside each shape (its largest part's), where its name is written."""
    out = {}
    for code, g in geometries.items():
        geom = shape(g)
        if geom.geom_type == "MultiPolygon":
            geom = max(geom.geoms, key=lambda p: p.area)
        p = geom.representative_point() if not geom.centroid.within(geom) else geom.centroid
        out[code] = (round(p.x, 4), round(p.y, 4))
    return out


def _outline_lines(geometry: dict) -> tuple[list, list]:
    """The rings of a (Multi)Polygon as one line with gaps (None) between the rings."""
    lon, lat = [], []
    geom = shape(geometry)
    parts = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    for part in parts:
        for ring in [part.exterior, *part.interiors]:
            xs, ys = shapely.get_coordinates(ring).T.tolist()
            lon += xs + [None]
            lat += ys + [None]
    return lon, lat


def _colour_range(z: list[float]) -> tuple[float, float]:
    finite = [v for v in z if v is not None and not math.isnan(v)]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    return (lo - 1, hi + 1) if lo == hi else (lo, hi)


def _colorbar(m, lang: str) -> dict:
    return dict(title=dict(text=legend_title(m, lang), side="top"), orientation="h", x=0.5, xanchor="center",
                y=-0.02, yanchor="top", thickness=12, len=0.7, ticksuffix="%" if m.rate else "",
                tickformat=",.1f" if m.rate else ",~f", outlinewidth=0)


def map_figure(vals, shapes, m, lang: str = "zh", centers=None, title: str | None = None,
               look: str = "page") -> go.Figure:
    """`vals`: views.map.values() of the child units; `shapes`: boundaries.Shapes of the region; `centers`:
    the centers with a position and their values (views.map.points), drawn as points over the region's
    outline (shapes.ground) when given. customdata[0] of every clickable point is a unit code or a center
    id: a click drills into a unit or opens a center's records (views.map.click_action)."""
    fig = go.Figure()
    by_code = vals.set_index("unit_code")
    drawn = {c: g for c, g in shapes.units.items() if g}
    coloured = [c for c in drawn if c in by_code.index and by_code.at[c, "value"] == by_code.at[c, "value"]]
    grey = [c for c in drawn if c not in coloured]

    def name_of(code):
        return plain(by_code.at[code, "unit_name"] if code in by_code.index else shapes.names.get(code, code))

    if grey:
        hover = [f"<b>{name_of(c)}</b><br>{t(m.name, lang)}：{metrics.DASH}<br>{t('该单位在统计周期内没有数据', lang)}"
                 for c in grey]
        fig.add_trace(go.Choropleth(
            geojson=_feature_collection({c: drawn[c] for c in grey}), locations=grey, z=[0] * len(grey),
            colorscale=[[0, NO_DATA], [1, NO_DATA]], showscale=False, marker=dict(line=dict(color="white", width=1)),
            customdata=[[c, h] for c, h in zip(grey, hover)], hovertemplate="%{customdata[1]}<extra></extra>",
            name=t("无数据", lang)))
    if coloured:
        rows = by_code.loc[coloured]
        z = _z(rows["value"].tolist(), m)
        lo, hi = _colour_range(z)
        hover = [_hover(name_of(c), r.value, r.rank, r.units, r.num, r.den, r.received, m, lang)
                 for c, r in zip(coloured, rows.itertuples())]
        fig.add_trace(go.Choropleth(
            geojson=_feature_collection({c: drawn[c] for c in coloured}), locations=coloured, z=z, zmin=lo, zmax=hi,
            colorscale=SCALE, marker=dict(line=dict(color="white", width=1)), colorbar=_colorbar(m, lang),
            customdata=[[c, h] for c, h in zip(coloured, hover)], hovertemplate="%{customdata[1]}<extra></extra>",
            name=t(m.name, lang)))
    if drawn and len(drawn) <= MAX_LABELS:
        at = _label_points(drawn)
        codes = list(at)
        # white names on the darker half of the scale, dark ones elsewhere
        dark = {c for c, v in zip(coloured, z) if hi > lo and (v - lo) / (hi - lo) > 0.55} if coloured else set()
        fig.add_trace(go.Scattergeo(
            lon=[at[c][0] for c in codes], lat=[at[c][1] for c in codes], mode="text",
            text=[name_of(c) for c in codes],
            textfont=dict(size=11 if len(codes) <= 20 else 10, color=["white" if c in dark else "#222" for c in codes]),
            customdata=[[c] for c in codes], hoverinfo="skip", showlegend=False))
    if centers is not None:
        if shapes.ground:
            lon, lat = _outline_lines(shapes.ground[1])
            fig.add_trace(go.Scattergeo(lon=lon, lat=lat, mode="lines", line=dict(color=OUTLINE, width=1.2),
                                        hoverinfo="skip", showlegend=False))
        if len(centers):
            _add_centers(fig, centers, m, lang, coloured=not coloured)
    fig.update_geos(visible=False, fitbounds="locations", projection_type="mercator", bgcolor="rgba(0,0,0,0)")
    if centers is not None and len(centers) and shapes.ground and shapes.ground[0] != shapes.region:
        # the ground is the county around a town: frame the town's centers, not the whole county
        lon0, lat0 = centers["longitude"].min(), centers["latitude"].min()
        lon1, lat1 = centers["longitude"].max(), centers["latitude"].max()
        pad = max(POINTS_PAD, 0.4 * max(lon1 - lon0, lat1 - lat0))
        fig.update_geos(fitbounds=False, lonaxis_range=[lon0 - pad, lon1 + pad], lataxis_range=[lat0 - pad, lat1 + pad])
    fig = style(fig, title, height=HEIGHT, look=look)
    fig.update_layout(margin=dict(l=0, r=0, t=(80 if look == "screen" else 50) if title else 10, b=70),
                      showlegend=False, dragmode=False)
    return fig


def _add_centers(fig, centers, m, lang: str, coloured: bool) -> None:
    """The centers as points: coloured by the metric when no unit is (a county without town shapes), else
    small dark points over the coloured units."""
    has = centers["value"].notna()
    hover = [_hover(plain(r.center_name), r.value, r.rank, r.units, r.num, r.den, r.received, m, lang, extra=t(r.center_type, lang))
             + f"<br>{t('点击查看该中心的明细', lang)}"
             for r in centers.itertuples()]
    custom = [[c, h] for c, h in zip(centers["center_id"], hover)]
    size = 9 if len(centers) <= 150 else 7
    if coloured:
        z = _z(centers["value"].tolist(), m)
        lo, hi = _colour_range(z)
        for keep, trace_kw in ((~has, dict(marker=dict(size=size - 2, color=NO_DATA, line=dict(color=OUTLINE, width=1)))),
                               (has, dict(marker=dict(size=size, color=[v for v, k in zip(z, has) if k], cmin=lo, cmax=hi,
                                                      colorscale=SCALE, colorbar=_colorbar(m, lang), showscale=True,
                                                      line=dict(color="white", width=0.8))))):
            if keep.any():
                fig.add_trace(go.Scattergeo(
                    lon=centers.loc[keep, "longitude"], lat=centers.loc[keep, "latitude"], mode="markers",
                    customdata=[c for c, k in zip(custom, keep) if k], hovertemplate="%{customdata[1]}<extra></extra>",
                    showlegend=False, **trace_kw))
    else:
        fig.add_trace(go.Scattergeo(
            lon=centers["longitude"], lat=centers["latitude"], mode="markers",
            marker=dict(size=size - 2, color=PALETTE[0], line=dict(color="white", width=0.8)),
            customdata=custom, hovertemplate="%{customdata[1]}<extra></extra>", showlegend=False))
