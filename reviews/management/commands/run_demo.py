"""`make demo`: the console with a Celery worker and beat, the local Salesforce emulator and a mail
sink, all on embedded defaults (SQLite, filesystem broker). Starts from a fresh demo database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reviews.management.commands.seed_demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Run the demo: console, worker, beat, Salesforce emulator and SMTP sink."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--salesforce-port", type=int, default=8443)
        parser.add_argument("--smtp-port", type=int, default=1025)
        parser.add_argument("--limit", type=int, default=300, help="How many corpus proposals to load.")
        parser.add_argument("--no-serve", action="store_true", help="Set up and seed, then exit (for tests).")

    def handle(self, *args: Any, port: int, salesforce_port: int, smtp_port: int, limit: int, no_serve: bool,
               **options: Any) -> None:
        # Ctrl-C (and a SIGTERM from a process manager) stop everything, even when the shell that
        # started us ignores SIGINT (a background job): the processes below run in sessions of their
        # own and would be left behind otherwise.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        var = Path(settings.VAR_DIR) / "demo"
        var.mkdir(parents=True, exist_ok=True)
        database = var / "demo.sqlite3"
        for stale in var.glob("demo.sqlite3*"):
            stale.unlink()
        cert_dir = var / "salesforce-emulator"
        base_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hitlcrm.settings.base",
            "DATABASE_URL": f"sqlite:///{database}",
            "HITLCRM_BROKER_DIR": str(var / "broker"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "HITLCRM_BASE_URL": f"http://127.0.0.1:{port}",
            "PYTHONUNBUFFERED": "1",
        }
        base_env.pop("CELERY_BROKER_URL", None)
        python = sys.executable
        processes: list[subprocess.Popen] = []

        def start(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
            log = open(var / f"{name}.log", "wb")  # noqa: SIM115  (lives as long as the process)
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            processes.append(process)
            return process

        try:
            self.stdout.write("Starting the local Salesforce emulator and the mail sink…")
            emulator = start("salesforce-emulator", [python, "manage.py", "salesforce_emulator", "--port",
                                                     str(salesforce_port), "--cert-dir", str(cert_dir)], base_env)
            start("smtp-sink", [python, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Debugging", "stdout",
                                "-l", f"127.0.0.1:{smtp_port}"], base_env)
            env = {**base_env, **self._emulator_env(emulator, var / "salesforce-emulator.log", cert_dir, salesforce_port)}
            self._run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
            self.stdout.write("Loading demo data (people, agents, policies, Contacts, proposals)…")
            self._run([python, "manage.py", "seed_demo", "--limit", str(limit), "--token-file",
                       str(var / "agent-token.txt")], env)
            if no_serve:
                return
            start("worker", [python, "-m", "celery", "-A", "hitlcrm", "worker",
                             "--concurrency", "2", "--loglevel", "INFO"], env)
            start("beat", [python, "-m", "celery", "-A", "hitlcrm", "beat", "--loglevel", "INFO", "--schedule",
                           str(var / "celerybeat-schedule")], env)
            start("web", [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env)
            self.stdout.write(self.style.SUCCESS(
                f"\nhitlcrm demo: http://127.0.0.1:{port}/admin/\n"
                f"  login: reviewer / {DEMO_PASSWORD}   (also senior, auditor, admin; same password)\n"
                f"  agent API token: {(var / 'agent-token.txt').read_text().strip()}\n"
                f"  Salesforce emulator: https://127.0.0.1:{salesforce_port}  ·  mail sink: 127.0.0.1:{smtp_port}\n"
                f"  logs: {var}/*.log   ·   Ctrl-C stops everything\n"
            ))
            while all(process.poll() is None for process in processes):
                time.sleep(1)
            crashed = [p.args[2] if len(p.args) > 2 else p.args for p in processes if p.poll() is not None]
            raise CommandError(f"a demo process stopped: {crashed}; see {var}/*.log")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)

    def _emulator_env(self, emulator: subprocess.Popen, log: Path, cert_dir: Path, port: int) -> dict[str, str]:
        """Wait until the emulator printed its settings; they configure every other process."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if emulator.poll() is not None:
                raise CommandError(f"the Salesforce emulator exited: {log.read_text(errors='replace')[-2000:]}")
            values = dict(
                line.split("=", 1) for line in log.read_text(errors="replace").splitlines()
                if line.startswith("SALESFORCE_") and "=" in line
            )
            if {"SALESFORCE_INSTANCE_URL", "SALESFORCE_SESSION_ID", "SALESFORCE_CA_BUNDLE"} <= set(values):
                return {key: value.strip() for key, value in values.items()}
            time.sleep(0.2)
        raise CommandError("the Salesforce emulator did not start within 60 s")

    def _run(self, command: list[str], env: dict[str, str]) -> None:
        result = subprocess.run(command, env=env)
        if result.returncode != 0:
            raise CommandError(f"{' '.join(command[1:3])} failed with exit code {result.returncode}")
