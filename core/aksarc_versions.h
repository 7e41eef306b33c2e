#pragma once
// AKS Arc's supported Kubernetes versions per platform (data/aksarc-versions.json): which minors
// each platform ships, from when, until when, and whether Microsoft still serves them. Answers
// "is this version supported on this platform on this date?" for VER-1..3. The data marks every
// value confirmed or inferred; answers carry that tag so messages can say "(inferred)".

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/checks/check.h"
#include "core/civil_date.h"
#include "core/kube_version.h"
#include "core/result.h"

namespace aksarc {

// One Kubernetes minor on one platform.
struct MinorSupport {
  KubeVersion minor;               // patch 0
  std::string first_release;       // "2405", "AKS hybrid GA"
  std::string first_available;     // "2024-05"
  std::string last_release;        // newest release known to carry it, or ""
  std::string removed_in_release;  // the release that dropped it, or "" (still shipped)
  std::optional<CivilDate> end;    // end of support, when the data knows one
  std::string end_text;            // the date as the data gives it ("2023-08" stays a month)
  bool end_inferred = false;       // the data infers the date rather than quoting Microsoft
  std::string end_basis;           // why that date
  std::string end_source;          // source ID in the data, or ""
  bool removed = false;  // no longer served: dropped by a release, or absent from the newest one
  std::optional<CivilDate> upstream_end_of_life;  // upstream Kubernetes EOL, information only
};

// One release of a platform and the versions it offers.
struct ReleaseVersions {
  std::string release;  // "2510", "2024-06"
  std::string date;     // "2025-10-24" or "2026-04"
  std::vector<KubeVersion> versions;
  bool inferred = false;
};

struct PlatformVersions {
  Platform platform = Platform::kUnknown;
  std::string key;                   // the data's key: "azure-local", "aks-hci-22h2-windows-server"
  std::string policy;                // one-line policy summary from the data
  std::vector<MinorSupport> minors;  // ascending
  std::vector<ReleaseVersions> releases;  // in data order (oldest first)
  std::optional<KubeVersion> latest;      // the newest version any release offers
  bool latest_inferred = false;           // offered only by inferred releases
};

enum class SupportStatus {
  kSupported,
  kEndingSoon,  // end of support within kEndingSoonDays
  kDeprecated,  // past end of support
  kRemoved,     // past end of support and no longer served by Microsoft
  kUnknownVersion,
  kUnknownPlatform,
};
std::string_view to_string(SupportStatus status);

inline constexpr int kEndingSoonDays = 60;

// The answer for one version on one platform on one date.
struct SupportInfo {
  SupportStatus status = SupportStatus::kUnknownVersion;
  std::string minor;                    // "1.29"
  std::optional<CivilDate> end;         // end of support, when known
  std::string end_text;                 // "2025-10-31" or "2026-03-19 (inferred)"; "" when unknown
  long days_left = 0;                   // end - today, when `end` is set
  std::string removed_in_release;       // "" unless the data says a release dropped the minor
  std::string latest;                   // "1.33.5" (or "1.33.5 (inferred)")
  std::vector<std::string> offered_in;  // releases that shipped this exact version ("2602")
  std::string detail;                   // short: first release, removal, upstream EOL
  std::string basis;                    // why the end date is what it is (from the data), or ""
  std::vector<std::string> sources;     // source IDs in the data
};

// Immutable once parsed: every const member is thread-safe.
class AksArcVersions {
 public:
  // Parses the document (shape of data/aksarc-versions.json). Never throws; the error names the
  // field that is wrong. Unknown keys are ignored, so newer files still load.
  static Result<AksArcVersions> parse(std::string_view json_text);

  CivilDate as_of() const { return as_of_; }
  // The platform's table, or nullptr for kUnknown / kNotAksArc.
  const PlatformVersions* platform(Platform platform) const;
  // Never fails: unknown platforms and versions are statuses of their own. Thread-safe.
  SupportInfo support_of(Platform platform, const KubeVersion& version, CivilDate today) const;

 private:
  CivilDate as_of_;
  PlatformVersions azure_local_;
  PlatformVersions windows_server_;
};

// The embedded table, parsed once (thread-safe). Fails only if the build embedded a broken file.
Result<std::shared_ptr<const AksArcVersions>> load_embedded_aksarc_versions();
// A replacement table (--policy-data); the error names what is wrong. Never throws.
Result<std::shared_ptr<const AksArcVersions>> load_aksarc_versions(std::string_view json_text);

}  // namespace aksarc
