// NODE-2: "changing any of the system-created metadata renders the cluster unsupported".
// On a Node UPDATE, every label or annotation key under a protected domain that is added,
// changed or removed is a finding; keys under any other prefix are the user's.
#include "core/rules/node_metadata.h"

#include <algorithm>
#include <array>
#include <iterator>
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

// A key or value as messages show it: at most 100 bytes, cut on a character boundary. The API
// server bounds real keys (317 bytes) but not values, and a hand-made request can hold a
// 6 MiB value: echoing it whole would make a 6 MiB denial message, audit annotation and warning.
std::string shown(std::string_view text) {
  constexpr size_t kMax = 100;
  if (text.size() <= kMax) return std::string(text);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...(" + std::to_string(text.size()) + " bytes)";
}

std::string quoted_value(const std::optional<JsonView>& v) {
  if (!v) return "(absent)";
  if (v->is_string()) return "\"" + shown(*v->string_value()) + "\"";
  return shown(v->raw());
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

// The protected entries of a label or annotation map, sorted by key; a repeated key keeps its
// last value, as a parsed document would. Sorting (not a search per key) keeps a Node with
// 100,000 labels to milliseconds.
std::vector<Entry> protected_entries(const std::optional<JsonView>& map,
                                     const PolicyConfig& config) {
  std::vector<Entry> out;
  if (!map) return out;
  map->for_each_member([&](std::string_view key, const JsonView& value) {
    if (is_protected_key(key, config)) out.push_back({std::string(key), value});
  });
  // Stable: among repeats of a key, text order stays, and the last one is kept below.
  std::stable_sort(out.begin(), out.end(),
                   [](const Entry& x, const Entry& y) { return x.key < y.key; });
  std::vector<Entry> unique;
  unique.reserve(out.size());
  for (Entry& e : out) {
    if (!unique.empty() && unique.back().key == e.key) {
      unique.back().value = e.value;
    } else {
      unique.push_back(std::move(e));
    }
  }
  return unique;
}

struct Change {
  std::string key;
  std::optional<JsonView> before;
  std::optional<JsonView> after;
};

// Protected keys that differ between the two maps (either may be absent: no map at all), in the
// order a parsed document lists them (sorted by key): added or changed, then removed. One walk
// over both sorted lists.
std::vector<Change> protected_changes(const std::optional<JsonView>& before,
                                      const std::optional<JsonView>& after,
                                      const PolicyConfig& config) {
  const std::vector<Entry> b = protected_entries(before, config);
  const std::vector<Entry> a = protected_entries(after, config);
  std::vector<Change> changes, removed;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].key < b[j].key)) {
      changes.push_back({a[i].key, std::nullopt, a[i].value});
      ++i;
    } else if (i == a.size() || b[j].key < a[i].key) {
      removed.push_back({b[j].key, b[j].value, std::nullopt});
      ++j;
    } else {
      if (!b[j].value.same_value(a[i].value)) changes.push_back({a[i].key, b[j].value, a[i].value});
      ++i;
      ++j;
    }
  }
  changes.insert(changes.end(), std::make_move_iterator(removed.begin()),
                 std::make_move_iterator(removed.end()));
  return changes;
}

std::string describe(const Change& c) {
  const std::string key = shown(c.key);
  if (!c.before) return key + " added (" + quoted_value(c.after) + ")";
  if (!c.after) return key + " removed (was " + quoted_value(c.before) + ")";
  return key + " changed " + quoted_value(c.before) + " -> " + quoted_value(c.after);
}

// Findings one write can produce; a real edit changes a few keys. More are summed up in one, so
// an UPDATE that rewrites 100,000 labels gets a short denial, not a 20 MB one.
constexpr size_t kMaxFindings = 20;

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
    size_t added = 0, held_back = 0;
    for (size_t i = 0; i < 2; ++i) {
      for (const Change& c : protected_changes(before[i], after[i], ctx.config)) {
        if (added == kMaxFindings) {
          ++held_back;
          continue;
        }
        ++added;
        out.push_back(finding(r, kFields[i], c));
      }
    }
    if (held_back > 0) out.push_back(more_changes(r, held_back));
  }

 private:
  // Stands for the changes beyond the cap; still a violation, so the write stays denied.
  static Finding more_changes(const AdmissionRequest& r, size_t count) {
    Finding f;
    f.rule_id = "NODE-2";
    f.message = "NODE-2: " + std::to_string(count) +
                " more system-created labels or annotations changed on Node " + shown(r.name) +
                " (not listed).";
    f.summary =
        "NODE-2: " + std::to_string(count) + " more system keys changed on Node " + shown(r.name);
    return f;
  }

  static Finding finding(const AdmissionRequest& r, std::string_view field, const Change& c) {
    std::string what = field == "labels" ? "label" : "annotation";
    Finding f;
    f.rule_id = "NODE-2";
    f.message = "NODE-2: system-created " + what + " " + describe(c) + " on Node " + shown(r.name) +
                " (metadata." + std::string(field) +
                "). Changing system-created metadata makes the cluster unsupported; "
                "add your own keys under another prefix instead.";
    f.summary = "NODE-2: system " + what + " " + shown(c.key) + " " +
                (!c.before  ? "added"
                 : !c.after ? "removed"
                            : "changed") +
                " on Node " + shown(r.name);
    return f;
  }
};

}  // namespace

std::unique_ptr<Rule> make_node_metadata_rule() { return std::make_unique<NodeMetadataRule>(); }

}  // namespace aksarc
