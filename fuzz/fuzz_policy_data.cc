// libFuzzer target: the policy data files that replace the embedded ones at run time.
//  - The AKS Arc version calendar (`kubectl aksarc-support --policy-data FILE`, read by
//    load_aksarc_versions as plugin/cmd_check.cc does): the whole input. A table that loads is
//    asked about every minor and version it lists, on several dates and platforms.
//  - The feature-gate and alpha-API tables (load_policy_data, core/policy_data.h): an input with a
//    NUL byte is the pair (feature gates before the first NUL, alpha APIs after it); otherwise the
//    input is fed to each in turn with a minimal valid document for the other (not the embedded
//    one, whose 300 KiB parse would dominate every run). Data that loads is asked for the stage
//    of every gate it lists and whether its group versions are alpha, and judges two fixed
//    AdmissionReviews (an alpha kubelet gate, an alpha API object) through a Policy.
//
// Invariants: no crash, leak, UB or escaping exception; a rejected file is a kParse error with a
// non-empty message; a minor the calendar lists is never "unknown version"; a gate the table
// lists has a known stage from the first version of each of its stages on; the Policy answers
// both reviews with a well-formed response.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/admission.h"
#include "core/aksarc_versions.h"
#include "core/civil_date.h"
#include "core/policy.h"
#include "core/policy_data.h"

namespace {

using aksarc::json;

constexpr std::string_view kMinimalGates = R"({"gates":[]})";
constexpr std::string_view kMinimalAlphaApis = R"({"versions":[]})";

// Turns on an alpha kubelet gate through the kubelet-config ConfigMap (PREV-1 looks up the gate).
constexpr std::string_view kGateReview = R"({"apiVersion":"admission.k8s.io/v1",
"kind":"AdmissionReview","request":{"uid":"fuzz-gate","kind":{"group":"","version":"v1",
"kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},
"name":"kubelet-config","namespace":"kube-system","operation":"UPDATE","userInfo":{
"username":"kubernetes-admin","groups":["system:masters"]},"object":{"apiVersion":"v1",
"kind":"ConfigMap","metadata":{"name":"kubelet-config","namespace":"kube-system"},"data":{
"kubelet":"kind: KubeletConfiguration\nfeatureGates:\n  InPlacePodVerticalScaling: true\n  AllAlpha: false\n  Accelerators: true\n"}},
"oldObject":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kubelet-config",
"namespace":"kube-system"},"data":{"kubelet":"kind: KubeletConfiguration\n"}}}})";

// Creates an object of an alpha API version of a built-in group (PREV-1 asks the alpha table).
constexpr std::string_view kAlphaApiReview = R"({"apiVersion":"admission.k8s.io/v1",
"kind":"AdmissionReview","request":{"uid":"fuzz-alpha","kind":{
"group":"admissionregistration.k8s.io","version":"v1alpha1",
"kind":"ValidatingAdmissionPolicy"},"resource":{"group":"admissionregistration.k8s.io",
"version":"v1alpha1","resource":"validatingadmissionpolicies"},"name":"p",
"operation":"CREATE","userInfo":{"username":"alice","groups":["dev"]},"object":{
"apiVersion":"admissionregistration.k8s.io/v1alpha1","kind":"ValidatingAdmissionPolicy",
"metadata":{"name":"p"}}}})";

const aksarc::PolicyConfig& policy_config() {
  static const aksarc::PolicyConfig config = [] {
    auto c = aksarc::parse_policy_config("clusterVersion: \"1.30\"\n",
                                         aksarc::default_policy_config().value());
    if (!c.ok()) std::abort();
    return c.value();
  }();
  return config;
}

void check_error(const aksarc::Error& e) {
  if (e.code != aksarc::ErrorCode::kParse || e.message.empty()) std::abort();
}

// ---- the AKS Arc version calendar -----------------------------------------------------------

void ask_versions(const aksarc::AksArcVersions& table) {
  const aksarc::CivilDate days[] = {table.as_of(), {2025, 11, 25}, {1970, 1, 1}, {9999, 12, 31}};
  for (aksarc::Platform platform :
       {aksarc::Platform::kAzureLocal, aksarc::Platform::kWindowsServer}) {
    const aksarc::PlatformVersions* p = table.platform(platform);
    if (p == nullptr) std::abort();
    for (const aksarc::MinorSupport& m : p->minors) {
      for (const aksarc::CivilDate& day : days) {
        aksarc::SupportInfo info = table.support_of(platform, m.minor, day);
        if (info.status == aksarc::SupportStatus::kUnknownVersion ||
            info.status == aksarc::SupportStatus::kUnknownPlatform) {
          std::abort();
        }
        if (aksarc::to_string(info.status).empty() || info.minor.empty()) std::abort();
      }
    }
    for (const aksarc::ReleaseVersions& r : p->releases) {
      for (const aksarc::KubeVersion& v : r.versions) {
        (void)table.support_of(platform, v, table.as_of());
      }
    }
    (void)table.support_of(platform, aksarc::KubeVersion{1, 31, 10}, days[1]);
  }
  aksarc::SupportInfo unknown =
      table.support_of(aksarc::Platform::kUnknown, aksarc::KubeVersion{1, 31, 0}, days[0]);
  if (unknown.status != aksarc::SupportStatus::kUnknownPlatform) std::abort();
}

// ---- feature gates and alpha APIs -----------------------------------------------------------

void ask_gates(const aksarc::FeatureGateTable& table, const json& doc) {
  const json* gates = aksarc::array_member(doc, "gates");
  if (gates == nullptr) return;
  for (const json& entry : *gates) {
    std::string_view name = aksarc::string_member(entry, "name");
    const aksarc::FeatureGate* gate = table.find(name);
    if (gate == nullptr) std::abort();  // every gate of a loaded table is findable
    for (const aksarc::GateStageRange& range : gate->stages) {
      aksarc::GateStage stage = table.stage_at(name, range.from);
      if (stage == aksarc::GateStage::kUnknown || stage == aksarc::GateStage::kRemoved) {
        std::abort();
      }
    }
    (void)table.stage_at(name, table.newest_minor());
    (void)table.stage_at(name, aksarc::KubeVersion{1, 999, 0});
  }
}

void ask_alpha_apis(const aksarc::AlphaApiTable& table, const json& doc) {
  const json* versions = aksarc::array_member(doc, "versions");
  if (versions == nullptr) return;
  for (const json& version : *versions) {
    const json* alpha = aksarc::array_member(version, "alpha");
    if (alpha == nullptr) continue;
    for (const json& entry : *alpha) {
      std::string_view gv = aksarc::string_member(entry, "groupVersion");
      size_t slash = gv.find('/');
      if (slash == std::string_view::npos) continue;  // the core group: judged by version name
      std::string_view group = gv.substr(0, slash), ver = gv.substr(slash + 1);
      // Listed as alpha in the table: always an alpha API of a built-in group.
      if (!table.is_builtin_alpha(group, ver) || !table.is_builtin_group(group)) std::abort();
    }
  }
}

void judge(std::string_view body, const aksarc::Policy& policy) {
  aksarc::ReviewOutcome out = aksarc::review_text(body, policy);
  const auto* response = aksarc::object_member(out.review, "response");
  if (response == nullptr || !aksarc::bool_member(*response, "allowed").has_value()) std::abort();
  if (out.record.decision == "error") std::abort();
  (void)aksarc::serialize_review(out.review);
}

void load_pair(std::string_view gates_text, std::string_view alpha_text) {
  auto data = aksarc::load_policy_data(gates_text, alpha_text);
  if (!data.ok()) {
    check_error(data.error());
    return;
  }
  ask_gates(data.value()->feature_gates, json::parse(gates_text, nullptr, false));
  ask_alpha_apis(data.value()->alpha_apis, json::parse(alpha_text, nullptr, false));
  auto policy = aksarc::Policy::create(policy_config(), data.value());
  judge(kGateReview, *policy);
  judge(kAlphaApiReview, *policy);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto versions = aksarc::load_aksarc_versions(text);
  if (versions.ok()) {
    ask_versions(*versions.value());
  } else {
    check_error(versions.error());
  }

  // An empty document means "the embedded one" to load_policy_data; stand in a minimal one.
  auto or_minimal = [](std::string_view part, std::string_view minimal) {
    return part.empty() ? minimal : part;
  };
  size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    load_pair(or_minimal(text.substr(0, nul), kMinimalGates),
              or_minimal(text.substr(nul + 1), kMinimalAlphaApis));
  } else if (!text.empty()) {
    load_pair(text, kMinimalAlphaApis);
    load_pair(kMinimalGates, text);
  }
  return 0;
}
