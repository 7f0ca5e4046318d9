# The two entry points: `make run` and `make test`. Both set up .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest catalogs bench emulator clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/samen run

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

emulator: $(STAMP)
	$(BIN)/samen emulator

bench: $(STAMP)
	$(BIN)/python bench/updates.py

# Translators' workflow: extract texts from the code, merge them into each
# language's catalog, then fill in the empty or fuzzy msgstr lines in
# locales/*/LC_MESSAGES/messages.po. The bot reads the .po files directly.
catalogs: $(STAMP)
	$(BIN)/pybabel extract -k N_ --no-wrap --sort-by-file --project=Samen \
		--copyright-holder=Samen -o locales/messages.pot bot handlers
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-wrap --ignore-obsolete

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
