// SCOPE-2/3 on a whole cluster (the CNI, third-party software) and whether the aksarc-support
// webhook itself is installed and healthy.

#include <yaml-cpp/yaml.h>

#include <exception>
#include <set>

#include "core/aksarc_components.h"
#include "core/checks/component_data.h"
#include "core/checks/object_fields.h"
#include "core/checks/registry.h"

namespace aksarc {
namespace {

using checks::components_or_unknown;
using checks::int_member;
using checks::label_of;
using checks::name_of;
using checks::namespace_of;

constexpr std::string_view kWebhookNs = "aksarc-support";
// The names manifests/ gives the webhook's objects (tests/core/checks_scope_test.cc judges the
// rendered manifests, so the two cannot drift apart).
constexpr std::string_view kWebhookName = "aksarc-support-webhook";
constexpr std::string_view kWebhookConfigMap = "aksarc-support-webhook-config";
// issue 4: the webhook's timeoutSeconds stays at 3 or less so a slow webhook cannot stall writes.
constexpr int64_t kMaxTimeoutSeconds = 3;
constexpr int64_t kMinReplicas = 2;

class CniCheck : public Check {
 public:
  std::string_view id() const override { return "cni"; }
  std::string_view rule() const override { return "SCOPE-2"; }
  std::string_view title() const override { return "the cluster runs a CNI AKS Arc supports"; }
  std::string_view explanation() const override {
    return "AKS Arc supports the network plugins it deploys (Calico; Flannel for Windows "
           "overlay). Another CNI (Cilium, Weave, Antrea ...) is outside what Microsoft support "
           "covers. Reads DaemonSets in all namespaces and recognises CNIs by their agents' names.";
  }
  std::vector<ResourceKey> needs() const override { return {resources::daemonsets("")}; }

  void run(const ClusterState& state, const CheckContext&,
           std::vector<CheckResult>& out) const override {
    const json* daemonsets = require_list(state, needs()[0], *this, out);
    if (daemonsets == nullptr) return;
    const AksArcComponents* data = components_or_unknown(*this, out);
    if (data == nullptr) return;
    std::set<std::string> supported, unsupported;
    std::vector<Evidence> evidence;
    for (const json& ds : *daemonsets) {
      for (const CniSignature& cni : data->cnis) {
        if (!matches_any(cni.daemonsets, name_of(ds))) continue;
        (cni.supported ? supported : unsupported).insert(cni.name);
        evidence.push_back(
            evidence_of(ds, "DaemonSet", "metadata.name",
                        cni.name + (cni.supported ? " (supported)" : " (not supported)")));
        break;
      }
    }
    if (!unsupported.empty()) {
      CheckResult r = result_of(
          *this, CheckStatus::kWarn,
          "CNI not supported by AKS Arc support: " + checks::join_limited(unsupported) + ".",
          "Use the network plugin AKS Arc deploys; Microsoft support does not "
          "cover problems caused by another CNI.");
      r.evidence = std::move(evidence);
      out.push_back(std::move(r));
      return;
    }
    if (supported.empty()) {
      out.push_back(result_of(*this, CheckStatus::kUnknown,
                              "no known CNI DaemonSet found (looked for " +
                                  std::to_string(data->cnis.size()) + " CNIs)",
                              "check which network plugin the cluster runs"));
      return;
    }
    CheckResult r = result_of(*this, CheckStatus::kPass,
                              "CNI: " + checks::join_limited(supported) + " (supported).");
    r.evidence = std::move(evidence);
    out.push_back(std::move(r));
  }
};

class ThirdPartyCheck : public Check {
 public:
  bool reads_only_metadata() const override { return true; }
  std::string_view id() const override { return "third-party-software"; }
  std::string_view rule() const override { return "SCOPE-3"; }
  std::string_view title() const override {
    return "third-party software Microsoft does not support";
  }
  std::string_view explanation() const override {
    return "Microsoft supports AKS Arc, not software you add to it: service meshes (Istio, "
           "Linkerd), Envoy-based gateways (Envoy Gateway, Contour, Emissary) and Helm releases "
           "are yours to support. Information only. Reads Deployments and DaemonSets in all "
           "namespaces; Helm releases are recognised by the app.kubernetes.io/managed-by=Helm "
           "label (Secrets are never read).";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::deployments(""), resources::daemonsets("")};
  }

  void run(const ClusterState& state, const CheckContext&,
           std::vector<CheckResult>& out) const override {
    const json* deployments = require_list(state, needs()[0], *this, out);
    const json* daemonsets = require_list(state, needs()[1], *this, out);
    if (deployments == nullptr || daemonsets == nullptr) return;
    const AksArcComponents* data = components_or_unknown(*this, out);
    if (data == nullptr) return;
    std::set<std::string> found;
    std::vector<Evidence> evidence;
    for (auto [list, kind] : {std::pair{deployments, "Deployment"}, {daemonsets, "DaemonSet"}}) {
      for (const json& object : *list) {
        if (std::string what = software_of(object, *data); !what.empty()) {
          found.insert(what);
          evidence.push_back(evidence_of(object, kind, "metadata.name", what));
        }
      }
    }
    if (found.empty()) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              "no service mesh, Envoy-based gateway or Helm release found."));
      return;
    }
    CheckResult r = result_of(
        *this, CheckStatus::kInfo,
        "third-party software Microsoft does not support: " + checks::join_limited(found) + ".",
        "Microsoft support covers AKS Arc itself; get support for these "
        "from their vendors or communities.");
    r.evidence = std::move(evidence);
    out.push_back(std::move(r));
  }

 private:
  // "Istio", "Helm release web (namespace shop)", or "".
  static std::string software_of(const json& object, const AksArcComponents& data) {
    std::string_view ns = namespace_of(object), name = name_of(object);
    for (const ThirdPartySignature& sig : data.third_party) {
      if (matches_any(sig.namespaces, ns) || matches_any(sig.workloads, name)) return sig.name;
    }
    bool helm = label_of(object, "app.kubernetes.io/managed-by") == "Helm" ||
                label_of(object, "heritage") == "Helm";
    if (!helm || matches_any(data.microsoft_namespaces, ns)) return {};
    std::string_view release = label_of(object, "app.kubernetes.io/instance");
    if (release.empty()) release = label_of(object, "release");
    if (release.empty()) release = name;
    return "Helm release " + std::string(release) + " (namespace " + std::string(ns) + ")";
  }
};

// The webhook configuration of aksarc-support, or nullptr.
const json* find_webhook_configuration(const json& configurations) {
  for (const json& c : configurations) {
    if (name_of(c) == kWebhookName) return &c;
  }
  for (const json& c : configurations) {
    const json* hooks = array_member(c, "webhooks");
    if (hooks == nullptr) continue;
    for (const json& h : *hooks) {
      const json* service = path(h, {"clientConfig", "service"});
      if (service != nullptr && string_member(*service, "namespace") == kWebhookNs) return &c;
    }
  }
  return nullptr;
}

// True when the webhook's namespaceSelector keeps requests for `ns` away from it.
bool excludes_namespace(const json& hook, std::string_view ns) {
  const json* expressions = path(hook, {"namespaceSelector", "matchExpressions"});
  if (expressions == nullptr || !expressions->is_array()) return false;
  for (const json& e : *expressions) {
    if (string_member(e, "key") != "kubernetes.io/metadata.name" ||
        string_member(e, "operator") != "NotIn") {
      continue;
    }
    const json* values = array_member(e, "values");
    if (values == nullptr) continue;
    for (const json& v : *values) {
      if (as_string(v) == ns) return true;
    }
  }
  return false;
}

// Settings of the configuration's webhooks that could lock the cluster or stall writes.
std::vector<Evidence> risky_settings(const json& configuration) {
  std::vector<Evidence> out;
  const json* hooks = array_member(configuration, "webhooks");
  if (hooks == nullptr) return out;
  for (const json& h : *hooks) {
    std::string hook(string_member(h, "name"));
    // admissionregistration.k8s.io/v1 defaults: timeoutSeconds 10, failurePolicy Fail.
    int64_t timeout = int_member(h, "timeoutSeconds").value_or(10);
    if (timeout > kMaxTimeoutSeconds) {
      out.push_back(evidence_of(configuration, "ValidatingWebhookConfiguration",
                                "webhooks[" + hook + "].timeoutSeconds", std::to_string(timeout)));
    }
    std::string_view policy = string_member(h, "failurePolicy");
    if (policy != "Ignore" && !excludes_namespace(h, kWebhookNs)) {
      out.push_back(evidence_of(configuration, "ValidatingWebhookConfiguration",
                                "webhooks[" + hook + "].failurePolicy",
                                (policy.empty() ? "Fail" : std::string(policy)) +
                                    " without excluding namespace aksarc-support"));
    }
  }
  return out;
}

// "deny MGD-1, NODE-2, PREV-1" style summary of the policy ConfigMap, or why it is unknown.
std::string mode_of(const ClusterState& state) {
  const json* configmaps = state.items(resources::configmaps(std::string(kWebhookNs)));
  if (configmaps == nullptr) return "mode unknown (ConfigMap not readable)";
  for (const json& cm : *configmaps) {
    if (name_of(cm) != kWebhookConfigMap) continue;
    const json* policy = path(cm, {"data", "policy.yaml"});
    if (policy == nullptr || !policy->is_string()) return "mode: defaults (no policy.yaml)";
    try {
      YAML::Node doc = YAML::Load(policy->get<std::string>());
      std::string modes;
      if (doc["dryRun"] && doc["dryRun"].IsScalar() && doc["dryRun"].as<bool>()) {
        modes = "dryRun";
      }
      if (doc["rules"] && doc["rules"].IsMap()) {
        for (const auto& kv : doc["rules"]) {
          modes += (modes.empty() ? "" : ", ") + kv.first.Scalar() + " " + kv.second.Scalar();
        }
      }
      return modes.empty() ? "mode: defaults" : "mode: " + modes;
    } catch (const std::exception& e) {
      return std::string("mode unknown (policy.yaml unreadable: ") + e.what() + ")";
    }
  }
  return "mode: defaults (ConfigMap " + std::string(kWebhookConfigMap) + " not found)";
}

// The webhook's Deployment, or nullptr.
const json* find_deployment(const json& deployments) {
  const json* any = nullptr;
  for (const json& d : deployments) {
    std::string_view name = name_of(d);
    if (name == kWebhookName) return &d;
    if (any == nullptr) any = &d;
  }
  return any;
}

class WebhookCheck : public Check {
 public:
  std::string_view id() const override { return "support-webhook"; }
  std::string_view rule() const override { return "MGD-1"; }
  std::string_view title() const override {
    return "the aksarc-support admission webhook is installed and ready";
  }
  std::string_view explanation() const override {
    return "The aksarc-support webhook stops writes that would take the cluster outside support "
           "(edits of kube-system, node system labels, alpha features) as they happen. Reads the "
           "ValidatingWebhookConfiguration aksarc-support-webhook, the Deployment in namespace "
           "aksarc-support (ready, at least 2 replicas), its timeouts and failure policies, and "
           "the mode from the ConfigMap aksarc-support-webhook-config.";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::validating_webhook_configurations(),
            resources::deployments(std::string(kWebhookNs)),
            resources::configmaps(std::string(kWebhookNs))};
  }

  void run(const ClusterState& state, const CheckContext&,
           std::vector<CheckResult>& out) const override {
    const json* configurations = require_list(state, needs()[0], *this, out);
    if (configurations == nullptr) return;
    const json* configuration = find_webhook_configuration(*configurations);
    if (configuration == nullptr) {
      CheckResult r = result_of(*this, CheckStatus::kInfo,
                                "the aksarc-support webhook is not installed: nothing stops a "
                                "write that takes the cluster outside support.",
                                "install it with kubectl aksarc-support install | kubectl apply "
                                "-f -");
      Evidence e;
      e.kind = "ValidatingWebhookConfiguration";
      e.name = kWebhookName;
      e.field = "metadata.name";
      e.value = "not found";
      r.evidence.push_back(std::move(e));
      out.push_back(std::move(r));
      return;
    }
    const json* deployments = require_list(state, needs()[1], *this, out);
    if (deployments == nullptr) return;
    judge(*configuration, find_deployment(*deployments), mode_of(state), out);
  }

 private:
  void judge(const json& configuration, const json* deployment, const std::string& mode,
             std::vector<CheckResult>& out) const {
    std::vector<Evidence> problems = risky_settings(configuration);
    std::string ready_text = "no Deployment in namespace aksarc-support";
    bool ready = false;
    if (deployment != nullptr) {
      const json* spec = object_member(*deployment, "spec");
      const json* status = object_member(*deployment, "status");
      int64_t want = spec == nullptr ? 1 : int_member(*spec, "replicas").value_or(1);
      int64_t have = status == nullptr ? 0 : int_member(*status, "readyReplicas").value_or(0);
      ready_text = std::to_string(have) + "/" + std::to_string(want) + " replicas ready";
      ready = have >= want && want >= kMinReplicas;
      if (!ready) {
        problems.push_back(
            evidence_of(*deployment, "Deployment", "status.readyReplicas",
                        ready_text + (want < kMinReplicas ? " (fewer than 2)" : "")));
      }
    } else {
      Evidence e;
      e.kind = "Deployment";
      e.namespace_ = kWebhookNs;
      e.field = "metadata.name";
      e.value = "not found";
      problems.push_back(std::move(e));
    }
    std::string summary = "aksarc-support webhook installed (" + mode + "; " + ready_text + ")";
    if (problems.empty()) {
      CheckResult r = result_of(*this, CheckStatus::kPass, summary + ".");
      r.evidence.push_back(evidence_of(configuration, "ValidatingWebhookConfiguration",
                                       "metadata.name", "installed"));
      out.push_back(std::move(r));
      return;
    }
    CheckResult r = result_of(
        *this, CheckStatus::kWarn,
        summary + ", but " +
            (ready ? "its configuration is risky" : "it is not ready or not redundant") + ".",
        "Re-install with kubectl aksarc-support install | kubectl apply -f - (at least 2 replicas, "
        "timeoutSeconds 3 or less, its own namespace excluded), and check the webhook pods' logs.");
    r.evidence = std::move(problems);
    out.push_back(std::move(r));
  }
};

}  // namespace

std::vector<std::unique_ptr<Check>> make_scope_checks() {
  std::vector<std::unique_ptr<Check>> all;
  all.push_back(std::make_unique<CniCheck>());
  all.push_back(std::make_unique<ThirdPartyCheck>());
  all.push_back(std::make_unique<WebhookCheck>());
  return all;
}

}  // namespace aksarc
