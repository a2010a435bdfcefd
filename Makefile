# PTĐV — the project's commands. Needs only Python >= 3.11 and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt bench e2e clean

# Stamps make the second start fast: nothing is reinstalled unless the lock files change.
$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.base-installed: requirements/base.txt pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/base.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.dev-installed
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/dev.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(VENV)/.base-installed $@

run: $(VENV)/.base-installed
	$(BIN)/ptdv start --host $(HOST) --port $(PORT)

# The browser tests need Chromium, the spreadsheet tests LibreOffice: scripts/ensure-browser and
# scripts/ensure-office find them or install them (see there).
test: $(VENV)/.dev-installed
	@PTDV_CHROMIUM="$$(scripts/ensure-browser)" && export PTDV_CHROMIUM && \
	  PTDV_SOFFICE="$$(scripts/ensure-office)" && export PTDV_SOFFICE && \
	  echo "$(BIN)/pytest $(PYTEST_ARGS)  (Chromium: $$PTDV_CHROMIUM, LibreOffice: $$PTDV_SOFFICE)" && \
	  $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/ptdv makemigrations --check --dry-run

fmt: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache .mypy_cache .ruff_cache
