// VER-1..4 on a whole cluster: the control plane's and every kubelet's Kubernetes version against
// the platform's supported versions (data/aksarc-versions.json), and the skew between them.

#include <map>

#include "core/aksarc_versions.h"
#include "core/checks/api_server_version.h"
#include "core/checks/object_fields.h"
#include "core/checks/registry.h"

namespace aksarc {
namespace {

using checks::name_of;

constexpr std::string_view kUsePlatform =
    "pass --platform azure-local or --platform windows-server";

std::string platform_label(Platform p) {
  return p == Platform::kAzureLocal ? "AKS on Azure Local"
                                    : "AKS on Windows Server / Azure Stack HCI 22H2";
}

// The result for a platform that cannot be judged, or nullopt when the platform is known.
std::optional<CheckResult> platform_result(const Check& check, const CheckContext& ctx) {
  if (ctx.platform == Platform::kNotAksArc) {
    return result_of(check, CheckStatus::kSkipped,
                     "the cluster shows no sign of AKS Arc, so AKS Arc's version calendar does "
                     "not apply",
                     "if this is an AKS Arc cluster, " + std::string(kUsePlatform));
  }
  if (ctx.platform == Platform::kUnknown) {
    return result_of(check, CheckStatus::kUnknown,
                     "the AKS Arc platform could not be detected, and the supported versions "
                     "differ between Azure Local and Windows Server",
                     std::string(kUsePlatform));
  }
  return std::nullopt;
}

std::string end_phrase(const SupportInfo& info) {
  return info.end_text.empty() ? "no end of support announced" : "end of support " + info.end_text;
}

// Judges one version string; `who` is "the control plane", "node moc-x" or "3 nodes".
CheckResult judge_version(const Check& check, const CheckContext& ctx, const std::string& who,
                          bool plural, std::string_view version_text) {
  auto version = parse_kube_version(version_text);
  if (!version) {
    return result_of(check, CheckStatus::kUnknown,
                     who + " reports version \"" + std::string(version_text) +
                         "\", which is not a Kubernetes version");
  }
  const SupportInfo info = ctx.versions.support_of(ctx.platform, *version, ctx.today);
  const std::string head = who + (plural ? " run " : " runs ") + std::string(version_text) +
                           " (Kubernetes " + info.minor + ") on " + platform_label(ctx.platform);
  const std::string tail = " (" + info.detail + ")";
  const std::string upgrade = "upgrade the cluster to a supported Kubernetes version" +
                              (info.latest.empty() ? "" : " (latest: " + info.latest + ")") +
                              " with `az aksarc upgrade` (Azure Local) or Update-AksHciCluster "
                              "(Windows Server); minors cannot be skipped";
  CheckResult r;
  switch (info.status) {
    case SupportStatus::kSupported:
      r = result_of(check, CheckStatus::kPass, head + ": supported, " + end_phrase(info) + tail);
      break;
    case SupportStatus::kEndingSoon:
      r = result_of(check, CheckStatus::kWarn,
                    head + ": support ends " + info.end_text + ", in " +
                        std::to_string(info.days_left) + " days" + tail,
                    "plan the upgrade before " + info.end_text + ": " + upgrade);
      r.rule = "VER-1";
      break;
    case SupportStatus::kDeprecated:
      r = result_of(check, CheckStatus::kFail,
                    head + ": deprecated, out of support since " + info.end_text +
                        "; the cluster is unsupported (VER-4: no guarantees)" + tail,
                    upgrade);
      break;
    case SupportStatus::kRemoved:
      r = result_of(
          check, CheckStatus::kFail,
          head + ": out of support" + (info.end_text.empty() ? "" : " since " + info.end_text) +
              " and removed from Microsoft's servers, so Kubernetes and OS updates "
              "fail" +
              tail,
          "upgrade to the latest version" + (info.latest.empty() ? "" : " (" + info.latest + ")") +
              "; if the cluster is unhealthy the upgrade may need a redeployment");
      r.rule = "VER-3";
      break;
    case SupportStatus::kUnknownVersion:
    case SupportStatus::kUnknownPlatform:
      r = result_of(check, CheckStatus::kUnknown, head + ": " + info.detail,
                    "check `az aksarc get-versions` (Azure Local) or Get-AksHciKubernetesVersion, "
                    "or pass a newer table with --policy-data");
      break;
  }
  return r;
}

class ControlPlaneVersion final : public Check {
 public:
  std::string_view id() const override { return "control-plane-version"; }
  std::string_view rule() const override { return "VER-2"; }
  std::string_view title() const override {
    return "API server version is a supported AKS Arc version";
  }
  std::string_view explanation() const override {
    return "Reads the API server's /version and looks its Kubernetes minor up in the AKS Arc "
           "version table of the cluster's platform (Azure Local, or Windows Server / Azure Stack "
           "HCI 22H2). A deprecated minor makes the cluster unsupported (VER-2); once removed "
           "from Microsoft's servers, updates fail until the cluster is upgraded to the latest "
           "version, which may need a redeployment (VER-3); within 60 days of the end of "
           "support the check warns with the date (VER-1). Dates the data infers rather than "
           "quotes are marked (inferred).";
  }
  // kube-system pods: the kube-apiserver image tells the version when /version is missing.
  std::vector<ResourceKey> needs() const override { return {resources::pods("kube-system")}; }
  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (auto r = platform_result(*this, ctx)) return out.push_back(std::move(*r));
    std::optional<checks::ApiServerVersion> api = checks::api_server_version(state);
    if (!api) {
      out.push_back(result_of(
          *this, CheckStatus::kUnknown,
          "the API server version could not be read: " + checks::api_server_version_missing(state),
          "allow GET /version (it is public by default), or use a dump "
          "that has it"));
      return;
    }
    CheckResult r = judge_version(*this, ctx, "the control plane" + api->source, false, api->text);
    r.evidence.push_back(api->evidence);
    out.push_back(std::move(r));
  }
};

class KubeletVersions final : public Check {
 public:
  std::string_view id() const override { return "kubelet-versions"; }
  std::string_view rule() const override { return "VER-2"; }
  std::string_view title() const override { return "every node runs a supported AKS Arc version"; }
  std::string_view explanation() const override {
    return "Reads status.nodeInfo.kubeletVersion of every node (AKS Arc strings such as "
           "v1.28.5-kvapkg.1 included) and judges each version like control-plane-version: "
           "deprecated fails (VER-2), removed from Microsoft's servers fails (VER-3), support "
           "ending within 60 days warns (VER-1). Nodes on the same version are reported together "
           "with one piece of evidence per node.";
  }
  std::vector<ResourceKey> needs() const override { return {resources::nodes()}; }
  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (auto r = platform_result(*this, ctx)) return out.push_back(std::move(*r));
    const json* nodes = require_list(state, resources::nodes(), *this, out);
    if (nodes == nullptr) return;
    std::map<std::string, std::vector<const json*>> by_version;
    for (const json& node : *nodes) {
      const json* info = path(node, {"status", "nodeInfo"});
      by_version[std::string(info ? string_member(*info, "kubeletVersion") : "")].push_back(&node);
    }
    for (const auto& [version, group] : by_version) {
      std::string who = group.size() == 1 ? "node " + std::string(name_of(*group.front()))
                                          : std::to_string(group.size()) + " nodes";
      CheckResult r = judge_version(*this, ctx, who, group.size() > 1, version);
      for (const json* node : group) {
        r.evidence.push_back(evidence_of(*node, "Node", "status.nodeInfo.kubeletVersion", version));
      }
      out.push_back(std::move(r));
    }
    if (by_version.empty()) {
      out.push_back(result_of(*this, CheckStatus::kUnknown, "the cluster lists no nodes"));
    }
  }
};

// The oldest kubelet minor the API server supports: 3 minors older since 1.28, 2 before.
int allowed_skew(const KubeVersion& api) { return api.major == 1 && api.minor >= 28 ? 3 : 2; }

class VersionSkew final : public Check {
 public:
  std::string_view id() const override { return "version-skew"; }
  std::string_view rule() const override { return "VER-4"; }
  std::string_view title() const override {
    return "kubelets within the supported skew of the API server";
  }
  std::string_view explanation() const override {
    return "Compares every node's kubelet version with the API server's. Kubernetes supports "
           "kubelets up to three minors older than the API server (two before 1.28) and never "
           "newer; outside that skew nothing is guaranteed (VER-4). Nodes on different versions "
           "are a warning: an upgrade that stopped half way.";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::nodes(), resources::pods("kube-system")};
  }
  void run(const ClusterState& state, const CheckContext&,
           std::vector<CheckResult>& out) const override {
    const json* nodes = require_list(state, resources::nodes(), *this, out);
    if (nodes == nullptr) return;
    std::optional<checks::ApiServerVersion> found = checks::api_server_version(state);
    if (!found) {
      out.push_back(result_of(
          *this, CheckStatus::kUnknown,
          "the API server version is not known: " + checks::api_server_version_missing(state)));
      return;
    }
    const std::string git = found->text;
    const std::optional<KubeVersion> api = found->version;
    CheckResult skew = result_of(*this, CheckStatus::kPass, "");
    std::map<std::string, std::vector<const json*>> by_version;
    for (const json& node : *nodes) {
      const json* info = path(node, {"status", "nodeInfo"});
      std::string v(info ? string_member(*info, "kubeletVersion") : "");
      by_version[v].push_back(&node);
      auto kubelet = parse_kube_version(v);
      if (!kubelet) continue;
      const int behind = (api->major - kubelet->major) * 100 + api->minor - kubelet->minor;
      if (behind < 0 || behind > allowed_skew(*api)) {
        skew.status = CheckStatus::kFail;
        skew.evidence.push_back(evidence_of(node, "Node", "status.nodeInfo.kubeletVersion", v));
      }
    }
    const bool out_of_skew = skew.status == CheckStatus::kFail;
    if (out_of_skew) {
      skew.message = std::to_string(skew.evidence.size()) +
                     " node(s) run a kubelet newer than the API server (" + git +
                     ") or more than " + std::to_string(allowed_skew(*api)) +
                     " minors older: outside the supported version skew";
      skew.remediation = "upgrade the node pools to the control plane's version";
      skew.evidence.push_back(found->evidence);
      out.push_back(std::move(skew));
    }
    if (by_version.size() > 1) {
      CheckResult mixed =
          result_of(*this, CheckStatus::kWarn,
                    "nodes run " + std::to_string(by_version.size()) +
                        " different kubelet versions (an upgrade that did not finish?)",
                    "finish the upgrade so every node pool runs the same version");
      for (const auto& [v, group] : by_version) {
        for (const json* node : group) {
          mixed.evidence.push_back(evidence_of(*node, "Node", "status.nodeInfo.kubeletVersion", v));
        }
      }
      out.push_back(std::move(mixed));
    }
    if (!out_of_skew && by_version.size() <= 1) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              "every kubelet is within the supported skew of the API "
                              "server (" +
                                  git + ")"));
    }
  }
};

}  // namespace

std::vector<std::unique_ptr<Check>> make_version_checks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<ControlPlaneVersion>());
  checks.push_back(std::make_unique<KubeletVersions>());
  checks.push_back(std::make_unique<VersionSkew>());
  return checks;
}

}  // namespace aksarc
