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

TEST_CASE("malformed input gets an errored review, never an exception") {
  auto p = policy();
  auto expect_error = [&](std::string_view body, std::string_view words) {
    CAPTURE(body.substr(0, 80));
    aksarc::ReviewOutcome out = aksarc::review_text(body, *p);
    CHECK(out.http_status == 400);
    CHECK(out.record.decision == "error");
    const json& r = out.review.at("response");
    CHECK(r.at("allowed") == false);
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
      "uid");
  expect_error(
      R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"x"}})",
      "operation");
  expect_error(R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1",)"
               R"("request":{"uid":"x","operation":"PATCH"}})",
               "unknown operation \"PATCH\"");
  expect_error("{\"a\":\"\xff\xfe\"}", "not valid JSON");  // invalid UTF-8
  expect_error(std::string(100000, '[') + std::string(100000, ']'), "nests deeper");
}

TEST_CASE("the uid of a malformed request is still echoed when present") {
  auto out =
      aksarc::review_text(R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1beta1",)"
                          R"("request":{"uid":"abc","operation":"MERGE"}})",
                          *policy());
  CHECK(out.review.at("apiVersion") == "admission.k8s.io/v1beta1");
  CHECK(out.review.at("response").at("uid") == "abc");
}

TEST_CASE("wrong types in every field the engine reads are tolerated") {
  json req = request("UPDATE", "nodes", "Node", "", "n1", user("admin"), node("b"), node("a"));
  for (const char* field : {"kind", "resource", "name", "namespace", "userInfo", "object",
                            "oldObject", "subResource", "dryRun", "requestKind"}) {
    for (const json& bad : {json(42), json::array({1}), json("s"), json(true), json(nullptr)}) {
      json r = req;
      r[field] = bad;
      auto out = run(wrap(r));
      CHECK(out.review.at("response").contains("allowed"));
    }
  }
  json r = req;
  r["userInfo"]["groups"] = json::array({1, nullptr, "system:nodes"});
  r["object"]["metadata"]["labels"] = json::array({"x"});
  CHECK(run(wrap(r)).review.at("response").contains("allowed"));
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
