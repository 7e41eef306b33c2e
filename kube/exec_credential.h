#pragma once
// The effective credential (kube/credentials.h) of a RestConfig: the static token (re-read from
// tokenFile after a 401), the client certificate, or what a client-go exec credential plugin
// (kubelogin, ...) prints. Exec results are cached until their expirationTimestamp; invalidate()
// after a 401 forces a fresh run or re-read.

#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kube/credentials.h"
#include "kube/rest_config.h"

namespace aksarc::kube {

struct ExecOptions {
  // The plugin is killed (its whole process group) after this long.
  std::chrono::milliseconds timeout{60000};
  // Whether a terminal is on stdin; nullopt = ask isatty(0). Tests force it.
  std::optional<bool> stdin_is_tty;
  // Where the plugin's stderr goes (prompts, device-code messages): ours by default.
  int stderr_fd = STDERR_FILENO;
  // The clock, for expiry; tests replace it.
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

// Reads what an exec credential plugin printed on stdout: an ExecCredential of exec.api_version
// (client.authentication.k8s.io/v1 or v1beta1) with status.token, or status.clientCertificateData
// and clientKeyData, and an optional RFC 3339 status.expirationTimestamp. Only exec.api_version
// and exec.command (for messages) are read. Errors: kParse naming what is wrong (not JSON, wrong
// kind or apiVersion, no status, no credential, half a certificate pair, a bad timestamp); the
// messages never quote the output, which may hold a token. Pure; thread-safe.
Result<Credentials> parse_exec_credential(std::string_view out, const ExecConfig& exec);

// Parses an RFC 3339 timestamp ("2026-11-25T20:00:00Z", "...T20:00:00.5+01:00"); nullopt when
// malformed. An instant system_clock cannot hold (before about 1678 or after 2262) saturates to
// time_point::min() or max(). Pure; thread-safe.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

class CredentialProvider {
 public:
  explicit CredentialProvider(RestConfig config, ExecOptions options = {});

  // The credential to send now. For exec: the cached one while it has not expired, else the
  // plugin's fresh answer (concurrent callers wait for a single run). Errors: kNotFound (the
  // command is not installed; carries the installHint), kUnavailable (non-zero exit with its
  // code, killed, timed out), kParse (output is not a valid ExecCredential of the configured
  // apiVersion), kIo (tokenFile unreadable, cannot start the plugin), kInvalidArgument
  // (interactiveMode Always without a terminal). Messages never contain secrets. Thread-safe.
  Result<Credentials> get();

  // Forgets the cached credential (call after a 401): the next get() re-runs the plugin or
  // re-reads the token file. Thread-safe.
  void invalidate();

 private:
  Result<Credentials> get_static_locked();
  Result<Credentials> get_exec_locked();

  const RestConfig config_;
  const ExecOptions options_;
  std::mutex mu_;
  std::optional<Credentials> cached_;  // guarded by mu_
  bool token_stale_ = false;           // guarded by mu_: re-read token_file on the next get()
};

// Adapts a provider to the client's CredentialsFn (kube/credentials.h): force_refresh (after a 401)
// invalidates, then gets. A failure is returned again, without a new run, until the next
// force_refresh. The function shares ownership of the provider. Thread-safe.
CredentialsFn credentials_fn(std::shared_ptr<CredentialProvider> provider);

}  // namespace aksarc::kube
