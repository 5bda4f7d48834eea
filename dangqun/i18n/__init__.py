"""Interface strings in Simplified Chinese (default) and English.

Keys are the Chinese strings themselves, so a page reads naturally — t("受理量") — and the Chinese
text needs no table of its own: EN maps each key to its English text. An unknown key comes back as
itself in either language (a missing translation shows Chinese, never an error).
"""
from __future__ import annotations

import re

from dangqun import metric_registry
from dangqun.contract import CATALOG_HEADERS, KINDS, REGION_HEADERS

LANGS = ("zh", "en")

EN: dict[str, str] = {
    # the app (each page's title is in its own module)
    "党群服务数据看板": "Party–Masses Service Dashboard",
    # KPIs and metrics
    "办结量": "Cases closed",
    "按期办结量": "Closed on time",
    "有效回访": "Valid follow-ups",
    "已联系": "Contacted",
    "已解决": "Solved",
    "满意": "Satisfied",
    "基本满意": "Basically satisfied",
    "不满意": "Dissatisfied",
    "满意折算数": "Satisfied (weighted)",
    "100 × ({w1} × 响应率 + {w2} × 解决率 + {w3} × 满意率)":
        "100 × ({w1} × response + {w2} × solved + {w3} × satisfaction)",
    "(满意 + {basic} × 基本满意) / 有效回访：{parts}": "(satisfied + {basic} × fairly satisfied) / valid surveys: {parts}",
    "黄榜": "Yellow list",
    # a target's reference line on a chart (charts.target_lines)
    "目标：{items}": "Target: {items}",
    "{metric} ≥ {goal}": "{metric} ≥ {goal}",
    "排名": "Rank",
    "对比期排名": "Rank in comparison period",
    "名次变化": "Rank change",
    "评定": "Rating",
    "先进": "Outstanding",
    "进步": "Improved",
    "整改": "Needs rectification",
    "一般": "Ordinary",
    "本期分摊资金(万元)": "Funds falling in the period (10k yuan)",
    "资金年度投入(万元)": "Funds of the fiscal years (10k yuan)",
    "参与人次": "Participants",
    "单件成本(元/件)": "Cost per case (yuan)",
    "超期件": "Overdue cases",
    "代办件": "Proxy cases",
    "代办占比": "Proxy share",
    "未诉先办件": "Proactive cases",
    "未诉先办占比": "Proactive share",
    "派单至接单(小时)": "Dispatch to acceptance (hours)",
    "受理至办结(小时)": "Receipt to closure (hours)",
    "中位数": "Median",
    "P90": "P90",
    "数量": "Count",
    "占比": "Share",
    "月份": "Month",
    "上期": "Comparison period",
    "单位编码": "Unit code",
    "单位": "Unit",
    "变化": "Change",
    # the header of every page and the title lines of an XLSX download (dangqun.export.Heading)
    "数据截至 {date}": "Data as of {date}",
    "暂无数据": "no data",
    "地区：{value}": "Region: {value}",
    "统计周期：{value}": "Period: {value}",
    "数据截至：{value}": "Data as of: {value}",
    "导出时间：{at}　导出人：{user}": "Exported: {at} by {user}",
    # sidebar and navigation
    "市": "City",
    "县区": "County/district",
    "乡镇街道": "Town/subdistrict",
    "村社区": "Village/community",
    "全部": "All",
    "统计周期": "Period",
    "本月": "This month",
    "本季度": "This quarter",
    "本年": "This year",
    "近12个月": "Last 12 months",
    "自定义": "Custom",
    "开始日期": "Start date",
    "结束日期": "End date",
    "对比": "Compare with",
    "对比周期": "Comparison period",
    "对比开始日期": "Comparison start",
    "对比结束日期": "Comparison end",
    "对比期：{label}": "Compared with: {label}",
    "同比": "Same period last year",
    "环比": "Previous period",
    "无": "None",
    "事项大类": "Service category",
    "清除此筛选": "Clear this filter",
    "只筛选服务记录：投入、活动场次和中心数不随之变化": "Filters service records only: funds, activities and centers do not change with them",
    "筛选：{value}（只筛选服务记录）": "Filters: {value} (service records only)",
    "受理渠道": "Channel",
    "语言": "Language",
    "返回上一级": "Back up one level",
    "登录": "Log in",
    "退出登录": "Log out",
    "用户名": "User name",
    "密码": "Password",
    # messages
    "该范围内没有数据": "No data in this scope",
    "{name}：该范围内没有数据": "{name}: no data in this scope",
    "无回访数据": "No follow-up survey data",
    "无权查看该区域": "You are not allowed to view this region",
    "链接中的参数无效，已恢复默认: {detail}": "Invalid link parameter, defaults restored: {detail}",
    "下载 CSV": "Download CSV",
    "下载 Excel": "Download Excel",
    "数据共 {rows} 行，超过 Excel 单表上限 {limit} 行，请缩小范围或下载 CSV。":
        "The data has {rows} rows, more than Excel's limit of {limit} rows per sheet; "
        "narrow the selection or download CSV.",
    "共 {rows} 条，超过一次下载的上限 {limit} 条，请缩小时间或地区范围后再下载。":
        "{rows} rows, more than one download holds ({limit}); narrow the period or the region to download them.",
    "用户名或密码错误": "Wrong user name or password",
    "数据": "Data",
    # stored column headers (contract.py) not already above
    "受理编号": "Record ID",
    "中心编码": "Center code",
    "受理时间": "Received at",
    "诉求来源": "Origin",
    "事项编码": "Item code",
    "人群标签": "Group",
    "服务对象": "Resident",
    "联系电话": "Phone",
    "是否代办": "Proxy",
    "派单时间": "Dispatched at",
    "接单时间": "Accepted at",
    "回单时间": "Replied at",
    "承诺时限(工作日)": "Promised time (working days)",
    "办结时间": "Closed at",
    "办理状态": "Status",
    "承办人": "Handler",
    "是否纳入考核": "In assessment",
    "是否有效回访": "Valid follow-up",
    "是否联系": "Contacted",
    "是否解决": "Solved",
    "满意度": "Satisfaction",
    "评分": "Score",
    "不满意原因": "Reason for dissatisfaction",
    "诉求内容": "Request text",
    "答复意见": "Reply text",
    "中心名称": "Center",
    "区划代码": "Region code",
    "中心类型": "Center type",
    "上级中心编码": "Parent center code",
    "建设方式": "Construction",
    "建筑面积(㎡)": "Floor area (m²)",
    "投用日期": "Opened on",
    "党建品牌": "Party brand",
    "品牌类别": "Brand category",
    "功能型党支部数": "Functional Party branches",
    "志愿服务队数": "Volunteer teams",
    "专职人员数": "Full-time staff",
    "是否24小时AB岗": "24-hour A/B post",
    "项目编号": "Project ID",
    "年度": "Year",
    "资金来源": "Fund source",
    "来源部门": "Source department",
    "金额(万元)": "Amount (10k yuan)",
    "资金用途": "Purpose",
    "拨付日期": "Disbursed on",
    "活动编号": "Activity ID",
    "活动日期": "Activity date",
    "活动类型": "Activity type",
    "活动地点": "Venue",
    "参与人数": "Participants",
    "志愿者人数": "Volunteers",
    "志愿服务时长(小时)": "Volunteer hours",
    "区划名称": "Region",
    "层级": "Level",
    "上级区划代码": "Parent region code",
    "大类编码": "Category code",
    "大类名称": "Category",
    "事项名称": "Service item",
    "办理方式": "Handling mode",
    # values shown in filters and tables
    "是": "Yes",
    "否": "No",
}

# Each page keeps its own English strings in dangqun/i18n/<page>.py (a dict named EN), merged here,
# so pages grow their vocabulary without editing one shared file.
def _merge_page_catalogs() -> None:
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        EN.update(importlib.import_module(f"{__name__}.{info.name}").EN)


_merge_page_catalogs()
# every metric's label and card text is declared once, in the metric registry
EN.update(metric_registry.english())

# Computed columns of queries and metrics → their Chinese label (a key of EN).
COMPUTED_LABELS: dict[str, str] = {
    "town_name": "乡镇街道",
    "matching": "含话题词的件数",      # 热点诉求's trend (queries/topic_trend.sql)
    "texts": "有诉求内容的件数",
    "closed": "办结量",
    "on_time": "按期办结量",
    "closed_on_time": "按期办结量",
    "overdue": "超期件",
    "valid": "有效回访",
    "contacted": "已联系",
    "solved": "已解决",
    "satisfied": "满意",
    "basic": "基本满意",
    "dissatisfied": "不满意",
    "unsatisfied": "不满意",
    "satisfied_weighted": "满意折算数",
    "flagged_yellow": "黄榜",
    "rank": "排名",
    "prev_rank": "对比期排名",
    "rank_change": "名次变化",
    "tier": "评定",
    "total_wan": "投入总额(万元)",
    "period_wan": "本期分摊资金(万元)",
    "unit_cost_yuan": "单件成本(元/件)",
    "proxy_share": "代办占比",
    "proactive": "未诉先办件",
    "proactive_share": "未诉先办占比",
    "count": "数量",
    "share": "占比",
    "month": "月份",
    "year": "年度",
    "category_name": "大类名称",
    "unit_code": "单位编码",
    "unit_name": "单位",
    # 品牌矩阵 / 资金投入
    "costly_low_score": "高投入低成绩",
    "kind": "层级",
    # 服务办理 (workflow_durations, overdue_cases)
    "step": "办理环节",
    "median_hours": "中位用时(小时)",
    "p90_hours": "P90用时(小时)",
    "due_on": "截止日期",
    "workdays_overdue": "超期工作日",
    # 服务办理's 24 小时服务（AB岗） (ab_*.sql, views.services)
    "weekday": "星期",
    "hour": "受理时刻(时)",
    "ab_kind": "中心类别",
    "slot": "时段",
    "response_median_hours": "响应用时中位数(小时)",
    "response_mean_hours": "响应用时平均(小时)",
    "closing_median_hours": "办结用时中位数(小时)",
    "closing_mean_hours": "办结用时平均(小时)",
    "night": "夜间受理量",
    "holiday": "节假日受理量",
    "off_hours": "夜间或节假日受理量",
    "off_hours_share": "夜间或节假日占比",
    "remark": "备注",
    **metric_registry.labels(),     # every metric's column: its label in the metric registry
}


def _stored_headers() -> dict[str, str]:
    """English column name → Chinese header over every kind and dictionary of the contract
    (a name shared by several kinds, such as center_id, has the same header in each)."""
    headers: dict[str, str] = {}
    for kind in KINDS.values():
        for col in kind.columns:
            headers.setdefault(col.name, col.header)
    for extra in (REGION_HEADERS, CATALOG_HEADERS):
        for name, header in extra.items():
            headers.setdefault(name, header)
    return headers


STORED_HEADERS = _stored_headers()


def t(key: str, lang: str = "zh", **fmt) -> str:
    """The text of `key` in `lang`, with {placeholders} filled from fmt. Never raises: an unknown
    key is returned as it is, and a placeholder without a value is left in the text."""
    text = EN.get(key, key) if lang == "en" else key
    if fmt:
        try:
            text = text.format(**fmt)
        except (KeyError, IndexError, ValueError):
            pass
        if lang == "en":
            text = ONE.sub(lambda m: f"{m[1]}1 {SINGULAR[m[2]]}", text)
    return text


# English counts its nouns, Chinese does not: "{n} cases" would read "1 cases". The nouns the English strings
# count, each with its singular; a 1 standing alone before one of them takes the singular
SINGULAR = {"cases": "case", "alerts": "alert", "files": "file", "centers": "center", "units": "unit",
            "towns": "town", "towns/subdistricts": "town/subdistrict", "cities": "city", "counties": "county",
            "records": "record", "rows": "row", "days": "day", "working days": "working day",
            "brand communities": "brand community", "residents": "resident", "accounts": "account",
            "messages": "message", "topics": "topic", "projects": "project", "activities": "activity",
            "items": "item", "times": "time"}
ONE = re.compile(r"(^|[^\d.,])1 (" + "|".join(re.escape(w) for w in sorted(SINGULAR, key=len, reverse=True)) + r")\b")


def column_label(name: str, lang: str = "zh") -> str:
    """Header for a column: the metric label for computed columns, the contract's Chinese header
    for stored ones, else the name itself.

    Computed labels come first because contacted and solved are both stored 是/否 fields (是否联系)
    and the counts metrics.add_rates reads (已联系); "已联系" reads right over counts and over 是/否."""
    zh = COMPUTED_LABELS.get(name) or STORED_HEADERS.get(name)
    return t(zh, lang) if zh else name
