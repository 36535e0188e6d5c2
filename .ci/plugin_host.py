"""CI: hitlcrm installed as a plug-in into a host project, from its wheel alone.

Builds the wheel from the checkout's tracked files, installs it into a fresh venv with only its
declared dependencies (`pip install -c constraints.txt dist/hitlcrm-*.whl`), and generates a host
project in a temporary folder from tests/host_project (as the package `host`: a user model that
signs in by email, its own admin registrations and its own DRF endpoint, its own apps labelled
`reviews` and `integrations` beside hitlcrm's `hitlcrm_reviews` and `hitlcrm_integrations`, its own
Celery app and REST_FRAMEWORK, no hitlcrm settings but the Salesforce login). Everything runs from that folder, so
nothing is imported from the checkout. Then: `migrate`, `check`, the Salesforce emulator,
`runserver` and a worker started as `celery -A host worker`; an agent submits a CRM change, a
reviewer approves it in the console, the worker executes it to the emulator. And: the host's own
DRF endpoint refuses the agent's token, and the host's groups and superuser are as they were.

Usage: python3 .ci/plugin_host.py   (exits non-zero naming the failed step; PLUGIN_KEEP=1 keeps the folder)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ci_support import (  # noqa: E402
    ROOT,
    Http,
    alive,
    console_approve,
    emulator_contact,
    free_port,
    fresh_venv,
    run,
    start,
    start_salesforce_emulator,
    step,
    stop_all,
    wait,
)

from tests.source_tree import copy_source_tree  # noqa: E402

PASSWORD = "host-review-2026"
CI_SETTINGS = '''"""The host's settings for this run: its own, the Salesforce org (the emulator), the console's address."""

import os

from .settings import *  # noqa: F401,F403

SALESFORCE_INSTANCE_URL = os.environ["SALESFORCE_INSTANCE_URL"]
SALESFORCE_SESSION_ID = os.environ["SALESFORCE_SESSION_ID"]
SALESFORCE_CA_BUNDLE = os.environ["SALESFORCE_CA_BUNDLE"]
HITLCRM_BASE_URL = os.environ["HOST_BASE_URL"]
HITLCRM_UNDO_GRACE_SECONDS = 0
'''
MANAGE = '''import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "host.settings_ci")
execute_from_command_line(sys.argv)
'''
# The host's own groups and superuser, made before hitlcrm's commands run; printed as JSON to compare.
HOST_SNAPSHOT = (
    "import json; from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
    "print(json.dumps({'groups': {g.name: sorted(g.permissions.values_list('codename', flat=True)) "
    "for g in Group.objects.exclude(name__startswith='hitlcrm: ')}, "
    "'owner': list(get_user_model().objects.filter(email='owner@host.example')"
    ".values_list('is_superuser', 'is_staff', 'password'))}))"
)
HOST_SETUP = (
    "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group, Permission; "
    "get_user_model().objects.create_superuser('owner@host.example', 'owner-pass-2026'); "
    "Group.objects.create(name='admin').permissions.set(Permission.objects.filter(content_type__app_label='accounts')); "
    "Group.objects.create(name='reviewer'); "
    "from host.accounts.models import Invoice; Invoice.objects.create(number='INV-1', amount='10.00')"
)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="hitlcrm-plugin-"))
    logs = work / "logs"
    logs.mkdir()
    try:
        step(f"build the wheel and install it with its declared dependencies into {work}/venv")
        python, base_env = fresh_venv(work)
        run([python, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(work / "dist"),
             str(copy_source_tree(ROOT, work / "source"))], base_env)
        (wheel,) = (work / "dist").glob("hitlcrm-*.whl")
        run([python, "-m", "pip", "install", "--quiet", "-c", str(ROOT / "constraints.txt"), str(wheel)], base_env)
        shutil.rmtree(work / "source")

        step("generate the host project")
        shutil.copytree(ROOT / "tests" / "host_project", work / "host", ignore=shutil.ignore_patterns("var", "__pycache__"))
        (work / "host" / "settings_ci.py").write_text(CI_SETTINGS)
        (work / "manage.py").write_text(MANAGE)
        web_port = free_port()
        web = f"http://127.0.0.1:{web_port}"
        env = {**base_env, "DJANGO_SETTINGS_MODULE": "host.settings_ci", "HOST_VAR_DIR": str(work / "var"),
               "HOST_BASE_URL": web, "PYTHONUNBUFFERED": "1", "SALESFORCE_INSTANCE_URL": "",
               "SALESFORCE_SESSION_ID": "", "SALESFORCE_CA_BUNDLE": ""}
        manage = [python, "manage.py"]
        where = run([python, "-c", "import reviews; print(reviews.__file__)"], env, cwd=work)
        assert "site-packages" in where, f"reviews imported from {where}, not from the installed wheel"

        step("migrate and check (the host's own apps labelled reviews and integrations beside hitlcrm's)")
        run([*manage, "migrate", "--noinput", "-v0"], env, cwd=work)
        run([*manage, "check", "--database", "default"], env, cwd=work)
        labels = run([*manage, "shell", "-v0", "-c", "from django.apps import apps; print(sorted((c.label, c.name) "
                      "for c in apps.get_app_configs() if c.label.endswith(('reviews', 'integrations'))))"], env, cwd=work)
        assert labels.strip() == ("[('hitlcrm_integrations', 'integrations'), ('hitlcrm_reviews', 'reviews'), "
                                  "('integrations', 'host.integrations'), ('reviews', 'host.reviews')]"), labels
        run([*manage, "shell", "-v0", "-c", HOST_SETUP], env, cwd=work)
        before = json.loads(run([*manage, "shell", "-v0", "-c", HOST_SNAPSHOT], env, cwd=work))

        step("start the Salesforce emulator, the host's web server and `celery -A host worker`")
        salesforce = start_salesforce_emulator(manage, env, work, logs, cwd=work)
        env.update(salesforce)
        start("web", [*manage, "runserver", "--noreload", f"127.0.0.1:{web_port}"], env, logs, cwd=work)
        start("worker", [python, "-m", "celery", "-A", "host", "worker", "--concurrency", "1", "--loglevel", "INFO"],
              env, logs, cwd=work)

        def web_answers() -> bool:
            alive(logs)
            try:
                return Http(web).request("GET", "/admin/login/")[0] == 200
            except OSError:
                return False

        wait(web_answers, timeout=60, what="the web server")
        wait(lambda: b"ready" in (logs / "worker.log").read_bytes() or alive(logs), timeout=60, what="the worker")

        step("an agent, a reviewer who signs in by email, the allow-list and a policy")
        token = run([*manage, "create_agent", "host-agent"], env, cwd=work).strip().splitlines()[-1]
        run([*manage, "create_reviewer", "rita@host.example", "--password", PASSWORD], env, cwd=work)
        run([*manage, "shell", "-v0", "-c", "from reviews.models import CrmObjectRule, Policy; "
             "CrmObjectRule.objects.create(crm_object='Contact', allowed_fields=['Title']); "
             "Policy.objects.create(task_type='*', mode='always_review')"], env, cwd=work)

        step("submit -> review in the console -> execute to the emulator")
        agent = Http(web, {"Authorization": f"Token {token}"})
        contact_id = emulator_contact(salesforce)["Id"]
        code, record = agent.json("POST", "/hitlcrm/api/v1/crm-changes/", {
            "kind": "update", "crm_object": "Contact", "crm_id": contact_id, "fields": {"Title": "CTO"},
            "field_confidence": {"Title": 0.9}, "confidence": 0.9, "task_type": "contact_update",
            "evidence": [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "CTO at Contoso"}]})
        assert code == 201, f"submitting answered {code}: {record}"

        def state() -> dict[str, Any]:
            code, body = agent.json("GET", f"/hitlcrm/api/v1/crm-changes/{record['id']}/")
            assert code == 200, (code, body)
            return body

        wait(lambda: alive(logs) or state()["status"] == "needs_review", timeout=90, what="the checks")
        console_approve(web, "rita@host.example", PASSWORD, [record["review_url"]])
        wait(lambda: alive(logs) or state()["status"] in {"done", "failed", "conflict"}, timeout=90, what="the execution")
        assert state()["status"] == "done", state()
        assert emulator_contact(salesforce)["Title"] == "CTO", emulator_contact(salesforce)

        step("the host's own API refuses the agent's token; the host's groups and superuser are untouched")
        for method in ("GET", "DELETE"):
            path = "/internal-api/invoices/" if method == "GET" else "/internal-api/invoices/1/"
            code, body = agent.request(method, path)
            assert code in {401, 403}, f"{method} {path} with an agent token answered {code}: {body[:300]}"
        refused = subprocess.run([*manage, "create_reviewer", "owner@host.example", "--password", "x", "--group", "admin"],
                                 env=env, cwd=work, capture_output=True, text=True, timeout=120)
        assert refused.returncode != 0 and "is a superuser" in refused.stderr, (refused.returncode, refused.stderr)
        after = json.loads(run([*manage, "shell", "-v0", "-c", HOST_SNAPSHOT], env, cwd=work))
        assert after == before, f"the host's groups or superuser changed:\n{before}\n{after}"
        step("passed")
    finally:
        stop_all()
        if os.environ.get("PLUGIN_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"plugin_host: kept {work}", flush=True)


if __name__ == "__main__":
    main()
