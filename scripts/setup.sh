#!/usr/bin/env bash
# Sets up this checkout to run db-proxy: Node >= 22 (installed from the npm registry if the
# system's is older), the npm packages, and the build. Then shows the command's help.
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$(scripts/ensure-node.sh):$PATH"
export PATH
npm ci --no-audit --no-fund
npm run build
echo
scripts/db-proxy --help
