// NODE-2: "changing any of the system-created metadata renders the cluster unsupported".
// On a Node UPDATE, every label or annotation key under a protected domain that is added,
// changed or removed is a finding; keys under any other prefix are the user's.
#include "core/rules/node_metadata.h"

#include <string>

namespace aksarc {
namespace {

// The DNS prefix of a label key ("node-role.kubernetes.io/worker" -> "node-role.kubernetes.io");
// empty for unprefixed keys, which always belong to the user.
std::string_view key_domain(std::string_view key) {
  size_t slash = key.find('/');
  return slash == std::string_view::npos ? std::string_view{} : key.substr(0, slash);
}

bool domain_within(std::string_view domain, std::string_view protected_domain) {
  if (domain == protected_domain) return true;
  return domain.size() > protected_domain.size() && domain.ends_with(protected_domain) &&
         domain[domain.size() - protected_domain.size() - 1] == '.';
}

bool is_protected_key(std::string_view key, const PolicyConfig& config) {
  for (const std::string& prefix : config.user_key_prefixes) {
    if (key.starts_with(prefix)) return false;
  }
  std::string_view domain = key_domain(key);
  if (domain.empty()) return false;
  for (const std::string& p : config.protected_domains) {
    std::string_view pd = p;
    if (pd.ends_with('/')) pd.remove_suffix(1);  // tolerate "kubernetes.io/" in configuration
    if (domain_within(domain, pd)) return true;
  }
  return false;
}

std::string quoted_value(const json* v) {
  if (v == nullptr) return "(absent)";
  if (v->is_string()) return "\"" + std::string(as_string(*v)) + "\"";
  return v->dump();
}

const json* metadata_map(const json* object, std::string_view field) {
  if (object == nullptr) return nullptr;
  const json* meta = object_member(*object, "metadata");
  return meta == nullptr ? nullptr : object_member(*meta, field);
}

struct Change {
  std::string key;
  const json* before = nullptr;
  const json* after = nullptr;
};

// Protected keys that differ between the two maps (either may be nullptr: no map at all).
std::vector<Change> protected_changes(const json* before, const json* after,
                                      const PolicyConfig& config) {
  std::vector<Change> changes;
  static const json kEmpty = json::object();
  const json& b = before != nullptr ? *before : kEmpty;
  const json& a = after != nullptr ? *after : kEmpty;
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (!is_protected_key(it.key(), config)) continue;
    const json* old_value = member(b, it.key());
    if (old_value == nullptr || *old_value != it.value()) {
      changes.push_back({it.key(), old_value, &it.value()});
    }
  }
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (is_protected_key(it.key(), config) && member(a, it.key()) == nullptr) {
      changes.push_back({it.key(), &it.value(), nullptr});
    }
  }
  return changes;
}

std::string describe(const Change& c) {
  if (c.before == nullptr) return c.key + " added (" + quoted_value(c.after) + ")";
  if (c.after == nullptr) return c.key + " removed (was " + quoted_value(c.before) + ")";
  return c.key + " changed " + quoted_value(c.before) + " -> " + quoted_value(c.after);
}

class NodeMetadataRule final : public Rule {
 public:
  std::string_view id() const override { return "NODE-2"; }

  void evaluate(const AdmissionRequest& r, const RuleContext& ctx,
                std::vector<Finding>& out) const override {
    if (r.operation != Operation::kUpdate) return;
    bool is_node = r.resource.resource == "nodes" ||
                   (r.resource.resource.empty() && r.kind.kind == "Node" && r.kind.group.empty());
    if (!is_node || r.object == nullptr) return;
    // Without the old object nothing can be compared; the API server always sends it for
    // UPDATE, so its absence means a hand-made request, judged as if nothing changed.
    if (r.old_object == nullptr) return;
    for (std::string_view field : {"labels", "annotations"}) {
      auto changes = protected_changes(metadata_map(r.old_object, field),
                                       metadata_map(r.object, field), ctx.config);
      for (const Change& c : changes) out.push_back(finding(r, field, c));
    }
  }

 private:
  static Finding finding(const AdmissionRequest& r, std::string_view field, const Change& c) {
    std::string what = field == "labels" ? "label" : "annotation";
    Finding f;
    f.rule_id = "NODE-2";
    f.message = "NODE-2: system-created " + what + " " + describe(c) + " on Node " +
                std::string(r.name) + " (metadata." + std::string(field) +
                "). Changing system-created metadata makes the cluster unsupported; "
                "add your own keys under another prefix instead.";
    f.summary = "NODE-2: system " + what + " " + c.key + " " +
                (c.before == nullptr  ? "added"
                 : c.after == nullptr ? "removed"
                                      : "changed") +
                " on Node " + std::string(r.name);
    return f;
  }
};

}  // namespace

std::unique_ptr<Rule> make_node_metadata_rule() { return std::make_unique<NodeMetadataRule>(); }

}  // namespace aksarc
