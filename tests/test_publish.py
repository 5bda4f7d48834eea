"""One writer that publishes (dangqun.publish, README 「两个存储」): versions and the pointer, readers that
switch without a restart, bounded disk, the importer's lock and what a second importer is told, and faults —
an importer killed (kill -9) while importing or while publishing leaves the published version untouched, and
an audit row acknowledged before a server is killed is kept."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from dangqun import audit, cli, db, publish, state

ROOT = db.ROOT


@pytest.fixture()
def data(demo_db, tmp_path, monkeypatch):
    """A copy of the demo database, published once (as the first start of a server does)."""
    monkeypatch.delenv("DANGQUN_STATE_URL", raising=False)
    path = tmp_path / "data" / "dangqun.duckdb"
    path.parent.mkdir()
    shutil.copy(demo_db, path)
    publish.prepare(path)
    return path


def records_in(reader) -> int:
    cur = reader.cursor()
    try:
        return cur.execute("select count(*) from service_records").fetchone()[0]
    finally:
        cur.close()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_record_csv(path, record_id: str):
    path.write_text("受理编号,中心编码,受理时间,事项编码,办理状态\n"
                    f"{record_id},ZX210681117000,2022-12-30 10:00,0101,办理中\n", encoding="utf-8")
    return path


def test_an_import_publishes_a_new_version_that_readers_switch_to(data, tmp_path):
    readers = publish.Readers(data)
    first = readers.get()
    before = records_in(first)
    assert cli.main(["import", str(one_record_csv(tmp_path / "r.csv", "PUB-1")), "--db", str(data)]) == 0
    second = readers.get()
    assert second.path != first.path and second.path == publish.current(data)
    assert records_in(second) == before + 1
    assert records_in(first) == before                # the older version is as it was published


def test_disk_holds_the_working_copy_and_two_versions(data, tmp_path):
    readers = publish.Readers(data)
    oldest = readers.get()
    for i in range(3):
        assert cli.main(["import", str(one_record_csv(tmp_path / f"r{i}.csv", f"PUB-{i}")), "--db", str(data)]) == 0
    versions = sorted(p.name for p in publish.versions_dir(data).glob("v*.duckdb"))
    assert len(versions) == publish.KEEP and publish.current(data).name == versions[-1]
    assert not oldest.path.exists()
    # a process still reading the deleted version goes on reading it until it switches
    assert records_in(oldest) > 0


def test_a_second_importer_is_told_who_holds_the_lock(data, tmp_path, capsys):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from dangqun import publish
        with publish.locked({str(data)!r}, who="张三 · 数据导入页"):
            print("locked", flush=True)
            time.sleep(30)
    """)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        code = cli.main(["import", str(one_record_csv(tmp_path / "r.csv", "PUB-W")), "--db", str(data), "--wait", "1"])
        err = capsys.readouterr().err
        assert code == 3 and 1 <= time.monotonic() - started < 10
        assert "另一个导入正在进行（张三 · 数据导入页，自 " in err and "起）：等待中…" in err
        assert err.splitlines()[-1].startswith("未执行：另一个导入正在进行（张三 · 数据导入页，自 ")
    finally:
        holder.kill()
        holder.wait()
    # once the holder is gone (even killed), the lock is free
    assert cli.main(["import", str(one_record_csv(tmp_path / "r.csv", "PUB-W")), "--db", str(data), "--wait", "5"]) == 0


def _kill_when(proc, ready) -> None:
    deadline = time.monotonic() + 120
    while not ready():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else "importer ended early"
        assert time.monotonic() < deadline, "the importer never reached the point"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("after", [0.0, 0.7, 1.5])      # seconds after it took the lock
def test_an_importer_killed_while_importing_leaves_the_published_version(data, tmp_path, after):
    """Killed at any point, the importer leaves either the version that was current, byte for byte, or (when it
    got that far) the complete new one; the servers read on; what it had committed goes out with the next
    import, and nothing else."""
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as f:
        f.write("受理编号,中心编码,受理时间,事项编码,办理状态\n")
        for i in range(600_000):
            f.write(f"KILL-{i},ZX210681117000,2022-12-30 10:00,0101,办理中\n")
    current, readers = publish.current(data), publish.Readers(data)
    before, sha = records_in(readers.get()), digest(current)
    proc = subprocess.Popen([sys.executable, "-m", "dangqun", "import", str(big), "--db", str(data)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    locked_at = []

    def ready():
        if not locked_at and publish.holder(data).get("pid") == proc.pid:
            locked_at.append(time.monotonic())
        return bool(locked_at) and time.monotonic() - locked_at[0] >= after

    _kill_when(proc, ready)
    if publish.current(data) == current:
        assert digest(current) == sha and records_in(readers.get()) == before
    else:                                            # it had published: the whole new version
        assert records_in(readers.get()) == before + 600_000
    # the next import recovers the working copy and publishes what was committed, and its own record
    assert cli.main(["import", str(one_record_csv(tmp_path / "r.csv", "PUB-K")), "--db", str(data)]) == 0
    cur = readers.get().cursor()
    committed = cur.execute("select count(*) from import_log where file_name like '%big.csv'").fetchone()[0]
    assert committed in (0, 1)
    assert records_in(readers.get()) == before + 1 + 600_000 * committed


def test_an_importer_killed_while_publishing_leaves_no_half_version(data, tmp_path):
    current = publish.current(data)
    sha = digest(current)
    script = textwrap.dedent(f"""
        import shutil, time
        from dangqun import publish

        def slow_copy(src, dst, *a, **k):       # half the file, then stop: the kill comes here
            with open(src, "rb") as s, open(dst, "wb") as d:
                d.write(s.read(1 << 20))
            print("copying", flush=True)
            time.sleep(60)

        shutil.copyfile = slow_copy
        with publish.importing({str(data)!r}, who="test"):
            pass
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "copying"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert publish.current(data) == current and digest(current) == sha
    half = list(publish.versions_dir(data).glob("*.tmp"))
    assert len(half) == 1                               # left under a name no reader opens
    assert records_in(publish.Readers(data).get()) > 0
    publish.prepare(data)                               # nothing to do: the version is current
    with publish.importing(data, who="test"):
        pass
    assert not list(publish.versions_dir(data).glob("*.tmp")) and publish.current(data) != current


def test_an_acknowledged_audit_row_survives_kill_9(tmp_path, monkeypatch):
    monkeypatch.delenv("DANGQUN_STATE_URL", raising=False)
    dbp = tmp_path / "k.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from dangqun import audit, state
        store = state.open_store(db_path={str(dbp)!r})
        for i in range(50):
            audit.record(store, "dg", "page_view", target=f"p{{i}}")
            print(i, flush=True)                       # acknowledged: the row is committed
        time.sleep(60)
    """)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    seen = [proc.stdout.readline().strip() for _ in range(50)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    from tests.test_audit import rows

    assert [r[2] for r in rows(state.Store(f"sqlite:///{tmp_path}/k.state.sqlite"))] == [f"p{i}" for i in map(int, seen)]


def test_a_publish_that_fails_leaves_no_half_file_and_a_line_in_the_history(data, tmp_path, monkeypatch, capsys):
    current, sha = publish.current(data), digest(publish.current(data))

    def full_disk(src, dst, *a, **k):
        with open(dst, "wb") as d:                      # a part written, then the disk is full
            d.write(b"x" * 1000)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    code = cli.main(["import", str(one_record_csv(tmp_path / "r.csv", "PUB-F")), "--db", str(data)])
    assert code == 4
    assert capsys.readouterr().err.strip() == ("数据已导入，但未能发布新版本（No space left on device）：看板仍显示上一版本的数据，"
                                               "下一次导入或看板启动时会再次发布")
    assert publish.current(data) == current and digest(current) == sha
    assert [p.name for p in publish.versions_dir(data).iterdir() if p.name != publish.CURRENT] == [current.name]
    monkeypatch.undo()
    reader = publish.Readers(data).get()              # a server starting now publishes what was imported
    assert reader.path != current
    history = reader.execute("select file_name, status, message from import_log order by import_id desc limit 2").fetchall()
    assert history[0] == ("（发布新版本）", "发布失败", "未能发布新版本：No space left on device；看板仍显示上一版本")
    assert history[1][0].endswith("r.csv") and history[1][1] == "已处理"
    assert reader.execute("select count(*) from service_records where record_id = 'PUB-F'").fetchone()[0] == 1


def test_a_command_after_each_publish_gets_the_version_and_the_pointer(data, tmp_path, monkeypatch):
    said = tmp_path / "said.txt"
    monkeypatch.setenv("DANGQUN_AFTER_PUBLISH", f"{sys.executable} -c \"import sys; open({str(said)!r}, 'w')"
                                                f".write(' '.join(sys.argv[1:]))\"")
    assert cli.main(["import", str(one_record_csv(tmp_path / "r.csv", "PUB-A")), "--db", str(data)]) == 0
    version = publish.current(data)
    assert said.read_text() == f"{version} {publish.versions_dir(data) / publish.CURRENT}"


def test_several_processes_opening_a_new_operational_store_at_once(tmp_path, monkeypatch):
    """Importers and servers starting together on a new installation: each opens the SQLite store and
    writes (SQLite does not wait for a switch to WAL or for a reader turned writer: they must not fail)."""
    monkeypatch.delenv("DANGQUN_STATE_URL", raising=False)
    dbp = tmp_path / "n.duckdb"
    script = textwrap.dedent(f"""
        import sys
        from dangqun import audit, state
        audit.record(state.open_store(db_path={str(dbp)!r}), "p" + sys.argv[1], "page_view")
        print("ok", flush=True)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(i)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(8)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [o.strip() for o, _ in outs] == ["ok"] * 8, [e[-500:] for _, e in outs]
    from tests.test_audit import rows

    assert sorted(r[0] for r in rows(state.Store(f"sqlite:///{tmp_path}/n.state.sqlite"))) == [f"p{i}" for i in range(8)]
