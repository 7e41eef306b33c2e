#pragma once
// How to reach and authenticate to one API server: what a kubeconfig context (or the in-cluster
// service account) resolves to. Produced by kube/kubeconfig, consumed by kube/client.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aksarc::kube {

// users[].user.exec: a client-go exec credential plugin (how kubelogin does Entra logins).
struct ExecConfig {
  std::string api_version;  // client.authentication.k8s.io/v1 or v1beta1
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string interactive_mode;  // Never, IfAvailable, Always ("" = IfAvailable for v1beta1)
};

struct RestConfig {
  // Where: https://host:port, possibly with a path prefix (Rancher-style proxies).
  std::string server;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string ca_pem;     // certificate-authority(-data), PEM text; empty = system store
  std::string proxy_url;  // clusters[].cluster.proxy-url

  // Who: at most one of these is the effective credential (exec wins at request time).
  std::string bearer_token;  // token, or the content of tokenFile
  std::string token_file;    // re-read when the server says 401 (projected tokens rotate)
  std::string client_cert_pem;
  std::string client_key_pem;
  std::optional<ExecConfig> exec;

  // For messages and for exec's provideClusterInfo.
  std::string context_name;
  std::string cluster_name;
  std::string user_name;
  std::string namespace_;  // the context's namespace, "" = default

  double request_timeout_seconds = 0;  // --request-timeout; 0 = the client's default
};

}  // namespace aksarc::kube
