# The webhook's container image: built on Debian 12 with Debian's packages (the same ones
# `make deps` installs), run on debian:12-slim with only the shared libraries the binary links.
# Build: docker build -t ghcr.io/aksarc-support/aksarc-support-webhook:0.1.0 .
# tests/dist/dockerfile_test.sh checks the runtime package list against the binary's ldd.

FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake make g++ pkg-config libcpp-httplib-dev libssl-dev nlohmann-json3-dev \
      libyaml-cpp-dev libcli11-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DAKSARC_TESTS=OFF \
 && cmake --build /build -j"$(nproc)" --target aksarc-support-webhook \
 && strip /build/aksarc-support-webhook

FROM debian:12-slim
# Runtime libraries of the webhook beyond what debian:12-slim already has (libc6, libgcc-s1,
# libstdc++6, zlib1g): cpp-httplib (and the brotli it is built with), OpenSSL, yaml-cpp.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcpp-httplib0.11 libssl3 libyaml-cpp0.7 libbrotli1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/aksarc-support-webhook /usr/local/bin/aksarc-support-webhook
# Fail the build, not the pod, when a library is missing.
RUN ldd /usr/local/bin/aksarc-support-webhook \
 && ! ldd /usr/local/bin/aksarc-support-webhook | grep -q "not found"
# Non-root, numeric (so runAsNonRoot can verify it), no shell needed at run time.
USER 65532:65532
EXPOSE 9443
ENTRYPOINT ["/usr/local/bin/aksarc-support-webhook"]
