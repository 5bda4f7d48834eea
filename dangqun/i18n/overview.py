"""English strings of the 总览 page (app.py)."""
EN = {
    "总览": "Overview",
    " 个百分点": " pp",
    " 分": " pts",
    "期内受理的服务记录数": "Service records received in the period",
    "办结 / 受理：{parts}": "Closed / received: {parts}",
    "按期办结 / 办结：{parts}": "Closed on time / closed: {parts}",
    "按资金年度统计，含所选范围内各中心的全部资金来源": "By fiscal year, all fund sources of the centers in scope",
    "期末已投用的党群服务中心、代办站和驿站": "Centers, proxy stations and hubs in use at the end of the period",
    "期内开展的活动次数": "Activities held in the period",
    "月度趋势": "Monthly trend",
    "月度受理量与满意率": "Cases received and satisfaction by month",
    "下级单位排名": "Ranking of units below",
    "下级单位综合成绩排名（点击条形进入该单位）": "Composite score of the units below (click a bar to drill in)",
    "下级单位综合成绩排名": "Composite score of the units below",
}
