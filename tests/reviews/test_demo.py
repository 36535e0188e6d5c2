"""`make demo` (``manage.py run_demo``) as the README describes it: a fresh demo database, a console a
reviewer logs in to through the login form, a queue, and an approval the worker executes — the
email lands in the mail sink, the CRM change in the Salesforce emulator. Real processes, started by
run_demo itself, in a temporary HITLCRM_VAR_DIR on free ports."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from reviews.management.commands.seed_demo import DEMO_PASSWORD
from tests.conftest import ROOT
from tests.support import form_submission, free_port, wait_for

pytestmark = pytest.mark.integration

# Variables that would point the demo at this test run's services instead of its own.
FOREIGN = ("DATABASE_URL", "CELERY_BROKER_URL", "HITLCRM_BROKER_DIR", "HITLCRM_UNDO_GRACE_SECONDS")


@dataclass
class Demo:
    url: str
    var: Path
    token: str
    process: subprocess.Popen

    def log(self, name: str) -> str:
        path = self.var / "demo" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-3000:]}" for name in ("run_demo", "web", "worker",
                                                                              "salesforce-emulator"))

    def api(self, path: str) -> dict:
        response = requests.get(f"{self.url}{path}", headers={"Authorization": f"Token {self.token}"}, timeout=10)
        response.raise_for_status()
        return response.json()

    def emulator_env(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.log("salesforce-emulator").splitlines()
                    if line.startswith("SALESFORCE_") and "=" in line)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    var = tmp_path_factory.mktemp("demo-var")
    (var / "demo").mkdir()
    port = free_port()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PYTEST", "SALESFORCE_", "EMAIL_")) and name not in FOREIGN}
    env.update(HITLCRM_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="hitlcrm.settings.base", PYTHONUNBUFFERED="1")
    log = open(var / "demo" / "run_demo.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_demo", "--port", str(port), "--salesforce-port", str(free_port()),
         "--smtp-port", str(free_port()), "--limit", "30"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    demo = Demo(url=f"http://127.0.0.1:{port}", var=var, token="", process=process)
    try:
        wait_for(lambda: process.poll() is not None or "hitlcrm demo:" in demo.log("run_demo"), timeout=90,
                 what=lambda: f"run_demo to set up\n{demo.logs()}")
        assert process.poll() is None, demo.logs()
        demo.token = (var / "demo" / "agent-token.txt").read_text().strip()

        def serving() -> bool:
            try:
                return requests.get(f"{demo.url}/admin/login/", timeout=2).status_code == 200
            except requests.ConnectionError:
                return False

        wait_for(serving, timeout=60, interval=0.3, what=lambda: f"the demo console\n{demo.logs()}")
        wait_for(lambda: "ready" in demo.log("worker"), timeout=60, what=lambda: f"the demo worker\n{demo.logs()}")
        yield demo
    finally:
        # Ctrl-C, as the banner says: run_demo stops every process it started.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def log_in(demo: Demo, username: str, password: str) -> tuple[requests.Session, requests.Response]:
    """Through the console's login form, as a browser submits it."""
    session = requests.Session()
    page = session.get(f"{demo.url}/admin/login/", timeout=10)
    action, fields = form_submission(page.text, "login-form")
    data = [(name, value) for name, value in fields if name not in {"username", "password"}]
    data += [("username", username), ("password", password)]
    return session, session.post(f"{demo.url}{action}", data=data, headers={"Referer": page.url}, timeout=10)


def approve_first_in_queue(demo: Demo, session: requests.Session, queue: str) -> int:
    """Open the queue, open its first item, press Approve; returns the item's id."""
    listing = session.get(f"{demo.url}/admin/hitlcrm_reviews/{queue}/", timeout=10)
    assert listing.status_code == 200
    first = re.search(rf'href="(/admin/hitlcrm_reviews/{queue}/(\d+)/review/)"', listing.text)
    assert first, f"no item in the {queue} queue"
    review = session.get(f"{demo.url}{first.group(1)}", timeout=10)
    assert review.status_code == 200 and 'id="approve"' in review.text
    action, fields = form_submission(review.text, "decide-form")
    decided = session.post(f"{demo.url}{action}", data=[*fields, ("action", "approve")],
                           headers={"Referer": review.url}, timeout=10, allow_redirects=False)
    assert decided.status_code in {302, 303}, decided.text[:2000]  # on to the next item
    return int(first.group(2))


def test_a_reviewer_logs_in_to_the_demo_console_and_approves_and_the_approval_is_executed(demo: Demo) -> None:
    session, response = log_in(demo, "reviewer", "wrong password")
    assert 'id="login-form"' in response.text  # refused: the form again
    session, response = log_in(demo, "reviewer", DEMO_PASSWORD)
    assert response.url == f"{demo.url}/admin/" and 'href="/admin/hitlcrm_reviews/emaildraft/"' in response.text

    email_id = approve_first_in_queue(demo, session, "emaildraft")
    change_id = approve_first_in_queue(demo, session, "crmchange")
    assert demo.api(f"/api/v1/email-drafts/{email_id}/")["status"] == "approved"

    # The worker executes both after the demo's undo grace period (10 s).
    def executed(path: str) -> dict | None:
        record = demo.api(path)
        return record if record["status"] in {"done", "failed", "conflict"} else None

    email = wait_for(lambda: executed(f"/api/v1/email-drafts/{email_id}/"), timeout=45, interval=0.5,
                     what=lambda: f"the email's execution\n{demo.logs()}")
    change = wait_for(lambda: executed(f"/api/v1/crm-changes/{change_id}/"), timeout=20, interval=0.5,
                      what=lambda: f"the CRM change's execution\n{demo.logs()}")
    assert (email["status"], change["status"]) == ("done", "done"), (email, change, demo.logs())
    assert email["decision"]["by"] == change["decision"]["by"] == "reviewer"

    # The email is in the mail sink's log, the change in the emulator's Contact.
    wait_for(lambda: email["final"]["subject"] in demo.log("smtp-sink"), timeout=10,
             what="the approved email in the mail sink")
    salesforce = demo.emulator_env()
    contact = requests.get(
        f"{salesforce['SALESFORCE_INSTANCE_URL']}/services/data/v62.0/sobjects/Contact/{change['crm_id']}",
        headers={"Authorization": f"Bearer {salesforce['SALESFORCE_SESSION_ID']}"},
        verify=salesforce["SALESFORCE_CA_BUNDLE"], timeout=10,
    ).json()
    assert change["final"]["fields"] and all(contact[name] == value for name, value in change["final"]["fields"].items())
