#include "core/policy_config.h"

#include <doctest/doctest.h>

using aksarc::Mode;

namespace {
aksarc::PolicyConfig defaults() {
  auto d = aksarc::default_policy_config();
  REQUIRE_MESSAGE(d.ok(), d.error().message);
  return d.value();
}
std::string error_of(const char* yaml) {
  auto r = aksarc::parse_policy_config(yaml, defaults());
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}
}  // namespace

TEST_CASE("the embedded defaults are the documented policy") {
  auto c = defaults();
  CHECK(c.mode_of("NODE-2") == Mode::kDeny);
  CHECK(c.mode_of("MGD-1") == Mode::kDeny);
  CHECK(c.mode_of("PREV-1") == Mode::kDeny);
  CHECK_FALSE(c.dry_run);
  CHECK_FALSE(c.cluster_version);
  CHECK(c.is_system_namespace("kube-system"));
  CHECK(c.is_system_namespace("azure-arc"));
  CHECK_FALSE(c.is_system_namespace("default"));
  CHECK_FALSE(c.is_system_namespace(""));
  CHECK(c.protected_domains.size() == 5);
  CHECK(c.managed_allow.size() == 3);
  CHECK(c.allow_rollout_restart);
  CHECK(c.exemptions.users.empty());
}

TEST_CASE("a configuration file is laid over the defaults") {
  auto r = aksarc::parse_policy_config(R"(
clusterVersion: v1.29.4
dryRun: true
rules:
  NODE-2: warn
  PREV-1: audit
systemNamespaces: [kube-system, azure-arc, calico-system]
exemptions:
  users: [breakglass]
  serviceAccounts: ["flux-system:*"]
managedComponentsAllow:
  - resource: configmaps
    name: coredns-custom
    operations: [UPDATE]
)",
                                       defaults());
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  const auto& c = r.value();
  CHECK(c.cluster_version->minor_string() == "1.29");
  CHECK(c.dry_run);
  CHECK(c.mode_of("NODE-2") == Mode::kWarn);
  CHECK(c.mode_of("MGD-1") == Mode::kDeny);  // untouched
  CHECK(c.mode_of("PREV-1") == Mode::kAudit);
  CHECK(c.is_system_namespace("calico-system"));
  CHECK(c.exemptions.users == std::vector<std::string>{"breakglass"});
  REQUIRE(c.managed_allow.size() == 1);  // lists replace, not merge
  CHECK(c.managed_allow[0].operations == std::vector<std::string>{"UPDATE"});
  CHECK(c.protected_domains.size() == 5);  // untouched
}

TEST_CASE("an empty file keeps the defaults") {
  auto r = aksarc::parse_policy_config("", defaults());
  REQUIRE(r.ok());
  CHECK(r.value().mode_of("NODE-2") == Mode::kDeny);
}

TEST_CASE("bad configuration is an error naming the key") {
  CHECK(error_of("rules:\n  NODE-9: deny\n").find("unknown rule ID \"NODE-9\"") !=
        std::string::npos);
  CHECK(error_of("rules:\n  NODE-2: block\n").find("rules.NODE-2") != std::string::npos);
  CHECK(error_of("dryRun: perhaps\n").find("dryRun") != std::string::npos);
  CHECK(error_of("clusterVersion: latest\n").find("clusterVersion") != std::string::npos);
  CHECK(error_of("protectedDomain: [a]\n").find("protectedDomain: unknown key") !=
        std::string::npos);
  CHECK(error_of("systemNamespaces: kube-system\n").find("expected a list") != std::string::npos);
  CHECK(error_of("exemptions:\n  serviceAccounts: [default]\n").find("namespace:name") !=
        std::string::npos);
  CHECK(error_of("managedComponentsAllow:\n  - operations: [PATCH]\n").find("PATCH") !=
        std::string::npos);
  CHECK(error_of("rules: [1, 2\n").find("invalid YAML") != std::string::npos);
  CHECK(error_of("- just\n- a list\n").find("YAML map") != std::string::npos);
}
