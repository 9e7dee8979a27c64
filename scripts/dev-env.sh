# Sourced by ./demo and ./test: brings this machine (Debian, as root) to what they need, each step
# only when missing: MariaDB answering on 127.0.0.1:3306, Node >= 22 (Node 24 from the npm registry
# when the system's is older) first on the PATH, the npm packages of package-lock.json, the
# MongoDB-compatible test server (FerretDB, built once with Go; not when MONGO_URL is set or a
# mongod is on the PATH), systemd-nspawn, and for the tests Debian's prometheus.
# shellcheck shell=bash
say() { echo "${DEV_ENV_NAME:-setup}: $*"; }

dev_env_mariadb() {
  local answers='mariadb -h127.0.0.1 -uroot -e "select 1"'
  if eval "$answers" >/dev/null 2>&1; then
    say "MariaDB answers on 127.0.0.1:3306"
    return
  fi
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    say "installing MariaDB (mariadb-server)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mariadb-server >/dev/null
  fi
  say "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 30); do
    eval "$answers" >/dev/null 2>&1 && break
    sleep 1
  done
  eval "$answers" >/dev/null 2>&1 || { say "MariaDB did not answer on 127.0.0.1:3306 within 30 s"; return 1; }
  say "MariaDB is up"
}

dev_env_node() {
  PATH="$(scripts/ensure-node.sh):$PATH"
  export PATH
  say "node $(node --version), npm $(npm --version 2>/dev/null)"
}

# npm ci when node_modules does not match package-lock.json (npm records what it installed in
# node_modules/.package-lock.json), so a second run starts at once.
dev_env_packages() {
  if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm packages up to date"
    return
  fi
  say "npm ci"
  npm ci --no-audit --no-fund
}

dev_env_mongo() {
  if [ -n "${MONGO_URL:-}" ]; then
    say "using the MongoDB at MONGO_URL"
    return
  fi
  if command -v mongod >/dev/null 2>&1; then
    say "using mongod $(command -v mongod)"
    return
  fi
  # The machine's Go may live in /usr/local/go, off a non-login shell's PATH; golang-go otherwise.
  [ -d /usr/local/go/bin ] && PATH="/usr/local/go/bin:$PATH"
  if ! command -v go >/dev/null 2>&1 && [ ! -x "${DB_PROXY_TEST_CACHE:-$HOME/.cache/db-proxy-test}/bin/ferretdb-v1.24.2" ]; then
    say "installing Go (golang-go) to build FerretDB"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q golang-go >/dev/null
  fi
  say "ensuring FerretDB (built once into ~/.cache/db-proxy-test)"
  scripts/ensure-ferretdb.sh >/dev/null
}

dev_env_nspawn() {
  say "ensuring systemd-nspawn (a throw-away systemd for the demo and the end-to-end tests)"
  scripts/e2e/ensure-systemd-container.sh
}

dev_env_podman() {
  say "ensuring podman and the base image for the worker image's test (built once)"
  scripts/ensure-podman.sh >/dev/null
}

dev_env_prometheus() {
  say "ensuring Prometheus (Debian's prometheus: prometheus and promtool)"
  scripts/ensure-prometheus.sh
}

dev_env_kube() {
  # Built with Go, like FerretDB: /usr/local/go may be off a non-login shell's PATH.
  [ -d /usr/local/go/bin ] && PATH="/usr/local/go/bin:$PATH"
  # Without Go, ensure-kube.sh succeeds only when the binaries are built already.
  if ! command -v go >/dev/null 2>&1 && ! scripts/ensure-kube.sh >/dev/null 2>&1; then
    say "installing Go (golang-go) to build the Kubernetes test binaries"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q golang-go >/dev/null
  fi
  say "ensuring kube-apiserver, kube-controller-manager and kine (built once into ~/.cache/db-proxy-test)"
  scripts/ensure-kube.sh >/dev/null
}
