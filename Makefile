# nsearch: GNU Makefile.
#
#   make                 build nsearch-index and nsearch into build/$(BUILD)
#   make check           build and run every test (prints "N passed, N failed")
#   make check-asan      the same under AddressSanitizer + UBSan
#   make check-crash     thousands of kill -9 and every I/O fault (long)
#   make demo            index corpus/ and run two sample queries
#   make install         PREFIX=/usr/local DESTDIR=
#   make uninstall / clean
#
# BUILD=release|debug|asan selects the out-of-tree build folder and flags.
# WERROR=1 turns warnings into errors (CI does).
# Missing Debian packages are installed first (as root) by mk/deps.sh.

BUILD ?= release
O ?= build/$(BUILD)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/nsearch
VERSION := 0.1.0

# The Debian packages the goals need (mk/deps.sh) are installed before
# anything is compiled: `deps` is an order-only prerequisite of every object,
# run once per make, never while this file is read (so `make -n` installs
# nothing). The pkg-config flags below are read when recipes run, after it.
DEPS_SET := $(if $(filter check check-asan check-oracle check-crash,$(MAKECMDGOALS)),check,$(if $(filter bench bench-hard,$(MAKECMDGOALS)),bench,$(if $(filter fuzz,$(MAKECMDGOALS)),fuzz,build)))

CC ?= cc
CXX ?= c++
PKGS := libutf8proc jansson zlib libzstd

# -Wformat-truncation guesses at path lengths; real truncation is checked.
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Wno-format-truncation
WARN_CXX := -Wall -Wextra -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
WARN_CXX += -Werror
endif

ifeq ($(BUILD),release)
OPT := -O2 -g
else ifeq ($(BUILD),debug)
OPT := -O0 -g3
else ifeq ($(BUILD),asan)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(BUILD),fuzz)
CC := clang
CXX := clang++
WARN := $(filter-out -Wno-format-truncation,$(WARN))
OPT := -O1 -g -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer
else
$(error BUILD must be release, debug, asan or fuzz)
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lstemmer
XAPIAN_CXXFLAGS = $(shell xapian-config --cxxflags)
XAPIAN_LIBS = $(shell xapian-config --libs)

CPPFLAGS += -D_GNU_SOURCE -DNS_VERSION='"$(VERSION)"' -DNS_DOCDIR='"$(DOCDIR)"' -Ilib
CFLAGS += -std=c11 $(OPT) $(WARN) $(PKG_CFLAGS) -MMD -MP
CXXFLAGS += -std=c++14 $(OPT) $(WARN_CXX) $(XAPIAN_CXXFLAGS) -MMD -MP
LDFLAGS += $(filter -fsanitize=%,$(OPT))
LDLIBS = $(PKG_LIBS) $(XAPIAN_LIBS) -lpthread -lm

# nsearch starts as fast as Xapian's quest when linked -no-pie with its small
# libraries static (FAST_START=1, release builds): libstemmer holds the
# Snowball tables of every language, about 90 pages of pointers that the
# dynamic loader relocates, so copies, at every start of a PIE or a shared
# library; a fixed address leaves them in the file. Measured: 0.4 ms of a
# 4.4 ms typical query (100 page faults fewer). The cost is ASLR for the
# program's own code (the libraries, heap and stack stay randomized).
# FAST_START=0 links it as the indexer is, PIE against shared libraries:
# debian/rules does, as Debian's hardening and policy ask.
FAST_START ?= 1
ifeq ($(BUILD)$(FAST_START),release1)
QUERY_LDFLAGS := -no-pie
QUERY_LDLIBS = -Wl,-Bstatic -lutf8proc -ljansson -lstemmer -lzstd -Wl,-Bdynamic \
  $(filter-out -lutf8proc -ljansson -lstemmer -lzstd,$(PKG_LIBS)) $(XAPIAN_LIBS) -lpthread -lm
else
QUERY_LDFLAGS :=
QUERY_LDLIBS = $(LDLIBS)
endif

XC_OBJ := $(O)/xapian-c/xapian-c.o
LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(O)/%.o)
CLI_OBJ := $(patsubst %.c,$(O)/%.o,$(sort $(wildcard cli/*.c)))
INDEXER_OBJ := $(patsubst %.c,$(O)/%.o,$(sort $(wildcard indexer/*.c)))
QUERY_OBJ := $(patsubst %.c,$(O)/%.o,$(sort $(wildcard query/*.c)))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(O)/tests/%)
TEST_SUPPORT_OBJ := $(patsubst %.c,$(O)/%.o,$(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c)))

TOOL_SRC := $(sort $(wildcard tools/*.c))
TOOL_BIN := $(TOOL_SRC:tools/%.c=$(O)/tools/%)
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/fuzzers/%)
FUZZ_SECONDS ?= 20

BINS := $(O)/nsearch-index $(O)/nsearch

.PHONY: format-check deps all check check-asan check-oracle check-crash demo install uninstall clean help format tests fuzz fuzz-run bench bench-hard eval
all: $(BINS)

deps:
ifeq ($(NSEARCH_NO_DEPS),)
	@sh mk/deps.sh $(DEPS_SET)
endif

$(O)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/%.o: %.cc | deps
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(O)/libxapian-c.a: $(XC_OBJ)
	$(AR) rcs $@ $^

$(O)/libnsearch.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

# cli/: the command-line code both programs share (the configuration file,
# where the index is). Only the programs and the unit tests see its headers;
# lib/ doesn't.
$(O)/libnscli.a: $(CLI_OBJ)
	$(AR) rcs $@ $^

# Who sees which headers: the programs see lib/'s and cli/'s, not the
# binding's (xapian-c.h is lib/'s business); the unit tests see all three.
$(O)/cli/%.o $(O)/indexer/%.o $(O)/query/%.o $(O)/tests/unit/%.o: CPPFLAGS += -Icli
$(O)/lib/%.o $(O)/xapian-c/%.o $(O)/tests/unit/%.o $(O)/tools/%.o $(O)/fuzz/%.o: CPPFLAGS += -Ixapian-c

# Link with the C++ driver: libxapian and the binding need libstdc++.
# nsearch-index exports its deflate() so that libxapian's calls reach it
# before libz's (indexer/deflate.c).
$(O)/nsearch-index: $(INDEXER_OBJ) $(O)/libnscli.a $(O)/libnsearch.a $(O)/libxapian-c.a
	$(CXX) $(LDFLAGS) -Wl,--export-dynamic-symbol=deflate -o $@ $^ $(LDLIBS)

$(O)/nsearch: $(QUERY_OBJ) $(O)/libnscli.a $(O)/libnsearch.a $(O)/libxapian-c.a
	$(CXX) $(LDFLAGS) $(QUERY_LDFLAGS) -o $@ $^ $(QUERY_LDLIBS)

$(O)/tests/%: $(O)/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(O)/libnscli.a $(O)/libnsearch.a $(O)/libxapian-c.a
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Small programs for benchmarks and tests (tools/NAME.c -> $(O)/tools/NAME).
$(O)/tools/%: $(O)/tools/%.o $(O)/libnsearch.a $(O)/libxapian-c.a
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The indexer's deflate() is tested on its own.
$(O)/tests/test_deflate: $(O)/indexer/deflate.o

tests: $(BINS) $(TEST_BIN) $(TOOL_BIN) $(O)/tests/faultfs.so

# The I/O-error shim (LD_PRELOAD) of tests/e2e/faults.sh: plain C, no
# sanitizer (it runs inside the programs under test, whatever their build).
$(O)/tests/faultfs.so: tests/tools/faultfs.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -shared -fPIC -o $@ $< -ldl

# libFuzzer targets (fuzz/fuzz_NAME.c), each run for FUZZ_SECONDS on its
# seed folder fuzz/corpus/NAME/ (copied, so the seeds stay as committed).
fuzz:
	$(MAKE) BUILD=fuzz O=build/fuzz fuzz-run

build/fuzz/fuzzers/%: build/fuzz/fuzz/%.o build/fuzz/libnsearch.a build/fuzz/libxapian-c.a
	@mkdir -p $(@D)
	$(CXX) -fsanitize=address,undefined,fuzzer -o $@ $^ $(LDLIBS)

fuzz-run: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do n=$$(basename $$f); \
	  mkdir -p build/fuzz/work/$$n; cp -r fuzz/corpus/$$n/. build/fuzz/work/$$n/ 2>/dev/null || true; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=0 build/fuzz/work/$$n 2>build/fuzz/work/$$n.log \
	    || { tail -n 40 build/fuzz/work/$$n.log; exit 1; }; \
	  grep -E '^(#[0-9]+.*DONE|Done)' build/fuzz/work/$$n.log | tail -n 1; done

check: tests | deps
	@O=$(O) sh tests/run.sh

check-asan:
	$(MAKE) BUILD=asan check

# The differential test at scale (tests/oracle/README.md): thousands of
# generated queries on the sample corpus and on a slice of Reuters-21578
# (../shared/corpora, never committed; skipped with a message when absent).
# ORACLE_SEED=S replays a run, ORACLE_QUERIES=N, ORACLE_FILES=N (the slice).
ORACLE_SEED ?= 13
ORACLE_QUERIES ?= 2000
ORACLE_FILES ?= 3000
# On 3,000 articles (15,000 passages) the oracle takes ~20 ms a query and
# nsearch's three runs ~50 ms: 3,000 queries in a few minutes.
ORACLE_REUTERS_QUERIES ?= 3000
ORACLE_REUTERS := ../shared/corpora/reuters21578/docs
check-oracle: tests | deps
	@set -e; w=$$(mktemp -d); trap 'rm -rf "$$w"' EXIT; \
	python3 tests/oracle/diff.py --corpus corpus --work $$w/sample --queries $(ORACLE_QUERIES) \
	  --props 40 --seed $(ORACLE_SEED) --nsearch $(O)/nsearch --nsearch-index $(O)/nsearch-index \
	  --tools $(O)/tools; \
	if [ -d $(ORACLE_REUTERS) ]; then \
	  python3 tests/oracle/diff.py --corpus $(ORACLE_REUTERS) --max-files $(ORACLE_FILES) \
	    --work $$w/reuters --queries $(ORACLE_REUTERS_QUERIES) --props 40 --seed $(ORACLE_SEED) \
	    --nsearch $(O)/nsearch --nsearch-index $(O)/nsearch-index --tools $(O)/tools; \
	else echo "ok - oracle on reuters21578 # SKIP $(ORACLE_REUTERS) is absent (the shared corpora are not in the repository)"; fi
# The long data-safety run: thousands of kill -9 (also on ../shared/corpora
# when present) and every I/O fault of larger runs. Not in make check.
CRASH_POINTS ?= 200

check-crash: tests | deps
	@NSEARCH=$(CURDIR)/$(O)/nsearch NSEARCH_INDEX=$(CURDIR)/$(O)/nsearch-index TOP=$(CURDIR) O=$(O) \
	  CRASH_POINTS=$(CRASH_POINTS) CRASH_ARTICLES=2000 CRASH_SHARED=1 sh tests/e2e/crash.sh
	@NSEARCH=$(CURDIR)/$(O)/nsearch NSEARCH_INDEX=$(CURDIR)/$(O)/nsearch-index TOP=$(CURDIR) O=$(O) \
	  FAULTS_ARTICLES=1000 FAULTS_REBUILD_STEP=1 sh tests/e2e/faults.sh

DEMO_DB := $(O)/demo-index
# The demo colours only on a terminal, and ends with what to run next.
demo: $(BINS)
	@rm -rf $(DEMO_DB)
	$(O)/nsearch-index --db $(DEMO_DB) corpus
	@echo
	@echo '$$ nsearch "Umerov meeting"'
	@$(O)/nsearch --db $(DEMO_DB) "Umerov meeting"
	@echo
	@echo "\$$ nsearch '\"security guarantees\"'"
	@$(O)/nsearch --db $(DEMO_DB) '"security guarantees"'
	@echo
	@echo "Next, search the demo index yourself:"
	@echo "  $(O)/nsearch --db $(DEMO_DB) 'Umerov meeting'"
	@echo "or install (make install, as root for $(PREFIX)) and index your own news:"
	@echo "  nsearch-index ~/news && nsearch 'your words'"

# Installed files; uninstall removes them and the folders install made.
VIMDIR := $(PREFIX)/share/nsearch/editors/vim
install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 644 doc/nsearch.1 doc/nsearch-index.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 doc/query-syntax.md $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 644 completions/nsearch.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/nsearch
	install -m 644 completions/nsearch-index.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/nsearch-index
	install -m 644 completions/_nsearch completions/_nsearch-index $(DESTDIR)$(PREFIX)/share/zsh/site-functions/
	for d in vim/plugin vim/autoload vim/doc vim/lua/nsearch emacs; do \
	  install -d $(DESTDIR)$(PREFIX)/share/nsearch/editors/$$d && \
	  install -m 644 editors/$$d/* $(DESTDIR)$(PREFIX)/share/nsearch/editors/$$d/ || exit 1; done
	@# Vim's :help nsearch needs the tags file of the doc folder.
	if command -v vim >/dev/null 2>&1; then \
	  vim -u NONE -i NONE -N -Es -c 'helptags $(DESTDIR)$(VIMDIR)/doc' -c q </dev/null || exit 1; \
	else awk -F'\t' 'FNR == 1 {f = FILENAME; sub(".*/", "", f)} match($$0, /\*[^* \t]+\*/) { \
	  t = substr($$0, RSTART + 1, RLENGTH - 2); print t "\t" f "\t/*" t "*" }' \
	  $(DESTDIR)$(VIMDIR)/doc/*.txt | sort > $(DESTDIR)$(VIMDIR)/doc/tags; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nsearch-index $(DESTDIR)$(BINDIR)/nsearch
	rm -f $(DESTDIR)$(MANDIR)/man1/nsearch.1 $(DESTDIR)$(MANDIR)/man1/nsearch-index.1
	rm -f $(DESTDIR)$(DOCDIR)/query-syntax.md
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/nsearch $(DESTDIR)$(PREFIX)/share/bash-completion/completions/nsearch-index
	rm -f $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_nsearch $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_nsearch-index
	rm -rf $(DESTDIR)$(PREFIX)/share/nsearch/editors
	@# The folders that are nsearch's own; shared ones (bin, man1, the
	@# completion folders) are left, as they may be the system's.
	-rmdir $(DESTDIR)$(PREFIX)/share/nsearch $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build

# The house format (.clang-format) over every C and C++ file; format-check
# (run by .ci/run) fails when a file differs from it.
FORMAT_FILES = $(wildcard lib/*.[ch] cli/*.[ch] indexer/*.[ch] query/*.[ch] tests/unit/*.[ch] xapian-c/*.h \
                 xapian-c/*.cc fuzz/*.[ch] tools/*.c)
format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: $(words $(FORMAT_FILES)) files as .clang-format says"

help:
	@sed -n '3,12p' Makefile

.SECONDARY:

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# Ranking quality against Xapian and SQLite FTS5 on judged collections
# (doc/eval.md); COLLECTION=DIR for one, else ../shared/corpora. Not in check.
eval: all
	@NSEARCH=$(O)/nsearch NSEARCH_INDEX=$(O)/nsearch-index sh bench/eval.sh $(COLLECTION)

# Speed against Xapian's omindex/quest, SQLite FTS5 and rg (bench/README.md):
# BENCH_CORPUS=DIR, BENCH_QUERIES=FILE, BENCH_QUICK=1, BENCH_KEEP=1. Not in check.
bench: all
	@NSEARCH=$(O)/nsearch NSEARCH_INDEX=$(O)/nsearch-index sh bench/run.sh

# The hard-query set alone (make bench runs it too, on the indexes it built):
# nsearch against FTS5 and quest, in alternation (bench/README.md).
bench-hard: all
	@NSEARCH=$(O)/nsearch NSEARCH_INDEX=$(O)/nsearch-index sh bench/hard.sh
