// aksarc-test-apiserver: serves recorded cluster state over HTTPS so the real kubectl and the
// plugin can be tested without a kube-apiserver. Usage and fixture format: README.md beside this.

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <thread>

#include "tests/apiserver/api_server.h"
#include "tests/apiserver/fixture_store.h"

namespace {

using aksarc::testapi::ApiServer;
using aksarc::testapi::FailRule;
using aksarc::testapi::FaultRule;
using aksarc::testapi::FixtureStore;
using aksarc::testapi::ServerOptions;

struct CommandLine {
  ServerOptions server;
  std::string fixture_dir;
  std::vector<std::string> fail_rules;   // PATH_PREFIX=CODE
  std::vector<std::string> fault_rules;  // PATH_PREFIX=KIND
  bool never_accept = false;
  int max_lifetime_seconds = 600;
};

bool parse_fail_rules(const std::vector<std::string>& rules, std::vector<FailRule>* out) {
  for (const std::string& rule : rules) {
    const size_t eq = rule.rfind('=');
    if (eq == std::string::npos || eq == 0) return false;
    const std::string code = rule.substr(eq + 1);
    if (code.size() != 3 || code.find_first_not_of("0123456789") != std::string::npos) return false;
    out->push_back({rule.substr(0, eq), std::stoi(code)});
  }
  return true;
}

bool parse_fault_rules(const std::vector<std::string>& rules, std::vector<FaultRule>* out) {
  for (const std::string& rule : rules) {
    const size_t eq = rule.rfind('=');
    if (eq == std::string::npos || eq == 0) return false;
    const auto kind = aksarc::testapi::parse_fault_kind(rule.substr(eq + 1));
    if (!kind) return false;
    out->push_back({rule.substr(0, eq), *kind});
  }
  return true;
}

void add_options(CLI::App& app, CommandLine& cl) {
  app.add_option("--fixture-dir", cl.fixture_dir, "Cluster snapshot folder (see README.md)")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--bind-address", cl.server.bind_address, "Address to listen on")
      ->capture_default_str();
  app.add_option("--port", cl.server.port, "Port; 0 picks a free one")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--tls-cert-file", cl.server.tls_cert_file, "Server certificate chain (PEM)")
      ->required();
  app.add_option("--tls-private-key-file", cl.server.tls_private_key_file, "Server key (PEM)")
      ->required();
  app.add_option("--client-ca-file", cl.server.client_ca_file,
                 "Verify client certificates with this CA; the CN is the user name");
  app.add_option("--token", cl.server.tokens, "Accepted bearer token (repeatable)");
  app.add_option("--forbid", cl.server.forbid,
                 "Answer 403 for resource[:namespace], e.g. nodes or pods:kube-system");
  app.add_option("--fail", cl.fail_rules, "PATH_PREFIX=CODE: answer CODE (e.g. 429, 500)");
  app.add_option("--fault", cl.fault_rules,
                 "PATH_PREFIX=KIND: a broken answer; KIND is invalid-json, truncated, not-a-list, "
                 "endless-pages, repeat-continue, redirect or hang");
  app.add_flag("!--no-retry-after", cl.server.retry_after,
               "Injected 429 and 503 answers carry no Retry-After header");
  app.add_flag("--plain-http", cl.server.plain_http,
               "Serve plain HTTP instead of HTTPS (TLS flags still required, unused)");
  app.add_flag("--never-accept", cl.never_accept,
               "Listen but never accept a connection (a peer that stalls the TLS handshake)");
  app.add_option("--fail-times", cl.server.fail_times,
                 "Fail only the first N matching requests (0 = all)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--delay-ms", cl.server.delay_ms, "Delay every answer")
      ->check(CLI::Range(0, 600000));
  app.add_option("--request-log", cl.server.request_log,
                 "Append 'METHOD TARGET STATUS' per request to this file");
  app.add_option("--max-lifetime-seconds", cl.max_lifetime_seconds, "Exit after this long")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
}

// Returns on SIGTERM/SIGINT (blocked in every thread), at the lifetime deadline, or once `done`.
void wait_for_stop(int lifetime_seconds, const std::atomic<bool>& done) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(lifetime_seconds);
  while (!done && std::chrono::steady_clock::now() < deadline) {
    const timespec tick{0, 200L * 1000 * 1000};
    if (sigtimedwait(&set, nullptr, &tick) > 0) break;
  }
}

// Waits as wait_for_stop, then stops the server, retrying until serve() has returned in case the
// stop came before it started.
void watch(ApiServer& server, int lifetime_seconds, const std::atomic<bool>& done) {
  wait_for_stop(lifetime_seconds, done);
  while (!done) {
    server.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"aksarc-test-apiserver: a read-only Kubernetes API server for tests"};
  CommandLine cl;
  add_options(app, cl);
  CLI11_PARSE(app, argc, argv);
  if (!parse_fail_rules(cl.fail_rules, &cl.server.fail)) {
    std::cerr << "error: --fail wants PATH_PREFIX=CODE with a 3-digit code\n";
    return 2;
  }
  if (!parse_fault_rules(cl.fault_rules, &cl.server.faults)) {
    std::cerr << "error: --fault wants PATH_PREFIX=KIND with KIND one of invalid-json, truncated, "
                 "not-a-list, endless-pages, repeat-continue, redirect, hang\n";
    return 2;
  }

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts, so all inherit it
  std::signal(SIGPIPE, SIG_IGN);

  aksarc::Result<FixtureStore> store = FixtureStore::load(cl.fixture_dir);
  if (!store.ok()) {
    std::cerr << "error: " << store.error().message << '\n';
    return 1;
  }
  ApiServer server(store.value(), cl.server);
  aksarc::Result<int> port = server.bind();
  if (!port.ok()) {
    std::cerr << "error: " << port.error().message << '\n';
    return 1;
  }
  std::cout << "listening on " << (cl.server.plain_http ? "http" : "https") << "://"
            << cl.server.bind_address << ':' << port.value() << std::endl;

  std::atomic<bool> done{false};
  if (cl.never_accept) {
    // The socket listens (the kernel completes TCP handshakes into the backlog) but nothing is
    // ever accepted, so a client's TLS handshake gets no answer.
    wait_for_stop(cl.max_lifetime_seconds, done);
    return 0;
  }
  std::thread watcher([&] { watch(server, cl.max_lifetime_seconds, done); });
  const bool ok = server.serve();
  done = true;
  watcher.join();
  return ok ? 0 : 1;
}
