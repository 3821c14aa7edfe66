# The two commands README.md opens with:
#   make demo   the demo playbook against the embedded emulator
#   make test   sanity, unit, emulator, integration and ecosystem tests, on
#               ansible-core 2.19 (Python 3.11) and on the newest ansible-core
#               (2.21, Python 3.13)
# Both set up everything themselves: a virtual environment, the collection
# built from its own tarball and installed under $(BUILD)/collections, and the
# emulator. Variables (PYTHON, ANSIBLE_CORE, VENV, BUILD) select one cell of
# the version matrix; `make test` runs both cells.

PYTHON ?= python3
ANSIBLE_CORE ?= 2.19.14
VENV ?= .venv
BUILD ?= .build
# The newest ansible-core needs Python >= 3.12; pyenv provides it on our machines.
NEWEST_PYTHON ?= $(shell PYENV_VERSION=3.13.0 pyenv which python3.13 2>/dev/null || command -v python3.13 || command -v python3.12)
NEWEST_ANSIBLE_CORE ?= 2.21.5
# Extra requirements for the main cell: the ecosystem tools (lint, docs, ...).
TOOLS_REQUIREMENTS ?= tests/requirements-tools.txt
PYTEST_PATHS ?= tests/unit tests/emulator tests/integration tests/ecosystem

BIN := $(abspath $(VENV))/bin
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TREE := $(BUILD)/ansible_collections/qcloud/cvm
TARBALL := $(abspath $(BUILD))/dist/qcloud-cvm-$(VERSION).tar.gz
COLLECTIONS := $(abspath $(BUILD))/collections

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export QCLOUD_CVM_TARBALL := $(TARBALL)
export PATH := $(BIN):$(PATH)

.PHONY: demo test test-newest check venv tree build install sanity pytest integration units lint docs bench bench-venv clean

demo: install
	scripts/run-with-emulator.sh docs/examples/demo.sh

test: lint check test-newest

# One cell of the matrix: sanity, every pytest suite, then the ansible-test
# integration targets on both APIs.
check: sanity pytest integration

# The newest cell runs the unit and emulator tests, sanity and every ansible-test
# target on both APIs; the pytest integration suite (about 20 minutes: fault
# sequences, concurrency, durability, on both APIs) runs in the main cell only,
# so that make test stays within its 40 minutes on two cores.
test-newest:
	@test -n "$(NEWEST_PYTHON)" || { echo "make test-newest: ansible-core $(NEWEST_ANSIBLE_CORE) needs Python 3.12 or newer: install python3.13 (or set NEWEST_PYTHON)" >&2; exit 1; }
	$(MAKE) check PYTHON="$(NEWEST_PYTHON)" ANSIBLE_CORE=$(NEWEST_ANSIBLE_CORE) VENV=.venv-newest BUILD=.build-newest \
		TOOLS_REQUIREMENTS= PYTEST_PATHS="tests/unit tests/emulator"

venv: $(VENV)/.installed
$(VENV)/.installed: tests/requirements.txt $(TOOLS_REQUIREMENTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "ansible-core==$(ANSIBLE_CORE)" -r tests/requirements.txt $(if $(TOOLS_REQUIREMENTS),-r $(TOOLS_REQUIREMENTS))
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
	cd $(TREE) && $(BIN)/ansible-test sanity --color no --python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --requirements

# One pytest run, so CI reads one closing line (a test that hangs fails after
# 15 minutes instead of eating the CI budget): unit tests import the copied
# tree, the emulator tests need nothing, integration and ecosystem tests use
# the installed tarball.
# PYTEST_WORKERS processes (pytest-xdist) share the files: most of an
# integration test is waiting for ansible-playbook and the emulator's delays.
PYTEST_WORKERS ?= 2
pytest: install
	cd $(TREE) && PYTHONPATH=$(abspath $(BUILD)) $(BIN)/python -m pytest -p no:cacheprovider --timeout=900 -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_PATHS)

# The ansible-test integration targets (tests/integration/targets, see
# tests/integration/README.md), run from the copied tree once per API: each
# run writes the tree's tests/integration/integration_config.yml (qcloud_cvm_api),
# and every target starts its own emulator from the tree's tests/emulator. No
# containers: --venv makes ansible-test's own virtual environment, with
# tests/integration/requirements.txt (requests) in it. Both APIs run even when
# the first fails. The targets that do not depend on qcloud_cvm_api
# (INTEGRATION_ONCE) run in the first run only. Narrow a run with, for example,
#   make integration INTEGRATION_APIS=v3 INTEGRATION_TARGETS=inventory_cvm
INTEGRATION_APIS ?= legacy v3
INTEGRATION_TARGETS ?=
INTEGRATION_ONCE ?= migration_legacy_to_v3
integration: tree
	scripts/install-ansible-test-bootstrap.sh $(BIN)/python
	@status=0; exclude=; for api in $(INTEGRATION_APIS); do \
		printf -- '---\n# Written by make integration.\nqcloud_cvm_api: %s\n' "$$api" > $(TREE)/tests/integration/integration_config.yml; \
		echo "== ansible-test integration, qcloud_cvm_api: $$api"; \
		(cd $(TREE) && $(BIN)/ansible-test integration --venv --color no --continue-on-error \
			--python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') $$exclude $(INTEGRATION_TARGETS)) || status=1; \
		test -n "$(INTEGRATION_TARGETS)" || exclude="$(foreach target,$(INTEGRATION_ONCE),--exclude $(target))"; \
	done; \
	rm -f $(TREE)/tests/integration/integration_config.yml; \
	exit $$status

# The unit tests in place, in seconds: the repository itself is the collection,
# seen through a symlink at ansible_collections/qcloud/cvm.
INPLACE := $(abspath $(BUILD))/inplace
units: venv
	mkdir -p $(INPLACE)/ansible_collections/qcloud
	ln -sfn $(CURDIR) $(INPLACE)/ansible_collections/qcloud/cvm
	cd $(INPLACE)/ansible_collections/qcloud/cvm && PYTHONPATH=$(INPLACE) $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

# ruff (lint and format) and the rendered instance docs, as pre-commit runs them.
lint: venv
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

# The collection's HTML docs (antsibull-docs + Sphinx), warnings are errors.
docs: install
	scripts/build-docs.sh $(abspath $(BUILD))/docs

# Benchmarks (tests/perf/README.md): tables, BENCH_JSON lines and the PNGs in
# tests/perf/figures; 52 minutes on the loaded 2-core machine of 2026-12-01
# (BENCH_ARGS=--quick: 5 minutes, figures to a temporary folder). They measure
# and print; a missed goal does not fail the run. Not part of `make test`.
# The anchor (amazon.aws's aws_ec2 against moto) and the plots (matplotlib)
# run in a benchmark-only environment, never in .venv nor in the collection's
# requirements: same ansible-core, tests/perf/requirements-bench.txt.
BENCH_ARGS ?=
BENCH_VENV ?= .venv-bench
BENCH_BIN := $(abspath $(BENCH_VENV))/bin
BENCH_RESULTS ?= tests/perf/figures/results.json
bench-venv: $(BENCH_VENV)/.installed
$(BENCH_VENV)/.installed: tests/perf/requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_BIN)/python -m pip install --quiet --upgrade pip
	$(BENCH_BIN)/python -m pip install --quiet "ansible-core==$(ANSIBLE_CORE)" -r tests/perf/requirements-bench.txt
	touch $@

bench: install bench-venv
	$(BIN)/python tests/perf/run_all.py --bench-python $(BENCH_BIN)/python $(if $(filter --quick,$(BENCH_ARGS)),,--results $(BENCH_RESULTS)) $(BENCH_ARGS)

clean:
	rm -rf .build .build-newest .venv .venv-newest
