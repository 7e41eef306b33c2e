#include "tests/apiserver/tables.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>
#include <vector>

#include "core/json_access.h"
#include "tests/apiserver/object_text.h"

namespace aksarc::testapi {
namespace {

// ---------------------------------------------------------------------------------------------
// Table cells, computed the way kubectl's printers do.

std::optional<std::time_t> parse_timestamp(const std::string& ts) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(ts.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return timegm(&tm);
}

std::string human_duration(long long secs) {
  if (secs < -1) return "<invalid>";
  if (secs < 0) return "0s";
  auto with = [](long long a, const char* ua, long long b, const char* ub) {
    return std::to_string(a) + ua + (b == 0 ? "" : std::to_string(b) + ub);
  };
  const long long mins = secs / 60, hours = secs / 3600, days = hours / 24;
  if (secs < 120) return std::to_string(secs) + "s";
  if (mins < 10) return with(mins, "m", secs % 60, "s");
  if (mins < 180) return std::to_string(mins) + "m";
  if (hours < 8) return with(hours, "h", mins % 60, "m");
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) return with(days, "d", hours % 24, "h");
  if (hours < 24 * 365 * 2) return std::to_string(days) + "d";
  if (hours < 24 * 365 * 8) return with(days / 365, "y", days % 365, "d");
  return std::to_string(days / 365) + "y";
}

std::string age(const json& obj) {
  const std::optional<std::time_t> created = parse_timestamp(meta_string(obj, "creationTimestamp"));
  if (!created) return "<unknown>";
  return human_duration(static_cast<long long>(std::time(nullptr) - *created));
}

std::string node_status(const json& node) {
  std::string status = "Unknown";
  if (const json* conds = path(node, {"status", "conditions"}); conds && conds->is_array()) {
    for (const json& c : *conds) {
      if (string_member(c, "type") != "Ready") continue;
      const std::string_view s = string_member(c, "status");
      status = s == "True" ? "Ready" : s == "False" ? "NotReady" : "Unknown";
    }
  }
  const json* spec = object_member(node, "spec");
  if (spec && bool_member(*spec, "unschedulable").value_or(false)) status += ",SchedulingDisabled";
  return status;
}

std::string node_roles(const json& node) {
  std::vector<std::string> roles;
  if (const json* labels = label_map(node)) {
    for (const auto& [key, value] : labels->items()) {
      static const std::string kPrefix = "node-role.kubernetes.io/";
      if (key.rfind(kPrefix, 0) == 0 && key.size() > kPrefix.size()) {
        roles.push_back(key.substr(kPrefix.size()));
      } else if (key == "kubernetes.io/role" && !as_string(value).empty()) {
        roles.emplace_back(as_string(value));
      }
    }
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  if (roles.empty()) return "<none>";
  std::string out;
  for (const std::string& r : roles) out += (out.empty() ? "" : ",") + r;
  return out;
}

std::string node_address(const json& node, std::string_view type) {
  if (const json* addrs = path(node, {"status", "addresses"}); addrs && addrs->is_array()) {
    for (const json& a : *addrs) {
      if (string_member(a, "type") == type) return std::string(string_member(a, "address"));
    }
  }
  return "<none>";
}

std::string node_info(const json& node, std::string_view key) {
  const json* info = path(node, {"status", "nodeInfo"});
  const std::string value = info ? std::string(string_member(*info, key)) : "";
  return value.empty() ? "<unknown>" : value;
}

json node_cells(const json& node) {
  return {meta_string(node, "name"),
          node_status(node),
          node_roles(node),
          age(node),
          node_info(node, "kubeletVersion"),
          node_address(node, "InternalIP"),
          node_address(node, "ExternalIP"),
          node_info(node, "osImage"),
          node_info(node, "kernelVersion"),
          node_info(node, "containerRuntimeVersion")};
}

struct PodCounts {
  int total = 0;
  int ready = 0;
  long long restarts = 0;
  bool running = false;
  std::string reason;
};

PodCounts count_containers(const json& pod) {
  PodCounts c;
  if (const json* containers = path(pod, {"spec", "containers"});
      containers && containers->is_array()) {
    c.total = static_cast<int>(containers->size());
  }
  const json* statuses = path(pod, {"status", "containerStatuses"});
  if (statuses == nullptr || !statuses->is_array()) return c;
  for (const json& st : *statuses) {
    if (const json* rc = member(st, "restartCount"); rc && rc->is_number_integer()) {
      c.restarts += rc->get<long long>();
    }
    const json* waiting = path(st, {"state", "waiting"});
    const json* terminated = path(st, {"state", "terminated"});
    if (waiting && !string_member(*waiting, "reason").empty()) {
      c.reason = string_member(*waiting, "reason");
    } else if (terminated && !string_member(*terminated, "reason").empty()) {
      c.reason = string_member(*terminated, "reason");
    } else if (path(st, {"state", "running"}) && bool_member(st, "ready").value_or(false)) {
      c.running = true;
    }
    if (bool_member(st, "ready").value_or(false)) ++c.ready;
  }
  return c;
}

json pod_cells(const json& pod) {
  const PodCounts c = count_containers(pod);
  const json* status = object_member(pod, "status");
  std::string reason = status ? std::string(string_member(*status, "phase")) : "";
  if (status && !string_member(*status, "reason").empty())
    reason = string_member(*status, "reason");
  if (!c.reason.empty()) reason = c.reason;
  if (reason == "Completed" && c.running) reason = "Running";
  if (!meta_string(pod, "deletionTimestamp").empty()) reason = "Terminating";
  const json* spec = object_member(pod, "spec");
  const std::string node = spec ? std::string(string_member(*spec, "nodeName")) : "";
  const std::string ip = status ? std::string(string_member(*status, "podIP")) : "";
  return {meta_string(pod, "name"),
          std::to_string(c.ready) + "/" + std::to_string(c.total),
          reason,
          c.restarts,
          age(pod),
          ip.empty() ? "<none>" : ip,
          node.empty() ? "<none>" : node,
          "<none>",
          "<none>"};
}

long long int_at(const json& obj, std::initializer_list<std::string_view> keys) {
  const json* v = path(obj, keys);
  return v && v->is_number_integer() ? v->get<long long>() : 0;
}

std::string node_selector(const json& ds) {
  const json* sel = path(ds, {"spec", "template", "spec", "nodeSelector"});
  if (sel == nullptr || !sel->is_object() || sel->empty()) return "<none>";
  std::string out;
  for (const auto& [key, value] : sel->items()) {
    out += (out.empty() ? "" : ",") + key + "=" + std::string(as_string(value));
  }
  return out;
}

// Cells for the apps/v1 workloads and ConfigMaps, or null for the generic NAME/AGE.
json workload_cells(const ResourceType& type, const json& obj) {
  const std::string name = meta_string(obj, "name");
  if (type.group == "apps" && type.name == "deployments") {
    return {name,
            std::to_string(int_at(obj, {"status", "readyReplicas"})) + "/" +
                std::to_string(int_at(obj, {"spec", "replicas"})),
            int_at(obj, {"status", "updatedReplicas"}),
            int_at(obj, {"status", "availableReplicas"}), age(obj)};
  }
  if (type.group == "apps" && type.name == "daemonsets") {
    return {name,
            int_at(obj, {"status", "desiredNumberScheduled"}),
            int_at(obj, {"status", "currentNumberScheduled"}),
            int_at(obj, {"status", "numberReady"}),
            int_at(obj, {"status", "updatedNumberScheduled"}),
            int_at(obj, {"status", "numberAvailable"}),
            node_selector(obj),
            age(obj)};
  }
  if (type.group == "apps" && type.name == "replicasets") {
    return {name, int_at(obj, {"spec", "replicas"}), int_at(obj, {"status", "replicas"}),
            int_at(obj, {"status", "readyReplicas"}), age(obj)};
  }
  if (type.group.empty() && type.name == "configmaps") {
    const json* data = object_member(obj, "data");
    const json* binary = object_member(obj, "binaryData");
    return {name, (data ? data->size() : 0) + (binary ? binary->size() : 0), age(obj)};
  }
  return nullptr;
}

json column(const std::string& name, const std::string& type, const std::string& description,
            int priority = 0) {
  return {{"name", name},
          {"type", type},
          {"format", name == "Name" ? "name" : ""},
          {"description", description},
          {"priority", priority}};
}

json workload_columns(const ResourceType& type, const json& name, const json& age_col) {
  auto count = [](const char* title, const char* what) { return column(title, "integer", what); };
  if (type.group == "apps" && type.name == "deployments") {
    return {name, column("Ready", "string", "Number of the pod with ready state"),
            count("Up-to-date", "Total number of non-terminated pods with the desired template."),
            count("Available", "Number of available pods."), age_col};
  }
  if (type.group == "apps" && type.name == "daemonsets") {
    return {name,
            count("Desired", "The total number of nodes that should run the daemon pod."),
            count("Current", "The number of nodes running at least one daemon pod."),
            count("Ready", "The number of nodes that have a ready daemon pod."),
            count("Up-to-date", "The number of nodes running the updated daemon pod."),
            count("Available", "The number of nodes with an available daemon pod."),
            column("Node Selector", "string", "The node selector of the daemon pods."),
            age_col};
  }
  if (type.group == "apps" && type.name == "replicasets") {
    return {name, count("Desired", "Number of desired pods."),
            count("Current", "Number of actually replicas."),
            count("Ready", "The number of ready replicas."), age_col};
  }
  if (type.group.empty() && type.name == "configmaps") {
    return {name, count("Data", "Number of keys in the ConfigMap."), age_col};
  }
  return {name, age_col};
}

}  // namespace

json columns_for(const ResourceType& type) {
  const json name = column("Name", "string", "Name must be unique within a namespace.");
  const json age_col = column("Age", "string", "CreationTimestamp of the object.");
  if (type.group.empty() && type.name == "nodes") {
    return {name,
            column("Status", "string", "The status of the node"),
            column("Roles", "string", "The roles of the node"),
            age_col,
            column("Version", "string", "Kubelet Version reported by the node."),
            column("Internal-IP", "string", "List of internal IPs for the node.", 1),
            column("External-IP", "string", "List of external IPs for the node.", 1),
            column("OS-Image", "string", "OS Image reported by the node.", 1),
            column("Kernel-Version", "string", "Kernel Version reported by the node.", 1),
            column("Container-Runtime", "string", "Container Runtime Version.", 1)};
  }
  if (type.group.empty() && type.name == "pods") {
    return {name,
            column("Ready", "string", "The aggregate readiness state of this pod."),
            column("Status", "string", "The aggregate status of the containers in this pod."),
            column("Restarts", "integer", "The number of times the containers have restarted."),
            age_col,
            column("IP", "string", "IP address allocated to the pod.", 1),
            column("Node", "string", "Name of the node the pod is assigned to.", 1),
            column("Nominated Node", "string", "Nominated node name.", 1),
            column("Readiness Gates", "string", "Pod readiness gates.", 1)};
  }
  if (type.group.empty() && type.name == "namespaces") {
    return {name, column("Status", "string", "The status of the namespace"), age_col};
  }
  return workload_columns(type, name, age_col);
}

json cells_for(const ResourceType& type, const json& obj) {
  if (type.group.empty() && type.name == "nodes") return node_cells(obj);
  if (type.group.empty() && type.name == "pods") return pod_cells(obj);
  if (type.group.empty() && type.name == "namespaces") {
    const json* status = object_member(obj, "status");
    return {meta_string(obj, "name"), status ? std::string(string_member(*status, "phase")) : "",
            age(obj)};
  }
  json workload = workload_cells(type, obj);
  if (!workload.is_null()) return workload;
  return {meta_string(obj, "name"), age(obj)};
}

json partial_metadata(const json& obj, const std::string& meta_version) {
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/" + meta_version},
          {"metadata", metadata_of(obj)}};
}

}  // namespace aksarc::testapi
