#!/usr/bin/env bash
# Gets this machine ready to build and run the db-proxy image (Containerfile) for the tests:
# Debian's podman, with runc (crun refuses this kernel's hybrid cgroups) and a containers.conf
# whose ulimits do not exceed the current ones (raising them needs CAP_SYS_RESOURCE, which a
# sandboxed root may lack); and, built once, a base image standing in for node:24-bookworm-slim,
# which cannot be pulled without Docker Hub: Debian bookworm (debootstrap, minbase), this Node 24
# and npm in /usr/local, and the machine's CA bundle (a TLS-inspecting proxy signs the npm
# registry's certificate). Prints two lines, `CONTAINERS_CONF=<file>` and `BASE=<image>`.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
CACHE="${DB_PROXY_TEST_CACHE:-$HOME/.cache/db-proxy-test}/podman"
say() { echo "ensure-podman: $*" >&2; }

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing+=(runc)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { say "missing ${missing[*]}; installing needs root (apt-get install ${missing[*]})"; exit 1; }
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >/dev/null
fi
PATH="/usr/sbin:$PATH"

mkdir -p "$CACHE"
conf="$CACHE/containers.conf"
# At most the current limits: lowering needs no privilege. nproc even at its current value is
# refused here (runc: "error setting rlimit type 6"), so it is set well below it.
nofile=$(ulimit -n) nproc=$(ulimit -u)
[ "$nofile" = unlimited ] && nofile=65536
{ [ "$nproc" = unlimited ] || [ "$nproc" -gt 4096 ]; } && nproc=4096
cat >"$conf.tmp" <<EOF
# Written by scripts/ensure-podman.sh for the db-proxy tests.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF
mv "$conf.tmp" "$conf"
export CONTAINERS_CONF="$conf"

node_bin=$(command -v node)
node_version=$("$node_bin" --version)
case "$node_version" in v24.*) ;; *) say "needs Node 24 first on the PATH (scripts/ensure-node.sh), found $node_version"; exit 1 ;; esac
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
[ -f "$npm_dir/package.json" ] || { say "cannot find npm's package next to $(command -v npm)"; exit 1; }
base="localhost/db-proxy-test-base:bookworm-node-${node_version#v}"
if ! podman image exists "$base"; then
  say "building $base (first time only: debootstrap bookworm, about a minute)"
  rootfs=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -20 "$CACHE/debootstrap.log" >&2; say "debootstrap failed"; exit 1; }
  install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  mkdir -p "$rootfs/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import -q \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' - "$base" >/dev/null
fi
echo "CONTAINERS_CONF=$conf"
echo "BASE=$base"
