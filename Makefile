# ChainChief: the two commands of the README, and the pieces they are made of.
#   make demo   build, create ./chainchief.db with demo data (once), start the platform
#   make test   build and run every test: unit, CLI, fuzz smoke, sanitizers, end-to-end
.PHONY: all deps deps-test build demo test unit asan fuzz e2e bench clean format

JOBS ?= 2
DB ?= ./chainchief.db

all: build

deps:
	@bash scripts/setup.sh build

deps-test:
	@bash scripts/setup.sh test

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j$(JOBS)

demo: build
	@if [ ! -f "$(DB)" ]; then ./build/chainchief --db "$(DB)" demo; fi
	@./build/chainchief --db "$(DB)" summary
	@if ./build/chainchief help | grep -q '^  serve'; then \
	  ./build/chainchief --db "$(DB)" serve --listen 127.0.0.1:8080; fi

test: deps-test
	@bash scripts/test.sh

unit: build
	@cd build && ctest --output-on-failure -j$(JOBS)

bench: build
	@bash bench/run.sh

# The C style (.clang-format, STYLE.md): rewrite every tracked C file in place.
format:
	@clang-format -i --style=file $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz build-tsan
