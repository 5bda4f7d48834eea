"""English strings of the 账号管理 page."""
EN = {
    "{name}（{display}）": "{name} ({display})",
    "账号管理": "Accounts",
    "新建的账号和重置的密码都是临时密码：本人下次登录时须先设置新密码。每次变更都记入审计日志。":
        "New accounts and reset passwords get a temporary password: its holder sets a new one at the next "
        "login. Every change is written to the audit log.",
    "账号": "Account",
    "账号列表": "Accounts",
    "共 {n} 个账号": "{n} accounts",
    "请选择": "Choose",
    "这是您自己的账号：不能停用，也不能取消管理员角色。":
        "This is your own account: you cannot disable it or remove its administrator role.",
    # the table
    "显示名称": "Display name",
    "角色": "Role",
    "查看范围": "Scope",
    "状态": "Status",
    "启用": "Active",
    "停用": "Disabled",
    "须修改密码": "Must change password",
    "演示账号": "demo account",
    "演示账号，仅演示数据库可用": "demo account, usable on the demo database only",
    "{status}（{note}）": "{status} ({note})",
    # 新建账号
    "新建账号": "New account",
    "登录名": "Login name",
    "字母、数字、点、下划线或连字符": "Letters, digits, dots, underscores or hyphens",
    "如：东港市委组织部": "e.g. Donggang Organisation Department",
    "没有可选的地区": "No region to choose",
    "初始密码": "Initial password",
    "再次输入初始密码": "Repeat the initial password",
    "密码规则：{rule}": "Password rule: {rule}",
    "至少 8 个字符，含大写字母、小写字母、数字、符号中的至少 3 类":
        "at least 8 characters, with at least 3 of: upper-case letters, lower-case letters, digits, symbols",
    "已新建账号 {name}（{role}，{scope}）。本人首次登录时须设置新密码。":
        "Account {name} created ({role}, {scope}). Its holder sets a new password at the first login.",
    # a chosen account
    "管理账号": "Manage an account",
    "**{name}** · {role} · {scope} · {status}": "**{name}** · {role} · {scope} · {status}",
    "停用 / 启用": "Disable / enable",
    "启用后，该账号可以重新登录。": "Once enabled, the account can log in again.",
    "启用账号": "Enable account",
    "停用后，该账号立即退出且不能登录；数据和审计记录都保留。":
        "A disabled account is logged out at once and cannot log in; its audit records are kept.",
    "停用账号": "Disable account",
    "已启用账号 {name}。": "Account {name} enabled.",
    "已停用账号 {name}。": "Account {name} disabled.",
    "重置密码": "Reset password",
    "临时密码": "Temporary password",
    "再次输入临时密码": "Repeat the temporary password",
    "已重置 {name} 的密码。本人下次登录时须设置新密码。":
        "The password of {name} was reset. Its holder sets a new one at the next login.",
    "修改角色与范围": "Change role and scope",
    "保存角色与范围": "Save role and scope",
    "角色与范围没有变化。": "Role and scope are unchanged.",
    "已将 {name} 改为{role}，查看范围 {scope}。": "{name} is now {role}, scope {scope}.",
    # refusals (dangqun.views.accounts, dangqun.auth)
    "不能停用自己的账号。请由另一位管理员操作。": "You cannot disable your own account. Ask another administrator.",
    "不能取消自己的管理员角色。请由另一位管理员操作。":
        "You cannot remove your own administrator role. Ask another administrator.",
    "请选择查看范围": "Choose a scope",
    "两次输入的密码不一致": "The two passwords differ",
    "用户名应为 1–32 个字母、数字、点、下划线或连字符":
        "A user name is 1–32 letters, digits, dots, underscores or hyphens",
}
