#pragma once
// Command-line options of aksarc-support-webhook. Parsing is a pure function of argv (no I/O, no
// environment) so tests call it directly.

#include <string>
#include <string_view>
#include <vector>

#include "aksarc_version.h"
#include "core/result.h"
#include "kube/in_cluster.h"

namespace aksarc::webhook {

// The webhook ships with the project's version (project(VERSION) in CMakeLists.txt).
inline constexpr std::string_view kWebhookVersion = kAksarcVersion;

struct Options {
  std::string tls_cert_file;         // PEM: leaf certificate first, then intermediates
  std::string tls_private_key_file;  // PEM, unencrypted
  int port = 9443;                   // 0 picks a free port (the "listening" log line names it)
  std::string bind_address = "0.0.0.0";
  std::string config_file;  // empty: the embedded defaults only

  // Client-certificate verification (mTLS); empty: any client may connect.
  std::string client_ca_file;
  std::vector<std::string> client_cns;  // allowed CNs of the client certificate; empty: any

  // How often the certificate, key, client CA and configuration files are checked for changes.
  // A stat() of four paths costs microseconds, and kubelet only updates mounted Secrets and
  // ConfigMaps every minute or so, so 2 s adds no load and no noticeable delay.
  double reload_interval_seconds = 2.0;

  std::string cluster_version;  // overrides the configuration's clusterVersion when set

  // Slow clients: the TLS handshake and reading the request (headers and body) must each make
  // progress within read_timeout; writing the answer within write_timeout.
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  // How long an idle keep-alive connection is kept. Each open connection holds a worker thread,
  // and shutdown waits for idle connections to time out, so this stays short.
  int idle_timeout_seconds = 10;
  int threads = 64;  // worker threads (each serves one connection at a time)

  // Where the in-cluster service account lives; overridable for tests (hidden flag).
  std::string service_account_dir{kube::kServiceAccountDir};
};

// What the command line asks for.
struct Invocation {
  enum class Action { kServe, kPrintAndExit };
  Action action = Action::kServe;
  Options options;   // valid for kServe
  std::string text;  // kPrintAndExit: --help or --version text for stdout (exit code 0)
};

// Parses argv (argv[0] is the program name). Returns an error with a one-line message naming
// the offending flag for unknown flags, missing required flags and out-of-range values.
Result<Invocation> parse_options(int argc, const char* const* argv);

// Convenience for tests: the arguments without the program name.
Result<Invocation> parse_options(const std::vector<std::string>& args);

}  // namespace aksarc::webhook
