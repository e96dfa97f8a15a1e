# Two commands for a newcomer: `make run` and `make test`. Each builds .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench bundle clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

$(VENV)/.build-deps: requirements-build.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-build.txt
	touch $@ $(VENV)/.run-deps

# Bytecode first (only what changed), for where PYTHONDONTWRITEBYTECODE is set: else every
# start compiles the program's modules again (0.5 s of a 1.4 s start here).
run: $(VENV)/.run-deps
	@$(BIN)/python -m compileall -q engine ui widgets main.py > /dev/null
	$(BIN)/python main.py $(ARGS)

test: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n auto --maxprocesses=4 --dist loadfile

bench: $(VENV)/.dev-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks

# The installer for this system in dist/installers/ (about 10 minutes on 2 cores); fails if
# the bundled program's --selftest or its offscreen window fails. Not part of `make test`.
bundle: $(VENV)/.build-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/build.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist
