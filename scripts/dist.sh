#!/usr/bin/env bash
# make dist: the plugin's archive for this machine's architecture and the krew manifest.
#   dist/kubectl-aksarc_support-v<version>-linux-<arch>.tar.gz   binary, completion helper,
#                                                               lib/ (bundled shared libraries),
#                                                               README.md
#   dist/kubectl-aksarc_support-v<version>-linux-<arch>.tar.gz.sha256
#   dist/aksarc-support.yaml                                    plugins/aksarc-support.yaml with
#                                                               every archive in dist/ filled in
# The archive is reproducible (sorted, fixed times and owners). Run it on an arm64 machine too and
# put both archives in dist/ to get a manifest with both platforms.
# Usage: scripts/dist.sh <build dir> <dist dir> [<download URL prefix>]
set -euo pipefail
build=$(cd "${1:?usage: dist.sh <build dir> <dist dir> [url prefix]}" && pwd)
out=${2:?usage: dist.sh <build dir> <dist dir> [url prefix]}
here=$(cd "$(dirname "$0")/.." && pwd)
plugin=$build/kubectl-aksarc_support
[[ -x "$plugin" ]] || { echo "error: $plugin not built (make build)" >&2; exit 1; }
version=$("$plugin" version -o json | jq -r .version)
url_prefix=${3:-https://github.com/aksarc-support/aksarc-support/releases/download/v$version}
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) echo "error: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
name=kubectl-aksarc_support-v$version-linux-$arch
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
mkdir -p "$stage/lib"
install -m755 "$plugin" "$build/kubectl_complete-aksarc_support" "$stage/"
strip --strip-unneeded "$stage/kubectl-aksarc_support"  # debug info stays in the build
install -m644 "$here/README.md" "$stage/"
# Every shared library but the C library's own (libc, libm, the loader): those are the only
# ones a Linux machine is sure to have in a compatible version.
ldd "$plugin" | awk '/=> \// { print $1, $3 }' | while read -r soname path; do
  case "$soname" in
    libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | ld-linux*) continue ;;
  esac
  install -m644 "$(readlink -f "$path")" "$stage/lib/$soname"
done
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$stage" -cf - . |
  gzip -9n >"$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")

# The manifest: one platform entry per archive of this version in dist/.
platforms=""
for archive in "$out"/kubectl-aksarc_support-v"$version"-linux-*.tar.gz; do
  file=$(basename "$archive")
  a=${file##*-linux-}
  a=${a%.tar.gz}
  sum=$(sha256sum "$archive" | cut -d' ' -f1)
  platforms+="  - selector:
      matchLabels:
        os: linux
        arch: $a
    uri: $url_prefix/$file
    sha256: $sum
    bin: kubectl-aksarc_support
"
done
awk -v version="$version" -v platforms="$platforms" '
  /@PLATFORMS@/ { printf "%s", platforms; next }
  { gsub(/@VERSION@/, version); print }' "$here/plugins/aksarc-support.yaml" |
  sed '/^# krew plugin manifest (template)/,/^# the archive URL/d' >"$out/aksarc-support.yaml"
echo "wrote $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1)) and $out/aksarc-support.yaml"
