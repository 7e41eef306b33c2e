// libFuzzer target: the webhook's --config file (YAML), read the way webhook/policy_store.cc reads
// it: parse_policy_config laid over the embedded defaults. A configuration that parses is built
// into a Policy with the embedded data, and two fixed AdmissionReviews (a Node label change and
// a kube-system ConfigMap enabling an alpha gate) are judged with it, so every key the parser
// accepted is also used by the rules.
//
// Invariants: no crash, leak, UB or escaping exception (yaml-cpp throws, and the parser must
// catch everything); a rejected file is a kParse error with a message that starts with "policy
// configuration"; an accepted one yields a Policy that answers both reviews with a well-formed
// response.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/admission.h"
#include "core/policy.h"
#include "core/policy_config.h"
#include "core/policy_data.h"

namespace {

// A Node UPDATE by an administrator that changes a protected label and adds a user label:
// exercises protectedDomains, userKeyPrefixes, exemptions and the NODE-2 mode.
constexpr std::string_view kNodeReview = R"({"apiVersion":"admission.k8s.io/v1",
"kind":"AdmissionReview","request":{"uid":"fuzz-node","kind":{"group":"","version":"v1",
"kind":"Node"},"resource":{"group":"","version":"v1","resource":"nodes"},"name":"moc-n1",
"operation":"UPDATE","userInfo":{"username":"kubernetes-admin","groups":["system:masters",
"system:authenticated","contoso:aks-break-glass"]},
"object":{"apiVersion":"v1","kind":"Node","metadata":{"name":"moc-n1","labels":{
"kubernetes.io/os":"windows","team":"payments","node-role.kubernetes.io/worker":""}}},
"oldObject":{"apiVersion":"v1","kind":"Node","metadata":{"name":"moc-n1","labels":{
"kubernetes.io/os":"linux"}}}}})";

// A kube-system ConfigMap UPDATE that turns on an alpha kubelet gate: exercises
// systemNamespaces, managedComponentsAllow, the cluster version and the MGD-1/PREV-1 modes.
constexpr std::string_view kKubeletConfigReview = R"({"apiVersion":"admission.k8s.io/v1",
"kind":"AdmissionReview","request":{"uid":"fuzz-cm","kind":{"group":"","version":"v1",
"kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},
"name":"kubelet-config","namespace":"kube-system","operation":"UPDATE","userInfo":{
"username":"system:serviceaccount:ops:deployer","groups":["system:serviceaccounts"]},
"object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kubelet-config",
"namespace":"kube-system"},"data":{"kubelet":"apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  InPlacePodVerticalScaling: true\n"}},
"oldObject":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kubelet-config",
"namespace":"kube-system"},"data":{"kubelet":"kind: KubeletConfiguration\n"}}}})";

struct Fixture {
  aksarc::PolicyConfig defaults;
  std::shared_ptr<const aksarc::PolicyData> data;
};

// Loaded once: the same embedded defaults and data PolicyStore::create loads at start-up.
const Fixture& fixture() {
  static const Fixture f = [] {
    auto defaults = aksarc::default_policy_config();
    auto data = aksarc::load_embedded_policy_data();
    if (!defaults.ok() || !data.ok()) std::abort();
    return Fixture{defaults.value(), data.value()};
  }();
  return f;
}

void judge(std::string_view body, const aksarc::Policy& policy) {
  aksarc::ReviewOutcome out = aksarc::review_text(body, policy);
  const auto* response = aksarc::object_member(out.review, "response");
  if (response == nullptr || !aksarc::bool_member(*response, "allowed").has_value()) std::abort();
  // The fixed reviews are valid: an errored answer means the configuration broke the engine.
  if (out.http_status != 200 || out.record.decision == "error") std::abort();
  (void)aksarc::serialize_review(out.review);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const Fixture& f = fixture();
  aksarc::Result<aksarc::PolicyConfig> config = aksarc::parse_policy_config(text, f.defaults);
  if (!config.ok()) {
    const aksarc::Error& e = config.error();
    if (e.code != aksarc::ErrorCode::kParse || e.message.rfind("policy configuration", 0) != 0) {
      std::abort();
    }
    return 0;
  }
  auto policy = aksarc::Policy::create(std::move(config).value(), f.data);
  if (policy == nullptr) std::abort();
  judge(kNodeReview, *policy);
  judge(kKubeletConfigReview, *policy);
  return 0;
}
