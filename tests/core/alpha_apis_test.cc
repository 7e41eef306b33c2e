#include "core/alpha_apis.h"

#include <doctest/doctest.h>

#include "core/policy_data.h"
#include "test_support.h"

namespace aksarc {
namespace {

const AlphaApiTable& apis() { return testing::embedded_data().alpha_apis; }

}  // namespace

TEST_CASE("alpha APIs: alpha versions of built-in groups from the real table") {
  CHECK(apis().is_builtin_alpha("admissionregistration.k8s.io", "v1alpha1"));
  CHECK(apis().is_builtin_alpha("resource.k8s.io", "v1alpha3"));
  CHECK(apis().is_builtin_alpha("resource.k8s.io", "v1alpha2"));
  CHECK(apis().is_builtin_alpha("internal.apiserver.k8s.io", "v1alpha1"));
  CHECK(apis().is_builtin_alpha("storagemigration.k8s.io", "v1alpha1"));
  CHECK(apis().is_builtin_alpha("coordination.k8s.io", "v1alpha2"));
  CHECK(apis().is_builtin_alpha("scheduling.k8s.io", "v1alpha2"));
  // Not listed for any minor, but an alpha version of a built-in group all the same.
  CHECK(apis().is_builtin_alpha("apps", "v1alpha1"));
  CHECK(apis().is_builtin_alpha("", "v1alpha1"));
  CHECK(apis().is_builtin_alpha("rbac.authorization.k8s.io", "v1alpha1"));
}

TEST_CASE("alpha APIs: beta and GA versions, and custom resource groups, are not alpha APIs") {
  CHECK_FALSE(apis().is_builtin_alpha("apps", "v1"));
  CHECK_FALSE(apis().is_builtin_alpha("", "v1"));
  CHECK_FALSE(apis().is_builtin_alpha("resource.k8s.io", "v1beta1"));
  CHECK_FALSE(apis().is_builtin_alpha("admissionregistration.k8s.io", "v1"));
  CHECK_FALSE(apis().is_builtin_alpha("cluster.x-k8s.io", "v1alpha3"));
  CHECK_FALSE(apis().is_builtin_alpha("gateway.networking.k8s.io", "v1alpha2"));
  CHECK_FALSE(apis().is_builtin_alpha("snapshot.storage.k8s.io", "v1alpha1"));
  CHECK_FALSE(apis().is_builtin_alpha("infrastructure.cluster.x-k8s.io", "v1alpha4"));
  CHECK_FALSE(apis().is_builtin_alpha("example.com", "v1alpha1"));
}

TEST_CASE("alpha APIs: built-in groups") {
  for (const char* group :
       {"", "apps", "batch", "autoscaling", "policy", "resource.k8s.io", "storagemigration.k8s.io",
        "flowcontrol.apiserver.k8s.io", "rbac.authorization.k8s.io", "networking.k8s.io"}) {
    CHECK_MESSAGE(apis().is_builtin_group(group), group);
  }
  for (const char* group : {"cluster.x-k8s.io", "gateway.networking.k8s.io", "metrics.k8s.io",
                            "snapshot.storage.k8s.io", "k8s.io", "example.com", "Apps"}) {
    CHECK_FALSE_MESSAGE(apis().is_builtin_group(group), group);
  }
}

TEST_CASE("alpha APIs: is_alpha_version") {
  CHECK(is_alpha_version("v1alpha1"));
  CHECK(is_alpha_version("v2alpha3"));
  CHECK(is_alpha_version("v10alpha12"));
  CHECK_FALSE(is_alpha_version("v1"));
  CHECK_FALSE(is_alpha_version("v1beta1"));
  CHECK_FALSE(is_alpha_version("v1alpha"));
  CHECK_FALSE(is_alpha_version("valpha1"));
  CHECK_FALSE(is_alpha_version("alpha1"));
  CHECK_FALSE(is_alpha_version("V1alpha1"));
  CHECK_FALSE(is_alpha_version("v1alpha1x"));
  CHECK_FALSE(is_alpha_version(""));
}

TEST_CASE("alpha APIs: a newer table can name a new built-in group") {
  auto t = AlphaApiTable::parse(json::parse(
      R"({"versions": [{"minor": "1.40", "alpha": [{"groupVersion": "newthing.k8s.io/v1alpha1"}],
                        "beta": []}]})"));
  REQUIRE(t.ok());
  CHECK(t.value().is_builtin_group("newthing.k8s.io"));
  CHECK(t.value().is_builtin_alpha("newthing.k8s.io", "v1alpha1"));
  CHECK(t.value().is_builtin_alpha("newthing.k8s.io", "v2alpha1"));
  CHECK(t.value().is_builtin_alpha("apps", "v1alpha1"));  // well-known groups are always there
}

TEST_CASE("alpha APIs: parse errors") {
  CHECK_FALSE(AlphaApiTable::parse(json::parse(R"({})")).ok());
  CHECK_FALSE(AlphaApiTable::parse(json::parse(R"({"versions": {}})")).ok());
  CHECK_FALSE(AlphaApiTable::parse(json::parse(R"({"versions": [7]})")).ok());
  CHECK_FALSE(AlphaApiTable::parse(json::parse(R"({"versions": [{"alpha": {}}]})")).ok());
  auto missing = AlphaApiTable::parse(json::parse(R"({"versions": [{"alpha": [{"kinds": []}]}]})"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("groupVersion") != std::string::npos);
}

}  // namespace aksarc
