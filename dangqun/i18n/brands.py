"""English strings of the 品牌矩阵 page."""
EN = {
    "品牌矩阵": "Brand matrix",
    "该范围内没有党建品牌社区": "No Party-brand communities in this scope",
    "品牌社区数": "Brand communities",
    "服务量": "Services",
    "志愿时长": "Volunteer hours",
    "投入": "Funds",
    "投入(万元)": "Funds (10k yuan)",
    "万元": "×10k yuan",
    "高投入低成绩": "High cost, low score",
    "相对水平": "Relative level",
    "{indicator}（归一化）": "{indicator} (normalised)",
    "品牌成绩表": "Brand scorecard",
    "投入与综合成绩": "Funds and composite score",
    "投入与综合成绩（气泡大小为服务量，虚线为中位数；点击查看该中心明细）":
        "Funds vs composite score (bubble size = services, dashed lines = medians; click to see the center's records)",
    "投入与综合成绩（气泡大小为服务量；点击查看该中心明细）":
        "Funds vs composite score (bubble size = services; click to see the center's records)",
    "各社区指标对比": "Indicators by community",
    "各社区指标对比（按列最小–最大归一化，0–1）": "Indicators by community (min–max normalised per column, 0–1)",
    "品牌对比": "Brand comparison",
    "品牌对比（归一化指标）": "Brand comparison (normalised indicators)",
    "选择要对比的品牌（最多 5 个）": "Brands to compare (up to 5)",
    "服务量为统计周期内受理的服务记录数；投入为统计周期所含年度的资金；排名按综合成绩，有效回访不足 {min_valid} 件的不排名。":
        "Services are records received in the period; funds are those of the fiscal years the period "
        "touches; ranks follow the composite score, units with fewer than {min_valid} valid follow-ups are not ranked.",
    "名次变化对比：{label}": "Rank change against: {label}",
    "未选择对比周期，名次变化显示为 —": "No comparison period chosen: rank change shows —",
    "{n} 个品牌社区落在高投入低成绩区间（投入高于中位数、综合成绩低于中位数）：{names}":
        "{n} brand communities are in the high-cost, low-score quadrant (funds above the median, score below it): {names}",
    "另有 {n} 个品牌社区没有有效回访，不列出": "Not shown: {n} brand communities without valid follow-ups",
    "{n} 个品牌社区没有有效回访，不列出": "Not shown: {n} brand communities without valid follow-ups",
    "只有一个品牌社区，不作归一化比较": "Only one brand community: nothing to normalise against",
    "各品牌社区的各项指标都相同或没有数据，不作归一化比较":
        "The brand communities do not differ in any indicator, or have no data: nothing to normalise",
    "{indicator}各品牌社区相同（{value}）": "{indicator} is the same for every brand community ({value})",
    "{indicator}没有数据": "{indicator} has no data",
    "{items}，不作归一化：热力图中显示为 —，雷达图不含该项。":
        "{items}: not normalised (— in the heatmap, not on the radar).",
    # brand categories of the demo and the sample files
    "组织建设型": "Organisation building",
    "志愿服务型": "Volunteering",
    "网格治理型": "Grid governance",
    "民生服务型": "Livelihood services",
    "物业治理型": "Property governance",
    "养老服务型": "Elderly care",
    "文化引领型": "Culture",
    "法治调解型": "Rule of law and mediation",
    "阵地建设型": "Facilities",
}
