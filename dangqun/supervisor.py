"""`dangqun serve --workers N`: N Streamlit processes behind HAProxy on one port (README 「多个进程」).

Streamlit runs every page script of a server in one Python process, so a province needs several. Each worker
is `streamlit run serve.py` on a local port; HAProxy (Debian's package) listens on the dashboard's port, sends
each browser to the worker that served its first page (a cookie: the page's websocket, its uploads and its
downloads live in that worker's memory), checks /_stcore/health every 2 s, and sends the browsers of a worker
that died to another, where their session cookie logs them in again (the sessions are in the operational
store). This process starts them, writes HAProxy's configuration from deploy/haproxy.cfg.template at every
start, restarts a worker that dies, and stops everything on SIGTERM or Ctrl-C.
Only the first worker looks into the inbox (the others would start importers for the same files).
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from string import Template

from dangqun import db
from dangqun.streamlit_door import HEALTH_PATH

TEMPLATE = db.ROOT / "deploy" / "haproxy.cfg.template"
COOKIE = "DANGQUN_WORKER"
RESTART_PAUSE = 2.0          # seconds before a worker that died is started again (no tight crash loop)
log = logging.getLogger(__name__)


class ServeError(RuntimeError):
    """Something the operator must fix before the dashboard can start (one line)."""


def haproxy_config(bind: str, ports: list[int]) -> str:
    """HAProxy's configuration for workers on `ports` of 127.0.0.1, the dashboard listening on `bind`."""
    servers = "\n".join(f"    server w{i} 127.0.0.1:{port} check cookie w{i}" for i, port in enumerate(ports, start=1))
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(bind=bind, cookie=COOKIE, servers=servers,
                                                                  health=HEALTH_PATH)


def _free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on now (the load bench's and the tests' servers)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_ports(first: int, workers: int) -> list[int]:
    """`workers` free local ports from `first` on."""
    ports, port = [], first
    while len(ports) < workers:
        if port > 65535:
            raise ServeError(f"从 {first} 起找不到 {workers} 个空闲端口")
        if _free("127.0.0.1", port):
            ports.append(port)
        port += 1
    return ports


class Supervisor:
    def __init__(self, workers: int, host: str = "127.0.0.1", port: int = 8501, worker_port: int | None = None,
                 db_path=None, run_dir: Path | None = None, log=None):
        if workers < 1:
            raise ServeError("--workers 至少为 1")
        self.haproxy = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
        if self.haproxy is None:
            raise ServeError("没有找到 haproxy（Debian：apt-get install haproxy）；单进程请用 make run")
        if not _free(host, port):
            raise ServeError(f"端口 {host}:{port} 已被占用")
        self.db_path = db.resolve_path(db_path)
        self.host, self.port = host, port
        self.ports = worker_ports(worker_port or port + 1, workers)
        self.run_dir = run_dir or self.db_path.parent / "run"
        self.procs: dict[int, subprocess.Popen] = {}
        self.proxy: subprocess.Popen | None = None
        self.stopping = False
        self.log = log            # a file the workers and the proxy write to (None: this process's own output)

    def _worker(self, i: int) -> subprocess.Popen:
        env = {**os.environ, "DANGQUN_DB": str(self.db_path), "DANGQUN_WORKER": str(i)}
        if i > 1:
            env["DANGQUN_INBOX_POLL"] = "0"
        return subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(self.ports[i - 1]),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=db.ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT if self.log else None)

    def _proxy(self) -> subprocess.Popen:
        self.run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        cfg = self.run_dir / "haproxy.cfg"
        cfg.write_text(haproxy_config(f"{self.host}:{self.port}", self.ports), encoding="utf-8")
        check = subprocess.run([self.haproxy, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
        if check.returncode != 0:
            raise ServeError(f"HAProxy 配置无效：{(check.stderr or check.stdout).strip()[:300]}")
        return subprocess.Popen([self.haproxy, "-W", "-db", "-q", "-f", str(cfg)],      # -q: alerts only
                                stdout=self.log, stderr=subprocess.STDOUT if self.log else None)

    def start(self) -> None:
        from dangqun import publish

        publish.prepare(self.db_path)         # once, before N workers would each try
        for i in range(1, len(self.ports) + 1):
            self.procs[i] = self._worker(i)
        self._wait_healthy()
        self.proxy = self._proxy()
        self._wait_healthy(30, [self.port], self.host if self.host not in ("0.0.0.0", "::") else "127.0.0.1")
        print(f"党群服务数据看板：http://{self.host}:{self.port}（{len(self.ports)} 个进程："
              f"{', '.join(map(str, self.ports))}）", flush=True)

    def _wait_healthy(self, seconds: float = 90, ports=None, host: str = "127.0.0.1") -> None:
        """The workers answering /_stcore/health before the proxy opens (its checks would mark them down), and
        the proxy answering before start() returns."""
        import urllib.request

        deadline = time.monotonic() + seconds
        for port in ports or self.ports:
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(f"http://{host}:{port}{HEALTH_PATH}", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)

    def watch_once(self) -> list[int]:
        """Start again what died; the workers restarted."""
        restarted = []
        for i, proc in list(self.procs.items()):
            if proc.poll() is not None and not self.stopping:
                log.warning("worker %s (port %s) ended with %s; starting it again", i, self.ports[i - 1], proc.returncode)
                print(f"进程 {i}（端口 {self.ports[i - 1]}）已退出（{proc.returncode}），重新启动", flush=True)
                time.sleep(RESTART_PAUSE)
                self.procs[i] = self._worker(i)
                restarted.append(i)
        if self.proxy is not None and self.proxy.poll() is not None and not self.stopping:
            print(f"HAProxy 已退出（{self.proxy.returncode}），重新启动", flush=True)
            self.proxy = self._proxy()
        return restarted

    def stop(self) -> None:
        self.stopping = True
        for proc in [self.proxy, *self.procs.values()]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 20
        for proc in [self.proxy, *self.procs.values()]:
            if proc is None:
                continue
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def run(self) -> int:
        def _stop(signum, _frame):
            self.stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.start()
        try:
            while not self.stopping:
                self.watch_once()
                time.sleep(1)
        finally:
            self.stop()
        print("党群服务数据看板已停止", flush=True)
        return 0
