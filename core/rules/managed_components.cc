// MGD-1: Microsoft manages every component in kube-system (and the other system namespaces);
// users must not create, change or delete them. A short allow-list keeps the everyday operator
// actions working: restarting a pod, draining a node, `kubectl rollout restart`, coredns-custom.
#include "core/rules/managed_components.h"

#include <algorithm>
#include <string>

namespace aksarc {
namespace {

constexpr std::string_view kRestartedAt = "kubectl.kubernetes.io/restartedAt";

bool field_matches(const std::string& pattern, std::string_view value) {
  return pattern.empty() || pattern == "*" || pattern == value;
}

bool entry_matches(const AllowEntry& e, const AdmissionRequest& r, std::string_view ns) {
  if (!field_matches(e.resource, r.resource.resource)) return false;
  if (e.subresource != "*" && e.subresource != r.sub_resource) return false;
  if (!field_matches(e.namespace_, ns) || !field_matches(e.name, r.name)) return false;
  if (e.operations.empty()) return true;
  std::string_view op = to_string(r.operation);
  return std::any_of(e.operations.begin(), e.operations.end(),
                     [&](const std::string& o) { return o == op; });
}

// The namespace the write lands in. A Namespace object is its own namespace: deleting
// kube-system itself is the most drastic change of all.
std::string_view target_namespace(const AdmissionRequest& r) {
  if (r.resource.resource == "namespaces" && r.sub_resource.empty()) return r.name;
  return r.namespace_;
}

// JSON-pointer paths a `kubectl rollout restart` may touch besides the restartedAt annotation:
// what the API server itself changes on every update.
bool is_bookkeeping_path(std::string_view p) {
  return p.starts_with("/metadata/managedFields") || p == "/metadata/resourceVersion" ||
         p == "/metadata/generation" || p.starts_with("/status");
}

// True for a diff operation that sets only the restartedAt annotation: replacing or adding the
// key itself, or adding the annotations map (or the template metadata) holding just that key.
bool is_restart_annotation_op(std::string_view p, const json& op) {
  if (p == "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt") return true;
  const json* value = member(op, "value");
  if (value == nullptr) return false;
  if (p == "/spec/template/metadata") {
    if (!value->is_object() || value->size() != 1) return false;
    value = object_member(*value, "annotations");
  } else if (p != "/spec/template/metadata/annotations") {
    return false;
  }
  return value != nullptr && value->is_object() && value->size() == 1 &&
         member(*value, kRestartedAt) != nullptr;
}

// True when the only change from oldObject to object is the pod template's restartedAt
// annotation (what `kubectl rollout restart` writes), plus bookkeeping.
bool is_rollout_restart(const AdmissionRequest& r) {
  if (r.operation != Operation::kUpdate || !r.sub_resource.empty()) return false;
  if (!r.object || !r.old_object) return false;
  // Read in place first: only a write that sets the annotation is worth parsing both objects.
  const std::optional<JsonView>& spec = r.object.spec();
  if (!spec) return false;
  std::optional<JsonView> annotations = spec->find_path({"template", "metadata", "annotations"});
  if (!annotations || !annotations->is_object() || !annotations->find(kRestartedAt)) return false;
  bool restarted = false;
  for (const json& op : json::diff(r.old_object.document(), r.object.document())) {
    std::string_view p = string_member(op, "path");
    if (is_bookkeeping_path(p)) continue;
    if (is_restart_annotation_op(p, op)) {
      restarted = true;
      continue;
    }
    return false;
  }
  return restarted;
}

std::string object_ref(const AdmissionRequest& r, std::string_view ns) {
  std::string kind(r.kind.kind.empty() ? r.resource.resource : r.kind.kind);
  std::string ref = kind + " " + std::string(ns) + "/" + std::string(r.name);
  if (!r.sub_resource.empty()) ref += " (" + std::string(r.sub_resource) + ")";
  return ref;
}

class ManagedComponentsRule final : public Rule {
 public:
  std::string_view id() const override { return "MGD-1"; }

  void evaluate(const AdmissionRequest& r, const RuleContext& ctx,
                std::vector<Finding>& out) const override {
    if (r.operation == Operation::kConnect) return;  // exec/attach/port-forward change nothing
    std::string_view ns = target_namespace(r);
    if (!ctx.config.is_system_namespace(ns)) return;
    for (const AllowEntry& e : ctx.config.managed_allow) {
      if (entry_matches(e, r, ns)) return;
    }
    if (ctx.config.allow_rollout_restart && is_rollout_restart(r)) return;
    Finding f;
    f.rule_id = "MGD-1";
    std::string op(to_string(r.operation));
    std::string ref = object_ref(r, ns);
    f.message = "MGD-1: " + op + " of " + ref + " by " + std::string(r.user.username) +
                ": components in " + std::string(ns) +
                " are managed by Microsoft and changing them makes the cluster unsupported. "
                "Change them only through AKS Arc (az aksarc), or ask your platform team to "
                "add an exemption if this change is documented by AKS Arc.";
    f.summary = "MGD-1: " + op + " of " + ref + " (managed by AKS Arc)";
    out.push_back(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Rule> make_managed_components_rule() {
  return std::make_unique<ManagedComponentsRule>();
}

}  // namespace aksarc
