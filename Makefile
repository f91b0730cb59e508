# Sanxiang: two commands. `make run` installs, builds and serves the demo; `make test` installs,
# builds with ASan+UBSan and runs every test on SQLite and PostgreSQL, and the browser tests.
DB ?= var/sanxiang.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build build-asan web run test bench clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@test -f build/build.ninja || meson setup build --buildtype=release -Dwerror=false >/dev/null
	@ninja -C build

build-asan: deps
	@test -f build-asan/build.ninja || meson setup build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@ninja -C build-asan

# The web UI (web/ → web/dist): npm ci + vite build when dist is missing or older than its sources.
web:
	@bash scripts/install-deps.sh --ui
	@bash scripts/build-web.sh

run: build web
	@mkdir -p var
	@if [ ! -f $(DB) ]; then build/sanxiang init --db $(DB) && build/sanxiang demo --db $(DB); fi
	@build/sanxiang serve --db $(DB) --listen $(LISTEN)

test: build-asan web
	@bash scripts/test.sh build-asan

bench: build
	@bash scripts/install-deps.sh --bench
	@bash bench/run.sh build

clean:
	rm -rf build build-asan
