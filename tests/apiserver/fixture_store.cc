#include "tests/apiserver/fixture_store.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <system_error>

namespace aksarc::testapi {

namespace {

namespace fs = std::filesystem;

ResourceType core(std::string name, std::string singular, std::string kind, bool namespaced,
                  std::vector<std::string> short_names = {}) {
  return {"",
          "v1",
          std::move(name),
          std::move(singular),
          std::move(kind),
          namespaced,
          std::move(short_names)};
}

ResourceType grouped(std::string group, std::string version, std::string name, std::string singular,
                     std::string kind, bool namespaced, std::vector<std::string> short_names = {}) {
  return {std::move(group), std::move(version), std::move(name),       std::move(singular),
          std::move(kind),  namespaced,         std::move(short_names)};
}

std::vector<ResourceType> make_builtin_resources() {
  const std::string adm = "admissionregistration.k8s.io";
  return {
      core("nodes", "node", "Node", false, {"no"}),
      core("namespaces", "namespace", "Namespace", false, {"ns"}),
      core("pods", "pod", "Pod", true, {"po"}),
      core("services", "service", "Service", true, {"svc"}),
      core("configmaps", "configmap", "ConfigMap", true, {"cm"}),
      core("secrets", "secret", "Secret", true),
      core("events", "event", "Event", true, {"ev"}),
      core("replicationcontrollers", "replicationcontroller", "ReplicationController", true,
           {"rc"}),
      core("serviceaccounts", "serviceaccount", "ServiceAccount", true, {"sa"}),
      core("endpoints", "endpoints", "Endpoints", true, {"ep"}),
      core("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true,
           {"pvc"}),
      core("persistentvolumes", "persistentvolume", "PersistentVolume", false, {"pv"}),
      grouped("apps", "v1", "deployments", "deployment", "Deployment", true, {"deploy"}),
      grouped("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, {"ds"}),
      grouped("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, {"rs"}),
      grouped("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, {"sts"}),
      grouped(adm, "v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration",
              "ValidatingWebhookConfiguration", false),
      grouped(adm, "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration",
              "MutatingWebhookConfiguration", false),
      grouped("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false,
              {"sc"}),
      grouped("storage.k8s.io", "v1", "csidrivers", "csidriver", "CSIDriver", false),
      grouped("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
              "CustomResourceDefinition", false, {"crd", "crds"}),
  };
}

Result<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return io_error("cannot open " + file.string());
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return io_error("cannot read " + file.string());
  return out.str();
}

// Parses `file` when it exists; a null json when it does not.
Result<json> read_json_if_present(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return json();
  Result<std::string> text = read_text(file);
  if (!text.ok()) return text.error();
  json parsed = json::parse(text.value(), nullptr, false);
  if (parsed.is_discarded()) return parse_error(file.string() + ": not valid JSON");
  return parsed;
}

std::string object_namespace(const json& obj) {
  const json* meta = object_member(obj, "metadata");
  return meta ? std::string(string_member(*meta, "namespace")) : std::string();
}

std::string object_name(const json& obj) {
  const json* meta = object_member(obj, "metadata");
  return meta ? std::string(string_member(*meta, "name")) : std::string();
}

std::string creation_timestamp(const json& obj) {
  const json* meta = object_member(obj, "metadata");
  return meta ? std::string(string_member(*meta, "creationTimestamp")) : std::string();
}

// A stable, UUID-shaped uid derived from the name.
std::string synthesised_uid(const std::string& name) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012llx",
                std::hash<std::string>{}(name)&0xffffffffffffULL);
  return buf;
}

json synthesised_namespace(const std::string& name, const std::string& created) {
  json ns = {{"apiVersion", "v1"},
             {"kind", "Namespace"},
             {"metadata",
              {{"name", name},
               {"uid", synthesised_uid(name)},
               {"resourceVersion", "1"},
               {"labels", {{"kubernetes.io/metadata.name", name}}}}},
             {"spec", {{"finalizers", {"kubernetes"}}}},
             {"status", {{"phase", "Active"}}}};
  if (!created.empty()) ns["metadata"]["creationTimestamp"] = created;
  return ns;
}

json default_version() {
  return {{"major", "1"},
          {"minor", "31"},
          {"gitVersion", "v1.31.10"},
          {"gitTreeState", "clean"},
          {"goVersion", "go1.23.10"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

}  // namespace

std::string ResourceType::group_version() const {
  return group.empty() ? version : group + "/" + version;
}

const std::vector<ResourceType>& builtin_resources() {
  static const std::vector<ResourceType> kResources = make_builtin_resources();
  return kResources;
}

// Fills a FixtureStore step by step; a class so it can reach FixtureStore's private members.
class FixtureLoader {
 public:
  explicit FixtureLoader(fs::path dir) : dir_(std::move(dir)) {}

  Result<FixtureStore> run() {
    std::error_code ec;
    if (!fs::is_directory(dir_, ec)) return io_error(dir_.string() + ": not a directory");
    Status st = load_version();
    if (st.ok()) st = load_discovery();
    if (st.ok()) st = find_namespaces();
    if (st.ok()) st = load_objects();
    if (st.ok()) st = load_configz();
    if (!st.ok()) return st.error();
    finish();
    return std::move(store_);
  }

 private:
  Status load_version() {
    Result<json> v = read_json_if_present(dir_ / "version.json");
    if (!v.ok()) return v.error();
    store_.version_ = v.value().is_object() ? v.value() : default_version();
    return {};
  }

  // discovery.json: {"groupVersions": [...], "resources": [{"groupVersion", "name", "kind",
  // "singularName", "namespaced", "shortNames"}]}; both members optional.
  Status load_discovery() {
    store_.resources_ = builtin_resources();
    Result<json> d = read_json_if_present(dir_ / "discovery.json");
    if (!d.ok()) return d.error();
    if (const json* gvs = array_member(d.value(), "groupVersions")) {
      for (const json& gv : *gvs) add_group_version(std::string(as_string(gv)));
    }
    if (const json* extra = array_member(d.value(), "resources")) {
      for (const json& r : *extra) add_declared_resource(r);
    }
    return {};
  }

  void add_declared_resource(const json& r) {
    const std::string gv(string_member(r, "groupVersion"));
    const std::string name(string_member(r, "name"));
    const std::string kind(string_member(r, "kind"));
    if (gv.empty() || name.empty() || kind.empty()) return;
    const size_t slash = gv.find('/');
    ResourceType type;
    type.group = slash == std::string::npos ? "" : gv.substr(0, slash);
    type.version = slash == std::string::npos ? gv : gv.substr(slash + 1);
    type.name = name;
    type.kind = kind;
    type.singular = string_member(r, "singularName");
    type.namespaced = bool_member(r, "namespaced").value_or(true);
    if (const json* sn = array_member(r, "shortNames")) {
      for (const json& s : *sn) type.short_names.emplace_back(as_string(s));
    }
    add_group_version(gv);
    store_.resources_.push_back(std::move(type));
  }

  void add_group_version(const std::string& gv) {
    if (!gv.empty()) extra_group_versions_.insert(gv);
  }

  Status find_namespaces() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_directory() || name == "cluster" || name == "nodes") continue;
      namespaces_.insert(name);
    }
    if (ec) return io_error(dir_.string() + ": " + ec.message());
    return {};
  }

  fs::path cluster_file(const ResourceType& type) const {
    if (type.group.empty() && type.name == "nodes") {
      std::error_code ec;
      if (fs::is_regular_file(dir_ / "nodes.json", ec)) return dir_ / "nodes.json";
    }
    return dir_ / "cluster" / (type.name + ".json");
  }

  static std::string namespaced_stem(const ResourceType& type) {
    // `kubectl cluster-info dump` spells this one with a dash.
    if (type.group.empty() && type.name == "replicationcontrollers") {
      return "replication-controllers";
    }
    return type.name;
  }

  Status load_objects() {
    for (const ResourceType& type : store_.resources_) {
      std::vector<json>& out = store_.objects_[FixtureStore::key(type)];
      if (!type.namespaced) {
        Status st = append_list(cluster_file(type), type, "", out);
        if (!st.ok()) return st;
        continue;
      }
      for (const std::string& ns : namespaces_) {
        Status st = append_list(dir_ / ns / (namespaced_stem(type) + ".json"), type, ns, out);
        if (!st.ok()) return st;
        load_pod_logs(type, ns);
      }
    }
    return {};
  }

  void load_pod_logs(const ResourceType& type, const std::string& ns) {
    if (!type.group.empty() || type.name != "pods") return;
    for (const json& pod : store_.objects_[FixtureStore::key(type)]) {
      if (object_namespace(pod) != ns) continue;
      const std::string name = object_name(pod);
      Result<std::string> text = read_text(dir_ / ns / name / "logs.txt");
      if (text.ok()) store_.logs_[ns + "/" + name] = std::move(text.value());
    }
  }

  static Status append_list(const fs::path& file, const ResourceType& type, const std::string& ns,
                            std::vector<json>& out) {
    Result<json> list = read_json_if_present(file);
    if (!list.ok()) return list.error();
    if (list.value().is_null()) return {};
    const json* items = array_member(list.value(), "items");
    if (items == nullptr) return parse_error(file.string() + ": not a List with items");
    for (const json& item : *items) {
      if (!item.is_object() || object_name(item).empty()) {
        return parse_error(file.string() + ": an item without metadata.name");
      }
      json obj = item;
      obj["apiVersion"] = type.group_version();
      obj["kind"] = type.kind;
      if (!ns.empty()) obj["metadata"]["namespace"] = ns;
      out.push_back(std::move(obj));
    }
    return {};
  }

  Status load_configz() {
    std::error_code ec;
    const fs::path nodes = dir_ / "nodes";
    if (!fs::is_directory(nodes, ec)) return {};
    for (const auto& entry : fs::directory_iterator(nodes, ec)) {
      Result<json> body = read_json_if_present(entry.path() / "configz.json");
      if (!body.ok()) return body.error();
      if (!body.value().is_null()) {
        store_.configz_[entry.path().filename().string()] = std::move(body.value());
      }
    }
    if (ec) return io_error(nodes.string() + ": " + ec.message());
    return {};
  }

  void synthesise_namespaces() {
    const ResourceType* ns_type = store_.find("", "v1", "namespaces");
    if (ns_type == nullptr) return;
    std::vector<json>& list = store_.objects_[FixtureStore::key(*ns_type)];
    if (!list.empty()) return;  // cluster/namespaces.json wins
    std::map<std::string, std::string> earliest;
    for (const std::string& ns : namespaces_) earliest[ns] = "";
    for (const auto& [key, objects] : store_.objects_) {
      for (const json& obj : objects) {
        auto it = earliest.find(object_namespace(obj));
        const std::string created = creation_timestamp(obj);
        if (it == earliest.end() || created.empty()) continue;
        if (it->second.empty() || created < it->second) it->second = created;
      }
    }
    for (const auto& [name, created] : earliest)
      list.push_back(synthesised_namespace(name, created));
  }

  void finish() {
    synthesise_namespaces();
    unsigned long long max_rv = 1;
    for (auto& [key, objects] : store_.objects_) {
      std::stable_sort(objects.begin(), objects.end(), [](const json& a, const json& b) {
        const std::string na = object_namespace(a), nb = object_namespace(b);
        return na != nb ? na < nb : object_name(a) < object_name(b);
      });
      for (const json& obj : objects) {
        const json* meta = object_member(obj, "metadata");
        const std::string rv = meta ? std::string(string_member(*meta, "resourceVersion")) : "";
        if (rv.empty() || rv.size() > 18 ||
            !std::all_of(rv.begin(), rv.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          continue;
        }
        max_rv = std::max(max_rv, std::stoull(rv));
      }
    }
    store_.resource_version_ = std::to_string(max_rv);
    order_group_versions();
  }

  // Built-in order first ("v1" leads, as on a real server), then the extra ones sorted.
  void order_group_versions() {
    std::vector<std::string>& out = store_.group_versions_;
    for (const ResourceType& type : store_.resources_) {
      const std::string gv = type.group_version();
      if (std::find(out.begin(), out.end(), gv) == out.end()) out.push_back(gv);
    }
    for (const std::string& gv : extra_group_versions_) {
      if (std::find(out.begin(), out.end(), gv) == out.end()) out.push_back(gv);
    }
  }

  fs::path dir_;
  FixtureStore store_;
  std::set<std::string> namespaces_;
  std::set<std::string> extra_group_versions_;
};

Result<FixtureStore> FixtureStore::load(const std::filesystem::path& dir) {
  return FixtureLoader(dir).run();
}

const ResourceType* FixtureStore::find(std::string_view group, std::string_view version,
                                       std::string_view name) const {
  for (const ResourceType& type : resources_) {
    if (type.group == group && type.version == version && type.name == name) return &type;
  }
  return nullptr;
}

const std::vector<json>& FixtureStore::objects(const ResourceType& type) const {
  static const std::vector<json> kEmpty;
  auto it = objects_.find(key(type));
  return it == objects_.end() ? kEmpty : it->second;
}

const json* FixtureStore::configz(const std::string& node) const {
  auto it = configz_.find(node);
  return it == configz_.end() ? nullptr : &it->second;
}

const std::string* FixtureStore::pod_log(const std::string& ns, const std::string& pod) const {
  auto it = logs_.find(ns + "/" + pod);
  return it == logs_.end() ? nullptr : &it->second;
}

}  // namespace aksarc::testapi
