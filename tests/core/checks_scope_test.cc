// SCOPE-2/3 and support-webhook cluster checks (core/checks/scope.cc).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "core/checks/registry.h"
#include "kube_system_fixtures.h"

namespace aksarc {
namespace {

using namespace aksarc::testing::kube_system;

const std::vector<std::unique_ptr<Check>>& family() {
  static const auto checks = make_scope_checks();
  return checks;
}

ClusterState with_all_namespaces(json deployments, json daemonsets) {
  ClusterState state;
  set_list(state, resources::deployments(""), std::move(deployments));
  set_list(state, resources::daemonsets(""), std::move(daemonsets));
  return state;
}

TEST_CASE("cni: calico and flannel pass, cilium warns, none is unknown") {
  const Check& check = check_named(family(), "cni");
  ClusterState state = with_all_namespaces(
      json::array(), json::array({daemonset("kube-system", "calico-node", 2, 2),
                                  daemonset("kube-system", "kube-proxy", 2, 2)}));
  auto calico = run(check, state);
  REQUIRE(calico.size() == 1);
  CHECK(calico[0].status == CheckStatus::kPass);
  CHECK(calico[0].message.find("calico") != std::string::npos);

  state.lists[resources::daemonsets("")].items.push_back(daemonset("kube-system", "cilium", 2, 2));
  auto cilium = run(check, state);
  REQUIRE(cilium.size() == 1);
  CHECK(cilium[0].status == CheckStatus::kWarn);
  CHECK(cilium[0].message.find("not supported by AKS Arc support: cilium") != std::string::npos);
  CHECK(has_evidence(cilium[0], "cilium", "metadata.name"));

  set_list(state, resources::daemonsets(""),
           json::array({daemonset("kube-flannel", "kube-flannel-ds", 2, 2)}));
  CHECK(run(check, state).front().status == CheckStatus::kPass);
  set_list(state, resources::daemonsets(""),
           json::array({daemonset("kube-system", "kube-proxy", 2, 2)}));
  CHECK(run(check, state).front().status == CheckStatus::kUnknown);
  forbid(state, resources::daemonsets(""));
  CHECK(run(check, state).front().status == CheckStatus::kUnknown);
}

TEST_CASE("third-party-software: Istio and Helm releases are info; Arc agents are not") {
  const Check& check = check_named(family(), "third-party-software");
  ClusterState state =
      with_all_namespaces(json::array({deployment("azure-arc", "config-agent", 1, 1,
                                                  "mcr.microsoft.com/azurearck8s/config-agent:1",
                                                  {{"app.kubernetes.io/managed-by", "Helm"}}),
                                       deployment("kube-system", "coredns", 2, 2)}),
                          json::array());
  CHECK(run(check, state).front().status == CheckStatus::kPass);

  state.lists[resources::deployments("")].items.push_back(
      deployment("istio-system", "istiod", 1, 1, "docker.io/istio/pilot:1.22"));
  state.lists[resources::deployments("")].items.push_back(deployment(
      "shop", "web", 2, 2, "nginx",
      {{"app.kubernetes.io/managed-by", "Helm"}, {"app.kubernetes.io/instance", "shop"}}));
  auto results = run(check, state);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kInfo);
  CHECK(results[0].message.find("Istio") != std::string::npos);
  CHECK(results[0].message.find("Helm release shop (namespace shop)") != std::string::npos);
  CHECK(has_evidence(results[0], "istiod", "metadata.name"));
  CHECK_FALSE(has_evidence(results[0], "config-agent", "metadata.name"));
}

// An installed, healthy webhook as issue 4's manifests describe it.
ClusterState webhook_state(int replicas, int ready, int timeout) {
  ClusterState state;
  json hook = {
      {"name", "mgd.aksarc-support.io"},
      {"clientConfig",
       {{"service", {{"namespace", "aksarc-support"}, {"name", "aksarc-support"}}}}},
      {"failurePolicy", "Fail"},
      {"timeoutSeconds", timeout},
      {"namespaceSelector",
       {{"matchExpressions", json::array({{{"key", "kubernetes.io/metadata.name"},
                                           {"operator", "NotIn"},
                                           {"values", json::array({"aksarc-support"})}}})}}}};
  json vwc = {{"kind", "ValidatingWebhookConfiguration"},
              {"metadata", meta("", "aksarc-support-webhook")},
              {"webhooks", json::array({hook})}};
  set_list(state, resources::validating_webhook_configurations(), json::array({vwc}));
  set_list(state, resources::deployments("aksarc-support"),
           json::array({deployment("aksarc-support", "aksarc-support-webhook", replicas, ready)}));
  set_list(state, resources::configmaps("aksarc-support"),
           json::array({configmap("aksarc-support", "aksarc-support-webhook-config",
                                  {{"policy.yaml", "rules:\n  NODE-2: warn\n  MGD-1: deny\n"}})}));
  return state;
}

TEST_CASE("support-webhook: absent is info naming the install command") {
  const Check& check = check_named(family(), "support-webhook");
  ClusterState state;
  set_list(state, resources::validating_webhook_configurations(),
           json::array({{{"metadata", meta("", "gatekeeper-validating-webhook-configuration")}}}));
  auto results = run(check, state);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kInfo);
  CHECK(results[0].message.find("not installed") != std::string::npos);
  CHECK(results[0].remediation.find("kubectl aksarc-support install") != std::string::npos);
  forbid(state, resources::validating_webhook_configurations());
  CHECK(run(check, state).front().status == CheckStatus::kUnknown);
}

TEST_CASE("support-webhook: installed and ready passes, with its mode") {
  const Check& check = check_named(family(), "support-webhook");
  auto results = run(check, webhook_state(2, 2, 3));
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kPass);
  CHECK(results[0].message.find("NODE-2 warn, MGD-1 deny") != std::string::npos);
  CHECK(results[0].message.find("2/2 replicas ready") != std::string::npos);
}

TEST_CASE("support-webhook: not ready, single replica or slow timeout warns") {
  const Check& check = check_named(family(), "support-webhook");
  auto not_ready = run(check, webhook_state(2, 0, 3));
  CHECK(not_ready.front().status == CheckStatus::kWarn);
  CHECK(has_evidence(not_ready.front(), "aksarc-support-webhook", "status.readyReplicas"));
  auto single = run(check, webhook_state(1, 1, 3));
  CHECK(single.front().status == CheckStatus::kWarn);
  auto slow = run(check, webhook_state(2, 2, 10));
  CHECK(slow.front().status == CheckStatus::kWarn);
  CHECK(has_evidence(slow.front(), "aksarc-support-webhook", "timeoutSeconds"));

  // Found by its service namespace when renamed; ConfigMap unreadable: mode unknown, still pass.
  ClusterState renamed = webhook_state(3, 3, 2);
  renamed.lists[resources::validating_webhook_configurations()].items[0]["metadata"]["name"] =
      "aksarc-support-prod";
  forbid(renamed, resources::configmaps("aksarc-support"));
  auto r = run(check, renamed);
  CHECK(r.front().status == CheckStatus::kPass);
  CHECK(r.front().message.find("mode unknown") != std::string::npos);
}

// The objects of a rendered manifest file as the API server returns them: YAML scalars that
// are numbers or booleans become JSON numbers and booleans (replicas, timeoutSeconds ...).
json api_json(const YAML::Node& node) {
  if (node.IsMap()) {
    json out = json::object();
    for (const auto& kv : node) out[kv.first.Scalar()] = api_json(kv.second);
    return out;
  }
  if (node.IsSequence()) {
    json out = json::array();
    for (const auto& item : node) out.push_back(api_json(item));
    return out;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {  // unquoted
    if (text == "true" || text == "false") return text == "true";
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
      return std::stoll(text);
    }
  }
  return text;
}

// What the cluster shows after `kubectl aksarc-support install --mode M --cert-manager | kubectl
// apply -f -` and the rollout: the rendered objects, the Deployment's replicas ready.
ClusterState installed(const std::string& variant) {
  std::ifstream in(std::string(AKSARC_TESTDATA_DIR) + "/../../manifests/rendered/" + variant +
                   ".yaml");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  json vwcs = json::array(), deployments = json::array(), configmaps = json::array();
  for (const YAML::Node& doc : YAML::LoadAll(text.str())) {
    json object = api_json(doc);
    std::string kind = object.value("kind", "");
    if (kind == "ValidatingWebhookConfiguration") vwcs.push_back(object);
    if (kind == "ConfigMap") configmaps.push_back(object);
    if (kind == "Deployment") {
      object["status"] = {{"replicas", object["spec"]["replicas"]},
                          {"readyReplicas", object["spec"]["replicas"]}};
      deployments.push_back(object);
    }
  }
  ClusterState state;
  set_list(state, resources::validating_webhook_configurations(), vwcs);
  set_list(state, resources::deployments("aksarc-support"), deployments);
  set_list(state, resources::configmaps("aksarc-support"), configmaps);
  return state;
}

TEST_CASE("support-webhook recognises what `install` deploys, in each mode") {
  const Check& check = check_named(family(), "support-webhook");
  auto enforce = run(check, installed("enforce-cert-manager"));
  REQUIRE(enforce.size() == 1);
  INFO(enforce[0].message);
  CHECK(enforce[0].status == CheckStatus::kPass);
  CHECK(enforce[0].message.find("NODE-2 deny") != std::string::npos);
  CHECK(enforce[0].message.find("2/2 replicas ready") != std::string::npos);
  auto warn = run(check, installed("warn-self-signed-no-match-conditions"));
  REQUIRE(warn.size() == 1);
  INFO(warn[0].message);
  CHECK(warn[0].status == CheckStatus::kPass);
  CHECK(warn[0].message.find("NODE-2 warn") != std::string::npos);
}

}  // namespace
}  // namespace aksarc
