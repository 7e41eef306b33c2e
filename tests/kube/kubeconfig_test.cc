#include "kube/kubeconfig.h"

#include <doctest/doctest.h>

#include <map>

#include "kube/base64.h"
#include "tests/kube/kubeconfig_test_util.h"

namespace aksarc::kube {
namespace {

using testing::TempDir;
using testing::write_file;

const std::string kDir = std::string(AKSARC_TESTDATA_DIR) + "/kubeconfig/";

KubeconfigSelection flag(const std::string& name) {
  KubeconfigSelection s;
  s.kubeconfig_flag = kDir + name;
  return s;
}

KubeconfigSelection env(const std::string& list) {
  KubeconfigSelection s;
  s.kubeconfig_env = list;
  return s;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const char* kFakePem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

}  // namespace

TEST_CASE("base64 decodes what Go's StdEncoding accepts, nothing else") {
  CHECK(base64_decode("aGVsbG8=") == std::optional<std::string>("hello"));
  CHECK(base64_decode("aGVs\nbG8=\n") == std::optional<std::string>("hello"));
  CHECK(base64_decode("") == std::optional<std::string>(""));
  CHECK_FALSE(base64_decode("aGVsbG8"));   // missing padding
  CHECK_FALSE(base64_decode("aGVs=bG8"));  // data after padding
  CHECK_FALSE(base64_decode("aGVs-G8="));  // URL alphabet
  CHECK_FALSE(base64_decode("REDACTED-private-key-removed"));
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    CHECK(base64_decode(base64_encode(s)) == std::optional<std::string>(s));
  }
}

TEST_CASE("k8s docs config-demo: empty current-context, missing files, basic auth") {
  auto none = load_rest_config(flag("k8s-docs-config-demo-view.yaml"));
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::kNotFound);
  CHECK(contains(none.error().message, "kubectl config use-context"));
  CHECK(contains(none.error().message, "dev-frontend, dev-storage, exp-test"));

  auto names = list_contexts(flag("k8s-docs-config-demo-view.yaml"));
  REQUIRE(names.ok());
  CHECK(names.value() == std::vector<std::string>{"dev-frontend", "dev-storage", "exp-test"});

  // The doc's CA file does not exist next to the kubeconfig: an I/O error naming file and key.
  auto dev = load_rest_config(flag("k8s-docs-config-demo-view.yaml"), "dev-frontend");
  REQUIRE_FALSE(dev.ok());
  CHECK(dev.error().code == ErrorCode::kIo);
  CHECK(contains(dev.error().message, "k8s-docs-config-demo-view.yaml"));
  CHECK(contains(dev.error().message, "clusters[\"development\"].certificate-authority"));
  CHECK(contains(dev.error().message, kDir + "fake-ca-file"));

  // exp-test: insecure cluster fine, but username/password is basic auth, gone since 1.19.
  auto exp = load_rest_config(flag("k8s-docs-config-demo-view.yaml"), "exp-test");
  REQUIRE_FALSE(exp.ok());
  CHECK(contains(exp.error().message, "users[\"experimenter\"]"));
  CHECK(contains(exp.error().message, "basic authentication"));
  CHECK_FALSE(contains(exp.error().message, "some-password"));

  // --user switches to developer, whose client certificate file is missing.
  auto sel = flag("k8s-docs-config-demo-view.yaml");
  sel.context = "exp-test";
  sel.user = "developer";
  auto dev_user = load_rest_config(sel);
  REQUIRE_FALSE(dev_user.ok());
  CHECK(contains(dev_user.error().message, "users[\"developer\"].client-certificate"));
}

TEST_CASE("k8s docs exec plugin v1: CA path unreadable alone; exec fields after a merge") {
  auto alone = load_rest_config(flag("k8s-docs-exec-plugin-v1.yaml"));
  REQUIRE_FALSE(alone.ok());
  CHECK(alone.error().code == ErrorCode::kIo);
  CHECK(contains(alone.error().message, "/etc/kubernetes/ca.pem"));

  auto merged = load_rest_config(
      env(kDir + "exec-plugin-v1-cluster-override.yaml:" + kDir + "k8s-docs-exec-plugin-v1.yaml"));
  REQUIRE(merged.ok());
  const RestConfig& rc = merged.value();
  CHECK(rc.server == "https://172.17.4.200:6443");
  CHECK(rc.context_name == "my-cluster");
  CHECK(rc.user_name == "my-user");
  REQUIRE(rc.exec);
  CHECK(rc.exec->api_version == "client.authentication.k8s.io/v1");
  CHECK(rc.exec->command == "example-client-go-exec-plugin");  // bare name: PATH at run time
  CHECK(rc.exec->args == std::vector<std::string>{"arg1", "arg2"});
  CHECK(rc.exec->env == std::vector<std::pair<std::string, std::string>>{{"FOO", "bar"}});
  CHECK(contains(rc.exec->install_hint, "brew install example-client-go-exec-plugin"));
  CHECK(rc.exec->provide_cluster_info);
  CHECK(rc.exec->interactive_mode == "Never");
  CHECK(rc.bearer_token.empty());
}

TEST_CASE("kubelogin users-only sample: no context alone, exec v1beta1 when merged") {
  auto alone = load_rest_config(flag("kubelogin-exec-users-only.yaml"));
  REQUIRE_FALSE(alone.ok());
  CHECK(alone.error().code == ErrorCode::kNotFound);
  CHECK(contains(alone.error().message, "define no contexts"));

  auto merged = load_rest_config(
      env(kDir + "kubelogin-context.yaml:" + kDir + "kubelogin-exec-users-only.yaml"));
  REQUIRE(merged.ok());
  const RestConfig& rc = merged.value();
  CHECK(rc.server == "https://10.0.0.10:6443");
  CHECK(rc.namespace_ == "kube-system");
  REQUIRE(rc.exec);
  CHECK(rc.exec->api_version == "client.authentication.k8s.io/v1beta1");
  CHECK(rc.exec->command == "kubelogin");
  CHECK(rc.exec->interactive_mode == "IfAvailable");  // v1beta1's default
  REQUIRE(rc.exec->args.size() == 9);
  CHECK(rc.exec->args[0] == "get-token");
  CHECK(rc.exec->args[4] == "<AAD server app ID>");
}

TEST_CASE("proxy-url sample: null context is an error; --cluster alone works") {
  auto alone = load_rest_config(flag("k8s-docs-proxy-url-malformed-context.yaml"));
  REQUIRE_FALSE(alone.ok());
  CHECK(alone.error().code == ErrorCode::kNotFound);

  auto ctx = load_rest_config(flag("k8s-docs-proxy-url-malformed-context.yaml"), "development");
  REQUIRE_FALSE(ctx.ok());
  CHECK(contains(ctx.error().message, "contexts[\"development\"].context is null"));
  CHECK(contains(ctx.error().message, "k8s-docs-proxy-url-malformed-context.yaml"));

  auto sel = flag("k8s-docs-proxy-url-malformed-context.yaml");
  sel.cluster = "development";
  sel.user = "developer";  // an entry without 'user': anonymous
  auto rc = load_rest_config(sel);
  REQUIRE(rc.ok());
  CHECK(rc.value().server == "https://k8s.example.org/k8s/clusters/c-xxyyzz");
  CHECK(rc.value().proxy_url == "http://proxy.example.org:3128");
  CHECK(rc.value().user_name == "developer");
  CHECK(rc.value().bearer_token.empty());
  CHECK_FALSE(rc.value().exec);
}

TEST_CASE("AKS bootstrap template: unexpanded ${...} in server") {
  auto rc = load_rest_config(flag("aks-node-bootstrap-token-template.yaml"));
  REQUIRE_FALSE(rc.ok());
  CHECK(rc.error().code == ErrorCode::kInvalidArgument);
  CHECK(contains(rc.error().message, "clusters[\"localcluster\"].server"));
  CHECK(contains(rc.error().message, "unexpanded"));
}

TEST_CASE("kubeadm kubelet.conf: redacted key is bad base64; CA data decodes") {
  auto rc = load_rest_config(flag("kubeadm-1.16-kubelet-system-node-redacted.conf"));
  REQUIRE_FALSE(rc.ok());
  CHECK(rc.error().code == ErrorCode::kParse);
  CHECK(contains(rc.error().message, "users[\"system:node:master1\"].client-key-data"));
  CHECK(contains(rc.error().message, "base64"));
  CHECK_FALSE(contains(rc.error().message, "REDACTED"));

  auto merged = load_rest_config(env(kDir + "kubeadm-user-override.yaml:" + kDir +
                                     "kubeadm-1.16-kubelet-system-node-redacted.conf"));
  REQUIRE(merged.ok());
  CHECK(merged.value().server == "https://192.168.28.10:6443");
  CHECK(merged.value().ca_pem.rfind("-----BEGIN CERTIFICATE-----\nMIICyDCC", 0) == 0);
  CHECK(merged.value().bearer_token == "override-token");
  CHECK(merged.value().context_name == "system:node:master1@kubernetes");
}

TEST_CASE("KUBECONFIG merge: the first file to set an entry or current-context wins") {
  std::string a = kDir + "merge-a.yaml", b = kDir + "merge-b.yaml";
  auto ab = load_rest_config(env(a + ":" + b));
  REQUIRE(ab.ok());
  CHECK(ab.value().context_name == "ctx-a");
  CHECK(ab.value().server == "https://a.example.org:6443");
  CHECK(ab.value().insecure_skip_tls_verify);
  CHECK(ab.value().bearer_token == "token-from-a");

  auto ba = load_rest_config(env(b + ":" + a));
  REQUIRE(ba.ok());
  CHECK(ba.value().context_name == "ctx-b");
  CHECK(ba.value().server == "https://b.example.org:443");  // scheme added, as kubectl does
  CHECK(ba.value().tls_server_name == "api.b.internal");
  CHECK(ba.value().bearer_token == "token-b-user");

  auto shared_ab = load_rest_config(env(a + ":" + b), "ctx-shared");
  auto shared_ba = load_rest_config(env(b + ":" + a), "ctx-shared");
  REQUIRE(shared_ab.ok());
  REQUIRE(shared_ba.ok());
  CHECK(shared_ab.value().namespace_ == "from-a");
  CHECK(shared_ba.value().namespace_ == "from-b");

  // Entries defined only in the later file are still there.
  auto ctx_b = load_rest_config(env(a + ":" + b), "ctx-b");
  REQUIRE(ctx_b.ok());
  CHECK(ctx_b.value().cluster_name == "only-b");

  auto names = list_contexts(env(a + "::/nonexistent/kubeconfig:" + b + ":" + a));
  REQUIRE(names.ok());
  CHECK(names.value() == std::vector<std::string>{"ctx-a", "ctx-b", "ctx-shared"});
}

TEST_CASE("file precedence: --kubeconfig, then KUBECONFIG, then ~/.kube/config") {
  TempDir home;
  write_file(home / ".kube/config",
             "clusters: [{name: h, cluster: {server: https://home.example.org}}]\n"
             "contexts: [{name: h, context: {cluster: h}}]\ncurrent-context: h\n");

  KubeconfigSelection s;
  s.home = home.path();
  auto from_home = load_rest_config(s);
  REQUIRE(from_home.ok());
  CHECK(from_home.value().server == "https://home.example.org");

  s.kubeconfig_env = "";  // set but empty: ignored, as by kubectl
  CHECK(load_rest_config(s).ok());

  s.kubeconfig_env = kDir + "merge-b.yaml";
  auto from_env = load_rest_config(s);
  REQUIRE(from_env.ok());
  CHECK(from_env.value().context_name == "ctx-b");

  s.kubeconfig_flag = kDir + "merge-a.yaml";
  auto from_flag = load_rest_config(s);
  REQUIRE(from_flag.ok());
  CHECK(from_flag.value().context_name == "ctx-a");

  s.kubeconfig_flag = kDir + "does-not-exist.yaml";
  auto missing_flag = load_rest_config(s);
  REQUIRE_FALSE(missing_flag.ok());
  CHECK(missing_flag.error().code == ErrorCode::kNotFound);
  CHECK(contains(missing_flag.error().message, "--kubeconfig"));

  KubeconfigSelection nothing;
  nothing.home = home / "elsewhere";
  CHECK(load_rest_config(nothing).error().code == ErrorCode::kNotFound);
  nothing.kubeconfig_env = "/nonexistent/a:/nonexistent/b";
  auto all_missing = load_rest_config(nothing);
  REQUIRE_FALSE(all_missing.ok());
  CHECK(contains(all_missing.error().message, "KUBECONFIG"));
}

TEST_CASE("relative paths resolve against the kubeconfig's directory") {
  TempDir dir;
  write_file(dir / "certs/ca.crt", kFakePem);
  write_file(dir / "certs/client.crt", kFakePem);
  write_file(dir / "certs/client.key",
             "-----BEGIN PRIVATE KEY-----\nfake\n-----END PRIVATE KEY-----\n");
  write_file(dir / "secrets/token", "file-token\n");
  write_file(dir / "kube/config",
             "clusters:\n- name: c\n  cluster:\n    server: https://c.example.org\n"
             "    certificate-authority: ../certs/ca.crt\n"
             "users:\n- name: u\n  user:\n    client-certificate: ../certs/client.crt\n"
             "    client-key: ../certs/client.key\n    tokenFile: ../secrets/token\n"
             "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
             "      command: ./bin/get-token\n      interactiveMode: Never\n"
             "contexts:\n- name: c\n  context: {cluster: c, user: u, namespace: ns1}\n"
             "current-context: c\n");
  KubeconfigSelection s;
  s.kubeconfig_flag = dir / "kube/config";
  auto rc = load_rest_config(s);
  REQUIRE(rc.ok());
  CHECK(rc.value().ca_pem == kFakePem);
  CHECK(rc.value().client_cert_pem == kFakePem);
  CHECK(contains(rc.value().client_key_pem, "PRIVATE KEY"));
  CHECK(rc.value().bearer_token == "file-token");  // trimmed
  CHECK(rc.value().token_file == dir / "kube/../secrets/token");
  REQUIRE(rc.value().exec);
  CHECK(rc.value().exec->command == dir / "kube/./bin/get-token");
  CHECK(rc.value().namespace_ == "ns1");
}

TEST_CASE("--context, --cluster, --user and --request-timeout override the kubeconfig") {
  KubeconfigSelection s = env(kDir + "merge-a.yaml:" + kDir + "merge-b.yaml");
  s.context = "ctx-shared";
  s.cluster = "only-b";
  s.user = "b-user";
  s.request_timeout_seconds = 7.5;
  auto rc = load_rest_config(s);
  REQUIRE(rc.ok());
  CHECK(rc.value().context_name == "ctx-shared");
  CHECK(rc.value().namespace_ == "from-a");
  CHECK(rc.value().cluster_name == "only-b");
  CHECK(rc.value().server == "https://b.example.org:443");
  CHECK(rc.value().user_name == "b-user");
  CHECK(rc.value().bearer_token == "token-b-user");
  CHECK(rc.value().request_timeout_seconds == 7.5);

  s.context = "no-such-context";
  auto missing = load_rest_config(s);
  REQUIRE_FALSE(missing.ok());
  CHECK(contains(missing.error().message, "context \"no-such-context\" not found"));
}

TEST_CASE("auth-provider is refused with the kubelogin conversion command") {
  auto rc = load_rest_config(flag("auth-provider-azure.yaml"));
  REQUIRE_FALSE(rc.ok());
  CHECK(rc.error().code == ErrorCode::kInvalidArgument);
  CHECK(contains(rc.error().message, "kubelogin convert-kubeconfig -l azurecli"));
  CHECK(contains(rc.error().message, "users[\"clusterUser_rg_aks\"]"));
  CHECK_FALSE(contains(rc.error().message, "SECRET-AUTH-PROVIDER-TOKEN"));
}

TEST_CASE("broken files and dangling references name the file and the key") {
  auto yaml = load_rest_config(flag("invalid-yaml.yaml"));
  REQUIRE_FALSE(yaml.ok());
  CHECK(yaml.error().code == ErrorCode::kParse);
  CHECK(contains(yaml.error().message, "invalid-yaml.yaml"));

  auto key = load_rest_config(flag("bad-base64-key.yaml"));
  REQUIRE_FALSE(key.ok());
  CHECK(contains(key.error().message, "users[\"u\"].client-key-data is not valid base64"));
  CHECK_FALSE(contains(key.error().message, "SECRET-KEY-MATERIAL"));

  auto sel = flag("dangling-context.yaml");
  auto no_cluster = load_rest_config(sel);
  REQUIRE_FALSE(no_cluster.ok());
  CHECK(no_cluster.error().code == ErrorCode::kNotFound);
  CHECK(contains(no_cluster.error().message, "cluster \"ghost-cluster\""));
  auto no_user = load_rest_config(sel, "no-user");
  REQUIRE_FALSE(no_user.ok());
  CHECK(contains(no_user.error().message, "user \"ghost-user\""));
  auto no_server = load_rest_config(sel, "no-server");
  REQUIRE_FALSE(no_server.ok());
  CHECK(contains(no_server.error().message, "clusters[\"no-server\"].server is missing"));
  auto insecure = load_rest_config(sel, "insecure-with-ca");
  REQUIRE_FALSE(insecure.ok());
  CHECK(contains(insecure.error().message, "insecure-skip-tls-verify"));

  TempDir dir;
  const std::map<std::string, std::string> bad = {
      {"clusters: {a: b}\n", "'clusters' is not a list"},
      {"- just\n- a list\n", "top level is not a map"},
      {"clusters: [{cluster: {server: https://x}}]\n", "clusters[0] has no name"},
  };
  for (const auto& [text, expected] : bad) {
    write_file(dir / "config", text);
    auto rc = load_rest_config(KubeconfigSelection{dir / "config", {}, "", "", "", "", 0});
    REQUIRE_FALSE(rc.ok());
    CHECK(contains(rc.error().message, expected));
  }
}

TEST_CASE("exec blocks are validated like client-go") {
  TempDir dir;
  auto config_with_exec = [&](const std::string& exec) {
    write_file(dir / "config",
               "clusters: [{name: c, cluster: {server: https://c}}]\n"
               "users: [{name: u, user: {exec: " +
                   exec +
                   "}}]\n"
                   "contexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n");
    return load_rest_config(KubeconfigSelection{dir / "config", {}, "", "", "", "", 0});
  };
  auto no_mode = config_with_exec("{apiVersion: client.authentication.k8s.io/v1, command: x}");
  REQUIRE_FALSE(no_mode.ok());
  CHECK(contains(no_mode.error().message, "interactiveMode is required"));
  auto alpha = config_with_exec("{apiVersion: client.authentication.k8s.io/v1alpha1, command: x}");
  REQUIRE_FALSE(alpha.ok());
  CHECK(contains(alpha.error().message, "apiVersion must be"));
  auto no_command = config_with_exec("{apiVersion: client.authentication.k8s.io/v1beta1}");
  REQUIRE_FALSE(no_command.ok());
  CHECK(contains(no_command.error().message, "users[\"u\"].exec.command is missing"));
  auto bad_mode = config_with_exec(
      "{apiVersion: client.authentication.k8s.io/v1beta1, command: x, interactiveMode: Sometimes}");
  REQUIRE_FALSE(bad_mode.ok());
  auto absolute = config_with_exec(
      "{apiVersion: client.authentication.k8s.io/v1beta1, command: /usr/bin/x, env: "
      "[{name: A, value: '1'}, {name: B}]}");
  REQUIRE(absolute.ok());
  CHECK(absolute.value().exec->command == "/usr/bin/x");
  CHECK(absolute.value().exec->env ==
        std::vector<std::pair<std::string, std::string>>{{"A", "1"}, {"B", ""}});
}

TEST_CASE("in-cluster service account as a RestConfig") {
  TempDir sa;
  write_file(sa / "token", "sa-token\n");
  write_file(sa / "ca.crt", kFakePem);
  write_file(sa / "namespace", "aksarc-system");
  std::map<std::string, std::string> vars = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                             {"KUBERNETES_SERVICE_PORT", "443"}};
  EnvLookup lookup = [&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
  auto rc = load_in_cluster_rest_config(sa.path(), lookup);
  REQUIRE(rc.ok());
  CHECK(rc.value().server == "https://10.96.0.1:443");
  CHECK(rc.value().ca_pem == kFakePem);
  CHECK(rc.value().bearer_token == "sa-token");
  CHECK(rc.value().token_file == sa / "token");
  CHECK(rc.value().namespace_ == "aksarc-system");

  vars["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  auto v6 = load_in_cluster_rest_config(sa.path(), lookup);
  REQUIRE(v6.ok());
  CHECK(v6.value().server == "https://[fd00::1]:443");

  vars.clear();
  auto outside = load_in_cluster_rest_config(sa.path(), lookup);
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.error().code == ErrorCode::kNotFound);
}

}  // namespace aksarc::kube
