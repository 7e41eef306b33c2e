#pragma once
// A Policy is everything a decision needs, fixed at construction: the configuration, the data,
// the rules, and the cluster version to judge against. Immutable and thread-safe once built; the
// webhook swaps in a new one when the configuration changes.

#include <memory>
#include <optional>
#include <vector>

#include "core/policy_config.h"
#include "core/policy_data.h"
#include "core/result.h"
#include "core/rule.h"

namespace aksarc {

class Policy {
 public:
  // `discovered_version` (from the API server) is used when the configuration names none. With
  // neither, rules judge against the data's newest minor and say so.
  static std::shared_ptr<const Policy> create(PolicyConfig config,
                                              std::shared_ptr<const PolicyData> data,
                                              std::optional<KubeVersion> discovered_version = {});

  const PolicyConfig& config() const { return config_; }
  const PolicyData& data() const { return *data_; }
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
  RuleContext context() const;
  const KubeVersion& cluster_version() const { return cluster_version_; }
  bool cluster_version_known() const { return cluster_version_known_; }

  Policy(PolicyConfig config, std::shared_ptr<const PolicyData> data, KubeVersion version,
         bool version_known);

 private:
  PolicyConfig config_;
  std::shared_ptr<const PolicyData> data_;
  std::vector<std::unique_ptr<Rule>> rules_;
  KubeVersion cluster_version_;
  bool cluster_version_known_ = false;
};

// Convenience for tests and tools: the embedded defaults overlaid with `config_yaml`.
Result<std::shared_ptr<const Policy>> make_policy_from_yaml(std::string_view config_yaml);

}  // namespace aksarc
