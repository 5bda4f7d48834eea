"""English strings of the 数据导入 page (pages/data_import.py, dangqun/views/data_import.py)."""
EN = {
    "数据导入": "Data import",
    "选择导出文件（CSV 或 Excel，可多选）": "Choose export files (CSV or Excel, several at once)",
    "支持服务记录、服务中心、资金投入、活动记录四类导出；按表头自动识别类型和编码（UTF-8、GBK），"
    "姓名和电话在入库前脱敏。":
        "Service records, centers, funds and activities exports are recognised by their headers and "
        "encoding (UTF-8, GBK); names and phones are masked before they are stored.",
    "文件预览": "File preview",
    "类型：{kind} · 编码：{encoding} · 前 {n} 行（个人信息已脱敏）":
        "Type: {kind} · encoding: {encoding} · first {n} rows (personal data masked)",
    "无法识别该文件，导入时将被拒绝。": "This file is not recognised and will be rejected on import.",
    "开始导入": "Import",
    "正在导入 {file}（{done}/{total}）": "Importing {file} ({done}/{total})",
    "导入完成": "Import finished",
    "导入结果": "Import results",
    "{file}：已拒绝，未导入任何数据。{message}": "{file}: rejected, nothing was imported. {message}",
    "{file}：问题行": "{file}: rows with problems",
    "{file}：被隔离的行": "{file}: quarantined rows",
    "隔离记录": "Quarantined rows",
    "注：{note}": "Note: {note}",
    "导入记录": "Import history",
    "还没有导入记录": "No imports yet",
    # table headers (dangqun.views.data_import)
    "文件": "File",
    "类型": "Type",
    "编码": "Encoding",
    "读取": "Read",
    "新增": "New",
    "更新": "Updated",
    "重复": "Duplicates",
    "隔离": "Quarantined",
    "时间": "Time",
    "说明": "Message",
    "导入人": "Imported by",
    "行": "Row",
    "列": "Column",
    "原因": "Reason",
    "原始内容": "Raw content",
    "已处理": "Processed",
    "已拒绝": "Rejected",
    # kinds (contract.KINDS labels)
    "服务记录": "Service records",
    "服务中心": "Service centers",
    "活动记录": "Activities",
    # 已载入的数据 (loaded_tables)
    "已载入的数据": "Data loaded",
    "数据表": "Table",
    "行数": "Rows",
    "起始日期": "First date",
    "区划": "Regions",
    "服务事项目录": "Service catalog",
}
