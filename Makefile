# Two commands do everything on a fresh machine with Python 3 and make:
#   make report   set up .venv if needed, run the analysis, export figures
#   make test     set up .venv if needed, run unit tests and nbval on every notebook
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= data
# The study's corpus, notebooks and output folders; the package knows none of them by itself.
STUDY  := --study study.toml
# Quiet pip; no progress bars in CI logs.
PIP    := $(BIN)/python -m pip --disable-pip-version-check --no-input -q

OUT    ?=
LEXICON ?=
BY     ?= year
PERIODS ?=
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

.PHONY: all venv report notebooks test lab lock bench docs clean

all: test

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (vn-discourse)" >/dev/null
	touch $(STAMP)

venv: $(STAMP)

# Corpus summary, then every notebook executed headlessly: figures/ and HTML in reports/html/ (study.toml).
# With CORPUS=path/to/folder (optionally OUT=dir, LEXICON=file.csv, BY=column, PERIODS=2005-2012,2013-2020) the package's report
# templates run on it and the outputs go to reports/<name>/ beside the corpus, or OUT.
report: venv
	$(BIN)/python -m toolkit summary $(CORPUS) $(STUDY) --by $(BY) $(if $(PERIODS),--periods $(PERIODS))
	$(BIN)/python -m toolkit report $(CORPUS) $(STUDY) --by $(BY) $(if $(PERIODS),--periods $(PERIODS)) $(if $(OUT),--out $(OUT)) $(if $(LEXICON),--lexicon $(LEXICON))

# Re-execute the notebooks in place when results change on purpose (then commit them).
notebooks: venv
	$(BIN)/python -m toolkit report $(STUDY) --in-place

test: venv
	$(BIN)/python -m pytest tests toolkit notebooks $(NBVAL)

# JupyterLab on notebooks/; with OUT=reports/x it also opens that report's output folder.
lab: venv
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m toolkit lab $(STUDY) $(OUT)

# The documentation site from docs/ and the docstrings, into site/ (warnings are errors).
docs: venv
	$(BIN)/mkdocs build --strict --quiet

bench: venv
	$(BIN)/python bench/segmentation.py

# Re-resolve the pinned environment from pyproject.toml (needs the registry).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev,docs,underthesea,dask]"
	( echo "# Exact versions of every package the project installs (make venv uses this file)."; \
	  echo "# Regenerate with 'make lock'; keep environment.yml in step (tests/test_environment.py)."; \
	  .lock-venv/bin/python -m pip freeze --all --exclude pip --exclude-editable --disable-pip-version-check | LC_ALL=C sort -f ) > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis reports
