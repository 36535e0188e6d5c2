"""`python manage.py salesforce_emulator --port N [--cert-dir D]`: the local Salesforce, in the foreground.

Prints the settings other processes need, one ``NAME=value`` per line:

    SALESFORCE_INSTANCE_URL=https://127.0.0.1:8443
    SALESFORCE_SESSION_ID=00DEm0000000001!AQ...
    SALESFORCE_CA_BUNDLE=/.../var/salesforce-emulator/ca.pem

The CA and the session id live in the certificate directory and survive restarts, so processes
configured once keep working; ``--print-env`` prints them (creating them if needed) without serving.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from integrations.salesforce_emulator import EmulatorServer


def _default_cert_dir() -> Path:
    return Path(getattr(settings, "VAR_DIR", "var")) / "salesforce-emulator"


class Command(BaseCommand):
    help = "Run the local Salesforce emulator (HTTPS on 127.0.0.1) in the foreground."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8443, help="Port to listen on (0: any free port).")
        parser.add_argument(
            "--cert-dir", default=None, help="CA, server certificate and session id (default: var/salesforce-emulator)."
        )
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind (keep it on loopback).")
        parser.add_argument("--session-id", default=None, help="Accept this session id instead of the stored one.")
        parser.add_argument("--api-max", type=int, default=15000, help="Daily API request allowance to report.")
        parser.add_argument(
            "--seed-file", default=None, help='JSON records to load at start: {"Contact": [{"LastName": "..."}], ...}'
        )
        parser.add_argument("--print-env", action="store_true", help="Print the settings and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        cert_dir = Path(options["cert_dir"]) if options["cert_dir"] else _default_cert_dir()
        try:
            server = EmulatorServer(
                port=options["port"],
                cert_dir=cert_dir,
                host=options["host"],
                session_id=options["session_id"],
                api_max=options["api_max"],
            )
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc
        try:
            if options["seed_file"]:
                self._seed(server, Path(options["seed_file"]))
            if not options["print_env"]:
                self.stdout.write(f"Salesforce emulator listening on {server.base_url} (Ctrl-C stops it)")
                self.stdout.write(f"Control endpoint: {server.base_url}/__emulator__/state")
            for name, value in server.env.items():
                self.stdout.write(f"{name}={value}")
            self.stdout.flush()
            if options["print_env"]:
                return
            signal.signal(signal.SIGTERM, _interrupt)
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                self.stdout.write("Salesforce emulator stopped.")
        finally:
            server.stop()

    def _seed(self, server: EmulatorServer, path: Path) -> None:
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"cannot read --seed-file {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise CommandError(f'--seed-file {path} must hold an object: {{"Contact": [ ... ], ...}}')
        for object_name, rows in data.items():
            try:
                ids = server.seed(object_name, list(rows))
            except (KeyError, ValueError, TypeError) as exc:
                raise CommandError(f"--seed-file {path}: {object_name}: {exc}") from exc
            self.stdout.write(f"Seeded {len(ids)} {object_name} record(s)")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
