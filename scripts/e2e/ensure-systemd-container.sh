#!/usr/bin/env bash
# Installs Debian's systemd-container (systemd-nspawn) for the end-to-end tests, which boot a real
# systemd in a throw-away container. Idempotent; silent unless it fails, then it prints apt's log.
set -euo pipefail
command -v systemd-nspawn >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-systemd-container: systemd-nspawn is missing and installing it needs root (apt-get install systemd-container)" >&2
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update && apt-get install -y --no-install-recommends systemd-container; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "ensure-systemd-container: installing systemd-container failed" >&2
  exit 1
fi
command -v systemd-nspawn >/dev/null 2>&1 || {
  echo "ensure-systemd-container: systemd-container installed but systemd-nspawn is not on PATH" >&2
  exit 1
}
