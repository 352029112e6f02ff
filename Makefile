# The two commands a newcomer needs: `make demo` and `make test`. Each target does its own
# set-up: the virtualenv, the Docker engine, the base images.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        ?= .venv
PYTHON      ?= python3
BIN         := $(VENV)/bin
BUILD       := .build
# An ansible_collections/ tree whose agentc2/platform is this repository, so that playbooks,
# Molecule and the unit tests resolve agentc2.platform.* to the working copy.
COLLECTIONS := $(BUILD)/collections
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
# Ansible's home inside the build tree: a copy of agentc2.platform installed under ~/.ansible
# (by hand, or by an older Molecule) would otherwise shadow the working tree for ansible-lint,
# which puts ~/.ansible/collections first.
export ANSIBLE_HOME := $(CURDIR)/$(BUILD)/ansible-home
export PATH := $(CURDIR)/$(BIN):$(PATH)
# The unit tests import the collection as ansible_collections.agentc2.platform.
export PYTHONPATH := $(CURDIR)/$(COLLECTIONS)

SCENARIOS ?= $(shell scripts/molecule-scenarios.sh)

.PHONY: help venv collection docker images host demo demo-down test lint sanity unit molecule \
        bench-inventory bench-caddy bench-deploy test-lab test-deploy changelog build clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(BIN)/ansible-playbook: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(BIN)/ansible-playbook  ## the virtualenv with the pinned dev requirements

collection:  ## link this repository into $(COLLECTIONS)
	@mkdir -p $(COLLECTIONS)/ansible_collections/agentc2
	@ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/agentc2/platform

host:  ## host packages, the Docker engine and the Debian mirror cache
	@scripts/ensure-host-tools.sh
	@scripts/ensure-docker.sh
	@scripts/ensure-apt-cache.sh

images: host  ## the Debian base images (rebuilt only when their recipe changes)
	@scripts/build-images.sh

demo: venv collection images  ## bring up the local lab and configure it with site.yml
	@scripts/demo.sh up

demo-down: venv collection  ## remove the lab's containers
	@scripts/demo.sh down

test: venv collection images  ## the whole suite: lint, sanity, unit, Molecule
	@scripts/test-all.sh $(SCENARIOS)

lint: venv collection  ## ansible-lint, production profile
	$(BIN)/ansible-lint --profile production

sanity: venv  ## ansible-test sanity in a temporary ansible_collections tree
	@scripts/sanity.sh

unit: venv collection  ## the pytest unit tests
	$(BIN)/pytest tests/unit

molecule: venv collection images  ## every Molecule scenario (or SCENARIOS="a b")
	@for s in $(SCENARIOS); do scripts/molecule-scenario.sh $$s || exit 1; done

bench-inventory: venv collection  ## inventory plugin benchmark: 10,000 droplets, 100 ms latency
	$(BIN)/python bench/inventory.py

test-lab: venv collection images  ## the lab scenario alone: site.yml, the HA and rolling-deploy tests
	scripts/molecule-scenario.sh lab

test-deploy: venv collection images  ## the lab scenario with the rolling-deploy tests only
	AGENTC2_LAB_TESTS=test_deploy scripts/molecule-scenario.sh lab

# The lab's load balancer back on the architecture's checks (10 s / 3 / 3), then one deploy of both
# droplets timed against the floor those checks impose (target: 1.25x).
bench-deploy: demo  ## rolling deploy of the lab with 10 s / 3 / 3 checks: duration, floor and ratio
	@export ANSIBLE_VAULT_PASSWORD_FILE=$(CURDIR)/molecule/lab/vault-password ANSIBLE_PIPELINING=True && \
	$(BIN)/ansible-playbook -i inventory/lab molecule/lab/lb.yml >/dev/null && \
	$(BIN)/python bench/deploy_ratio.py -i inventory/lab --version bench-$$(date +%Y%m%d%H%M%S)

bench-caddy: venv collection images  ## requests/s through Caddy to /api/health and the agent
	bench/caddy_throughput.sh

changelog: venv  ## lint the changelog fragments
	$(BIN)/antsibull-changelog lint

build: venv  ## the collection tarball
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)

clean:  ## remove the virtualenv and build products
	rm -rf $(VENV) $(BUILD) tests/output
