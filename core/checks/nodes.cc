// NODE-2, NODE-4 and NODE-5 on a whole cluster: system-created node metadata still agrees with
// the node, privileged DaemonSets that tune nodes, and node OS images.

#include <map>
#include <set>

#include "core/checks/object_fields.h"
#include "core/checks/registry.h"

namespace aksarc {
namespace {

using checks::label_of;
using checks::name_of;
using checks::namespace_of;

constexpr std::string_view kNodePoolLabel = "msft.microsoft/nodepool-name";
constexpr std::string_view kControlPlaneRole = "node-role.kubernetes.io/control-plane";
constexpr std::string_view kMasterRole = "node-role.kubernetes.io/master";

bool has_label(const json& object, std::string_view key) {
  const json* labels = path(object, {"metadata", "labels"});
  return labels != nullptr && member(*labels, key) != nullptr;
}

std::string_view node_info(const json& node, std::string_view key) {
  const json* info = path(node, {"status", "nodeInfo"});
  return info == nullptr ? std::string_view{} : string_member(*info, key);
}

Evidence label_evidence(const json& node, std::string_view key) {
  const json* labels = path(node, {"metadata", "labels"});
  bool present = labels != nullptr && member(*labels, key) != nullptr;
  return evidence_of(node, "Node", "metadata.labels[" + std::string(key) + "]",
                     present ? std::string(label_of(node, key)) : "(absent)");
}

bool is_control_plane(const json& node) {
  return has_label(node, kControlPlaneRole) || has_label(node, kMasterRole);
}

class NodeSystemLabels final : public Check {
 public:
  std::string_view id() const override { return "node-system-labels"; }
  std::string_view rule() const override { return "NODE-2"; }
  std::string_view title() const override {
    return "node hostname, os and arch labels agree with the node";
  }
  std::string_view explanation() const override {
    return "The kubelet sets kubernetes.io/hostname (the node name on AKS Arc), kubernetes.io/os "
           "and kubernetes.io/arch (and their beta.kubernetes.io twins) from the node itself. A "
           "value that disagrees with the node name or status.nodeInfo means someone changed "
           "system-created metadata, which makes the cluster unsupported (NODE-2) and misleads "
           "the scheduler. Restore the label (or let the kubelet re-register) and use your own "
           "label keys for your own purposes.";
  }
  std::vector<ResourceKey> needs() const override { return {resources::nodes()}; }
  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    const json* nodes = require_list(state, resources::nodes(), *this, out);
    if (nodes == nullptr) return;
    std::vector<Evidence> broken, hostname;
    for (const json& node : *nodes) check_node(node, broken, hostname);
    const bool clean = broken.empty() && hostname.empty();
    if (!broken.empty()) {
      CheckResult r = result_of(*this, CheckStatus::kFail,
                                "system-created os/arch node labels were changed or "
                                "removed: they no longer agree with status.nodeInfo",
                                "restore the labels to the node's values (`kubectl label node "
                                "NAME KEY=VALUE --overwrite`); put your own data under your "
                                "own label keys");
      r.evidence = std::move(broken);
      out.push_back(std::move(r));
    }
    if (!hostname.empty()) {
      // Other distributions may name nodes after cloud instances; AKS Arc never does.
      bool arc = ctx.platform != Platform::kNotAksArc;
      CheckResult r = result_of(*this, arc ? CheckStatus::kFail : CheckStatus::kInfo,
                                "kubernetes.io/hostname differs from the node name" +
                                    std::string(arc ? " (on AKS Arc they are the same)" : ""),
                                "restore kubernetes.io/hostname to the node name");
      r.evidence = std::move(hostname);
      out.push_back(std::move(r));
    }
    if (clean) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              "hostname, os and arch labels of " + std::to_string(nodes->size()) +
                                  " node(s) agree with the nodes"));
    }
  }

 private:
  static void check_node(const json& node, std::vector<Evidence>& broken,
                         std::vector<Evidence>& hostname) {
    if (label_of(node, "kubernetes.io/hostname") != name_of(node)) {
      hostname.push_back(label_evidence(node, "kubernetes.io/hostname"));
    }
    const std::pair<std::string_view, std::string_view> pairs[] = {{"os", "operatingSystem"},
                                                                   {"arch", "architecture"}};
    for (const auto& [what, info_key] : pairs) {
      std::string_view want = node_info(node, info_key);
      if (want.empty()) continue;  // nothing to compare with
      std::string key = "kubernetes.io/" + std::string(what);
      if (label_of(node, key) != want) {
        Evidence e = label_evidence(node, key);
        e.value += " (status.nodeInfo." + std::string(info_key) + ": " + std::string(want) + ")";
        broken.push_back(std::move(e));
      }
      std::string beta = "beta." + key;
      if (has_label(node, beta) && label_of(node, beta) != want) {
        Evidence e = label_evidence(node, beta);
        e.value += " (status.nodeInfo." + std::string(info_key) + ": " + std::string(want) + ")";
        broken.push_back(std::move(e));
      }
    }
  }
};

// The key of the node's control-plane NoSchedule taint, or "".
std::string control_plane_taint(const json& node) {
  const json* spec = object_member(node, "spec");
  const json* taints = spec == nullptr ? nullptr : array_member(*spec, "taints");
  if (taints == nullptr) return "";
  for (const json& t : *taints) {
    std::string_view key = string_member(t, "key");
    if ((key == kControlPlaneRole || key == kMasterRole) &&
        string_member(t, "effect") == "NoSchedule") {
      return std::string(key);
    }
  }
  return "";
}

class NodeRoleTaints final : public Check {
 public:
  std::string_view id() const override { return "node-role-taints"; }
  std::string_view rule() const override { return "NODE-2"; }
  std::string_view title() const override {
    return "control-plane role labels agree with control-plane taints";
  }
  std::string_view explanation() const override {
    return "Control-plane nodes carry the node-role.kubernetes.io/control-plane label (master "
           "before 1.24) and a NoSchedule taint of the same key, both set when AKS Arc created "
           "them. A tainted node without the role label lost system-created metadata (NODE-2, "
           "fail). A labelled node without the taint lets ordinary workloads onto the control "
           "plane (warn).";
  }
  std::vector<ResourceKey> needs() const override { return {resources::nodes()}; }
  void run(const ClusterState& state, const CheckContext&,
           std::vector<CheckResult>& out) const override {
    const json* nodes = require_list(state, resources::nodes(), *this, out);
    if (nodes == nullptr) return;
    std::vector<Evidence> unlabelled, untainted;
    for (const json& node : *nodes) {
      std::string taint = control_plane_taint(node);
      if (!taint.empty() && !is_control_plane(node)) {
        unlabelled.push_back(label_evidence(node, kControlPlaneRole));
      } else if (taint.empty() && is_control_plane(node)) {
        untainted.push_back(evidence_of(node, "Node", "spec.taints",
                                        "(no control-plane "
                                        "NoSchedule taint)"));
      }
    }
    const bool clean = unlabelled.empty() && untainted.empty();
    if (!unlabelled.empty()) {
      CheckResult r = result_of(*this, CheckStatus::kFail,
                                "control-plane tainted node(s) without the "
                                "node-role.kubernetes.io/control-plane label: system-created "
                                "metadata was removed",
                                "restore the label: `kubectl label node NAME "
                                "node-role.kubernetes.io/control-plane=`");
      r.evidence = std::move(unlabelled);
      out.push_back(std::move(r));
    }
    if (!untainted.empty()) {
      CheckResult r = result_of(*this, CheckStatus::kWarn,
                                "control-plane node(s) without the control-plane "
                                "NoSchedule taint: workloads can land on the control plane",
                                "restore the taint: `kubectl taint node NAME "
                                "node-role.kubernetes.io/control-plane:NoSchedule`");
      r.evidence = std::move(untainted);
      out.push_back(std::move(r));
    }
    if (clean) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              "control-plane role labels and taints agree on " +
                                  std::to_string(nodes->size()) + " node(s)"));
    }
  }
};

class NodePoolLabel final : public Check {
 public:
  std::string_view id() const override { return "nodepool-label"; }
  std::string_view rule() const override { return "NODE-2"; }
  std::string_view title() const override {
    return "AKS Arc worker nodes carry msft.microsoft/nodepool-name";
  }
  std::string_view explanation() const override {
    return "AKS Arc labels every node-pool node with msft.microsoft/nodepool-name "
           "(<cluster>-<random>-<pool>). A worker node without it lost system-created metadata "
           "(NODE-2) and tooling that selects nodes by pool no longer finds it. Control-plane "
           "nodes are not judged: whether AKS Arc labels them is not documented. Skipped on "
           "clusters that are not AKS Arc.";
  }
  std::vector<ResourceKey> needs() const override { return {resources::nodes()}; }
  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (ctx.platform == Platform::kNotAksArc) {
      out.push_back(result_of(*this, CheckStatus::kSkipped,
                              "not an AKS Arc cluster: no node-pool label expected"));
      return;
    }
    const json* nodes = require_list(state, resources::nodes(), *this, out);
    if (nodes == nullptr) return;
    std::vector<Evidence> missing;
    size_t workers = 0;
    for (const json& node : *nodes) {
      if (is_control_plane(node)) continue;
      ++workers;
      if (label_of(node, kNodePoolLabel).empty())
        missing.push_back(label_evidence(node, kNodePoolLabel));
    }
    if (missing.empty()) {
      out.push_back(result_of(
          *this, CheckStatus::kPass,
          "all " + std::to_string(workers) + " worker node(s) carry msft.microsoft/nodepool-name"));
      return;
    }
    // Documented for Azure Local; on Windows Server hosts the label is not confirmed.
    const bool sure = ctx.platform == Platform::kAzureLocal;
    CheckResult r = result_of(*this, sure ? CheckStatus::kFail : CheckStatus::kWarn,
                              std::to_string(missing.size()) +
                                  " worker node(s) without msft.microsoft/nodepool-name" +
                                  (sure ? ": system-created metadata was removed"
                                        : " (the label is documented for Azure Local)"),
                              "restore the label to the node pool's value (see another node "
                              "of the same pool), or scale the pool to replace the node");
    r.evidence = std::move(missing);
    out.push_back(std::move(r));
  }
};

// Namespaces whose DaemonSets belong to the platform, not to the user.
bool system_namespace(std::string_view ns) {
  static const std::set<std::string_view> kSystem = {"kube-system",     "kube-public",
                                                     "kube-node-lease", "azure-arc",
                                                     "calico-system",   "tigera-operator"};
  return kSystem.count(ns) != 0;
}

bool truthy(const json* value) {
  return value != nullptr && ((value->is_boolean() && value->get<bool>()) ||
                              (value->is_string() && as_string(*value) == "true"));
}

// Why a DaemonSet's pods can change the node they run on (privileged, hostPID, host root).
std::vector<Evidence> node_powers(const json& ds) {
  std::vector<Evidence> why;
  const json* spec = checks::pod_spec_of(ds);
  if (spec == nullptr) return why;
  if (truthy(member(*spec, "hostPID"))) {
    why.push_back(evidence_of(ds, "DaemonSet", "spec.template.spec.hostPID", "true"));
  }
  if (const json* volumes = array_member(*spec, "volumes")) {
    for (const json& v : *volumes) {
      const json* host = object_member(v, "hostPath");
      if (host != nullptr && string_member(*host, "path") == "/") {
        why.push_back(evidence_of(ds, "DaemonSet",
                                  "spec.template.spec.volumes[" +
                                      std::string(string_member(v, "name")) + "].hostPath.path",
                                  "/"));
      }
    }
  }
  checks::for_each_container(ds, [&](const json& c, const std::string& field) {
    const json* sc = object_member(c, "securityContext");
    if (sc != nullptr && truthy(member(*sc, "privileged"))) {
      why.push_back(evidence_of(ds, "DaemonSet", field + ".securityContext.privileged", "true"));
    }
  });
  return why;
}

class PrivilegedDaemonSets final : public Check {
 public:
  std::string_view id() const override { return "privileged-daemonsets"; }
  std::string_view rule() const override { return "NODE-4"; }
  std::string_view title() const override { return "privileged DaemonSets that can modify nodes"; }
  std::string_view explanation() const override {
    return "Lists DaemonSets outside the system namespaces whose pods are privileged, share the "
           "host's PID namespace or mount the host's root file system. NODE-4 makes such "
           "DaemonSets the recommended way to tune nodes, but support cannot troubleshoot nodes "
           "they made unusable: this is information, so you know what to remove first when a "
           "node misbehaves.";
  }
  std::vector<ResourceKey> needs() const override { return {resources::daemonsets("")}; }
  void run(const ClusterState& state, const CheckContext&,
           std::vector<CheckResult>& out) const override {
    const json* items = require_list(state, resources::daemonsets(""), *this, out);
    if (items == nullptr) return;
    size_t found = 0;
    for (const json& ds : *items) {
      if (system_namespace(namespace_of(ds))) continue;
      std::vector<Evidence> why = node_powers(ds);
      if (why.empty()) continue;
      ++found;
      CheckResult r = result_of(*this, CheckStatus::kInfo,
                                checks::object_label("DaemonSet", ds) +
                                    " can modify the nodes it runs on; support cannot "
                                    "troubleshoot nodes it makes unusable",
                                "keep node changes minimal and documented; remove it first "
                                "when a node misbehaves");
      r.evidence = std::move(why);
      out.push_back(std::move(r));
    }
    if (found == 0) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              "no privileged DaemonSets outside the system namespaces"));
    }
  }
};

class NodeOsImage final : public Check {
 public:
  std::string_view id() const override { return "node-os-image"; }
  std::string_view rule() const override { return "NODE-5"; }
  std::string_view title() const override { return "node OS images are patched"; }
  std::string_view explanation() const override {
    return "Microsoft ships monthly node images but does not apply them: patching is the "
           "customer's job (NODE-5). The policy data has no calendar of AKS Arc node images yet, "
           "so this check cannot say whether an image is too old; it warns when nodes of the "
           "same node pool run different OS images or kernels (a node missed an upgrade) and "
           "otherwise lists the images in use.";
  }
  std::vector<ResourceKey> needs() const override { return {resources::nodes()}; }
  void run(const ClusterState& state, const CheckContext&,
           std::vector<CheckResult>& out) const override {
    const json* nodes = require_list(state, resources::nodes(), *this, out);
    if (nodes == nullptr) return;
    std::map<std::string, std::set<std::string>> images_by_pool;
    std::vector<Evidence> evidence;
    for (const json& node : *nodes) {
      std::string image = std::string(node_info(node, "osImage")) + ", kernel " +
                          std::string(node_info(node, "kernelVersion"));
      std::string pool(label_of(node, kNodePoolLabel));
      if (!pool.empty()) images_by_pool[pool].insert(image);
      evidence.push_back(evidence_of(node, "Node", "status.nodeInfo.osImage", image));
    }
    std::vector<std::string> mixed;
    for (const auto& [pool, images] : images_by_pool) {
      if (images.size() > 1) mixed.push_back(pool);
    }
    CheckResult r =
        mixed.empty()
            ? result_of(*this, CheckStatus::kSkipped,
                        "the policy data has no AKS Arc node-image calendar, so image age "
                        "cannot be judged; images in use are listed as evidence",
                        "apply the monthly AKS Arc updates (`az aksarc upgrade`, "
                        "Update-AksHci) to keep node images patched")
            : result_of(*this, CheckStatus::kWarn,
                        "node pool(s) " + checks::join_limited(mixed) +
                            " run different OS images or kernels: some nodes missed an upgrade",
                        "upgrade the node pool so every node runs the same, current image");
    r.evidence = std::move(evidence);
    out.push_back(std::move(r));
  }
};

}  // namespace

std::vector<std::unique_ptr<Check>> make_node_checks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<NodeSystemLabels>());
  checks.push_back(std::make_unique<NodeRoleTaints>());
  checks.push_back(std::make_unique<NodePoolLabel>());
  checks.push_back(std::make_unique<PrivilegedDaemonSets>());
  checks.push_back(std::make_unique<NodeOsImage>());
  return checks;
}

}  // namespace aksarc
