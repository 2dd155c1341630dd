# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run chat test test-fast lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the project's metadata changes; the stamp records what was installed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/faqbot run

chat: $(VENV)/.installed
	$(BIN)/faqbot chat

# pytest on two workers a core (pytest-xdist). Most of the end-to-end tests' time is waiting
# for a bot process or the clock: they are collected first (tests/conftest.py) and handed out
# a few at a time, so their waits overlap each other and the quick tests (e2e and slow tests
# on 2 cores: 4 workers 60 s, 2 workers 87 s, for 15% more CPU). `make test-fast` is all CPU,
# so it runs one worker a core.
# Bytecode is cached even where the environment says not to, since each `faqbot run` the
# e2e tests start would compile the package again; temporary files (databases, logs) go to
# /dev/shm where there is one.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))
TEST_TMPDIR := $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo $${TMPDIR:-/tmp})
PYTEST := env -u PYTHONDONTWRITEBYTECODE TMPDIR=$(TEST_TMPDIR) $(BIN)/python -m pytest

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(PYTEST) -n $(TEST_WORKERS) --dist load --maxschedchunk 4

# The quick run while working: no end-to-end or real-clock tests, no linters.
test-fast: $(VENV)/.installed-dev
	$(PYTEST) -n auto -m "not e2e and not slow"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_match.py
	$(BIN)/python benchmarks/bench_bot.py
	$(BIN)/python benchmarks/bench_broadcast.py
	$(BIN)/python benchmarks/bench_gaps.py
	$(BIN)/python benchmarks/bench_startup.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
