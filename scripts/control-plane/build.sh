#!/usr/bin/env bash
# Builds the upstream binaries of the e2e control plane with this machine's Go toolchain and caches
# them outside the repository, keyed by name and version, so that later runs start in seconds.
#
#   scripts/control-plane/build.sh [--budget SECONDS] [--check] [--print-env] [COMPONENT...]
#
# COMPONENT: etcd kube-apiserver kube-controller-manager kubectl chainsaw (the default set), and the
# optional kube-scheduler kwok, built only when named (the suites that run pods on kwok's fake Node ask
# for them, so the default set's cold build does not grow).
# The versions come from the build-only modules in e2e/tools/*/go.mod (no Go source of ours):
#   e2e/tools/kubernetes  k8s.io/kubernetes (staging modules pinned by replace) -> kube-apiserver,
#                         kube-controller-manager, kubectl, kube-scheduler
#   e2e/tools/etcd        go.etcd.io/etcd/server/v3                             -> etcd
#   e2e/tools/chainsaw    github.com/kyverno/chainsaw                           -> chainsaw
#   e2e/tools/kwok        sigs.k8s.io/kwok                                      -> kwok
# Cache: ${KYVERNO_TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kyverno-ts}/bin/<name>-<version>
#
# --budget SECONDS  give up when the builds together would take longer (exit 124, "blocked: ...").
# --check           build nothing; exit 0 when every component is cached, 3 when one is missing.
# --print-env       print NAME=/path/to/binary lines (KUBE_APISERVER=..., ETCD=...) and
#                   KUBERNETES_VERSION=/ETCD_VERSION=/CHAINSAW_VERSION=/KWOK_VERSION= on stdout.
#                   Progress goes to stderr.
# Exit codes: 0 ok, 1 a build failed (the exact command and Go's error are printed as "blocked:"),
#             2 usage, 3 not cached (--check), 124 budget exceeded.
set -euo pipefail
{ # read to the closing brace before running: editing this file mid-build cannot derail a run

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tools="$repo/e2e/tools"
cache="${KYVERNO_TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kyverno-ts}/bin"

budget=""
check=0
print_env=0
components=()
while [ $# -gt 0 ]; do
  case "$1" in
    --budget) budget="${2:?--budget needs seconds}"; shift 2 ;;
    --budget=*) budget="${1#--budget=}"; shift ;;
    --check) check=1; shift ;;
    --print-env) print_env=1; shift ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    etcd|kube-apiserver|kube-controller-manager|kubectl|chainsaw|kube-scheduler|kwok) components+=("$1"); shift ;;
    *) echo "build.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ ${#components[@]} -gt 0 ] || components=(etcd kube-apiserver kube-controller-manager kubectl chainsaw)

log() { echo "[control-plane/build] $*" >&2; }

# module_version DIR MODULE: the version DIR/go.mod requires for MODULE.
module_version() {
  awk -v m="$2" '($1 == m || ($1 == "require" && $2 == m)) { v = ($1 == "require") ? $3 : $2; print v; exit }' "$1/go.mod"
}

k8s_version="$(module_version "$tools/kubernetes" k8s.io/kubernetes)"
etcd_version="$(module_version "$tools/etcd" go.etcd.io/etcd/server/v3)"
chainsaw_version="$(module_version "$tools/chainsaw" github.com/kyverno/chainsaw)"
kwok_version="$(module_version "$tools/kwok" sigs.k8s.io/kwok)"
for v in k8s_version etcd_version chainsaw_version kwok_version; do
  [ -n "${!v}" ] || { echo "build.sh: cannot read $v from e2e/tools/*/go.mod" >&2; exit 1; }
done

# component -> module dir, package, version (plain lookups: forks are slow on a loaded machine).
declare -A module_dir=([etcd]="$tools/etcd" [chainsaw]="$tools/chainsaw" [kwok]="$tools/kwok"
  [kube-apiserver]="$tools/kubernetes" [kube-controller-manager]="$tools/kubernetes" [kubectl]="$tools/kubernetes"
  [kube-scheduler]="$tools/kubernetes")
declare -A package_of=([etcd]=go.etcd.io/etcd/server/v3 [chainsaw]=github.com/kyverno/chainsaw
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kubectl]=k8s.io/kubernetes/cmd/kubectl
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
  [kwok]=sigs.k8s.io/kwok/cmd/kwok)
declare -A version_of=([etcd]="$etcd_version" [chainsaw]="$chainsaw_version" [kwok]="$kwok_version"
  [kube-apiserver]="$k8s_version" [kube-controller-manager]="$k8s_version" [kubectl]="$k8s_version"
  [kube-scheduler]="$k8s_version")
declare -A binary_path env_name
for c in "${!version_of[@]}"; do
  binary_path[$c]="$cache/$c-${version_of[$c]}"
  env_name[$c]="${c^^}"; env_name[$c]="${env_name[$c]//-/_}"
done

# The version stamps hack/lib/version.sh puts in release builds; without them the binaries report
# v0.0.0-master, which clients' version checks reject.
ldflags_of() {
  local flags="-s -w"
  case "$1" in
    kube-apiserver|kube-controller-manager|kubectl|kube-scheduler)
      local v="${k8s_version#v}" major minor
      major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
      local pkg
      for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        flags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
        flags+=" -X $pkg.gitTreeState=clean -X $pkg.gitCommit= -X $pkg.buildDate=1970-01-01T00:00:00Z"
      done ;;
    chainsaw) flags+=" -X github.com/kyverno/chainsaw/pkg/version.BuildVersion=$chainsaw_version" ;;
    kwok) flags+=" -X sigs.k8s.io/kwok/pkg/consts.Version=${kwok_version#v}" ;;
  esac
  echo "$flags"
}

missing=()
for c in "${components[@]}"; do [ -x "${binary_path[$c]}" ] || missing+=("$c"); done

if [ "$check" = 1 ]; then
  for c in "${missing[@]}"; do log "not cached: ${binary_path[$c]}"; done
  [ ${#missing[@]} -eq 0 ] || exit 3
fi

if [ ${#missing[@]} -gt 0 ]; then
  command -v go >/dev/null || { echo "blocked: no Go toolchain on PATH (needed to build ${missing[*]})" >&2; exit 1; }
  mkdir -p "$cache"
  exec 9>"$cache/.build.lock"
  flock 9
  start=$SECONDS
  for c in "${missing[@]}"; do
    out="${binary_path[$c]}"
    [ -x "$out" ] && continue # built by a concurrent run while this one waited for the lock
    limit=()
    if [ -n "$budget" ]; then
      left=$(( budget - (SECONDS - start) ))
      if [ "$left" -le 0 ]; then
        echo "blocked: build budget of ${budget}s used up before $c ${version_of[$c]}" >&2
        exit 124
      fi
      limit=(timeout --kill-after=10 "$left")
    fi
    tmp="$out.tmp.$$"
    cmd=(go build -trimpath -mod=readonly -buildvcs=false -ldflags "$(ldflags_of "$c")" -o "$tmp" "${package_of[$c]}")
    log "building $c ${version_of[$c]} (in e2e/tools/${module_dir[$c]##*/})"
    t0=$SECONDS
    set +e
    (cd "${module_dir[$c]}" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= "${limit[@]}" "${cmd[@]}") >"$tmp.log" 2>&1
    rc=$?
    set -e
    if [ "$rc" -ne 0 ]; then
      rm -f "$tmp"
      if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "blocked: build budget of ${budget}s exceeded while building $c ${version_of[$c]}" >&2
        rm -f "$tmp.log"
        exit 124
      fi
      echo "blocked: building $c ${version_of[$c]} failed (exit $rc): (cd e2e/tools/${module_dir[$c]##*/} && GOTOOLCHAIN=local CGO_ENABLED=0 ${cmd[*]@Q})" >&2
      tail -n 40 "$tmp.log" >&2
      rm -f "$tmp.log"
      exit 1
    fi
    rm -f "$tmp.log"
    mv -f "$tmp" "$out"
    log "built $c in $(( SECONDS - t0 ))s -> $out"
  done
fi

if [ "$print_env" = 1 ]; then
  for c in "${components[@]}"; do echo "${env_name[$c]}=${binary_path[$c]}"; done
  echo "KUBERNETES_VERSION=$k8s_version"
  echo "ETCD_VERSION=$etcd_version"
  echo "CHAINSAW_VERSION=$chainsaw_version"
  echo "KWOK_VERSION=$kwok_version"
fi
exit 0
}
