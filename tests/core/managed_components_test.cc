#include "core/rules/managed_components.h"

#include <doctest/doctest.h>

#include "test_support.h"

using namespace aksarc::testing;
using aksarc::json;

namespace {
size_t count(const json& req, const std::string& yaml = "clusterVersion: \"1.30\"\n") {
  auto rule = aksarc::make_managed_components_rule();
  return findings_of(*rule, req, *policy(yaml)).size();
}
json obj(const std::string& name) { return {{"metadata", {{"name", name}}}}; }
json deploy(json template_annotations, const std::string& image = "coredns:1") {
  json d = {
      {"metadata", {{"name", "coredns"}, {"generation", 1}, {"resourceVersion", "1"}}},
      {"spec", {{"template", {{"spec", {{"containers", {{{"name", "c"}, {"image", image}}}}}}}}}}};
  if (!template_annotations.is_null()) {
    d["spec"]["template"]["metadata"] = {{"annotations", template_annotations}};
  }
  return d;
}
}  // namespace

TEST_CASE("writes in system namespaces are findings; elsewhere they are not") {
  auto admin = user("kubernetes-admin", {"system:masters"});
  CHECK(count(request("CREATE", "configmaps", "ConfigMap", "kube-system", "x", admin, obj("x"))) ==
        1);
  CHECK(count(request("UPDATE", "configmaps", "ConfigMap", "azure-arc", "x", admin, obj("x"),
                      obj("x"))) == 1);
  CHECK(count(request("DELETE", "secrets", "Secret", "kube-system", "x", admin, nullptr,
                      obj("x"))) == 1);
  CHECK(count(request("CREATE", "configmaps", "ConfigMap", "default", "x", admin, obj("x"))) == 0);
  CHECK(count(request("CONNECT", "pods", "PodExecOptions", "kube-system", "p", admin,
                      json::object(), nullptr, "exec")) == 0);
  CHECK(count(request("DELETE", "namespaces", "Namespace", "", "kube-system", admin, nullptr,
                      obj("kube-system"))) == 1);
  // Configured namespaces replace the defaults.
  CHECK(count(request("CREATE", "configmaps", "ConfigMap", "calico-system", "x", admin, obj("x")),
              "systemNamespaces: [calico-system]\n") == 1);
  CHECK(count(request("CREATE", "configmaps", "ConfigMap", "kube-system", "x", admin, obj("x")),
              "systemNamespaces: [calico-system]\n") == 0);
}

TEST_CASE("the allow-list keeps everyday operations working") {
  auto op = user("alice");
  CHECK(count(request("DELETE", "pods", "Pod", "kube-system", "p", op, nullptr, obj("p"))) == 0);
  CHECK(count(request("CREATE", "pods", "Eviction", "kube-system", "p", op, obj("p"), nullptr,
                      "eviction")) == 0);
  CHECK(count(request("UPDATE", "configmaps", "ConfigMap", "kube-system", "coredns-custom", op,
                      obj("coredns-custom"), obj("coredns-custom"))) == 0);
  // The pod allowance is for deleting the pod, not for its subresources or other verbs.
  CHECK(count(request("UPDATE", "pods", "Pod", "kube-system", "p", op, obj("p"), obj("p"))) == 1);
  CHECK(count(request("DELETE", "pods", "Pod", "kube-system", "p", op, nullptr, obj("p"),
                      "status")) == 1);
  // coredns-custom only in kube-system.
  CHECK(count(request("UPDATE", "configmaps", "ConfigMap", "azure-arc", "coredns-custom", op,
                      obj("coredns-custom"), obj("coredns-custom"))) == 1);
  // An emptied allow-list allows nothing.
  CHECK(count(request("DELETE", "pods", "Pod", "kube-system", "p", op, nullptr, obj("p")),
              "managedComponentsAllow: []\n") == 1);
}

TEST_CASE("kubectl rollout restart is recognised exactly") {
  auto op = user("alice");
  const json plain = deploy(nullptr);
  const json restarted = deploy({{"kubectl.kubernetes.io/restartedAt", "2026-11-25T10:00:00Z"}});
  auto upd = [&](const json& after, const json& before) {
    return request("UPDATE", "deployments", "Deployment", "kube-system", "coredns", op, after,
                   before);
  };
  CHECK(count(upd(restarted, plain)) == 0);
  json again = deploy({{"kubectl.kubernetes.io/restartedAt", "2026-11-25T11:00:00Z"}});
  CHECK(count(upd(again, restarted)) == 0);
  json bumped = restarted;
  bumped["metadata"]["generation"] = 2;
  bumped["metadata"]["managedFields"] = json::array({{{"manager", "kubectl-rollout"}}});
  CHECK(count(upd(bumped, plain)) == 0);
  // Anything else changed alongside is not a restart.
  CHECK(count(upd(deploy({{"kubectl.kubernetes.io/restartedAt", "t"}}, "evil:1"), plain)) == 1);
  CHECK(count(upd(deploy({{"kubectl.kubernetes.io/restartedAt", "t"}, {"other", "x"}}), plain)) ==
        1);
  CHECK(count(upd(plain, plain)) == 1);  // no-op update is still a write by a person
  CHECK(count(upd(restarted, restarted)) == 1);
  CHECK(count(upd(restarted, plain), "allowRolloutRestart: false\n") == 1);
}
