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
}
