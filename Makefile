# The one entry point: CI runs `make test` (via .ci/run) and nothing else.
.PHONY: build serve test test-rust test-js lint size bench clean

PORT ?= 8080

build:
	scripts/build.sh

serve: build
	node scripts/serve.mjs $(PORT)

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --features wasm -- -D warnings

test-rust:
	cargo test --release

# The JS tests run against the packed tarball, installed by its name.
test-js: build
	scripts/test-js.sh

size: build
	node scripts/size.mjs

test: lint test-rust test-js size

bench: build
	bench/run.sh

clean:
	rm -rf pkg target/wasm tests/js/node_modules tests/artifacts
