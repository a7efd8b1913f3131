# The two commands that matter: `make demo` and `make test`. Both set up first.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.shopgov-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup lock bench-setup system-packages java-check demo test lint

setup: $(STAMP) system-packages java-check

# constraints.txt pins every package to the version the tests last passed with, so that a fresh
# machine installs what CI tested (a new Streamlit once broke every dashboard test). `make lock` renews it.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,spark]'
	@touch $(STAMP)

lock: setup
	$(BIN)/python -m pip freeze --exclude-editable | sed -e 's/+cpu$$//' | LC_ALL=C sort -f > constraints.txt

# Benchmarks compare against Soda Core (bench/bench_checks.py, bench/bench_engines.py): not needed by the tests.
bench-setup: setup
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bench]'

# Chromium drives the browser tests, PDF export and Plotly static images.
system-packages:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	      || echo "warning: could not install chromium; browser tests and PDF export are skipped"; \
	  else echo "note: install chromium (e.g. sudo apt-get install chromium) for browser tests and PDF export"; fi; }

# The Spark engine (shopgov check --engine spark, tests/test_spark_engine.py) needs Java 17+.
java-check:
	@java -version >/dev/null 2>&1 || { \
	  echo "note: no Java runtime found (java -version failed): the Spark engine and its tests need Java 17 or newer"; \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
	      || echo "warning: could not install openjdk-17-jre-headless; install a Java 17+ runtime or set JAVA_HOME"; \
	  else echo "      install it with: sudo apt-get install openjdk-17-jre-headless   (or set JAVA_HOME to a JDK 17+)"; fi; }

demo: setup
	$(BIN)/shopgov demo

test: setup
	SHOPGOV_E2E=$$(command -v chromium >/dev/null 2>&1 && echo 1 || echo 0) \
	  $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist worksteal --durations=15

lint: setup
	$(BIN)/ruff check governance assess dashboard tests bench
