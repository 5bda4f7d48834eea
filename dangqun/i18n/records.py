"""English strings of the 明细查询 page (app_pages/records.py)."""
EN = {
    "明细查询": "Record search",
    "共 {n} 条": "{n} records",
    "第 {page} / {pages} 页": "Page {page} of {pages}",
    "每页条数": "Rows per page",
    "页码": "Page",
    "受理编号（开头）": "Record ID (starts with)",
    "事项（编码或名称）": "Service item (code or name)",
    "只看中心：{name}": "Showing one center only: {name}",
    "查看全部中心": "Show all centers",
    "服务记录明细": "Service records",
    "下载全部 {n} 条筛选结果（不只本页）": "Downloads hold all {n} matching records, not only this page",
    # table headers (dangqun.views.records.COLUMNS)
    "中心": "Center",
    "事项": "Service item",
    "大类": "Category",
    "渠道": "Channel",
    "人群": "Group",
    "状态": "Status",
    "没有符合搜索条件的记录": "No record matches the search",
}
