// Real AdmissionReviews from public projects (tests/testdata/samples/admission, see SOURCES.md
// there), with the decision the support policy requires for each. Bare AdmissionRequests (as
// kubewarden and kyverno store them) are wrapped in a v1 AdmissionReview first, as the API
// server would send them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/admission.h"

namespace fs = std::filesystem;
using aksarc::json;

namespace {

struct SampleCase {
  const char* file;
  const char* decision;  // DecisionRecord::decision
  const char* reason;    // why the policy says so
};

constexpr SampleCase kCases[] = {
    {"01-pod-delete-object-null-bare-request.json", "allow", "Pod in default: no rule applies"},
    {"02-deployment-delete-object-key-absent-bare-request.json", "allow", "default namespace"},
    {"03-deployment-update-with-oldobject-bare-request.json", "allow", "default namespace"},
    {"04-pod-create-by-kube-system-replicaset-controller-bare-request.json", "exempt",
     "kube-system service account"},
    {"05-daemonset-create-no-namespace-bare-request.json", "allow", "no namespace, not a Node"},
    {"06-deployment-create-v1-nonstandard-uid.json", "allow", "any non-empty uid is echoed"},
    {"07-pod-create-privileged-v1.json", "allow", "privileged pods are not a support rule"},
    {"08-pod-create-v1-gke-replicaset-controller.json", "exempt", "kube-system service account"},
    {"09-pod-create-v1beta1-gke-2018.json", "exempt", "kube-system service account"},
    {"10-pod-create-v1-gke-userinfo-extra.json", "allow", "user namespace"},
    {"11-deployment-scale-subresource-update-v1.json", "allow", "scale outside system namespaces"},
    {"12-pod-exec-connect-v1beta1.json", "allow", "CONNECT changes nothing"},
    {"13-pod-invalid-operation-PATCH-v1beta1.json", "error", "PATCH is not an operation"},
    {"14-namespace-delete-object-and-oldobject-null-bare-request.json", "allow",
     "not a system namespace"},
    {"15-event-create-by-system-node-v1beta1.json", "exempt", "kubelet writing an event"},
    {"16-no-apiversion-no-uid-no-operation.json", "error", "no apiVersion"},
    {"17-gator-delete-minimal-v1beta1.json", "error", "no uid"},
    {"18-pod-update-without-oldobject-v1beta1.json", "error", "no uid"},
    {"19-namespace-create-empty-uid-oldobject-empty-map-bare-request.json", "error", "empty uid"},
    {"20-deployment-create-dryrun-true-no-namespace-v1.json", "allow", "dry-run judged alike"},
    {"21-pod-status-update-by-system-node-bare-request.json", "exempt", "kubelet pod status"},
    {"22-pod-status-update-system-node-without-nodes-group-bare-request.json", "allow",
     "not exempt without system:nodes, but default namespace"},
    {"23-pod-update-label-removed-bare-request.json", "allow", "Pod labels are the user's"},
    {"24-pod-create-in-kube-system-bare-request.json", "deny", "MGD-1: kube-system by admin"},
    {"25-configmap-update-bogus-status-subresource-bare-request.json", "allow", "default ns"},
};

json load_sample(const fs::path& p) {
  std::ifstream in(p);
  json doc = json::parse(in);
  if (doc.is_object() && !doc.contains("request") && doc.contains("operation")) {
    return json{
        {"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"request", doc}};
  }
  return doc;
}

}  // namespace

TEST_CASE("real-world AdmissionReview samples get the decision the policy requires") {
  auto policy = aksarc::make_policy_from_yaml("clusterVersion: \"1.30\"\n");
  REQUIRE(policy.ok());
  const fs::path dir = fs::path(AKSARC_TESTDATA_DIR) / "samples" / "admission";
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.path().extension() == ".json";
  CHECK(files == std::size(kCases));  // every sample has a decided outcome
  for (const SampleCase& c : kCases) {
    CAPTURE(c.file);
    CAPTURE(c.reason);
    json doc = load_sample(dir / c.file);
    aksarc::ReviewOutcome out = aksarc::review_text(doc.dump(), *policy.value());
    CHECK(out.record.decision == c.decision);
    const json& resp = out.review.at("response");
    const bool should_allow =
        std::string(c.decision) == "allow" || std::string(c.decision) == "exempt";
    CHECK(resp.at("allowed").get<bool>() == should_allow);
    // The answer speaks the version it was asked in, and echoes a present uid.
    std::string asked = doc.value("apiVersion", "");
    if (asked == "admission.k8s.io/v1beta1") CHECK(out.review.at("apiVersion") == asked);
    const json& req = doc.at("request");
    if (req.contains("uid") && req.at("uid").is_string()) CHECK(resp.at("uid") == req.at("uid"));
  }
}
