#include "bench/cluster_gen/generator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_access.h"

namespace aksarc::bench {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Deterministic "random" values: everything is a function of (purpose, index), never of a
// sequence, so adding one object does not shift the names of all others.

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t mix(uint64_t purpose, uint64_t a, uint64_t b = 0) {
  return mix(mix(purpose * 0x100000001b3ULL ^ a) ^ (b * 0x9e3779b97f4a7c15ULL));
}

std::string hex_digits(uint64_t purpose, uint64_t a, uint64_t b, size_t count) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint64_t round = 0; out.size() < count; ++round) {
    uint64_t v = mix(purpose, a, b * 131 + round);
    for (int i = 0; i < 16 && out.size() < count; ++i, v >>= 4) out += kHex[v & 15];
  }
  return out;
}

std::string uid_of(uint64_t purpose, uint64_t a, uint64_t b = 0) {
  std::string h = hex_digits(purpose, a, b, 32);
  h[12] = '4';  // version 4, variant 10xx, as Kubernetes' uids
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

// `width` characters of `alphabet` that differ for every `index` below alphabet^width: a
// multiplication by a prime modulo alphabet^width is a bijection, and looks random.
std::string unique_word(std::string_view alphabet, size_t width, uint64_t index, uint64_t salt) {
  unsigned __int128 space = 1;
  for (size_t i = 0; i < width; ++i) space *= alphabet.size();
  const unsigned __int128 prime = 2305843009213693951ULL;  // 2^61-1: coprime to any alphabet
  unsigned __int128 v = (index * prime + mix(salt)) % space;
  std::string out(width, ' ');
  for (size_t i = 0; i < width; ++i) {
    out[width - 1 - i] = alphabet[static_cast<size_t>(v % alphabet.size())];
    v /= alphabet.size();
  }
  return out;
}

// Kubernetes' alphabet for generated name suffixes (no vowels, no look-alikes).
constexpr std::string_view kSuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";
constexpr std::string_view kNodeAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

// ---------------------------------------------------------------------------------------------
// Stamps: an object's compact JSON text cut at the places that change per copy, so a copy is a
// few appends instead of a JSON serialization.

class Stamp {
 public:
  // Cuts `text` at every occurrence of `slots` (tried longest first at each position).
  Stamp(const std::string& text, std::vector<std::string> slots) : slots_(std::move(slots)) {
    std::vector<size_t> order(slots_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return slots_[a].size() > slots_[b].size(); });
    std::string literal;
    for (size_t pos = 0; pos < text.size();) {
      bool cut = false;
      for (size_t s : order) {
        if (!slots_[s].empty() && text.compare(pos, slots_[s].size(), slots_[s]) == 0) {
          parts_.push_back({std::move(literal), static_cast<int>(s)});
          literal.clear();
          pos += slots_[s].size();
          cut = true;
          break;
        }
      }
      if (!cut) literal += text[pos++];
    }
    parts_.push_back({std::move(literal), -1});
  }

  // Appends the text with slot i replaced by values[i].
  void fill(std::string& out, const std::vector<std::string>& values) const {
    for (const Part& p : parts_) {
      out += p.literal;
      if (p.slot >= 0) out += values[static_cast<size_t>(p.slot)];
    }
  }

 private:
  struct Part {
    std::string literal;
    int slot;
  };
  std::vector<std::string> slots_;
  std::vector<Part> parts_;
};

// ---------------------------------------------------------------------------------------------
// Files.

Result<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return io_error("cannot open " + file.string());
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return io_error("cannot read " + file.string());
  return s.str();
}

Result<json> read_json(const fs::path& file) {
  Result<std::string> text = read_text(file);
  if (!text.ok()) return text.error();
  json j = json::parse(text.value(), nullptr, false);
  if (j.is_discarded()) return parse_error(file.string() + ": not valid JSON");
  return j;
}

// The items of a List file; an empty array when the file is absent.
Result<json> read_items(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return json::array();
  Result<json> list = read_json(file);
  if (!list.ok()) return list.error();
  const json* items = array_member(list.value(), "items");
  if (items == nullptr) return parse_error(file.string() + ": not a List with items");
  return *items;
}

// A List file written item by item (items are compact JSON texts).
class ListWriter {
 public:
  ListWriter(fs::path file, std::string kind) : file_(std::move(file)), kind_(std::move(kind)) {
    buf_ = "{\"apiVersion\":\"v1\",\"items\":[";
  }
  // The buffer to append one item's text to.
  std::string& next() {
    if (count_++ > 0) buf_ += ',';
    return buf_;
  }
  int64_t count() const { return count_; }
  Status close(uintmax_t* bytes) {
    buf_ += "],\"kind\":\"" + kind_ + "\",\"metadata\":{\"resourceVersion\":\"\"}}\n";
    std::ofstream out(file_, std::ios::binary | std::ios::trunc);
    out.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    out.close();
    if (!out) return io_error("cannot write " + file_.string());
    *bytes += buf_.size();
    return {};
  }

 private:
  fs::path file_;
  std::string kind_;
  std::string buf_;
  int64_t count_ = 0;
};

std::string_view name_of(const json& obj) {
  const json* meta = object_member(obj, "metadata");
  return meta ? string_member(*meta, "name") : std::string_view();
}

std::string_view uid_field(const json& obj) {
  const json* meta = object_member(obj, "metadata");
  return meta ? string_member(*meta, "uid") : std::string_view();
}

std::string_view owner_kind(const json& obj) {
  const json* refs = path(obj, {"metadata", "ownerReferences"});
  if (refs == nullptr || !refs->is_array() || refs->empty()) return {};
  return string_member((*refs)[0], "kind");
}

std::string_view owner_name(const json& obj) {
  const json* refs = path(obj, {"metadata", "ownerReferences"});
  if (refs == nullptr || !refs->is_array() || refs->empty()) return {};
  return string_member((*refs)[0], "name");
}

std::string_view node_name_of(const json& pod) {
  const json* node = path(pod, {"spec", "nodeName"});
  return node ? as_string(*node) : std::string_view();
}

std::string node_ip(const json& node) {
  const json* addresses = path(node, {"status", "addresses"});
  if (addresses == nullptr || !addresses->is_array()) return "";
  for (const json& a : *addresses) {
    if (string_member(a, "type") == "InternalIP") return std::string(string_member(a, "address"));
  }
  return "";
}

bool is_control_plane(const json& node) {
  const json* labels = path(node, {"metadata", "labels"});
  return labels != nullptr && labels->is_object() &&
         labels->contains("node-role.kubernetes.io/control-plane");
}

// ---------------------------------------------------------------------------------------------
// The generated nodes. Subnet index s numbers every node (the template's first, in their order):
// node IP 172.16.<s/200>.<21 + s%200>, pod CIDR 10.<244 - s/256>.<s%256>.0/24, which keeps the
// template's own nodes at their recorded addresses (172.16.0.21.., 10.244.0.0/24..).

struct NewNode {
  std::string name;
  std::string ip;
  std::string pod_prefix;  // "10.244.7."
  bool control_plane = false;
  int pool = 0;  // workers: index into the pool names
  int subnet = 0;
};

std::string ip_of(int s) {
  return "172.16." + std::to_string(s / 200) + "." + std::to_string(21 + s % 200);
}

std::string pod_prefix_of(int s) {
  return "10." + std::to_string(244 - s / 256) + "." + std::to_string(s % 256) + ".";
}

// The template's nodes and the pods that belong to one node.
struct TemplateNode {
  json node;
  std::string name, ip, pod_prefix, uid, pool;
  std::string boot_id, machine_id, system_uuid;
};

Result<TemplateNode> template_node(const json& node) {
  TemplateNode t;
  t.node = node;
  t.name = name_of(node);
  t.ip = node_ip(node);
  t.uid = uid_field(node);
  const json* cidr = path(node, {"spec", "podCIDR"});
  std::string c = cidr ? std::string(as_string(*cidr)) : "";
  if (size_t dot = c.rfind('.'); dot != std::string::npos) t.pod_prefix = c.substr(0, dot + 1);
  const json* labels = path(node, {"metadata", "labels"});
  if (labels) t.pool = string_member(*labels, "msft.microsoft/nodepool-name");
  if (const json* info = path(node, {"status", "nodeInfo"})) {
    t.boot_id = string_member(*info, "bootID");
    t.machine_id = string_member(*info, "machineID");
    t.system_uuid = string_member(*info, "systemUUID");
  }
  if (t.name.empty() || t.ip.empty() || t.uid.empty()) {
    return parse_error("template node " + t.name + " lacks a name, uid or InternalIP");
  }
  return t;
}

// Slots of a node-bound object: what differs between two copies on two nodes.
std::vector<std::string> node_slots(const TemplateNode& t) {
  return {t.name, t.ip, t.uid, t.pod_prefix, t.pool, t.boot_id, t.machine_id, t.system_uuid};
}

std::vector<std::string> node_values(const NewNode& n, uint64_t purpose, const std::string& pool,
                                     const std::string& object_uid) {
  const auto s = static_cast<uint64_t>(n.subnet);
  std::string sys = hex_digits(purpose, s, 3, 32);
  for (char& c : sys) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  sys = sys.substr(0, 8) + "-" + sys.substr(8, 4) + "-" + sys.substr(12, 4) + "-" +
        sys.substr(16, 4) + "-" + sys.substr(20, 12);
  return {n.name,
          n.ip,
          object_uid,
          n.pod_prefix,
          pool,
          uid_of(purpose, s, 1),
          hex_digits(purpose, s, 2, 32),
          sys};
}

// ---------------------------------------------------------------------------------------------
// Application workloads, stamped from the template's application Deployment in default/.

constexpr std::array<std::string_view, 12> kTeams = {
    "orders",  "payments", "catalog",   "inventory", "shipping",      "search",
    "billing", "identity", "reporting", "pricing",   "notifications", "analytics"};
constexpr std::array<std::string_view, 16> kServices = {
    "api",    "web",      "worker",  "gateway", "cache",  "scheduler", "exporter", "frontend",
    "ingest", "notifier", "reports", "auth",    "events", "sync",      "indexer",  "admin"};
constexpr std::array<int, 8> kReplicas = {10, 5, 15, 3, 8, 20, 2, 12};

struct AppStamps {
  Stamp deployment, replicaset, pod, service;
};

// A container as real pods of a web service carry it: env, probes, the service account volume.
void make_realistic(json& container) {
  container["env"] = json::array(
      {{{"name", "ASPNETCORE_URLS"}, {"value", "http://+:8080"}},
       {{"name", "SERVICE_NAME"}, {"value", "{{APP}}"}},
       {{"name", "OTEL_EXPORTER_OTLP_ENDPOINT"},
        {"value", "http://otel-collector.monitoring.svc:4317"}},
       {{"name", "POD_NAME"},
        {"valueFrom", {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "metadata.name"}}}}}},
       {{"name", "POD_NAMESPACE"},
        {"valueFrom",
         {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "metadata.namespace"}}}}}}});
  const json probe = {{"httpGet", {{"path", "/healthz"}, {"port", 8080}, {"scheme", "HTTP"}}},
                      {"periodSeconds", 10},
                      {"timeoutSeconds", 1},
                      {"successThreshold", 1},
                      {"failureThreshold", 3}};
  container["livenessProbe"] = probe;
  container["readinessProbe"] = probe;
}

json with_placeholders_pod(json pod, const json& container) {
  json& meta = pod["metadata"];
  meta["name"] = "{{POD}}";
  meta["namespace"] = "{{NS}}";
  meta["uid"] = "{{UID}}";
  meta["labels"] = {{"app", "{{APP}}"}, {"pod-template-hash", "{{HASH}}"}};
  meta["ownerReferences"][0]["name"] = "{{RS}}";
  meta["ownerReferences"][0]["uid"] = "{{RSUID}}";
  json& spec = pod["spec"];
  spec["nodeName"] = "{{NODE}}";
  json c = container;
  c["volumeMounts"] = json::array({{{"name", "kube-api-access-{{VOL}}"},
                                    {"mountPath", "/var/run/secrets/kubernetes.io/serviceaccount"},
                                    {"readOnly", true}}});
  spec["containers"] = json::array({c});
  spec["volumes"] = json::array(
      {{{"name", "kube-api-access-{{VOL}}"},
        {"projected",
         {{"defaultMode", 420},
          {"sources",
           json::array(
               {{{"serviceAccountToken", {{"expirationSeconds", 3607}, {"path", "token"}}}},
                {{"configMap",
                  {{"name", "kube-root-ca.crt"},
                   {"items", json::array({{{"key", "ca.crt"}, {"path", "ca.crt"}}})}}}},
                {{"downwardAPI",
                  {{"items", json::array({{{"path", "namespace"},
                                           {"fieldRef",
                                            {{"apiVersion", "v1"},
                                             {"fieldPath", "metadata.namespace"}}}}})}}}}})}}}}});
  json& status = pod["status"];
  status["hostIP"] = "{{HOSTIP}}";
  status["hostIPs"] = json::array({{{"ip", "{{HOSTIP}}"}}});
  status["podIP"] = "{{PODIP}}";
  status["podIPs"] = json::array({{{"ip", "{{PODIP}}"}}});
  if (json* statuses =
          status.contains("containerStatuses") ? &status["containerStatuses"] : nullptr;
      statuses != nullptr && statuses->is_array() && !statuses->empty()) {
    (*statuses)[0]["containerID"] = "containerd://{{CID}}";
  }
  return pod;
}

json with_placeholders_deployment(json d, const json& container) {
  json& meta = d["metadata"];
  meta["name"] = "{{APP}}";
  meta["namespace"] = "{{NS}}";
  meta["uid"] = "{{UID}}";
  meta["labels"] = {{"app", "{{APP}}"}};
  d["spec"]["replicas"] = "{{N}}";
  d["spec"]["selector"] = {{"matchLabels", {{"app", "{{APP}}"}}}};
  d["spec"]["template"]["metadata"]["labels"] = {{"app", "{{APP}}"}};
  d["spec"]["template"]["spec"]["containers"] = json::array({container});
  json& status = d["status"];
  for (const char* k : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"}) {
    if (status.contains(k)) status[k] = "{{N}}";
  }
  if (status.contains("conditions") && status["conditions"].is_array()) {
    for (json& c : status["conditions"]) {
      if (string_member(c, "type") == "Progressing") {
        c["message"] = "ReplicaSet \"{{RS}}\" has successfully progressed.";
      }
    }
  }
  return d;
}

json with_placeholders_replicaset(json rs, const json& container) {
  json& meta = rs["metadata"];
  meta["name"] = "{{RS}}";
  meta["namespace"] = "{{NS}}";
  meta["uid"] = "{{UID}}";
  meta["labels"] = {{"app", "{{APP}}"}, {"pod-template-hash", "{{HASH}}"}};
  if (meta.contains("annotations")) {
    meta["annotations"]["deployment.kubernetes.io/desired-replicas"] = "{{NTEXT}}";
    meta["annotations"]["deployment.kubernetes.io/max-replicas"] = "{{NMAX}}";
  }
  meta["ownerReferences"][0]["name"] = "{{APP}}";
  meta["ownerReferences"][0]["uid"] = "{{DUID}}";
  rs["spec"]["replicas"] = "{{N}}";
  rs["spec"]["selector"] = {
      {"matchLabels", {{"app", "{{APP}}"}, {"pod-template-hash", "{{HASH}}"}}}};
  rs["spec"]["template"]["metadata"]["labels"] = {{"app", "{{APP}}"},
                                                  {"pod-template-hash", "{{HASH}}"}};
  rs["spec"]["template"]["spec"]["containers"] = json::array({container});
  json& status = rs["status"];
  for (const char* k : {"replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas"}) {
    if (status.contains(k)) status[k] = "{{N}}";
  }
  return rs;
}

json with_placeholders_service(json svc) {
  json& meta = svc["metadata"];
  meta["name"] = "{{APP}}";
  meta["namespace"] = "{{NS}}";
  meta["uid"] = "{{UID}}";
  meta["labels"] = {{"app", "{{APP}}"}};
  svc["spec"]["clusterIP"] = "{{IP}}";
  svc["spec"]["clusterIPs"] = json::array({"{{IP}}"});
  svc["spec"]["selector"] = {{"app", "{{APP}}"}};
  return svc;
}

// The slots of the application stamps, in the order values are given.
const std::vector<std::string>& app_slots() {
  static const std::vector<std::string> kSlots = {
      "{{NS}}",    "{{POD}}",   "{{UID}}",    "{{APP}}",   "{{HASH}}", "{{RS}}",
      "{{RSUID}}", "{{NODE}}",  "{{HOSTIP}}", "{{PODIP}}", "{{CID}}",  "{{VOL}}",
      "\"{{N}}\"", "{{NTEXT}}", "{{NMAX}}",   "{{DUID}}",  "{{IP}}"};
  return kSlots;
}
enum AppSlot {
  kNs,
  kPod,
  kUid,
  kApp,
  kHash,
  kRs,
  kRsUid,
  kNode,
  kHostIp,
  kPodIp,
  kCid,
  kVol,
  kN,
  kNText,
  kNMax,
  kDUid,
  kIp,
  kSlotCount
};

Result<AppStamps> app_stamps(const fs::path& dir) {
  Result<json> deployments = read_items(dir / "default" / "deployments.json");
  Result<json> replicasets = read_items(dir / "default" / "replicasets.json");
  Result<json> pods = read_items(dir / "default" / "pods.json");
  Result<json> services = read_items(dir / "default" / "services.json");
  for (const auto* r : {&deployments, &replicasets, &pods, &services}) {
    if (!r->ok()) return r->error();
  }
  if (deployments.value().empty()) {
    return parse_error(dir.string() + "/default/deployments.json: no application Deployment");
  }
  const json& d = deployments.value()[0];
  const json* rs = nullptr;
  for (const json& r : replicasets.value()) {
    if (owner_name(r) == name_of(d)) rs = &r;
  }
  const json* pod = nullptr;
  for (const json& p : pods.value()) {
    if (rs != nullptr && owner_name(p) == name_of(*rs)) pod = &p;
  }
  const json* svc = nullptr;
  for (const json& s : services.value()) {
    if (name_of(s) == name_of(d)) svc = &s;
  }
  const json* containers = pod ? path(*pod, {"spec", "containers"}) : nullptr;
  if (rs == nullptr || pod == nullptr || svc == nullptr || containers == nullptr ||
      !containers->is_array() || containers->empty()) {
    return parse_error(dir.string() + "/default: the Deployment " + std::string(name_of(d)) +
                       " lacks its ReplicaSet, a Pod with a container or its Service");
  }
  json container = (*containers)[0];
  make_realistic(container);
  const std::vector<std::string>& slots = app_slots();
  return AppStamps{Stamp(with_placeholders_deployment(d, container).dump(), slots),
                   Stamp(with_placeholders_replicaset(*rs, container).dump(), slots),
                   Stamp(with_placeholders_pod(*pod, container).dump(), slots),
                   Stamp(with_placeholders_service(*svc).dump(), slots)};
}

// ---------------------------------------------------------------------------------------------

class Generator {
 public:
  explicit Generator(const ClusterSpec& spec) : spec_(spec), dir_(spec.out) {}

  Result<ClusterSummary> run() {
    if (Status s = prepare_output(); !s.ok()) return s.error();
    if (Status s = read_template(); !s.ok()) return s.error();
    if (Status s = plan(); !s.ok()) return s.error();
    if (Status s = copy_template(); !s.ok()) return s.error();
    if (Status s = write_nodes(); !s.ok()) return s.error();
    if (Status s = write_kube_system(); !s.ok()) return s.error();
    if (Status s = write_configz(); !s.ok()) return s.error();
    if (Status s = write_apps(); !s.ok()) return s.error();
    if (Status s = write_marker(); !s.ok()) return s.error();
    return summary_;
  }

 private:
  std::string spec_text() const {
    return "nodes=" + std::to_string(spec_.nodes) + " pods=" + std::to_string(spec_.pods) +
           " control-plane=" + std::to_string(spec_.control_plane) +
           " pods-per-namespace=" + std::to_string(spec_.pods_per_namespace) +
           " template=" + fs::absolute(spec_.template_dir).lexically_normal().string() + "\n";
  }

  // The output folder must be new, empty, or ours (has the marker): then it is replaced.
  Status prepare_output() {
    std::error_code ec;
    if (fs::exists(dir_, ec)) {
      if (!fs::is_directory(dir_, ec)) return invalid_argument(dir_.string() + " is not a folder");
      const bool empty = fs::is_empty(dir_, ec);
      if (!empty && !fs::exists(dir_ / kMarkerFile, ec)) {
        return invalid_argument("--out " + dir_.string() +
                                " holds files that are not an earlier aksarc-bench-cluster "
                                "output; give a new or empty folder");
      }
      fs::remove_all(dir_, ec);
      if (ec) return io_error("cannot clear " + dir_.string() + ": " + ec.message());
    }
    fs::create_directories(dir_, ec);
    if (ec) return io_error("cannot create " + dir_.string() + ": " + ec.message());
    return {};
  }

  Status read_template() {
    const fs::path& t = spec_.template_dir;
    std::error_code ec;
    if (!fs::is_directory(t, ec))
      return invalid_argument("--template " + t.string() + ": not a folder");
    Result<json> nodes = read_items(t / "nodes.json");
    if (!nodes.ok()) return nodes.error();
    for (const json& n : nodes.value()) {
      Result<TemplateNode> tn = template_node(n);
      if (!tn.ok()) return tn.error();
      (is_control_plane(n) ? cp_templates_ : worker_templates_).push_back(std::move(tn).value());
    }
    if (cp_templates_.empty() || worker_templates_.empty()) {
      return parse_error(t.string() + "/nodes.json: needs a control-plane node and a worker");
    }
    Result<json> pods = read_items(t / "kube-system" / "pods.json");
    if (!pods.ok()) return pods.error();
    ks_pods_ = std::move(pods).value();
    Result<json> ds = read_items(t / "kube-system" / "daemonsets.json");
    if (!ds.ok()) return ds.error();
    ks_daemonsets_ = std::move(ds).value();
    Result<AppStamps> apps = app_stamps(t);
    if (!apps.ok()) return apps.error();
    apps_.emplace(std::move(apps).value());
    return count_template_pods();
  }

  Status count_template_pods() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(spec_.template_dir, ec)) {
      if (!entry.is_directory()) continue;
      Result<json> pods = read_items(entry.path() / "pods.json");
      if (!pods.ok()) return pods.error();
      template_pods_ += static_cast<int64_t>(pods.value().size());
    }
    if (ec) return io_error(spec_.template_dir.string() + ": " + ec.message());
    return {};
  }

  // Which nodes to add, and how many application pods that leaves.
  Status plan() {
    const int template_nodes = static_cast<int>(cp_templates_.size() + worker_templates_.size());
    const int cps = std::max(spec_.control_plane, static_cast<int>(cp_templates_.size()));
    const int min_nodes = cps + static_cast<int>(worker_templates_.size());
    if (spec_.nodes < min_nodes) {
      return invalid_argument("--nodes " + std::to_string(spec_.nodes) + ": at least " +
                              std::to_string(min_nodes) + " (" + std::to_string(cps) +
                              " control-plane nodes and the template's " +
                              std::to_string(worker_templates_.size()) + " workers)");
    }
    const int new_cps = cps - static_cast<int>(cp_templates_.size());
    const int workers = spec_.nodes - cps;
    const int pools = std::clamp(workers / 8, 1, 4);
    for (int p = 0; p < pools; ++p) {
      pools_.push_back(p == 0 && !worker_templates_[0].pool.empty()
                           ? worker_templates_[0].pool
                           : "contoso-aks01-" + unique_word(kSuffixAlphabet, 5, p, 7) +
                                 "-nodepool" + std::to_string(p + 1));
    }
    int s = template_nodes;
    for (int i = 0; i < spec_.nodes - template_nodes; ++i, ++s) {
      NewNode n;
      n.subnet = s;
      n.control_plane = i < new_cps;
      n.name = "moc-" + unique_word(kNodeAlphabet, 11, static_cast<uint64_t>(s), 1);
      n.ip = ip_of(s);
      n.pod_prefix = pod_prefix_of(s);
      const int worker_index = static_cast<int>(worker_templates_.size()) + i - new_cps;
      n.pool = n.control_plane ? 0 : worker_index * pools / workers;
      new_nodes_.push_back(n);
      if (!n.control_plane) worker_names_.push_back(n);
    }
    for (const TemplateNode& t : worker_templates_) {
      worker_names_.push_back({t.name, t.ip, t.pod_prefix, false, 0, 0});
    }
    std::sort(worker_names_.begin(), worker_names_.end(),
              [](const NewNode& a, const NewNode& b) { return a.name < b.name; });
    // kube-system pods a new node brings: its DaemonSet pods, and static pods on the control plane.
    auto pods_on = [&](const TemplateNode& t) {
      int64_t count = 0;
      for (const json& p : ks_pods_) {
        const std::string_view kind = owner_kind(p);
        if (node_name_of(p) == t.name && (kind == "DaemonSet" || kind == "Node")) ++count;
      }
      return count;
    };
    const auto new_workers = static_cast<int64_t>(new_nodes_.size()) - new_cps;
    summary_.system_pods = template_pods_ - default_app_pods() +
                           pods_on(cp_templates_[0]) * new_cps +
                           pods_on(worker_templates_[0]) * new_workers;
    app_pods_ = spec_.pods - summary_.system_pods - default_app_pods();
    if (app_pods_ < 0) {
      return invalid_argument("--pods " + std::to_string(spec_.pods) + ": " +
                              std::to_string(spec_.nodes) + " nodes already run " +
                              std::to_string(summary_.system_pods + default_app_pods()) +
                              " pods (system and the template's own)");
    }
    summary_.nodes = spec_.nodes;
    summary_.control_plane = cps;
    summary_.pods = spec_.pods;
    return {};
  }

  // The template's pods in default/ count as application pods (they are not stamped again).
  int64_t default_app_pods() const {
    Result<json> pods = read_items(spec_.template_dir / "default" / "pods.json");
    return pods.ok() ? static_cast<int64_t>(pods.value().size()) : 0;
  }

  Status copy_template() {
    std::error_code ec;
    fs::copy(spec_.template_dir, dir_, fs::copy_options::recursive, ec);
    if (ec) return io_error("cannot copy the template to " + dir_.string() + ": " + ec.message());
    for (const auto& entry : fs::recursive_directory_iterator(dir_, ec)) {
      if (entry.is_regular_file()) summary_.bytes += entry.file_size();
    }
    return {};
  }

  const TemplateNode& template_for(const NewNode& n) const {
    return n.control_plane ? cp_templates_[0] : worker_templates_[0];
  }

  Status write_nodes() {
    ListWriter out(dir_ / "nodes.json", "NodeList");
    for (const TemplateNode& t : cp_templates_) out.next() += t.node.dump();
    for (const TemplateNode& t : worker_templates_) out.next() += t.node.dump();
    const Stamp cp(cp_templates_[0].node.dump(), node_slots(cp_templates_[0]));
    const Stamp worker(worker_templates_[0].node.dump(), node_slots(worker_templates_[0]));
    for (const NewNode& n : new_nodes_) {
      const std::string pool =
          n.control_plane ? cp_templates_[0].pool : pools_[static_cast<size_t>(n.pool)];
      (n.control_plane ? cp : worker)
          .fill(out.next(), node_values(n, 11, pool, uid_of(12, static_cast<uint64_t>(n.subnet))));
    }
    return out.close(&summary_.bytes);
  }

  // kube-system: the template's pods, plus per new node a pod of each DaemonSet and per new
  // control-plane node its static pods; DaemonSet status counts every node.
  Status write_kube_system() {
    ListWriter pods(dir_ / "kube-system" / "pods.json", "PodList");
    for (const json& p : ks_pods_) pods.next() += p.dump();
    // Per template node kind: (stamp, template pod name) of each pod to copy onto new nodes.
    struct NodePod {
      Stamp stamp;
      std::string ds;  // owner DaemonSet, "" for a static pod
    };
    auto stamps_for = [&](const TemplateNode& t) {
      std::vector<NodePod> out;
      for (const json& p : ks_pods_) {
        const std::string_view kind = owner_kind(p);
        if (node_name_of(p) != t.name || (kind != "DaemonSet" && kind != "Node")) continue;
        std::vector<std::string> slots = node_slots(t);
        // A static pod is named after its node: the node-name slot renames it.
        slots.emplace_back(kind == "DaemonSet" ? name_of(p) : std::string_view());
        slots.emplace_back(uid_field(p));
        out.push_back(
            {Stamp(p.dump(), slots), kind == "DaemonSet" ? std::string(owner_name(p)) : ""});
      }
      return out;
    };
    const std::vector<NodePod> cp = stamps_for(cp_templates_[0]);
    const std::vector<NodePod> worker = stamps_for(worker_templates_[0]);
    for (const NewNode& n : new_nodes_) {
      const std::vector<NodePod>& set = n.control_plane ? cp : worker;
      const auto s = static_cast<uint64_t>(n.subnet);
      for (size_t k = 0; k < set.size(); ++k) {
        std::vector<std::string> values = node_values(n, 11, template_for(n).pool, uid_of(12, s));
        values.push_back(
            set[k].ds.empty() ? "" : set[k].ds + "-" + unique_word(kSuffixAlphabet, 5, s, 100 + k));
        values.push_back(uid_of(13, s, k));
        set[k].stamp.fill(pods.next(), values);
      }
    }
    if (Status st = pods.close(&summary_.bytes); !st.ok()) return st;
    return write_daemonsets();
  }

  Status write_daemonsets() {
    const int64_t template_nodes =
        static_cast<int64_t>(cp_templates_.size() + worker_templates_.size());
    ListWriter out(dir_ / "kube-system" / "daemonsets.json", "DaemonSetList");
    for (json ds : ks_daemonsets_) {
      json* status = ds.contains("status") ? &ds["status"] : nullptr;
      const json* desired = status ? member(*status, "desiredNumberScheduled") : nullptr;
      if (desired != nullptr && desired->is_number_integer() &&
          desired->get<int64_t>() == template_nodes) {
        for (const char* k : {"currentNumberScheduled", "desiredNumberScheduled", "numberAvailable",
                              "numberReady", "updatedNumberScheduled"}) {
          if (status->contains(k)) (*status)[k] = spec_.nodes;
        }
      }
      out.next() += ds.dump();
    }
    return out.close(&summary_.bytes);
  }

  Status write_configz() {
    for (const NewNode& n : new_nodes_) {
      const TemplateNode& t = template_for(n);
      Result<std::string> text = configz_text(t);
      if (!text.ok()) return text.error();
      std::string body;
      Stamp(text.value(), {t.name}).fill(body, {n.name});
      const fs::path folder = dir_ / "nodes" / n.name;
      std::error_code ec;
      fs::create_directories(folder, ec);
      std::ofstream f(folder / "configz.json", std::ios::binary);
      f << body;
      f.close();
      if (ec || !f) return io_error("cannot write " + (folder / "configz.json").string());
      summary_.bytes += body.size();
    }
    return {};
  }

  Result<std::string> configz_text(const TemplateNode& t) {
    auto it = configz_.find(t.name);
    if (it != configz_.end()) return it->second;
    const fs::path file = spec_.template_dir / "nodes" / t.name / "configz.json";
    Result<std::string> text = read_text(file);
    if (!text.ok())
      return io_error("the template has no kubelet configz for " + t.name + ": " +
                      text.error().message);
    configz_[t.name] = text.value();
    return text;
  }

  Status write_apps() {
    int64_t left = app_pods_;
    int64_t pod_index = 0;  // spreads pods over the workers, round robin
    for (int ns_index = 0; left > 0; ++ns_index) {
      const std::string ns = std::string(kTeams[static_cast<size_t>(ns_index) % kTeams.size()]) +
                             "-" + std::to_string(ns_index / kTeams.size() + 1);
      const int64_t ns_pods = std::min<int64_t>(left, spec_.pods_per_namespace);
      if (Status s = write_namespace(ns, ns_index, ns_pods, pod_index); !s.ok()) return s;
      left -= ns_pods;
      ++summary_.app_namespaces;
    }
    return {};
  }

  Status write_namespace(const std::string& ns, int ns_index, int64_t ns_pods, int64_t& pod_index) {
    const fs::path folder = dir_ / ns;
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return io_error("cannot create " + folder.string() + ": " + ec.message());
    ListWriter deployments(folder / "deployments.json", "DeploymentList");
    ListWriter replicasets(folder / "replicasets.json", "ReplicaSetList");
    ListWriter pods(folder / "pods.json", "PodList");
    ListWriter services(folder / "services.json", "ServiceList");
    std::vector<std::string> v(kSlotCount);
    v[kNs] = ns;
    const auto nsi = static_cast<uint64_t>(ns_index);
    int64_t placed = 0;
    for (uint64_t d = 0; placed < ns_pods; ++d) {
      const int64_t replicas =
          std::min<int64_t>(kReplicas[(d + nsi) % kReplicas.size()], ns_pods - placed);
      v[kApp] = std::string(kServices[d % kServices.size()]);
      if (d >= kServices.size()) v[kApp] += "-" + std::to_string(d / kServices.size() + 1);
      v[kHash] = unique_word(kSuffixAlphabet, 10, nsi * 1000 + d, 21);
      v[kRs] = v[kApp] + "-" + v[kHash];
      v[kN] = std::to_string(replicas);
      v[kNText] = v[kN];
      v[kNMax] = std::to_string(replicas + (replicas + 3) / 4);
      v[kDUid] = uid_of(22, nsi, d);
      v[kRsUid] = uid_of(23, nsi, d);
      v[kUid] = v[kDUid];
      apps_->deployment.fill(deployments.next(), v);
      v[kUid] = v[kRsUid];
      apps_->replicaset.fill(replicasets.next(), v);
      v[kUid] = uid_of(24, nsi, d);
      v[kIp] = "10.96." + std::to_string((nsi * 40 + d) / 250 % 256) + "." +
               std::to_string((nsi * 40 + d) % 250 + 2);
      apps_->service.fill(services.next(), v);
      for (int64_t r = 0; r < replicas; ++r, ++placed, ++pod_index) {
        const NewNode& node = worker_names_[static_cast<size_t>(pod_index) % worker_names_.size()];
        const auto slot = static_cast<uint64_t>(pod_index) / worker_names_.size();
        v[kPod] = v[kRs] + "-" +
                  unique_word(kSuffixAlphabet, 5, static_cast<uint64_t>(r), nsi * 1000 + d);
        v[kUid] = uid_of(25, static_cast<uint64_t>(pod_index));
        v[kNode] = node.name;
        v[kHostIp] = node.ip;
        v[kPodIp] = node.pod_prefix + std::to_string(slot % 250 + 3);
        v[kCid] = hex_digits(26, static_cast<uint64_t>(pod_index), 0, 64);
        v[kVol] = unique_word(kSuffixAlphabet, 5, static_cast<uint64_t>(pod_index), 27);
        apps_->pod.fill(pods.next(), v);
      }
      ++summary_.app_deployments;
    }
    for (ListWriter* w : {&deployments, &replicasets, &pods, &services}) {
      if (Status s = w->close(&summary_.bytes); !s.ok()) return s;
    }
    return {};
  }

  Status write_marker() {
    std::ofstream f(dir_ / kMarkerFile, std::ios::binary);
    f << spec_text();
    f.close();
    if (!f) return io_error("cannot write " + (dir_ / kMarkerFile).string());
    return {};
  }

  const ClusterSpec& spec_;
  fs::path dir_;
  std::vector<TemplateNode> cp_templates_, worker_templates_;
  json ks_pods_, ks_daemonsets_;
  std::optional<AppStamps> apps_;
  int64_t template_pods_ = 0;
  std::vector<std::string> pools_;
  std::vector<NewNode> new_nodes_;
  std::vector<NewNode> worker_names_;  // every worker (template's too), by name
  std::map<std::string, std::string> configz_;
  int64_t app_pods_ = 0;
  ClusterSummary summary_;
};

}  // namespace

Result<ClusterSummary> generate_cluster(const ClusterSpec& spec) {
  if (spec.pods_per_namespace <= 0) return invalid_argument("pods per namespace must be positive");
  return Generator(spec).run();
}

}  // namespace aksarc::bench
