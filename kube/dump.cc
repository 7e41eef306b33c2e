#include "kube/dump.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace aksarc::kube {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kManifest = "snapshot.json";
constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

// ---- layout ---------------------------------------------------------------------------------

std::string file_name(const ResourceKey& key) {
  if (key.resource == "replicationcontrollers") return "replication-controllers.json";
  return key.resource + ".json";
}

bool is_nodes(const ResourceKey& key) { return key.group.empty() && key.resource == "nodes"; }

// The file of `key` in namespace `ns`, relative to the dump's root.
std::string relative_path(const ResourceKey& key, const std::string& ns) {
  if (is_nodes(key)) return "nodes.json";
  if (!key.namespaced) return "cluster/" + file_name(key);
  return ns + "/" + file_name(key);
}

// Namespace and node names become directory names: only DNS-subdomain characters.
bool safe_dir_name(std::string_view name) {
  if (name.empty() || name.size() > 253 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// What kubectl cluster-info dump collects; anything else needs our snapshot.
bool kubectl_dumps(const ResourceKey& key) {
  static const std::set<std::string> kDumped = {
      "nodes",      "pods",        "services",    "events",
      "daemonsets", "deployments", "replicasets", "replicationcontrollers"};
  return kDumped.count(key.resource) > 0;
}

Error missing(const ResourceKey& key, const std::string& file) {
  std::string why;
  if (!kubectl_dumps(key)) {
    why = "kubectl cluster-info dump does not collect " + key.resource +
          "; use kubectl aksarc-support snapshot";
  } else if (key.namespaced && !key.namespace_.empty()) {
    why = "namespace " + key.namespace_ + " was not dumped; use kubectl cluster-info dump " +
          "--namespaces " + key.namespace_ + ", or kubectl aksarc-support snapshot";
  } else {
    why = "use kubectl cluster-info dump --all-namespaces, or kubectl aksarc-support snapshot";
  }
  return {ErrorCode::kNotFound, file + " is not in the dump (" + why + ")"};
}

// ---- errors as JSON (the manifest remembers what could not be read) -------------------------

constexpr std::pair<ErrorCode, std::string_view> kCodeNames[] = {
    {ErrorCode::kInvalidArgument, "InvalidArgument"},
    {ErrorCode::kNotFound, "NotFound"},
    {ErrorCode::kParse, "Parse"},
    {ErrorCode::kIo, "Io"},
    {ErrorCode::kUnauthorized, "Unauthorized"},
    {ErrorCode::kForbidden, "Forbidden"},
    {ErrorCode::kUnavailable, "Unavailable"},
    {ErrorCode::kInternal, "Internal"}};

json error_to_json(const Error& e) {
  std::string_view code = "Internal";
  for (const auto& [c, name] : kCodeNames) {
    if (c == e.code) code = name;
  }
  return json{{"code", code}, {"message", e.message}};
}

std::optional<Error> error_from_json(const json* j) {
  if (j == nullptr || !j->is_object()) return std::nullopt;
  Error e{ErrorCode::kInternal, std::string(string_member(*j, "message"))};
  std::string_view code = string_member(*j, "code");
  for (const auto& [c, name] : kCodeNames) {
    if (name == code) e.code = c;
  }
  return e;
}

json key_to_json(const ResourceKey& key) {
  return json{{"group", key.group},
              {"version", key.version},
              {"resource", key.resource},
              {"namespace", key.namespace_},
              {"namespaced", key.namespaced}};
}

ResourceKey key_from_json(const json& j) {
  return {std::string(string_member(j, "group")), std::string(string_member(j, "version")),
          std::string(string_member(j, "resource")), std::string(string_member(j, "namespace")),
          bool_member(j, "namespaced").value_or(true)};
}

// ---- reading --------------------------------------------------------------------------------

Result<json> read_json_file(const fs::path& file, const std::string& shown) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return io_error("cannot read " + shown);
  std::stringstream buffer;
  buffer << in.rdbuf();
  json j = json::parse(buffer.str(), nullptr, false);
  if (j.is_discarded()) return parse_error(shown + " in the dump is not valid JSON");
  return j;
}

// Appends the items of the List in `file` to `out`.
Status append_items(const fs::path& file, const std::string& shown, json& out) {
  Result<json> list = read_json_file(file, shown);
  if (!list.ok()) return list.error();
  const json* items = member(list.value(), "items");
  if (items == nullptr || !(items->is_array() || items->is_null())) {
    return parse_error(shown + " in the dump is not a List (no items)");
  }
  if (items->is_array()) {
    for (const json& item : *items) out.push_back(item);
  }
  return {};
}

std::vector<std::string> namespace_dirs(const fs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory(ec)) out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Manifest {
  std::map<ResourceKey, std::optional<Error>> lists;  // captured lists and why some failed
  std::optional<Error> version_error;
  std::optional<Error> discovery_error;
  std::map<std::string, Error> configz_errors;
};

Result<Manifest> read_manifest(const fs::path& root) {
  Manifest m;
  std::error_code ec;
  if (!fs::exists(root / kManifest, ec)) return m;
  Result<json> j = read_json_file(root / kManifest, std::string(kManifest));
  if (!j.ok()) return j.error();
  if (const json* lists = array_member(j.value(), "lists")) {
    for (const json& entry : *lists) {
      m.lists[key_from_json(entry)] = error_from_json(object_member(entry, "error"));
    }
  }
  m.version_error = error_from_json(object_member(j.value(), "versionError"));
  m.discovery_error = error_from_json(object_member(j.value(), "discoveryError"));
  if (const json* errors = object_member(j.value(), "configzErrors")) {
    for (const auto& [node, e] : errors->items()) {
      if (auto error = error_from_json(&e)) m.configz_errors[node] = *error;
    }
  }
  return m;
}

Result<ResourceList> read_list(const fs::path& root, const ResourceKey& key, const Manifest& m) {
  ResourceList list;
  auto recorded = m.lists.find(key);
  if (recorded != m.lists.end() && recorded->second) {
    list.error = recorded->second;
    return list;
  }
  std::vector<std::string> files;
  if (key.namespaced && key.namespace_.empty()) {
    for (const std::string& ns : namespace_dirs(root)) files.push_back(relative_path(key, ns));
  } else {
    files.push_back(relative_path(key, key.namespace_));
  }
  bool found = false;
  std::error_code ec;
  for (const std::string& file : files) {
    if (!fs::is_regular_file(root / file, ec)) continue;
    found = true;
    if (Status s = append_items(root / file, file, list.items); !s.ok()) return s.error();
  }
  if (!found && recorded == m.lists.end()) {
    list.error =
        missing(key, key.namespaced && key.namespace_.empty() ? "<namespace>/" + file_name(key)
                                                              : files.front());
  }
  return list;
}

Status read_extras(const fs::path& root, const Manifest& m, ClusterState& state) {
  std::error_code ec;
  if (fs::exists(root / "version.json", ec)) {
    Result<json> v = read_json_file(root / "version.json", "version.json");
    if (!v.ok()) return v.error();
    state.version = std::move(v).value();
  } else {
    state.version_error = m.version_error.value_or(
        Error{ErrorCode::kNotFound,
              "version.json is not in the dump (kubectl cluster-info dump does "
              "not record the server version; use kubectl aksarc-support snapshot)"});
  }
  if (fs::exists(root / "discovery.json", ec)) {
    Result<json> d = read_json_file(root / "discovery.json", "discovery.json");
    if (!d.ok()) return d.error();
    const json* gvs = array_member(d.value(), "groupVersions");
    if (gvs == nullptr) return parse_error("discovery.json in the dump has no groupVersions list");
    std::vector<std::string> served;
    for (const json& gv : *gvs) {
      if (!as_string(gv).empty()) served.emplace_back(as_string(gv));
    }
    state.served_group_versions = std::move(served);
  } else {
    state.discovery_error = m.discovery_error.value_or(
        Error{ErrorCode::kNotFound,
              "discovery.json is not in the dump (kubectl cluster-info dump does "
              "not record the served APIs; use kubectl aksarc-support snapshot)"});
  }
  for (const std::string& node : namespace_dirs(root / "nodes")) {
    fs::path file = root / "nodes" / node / "configz.json";
    if (!fs::is_regular_file(file, ec)) continue;
    Result<json> c = read_json_file(file, "nodes/" + node + "/configz.json");
    if (!c.ok()) return c.error();
    state.kubelet_configz[node] = std::move(c).value();
  }
  state.kubelet_configz_errors = m.configz_errors;
  return {};
}

// ---- writing --------------------------------------------------------------------------------

// A copy of `item` safe to write: a Secret keeps its metadata only.
json without_secret_data(const json& item, const ResourceKey& key) {
  json copy = item;
  bool secret =
      (key.group.empty() && key.resource == "secrets") || string_member(item, "kind") == "Secret";
  if (!secret || !copy.is_object()) return copy;
  copy.erase("data");
  copy.erase("stringData");
  auto meta = copy.find("metadata");
  if (meta != copy.end() && meta->is_object()) {
    auto annotations = meta->find("annotations");
    if (annotations != meta->end() && annotations->is_object()) annotations->erase(kLastApplied);
  }
  return copy;
}

Status write_file(const fs::path& file, const std::string& text) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return io_error("cannot write " + file.string());
  return {};
}

// Groups every list's items by the file they belong in; duplicates (a namespace listed on its
// own and within an all-namespaces list) are written once.
Status collect_files(const ClusterState& state, std::map<std::string, json>& files) {
  std::map<std::string, std::set<std::string>> seen;
  for (const auto& [key, list] : state.lists) {
    if (list.error || !list.items.is_array()) continue;
    if (!key.namespaced || !key.namespace_.empty()) {
      if (key.namespaced && !safe_dir_name(key.namespace_)) {
        return invalid_argument("namespace name " + key.namespace_ + " cannot be a folder name");
      }
      files.emplace(relative_path(key, key.namespace_), json::array());
    }
    for (const json& item : list.items) {
      std::string ns = key.namespace_;
      if (key.namespaced && ns.empty()) {
        const json* item_ns = path(item, {"metadata", "namespace"});
        ns = item_ns == nullptr ? "" : std::string(as_string(*item_ns));
      }
      if (key.namespaced && !safe_dir_name(ns)) continue;  // cannot be placed; never a path
      std::string file = relative_path(key, ns);
      const json* name = path(item, {"metadata", "name"});
      std::string id = name == nullptr ? item.dump() : std::string(as_string(*name));
      if (!seen[file].insert(id).second) continue;
      auto [it, inserted] = files.emplace(file, json::array());
      it->second.push_back(without_secret_data(item, key));
    }
  }
  return {};
}

json manifest_of(const ClusterState& state) {
  json lists = json::array();
  for (const auto& [key, list] : state.lists) {
    json entry = key_to_json(key);
    if (list.error) entry["error"] = error_to_json(*list.error);
    lists.push_back(std::move(entry));
  }
  json m{{"kind", "AksArcSupportSnapshot"}, {"lists", std::move(lists)}};
  if (state.version_error) m["versionError"] = error_to_json(*state.version_error);
  if (state.discovery_error) m["discoveryError"] = error_to_json(*state.discovery_error);
  json configz_errors = json::object();
  for (const auto& [node, e] : state.kubelet_configz_errors)
    configz_errors[node] = error_to_json(e);
  m["configzErrors"] = std::move(configz_errors);
  return m;
}

constexpr std::string_view kReadme =
    "This folder is a snapshot of what `kubectl aksarc-support check` reads from a cluster,\n"
    "taken with `kubectl aksarc-support snapshot`, for attaching to a support ticket.\n"
    "\n"
    "It contains no secrets: the data of Secrets is never written (only their metadata, if\n"
    "listed at all). Review it before sharing: ConfigMaps and object specs are included as the\n"
    "API server returned them.\n"
    "\n"
    "Layout: nodes.json; <namespace>/<resource>.json (one List each); cluster/<resource>.json\n"
    "(other cluster-scoped Lists); version.json; discovery.json; nodes/<node>/configz.json\n"
    "(kubelet configuration); snapshot.json (what was captured and what could not be read).\n"
    "It is a superset of `kubectl cluster-info dump --output-directory`.\n"
    "\n"
    "Check it offline with: kubectl aksarc-support check --from-dump <this folder>\n";

Status prepare_dir(const fs::path& root) {
  std::error_code ec;
  if (fs::exists(root, ec)) {
    if (!fs::is_directory(root, ec) || !fs::is_empty(root, ec)) {
      return invalid_argument(root.string() + " already exists and is not an empty folder");
    }
    return {};
  }
  fs::create_directories(root, ec);
  if (ec) return io_error("cannot create " + root.string() + ": " + ec.message());
  return {};
}

}  // namespace

Result<ClusterState> read_dump(const std::string& dir, const std::vector<ResourceKey>& wanted) {
  fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec) ||
      (!fs::exists(root / "nodes.json", ec) && !fs::exists(root / "version.json", ec))) {
    return Error{ErrorCode::kNotFound,
                 dir +
                     " is not a cluster dump (no nodes.json or version.json); create one with "
                     "kubectl aksarc-support snapshot -o DIR or kubectl cluster-info dump "
                     "--output-directory DIR"};
  }
  Result<Manifest> manifest = read_manifest(root);
  if (!manifest.ok()) return manifest.error();
  ClusterState state;
  state.source = "dump " + dir;
  if (Status s = read_extras(root, manifest.value(), state); !s.ok()) return s.error();
  for (const ResourceKey& key : wanted) {
    Result<ResourceList> list = read_list(root, key, manifest.value());
    if (!list.ok()) return list.error();
    state.lists[key] = std::move(list).value();
  }
  return state;
}

Status write_snapshot(const ClusterState& state, const std::string& dir) {
  fs::path root(dir);
  std::map<std::string, json> files;
  if (Status s = collect_files(state, files); !s.ok()) return s;
  if (Status s = prepare_dir(root); !s.ok()) return s;
  for (const auto& [file, items] : files) {
    json list{
        {"kind", "List"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"items", items}};
    if (Status s = write_file(root / file, list.dump(1)); !s.ok()) return s;
  }
  std::vector<std::pair<std::string, json>> extras;
  if (state.version) extras.emplace_back("version.json", *state.version);
  if (state.served_group_versions) {
    extras.emplace_back("discovery.json", json{{"groupVersions", *state.served_group_versions}});
  }
  for (const auto& [node, configz] : state.kubelet_configz) {
    if (safe_dir_name(node)) extras.emplace_back("nodes/" + node + "/configz.json", configz);
  }
  extras.emplace_back(std::string(kManifest), manifest_of(state));
  for (const auto& [file, body] : extras) {
    if (Status s = write_file(root / file, body.dump(1)); !s.ok()) return s;
  }
  return write_file(root / "README.txt", std::string(kReadme));
}

}  // namespace aksarc::kube
