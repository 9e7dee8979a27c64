#!/usr/bin/env bash
# Builds FerretDB 1.x (a MongoDB-compatible server) for the tests, once, into a cache outside the
# checkout, and prints the binary's path. The Go module proxy serves the source; the module's
# build/version/version.txt is generated at release time, so it is written here before building.
set -euo pipefail
VERSION=v1.24.2
CACHE="${DB_PROXY_TEST_CACHE:-$HOME/.cache/db-proxy-test}"
BIN="$CACHE/bin/ferretdb-$VERSION"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
command -v go >/dev/null || { echo "ensure-ferretdb: Go is needed to build FerretDB (apt-get install golang-go)" >&2; exit 1; }
mkdir -p "$CACHE/bin"
work=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
echo "ensure-ferretdb: building FerretDB $VERSION (first time only, a few minutes)" >&2
# `go mod download` of an explicit version avoids the proxy's module list, which may be refused.
dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "ensure-ferretdb: could not download FerretDB $VERSION" >&2; exit 1; }
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
echo "$VERSION" > "$work/src/build/version/version.txt"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$BIN.tmp" ./cmd/ferretdb) >&2
mv "$BIN.tmp" "$BIN"
echo "$BIN"
