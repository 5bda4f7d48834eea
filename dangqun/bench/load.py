"""`python -m dangqun bench load`: officials at once, through `dangqun serve --workers N` (README 「多个进程」).

Simulated officials speak Streamlit's own websocket protocol (dangqun.bench.stclient: the protobuf messages of
the installed streamlit package) through the proxy: each logs in through the login form with a demo account
(province, city, county or town, in a province's proportions), then until the end opens pages of
registry.PAGES in a realistic mix, changes the period, drills into a region of its scope, now and then downloads
the CSV or Excel of something the page shows, and thinks between actions for an exponential time of the given
mean. Latency: from the message that starts a run to the message that says the script finished; for a
download (下载), from asking for the file to its last byte. Beside them, Chromium officials (Playwright) click
through the same pages; their time runs from the click to the last chart drawn. Reported for each number of
workers in one run: per page (and for 下载) P50 / P95 / max, errors, runs served, and the CPU each worker used.
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from dangqun import registry

# page slug → weight: what officials open (the 总览 most); the 大屏 is a meeting room's, not an official's
PAGE_MIX = {"": 30, "funds": 10, "satisfaction": 12, "services": 10, "records": 8, "report": 4, "alerts": 8,
            "map": 8, "brands": 6}
ADMIN_MIX = {"data_import": 1, "audit": 1, "accounts": 1}
# demo account → share of officials, and the drills open to it (a city, a county, a town of the demo)
ACCOUNTS = {
    "admin": (0.1, ["city=210600000000", "county=210681000000", "town=210681107000"]),
    "dandong": (0.3, ["county=210681000000", "county=210682000000", "town=210681107000"]),
    "donggang": (0.4, ["town=210681107000", "town=210681101000"]),
    "lizhou": (0.2, [""]),
}
PERIODS = ["", "start=2022-12-01&end=2022-12-31", "start=2022-10-01&end=2022-12-31",
           "start=2022-01-01&end=2022-12-31", "start=2022-12-01&end=2022-12-31&compare=mom"]
ACTIONS = {"page": 6, "period": 2, "drill": 2, "download": 1}
DOWNLOAD = "下载"        # the label downloads are timed under, beside the pages' titles
# a county's quarter of records as an Excel file is minutes of building at low priority on a busy machine:
# an official waits for it (a file is not a page), and only a download not there by then is an error
DOWNLOAD_TIMEOUT = 900


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Official(threading.Thread):
    """One simulated official: a websocket session through the proxy, until `stop_at`."""

    def __init__(self, url: str, user: str, think: float, stop_at: float, seed: int, out: dict,
                 settled_at: float):
        super().__init__(daemon=True)
        self.url, self.user, self.think, self.stop_at, self.out = url, user, think, stop_at, out
        self.settled_at = settled_at        # monotonic time from which a run counts as after the arrival
        self.rng = random.Random(seed)

    def run(self) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        from dangqun import auth
        from dangqun.bench.stclient import Session

        try:
            s = Session(self.url, timeout=120)
            s.rerun()
            t0 = time.perf_counter()
            s.rerun(s.login_states(self.user, auth.DEMO_PASSWORD))
            self._note("登录", t0, s)
        except Exception as exc:  # noqa: BLE001 - a session that fails is a finding, counted
            self.out["errors"].append(f"{self.user} login: {exc!r}"[:300])
            return
        mix = dict(PAGE_MIX, **(ADMIN_MIX if self.user == "admin" else {}))
        page, period, region = "", "", ""
        doing = page
        try:
            while time.monotonic() < self.stop_at:
                time.sleep(min(self.rng.expovariate(1 / self.think), max(0.0, self.stop_at - time.monotonic())))
                if time.monotonic() >= self.stop_at:
                    break
                action = self.rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
                buttons = sorted(k for k in s.downloads if k.startswith(("csv_", "xlsx_")))
                if action == "download" and buttons:
                    doing = DOWNLOAD
                    self._download(s, self.rng.choice(buttons))
                    continue
                if action in ("page", "download"):      # a page without a download button: open another
                    page = self.rng.choices(list(mix), weights=list(mix.values()))[0]
                elif action == "period":
                    period = self.rng.choice(PERIODS)
                else:
                    region = self.rng.choice(ACCOUNTS[self.user][1])
                doing = page
                msg = BackMsg()
                msg.rerun_script.page_name = page
                msg.rerun_script.query_string = "&".join(q for q in (region, period) if q)
                t0 = time.perf_counter()
                s.send(msg)
                s.wait_run()
                self._note(registry.by_slug(page).title, t0, s)
        except Exception as exc:  # noqa: BLE001
            self.out["errors"].append(f"{self.user} {doing}: {exc!r}"[:300])
        finally:
            s.close()

    def _download(self, s, key: str) -> None:
        from dangqun.bench.stclient import DownloadFailed

        t0 = time.perf_counter()
        try:
            s.download(key, timeout=DOWNLOAD_TIMEOUT)
        except DownloadFailed as exc:
            # a refused download is a finding, not a broken session: the official goes on
            self.out["errors"].append(f"{self.user} {DOWNLOAD} {key}: {exc}"[:300])
            return
        self.out["times"][DOWNLOAD].append((time.perf_counter() - t0) * 1000)

    def _note(self, label: str, t0: float, s) -> None:
        ms = (time.perf_counter() - t0) * 1000
        self.out["times"][label].append(ms)
        if time.monotonic() - ms / 1000 >= self.settled_at:
            self.out["settled_times"][label].append(ms)
        if s.exceptions:
            self.out["errors"].append(f"{self.user} {label}: {s.exceptions[0][:200]}")


def _browser_official(url: str, user: str, think: float, stop_at: float, seed: int, out: dict) -> None:
    """A Chromium official: clicks a page in the sidebar, waits for the last chart, thinks."""
    from playwright.sync_api import sync_playwright

    from dangqun import auth

    rng = random.Random(seed)
    titles = [registry.by_slug(slug).title for slug in PAGE_MIX]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        pg = b.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
        pg.set_default_timeout(120_000)
        try:
            pg.goto(url)
            pg.get_by_label("用户名").fill(user)
            pg.get_by_label("密码", exact=True).fill(auth.DEMO_PASSWORD)
            pg.get_by_role("button", name="登录").click()
            pg.get_by_role("button", name="退出").wait_for()
            current = "总览"
            while time.monotonic() < stop_at:
                time.sleep(min(rng.expovariate(1 / think), max(0.0, stop_at - time.monotonic())))
                if time.monotonic() >= stop_at:
                    break
                title = rng.choice([t for t in titles if t != current])
                t0 = time.perf_counter()
                pg.get_by_role("link", name=title, exact=True).click()
                pg.get_by_role("heading", name=title).first.wait_for()
                current = title
                pg.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')
                    && Array.from(document.querySelectorAll('.stPlotlyChart')).every(c => c.querySelector('.main-svg'))""")
                out["browser_times"][title].append((time.perf_counter() - t0) * 1000)
                if pg.locator('[data-testid="stException"]').count():
                    out["errors"].append(f"browser {user} {title}: an exception on the page")
        except Exception as exc:  # noqa: BLE001
            out["errors"].append(f"browser {user}: {exc!r}"[:300])
        finally:
            b.close()


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def run_once(path: Path, workers: int, users: int, think: float, minutes: float, browsers: int, seed: int) -> dict:
    from dangqun import supervisor

    port = supervisor.free_port()
    run_dir = path.parent / "run-load"
    run_dir.mkdir(exist_ok=True)
    log = open(run_dir / "servers.log", "a")
    sup = supervisor.Supervisor(workers, "127.0.0.1", port, supervisor.free_port() + 20, path, run_dir=run_dir, log=log)
    with contextlib.redirect_stdout(sys.stderr):      # the supervisor's lines: stdout is the results'
        sup.start()
    url = f"http://127.0.0.1:{port}"
    out = {"times": defaultdict(list), "settled_times": defaultdict(list), "browser_times": defaultdict(list),
           "errors": []}
    try:
        pids = {i: p.pid for i, p in sup.procs.items()}
        cpu0 = {i: _cpu_seconds(pid) for i, pid in pids.items()}
        wall0 = time.monotonic()
        stop_at = wall0 + minutes * 60
        rng = random.Random(seed)
        names, shares = zip(*((u, a[0]) for u, a in ACCOUNTS.items()))
        spacing = min(0.2, think / max(1, users))      # officials arrive over a few seconds, not in one instant
        # "after the arrival": once the last official has logged in and thought once (mean think time); the
        # runs before it are the arrival's, all logins and every view still uncached at once
        settled_at = wall0 + users * spacing + think
        threads = [Official(url, rng.choices(names, weights=shares)[0], think, stop_at, seed + i, out, settled_at)
                   for i in range(users)]
        threads += [threading.Thread(target=_browser_official, daemon=True,
                                     args=(url, "dandong", think, stop_at, seed + 1000 + i, out))
                    for i in range(browsers)]
        for i, th in enumerate(threads):
            th.start()
            time.sleep(spacing)
        for th in threads:
            th.join(timeout=minutes * 60 + DOWNLOAD_TIMEOUT + 60)
        wall = time.monotonic() - wall0
        cpu = {i: round((_cpu_seconds(pid) - cpu0[i]) / wall * 100, 1) for i, pid in pids.items()}
    finally:
        with contextlib.redirect_stdout(sys.stderr):
            sup.stop()
        log.close()

    def table(times):
        return {label: {"runs": len(v), "p50_ms": round(_pct(v, 50)), "p95_ms": round(_pct(v, 95)),
                        "max_ms": round(max(v))} for label, v in sorted(times.items()) if v}

    return {"workers": workers, "users": users, "think_s": think, "minutes": minutes, "browsers": browsers,
            "runs": sum(len(v) for v in out["times"].values()), "errors": len(out["errors"]),
            "first_errors": out["errors"][:5], "cpu_percent_per_worker": cpu,
            "pages": table(out["times"]), "settled_pages": table(out["settled_times"]),
            "settled_after_s": round(settled_at - wall0, 1), "browser_pages": table(out["browser_times"])}


def main(users: list[int], think: float, minutes: float, workers: list[int], records: int, browsers: int = 3,
         as_json: bool = False, seed: int = 7) -> int:
    from dangqun.bench import pages as page_bench

    with contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext():
        path = page_bench.bench_db(records)         # its progress line: stdout is the results' under --json
    page_bench.use_demo_accounts(path)
    results = []
    for n_users in users:
        for w in workers:
            result = run_once(path, w, n_users, think, minutes, browsers, seed)
            result["records"] = records
            results.append(result)
            print(json.dumps(result, ensure_ascii=False) if as_json else _text(result), flush=True)
    return 0 if all(r["errors"] == 0 for r in results) else 1


def _text(r: dict) -> str:
    lines = [f"\n{r['users']} 名官员（模拟）+ {r['browsers']} 名浏览器官员，平均思考 {r['think_s']:g} s，{r['minutes']:g} 分钟，"
             f"{r['workers']} 个进程：{r['runs']:,} 次运行，错误 {r['errors']}；"
             f"各进程 CPU {', '.join(f'{v:g}%' for v in r['cpu_percent_per_worker'].values())}"]
    lines.append(f"{'页面':<10}{'次数':>6}{'P50(ms)':>9}{'P95(ms)':>9}{'最大(ms)':>9}"
                 f"   到齐后 {r['settled_after_s']:g} s 起 P50/P95(ms)   浏览器 P50/P95/最大(ms)")
    for label, t in r["pages"].items():
        b, a = r["browser_pages"].get(label), r["settled_pages"].get(label)
        lines.append(f"{label:<10}{t['runs']:>6}{t['p50_ms']:>9}{t['p95_ms']:>9}{t['max_ms']:>9}   "
                     + (f"{a['p50_ms']}/{a['p95_ms']}（{a['runs']} 次）" if a else "—") + "   "
                     + (f"{b['p50_ms']}/{b['p95_ms']}/{b['max_ms']}（{b['runs']} 次）" if b else "—"))
    for e in r["first_errors"]:
        lines.append(f"  错误：{e}")
    return "\n".join(lines)
