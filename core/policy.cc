#include "core/policy.h"

#include "core/rules/managed_components.h"
#include "core/rules/node_metadata.h"
#include "core/rules/preview_features.h"

namespace aksarc {

Policy::Policy(PolicyConfig config, std::shared_ptr<const PolicyData> data, KubeVersion version,
               bool version_known)
    : config_(std::move(config)),
      data_(std::move(data)),
      cluster_version_(version),
      cluster_version_known_(version_known) {
  // Adding a rule means adding a file under core/rules/ and one line here.
  rules_.push_back(make_node_metadata_rule());
  rules_.push_back(make_managed_components_rule());
  rules_.push_back(make_preview_features_rule());
}

std::shared_ptr<const Policy> Policy::create(PolicyConfig config,
                                             std::shared_ptr<const PolicyData> data,
                                             std::optional<KubeVersion> discovered_version) {
  std::optional<KubeVersion> version = config.cluster_version;
  if (!version) version = discovered_version;
  bool known = version.has_value();
  KubeVersion judged = known ? *version : data->feature_gates.newest_minor();
  return std::make_shared<const Policy>(std::move(config), std::move(data), judged, known);
}

RuleContext Policy::context() const {
  return RuleContext{config_, *data_, cluster_version_, cluster_version_known_};
}

Result<std::shared_ptr<const Policy>> make_policy_from_yaml(std::string_view config_yaml) {
  Result<PolicyConfig> defaults = default_policy_config();
  if (!defaults.ok()) return defaults.error();
  Result<PolicyConfig> config = parse_policy_config(config_yaml, defaults.value());
  if (!config.ok()) return config.error();
  // The embedded data never changes during a run: parse it once for every policy built here.
  static const Result<std::shared_ptr<const PolicyData>> data = load_embedded_policy_data();
  if (!data.ok()) return data.error();
  return Policy::create(std::move(config).value(), data.value());
}

}  // namespace aksarc
