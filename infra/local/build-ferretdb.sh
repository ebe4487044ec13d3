#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (SQLite backend, PostgreSQL left out) into the cache, once.
# Prints the binary's path on stdout. Re-running is free when the binary exists.
#
# Why not `go install ...@v1.24.2`: the module proxy refuses the version list that
# `go install` reads for its deprecation check, and a binary built with
# github.com/FerretDB/FerretDB as its main module needs build/version/version.txt,
# which the release workflow generates. So: download the exact module, copy it,
# write the version file, and build it with its own go.sum.
set -euo pipefail
version="v1.24.2"
cache="${TRM_CACHE_DIR:-$HOME/.cache/trm}"
bin="$cache/bin/ferretdb-$version"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
if ! command -v go >/dev/null 2>&1; then
  echo "FerretDB is not built and Go is missing. Install Go 1.24 or newer (Debian: apt-get install -y golang)," >&2
  echo "then run: bash infra/local/build-ferretdb.sh" >&2
  exit 1
fi
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly
echo "Building FerretDB $version (first time only, takes a minute or two)..." >&2
start=$(date +%s)
dir=$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] && [ -d "$dir" ] || { echo "could not download github.com/FerretDB/FerretDB@$version" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$dir/." "$work/"
chmod -R u+w "$work"
echo "$version" > "$work/build/version/version.txt"
mkdir -p "$cache/bin"
(cd "$work" && go build -trimpath -tags ferretdb_no_postgresql -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"
echo "Built FerretDB $version in $(( $(date +%s) - start ))s: $bin" >&2
echo "$bin"
