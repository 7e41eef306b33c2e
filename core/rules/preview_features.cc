#include "core/rules/preview_features.h"

#include <array>
#include <deque>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "core/feature_gate_sources.h"

namespace aksarc {
namespace {

constexpr std::string_view kRuleId = "PREV-1";
constexpr std::string_view kWhy =
    "AKS Arc supports only stable (GA) and beta features of upstream Kubernetes; alpha feature "
    "gates and alpha APIs are not supported.";
// Findings one write can produce; a real object has a few. More are summed up in one.
constexpr size_t kMaxFindings = 20;
constexpr std::string_view kAlreadyEnabled =
    " It was already enabled before this change, so the change is allowed, but the cluster stays "
    "outside AKS Arc support.";

std::string bool_text(bool b) { return b ? "true" : "false"; }

// "ConfigMap kube-system/kubelet-config", "Node node-1", "Pod default/web-*" (generateName).
std::string object_label(const AdmissionRequest& request) {
  std::string name(request.name);
  // Only CREATE and UPDATE are judged, so `object` is the subject of the write.
  if (name.empty() && request.object) {
    if (const std::optional<JsonView>& metadata = request.object.metadata()) {
      std::deque<std::string> store;
      name = std::string(string_field(*metadata, "name", store));
      std::string_view generate = string_field(*metadata, "generateName", store);
      if (name.empty() && !generate.empty()) name = std::string(generate) + "*";
    }
  }
  if (name.empty()) name = "(unnamed)";
  std::string kind = request.kind.kind.empty() ? "object" : std::string(request.kind.kind);
  if (request.namespace_.empty()) return kind + " " + name;
  return kind + " " + std::string(request.namespace_) + "/" + name;
}

// The last minor a removed gate was accepted in.
std::string last_minor_of(const FeatureGate& gate) {
  KubeVersion last = gate.stages.front().from;
  for (const GateStageRange& range : gate.stages) last = std::max(last, range.to.value_or(last));
  return last.minor_string();
}

// Judges one write. Holds what every message repeats: the object and the version judged at.
class Judge {
 public:
  Judge(const AdmissionRequest& request, const RuleContext& ctx, std::vector<Finding>& out)
      : request_(request), ctx_(ctx), out_(out), object_(object_label(request)) {
    version_ = ctx.cluster_version.minor_string();
    if (!ctx.cluster_version_known) {
      note_ = " (cluster version unknown; judged as of " + version_ + ")";
    } else if (compare_minor(ctx.cluster_version, ctx.data.feature_gates.newest_minor()) > 0) {
      note_ = " (the data knows Kubernetes up to " +
              ctx.data.feature_gates.newest_minor().minor_string() + ")";
    }
  }

  void alpha_api() {
    GroupVersionKind gvk =
        request_.request_kind.version.empty() ? request_.kind : request_.request_kind;
    GroupVersionResource gvr =
        request_.request_resource.version.empty() ? request_.resource : request_.request_resource;
    const AlphaApiTable& apis = ctx_.data.alpha_apis;
    std::string_view group = gvk.group, version = gvk.version;
    if (!apis.is_builtin_alpha(group, version)) {
      if (!apis.is_builtin_alpha(gvr.group, gvr.version)) return;
      group = gvr.group;
      version = gvr.version;
    }
    std::string gv =
        group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
    std::string kind = gvk.kind.empty() ? std::string(gvr.resource) : std::string(gvk.kind);
    // Denying updates of an object that already exists would block its cleanup (finalizers,
    // status from its controller) without bringing the cluster back into support.
    bool existed = request_.operation == Operation::kUpdate && request_.old_object.present();
    std::string message = std::string(kRuleId) + ": " + gv + " " + kind +
                          " is an alpha API of Kubernetes (" + object_ + ")" + note_ + ". " +
                          std::string(kWhy);
    message += existed ? " The object already exists; delete it, or move to a beta or GA version"
                         " of the API, to return to support."
                       : " Fix: use a beta or GA version of " + kind +
                             " if the cluster serves one, or do not use this API.";
    add(existed ? Severity::kNotice : Severity::kViolation, std::move(message),
        std::string(kRuleId) + ": alpha API " + gv + " " + kind + (existed ? " (existing)" : ""));
  }

  void gates(const FeatureSettings& now, const FeatureSettings& before) {
    std::set<std::string, std::less<>> old;
    for (const GateSetting& o : effective_gate_settings(before.gates)) {
      if (o.enabled) old.insert(o.gate);
    }
    for (const GateSetting& s : effective_gate_settings(now.gates)) gate(s, old.count(s.gate) != 0);
  }

  void runtime_config(const FeatureSettings& now, const FeatureSettings& before) {
    std::set<std::string, std::less<>> old;
    for (const RuntimeConfigSetting& o : before.runtime_config) {
      if (o.enabled) old.insert(o.key);
    }
    for (const RuntimeConfigSetting& s : now.runtime_config) {
      if (!s.enabled) continue;
      auto [group, version] = group_version_of(s.key);
      std::string what;
      if (s.key == "api/all") {
        what = "api/all=true turns on every API version of Kubernetes, alpha ones included";
      } else if (s.key == "api/alpha") {
        what = "api/alpha=true turns on every alpha API version of Kubernetes";
      } else if (ctx_.data.alpha_apis.is_builtin_alpha(group, version)) {
        what = s.key + " is an alpha API of Kubernetes";
      } else {
        continue;
      }
      violation(old.count(s.key) != 0, "runtime-config " + s.key + "=true", what, s.key + "=true",
                s.where);
    }
  }

  // One finding for those beyond the cap; a violation among them keeps the write denied.
  void finish() {
    if (held_back_ == 0) return;
    out_.push_back({std::string(kRuleId),
                    held_back_violation_ ? Severity::kViolation : Severity::kNotice,
                    std::string(kRuleId) + ": " + object_ + ": " + std::to_string(held_back_) +
                        " more PREV-1 findings not shown" +
                        (held_back_violation_ ? ", alpha settings among them." : "."),
                    std::string(kRuleId) + ": " + std::to_string(held_back_) +
                        " more findings in " + object_});
  }

  void problems(const FeatureSettings& now) {
    for (const std::string& problem : now.problems) {
      add(Severity::kNotice,
          std::string(kRuleId) + ": " + object_ + ": " + problem +
              "; the feature gates there could not be checked.",
          std::string(kRuleId) + ": could not read feature gates in " + object_);
    }
  }

 private:
  void gate(const GateSetting& s, bool before_too) {
    const std::string setting = s.gate + "=" + bool_text(s.enabled);
    if (s.gate == "AllAlpha" || s.gate == "AllBeta") {
      if (s.gate == "AllAlpha" && s.enabled) {
        violation(before_too, "AllAlpha=true",
                  "AllAlpha=true turns on every alpha feature gate of Kubernetes " + version_,
                  setting, s.where);
      }
      return;
    }
    const FeatureGate* known = ctx_.data.feature_gates.find(s.gate);
    switch (ctx_.data.feature_gates.stage_at(s.gate, ctx_.cluster_version)) {
      case GateStage::kAlpha:
        if (s.enabled) {
          violation(before_too, "alpha feature gate " + setting,
                    "feature gate " + s.gate + " is alpha in Kubernetes " + version_, setting,
                    s.where);
        }
        return;
      case GateStage::kDeprecated:
        if (s.enabled) {
          notice(s, "deprecated",
                 "feature gate " + s.gate + " is deprecated in Kubernetes " + version_ +
                     " and will be removed",
                 "Plan to remove " + setting + " from " + s.where + ".");
        }
        return;
      case GateStage::kRemoved:
        notice(s, "removed",
               "feature gate " + s.gate + " is removed in Kubernetes " + version_ +
                   " (last accepted in " + last_minor_of(*known) +
                   "); the component will refuse to start",
               "Remove " + setting + " from " + s.where + ".");
        return;
      case GateStage::kUnknown:
        unknown(s, known, setting);
        return;
      case GateStage::kBeta:
      case GateStage::kStable:
        return;
    }
  }

  void unknown(const GateSetting& s, const FeatureGate* known, const std::string& setting) {
    if (known != nullptr) {
      notice(s, "not yet existing",
             "feature gate " + s.gate + " does not exist yet in Kubernetes " + version_ +
                 " (it first appears in " + known->stages.front().from.minor_string() +
                 "); the component will refuse to start",
             "Remove " + setting + " from " + s.where + ".");
      return;
    }
    notice(s, "unknown",
           "unknown feature gate " + s.gate + " (not in the Kubernetes " + version_ +
               " table); its stage cannot be checked and the component may refuse to start",
           "Check the spelling, or remove " + setting + " from " + s.where + ".");
  }

  // A gate that is not alpha but worth telling about; `label` qualifies it in the summary.
  void notice(const GateSetting& s, std::string_view label, const std::string& what,
              const std::string& fix) {
    add(Severity::kNotice,
        std::string(kRuleId) + ": " + object_ + " sets " + s.gate + "=" + bool_text(s.enabled) +
            " in " + s.where + ": " + what + note_ + ". " + fix,
        std::string(kRuleId) + ": " + std::string(label) + " feature gate " + s.gate + " in " +
            object_);
  }

  // `title` names the setting in the summary, `what` says why it is alpha, `setting` is what to
  // remove from `where`.
  void violation(bool before_too, const std::string& title, const std::string& what,
                 const std::string& setting, const std::string& where) {
    std::string message = std::string(kRuleId) + ": " + object_ + " sets " + setting + " in " +
                          where + ": " + what + note_ + ". " + std::string(kWhy);
    std::string summary = std::string(kRuleId) + ": " + title + " in " + object_;
    if (before_too) {
      message += std::string(kAlreadyEnabled) + " Remove " + setting + " from " + where +
                 " to return to support.";
      add(Severity::kNotice, std::move(message), summary + " (already enabled)");
      return;
    }
    message += " Fix: remove " + setting + " from " + where + ".";
    add(Severity::kViolation, std::move(message), std::move(summary));
  }

  void add(Severity severity, std::string message, std::string summary) {
    if (added_ == kMaxFindings) {
      ++held_back_;
      held_back_violation_ |= severity == Severity::kViolation;
      return;
    }
    ++added_;
    out_.push_back({std::string(kRuleId), severity, std::move(message), std::move(summary)});
  }

  const AdmissionRequest& request_;
  const RuleContext& ctx_;
  std::vector<Finding>& out_;
  std::string object_;
  std::string version_;
  std::string note_;
  size_t added_ = 0;
  size_t held_back_ = 0;
  bool held_back_violation_ = false;
};

// The workload reduced to what extract_feature_settings reads of its pod spec: the container
// lists, each container with name, image, command, args and env only. Parsing a whole Pod into
// a document cost more than the rest of the decision; these few fields are cheap.
json reduced_workload(const RequestObject& object, std::string_view spec_path) {
  std::vector<std::string> keys;
  for (size_t start = 0;;) {
    size_t dot = spec_path.find('.', start);
    keys.emplace_back(spec_path.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  std::optional<JsonView> spec = object.view();
  for (const std::string& key : keys) {
    spec = spec && spec->is_object() ? spec->find(key) : std::nullopt;
  }
  if (!spec || !spec->is_object()) return json::object();
  json reduced = json::object();
  for (std::string_view list_name : kContainerLists) {
    std::optional<JsonView> list = spec->find(list_name);
    if (!list) continue;
    if (!list->is_array()) {
      reduced[std::string(list_name)] = list->to_json();
      continue;
    }
    json containers = json::array();
    list->for_each_element([&](const JsonView& c) {
      if (!c.is_object()) {
        containers.push_back(c.to_json());  // kept, so container indices stay the same
        return;
      }
      constexpr std::array<std::string_view, std::size(kContainerFieldsRead)> kFields = {
          kContainerFieldsRead[0], kContainerFieldsRead[1], kContainerFieldsRead[2],
          kContainerFieldsRead[3], kContainerFieldsRead[4]};
      const auto fields = c.find_all(kFields);
      json container = json::object();
      for (size_t i = 0; i < kFields.size(); ++i) {
        if (fields[i]) container[std::string(kFields[i])] = fields[i]->to_json();
      }
      containers.push_back(std::move(container));
    });
    reduced[std::string(list_name)] = std::move(containers);
  }
  for (auto key = keys.rbegin(); key != keys.rend(); ++key) {
    json outer = json::object();
    outer[*key] = std::move(reduced);
    reduced = std::move(outer);
  }
  return reduced;
}

FeatureSettings settings_of(const RequestObject& object, const AdmissionRequest& request) {
  if (!object) return {};
  std::deque<std::string> store;
  std::string_view name = request.name;
  if (name.empty()) {
    if (const auto& metadata = object.metadata()) name = string_field(*metadata, "name", store);
  }
  // Most objects cannot carry settings (a 500 KB ConfigMap of dashboards): not parsed at all.
  if (!may_carry_feature_settings(request.kind.kind, request.namespace_, name)) return {};
  if (std::optional<std::string_view> spec_path = pod_spec_path(request.kind.kind)) {
    return extract_feature_settings(reduced_workload(object, *spec_path), request.kind.kind,
                                    request.namespace_, name);
  }
  return extract_feature_settings(object.document(), request.kind.kind, request.namespace_, name);
}

class PreviewFeaturesRule : public Rule {
 public:
  std::string_view id() const override { return kRuleId; }

  void evaluate(const AdmissionRequest& request, const RuleContext& ctx,
                std::vector<Finding>& out) const override {
    if (request.operation != Operation::kCreate && request.operation != Operation::kUpdate) return;
    if (!request.object) return;
    // A status write cannot change what an object enables (the API server ignores its spec), and
    // controllers write status often: judging it would only repeat warnings to them.
    if (request.sub_resource == "status") return;
    Judge judge(request, ctx, out);
    judge.alpha_api();
    const FeatureSettings now = settings_of(request.object, request);
    const FeatureSettings before = request.operation == Operation::kUpdate
                                       ? settings_of(request.old_object, request)
                                       : FeatureSettings{};
    judge.gates(now, before);
    judge.runtime_config(now, before);
    judge.problems(now);
    judge.finish();
  }
};

}  // namespace

std::unique_ptr<Rule> make_preview_features_rule() {
  return std::make_unique<PreviewFeaturesRule>();
}

}  // namespace aksarc
