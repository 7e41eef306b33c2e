#pragma once
// Which kubeconfig files kubectl would read, and how it merges them: --kubeconfig, else every
// existing file of $KUBECONFIG (duplicates read once), else ~/.kube/config; the first file to
// define a cluster, user or context name (or current-context) wins. Resolving the merged entries
// into a RestConfig is kube/kubeconfig.cc's job.

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "kube/kubeconfig.h"

namespace aksarc::kube::kubeconfig_internal {

// One cluster/user/context entry and where it came from (relative paths resolve against the
// file's directory; messages name the file).
struct Entry {
  YAML::Node body;  // the `cluster:`, `user:` or `context:` map; may be null
  std::string file;
};

struct Merged {
  std::map<std::string, Entry> clusters, users, contexts;
  std::string current_context;
  std::vector<std::string> files;
};

// yaml-cpp throws when a missing key's node is asked for its type; these ask safely.
inline bool is_map(const YAML::Node& node) { return node.IsDefined() && node.IsMap(); }
inline bool is_scalar(const YAML::Node& node) { return node.IsDefined() && node.IsScalar(); }
inline bool is_set(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

// The capped read every kubeconfig-referenced file goes through (certificates, keys, tokens).
Result<std::string> read_config_file(const std::string& path);

// Finds, reads and merges the files of `selection`. Errors: kNotFound (no configuration file),
// kIo (unreadable file), kParse (invalid YAML, sections of the wrong shape, nameless entries).
// Never throws; thread-safe.
Result<Merged> load_merged(const KubeconfigSelection& selection);

}  // namespace aksarc::kube::kubeconfig_internal
