#!/usr/bin/env bash
# Builds the Kubernetes control plane for the tests, once, into a cache outside the checkout, and
# prints the bin dir: kube-apiserver and kube-controller-manager (from the Go module proxy, through
# a wrapper module that replaces k8s.io/kubernetes' ./staging modules with their published
# versions) and kine (etcd's API over SQLite). See test/support/kube-cluster.ts.
set -euo pipefail
K=v1.34.2 S=v0.34.2 KINE=v0.17.5
CACHE="${DB_PROXY_TEST_CACHE:-$HOME/.cache/db-proxy-test}"
BIN="$CACHE/bin"
APISERVER="$BIN/kube-apiserver-$K" CONTROLLERS="$BIN/kube-controller-manager-$K" KINE_BIN="$BIN/kine-$KINE"
if [ -x "$APISERVER" ] && [ -x "$CONTROLLERS" ] && [ -x "$KINE_BIN" ]; then echo "$BIN"; exit 0; fi
[ -d /usr/local/go/bin ] && PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || { echo "ensure-kube: Go is needed to build kube-apiserver (apt-get install golang-go)" >&2; exit 1; }
mkdir -p "$CACHE/k8s-build" "$BIN"
cd "$CACHE/k8s-build"
echo "ensure-kube: building kube-apiserver, kube-controller-manager $K and kine $KINE (first time only, about 10 minutes)" >&2
{
  go mod download -json "k8s.io/kubernetes@$K" >/dev/null
  MOD=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$K.mod
  { echo 'module local/k8sbuild'; echo; echo 'go 1.24'; echo
    echo "require k8s.io/kubernetes $K"; echo; echo 'replace ('
    grep -E '=> ./staging' "$MOD" | awk -v s=$S '{print "\t"$1" => "$1" "s}'
    echo ')'; } > go.mod
  printf '//go:build tools\npackage tools\nimport (\n_ "k8s.io/kubernetes/cmd/kube-apiserver"\n_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n)\n' > tools.go
  go mod tidy
  # Each binary through a temp name: an interrupted build never leaves a path that looks done.
  if [ ! -x "$APISERVER" ]; then
    go build -o "$APISERVER.tmp" k8s.io/kubernetes/cmd/kube-apiserver && mv "$APISERVER.tmp" "$APISERVER"
  fi
  if [ ! -x "$CONTROLLERS" ]; then
    go build -o "$CONTROLLERS.tmp" k8s.io/kubernetes/cmd/kube-controller-manager && mv "$CONTROLLERS.tmp" "$CONTROLLERS"
  fi
  if [ ! -x "$KINE_BIN" ]; then
    GOBIN="$CACHE/k8s-build/gobin" go install "github.com/k3s-io/kine@$KINE" && mv "$CACHE/k8s-build/gobin/kine" "$KINE_BIN"
  fi
} >&2
echo "$BIN"
