// Platform detection (core/platform.h) on built AKS Arc states and on real node lists of other
// distributions (tests/testdata/clusters/samples/).
#include "core/platform.h"

#include <doctest/doctest.h>

#include "ver_node_life_fixtures.h"

namespace aksarc {
namespace {

using namespace aksarc::testing::vnl;

bool mentions(const PlatformDetection& d, const std::string& text) {
  for (const auto& s : d.signals) {
    if (s.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("real kind, kubeadm and AKS (cloud) node lists are not AKS Arc") {
  for (const char* file :
       {"kind-1.20-nodes.json", "kubeadm-1.19-nodes.json", "aks-1.18-get-nodes.json"}) {
    INFO(file);
    PlatformDetection d = detect_platform(state_from_samples(file));
    CHECK(d.platform == Platform::kNotAksArc);
    CHECK(mentions(d, "no node named moc-*"));
  }
}

TEST_CASE("Azure Local: AKS Arc nodes plus a provisioned-cluster Arc configuration") {
  PlatformDetection d = detect_platform(healthy_azure_local());
  CHECK(d.platform == Platform::kAzureLocal);
  CHECK(mentions(d, "3 of 3 nodes named moc-*"));
  CHECK(mentions(d, "providerID moc://"));
  CHECK(mentions(d, "msft.microsoft/ labels"));
  CHECK(mentions(d, "moc-cloud-controller-manager"));
  CHECK(mentions(d, "CLUSTER_TYPE=ProvisionedClusters"));
}

TEST_CASE("AKS Arc without anything that tells the platforms apart is unknown") {
  ClusterState s = healthy_azure_local();
  s.lists.erase(resources::configmaps("azure-arc"));
  PlatformDetection d = detect_platform(s);
  CHECK(d.platform == Platform::kUnknown);
  CHECK(mentions(d, "nothing tells Azure Local from Windows Server"));
  CHECK(mentions(d, "Azure Arc agents present"));

  // `az connectedk8s show` of an AKS Arc provisioned cluster settles it.
  json arc = {{"kind", "ProvisionedCluster"}, {"connectivityStatus", "Connected"}};
  CHECK(detect_platform(s, &arc).platform == Platform::kAzureLocal);
}

TEST_CASE("Windows Server: no Arc agents, or AksHci kubelet packaging") {
  ClusterState s = healthy_azure_local();
  s.lists.erase(resources::configmaps("azure-arc"));
  s.lists[resources::deployments("azure-arc")].items = json::array();
  PlatformDetection d = detect_platform(s);
  CHECK(d.platform == Platform::kWindowsServer);
  CHECK(mentions(d, "always Arc-connected"));

  ClusterState kva = healthy_azure_local();
  kva.lists.erase(resources::configmaps("azure-arc"));
  node_at(kva, 1)["status"]["nodeInfo"]["kubeletVersion"] = "v1.28.5-kvapkg.1";
  PlatformDetection k = detect_platform(kva);
  CHECK(k.platform == Platform::kWindowsServer);
  CHECK(mentions(k, "1 of 3 nodes report a -kvapkg kubelet version"));

  // Both kinds of sign at once: do not guess.
  ClusterState both = healthy_azure_local();
  node_at(both, 1)["status"]["nodeInfo"]["kubeletVersion"] = "v1.28.5-kvapkg.1";
  PlatformDetection b = detect_platform(both);
  CHECK(b.platform == Platform::kUnknown);
  CHECK(mentions(b, "signs of both"));
}

TEST_CASE("kube-system components alone identify AKS Arc; unreadable nodes are unknown") {
  ClusterState s;
  s.lists[resources::nodes()].error = Error{ErrorCode::kForbidden, "nodes is forbidden"};
  CHECK(detect_platform(s).platform == Platform::kUnknown);
  CHECK(mentions(detect_platform(s), "nodes could not be read"));

  s.lists[resources::daemonsets("kube-system")].items =
      json::array({{{"metadata", {{"name", "csi-akshcicsi-node"}, {"namespace", "kube-system"}}}}});
  s.lists[resources::deployments("azure-arc")].items = json::array();
  PlatformDetection d = detect_platform(s);
  CHECK(d.platform == Platform::kWindowsServer);
  CHECK(mentions(d, "csi-akshcicsi-node"));
}

TEST_CASE("malformed objects do not throw") {
  ClusterState s;
  s.lists[resources::nodes()].items = json::array({42, "x", json::object(), {{"spec", 7}}});
  CHECK_NOTHROW(detect_platform(s));
  CHECK(detect_platform(s).platform == Platform::kNotAksArc);
  json weird = json::array();
  CHECK(detect_platform(s, &weird).platform == Platform::kNotAksArc);
}

TEST_CASE("detection needs the lists it reads") {
  auto needs = platform_detection_needs();
  CHECK(std::find(needs.begin(), needs.end(), resources::nodes()) != needs.end());
  CHECK(std::find(needs.begin(), needs.end(), resources::configmaps("azure-arc")) != needs.end());
}

}  // namespace
}  // namespace aksarc
