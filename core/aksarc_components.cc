#include "core/aksarc_components.h"

#include <yaml-cpp/yaml.h>

#include <exception>

#include "core/embedded_data.h"

namespace aksarc {
namespace {

// The scalar at `key`, or "" when absent. Throws YAML exceptions on a non-scalar; the caller
// catches.
std::string scalar(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.Scalar() : std::string();
}

std::vector<std::string> strings(const YAML::Node& node, const char* key) {
  std::vector<std::string> out;
  const YAML::Node list = node[key];
  if (!list) return out;
  if (!list.IsSequence()) throw std::runtime_error(std::string(key) + " is not a list");
  for (const YAML::Node& item : list) {
    if (!item.IsScalar()) throw std::runtime_error(std::string(key) + " holds a non-string");
    out.push_back(item.Scalar());
  }
  return out;
}

ComponentKind kind_of(const std::string& text, const std::string& name) {
  if (text == "Deployment") return ComponentKind::kDeployment;
  if (text == "DaemonSet") return ComponentKind::kDaemonSet;
  if (text == "StaticPod") return ComponentKind::kStaticPod;
  throw std::runtime_error("component " + name + ": unknown kind \"" + text + "\"");
}

ExpectedComponent component_of(const YAML::Node& node) {
  ExpectedComponent c;
  c.name = scalar(node, "name");
  if (c.name.empty()) throw std::runtime_error("a component has no name");
  c.kind = kind_of(scalar(node, "kind"), c.name);
  const YAML::Node match = node["match"];
  if (!match || !match.IsMap()) throw std::runtime_error("component " + c.name + ": no match");
  c.match_name = scalar(match, "name");
  c.match_name_prefix = scalar(match, "namePrefix");
  std::string label = scalar(match, "label");
  if (size_t eq = label.find('='); eq != std::string::npos) {
    c.match_label_key = label.substr(0, eq);
    c.match_label_value = label.substr(eq + 1);
  }
  if (c.match_name.empty() && c.match_name_prefix.empty() && c.match_label_key.empty()) {
    throw std::runtime_error("component " + c.name + ": match names nothing");
  }
  const YAML::Node required = node["required"];
  if (required && required.IsMap()) {
    c.required_azure_local = required["azureLocal"] && required["azureLocal"].as<bool>();
    c.required_windows_server = required["windowsServer"] && required["windowsServer"].as<bool>();
  }
  c.evidence = scalar(node, "evidence");
  return c;
}

AksArcComponents document_of(const YAML::Node& root) {
  if (!root.IsMap()) throw std::runtime_error("the document is not a mapping");
  AksArcComponents doc;
  doc.as_of = scalar(root, "asOf");
  for (const YAML::Node& c : root["components"]) doc.components.push_back(component_of(c));
  doc.expected_registries = strings(root, "expectedRegistries");
  doc.tolerated_images = strings(root, "toleratedImages");
  doc.owned_workloads = strings(root, "ownedWorkloads");
  doc.managed_configmaps = strings(root, "managedConfigMaps");
  doc.human_managers = strings(root, "humanManagers");
  for (const YAML::Node& n : root["cnis"]) {
    doc.cnis.push_back(
        {scalar(n, "name"), n["supported"] && n["supported"].as<bool>(), strings(n, "daemonsets")});
  }
  for (const YAML::Node& n : root["thirdParty"]) {
    doc.third_party.push_back(
        {scalar(n, "name"), strings(n, "namespaces"), strings(n, "workloads")});
  }
  doc.microsoft_namespaces = strings(root, "microsoftNamespaces");
  if (doc.components.empty() || doc.expected_registries.empty()) {
    throw std::runtime_error("components and expectedRegistries must not be empty");
  }
  return doc;
}

}  // namespace

std::string_view to_string(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kDeployment:
      return "Deployment";
    case ComponentKind::kDaemonSet:
      return "DaemonSet";
    case ComponentKind::kStaticPod:
      return "static pod";
  }
  return "object";
}

Result<AksArcComponents> parse_aksarc_components(std::string_view yaml) {
  try {
    return document_of(YAML::Load(std::string(yaml)));
  } catch (const std::exception& e) {
    return parse_error(std::string("aksarc-components: ") + e.what());
  }
}

Result<std::shared_ptr<const AksArcComponents>> load_embedded_aksarc_components() {
  static const Result<std::shared_ptr<const AksArcComponents>> loaded =
      []() -> Result<std::shared_ptr<const AksArcComponents>> {
    Result<AksArcComponents> parsed = parse_aksarc_components(embedded::aksarc_components_yaml());
    if (!parsed.ok()) return parsed.error();
    return std::make_shared<const AksArcComponents>(std::move(parsed).value());
  }();
  return loaded;
}

bool matches_pattern(std::string_view pattern, std::string_view text) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == text;
  std::string_view head = pattern.substr(0, star);
  if (text.substr(0, head.size()) != head) return false;
  std::string_view rest = pattern.substr(star + 1);
  for (size_t i = head.size(); i <= text.size(); ++i) {
    if (matches_pattern(rest, text.substr(i))) return true;
  }
  return false;
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view text) {
  for (const std::string& p : patterns) {
    if (matches_pattern(p, text)) return true;
  }
  return false;
}

}  // namespace aksarc
