// MGD-1 on a whole cluster: kube-system holds what AKS Arc put there, as AKS Arc put it.

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

constexpr std::string_view kRule = "MGD-1";
constexpr std::string_view kNs = "kube-system";
constexpr size_t kMaxEvidence = 25;
// A human-looking manager whose last write is this close to the object's creation created it:
// installers run kubectl too, and a person's later edit moves the entry's time on.
constexpr int64_t kCreationWindowSeconds = 120;

// True (after appending `skipped`) when the cluster is known not to be AKS Arc.
bool skip_if_not_aksarc(const Check& check, const CheckContext& ctx,
                        std::vector<CheckResult>& out) {
  if (ctx.platform != Platform::kNotAksArc) return false;
  out.push_back(result_of(check, CheckStatus::kSkipped,
                          "not an AKS Arc cluster: the AKS Arc kube-system inventory does not "
                          "apply"));
  return true;
}

bool required_on(const ExpectedComponent& c, Platform platform) {
  switch (platform) {
    case Platform::kAzureLocal:
      return c.required_azure_local;
    case Platform::kWindowsServer:
      return c.required_windows_server;
    case Platform::kUnknown:
    case Platform::kNotAksArc:
      break;
  }
  // Platform unknown: only what both platforms run is certain.
  return c.required_azure_local && c.required_windows_server;
}

bool matches(const ExpectedComponent& c, const json& object) {
  std::string_view name = name_of(object);
  if (!c.match_name.empty() && name == c.match_name) return true;
  if (!c.match_name_prefix.empty() &&
      name.substr(0, c.match_name_prefix.size()) == c.match_name_prefix) {
    return true;
  }
  return !c.match_label_key.empty() && label_of(object, c.match_label_key) == c.match_label_value;
}

// Evidence of a component that is not ready, or nullopt when it is ready.
std::optional<Evidence> not_ready(const ExpectedComponent& c, const json& object) {
  const json* status = object_member(object, "status");
  const json empty = json::object();
  if (status == nullptr) status = &empty;
  switch (c.kind) {
    case ComponentKind::kDeployment: {
      const json* spec = object_member(object, "spec");
      int64_t want = spec == nullptr ? 1 : int_member(*spec, "replicas").value_or(1);
      int64_t ready = int_member(*status, "readyReplicas").value_or(0);
      if (ready >= want) return std::nullopt;
      return evidence_of(object, "Deployment", "status.readyReplicas",
                         std::to_string(ready) + "/" + std::to_string(want) + " ready");
    }
    case ComponentKind::kDaemonSet: {
      int64_t want = int_member(*status, "desiredNumberScheduled").value_or(0);
      int64_t ready = int_member(*status, "numberReady").value_or(0);
      if (ready >= want) return std::nullopt;
      return evidence_of(object, "DaemonSet", "status.numberReady",
                         std::to_string(ready) + "/" + std::to_string(want) + " ready");
    }
    case ComponentKind::kStaticPod: {
      std::string_view phase = string_member(*status, "phase");
      if (phase == "Running") return std::nullopt;
      return evidence_of(object, "Pod", "status.phase",
                         phase.empty() ? "(none)" : std::string(phase));
    }
  }
  return std::nullopt;
}

Evidence missing_evidence(const ExpectedComponent& c) {
  Evidence e;
  e.kind = c.kind == ComponentKind::kStaticPod ? "Pod" : std::string(to_string(c.kind));
  e.namespace_ = kNs;
  e.name = c.kind == ComponentKind::kStaticPod ? c.name + "-<node>" : c.name;
  e.field = "metadata.name";
  e.value = "not found";
  return e;
}

std::string_view platform_note(Platform p) {
  return p == Platform::kUnknown ? " (platform unknown: judged against what every AKS Arc "
                                   "platform runs)"
                                 : "";
}

class ComponentsCheck : public Check {
 public:
  std::string_view id() const override { return "kube-system-components"; }
  std::string_view rule() const override { return kRule; }
  std::string_view title() const override {
    return "AKS Arc managed components in kube-system are present and ready";
  }
  std::string_view explanation() const override {
    return "Microsoft manages the components in kube-system (CoreDNS, kube-proxy, the AKS Arc CSI "
           "driver and cloud controller manager, the control plane static pods). A missing one "
           "means someone deleted it: the cluster is outside support until it is restored. Reads "
           "Deployments, DaemonSets and Pods in kube-system; ready means readyReplicas equals "
           "replicas, numberReady equals desiredNumberScheduled, static pods Running.";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::deployments(std::string(kNs)), resources::daemonsets(std::string(kNs)),
            resources::pods(std::string(kNs))};
  }

  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (skip_if_not_aksarc(*this, ctx, out)) return;
    const json* deployments = require_list(state, needs()[0], *this, out);
    const json* daemonsets = require_list(state, needs()[1], *this, out);
    const json* pods = require_list(state, needs()[2], *this, out);
    if (deployments == nullptr || daemonsets == nullptr || pods == nullptr) return;
    const AksArcComponents* data = components_or_unknown(*this, out);
    if (data == nullptr) return;

    std::vector<Evidence> missing, unready;
    std::vector<std::string> missing_names, unready_names;
    size_t present = 0;
    for (const ExpectedComponent& c : data->components) {
      const json& list = c.kind == ComponentKind::kDeployment  ? *deployments
                         : c.kind == ComponentKind::kDaemonSet ? *daemonsets
                                                               : *pods;
      bool found = false;
      for (const json& object : list) {
        if (!matches(c, object)) continue;
        found = true;
        if (auto e = not_ready(c, object)) {
          unready.push_back(std::move(*e));
          unready_names.push_back(std::string(name_of(object)));
        }
      }
      if (found) ++present;
      if (!found && required_on(c, ctx.platform)) {
        missing.push_back(missing_evidence(c));
        missing_names.push_back(c.name);
      }
    }
    std::string note(platform_note(ctx.platform));
    if (!missing.empty()) {
      CheckResult r = result_of(
          *this, CheckStatus::kFail,
          "AKS Arc managed components missing from kube-system: " +
              checks::join_limited(missing_names) + note + ".",
          "Do not delete AKS Arc components. Restore them by upgrading or repairing the cluster "
          "(az aksarc upgrade, or Update-AksHciCluster on Windows Server), or open a support "
          "request.");
      r.evidence = std::move(missing);
      out.push_back(std::move(r));
    }
    if (!unready.empty()) {
      CheckResult r = result_of(
          *this, CheckStatus::kWarn,
          "AKS Arc managed components not ready: " + checks::join_limited(unready_names) + ".",
          "Look at the pods' events and logs (kubectl -n kube-system describe pod ...); check "
          "node health and capacity. Do not edit the components themselves.");
      r.evidence = std::move(unready);
      out.push_back(std::move(r));
    }
    if (missing_names.empty() && unready_names.empty()) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              std::to_string(present) +
                                  " AKS Arc managed components found in kube-system, all ready" +
                                  note + "."));
    }
  }
};

// "mcr.microsoft.com/oss/kubernetes/coredns:v1.9" -> "mcr.microsoft.com"; "nginx" -> "docker.io".
std::string registry_of(std::string_view image) {
  size_t slash = image.find('/');
  if (slash == std::string_view::npos) return "docker.io";
  std::string_view first = image.substr(0, slash);
  bool host = first.find('.') != std::string_view::npos ||
              first.find(':') != std::string_view::npos || first == "localhost";
  return host ? std::string(first) : "docker.io";
}

class ImagesCheck : public Check {
 public:
  std::string_view id() const override { return "kube-system-images"; }
  std::string_view rule() const override { return kRule; }
  std::string_view title() const override {
    return "kube-system containers run images from the registries AKS Arc uses";
  }
  std::string_view explanation() const override {
    return "AKS Arc pulls its system images from Microsoft registries (mcr.microsoft.com, "
           "ecpacr.azurecr.io). A kube-system container running an image from elsewhere means a "
           "component was replaced by hand or a foreign workload runs in kube-system. Reads Pods "
           "in kube-system (containers and init containers).";
  }
  std::vector<ResourceKey> needs() const override { return {resources::pods(std::string(kNs))}; }

  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (skip_if_not_aksarc(*this, ctx, out)) return;
    const json* pods = require_list(state, needs()[0], *this, out);
    if (pods == nullptr) return;
    const AksArcComponents* data = components_or_unknown(*this, out);
    if (data == nullptr) return;
    std::vector<Evidence> evidence;
    std::set<std::string> registries;
    size_t containers = 0, foreign = 0;
    for (const json& pod : *pods) {
      checks::for_each_container(pod, [&](const json& c, const std::string& field) {
        ++containers;
        std::string image(string_member(c, "image"));
        if (image.empty() || matches_any(data->tolerated_images, image)) return;
        std::string registry = registry_of(image);
        for (const std::string& ok : data->expected_registries) {
          if (registry == ok) return;
        }
        ++foreign;
        registries.insert(registry);
        if (evidence.size() < kMaxEvidence) {
          evidence.push_back(evidence_of(pod, "Pod", field + ".image", image));
        }
      });
    }
    if (foreign == 0) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              std::to_string(containers) + " containers in kube-system, all from " +
                                  checks::join_limited(data->expected_registries) + "."));
      return;
    }
    CheckResult r = result_of(
        *this, CheckStatus::kWarn,
        std::to_string(foreign) +
            " containers in kube-system run images from registries AKS Arc does not use: " +
            checks::join_limited(registries) + ".",
        "If a Microsoft component's image was changed, restore it (upgrade or repair the cluster); "
        "move your own workloads out of kube-system.");
    r.evidence = std::move(evidence);
    out.push_back(std::move(r));
  }
};

class ForeignWorkloadsCheck : public Check {
 public:
  bool reads_only_metadata() const override { return true; }
  std::string_view id() const override { return "kube-system-foreign-workloads"; }
  std::string_view rule() const override { return kRule; }
  std::string_view title() const override {
    return "no workloads in kube-system besides those AKS Arc puts there";
  }
  std::string_view explanation() const override {
    return "kube-system belongs to Microsoft on AKS Arc. Deployments and DaemonSets there that AKS "
           "Arc (or a Microsoft extension such as Azure Monitor) did not create compete with the "
           "managed components and may be removed by upgrades. Reads Deployments and DaemonSets "
           "in kube-system and compares their names with the known AKS Arc workloads.";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::deployments(std::string(kNs)), resources::daemonsets(std::string(kNs))};
  }

  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (skip_if_not_aksarc(*this, ctx, out)) return;
    const json* deployments = require_list(state, needs()[0], *this, out);
    const json* daemonsets = require_list(state, needs()[1], *this, out);
    if (deployments == nullptr || daemonsets == nullptr) return;
    const AksArcComponents* data = components_or_unknown(*this, out);
    if (data == nullptr) return;
    std::vector<Evidence> evidence;
    std::vector<std::string> names;
    for (auto [list, kind] : {std::pair{deployments, "Deployment"}, {daemonsets, "DaemonSet"}}) {
      for (const json& object : *list) {
        std::string_view name = name_of(object);
        if (matches_any(data->owned_workloads, name)) continue;
        names.push_back(std::string(kind) + " " + std::string(name));
        std::string_view managed_by = label_of(object, "app.kubernetes.io/managed-by");
        evidence.push_back(evidence_of(object, kind, "metadata.name",
                                       managed_by.empty() ? "not an AKS Arc workload"
                                                          : "not an AKS Arc workload (managed by " +
                                                                std::string(managed_by) + ")"));
      }
    }
    if (names.empty()) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              "every Deployment and DaemonSet in kube-system is an AKS Arc "
                              "component."));
      return;
    }
    CheckResult r = result_of(
        *this, CheckStatus::kWarn,
        "workloads in kube-system that AKS Arc did not put there: " + checks::join_limited(names) +
            ".",
        "Move your own workloads to a namespace of your own. If one is a Microsoft "
        "component this plugin does not know, report it to the plugin's maintainers.");
    r.evidence = std::move(evidence);
    out.push_back(std::move(r));
  }
};

// True when `time` is within kCreationWindowSeconds of the object's creationTimestamp.
bool at_creation(const json& object, std::string_view time) {
  const json* meta = object_member(object, "metadata");
  if (meta == nullptr) return false;
  auto created = checks::epoch_seconds(string_member(*meta, "creationTimestamp"));
  auto written = checks::epoch_seconds(time);
  if (!created || !written) return false;
  int64_t gap = *written - *created;
  return gap >= -kCreationWindowSeconds && gap <= kCreationWindowSeconds;
}

class ManualEditsCheck : public Check {
 public:
  bool reads_only_metadata() const override { return true; }
  std::string_view id() const override { return "kube-system-manual-edits"; }
  std::string_view rule() const override { return kRule; }
  std::string_view title() const override {
    return "AKS Arc managed objects in kube-system were not changed by a person";
  }
  std::string_view explanation() const override {
    return "Changing Microsoft-managed components (kubectl edit, apply, patch, label ...) takes "
           "the cluster outside support. Every write records its field manager in "
           "metadata.managedFields; managers such as kubectl-edit or kubectl-client-side-apply "
           "mean a person changed the object. Reads Deployments, DaemonSets and ConfigMaps in "
           "kube-system (coredns-custom, the documented customisation point, is not judged). A "
           "human-looking manager whose last write is within two minutes of the object's creation "
           "created it (installers run kubectl too) and is not counted. "
           "Needs managedFields in the data: kubectl drops them unless --show-managed-fields.";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::deployments(std::string(kNs)), resources::daemonsets(std::string(kNs)),
            resources::configmaps(std::string(kNs))};
  }

  void run(const ClusterState& state, const CheckContext&,
           std::vector<CheckResult>& out) const override {
    const json* deployments = require_list(state, needs()[0], *this, out);
    const json* daemonsets = require_list(state, needs()[1], *this, out);
    const json* configmaps = require_list(state, needs()[2], *this, out);
    if (deployments == nullptr || daemonsets == nullptr || configmaps == nullptr) return;
    const AksArcComponents* data = components_or_unknown(*this, out);
    if (data == nullptr) return;
    size_t judged = 0, with_fields = 0, edited = 0;
    auto judge = [&](const json& list, std::string_view kind,
                     const std::vector<std::string>& patterns) {
      for (const json& object : list) {
        if (!matches_any(patterns, name_of(object))) continue;
        ++judged;
        const json* fields = path(object, {"metadata", "managedFields"});
        if (fields == nullptr || !fields->is_array() || fields->empty()) continue;
        ++with_fields;
        if (judge_one(object, kind, *fields, *data, out)) ++edited;
      }
    };
    judge(*deployments, "Deployment", data->owned_workloads);
    judge(*daemonsets, "DaemonSet", data->owned_workloads);
    judge(*configmaps, "ConfigMap", data->managed_configmaps);
    if (edited != 0) return;
    if (judged != 0 && with_fields == 0) {
      out.push_back(result_of(*this, CheckStatus::kUnknown,
                              "could not check: the " + std::to_string(judged) +
                                  " managed objects in kube-system carry no metadata.managedFields "
                                  "in this data",
                              "read the cluster live, or capture with `kubectl aksarc-support "
                              "snapshot` (kubectl get drops managedFields unless "
                              "--show-managed-fields)"));
      return;
    }
    out.push_back(result_of(*this, CheckStatus::kPass,
                            std::to_string(with_fields) +
                                " managed objects in kube-system checked: none changed by a "
                                "person."));
  }

 private:
  // Appends a fail for `object` when a human manager wrote it; returns whether it did.
  bool judge_one(const json& object, std::string_view kind, const json& fields,
                 const AksArcComponents& data, std::vector<CheckResult>& out) const {
    std::vector<Evidence> evidence;
    std::string first;
    for (const json& entry : fields) {
      std::string_view manager = string_member(entry, "manager");
      std::string_view operation = string_member(entry, "operation");
      if (operation != "Update" && operation != "Apply") continue;
      bool human = false;
      for (const std::string& m : data.human_managers) human |= manager == m;
      if (!human) continue;
      std::string when(string_member(entry, "time"));
      if (at_creation(object, when)) continue;
      if (first.empty()) {
        first = "with " + std::string(manager) + (when.empty() ? "" : " at " + when);
      }
      evidence.push_back(evidence_of(
          object, kind, "metadata.managedFields[manager=" + std::string(manager) + "]",
          "operation=" + std::string(operation) + (when.empty() ? "" : " time=" + when)));
    }
    if (evidence.empty()) return false;
    CheckResult r = result_of(
        *this, CheckStatus::kFail,
        checks::object_label(kind, object) + " was changed by a person " + first +
            (evidence.size() > 1 ? " (and " + std::to_string(evidence.size() - 1) + " more)" : "") +
            ".",
        "Revert the change (upgrade or repair the cluster restores Microsoft's version) and "
        "make changes only through az aksarc / AKS Arc settings or documented points such as "
        "coredns-custom. The managedFields entry stays after a revert until another manager owns "
        "those fields.");
    r.evidence = std::move(evidence);
    out.push_back(std::move(r));
    return true;
  }
};

}  // namespace

std::vector<std::unique_ptr<Check>> make_component_checks() {
  std::vector<std::unique_ptr<Check>> all;
  all.push_back(std::make_unique<ComponentsCheck>());
  all.push_back(std::make_unique<ImagesCheck>());
  all.push_back(std::make_unique<ForeignWorkloadsCheck>());
  all.push_back(std::make_unique<ManualEditsCheck>());
  return all;
}

}  // namespace aksarc
