# hwcloud.dli: make demo | make test | make units | make install | make docs | make sanity | make lint
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
TMP := $(abspath .tmp)

# Every target keeps its writes inside the checkout, in .venv/ and .tmp/. The tools run with
# .tmp/home as their home: ansible (ANSIBLE_HOME: local temp, galaxy cache), ansible-test (its
# pip bootstrap and sanity virtual environments), ansible-lint (its copy of the collection, which
# in ~/.ansible/collections would shadow what a user installs), antsibull (antsibull.log), pip,
# the Huawei Cloud SDK (.huaweicloud/). `make test` checks that the real home was left alone.
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
export PIP_CACHE_DIR := $(TMP)/pip-cache
export TMPDIR := $(TMP)/tmp
# The project's shared folder, beside the checkout: its tools/ has the offline pip bootstrap for
# ansible-test. Optional: without it, ansible-test downloads its bootstrap itself.
SHARED ?= $(abspath ../shared)
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(TMP)/dist/hwcloud-dli-$(VERSION).tar.gz
# The source tree seen as a collection, for unit tests (imports of ansible_collections.hwcloud.dli).
SRC_COLLECTIONS := $(TMP)/src
# The built tarball installed the way a user installs it, for playbooks.
INSTALLED := $(TMP)/installed
# A copy of the tracked tree under ansible_collections/, which ansible-test needs.
SANITY_TREE := $(TMP)/sanity/ansible_collections/hwcloud/dli
# Another copy, for ansible-test integration.
ANSIBLE_TEST_TREE := $(TMP)/ansible-test/ansible_collections/hwcloud/dli
export ANSIBLE_COLLECTIONS_PATH := $(INSTALLED)
export ANSIBLE_NOCOLOR := 1
export NO_COLOR := 1
export PATH := $(BIN):$(PATH)

.PHONY: all demo test units integration ansible-test-integration runner install venv sanity lint docs changelog ee clean

all: test

# The home the tools get, with the user's pip configuration (an index, a certificate) copied in.
$(HOME_DIR)/.ready:
	mkdir -p $(HOME_DIR) $(TMPDIR)
	for conf in .config/pip/pip.conf .pip/pip.conf; do \
	  if [ -f "$(HWDLI_REAL_HOME)/$$conf" ]; then \
	    mkdir -p "$$(dirname "$(HOME_DIR)/$$conf")" && cp "$(HWDLI_REAL_HOME)/$$conf" "$(HOME_DIR)/$$conf"; fi; \
	done
	touch $@

$(VENV)/.installed: requirements.txt tests/requirements.txt | $(HOME_DIR)/.ready
	$(HWDLI_PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -r tests/requirements.txt
	touch $@

venv: $(VENV)/.installed | $(HOME_DIR)/.ready

$(SRC_COLLECTIONS)/ansible_collections/hwcloud/dli:
	mkdir -p $(SRC_COLLECTIONS)/ansible_collections/hwcloud
	ln -sfn $(CURDIR) $@

install: venv
	rm -rf $(TMP)/dist $(INSTALLED)
	$(BIN)/ansible-galaxy collection build --force --output-path $(TMP)/dist .
	$(BIN)/python tools/check_tarball.py $(TARBALL)
	$(BIN)/ansible-galaxy collection install --force -p $(INSTALLED) $(TARBALL)

units: venv $(SRC_COLLECTIONS)/ansible_collections/hwcloud/dli
	cd $(SRC_COLLECTIONS)/ansible_collections/hwcloud/dli && \
	  PYTHONPATH=$(SRC_COLLECTIONS) $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

integration: install
	$(BIN)/python tests/integration/run.py

# The same targets as ansible-test runs them, from a copy of the source tree (its setup target starts the emulator).
ansible-test-integration: venv
	$(BIN)/python tools/run_ansible_test_integration.py --tree $(ANSIBLE_TEST_TREE)

# The demo playbook under ansible-runner, the engine of AWX / Automation Platform, judged by its events.
runner: install
	$(BIN)/python tools/run_runner.py

# ansible-test sanity (all default tests, Python 3.11) on a copy of the tracked tree.
sanity: venv
	$(BIN)/python tools/run_sanity.py --tree $(SANITY_TREE) --shared $(SHARED)

# ansible-lint installs the collection from the checkout into ANSIBLE_HOME's collections; only that
# path is given, so that the one installed from the tarball does not count as a second copy.
lint: venv
	ANSIBLE_COLLECTIONS_PATH=$(ANSIBLE_HOME)/collections $(BIN)/ansible-lint --strict

changelog: venv
	$(BIN)/antsibull-changelog lint

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

# Everything, the demo included, then the check that none of it wrote into the real home.
TEST_TARGETS := units integration ansible-test-integration runner sanity lint changelog docs ee demo
test: venv
	$(HWDLI_PYTHON) tools/check_home_untouched.py --home "$(HWDLI_REAL_HOME)" --state $(TMP)/home-check -- \
	  $(MAKE) --no-print-directory $(TEST_TARGETS)

demo: install
	$(BIN)/python tools/run_demo.py

clean:
	rm -rf $(VENV) $(TMP)
