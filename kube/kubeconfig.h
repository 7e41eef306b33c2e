#pragma once
// Reading kubeconfig files the way kubectl does: which files (--kubeconfig, else $KUBECONFIG, else
// ~/.kube/config), how several files merge (the first file to set a cluster, user, context or
// current-context wins), which context, cluster and user are selected, and what they resolve to
// (relative paths against the directory of the file that defined the entry). Also the in-cluster
// service account as a RestConfig.
//
// Error messages name the file and the key at fault and never contain secret values (tokens,
// keys, passwords).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kube/in_cluster.h"
#include "kube/rest_config.h"

namespace aksarc::kube {

// What the plugin's flags and environment say; empty strings mean "not given".
struct KubeconfigSelection {
  std::string kubeconfig_flag;                // --kubeconfig: one file, which must exist
  std::optional<std::string> kubeconfig_env;  // $KUBECONFIG: ':'-separated, missing files skipped
  std::string home;                           // $HOME, for ~/.kube/config
  std::string context, cluster, user;         // --context, --cluster, --user
  double request_timeout_seconds = 0;         // --request-timeout (0 = the client's default)
};

// Loads the files the selection names and resolves the selected context (--context, else
// current-context) into a RestConfig. Errors: kNotFound (no configuration, no context selected,
// a context/cluster/user that does not exist), kIo (an unreadable file), kParse (YAML errors, bad
// base64, non-PEM data), kInvalidArgument (missing server, unexpanded ${...}, removed
// auth-provider, basic auth, an exec block without apiVersion/command). Reads files only;
// thread-safe.
Result<RestConfig> load_rest_config(const KubeconfigSelection& selection);

// As above, with `context_name` instead of selection.context / current-context (for
// --all-contexts and --contexts a,b). Same errors; thread-safe.
Result<RestConfig> load_rest_config(const KubeconfigSelection& selection,
                                    std::string_view context_name);

// The names of all contexts in the merged configuration, sorted (as `kubectl config
// get-contexts` lists them). Errors as load_rest_config for finding and parsing the files.
// Thread-safe.
Result<std::vector<std::string>> list_contexts(const KubeconfigSelection& selection);

// The pod's service account as a RestConfig: server https://host:port, ca_pem from ca.crt, the
// token read now and token_file set so a 401 re-reads it, namespace_ from the namespace file when
// present. Errors: those of load_in_cluster_config, kIo when ca.crt cannot be read. Thread-safe.
Result<RestConfig> load_in_cluster_rest_config(std::string_view service_account_dir,
                                               const EnvLookup& getenv);

}  // namespace aksarc::kube
