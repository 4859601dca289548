# Every target installs what it needs: `make book` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Threads: the notebooks' outputs and the benchmarks must not depend on the machine.
export OMP_NUM_THREADS ?= 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help env chromium book test test-fast notebooks bench verify cards lint clean

help:
	@echo "make book       build the website into _build/html (warnings are errors)"
	@echo "make test       lint, verify derivations, build the site, run every test"
	@echo "make notebooks  re-execute every chapter in place (stores fresh outputs)"
	@echo "make bench      speed and memory ratios against SciPy and PyTorch CPU"
	@echo "make verify     re-check every registered derivation"
	@echo "make cards      the Anki deck of the checked formulas (lossbook.apkg; make book puts it on the site)"

# The locked environment. Re-installed when the lock or the package metadata changes.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

env: $(STAMP)

# Debian's Chromium for the browser tests (never `playwright install`).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium (apt, as root)"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq chromium >/dev/null; }

# The site, from the outputs stored in chapters/*.ipynb (execute_notebooks: "off").
# --all re-reads every page: an incremental build would not repeat the warnings of
# unchanged pages, so a second `make book` could pass with a warning still there.
book: env
	$(BIN)/jupyter-book build . -W -n --keep-going --all

lint: env
	$(BIN)/ruff check .

verify: env
	$(BIN)/python -m lossbook verify

# The flash-card deck on its own (make book also builds it, into _build/html/downloads/,
# from the same run that fills the verification appendix: _ext/verification.py).
cards: env
	$(BIN)/python -m lossbook cards -o lossbook.apkg

# One pytest run: tests/ (unit, notebooks' static checks, the site in Chromium) and
# nbval in strict mode over every chapter (each cell re-run in a kernel of this venv,
# every stored output compared; PNG data is not compared by nbval, its presence is).
NBVAL := --nbval --nbval-current-env --nbval-cell-timeout=600 --nbval-kernel-startup-timeout=120
test: env chromium lint book
	$(BIN)/python -m pytest -p no:randomly --doctest-modules lossbook tests $(NBVAL) chapters

# Re-execute every chapter in place (fresh python3 kernel, top to bottom, fails on
# the first error) and store normalised outputs: re-runs give byte-identical files.
notebooks: env
	$(BIN)/python scripts/execute_notebooks.py chapters

bench: env
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build .pytest_cache .hypothesis .ruff_cache
