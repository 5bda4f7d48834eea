"""`dangqun backup --out DIR` and `dangqun restore DIR`: both stores in one folder (README 「两个存储」).

A backup is taken while the dashboard runs: the server processes only read the published versions, which
are never written after publishing, so a byte copy of the current version is consistent; the operational
store is dumped in one read transaction (a snapshot). A backup folder holds:

    analytics.duckdb        the current published version of the analytics store
    analytics.duckdb.salt   the per-database salt of the resident hashes (dangqun.privacy), when there is one
    state/<table>.jsonl     every table of the operational store, one JSON object a row (ISO datetimes)
    manifest.json           when, from where, which version, row counts, and the sha256 of every file

The folder holds password hashes and the audit log: it is the owner's only (0700, files 0600).

A restore checks the checksums, refuses a target that already holds data (unless --force), puts the
analytics file in place as the working copy under the importer's lock and publishes it, then loads the
dump into the target's operational store in one transaction. Streamlit-free.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import sqlalchemy as sa

from dangqun import audit, db, publish, state

ANALYTICS = "analytics.duckdb"
SALT = ANALYTICS + ".salt"
STATE_DIR = "state"
MANIFEST = "manifest.json"
ANALYTICS_TABLES = ("service_records", "centers", "funds", "activities", "import_log")
BATCH = 5000                 # rows a statement when loading the dump (as dangqun.state.take_legacy_rows)
FORMAT = 1                   # the folder's layout, for a later release that changes it


class Refused(Exception):
    """An expected problem (no database, folder not empty, bad checksum, target has data): its message is
    the one line the command line prints, and nothing was changed."""


# ── backup ───────────────────────────────────────────────────────────────────────────────────────

def make_backup(db_path, out_dir, store: state.Store) -> dict:
    """Back up the current published version of `db_path`, its salt and `store` into `out_dir` (new or
    empty). Returns the manifest. Raises Refused for an expected problem."""
    path = db.resolve_path(db_path)
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise Refused(f"未备份：备份目录 {out} 已存在且不是空目录，请指定新目录")
    if publish.current(path) is None and publish.prepare(path) is None:
        raise Refused(f"未备份：没有数据库：{path}")
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    out.chmod(0o700)
    try:
        return _write_backup(path, out, store)
    except BaseException:
        # a half-written folder must not look like a backup, and the next try needs it empty again
        if created:
            shutil.rmtree(out, ignore_errors=True)
        else:
            for child in out.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise


def _write_backup(path: Path, out: Path, store: state.Store) -> dict:
    version = _copy_current(path, out / ANALYTICS)
    data_version, analytics_counts = _analytics_facts(out / ANALYTICS)
    salt = Path(str(path) + ".salt")
    if salt.exists():
        _write_bytes(out / SALT, salt.read_bytes())
    (out / STATE_DIR).mkdir(mode=0o700)
    state_counts = _dump_state(store, out / STATE_DIR)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        "source_db": str(path.resolve()),
        "version": version,
        "data_version": data_version,
        "state_store": store.engine.url.render_as_string(hide_password=True),
        "counts": {"analytics": analytics_counts, "state": state_counts},
        "files": {name: _sha256(out / name) for name in files},
    }
    # written last, under a temporary name: a folder without manifest.json is not a backup
    _write_bytes(out / (MANIFEST + ".tmp"), json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    os.replace(out / (MANIFEST + ".tmp"), out / MANIFEST)
    return manifest


def _copy_current(path: Path, target: Path) -> str:
    """Copy the current version from a file object opened first: an import publishing meanwhile may delete
    the version (publish._prune), and on Linux an open file lives on until closed. Between reading CURRENT
    and opening, the version may already be gone: read CURRENT again."""
    for _ in range(10):
        version = publish.current(path)
        if version is None:
            break
        try:
            src = open(version, "rb")
        except FileNotFoundError:
            continue
        with src, _create(target) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        return version.name
    raise Refused(f"未备份：读不到当前发布版本：{publish.versions_dir(path)}")


def _analytics_facts(copy: Path) -> tuple[int, dict[str, int]]:
    """data_version and row counts, read from the copy itself (what the backup holds)."""
    import duckdb

    con = duckdb.connect(str(copy), read_only=True)
    try:
        have = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ANALYTICS_TABLES if t in have}
        return (db.data_version(con) if "meta" in have else 0), counts
    finally:
        con.close()


def _dump_state(store: state.Store, folder: Path) -> dict[str, int]:
    """Every table, in primary-key order (audit_log in audit_id order: the order restore keeps), read in one
    snapshot so that, say, an alert's status and its audit row are both in the backup or both not."""
    counts = {}
    with store.reading() as conn:
        for name in state.TABLES:
            table = state.metadata.tables[name]
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            n = 0
            with _create(folder / f"{name}.jsonl") as f:
                for row in rows.mappings():
                    f.write(json.dumps(dict(row), ensure_ascii=False, default=_json_value).encode("utf-8") + b"\n")
                    n += 1
                f.flush()
                os.fsync(f.fileno())
            counts[name] = n
    return counts


def _json_value(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to the dump")


# ── restore ──────────────────────────────────────────────────────────────────────────────────────

def restore(backup_dir, db_path, store: state.Store, force: bool = False, on_wait=None) -> dict:
    """Restore the backup in `backup_dir` as the database `db_path` (working copy, salt, a new published
    version) and into `store`. Refuses (Refused, nothing changed) a bad backup, and a target that holds data
    unless `force` (then its rows and working copy are replaced). Returns what was restored."""
    folder = Path(backup_dir)
    return _restore(folder, verify(folder), db.resolve_path(db_path), store, force, on_wait)


def _restore(folder: Path, manifest: dict, path: Path, store: state.Store, force: bool, on_wait) -> dict:
    with publish.locked(path, who="restore " + folder.name, on_wait=on_wait):
        # checked under the lock: an import cannot create the working copy between the check and the copy
        if not force:
            held = _held_data(path, store)
            if held:
                raise Refused(f"未恢复：目标已有数据（{'，'.join(held)}），确认覆盖请加 --force")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(path.name + ".restore.tmp")
        with open(folder / ANALYTICS, "rb") as src, _create(tmp, replace=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        # a write-ahead log left by the replaced file would be replayed into the restored one
        Path(f"{path}.wal").unlink(missing_ok=True)
        os.replace(tmp, path)
        salt = Path(str(path) + ".salt")
        if SALT in manifest["files"]:
            _write_bytes(Path(str(salt) + ".tmp"), (folder / SALT).read_bytes(), replace=True)
            os.replace(Path(str(salt) + ".tmp"), salt)
        else:
            # the backup's data has no resident hash made with any salt: the next import makes a new one
            salt.unlink(missing_ok=True)
        version = publish.publish(path)
    loaded = _load_state(folder, manifest, store, force)
    return {"db": str(path), "version": version.name, "data_version": manifest.get("data_version"),
            "analytics": manifest["counts"]["analytics"], "state": loaded}


def verify(folder: Path) -> dict:
    """The backup's manifest, after checking that every file it names is there with its sha256."""
    if not folder.is_dir():
        raise Refused(f"未恢复：没有备份目录：{folder}")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if not isinstance(files, dict) or not isinstance(manifest["counts"]["analytics"], dict):
            raise TypeError("manifest")
    except FileNotFoundError:
        raise Refused(f"未恢复：{folder} 不是完整的备份（没有 {MANIFEST}）") from None
    except (ValueError, KeyError, TypeError):
        raise Refused(f"未恢复：{folder / MANIFEST} 无法读取或缺少内容") from None
    known = {ANALYTICS, SALT} | {f"{STATE_DIR}/{t}.jsonl" for t in state.TABLES}
    if ANALYTICS not in files:
        raise Refused(f"未恢复：备份中没有 {ANALYTICS}")
    for name, digest in files.items():
        if name not in known:
            raise Refused(f"未恢复：备份清单中有未知文件：{name}")
        if not (folder / name).is_file():
            raise Refused(f"未恢复：备份缺少文件：{name}")
        if _sha256(folder / name) != digest:
            raise Refused(f"未恢复：校验失败：{name} 的 sha256 与备份清单不符（文件已损坏或被改动）")
    return manifest


def _held_data(path: Path, store: state.Store) -> list[str]:
    held = []
    if path.exists():
        held.append(f"数据库 {path} 已存在")
    elif publish.current(path) is not None:
        held.append(f"已有发布版本 {publish.current(path).name}")
    counts = store.counts()
    if counts["accounts"]:
        held.append(f"账号 {counts['accounts']} 个")
    if counts["audit_log"]:
        held.append(f"审计日志 {counts['audit_log']} 条")
    return held


def _load_state(folder: Path, manifest: dict, store: state.Store, force: bool) -> dict[str, int]:
    """The dump into `store` in one transaction: all of it or nothing."""
    loaded = {}
    with store.writing() as conn:
        # without --force the target holds no account and no audit row (checked before); what else a new store
        # holds (its own settings, guard rows, sessions) gives way to the backup's
        for name in state.TABLES:
            if force or name not in ("accounts", "audit_log"):
                conn.execute(sa.delete(state.metadata.tables[name]))
        for name in state.TABLES:
            if f"{STATE_DIR}/{name}.jsonl" not in manifest["files"]:
                continue             # a table the backup's release did not have: left empty
            table = state.metadata.tables[name]
            loaded[name] = _load_table(conn, table, folder / STATE_DIR / f"{name}.jsonl")
    return loaded


def _load_table(conn, table: sa.Table, dump: Path) -> int:
    # audit_log's rows go in without audit_id, in the dump's (audit_id) order: the target numbers them anew
    # in that order, and PostgreSQL's sequence, which an explicit id would not advance, cannot collide later
    skip = {"audit_id"} if table.name == "audit_log" else set()
    times = {c.name for c in table.columns if isinstance(c.type, sa.DateTime)}
    columns = [c.name for c in table.columns if c.name not in skip]
    n, batch, last_id = 0, [], None
    with open(dump, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            if skip:
                if last_id is not None and row["audit_id"] <= last_id:
                    raise Refused(f"未恢复：{dump.name} 中的审计记录顺序不对")
                last_id = row["audit_id"]
            batch.append({c: (dt.datetime.fromisoformat(row[c]) if c in times and row.get(c) is not None
                              else row.get(c)) for c in columns})
            if len(batch) >= BATCH:
                conn.execute(sa.insert(table), batch)
                n, batch = n + len(batch), []
    if batch:
        conn.execute(sa.insert(table), batch)
        n += len(batch)
    return n


# ── files ────────────────────────────────────────────────────────────────────────────────────────

def _create(path: Path, replace: bool = False):
    """A new file for writing, the owner's only from its first byte (not chmod after writing)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)          # O_TRUNC keeps an existing file's mode
    return os.fdopen(fd, "wb")


def _write_bytes(path: Path, data: bytes, replace: bool = False) -> None:
    with _create(path, replace) as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ── the command line ─────────────────────────────────────────────────────────────────────────────

def main(args) -> int:
    """`backup` / `restore` (dangqun.cli): 0 done, 2 refused (one line on stderr, nothing changed)."""
    try:
        if args.command == "backup":
            return _backup_cli(args)
        return _restore_cli(args)
    except Refused as exc:
        print(exc, file=sys.stderr)
        return 2


def _backup_cli(args) -> int:
    store = state.open_store(db_path=args.db)
    m = make_backup(args.db, args.out, store)
    audit.record(store, audit.cli_user(), "backup", target=str(args.out)[:200], detail=f"发布版本 {m['version']}")
    records = m["counts"]["analytics"].get("service_records", 0)
    rows = sum(m["counts"]["state"].values())
    print(f"已备份：发布版本 {m['version']}（数据版本 {m['data_version']}，服务记录 {records:,} 条），"
          f"操作库 {len(m['counts']['state'])} 张表共 {rows:,} 行 → {args.out}")
    return 0


def _restore_cli(args) -> int:
    folder = Path(args.backup)
    # the backup is checked before the target store is opened: a wrong folder leaves no new file behind
    manifest = verify(folder)
    store = state.open_store(db_path=args.db)

    def _told(info):
        print(f"{publish.busy_message(info)}：等待中…", file=sys.stderr, flush=True)

    r = _restore(folder, manifest, db.resolve_path(args.db), store, args.force, _told)
    audit.record(store, audit.cli_user(), "restore", target=str(folder)[:200],
                 detail=f"新发布版本 {r['version']}" + ("（覆盖原有数据）" if args.force else ""))
    records = r["analytics"].get("service_records", 0)
    print(f"已恢复：{r['db']}（新发布版本 {r['version']}，数据版本 {r['data_version']}，服务记录 {records:,} 条），"
          f"操作库 账号 {r['state'].get('accounts', 0)} 个、审计日志 {r['state'].get('audit_log', 0):,} 条"
          f" → {store!r}")
    return 0
