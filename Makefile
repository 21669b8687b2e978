# kdp — every target installs what it needs first (Debian packages via `deps`).
SWIFT      ?= swift
DEB_PKGS   := libnl-3-dev libnl-route-3-dev libnl-genl-3-dev iproute2 iptables nftables conntrack \
              bird2 tcpdump iputils-ping
TOPOLOGY   ?= topologies/flannel-vxlan.yaml
DEMO_TOPO  := $(if $(wildcard $(TOPOLOGY)),$(TOPOLOGY),topologies/two-nodes-routed.yaml)
RELEASE    := $(SWIFT) build -c release --product kdp --static-swift-stdlib
KDP_REL     = $$($(SWIFT) build -c release --show-bin-path)/kdp

.PHONY: deps build release test demo fmt lint bench bench-lab clean

## deps: install the Debian packages that are missing (idempotent; needs root or sudo)
deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "deps: all Debian packages present"; fi

## build: debug build with the module layering enforced
build: deps
	$(SWIFT) build --explicit-target-dependency-import-check error

release: deps
	$(RELEASE)

## test: formatting lint, then every test (unit, golden, CLI, real tcpdump)
test: build lint
	$(SWIFT) test --explicit-target-dependency-import-check error

## demo: trace a packet client → pod across nodes on the default topology
demo: release
	@echo "== kdp trace $(DEMO_TOPO) --from client --to web-b --detail summary"
	@$(KDP_REL) trace $(DEMO_TOPO) --from client --to web-b --detail summary

fmt:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	@echo "lint: clean"

## bench: traces per second (warm) and cold `kdp trace` wall time, release build
bench: release
	$(KDP_REL) bench

## bench-lab: kdp lab up vs the same set-up as a script of ip commands (needs root)
bench-lab: release
	$(KDP_REL) lab bench

clean:
	rm -rf .build
