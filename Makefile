# The two entry points: `make run` and `make test`. Both set up .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest catalogs bench emulator playground clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# With a token: the real bot. Without one: the offline playground (emulator, bot and a
# web page on http://127.0.0.1:8080). `samen has-token` exits 2 on a configuration error.
run: $(STAMP)
	@$(BIN)/samen has-token; status=$$?; \
	if [ $$status -eq 0 ]; then exec $(BIN)/samen run; \
	elif [ $$status -eq 1 ]; then \
		echo "TELEGRAM_BOT_TOKEN is empty, so this starts the offline playground, not the real bot."; \
		exec $(BIN)/samen playground; \
	else exit $$status; fi

test: $(STAMP) lint typecheck pytest

# lint-imports checks the house's import contract ([tool.importlinter] in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser tests (tests/browser) need Debian's chromium; without it they are skipped,
# and said so loudly before and after the run. .ci/run installs it and requires them.
CHROMIUM := /usr/bin/chromium
NO_CHROMIUM := !!!!! $(CHROMIUM) is missing: the browser tests are SKIPPED. Install it: apt-get install chromium !!!!!

pytest: $(STAMP)
	@test -x $(CHROMIUM) || echo "$(NO_CHROMIUM)"
	$(BIN)/pytest -q
	@test -x $(CHROMIUM) || echo "$(NO_CHROMIUM)"

emulator: $(STAMP)
	$(BIN)/samen emulator

playground: $(STAMP)
	$(BIN)/samen playground

bench: $(STAMP)
	$(BIN)/python bench/updates.py

# Translators' workflow: extract texts from the code, merge them into each
# language's catalog, then fill in the empty or fuzzy msgstr lines in
# locales/*/LC_MESSAGES/messages.po. The bot reads the .po files directly.
catalogs: $(STAMP)
	$(BIN)/pybabel extract -k N_ --no-wrap --sort-by-file --project=Samen \
		--copyright-holder=Samen -o locales/messages.pot bot handlers
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-wrap --ignore-obsolete \
		--no-fuzzy-matching

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
