#pragma once
// The credentials a request is sent with, whoever produced them (a kubeconfig's static token or
// client certificate, an exec credential plugin, a rotated token file). Shared by the client
// (kube/client.h), which only consumes them, and the exec credential provider, which produces them.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/result.h"

namespace aksarc::kube {

struct Credentials {
  std::string bearer_token;     // "" = none
  std::string client_cert_pem;  // PEM certificate (and optional chain); "" = none
  std::string client_key_pem;   // PEM private key for client_cert_pem
  std::optional<std::chrono::system_clock::time_point> expiry;  // nullopt = does not expire
};

// Produces the credentials for the next request. force_refresh is true after the server answered
// 401: cached credentials must be discarded and obtained anew (re-run the exec plugin, re-read the
// token file). Returns an Error when no credentials can be produced; must be thread-safe.
using CredentialsFn = std::function<Result<Credentials>(bool force_refresh)>;

}  // namespace aksarc::kube
