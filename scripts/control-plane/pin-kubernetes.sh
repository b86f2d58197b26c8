#!/usr/bin/env bash
# Re-pins e2e/tools/kubernetes to another upstream Kubernetes release:
#
#   scripts/control-plane/pin-kubernetes.sh v1.36.5
#
# k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/apiserver, ...) at v0.0.0 and
# replaces them with ./staging directories, which only works inside that repository. This writes
# e2e/tools/kubernetes/go.mod with one replace per staging module to the published v0.<minor>.<patch>,
# then `go mod tidy` (network: the Go module proxy) fills go.sum. The next build.sh run builds the new
# version into its own cache entry.
set -euo pipefail

version="${1:?usage: pin-kubernetes.sh v1.MINOR.PATCH}"
[[ "$version" =~ ^v1\.[0-9]+\.[0-9]+$ ]] || { echo "pin-kubernetes.sh: expected v1.MINOR.PATCH, got $version" >&2; exit 2; }
staging="v0.${version#v1.}"
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../e2e/tools/kubernetes" && pwd)"

# The staging modules that k8s.io/kubernetes@$version requires (from its own go.mod).
upstream_mod="$(cd "$dir" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
[ -f "$upstream_mod" ] || { echo "pin-kubernetes.sh: cannot download k8s.io/kubernetes@$version" >&2; exit 1; }
mapfile -t modules < <(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$upstream_mod" | sort -u)
required="$(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" { print $1 }' "$upstream_mod" | sort -u)"

{
  sed -n '1,/^module /p' "$dir/go.mod"
  echo
  echo "go $(awk '$1 == "go" { print $2; exit }' "$upstream_mod")"
  echo
  echo 'tool ('
  echo '	k8s.io/kubernetes/cmd/kube-apiserver'
  echo '	k8s.io/kubernetes/cmd/kube-controller-manager'
  echo '	k8s.io/kubernetes/cmd/kube-scheduler'
  echo '	k8s.io/kubernetes/cmd/kubectl'
  echo ')'
  echo
  echo "require k8s.io/kubernetes $version"
  echo
  echo 'replace ('
  for m in "${modules[@]}"; do
    # Replace only what the module graph needs; unrequired staging modules may be unpublished.
    grep -qx "$m" <<<"$required" && printf '\t%s => %s %s\n' "$m" "$m" "$staging"
  done
  echo ')'
} >"$dir/go.mod.new"
mv "$dir/go.mod.new" "$dir/go.mod"
rm -f "$dir/go.sum"
(cd "$dir" && GOTOOLCHAIN=local go mod tidy)
echo "pinned k8s.io/kubernetes $version (staging $staging) in $dir/go.mod" >&2
