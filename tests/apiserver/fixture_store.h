#pragma once
// Recorded cluster state loaded from a fixture folder (a superset of the folder written by
// `kubectl cluster-info dump --output-directory DIR`; the format is in README.md beside this file).
// Loaded once at start-up, then read-only: every const member is safe to call from many threads.

#include <filesystem>
#include <map>
#include <string>
#include <utility>
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

// One served object, kept in the forms requests need rather than as a JSON tree: a 150,000-pod
// fixture then loads in seconds and a LIST page is a concatenation, not a serialization.
struct StoredObject {
  std::string ns;  // "" for cluster-scoped objects
  std::string name;
  std::string text;              // the whole object, compact JSON (what GET and LIST answer)
  std::string meta_text;         // its metadata, compact JSON (PartialObjectMetadata)
  json labels;                   // metadata.labels when an object, else null (label selectors)
  std::string created;           // metadata.creationTimestamp, "" when not a string
  std::string resource_version;  // metadata.resourceVersion, "" when not a string
  // Every field label the resource supports (selectors.h supported_fields) with its value.
  std::vector<std::pair<std::string, std::string>> fields;

  // The whole object parsed again (Table cells need it; rare and small).
  json full() const { return json::parse(text); }
  // The value of a supported field label, or nullptr.
  const std::string* field(const std::string& label) const {
    for (const auto& [k, v] : fields) {
      if (k == label) return &v;
    }
    return nullptr;
  }
};

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
  const std::vector<StoredObject>& objects(const ResourceType& type) const;
  // The kubelet configz body of a node (compact JSON), or nullptr when the fixture has none.
  const std::string* configz(const std::string& node) const;
  // The container log of a pod (DIR/<ns>/<pod>/logs.txt), or nullptr when absent.
  const std::string* pod_log(const std::string& ns, const std::string& pod) const;
  // The list resourceVersion: the largest numeric resourceVersion found, at least 1.
  const std::string& resource_version() const { return resource_version_; }

 private:
  static std::string key(const ResourceType& type) { return type.group + "/" + type.name; }

  json version_;
  std::vector<ResourceType> resources_;
  std::vector<std::string> group_versions_;
  std::map<std::string, std::vector<StoredObject>> objects_;  // key(type) -> sorted objects
  std::map<std::string, std::string> configz_;
  std::map<std::string, std::string> logs_;  // "<ns>/<pod>" -> text
  std::string resource_version_ = "1";

  friend class FixtureLoader;
};

}  // namespace aksarc::testapi
