#include "kube/kubeconfig_merge.h"

#include <filesystem>
#include <set>

#include "kube/text_file.h"

namespace aksarc::kube::kubeconfig_internal {
namespace {

namespace fs = std::filesystem;

// Kubeconfigs with embedded certificates are a few KiB; anything near this is not one.
constexpr size_t kMaxFileBytes = size_t{16} * 1024 * 1024;

bool is_regular_file(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// kubectl's precedence: --kubeconfig, else $KUBECONFIG (missing files skipped, duplicates read
// once), else ~/.kube/config.
Result<std::vector<std::string>> kubeconfig_files(const KubeconfigSelection& selection) {
  if (!selection.kubeconfig_flag.empty()) {
    if (!is_regular_file(selection.kubeconfig_flag)) {
      // "No such file" for a folder sent people looking for a typo in the path.
      std::error_code ec;
      const bool exists = fs::exists(selection.kubeconfig_flag, ec);
      const bool folder = exists && fs::is_directory(selection.kubeconfig_flag, ec);
      return Error{ErrorCode::kNotFound, "--kubeconfig " + selection.kubeconfig_flag +
                                             (folder   ? " is a directory, not a kubeconfig file"
                                              : exists ? " is not a regular file"
                                                       : ": no such file")};
    }
    return std::vector<std::string>{selection.kubeconfig_flag};
  }
  std::vector<std::string> files;
  if (selection.kubeconfig_env && !selection.kubeconfig_env->empty()) {
    std::set<std::string> seen;
    std::string_view rest = *selection.kubeconfig_env;
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string item(rest.substr(0, colon));
      rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
      if (!item.empty() && seen.insert(item).second && is_regular_file(item)) {
        files.push_back(item);
      }
    }
    if (files.empty()) {
      return Error{ErrorCode::kNotFound,
                   "no configuration: none of the files in KUBECONFIG exists (" +
                       *selection.kubeconfig_env + ")"};
    }
    return files;
  }
  std::string home_config = selection.home + "/.kube/config";
  if (selection.home.empty() || !is_regular_file(home_config)) {
    return Error{ErrorCode::kNotFound, "no configuration: " + home_config +
                                           " does not exist and neither --kubeconfig nor "
                                           "KUBECONFIG is set"};
  }
  return std::vector<std::string>{home_config};
}

// Adds one named list (clusters, users, contexts) of a file; the first definition of a name wins.
Status merge_section(const YAML::Node& root, const char* key, const char* body_key,
                     const std::string& file, std::map<std::string, Entry>& into) {
  const YAML::Node section = root[key];
  if (!section.IsDefined() || section.IsNull()) return {};
  if (!section.IsSequence()) return parse_error(file + ": '" + key + "' is not a list");
  for (size_t i = 0; i < section.size(); ++i) {
    const YAML::Node item = section[i];
    std::string where = file + ": " + key + "[" + std::to_string(i) + "]";
    if (!is_map(item)) return parse_error(where + " is not a map");
    const YAML::Node name = item["name"];
    if (!is_scalar(name) || name.Scalar().empty()) return parse_error(where + " has no name");
    into.try_emplace(name.Scalar(), Entry{item[body_key], file});
  }
  return {};
}

Status merge_file(const std::string& file, Merged& merged) {
  auto text = read_config_file(file);
  if (!text.ok()) return text.error();
  try {
    const YAML::Node root = YAML::Load(text.value());
    merged.files.push_back(file);
    if (root.IsNull()) return {};  // an empty file is an empty configuration, as for kubectl
    if (!root.IsMap()) return parse_error(file + ": not a kubeconfig (the top level is not a map)");
    struct Section {
      const char* key;
      const char* body;
      std::map<std::string, Entry>* into;
    };
    for (const Section& section :
         {Section{"clusters", "cluster", &merged.clusters}, Section{"users", "user", &merged.users},
          Section{"contexts", "context", &merged.contexts}}) {
      Status s = merge_section(root, section.key, section.body, file, *section.into);
      if (!s.ok()) return s;
    }
    const YAML::Node current = root["current-context"];
    if (is_set(current) && !current.IsScalar()) {
      return parse_error(file + ": 'current-context' is not a string");
    }
    if (merged.current_context.empty() && is_scalar(current)) {
      merged.current_context = current.Scalar();
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp messages carry a position and the problem, not the document's text.
    return parse_error(file + ": invalid YAML: " + e.what());
  }
  return {};
}

}  // namespace

Result<std::string> read_config_file(const std::string& path) {
  return read_small_file(path, kMaxFileBytes);
}

Result<Merged> load_merged(const KubeconfigSelection& selection) {
  auto files = kubeconfig_files(selection);
  if (!files.ok()) return files.error();
  Merged merged;
  for (const auto& file : files.value()) {
    if (Status s = merge_file(file, merged); !s.ok()) return s.error();
  }
  return merged;
}

}  // namespace aksarc::kube::kubeconfig_internal
