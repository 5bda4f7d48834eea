"""English strings of the 服务办理 page."""
EN = {
    "服务办理": "Case handling",
    "代办件 / 受理量：{parts}": "Proxy cases / cases received: {parts}",
    "未诉先办件 / 受理量：{parts}": "Proactive cases / cases received: {parts}",
    "办结晚于截止日期，或截止日期已过仍未办结（待受理、办理中、延期）":
        "Closed after the deadline, or still open (waiting, in progress, extended) past it",
    "各大类受理量": "Cases by category",
    "各大类受理量（点击条形查看该大类的事项）": "Cases by category (click a bar to see its service items)",
    "各事项受理量": "Cases by service item",
    "{category}：各事项受理量": "{category}: cases by service item",
    "返回全部大类": "Back to all categories",
    "受理渠道构成": "Channel mix",
    "各类人群受理量": "Cases by group",
    "办理用时": "Handling time",
    "派单、接单、办结用时（小时）": "Time to dispatch, accept and close (hours)",
    "本范围共 {n} 件服务记录。用时的中位数与 P90 要逐件排序计算，约需 {seconds} 秒，点击下面的按钮开始。":
        "{n} service records in this view. Medians and P90s of the times sort every record, which takes "
        "about {seconds} s: press the button below to compute them.",
    "计算办理用时": "Compute handling times",
    "受理至派单": "Receipt to dispatch",
    "派单至接单": "Dispatch to acceptance",
    "受理至办结": "Receipt to closure",
    "办理环节": "Step",
    "中位用时(小时)": "Median (hours)",
    "P90用时(小时)": "P90 (hours)",
    "件数": "Cases",
    "小时": "Hours",
    "截止日期": "Deadline",
    "超期工作日": "Working days overdue",
    "共 {total} 件超期，按超期天数从多到少列出前 {shown} 件；超期工作日计至办结日，未办结的计至 {as_of}。":
        "{total} overdue cases; the {shown} most overdue are listed first. Working days overdue "
        "count to the closing day, or to {as_of} for open cases.",
    "未注明渠道": "No channel given",
    "未注明人群": "No group given",
    # channels, groups and statuses as stored (contract.py)
    "窗口": "Counter", "电话": "Phone", "网上": "Online", "家庭代办站": "Family proxy station",
    "12345转办": "12345 hotline referral", "上门": "Home visit", "主动发现": "Found proactively",
    "老年人": "Elderly", "残疾人": "Disabled", "低保": "Minimum-subsistence", "退役军人": "Veterans",
    "党员": "Party members", "新就业群体": "New employment groups",
    "待受理": "Waiting", "办理中": "In progress", "已办结": "Closed", "退回": "Returned", "延期": "Extended",
    # 24 小时服务（AB岗） (app_pages/services.py, views.services, charts.services.receipt_heatmap)
    "24 小时服务（AB岗）": "24-hour service (A/B posts)",
    "办理情况": "Handling",
    "本范围没有登记为 24 小时 AB 岗的中心（服务中心表「是否24小时AB岗」）。":
        "No center in this view is registered as a 24-hour A/B post (the centers table's 24-hour A/B post).",
    "AB岗中心：服务中心表「是否24小时AB岗」为“是”的中心，本范围 {n} 个。夜间：20:00 至次日 8:00；"
    "节假日：周末和法定节假日（调休上班的周六、周日不算）；工作时间：工作日 8:00 至 20:00。":
        "A/B-post centers: those whose 24-hour A/B post is Yes in the centers table, {n} in this view. "
        "Night: 20:00 to 8:00 the next morning; holidays: weekends and public holidays (a Saturday or Sunday "
        "worked in exchange for a holiday is not one); office hours: working days 8:00 to 20:00.",
    "{kind}各时段受理量": "{kind}: cases by weekday and hour",
    "AB岗中心": "A/B-post centers",
    "其他中心": "Other centers",
    "受理时刻（时）": "Hour received",
    "时": ":00",
    "周一": "Mon", "周二": "Tue", "周三": "Wed", "周四": "Thu", "周五": "Fri", "周六": "Sat", "周日": "Sun",
    "夜间、节假日受理与用时": "Cases at night and on holidays, and how fast they are handled",
    "夜间": "Night",
    "节假日": "Holidays",
    "夜间或节假日": "Night or holiday",
    "工作时间": "Office hours",
    "响应：受理至派单（没有派单时间的件为受理至办结）；办结：受理至办结，只计已办结的件。"
    "夜间与节假日有重叠（节假日的夜间两处都计），夜间或节假日与工作时间合计为全部。":
        "Response: receipt to dispatch (receipt to closure for cases without a dispatch time); closure: receipt "
        "to closure, closed cases only. Night and holidays overlap (a holiday's night counts in both); night or "
        "holiday and office hours add up to all cases.",
    "用时要逐件排序计算，点下面的「计算办理用时」后显示（「办理情况」的办理用时一并算出）。":
        " The times sort every case: they appear once you press “Compute handling times” below (which computes "
        "the handling times of “Handling” too).",
    "AB岗中心夜间、节假日受理排名": "A/B-post centers ranked by cases at night and on holidays",
    "从未在夜间或节假日受理": "Never received a case at night or on a holiday",
    "本期没有受理记录": "No cases in the period",
    "占比不高于其他中心": "Share no higher than other centers",
    "按夜间或节假日受理量排名（相同的并列，再按占比）。":
        "Ranked by cases at night or on holidays (equal counts share a place, then by share). ",
    "本范围其他中心的受理中 {share} 在夜间或节假日；不高于这一比例的AB岗中心备注「占比不高于其他中心」。":
        "Of the other centers' cases in this view {share} came at night or on a holiday; A/B-post centers with no "
        "higher a share are noted “Share no higher than other centers”.",
    # their columns (i18n.COMPUTED_LABELS)
    "星期": "Weekday",
    "受理时刻(时)": "Hour received",
    "中心类别": "Centers",
    "时段": "Time of receipt",
    "响应用时中位数(小时)": "Median hours to response",
    "响应用时平均(小时)": "Mean hours to response",
    "办结用时中位数(小时)": "Median hours to closure",
    "办结用时平均(小时)": "Mean hours to closure",
    "夜间受理量": "Cases at night",
    "节假日受理量": "Cases on holidays",
    "夜间或节假日受理量": "Cases at night or on holidays",
    "夜间或节假日占比": "Share at night or on holidays",
    # 热点诉求 (topics of 诉求内容)
    "热点诉求": "Hot topics of requests",
    "{month} 本范围的服务记录没有诉求内容，无法按内容归纳话题；「预警」的热点按事项件数的增长计。":
        "{month}: the records in this view carry no request text, so no topics can be found from it; the Alerts "
        "page's hot spots count the rise of items instead.",
    "{month}：本范围有诉求内容的 {texts} 件中，说的是同一件事（同一地点或事物、同一问题）的诉求归为一个话题，"
    "热点在前、再按件数列出 {shown} 个（下载含全部 {n} 个）。件数只计本范围；「热点」：在所在县（市、区）"
    "本月至少 {min_count} 件、占该县有诉求内容件数的 {share} 以上，且一半以上在同一个乡镇街道。":
        "{month}: of the {texts} requests with text in this view, those about one matter (one place or object, "
        "one problem) form a topic; {shown} are listed, the hot ones first, then by size (the download holds "
        "all {n}). Counts are of this view; “hot”: at least {min_count} in its county this month, at least "
        "{share} of the county's requests with text, and half of them or more in one town.",
    "{towns} 等 {n} 个": "{towns} and others ({n})",
    "县（市、区）": "County",
    "含话题词的件数": "Requests with the topic's words",
    "有诉求内容的件数": "Requests with text",
    "查看话题": "Topic",
    "话题走势": "Topic trend",
    "话题诉求": "Requests of the topic",
    "“{label}”的诉求（{n} 件）": "Requests about “{label}” ({n})",
    "话题": "Topic",
    "本月件数": "This month",
    "涉及群众": "Residents",
    "上月相似件数": "Similar last month",
    "首次": "First",
    "最近": "Latest",
    "示例诉求": "Example request",
    "关键词": "Keywords",
    "近 {n} 个月含{words}的诉求": "Requests mentioning {words} over {n} months",
    "含{words}的诉求": "Mentioning {words}",
    "有诉求内容的": "With request text",
}
