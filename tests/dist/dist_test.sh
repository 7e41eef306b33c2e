#!/usr/bin/env bash
# make dist: the archive, its sha256 and the krew manifest agree; the archive is reproducible;
# unpacked anywhere, the plugin loads its bundled libraries (not the system's) and works through
# kubectl, completion helper included.
# Usage: dist_test.sh <repo root> <build dir>
set -euo pipefail
root=$(cd "${1:?repo root}" && pwd)
build=$(cd "${2:?build dir}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../lib/tap.sh
source "$root/tests/lib/tap.sh"

bash "$root/scripts/dist.sh" "$build" "$work/dist" >/dev/null
version=$("$build/kubectl-aksarc_support" version -o json | jq -r .version)
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
archive=kubectl-aksarc_support-v$version-linux-$arch.tar.gz
manifest=$work/dist/aksarc-support.yaml
expect "the archive and its .sha256 are written" test -s "$work/dist/$archive" -a -s "$work/dist/$archive.sha256"
expect "the .sha256 verifies" bash -c "cd '$work/dist' && sha256sum --quiet -c '$archive.sha256'"
sum=$(sha256sum "$work/dist/$archive" | cut -d' ' -f1)
expect "the manifest carries the archive's sha256" grep -qx "    sha256: $sum" "$manifest"
expect "the manifest's uri names the archive" grep -qE "^    uri: https://.*/$archive\$" "$manifest"
expect "the manifest: krew v1alpha2 Plugin aksarc-support" \
  bash -c "grep -qx 'apiVersion: krew.googlecontainertools.github.com/v1alpha2' '$manifest' &&
           grep -qx 'kind: Plugin' '$manifest' && grep -qx '  name: aksarc-support' '$manifest'"
expect "the manifest: version v$version, linux/$arch, bin kubectl-aksarc_support" \
  bash -c "grep -qx '  version: \"v$version\"' '$manifest' && grep -qx '        os: linux' '$manifest' &&
           grep -qx '        arch: $arch' '$manifest' &&
           grep -qx '    bin: kubectl-aksarc_support' '$manifest'"
expect "the manifest has no unfilled placeholder" bash -c "! grep -q '@[A-Z]*@' '$manifest'"
expect "the manifest documents installing the completion helper" \
  grep -q "kubectl_complete-aksarc_support" "$manifest"

bash "$root/scripts/dist.sh" "$build" "$work/again" >/dev/null
expect "the archive is reproducible (same sha256 twice)" \
  test "$(sha256sum <"$work/again/$archive")" = "$(sha256sum <"$work/dist/$archive")"

mkdir "$work/unpacked"
tar xzf "$work/dist/$archive" -C "$work/unpacked"
expect "the archive holds the plugin, the completion helper, lib/ and README.md" \
  test -x "$work/unpacked/kubectl-aksarc_support" -a -x "$work/unpacked/kubectl_complete-aksarc_support" \
  -a -d "$work/unpacked/lib" -a -f "$work/unpacked/README.md"
outside=$(ldd "$work/unpacked/kubectl-aksarc_support" | awk '/=> \// { print $1, $3 }' |
  grep -v " $work/unpacked/lib/" | awk '{ print $1 }' | grep -vE '^(libc|libm)\.so' || true)
expect "every library but libc/libm loads from the archive's lib/ (${outside:-none outside})" \
  test -z "$outside"
expect "the unpacked plugin works through kubectl" \
  bash -c "PATH='$work/unpacked:$PATH' kubectl aksarc-support version | grep -q '$version'"
expect "the unpacked completion helper works through kubectl" \
  bash -c "PATH='$work/unpacked:$PATH' kubectl __complete aksarc-support vers 2>/dev/null |
           grep -q '^versions'"

finish
