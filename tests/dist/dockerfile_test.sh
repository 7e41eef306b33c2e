#!/usr/bin/env bash
# The Dockerfile cannot be built here (no container engine), so what can be checked is checked:
# the runtime stage installs exactly the Debian packages that own the shared libraries the built
# webhook links (ldd + dpkg -S on this Debian 12 machine, the same distribution as the image),
# minus what debian:12-slim already has; the builder installs what `make deps` installs for a
# build; the image runs as a numeric non-root user; the build configures (with the tests off).
# Usage: dockerfile_test.sh <repo root> <built aksarc-support-webhook>
set -euo pipefail
root=$(cd "${1:?repo root}" && pwd)
webhook=${2:?aksarc-support-webhook binary}
dockerfile=$root/Dockerfile
# shellcheck source=../lib/tap.sh
source "$root/tests/lib/tap.sh"

# Packages of debian:12-slim that the binary may rely on without installing them (priority
# required; dpkg and apt depend on them).
slim_base="libc6 libgcc-s1 libstdc++6 zlib1g"

# The packages of the apt-get install in stage N (0 = builder, 1 = runtime).
stage_packages() {
  awk -v want="$1" '
    /^FROM / { stage++ }
    stage - 1 == want && /apt-get install/ { grab = 1 }
    grab { line = line " " $0 }
    grab && !/\\$/ { grab = 0 }
    END { print line }' "$dockerfile" |
    tr ' \\' '\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' |
    grep -vxE 'apt-get|install|rm|DEBIAN_FRONTEND=noninteractive' | grep -v '^-' | sort -u
}

# The Debian package owning a library file; with merged /usr, dpkg knows some under /lib only.
owner_of() {
  local file
  file=$(readlink -f "$1")
  dpkg -S "$file" 2>/dev/null || dpkg -S "${file#/usr}" 2>/dev/null || echo "unowned:$file"
}
needed=$(ldd "$webhook" | awk '/=>/ { print $3 }' | while read -r lib; do owner_of "$lib"; done |
  cut -d: -f1 | sort -u)
expect "ldd resolves every library of the built webhook" \
  bash -c "! ldd '$webhook' | grep -q 'not found'"
runtime=$(stage_packages 1)
wanted=$(comm -23 <(echo "$needed") <(tr ' ' '\n' <<<"$slim_base" | sort))
expect "runtime stage installs exactly the packages the binary links ($(echo $wanted))" \
  test "$runtime" = "$wanted"

builder=$(stage_packages 0)
make_deps=$(sed -n '/^DEPS :=/,/[^\\]$/p' "$root/Makefile" | tr ' \\' '\n\n' |
  grep -E '^[a-z0-9][a-z0-9.+-]+$' | sort -u)
missing=$(comm -23 <(echo "$builder") <(echo "$make_deps"))
expect "builder stage installs only packages make deps knows" test -z "$missing"
for p in cmake g++ pkg-config libcpp-httplib-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev \
  libcli11-dev; do
  expect "builder stage installs $p" grep -qx "$p" <<<"$builder"
done

expect "two stages: Debian 12 builder, debian:12-slim runtime" \
  test "$(grep '^FROM ' "$dockerfile" | awk '{print $2}' | tr '\n' ' ')" = "debian:12 debian:12-slim "
user=$(awk '/^USER / { print $2 }' "$dockerfile" | tail -1)
expect "runs as a numeric non-root user ($user)" \
  bash -c "[[ '$user' =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]]"
expect "the runtime stage fails the build when a library is missing (ldd check)" \
  grep -q 'ldd /usr/local/bin/aksarc-support-webhook' "$dockerfile"
expect "entrypoint is the webhook binary the builder copies" \
  grep -q 'ENTRYPOINT \["/usr/local/bin/aksarc-support-webhook"\]' "$dockerfile"

# The builder's cmake commands, replayed here on the repository (tests off, as in the image).
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
configure=$(grep -o 'cmake -S \. -B /build [^&\\]*' "$dockerfile" |
  sed "s|-S \.|-S $root|; s|/build|$build|; s| *$||")
expect "the image's cmake configure works without doctest and tests ($configure)" \
  bash -c "$configure >/dev/null"
# Building it again would only repeat the main build's compile (same sources, same flags but
# the build type); the configured target and the main build's binary stand in for it.
targets=$(cmake --build "$build" --target help 2>/dev/null || true)
expect "the image's configuration has the webhook target and no test targets" \
  bash -c "grep -q aksarc-support-webhook <<<'$targets' && ! grep -q core_tests <<<'$targets'"
expect "the webhook binary answers --version" \
  bash -c "'$webhook' --version | grep -qE '^[0-9]+[.][0-9]+[.][0-9]+'"

finish
