"""English strings of the 总览 page (app.py)."""
EN = {
    "总览": "Overview",
    " 个百分点": " pp",
    " 分": " pts",
    "目标 ≥ {goal}": "Target ≥ {goal}",
    "目标 ≥ {goal}：{verdict}": "Target ≥ {goal}: {verdict}",
    "已达成": "met",
    "未达成": "missed",
    "{mode}按同口径：本期数据截至期末，对比期的办结、超期和回访也只统计到其期末（{as_of}）":
        "{mode}, like with like: the data end at the period's end, so the comparison period's closings, overdue "
        "cases and surveys count only up to its own end ({as_of})",
    "{mode}按同口径：本期数据截至期末后 {days} 天，对比期的办结、超期和回访也只统计到其期末后 {days} 天（{as_of}）":
        "{mode}, like with like: the data end {days} days after the period's end, so the comparison period's "
        "closings, overdue cases and surveys count only up to {days} days after its own end ({as_of})",
    "按资金年度统计，含所选范围内各中心的全部资金来源": "By fiscal year, all fund sources of the centers in scope",
    "月度趋势": "Monthly trend",
    "月度受理量与满意率": "Cases received and satisfaction by month",
    "下级单位排名": "Ranking of units below",
    "下级单位综合成绩排名（点击圆点进入该单位）": "Composite score of the units below (click a dot to drill in)",
    "综合成绩（分，横轴从 {lo} 起）": "Composite score (points; the axis starts at {lo})",
    "持平": "No change",
    "按资金年度统计：所选周期所含年度（{years}）的全部资金，不按季度或日期截取；与对比期同属一个年度时不作比较": "By fiscal year: all funds of the years in the period ({years}), not cut by quarter or date; not compared when the comparison period has the same years",
    "{month} 数据截至 {day}": "{month}: data through {day}",
    "下级单位综合成绩排名": "Composite score of the units below",
}
