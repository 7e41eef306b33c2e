#include "webhook/options.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace aksarc::webhook {
namespace {

const std::vector<std::string> kRequired = {"--tls-cert-file", "/c.crt", "--tls-private-key-file",
                                            "/c.key"};

std::vector<std::string> with_required(std::vector<std::string> extra) {
  std::vector<std::string> args = kRequired;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("options: defaults with only the required flags") {
  auto inv = parse_options(kRequired);
  REQUIRE(inv.ok());
  CHECK(inv.value().action == Invocation::Action::kServe);
  const Options& o = inv.value().options;
  CHECK(o.tls_cert_file == "/c.crt");
  CHECK(o.tls_private_key_file == "/c.key");
  CHECK(o.port == 9443);
  CHECK(o.bind_address == "0.0.0.0");
  CHECK(o.config_file.empty());
  CHECK(o.client_ca_file.empty());
  CHECK(o.client_cns.empty());
  CHECK(o.reload_interval_seconds == doctest::Approx(2.0));
  CHECK(o.cluster_version.empty());
  CHECK(o.read_timeout_seconds == 10);
  CHECK(o.write_timeout_seconds == 10);
  CHECK(o.idle_timeout_seconds == 10);
  CHECK(o.threads == 64);
  CHECK(o.service_account_dir == "/var/run/secrets/kubernetes.io/serviceaccount");
}

TEST_CASE("options: every flag") {
  auto inv = parse_options(with_required({"--port",
                                          "8443",
                                          "--bind-address",
                                          "127.0.0.1",
                                          "--config",
                                          "/p.yaml",
                                          "--client-ca-file",
                                          "/ca.crt",
                                          "--client-cn",
                                          "kube-apiserver",
                                          "--client-cn=a,b",
                                          "--reload-interval",
                                          "0.5",
                                          "--cluster-version",
                                          "1.30",
                                          "--read-timeout",
                                          "3",
                                          "--write-timeout",
                                          "4",
                                          "--idle-timeout",
                                          "5",
                                          "--threads",
                                          "8",
                                          "--service-account-dir",
                                          "/sa"}));
  REQUIRE(inv.ok());
  const Options& o = inv.value().options;
  CHECK(o.port == 8443);
  CHECK(o.bind_address == "127.0.0.1");
  CHECK(o.config_file == "/p.yaml");
  CHECK(o.client_ca_file == "/ca.crt");
  CHECK(o.client_cns == std::vector<std::string>{"kube-apiserver", "a", "b"});
  CHECK(o.reload_interval_seconds == doctest::Approx(0.5));
  CHECK(o.cluster_version == "1.30");
  CHECK(o.read_timeout_seconds == 3);
  CHECK(o.write_timeout_seconds == 4);
  CHECK(o.idle_timeout_seconds == 5);
  CHECK(o.threads == 8);
  CHECK(o.service_account_dir == "/sa");
}

TEST_CASE("options: port 0 asks for any free port") {
  auto inv = parse_options(with_required({"--port", "0"}));
  REQUIRE(inv.ok());
  CHECK(inv.value().options.port == 0);
}

TEST_CASE("options: usage errors name the flag") {
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  };
  const Case cases[] = {
      {{"--tls-private-key-file", "/k"}, "--tls-cert-file"},
      {{"--tls-cert-file", "/c"}, "--tls-private-key-file"},
      {with_required({"--port", "70000"}), "70000"},
      {with_required({"--port", "x"}), "--port"},
      {with_required({"--reload-interval", "0"}), "--reload-interval"},
      {with_required({"--threads", "0"}), "--threads"},
      {with_required({"--client-cn", "x"}), "--client-ca-file"},
      {with_required({"--cluster-version", "latest"}), "latest"},
      {with_required({"--no-such-flag"}), "--no-such-flag"},
      {with_required({"stray"}), "stray"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.mentions);
    auto inv = parse_options(c.args);
    REQUIRE_FALSE(inv.ok());
    CHECK(inv.error().code == ErrorCode::kInvalidArgument);
    CHECK(inv.error().message.find(c.mentions) != std::string::npos);
    CHECK(inv.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("options: --help and --version print and exit, even without required flags") {
  auto help = parse_options(std::vector<std::string>{"--help"});
  REQUIRE(help.ok());
  CHECK(help.value().action == Invocation::Action::kPrintAndExit);
  CHECK(help.value().text.find("--tls-cert-file") != std::string::npos);
  CHECK(help.value().text.find("/validate") != std::string::npos);
  CHECK(help.value().text.find("--service-account-dir") == std::string::npos);  // hidden

  auto version = parse_options(std::vector<std::string>{"--version"});
  REQUIRE(version.ok());
  CHECK(version.value().action == Invocation::Action::kPrintAndExit);
  CHECK(version.value().text == std::string(kWebhookVersion) + "\n");
}

TEST_CASE("options: argc/argv form skips the program name") {
  const char* argv[] = {"aksarc-support-webhook",
                        "--tls-cert-file",
                        "a",
                        "--tls-private-key-file",
                        "b",
                        "--port",
                        "1"};
  auto inv = parse_options(7, argv);
  REQUIRE(inv.ok());
  CHECK(inv.value().options.tls_cert_file == "a");
  CHECK(inv.value().options.port == 1);
}

}  // namespace aksarc::webhook
