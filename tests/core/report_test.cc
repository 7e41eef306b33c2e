#include "core/report.h"

#include <doctest/doctest.h>

#include "core/aksarc_versions.h"
#include "core/checks/registry.h"

using namespace aksarc;

namespace {
CheckResult r(CheckStatus s) {
  CheckResult x;
  x.check_id = "c";
  x.rule = "VER-2";
  x.status = s;
  return x;
}
}  // namespace

TEST_CASE("the verdict is the worst finding") {
  CHECK(verdict_of({}) == Verdict::kUnknown);
  CHECK(verdict_of({r(CheckStatus::kPass), r(CheckStatus::kInfo)}) == Verdict::kSupported);
  CHECK(verdict_of({r(CheckStatus::kPass), r(CheckStatus::kUnknown)}) == Verdict::kAtRisk);
  CHECK(verdict_of({r(CheckStatus::kWarn), r(CheckStatus::kSkipped)}) == Verdict::kAtRisk);
  CHECK(verdict_of({r(CheckStatus::kWarn), r(CheckStatus::kFail)}) == Verdict::kUnsupported);
  CHECK(exit_code_of(Verdict::kSupported) == 0);
  CHECK(exit_code_of(Verdict::kAtRisk) == 2);
  CHECK(exit_code_of(Verdict::kUnknown) == 2);
  CHECK(exit_code_of(Verdict::kUnsupported) == 3);
}

TEST_CASE("check selection: only, skip, and unknown IDs") {
  auto all = select_checks({}, {});
  REQUIRE(all.ok());
  CHECK(all.value().size() == all_checks().size());
  CHECK(all_checks().size() >= 20);
  auto one = select_checks({"control-plane-version"}, {});
  REQUIRE(one.ok());
  REQUIRE(one.value().size() == 1);
  CHECK(one.value()[0]->id() == "control-plane-version");
  auto skipped = select_checks({}, {"cni"});
  REQUIRE(skipped.ok());
  CHECK(skipped.value().size() == all_checks().size() - 1);
  auto bad = select_checks({"no-such-check"}, {});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("no-such-check") != std::string::npos);
}

TEST_CASE("every check has a unique ID, a rule and an explanation") {
  std::set<std::string> ids;
  for (const auto& c : all_checks()) {
    CAPTURE(c->id());
    CHECK(ids.insert(std::string(c->id())).second);
    CHECK_FALSE(c->rule().empty());
    CHECK_FALSE(c->title().empty());
    CHECK(c->explanation().size() > 40);
  }
}

TEST_CASE("the JSON report has the versioned schema") {
  Report rep;
  rep.cluster = "dump ./x";
  rep.results = {r(CheckStatus::kFail), r(CheckStatus::kPass)};
  rep.results[0].evidence.push_back({"Node", "", "n1", "status.nodeInfo.kubeletVersion", "v1.29"});
  rep.verdict = verdict_of(rep.results);
  json j = report_to_json(rep);
  CHECK(j.at("apiVersion") == kReportApiVersion);
  CHECK(j.at("kind") == "SupportReport");
  CHECK(j.at("verdict") == "Unsupported");
  CHECK(j.at("summary").at("fail") == 1);
  CHECK(j.at("summary").at("pass") == 1);
  REQUIRE(j.at("findings").size() == 2);
  CHECK(j.at("findings")[0].at("evidence")[0].at("name") == "n1");
  CHECK(report_to_json(rep, /*only_failed=*/true).at("findings").size() == 1);
}

namespace {
// A check that reports whatever it is told, to test run_checks' verdict rules.
class FixedCheck : public Check {
 public:
  explicit FixedCheck(CheckStatus status) : status_(status) {}
  std::string_view id() const override { return "fixed"; }
  std::string_view rule() const override { return "VER-2"; }
  std::string_view title() const override { return "fixed"; }
  std::string_view explanation() const override { return "reports a fixed status"; }
  std::vector<ResourceKey> needs() const override { return {}; }
  void run(const ClusterState&, const CheckContext&, std::vector<CheckResult>& out) const override {
    out.push_back(result_of(*this, status_, "fixed"));
  }

 private:
  CheckStatus status_;
};

Verdict verdict_on(Platform platform, CheckStatus status) {
  auto data = load_embedded_policy_data();
  auto versions = load_embedded_aksarc_versions();
  REQUIRE(data.ok());
  REQUIRE(versions.ok());
  CheckContext ctx{*data.value(), *versions.value(),       platform,
                   false,         CivilDate{2026, 11, 25}, nullptr};
  FixedCheck check(status);
  return run_checks({&check}, ClusterState{}, ctx).verdict;
}
}  // namespace

TEST_CASE("a cluster with no sign of AKS Arc is Unknown, not Supported, unless something fails") {
  CHECK(verdict_on(Platform::kAzureLocal, CheckStatus::kPass) == Verdict::kSupported);
  CHECK(verdict_on(Platform::kNotAksArc, CheckStatus::kPass) == Verdict::kUnknown);
  CHECK(verdict_on(Platform::kNotAksArc, CheckStatus::kSkipped) == Verdict::kUnknown);
  CHECK(verdict_on(Platform::kNotAksArc, CheckStatus::kFail) == Verdict::kUnsupported);
}
