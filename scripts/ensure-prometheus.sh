#!/usr/bin/env bash
# Installs Debian's prometheus package (prometheus and promtool) for the tests of the monitor's
# metrics and the shipped alert rules. Idempotent; quiet unless it fails, then it prints apt's log.
# Without recommends: the test starts its own prometheus, and node-exporter is not needed.
set -euo pipefail
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-prometheus: prometheus is missing and installing it needs root (apt-get install prometheus)" >&2
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update && apt-get install -y --no-install-recommends prometheus; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "ensure-prometheus: installing prometheus failed" >&2
  exit 1
fi
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || {
  echo "ensure-prometheus: the prometheus package is installed but prometheus or promtool is not on PATH" >&2
  exit 1
}
