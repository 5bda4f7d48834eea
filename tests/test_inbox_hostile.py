"""The inbox against files that would break it (dangqun.inbox): a file that kills its importer, a name too long
for the timestamp prefix, a file that cannot be moved where it belongs, and entries that are not regular files
(a symbolic link to a file elsewhere, a pipe, a folder). Each is imported once at most, set aside with its
reason, and never blocks the files after it; the passes are driven directly (inbox.poll_once) on a published
copy of the demo database, with the real importer as the child process."""
from __future__ import annotations

import logging
import os
import stat
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from dangqun import cli, inbox, publish, state
from tests.test_audit import rows as audit_rows
from tests.test_inbox import CSV, drop

pytestmark = pytest.mark.slow      # starts the importer in child processes


@pytest.fixture()
def box(published, monkeypatch):
    """(inbox folder, database path, operational store) of a published copy of the demo database."""
    monkeypatch.delenv("DANGQUN_INBOX", raising=False)
    return inbox.directory(published.path), published.path, state.open_store(db_path=published.path)


def count(path, sql: str, value: str) -> int:
    """A count in the version published last."""
    import duckdb

    with duckdb.connect(str(publish.current(path)), read_only=True) as con:
        return con.execute(sql, [value]).fetchone()[0]


def logged(path, name: str) -> int:
    return count(path, "select count(*) from import_log where file_name = ?", name)


def records(path, prefix: str) -> int:
    return count(path, "select count(*) from service_records where record_id like ?", prefix + "%")


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture()
def stand_in(monkeypatch, tmp_path):
    """The importer replaced by a script that kills itself (SIGKILL) on crash*.csv, hangs on hang*.csv, fails
    with a traceback on fail*.csv and runs the real importer on anything else."""
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent("""
        import os, sys, time
        name = next(a for a in sys.argv if a.startswith("--file="))[len("--file="):]
        if name.startswith("crash"):
            os.kill(os.getpid(), 9)
        if name.startswith("hang"):
            time.sleep(600)
        if name.startswith("fail"):
            raise RuntimeError("the importer's own traceback")
        os.execv(sys.executable, [sys.executable, "-m", "dangqun", "inbox", "--once", *sys.argv[1:]])
    """), encoding="utf-8")
    monkeypatch.setattr(inbox, "CHILD", [sys.executable, str(script)])


def test_a_file_that_kills_its_importer_is_set_aside_and_the_next_imported(box, stand_in, capsys, monkeypatch):
    folder, path, store = box
    monkeypatch.setattr(logging.getLogger("dangqun"), "propagate", True)   # restored after cli.main's change
    drop(folder, "crash.csv", CSV, age=120)                      # the older: handed over first
    drop(folder, "good.csv", CSV, age=60)
    assert cli.main(["inbox", "--once", "--db", str(path)]) == 0  # the pass `inbox --once` runs (a timer's)
    out, err = capsys.readouterr()
    reason = "导入进程异常退出（被信号 9 结束），该文件未导入"
    assert f"✗ crash.csv：{reason}" in out and "good.csv" in out and "Traceback" not in out + err
    assert entries(folder) == ["done", "rejected"]
    moved, note = entries(folder / "rejected")
    assert moved.endswith("_crash.csv") and note == moved + ".错误.txt"
    assert (folder / "rejected" / note).read_text(encoding="utf-8") == reason + "\n"
    assert [n[16:] for n in entries(folder / "done")] == ["good.csv"]
    assert (logged(path, "crash.csv"), logged(path, "good.csv")) == (0, 1)
    assert ("收件箱", "import", "crash.csv", reason, "rejected") in audit_rows(store, "import")

    version = publish.current(path)
    assert inbox.poll_once(folder, path) == []                   # a second pass finds nothing to do
    assert publish.current(path) == version and logged(path, "good.csv") == 1
    assert len(entries(folder / "rejected")) == 2


def test_an_importer_that_fails_is_logged_not_shown(box, stand_in, caplog, monkeypatch):
    folder, path, _ = box
    monkeypatch.setattr(logging.getLogger("dangqun"), "propagate", True)   # cli.main turns it off
    drop(folder, "fail.csv", CSV)
    with caplog.at_level(logging.WARNING, logger="dangqun.inbox"):
        said = inbox.poll_once(folder, path)
    assert said == ["✗ fail.csv：导入进程异常退出（退出码 1），该文件未导入"]
    assert "the importer's own traceback" in caplog.text        # in the server's log
    assert entries(folder) == ["rejected"] and logged(path, "fail.csv") == 0


def test_an_importer_that_outlives_its_time_is_killed(box, stand_in, monkeypatch):
    folder, path, store = box
    monkeypatch.setattr(inbox, "CHILD_TIMEOUT", 3)        # the real importer takes longer: hang.csv alone
    drop(folder, "hang.csv", CSV)
    inbox.poll_once(folder, path)
    assert entries(folder) == ["rejected"]
    moved, note = entries(folder / "rejected")
    assert moved.endswith("_hang.csv")
    assert (folder / "rejected" / note).read_text(encoding="utf-8").startswith("导入进程超过")
    assert logged(path, "hang.csv") == 0


def test_a_long_name_is_shortened_and_imported_once(box):
    folder, path, _ = box
    name = "长" * 80 + ".csv"                                    # 244 bytes: with the prefix, past 255
    assert len(name.encode()) == 244
    drop(folder, name, CSV)
    inbox.Watcher(folder, 1, path).pass_once()                   # the server's pass
    [done] = entries(folder / "done")
    assert done.endswith("….csv") and done[16:-5] == name[:len(done) - 21]
    assert len((done + inbox.REASON_SUFFIX).encode()) <= 255
    assert entries(folder) == ["done"] and logged(path, name) == 1
    inbox.poll_once(folder, path)
    assert logged(path, name) == 1


def test_a_file_that_cannot_be_moved_to_done_is_not_imported_again(box):
    folder, path, _ = box
    drop(folder, "x.csv", CSV)
    (folder / "done").write_text("not a folder")                 # done/ cannot be made
    inbox.poll_once(folder, path)
    moved, note = entries(folder / "rejected")
    assert "未能移动" in moved and moved.endswith(".csv") and note == moved + ".错误.txt"
    assert "原文件名：x.csv" in (folder / "rejected" / note).read_text(encoding="utf-8")
    assert logged(path, "x.csv") == 1
    inbox.poll_once(folder, path)
    assert logged(path, "x.csv") == 1


def test_links_pipes_and_folders_are_set_aside_unread(box, tmp_path):
    folder, path, store = box
    folder.mkdir(parents=True)
    secret = tmp_path / "secret.csv"                             # a valid export outside the inbox
    secret.write_text(CSV.replace("IN2019", "SE2019"), encoding="utf-8")
    before = (secret.read_bytes(), os.stat(secret).st_mtime_ns)
    os.symlink(secret, folder / "link.csv")
    os.mkfifo(folder / "pipe.csv")
    (folder / "sub.csv").mkdir()
    (folder / "sub.csv" / "inner.csv").write_bytes(b"inner")
    for name in ("link.csv", "pipe.csv", "sub.csv"):
        os.utime(folder / name, (1e9, 1e9), follow_symlinks=False)
    version = publish.current(path)

    passing = threading.Thread(target=inbox.poll_once, args=(folder, path), daemon=True)
    passing.start()
    passing.join(120)
    assert not passing.is_alive()                                # the pipe was never opened

    assert entries(folder) == ["rejected"]
    moved = {n[16:]: folder / "rejected" / n for n in entries(folder / "rejected") if not n.endswith(".txt")}
    assert sorted(moved) == ["link.csv", "pipe.csv", "sub.csv"]
    assert os.readlink(moved["link.csv"]) == str(secret)          # the link itself was moved
    assert stat.S_ISFIFO(os.lstat(moved["pipe.csv"]).st_mode)
    assert (moved["sub.csv"] / "inner.csv").read_bytes() == b"inner"
    for p in moved.values():
        assert Path(str(p) + ".错误.txt").read_text(encoding="utf-8") == inbox.NOT_REGULAR + "\n"
    assert (secret.read_bytes(), os.stat(secret).st_mtime_ns) == before
    assert publish.current(path) == version                      # nothing imported, nothing published
    assert records(path, "SE2019") == 0 and logged(path, "link.csv") == 0
    assert sorted(r[2] for r in audit_rows(store, "import") if r[4] == "rejected") == [
        "link.csv", "pipe.csv", "sub.csv"]


def test_the_importer_refuses_a_link_handed_to_it(box, tmp_path):
    """A link put in place of a file after the pass looked (the importer is told its name): not read."""
    folder, path, store = box
    folder.mkdir(parents=True)
    secret = tmp_path / "secret.csv"
    secret.write_text(CSV.replace("IN2019", "SE2019"), encoding="utf-8")
    os.symlink(secret, folder / "swapped.csv")
    version = publish.current(path)
    assert inbox.run_once(path, store, ["swapped.csv"]) == []
    assert publish.current(path) == version and records(path, "SE2019") == 0
    [moved, _] = entries(folder / "rejected")
    assert os.path.islink(folder / "rejected" / moved)
