#include "core/rules/node_metadata.h"

#include <doctest/doctest.h>

#include "test_support.h"

using namespace aksarc::testing;
using aksarc::json;

namespace {
json node(json labels, json annotations = json::object()) {
  return {
      {"metadata",
       {{"name", "n1"}, {"labels", std::move(labels)}, {"annotations", std::move(annotations)}}}};
}
std::vector<aksarc::Finding> judge(const json& after, const json& before,
                                   const std::string& op = "UPDATE") {
  auto rule = aksarc::make_node_metadata_rule();
  return findings_of(*rule, request(op, "nodes", "Node", "", "n1", user("admin"), after, before),
                     *policy());
}
}  // namespace

TEST_CASE("protected domains cover their subdomains, not look-alikes") {
  const json before = node(json::object());
  auto protected_key = [&](const std::string& key) {
    return !judge(node({{key, "x"}}), before).empty();
  };
  CHECK(protected_key("kubernetes.io/hostname"));
  CHECK(protected_key("node-role.kubernetes.io/worker"));
  CHECK(protected_key("failure-domain.beta.kubernetes.io/zone"));
  CHECK(protected_key("k8s.io/x"));
  CHECK(protected_key("storage.k8s.io/x"));
  CHECK(protected_key("msft.microsoft/nodepool-name"));
  CHECK(protected_key("kubernetes.azure.com/mode"));
  CHECK(protected_key("projectcalico.org/IPv4Address"));
  CHECK_FALSE(protected_key("mykubernetes.io/x"));  // not a subdomain
  CHECK_FALSE(protected_key("kubernetes.io.evil.com/x"));
  CHECK_FALSE(protected_key("team"));  // unprefixed keys are the user's
  CHECK_FALSE(protected_key("contoso.com/team"));
  CHECK_FALSE(protected_key("kubectl.kubernetes.io/last-applied-configuration"));  // user tool
}

TEST_CASE("the message names each key with its old and new value") {
  auto f = judge(node({{"kubernetes.io/hostname", "b"}, {"team", "x"}},
                      {{"projectcalico.org/IPv4Address", "10.0.0.2/16"}}),
                 node({{"kubernetes.io/hostname", "a"}, {"kubernetes.io/os", "linux"}},
                      {{"projectcalico.org/IPv4Address", "10.0.0.1/16"}}));
  REQUIRE(f.size() == 3);
  std::string all = f[0].message + f[1].message + f[2].message;
  CHECK(all.find("kubernetes.io/hostname changed \"a\" -> \"b\"") != std::string::npos);
  CHECK(all.find("kubernetes.io/os removed (was \"linux\")") != std::string::npos);
  CHECK(all.find("annotation projectcalico.org/IPv4Address changed") != std::string::npos);
  for (const auto& x : f) {
    CHECK(x.rule_id == "NODE-2");
    CHECK(x.message.rfind("NODE-2:", 0) == 0);
    CHECK(x.summary.rfind("NODE-2:", 0) == 0);
  }
}

TEST_CASE("only Node UPDATEs are judged") {
  json before = node({{"kubernetes.io/hostname", "a"}});
  json after = node({{"kubernetes.io/hostname", "b"}});
  CHECK(judge(after, nullptr, "CREATE").empty());
  CHECK(judge(nullptr, before, "DELETE").empty());
  CHECK(judge(after, nullptr).empty());  // no oldObject: nothing to compare
  CHECK(judge(after, after).empty());
  auto rule = aksarc::make_node_metadata_rule();
  CHECK(findings_of(*rule,
                    request("UPDATE", "pods", "Pod", "default", "n1", user("admin"), after, before),
                    *policy())
            .empty());
  // Labels missing entirely on one side are compared as an empty map.
  CHECK(judge(json{{"metadata", {{"name", "n1"}}}}, before).size() == 1);
  // A label whose value is not a string (malformed) is still compared, not a crash.
  CHECK(judge(node({{"kubernetes.io/hostname", 7}}), before).size() == 1);
}
