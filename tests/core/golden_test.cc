// Golden request/response pairs: tests/testdata/admission/<case>.request.json is sent through
// review_text(); the answer must equal <case>.expected.json exactly. <case>.config.yaml, when
// present, is laid over the defaults (else a config with clusterVersion 1.30 is used).
//
// The case name states the decision it must produce, independently of the expected file:
// allow-, exempt-, warn-, audit-, dryrun-, deny-, error-. Set AKSARC_UPDATE_GOLDEN=1 to rewrite
// the expected files after a deliberate change (and read the diff before committing it).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/admission.h"

namespace fs = std::filesystem;
using aksarc::json;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr const char* kDefaultConfig = "clusterVersion: \"1.30\"\n";

// The decision a case's name promises, and what it implies about the response.
void check_name_contract(const std::string& name, const aksarc::ReviewOutcome& out) {
  const json& resp = out.review.at("response");
  const bool allowed = resp.at("allowed").get<bool>();
  auto prefix = [&](const char* p) { return name.rfind(p, 0) == 0; };
  if (prefix("error-")) {
    CHECK_FALSE(allowed);
    CHECK(out.record.decision == "error");
    CHECK(resp.at("status").at("code").get<int>() >= 400);
    return;
  }
  CHECK(out.http_status == 200);
  if (prefix("deny-")) {
    CHECK_FALSE(allowed);
    CHECK(resp.at("status").at("code") == 403);
    CHECK(resp.at("auditAnnotations").at("decision") == "deny");
  } else if (prefix("warn-")) {
    CHECK(allowed);
    CHECK(!resp.at("warnings").empty());
    CHECK(resp.at("auditAnnotations").at("decision") == "warn");
  } else if (prefix("audit-")) {
    CHECK(allowed);
    CHECK_FALSE(resp.contains("warnings"));
    CHECK(resp.at("auditAnnotations").at("decision") == "audit");
  } else if (prefix("dryrun-")) {
    CHECK(allowed);
    CHECK_FALSE(resp.contains("warnings"));
    CHECK(resp.at("auditAnnotations").at("decision") == "dry-run");
  } else if (prefix("exempt-")) {
    CHECK(allowed);
    CHECK(out.record.decision == "exempt");
  } else if (prefix("notice-")) {
    CHECK(allowed);
    CHECK(!resp.at("warnings").empty());
    CHECK(out.record.decision == "allow");
  } else {
    REQUIRE_MESSAGE(prefix("allow-"), "case name must start with a decision: " << name);
    CHECK(allowed);
    CHECK(out.record.decision == "allow");
    CHECK_FALSE(resp.contains("warnings"));
  }
}

}  // namespace

TEST_CASE("golden admission reviews") {
  const fs::path dir = fs::path(AKSARC_TESTDATA_DIR) / "admission";
  const bool update = std::getenv("AKSARC_UPDATE_GOLDEN") != nullptr;
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".request.json";
    if (file.size() <= suffix.size() || file.substr(file.size() - suffix.size()) != suffix)
      continue;
    const std::string name = file.substr(0, file.size() - suffix.size());
    CAPTURE(name);
    ++cases;
    fs::path config_path = dir / (name + ".config.yaml");
    std::string config = fs::exists(config_path) ? read_file(config_path) : kDefaultConfig;
    auto policy = aksarc::make_policy_from_yaml(config);
    REQUIRE_MESSAGE(policy.ok(), policy.error().message);
    aksarc::ReviewOutcome out = aksarc::review_text(read_file(entry.path()), *policy.value());
    check_name_contract(name, out);
    fs::path expected_path = dir / (name + ".expected.json");
    if (update) {
      std::ofstream(expected_path) << out.review.dump(2) << "\n";
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(expected_path), "missing " << expected_path);
    json expected = json::parse(read_file(expected_path));
    CHECK_MESSAGE(out.review == expected, "got:\n" << out.review.dump(2));
  }
  CHECK(cases >= 40);
}
