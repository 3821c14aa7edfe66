# The two commands README.md opens with:
#   make demo   the demo playbook against the embedded emulator
#   make test   sanity, unit, emulator and integration tests
# Both set up everything themselves: .venv, the collection built from its own
# tarball and installed under .build/collections, and the emulator.

PYTHON ?= python3
ANSIBLE_CORE ?= 2.19.14
VENV ?= .venv
BUILD ?= .build
SANITY_PYTHON ?= $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')

BIN := $(abspath $(VENV))/bin
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TREE := $(BUILD)/ansible_collections/qcloud/cvm
TARBALL := $(BUILD)/dist/qcloud-cvm-$(VERSION).tar.gz
COLLECTIONS := $(abspath $(BUILD))/collections

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PATH := $(BIN):$(PATH)

.PHONY: demo test venv tree build install sanity pytest clean

demo: install
	scripts/run-with-emulator.sh docs/examples/demo.sh

test: sanity pytest

venv: $(VENV)/.installed
$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "ansible-core==$(ANSIBLE_CORE)" -r tests/requirements.txt
	touch $@

# ansible-test and the unit tests need the collection at
# ansible_collections/qcloud/cvm; copy what git knows (tracked, or new and not
# ignored). The copy gets a git index of its own: inside this repo's ignored
# .build, ansible-test would otherwise list no files at all.
tree: venv
	rm -rf $(BUILD)/ansible_collections
	mkdir -p $(TREE)
	git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && echo "{}"' | tar -cf - -T - | tar -xf - -C $(TREE)
	cd $(TREE) && git init -q && git add -A

build: tree
	mkdir -p $(BUILD)/dist
	cd $(TREE) && $(BIN)/ansible-galaxy collection build --force --output-path $(abspath $(BUILD))/dist

# What users get: the collection installed from its own tarball.
install: build
	$(BIN)/ansible-galaxy collection install --force -p $(COLLECTIONS) $(TARBALL)

sanity: tree
	scripts/install-ansible-test-bootstrap.sh $(BIN)/python
	cd $(TREE) && $(BIN)/ansible-test sanity --color no --python $(SANITY_PYTHON) --requirements

# One pytest run, so CI reads one closing line: unit tests import the copied
# tree, the emulator tests need nothing, integration uses the installed tarball.
pytest: install
	cd $(TREE) && PYTHONPATH=$(abspath $(BUILD)) $(BIN)/python -m pytest -p no:cacheprovider tests/unit tests/emulator tests/integration

clean:
	rm -rf $(BUILD) $(VENV)
