#include "core/actors.h"

#include <doctest/doctest.h>

#include "test_support.h"

using namespace aksarc::testing;

namespace {
bool exempt(const aksarc::json& req, const std::string& yaml = "clusterVersion: \"1.30\"\n") {
  auto p = policy(yaml);
  auto r = aksarc::read_admission_request(req);
  REQUIRE(r.ok());
  return aksarc::is_system_actor(r.value(), p->config());
}
aksarc::json node_req(const aksarc::json& who, const std::string& node = "n1") {
  return request("UPDATE", "nodes", "Node", "", node, who);
}
}  // namespace

TEST_CASE("a kubelet is exempt for its own node only, and only with system:nodes") {
  CHECK(exempt(node_req(user("system:node:n1", {"system:nodes"}))));
  CHECK_FALSE(exempt(node_req(user("system:node:n2", {"system:nodes"}))));
  CHECK_FALSE(exempt(node_req(user("system:node:n1", {"system:authenticated"}))));
  CHECK_FALSE(exempt(node_req(user("system:node:", {"system:nodes"}), "")));
  // Writing its pods' status or events is not about another node.
  CHECK(exempt(request("UPDATE", "pods", "Pod", "kube-system", "p",
                       user("system:node:n1", {"system:nodes"}))));
}

TEST_CASE("control-plane components and system service accounts are exempt") {
  CHECK(exempt(node_req(user("system:kube-controller-manager"))));
  CHECK(exempt(node_req(user("system:kube-scheduler"))));
  CHECK(exempt(node_req(user("system:apiserver"))));
  CHECK(exempt(node_req(user("system:serviceaccount:kube-system:node-controller"))));
  CHECK(exempt(node_req(user("system:serviceaccount:azure-arc:config-agent"))));
  CHECK_FALSE(exempt(node_req(user("system:serviceaccount:default:builder"))));
  CHECK_FALSE(exempt(node_req(user("system:serviceaccount:kube-system"))));  // malformed
  CHECK_FALSE(exempt(node_req(user("system:kube-controller-manager-impostor"))));
}

TEST_CASE("system:masters is not exempt unless configured") {
  auto admin = user("kubernetes-admin", {"system:masters", "system:authenticated"});
  CHECK_FALSE(exempt(node_req(admin)));
  CHECK(exempt(node_req(admin), "exemptions:\n  groups: [system:masters]\n"));
  CHECK(exempt(node_req(user("ops")), "exemptions:\n  users: [ops]\n"));
  CHECK(exempt(node_req(user("system:serviceaccount:flux-system:kustomize-controller")),
               "exemptions:\n  serviceAccounts: [\"flux-system:*\"]\n"));
  CHECK(exempt(node_req(user("system:serviceaccount:tools:a")),
               "exemptions:\n  serviceAccounts: [\"tools:a\"]\n"));
  CHECK_FALSE(exempt(node_req(user("system:serviceaccount:tools:b")),
                     "exemptions:\n  serviceAccounts: [\"tools:a\"]\n"));
  CHECK_FALSE(exempt(node_req(user(""))));
}

TEST_CASE("the CNI is never blocked: Calico's operator namespaces are exempt by default") {
  CHECK(exempt(node_req(user("system:serviceaccount:calico-system:calico-node"))));
  CHECK(exempt(node_req(user("system:serviceaccount:tigera-operator:tigera-operator"))));
  // An explicit exemption list replaces the defaults (lists are replaced, not merged).
  CHECK_FALSE(exempt(node_req(user("system:serviceaccount:calico-system:calico-node")),
                     "exemptions:\n  serviceAccounts: [\"tools:a\"]\n"));
}
