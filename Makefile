# hsos-agent: the boot agent of a HomestakerOS-style Ethereum node.
#   make              build build/default/hsos-agent
#   make check        install what is missing (Debian 12, root), build, run every test tier
#   make check STRICT=1   the same, a skipped check failing (as under CI=true)
#   make check-unit T=test-plan   one unit test binary (tests/unit/test-plan.c);
#       T=test-plan/NAME its TESTs named NAME (a pattern: 'ssv_*'; or run
#       build/default/tests/test-plan NAME, --list names them)
#   make check-integration T=test-daemon   one integration script
#   make demo         build, then show the plan of examples/node.json
#   make SANITIZE=1 check   unit and integration tiers under ASan and UBSan
#   make valgrind     the unit tests under valgrind
#   make check-mutants  flip decisions of the core one at a time; the tests must catch each
#   make fuzz         run a libFuzzer target (FUZZ_TARGET=config) for FUZZ_SECONDS (default 60)
#   make bench        benchmarks; figures in build/bench/results.txt
#   make golden-update  regenerate the golden files (read the diff before committing)
#   make clients-json-update  regenerate nix/lib/clients.json from agent/core/clients/
#   make install PREFIX=/usr DESTDIR=...

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/hsos-agent
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DRACUTDIR ?= $(PREFIX)/lib/dracut/modules.d
CATALOGDIR ?= $(PREFIX)/lib/systemd/catalog
CONFIG ?= examples/node.json
# make image CLIENTS=DIR: the clients' executables to bake in (docs/image.md)
CLIENTS ?=
DESTDIR ?=

PKG_CONFIG ?= pkg-config
SANITIZE ?=
WERROR ?=
FUZZ_SECONDS ?= 60
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

BUILD := build/$(if $(SANITIZE),sanitize,default)

# make V=1 shows the commands.
Q := $(if $(V),,@)

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings \
	-Wpointer-arith -Wundef -Wimplicit-fallthrough -Wswitch-enum -Werror=format=2 \
	-Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
	-Werror=int-conversion -Werror=return-type -fno-common -fstack-protector-strong \
	-Wno-missing-field-initializers
ifneq ($(WERROR),)
WARNINGS += -Werror
endif

comma := ,
SAN_FLAGS := $(if $(SANITIZE),-fsanitize=address$(comma)undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
OPT ?= -O2
# LIBNFTABLES, LIBBLKID, LIBMOUNT, LIBMICROHTTPD, LIBSECCOMP: where the
# agent opens these libraries (dlopen), for a system whose loader does not
# search them (Nix); by default their sonames.
# Each function and datum in a section of its own, and the link drops those
# nothing uses: the helper carries 80 KiB less code of the CLI's it never
# runs (its text 323 -> 243 KiB; the daemon's 347 -> 332), and a program's
# code is resident nearly whole (the kernel maps 64 KiB around each fault).
SECTIONS := -ffunction-sections -fdata-sections
BASE_CFLAGS := -std=gnu17 -D_GNU_SOURCE $(OPT) -g $(WARNINGS) $(SAN_FLAGS) $(SECTIONS) -Iinclude \
	-DHSOS_VERSION='"$(VERSION)"' $(if $(LIBNFTABLES),-DHSOS_LIBNFTABLES='"$(LIBNFTABLES)"') \
	$(if $(LIBBLKID),-DHSOS_LIBBLKID='"$(LIBBLKID)"') $(if $(LIBMOUNT),-DHSOS_LIBMOUNT='"$(LIBMOUNT)"') \
	$(if $(LIBMICROHTTPD),-DHSOS_LIBMICROHTTPD='"$(LIBMICROHTTPD)"') \
	$(if $(LIBSECCOMP),-DHSOS_LIBSECCOMP='"$(LIBSECCOMP)"') $(CFLAGS)
BASE_LDFLAGS := -Wl,-z,relro,-z,now,--as-needed,--gc-sections $(SAN_FLAGS) $(LDFLAGS)

# The pure core sees cJSON and nothing else. Its include path starts with a
# directory of poisoned headers named like every edge library's and every
# edge's own (include/hsos/edge/), so an edge header included in agent/core/
# fails the build even where the real one lies in /usr/include.
CORE_PKGS := libcjson
# The root daemon and the CLI never link libcurl (nor, through it, OpenSSL
# and GnuTLS): HTTP lives in hsos-agent-net, the unprivileged helper.
EDGE_PKGS := libcjson blkid mount libmnl libnftables libsystemd
# Its libcurl: the one scripts/libcurl.sh builds from Debian's curl source for
# HTTP and HTTPS alone (build/libcurl, static; scripts/deps.sh runs it) when
# it is there, else Debian's libcurl4. Debian's links 20 libraries for what
# the agent turns off, some 3 MiB of the helper's memory (tests/bench/memory.sh);
# make LIBCURL_STATIC= links Debian's all the same. The library counts only
# with its stamp, which scripts/libcurl.sh writes once it is whole.
LIBCURL_STATIC ?= $(if $(wildcard build/libcurl/built-from),$(wildcard build/libcurl/lib/libcurl.a))
NET_PKGS := libcjson libsystemd $(if $(LIBCURL_STATIC),openssl,libcurl) libseccomp libmicrohttpd
POISON_HEADERS := blkid.h blkid/blkid.h libmount.h libmount/libmount.h libmnl/libmnl.h \
	systemd/sd-bus.h systemd/sd-event.h systemd/sd-journal.h systemd/sd-device.h \
	systemd/sd-daemon.h systemd/sd-id128.h curl/curl.h nftables/libnftables.h \
	$(patsubst include/%,%,$(wildcard include/hsos/edge/*.h))
POISON_DIR := build/poison

CORE_CFLAGS := -I$(POISON_DIR) $(BASE_CFLAGS) $(shell $(PKG_CONFIG) --cflags $(CORE_PKGS) 2>/dev/null)
EDGE_CFLAGS := $(BASE_CFLAGS) $(shell $(PKG_CONFIG) --cflags $(EDGE_PKGS) 2>/dev/null)
NET_CFLAGS := $(BASE_CFLAGS) $(if $(LIBCURL_STATIC),-I$(dir $(LIBCURL_STATIC))../include) \
	$(shell $(PKG_CONFIG) --cflags $(NET_PKGS) 2>/dev/null)
CORE_LIBS := $(shell $(PKG_CONFIG) --libs $(CORE_PKGS) 2>/dev/null) -lm
# libnftables: its header only; the library is opened (dlopen) by the child
# that loads the ruleset (agent/edge/firewall.c), never by the root process.
# So are libblkid and libmount (and libselinux and libpcre2 behind it), by
# the worker that reads the disk and mounts (agent/edge/disklibs.c): linked,
# they held some 460 KiB of the root daemon's RSS.
EDGE_LINK_PKGS := $(filter-out libnftables blkid mount,$(EDGE_PKGS))
# No -lm: libm, mapped for one round() and one fmod(), held some 300 KiB of
# the root daemon's RSS (tests/bench/memory.sh); a libm function used in the
# agent fails its link instead of mapping it back.
EDGE_LIBS := $(shell $(PKG_CONFIG) --libs $(EDGE_LINK_PKGS) 2>/dev/null)
# The edge's tests may read the kernel's tables back with libnftables.
EDGE_TEST_LIBS := $(EDGE_LIBS) $(shell $(PKG_CONFIG) --libs libnftables 2>/dev/null)
# libmicrohttpd: its header only; fleet serve opens it (dlopen), so the
# network helper maps it not, nor has it initialise GnuTLS (fleet-server.c).
# Nor libseccomp: the helper opens it to load its filter and closes it
# (netd.c).
NET_LINK_PKGS := $(filter-out libmicrohttpd libseccomp,$(NET_PKGS))
NET_LIBS := $(LIBCURL_STATIC) $(shell $(PKG_CONFIG) --libs $(NET_LINK_PKGS) 2>/dev/null) $(if $(LIBCURL_STATIC),-pthread)

CORE_SRC := $(wildcard agent/core/*.c agent/core/clients/*.c)
EDGE_SRC := $(wildcard agent/edge/*.c)
CLI_SRC := $(wildcard agent/cli/*.c)
DAEMON_SRC := $(wildcard agent/daemon/*.c)
NET_SRC := $(wildcard agent/net/*.c)
CORE_OBJ := $(CORE_SRC:agent/core/%.c=$(BUILD)/core/%.o)
EDGE_OBJ := $(EDGE_SRC:agent/edge/%.c=$(BUILD)/edge/%.o)
CLI_OBJ := $(CLI_SRC:agent/cli/%.c=$(BUILD)/cli/%.o)
DAEMON_OBJ := $(DAEMON_SRC:agent/daemon/%.c=$(BUILD)/daemon/%.o)
NET_OBJ := $(NET_SRC:agent/net/%.c=$(BUILD)/net/%.o)
# What the helper shares with the rest: the CLI's config loading, file and
# clock edges, the journal log.
NET_SHARED_OBJ := $(BUILD)/cli/common.o $(BUILD)/edge/files.o $(BUILD)/edge/anchor.o $(BUILD)/edge/system.o \
	$(BUILD)/edge/log.o $(BUILD)/edge/dynlib.o
HEADERS := $(wildcard include/hsos/*.h include/hsos/edge/*.h agent/core/*.h agent/core/clients/*.h agent/daemon/*.h agent/net/*.h)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test-*.c))

BIN := $(BUILD)/hsos-agent
NET_BIN := $(dir $(BIN))hsos-agent-net
# Prints the clients' descriptions as nix/lib/clients.json has them.
CLIENTS_JSON_BIN := $(BUILD)/hsos-clients-json

.PHONY: no-such-test image image-run demo-run check-tiers valgrind-run bench-run fuzz-run need-libs check-e2e all deps check check-unit check-golden check-integration check-nix check-fuzz-corpus check-core-purity \
	demo valgrind fuzz bench golden-update clients-json-update install clean distclean

all: $(BIN) $(NET_BIN)

deps:
	@sh scripts/deps.sh

# The pkg-config flags above are computed when make reads this file. The goals
# that install what is missing (check, demo, bench, fuzz, image, valgrind) run
# scripts/deps.sh first and then a new make, which reads the flags of the
# libraries just installed: the first run on a fresh machine works.
# THEN_MAKE: the second make, with the same variables (MAKEFLAGS carries them).
THEN_MAKE = @sh scripts/deps.sh && $(MAKE) --no-print-directory

# Without the libraries, a plain make names what is missing instead of
# failing on the first header. Order-only: it never forces a rebuild.
need-libs:
	@$(PKG_CONFIG) --exists $(EDGE_PKGS) $(NET_PKGS) 2>/dev/null || \
		PKG_CONFIG="$(PKG_CONFIG)" sh scripts/check-libs.sh $(EDGE_PKGS) $(filter-out $(EDGE_PKGS),$(NET_PKGS))

$(CORE_OBJ) $(EDGE_OBJ) $(CLI_OBJ) $(DAEMON_OBJ) $(NET_OBJ): | need-libs

# The list of names, rewritten only when it changes (an edge header added or
# removed): the poison is made again then, and not when a header is edited.
# Which libcurl the helper's objects were compiled and linked against,
# rewritten only when it changes: a switch (libcurl built, or
# LIBCURL_STATIC= given) compiles them against its curl.h and relinks.
.PHONY: libcurl-choice
$(BUILD)/libcurl.choice: libcurl-choice
	@mkdir -p $(@D); echo 'libcurl: $(or $(LIBCURL_STATIC),Debian)' | cmp -s - $@ || echo 'libcurl: $(or $(LIBCURL_STATIC),Debian)' >$@
$(NET_OBJ): $(BUILD)/libcurl.choice

.PHONY: poison-list
$(POISON_DIR).list: poison-list
	@mkdir -p $(@D); echo '$(POISON_HEADERS)' | cmp -s - $@ || echo '$(POISON_HEADERS)' >$@

$(POISON_DIR)/.stamp: Makefile $(POISON_DIR).list
	@rm -rf $(POISON_DIR)
	@for h in $(POISON_HEADERS); do mkdir -p $(POISON_DIR)/$$(dirname $$h); \
		printf '#error "%s is an edge header: the pure core (agent/core) must not include it"\n' $$h \
			> $(POISON_DIR)/$$h; done
	@touch $@

# Each object depends on the headers it includes, as the compiler lists them
# (-MMD: FILE.d beside FILE; -MP: a header deleted since is no error), so
# touching a header rebuilds what includes it and nothing else. An object
# without its .d (a build from before) is built again to have one.
DEPFLAGS = -MMD -MP -MF $@.d -MT $@
DEPFILES := $(CORE_OBJ:=.d) $(EDGE_OBJ:=.d) $(DAEMON_OBJ:=.d) $(CLI_OBJ:=.d) $(NET_OBJ:=.d) $(UNIT_TESTS:=.d) \
	$(CLIENTS_JSON_BIN).d
$(DEPFILES):

$(BUILD)/core/%.o: agent/core/%.c $(BUILD)/core/%.o.d $(POISON_DIR)/.stamp
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CORE_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/edge/%.o: agent/edge/%.c $(BUILD)/edge/%.o.d
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(EDGE_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/daemon/%.o: agent/daemon/%.c $(BUILD)/daemon/%.o.d
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(EDGE_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/cli/%.o: agent/cli/%.c $(BUILD)/cli/%.o.d
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(EDGE_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/net/%.o: agent/net/%.c $(BUILD)/net/%.o.d
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(NET_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libhsos-core.a: $(CORE_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

# Order-only: whatever builds the agent builds its helper beside it (probe,
# fleet and the daemon's network work run there).
$(BIN): $(CLI_OBJ) $(DAEMON_OBJ) $(EDGE_OBJ) $(BUILD)/libhsos-core.a | $(NET_BIN)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(CLI_OBJ) $(DAEMON_OBJ) $(EDGE_OBJ) $(BUILD)/libhsos-core.a $(EDGE_LIBS)

$(NET_BIN): $(NET_OBJ) $(NET_SHARED_OBJ) $(BUILD)/libhsos-core.a $(LIBCURL_STATIC) $(BUILD)/libcurl.choice
	@echo "  LD      $@ (libcurl: $(if $(LIBCURL_STATIC),built in for HTTP and HTTPS alone,Debian's libcurl4; sh scripts/libcurl.sh builds the smaller one))"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(NET_OBJ) $(NET_SHARED_OBJ) $(BUILD)/libhsos-core.a $(NET_LIBS)

# The core alone, with the core's flags: it includes no edge.
$(CLIENTS_JSON_BIN): agent/tools/hsos-clients-json.c $(CLIENTS_JSON_BIN).d $(BUILD)/libhsos-core.a $(POISON_DIR)/.stamp
	@echo "  CCLD    $@"
	$(Q)$(CC) $(CORE_CFLAGS) $(DEPFLAGS) $(BASE_LDFLAGS) -o $@ $< $(BUILD)/libhsos-core.a $(CORE_LIBS)

# Unit tests link the core only, except those named test-edge-*.
$(BUILD)/tests/test-edge-%: tests/unit/test-edge-%.c $(BUILD)/tests/test-edge-%.d $(EDGE_OBJ) $(BUILD)/libhsos-core.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(EDGE_CFLAGS) -Itests/unit $(DEPFLAGS) $(BASE_LDFLAGS) -o $@ $< $(EDGE_OBJ) $(BUILD)/libhsos-core.a $(EDGE_TEST_LIBS)

# test-daemon-* also link the daemon's worker (agent/daemon/worker.c).
$(BUILD)/tests/test-daemon-%: tests/unit/test-daemon-%.c $(BUILD)/tests/test-daemon-%.d $(BUILD)/daemon/worker.o $(EDGE_OBJ) $(BUILD)/libhsos-core.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(EDGE_CFLAGS) -Itests/unit -Iagent/daemon $(DEPFLAGS) $(BASE_LDFLAGS) -o $@ $< $(BUILD)/daemon/worker.o $(EDGE_OBJ) $(BUILD)/libhsos-core.a $(EDGE_TEST_LIBS)

$(BUILD)/tests/test-%: tests/unit/test-%.c $(BUILD)/tests/test-%.d $(BUILD)/libhsos-core.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(CORE_CFLAGS) -Itests/unit $(DEPFLAGS) $(BASE_LDFLAGS) -o $@ $< $(BUILD)/libhsos-core.a $(CORE_LIBS)

include $(wildcard $(DEPFILES))

# Every tier runs through tests/run-tests.sh, which counts checks (not files)
# into HSOS_TEST_LOG; tests/summary.sh closes with one line over all tiers.
# Under CI=true or STRICT=1 a skipped check is a failed one.
HSOS_TEST_LOG ?= $(abspath build/test-results.tsv)
STRICT ?=
export HSOS_TEST_LOG STRICT
TIER_SUFFIX := $(if $(SANITIZE),-asan)
RUN_TESTS = HSOS_TEST_TIER=$(1)$(TIER_SUFFIX) sh tests/run-tests.sh

check-core-purity: $(POISON_DIR)/.stamp
	@HSOS_CORE_CC="$(CC)" HSOS_CORE_CFLAGS="$(CORE_CFLAGS)" $(call RUN_TESTS,purity) tests/unit/check-core-purity.sh

# T= picks one test (see the top of this file): T_FILE is the binary or
# script, T_ONLY the names within a unit test binary (tests/unit/harness.h).
# Only make's command line sets it, never a $T in the environment.
T :=
T_FILE := $(basename $(firstword $(subst /, ,$(T))))
T_ONLY := $(if $(findstring /,$(T)),$(patsubst $(firstword $(subst /, ,$(T)))/%,%,$(T)))
T_UNIT := $(if $(wildcard tests/unit/$(T_FILE).c),$(BUILD)/tests/$(T_FILE),no-such-test)
T_SCRIPT := $(if $(wildcard tests/integration/$(T_FILE).sh),tests/integration/$(T_FILE).sh,no-such-test)

no-such-test:
	@echo "T=$(T): there is no tests/unit/$(T_FILE).c or tests/integration/$(T_FILE).sh" >&2; exit 2

check-unit: $(if $(T),$(T_UNIT),$(UNIT_TESTS) check-core-purity)
	@$(if $(T_ONLY),HSOS_TEST_ONLY='$(T_ONLY)') $(call RUN_TESTS,unit) $(if $(T),$(T_UNIT),$(UNIT_TESTS))

check-golden: $(BIN)
	@HSOS_AGENT=$(abspath $(BIN)) $(call RUN_TESTS,golden) tests/golden/run.sh

golden-update: $(BIN)
	@sh tests/golden/run.sh $(BIN) --update

check-integration: $(BIN) $(if $(T),$(T_SCRIPT))
	$(if $(T_ONLY),$(error T=$(T): a script runs whole; T=FILE/NAME picks the tests of a unit test binary))
	@HSOS_AGENT=$(abspath $(BIN)) $(call RUN_TESTS,integration) $(if $(T),$(T_SCRIPT),$(wildcard tests/integration/test-*.sh))

# The Nix side without nixpkgs' packages: every .nix parses, nix/module.nix
# evaluated by nixpkgs' real lib.evalModules with HomestakerOS's options.nix
# (../shared/data/) gives node.json that validates, units, users (tests/nix/);
# nix/lib/clients.json is what hsos-clients-json prints.
check-nix: $(BIN) $(CLIENTS_JSON_BIN)
	@HSOS_AGENT=$(abspath $(BIN)) HSOS_CLIENTS_JSON=$(abspath $(CLIENTS_JSON_BIN)) \
		$(call RUN_TESTS,nix) tests/nix/check.sh

# nix/lib/clients.json from the clients' descriptions (read the diff before
# committing).
clients-json-update: $(CLIENTS_JSON_BIN)
	@$(CLIENTS_JSON_BIN) >nix/lib/clients.json.tmp && mv nix/lib/clients.json.tmp nix/lib/clients.json

# The image booted in QEMU (TCG): the plain build, as the image carries it.
check-e2e: $(BIN)
	@HSOS_AGENT=$(abspath $(BIN)) $(call RUN_TESTS,e2e) tests/e2e/test-boot.sh

# Every tests/fuzz/fuzz-NAME.c is a libFuzzer target over the pure core; its
# corpus in tests/fuzz/corpus/NAME runs as a regression test in make check.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=build/fuzz/fuzz-%)
FUZZ_TARGET ?= config
FUZZ_CFLAGS := -std=gnu17 -D_GNU_SOURCE -O1 -g -Iinclude -I$(POISON_DIR) \
	$(shell $(PKG_CONFIG) --cflags $(CORE_PKGS) 2>/dev/null) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(wildcard tests/fuzz/*.h) $(CORE_SRC) $(HEADERS) $(POISON_DIR)/.stamp
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRC) $(CORE_LIBS)

check-fuzz-corpus: $(FUZZ_BINS)
	@HSOS_FUZZ_NAMES="$(FUZZ_NAMES)" $(call RUN_TESTS,fuzz) tests/fuzz/check-corpora.sh

# make fuzz FUZZ_TARGET=jsonrpc FUZZ_SECONDS=300
fuzz:
	$(THEN_MAKE) fuzz-run
fuzz-run: build/fuzz/fuzz-$(FUZZ_TARGET)
	@mkdir -p build/fuzz/new-corpus-$(FUZZ_TARGET)
	build/fuzz/fuzz-$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		$(if $(wildcard tests/fuzz/$(FUZZ_TARGET).dict),-dict=tests/fuzz/$(FUZZ_TARGET).dict) \
		build/fuzz/new-corpus-$(FUZZ_TARGET) tests/fuzz/corpus/$(FUZZ_TARGET)

# Every tier runs, even after one failed, then one line over all of them.
# HSOS_TEST_KEEP=1 (.ci/run) adds to HSOS_TEST_LOG instead of starting anew.
ifeq ($(SANITIZE),)
CHECK_TIERS := check-unit check-golden check-integration check-nix check-fuzz-corpus check-e2e
else
CHECK_TIERS := check-unit check-integration
endif
check:
	$(THEN_MAKE) check-tiers
check-tiers:
	@[ -z "$(T)" ] || { echo "T= picks a test of one tier: make check-unit T=... or make check-integration T=..." >&2; exit 2; }
	@mkdir -p $(dir $(HSOS_TEST_LOG)); [ "$${HSOS_TEST_KEEP:-}" = 1 ] || : >$(HSOS_TEST_LOG)
	@rc=0; for t in $(CHECK_TIERS); do $(MAKE) --no-print-directory $$t || rc=1; done; \
		sh tests/summary.sh $(HSOS_TEST_LOG) || rc=1; exit $$rc

# The mutation test, not part of make check: each tests/mutants/*.mutant flips
# one decision of the core in a scratch copy of the tree, and the fast tiers
# (unit, golden, test-cli and test-unit-security) must catch every one.
.PHONY: check-mutants check-mutants-run
check-mutants:
	$(THEN_MAKE) check-mutants-run
check-mutants-run:
	@sh tests/mutants/run.sh

valgrind:
	$(THEN_MAKE) valgrind-run
valgrind-run: $(UNIT_TESTS)
	@mkdir -p $(dir $(HSOS_TEST_LOG)); [ "$${HSOS_TEST_KEEP:-}" = 1 ] || : >$(HSOS_TEST_LOG)
	@VALGRIND=1 $(call RUN_TESTS,unit-valgrind) $(UNIT_TESTS); rc=$$?; sh tests/summary.sh $(HSOS_TEST_LOG) && exit $$rc

BENCH_BIN := build/bench/bench-plan
$(BENCH_BIN): tests/bench/bench-plan.c $(BUILD)/libhsos-core.a
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) $(BASE_LDFLAGS) -o $@ $< $(BUILD)/libhsos-core.a $(CORE_LIBS)

LABELS_BIN := build/bench/bench-labels
$(LABELS_BIN): tests/bench/bench-labels.c $(BUILD)/cli/common.o $(EDGE_OBJ) $(BUILD)/libhsos-core.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(EDGE_CFLAGS) $(BASE_LDFLAGS) -o $@ $< $(BUILD)/cli/common.o $(EDGE_OBJ) $(BUILD)/libhsos-core.a $(EDGE_LIBS)

# The probe round and the fleet simulation: the agent's own Http and etcd code.
PROBE_BENCH_BIN := build/bench/bench-probe
FLEET_BENCH_BIN := build/bench/bench-fleet
NET_LIB_OBJ := $(filter-out $(BUILD)/net/main.o,$(NET_OBJ))
build/bench/bench-%: tests/bench/bench-%.c $(NET_LIB_OBJ) $(NET_SHARED_OBJ) $(BUILD)/libhsos-core.a $(LIBCURL_STATIC) $(BUILD)/libcurl.choice
	@mkdir -p $(@D)
	$(Q)$(CC) $(NET_CFLAGS) -Iagent/net $(BASE_LDFLAGS) -o $@ $< $(NET_LIB_OBJ) $(NET_SHARED_OBJ) $(BUILD)/libhsos-core.a $(NET_LIBS)

# The benchmarks alone need prometheus-node-exporter (deps.sh bench).
bench:
	@sh scripts/deps.sh bench && $(MAKE) --no-print-directory bench-run
# The benchmarks that run the daemon do it, as root, in a network namespace of
# their own (lo up): the daemon loads its firewall there, never into this host's.
IN_OWN_NETNS = $(if $(filter 0,$(shell id -u)),unshare --net sh -c 'ip link set lo up && exec "$$@"' sh)
bench-run: $(BIN) $(BENCH_BIN) $(LABELS_BIN) $(PROBE_BENCH_BIN) $(FLEET_BENCH_BIN)
	@sh tests/bench/run.sh $(BENCH_BIN) $(BIN) build/bench/results.txt
	@sh tests/bench/labels.sh $(LABELS_BIN) build/bench/results.txt
	@$(IN_OWN_NETNS) python3 tests/bench/daemon.py $(abspath $(BIN)) tests/bench/full-node.json | tee -a build/bench/results.txt
	@$(IN_OWN_NETNS) sh tests/bench/memory.sh $(BIN) build/bench/results.txt
	@sh tests/bench/image.sh $(abspath $(BIN)) build/bench/results.txt
	@sh tests/bench/probe.sh $(PROBE_BENCH_BIN) $(BIN) build/bench/results.txt
	@$(IN_OWN_NETNS) sh tests/bench/cpu.sh $(BIN) build/bench/results.txt
	@sh tests/bench/fleet.sh $(FLEET_BENCH_BIN) $(abspath $(BIN)) build/bench/results.txt

demo:
	$(THEN_MAKE) demo-run
demo-run: $(BIN)
	@sh scripts/demo.sh $(BIN)

# Unit files name the binary where it is installed (@bindir@).
SUBST_BINDIR = sed 's|@bindir@|$(BINDIR)|g'

install: $(BIN) $(NET_BIN)
	install -Dm0755 $(BIN) $(DESTDIR)$(BINDIR)/hsos-agent
	install -Dm0755 $(NET_BIN) $(DESTDIR)$(BINDIR)/hsos-agent-net
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DRACUTDIR)/90hsos-agent
	for u in hsos-agent-mount.service hsos-agent.service hsos-agent-net.service; do \
		$(SUBST_BINDIR) initrd-hooks/$$u >$(DESTDIR)$(UNITDIR)/$$u && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; done
	install -m0644 initrd-hooks/hsos-agent.sysusers $(DESTDIR)$(SYSUSERSDIR)/hsos-agent.conf
	install -Dm0644 initrd-hooks/hsos-agent.catalog $(DESTDIR)$(CATALOGDIR)/hsos-agent.catalog
	for f in initrd-hooks/dracut/90hsos-agent/*; do \
		$(SUBST_BINDIR) $$f >$(DESTDIR)$(DRACUTDIR)/90hsos-agent/$$(basename $$f); done
	chmod 0755 $(DESTDIR)$(DRACUTDIR)/90hsos-agent/module-setup.sh
	install -Dm0644 docs/hsos-agent.1 $(DESTDIR)$(MANDIR)/man1/hsos-agent.1
	install -Dm0644 docs/configuration.md $(DESTDIR)$(DOCDIR)/configuration.md
	install -Dm0644 examples/node.json $(DESTDIR)$(DOCDIR)/examples/node.json

# The RAM-disk image: build/image/{bzImage,initrd.zst,kexec-boot}.
image:
	$(THEN_MAKE) image-run
image-run: $(BIN)
	@CLIENTS="$(CLIENTS)" sh scripts/image/build.sh $(abspath $(BIN)) $(CONFIG) build/image

clean:
	rm -rf build

distclean: clean
