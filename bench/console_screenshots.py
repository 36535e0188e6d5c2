"""The README's console screenshots, taken from the demo's own data.

    .venv/bin/python -m bench.console_screenshots [--out docs/screenshots]

Seeds a fresh demo database in a temporary folder (``manage.py run_demo --no-serve``: the labelled
corpus through the API's serializers, the checks against the local Salesforce emulator), serves
the console from it in-process, and saves ``queue.png`` (the email drafts queue, a colleague
holding one item),
``review.png`` (the first item of that queue after one keyboard approval, with the undo bar) and
``review-crm.png`` (a CRM change), and the admin's setup pages: ``setup.png`` (what is configured
and what is not), ``crm-rule.png`` (a CRM object rule, its fields picked from the org's describe,
answered by a Salesforce emulator started for the shots), ``policy.png`` (the policy form),
``reviewers.png`` (creating a reviewer) and ``dashboard.png`` (the review dashboard, whole page), at a
1440×900 laptop viewport with Debian's Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1440, "height": 900}


def signed_in(browser: Any, base: str, username: str, password: str) -> Any:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/admin/")
    return page


def reseed_demo_records(emulator: Any) -> int:
    """Give the shots' emulator the demo's Contacts under the ids the proposals carry, so the record
    identity (name, title, company, owner) reads as it does in the running demo; the demo's own
    emulator kept them in memory and stopped with ``run_demo --no-serve``."""
    from reviews.management.commands.seed_demo import CORPUS
    from reviews.models import Proposal

    fields_by_ref = {}
    for line in CORPUS.read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            fields_by_ref[record["payload"].get("external_ref", "")] = record["crm"]
    seeded = 0
    for external_ref, crm_id in Proposal.objects.exclude(crm_id="").values_list("external_ref", "crm_id"):
        crm = fields_by_ref.get(external_ref)
        if crm is not None:
            emulator.seed(crm["object"], [{"Id": crm_id, **crm["fields"]}])
            seeded += 1
    return seeded


def shoot(out: Path) -> None:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs here; the server threads query
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test import override_settings
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from integrations.salesforce_emulator import EmulatorServer
    from reviews.management.commands.seed_demo import DEMO_PASSWORD

    # The demo's emulator stopped with run_demo; one in-process answers the describe the CRM object
    # rule form reads (the server thread below shares these settings).
    emulator = EmulatorServer(port=0, cert_dir=tempfile.mkdtemp(prefix="emulator-")).start()
    override_settings(**emulator.env, SALESFORCE_USERNAME="", SALESFORCE_CONSUMER_KEY="").enable()
    reseed_demo_records(emulator)
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            colleague = signed_in(browser, base, "senior", DEMO_PASSWORD)
            colleague.goto(f"{base}/admin/hitlcrm_reviews/emaildraft/")
            colleague.locator("#result_list tbody tr a").nth(2).click()  # a colleague is on the third item
            colleague.wait_for_selector("#review")
            page = signed_in(browser, base, "reviewer", DEMO_PASSWORD)
            page.goto(f"{base}/admin/hitlcrm_reviews/emaildraft/")
            page.screenshot(path=str(out / "queue.png"))
            page.keyboard.press("j")
            page.wait_for_selector("#review")
            first = page.locator("#review").get_attribute("data-proposal")
            page.keyboard.press("a")
            page.wait_for_function("pk => document.getElementById('review').dataset.proposal !== pk", arg=first)
            page.screenshot(path=str(out / "review.png"))
            page.goto(f"{base}/admin/hitlcrm_reviews/crmchange/")
            page.keyboard.press("j")
            page.wait_for_selector("#diff")
            page.screenshot(path=str(out / "review-crm.png"))
            admin = signed_in(browser, base, "admin", DEMO_PASSWORD)
            admin.goto(f"{base}/admin/hitlcrm_reviews/proposal/setup/")
            admin.screenshot(path=str(out / "setup.png"))
            admin.goto(f"{base}/admin/hitlcrm_reviews/crmobjectrule/")
            admin.locator("#result_list tbody tr a").first.click()
            admin.wait_for_selector(".field-picker")
            admin.screenshot(path=str(out / "crm-rule.png"))
            admin.goto(f"{base}/admin/hitlcrm_reviews/policy/")
            admin.locator("#result_list tbody tr a").first.click()
            admin.wait_for_selector("#policy_form")
            admin.screenshot(path=str(out / "policy.png"))
            admin.goto(f"{base}/admin/hitlcrm_reviews/consoleaccount/add/")
            admin.screenshot(path=str(out / "reviewers.png"))
            admin.goto(f"{base}/admin/hitlcrm_reviews/proposal/dashboard/")
            admin.wait_for_selector("#figures-as-of")
            admin.screenshot(path=str(out / "dashboard.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        emulator.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console_screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--shoot", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.shoot:  # inside the child, configured for the demo database
        shoot(Path(args.out))
        return 0
    with tempfile.TemporaryDirectory(prefix="console-screenshots-") as var:
        env = {**os.environ, "HITLCRM_VAR_DIR": var}
        env.pop("DATABASE_URL", None)
        env.pop("CELERY_BROKER_URL", None)
        subprocess.run([sys.executable, "manage.py", "run_demo", "--no-serve", "--port", "18611", "--salesforce-port",
                        "18612", "--smtp-port", "18613", "--limit", "120"], cwd=ROOT, env=env, check=True)
        demo = {"DJANGO_SETTINGS_MODULE": "hitlcrm.settings.base", "DEBUG": "false", "CELERY_BROKER_URL": "filesystem://",
                "DATABASE_URL": f"sqlite:///{var}/demo/demo.sqlite3", "HITLCRM_BROKER_DIR": f"{var}/broker"}
        subprocess.run([sys.executable, "-m", "bench.console_screenshots", "--shoot", "--out", args.out], cwd=ROOT,
                       check=True, env={**env, **demo})
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
