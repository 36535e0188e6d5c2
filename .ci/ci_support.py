"""What the CI scripts that drive real installs share (.ci/smoke_install.py, .ci/plugin_host.py):
processes with their logs, waiting, a cookie-keeping HTTP client, a fresh venv, the Salesforce
emulator with one Contact, and a reviewer approving in the console. Standard library only: the test
packages are not installed where these run."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.html_forms import form_submission  # noqa: E402  (standard library only)

PROCESSES: list[subprocess.Popen] = []
NAME = os.path.basename(sys.argv[0]).removesuffix(".py") or "ci"  # prefixes every message
CONTACT = {"FirstName": "Ada", "LastName": "Lovelace", "Title": "Engineer", "Email": "ada@contoso.example",
           "HasOptedOutOfEmail": False}


def step(text: str) -> None:
    print(f"--- {NAME}: {text}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(predicate: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise SystemExit(f"{NAME}: timed out after {timeout:.0f}s waiting for {what}")


def run(command: list[str], env: dict[str, str], *, cwd: Path = ROOT, **kwargs: Any) -> str:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=900, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{NAME}: {' '.join(command[:4])} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def start(name: str, command: list[str], env: dict[str, str], logs: Path, *, cwd: Path = ROOT) -> subprocess.Popen:
    log = open(logs / f"{name}.log", "wb")  # noqa: SIM115  (open as long as the process runs)
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    PROCESSES.append(process)
    return process


def stop_all() -> None:
    for process in PROCESSES:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in PROCESSES:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def alive(logs: Path) -> None:
    """Returns nothing while every started process runs; stops the script, with the logs, if one exited."""
    for process in PROCESSES:
        if process.poll() is not None:
            tails = "\n".join(f"== {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs.glob("*.log"))
            raise SystemExit(f"{NAME}: {' '.join(process.args[1:4])} exited ({process.returncode}):\n{tails}")


class Http:
    """A browser-ish client: cookies, CSRF token from the form, Referer."""

    def __init__(self, base: str, headers: dict[str, str] | None = None, *, cafile: str | None = None) -> None:
        self.base = base
        self.headers = headers or {}
        handlers: list[Any] = [urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())]
        if cafile:
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cafile)))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, method: str, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
                ) -> tuple[int, str]:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, method=method, headers={**self.headers, **(headers or {})})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def json(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        code, text = self.request(method, path, data=data, headers={"Content-Type": "application/json"})
        try:
            return code, json.loads(text)
        except json.JSONDecodeError:
            return code, text

    def form(self, path: str, fields: list[tuple[str, str]], referer: str) -> tuple[int, str]:
        return self.request("POST", path, data=urllib.parse.urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": referer})


def csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise SystemExit(f"{NAME}: no CSRF token on the page")
    return match.group(1)


def fresh_venv(folder: Path) -> tuple[str, dict[str, str]]:
    """A new venv under ``folder`` with a current pip: its interpreter and an environment that
    inherits nothing of this process but PATH basics and pip's configuration."""
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True)
    python = str(folder / "venv" / "bin" / "python")
    env = {"PATH": f"{folder / 'venv' / 'bin'}:/usr/bin:/bin", "HOME": str(folder), "LANG": "C.UTF-8"}
    env.update({name: value for name, value in os.environ.items() if name.startswith("PIP_")})
    run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], env)
    return python, env


def start_salesforce_emulator(manage: list[str], env: dict[str, str], work: Path, logs: Path, *,
                              cwd: Path = ROOT) -> dict[str, str]:
    """``manage salesforce_emulator`` with one Contact (CONTACT); the SALESFORCE_* settings it prints."""
    seed = work / "seed.json"
    seed.write_text(json.dumps({"Contact": [CONTACT]}))
    start("salesforce-emulator", [*manage, "salesforce_emulator", "--port", str(free_port()), "--cert-dir",
                                  str(work / "sf"), "--seed-file", str(seed)], env, logs, cwd=cwd)
    emulator_log = logs / "salesforce-emulator.log"
    wait(lambda: "SALESFORCE_CA_BUNDLE=" in emulator_log.read_text(errors="replace") or alive(logs), timeout=60,
         what="the Salesforce emulator")
    return {key: value.strip() for key, value in (line.split("=", 1) for line in emulator_log.read_text().splitlines()
                                                  if line.startswith("SALESFORCE_") and "=" in line)}


def emulator_contact(salesforce: dict[str, str]) -> dict[str, Any]:
    """CONTACT as the emulator holds it now (SOQL over its REST API)."""
    client = Http(salesforce["SALESFORCE_INSTANCE_URL"], {"Authorization": f"Bearer {salesforce['SALESFORCE_SESSION_ID']}"},
                  cafile=salesforce["SALESFORCE_CA_BUNDLE"])
    soql = urllib.parse.quote(f"SELECT Id, Title FROM Contact WHERE Email = '{CONTACT['Email']}'")
    code, body = client.json("GET", f"/services/data/v62.0/query/?q={soql}")
    assert code == 200 and body["totalSize"] == 1, (code, body)
    return body["records"][0]


def console_approve(web: str, login: str, password: str, review_urls: list[str], *, admin: str = "/admin/") -> None:
    """A reviewer signs in to the console (the login form, as a person does) and approves each page."""
    reviewer = Http(web)
    _, page = reviewer.request("GET", f"{admin}login/")
    code, page = reviewer.form(f"{admin}login/?next={admin}", [("username", login), ("password", password),
                                                                ("csrfmiddlewaretoken", csrf(page))],
                               referer=f"{web}{admin}login/")
    assert code == 200 and "Log out" in page, f"{login} could not log in"
    for url in review_urls:
        code, page = reviewer.request("GET", url)
        assert code == 200, f"review page {url}: {code}"
        action, fields = form_submission(page, "decide-form")
        code, page = reviewer.form(urllib.parse.urljoin(url, action), [*fields, ("action", "approve")], referer=url)
        assert code == 200, f"approving {url} answered {code}: {page[:500]}"
