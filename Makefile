# The one entry point: CI runs `make test` (via .ci/run) and nothing else.
# Each target installs what it needs (scripts/tools.sh; apt packages as root).
.PHONY: build serve test test-rust test-js test-node test-workerd test-browser lint size bench clean

PORT ?= 8080
STEP := scripts/step.sh

# Release wasm for each entry point of data/entry-points.json -> pkg/.
# Incremental: only the steps whose inputs changed run (scripts/build.sh), so
# on a built checkout this takes seconds, and a stale flavour is never packaged.
build:
	scripts/build.sh

# Build (seconds when nothing changed), then serve www/ (with pkg/ copied to www/vendor/tokenmeter/ and the
# service worker's precache list in www/vendor/precache.js).
serve: build
	node scripts/serve.mjs $(PORT)

lint:
	cargo fmt --check
	cargo clippy --all-targets --features test-encodings -- -D warnings
	cargo clippy --features wasm -- -D warnings
	# The smallest entry point's features (tokenmeter/o200k: no html, no import).
	cargo clippy --no-default-features --features wasm,enc-o200k -- -D warnings
	# Open-weight encodings without OpenAI's (no o200k default, no cl100k base).
	cargo clippy --no-default-features --features wasm,enc-llama3,enc-qwen2,enc-deepseek-v3,enc-tekken -- -D warnings
	# The fuzz targets (fuzz/, a crate of its own) are compiled, not run: they
	# run under cargo fuzz (docs/fuzzing.md). Stable cargo checks them.
	RUSTFLAGS="-D warnings" cargo check --manifest-path fuzz/Cargo.toml --bins

# Native tests; release because the parity tests are heavy. The feature adds
# the test-only encodings of data/encodings/encodings.json.
test-rust:
	cargo test --release --features test-encodings

# The JS tests run against the packed tarball, installed by its name.
test-js: build
	scripts/test-js.sh

# One JS layer alone, against the pkg/ already built (`make build` first).
test-node:
	scripts/test-js.sh node
test-workerd:
	scripts/test-js.sh workerd
test-browser:
	scripts/test-js.sh browser

size:
	node scripts/size.mjs

# Everything, in order, each step timed (target/timings.txt).
test:
	@$(STEP) --reset
	@$(STEP) lint $(MAKE) --no-print-directory lint
	@$(STEP) test-rust $(MAKE) --no-print-directory test-rust
	@$(STEP) build $(MAKE) --no-print-directory build
	@scripts/test-js.sh
	@$(STEP) size $(MAKE) --no-print-directory size
	@$(STEP) --report

# The comparison with the other npm tokenizers (bench/README.md).
bench: build
	bench/run.sh

clean:
	rm -rf pkg target/wasm target/npm tests/js/node_modules tests/artifacts www/vendor
