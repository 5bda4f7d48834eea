"""`python -m dangqun …`: the command line of DESIGN §8."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dangqun import db

DEFAULT_SEED = 20221231


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dangqun", description="党群服务数据看板 命令行")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="生成演示数据库 / build the demo database")
    p.add_argument("--db", help="数据库文件路径（默认 $DANGQUN_DB 或 data/dangqun.duckdb）")
    p.add_argument("--records", type=int, default=None, help="服务记录条数（基准测试用）")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子")
    p.add_argument("--if-absent", action="store_true", help="数据库已存在时不重建")

    p = sub.add_parser("samples", help="由演示数据库生成 sample_data/ 示例文件 / write the example exports")
    p.add_argument("--db", help="数据库文件路径（默认 $DANGQUN_DB 或 data/dangqun.duckdb）")
    p.add_argument("--out", default=None, help="输出目录（默认 sample_data）")

    p = sub.add_parser("init", help="新建数据库并载入区划与服务事项目录 / new database with the dictionaries")
    p.add_argument("--db", help="数据库文件路径（默认 $DANGQUN_DB 或 data/dangqun.duckdb）")

    p = sub.add_parser("import", help="导入导出文件 / import export files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--db")
    p.add_argument("--kind", choices=["service_records", "centers", "funds", "activities"],
                   help="文件类型（默认按表头识别）")
    p.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    p.add_argument("--mapping", metavar="P.toml", help="映射配置：把其他平台的导出按此配置转换后导入")
    p.add_argument("--dry-run", action="store_true", help="只检查不写入：各列解析率、未映射的值及其行数")

    p = sub.add_parser("map", help="为其他平台的导出起草映射配置 / draft a mapping profile")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--kind", choices=["service_records", "centers", "funds", "activities"], default="service_records")
    p.add_argument("--out", required=True, metavar="P.toml", help="草稿写入的文件")

    for name, label in (("regions", "区划字典"), ("catalog", "服务事项目录")):
        p = sub.add_parser(name, help=f"{label} / {name} dictionary")
        q = p.add_subparsers(dest="dict_command", required=True).add_parser("import", help=f"导入{label}")
        q.add_argument("files", nargs="*", metavar="FILE",
                       help="文件（表头同 sample_data 中的字典）" + ("；省略时载入随附的全国区划（到乡镇街道）"
                                                                   if name == "regions" else ""))
        q.add_argument("--db")

    p = sub.add_parser("boundaries", help="地图边界 / map boundaries")
    q = p.add_subparsers(dest="boundaries_command", required=True).add_parser(
        "import", help="导入本部门的乡镇街道或县区边界（GeoJSON，经纬度）")
    q.add_argument("file", metavar="FILE", help="GeoJSON 文件：每个要素一个区划，属性「区划代码」（或 code、adcode）")
    q.add_argument("--level", required=True, choices=["town", "county"], help="town 乡镇街道 / county 县区")
    q.add_argument("--db")

    _user_parser(sub)

    p = sub.add_parser("alerts", help="预警清单（供定时任务使用） / the month's alerts")
    p.add_argument("--db")
    p.add_argument("--region", default=None, help="区划代码（6 或 12 位；默认账号的范围或全省）")
    p.add_argument("--period", default=None, metavar="YYYY-MM", help="预警月份（默认数据中最新的月份）")
    p.add_argument("--user", default=None, help="按此账号的查看范围计算（如县级账号只看本县）；默认为运维人员（全省）")
    p.add_argument("--users", default=None, help="账号文件（默认 $DANGQUN_USERS 或 config/users.toml）")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    p = sub.add_parser("report", help="生成通报（Word / PDF）/ write the 通报")
    p.add_argument("--region", required=True, help="县（市、区）、市或省的区划代码（6 位或 12 位）")
    p.add_argument("--period", required=True, help="2022-12（月）、2022Q4（季度）或 2022（年）")
    p.add_argument("--compare", choices=["yoy", "mom", "none"], default="yoy", help="同比（默认）、环比或不对比")
    p.add_argument("--format", choices=["docx", "pdf"], default="docx")
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument("--user", help="以此账号的查看范围生成（县级账号只能生成本县的通报）；省略时按运维人员（全部数据）")
    p.add_argument("--no-charts", action="store_true", help="不插入图表图片（本机没有 Chromium 时）")
    p.add_argument("--db")

    p = sub.add_parser("bench", help="基准测试 / benchmarks")
    p.add_argument("what", nargs="?", choices=["pages", "import", "report"], default="pages",
                   help="pages：各页面响应时间（默认）；import：导入速度；report：生成一份县级月度通报（Word、PDF）的耗时")
    p.add_argument("--rows", type=int, default=1_000_000, help="import：CSV 行数")
    p.add_argument("--xlsx-rows", type=int, default=100_000, help="import：XLSX 行数")
    p.add_argument("--records", type=int, default=None, help="只测这一规模（默认 100 万、500 万、2000 万条）")
    p.add_argument("--json", action="store_true", help="每个规模输出一行 JSON")
    p.add_argument("--sessions", type=int, default=0, help="并发会话数（如 20）：并发与导入中读取的测试")
    p.add_argument("--seconds", type=float, default=60, help="并发测试时长（秒）")
    p.add_argument("--rounds", type=int, default=3, help="每页筛选序列重复的轮数")
    p.add_argument("--pages", nargs="+", default=None, help="只测这些页面脚本（如 app.py pages/funds.py）")
    p.add_argument("--import-rows", type=int, default=1_000_000, help="同时测导入速度的 CSV 行数（0 不测）")
    p.add_argument("--mapped", action="store_true", help="import：比较经映射配置导入与数据规范格式导入的耗时")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "init":
            return _init(args)
        if args.command == "import":
            return _import(args)
        if args.command == "map":
            return _map(args)
        if args.command in ("regions", "catalog"):
            return _dictionary(args)
        if args.command == "boundaries":
            return _boundaries(args)
        if args.command == "user":
            return _user(args)
        if args.command == "samples":
            return _samples(args)
        if args.command == "alerts":
            return _alerts(args)
        if args.command == "report":
            return _report(args)
        if args.command == "bench":
            if args.what == "import" and args.mapped:
                from dangqun.bench import mapped

                return mapped.run(rows=args.rows)
            if args.what == "report":
                from dangqun.bench import report as report_bench

                return report_bench.run(records=args.records or 20_000_000, rounds=args.rounds, as_json=args.json)
            if args.what == "import":
                from dangqun.bench import imports

                return imports.run_import_bench(rows=args.rows, xlsx_rows=args.xlsx_rows)
            from dangqun.bench import pages, run

            return run.main(records=args.records, as_json=args.json, sessions=args.sessions,
                            rounds=args.rounds, pages=args.pages or pages.PAGE_FILES,
                            import_rows=args.import_rows, seconds=args.seconds)
    except db.DatabaseLocked as exc:
        if args.command != "import":
            print(exc, file=sys.stderr)
        else:
            from dangqun import inbox

            folder = inbox.directory(args.db)
            print(f"数据库文件 {db.resolve_path(args.db)} 正被另一个进程（通常是正在运行的看板）占用，未导入。"
                  f"看板运行时请把文件放进收件箱 {folder}：看板定时检查并导入，结果见「数据导入」页的导入记录"
                  f"（导入人为收件箱），文件随后移到 {folder / inbox.DONE} 或 {folder / inbox.REJECTED}。"
                  f" / The database file {db.resolve_path(args.db)} is locked by another process (usually the running "
                  f"dashboard): drop the file into its inbox {folder} instead.",
                  file=sys.stderr)
        return 3
    return 1


def _demo(args) -> int:
    from dangqun import demo

    path = db.resolve_path(args.db)
    if args.if_absent and path.exists():
        print(f"演示数据库已存在：{path}")
        return 0
    summary = demo.build(path, records=args.records, seed=args.seed)
    print(f"已生成演示数据库：{path}")
    for table, count in summary.items():
        print(f"  {table}: {count:,}")
    _demo_accounts()
    return 0


def _report(args) -> int:
    """Exit 0 written; 2 refused (bad period or region, outside the account's scope: nothing written)."""
    from dangqun import alerts, audit, auth, gbt9704
    from dangqun.views import report

    user, scope = audit.cli_user(), None
    if args.user:
        acc = auth.load_accounts().get(args.user)
        if acc is None or acc.disabled:
            print(f"没有可用的账号：{args.user}", file=sys.stderr)
            return 2
        user, scope = acc.name, acc.scope
    # opened for writing: every generation, refused or not, is written to the audit log (while the
    # dashboard holds the database this exits 3, as import does)
    with db.opened(args.db) as con:
        target = f"{args.region} {args.period}"
        try:
            region = report.check_region(args.region, scope)
            rp = report.parse_period(args.period)
            names = db.run(con, "region_options", {}, scope=scope)
            name = dict(zip(names.region_code, names.region_name)).get(region)
            if name is None:
                raise report.ReportError(f"该区域没有服务中心：{region}")
        except report.ReportError as exc:
            audit.record(con, user, "report", target=target, detail=f"{args.format} · {exc}", result="refused")
            print(exc, file=sys.stderr)
            return 2
        rep = report.build(lambda q, params: db.run(con, q, params, scope=scope), region, name, rp, args.compare,
                           store=lambda period: alerts.ensure(con, period))
        data = gbt9704.render(rep, args.format, charts=not args.no_charts)
        Path(args.out).write_bytes(data)
        audit.record(con, user, "report", target=target, detail=f"{args.format} · {len(data)} 字节 · {args.out}")
    print(f"已生成通报：{args.out}（{rep.title}）")
    return 0


def _demo_accounts() -> None:
    # in the accounts file, not in demo.build: building a demo database (as the tests do) must not
    # touch the operator's accounts; they log in only while the database is the demo (auth.usable)
    from dangqun import auth

    names = auth.add_demo_accounts()
    print(f"演示账号（密码 {auth.DEMO_PASSWORD}，仅在演示数据库上可用）写入 {auth.users_path()}：{', '.join(names) or '无'}")


def _samples(args) -> int:
    from dangqun import samples

    for name, rows in samples.write_sample_data(db.resolve_path(args.db), args.out).items():
        print(f"  {name}: {rows:,}")
    return 0


def _init(args) -> int:
    from dangqun import dictionaries

    with db.opened(args.db) as con:
        counts = dictionaries.load(con)
    print(f"已载入字典：区划 {counts['regions']:,} 条，服务事项 {counts['catalog']:,} 项 → {db.resolve_path(args.db)}")
    return 0


def _import(args) -> int:
    from dangqun import ingest

    from dangqun import audit

    if args.dry_run:
        return _dry_run(args)
    # the command line runs on the server under an operator's own login: it imports as an
    # administrator (the dashboard's import page is for administrators only too)
    with db.opened(args.db) as con:
        reports = ingest.import_files(con, args.files, kind=args.kind, db_path=db.resolve_path(args.db),
                                      mapping=args.mapping)
        for report in reports:
            audit.record_import(con, audit.cli_user(), report)
    for report in reports:
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(report.summary_zh())
    return 2 if any(r.rejected for r in reports) else 0


def _dry_run(args) -> int:
    """`import --dry-run`: what the import would do, on a read-only database; nothing is written."""
    import duckdb

    from dangqun import ingest, privacy

    path = db.resolve_path(args.db)
    # read-only when the database exists (the running dashboard may hold it); the checks only read it
    con = db.connect(path, read_only=True) if path.exists() else duckdb.connect()
    try:
        if not path.exists():
            db.ensure_schema(con)
        privacy.install_macros(con, temp=True)
        con.execute("set enable_progress_bar = false")
        code = 0
        for f in args.files:
            r = ingest.import_file(con, f, kind=args.kind, salt="dry-run", mapping=args.mapping, dry_run=True)
            code = max(code, 2 if r.rejected else 0)
            if args.json:
                print(json.dumps(r.to_json(), ensure_ascii=False))
                continue
            print("\n".join(r.dry_run_zh()))
        return code
    finally:
        con.close()


def _map(args) -> int:
    import duckdb

    from dangqun.ingest import mapping, read

    try:
        sheet = read.read_any(args.file)
    except read.Rejected as exc:
        print(f"✗ {args.file}：{exc}", file=sys.stderr)
        return 2
    from pathlib import Path

    text = mapping.draft(duckdb.connect(), sheet, args.kind, file_name=Path(args.file).name)
    Path(args.out).write_text(text, encoding="utf-8")
    todo = text.count('"TODO"')
    print(f"已写入映射配置草稿 {args.out}：{todo} 处 TODO 待填写" + ("" if todo else "，可直接试运行")
          + f"；填好后先试运行：python -m dangqun import {args.file} --mapping {args.out} --dry-run")
    return 0


def _dictionary(args) -> int:
    from dangqun import audit, dictionaries

    with db.opened(args.db) as con:
        if args.command == "regions" and not args.files:
            counts = dictionaries.load(con, national=dictionaries.NATIONAL, directory=None)
            print(f"已载入全国区划（到乡镇街道）：区划表共 {counts['regions']:,} 条 → {db.resolve_path(args.db)}")
            return 0
        reports = [dictionaries.import_dictionary(con, args.command, f) for f in args.files]
        for r in reports:
            audit.record_import(con, audit.cli_user(), r)
    for r in reports:
        print(r.summary_zh())
    return 2 if any(r.rejected for r in reports) else 0


def _boundaries(args) -> int:
    """`boundaries import FILE --level town|county`: 0 imported, 2 refused (the database unchanged)."""
    from dangqun import audit, boundaries

    with db.opened(args.db) as con:
        try:
            result = boundaries.import_file(con, args.file, args.level, audit.cli_user())
        except boundaries.BoundaryFileError as exc:
            print(f"{exc}\n边界文件未导入，数据库未改变。", file=sys.stderr)
            return 2
    print(result.message, file=sys.stderr if result.rejected else sys.stdout)
    return 2 if result.rejected else 0


# ── accounts (`user …`) ──────────────────────────────────────────────────────────────────────

def _user_parser(sub) -> None:
    p = sub.add_parser("user", help="账号管理 / accounts")
    users = p.add_subparsers(dest="user_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--users", help="账号文件（默认 $DANGQUN_USERS 或 config/users.toml）")
    common.add_argument("--db", help="数据库文件路径（审计日志写入其中）")
    q = users.add_parser("add", parents=[common], help="新建账号")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=["admin", "city", "county", "town"])
    q.add_argument("--region", required=True, help="区划代码（12 位，市县可用 6 位）：账号的查看范围")
    q.add_argument("--display-name", default="", help="显示名称")
    q.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    users.add_parser("list", parents=[common], help="列出账号")
    q = users.add_parser("disable", parents=[common], help="停用账号")
    q.add_argument("name")
    q = users.add_parser("enable", parents=[common], help="重新启用账号")
    q.add_argument("name")
    q = users.add_parser("passwd", parents=[common], help="修改密码")
    q.add_argument("name")
    q.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("密码: ")
    if first != getpass.getpass("再次输入密码: "):
        from dangqun.auth import AccountError

        raise AccountError("两次输入的密码不一致")
    return first


def _alerts(args) -> int:
    """Exit 0 with the list (possibly empty); 2 when the region, month or account is refused."""
    import pandas as pd

    from dangqun import alerts, auth, regions

    scope = None
    if args.user:
        acc = auth.load_accounts(args.users).get(args.user)
        if acc is None or acc.disabled:
            print(f"未输出：账号 {args.user} 不存在或已停用", file=sys.stderr)
            return 2
        scope = acc.scope
    try:
        region = regions.normalise_code(args.region or scope or regions.PROVINCE)
        if args.period:
            alerts.parse_period(args.period)
    except (regions.BadRegionCode, alerts.BadPeriod) as exc:
        print(f"未输出：{exc}", file=sys.stderr)
        return 2
    if scope is not None and not regions.contains(scope, region):
        print(f"未输出：账号 {args.user} 无权查看区划 {region}（其范围为 {scope}）", file=sys.stderr)
        return 2
    with db.opened(args.db) as con:
        known = con.execute("select region_name from regions where region_code = $c", {"c": region}).fetchone()
        if known is None:
            print(f"未输出：区划字典中没有 {region}", file=sys.stderr)
            return 2
        last = db.run(con, "data_span", {}, scope=scope)["last_day"].iloc[0]
        period = args.period or (alerts.period_of(last) if pd.notna(last) else None)
        if period is None:
            print("未输出：该范围内没有服务记录", file=sys.stderr)
            return 2
        found = alerts.run_all(con, region, period, scope)
    columns = [c for c in alerts.COLUMNS if c not in ("drill_page", "drill_region", "drill_item")]
    rows = found[columns + ["status", "note", "updated_by"]].astype(object).where(found.notna(), None)
    if args.json:
        print(json.dumps({"region": region, "region_name": known[0], "period": period,
                          "counts": {rule: int((found["rule"] == rule).sum()) for rule in alerts.RULES},
                          "alerts": rows.to_dict("records")}, ensure_ascii=False))
    else:
        print(f"{known[0]} {period}：{len(found)} 条预警")
        for r in rows.itertuples(index=False):
            print(f"[{r.severity}] {r.rule_name}\t{r.unit_name}\t{r.explanation}\t{r.status}")
    return 0


def _user(args) -> int:
    from dangqun import audit, auth

    accounts = auth.load_accounts(args.users)
    if args.user_command == "list":
        for acc in accounts.values():
            state = "停用" if acc.disabled else ("演示" if acc.demo else "启用")
            print(f"{acc.name}\t{acc.display_name}\t{acc.role}\t{acc.region}\t{state}")
        return 0
    # every change is audited: open the database first, so a locked one refuses before any change
    with db.opened(args.db) as con:
        try:
            if args.user_command == "add":
                acc = auth.add_account(accounts, args.name, args.role, args.region,
                                       _read_password(args.password_stdin), args.display_name)
                detail = f"新建 role={acc.role} region={acc.region}"
            elif args.user_command == "passwd":
                auth.change(accounts, args.name, password_hash=auth.hash_password(_read_password(args.password_stdin)),
                            demo=False)
                detail = "修改密码"
            else:
                auth.change(accounts, args.name, disabled=args.user_command == "disable")
                detail = "停用" if args.user_command == "disable" else "启用"
        except auth.AccountError as exc:
            print(f"未修改：{exc}", file=sys.stderr)
            return 2
        auth.save_accounts(accounts, args.users)
        audit.record(con, audit.cli_user(), "account", target=args.name, detail=detail)
    print(f"账号 {args.name}：{detail}（{auth.users_path(args.users)}）")
    return 0
