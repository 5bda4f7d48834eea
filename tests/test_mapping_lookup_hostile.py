"""A profile's `lookup` names a CSV file next to it; it is the one thing in a profile that reads a file, and
profiles can be saved from the browser. A lookup must be a plain regular file of at most 10 MB inside the
profile's directory (config/mappings for the saved ones), reached without a symbolic link: anything else is
refused with one line naming the profile and the column, never a byte of what the path points at, and
quickly (no waiting on a FIFO, no reading /dev/zero until memory runs out)."""
import os
from pathlib import Path

import pytest

from dangqun import cli, db
from dangqun.ingest import mapping

from test_mapping import GOOD, LOOKUP, export, put

PASSWD = Path("/etc/passwd")


def profile_dir(tmp_path) -> Path:
    """A profile directory one level below tmp_path, so tmp_path itself (and all above) is outside it."""
    d = tmp_path / "cfg"
    d.mkdir(exist_ok=True)
    return d


def with_lookup(lookup: str) -> str:
    return GOOD.replace('lookup = "kinds.csv"', f'lookup = "{lookup}"')


def refusal(d: Path, lookup: str) -> str:
    with pytest.raises(mapping.MappingError) as exc:
        mapping.load(put(d, "p.toml", with_lookup(lookup)))
    return str(exc.value)


def outside(d: Path, lookup: str) -> str:
    return f"映射配置 p：列「item_code」的 lookup「{lookup}」不在配置目录 {os.path.realpath(d)} 内，未读取"


def refused(lookup: str, why: str) -> str:
    return f"映射配置 p：列「item_code」的 lookup「{lookup}」{why}，未读取"


def assert_no_content(message: str, target: Path | None = None):
    assert "\n" not in message and "root:" not in message
    if target is not None and target.is_file():
        for line in target.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip():
                assert line.strip() not in message


def escape_to(d: Path, target: Path) -> str:
    """A relative path from d up to / and down to target (as many ../ as it takes, and then some)."""
    return "../" * (len(d.parts) + 2) + str(target).lstrip("/")


# ── refused before anything is read ──────────────────────────────────────────────────────────────────

@pytest.mark.timeout(20)
def test_relative_escape_is_refused_without_reading(tmp_path):
    d = profile_dir(tmp_path)
    lookup = escape_to(d, PASSWD)
    message = refusal(d, lookup)
    assert message == outside(d, lookup)
    assert_no_content(message, PASSWD)


@pytest.mark.timeout(20)
def test_sibling_of_the_profile_directory_is_outside(tmp_path):
    d = profile_dir(tmp_path)
    put(tmp_path, "kinds.csv", "root:x:0:0:root:/root:/bin/bash\n")
    assert refusal(d, "../kinds.csv") == outside(d, "../kinds.csv")


@pytest.mark.timeout(20)
def test_absolute_path_outside_is_refused(tmp_path):
    d = profile_dir(tmp_path)
    message = refusal(d, "/etc/passwd")
    assert message == outside(d, "/etc/passwd")
    assert_no_content(message, PASSWD)


@pytest.mark.timeout(20)
def test_dev_zero_is_refused_at_once(tmp_path):
    d = profile_dir(tmp_path)
    assert refusal(d, "/dev/zero") == outside(d, "/dev/zero")


@pytest.mark.timeout(20)
def test_saved_profile_lookup_must_stay_in_config_mappings():
    """The import page checks its profile with config/mappings as the base (nothing is read or written)."""
    data = __import__("tomllib").loads(with_lookup("../../etc/passwd"))
    with pytest.raises(mapping.MappingError) as exc:
        mapping.parse(data, "某平台", mapping.PROFILE_DIR)
    assert str(exc.value) == "映射配置 某平台：列「item_code」的 lookup「../../etc/passwd」不在配置目录 config/mappings 内，未读取"


# ── inside the directory, but not a plain file ───────────────────────────────────────────────────────

@pytest.mark.timeout(20)
def test_symlink_inside_pointing_outside_is_refused(tmp_path):
    d = profile_dir(tmp_path)
    (d / "kinds.csv").symlink_to(PASSWD)
    message = refusal(d, "kinds.csv")
    assert message == refused("kinds.csv", "是符号链接或经过符号链接")
    assert_no_content(message, PASSWD)


@pytest.mark.timeout(20)
def test_path_through_a_symlinked_directory_is_refused(tmp_path):
    d = profile_dir(tmp_path)
    (d / "etc").symlink_to("/etc")
    message = refusal(d, "etc/passwd")
    assert message == refused("etc/passwd", "是符号链接或经过符号链接")
    assert_no_content(message, PASSWD)


@pytest.mark.timeout(20)
def test_symlink_to_dev_zero_is_refused(tmp_path):
    d = profile_dir(tmp_path)
    (d / "kinds.csv").symlink_to("/dev/zero")
    assert refusal(d, "kinds.csv") == refused("kinds.csv", "是符号链接或经过符号链接")


@pytest.mark.timeout(20)
def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    d = profile_dir(tmp_path)
    os.mkfifo(d / "kinds.csv")
    assert refusal(d, "kinds.csv") == refused("kinds.csv", "不是普通文件（设备、管道或套接字）")


@pytest.mark.timeout(20)
def test_directory_is_refused(tmp_path):
    d = profile_dir(tmp_path)
    (d / "kinds.csv").mkdir()
    assert refusal(d, "kinds.csv") == refused("kinds.csv", "是目录，不是对照表文件")


@pytest.mark.timeout(20)
def test_file_over_10_mb_is_refused(tmp_path):
    d = profile_dir(tmp_path)
    rows = "".join(f"K{i:07d},0101\n" for i in range(850_000))   # 11.05 MB of a lookup that would otherwise load
    put(d, "kinds.csv", "Kind,事项编码\n" + rows)
    assert (d / "kinds.csv").stat().st_size > 11_000_000
    message = refusal(d, "kinds.csv")
    assert message == refused("kinds.csv", "超过 10 MB")
    assert "K0000000" not in message


@pytest.mark.timeout(20)
def test_size_limit_is_inclusive_and_read_from_the_open_file(tmp_path, monkeypatch):
    d = profile_dir(tmp_path)
    put(d, "kinds.csv", LOOKUP)
    size = len(LOOKUP.encode("utf-8"))
    monkeypatch.setattr(mapping, "LOOKUP_MAX_BYTES", size)
    assert mapping.load(put(d, "p.toml", GOOD)).specs["item_code"].lookup.pairs == [("Alpha", "0101"), ("Beta", "0102")]
    monkeypatch.setattr(mapping, "LOOKUP_MAX_BYTES", size - 1)
    assert refusal(d, "kinds.csv") == refused("kinds.csv", "超过 0 MB")


@pytest.mark.timeout(20)
@pytest.mark.parametrize("lookup", ["", "kinds\n.csv", "."])
def test_empty_odd_or_self_lookup_is_refused(tmp_path, lookup):
    d = profile_dir(tmp_path)
    put(d, "kinds.csv", LOOKUP)
    text = GOOD.replace('lookup = "kinds.csv"', f"lookup = {lookup!r}".replace("'", '"').replace("\n", "\\n"))
    with pytest.raises(mapping.MappingError) as exc:
        mapping.load(put(d, "p.toml", text))
    assert "\n" not in str(exc.value)
    assert str(exc.value) in (outside(d, lookup),
                              "映射配置 p：列「item_code」的 lookup 应为对照表 CSV 文件名（相对于映射配置所在目录）")


# ── good lookups still load: in the directory, in a subdirectory, in config/mappings' tree ───────────

def test_lookup_in_a_subdirectory_loads(tmp_path):
    d = profile_dir(tmp_path)
    (d / "tables").mkdir()
    put(d / "tables", "kinds.csv", LOOKUP)
    lk = mapping.load(put(d, "p.toml", with_lookup("tables/kinds.csv"))).specs["item_code"].lookup
    assert (lk.path, lk.pairs) == (d / "tables" / "kinds.csv", [("Alpha", "0101"), ("Beta", "0102")])


def test_profile_in_a_subdirectory_of_config_mappings_may_use_the_tree(tmp_path, monkeypatch):
    home = tmp_path / "mappings"
    (home / "platform").mkdir(parents=True)
    monkeypatch.setattr(mapping, "PROFILE_DIR", home)
    monkeypatch.setattr(mapping, "PROJECT_DIR", tmp_path)
    put(home, "kinds.csv", LOOKUP)
    put(tmp_path, "outside.csv", LOOKUP)
    p = mapping.load(put(home / "platform", "p.toml", with_lookup("../kinds.csv")))
    assert p.specs["item_code"].lookup.pairs == [("Alpha", "0101"), ("Beta", "0102")]
    with pytest.raises(mapping.MappingError) as exc:
        mapping.load(put(home / "platform", "p.toml", with_lookup("../../outside.csv")))
    assert str(exc.value) == "映射配置 p：列「item_code」的 lookup「../../outside.csv」不在配置目录 mappings 内，未读取"


# ── lookups that are read but do not parse: their lines are not echoed ──────────────────────────────

SECRET = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


@pytest.mark.timeout(20)
def test_a_file_whose_first_line_is_no_header_is_not_quoted(tmp_path):
    d = profile_dir(tmp_path)
    put(d, "kinds.csv", SECRET)
    message = refusal(d, "kinds.csv")
    assert message == "映射配置 p：列「item_code」的对照表 kinds.csv 没有查找列「Kind」（首行不像表头，共 1 列，未显示）"
    assert_no_content(message, d / "kinds.csv")


@pytest.mark.timeout(20)
def test_a_first_line_of_long_cells_is_not_quoted(tmp_path):
    d = profile_dir(tmp_path)
    put(d, "kinds.csv", "Kind," + "s" * 200 + "\nAlpha,0101\n")
    message = refusal(d, "kinds.csv")
    assert message == "映射配置 p：列「item_code」的对照表 kinds.csv 没有结果列「事项编码」（首行不像表头，共 2 列，未显示）"


@pytest.mark.timeout(20)
@pytest.mark.parametrize("content", [b"\xff\xfe\x00", b"\x81\x30\xff\xff" * 10,
                                     b'Kind,\xe4\xba\x8b\xe9\xa1\xb9\xe7\xbc\x96\xe7\xa0\x81\nAlpha,"' + b"x" * 200_000 + b'"\n'],
                         ids=["odd_utf16", "undecodable", "field_over_the_csv_limit"])
def test_a_file_that_is_no_csv_is_refused_without_its_bytes(tmp_path, content):
    d = profile_dir(tmp_path)
    (d / "kinds.csv").write_bytes(content)
    message = refusal(d, "kinds.csv")
    assert message == "映射配置 p：列「item_code」的对照表 kinds.csv 不是可读的 CSV 文件（UTF-8 或 GBK 编码，逗号分隔）"


@pytest.mark.timeout(20)
def test_a_bad_cell_is_quoted_cut_short(tmp_path):
    d = profile_dir(tmp_path)
    long = "Alpha" + "y" * 100
    put(d, "kinds.csv", f"Kind,事项编码\n{long},0101\n{long},0102\n")
    message = refusal(d, "kinds.csv")
    assert message == f"映射配置 p：对照表 kinds.csv 第 3 行的「{long[:40]}…」在第 2 行已出现"


# ── through the command line: exit 2, the one line, no traceback ────────────────────────────────────

def cli_import(tmp_path, capsys, lookup: str) -> tuple[int, str, str]:
    d = profile_dir(tmp_path)
    profile = put(d, "p.toml", with_lookup(lookup))
    dbp = tmp_path / "t.duckdb"
    db.connect(dbp).close()
    code = cli.main(["import", str(export(tmp_path)), "--mapping", str(profile), "--db", str(dbp)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
@pytest.mark.timeout(60)
@pytest.mark.parametrize("target", ["passwd", "dev_zero", "fifo"])
def test_cli_import_refuses_a_hostile_lookup(tmp_path, capsys, target):
    d = profile_dir(tmp_path)
    if target == "passwd":
        lookup, expected = escape_to(d, PASSWD), outside(d, escape_to(d, PASSWD))
    elif target == "dev_zero":
        lookup, expected = "/dev/zero", outside(d, "/dev/zero")
    else:
        os.mkfifo(d / "kinds.csv")
        lookup, expected = "kinds.csv", refused("kinds.csv", "不是普通文件（设备、管道或套接字）")
    code, out, err = cli_import(tmp_path, capsys, lookup)
    assert code == 2
    # the command line reports each file's outcome on stdout (a rejected file is an outcome, not a crash)
    assert out.splitlines() == [f"✗ {tmp_path / 'foreign.csv'}：已拒绝，未导入任何数据。{expected}"]
    assert "Traceback" not in out + err
    assert_no_content(out.strip() + err.strip(), PASSWD)
    with db.opened(tmp_path / "t.duckdb") as c:
        assert c.execute("select status, message from import_log").fetchall() == [("已拒绝", expected)]
        assert c.execute("select count(*) from service_records").fetchall()[0][0] == 0
