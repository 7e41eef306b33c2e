#pragma once
// Builders for the MGD-1, PREV-1 and SCOPE cluster-check tests: a healthy AKS Arc kube-system,
// objects to break it with, and a runner that builds the CheckContext. Its own namespace keeps
// these inline helpers apart from cluster_fixtures.h's (same names, other shapes).
#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/aksarc_versions.h"
#include "core/checks/check.h"
#include "core/cluster_state.h"
#include "core/policy_data.h"

namespace aksarc::testing::kube_system {

inline json meta(const std::string& ns, const std::string& name, json labels = json::object()) {
  json m = {{"name", name}, {"labels", std::move(labels)}};
  if (!ns.empty()) m["namespace"] = ns;
  return m;
}

inline json container(const std::string& name, const std::string& image, json command = nullptr) {
  json c = {{"name", name}, {"image", image}};
  if (!command.is_null()) c["command"] = std::move(command);
  return c;
}

inline json deployment(const std::string& ns, const std::string& name, int replicas, int ready,
                       const std::string& image = "mcr.microsoft.com/oss/kubernetes/app:v1",
                       json labels = json::object()) {
  return {{"kind", "Deployment"},
          {"metadata", meta(ns, name, std::move(labels))},
          {"spec",
           {{"replicas", replicas},
            {"template", {{"spec", {{"containers", json::array({container(name, image)})}}}}}}},
          {"status", {{"replicas", replicas}, {"readyReplicas", ready}}}};
}

inline json daemonset(const std::string& ns, const std::string& name, int desired, int ready,
                      const std::string& image = "mcr.microsoft.com/oss/kubernetes/agent:v1",
                      json containers = nullptr, json labels = json::object()) {
  if (containers.is_null()) containers = json::array({container(name, image)});
  return {{"kind", "DaemonSet"},
          {"metadata", meta(ns, name, std::move(labels))},
          {"spec", {{"template", {{"spec", {{"containers", std::move(containers)}}}}}}},
          {"status", {{"desiredNumberScheduled", desired}, {"numberReady", ready}}}};
}

inline json pod(const std::string& ns, const std::string& name, const std::string& image,
                const std::string& phase = "Running", json labels = json::object()) {
  return {{"kind", "Pod"},
          {"metadata", meta(ns, name, std::move(labels))},
          {"spec", {{"containers", json::array({container(name, image)})}}},
          {"status", {{"phase", phase}}}};
}

// A kubeadm static pod "<component>-moc-node1" with the component label.
inline json static_pod(const std::string& component, const std::string& phase = "Running",
                       json command = nullptr) {
  json p =
      pod("kube-system", component + "-moc-node1", "ecpacr.azurecr.io/" + component + ":v1.30.4",
          phase, {{"component", component}, {"tier", "control-plane"}});
  if (command.is_null()) command = json::array({component});
  p["spec"]["containers"][0]["name"] = component;
  p["spec"]["containers"][0]["command"] = std::move(command);
  return p;
}

inline json configmap(const std::string& ns, const std::string& name, json data) {
  return {{"kind", "ConfigMap"}, {"metadata", meta(ns, name)}, {"data", std::move(data)}};
}

// A managedFields entry.
inline json manager(const std::string& name, const std::string& operation,
                    const std::string& time = "2026-11-20T10:00:00Z") {
  return {{"manager", name},
          {"operation", operation},
          {"time", time},
          {"fieldsType", "FieldsV1"},
          {"fieldsV1", json::object()}};
}

// Adds `entry` to the managedFields of the object named `name` in `list`.
inline void add_manager(json& list, const std::string& name, json entry) {
  for (json& o : list) {
    if (o["metadata"]["name"] == name) o["metadata"]["managedFields"].push_back(std::move(entry));
  }
}

inline void set_list(ClusterState& state, const ResourceKey& key, json items) {
  state.lists[key].items = std::move(items);
  state.lists[key].error.reset();
}

inline void forbid(ClusterState& state, const ResourceKey& key) {
  state.lists[key].items = json::array();
  state.lists[key].error = Error{ErrorCode::kForbidden, "forbidden: User \"jane\" cannot list"};
}

// A healthy AKS Arc kube-system as the AKS hybrid listing shows it, written by its controllers.
inline ClusterState healthy_state() {
  ClusterState s;
  s.source = "test";
  s.version = json{{"gitVersion", "v1.30.4"}};
  const std::string mcr = "mcr.microsoft.com/oss/kubernetes/";
  json deployments = json::array({deployment("kube-system", "coredns", 2, 2, mcr + "coredns:v1.11"),
                                  deployment("kube-system", "csi-akshcicsi-controller", 1, 1),
                                  deployment("kube-system", "moc-cloud-controller-manager", 1, 1),
                                  deployment("kube-system", "calico-kube-controllers", 1, 1)});
  json daemonsets = json::array({daemonset("kube-system", "kube-proxy", 2, 2),
                                 daemonset("kube-system", "csi-akshcicsi-node", 2, 2),
                                 daemonset("kube-system", "calico-node", 2, 2)});
  for (json* list : {&deployments, &daemonsets}) {
    for (json& o : *list) {
      o["metadata"]["managedFields"] = json::array({manager("cluster-api", "Update")});
    }
  }
  json pods = json::array();
  for (const char* c : {"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"}) {
    pods.push_back(static_pod(c));
  }
  pods.push_back(pod("kube-system", "coredns-7489c675f5-84xcz", mcr + "coredns:v1.11"));
  json configmaps = json::array({configmap("kube-system", "coredns", {{"Corefile", ".:53 {}"}}),
                                 configmap("kube-system", "coredns-custom", json::object())});
  configmaps[0]["metadata"]["managedFields"] = json::array({manager("cluster-api", "Update")});
  set_list(s, resources::deployments("kube-system"), std::move(deployments));
  set_list(s, resources::daemonsets("kube-system"), std::move(daemonsets));
  set_list(s, resources::pods("kube-system"), std::move(pods));
  set_list(s, resources::configmaps("kube-system"), std::move(configmaps));
  return s;
}

// The embedded policy data, loaded once.
inline const PolicyData& policy_data() {
  static const std::shared_ptr<const PolicyData> loaded = [] {
    auto r = load_embedded_policy_data();
    REQUIRE(r.ok());
    return r.value();
  }();
  return *loaded;
}

// Runs one check the way the report does. The version table is empty: these checks never read
// it.
inline std::vector<CheckResult> run(const Check& check, const ClusterState& state,
                                    Platform platform = Platform::kAzureLocal) {
  static const AksArcVersions versions;
  CheckContext ctx{policy_data(), versions, platform, false, CivilDate{2026, 11, 25}, nullptr};
  std::vector<CheckResult> out;
  check.run(state, ctx, out);
  REQUIRE_FALSE(out.empty());
  for (const CheckResult& r : out) {
    CHECK(r.check_id == check.id());
    CHECK(r.rule == check.rule());
  }
  return out;
}

// The check with `id` from a family, or fails the test.
inline const Check& check_named(const std::vector<std::unique_ptr<Check>>& family,
                                std::string_view id) {
  for (const auto& c : family) {
    if (c->id() == id) return *c;
  }
  FAIL("no check " << id);
  throw std::logic_error("unreachable");
}

inline size_t count_status(const std::vector<CheckResult>& results, CheckStatus status) {
  size_t n = 0;
  for (const CheckResult& r : results) n += r.status == status ? 1 : 0;
  return n;
}

inline const CheckResult* first_with(const std::vector<CheckResult>& results, CheckStatus status) {
  for (const CheckResult& r : results) {
    if (r.status == status) return &r;
  }
  return nullptr;
}

// True when some evidence has this name and its field contains `field_part`.
inline bool has_evidence(const CheckResult& r, const std::string& name,
                         const std::string& field_part) {
  for (const Evidence& e : r.evidence) {
    if (e.name == name && e.field.find(field_part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace aksarc::testing::kube_system
