"""English strings of the 地图 page."""
EN = {
    "地图": "Map",
    "着色指标": "Colour by",
    "{label}（{unit}）": "{label} ({unit})",
    "件": "cases",
    "分": "points",
    "件/万元": "cases per 10k yuan",
    "条": "alerts",
    "{month} {metric}": "{metric}, {month}",
    "{metric}（按下级单位，点击进入）": "{metric} by unit below (click a unit to drill in)",
    "{metric}（各中心，点击查看明细）": "{metric} by center (click a center for its records)",
    "第 {rank} 名（共 {n} 个）": "Rank {rank} of {n}",
    "未排名（无数据）": "Not ranked (no data)",
    "该单位在统计周期内没有数据": "No data for this unit in the period",
    "无数据": "No data",
    "点击查看该中心的明细": "Click for this center's records",
    "下级单位": "Units below",
    "地图显示统计用区域范围，不代表法定行政区域界线。":
        "The map shows statistical areas, not legal administrative boundaries.",
    "{n} 个中心没有经纬度（服务中心表的「经度」「纬度」列），未在图上标出。":
        "{n} centers have no longitude/latitude (the 经度/纬度 columns of the centers file) and are not on the map.",
    "本区域没有边界数据，只画出各中心的位置。": "No boundaries for this area: only the centres' positions are drawn.",
    "本区域没有自己的边界数据，底图是{name}的轮廓。": "No boundaries of this area's own: the ground is the outline of {name}.",
    # the centers' types on hover, and the position columns of the downloads
    "村级党群服务中心": "Village service center",
    "社区党群服务中心": "Community service center",
    "乡镇街道党群服务中心": "Town service center",
    "新就业群体驿站": "Station for new employment groups",
    "经度": "Longitude",
    "纬度": "Latitude",
}
