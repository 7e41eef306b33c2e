#include "core/kube_version.h"

#include <doctest/doctest.h>

using aksarc::KubeVersion;
using aksarc::parse_kube_version;

TEST_CASE("kube versions parse as they appear in the wild") {
  CHECK(parse_kube_version("v1.28.5") == KubeVersion{1, 28, 5});
  CHECK(parse_kube_version("1.31") == KubeVersion{1, 31, 0});
  CHECK(parse_kube_version("1.31.0") == KubeVersion{1, 31, 0});
  CHECK(parse_kube_version("v1.28.5-kvapkg.1") == KubeVersion{1, 28, 5});  // AKS Arc node pools
  CHECK(parse_kube_version("v1.30.2+k3s1") == KubeVersion{1, 30, 2});
  CHECK(parse_kube_version("v1.29.0-gke.1200") == KubeVersion{1, 29, 0});
  CHECK(parse_kube_version("\"1.30\"") == KubeVersion{1, 30, 0});
  CHECK(parse_kube_version("v1.30")->minor_string() == "1.30");
}

TEST_CASE("garbage is not a version") {
  CHECK_FALSE(parse_kube_version(""));
  CHECK_FALSE(parse_kube_version("v"));
  CHECK_FALSE(parse_kube_version("1"));
  CHECK_FALSE(parse_kube_version("1."));
  CHECK_FALSE(parse_kube_version("latest"));
  CHECK_FALSE(parse_kube_version("1.x"));
  CHECK_FALSE(parse_kube_version("1.30."));
  CHECK_FALSE(parse_kube_version("99999999999.1"));
}

TEST_CASE("compare_minor ignores patches") {
  CHECK(aksarc::compare_minor({1, 31, 1}, {1, 31, 0}) == 0);
  CHECK(aksarc::compare_minor({1, 30, 9}, {1, 31, 0}) < 0);
  CHECK(aksarc::compare_minor({2, 0, 0}, {1, 99, 0}) > 0);
}
