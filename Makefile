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
# The packager (nfpm) and govulncheck live in their own module, so that
# their dependency graphs stay out of the agents' go.mod.
TOOLS     := $(GO) -C tools
# The Go vulnerability database that check uses: a pinned snapshot of
# golang.org/x/vulndb (its data/osv, read by govulncheck as a file
# database), fetched like any module, so the check also runs where
# vuln.go.dev cannot be reached. Raise the version to check against newer
# entries; GOVULNDB=https://vuln.go.dev uses the live database instead.
VULNDB    ?= golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
# Packages that must build on any OS (check vets them for darwin). Not yet:
# pkg/announce (CLOCK_BOOTTIME, SO_BINDTODEVICE) and the agents (netlink).
PORTABLE  := ./pkg/ocf ./pkg/rip ./pkg/garp ./pkg/pcmk ./pkg/netif ./pkg/netif/netiftest ./pkg/statefile ./pkg/proc

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
	$(TOOLS) run ./package -version $(VERSION) -bin $(CURDIR)/bin -root $(CURDIR) -out $(CURDIR)/dist -mtime $$(git log -1 --format=%ct 2>/dev/null || echo 0)

version: ## print the version the build stamps
	@echo $(VERSION)

deps: ## install missing Debian packages and Go modules (root)
	@if [ "$$(id -u)" -ne 0 ]; then \
		echo "make test needs root: its tests build network namespaces (run: sudo make test)" >&2; exit 1; fi
	.ci/install-deps
	$(GO) mod download
	$(TOOLS) mod download
	@# What go mod tidy -diff (make check) also loads: the tests of the
	@# dependencies' packages. -diff writes nothing; a real diff shows in check.
	$(GO) mod tidy -diff >/dev/null 2>&1 || :
	$(TOOLS) mod tidy -diff >/dev/null 2>&1 || :
	cd / && $(GO) mod download $(VULNDB)

check: ## gofmt, go vet, staticcheck, go mod tidy -diff, govulncheck, portable packages' vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed: $$out" >&2; exit 1; fi
	$(GO) vet -tags demo ./...
	$(GO) tool staticcheck -tags demo ./...
	$(TOOLS) vet ./...
	sc=$$($(GO) tool -n staticcheck) && cd tools && $$sc ./...
	$(GO) mod tidy -diff
	$(TOOLS) mod tidy -diff
	GOOS=darwin $(GO) vet $(PORTABLE)
	GO=$(GO) tools/vulncheck $(VULNDB)

# OCFNET_REQUIRE_ROOT=1: a privileged test that would skip fails instead,
# here as under CI=true; OCFNET_UNPRIVILEGED (make unit's) is cleared.
test: deps build check install ## every test: unit, privileged, ocf-tester, ocft, packages, fuzz (root)
	OCFNET_REQUIRE_ROOT=1 OCFNET_UNPRIVILEGED= $(GO) test -count=1 -timeout 15m ./...
	OCFNET_REQUIRE_ROOT=1 OCFNET_UNPRIVILEGED= $(TOOLS) test -count=1 ./...
	@# Alone, after the others: it replaces the installed agents for a while.
	OCFNET_PACKAGE_TEST=1 $(TOOLS) test -count=1 -run '^TestPackage' ./package
	$(MAKE) fuzz

# -race needs cgo, hence a C compiler; without one unit fails and says so.
# OCFNET_UNPRIVILEGED=1 skips the privileged tests also when run as root, so
# that unit is the same quick, harmless run for everyone.
unit: ## every unprivileged test, with the race detector (no root needed)
	@command -v "$$($(GO) env CC)" >/dev/null || { \
		echo "make unit: -race needs cgo and a C compiler ($$($(GO) env CC)): apt-get install gcc" >&2; exit 1; }
	OCFNET_UNPRIVILEGED=1 CGO_ENABLED=1 $(GO) test -race -count=1 ./...
	OCFNET_UNPRIVILEGED=1 CGO_ENABLED=1 $(TOOLS) test -race -count=1 ./...

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
