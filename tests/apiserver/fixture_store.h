#pragma once
// Recorded cluster state loaded from a fixture folder (a superset of the folder written by
// `kubectl cluster-info dump --output-directory DIR`; the format is in README.md beside this file).
// Loaded once at start-up, then read-only: every const member is safe to call from many threads.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/json_access.h"
#include "core/result.h"

namespace aksarc::testapi {

// One resource type the server knows (what discovery announces and what LIST/GET serve).
struct ResourceType {
  std::string group;  // "" for the core group
  std::string version;
  std::string name;  // plural, e.g. "deployments"
  std::string singular;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> short_names;

  // "v1" for the core group, else "<group>/<version>".
  std::string group_version() const;
};

// The built-in resource table (core v1, apps/v1, admissionregistration.k8s.io/v1, ...).
const std::vector<ResourceType>& builtin_resources();

class FixtureStore {
 public:
  // Reads `dir`. Returns an io/parse Error naming the file when a present file cannot be read or
  // is not the expected JSON; missing optional files are not errors.
  static Result<FixtureStore> load(const std::filesystem::path& dir);

  // The /version body.
  const json& version() const { return version_; }
  // Every served resource type: the built-in table plus those declared in discovery.json.
  const std::vector<ResourceType>& resources() const { return resources_; }
  // Served group/versions ("v1", "apps/v1", ...) in a stable order, including ones that only
  // discovery.json names.
  const std::vector<std::string>& group_versions() const { return group_versions_; }
  // The resource type, or nullptr when not served.
  const ResourceType* find(std::string_view group, std::string_view version,
                           std::string_view name) const;
  // All objects of a type, across namespaces, sorted by (namespace, name). Empty when none.
  const std::vector<json>& objects(const ResourceType& type) const;
  // The kubelet configz body of a node, or nullptr when the fixture has none.
  const json* configz(const std::string& node) const;
  // The container log of a pod (DIR/<ns>/<pod>/logs.txt), or nullptr when absent.
  const std::string* pod_log(const std::string& ns, const std::string& pod) const;
  // The list resourceVersion: the largest numeric resourceVersion found, at least 1.
  const std::string& resource_version() const { return resource_version_; }

 private:
  static std::string key(const ResourceType& type) { return type.group + "/" + type.name; }

  json version_;
  std::vector<ResourceType> resources_;
  std::vector<std::string> group_versions_;
  std::map<std::string, std::vector<json>> objects_;  // key(type) -> sorted objects
  std::map<std::string, json> configz_;
  std::map<std::string, std::string> logs_;  // "<ns>/<pod>" -> text
  std::string resource_version_ = "1";

  friend class FixtureLoader;
};

}  // namespace aksarc::testapi
