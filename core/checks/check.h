#pragma once
// A cluster check: reads a ClusterState and reports, with evidence, whether the cluster keeps one
// rule of the support policy. Checks are pure (no I/O, no clock: "today" comes in the context)
// and thread-safe. One family of checks per file in core/checks/; the registry lists them all.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "core/cluster_state.h"
#include "core/policy_data.h"

namespace aksarc {

enum class CheckStatus {
  kPass,     // the rule holds
  kInfo,     // worth knowing, not a breach (e.g. third-party software present)
  kWarn,     // at risk: support ends soon, or something looks off
  kFail,     // the rule is broken: the cluster is outside support
  kUnknown,  // could not tell (missing permission, data not available from inside a cluster)
  kSkipped,  // not applicable (e.g. a Windows Server host has no 30-day rule) or --skip
};
std::string_view to_string(CheckStatus status);

// One piece of evidence: which object, which field, what value.
struct Evidence {
  std::string kind;        // "Node", "Pod", "ConfigMap", "Version" ...
  std::string namespace_;  // "" for cluster-scoped
  std::string name;
  std::string field;  // "metadata.labels[kubernetes.io/os]", "status.nodeInfo.kubeletVersion"
  std::string value;
};

struct CheckResult {
  std::string check_id;  // the check that produced it, e.g. "control-plane-version"
  std::string rule;      // the policy rule, e.g. "VER-2"
  CheckStatus status = CheckStatus::kPass;
  std::string message;  // one or two sentences: what was found
  std::vector<Evidence> evidence;
  std::string remediation;  // what to do (empty for pass)
};

// The AKS Arc platform the cluster runs on; the version rules differ between them.
enum class Platform {
  kUnknown,        // could not tell
  kAzureLocal,     // AKS on Azure Local (23H2 and later, Arc Resource Bridge based)
  kWindowsServer,  // AKS on Windows Server 2019/2022 and Azure Stack HCI 22H2 (AksHci PowerShell)
  kNotAksArc,      // a Kubernetes cluster that shows no sign of AKS Arc
};
std::string_view to_string(Platform platform);
std::optional<Platform> parse_platform(std::string_view text);  // "azure-local", "windows-server"

class AksArcVersions;  // core/aksarc_versions.h

// Everything a check may read besides the cluster.
struct CheckContext {
  const PolicyData& data;
  const AksArcVersions& versions;
  Platform platform = Platform::kUnknown;
  bool platform_given = false;       // --platform, as opposed to detected
  CivilDate today;                   // the date to judge at (--at, else the system date)
  const json* arc_status = nullptr;  // `az connectedk8s show` output (--arc-status), or nullptr
};

class Check {
 public:
  virtual ~Check() = default;
  virtual std::string_view id() const = 0;     // stable, kebab-case: "kubelet-versions"
  virtual std::string_view rule() const = 0;   // policy rule ID: "VER-2"
  virtual std::string_view title() const = 0;  // one line for `checks`
  // For `explain ID`: why it matters, what it reads, how to fix it. A few sentences.
  virtual std::string_view explanation() const = 0;
  // The lists this check reads (the fetcher reads exactly the union of what the chosen checks
  // need). Version, discovery and kubelet configz are requested with the flags below.
  virtual std::vector<ResourceKey> needs() const = 0;
  virtual bool needs_discovery() const { return false; }
  // True when the check reads only the metadata (names, namespaces, labels, annotations,
  // managedFields) of the lists it needs: a list no other chosen check needs in full is then
  // fetched as PartialObjectMetadataList, much smaller on a large cluster.
  virtual bool reads_only_metadata() const { return false; }
  virtual bool needs_kubelet_configz() const { return false; }
  // Appends at least one result for this check (a pass when all is well). Never throws.
  virtual void run(const ClusterState& state, const CheckContext& ctx,
                   std::vector<CheckResult>& out) const = 0;
};

// Helpers for check implementations.
// When `key` could not be read, appends an `unknown` result naming the list and why (the
// permission for a 403), and returns nullptr; else returns the items.
const json* require_list(const ClusterState& state, const ResourceKey& key, const Check& check,
                         std::vector<CheckResult>& out);
// A result of `check` with the given status and message.
CheckResult result_of(const Check& check, CheckStatus status, std::string message,
                      std::string remediation = {});
// Evidence about a Kubernetes object (kind, metadata.namespace, metadata.name) and a field.
Evidence evidence_of(const json& object, std::string_view kind, std::string field,
                     std::string value);

}  // namespace aksarc
