#include "webhook/options.h"

#include <CLI/CLI.hpp>
#include <exception>
#include <memory>

#include "core/kube_version.h"

namespace aksarc::webhook {
namespace {

constexpr const char* kFooter = R"(Endpoints (HTTPS only):
  POST /validate   AdmissionReview (admission.k8s.io/v1 or v1beta1), application/json, max 7 MiB
  GET  /healthz    200 while the process runs
  GET  /readyz     200 while serving, 503 once shutting down
  GET  /metrics    Prometheus text format

Certificate, key, client CA and --config are re-read when they change (checked every
--reload-interval); an invalid new file is logged and the last good one stays in force.
Logs: one JSON object per line on stdout. Start-up errors: one line on stderr, exit code 1;
usage errors exit 2. SIGTERM/SIGINT: stop accepting, finish requests in flight, exit 0.)";

void add_tls_flags(CLI::App& app, Options& o) {
  app.add_option("--tls-cert-file", o.tls_cert_file,
                 "Serving certificate (PEM; leaf first, then intermediates)")
      ->required();
  app.add_option("--tls-private-key-file", o.tls_private_key_file,
                 "Private key of the serving certificate (PEM, unencrypted)")
      ->required();
  auto* ca = app.add_option("--client-ca-file", o.client_ca_file,
                            "Require client certificates issued by these CAs (PEM)");
  app.add_option("--client-cn", o.client_cns,
                 "Allowed client certificate CN (repeatable or comma-separated; default: any)")
      ->needs(ca)
      ->delimiter(',')
      ->allow_extra_args(false);
}

void add_listen_flags(CLI::App& app, Options& o) {
  app.add_option("--port", o.port, "Port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--bind-address", o.bind_address, "Address to listen on")->capture_default_str();
  app.add_option("--read-timeout", o.read_timeout_seconds,
                 "Seconds a client may take for the TLS handshake or to send its request")
      ->capture_default_str()
      ->check(CLI::Range(1, 300));
  app.add_option("--write-timeout", o.write_timeout_seconds,
                 "Seconds a client may take to read the answer")
      ->capture_default_str()
      ->check(CLI::Range(1, 300));
  app.add_option("--idle-timeout", o.idle_timeout_seconds,
                 "Seconds an idle keep-alive connection is kept open")
      ->capture_default_str()
      ->check(CLI::Range(1, 300));
  app.add_option("--threads", o.threads, "Worker threads (one per open connection)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
}

void add_policy_flags(CLI::App& app, Options& o) {
  app.add_option("--config", o.config_file,
                 "Policy configuration (YAML) laid over the built-in defaults");
  app.add_option("--cluster-version", o.cluster_version,
                 "Kubernetes version of the cluster, e.g. 1.30 (overrides the configuration)")
      ->check(
          [](const std::string& v) -> std::string {
            return parse_kube_version(v) ? "" : "not a Kubernetes version such as 1.30: " + v;
          },
          "VERSION");
  app.add_option("--reload-interval", o.reload_interval_seconds,
                 "Seconds between checks of the certificate, key, client CA and config files")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  // Hidden: tests point it at a fake service account.
  app.add_option("--service-account-dir", o.service_account_dir)->group("");
}

std::unique_ptr<CLI::App> make_app(Options& o) {
  auto app = std::make_unique<CLI::App>(
      "Validating admission webhook that keeps AKS Arc clusters inside Microsoft's support "
      "policy.",
      "aksarc-support-webhook");
  app->set_version_flag("--version", std::string(kWebhookVersion));
  app->footer(kFooter);
  add_tls_flags(*app, o);
  add_listen_flags(*app, o);
  add_policy_flags(*app, o);
  return app;
}

Result<Invocation> parse_args(std::vector<std::string> reversed_args) {
  Invocation inv;
  auto app = make_app(inv.options);
  try {
    app->parse(reversed_args);
  } catch (const CLI::CallForHelp&) {
    return Invocation{Invocation::Action::kPrintAndExit, {}, app->help()};
  } catch (const CLI::CallForAllHelp&) {
    return Invocation{Invocation::Action::kPrintAndExit, {}, app->help()};
  } catch (const CLI::CallForVersion& e) {
    return Invocation{Invocation::Action::kPrintAndExit, {}, std::string(e.what()) + "\n"};
  } catch (const CLI::ParseError& e) {
    return invalid_argument(e.what());
  } catch (const std::exception& e) {
    return invalid_argument(e.what());
  }
  return inv;
}

}  // namespace

Result<Invocation> parse_options(int argc, const char* const* argv) {
  std::vector<std::string> args;
  for (int i = argc - 1; i > 0; --i) args.emplace_back(argv[i]);
  return parse_args(std::move(args));
}

Result<Invocation> parse_options(const std::vector<std::string>& args) {
  return parse_args(std::vector<std::string>(args.rbegin(), args.rend()));
}

}  // namespace aksarc::webhook
