"""A bare Streamlit client for the served-app tests and the load bench (dangqun.bench.load): what a script
(not a browser) can send to `streamlit run` over HTTP and the websocket — open a session, fill and submit the login
form, send any BackMsg, PUT a file to the upload endpoint, fetch what a download button offers. It speaks the
protocol of Streamlit 1.67 (protobuf BackMsg / ForwardMsg on /_stcore/stream, its paths and cookie named by
dangqun.streamlit_door) and nothing of the app's own code;
of the page's JavaScript it does only what a browser would do with a plain fetch() call in an st.html script."""
from __future__ import annotations

import re
import time
import uuid
from urllib.parse import urljoin, urlparse

import requests
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from dangqun.streamlit_door import CLEAR_CACHE, HEALTH_PATH, STREAM_PATH, UPLOAD_PATH, XSRF_COOKIE

# fetch('path', {method: 'POST', ..., headers: {'Name': 'value'}}) in an st.html script allowed to run JavaScript
FETCH = re.compile(r"fetch\('([^']+)',\s*\{[^{}]*?method:\s*'(\w+)'[^{}]*?headers:\s*\{([^{}]*)\}")
FETCH_HEADER = re.compile(r"'([\w-]+)':\s*'([^']*)'")


class DownloadFailed(RuntimeError):
    """The server would not build or hand over a download."""


class Session:
    """One websocket session of the served app, as a browser tab would hold it."""

    def __init__(self, url: str, timeout: float = 60):
        self.url = url
        self.timeout = timeout
        self.http = requests.Session()
        self.http.get(f"{url}{HEALTH_PATH}", timeout=10).raise_for_status()
        self.xsrf = self.http.cookies.get(XSRF_COOKIE)
        host = urlparse(url).netloc
        # every cookie, not only the XSRF one: behind the proxy of `dangqun serve` its stickiness cookie takes
        # the websocket to the worker the HTTP requests go to, which alone holds this session's downloads
        cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        self.ws = connect(f"ws://{host}{STREAM_PATH}", subprotocols=["streamlit", self.xsrf],
                          additional_headers={"Origin": url, "Cookie": cookies},
                          max_size=None, open_timeout=timeout, legacy=True)
        self.session_id = None
        # the address bar's query as the app last wrote it (page_info_changed): a browser sends it with every
        # run it asks for, and the app takes a different one for Back or Forward to another address
        self.query = ""
        self.widgets: dict[str, str] = {}        # user key → widget id, from the last run's elements
        self.texts: list[str] = []              # alert texts of the last run
        self.exceptions: list[str] = []         # exception messages the last run showed
        self.widgets_seen: set[str] = set()     # user keys of the widgets of the last run
        # user key → ("deferred", file id) or ("url", /media/ URL): the download buttons of the last run
        self.downloads: dict[str, tuple[str, str]] = {}

    def close(self):
        self.ws.close()

    def send(self, msg: BackMsg) -> None:
        self.ws.send(msg.SerializeToString())

    def rerun(self, widget_states=(), query_string: str | None = None) -> list[str]:
        """Ask for a run with these widget states (WidgetState protos) and wait for it to finish, at the
        address's query as the app last wrote it or at `query_string` (a link opened in the tab);
        returns the texts of its alerts."""
        msg = BackMsg()
        msg.rerun_script.query_string = self.query if query_string is None else query_string
        msg.rerun_script.widget_states.widgets.extend(widget_states)
        self.send(msg)
        return self.wait_run()

    def _recv(self, deadline: float) -> ForwardMsg:
        fwd = ForwardMsg()
        fwd.ParseFromString(self.ws.recv(timeout=max(0.1, deadline - time.time())))
        self.saw(fwd)
        return fwd

    def saw(self, fwd: ForwardMsg) -> None:
        """Take note of a message from the server as a browser tab would: its session, its address."""
        kind = fwd.WhichOneof("type")
        if kind == "new_session":
            self.session_id = fwd.new_session.initialize.session_id
        elif kind == "page_info_changed":
            self.query = fwd.page_info_changed.query_string

    def wait_run(self) -> list[str]:
        """Read messages until the run ends (through any st.rerun it makes); its alert texts."""
        self.texts, self.widgets_seen, self.exceptions, self.downloads = [], set(), [], {}
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            fwd = self._recv(deadline)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._note(fwd.delta.new_element)
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    self.texts, self.widgets_seen, self.downloads = [], set(), {}
                else:
                    return self.texts
        raise TimeoutError("the run did not finish")

    def _note(self, element) -> None:
        kind = element.WhichOneof("type")
        inner = getattr(element, kind)
        if hasattr(inner, "id") and inner.id:
            # widget ids end with the user key the app gave the widget
            key = inner.id.rsplit("-", 1)[-1]
            self.widgets[key] = inner.id
            self.widgets_seen.add(key)
        if kind == "alert":
            self.texts.append(inner.body)
        elif kind == "exception":
            self.exceptions.append(inner.message)
        elif kind == "download_button":
            # a download built on click (data given as a callable) has no URL until it is asked for
            self.downloads[key] = (("deferred", inner.deferred_file_id) if inner.HasField("deferred_file_id")
                                   else ("url", inner.url))
        elif kind == "html" and inner.unsafe_allow_javascript:
            self._run_fetches(inner.body)

    def _run_fetches(self, body: str) -> None:
        # The browser runs these at once; the app hands a new login its session cookie this way, and
        # without that cookie the server refuses the session's downloads. A failure is as silent as
        # in the browser: what needed the cookie fails later, where it can say so.
        for path, method, headers in FETCH.findall(body):
            try:
                self.http.request(method, urljoin(self.url + "/", path), headers=dict(FETCH_HEADER.findall(headers)),
                                  timeout=self.timeout)
            except requests.RequestException:
                pass

    def login_states(self, user: str, password: str):
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        user_state = WidgetState(id=self.widgets["login_user"], string_value=user)
        password_state = WidgetState(id=self.widgets["login_password"], string_value=password)
        submit = WidgetState(id=self.widgets["login_submit"], trigger_value=True)
        return [user_state, password_state, submit]

    def upload(self, data: bytes, name: str = "x.csv") -> requests.Response:
        """PUT one file to this session's upload endpoint, as the file uploader does."""
        file_id = uuid.uuid4().hex
        return self.http.put(f"{self.url}{UPLOAD_PATH}{self.session_id}/{file_id}",
                             files={"file": (name, data, "text/csv")},
                             headers={"X-Xsrftoken": self.xsrf}, timeout=self.timeout)

    def download(self, key: str, timeout: float | None = None) -> bytes:
        """The file behind the download button `key` of the last run, as a click fetches it: a button
        whose data is built on click is first asked for over the websocket (backend_operation_request),
        whose answer is the URL to GET; raises DownloadFailed when the server refuses. `timeout`: how long
        the file may take (default the session's)."""
        if key not in self.downloads:
            raise KeyError(f"no download button {key!r} in the last run (it had {sorted(self.downloads)})")
        timeout = timeout or self.timeout
        kind, ref = self.downloads[key]
        url = ref if kind == "url" else self._deferred_url(key, ref, timeout)
        r = self.http.get(urljoin(self.url + "/", url.lstrip("/")), timeout=timeout)
        if r.status_code != 200:
            raise DownloadFailed(f"download {key!r}: GET {url} answered HTTP {r.status_code}")
        return r.content

    def _deferred_url(self, key: str, file_id: str, timeout: float) -> str:
        msg = BackMsg()
        request = msg.backend_operation_request
        request.request_id = uuid.uuid4().hex
        # the server refuses a request naming another session (its answer is then an error)
        request.session_id = self.session_id or ""
        request.deferred_file.file_id = file_id
        self.send(msg)
        deadline = time.time() + timeout
        while time.time() < deadline:
            # other messages (a status change, a heartbeat's answer) may come first; they change nothing here
            fwd = self._recv(deadline)
            if fwd.WhichOneof("type") == "backend_operation_response" \
                    and fwd.backend_operation_response.request_id == request.request_id:
                answer = fwd.backend_operation_response
                if answer.error_msg or not answer.deferred_file.url:
                    reason = f" ({answer.error_reason})" if answer.error_reason else ""
                    raise DownloadFailed(f"download {key!r}: the server answered "
                                         f"{answer.error_msg or 'no URL'!r}{reason}")
                return answer.deferred_file.url
        raise TimeoutError(f"download {key!r}: no answer to the request within {timeout:g} s")


def clear_cache_msg() -> BackMsg:
    msg = BackMsg()
    setattr(msg, CLEAR_CACHE, True)
    return msg


class Served:
    """`streamlit run serve.py` (as `make run` and the README start it) on a free port of 127.0.0.1,
    over the database `db_path`; the accounts come from $DANGQUN_USERS (conftest's accounts_file).
    stop() ends the process, after which the database can be opened to count audit rows. The process
    starts with the usual umask 022 (not the test process's), as an operator's shell would."""

    def __init__(self, db_path, log_path, *options: str, umask: int = 0o022):
        import os
        import socket
        import subprocess
        import sys
        from pathlib import Path

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        root = Path(__file__).resolve().parents[2]
        self.db_path = db_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             *options],
            cwd=root, env={**os.environ, "DANGQUN_DB": str(db_path)}, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.umask(umask))
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                requests.get(self.url + HEALTH_PATH, timeout=2).raise_for_status()
                return
            except requests.RequestException:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("streamlit did not start within 60 s")

    def session(self) -> Session:
        """A new session that has run the app once (the login form is on its page)."""
        s = Session(self.url)
        s.rerun()
        return s

    def logged_in(self, user: str, password: str) -> Session:
        s = self.session()
        texts = s.rerun(s.login_states(user, password))
        assert "login_user" not in s.widgets_seen and "logout" in s.widgets_seen, texts
        return s

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.log.close()

