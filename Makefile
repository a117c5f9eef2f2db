# Two commands: `make run` (the app with demo data) and `make test` (the whole suite); `make serve` is production
# mode (gunicorn, Celery worker and beat on PostgreSQL and Redis: DATABASE_URL, CELERY_BROKER_URL).
# Both bootstrap themselves and are idempotent: a second run only does what changed.
# The liên thông demo adds three, each in its own terminal: `make hub`, `make run-axis`, `make run-peer`.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
BUNDLES := app/static/build/bpmn-lint.js app/static/build/bpmn-differ.js
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
export FLASK_APP := wsgi.py

.PHONY: run serve test bootstrap check-python translations-extract screenshots hub run-axis run-peer

run: bootstrap
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask processes sync
	@echo "Liên Thông: http://127.0.0.1:$(PORT) — tài khoản demo trong README (mật khẩu lienthong-demo)"
	$(BIN)/waitress-serve --listen=127.0.0.1:$(PORT) --threads=8 wsgi:app

# Production mode on this machine: web processes, a Celery worker and beat, stopped together by Ctrl-C.
# Every setting comes from the environment (README "Triển khai nhiều máy"): PORT, HOST, WORKERS, THREADS, ….
serve: export PORT := $(PORT)
serve: bootstrap
	$(BIN)/python -m app.serving

# The liên thông demo: the axis stand-in, then Yên Bái (port 5000, the same data as `make run`) and Lào Cai
# (port 5001, its own instance folder, database and file store) exchanging documents through it.
HUB_PORT ?= 8900
HUB_DIR := $(CURDIR)/instance/hub
PEER_DIR := $(CURDIR)/instance/laocai

# Registers both demo systems and the ministries (idempotent), writes their AXIS_* settings to
# $(HUB_DIR)/axis-*.env, then serves the stand-in.
hub: bootstrap
	INSTANCE_PATH=$(HUB_DIR) $(BIN)/flask exchange hub --demo --port $(HUB_PORT)

run-axis: AXIS_ENV := $(HUB_DIR)/axis-yenbai.env
run-axis: export DEMO_PROVINCE := yenbai
run-axis: bootstrap
	$(call demo_installation,5000,Yên Bái)

run-peer: AXIS_ENV := $(HUB_DIR)/axis-laocai.env
run-peer: export DEMO_PROVINCE := laocai
run-peer: export INSTANCE_PATH := $(PEER_DIR)
# Its own database and files under its instance folder, whatever DATABASE_URL/FILES_DIR say for Yên Bái.
run-peer: export DATABASE_URL :=
run-peer: export FILES_DIR :=
run-peer: export AUDIT_ANCHOR_LOG :=
run-peer: export DOCUMENT_PLACE_NAME := Lào Cai
# The demo CA of Yên Bái's instance: both installations trust the same root, as real ones trust the national CA.
run-peer: export PKI_DIR := $(CURDIR)/instance/pki
run-peer: bootstrap
	$(call demo_installation,5001,Lào Cai)

# One installation wired to the stand-in with the settings `make hub` wrote; the outbox and inbox run every
# 10 seconds so a document is seen crossing without waiting a minute.
define demo_installation
	@test -f $(AXIS_ENV) || { echo "Chưa có $(AXIS_ENV): chạy 'make hub' ở một cửa sổ khác trước."; exit 1; }
	set -a && . $(AXIS_ENV) && set +a && \
	export EXCHANGE_OUTBOX_INTERVAL_SECONDS=10 EXCHANGE_INBOX_INTERVAL_SECONDS=10 && \
	$(BIN)/flask db upgrade && $(BIN)/flask seed-demo && $(BIN)/flask processes sync && \
	echo "Liên Thông tỉnh $(2): http://127.0.0.1:$(1) — nối với trục mô phỏng $$AXIS_ENDPOINT (mật khẩu lienthong-demo)" && \
	exec $(BIN)/waitress-serve --listen=127.0.0.1:$(1) --threads=8 wsgi:app
endef

test: bootstrap
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A picture of every main page per role, desktop and phone, from a throw-away demo installation.
screenshots: bootstrap
	$(BIN)/python -m tests.web.screenshots $(OUT)

bootstrap: $(VENV)/.installed node_modules/.installed $(CATALOGS) $(BUNDLES)

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cần Python >= 3.11 / Python 3.11 or newer is required")'

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-fonts.txt | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -r requirements-fonts.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser's copies of npm modules that have no ready-made browser build: the modeler's lint (bpmnlint,
# bpmn-js-bpmnlint and our rules, the same files the server runs with node) and bpmn-js-differ. Built here,
# never committed.
app/static/build/%.js: app/static/bundles/%.entry.js node_modules/.installed $(wildcard app/workflow/bpmnlint/*.js app/workflow/bpmnlint/rules/*.js)
	node_modules/.bin/esbuild $< --bundle --minify --format=iife --target=es2019 --log-level=warning --outfile=$@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

# For developers: refresh the English catalogue after changing Vietnamese source strings.
translations-extract: $(VENV)/.installed
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l en
