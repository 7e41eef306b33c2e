// PREV-1 on a whole cluster: no alpha feature gates in the Kubernetes components, no alpha APIs.

#include <map>
#include <set>
#include <utility>

#include "core/checks/api_server_version.h"
#include "core/checks/object_fields.h"
#include "core/checks/registry.h"
#include "core/feature_gate_sources.h"

namespace aksarc {
namespace {

using checks::label_of;
using checks::name_of;

constexpr std::string_view kRule = "PREV-1";
constexpr std::string_view kNs = "kube-system";
constexpr std::string_view kWhy =
    "AKS Arc supports only beta and GA features of upstream Kubernetes; alpha feature gates and "
    "alpha APIs are not supported.";

// The Kubernetes minor the gates are judged at, and a note for messages when it is a guess.
struct JudgedVersion {
  KubeVersion minor;
  std::string note;  // "" or " (cluster version unknown; judged as of 1.35)"
};

JudgedVersion judged_version(const ClusterState& state, const PolicyData& data) {
  if (auto api = checks::api_server_version(state)) return {api->version, ""};
  KubeVersion newest = data.feature_gates.newest_minor();
  return {newest, " (cluster version unknown; judged as of " + newest.minor_string() + ")"};
}

// What one object's settings come to.
struct Judgement {
  std::vector<std::string> alpha;  // "InformerResourceVersion=true", "runtime-config api/all"
  std::vector<Evidence> alpha_evidence;
  std::vector<Evidence> allowed;  // vendor settings AKS Arc ships (info)
  std::vector<std::string> problems;
  Evidence object;  // the judged object (kind, namespace, name), for evidence of problems
};

// A gate AKS Arc itself sets and that is therefore not the user's doing.
using AllowFn = bool (*)(const GateSetting&);
bool allow_none(const GateSetting&) { return false; }
// Microsoft's Windows kube-proxy manifest runs --feature-gates=WinOverlay=true.
bool allow_win_overlay(const GateSetting& s) { return s.gate == "WinOverlay"; }

// `base` is the evidence about the object (kind, namespace, name); field and value are filled.
void judge_gates(const std::vector<GateSetting>& gates, const Evidence& base,
                 const JudgedVersion& v, const PolicyData& data, AllowFn allow, Judgement& j) {
  for (const GateSetting& s : effective_gate_settings(gates)) {
    if (!s.enabled) continue;
    Evidence e = base;
    e.field = s.where;
    if (allow(s)) {
      e.value = s.gate + "=true (set by Microsoft's manifest)";
      j.allowed.push_back(std::move(e));
      continue;
    }
    bool alpha =
        s.gate == "AllAlpha" || data.feature_gates.stage_at(s.gate, v.minor) == GateStage::kAlpha;
    if (!alpha) continue;
    e.value = s.gate == "AllAlpha" ? "AllAlpha=true (every alpha gate)"
                                   : s.gate + "=true (alpha in " + v.minor.minor_string() + ")";
    j.alpha.push_back(s.gate + "=true");
    j.alpha_evidence.push_back(std::move(e));
  }
}

void judge_runtime_config(const std::vector<RuntimeConfigSetting>& settings, const Evidence& base,
                          const PolicyData& data, Judgement& j) {
  for (const RuntimeConfigSetting& s : settings) {
    if (!s.enabled) continue;
    auto [group, version] = group_version_of(s.key);
    if (s.key != "api/all" && s.key != "api/alpha" &&
        !data.alpha_apis.is_builtin_alpha(group, version)) {
      continue;
    }
    Evidence e = base;
    e.field = s.where;
    e.value = s.key + "=true" +
              (s.key == "api/all" ? " (every API version, alpha included)" : " (alpha API)");
    j.alpha.push_back("runtime-config " + s.key + "=true");
    j.alpha_evidence.push_back(std::move(e));
  }
}

Judgement judge_object(const json& object, std::string_view kind, const JudgedVersion& v,
                       const PolicyData& data, AllowFn allow = allow_none) {
  FeatureSettings settings =
      extract_feature_settings(object, kind, checks::namespace_of(object), name_of(object));
  Judgement j;
  j.object = evidence_of(object, kind, "", "");
  judge_gates(settings.gates, j.object, v, data, allow, j);
  judge_runtime_config(settings.runtime_config, j.object, data, j);
  j.problems = std::move(settings.problems);
  return j;
}

// Appends the results of one judged object: fail with its alpha settings, info for allowed
// vendor gates, warn for settings that could not be read. Returns whether anything was wrong.
bool report(const Check& check, const std::string& what, const Judgement& j, const JudgedVersion& v,
            std::vector<CheckResult>& out) {
  if (!j.alpha.empty()) {
    CheckResult r = result_of(check, CheckStatus::kFail,
                              what + " enables alpha features: " + checks::join_limited(j.alpha) +
                                  v.note + ". " + std::string(kWhy),
                              "Remove these settings from " + what +
                                  " (for control-plane flags, the static pod manifest on every "
                                  "control-plane node), or ask Microsoft support how to.");
    r.evidence = j.alpha_evidence;
    out.push_back(std::move(r));
  }
  if (!j.allowed.empty()) {
    CheckResult r = result_of(check, CheckStatus::kInfo,
                              what + " sets feature gates that Microsoft's own manifest ships " +
                                  "(allowed by AKS Arc).");
    r.evidence = j.allowed;
    out.push_back(std::move(r));
  }
  for (const std::string& problem : j.problems) {
    Evidence e = j.object;
    e.field = "feature gates";
    e.value = problem;
    CheckResult r = result_of(check, CheckStatus::kWarn,
                              what + ": " + problem + "; its feature gates could not be checked.",
                              "Fix the configuration so that the component can read it.");
    r.evidence.push_back(std::move(e));
    out.push_back(std::move(r));
  }
  return !j.alpha.empty() || !j.problems.empty();
}

bool is_control_plane_pod(const json& pod, std::string_view* component) {
  static constexpr std::string_view kComponents[] = {"kube-apiserver", "kube-controller-manager",
                                                     "kube-scheduler"};
  std::string_view name = name_of(pod);
  std::string_view label = label_of(pod, "component");
  for (std::string_view c : kComponents) {
    bool by_name = name == c || (name.size() > c.size() && name.substr(0, c.size()) == c &&
                                 name[c.size()] == '-');
    if (label == c || by_name) {
      *component = c;
      return true;
    }
  }
  return false;
}

class ControlPlaneGatesCheck : public Check {
 public:
  std::string_view id() const override { return "control-plane-feature-gates"; }
  std::string_view rule() const override { return kRule; }
  std::string_view title() const override {
    return "no alpha feature gates or alpha APIs on the control plane";
  }
  std::string_view explanation() const override {
    return "Reads the kube-apiserver, kube-controller-manager and kube-scheduler static pods in "
           "kube-system and judges their --feature-gates (alpha at the cluster's version, or "
           "AllAlpha=true) and --runtime-config (alpha API versions, api/all, api/alpha). Alpha "
           "features are outside AKS Arc support; remove the flags from the static pod "
           "manifests.";
  }
  std::vector<ResourceKey> needs() const override { return {resources::pods(std::string(kNs))}; }

  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    const json* pods = require_list(state, needs()[0], *this, out);
    if (pods == nullptr) return;
    JudgedVersion v = judged_version(state, ctx.data);
    size_t seen = 0;
    bool bad = false;
    for (const json& pod : *pods) {
      std::string_view component;
      if (!is_control_plane_pod(pod, &component)) continue;
      ++seen;
      Judgement j = judge_object(pod, "Pod", v, ctx.data);
      bad |= report(*this,
                    std::string(component) + " (Pod kube-system/" + std::string(name_of(pod)) + ")",
                    j, v, out);
    }
    if (seen == 0) {
      out.push_back(result_of(*this, CheckStatus::kUnknown,
                              "could not check: no kube-apiserver, kube-controller-manager or "
                              "kube-scheduler static pods found in kube-system",
                              "read the cluster with a user who can list pods in kube-system"));
      return;
    }
    if (!bad) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              std::to_string(seen) +
                                  " control-plane pods: no alpha feature gates or alpha APIs "
                                  "enabled at Kubernetes " +
                                  v.minor.minor_string() + v.note + "."));
    }
  }
};

// featureGates of a node's /configz, as GateSettings.
std::vector<GateSetting> configz_gates(const json& configz) {
  std::vector<GateSetting> out;
  const json* gates = path(configz, {"kubeletconfig", "featureGates"});
  if (gates == nullptr || !gates->is_object()) return out;
  for (const auto& [gate, value] : gates->items()) {
    std::optional<bool> enabled;
    if (value.is_boolean()) enabled = value.get<bool>();
    if (as_string(value) == "true") enabled = true;
    if (!enabled) continue;
    out.push_back({gate, *enabled, "kubeletconfig.featureGates"});
  }
  return out;
}

class KubeletGatesCheck : public Check {
 public:
  std::string_view id() const override { return "kubelet-feature-gates"; }
  std::string_view rule() const override { return kRule; }
  std::string_view title() const override { return "no alpha feature gates on the kubelets"; }
  std::string_view explanation() const override {
    return "Reads each node's kubelet configuration from /api/v1/nodes/<node>/proxy/configz "
           "(featureGates) where permitted, else the kubelet-config ConfigMap in kube-system, and "
           "flags gates that are alpha at the cluster's version. Alpha features are outside AKS "
           "Arc support.";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::configmaps(std::string(kNs))};
  }
  bool needs_kubelet_configz() const override { return true; }

  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    JudgedVersion v = judged_version(state, ctx.data);
    if (!state.kubelet_configz.empty()) {
      bool bad = false;
      for (const auto& [node, configz] : state.kubelet_configz) {
        Judgement j;
        j.object.kind = "Node";
        j.object.name = node;
        judge_gates(configz_gates(configz), j.object, v, ctx.data, allow_none, j);
        bad |= report(*this, "the kubelet of node " + node, j, v, out);
      }
      if (!bad) {
        std::string unread = state.kubelet_configz_errors.empty()
                                 ? ""
                                 : " (" + std::to_string(state.kubelet_configz_errors.size()) +
                                       " nodes' configuration could not be read)";
        out.push_back(result_of(*this, CheckStatus::kPass,
                                std::to_string(state.kubelet_configz.size()) +
                                    " kubelets: no alpha feature gates at Kubernetes " +
                                    v.minor.minor_string() + v.note + unread + "."));
      }
      return;
    }
    from_configmap(state, v, ctx, out);
  }

 private:
  void from_configmap(const ClusterState& state, const JudgedVersion& v, const CheckContext& ctx,
                      std::vector<CheckResult>& out) const {
    const json* configmaps = require_list(state, needs()[0], *this, out);
    if (configmaps == nullptr) return;
    size_t seen = 0;
    bool bad = false;
    for (const json& cm : *configmaps) {
      std::string_view name = name_of(cm);
      if (name != "kubelet-config" && name.substr(0, 17) != "kubelet-config-1.") continue;
      ++seen;
      bad |= report(*this, "ConfigMap kube-system/" + std::string(name),
                    judge_object(cm, "ConfigMap", v, ctx.data), v, out);
    }
    std::string why =
        state.kubelet_configz_errors.empty()
            ? "node configz not collected"
            : "node configz not readable: " + state.kubelet_configz_errors.begin()->second.message;
    if (seen == 0) {
      out.push_back(result_of(*this, CheckStatus::kUnknown,
                              "could not check: " + why +
                                  ", and no kubelet-config ConfigMap in "
                                  "kube-system",
                              "grant the plugin's user get on nodes/proxy to read each kubelet's "
                              "configuration"));
      return;
    }
    if (!bad) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              "kubelet-config ConfigMap: no alpha feature gates at Kubernetes " +
                                  v.minor.minor_string() + v.note + " (" + why +
                                  "; a node's local configuration may differ)."));
    }
  }
};

class KubeProxyGatesCheck : public Check {
 public:
  std::string_view id() const override { return "kube-proxy-feature-gates"; }
  std::string_view rule() const override { return kRule; }
  std::string_view title() const override { return "no alpha feature gates on kube-proxy"; }
  std::string_view explanation() const override {
    return "Reads the kube-proxy ConfigMap (KubeProxyConfiguration featureGates) and the "
           "kube-proxy DaemonSets' commands and arguments (--feature-gates) in kube-system. The "
           "Windows kube-proxy's WinOverlay=true comes from Microsoft's manifest and is allowed.";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::configmaps(std::string(kNs)), resources::daemonsets(std::string(kNs))};
  }

  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    const json* configmaps = require_list(state, needs()[0], *this, out);
    const json* daemonsets = require_list(state, needs()[1], *this, out);
    if (configmaps == nullptr || daemonsets == nullptr) return;
    JudgedVersion v = judged_version(state, ctx.data);
    size_t seen = 0;
    bool bad = false;
    for (const json& cm : *configmaps) {
      if (name_of(cm) != "kube-proxy") continue;
      ++seen;
      bad |= report(*this, "ConfigMap kube-system/kube-proxy",
                    judge_object(cm, "ConfigMap", v, ctx.data), v, out);
    }
    for (const json& ds : *daemonsets) {
      std::string_view name = name_of(ds);
      if (name.substr(0, 10) != "kube-proxy") continue;
      ++seen;
      AllowFn allow = name == "kube-proxy-windows" ? allow_win_overlay : allow_none;
      bad |= report(*this, "DaemonSet kube-system/" + std::string(name),
                    judge_object(ds, "DaemonSet", v, ctx.data, allow), v, out);
    }
    if (seen == 0) {
      out.push_back(result_of(*this, CheckStatus::kSkipped,
                              "no kube-proxy ConfigMap or DaemonSet in kube-system: nothing to "
                              "judge"));
      return;
    }
    if (!bad) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              "kube-proxy: no alpha feature gates at Kubernetes " +
                                  v.minor.minor_string() + v.note + "."));
    }
  }
};

class AlphaApisCheck : public Check {
 public:
  std::string_view id() const override { return "alpha-apis-served"; }
  std::string_view rule() const override { return kRule; }
  std::string_view title() const override {
    return "the API server serves no alpha API versions of Kubernetes";
  }
  std::string_view explanation() const override {
    return "Reads API discovery (kubectl api-versions) and flags alpha versions of built-in "
           "Kubernetes API groups (e.g. resource.k8s.io/v1alpha3), which are served only when "
           "turned on with --runtime-config. Custom resources' alpha versions (cluster.x-k8s.io) "
           "are not Kubernetes alpha APIs and are ignored.";
  }
  std::vector<ResourceKey> needs() const override { return {}; }
  bool needs_discovery() const override { return true; }

  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (!state.served_group_versions) {
      std::string why = state.discovery_error ? ": " + state.discovery_error->message
                                              : ": discovery was not collected";
      out.push_back(result_of(*this, CheckStatus::kUnknown,
                              "could not read the served API versions" + why,
                              "read the cluster live, or a snapshot that includes discovery"));
      return;
    }
    std::vector<std::string> alpha;
    std::vector<Evidence> evidence;
    for (const std::string& gv : *state.served_group_versions) {
      size_t slash = gv.find('/');
      std::string_view group =
          slash == std::string::npos ? "" : std::string_view(gv).substr(0, slash);
      std::string_view version = slash == std::string::npos
                                     ? std::string_view(gv)
                                     : std::string_view(gv).substr(slash + 1);
      if (!ctx.data.alpha_apis.is_builtin_alpha(group, version)) continue;
      alpha.push_back(gv);
      Evidence e;
      e.kind = "APIGroupVersion";
      e.name = gv;
      e.field = "discovery";
      e.value = "served";
      evidence.push_back(std::move(e));
    }
    if (alpha.empty()) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              std::to_string(state.served_group_versions->size()) +
                                  " API versions served, none an alpha API of Kubernetes."));
      return;
    }
    CheckResult r =
        result_of(*this, CheckStatus::kFail,
                  "the API server serves alpha APIs of Kubernetes: " + checks::join_limited(alpha) +
                      ". " + std::string(kWhy),
                  "Remove them from kube-apiserver's --runtime-config on every "
                  "control-plane node, after deleting objects stored in them.");
    r.evidence = std::move(evidence);
    out.push_back(std::move(r));
  }
};

}  // namespace

std::vector<std::unique_ptr<Check>> make_preview_checks() {
  std::vector<std::unique_ptr<Check>> all;
  all.push_back(std::make_unique<ControlPlaneGatesCheck>());
  all.push_back(std::make_unique<KubeletGatesCheck>());
  all.push_back(std::make_unique<KubeProxyGatesCheck>());
  all.push_back(std::make_unique<AlphaApisCheck>());
  return all;
}

}  // namespace aksarc
