"""English strings of the 满意度与考核 page."""
EN = {
    "满意度与考核": "Satisfaction & assessment",
    "是否有效回访与是否纳入考核均为“是”的记录": "Records with a valid follow-up that count in the assessment",
    "计分口径": "Scoring rules",
    "综合成绩 = 100 × ({w1} × 响应率 + {w2} × 解决率 + {w3} × 满意率)；满意率 = (满意 + {basic} × 基本满意) / 有效回访；"
    "三率任一项低于 {yellow} 上黄榜；有效回访少于 {min_valid} 件不排名；先进：前 {top} 且三率均不低于 {adv}；"
    "进步：名次比对比期上升 {places} 位及以上；整改：三率任一项低于 {rectify}。":
        "Composite score = 100 × ({w1} × response rate + {w2} × resolution rate + {w3} × satisfaction rate); "
        "satisfaction rate = (satisfied + {basic} × basically satisfied) / valid follow-ups; a unit with any rate "
        "below {yellow} is on the yellow list; units with fewer than {min_valid} valid follow-ups are not ranked; "
        "Outstanding: in the top {top} with all three rates at least {adv}; Improved: up {places} or more places "
        "on the comparison period; Needs rectification: any rate below {rectify}.",
    "三率月度走势": "Three rates by month",
    "三率与综合成绩月度走势": "Response, resolution and satisfaction rates and composite score by month",
    "黄榜线 {pct}": "Yellow-list line {pct}",
    "% / 分": "% / points",
    "下级单位考核排名": "Assessment ranking of the units below",
    "共 {units} 个单位，{flagged} 个上黄榜（三率任一项低于 {pct}，表中标 ⚠ 并高亮）":
        "{units} units, {flagged} on the yellow list (a rate below {pct}, marked ⚠ and highlighted)",
    "回访满意度分布": "Follow-up satisfaction",
    "回访满意度分布（有效回访）": "Follow-up answers (valid follow-ups)",
    "不满意件数": "Dissatisfied answers",
    "未注明原因": "No reason given",
    "其他": "Other",
    "工作人员态度不好": "Unfriendly staff",
    "多次往返跑腿": "Several trips needed",
    "办理时间过长": "Took too long",
    "回访不及时": "Late follow-up",
    "问题未彻底解决": "Problem not fully solved",
    "政策解释不清楚": "Policy poorly explained",
    "{line}：各项均在其上": "{line}: every value above it",
}
