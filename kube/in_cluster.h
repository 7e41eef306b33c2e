#pragma once
// Talking to the API server from inside a pod, with the pod's service account: the environment
// (KUBERNETES_SERVICE_HOST/PORT) says where it is, the mounted token and CA say how to trust it.
// The environment lookup and the service account directory are parameters so tests can fake both.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/kube_version.h"
#include "core/result.h"

namespace aksarc::kube {

inline constexpr std::string_view kServiceAccountDir =
    "/var/run/secrets/kubernetes.io/serviceaccount";

struct InClusterConfig {
  std::string host;
  int port = 443;
  std::string token;
  std::string ca_file;
};

// Looks up an environment variable; returns nullptr when unset (std::getenv's contract).
using EnvLookup = std::function<const char*(const char*)>;

// Reads the in-cluster configuration. Errors: kNotFound when KUBERNETES_SERVICE_HOST/PORT are
// unset (not running in a pod); kIo when the token or ca.crt cannot be read; kInvalidArgument
// for a malformed port.
Result<InClusterConfig> load_in_cluster_config(std::string_view service_account_dir,
                                               const EnvLookup& getenv);

// GET /version with the bearer token, verifying the server against the CA file. Errors:
// kUnavailable (connection, TLS or timeout), kUnauthorized/kForbidden (401/403), kParse (no
// parseable gitVersion). Thread-safe; blocks for at most about `timeout` per phase.
Result<KubeVersion> fetch_server_version(const InClusterConfig& config,
                                         std::chrono::milliseconds timeout);

}  // namespace aksarc::kube
