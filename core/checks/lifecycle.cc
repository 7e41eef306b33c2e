// LIFE-2..4 on a whole cluster: nodes stopped for longer than the policy allows (the nodes' Ready
// condition shows it), Azure Arc connectivity and subscription, which only Azure knows (read from
// `az connectedk8s show` output given with --arc-status), and the Arc agents in azure-arc.

#include <algorithm>

#include "core/checks/object_fields.h"
#include "core/checks/registry.h"

namespace aksarc {
namespace {

using checks::int_member;
using checks::name_of;

constexpr long kConnectivityDays = 30;  // LIFE-3
constexpr long kStoppedDays = 30;       // LIFE-2: stopped nodes beyond this void support
constexpr long kConnectivityWarnDays = 25;
constexpr std::string_view kArcNs = "azure-arc";
constexpr std::string_view kRunArcShow =
    "run `az connectedk8s show -n <cluster> -g <resource-group> > arc.json` and pass "
    "--arc-status arc.json";
// The agents every Arc-connected cluster runs (aksarc-facts.md section 4); the optional ones
// (cluster connect, Azure RBAC guard, flux logs, kube-aad-proxy) are not required.
constexpr std::string_view kArcAgents[] = {
    "clusteridentityoperator",   "config-agent",        "controller-manager", "metrics-agent",
    "cluster-metadata-operator", "resource-sync-agent", "extension-manager"};

// A field of the `az connectedk8s show` document: top level (az CLI flattens) or "properties"
// (the ARM resource as the REST API returns it).
std::string_view arc_field(const json& arc, std::string_view key) {
  std::string_view v = string_member(arc, key);
  if (!v.empty()) return v;
  const json* props = object_member(arc, "properties");
  return props == nullptr ? std::string_view{} : string_member(*props, key);
}

Evidence arc_evidence(const json& arc, std::string_view field) {
  return Evidence{"ConnectedCluster", std::string(string_member(arc, "resourceGroup")),
                  std::string(string_member(arc, "name")), std::string(field),
                  std::string(arc_field(arc, field))};
}

// Skipped or unknown results that stop a check before it reads --arc-status; nullopt to go on.
std::optional<CheckResult> arc_preconditions(const Check& check, const CheckContext& ctx) {
  if (ctx.platform == Platform::kNotAksArc) {
    return result_of(check, CheckStatus::kSkipped, "not an AKS Arc cluster");
  }
  if (ctx.arc_status == nullptr || !ctx.arc_status->is_object()) {
    return result_of(check, CheckStatus::kUnknown,
                     "Azure Arc connectivity and subscription state live in Azure, not in the "
                     "cluster",
                     std::string(kRunArcShow));
  }
  return std::nullopt;
}

// The date since which `node` has not been Ready, or nullopt when it is Ready (or the condition
// has no readable time: then nothing can be said).
std::optional<CivilDate> not_ready_since(const json& node) {
  const json* conditions = path(node, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return std::nullopt;
  for (const json& c : *conditions) {
    if (string_member(c, "type") != "Ready") continue;
    if (string_member(c, "status") == "True") return std::nullopt;
    std::string_view when = string_member(c, "lastTransitionTime");
    if (when.empty()) when = string_member(c, "lastHeartbeatTime");
    return parse_civil_date(when.substr(0, 10));
  }
  return std::nullopt;
}

class StoppedNodes final : public Check {
 public:
  std::string_view id() const override { return "stopped-nodes"; }
  std::string_view rule() const override { return "LIFE-2"; }
  std::string_view title() const override {
    return "no nodes stopped or deallocated for more than 30 days";
  }
  std::string_view explanation() const override {
    return "Stopping or deallocating nodes for more than 30 days outside regular maintenance "
           "makes the cluster unsupported, and a cluster stopped for more than 90 days can no "
           "longer be updated (LIFE-1, LIFE-2). A stopped node stays in the API as NotReady; the "
           "check reads each node's Ready condition and how long ago it last changed, as of "
           "--at. Every node NotReady for more than 30 days means the cluster was stopped (seen "
           "in a dump); some nodes means deallocated nodes. Shorter outages are not judged.";
  }
  std::vector<ResourceKey> needs() const override { return {resources::nodes()}; }
  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    const json* nodes = require_list(state, resources::nodes(), *this, out);
    if (nodes == nullptr) return;
    std::vector<Evidence> stopped;
    long longest = 0;
    for (const json& node : *nodes) {
      std::optional<CivilDate> since = not_ready_since(node);
      if (!since) continue;
      long days = days_between(*since, ctx.today);
      if (days <= kStoppedDays) continue;
      longest = std::max(longest, days);
      stopped.push_back(
          evidence_of(node, "Node", "status.conditions[Ready].lastTransitionTime",
                      since->to_string() + " (NotReady for " + std::to_string(days) + " days)"));
    }
    if (stopped.empty()) {
      out.push_back(result_of(
          *this, CheckStatus::kPass,
          std::to_string(nodes->size()) + " node(s): none NotReady for more than 30 days"));
      return;
    }
    const bool all = stopped.size() == nodes->size();
    CheckResult r = result_of(
        *this, CheckStatus::kFail,
        all ? "every node has been NotReady for more than 30 days (up to " +
                  std::to_string(longest) + "): the cluster was stopped beyond the policy's limit" +
                  (longest > 90 ? " and can no longer be updated" : "")
            : std::to_string(stopped.size()) + " of " + std::to_string(nodes->size()) +
                  " nodes NotReady for more than 30 days (up to " + std::to_string(longest) +
                  "): stopped or deallocated nodes outside maintenance",
        all ? "start the cluster (`az aksarc` / Start-AksHciCluster) and upgrade it; past 90 days "
              "open a support request: it may need redeployment"
            : "start the nodes again, or remove them from their node pool (scale the pool "
              "down) so the cluster stops counting them");
    r.evidence = std::move(stopped);
    out.push_back(std::move(r));
  }
};

class ArcConnectivity final : public Check {
 public:
  std::string_view id() const override { return "arc-connectivity"; }
  std::string_view rule() const override { return "LIFE-3"; }
  std::string_view title() const override { return "connected to Azure within the last 30 days"; }
  std::string_view explanation() const override {
    return "AKS on Azure Local must reach Azure at least every 30 days: after that, day-2 "
           "operations (upgrades, scaling) stop and certificates managed by AKS Arc expire "
           "(LIFE-3). The cluster cannot see this itself, so the check reads "
           "connectivityStatus and lastConnectivityTime from `az connectedk8s show` output "
           "(--arc-status FILE): more than 30 days fails, 25 to 30 warns, and Expired (the Arc "
           "identity certificate ran out) fails. Windows Server 2019/2022 hosts have no 30-day "
           "rule, so the check is skipped there.";
  }
  std::vector<ResourceKey> needs() const override { return {}; }
  void run(const ClusterState&, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (ctx.platform == Platform::kWindowsServer) {
      out.push_back(result_of(*this, CheckStatus::kSkipped,
                              "Windows Server hosts have no 30-day connectivity rule"));
      return;
    }
    if (auto r = arc_preconditions(*this, ctx)) return out.push_back(std::move(*r));
    const json& arc = *ctx.arc_status;
    CheckResult r = judge(arc, ctx);
    if (ctx.platform == Platform::kUnknown && r.status == CheckStatus::kFail) {
      // The rule depends on the platform: a Windows Server host would have no deadline.
      r.status = CheckStatus::kWarn;
      r.message += " (platform unknown: Windows Server hosts have no 30-day rule; use --platform)";
    }
    r.evidence.push_back(arc_evidence(arc, "connectivityStatus"));
    r.evidence.push_back(arc_evidence(arc, "lastConnectivityTime"));
    out.push_back(std::move(r));
  }

 private:
  CheckResult judge(const json& arc, const CheckContext& ctx) const {
    std::string status(arc_field(arc, "connectivityStatus"));
    if (status == "Expired") {
      return result_of(*this, CheckStatus::kFail,
                       "the Arc connection is Expired: the managed identity certificate "
                       "ran out and Azure Arc features stopped",
                       "delete and re-create the Arc connection (see the Azure Arc "
                       "connectivity docs); for AKS on Azure Local open a support case");
    }
    auto last = parse_civil_date(arc_field(arc, "lastConnectivityTime"));
    if (!last) {
      if (status == "Connected") {
        return result_of(*this, CheckStatus::kPass, "the cluster is Connected to Azure");
      }
      return result_of(
          *this, CheckStatus::kUnknown,
          "--arc-status has no readable lastConnectivityTime (status \"" + status + "\")",
          std::string(kRunArcShow));
    }
    const long days = days_between(*last, ctx.today);
    if (days < 0) {
      // --at lies before the file was recorded: the window cannot be replayed backwards.
      return result_of(*this, CheckStatus::kUnknown,
                       "lastConnectivityTime " + last->to_string() + " is after the date judged (" +
                           ctx.today.to_string() + ")",
                       "judge at a date on or after the --arc-status file was recorded");
    }
    const std::string since = "last connected " + last->to_string() + ", " + std::to_string(days) +
                              " days before " + ctx.today.to_string();
    const std::string fix =
        "restore outbound HTTPS from the cluster to Azure (see the AKS Arc "
        "network requirements) and check again";
    if (days > kConnectivityDays) {
      return result_of(*this, CheckStatus::kFail,
                       since +
                           ": beyond the 30-day limit, day-2 operations are "
                           "blocked and the cluster is outside support",
                       fix + "; a cluster disconnected this long may need to be redeployed");
    }
    if (days >= kConnectivityWarnDays) {
      return result_of(*this, CheckStatus::kWarn,
                       since + ": " + std::to_string(kConnectivityDays - days) +
                           " day(s) left of the 30-day limit",
                       fix);
    }
    if (status == "Connected") {
      return result_of(*this, CheckStatus::kPass, "Connected (" + since + ")");
    }
    return result_of(*this, CheckStatus::kInfo,
                     "status \"" + status + "\", " + since + ": " +
                         std::to_string(kConnectivityDays - days) +
                         " day(s) left of the 30-day "
                         "limit",
                     fix);
  }
};

// "/subscriptions/<id>/resourceGroups/..." -> "<id>", or "".
std::string subscription_of(const json& arc) {
  std::string_view id = string_member(arc, "id");
  constexpr std::string_view kPrefix = "/subscriptions/";
  if (id.substr(0, kPrefix.size()) != kPrefix) return "";
  id.remove_prefix(kPrefix.size());
  return std::string(id.substr(0, id.find('/')));
}

// True when azure-arc holds Deployments (the Arc agents), i.e. the cluster is Arc-connected.
bool arc_connected(const ClusterState& state) {
  const json* deployments = state.items(resources::deployments(std::string(kArcNs)));
  return deployments != nullptr && !deployments->empty();
}

class ArcSubscription final : public Check {
 public:
  std::string_view id() const override { return "arc-subscription"; }
  std::string_view rule() const override { return "LIFE-4"; }
  std::string_view title() const override { return "the Azure subscription is active"; }
  std::string_view explanation() const override {
    return "A cluster whose Azure subscription is suspended or deleted is out of support after "
           "60 days unless the subscription is restored; after deletion the Arc connection "
           "cannot be restored and AKS Arc must be redeployed (LIFE-4). Only Azure knows the "
           "subscription's state: the check reads what the --arc-status file shows (a "
           "subscriptionState field when present, else the resource's provisioningState) and "
           "says how to look up the rest.";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::deployments(std::string(kArcNs))};
  }
  void run(const ClusterState& cluster, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (ctx.platform == Platform::kWindowsServer && ctx.arc_status == nullptr &&
        !arc_connected(cluster)) {
      // Arc is optional there: the subscription that matters is the AKS host's registration.
      out.push_back(result_of(*this, CheckStatus::kInfo,
                              "the cluster is not Arc-connected; on Windows Server the AKS host's "
                              "Azure registration carries the subscription",
                              "check it on the host with Get-AksHciRegistration, and the "
                              "subscription with `az account show --subscription <id> --query "
                              "state`"));
      return;
    }
    if (auto r = arc_preconditions(*this, ctx)) return out.push_back(std::move(*r));
    const json& arc = *ctx.arc_status;
    const std::string sub = subscription_of(arc);
    const std::string lookup = "check the subscription with `az account show --subscription " +
                               (sub.empty() ? std::string("<id>") : sub) + " --query state`";
    std::string state(arc_field(arc, "subscriptionState"));
    CheckResult r;
    if (state == "Disabled" || state == "Deleted") {
      r = result_of(*this, CheckStatus::kFail,
                    "the subscription is " + state +
                        ": the cluster leaves support 60 days after suspension, and a deleted "
                        "subscription means redeploying AKS Arc",
                    "restore the subscription within 60 days of its suspension");
      r.evidence.push_back(arc_evidence(arc, "subscriptionState"));
    } else if (state == "Warned" || state == "PastDue") {
      r = result_of(*this, CheckStatus::kWarn, "the subscription is " + state,
                    "settle the subscription before it is suspended");
      r.evidence.push_back(arc_evidence(arc, "subscriptionState"));
    } else if (state == "Enabled") {
      r = result_of(*this, CheckStatus::kPass, "the subscription is Enabled");
      r.evidence.push_back(arc_evidence(arc, "subscriptionState"));
    } else {
      r = from_provisioning(arc, lookup);
    }
    out.push_back(std::move(r));
  }

 private:
  CheckResult from_provisioning(const json& arc, const std::string& lookup) const {
    std::string prov(arc_field(arc, "provisioningState"));
    CheckResult r;
    if (prov.empty()) {
      r = result_of(*this, CheckStatus::kUnknown,
                    "the --arc-status file shows neither the subscription's state nor "
                    "the resource's provisioningState",
                    lookup);
    } else if (prov == "Succeeded") {
      r = result_of(*this, CheckStatus::kInfo,
                    "the Arc resource exists and is provisioned (Succeeded); a suspended "
                    "subscription does not show in `az connectedk8s show`",
                    lookup);
    } else {
      r = result_of(*this, CheckStatus::kWarn, "the Arc resource's provisioningState is " + prov,
                    lookup);
    }
    r.evidence.push_back(arc_evidence(arc, "provisioningState"));
    return r;
  }
};

// "2/2 ready", or "" when the Deployment is ready.
std::string not_ready(const json& deployment) {
  const json* spec = object_member(deployment, "spec");
  const json* status = object_member(deployment, "status");
  int64_t want = spec == nullptr ? 1 : int_member(*spec, "replicas").value_or(1);
  int64_t ready = status == nullptr ? 0 : int_member(*status, "readyReplicas").value_or(0);
  if (want > 0 && ready >= want) return "";
  return std::to_string(ready) + "/" + std::to_string(want) + " ready";
}

class ArcAgents final : public Check {
 public:
  std::string_view id() const override { return "arc-agents"; }
  std::string_view rule() const override { return "LIFE-3"; }
  std::string_view title() const override { return "Azure Arc agents present and ready"; }
  std::string_view explanation() const override {
    return "The Azure Arc agents in the azure-arc namespace (clusteridentityoperator, "
           "config-agent, controller-manager, metrics-agent, cluster-metadata-operator, "
           "resource-sync-agent, extension-manager) keep the cluster connected to Azure; without "
           "them the 30-day connectivity window of LIFE-3 runs out. AKS on Azure Local clusters "
           "are always Arc-connected, so a missing or unready agent fails there and warns "
           "elsewhere; a Windows Server cluster without Arc is only noted.";
  }
  std::vector<ResourceKey> needs() const override {
    return {resources::deployments(std::string(kArcNs))};
  }
  void run(const ClusterState& state, const CheckContext& ctx,
           std::vector<CheckResult>& out) const override {
    if (ctx.platform == Platform::kNotAksArc) {
      out.push_back(result_of(*this, CheckStatus::kSkipped, "not an AKS Arc cluster"));
      return;
    }
    const json* items =
        require_list(state, resources::deployments(std::string(kArcNs)), *this, out);
    if (items == nullptr) return;
    if (items->empty() && ctx.platform == Platform::kWindowsServer) {
      out.push_back(result_of(*this, CheckStatus::kInfo,
                              "the cluster is not Arc-connected (no Deployments in "
                              "azure-arc); optional on Windows Server"));
      return;
    }
    std::vector<Evidence> broken;
    for (std::string_view agent : kArcAgents) {
      const json* found = nullptr;
      for (const json& d : *items) {
        if (name_of(d) == agent) found = &d;
      }
      if (found == nullptr) {
        broken.push_back(Evidence{"Deployment", std::string(kArcNs), std::string(agent),
                                  "metadata.name", "(absent)"});
      } else if (std::string why = not_ready(*found); !why.empty()) {
        broken.push_back(evidence_of(*found, "Deployment", "status.readyReplicas", why));
      }
    }
    report(broken, ctx.platform, out);
  }

 private:
  void report(std::vector<Evidence>& broken, Platform platform,
              std::vector<CheckResult>& out) const {
    if (broken.empty()) {
      out.push_back(result_of(*this, CheckStatus::kPass,
                              "the Azure Arc agents in azure-arc are present and ready"));
      return;
    }
    const bool local = platform == Platform::kAzureLocal;
    CheckResult r = result_of(
        *this, local ? CheckStatus::kFail : CheckStatus::kWarn,
        std::to_string(broken.size()) +
            " Azure Arc agent(s) missing or not ready: the cluster may not reach Azure" +
            (local ? " (AKS on Azure Local must stay Arc-connected)" : ""),
        "inspect the agents (`kubectl -n azure-arc get deploy,pods`, `az connectedk8s "
        "troubleshoot`); upgrade or repair the Arc agents with `az connectedk8s upgrade`");
    r.evidence = std::move(broken);
    out.push_back(std::move(r));
  }
};

}  // namespace

std::vector<std::unique_ptr<Check>> make_lifecycle_checks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<StoppedNodes>());
  checks.push_back(std::make_unique<ArcConnectivity>());
  checks.push_back(std::make_unique<ArcSubscription>());
  checks.push_back(std::make_unique<ArcAgents>());
  return checks;
}

}  // namespace aksarc
