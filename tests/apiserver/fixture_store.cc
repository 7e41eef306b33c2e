#include "tests/apiserver/fixture_store.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <system_error>
#include <thread>

#include "tests/apiserver/json_scan.h"
#include "tests/apiserver/selectors.h"

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

// Read in one piece into a string of the file's size: big fixtures are hundreds of MB, and a
// growing stream buffer would copy them several times.
Result<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return io_error("cannot open " + file.string());
  const std::streamoff size = in.tellg();
  if (size < 0) return io_error("cannot read " + file.string());
  std::string text(static_cast<size_t>(size), '\0');
  in.seekg(0);
  in.read(text.data(), size);
  if (in.gcount() != size) return io_error("cannot read " + file.string());
  return text;
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

// `obj` in the forms requests need (see StoredObject).
StoredObject make_stored(const json& obj, const ResourceType& type) {
  StoredObject out;
  out.ns = object_namespace(obj);
  out.name = object_name(obj);
  out.text = obj.dump();
  const json* meta = object_member(obj, "metadata");
  out.meta_text = meta ? meta->dump() : "{}";
  if (meta != nullptr) {
    if (const json* labels = object_member(*meta, "labels")) out.labels = *labels;
    out.created = string_member(*meta, "creationTimestamp");
    out.resource_version = string_member(*meta, "resourceVersion");
  }
  for (const std::string& f : supported_fields(type))
    out.fields.emplace_back(f, field_value(obj, f));
  return out;
}

using Members = std::vector<std::pair<std::string_view, std::string_view>>;

// The value slice of `key` among `members`, or empty.
std::string_view slice_of(const Members& members, std::string_view key) {
  for (const auto& [k, v] : members) {
    if (k == key) return v;
  }
  return {};
}

// A string value slice unescaped; "" when it is not a string (as_string of a tree).
std::string string_of(std::string_view slice) {
  if (slice.empty() || slice.front() != '"') return "";
  if (slice.find('\\') == std::string_view::npos) {
    return std::string(slice.substr(1, slice.size() - 2));
  }
  return json::parse(slice).get<std::string>();
}

// field_value() (selectors.h) computed on the slices of a canonical object instead of a tree:
// the same answers, including "false" for an unset boolean field. `cache` keeps the members of
// top-level values already split (pods have five spec.* fields).
std::string field_from_slices(const Members& top, std::map<std::string, Members>& cache,
                              const std::string& field) {
  const std::string real_path = field == "source" ? "source.component" : field;
  const bool is_bool = field == "spec.hostNetwork" || field == "spec.unschedulable";
  const std::string unset = is_bool ? "false" : "";
  const std::vector<std::string> steps = split(real_path, '.');
  std::string_view value = slice_of(top, steps[0]);
  std::optional<Members> deeper;
  for (size_t i = 1; i < steps.size(); ++i) {
    if (value.empty() || value.front() != '{') return unset;  // a member of a non-object
    const Members* level = nullptr;
    if (i == 1) {
      auto it = cache.find(steps[0]);
      if (it == cache.end()) {
        std::optional<Members> split_members = scan::members(value);
        if (!split_members) return unset;
        it = cache.emplace(steps[0], std::move(*split_members)).first;
      }
      level = &it->second;
    } else {
      deeper = scan::members(value);
      if (!deeper) return unset;
      level = &*deeper;
    }
    value = slice_of(*level, steps[i]);
  }
  if (value.empty()) return unset;
  if (value == "true" || value == "false") return std::string(value);
  return string_of(value);
}

// The fast path for one item: when its text is already what json::dump() writes, with the
// apiVersion, kind and namespace the server would set, the text is kept as is (json_scan.h).
std::optional<StoredObject> stored_as_is(std::string_view item, const ResourceType& type,
                                         const std::string& ns) {
  if (!scan::is_canonical(item)) return std::nullopt;
  const std::optional<Members> top = scan::members(item);
  if (!top) return std::nullopt;
  const std::string_view metadata = slice_of(*top, "metadata");
  if (slice_of(*top, "apiVersion") != json(type.group_version()).dump() ||
      slice_of(*top, "kind") != json(type.kind).dump() || metadata.empty() ||
      metadata.front() != '{') {
    return std::nullopt;
  }
  const std::optional<Members> meta = scan::members(metadata);
  if (!meta) return std::nullopt;
  StoredObject out;
  out.name = string_of(slice_of(*meta, "name"));
  out.ns = string_of(slice_of(*meta, "namespace"));
  if (out.name.empty() || out.ns != ns) return std::nullopt;
  out.text = item;
  out.meta_text = metadata;
  if (std::string_view labels = slice_of(*meta, "labels"); !labels.empty() && labels[0] == '{') {
    out.labels = json::parse(labels);
  }
  out.created = string_of(slice_of(*meta, "creationTimestamp"));
  out.resource_version = string_of(slice_of(*meta, "resourceVersion"));
  std::map<std::string, Members> cache;
  for (const std::string& f : supported_fields(type)) {
    out.fields.emplace_back(f, field_from_slices(*top, cache, f));
  }
  return out;
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

  // One List file to load into the objects of `type`.
  struct ListJob {
    fs::path file;
    const ResourceType* type;
    std::string ns;
    std::vector<StoredObject> objects;
    Status status;
  };

  // Parsing dominates start-up on big fixtures, so the files are parsed on every core; the
  // results are appended in a fixed order, so the store does not depend on the threads.
  Status load_objects() {
    std::vector<ListJob> jobs;
    for (const ResourceType& type : store_.resources_) {
      if (!type.namespaced) {
        jobs.push_back({cluster_file(type), &type, "", {}, {}});
        continue;
      }
      for (const std::string& ns : namespaces_) {
        jobs.push_back({dir_ / ns / (namespaced_stem(type) + ".json"), &type, ns, {}, {}});
      }
    }
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i = next++; i < jobs.size(); i = next++) {
        jobs[i].status = append_list(jobs[i].file, *jobs[i].type, jobs[i].ns, jobs[i].objects);
      }
    };
    const unsigned workers = std::max(1U, std::min(8U, std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < workers; ++i) threads.emplace_back(work);
    work();
    for (std::thread& t : threads) t.join();
    for (ListJob& job : jobs) {
      if (!job.status.ok()) return job.status;
      std::vector<StoredObject>& out = store_.objects_[FixtureStore::key(*job.type)];
      if (out.empty()) {
        out = std::move(job.objects);
      } else {
        out.insert(out.end(), std::make_move_iterator(job.objects.begin()),
                   std::make_move_iterator(job.objects.end()));
      }
    }
    for (const ResourceType& type : store_.resources_) store_.objects_[FixtureStore::key(type)];
    return load_pod_logs();
  }

  // DIR/<ns>/<pod>/logs.txt: served only for pods that exist (the handler looks the pod up
  // first), so every such file is read without matching it to a pod here.
  Status load_pod_logs() {
    for (const std::string& ns : namespaces_) {
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(dir_ / ns, ec)) {
        if (!entry.is_directory()) continue;
        Result<std::string> text = read_text(entry.path() / "logs.txt");
        if (text.ok()) store_.logs_[ns + "/" + entry.path().filename().string()] = text.value();
      }
    }
    return {};
  }

  static Status append_list(const fs::path& file, const ResourceType& type, const std::string& ns,
                            std::vector<StoredObject>& out) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return {};
    Result<std::string> text = read_text(file);
    if (!text.ok()) return text.error();
    if (append_scanned(text.value(), file, type, ns, out)) return {};
    json list = json::parse(text.value(), nullptr, false);
    if (list.is_discarded()) return parse_error(file.string() + ": not valid JSON");
    if (list.is_null()) return {};
    json* items = list.is_object() && list.contains("items") ? &list["items"] : nullptr;
    if (items == nullptr || !items->is_array()) {
      return parse_error(file.string() + ": not a List with items");
    }
    out.reserve(items->size());
    for (json& item : *items) {
      if (Status st = append_parsed(std::move(item), file, type, ns, out); !st.ok()) return st;
    }
    return {};
  }

  static Status append_parsed(json item, const fs::path& file, const ResourceType& type,
                              const std::string& ns, std::vector<StoredObject>& out) {
    if (!item.is_object() || object_name(item).empty()) {
      return parse_error(file.string() + ": an item without metadata.name");
    }
    item["apiVersion"] = type.group_version();
    item["kind"] = type.kind;
    if (!ns.empty()) item["metadata"]["namespace"] = ns;
    out.push_back(make_stored(item, type));
    return {};
  }

  // A List cut into items without a tree (json_scan.h); each item kept as is when it already is
  // in served form, else parsed alone. False (nothing appended) when the text is anything but a
  // plain List object: then the caller parses the whole file and reports what is wrong.
  static bool append_scanned(std::string_view text, const fs::path& file, const ResourceType& type,
                             const std::string& ns, std::vector<StoredObject>& out) {
    const auto top = scan::members(text);
    if (!top) return false;
    std::string_view items_text;
    int items_seen = 0;
    for (const auto& [k, v] : *top) {
      if (k == "items") {
        items_text = v;
        ++items_seen;
      } else if (!json::accept(v)) {
        return false;
      }
    }
    if (items_seen != 1) return false;
    const auto items = scan::elements(items_text);
    if (!items) return false;
    std::vector<StoredObject> objects;
    objects.reserve(items->size());
    for (std::string_view item : *items) {
      if (std::optional<StoredObject> fast = stored_as_is(item, type, ns)) {
        objects.push_back(std::move(*fast));
        continue;
      }
      json parsed = json::parse(item, nullptr, false);
      if (parsed.is_discarded()) return false;
      if (!append_parsed(std::move(parsed), file, type, ns, objects).ok()) return false;
    }
    out.insert(out.end(), std::make_move_iterator(objects.begin()),
               std::make_move_iterator(objects.end()));
    return true;
  }

  Status load_configz() {
    std::error_code ec;
    const fs::path nodes = dir_ / "nodes";
    if (!fs::is_directory(nodes, ec)) return {};
    for (const auto& entry : fs::directory_iterator(nodes, ec)) {
      Result<json> body = read_json_if_present(entry.path() / "configz.json");
      if (!body.ok()) return body.error();
      if (!body.value().is_null()) {
        store_.configz_[entry.path().filename().string()] = body.value().dump();
      }
    }
    if (ec) return io_error(nodes.string() + ": " + ec.message());
    return {};
  }

  void synthesise_namespaces() {
    const ResourceType* ns_type = store_.find("", "v1", "namespaces");
    if (ns_type == nullptr) return;
    std::vector<StoredObject>& list = store_.objects_[FixtureStore::key(*ns_type)];
    if (!list.empty()) return;  // cluster/namespaces.json wins
    std::map<std::string, std::string> earliest;
    for (const std::string& ns : namespaces_) earliest[ns] = "";
    for (const auto& [key, objects] : store_.objects_) {
      for (const StoredObject& obj : objects) {
        auto it = earliest.find(obj.ns);
        const std::string& created = obj.created;
        if (it == earliest.end() || created.empty()) continue;
        if (it->second.empty() || created < it->second) it->second = created;
      }
    }
    for (const auto& [name, created] : earliest) {
      list.push_back(make_stored(synthesised_namespace(name, created), *ns_type));
    }
  }

  void finish() {
    synthesise_namespaces();
    unsigned long long max_rv = 1;
    for (auto& [key, objects] : store_.objects_) {
      std::stable_sort(objects.begin(), objects.end(),
                       [](const StoredObject& a, const StoredObject& b) {
                         return a.ns != b.ns ? a.ns < b.ns : a.name < b.name;
                       });
      for (const StoredObject& obj : objects) {
        const std::string& rv = obj.resource_version;
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

const std::vector<StoredObject>& FixtureStore::objects(const ResourceType& type) const {
  static const std::vector<StoredObject> kEmpty;
  auto it = objects_.find(key(type));
  return it == objects_.end() ? kEmpty : it->second;
}

const std::string* FixtureStore::configz(const std::string& node) const {
  auto it = configz_.find(node);
  return it == configz_.end() ? nullptr : &it->second;
}

const std::string* FixtureStore::pod_log(const std::string& ns, const std::string& pod) const {
  auto it = logs_.find(ns + "/" + pod);
  return it == logs_.end() ? nullptr : &it->second;
}

}  // namespace aksarc::testapi
