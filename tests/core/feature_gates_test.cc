#include "core/feature_gates.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "core/embedded_data.h"
#include "core/policy_data.h"
#include "test_support.h"

namespace aksarc {
namespace {

const PolicyData& data() { return testing::embedded_data(); }

const FeatureGateTable& gates() { return data().feature_gates; }

KubeVersion v(int minor) { return KubeVersion{1, minor, 0}; }

Result<FeatureGateTable> parse_text(const char* text) {
  return FeatureGateTable::parse(json::parse(text));
}

}  // namespace

TEST_CASE("feature gates: the embedded table loads whole") {
  json doc = json::parse(embedded::feature_gates_json());
  const json* counts = path(doc, {"counts", "gates"});
  REQUIRE(counts != nullptr);
  CHECK(gates().size() == counts->get<size_t>());
  CHECK(gates().newest_minor() == v(36));  // versionsMentioned.highest
}

TEST_CASE("feature gates: InPlacePodVerticalScaling alpha 1.27-1.32, beta 1.33, stable 1.35") {
  const std::string_view g = "InPlacePodVerticalScaling";
  CHECK(gates().stage_at(g, v(26)) == GateStage::kUnknown);  // before its first stage
  CHECK(gates().stage_at(g, v(27)) == GateStage::kAlpha);
  CHECK(gates().stage_at(g, v(30)) == GateStage::kAlpha);
  CHECK(gates().stage_at(g, v(32)) == GateStage::kAlpha);
  CHECK(gates().stage_at(g, v(33)) == GateStage::kBeta);
  CHECK(gates().stage_at(g, v(34)) == GateStage::kBeta);
  CHECK(gates().stage_at(g, v(35)) == GateStage::kStable);
  CHECK(gates().stage_at(g, v(40)) == GateStage::kStable);  // open-ended, not removed
  // A patch in the cluster version does not matter.
  CHECK(gates().stage_at(g, KubeVersion{1, 32, 7}) == GateStage::kAlpha);
}

TEST_CASE("feature gates: quirk: open-ended alpha followed by beta (ContextualLogging)") {
  const FeatureGate* g = gates().find("ContextualLogging");
  REQUIRE(g != nullptr);
  REQUIRE(g->stages.size() == 2);
  REQUIRE(g->stages[0].to.has_value());  // the table leaves it open; it ends where beta begins
  CHECK(*g->stages[0].to == v(29));
  CHECK_FALSE(g->stages[1].to.has_value());
  CHECK(gates().stage_at("ContextualLogging", v(24)) == GateStage::kAlpha);
  CHECK(gates().stage_at("ContextualLogging", v(29)) == GateStage::kAlpha);
  CHECK(gates().stage_at("ContextualLogging", v(30)) == GateStage::kBeta);
  CHECK(gates().stage_at("ContextualLogging", v(36)) == GateStage::kBeta);
}

TEST_CASE("feature gates: quirk: patch-level versions (DisableNodeKubeProxyVersion)") {
  // alpha 1.29-1.30, beta 1.31.0-1.31.0, deprecated 1.31.1-(open), deprecated 1.32, 1.33-(open).
  const FeatureGate* g = gates().find("DisableNodeKubeProxyVersion");
  REQUIRE(g != nullptr);
  REQUIRE(g->stages.size() == 5);
  CHECK(g->stages[1].from == KubeVersion{1, 31, 0});
  CHECK(g->stages[2].from == KubeVersion{1, 31, 1});
  REQUIRE(g->stages[2].to.has_value());
  CHECK(*g->stages[2].to == v(31));  // closed where the 1.32 stage begins
  CHECK(gates().stage_at(g->name, v(28)) == GateStage::kUnknown);
  CHECK(gates().stage_at(g->name, v(29)) == GateStage::kAlpha);
  CHECK(gates().stage_at(g->name, v(30)) == GateStage::kAlpha);
  // Both 1.31 stages contain 1.31; the one that started last (1.31.1) wins.
  CHECK(gates().stage_at(g->name, v(31)) == GateStage::kDeprecated);
  CHECK(gates().stage_at(g->name, v(32)) == GateStage::kDeprecated);
  CHECK(gates().stage_at(g->name, v(36)) == GateStage::kDeprecated);
  // MaxUnavailableStatefulSet: alpha to 1.34, beta 1.35.0-1.35.3, beta from 1.35.4.
  CHECK(gates().stage_at("MaxUnavailableStatefulSet", v(34)) == GateStage::kAlpha);
  CHECK(gates().stage_at("MaxUnavailableStatefulSet", v(35)) == GateStage::kBeta);
}

TEST_CASE("feature gates: quirk: overlapping ranges, the later stage wins") {
  // KubeProxyDrainingTerminatingNodes: alpha 1.28-1.30, beta 1.30-1.30, stable 1.31-1.32, removed.
  CHECK(gates().stage_at("KubeProxyDrainingTerminatingNodes", v(29)) == GateStage::kAlpha);
  CHECK(gates().stage_at("KubeProxyDrainingTerminatingNodes", v(30)) == GateStage::kBeta);
  CHECK(gates().stage_at("KubeProxyDrainingTerminatingNodes", v(32)) == GateStage::kStable);
  CHECK(gates().stage_at("KubeProxyDrainingTerminatingNodes", v(33)) == GateStage::kRemoved);
  // PodHostIPs: beta 1.29-1.30, stable 1.30-1.31, removed.
  CHECK(gates().stage_at("PodHostIPs", v(30)) == GateStage::kStable);
  CHECK(gates().stage_at("PodHostIPs", v(32)) == GateStage::kRemoved);
}

TEST_CASE("feature gates: removed gates after their last minor") {
  // DynamicKubeletConfig: deprecated 1.22-1.25, removed.
  CHECK(gates().stage_at("DynamicKubeletConfig", v(25)) == GateStage::kDeprecated);
  CHECK(gates().stage_at("DynamicKubeletConfig", v(26)) == GateStage::kRemoved);
  CHECK(gates().stage_at("DynamicKubeletConfig", v(30)) == GateStage::kRemoved);
  // ValidatingAdmissionPolicy: stable 1.30-1.31, removed.
  CHECK(gates().stage_at("ValidatingAdmissionPolicy", v(31)) == GateStage::kStable);
  CHECK(gates().stage_at("ValidatingAdmissionPolicy", v(32)) == GateStage::kRemoved);
  // DynamicProvisioningScheduling: removed, deprecated from 1.12 with no end and no default.
  CHECK(gates().stage_at("DynamicProvisioningScheduling", v(12)) == GateStage::kDeprecated);
  CHECK(gates().stage_at("DynamicProvisioningScheduling", v(13)) == GateStage::kRemoved);
  // Accelerators: deprecated stage that states no defaultValue.
  CHECK(gates().stage_at("Accelerators", v(11)) == GateStage::kDeprecated);
  CHECK(gates().stage_at("Accelerators", v(30)) == GateStage::kRemoved);
}

TEST_CASE("feature gates: unknown gates, case-sensitive names, v1_37_preview is not a fact") {
  CHECK(gates().find("NoSuchGate") == nullptr);
  CHECK(gates().stage_at("NoSuchGate", v(30)) == GateStage::kUnknown);
  CHECK(gates().stage_at("inplacepodverticalscaling", v(30)) == GateStage::kUnknown);
  CHECK(gates().stage_at("", v(30)) == GateStage::kUnknown);
  // DefaultPodSysctls appears only in v1_37_preview.
  CHECK(gates().find("DefaultPodSysctls") == nullptr);
  // The meta gates are not in the table; the rule handles them.
  CHECK(gates().find("AllAlpha") == nullptr);
}

TEST_CASE("feature gates: every stage entry is in force at its first minor or shares it") {
  // Property over the whole table: at the first minor of any stage, stage_at answers the stage of
  // an entry that starts in that same minor (overlaps and patch-level stages included), and a
  // gate never reads as unknown between its first minor and its last.
  json doc = json::parse(embedded::feature_gates_json());
  for (const json& entry : *array_member(doc, "gates")) {
    const FeatureGate* g = gates().find(string_member(entry, "name"));
    REQUIRE(g != nullptr);
    for (const GateStageRange& range : g->stages) {
      GateStage at = gates().stage_at(g->name, range.from);
      bool shared = false;
      for (const GateStageRange& other : g->stages) {
        shared |= compare_minor(other.from, range.from) == 0 && other.stage == at;
      }
      CHECK_MESSAGE(shared, g->name << " at " << range.from.minor_string());
    }
    KubeVersion first = g->stages.front().from;
    for (const GateStageRange& range : g->stages) first = std::min(first, range.from);
    for (int minor = first.minor; minor <= gates().newest_minor().minor; ++minor) {
      CHECK_MESSAGE(gates().stage_at(g->name, v(minor)) != GateStage::kUnknown,
                    g->name << " at 1." << minor);
    }
  }
}

TEST_CASE("feature gates: to_string") {
  CHECK(to_string(GateStage::kAlpha) == "alpha");
  CHECK(to_string(GateStage::kBeta) == "beta");
  CHECK(to_string(GateStage::kStable) == "stable");
  CHECK(to_string(GateStage::kDeprecated) == "deprecated");
  CHECK(to_string(GateStage::kRemoved) == "removed");
  CHECK(to_string(GateStage::kUnknown) == "unknown");
}

TEST_CASE("feature gates: a closed table of a gate still in Kubernetes keeps its last stage") {
  auto t = parse_text(R"({"gates": [{"name": "G", "removed": false, "stages": [
      {"stage": "alpha", "fromVersion": "1.20", "toVersion": "1.21"},
      {"stage": "beta", "fromVersion": "1.23", "toVersion": "1.24"}]}]})");
  REQUIRE(t.ok());
  CHECK(t.value().stage_at("G", v(19)) == GateStage::kUnknown);
  CHECK(t.value().stage_at("G", v(22)) == GateStage::kAlpha);  // a gap: alpha still in force
  CHECK(t.value().stage_at("G", v(25)) == GateStage::kBeta);
  CHECK(t.value().newest_minor() == v(24));
}

TEST_CASE("feature gates: parse errors name what is wrong") {
  CHECK_FALSE(parse_text(R"({})").ok());
  CHECK_FALSE(parse_text(R"({"gates": {}})").ok());
  CHECK_FALSE(parse_text(R"({"gates": [42]})").ok());
  CHECK_FALSE(parse_text(R"({"gates": [{"name": "G", "stages": []}]})").ok());
  auto bad_stage = parse_text(
      R"({"gates": [{"name": "G", "stages": [{"stage": "GA", "fromVersion": "1.20"}]}]})");
  REQUIRE_FALSE(bad_stage.ok());
  CHECK(bad_stage.error().message.find("gate G") != std::string::npos);
  CHECK_FALSE(
      parse_text(R"({"gates": [{"name": "G", "stages": [{"stage": "beta", "fromVersion": 1.2}]}]})")
          .ok());
  CHECK_FALSE(parse_text(R"({"gates": [{"name": "G", "stages": [
      {"stage": "beta", "fromVersion": "1.20", "toVersion": "1.19"}]}]})")
                  .ok());
  CHECK_FALSE(parse_text(R"({"gates": [{"name": "G", "stages": [
      {"stage": "beta", "fromVersion": "1.20", "toVersion": true}]}]})")
                  .ok());
  auto dup = parse_text(R"({"gates": [
      {"name": "G", "stages": [{"stage": "beta", "fromVersion": "1.20"}]},
      {"name": "G", "stages": [{"stage": "beta", "fromVersion": "1.20"}]}]})");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().message.find("duplicate") != std::string::npos);
}

TEST_CASE("feature gates: policy data from given documents, or the embedded ones") {
  auto embedded = load_policy_data("", "");
  REQUIRE(embedded.ok());
  CHECK(embedded.value()->feature_gates.size() == gates().size());

  auto custom = load_policy_data(
      R"({"gates": [{"name": "G", "stages": [{"stage": "alpha", "fromVersion": "1.40"}]}]})", "");
  REQUIRE(custom.ok());
  CHECK(custom.value()->feature_gates.size() == 1);
  CHECK(custom.value()->feature_gates.stage_at("G", v(40)) == GateStage::kAlpha);
  CHECK(custom.value()->alpha_apis.is_builtin_alpha("resource.k8s.io", "v1alpha3"));

  auto broken = load_policy_data("{not json", "");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message.find("feature gates") != std::string::npos);
  auto wrong_shape = load_policy_data("", R"([1, 2])");
  REQUIRE_FALSE(wrong_shape.ok());
  CHECK(wrong_shape.error().message.find("alpha APIs") != std::string::npos);
}

}  // namespace aksarc
