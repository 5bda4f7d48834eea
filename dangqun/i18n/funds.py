"""English strings of the 资金投入 page."""
EN = {
    "资金投入": "Funds",
    "投入": "Funds",
    "投入(万元)": "Funds (10k yuan)",
    "万元": "×10k yuan",
    "项目数": "Projects",
    "其他": "Other",
    "未注明": "Not stated",
    "按资金来源": "By fund source",
    "按资金用途": "By purpose",
    "按年度": "By fiscal year",
    "按资金来源(万元)": "Funds by source (10k yuan)",
    "按资金用途(万元)": "Funds by purpose (10k yuan)",
    "按年度(万元)": "Funds by fiscal year (10k yuan)",
    "资金分布": "Funds by region and center",
    "资金分布（点击地区进入，点击中心查看明细）": "Funds by region and center (click a region to drill in, a center for its records)",
    "各中心投入与成效": "Funds and results by center",
    "每万元服务量（按下级单位）": "Cases per 10k yuan by unit",
    "单件成本（按下级单位）": "Cost per case by unit",
    "（按下级单位，点击进入）": " (by unit below, click to drill in)",
    "投入与成效": "Funds and results",
    "投入与成效（按下级单位，气泡大小为受理量；点击进入）":
        "Funds vs results (units below, bubble size = cases received; click to drill in)",
    "资金按年度统计：计入统计周期所含年度（{years}）的全部资金，不按拨付日期截取；受理量、满意率按统计周期内的服务记录。":
        "Funds count by fiscal year: all funds of the years the period touches ({years}), not cut by "
        "disbursement date; cases and satisfaction are the records of the period.",
    "每万元服务量和单件成本按本期分摊的资金计算：年度资金按统计周期在该年度中的天数折算（本期 {share} 万元），与本期受理量相除。":
        "Cases per 10k yuan and cost per case use the funds falling in the period: each year's funds in proportion "
        "to the period's days in that year ({share} in 10k yuan), against the period's cases.",
    # fund sources and purposes (DESIGN §3)
    "财政专项": "Special fiscal funds",
    "党费": "Party dues",
    "整合项目资金": "Integrated project funds",
    "帮扶单位": "Partner units",
    "村集体自筹": "Village collective",
    "社会捐赠": "Donations",
    "新建": "New build",
    "改扩建": "Renovation/extension",
    "设备购置": "Equipment",
    "宣传阵地": "Publicity",
    "运行经费": "Operating costs",
    "活动经费": "Activity costs",
}
