# The two commands: `make demo` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Two test processes (pytest-xdist): each has its own database and broker (hitlcrm/settings/test.py),
# so the process tests of one never meet the other's. `make test PYTEST_ARGS=` runs them in one.
PYTEST_ARGS ?= -n 2

.PHONY: demo test venv lint migrations docs bench load clean

# pyproject.toml declares ranges; constraints.txt holds the exact, tested versions installed here.
# The agent-side client (its own small distribution) is installed editable beside the project.
CLIENT := integrations/agent_client

$(STAMP): pyproject.toml constraints.txt $(CLIENT)/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]' -e '$(CLIENT)[mcp]'
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/python manage.py run_demo

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; [ $$status -eq 5 ] && echo "no tests ran" && exit 1; exit $$status

lint: venv
	$(BIN)/ruff check .

migrations: venv
	$(BIN)/python manage.py makemigrations hitlcrm_reviews hitlcrm_integrations

# docs/audit.md, the audit action catalogue, is written from the AuditAction enum.
docs: venv
	$(BIN)/python -m reviews.audit_actions > docs/audit.md

bench: venv
	$(BIN)/python -m bench

load: venv
	$(BIN)/python -m bench.load

clean:
	rm -rf var .pytest_cache
