"""Run every ``bench/bench_*.py`` module's ``main()``, each in a fresh Python process.

    python -m bench              # all of them
    python -m bench checks load  # bench_checks.py and bench_load.py only
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(path.stem for path in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    wanted = argv if argv is not None else sys.argv[1:]
    modules = discover()
    if wanted:
        chosen = [m for m in modules if m in wanted or m.removeprefix("bench_") in wanted]
        unknown = sorted(set(wanted) - {m for m in chosen} - {m.removeprefix("bench_") for m in chosen})
        if unknown:
            print(f"no benchmark named {', '.join(unknown)}; have: {', '.join(modules)}", file=sys.stderr)
            return 2
        modules = chosen
    failures = []
    for module in modules:
        print(f"== bench.{module}", flush=True)
        started = time.perf_counter()
        # A process each: every benchmark configures Django (and its database) for itself.
        code = subprocess.call([sys.executable, "-c", f"import sys; from bench.{module} import main; "
                                                      f"sys.exit(main() or 0)"], cwd=HERE.parent)
        print(f"== bench.{module}: {'ok' if code == 0 else f'exit {code}'} in {time.perf_counter() - started:.1f}s\n",
              flush=True)
        if code:
            failures.append(module)
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
