"""English strings of the 审计日志 page."""
EN = {
    "审计日志": "Audit log",
    "审计日志只增不删，保存不少于 180 天。时间为服务器本地时间。":
        "The audit log is only ever appended to and kept at least 180 days. Times are the server's local time.",
    "用户": "User",
    "操作": "Action",
    "对象": "Target",
    "详情": "Details",
    "结果": "Result",
    "登录成功": "Login",
    "登录失败": "Failed login",
    "账号锁定": "Lockout",
    "退出登录": "Logout",
    "查看页面": "Page view",
    "下载": "Download",
    "生成通报": "Report generated",
    "导入": "Import",
    "账号变更": "Account change",
}
