# The two set-up commands of the README.  Both install what they need first.
PYTHON ?= python3

.PHONY: install run test browser-deps java-deps lint

install:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt

# Installs, builds the database from sample_data/ on first start (progress here, in the
# terminal), then starts the app: no visitor waits for the build.
run: install
	$(PYTHON) -m workforce.first_start
	$(PYTHON) -m streamlit run app.py

# Debian's Chromium drives the browser tests; Playwright's own browser download is never used.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }; \
	  else sudo apt-get install -y -qq chromium || { sudo apt-get update -qq && sudo apt-get install -y -qq chromium; }; fi; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium could not be installed: browser tests cannot run" >&2; exit 1; }

# Java for the Spark parity test (pyspark in local mode builds the usage marts: tests/test_portable_marts.py).
java-deps:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq default-jre-headless >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq default-jre-headless; }; \
	  else sudo apt-get install -y -qq default-jre-headless || { sudo apt-get update -qq && sudo apt-get install -y -qq default-jre-headless; }; fi; }
	@command -v java >/dev/null 2>&1 || { echo "java could not be installed: the Spark parity test cannot run" >&2; exit 1; }

# Installs everything (Python packages, Chromium, Java) and runs the whole suite, browser tests included.
test: install browser-deps java-deps
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest -n 2 -q

lint:
	$(PYTHON) -m ruff check .
