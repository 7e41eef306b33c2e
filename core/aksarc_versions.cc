#include "core/aksarc_versions.h"

#include <algorithm>

#include "core/embedded_data.h"
#include "core/json_access.h"

namespace aksarc {
namespace {

constexpr std::string_view kAzureLocalKey = "azure-local";
constexpr std::string_view kWindowsServerKey = "aks-hci-22h2-windows-server";

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// "YYYY-MM-DD", or "YYYY-MM" read as the month's last day: a month-precise end of support is
// still supported during that month, so the lenient reading avoids false alarms.
std::optional<CivilDate> parse_loose_date(std::string_view text) {
  if (auto d = parse_civil_date(text)) return d;
  if (text.size() != 7) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  auto first = parse_civil_date(std::string(text) + "-01");
  if (!first) return std::nullopt;
  first->day = first->month == 2 && is_leap(first->year) ? 29 : kDays[first->month - 1];
  return first;
}

std::string text_of(const json& object, std::string_view key) {
  return std::string(string_member(object, key));
}

Result<MinorSupport> parse_minor(const json& entry, const std::string& where) {
  auto version = parse_kube_version(string_member(entry, "minor"));
  if (!version) return parse_error(where + ".minor: not a Kubernetes minor version");
  MinorSupport m;
  m.minor = KubeVersion{version->major, version->minor, 0};
  m.first_release = text_of(entry, "firstRelease");
  m.first_available = text_of(entry, "firstAvailable");
  m.last_release = text_of(entry, "lastRelease");
  m.removed_in_release = text_of(entry, "removedInRelease");
  m.end_basis = text_of(entry, "endOfSupportBasis");
  m.end_source = text_of(entry, "endOfSupportSource");
  // A quoted date wins over an inferred one; the tag follows whichever is used.
  std::string confirmed = text_of(entry, "endOfSupport");
  std::string inferred = text_of(entry, "endOfSupportInferred");
  m.end_text = confirmed.empty() ? inferred : confirmed;
  m.end_inferred = confirmed.empty() && !inferred.empty();
  if (!m.end_text.empty()) {
    m.end = parse_loose_date(m.end_text);
    if (!m.end) return parse_error(where + ": end of support \"" + m.end_text + "\" is not a date");
  }
  m.upstream_end_of_life = parse_loose_date(string_member(entry, "upstreamEndOfLife"));
  return m;
}

Result<ReleaseVersions> parse_release(const json& entry, const std::string& where) {
  ReleaseVersions r;
  r.release = text_of(entry, "release");
  if (r.release.empty()) return parse_error(where + ".release: missing");
  r.date = text_of(entry, "date");
  r.inferred = string_member(entry, "confidence") != "confirmed";
  if (const json* versions = array_member(entry, "kubernetesVersions")) {
    for (const json& v : *versions) {
      auto parsed = parse_kube_version(as_string(v));
      if (!parsed) return parse_error(where + ".kubernetesVersions: \"" + v.dump() + "\"");
      r.versions.push_back(*parsed);
    }
  }
  return r;
}

// The newest version offered, and whether only inferred releases offer it.
void set_latest(PlatformVersions& p) {
  for (const auto& r : p.releases) {
    for (const auto& v : r.versions) {
      if (!p.latest || v > *p.latest) {
        p.latest = v;
        p.latest_inferred = r.inferred;
      } else if (v == *p.latest && !r.inferred) {
        p.latest_inferred = false;
      }
    }
  }
}

// A minor is no longer served when a release dropped it, or when the newest release that lists
// versions does not carry it.
void set_removed(PlatformVersions& p) {
  const ReleaseVersions* newest = nullptr;
  for (const auto& r : p.releases) {
    if (!r.versions.empty()) newest = &r;
  }
  for (auto& m : p.minors) {
    bool in_newest =
        newest != nullptr &&
        std::any_of(newest->versions.begin(), newest->versions.end(),
                    [&](const KubeVersion& v) { return compare_minor(v, m.minor) == 0; });
    m.removed = !m.removed_in_release.empty() || (newest != nullptr && !in_newest);
  }
}

Result<PlatformVersions> parse_platform_table(const json& platforms, std::string_view key,
                                              Platform platform) {
  PlatformVersions p;
  p.platform = platform;
  p.key = key;
  const json* table = object_member(platforms, key);
  if (table == nullptr) return p;  // an older or narrower file: every version is unknown
  const std::string where = "platforms." + std::string(key);
  p.policy = text_of(*table, "policy");
  if (const json* minors = array_member(*table, "minors")) {
    for (size_t i = 0; i < minors->size(); ++i) {
      auto m = parse_minor(minors->at(i), where + ".minors[" + std::to_string(i) + "]");
      if (!m.ok()) return m.error();
      p.minors.push_back(std::move(m).value());
    }
  }
  std::sort(p.minors.begin(), p.minors.end(),
            [](const MinorSupport& a, const MinorSupport& b) { return a.minor < b.minor; });
  if (const json* releases = array_member(*table, "releases")) {
    for (size_t i = 0; i < releases->size(); ++i) {
      auto r = parse_release(releases->at(i), where + ".releases[" + std::to_string(i) + "]");
      if (!r.ok()) return r.error();
      p.releases.push_back(std::move(r).value());
    }
  }
  set_latest(p);
  set_removed(p);
  return p;
}

std::string with_tag(const std::string& text, bool inferred) {
  return inferred ? text + " (inferred)" : text;
}

std::string platform_name(Platform platform) {
  return platform == Platform::kAzureLocal ? "AKS on Azure Local"
                                           : "AKS on Windows Server / Azure Stack HCI 22H2";
}

// Releases that shipped exactly `version`, inferred ones tagged.
std::vector<std::string> offered_in(const PlatformVersions& p, const KubeVersion& version) {
  std::vector<std::string> out;
  for (const auto& r : p.releases) {
    if (std::find(r.versions.begin(), r.versions.end(), version) != r.versions.end()) {
      out.push_back(with_tag(r.release, r.inferred));
    }
  }
  return out;
}

// Status of a minor the table knows.
SupportInfo judge_known(const MinorSupport& m, CivilDate today, CivilDate as_of) {
  SupportInfo info;
  if (!m.end_source.empty()) info.sources.push_back(m.end_source);
  info.removed_in_release = m.removed_in_release;
  std::string detail = "first shipped in " + m.first_release;
  if (!m.removed_in_release.empty()) detail += "; removed in release " + m.removed_in_release;
  if (m.end) {
    info.end = m.end;
    info.end_text = with_tag(m.end_text, m.end_inferred);
    info.days_left = days_between(today, *m.end);
    if (info.days_left < 0) {
      info.status = m.removed ? SupportStatus::kRemoved : SupportStatus::kDeprecated;
    } else {
      info.status = info.days_left <= kEndingSoonDays ? SupportStatus::kEndingSoon
                                                      : SupportStatus::kSupported;
    }
    info.basis = m.end_basis;
  } else if (m.removed) {
    // Removed without a date: the 30-day grace may or may not have run out; say deprecated.
    info.status = SupportStatus::kDeprecated;
    detail += "; no longer shipped, and the data has no end-of-support date";
  } else {
    info.status = SupportStatus::kSupported;
    detail += "; no end of support announced in the data (as of " + as_of.to_string() + ")";
  }
  if (m.upstream_end_of_life) {
    detail += "; upstream Kubernetes end of life " + m.upstream_end_of_life->to_string() +
              ", information only";
  }
  info.detail = std::move(detail);
  return info;
}

}  // namespace

std::string_view to_string(SupportStatus status) {
  switch (status) {
    case SupportStatus::kSupported:
      return "supported";
    case SupportStatus::kEndingSoon:
      return "ending-soon";
    case SupportStatus::kDeprecated:
      return "deprecated";
    case SupportStatus::kRemoved:
      return "removed";
    case SupportStatus::kUnknownVersion:
      return "unknown-version";
    case SupportStatus::kUnknownPlatform:
      return "unknown-platform";
  }
  return "unknown-version";
}

Result<AksArcVersions> AksArcVersions::parse(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return parse_error("AKS Arc versions: not a JSON object");
  }
  AksArcVersions out;
  auto as_of = parse_civil_date(string_member(doc, "asOf"));
  if (!as_of) return parse_error("AKS Arc versions: asOf: missing or not a YYYY-MM-DD date");
  out.as_of_ = *as_of;
  const json* platforms = object_member(doc, "platforms");
  if (platforms == nullptr) return parse_error("AKS Arc versions: platforms: missing");
  auto local = parse_platform_table(*platforms, kAzureLocalKey, Platform::kAzureLocal);
  if (!local.ok()) return Error{ErrorCode::kParse, "AKS Arc versions: " + local.error().message};
  auto ws = parse_platform_table(*platforms, kWindowsServerKey, Platform::kWindowsServer);
  if (!ws.ok()) return Error{ErrorCode::kParse, "AKS Arc versions: " + ws.error().message};
  out.azure_local_ = std::move(local).value();
  out.windows_server_ = std::move(ws).value();
  return out;
}

const PlatformVersions* AksArcVersions::platform(Platform platform) const {
  if (platform == Platform::kAzureLocal) return &azure_local_;
  if (platform == Platform::kWindowsServer) return &windows_server_;
  return nullptr;
}

SupportInfo AksArcVersions::support_of(Platform platform, const KubeVersion& version,
                                       CivilDate today) const {
  const PlatformVersions* p = this->platform(platform);
  SupportInfo info;
  info.minor = version.minor_string();
  if (p == nullptr) {
    info.status = SupportStatus::kUnknownPlatform;
    info.detail = "the AKS Arc platform is not known";
    return info;
  }
  auto it = std::find_if(p->minors.begin(), p->minors.end(), [&](const MinorSupport& m) {
    return compare_minor(m.minor, version) == 0;
  });
  if (it != p->minors.end()) {
    info = judge_known(*it, today, as_of_);
    info.minor = version.minor_string();
  } else if (!p->minors.empty() && compare_minor(version, p->minors.front().minor) < 0) {
    info.status = SupportStatus::kRemoved;
    info.detail = "older than every minor " + platform_name(platform) + " lists (the oldest is " +
                  p->minors.front().minor.minor_string() + ")";
  } else {
    info.status = SupportStatus::kUnknownVersion;
    info.detail = "the version table (as of " + as_of_.to_string() + ") does not list " +
                  version.minor_string() + " for " + platform_name(platform) +
                  "; a newer table may (--policy-data)";
  }
  if (p->latest)
    info.latest = with_tag(p->latest->minor_string() + "." + std::to_string(p->latest->patch),
                           p->latest_inferred);
  info.offered_in = offered_in(*p, version);
  return info;
}

Result<std::shared_ptr<const AksArcVersions>> load_aksarc_versions(std::string_view json_text) {
  auto parsed = AksArcVersions::parse(json_text);
  if (!parsed.ok()) return parsed.error();
  return std::make_shared<const AksArcVersions>(std::move(parsed).value());
}

Result<std::shared_ptr<const AksArcVersions>> load_embedded_aksarc_versions() {
  // Parsed once; C++ guarantees thread-safe initialisation of the static.
  static const Result<std::shared_ptr<const AksArcVersions>> loaded =
      load_aksarc_versions(embedded::aksarc_versions_json());
  return loaded;
}

}  // namespace aksarc
