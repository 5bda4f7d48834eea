"""English strings of the 数据导入 page (app_pages/data_import.py, dangqun/views/data_import.py)."""
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
    "{message}：等待中…": "{message}: waiting…",
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
    # the mapping step (dangqun.ui.mapping_step)
    "无法识别该文件的表头。可在下面把它的列对应到数据规范（映射配置）：试运行无误后保存配置，再点「开始导入」按此配置导入。":
        "This file's headers are not recognised. Map its columns to the data contract below (a mapping profile): "
        "try it, save the profile, then press Import to import the file with it.",
    "文件类型": "File type",
    "列对应": "Columns",
    "每个数据规范的列选一个来源：文件表头、常量、推导（办理状态：所选表头有值即已办结）或无；日期列可填日期格式，如 %m/%d/%Y %I:%M:%S %p。":
        "Give each contract column one source: a file header, a constant, derived (status: closed where the chosen "
        "header has a value) or none; a date column may take a format such as %m/%d/%Y %I:%M:%S %p.",
    "必填": "Required",
    "来源": "Source",
    "文件表头": "File header",
    "常量": "Constant",
    "日期格式": "Date format",
    "值对应": "Values",
    "可选值列的每个不同的值（按行数排序）对应到规范值；「忽略该行」的行不导入，计入跳过。":
        "Map each distinct value of an enumerated column (commonest first) to a contract value; rows set to "
        "忽略该行 (skip the row) are not imported and are counted as skipped.",
    "源值": "Source value",
    "规范值": "Contract value",
    "逐列核对": "Check by column",
    "样本已按入库方式脱敏；可解析：非空单元格中能按该列类型读出（可选值列：已对应到规范值或忽略）的比例。":
        "Samples are masked as they would be stored; parse rate: the share of non-empty cells read as the "
        "column's type (enumerated columns: mapped to a contract value or skipped).",
    "试运行": "Try (dry run)",
    "映射已修改，请重新试运行。": "The mapping has changed: try it again.",
    "试运行结果（未写入）": "Dry run (nothing written)",
    "按此映射，文件将被拒绝；请修改后重新试运行。": "With this mapping the file would be rejected: change it and try again.",
    "配置名称（保存为 config/mappings/名称.toml）": "Profile name (saved as config/mappings/<name>.toml)",
    "保存映射配置": "Save profile",
    "已保存映射配置 {name}；点「开始导入」按此配置导入 {file}。":
        "Saved the mapping profile {name}; press Import to import {file} with it.",
    "按映射配置「{name}」导入": "Imported with the mapping profile “{name}”",
    "映射配置": "Mapping profile",
    "收件箱未启用（DANGQUN_INBOX_POLL=0）。": "The inbox is off (DANGQUN_INBOX_POLL=0).",
    "收件箱：{folder}（每 {poll} 秒检查一次，导入人记为收件箱，文件随后移到 done 或 rejected），当前待导入 {n} 个文件。":
        "Inbox: {folder} (looked into every {poll} s, recorded as imported by the inbox, files then moved to done "
        "or rejected); {n} files waiting now.",
}
