"""English strings of the login form and the account and scope messages."""
EN = {
    "登录": "Log in",
    "用户名": "User name",
    "密码": "Password",
    "退出": "Log out",
    "用户名或密码错误": "Wrong user name or password",
    "登录失败次数过多，请 15 分钟后再试": "Too many failed logins; try again in 15 minutes",
    "长时间未操作，已自动退出，请重新登录": "You were logged out after 30 minutes without activity; please log in again",
    "账号已停用，请联系管理员": "This account is disabled; ask an administrator",
    "已退出登录": "You are logged out",
    "还没有可用的账号。请在服务器上创建第一个管理员账号：":
        "There is no usable account yet. Create the first administrator on the server:",
    "账号文件：{path}（可用环境变量 DANGQUN_USERS 指定）": "Accounts file: {path} (set DANGQUN_USERS to use another)",
    "演示数据库：运行 python -m dangqun demo 生成演示账号（见 README）":
        "Demo database: run python -m dangqun demo to create the demo accounts (see README)",
    "这是演示数据库：演示账号见 README。": "This is the demo database: the demo accounts are listed in the README.",
    "无权使用该页面": "You are not allowed to use this page",
    "返回本辖区": "Back to my region",
    "管理员": "Administrator",
    "市级": "City",
    "县级": "County",
    # the password an administrator set must be replaced at the next login (ui.login._change_password)
    "请设置新密码": "Choose a new password",
    "管理员为您重置了密码。继续使用前请设置只有您知道的新密码：{rule}":
        "An administrator set your password. Before you go on, choose a new one that only you know: {rule}",
    "至少 8 个字符，含大写字母、小写字母、数字、符号中的至少 3 类":
        "at least 8 characters, from at least 3 of: capital letters, small letters, digits, symbols",
    "新密码": "New password",
    "再次输入新密码": "New password again",
    "保存新密码": "Save the new password",
    "两次输入的密码不一致": "The two passwords differ",
}
