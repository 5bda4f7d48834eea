# Quick start: `make run` and `make test` (README). Everything goes through the project's .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= data/dangqun.duckdb

.PHONY: setup run serve demo test test-fast bench bench-import clean

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(DB): | $(STAMP)
	$(BIN)/python -m dangqun demo --db $(DB)

demo: $(STAMP)
	$(BIN)/python -m dangqun demo --db $(DB)

run: $(STAMP) $(DB)
	DANGQUN_DB=$(DB) $(BIN)/streamlit run serve.py --server.port 8501 --server.address 127.0.0.1 --server.headless true

# several processes behind HAProxy (apt-get install haproxy): README 多个进程; WORKERS=2 by default
WORKERS ?= 2
serve: $(STAMP) $(DB)
	DANGQUN_DB=$(DB) $(BIN)/python -m dangqun serve --workers $(WORKERS) --port 8501 --host 127.0.0.1

test: $(STAMP)
	$(BIN)/python -m pytest

# the edit–test loop: unit and query tests, no AppTest, no browser, no benchmark (tests/conftest.py marks the
# rest slow), on two processes
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -n 2

bench: $(STAMP)
	$(BIN)/python -m dangqun bench

bench-import: $(STAMP)
	$(BIN)/python -m dangqun bench import

clean:
	rm -rf $(VENV) .pytest_cache
