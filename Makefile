# ocfnet: Pacemaker-compatible OCF resource agents in Go.
# `make help` lists the targets.

GO        ?= go
AGENTS    := IPaddr2 VIPArip
PROVIDER  := ocfnet
OCF_DIR   := $(DESTDIR)/usr/lib/ocf/resource.d/$(PROVIDER)
# An execution count, not a duration: with a duration the fuzzing engine
# sometimes reports "context deadline exceeded" as a failure when time runs
# out mid-exchange with a worker, though no input failed.
FUZZTIME  ?= 200000x
export CGO_ENABLED := 0

# The version --version, meta-data, man pages and packages carry: git
# describe, made valid for dpkg and rpm (v0.1.0-12-gabc1234-dirty becomes
# 0.1.0+12.gabc1234.dirty). A clone without tags counts from BASE_VERSION.
BASE_VERSION := 0.1.0
ifndef VERSION
VERSION := $(shell d=$$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null) || \
	d=v$(BASE_VERSION)-$$(git rev-list --count HEAD 2>/dev/null || echo 0)-g$$(git rev-parse --short HEAD 2>/dev/null || echo 0)$$(git diff --quiet HEAD 2>/dev/null || echo -dirty); \
	echo "$$d" | sed -E 's/^v//; s/-([0-9]+)-g([0-9a-f]+)/+\1.g\2/; s/-dirty$$/.dirty/; s/^([0-9.]+)\.dirty$$/\1+dirty/')
endif
LDFLAGS   := -s -w -X github.com/ocfnet/ocfnet/pkg/ocf.Version=$(VERSION)

.PHONY: all help build install uninstall metadata man package version deps check test unit bench demo fuzz clean FORCE

all: build

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

build: $(AGENTS:%=bin/%) ## static, stripped agent binaries in bin/

bin/%: FORCE
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./agents/$*

install: build ## install the agents in $(DESTDIR)/usr/lib/ocf/resource.d/ocfnet
	install -d $(OCF_DIR)
	install -m 0755 $(AGENTS:%=bin/%) $(OCF_DIR)/

uninstall: ## remove the installed agents
	rm -f $(AGENTS:%=$(OCF_DIR)/%)
	-rmdir $(OCF_DIR)

# The golden files carry the source's default version, not the build's.
metadata: ## regenerate metadata/*.xml from the agents
	for a in $(AGENTS); do $(GO) run ./agents/$$a meta-data > metadata/$$a.xml; done

man: ## regenerate man/ocf_ocfnet_*.7 from the agents' declarations
	for a in $(AGENTS); do $(GO) run ./agents/$$a --man > man/ocf_ocfnet_$$a.7; done

package: build ## dist/ocfnet_<version>_amd64.deb and dist/ocfnet-<version>.x86_64.rpm (nfpm)
	$(GO) run ./tools/package -version $(VERSION) -bin bin -out dist -mtime $$(git log -1 --format=%ct 2>/dev/null || echo 0)

version: ## print the version the build stamps
	@echo $(VERSION)

deps: ## install missing Debian packages and Go modules (root)
	@if [ "$$(id -u)" -ne 0 ]; then \
		echo "make test needs root: its tests build network namespaces (run: sudo make test)" >&2; exit 1; fi
	.ci/install-deps
	$(GO) mod download

check: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed: $$out" >&2; exit 1; fi
	$(GO) vet -tags demo ./...
	$(GO) tool staticcheck -tags demo ./...

test: deps build check install ## every test: unit, privileged, ocf-tester, ocft, packages, fuzz (root)
	$(GO) test -count=1 -timeout 15m ./...
	@# Alone, after the others: it replaces the installed agents for a while.
	OCFNET_PACKAGE_TEST=1 $(GO) test -count=1 -run '^TestPackage' ./tools/package
	$(MAKE) fuzz

fuzz: ## run each fuzz target briefly
	@for t in $$(grep -rl --include='*_test.go' '^func Fuzz' pkg agents | xargs -n1 dirname | sort -u); do \
		for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$t/*_test.go | sed 's/func //'); do \
			echo "fuzz $$t $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./$$t || exit 1; \
		done; \
	done

bench: deps build install ## speed next to resource-agents, as ratios (root)
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 30x ./agents/... | tee bin/bench.txt

demo: deps build install ## a narrated two-node cluster running both agents (root)
	$(GO) test -c -tags demo -o bin/demo.test ./internal/demo
	cd internal/demo && ../../bin/demo.test -test.run '^TestDemo$$' -test.count 1

clean: ## remove build output
	rm -rf bin dist
