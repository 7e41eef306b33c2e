// aksarc-support-webhook: wiring only. Start-up errors print one line on stderr and exit 1
// (usage errors exit 2); once serving, everything is logged as JSON lines on stdout.

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "kube/in_cluster.h"
#include "webhook/decision_log.h"
#include "webhook/metrics.h"
#include "webhook/options.h"
#include "webhook/policy_store.h"
#include "webhook/reloader.h"
#include "webhook/server.h"
#include "webhook/tls_store.h"

namespace aksarc::webhook {
namespace {

constexpr std::chrono::seconds kDiscoveryTimeout{5};
constexpr std::chrono::nanoseconds kSignalPoll = std::chrono::milliseconds(200);

int fail(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return 1;
}

// --cluster-version or the file's clusterVersion win; else ask the API server when in a pod.
void discover_cluster_version(const Options& o, PolicyStore& policies, Log& log) {
  if (policies.version_configured()) return;
  auto config = kube::load_in_cluster_config(o.service_account_dir, std::getenv);
  Result<KubeVersion> version = config.ok()
                                    ? kube::fetch_server_version(config.value(), kDiscoveryTimeout)
                                    : Result<KubeVersion>(config.error());
  if (version.ok()) {
    policies.set_discovered_version(version.value());
    log.info("cluster version from the API server",
             {{"cluster_version", version.value().minor_string()}});
    return;
  }
  log.warn(
      "cluster version unknown: judging against the newest version in the policy data; "
      "set clusterVersion in the configuration or --cluster-version",
      {{"error", version.error().message}});
}

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

// Waits for signals on its own thread: SIGTERM/SIGINT stop the server, SIGHUP checks the files
// now. Wakes up every kSignalPoll to notice that the server stopped for another reason.
void wait_for_signals(WebhookServer& server, Reloader& reloader, Log& log,
                      const std::atomic<bool>& exiting) {
  sigset_t set = handled_signals();
  const timespec poll{0, kSignalPoll.count()};
  while (!exiting) {
    int sig = sigtimedwait(&set, nullptr, &poll);
    if (sig == SIGHUP) {
      reloader.poll_now();
    } else if (sig == SIGTERM || sig == SIGINT) {
      log.info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      server.stop();
      return;
    }
  }
}

void log_listening(const Options& o, int port, const Policy& policy, const TlsStore& tls,
                   Log& log) {
  log.info("listening", {{"address", o.bind_address},
                         {"port", port},
                         {"version", kWebhookVersion},
                         {"cluster_version", policy.cluster_version().minor_string()},
                         {"cluster_version_known", policy.cluster_version_known()},
                         {"config", o.config_file},
                         {"client_ca", o.client_ca_file},
                         {"certificate", cert_fields(tls.certificate_info())}});
}

// Serves until SIGTERM/SIGINT, with the reloader and the signal waiter on their own threads.
int serve(WebhookServer& server, Reloader& reloader, Log& log) {
  std::atomic<bool> exiting{false};
  std::thread signals([&] { wait_for_signals(server, reloader, log, exiting); });
  reloader.start();
  bool ok = server.serve();
  exiting = true;
  signals.join();
  reloader.stop();
  if (!ok) {
    log.error("the server stopped unexpectedly");
    return 1;
  }
  log.info("stopped");
  return 0;
}

int run(const Options& o) {
  // Block before any thread starts so every thread inherits the mask and only the signal thread
  // takes them (sigtimedwait).
  sigset_t set = handled_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the process

  Log log(std::cout);
  Metrics metrics(kWebhookVersion);
  // Before the stores first read the files, so a change in between is not missed.
  WatchedFiles files(o.tls_cert_file, o.tls_private_key_file, o.client_ca_file, o.config_file);
  auto tls =
      TlsStore::create({o.tls_cert_file, o.tls_private_key_file, o.client_ca_file, o.client_cns});
  if (!tls.ok()) return fail(tls.error().message);
  metrics.set_certificate_not_after(tls.value()->certificate_info().not_after);

  std::optional<KubeVersion> override_version;
  if (!o.cluster_version.empty()) override_version = parse_kube_version(o.cluster_version);
  auto policies = PolicyStore::create({o.config_file, override_version});
  if (!policies.ok()) return fail(policies.error().message);

  // Local failures (TLS, port) end start-up before any network call to the API server.
  WebhookServer server(
      *tls.value(), *policies.value(), metrics, log,
      {o.read_timeout_seconds, o.write_timeout_seconds, o.idle_timeout_seconds, o.threads});
  if (Status s = server.init(); !s.ok()) return fail(s.error().message);
  auto port = server.bind(o.bind_address, o.port);
  if (!port.ok()) return fail(port.error().message);

  discover_cluster_version(o, *policies.value(), log);
  Reloader reloader(std::move(files), o.reload_interval_seconds, *tls.value(), *policies.value(),
                    metrics, log);
  log_listening(o, port.value(), *policies.value()->current(), *tls.value(), log);
  return serve(server, reloader, log);
}

}  // namespace
}  // namespace aksarc::webhook

int main(int argc, char** argv) {
  using aksarc::webhook::Invocation;
  auto invocation = aksarc::webhook::parse_options(argc, argv);
  if (!invocation.ok()) {
    std::cerr << "error: " << invocation.error().message
              << " (run aksarc-support-webhook --help for usage)\n";
    return 2;
  }
  if (invocation.value().action == Invocation::Action::kPrintAndExit) {
    const std::string& text = invocation.value().text;
    std::cout << text << (text.empty() || text.back() != '\n' ? "\n" : "");
    return 0;
  }
  return aksarc::webhook::run(invocation.value().options);
}
