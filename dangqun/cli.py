"""`python -m dangqun …`: the command line of DESIGN §8."""
from __future__ import annotations

import argparse
import json
import sys

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

    p = sub.add_parser("bench", help="基准测试 / benchmarks")
    p.add_argument("what", choices=["import"])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--xlsx-rows", type=int, default=100_000)
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
        if args.command == "samples":
            return _samples(args)
        if args.command == "bench":
            from dangqun import bench

            return bench.run_import_bench(rows=args.rows, xlsx_rows=args.xlsx_rows)
    except db.DatabaseLocked as exc:
        print(exc, file=sys.stderr)
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
    return 0


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

    with db.opened(args.db) as con:
        reports = ingest.import_files(con, args.files, kind=args.kind, db_path=db.resolve_path(args.db))
    for report in reports:
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(report.summary_zh())
    return 2 if any(r.rejected for r in reports) else 0
