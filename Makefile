# Every target installs what it needs: `make book` and `make test` work on a fresh clone.
#
# One virtual environment, .venv, filled in layers from complete locks (each installed with
# `pip install --no-deps`, then checked with `pip check`: nothing is resolved at install time):
#   requirements-book.lock  the library, Jupyter Book and its extensions, the kernel
#                           (make book, notebooks, pdf, lab, verify)
#   requirements-test.lock  pytest, nbval, hypothesis, SciPy, PyTorch CPU, Playwright, ruff,
#                           scikit-learn (make test, lint, bench; on top of the book lock)
#   requirements-lab.lock   JupyterLab and jupyterlab-myst (make lab; on top of the book lock)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BOOK_STAMP := $(VENV)/.book-installed
TEST_STAMP := $(VENV)/.test-installed
LAB_STAMP := $(VENV)/.lab-installed
PIP := $(BIN)/python -m pip
# PyTorch's CPU wheels, for a machine that does not have torch 2.13.0+cpu on local disk:
#   make test TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
LAB_PORT ?= 8888
# Threads: the notebooks' outputs and the benchmarks must not depend on the machine.
export OMP_NUM_THREADS ?= 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help env env-test env-lab chromium book test test-fast notebooks lab pdf test-pdf \
        texlive bench verify cards lint clean

help:
	@echo "make book       build the website into _build/html (warnings are errors), with the"
	@echo "                lossbook wheel and the notebook bundle in _build/html/downloads/"
	@echo "make test       lint, verify derivations, build the site, run every test"
	@echo "make notebooks  re-execute every chapter in place (stores fresh outputs)"
	@echo "make lab        JupyterLab with jupyterlab-myst and the kernel 'lossbook'"
	@echo "make pdf        the whole book as one PDF (_build/latex/lossbook.pdf; apt texlive)"
	@echo "make test-pdf   build the PDF and check it (pages, fonts, no overfull formulas)"
	@echo "make bench      speed and memory ratios against SciPy and PyTorch CPU"
	@echo "make verify     re-check every registered derivation"
	@echo "make cards      the Anki deck of the checked formulas (lossbook.apkg; make book puts it on the site)"

# --------------------------------------------------------------------------- environments
# Re-installed when a lock or the package metadata changes.
$(BOOK_STAMP): requirements-book.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --no-deps -r requirements-book.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(PIP) check
	touch $@

$(TEST_STAMP): $(BOOK_STAMP) requirements-test.lock
	$(PIP) install --quiet --no-deps $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) \
	  -r requirements-test.lock
	$(PIP) check
	touch $@

$(LAB_STAMP): $(BOOK_STAMP) requirements-lab.lock
	$(PIP) install --quiet --no-deps -r requirements-lab.lock
	$(PIP) check
	touch $@

env: $(BOOK_STAMP)
env-test: $(TEST_STAMP)
env-lab: $(LAB_STAMP)

# Debian's Chromium for the browser tests (never `playwright install`).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium (apt, as root)"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq chromium >/dev/null; }

# --------------------------------------------------------------------------- the book
# The site, from the outputs stored in chapters/*.ipynb (execute_notebooks: "off").
# --all re-reads every page: an incremental build would not repeat the warnings of
# unchanged pages, so a second `make book` could pass with a warning still there.
# _ext/downloads.py adds the wheel and the notebook bundle (and the PDF, once built).
book: env
	$(BIN)/jupyter-book build . -W -n --keep-going --all

# Re-execute every chapter in place (fresh python3 kernel, top to bottom, fails on
# the first error) and store normalised outputs: re-runs give byte-identical files.
notebooks: env
	$(BIN)/python scripts/notebook_header.py chapters
	$(BIN)/python scripts/execute_notebooks.py chapters

# JupyterLab on the chapters, with the MyST renderer (citations, equation labels,
# exercise and solution directives render; solutions stay folded) and a kernel named
# "lossbook" (.venv's Python, registered inside .venv).
lab: env-lab
	$(BIN)/python -m ipykernel install --sys-prefix --name lossbook \
	  --display-name "Python (lossbook)" >/dev/null
	$(BIN)/jupyter lab --port=$(LAB_PORT) --notebook-dir=chapters $(if $(filter 0,$(shell id -u)),--allow-root)

# --------------------------------------------------------------------------- the PDF
# Debian's XeLaTeX (apt, as root), installed by the target itself when missing.
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra \
  texlive-fonts-recommended latexmk fonts-freefont-otf xindy lmodern poppler-utils
texlive:
	@command -v xelatex >/dev/null && command -v latexmk >/dev/null && command -v xindy >/dev/null && command -v pdftotext >/dev/null || { \
	  echo "installing Debian's texlive-xetex (apt, as root)"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
	    apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; }

# The LaTeX builder (solutions in an appendix, see _ext/pdfbook.py), then latexmk; the
# site is rebuilt so that it links the PDF.
pdf: env texlive
	rm -rf _build/latex
	$(BIN)/jupyter-book build . --builder pdflatex -W -n --keep-going --all
	$(MAKE) --no-print-directory book

test-pdf: pdf env-test
	$(BIN)/python -m pytest -p no:randomly tests/pdf/test_pdf.py

# --------------------------------------------------------------------------- checks
lint: env-test
	$(BIN)/ruff check --no-cache .

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
test: env-test chromium lint book
	$(BIN)/python -m pytest -p no:randomly --doctest-modules --ignore=tests/pdf lossbook tests $(NBVAL) chapters

bench: env-test
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/ulp_curves.py

clean:
	rm -rf _build .pytest_cache .hypothesis .ruff_cache
