# BrandHub: `make run` serves the app with the embedded defaults; `make test` runs every test.
PYTHON ?= python3.11
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
TSTAMP  = $(VENV)/.installed-test
AXE     = tests/browser/node_modules/axe-core/axe.min.js
TUSJS   = brandhub/static/vendor/tus.min.js
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-sqlite test-postgres install translations vendor messages lint bench clean system-test-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,postgres,redis,server]'
	touch $(STAMP) $@

install: $(STAMP) translations vendor

translations: | $(BIN)/python
	$(BIN)/pybabel compile -d brandhub/translations -D messages

# The browser libraries the pages use, from npm at the versions frontend/package-lock.json
# pins, copied into brandhub/static/vendor (not in git): the drop zone's tus client.
vendor: $(TUSJS)

$(TUSJS): frontend/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Debian's nodejs and npm packages (see the README)"; exit 1; }
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error
	mkdir -p $(@D)
	cp frontend/node_modules/tus-js-client/dist/tus.min.js $@

# The development server with a background worker beside it (both stop together).
run: install
	$(BIN)/brandhub init
	$(BIN)/brandhub run-all --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests, a throwaway redis-server backs the
# Redis job-queue test, nginx checks deploy/'s site (nginx -t), and ExifTool and
# exiv2 read every file BrandHub writes (the oracles of
# tests/app/downloads/test_written_metadata.py); install what is missing (as root, on Debian).
system-test-deps:
	@missing=""; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium fonts-dejavu-core"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v exiftool >/dev/null 2>&1 || missing="$$missing libimage-exiftool-perl"; \
	command -v exiv2 >/dev/null 2>&1 || missing="$$missing exiv2"; \
	command -v gs >/dev/null 2>&1 || missing="$$missing ghostscript"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng"; \
	[ -f /usr/share/tesseract-ocr/5/tessdata/spa.traineddata ] || missing="$$missing tesseract-ocr-spa"; \
	[ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || missing="$$missing fonts-liberation"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "not installed:$$missing (the tests that need them are skipped)"; fi; \
	fi
	@# Real camera photographs from Debian's wallpaper packages, cached outside the tree.
	@$(BIN)/python -m tests.assets.camera_corpus
	@# axe-core (npm, pinned by tests/browser/package-lock.json) checks every page's accessibility.
	@$(MAKE) --no-print-directory $(AXE)

# Installed again when the lock file changes; without npm the accessibility tests skip.
$(AXE): tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "not installed: npm (the accessibility tests are skipped)"; fi

PYTEST = $(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=20

# The whole suite on SQLite, then every test that reaches a database (see
# tests/plugins/databases.py) again on a throwaway PostgreSQL cluster that
# scripts/pg-test.sh starts and removes (installing PostgreSQL as root on Debian;
# skipping, with a message, where it cannot be had).
test: lint translations system-test-deps vendor
	$(PYTEST)
	bash scripts/pg-test.sh $(PYTEST)

test-sqlite: $(TSTAMP) translations system-test-deps vendor
	$(PYTEST)

test-postgres: $(TSTAMP) translations system-test-deps vendor
	bash scripts/pg-test.sh $(PYTEST)

# The Flask-free packages with --strict, then the app (pyproject.toml sets what mypy asks of it).
lint: $(TSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict core assets guidelines search_index
	$(BIN)/mypy brandhub

bench: $(TSTAMP)
	$(BIN)/python bench/search.py
	$(BIN)/python bench/compliance.py
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache frontend/node_modules brandhub/static/vendor

# Refresh the translation catalogs after changing user-facing text.
messages: $(TSTAMP)
	$(BIN)/python -m brandhub.catalog
