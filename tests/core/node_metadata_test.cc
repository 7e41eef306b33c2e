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

TEST_CASE("a Node with 100,000 protected labels is judged quickly, in a short answer") {
  json before = json::object(), after = json::object();
  for (int i = 0; i < 100000; ++i) {
    before["kubernetes.io/l" + std::to_string(i)] = "a";
    after["kubernetes.io/l" + std::to_string(i)] = "b";
  }
  // Every key changed: the first 20 are named, the rest summed up in one finding that still
  // denies. (Before, a search per key made this take minutes.)
  auto f = judge(node(after), node(before));
  REQUIRE(f.size() == 21);
  CHECK(f[0].message.find("kubernetes.io/l0 changed \"a\" -> \"b\"") != std::string::npos);
  CHECK(f[20].message.find("99980 more system-created labels or annotations changed") !=
        std::string::npos);
  CHECK(f[20].severity == aksarc::Severity::kViolation);
}

TEST_CASE("a repeated key counts with its last value, as a parsed document has it") {
  auto rule = aksarc::make_node_metadata_rule();
  const std::string text =
      R"({"uid":"u","operation":"UPDATE","kind":{"group":"","version":"v1","kind":"Node"},)"
      R"("resource":{"group":"","version":"v1","resource":"nodes"},"name":"n1",)"
      R"("object":{"metadata":{"labels":{"kubernetes.io/os":"x","kubernetes.io/os":"linux"}}},)"
      R"("oldObject":{"metadata":{"labels":{"kubernetes.io/os":"linux"}}}})";
  auto doc = aksarc::JsonDocument::parse(text, 128);
  REQUIRE(doc.ok());
  auto r = aksarc::read_admission_request(doc.value().root());
  REQUIRE(r.ok());
  std::vector<aksarc::Finding> out;
  rule->evaluate(r.value(), policy()->context(), out);
  CHECK(out.empty());
}

TEST_CASE("long keys and values are shortened in messages") {
  const std::string huge(6 * 1024 * 1024, 'x');
  auto f = judge(node({{"kubernetes.io/hostname", huge}}), node({{"kubernetes.io/hostname", "a"}}));
  REQUIRE(f.size() == 1);
  CHECK(f[0].message.size() < 1000);
  CHECK(f[0].message.find("...(6291456 bytes)") != std::string::npos);
}
