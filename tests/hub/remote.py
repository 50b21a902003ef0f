"""Driving a real JupyterHub over HTTP, as a browser would: the hub's REST API, a learner's
Jupyter server API (contents, sessions) and a kernel's websocket (the Jupyter messaging
protocol). Used by the hub test and by ``benchmarks/bench_hub.py``; nothing here is mocked.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
import websocket


class HubError(RuntimeError):
    """The hub or a learner's server answered with an error."""


@dataclass
class Hub:
    """A hub at ``url`` (``http://127.0.0.1:PORT``) driven with an admin service token."""

    url: str
    token: str

    def _h(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def api(self, method: str, path: str, **kw: Any) -> requests.Response:
        r = requests.request(method, f"{self.url}{path}", headers=self._h(), timeout=60, **kw)
        if r.status_code >= 400:
            raise HubError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r

    def wait_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise HubError(f"the hub at {self.url} did not answer within {timeout:.0f} s")

    def start_server(self, user: str, timeout: float = 120.0) -> float:
        """Start a learner's server; return the seconds until it answered as ready."""
        t0 = time.monotonic()
        r = requests.post(f"{self.url}/hub/api/users/{user}/server", headers=self._h(), timeout=60)
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise HubError(f"starting {user}: {r.status_code} {r.text[:300]}")
        while time.monotonic() - t0 < timeout:
            server = self.api("GET", f"/hub/api/users/{user}").json().get("servers", {}).get("")
            if server and server.get("ready"):
                return time.monotonic() - t0
            time.sleep(0.2)
        raise HubError(f"{user}'s server was not ready after {timeout:.0f} s")

    def stop_server(self, user: str) -> None:
        requests.delete(f"{self.url}/hub/api/users/{user}/server", headers=self._h(), timeout=60)

    def server(self, user: str) -> UserServer:
        return UserServer(self, user)


@dataclass
class UserServer:
    """One learner's Jupyter server, reached through the hub's proxy."""

    hub: Hub
    user: str

    @property
    def base(self) -> str:
        return f"{self.hub.url}/user/{self.user}"

    def api(self, method: str, path: str, **kw: Any) -> requests.Response:
        return self.hub.api(method, f"/user/{self.user}{path}", **kw)

    def git_pull(self, repo: str, targetpath: str, branch: str = "main") -> list[str]:
        """Open an nbgitpuller link's back end and return its log; raise if it failed."""
        r = requests.get(
            f"{self.base}/git-pull/api",
            params={"repo": repo, "branch": branch, "targetpath": targetpath},
            headers=self.hub._h(),
            stream=True,
            timeout=120,
        )
        log: list[str] = []
        for raw in r.iter_lines(decode_unicode=True):
            if not raw or not raw.startswith("data:"):
                continue
            event = json.loads(raw[5:])
            log.append(str(event.get("output") or event.get("message") or ""))
            if event.get("phase") == "finished":
                return log
            if event.get("phase") == "error":
                raise HubError(f"git-pull for {self.user} failed: {event.get('message')}")
        raise HubError(f"git-pull for {self.user} ended without finishing: {log[-3:]}")

    def notebook(self, path: str) -> dict[str, Any]:
        return self.api("GET", f"/api/contents/{path}", params={"content": 1}).json()["content"]

    def save_notebook(self, path: str, nb: dict[str, Any]) -> None:
        self.api("PUT", f"/api/contents/{path}", json={"type": "notebook", "content": nb})

    def kernel(self, notebook_path: str) -> Kernel:
        """A kernel started for a notebook (its working folder is the notebook's folder)."""
        body = {"path": notebook_path, "type": "notebook", "kernel": {"name": "python3"}}
        session = self.api("POST", "/api/sessions", json=body).json()
        return Kernel(self, session["id"], session["kernel"]["id"])


@dataclass
class Outcome:
    """What one executed cell produced."""

    status: str
    text: str
    html: str
    error: str
    seconds: float


@dataclass
class Kernel:
    """A running kernel, spoken to over its websocket."""

    server: UserServer
    session_id: str
    kernel_id: str
    _ws: Any = field(default=None, repr=False)
    _sid: str = field(default_factory=lambda: uuid.uuid4().hex, repr=False)

    def _connect(self) -> Any:
        if self._ws is None:
            url = self.server.base.replace("http", "ws", 1)
            self._ws = websocket.create_connection(
                f"{url}/api/kernels/{self.kernel_id}/channels",
                header=[f"Authorization: token {self.server.hub.token}"],
                timeout=300,
            )
        return self._ws

    def _messages(self) -> Iterator[dict[str, Any]]:
        ws = self._connect()
        while True:
            yield json.loads(ws.recv())

    def run(self, code: str) -> Outcome:
        """Execute ``code`` and wait for its reply and for the kernel to be idle again."""
        msg_id = uuid.uuid4().hex
        msg = {
            "header": {
                "msg_id": msg_id,
                "msg_type": "execute_request",
                "username": self.server.user,
                "session": self._sid,
                "date": "",
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            "channel": "shell",
            "buffers": [],
        }
        t0 = time.monotonic()
        self._connect().send(json.dumps(msg))
        text, html, error, status, idle = [], [], "", "", False
        for m in self._messages():
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = m["msg_type"], m["content"]
            if kind == "stream":
                text.append(content["text"])
            elif kind in ("display_data", "execute_result"):
                data = content.get("data", {})
                html.append(data.get("text/html", ""))
                text.append(data.get("text/plain", "") + "\n")
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                status = content["status"]
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            if status and idle:
                return Outcome(status, "".join(text), "".join(html), error, time.monotonic() - t0)
        raise HubError("the kernel connection closed")

    def run_notebook(self, nb: dict[str, Any]) -> list[Outcome]:
        """Run every code cell in order (like Run All); stop at the first error."""
        out = []
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            result = self.run(src)
            out.append(result)
            if result.status != "ok":
                raise HubError(f"cell failed: {result.error}\n--- cell ---\n{src[:500]}")
        return out

    def close(self) -> None:
        if self._ws is not None:
            self._ws.close()
        self.server.api("DELETE", f"/api/sessions/{self.session_id}")
