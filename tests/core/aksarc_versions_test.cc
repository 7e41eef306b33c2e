// The AKS Arc version table (core/aksarc_versions.h) against fixed dates. Expected statuses come
// from data/aksarc-versions.json and SUPPORT-POLICY.md VER-1..3, never from the clock.
#include "core/aksarc_versions.h"

#include <doctest/doctest.h>

#include "ver_node_life_fixtures.h"

namespace aksarc {
namespace {

using testing::vnl::embedded_versions;

SupportInfo at(Platform p, const char* version, CivilDate today) {
  auto v = parse_kube_version(version);
  REQUIRE(v.has_value());
  return embedded_versions().support_of(p, *v, today);
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

TEST_CASE("the embedded table parses and knows both platforms") {
  const AksArcVersions& t = embedded_versions();
  CHECK(t.as_of() == CivilDate{2026, 9, 1});
  const PlatformVersions* local = t.platform(Platform::kAzureLocal);
  REQUIRE(local != nullptr);
  CHECK(local->minors.size() == 8);  // 1.26 .. 1.33
  CHECK(local->minors.front().minor.minor_string() == "1.26");
  REQUIRE(local->latest.has_value());
  CHECK(*local->latest == KubeVersion{1, 33, 5});
  CHECK_FALSE(local->latest_inferred);  // 2602 and 2603 are confirmed
  const PlatformVersions* ws = t.platform(Platform::kWindowsServer);
  REQUIRE(ws != nullptr);
  CHECK(ws->minors.front().minor.minor_string() == "1.23");
  CHECK(*ws->latest == KubeVersion{1, 28, 5});
  CHECK(t.platform(Platform::kUnknown) == nullptr);
  CHECK(t.platform(Platform::kNotAksArc) == nullptr);
}

struct Row {
  Platform platform;
  const char* version;
  CivilDate today;
  SupportStatus want;
  const char* end_text;
};

TEST_CASE("support_of: table of versions and dates") {
  const Platform kLocal = Platform::kAzureLocal;
  const Platform kWs = Platform::kWindowsServer;
  const Row rows[] = {
      // 1.29 on Azure Local: end 2025-10-31 (confirmed), removed in 2510.
      {kLocal, "v1.29.4", {2025, 6, 1}, SupportStatus::kSupported, "2025-10-31"},
      {kLocal, "v1.29.4", {2025, 9, 1}, SupportStatus::kEndingSoon, "2025-10-31"},
      {kLocal, "v1.29.4", {2025, 10, 31}, SupportStatus::kEndingSoon, "2025-10-31"},
      {kLocal, "v1.29.4", {2025, 11, 1}, SupportStatus::kRemoved, "2025-10-31"},
      {kLocal, "v1.29.4", {2026, 11, 25}, SupportStatus::kRemoved, "2025-10-31"},
      // 1.30: inferred end 2026-03-19 (2602 + 30-day grace).
      {kLocal, "v1.30.14", {2026, 3, 1}, SupportStatus::kEndingSoon, "2026-03-19 (inferred)"},
      {kLocal, "v1.30.14", {2026, 11, 25}, SupportStatus::kRemoved, "2026-03-19 (inferred)"},
      // 1.31..1.33: no end announced as of the data.
      {kLocal, "v1.33.5", {2026, 11, 25}, SupportStatus::kSupported, ""},
      {kLocal, "1.31", {2026, 11, 25}, SupportStatus::kSupported, ""},
      // Outside the table.
      {kLocal, "v1.34.1", {2026, 11, 25}, SupportStatus::kUnknownVersion, ""},
      {kLocal, "v1.24.11", {2026, 11, 25}, SupportStatus::kRemoved, ""},
      // Windows Server / 22H2: 1-year rule, month-precise inferred ends.
      {kWs, "v1.28.5-kvapkg.1", {2025, 6, 15}, SupportStatus::kEndingSoon, "2025-06 (inferred)"},
      {kWs, "v1.28.5", {2026, 11, 25}, SupportStatus::kDeprecated, "2025-06 (inferred)"},
      {kWs, "v1.25.6", {2026, 11, 25}, SupportStatus::kRemoved, "2024-05 (inferred)"},
      {kWs, "v1.21.9", {2023, 1, 1}, SupportStatus::kRemoved, ""},
      {kWs, "v1.30.4", {2026, 11, 25}, SupportStatus::kUnknownVersion, ""},
      {Platform::kUnknown, "v1.30.4", {2026, 11, 25}, SupportStatus::kUnknownPlatform, ""},
      {Platform::kNotAksArc, "v1.30.4", {2026, 11, 25}, SupportStatus::kUnknownPlatform, ""},
  };
  for (const Row& row : rows) {
    SupportInfo info = at(row.platform, row.version, row.today);
    INFO(to_string(row.platform) << " " << row.version << " at " << row.today.to_string() << ": "
                                 << to_string(info.status) << " " << info.detail);
    CHECK(info.status == row.want);
    CHECK(info.end_text == row.end_text);
  }
}

TEST_CASE("support_of: days left, sources, releases and latest") {
  SupportInfo soon = at(Platform::kAzureLocal, "v1.29.9", {2025, 9, 15});
  CHECK(soon.days_left == 46);
  CHECK(soon.minor == "1.29");
  CHECK(soon.removed_in_release == "2510");
  CHECK(contains(soon.sources, "wnl-2025-07-22"));
  CHECK(contains(soon.offered_in, "2503"));
  CHECK(contains(soon.offered_in, "2507"));
  CHECK(soon.latest == "1.33.5");
  CHECK(soon.detail.find("upstream Kubernetes end of life 2025-02-28") != std::string::npos);
  CHECK(soon.basis.find("October 31, 2025") != std::string::npos);

  SupportInfo current = at(Platform::kAzureLocal, "v1.33.5", {2026, 11, 25});
  CHECK_FALSE(current.end.has_value());
  CHECK(contains(current.offered_in, "2602"));
  CHECK(contains(current.offered_in, "2605 (inferred)"));
  CHECK(current.detail.find("as of 2026-09-01") != std::string::npos);

  // A patch no release lists still gets its minor's answer.
  SupportInfo unlisted = at(Platform::kAzureLocal, "v1.33.9", {2026, 11, 25});
  CHECK(unlisted.status == SupportStatus::kSupported);
  CHECK(unlisted.offered_in.empty());
}

TEST_CASE("parse: errors name the field; unknown keys and missing platforms are tolerated") {
  CHECK_FALSE(AksArcVersions::parse("not json").ok());
  CHECK_FALSE(AksArcVersions::parse("[]").ok());
  auto no_date = AksArcVersions::parse(R"({"platforms": {}})");
  REQUIRE_FALSE(no_date.ok());
  CHECK(no_date.error().message.find("asOf") != std::string::npos);
  auto bad_minor = AksArcVersions::parse(
      R"({"asOf": "2026-01-01", "platforms": {"azure-local": {"minors": [{"minor": "x"}]}}})");
  REQUIRE_FALSE(bad_minor.ok());
  CHECK(bad_minor.error().message.find("platforms.azure-local.minors[0].minor") !=
        std::string::npos);
  auto bad_end = AksArcVersions::parse(
      R"({"asOf": "2026-01-01", "platforms": {"azure-local": {"minors":
          [{"minor": "1.30", "endOfSupport": "soon"}]}}})");
  REQUIRE_FALSE(bad_end.ok());
  CHECK(bad_end.error().message.find("soon") != std::string::npos);
  auto bad_version = AksArcVersions::parse(
      R"({"asOf": "2026-01-01", "platforms": {"azure-local": {"releases":
          [{"release": "2601", "kubernetesVersions": [7]}]}}})");
  CHECK_FALSE(bad_version.ok());

  auto minimal = load_aksarc_versions(R"({"asOf": "2027-01-15", "future": true, "platforms": {}})");
  REQUIRE(minimal.ok());
  CHECK(minimal.value()->as_of() == CivilDate{2027, 1, 15});
  CHECK(minimal.value()->support_of(Platform::kAzureLocal, {1, 30, 0}, {2027, 1, 15}).status ==
        SupportStatus::kUnknownVersion);
}

TEST_CASE("a newer table given at run time changes the answer (--policy-data)") {
  auto newer = load_aksarc_versions(R"({"asOf": "2027-01-15", "platforms": {"azure-local": {
      "minors": [{"minor": "1.33", "firstRelease": "2602", "endOfSupport": "2027-02-28",
                  "endOfSupportSource": "future-notes"},
                 {"minor": "1.34", "firstRelease": "2610"}],
      "releases": [{"release": "2610", "confidence": "confirmed",
                    "kubernetesVersions": ["1.33.9", "1.34.2"]}]}}})");
  REQUIRE(newer.ok());
  SupportInfo info = newer.value()->support_of(Platform::kAzureLocal, {1, 33, 9}, {2027, 1, 15});
  CHECK(info.status == SupportStatus::kEndingSoon);
  CHECK(info.end_text == "2027-02-28");
  CHECK(info.days_left == 44);
  CHECK(info.latest == "1.34.2");
  CHECK(newer.value()->support_of(Platform::kAzureLocal, {1, 34, 2}, {2027, 1, 15}).status ==
        SupportStatus::kSupported);
}

}  // namespace
}  // namespace aksarc
