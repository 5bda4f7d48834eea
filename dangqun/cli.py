"""`python -m dangqun …`: the command line (README 命令行)."""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from pathlib import Path

from dangqun import db, publish

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
    p.add_argument("--wait", type=float, default=None, metavar="SECONDS",
                   help="另一个导入正在进行时最多等待的秒数，超时退出码 3（默认一直等）")

    p = sub.add_parser("import-job", help=argparse.SUPPRESS)   # the 数据导入 page's import: JSON in, JSON lines out
    p.add_argument("--db")

    p = sub.add_parser("inbox", help="导入收件箱中等待的文件 / import the files waiting in the inbox")
    p.add_argument("--db")
    p.add_argument("--once", action="store_true", help="只检查一次（看板进程定时这样调用）")
    p.add_argument("--file", metavar="NAME", help="只导入收件箱中的这一个文件（看板进程逐个文件这样调用）")

    p = sub.add_parser("serve", help="多个进程在一个端口上提供看板（HAProxy） / several server processes behind one port")
    p.add_argument("--workers", type=int, default=2, help="Streamlit 进程数（默认 2，约每核一个）")
    p.add_argument("--port", type=int, default=8501, help="看板的端口（默认 8501）")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，由 nginx 对外提供 HTTPS）")
    p.add_argument("--worker-port", type=int, default=None, help="各进程的本机端口从这里起（默认 --port 加 1）")
    p.add_argument("--db")

    p = sub.add_parser("backup", help="备份：当前发布版本的数据库与操作库 / back up while the dashboard runs")
    p.add_argument("--out", required=True, metavar="DIR", help="备份目录（新建）")
    p.add_argument("--db")

    p = sub.add_parser("restore", help="由备份恢复（数据库与操作库） / restore a backup")
    p.add_argument("backup", metavar="DIR")
    p.add_argument("--db")
    p.add_argument("--force", action="store_true", help="目标已有数据时仍覆盖")

    p = sub.add_parser("import", help="导入导出文件 / import export files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--db")
    p.add_argument("--kind", choices=["service_records", "centers", "funds", "activities"],
                   help="文件类型（默认按表头识别）")
    p.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    p.add_argument("--mapping", metavar="P.toml", help="映射配置：把其他平台的导出按此配置转换后导入")
    p.add_argument("--dry-run", action="store_true", help="只检查不写入：各列解析率、未映射的值及其行数")
    p.add_argument("--user", default=None, help=argparse.SUPPRESS)   # the 数据导入 page's account (import_job)
    p.add_argument("--wait", type=float, default=None, metavar="SECONDS",
                   help="另一个导入正在进行时最多等待的秒数，超时退出码 3（默认一直等）")

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
        q.add_argument("--wait", type=float, default=None, metavar="SECONDS", help="等待另一个导入的最长秒数")

    p = sub.add_parser("boundaries", help="地图边界 / map boundaries")
    q = p.add_subparsers(dest="boundaries_command", required=True).add_parser(
        "import", help="导入本部门的乡镇街道或县区边界（GeoJSON，经纬度）")
    q.add_argument("file", metavar="FILE", help="GeoJSON 文件：每个要素一个区划，属性「区划代码」（或 code、adcode）")
    q.add_argument("--level", required=True, choices=["town", "county"], help="town 乡镇街道 / county 县区")
    q.add_argument("--db")
    q.add_argument("--wait", type=float, default=None, metavar="SECONDS", help="等待另一个导入的最长秒数")

    _user_parser(sub)

    _month_parser(sub, "alerts", "预警清单（供定时任务使用） / the month's alerts", "输出一个 JSON 对象")
    _month_parser(sub, "topics", "热点话题（诉求内容中说同一件事的诉求） / the month's topics of 诉求内容",
                  "输出一个 JSON 数组，最大的话题在前")

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
    p.add_argument("what", nargs="?", choices=["pages", "import", "report", "load"], default="pages",
                   help="pages：各页面响应时间（默认）；import：导入速度；report：生成一份县级月度通报（Word、PDF）的耗时；"
                        "load：多名官员同时使用（dangqun serve 的多个进程）")
    p.add_argument("--users", default="50", help="load：模拟官员数，可写多个（50,100,150）")
    p.add_argument("--think", type=float, default=10.0, help="load：两次操作之间的平均思考时间（秒，指数分布）")
    p.add_argument("--minutes", type=float, default=5.0, help="load：每一轮的时长（分钟）")
    p.add_argument("--workers", default="1,2", help="load：进程数，可写多个（1,2）")
    p.add_argument("--browsers", type=int, default=3, help="load：同时用 Chromium 点击的官员数")
    p.add_argument("--rows", type=int, default=1_000_000, help="import：CSV 行数")
    p.add_argument("--xlsx-rows", type=int, default=100_000, help="import：XLSX 行数")
    p.add_argument("--records", type=int, default=None,
                   help="只测这一规模（默认 100 万、500 万、2000 万条）；import：导入到这一规模的数据库并计到新版本被读到为止")
    p.add_argument("--json", action="store_true", help="每个规模输出一行 JSON")
    p.add_argument("--sessions", type=int, default=0, help="并发会话数（如 20）：并发与导入中读取的测试")
    p.add_argument("--seconds", type=float, default=60, help="并发测试时长（秒）")
    p.add_argument("--rounds", type=int, default=3, help="每页筛选序列重复的轮数")
    p.add_argument("--pages", nargs="+", default=None, help="只测这些页面脚本（如 app_pages/overview.py app_pages/funds.py）")
    p.add_argument("--import-rows", type=int, default=1_000_000, help="同时测导入速度的 CSV 行数（0 不测）")
    p.add_argument("--mapped", action="store_true", help="import：比较经映射配置导入与数据规范格式导入的耗时")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    # the command line says in its own lines what went wrong; the library's log (a reader's crash, a parser's
    # traceback) is for a server's log, not for the operator's terminal
    logging.getLogger("dangqun").addHandler(logging.NullHandler())
    logging.getLogger("dangqun").propagate = False
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "init":
            return _init(args)
        if args.command == "import":
            return _import(args)
        if args.command == "import-job":
            return _import_job(args)
        if args.command == "inbox":
            return _inbox(args)
        if args.command == "serve":
            from dangqun import supervisor

            try:
                return supervisor.Supervisor(args.workers, args.host, args.port, args.worker_port, args.db).run()
            except supervisor.ServeError as exc:
                print(f"未启动：{exc}", file=sys.stderr)
                return 2
        if args.command in ("backup", "restore"):
            from dangqun import backup

            return backup.main(args)
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
        if args.command == "topics":
            return _topics(args)
        if args.command == "report":
            return _report(args)
        if args.command == "bench":
            if args.what == "import" and args.mapped:
                from dangqun.bench import mapped

                return mapped.run(rows=args.rows)
            if args.what == "load":
                from dangqun.bench import load

                return load.main([int(u) for u in args.users.split(",")], args.think, args.minutes,
                                 [int(w) for w in args.workers.split(",")], args.records or 20_000_000,
                                 args.browsers, args.json)
            if args.what == "report":
                from dangqun.bench import report as report_bench

                return report_bench.run(records=args.records or 20_000_000, rounds=args.rounds, as_json=args.json)
            if args.what == "import":
                from dangqun.bench import imports

                return imports.run_import_bench(rows=args.rows, xlsx_rows=args.xlsx_rows, records=args.records)
            from dangqun.bench import pages, run

            return run.main(records=args.records, as_json=args.json, sessions=args.sessions,
                            rounds=args.rounds, pages=args.pages or pages.PAGE_FILES,
                            import_rows=args.import_rows, seconds=args.seconds)
    except (db.DatabaseLocked, publish.Busy) as exc:
        print(f"未执行：{exc}", file=sys.stderr)
        return 3
    except publish.PublishFailed as exc:
        print(str(exc), file=sys.stderr)
        return 4
    except Exception as exc:  # noqa: BLE001 - an operator gets one line; the traceback goes to the log file
        log_file = _log_traceback(args)
        print(f"出现意外错误（{type(exc).__name__}），命令未完成；详情已写入 {log_file}", file=sys.stderr)
        return 1
    return 1


def _log_traceback(args) -> Path:
    """The traceback of a failed command, appended to logs/dangqun-cli.log beside the database (0600)."""
    import datetime as dt
    import traceback

    folder = db.resolve_path(getattr(args, "db", None)).parent / "logs"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "dangqun-cli.log"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(f"── {dt.datetime.now():%Y-%m-%d %H:%M:%S} {' '.join(sys.argv[1:])[:500]}\n{traceback.format_exc()}\n")
    return path


def _importing(args, what: str):
    """The working copy under the importer's lock (dangqun.publish), published at the end; while another
    import holds it, says who and waits (`--wait` seconds at most, then publish.Busy: exit 3)."""
    from dangqun import audit

    def _told(info):
        print(f"{publish.busy_message(info)}：等待中…", file=sys.stderr, flush=True)

    return publish.importing(args.db, who=f"{audit.cli_user()} · {what}", wait=getattr(args, "wait", None),
                             on_wait=_told)


def _store(args):
    from dangqun import state

    return state.open_store(db_path=args.db)


def _demo(args) -> int:
    from dangqun import demo

    path = db.resolve_path(args.db)
    if args.if_absent and path.exists():
        print(f"演示数据库已存在：{path}")
        return 0
    with publish.locked(path, who="演示数据库"):
        summary = demo.build(path, records=args.records, seed=args.seed)
        publish.publish(path)
    print(f"已生成演示数据库：{path}")
    for table, count in summary.items():
        print(f"  {table}: {count:,}")
    _demo_accounts(args)
    return 0


def _report(args) -> int:
    """Exit 0 written; 2 refused (bad period or region, outside the account's scope: nothing written)."""
    from dangqun import alerts, audit, auth, gbt9704
    from dangqun.views import report

    user, scope = audit.cli_user(), None
    if args.user:
        acc = auth.get_account(_store(args), args.user)
        if acc is None or acc.disabled:
            print(f"没有可用的账号：{args.user}", file=sys.stderr)
            return 2
        user, scope = acc.name, acc.scope
    # the published version, read-only (the dashboard may be running); every generation, refused or not,
    # is written to the audit log of the operational store
    store = _store(args)
    with _published(args) as con:
        target = f"{args.region} {args.period}"
        try:
            region = report.check_region(args.region, scope)
            rp = report.parse_period(args.period)
            names = db.run(con, "region_options", {}, scope=scope)
            name = dict(zip(names.region_code, names.region_name)).get(region)
            if name is None:
                raise report.ReportError(f"该区域没有服务中心：{region}")
        except report.ReportError as exc:
            audit.record(store, user, "report", target=target, detail=f"{args.format} · {exc}", result="refused")
            print(exc, file=sys.stderr)
            return 2
        rep = report.build(lambda q, params: db.run(con, q, params, scope=scope), region, name, rp, args.compare,
                           store=lambda period: alerts.ensure(con, period))
        data = gbt9704.render(rep, args.format, charts=not args.no_charts)
        Path(args.out).write_bytes(data)
        audit.record(store, user, "report", target=target, detail=f"{args.format} · {len(data)} 字节 · {args.out}")
    print(f"已生成通报：{args.out}（{rep.title}）")
    return 0


def _demo_accounts(args) -> None:
    # in the operational store, not in demo.build: building a demo database (as the tests do) must not
    # touch the operator's accounts; they log in only while the database is the demo (auth.usable)
    from dangqun import auth

    store = _store(args)
    names = auth.add_demo_accounts(store)
    print(f"演示账号（密码 {auth.DEMO_PASSWORD}，仅在演示数据库上可用）写入 {store!r}：{', '.join(names) or '无'}")


@contextlib.contextmanager
def _published(args):
    """The current published version, read-only (published first when there is none yet)."""
    version = publish.prepare(args.db)
    if version is None:
        raise FileNotFoundError(f"没有数据库：{db.resolve_path(args.db)}")
    reader = db.Reader(version)
    try:
        yield reader
    finally:
        reader.close()


def _samples(args) -> int:
    from dangqun import samples

    for name, rows in samples.write_sample_data(db.resolve_path(args.db), args.out).items():
        print(f"  {name}: {rows:,}")
    return 0


def _init(args) -> int:
    from dangqun import dictionaries

    with _importing(args, "init") as con:
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
    store = _store(args)
    with _importing(args, "import " + " ".join(Path(f).name for f in args.files)[:120]) as con:
        reports = ingest.import_files(con, args.files, kind=args.kind, db_path=db.resolve_path(args.db),
                                      mapping=args.mapping)
        for report in reports:
            audit.record_import(store, audit.cli_user(), report)
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

    from dangqun.ingest import mapping, read, sandbox

    try:
        sheet = sandbox.read_any(args.file)
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

    store = _store(args)
    with _importing(args, f"{args.command} import") as con:
        if args.command == "regions" and not args.files:
            counts = dictionaries.load(con, national=dictionaries.NATIONAL, directory=None)
            print(f"已载入全国区划（到乡镇街道）：区划表共 {counts['regions']:,} 条 → {db.resolve_path(args.db)}")
            return 0
        reports = [dictionaries.import_dictionary(con, args.command, f) for f in args.files]
        for r in reports:
            audit.record_import(store, audit.cli_user(), r)
    for r in reports:
        print(r.summary_zh())
    return 2 if any(r.rejected for r in reports) else 0


def _boundaries(args) -> int:
    """`boundaries import FILE --level town|county`: 0 imported, 2 refused (the database unchanged)."""
    from dangqun import audit, boundaries

    with _importing(args, "boundaries import") as con:
        try:
            result = boundaries.import_file(con, args.file, args.level, audit.cli_user(), store=_store(args))
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
    common.add_argument("--db", help="数据库文件路径：操作库在它旁边（或 $DANGQUN_STATE_URL）")
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
    q.add_argument("--reset", action="store_true", help="管理员重置：该账号下次登录时须改为自己的密码")
    q = users.add_parser("scope", parents=[common], help="修改角色与查看范围")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=["admin", "city", "county", "town"])
    q.add_argument("--region", required=True, help="区划代码（12 位，市县可用 6 位）")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("密码: ")
    if first != getpass.getpass("再次输入密码: "):
        from dangqun.auth import AccountError

        raise AccountError("两次输入的密码不一致")
    return first


def _month_of(args, con, scope) -> tuple[str, str, str] | str:
    """The region (code, name) and month a month's listing (alerts, topics) is for, or the line that refuses."""
    import pandas as pd

    from dangqun import alerts, regions

    try:
        region = regions.normalise_code(args.region or scope or regions.PROVINCE)
        if args.period:
            alerts.parse_period(args.period)
    except (regions.BadRegionCode, alerts.BadPeriod) as exc:
        return f"未输出：{exc}"
    if scope is not None and not regions.contains(scope, region):
        return f"未输出：账号 {args.user} 无权查看区划 {region}（其范围为 {scope}）"
    known = con.cursor().execute("select region_name from regions where region_code = $c", {"c": region}).fetchone()
    if known is None:
        return f"未输出：区划字典中没有 {region}"
    last = db.run(con, "data_span", {}, scope=scope)["last_day"].iloc[0]
    period = args.period or (alerts.period_of(last) if pd.notna(last) else None)
    if period is None:
        return "未输出：该范围内没有服务记录"
    return region, known[0], period


def _scope_of(args) -> tuple[bool, str | None]:
    """(refused, scope) of --user: refused when the account is unknown or disabled (said on stderr)."""
    from dangqun import auth

    if not args.user:
        return False, None
    acc = auth.get_account(_store(args), args.user)
    if acc is None or acc.disabled:
        print(f"未输出：账号 {args.user} 不存在或已停用", file=sys.stderr)
        return True, None
    return False, acc.scope


def _month_parser(sub, name: str, help: str, json_help: str) -> None:
    """A month's listing (alerts, topics): the same region, month, account and database options (_read_month)."""
    p = sub.add_parser(name, help=help)
    p.add_argument("--db")
    p.add_argument("--region", default=None, help="区划代码（6 或 12 位；默认账号的范围或全省）")
    p.add_argument("--period", default=None, metavar="YYYY-MM", help="月份（默认数据中最新的月份）")
    p.add_argument("--user", default=None, help="按此账号的查看范围计算（如县级账号只看本县）；默认为运维人员（全省）")
    p.add_argument("--json", action="store_true", help=json_help)


def _read_month(args, read):
    """(region, its name, month, what read(con, region, month, scope) gives) for a month's listing on the
    published version, or None when the account, region or month is refused (said on stderr)."""
    refused, scope = _scope_of(args)
    if refused:
        return None
    with _published(args) as con:
        got = _month_of(args, con, scope)
        if isinstance(got, str):
            print(got, file=sys.stderr)
            return None
        region, name, period = got
        return region, name, period, read(con, region, period, scope)


def _alerts(args) -> int:
    """Exit 0 with the list (possibly empty); 2 when the region, month or account is refused."""
    from dangqun import alerts

    got = _read_month(args, lambda con, region, period, scope: alerts.run_all(con, region, period, scope,
                                                                             store=_store(args)))
    if got is None:
        return 2
    region, name, period, found = got
    columns = [c for c in alerts.COLUMNS if c not in ("drill_page", "drill_region", "drill_item")]
    rows = found[columns + ["status", "note", "updated_by"]].astype(object).where(found.notna(), None)
    if args.json:
        print(json.dumps({"region": region, "region_name": name, "period": period,
                          "counts": {rule: int((found["rule"] == rule).sum()) for rule in alerts.RULES},
                          "alerts": rows.to_dict("records")}, ensure_ascii=False))
    else:
        print(f"{name} {period}：{len(found)} 条预警")
        for r in rows.itertuples(index=False):
            print(f"[{r.severity}] {r.rule_name}\t{r.unit_name}\t{r.explanation}\t{r.status}")
    return 0


def _topics(args) -> int:
    """Exit 0 with the month's topics (possibly none); 2 when the region, month or account is refused."""
    from dangqun import alerts, topics

    got = _read_month(args, lambda con, region, period, scope: topics.listing(
        lambda q, p: db.run(con, q, p, scope=scope), region, alerts.ensure(con, period)))
    if got is None:
        return 2
    region, name, period, found = got
    rows = [dict(key=r.topic_key, label=r.label, keywords=list(r.keywords), count=int(r.count), residents=int(r.residents),
                 first=str(r.first.date()), last=str(r.last.date()), previous=int(r.previous),
                 towns=list(r.towns), hot=bool(r.hot), examples=list(r.examples), record_ids=list(r.record_ids))
            for r in found.itertuples(index=False)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        print(f"{name} {period}：{len(rows)} 个话题")
        for r in rows:
            print(f"{'[热点] ' if r['hot'] else ''}{r['label']}\t本月 {r['count']} 件（{r['residents']} 人），"
                  f"上月 {r['previous']} 件\t{'、'.join(r['towns'])}")
    return 0

def _user(args) -> int:
    """Account changes go to the operational store, which the running dashboard shares: they work while it
    runs, and take effect at each official's next interaction."""
    from dangqun import audit, auth

    store = _store(args)
    if args.user_command == "list":
        for acc in auth.load_accounts(store).values():
            status = "停用" if acc.disabled else ("演示" if acc.demo else "启用")
            print(f"{acc.name}\t{acc.display_name}\t{acc.role}\t{acc.region}\t{status}")
        return 0
    by = audit.cli_user()
    auth.load_accounts(store)      # an older release's accounts file is taken over before any change
    try:
        if args.user_command == "add":
            acc = auth.add_account(store, args.name, args.role, args.region, _read_password(args.password_stdin),
                                   args.display_name, by=by)
            detail = f"新建 role={acc.role} region={acc.region}"
        elif args.user_command == "passwd":
            auth.set_password(store, args.name, _read_password(args.password_stdin), by=by, must_change=args.reset)
            if auth.get_account(store, args.name).demo:     # a demo account given a real password is one no more
                auth.change(store, args.name, by=by, detail="不再是演示账号", demo=False)
            detail = "重置密码（下次登录须修改）" if args.reset else "修改密码"
        elif args.user_command == "scope":
            acc = auth.change(store, args.name, by=by, detail=f"范围改为 {args.role} {args.region}",
                              role=args.role, region=args.region)
            detail = f"role={acc.role} region={acc.region}"
        else:
            disable = args.user_command == "disable"
            auth.change(store, args.name, by=by, detail="停用" if disable else "启用", disabled=disable)
            detail = "停用" if disable else "启用"
    except auth.AccountError as exc:
        print(f"未修改：{exc}", file=sys.stderr)
        return 2
    print(f"账号 {args.name}：{detail}")
    return 0


def _import_job(args) -> int:
    """The 数据导入 page's import, run apart from the server (which only reads): a JSON object on standard
    input (dangqun.views.data_import.run_import), a JSON line out per event."""
    from dangqun.views import data_import

    return data_import.import_job(json.loads(sys.stdin.read()), args.db, _store(args))


def _inbox(args) -> int:
    """Without --file: one pass over the inbox, each file by an importer of its own (so a file that kills
    its importer is set aside instead of being retried forever); with --file: that importer. A failure is
    logged (dangqun.inbox's log) and said in one line, never as a traceback."""
    from dangqun import inbox

    if args.file is not None and (Path(args.file).name != args.file or args.file in (".", "..")):
        print("--file 只接受收件箱中的文件名（不含目录）", file=sys.stderr)
        return 2
    library = logging.getLogger("dangqun")
    if args.file is not None and not any(getattr(h, "inbox_child", False) for h in library.handlers):
        # the importer of a server's pass: its standard error is read into the server's log
        # (dangqun.inbox._log_child), so the library's log goes there after all
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        handler.inbox_child = True
        library.addHandler(handler)
    try:
        if args.file is None:
            lines = inbox.poll_once(inbox.directory(args.db), args.db)
        else:
            # one file of a pass: the pass publishes once at its end (inbox.poll_once)
            lines = [r.summary_zh() for r in inbox.run_once(args.db, _store(args), [args.file], publish_after=False)]
    except inbox.NotStarted as exc:
        print(f"未执行：{exc}", file=sys.stderr)
        return inbox.EXIT_BUSY
    except publish.PublishFailed:
        raise                    # main() says it: exit 4
    except Exception:  # noqa: BLE001 - see the docstring
        logging.getLogger(inbox.__name__).exception("inbox: the run failed")
        print("收件箱导入未完成：出现意外错误，详见日志", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0
