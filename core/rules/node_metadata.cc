// NODE-2: "changing any of the system-created metadata renders the cluster unsupported".
// On a Node UPDATE, every label or annotation key under a protected domain that is added,
// changed or removed is a finding; keys under any other prefix are the user's.
#include "core/rules/node_metadata.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

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

std::string quoted_value(const std::optional<JsonView>& v) {
  if (!v) return "(absent)";
  if (v->is_string()) return "\"" + *v->string_value() + "\"";
  return v->to_json().dump();
}

// metadata.labels and metadata.annotations of the object, each when it is a map.
std::array<std::optional<JsonView>, 2> metadata_maps(const RequestObject& object) {
  const std::optional<JsonView>& metadata = object.metadata();
  if (!metadata) return {};
  auto maps = metadata->find_all<2>({"labels", "annotations"});
  for (auto& m : maps) {
    if (m && !m->is_object()) m.reset();
  }
  return maps;
}

struct Entry {
  std::string key;
  JsonView value;
};

// The protected entries of a label or annotation map; a repeated key keeps its last value, as a
// parsed document would.
std::vector<Entry> protected_entries(const std::optional<JsonView>& map,
                                     const PolicyConfig& config) {
  std::vector<Entry> out;
  if (!map) return out;
  map->for_each_member([&](std::string_view key, const JsonView& value) {
    if (!is_protected_key(key, config)) return;
    for (Entry& e : out) {
      if (e.key == key) {
        e.value = value;
        return;
      }
    }
    out.push_back({std::string(key), value});
  });
  return out;
}

const Entry* find_entry(const std::vector<Entry>& entries, std::string_view key) {
  for (const Entry& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

struct Change {
  std::string key;
  std::optional<JsonView> before;
  std::optional<JsonView> after;
};

// Protected keys that differ between the two maps (either may be absent: no map at all), in the
// order a parsed document lists them (sorted by key): added or changed, then removed.
std::vector<Change> protected_changes(const std::optional<JsonView>& before,
                                      const std::optional<JsonView>& after,
                                      const PolicyConfig& config) {
  std::vector<Entry> b = protected_entries(before, config);
  std::vector<Entry> a = protected_entries(after, config);
  auto by_key = [](const Entry& x, const Entry& y) { return x.key < y.key; };
  std::sort(a.begin(), a.end(), by_key);
  std::sort(b.begin(), b.end(), by_key);
  std::vector<Change> changes;
  for (const Entry& e : a) {
    const Entry* old = find_entry(b, e.key);
    if (old == nullptr || !old->value.same_value(e.value)) {
      changes.push_back(
          {e.key, old == nullptr ? std::nullopt : std::optional<JsonView>(old->value), e.value});
    }
  }
  for (const Entry& e : b) {
    if (find_entry(a, e.key) == nullptr) changes.push_back({e.key, e.value, std::nullopt});
  }
  return changes;
}

std::string describe(const Change& c) {
  if (!c.before) return c.key + " added (" + quoted_value(c.after) + ")";
  if (!c.after) return c.key + " removed (was " + quoted_value(c.before) + ")";
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
    if (!is_node || !r.object) return;
    // Without the old object nothing can be compared; the API server always sends it for
    // UPDATE, so its absence means a hand-made request, judged as if nothing changed.
    if (!r.old_object) return;
    const auto before = metadata_maps(r.old_object);
    const auto after = metadata_maps(r.object);
    constexpr std::string_view kFields[] = {"labels", "annotations"};
    for (size_t i = 0; i < 2; ++i) {
      for (const Change& c : protected_changes(before[i], after[i], ctx.config)) {
        out.push_back(finding(r, kFields[i], c));
      }
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
                (!c.before  ? "added"
                 : !c.after ? "removed"
                            : "changed") +
                " on Node " + std::string(r.name);
    return f;
  }
};

}  // namespace

std::unique_ptr<Rule> make_node_metadata_rule() { return std::make_unique<NodeMetadataRule>(); }

}  // namespace aksarc
