"""English strings of the 大屏 page (pages/screen.py)."""
EN = {
    "大屏": "Wall display",
    "党群服务数据": "Party–masses service data",
    "数据截至 {date}": "Data as of {date}",
    "返回看板": "Back to the dashboard",
}
