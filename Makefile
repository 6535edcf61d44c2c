# hwcloud.dli: make demo | make test | make units | make integration | make gates | make install | make docs | make soak | make bench
# (CONTRIBUTING.md: how to add an API field, run one test, cut a release)
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
TMP := $(abspath .tmp)

# The ansible-core release lines the collection is tested on, oldest first: every line from
# meta/runtime.yml's requires_ansible (>=2.17.0) that installs on Python 3.11 (2.20 needs 3.12).
# Each runs the unit tests and the integration playbooks in a virtual environment of its own; the
# gates run once, on the newest. .github/workflows/ci.yml has the same list, and runs the same
# TEST_TARGETS: tools/check_matrix.py (make ci-matrix) fails when they differ.
ANSIBLE_CORE_VERSIONS := 2.17 2.18 2.19
NEWEST := $(lastword $(ANSIBLE_CORE_VERSIONS))

# Every target keeps its writes inside the checkout, in .venv/ and .tmp/. The tools run with
# .tmp/home as their home: ansible (ANSIBLE_HOME: local temp, galaxy cache), ansible-test (its
# pip bootstrap and sanity virtual environments), ansible-lint (its copy of the collection, which
# in ~/.ansible/collections would shadow what a user installs), antsibull (antsibull.log), pip.
# The emulator gives the Huawei Cloud SDK a home of its own (.tmp/emulator-sdk-home). `make test`
# checks that the real home was left alone.
# The real home and the interpreter are read once, before HOME changes (sub-makes inherit them).
ifndef HWDLI_REAL_HOME
HWDLI_REAL_HOME := $(HOME)
endif
export HWDLI_REAL_HOME
ifndef HWDLI_PYTHON
HWDLI_PYTHON := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
endif
export HWDLI_PYTHON
HOME_DIR := $(TMP)/home
export HOME := $(HOME_DIR)
export XDG_CACHE_HOME := $(HOME_DIR)/.cache
export XDG_CONFIG_HOME := $(HOME_DIR)/.config
export XDG_DATA_HOME := $(HOME_DIR)/.local/share
export XDG_STATE_HOME := $(HOME_DIR)/.local/state
export ANSIBLE_HOME := $(HOME_DIR)/.ansible
export ANSIBLE_LOCAL_TEMP := $(HOME_DIR)/.ansible/tmp
# The module temp folders too: with a local connection ansible expands remote_tmp's ~ through the
# account's entry (~root), not HOME, so without this they go to the real home's .ansible/tmp.
export ANSIBLE_REMOTE_TMP := $(HOME_DIR)/.ansible/tmp
export PIP_CACHE_DIR := $(TMP)/pip-cache
# No __pycache__ beside the sources (PYTHONPYCACHEPREFIX would also hide the venvs' own bytecode).
export PYTHONDONTWRITEBYTECODE := 1
export TMPDIR := $(TMP)/tmp

# The project's shared folder, beside the checkout: its tools/ has the offline pip bootstrap for
# ansible-test. Optional: without it, ansible-test downloads its bootstrap itself.
SHARED ?= $(abspath ../shared)
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
# The source tree seen as a collection, for unit tests (imports of ansible_collections.hwcloud.dli).
SRC_COLLECTIONS := $(TMP)/src
SRC_LINK := $(SRC_COLLECTIONS)/ansible_collections/hwcloud/dli
# A copy of the tracked tree under ansible_collections/, which ansible-test needs.
SANITY_TREE := $(TMP)/sanity/ansible_collections/hwcloud/dli
# Another copy, for ansible-test integration.
ANSIBLE_TEST_TREE := $(TMP)/ansible-test/ansible_collections/hwcloud/dli

# Per release line X.Y: its virtual environment (.venv/ for the newest, which also holds the tools
# the gates need; .tmp/venvs/ansible-core-X.Y/ for the others), and under .tmp/ansible-core-X.Y/ the
# tarball its ansible-galaxy builds (dist/) and the collection installed from it (installed/).
venv_of = $(if $(filter $(NEWEST),$(1)),$(abspath $(VENV)),$(TMP)/venvs/ansible-core-$(1))
tools_of = $(if $(filter $(NEWEST),$(1)),-r tools/requirements.txt)
dist_of = $(TMP)/ansible-core-$(1)/dist
installed_of = $(TMP)/ansible-core-$(1)/installed
# The playbooks of the demo, the runner check, the docs and the ee use the newest line's install.
INSTALLED := $(call installed_of,$(NEWEST))

export ANSIBLE_COLLECTIONS_PATH := $(INSTALLED)
export ANSIBLE_NOCOLOR := 1
export NO_COLOR := 1
export PATH := $(BIN):$(PATH)

GATES := ansible-test-integration runner sanity lint changelog docs ee ci-matrix demo soak
.PHONY: all test matrix gates venv units install integration $(GATES) bench bench-profile release-notes clean \
  $(foreach line,$(ANSIBLE_CORE_VERSIONS),venv-$(line) units-$(line) install-$(line) integration-$(line) matrix-$(line))

all: test

# The unit tests and the integration playbooks on every release line, the gates on the newest,
# the demo included; then the check that none of it wrote into the real home. CI runs it in parts:
# make test TEST_TARGETS=matrix-X.Y, make test TEST_TARGETS=gates.
TEST_TARGETS := matrix gates
test:
	mkdir -p $(TMP)
	$(HWDLI_PYTHON) tools/check_home_untouched.py --home "$(HWDLI_REAL_HOME)" --state $(TMP)/home-check -- \
	  $(MAKE) --no-print-directory $(TEST_TARGETS)

matrix: $(foreach line,$(ANSIBLE_CORE_VERSIONS),matrix-$(line))
gates: $(GATES)

# The newest line, for working on the collection.
venv: venv-$(NEWEST)
units: units-$(NEWEST)
install: install-$(NEWEST)
integration: integration-$(NEWEST)

# The home the tools get, with the user's pip configuration (an index, a certificate) copied in.
$(HOME_DIR)/.ready:
	mkdir -p $(HOME_DIR) $(TMPDIR)
	for conf in .config/pip/pip.conf .pip/pip.conf; do \
	  if [ -f "$(HWDLI_REAL_HOME)/$$conf" ]; then \
	    mkdir -p "$$(dirname "$(HOME_DIR)/$$conf")" && cp "$(HWDLI_REAL_HOME)/$$conf" "$(HOME_DIR)/$$conf"; fi; \
	done
	touch $@

# What the unit tests run: pytest's arguments, for one file, one test or -k (make units UNIT_TESTS=...).
UNIT_TESTS ?= tests/unit

$(SRC_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

# venv-X.Y, units-X.Y, install-X.Y (tarball built, its contents checked, installed the way a user
# installs it), integration-X.Y, matrix-X.Y (units and integration) for each release line.
define LINE_RULES
$(call venv_of,$(1))/.installed-ansible-core-$(1): requirements.txt tests/requirements.txt $(if $(call tools_of,$(1)),tools/requirements.txt) | $(HOME_DIR)/.ready
	$(HWDLI_PYTHON) -m venv $(call venv_of,$(1))
	$(call venv_of,$(1))/bin/pip install --quiet --upgrade pip
	$(call venv_of,$(1))/bin/pip install --quiet "ansible-core==$(1).*" -r tests/requirements.txt $(call tools_of,$(1))
	touch $$@

venv-$(1): $(call venv_of,$(1))/.installed-ansible-core-$(1)

units-$(1): venv-$(1) $(SRC_LINK)
	@echo "=== unit tests, ansible-core $$$$($(call venv_of,$(1))/bin/python -c 'import ansible; print(ansible.__version__)')"
	cd $(SRC_LINK) && \
	  PYTHONPATH=$(SRC_COLLECTIONS) $(call venv_of,$(1))/bin/python -m pytest -q -p no:cacheprovider $(UNIT_TESTS)

install-$(1): venv-$(1)
	rm -rf $(call dist_of,$(1)) $(call installed_of,$(1))
	$(call venv_of,$(1))/bin/ansible-galaxy collection build --force --output-path $(call dist_of,$(1)) .
	$(call venv_of,$(1))/bin/python tools/check_tarball.py $(call dist_of,$(1))/hwcloud-dli-$(VERSION).tar.gz
	$(call venv_of,$(1))/bin/ansible-galaxy collection install --force -p $(call installed_of,$(1)) \
	  $(call dist_of,$(1))/hwcloud-dli-$(VERSION).tar.gz

integration-$(1): install-$(1)
	@echo "=== integration playbooks, $$$$($(call venv_of,$(1))/bin/ansible-playbook --version | sed -n 1p)"
	PATH=$(call venv_of,$(1))/bin:$$$$PATH ANSIBLE_COLLECTIONS_PATH=$(call installed_of,$(1)) \
	  $(call venv_of,$(1))/bin/python tests/integration/run.py

# In the matrix, the integration target skips the cases tagged lifecycle (states, savepoints, fleets: they
# wait on the emulator's stops and starts and add minutes per line); ansible-test-integration, a gate, runs
# them all on the newest line, and make integration runs them all too.
matrix-$(1): units-$(1)
	ANSIBLE_SKIP_TAGS=lifecycle $(MAKE) --no-print-directory integration-$(1)
endef
$(foreach line,$(ANSIBLE_CORE_VERSIONS),$(eval $(call LINE_RULES,$(line))))

# The demo playbook under ansible-runner, the engine of AWX / Automation Platform, judged by its events.
runner: install
	$(BIN)/python tools/run_runner.py

# ansible-test sanity (all default tests, Python 3.11) on a copy of the tracked tree.
# The integration targets as ansible-test runs them, from a copy of the source tree (their setup
# target starts the emulator), with the newest line's environment.
ansible-test-integration: venv
	$(BIN)/python tools/run_ansible_test_integration.py --tree $(ANSIBLE_TEST_TREE)

sanity: venv
	$(BIN)/python tools/run_sanity.py --tree $(SANITY_TREE) --shared $(SHARED)

# ansible-lint installs the collection from the checkout into ANSIBLE_HOME's collections; only that
# path is given, so that the one installed from the tarball does not count as a second copy.
lint: venv
	ANSIBLE_COLLECTIONS_PATH=$(ANSIBLE_HOME)/collections $(BIN)/ansible-lint --strict

changelog: venv
	$(BIN)/antsibull-changelog lint

# Not a gate: a release's notes. The fragments of changelogs/fragments/ become the section of galaxy.yml's
# version in changelogs/changelog.yaml and CHANGELOG.md, and are removed (CONTRIBUTING.md: cutting a release).
release-notes: venv
	$(BIN)/antsibull-changelog release

# The release lines of the Makefile, .github/workflows/ci.yml and meta/runtime.yml agree.
ci-matrix: venv
	$(BIN)/python tools/check_matrix.py

# Module reference and user guide, rendered with antsibull-docs and Sphinx; any warning fails.
docs: install
	@echo "ansible-doc hwcloud.dli.dli_flink_jar_job: renders with nothing on stderr"
	@err=$$($(BIN)/ansible-doc hwcloud.dli.dli_flink_jar_job 2>&1 >/dev/null) && [ -z "$$err" ] || { echo "$$err"; exit 1; }
	cd $(INSTALLED)/ansible_collections/hwcloud/dli && \
	  $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all .
	rm -rf $(TMP)/docs && mkdir -m 700 -p $(TMP)/docs
	$(BIN)/antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir $(TMP)/docs hwcloud.dli
	$(BIN)/python tools/offline_inventories.py $(TMP)/docs
	cd $(TMP)/docs && ./build.sh
	@echo "docs: $(TMP)/docs/build/html/index.html"

# The execution environment for AWX / Automation Platform: the build context (no container engine
# needed), and what ansible-builder reads from the installed collection's meta/execution-environment.yml.
ee: install
	$(BIN)/python tools/check_ee.py --ee-file docs/execution-environment.yml \
	  --context $(TMP)/ee --collections $(INSTALLED)

demo: install
	$(BIN)/python tools/run_demo.py

# A fleet of jobs through dli_flink_jar_jobs against an emulator that throttles (429 + Retry-After), fails 5%
# of calls (503) and drops some connections: every job converges as declared, nothing else changes, one IAM
# login per run, the third run changes nothing. A gate at 30 jobs (well under a minute); SOAK_JOBS=200 on demand.
SOAK_JOBS ?= 30
soak: install
	$(BIN)/python benchmarks/soak.py --jobs $(SOAK_JOBS)

# Not a gate: the list module, per-job tasks and plain uri PUTs, interleaved over rounds, for BENCH_SIZES jobs
# (50 and 200 by default), and a rolling restart of BENCH_ROLLING_JOBS (200; read by bench.py, 0 for none);
# writes benchmarks/results/latest.json and .md. BENCH_SIZES=20 BENCH_ROLLING_JOBS=20 for a quick run.
BENCH_SIZES ?= 50,200
bench: install
	$(BIN)/python benchmarks/bench.py --sizes $(BENCH_SIZES)

# Where the list module's time goes: an ansible-playbook run by phase, converge_jobs under cProfile, the imports.
PROFILE_JOBS ?= 200
bench-profile: install
	$(BIN)/python benchmarks/profile_fleet.py --jobs $(PROFILE_JOBS)

clean:
	rm -rf $(VENV) $(TMP)
