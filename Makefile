# One-command entry points. Every target builds the venv first if it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install lint demo test dev bench mlflow clean system-deps stack stack-down stack-status

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==0.13.9"
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -c constraints.txt -e ".[dev]"
	touch $(STAMP)

$(DAGSTER_HOME)/dagster.yaml: deploy/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	test -f $@ || cp deploy/dagster.yaml $@

demo: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/hl-pipeline demo

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

test: system-deps lint
	$(BIN)/python -m pytest -q

dev: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/hl-pipeline dev

bench: $(STAMP)  # `make bench ONLY="ml_year train_year"` runs those only
	$(BIN)/python -m bench $(ONLY)

mlflow: $(STAMP)
	mkdir -p mlruns
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db --host 127.0.0.1 --port 5000

# PostgreSQL and Redis from Debian packages, installed only when missing (the stack and its tests)
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server; \
	fi

# the production profile on this machine (docs/operations.md): `make stack-down` stops it
stack: $(STAMP) system-deps
	$(BIN)/hl-pipeline stack up

stack-down: $(STAMP)
	$(BIN)/hl-pipeline stack down

stack-status: $(STAMP)
	$(BIN)/hl-pipeline stack status

clean:
	rm -rf $(VENV) .stack data/lake data/landing data/archive data/reports data/warehouse.duckdb* .dagster_home mlruns/mlflow.db mlruns/artifacts
