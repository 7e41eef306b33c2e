#include "core/policy_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string>

#include "core/embedded_data.h"

namespace aksarc {
namespace {

constexpr std::string_view kRuleIds[] = {"NODE-2", "MGD-1", "PREV-1"};
constexpr std::string_view kOperations[] = {"CREATE", "UPDATE", "DELETE", "CONNECT"};

// yaml-cpp throws on type mismatches; every read below happens inside parse_policy_config's
// try block, and these helpers turn a mismatch into an error naming the key.
struct ConfigError {
  std::string message;
};

std::string read_string(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) throw ConfigError{key + ": expected a string"};
  return node.as<std::string>();
}

bool read_bool(const YAML::Node& node, const std::string& key) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    throw ConfigError{key + ": expected true or false"};
  }
  return value;
}

std::vector<std::string> read_string_list(const YAML::Node& node, const std::string& key) {
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) throw ConfigError{key + ": expected a list of strings"};
  for (size_t i = 0; i < node.size(); ++i) {
    out.push_back(read_string(node[i], key + "[" + std::to_string(i) + "]"));
  }
  return out;
}

void read_modes(const YAML::Node& node, PolicyConfig& config) {
  if (node.IsNull()) return;
  if (!node.IsMap()) throw ConfigError{"rules: expected a map of rule ID to mode"};
  for (const auto& kv : node) {
    std::string id = read_string(kv.first, "rules");
    if (std::find(std::begin(kRuleIds), std::end(kRuleIds), id) == std::end(kRuleIds)) {
      throw ConfigError{"rules: unknown rule ID \"" + id + "\" (known: NODE-2, MGD-1, PREV-1)"};
    }
    std::string text = read_string(kv.second, "rules." + id);
    std::optional<Mode> mode = parse_mode(text);
    if (!mode) {
      throw ConfigError{"rules." + id + ": unknown mode \"" + text + "\" (deny, warn or audit)"};
    }
    config.modes[id] = *mode;
  }
}

AllowEntry read_allow_entry(const YAML::Node& node, const std::string& key) {
  if (!node.IsMap()) throw ConfigError{key + ": expected a map"};
  AllowEntry entry;
  for (const auto& kv : node) {
    std::string field = read_string(kv.first, key);
    std::string field_key = key + "." + field;
    if (field == "resource") {
      entry.resource = read_string(kv.second, field_key);
    } else if (field == "subresource") {
      entry.subresource = kv.second.IsNull() ? "" : read_string(kv.second, field_key);
    } else if (field == "namespace") {
      entry.namespace_ = read_string(kv.second, field_key);
    } else if (field == "name") {
      entry.name = read_string(kv.second, field_key);
    } else if (field == "reason") {
      entry.reason = read_string(kv.second, field_key);
    } else if (field == "operations") {
      entry.operations = read_string_list(kv.second, field_key);
      for (const std::string& op : entry.operations) {
        if (std::find(std::begin(kOperations), std::end(kOperations), op) ==
            std::end(kOperations)) {
          throw ConfigError{field_key + ": unknown operation \"" + op + "\""};
        }
      }
    } else {
      throw ConfigError{field_key + ": unknown key"};
    }
  }
  return entry;
}

void read_exemptions(const YAML::Node& node, Exemptions& out) {
  if (node.IsNull()) return;
  if (!node.IsMap()) throw ConfigError{"exemptions: expected a map"};
  for (const auto& kv : node) {
    std::string field = read_string(kv.first, "exemptions");
    if (field == "users") {
      out.users = read_string_list(kv.second, "exemptions.users");
    } else if (field == "groups") {
      out.groups = read_string_list(kv.second, "exemptions.groups");
    } else if (field == "serviceAccounts") {
      out.service_accounts = read_string_list(kv.second, "exemptions.serviceAccounts");
      for (const std::string& sa : out.service_accounts) {
        if (sa.find(':') == std::string::npos) {
          throw ConfigError{"exemptions.serviceAccounts: \"" + sa +
                            "\" is not namespace:name (or namespace:*)"};
        }
      }
    } else {
      throw ConfigError{"exemptions." + field + ": unknown key"};
    }
  }
}

void read_cluster_version(const YAML::Node& node, PolicyConfig& config) {
  std::string text = node.IsNull() ? "" : read_string(node, "clusterVersion");
  if (text.empty()) {
    config.cluster_version.reset();
    return;
  }
  std::optional<KubeVersion> v = parse_kube_version(text);
  if (!v) throw ConfigError{"clusterVersion: \"" + text + "\" is not a Kubernetes version"};
  config.cluster_version = v;
}

// Applies one top-level key of the document.
void apply_key(const std::string& key, const YAML::Node& value, PolicyConfig& config) {
  if (key == "apiVersion" || key == "kind") return;  // informational
  if (key == "clusterVersion") {
    read_cluster_version(value, config);
  } else if (key == "dryRun") {
    config.dry_run = read_bool(value, key);
  } else if (key == "rules") {
    read_modes(value, config);
  } else if (key == "protectedDomains") {
    config.protected_domains = read_string_list(value, key);
  } else if (key == "userKeyPrefixes") {
    config.user_key_prefixes = read_string_list(value, key);
  } else if (key == "systemNamespaces") {
    config.system_namespaces = read_string_list(value, key);
  } else if (key == "managedComponentsAllow") {
    config.managed_allow.clear();
    if (value.IsNull()) return;
    if (!value.IsSequence()) throw ConfigError{key + ": expected a list"};
    for (size_t i = 0; i < value.size(); ++i) {
      config.managed_allow.push_back(
          read_allow_entry(value[i], key + "[" + std::to_string(i) + "]"));
    }
  } else if (key == "allowRolloutRestart") {
    config.allow_rollout_restart = read_bool(value, key);
  } else if (key == "exemptions") {
    config.exemptions = Exemptions{};
    read_exemptions(value, config.exemptions);
  } else {
    throw ConfigError{key + ": unknown key"};
  }
}

}  // namespace

std::string_view to_string(Mode mode) {
  switch (mode) {
    case Mode::kDeny:
      return "deny";
    case Mode::kWarn:
      return "warn";
    case Mode::kAudit:
      return "audit";
  }
  return "deny";
}

std::optional<Mode> parse_mode(std::string_view text) {
  if (text == "deny") return Mode::kDeny;
  if (text == "warn") return Mode::kWarn;
  if (text == "audit") return Mode::kAudit;
  return std::nullopt;
}

Mode PolicyConfig::mode_of(std::string_view rule_id) const {
  auto it = modes.find(rule_id);
  return it == modes.end() ? Mode::kDeny : it->second;
}

bool PolicyConfig::is_system_namespace(std::string_view ns) const {
  if (ns.empty()) return false;
  return std::find(system_namespaces.begin(), system_namespaces.end(), ns) !=
         system_namespaces.end();
}

Result<PolicyConfig> parse_policy_config(std::string_view text, const PolicyConfig& base) {
  PolicyConfig config = base;
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    if (doc.IsNull()) return config;
    if (!doc.IsMap()) return parse_error("policy configuration: expected a YAML map at the top");
    for (const auto& kv : doc) {
      apply_key(read_string(kv.first, "policy configuration"), kv.second, config);
    }
  } catch (const ConfigError& e) {
    return parse_error("policy configuration: " + e.message);
  } catch (const YAML::Exception& e) {
    return parse_error(std::string("policy configuration: invalid YAML: ") + e.what());
  }
  return config;
}

Result<PolicyConfig> default_policy_config() {
  return parse_policy_config(embedded::default_policy_yaml(), PolicyConfig{});
}

}  // namespace aksarc
