#include "core/admission.h"

#include <doctest/doctest.h>

#include "test_support.h"

using namespace aksarc::testing;
using aksarc::json;

namespace {
json node(const std::string& hostname) {
  return {{"metadata", {{"name", "n1"}, {"labels", {{"kubernetes.io/hostname", hostname}}}}}};
}
json relabel_review(const char* version = "admission.k8s.io/v1") {
  return wrap(request("UPDATE", "nodes", "Node", "", "n1",
                      user("kubernetes-admin", {"system:masters"}), node("b"), node("a")),
              version);
}
aksarc::ReviewOutcome run(const json& doc, const std::string& yaml = "clusterVersion: \"1.30\"\n") {
  return aksarc::review_text(doc.dump(), *policy(yaml));
}
const json& response(const aksarc::ReviewOutcome& o) { return o.review.at("response"); }
}  // namespace

TEST_CASE("answers in the version it was asked and echoes the uid") {
  for (const char* v : {"admission.k8s.io/v1", "admission.k8s.io/v1beta1"}) {
    auto out = run(relabel_review(v));
    CHECK(out.review.at("apiVersion") == v);
    CHECK(out.review.at("kind") == "AdmissionReview");
    CHECK(response(out).at("uid") == "u-1");
    CHECK(response(out).at("allowed") == false);
    CHECK(response(out).at("status").at("code") == 403);
    CHECK(response(out).at("status").at("reason") == "Forbidden");
  }
}

TEST_CASE("a denial carries the full reason and audit annotations, not a duplicate warning") {
  auto out = run(relabel_review());
  const json& r = response(out);
  std::string msg = r.at("status").at("message");
  CHECK(msg.find("NODE-2") != std::string::npos);
  CHECK(msg.find("\"a\" -> \"b\"") != std::string::npos);
  CHECK(r.at("auditAnnotations").at("decision") == "deny");
  CHECK(r.at("auditAnnotations").at("rule") == "NODE-2");
  CHECK(r.at("auditAnnotations").at("reason").get<std::string>().find("kubernetes.io/hostname") !=
        std::string::npos);
  CHECK_FALSE(r.contains("warnings"));
  CHECK(out.record.decision == "deny");
  CHECK(out.record.rules == std::vector<std::string>{"NODE-2"});
  CHECK(out.record.user == "kubernetes-admin");
  CHECK(out.record.kind == "Node");
}

TEST_CASE("modes: warn and audit never deny; dry-run records only") {
  auto warn = run(relabel_review(), "clusterVersion: \"1.30\"\nrules: {NODE-2: warn}\n");
  CHECK(response(warn).at("allowed") == true);
  CHECK(response(warn).at("warnings").size() == 1);
  CHECK_FALSE(response(warn).contains("status"));
  CHECK(response(warn).at("auditAnnotations").at("decision") == "warn");

  auto audit = run(relabel_review(), "clusterVersion: \"1.30\"\nrules: {NODE-2: audit}\n");
  CHECK(response(audit).at("allowed") == true);
  CHECK_FALSE(response(audit).contains("warnings"));
  CHECK(response(audit).at("auditAnnotations").at("decision") == "audit");

  auto dry = run(relabel_review(), "clusterVersion: \"1.30\"\ndryRun: true\n");
  CHECK(response(dry).at("allowed") == true);
  CHECK_FALSE(response(dry).contains("warnings"));
  CHECK(response(dry).at("auditAnnotations").at("decision") == "dry-run");
  CHECK(dry.record.decision == "dry-run");
}

TEST_CASE("one rule in deny mode denies even when another only warns") {
  json before = {{"metadata", {{"name", "kube-system"}}}};
  auto out = run(wrap(request("DELETE", "namespaces", "Namespace", "", "kube-system", user("admin"),
                              nullptr, before)),
                 "clusterVersion: \"1.30\"\nrules: {NODE-2: warn}\n");
  CHECK(response(out).at("allowed") == false);
  CHECK(response(out).at("auditAnnotations").at("rule") == "MGD-1");
}

TEST_CASE("a body that is not an AdmissionReview gets an errored review and HTTP 400") {
  auto p = policy();
  auto expect_error = [&](std::string_view body, std::string_view words) {
    CAPTURE(body.substr(0, 80));
    aksarc::ReviewOutcome out = aksarc::review_text(body, *p);
    CHECK(out.http_status == 400);
    CHECK(out.record.decision == "error");
    const json& r = out.review.at("response");
    CHECK(r.at("allowed") == false);
    CHECK(r.at("uid") == "");
    CHECK(r.at("status").at("code") == 400);
    CHECK(r.at("status").at("message").get<std::string>().find(words) != std::string::npos);
  };
  expect_error("", "empty");
  expect_error("{", "not valid JSON");
  expect_error("null", "JSON object");
  expect_error("\"AdmissionReview\"", "JSON object");
  expect_error(R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"})", "request");
  expect_error(R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":null})",
               "request");
  expect_error(R"({"kind":"AdmissionReview","apiVersion":"v1","request":{}})", "apiVersion");
  expect_error(R"({"kind":"Pod","apiVersion":"admission.k8s.io/v1","request":{}})", "kind");
  expect_error(
      R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":7}})",
      "request.uid: expected a string, got a number");
  expect_error(
      R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":""}})",
      "request.uid: empty");
  expect_error("{\"a\":\"\xff\xfe\"}", "not valid JSON");  // invalid UTF-8
  expect_error(std::string(100000, '[') + std::string(100000, ']'), "nests deeper");
}

// The API server reads the body of HTTP 200 answers only: a request it sent (it has a uid) that
// cannot be judged must come back as a denial it can show, not as a failed call.
TEST_CASE("a request with a uid that cannot be judged is denied with HTTP 200 and its uid") {
  auto p = policy();
  auto expect_unjudgeable = [&](const json& req, std::string_view words) {
    CAPTURE(req.dump().substr(0, 200));
    aksarc::ReviewOutcome out = aksarc::review_text(wrap(req).dump(), *p);
    CHECK(out.http_status == 200);
    CHECK(out.record.decision == "error");
    const json& r = out.review.at("response");
    CHECK(r.at("uid") == "u-1");
    CHECK(r.at("allowed") == false);
    CHECK(r.at("status").at("code") == 400);
    CHECK(r.at("status").at("message").get<std::string>().find(words) != std::string::npos);
  };
  const json base =
      request("UPDATE", "nodes", "Node", "", "n1", user("admin"), node("b"), node("a"));
  json r = base;
  r.erase("operation");
  expect_unjudgeable(r, "request.operation: missing");
  r["operation"] = "PATCH";
  expect_unjudgeable(r, "unknown operation \"PATCH\"");
  r["operation"] = 7;
  expect_unjudgeable(r, "request.operation: expected a string, got a number");
  for (const char* field : {"kind", "resource"}) {
    r = base;
    r.erase(field);
    expect_unjudgeable(r, std::string("request.") + field + ": missing");
  }
  r = base;
  r["oldObject"] = nullptr;
  expect_unjudgeable(r, "request.oldObject: missing (every UPDATE carries the old object)");
  r = request("CREATE", "pods", "Pod", "default", "p", user("admin"));
  expect_unjudgeable(r, "request.object: missing (every CREATE carries the object)");
}

TEST_CASE("the uid of a malformed request is still echoed when present") {
  auto out =
      aksarc::review_text(R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1beta1",)"
                          R"("request":{"uid":"abc","operation":"MERGE"}})",
                          *policy());
  CHECK(out.review.at("apiVersion") == "admission.k8s.io/v1beta1");
  CHECK(out.review.at("response").at("uid") == "abc");
  CHECK(out.http_status == 200);
}

TEST_CASE("a member of the wrong type is refused, naming it; null reads as absent") {
  const json req =
      request("UPDATE", "nodes", "Node", "", "n1", user("admin"), node("b"), node("a"));
  struct Case {
    json::json_pointer at;
    const char* expected;  // what the message says the member must be
  };
  const Case cases[] = {
      {json::json_pointer("/kind"), "request.kind: expected an object"},
      {json::json_pointer("/kind/kind"), "request.kind.kind: expected a string"},
      {json::json_pointer("/resource"), "request.resource: expected an object"},
      {json::json_pointer("/requestKind"), "request.requestKind: expected an object"},
      {json::json_pointer("/name"), "request.name: expected a string"},
      {json::json_pointer("/namespace"), "request.namespace: expected a string"},
      {json::json_pointer("/subResource"), "request.subResource: expected a string"},
      {json::json_pointer("/userInfo"), "request.userInfo: expected an object"},
      {json::json_pointer("/userInfo/username"), "request.userInfo.username: expected a string"},
      {json::json_pointer("/userInfo/groups"),
       "request.userInfo.groups: expected an array of strings"},
      {json::json_pointer("/object"), "request.object: expected an object"},
      {json::json_pointer("/oldObject"), "request.oldObject: expected an object"},
      {json::json_pointer("/dryRun"), "request.dryRun: expected a boolean"},
      {json::json_pointer("/object/metadata"), "request.object.metadata: expected an object"},
      {json::json_pointer("/object/metadata/name"),
       "request.object.metadata.name: expected a string"},
      {json::json_pointer("/object/metadata/labels"),
       "request.object.metadata.labels: expected an object of strings"},
      {json::json_pointer("/oldObject/metadata/annotations"),
       "request.oldObject.metadata.annotations: expected an object of strings"},
      {json::json_pointer("/object/metadata/managedFields"),
       "request.object.metadata.managedFields: expected an array"},
  };
  for (const Case& c : cases) {
    // 42 is never a right type here; each member that is not a number gets it.
    json r = req;
    r[c.at] = 42;
    CAPTURE(c.at.to_string());
    auto out = run(wrap(r));
    const json& resp = out.review.at("response");
    CHECK(out.http_status == 200);
    CHECK(resp.at("uid") == "u-1");
    CHECK(resp.at("allowed") == false);
    CHECK(resp.at("status").at("code") == 400);
    CHECK(resp.at("status").at("message").get<std::string>().find(c.expected) != std::string::npos);
  }
  // Null is what Go's decoder reads as an absent member: the request is judged. Here the labels
  // of the new Node are gone, so the protected ones count as removed.
  for (const char* pointer : {"/name", "/namespace", "/subResource", "/userInfo/groups", "/dryRun",
                              "/requestKind", "/object/metadata/labels"}) {
    json r = req;
    r[json::json_pointer(pointer)] = nullptr;
    CAPTURE(pointer);
    auto out = run(wrap(r));
    CHECK(out.record.decision == "deny");
    CHECK(out.review.at("response").at("status").at("code") == 403);
  }
  json r = req;
  r["userInfo"]["groups"] = json::array({1, "system:nodes"});
  CHECK(run(wrap(r)).review.at("response").at("status").at("message") ==
        "request.userInfo.groups[0]: expected a string, got a number");
  r = req;
  r["object"]["metadata"]["labels"]["kubernetes.io/hostname"] = json::array({"x"});
  CHECK(run(wrap(r)).review.at("response").at("status").at("message") ==
        "request.object.metadata.labels[\"kubernetes.io/hostname\"]: expected a string, got an "
        "array");
}

TEST_CASE("the workload and ConfigMap fields PREV-1 and MGD-1 read are type-checked") {
  const json container = {{"name", "kube-proxy"},
                          {"image", "registry.k8s.io/kube-proxy:v1.30.4"},
                          {"command", {"kube-proxy", "--feature-gates=A=true"}},
                          {"env", {{{"name", "X"}, {"value", "1"}}}}};
  const json ds = {{"metadata", {{"name", "kp"}, {"namespace", "networking"}}},
                   {"spec",
                    {{"template",
                      {{"metadata", {{"annotations", {{"a", "b"}}}}},
                       {"spec", {{"containers", json::array({container})}}}}}}}};
  const json req =
      request("CREATE", "daemonsets", "DaemonSet", "networking", "kp", user("alice"), ds);
  const std::pair<const char*, const char*> cases[] = {
      {"/object/spec", "request.object.spec: expected an object"},
      {"/object/spec/template/metadata/annotations",
       "request.object.spec.template.metadata.annotations: expected an object of strings"},
      {"/object/spec/template/spec/containers",
       "request.object.spec.template.spec.containers: expected an array"},
      {"/object/spec/template/spec/containers/0",
       "request.object.spec.template.spec.containers[0]: expected an object"},
      {"/object/spec/template/spec/containers/0/command",
       "request.object.spec.template.spec.containers[0].command: expected an array of strings"},
      {"/object/spec/template/spec/containers/0/command/1",
       "request.object.spec.template.spec.containers[0].command[1]: expected a string"},
      {"/object/spec/template/spec/containers/0/env/0/value",
       "request.object.spec.template.spec.containers[0].env[0].value: expected a string"},
      {"/object/spec/template/spec/initContainers",
       "request.object.spec.template.spec.initContainers: expected an array"},
  };
  for (const auto& [pointer, expected] : cases) {
    json r = req;
    r[json::json_pointer(pointer)] = 42;
    CAPTURE(pointer);
    auto out = run(wrap(r));
    CHECK(out.http_status == 200);
    CHECK(out.review.at("response").at("status").at("message").get<std::string>().find(expected) !=
          std::string::npos);
  }
  const json cm = {{"metadata", {{"name", "kubelet-config"}, {"namespace", "kube-system"}}},
                   {"data", {{"kubelet", 7}}}};
  auto out = run(wrap(request("CREATE", "configmaps", "ConfigMap", "kube-system", "kubelet-config",
                              user("admin"), cm)));
  CHECK(out.review.at("response").at("status").at("message") ==
        "request.object.data[\"kubelet\"]: expected a string, got a number");
  // A custom resource that reuses a built-in kind's name keeps its own schema: judged, not refused.
  json crd = ds;
  crd["spec"]["template"]["spec"]["containers"] = "all of them";
  json crd_request =
      request("CREATE", "daemonsets", "DaemonSet", "networking", "kp", user("alice"), crd);
  crd_request["kind"]["group"] = "example.com";
  crd_request["resource"]["group"] = "example.com";
  CHECK(run(wrap(crd_request)).record.decision == "allow");
  // Other ConfigMaps' data is not read, so not checked.
  out = run(wrap(request("CREATE", "configmaps", "ConfigMap", "default", "x", user("admin"),
                         json{{"metadata", {{"name", "x"}}}, {"data", {{"k", 7}}}})));
  CHECK(out.record.decision == "allow");
}

TEST_CASE("messages stay short whatever the size of the names they quote") {
  const std::string huge(1024 * 1024, 'n');
  json obj = {{"metadata", {{"name", huge}, {"namespace", "kube-system"}}}};
  auto out = run(
      wrap(request("CREATE", "configmaps", "ConfigMap", "kube-system", huge, user("admin"), obj)));
  const std::string message = out.review.at("response").at("status").at("message");
  CHECK(out.record.decision == "deny");
  CHECK(message.size() <= 4096);
  CHECK(message.rfind("MGD-1:", 0) == 0);
}

TEST_CASE("huge strings pass through and warnings stay short") {
  std::string huge(2 * 1024 * 1024, 'x');
  json before = {{"metadata", {{"name", "n1"}, {"labels", {{"kubernetes.io/hostname", "a"}}}}}};
  json after = {{"metadata", {{"name", "n1"}, {"labels", {{"kubernetes.io/hostname", huge}}}}}};
  const std::string warn = "clusterVersion: \"1.30\"\nrules: {NODE-2: warn}\n";
  auto out =
      run(wrap(request("UPDATE", "nodes", "Node", "", "n1", user("admin"), after, before)), warn);
  const json& r = out.review.at("response");
  CHECK(r.at("allowed") == true);
  REQUIRE(r.at("warnings").size() == 1);
  CHECK(r.at("warnings")[0].get<std::string>().size() <= 120);
  CHECK(r.at("auditAnnotations").at("reason").get<std::string>().size() <= 4096);
  // Multi-byte characters are never cut in half (the review must still serialise).
  std::string wide;
  for (int i = 0; i < 200; ++i) wide += "\xc3\xa9";  // é
  json a2 = {{"metadata", {{"name", "n1"}, {"labels", {{"kubernetes.io/" + wide, "a"}}}}}};
  auto out2 =
      run(wrap(request("UPDATE", "nodes", "Node", "", "n1", user("admin"), a2, before)), warn);
  REQUIRE(out2.review.at("response").at("warnings").size() == 2);  // key added, hostname removed
  int cut = 0;
  for (const json& w : out2.review.at("response").at("warnings")) {
    CHECK(w.get<std::string>().size() <= 120);
    cut += w.get<std::string>().ends_with("...");
  }
  CHECK(cut == 1);  // the long key's warning is cut, the other is whole
  CHECK_NOTHROW((void)out2.review.dump());
}

TEST_CASE("review() is the same pure function") {
  auto p = policy();
  json doc = relabel_review();
  CHECK(aksarc::review(doc, *p) == aksarc::review(doc, *p));
  CHECK(aksarc::review(doc, *p) == aksarc::review_text(doc.dump(), *p).review);
}
