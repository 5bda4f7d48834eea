"""English strings of the 大屏 page (app_pages/screen.py)."""
EN = {
    "大屏": "Wall display",
    "党群服务数据": "Party–masses service data",
    "数据截至 {date}": "Data as of {date}",
    "返回看板": "Back to the dashboard",
    "{metric}地图": "{metric} map",
    "{n} 条（待处理 {w}）": "{n} ({w} open)",
    "本月预警（{period}，共 {n} 条）": "Alerts this month ({period}, {n} in all)",
}
