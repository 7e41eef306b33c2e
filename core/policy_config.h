#pragma once
// The policy configuration: rule modes, exemptions, allow-lists, protected prefixes, system
// namespaces and the cluster version. Defaults come from data/default-policy.yaml (embedded);
// a YAML file is laid over them key by key.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kube_version.h"
#include "core/result.h"

namespace aksarc {

enum class Mode { kDeny, kWarn, kAudit };
std::string_view to_string(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);

// One allow-list entry of MGD-1. An empty field (or "*") matches anything, except subresource,
// where "" means "the object itself" and only "*" matches any subresource.
struct AllowEntry {
  std::string resource;
  std::string subresource;
  std::string namespace_;
  std::string name;
  std::vector<std::string> operations;  // empty: every operation
  std::string reason;
};

struct Exemptions {
  std::vector<std::string> users;
  std::vector<std::string> groups;
  std::vector<std::string> service_accounts;  // "namespace:name" or "namespace:*"
};

struct PolicyConfig {
  std::optional<KubeVersion> cluster_version;
  bool dry_run = false;
  std::map<std::string, Mode, std::less<>> modes;  // rule id -> mode; missing means deny
  std::vector<std::string> protected_domains;
  std::vector<std::string> user_key_prefixes;
  std::vector<std::string> system_namespaces;
  std::vector<AllowEntry> managed_allow;
  bool allow_rollout_restart = true;
  Exemptions exemptions;

  Mode mode_of(std::string_view rule_id) const;
  bool is_system_namespace(std::string_view ns) const;
};

// The embedded defaults. Never fails for a correctly built binary; a broken embedded file is
// reported as an error.
Result<PolicyConfig> default_policy_config();

// Lays the YAML document `text` over `base`. Unknown keys, wrong types, unknown rule IDs or modes
// and unparseable versions are errors naming the key; an empty document returns base unchanged.
Result<PolicyConfig> parse_policy_config(std::string_view text, const PolicyConfig& base);

}  // namespace aksarc
