"""English strings of the 预警 page and of the alerts' sentences (dangqun.alerts)."""
EN = {
    "预警": "Alerts",
    "预警处理": "Alert status change",
    # rules, severities, statuses
    "超期积压": "Overdue backlog",
    "满意率下滑": "Satisfaction drop",
    "低于黄榜线": "Below the yellow-list line",
    "重复诉求": "Repeat requests",
    "诉求突增": "Request spike",
    "热点": "Rising topic",
    "高": "High",
    "中": "Medium",
    "低": "Low",
    "待处理": "Open",
    "已核实": "Verified",
    "已处理": "Handled",
    # the page
    "预警月份 {period}（统计周期的最后一个月），超期计至 {as_of}；共 {n} 条预警。":
        "Alerts for {period} (the last month of the period), lateness counted to {as_of}; {n} alerts.",
    "预警以乡镇街道为单位，这里列出 {town} 的预警。": " Alerts are kept by town: these are {town}'s.",
    "其中待处理 {n} 条": "{n} of them open",
    "规则": "Rule",
    "预警清单": "Alert list",
    "按单位": "By unit",
    "预警条数": "Alerts",
    "预警规则": "Rules",
    "涉及件数": "Cases concerned",
    "处理预警": "Act on an alert",
    "选择预警": "Alert",
    "预警涉及的记录": "Records behind the alert",
    "在明细查询中查看记录": "Open its records in Records",
    "在服务办理中查看超期件": "Open the overdue cases in Case handling",
    "在服务办理中查看热点诉求": "Open the topic in Case handling",
    "在满意度与考核中查看": "Open in Satisfaction & assessment",
    "备注": "Note",
    "上次由 {user} 于 {at} 更新": "Last updated by {user} at {at}",
    "保存": "Save",
    "已保存": "Saved",
    "严重程度": "Severity",
    "数字": "Figures",
    "处理人": "Updated by",
    "处理时间": "Updated at",
    # the alerts' figures and sentences
    "{n} 件超期未办结，最长超期 {oldest} 个工作日": "{n} cases open past their deadline, up to {oldest} working days late",
    "截至 {as_of} 有 {n} 件已过截止日期仍未办结，最长超期 {oldest} 个工作日；"
    "其中 {escalated} 件超期超过 {days} 个工作日。积压达到 {min_cases} 件或有件超期超过 {days} 个工作日即预警，"
    "达到 {high} 件或有件超期超过 {days} 个工作日为“高”。":
        "On {as_of}, {n} cases were open past their deadline, the oldest {oldest} working days late; "
        "{escalated} more than {days} working days late. A town is flagged from {min_cases} such cases or one "
        "more than {days} working days late, high from {high} cases or one that late.",
    "截至 {as_of} 有 {n} 件已过截止日期仍未办结，最长超期 {oldest} 个工作日；"
    "都没有超期超过 {days} 个工作日。积压达到 {min_cases} 件或有件超期超过 {days} 个工作日即预警，"
    "达到 {high} 件或有件超期超过 {days} 个工作日为“高”。":
        "On {as_of}, {n} cases were open past their deadline, the oldest {oldest} working days late; none more "
        "than {days} working days late. A town is flagged from {min_cases} such cases or one more than {days} "
        "working days late, high from {high} cases or one that late.",
    "本月满意率 {rate}，前 {months} 个月为 {base}": "Satisfaction {rate} this month, {base} over the {months} months before",
    "本月满意率 {rate}（有效回访 {valid} 件），前 {months} 个月为 {base}（{base_valid} 件）；"
    "按前 {months} 个月的满意率，{valid} 件中折算满意不多于 {k} 件的概率 p = {p}（单侧二项检验），"
    "低于 {alpha}；p 控制图下限为 {lcl}。":
        "Satisfaction rate {rate} this month ({valid} valid follow-ups) against {base} over the previous {months} "
        "months ({base_valid}); at that rate, at most {k} satisfied answers of {valid} has probability p = {p} "
        "(one-sided binomial test), below {alpha}; the p-chart's lower limit is {lcl}.",
    "本月满意率 {rate}，低于黄榜线 {line}": "Satisfaction {rate} this month, under the yellow-list line {line}",
    "本月满意率 {rate}（有效回访 {valid} 件），低于黄榜线 {line}。":
        "Satisfaction rate {rate} this month ({valid} valid follow-ups), below the yellow-list line {line}.",
    "{first} 至 {last} 共 {n} 次": "{n} times from {first} to {last}",
    "服务对象 {who} 就“{item}”在 {first} 至 {last} 共 {n} 次诉求，{days} 天内达到 {min_count} 次及以上。":
        "Resident {who} asked about “{item}” {n} times from {first} to {last}: {min_count} or more times "
        "within {days} days.",
    "本月 {n} 件，此前 {months} 个月没有": "{n} this month, none in the {months} months before",
    "本月 {n} 件，比平时（{expected} 件）多 {ratio}": "{n} this month, {ratio} more than usual ({expected})",
    "本月 {n} 件，约为平时的 {ratio} 倍": "{n} this month, about {ratio} times the usual month",
    "“{item}”本月 {n} 件；前 {months} 个月月均 {mean} 件，按本单位其他事项本月的增减（× {factor}）"
    "和该事项在其他乡镇街道本月的增减（× {season}）"
    "调整后基线为 {expected} 件，泊松分布上限 {limit} 件（超过它的概率不到 {alpha}），本月件数出现的概率 p = {p}。":
        "“{item}”: {n} this month; {mean} a month over the previous {months} months, {expected} after scaling by "
        "how the unit's other items moved this month (× {factor}) and how the item moved in the other towns "
        "(× {season}); the Poisson upper limit is {limit} (exceeded "
        "with probability under {alpha}), and this month's count has probability p = {p}.",
    "本月 {now} 件，上月 {before} 件": "{now} this month, {before} last month",
    "“{item}”本月 {now} 件，上月 {before} 件（增加 {rise}）；若两月发生率相同，"
    "出现这样增幅的概率 p = {p}（单侧条件二项检验），低于 {alpha}。":
        "“{item}”: {now} this month, {before} last month (up {rise}); were both months' rates equal, a rise "
        "like this has probability p = {p} (one-sided conditional binomial test), below {alpha}.",
    "本月 {n} 件（{residents} 人），上月 {previous} 件": "{n} this month ({residents} residents), {previous} last month",
    "{n} 件诉求说的是同一件事：“{label}”（关键词：{keywords}），来自 {residents} 位群众，涉及 {towns}；"
    "占{county}本月有诉求内容的 {volume} 件的 {share}。上月相似的诉求 {previous} 件。":
        "{n} requests are about one matter: “{label}” (keywords: {keywords}), from {residents} residents, in "
        "{towns}; {share} of the {volume} requests with text in {county} this month. Similar requests last "
        "month: {previous}.",
    "{n} 件诉求说的是同一件事：“{label}”（关键词：{keywords}），来自 {residents} 位群众，涉及 {towns}；"
    "占{county}本月有诉求内容的 {volume} 件的 {share}。上月相似的诉求 {previous} 件，本月明显增多。":
        "{n} requests are about one matter: “{label}” (keywords: {keywords}), from {residents} residents, in "
        "{towns}; {share} of the {volume} requests with text in {county} this month. Similar requests last "
        "month: {previous}, a clear rise.",
}
