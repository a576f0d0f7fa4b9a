# `make demo` installs everything and renders the sample leaflet; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test test-all install lint preview benchmark benchmark-scale benchmark-overhead benchmark-serve serve clean

demo: install
	$(BIN)/leaflet build clonazepam-emotional-effects --variant all --format pdf,html --lang en,es,ar,ru
# The PDF again (current: not built again) and the web page, built again to link the braille,
# e-book and audio built with it.
	$(BIN)/leaflet build clonazepam-emotional-effects --format pdf,html,brf,epub,audio --lang en,es,ar,ru
	$(BIN)/leaflet check clonazepam-emotional-effects --built

# The suite without the tests marked slow (each tens of seconds: every shipped PDF read by
# pdf.js, audio and e-books of whole leaflets, 100 counter prints); `make test-all` runs all.
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow"

test-all: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Compiled as pip compiles an installed package (an editable install compiles nothing): where
# PYTHONDONTWRITEBYTECODE is set, as on these machines, each command and each worker compiled
# all of leafletgen again, a tenth of a cold start; and the package's templates, another
# twentieth (leafletgen/render/templates.py, precompile). Modules that did not change are kept.
install: $(VENV)/.installed
	$(BIN)/python -m compileall -q leafletgen
	$(BIN)/python -c 'from leafletgen.render.templates import precompile; precompile()'

$(VENV)/.installed: pyproject.toml scripts/install-system-deps.sh tests/readers/package-lock.json
	./scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/readers --no-audit --no-fund
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every page of the sample as PNG, to look at: output/png/
preview: demo
	mkdir -p output/png
	for pdf in output/clonazepam-emotional-effects/*.pdf; do pdftoppm -png -r 60 "$$pdf" "output/png/$$(basename "$$pdf" .pdf)"; done

# The counter web app on http://127.0.0.1:8000/ (after `make demo`, generic prints come from output/).
serve: install
	$(BIN)/leaflet serve

benchmark: install
	$(BIN)/python benchmarks/speed.py

# Plan and no-op rebuild at 100, 1,000 and 10,000 leaflets, render time per page; the plot.
benchmark-scale: install
	$(BIN)/python -m pip install -q 'matplotlib==3.11.2'
	$(BIN)/python benchmarks/scale.py

# Our overhead over WeasyPrint alone on the same HTML, warm and cold.
benchmark-overhead: install
	$(BIN)/python benchmarks/overhead.py

benchmark-serve: install
	$(BIN)/python benchmarks/serve.py

clean:
	rm -rf output/* $(VENV) build dist *.egg-info
