# hwcloud.dli: make demo | make test | make units | make install
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
TMP := $(abspath .tmp)
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(TMP)/dist/hwcloud-dli-$(VERSION).tar.gz
# The source tree seen as a collection, for unit tests (imports of ansible_collections.hwcloud.dli).
SRC_COLLECTIONS := $(TMP)/src
# The built tarball installed the way a user installs it, for playbooks.
INSTALLED := $(TMP)/installed
export ANSIBLE_COLLECTIONS_PATH := $(INSTALLED)
export ANSIBLE_NOCOLOR := 1

.PHONY: all demo test units integration install venv clean

all: test

$(VENV)/.installed: requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -r tests/requirements.txt
	touch $@

venv: $(VENV)/.installed

$(SRC_COLLECTIONS)/ansible_collections/hwcloud/dli:
	mkdir -p $(SRC_COLLECTIONS)/ansible_collections/hwcloud
	ln -sfn $(CURDIR) $@

install: venv
	rm -rf $(TMP)/dist $(INSTALLED)
	$(BIN)/ansible-galaxy collection build --force --output-path $(TMP)/dist .
	$(BIN)/ansible-galaxy collection install --force -p $(INSTALLED) $(TARBALL)

units: venv $(SRC_COLLECTIONS)/ansible_collections/hwcloud/dli
	cd $(SRC_COLLECTIONS)/ansible_collections/hwcloud/dli && \
	  PYTHONPATH=$(SRC_COLLECTIONS) $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

integration: install
	PATH=$(BIN):$$PATH $(BIN)/python tests/integration/run.py

test: units integration

demo: install
	PATH=$(BIN):$$PATH $(BIN)/python tests/emulator/run_demo.py

clean:
	rm -rf $(VENV) $(TMP)
