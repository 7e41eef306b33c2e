#include "kube/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "kube/base64.h"
#include "kube/kubeconfig_merge.h"
#include "kube/text_file.h"

namespace aksarc::kube {
namespace {

namespace fs = std::filesystem;
using kubeconfig_internal::Entry;
using kubeconfig_internal::is_map;
using kubeconfig_internal::is_scalar;
using kubeconfig_internal::is_set;
using kubeconfig_internal::load_merged;
using kubeconfig_internal::Merged;

std::string trim(std::string s) { return trim_whitespace(std::move(s)); }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

Result<std::string> read_file(const std::string& path) {
  return kubeconfig_internal::read_config_file(path);
}

// Field readers: `where` is "FILE: users["name"]" and prefixes every message.
Result<std::string> string_field(const YAML::Node& body, const char* key,
                                 const std::string& where) {
  const YAML::Node value = body[key];
  if (!value.IsDefined() || value.IsNull()) return std::string();
  if (!value.IsScalar()) return parse_error(where + "." + key + " is not a string");
  return value.Scalar();
}

Result<bool> bool_field(const YAML::Node& body, const char* key, const std::string& where) {
  const YAML::Node value = body[key];
  if (!value.IsDefined() || value.IsNull()) return false;
  bool out = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, out)) {
    return parse_error(where + "." + key + " is not a boolean");
  }
  return out;
}

std::string resolve_path(const std::string& path, const std::string& file) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(file).parent_path() / path).string();
}

bool looks_like_pem(const std::string& text) {
  return text.find("-----BEGIN ") != std::string::npos;
}

// `<key>-data` (base64) or `<key>` (a file path): the data wins when both are set, as in client-go.
Result<std::string> pem_field(const YAML::Node& body, const std::string& key, const Entry& entry,
                              const std::string& where) {
  std::string data_key = key + "-data";
  auto data = string_field(body, data_key.c_str(), where);
  if (!data.ok()) return data.error();
  if (!data.value().empty()) {
    auto decoded = base64_decode(data.value());
    if (!decoded) return parse_error(where + "." + data_key + " is not valid base64");
    if (!looks_like_pem(*decoded)) return parse_error(where + "." + data_key + " is not PEM data");
    return std::move(*decoded);
  }
  auto path = string_field(body, key.c_str(), where);
  if (!path.ok() || path.value().empty()) return path;
  std::string resolved = resolve_path(path.value(), entry.file);
  auto text = read_file(resolved);
  if (!text.ok()) return io_error(where + "." + key + ": cannot read " + resolved);
  if (!looks_like_pem(text.value())) {
    return parse_error(where + "." + key + ": " + resolved + " is not PEM data");
  }
  return text;
}

std::string where_of(const Entry& entry, const char* list, const std::string& name) {
  return entry.file + ": " + list + "[\"" + name + "\"]";
}

Status fill_cluster(const Entry& entry, const std::string& name, RestConfig& rc) {
  std::string where = where_of(entry, "clusters", name);
  if (!is_map(entry.body)) return invalid_argument(where + " has no 'cluster' map");
  auto server = string_field(entry.body, "server", where);
  if (!server.ok()) return server.error();
  if (server.value().empty()) return invalid_argument(where + ".server is missing");
  if (server.value().find("${") != std::string::npos) {
    return invalid_argument(where + ".server contains an unexpanded template variable (" +
                            server.value() + "); substitute it before use");
  }
  rc.server = server.value().find("://") == std::string::npos ? "https://" + server.value()
                                                              : server.value();
  auto tls_name = string_field(entry.body, "tls-server-name", where);
  auto proxy = string_field(entry.body, "proxy-url", where);
  auto insecure = bool_field(entry.body, "insecure-skip-tls-verify", where);
  auto ca = pem_field(entry.body, "certificate-authority", entry, where);
  for (const Error* e :
       {tls_name.ok() ? nullptr : &tls_name.error(), proxy.ok() ? nullptr : &proxy.error(),
        insecure.ok() ? nullptr : &insecure.error(), ca.ok() ? nullptr : &ca.error()}) {
    if (e) return *e;
  }
  if (insecure.value() && !ca.value().empty()) {
    return invalid_argument(where +
                            ": a certificate authority together with insecure-skip-tls-verify "
                            "is not allowed (kubectl refuses it too)");
  }
  rc.tls_server_name = tls_name.value();
  rc.proxy_url = proxy.value();
  rc.insecure_skip_tls_verify = insecure.value();
  rc.ca_pem = std::move(ca).value();
  rc.cluster_name = name;
  return {};
}

Result<std::vector<std::string>> string_list(const YAML::Node& body, const char* key,
                                             const std::string& where) {
  std::vector<std::string> out;
  const YAML::Node list = body[key];
  if (!list.IsDefined() || list.IsNull()) return out;
  if (!list.IsSequence()) return parse_error(where + "." + key + " is not a list");
  for (const auto& item : list) {
    if (!item.IsScalar()) return parse_error(where + "." + key + " has a non-string item");
    out.push_back(item.Scalar());
  }
  return out;
}

Status fill_exec_env(const YAML::Node& exec, const std::string& where, ExecConfig& out) {
  const YAML::Node env = exec["env"];
  if (!env.IsDefined() || env.IsNull()) return {};
  if (!env.IsSequence()) return parse_error(where + ".env is not a list");
  for (size_t i = 0; i < env.size(); ++i) {
    std::string item_where = where + ".env[" + std::to_string(i) + "]";
    if (!is_map(env[i])) return parse_error(item_where + " is not a map");
    auto name = string_field(env[i], "name", item_where);
    auto value = string_field(env[i], "value", item_where);
    if (!name.ok()) return name.error();
    if (!value.ok()) return value.error();
    if (name.value().empty()) return parse_error(item_where + " has no name");
    out.env.emplace_back(name.value(), value.value());
  }
  return {};
}

Status check_exec(const std::string& where, ExecConfig& exec) {
  if (exec.command.empty()) return invalid_argument(where + ".command is missing");
  if (exec.api_version != "client.authentication.k8s.io/v1" &&
      exec.api_version != "client.authentication.k8s.io/v1beta1") {
    return invalid_argument(where +
                            ".apiVersion must be client.authentication.k8s.io/v1 or "
                            "v1beta1 (is \"" +
                            exec.api_version + "\")");
  }
  if (exec.interactive_mode.empty()) {
    if (exec.api_version == "client.authentication.k8s.io/v1") {
      return invalid_argument(where +
                              ".interactiveMode is required for apiVersion "
                              "client.authentication.k8s.io/v1");
    }
    exec.interactive_mode = "IfAvailable";
  }
  if (exec.interactive_mode != "Never" && exec.interactive_mode != "IfAvailable" &&
      exec.interactive_mode != "Always") {
    return invalid_argument(where + ".interactiveMode must be Never, IfAvailable or Always");
  }
  return {};
}

Result<ExecConfig> parse_exec(const YAML::Node& body, const Entry& entry,
                              const std::string& user_where) {
  std::string where = user_where + ".exec";
  const YAML::Node exec = body["exec"];
  if (!is_map(exec)) return parse_error(where + " is not a map");
  ExecConfig out;
  for (auto [key, into] :
       {std::pair{"apiVersion", &out.api_version}, std::pair{"command", &out.command},
        std::pair{"installHint", &out.install_hint},
        std::pair{"interactiveMode", &out.interactive_mode}}) {
    auto value = string_field(exec, key, where);
    if (!value.ok()) return value.error();
    *into = value.value();
  }
  auto args = string_list(exec, "args", where);
  if (!args.ok()) return args.error();
  out.args = std::move(args).value();
  auto cluster_info = bool_field(exec, "provideClusterInfo", where);
  if (!cluster_info.ok()) return cluster_info.error();
  out.provide_cluster_info = cluster_info.value();
  if (Status s = fill_exec_env(exec, where, out); !s.ok()) return s.error();
  if (Status s = check_exec(where, out); !s.ok()) return s.error();
  // client-go resolves a relative command with a path separator against the kubeconfig's dir;
  // a bare name is looked up in PATH when it runs.
  if (out.command.find('/') != std::string::npos)
    out.command = resolve_path(out.command, entry.file);
  return out;
}

Status fill_token(const YAML::Node& body, const Entry& entry, const std::string& where,
                  RestConfig& rc) {
  auto token = string_field(body, "token", where);
  auto token_file = string_field(body, "tokenFile", where);
  if (!token.ok()) return token.error();
  if (!token_file.ok()) return token_file.error();
  rc.bearer_token = token.value();
  if (rc.bearer_token.empty() && !token_file.value().empty()) {
    rc.token_file = resolve_path(token_file.value(), entry.file);
    auto text = read_file(rc.token_file);
    if (!text.ok()) return io_error(where + ".tokenFile: cannot read " + rc.token_file);
    rc.bearer_token = trim(std::move(text).value());
  }
  return {};
}

Status fill_user(const Entry& entry, const std::string& name, RestConfig& rc) {
  rc.user_name = name;
  if (!is_set(entry.body)) return {};  // no credentials: anonymous
  std::string where = where_of(entry, "users", name);
  if (!is_map(entry.body)) return parse_error(where + ".user is not a map");
  if (is_set(entry.body["auth-provider"])) {
    return invalid_argument(
        where +
        " uses auth-provider, which kubectl removed in 1.26; convert the kubeconfig to "
        "an exec credential plugin with kubelogin: `kubelogin convert-kubeconfig -l "
        "azurecli` (https://azure.github.io/kubelogin)");
  }
  auto cert = pem_field(entry.body, "client-certificate", entry, where);
  if (!cert.ok()) return cert.error();
  auto key = pem_field(entry.body, "client-key", entry, where);
  if (!key.ok()) return key.error();
  if (cert.value().empty() != key.value().empty()) {
    return invalid_argument(where +
                            " has a client certificate without a key or a key without a "
                            "certificate");
  }
  rc.client_cert_pem = std::move(cert).value();
  rc.client_key_pem = std::move(key).value();
  if (Status s = fill_token(entry.body, entry, where, rc); !s.ok()) return s;
  if (is_set(entry.body["exec"])) {
    auto exec = parse_exec(entry.body, entry, where);
    if (!exec.ok()) return exec.error();
    rc.exec = std::move(exec).value();
  }
  bool has_credential = !rc.client_cert_pem.empty() || !rc.bearer_token.empty() || rc.exec;
  if (!has_credential && is_set(entry.body["password"])) {
    return invalid_argument(where +
                            " uses basic authentication (username/password), which "
                            "Kubernetes removed in 1.19; use a token, a client "
                            "certificate or an exec plugin");
  }
  return {};
}

// The selected context's cluster, user and namespace, with --cluster/--user applied.
struct ContextChoice {
  std::string cluster, user, namespace_;
};

Result<ContextChoice> choose(const Merged& merged, const KubeconfigSelection& selection,
                             const std::string& context_name) {
  ContextChoice choice{selection.cluster, selection.user, ""};
  if (context_name.empty()) {
    if (!selection.cluster.empty()) return choice;  // kubectl works with --cluster alone
    std::vector<std::string> names;
    for (const auto& [name, entry] : merged.contexts) names.push_back(name);
    return Error{ErrorCode::kNotFound,
                 "no context selected: " + join(merged.files) +
                     " set no current-context; run `kubectl config use-context NAME` or pass "
                     "--context" +
                     (names.empty() ? std::string(" (the files define no contexts)")
                                    : " (contexts: " + join(names) + ")")};
  }
  auto it = merged.contexts.find(context_name);
  if (it == merged.contexts.end()) {
    return Error{ErrorCode::kNotFound,
                 "context \"" + context_name + "\" not found in " + join(merged.files)};
  }
  const Entry& entry = it->second;
  std::string where = where_of(entry, "contexts", context_name);
  if (!is_map(entry.body)) {
    return invalid_argument(where +
                            ".context is null or not a map (check its indentation): it "
                            "names no cluster and no user");
  }
  auto cluster = string_field(entry.body, "cluster", where);
  auto user = string_field(entry.body, "user", where);
  auto ns = string_field(entry.body, "namespace", where);
  if (!cluster.ok()) return cluster.error();
  if (!user.ok()) return user.error();
  if (!ns.ok()) return ns.error();
  if (choice.cluster.empty()) choice.cluster = cluster.value();
  if (choice.user.empty()) choice.user = user.value();
  choice.namespace_ = ns.value();
  if (choice.cluster.empty()) return invalid_argument(where + ".cluster is missing");
  return choice;
}

Result<RestConfig> resolve_unguarded(const Merged& merged, const KubeconfigSelection& selection,
                                     const std::string& context_name) {
  auto choice = choose(merged, selection, context_name);
  if (!choice.ok()) return choice.error();
  const ContextChoice& c = choice.value();
  std::string context_label =
      context_name.empty() ? std::string("--cluster") : "context \"" + context_name + "\"";
  auto cluster = merged.clusters.find(c.cluster);
  if (cluster == merged.clusters.end()) {
    return Error{ErrorCode::kNotFound, context_label + " refers to cluster \"" + c.cluster +
                                           "\", which is not in " + join(merged.files)};
  }
  RestConfig rc;
  rc.context_name = context_name;
  rc.namespace_ = c.namespace_;
  rc.request_timeout_seconds = selection.request_timeout_seconds;
  if (Status s = fill_cluster(cluster->second, c.cluster, rc); !s.ok()) return s.error();
  if (c.user.empty()) return rc;  // no user: anonymous requests, as kubectl allows
  auto user = merged.users.find(c.user);
  if (user == merged.users.end()) {
    return Error{ErrorCode::kNotFound, context_label + " refers to user \"" + c.user +
                                           "\", which is not in " + join(merged.files)};
  }
  if (Status s = fill_user(user->second, c.user, rc); !s.ok()) return s.error();
  return rc;
}

// The readers above check node types first; this is the backstop that keeps a yaml-cpp exception
// from escaping on a shape they did not foresee.
Result<RestConfig> resolve(const Merged& merged, const KubeconfigSelection& selection,
                           const std::string& context_name) {
  try {
    return resolve_unguarded(merged, selection, context_name);
  } catch (const YAML::Exception& e) {
    return parse_error("kubeconfig: unexpected structure: " + std::string(e.what()));
  }
}

}  // namespace

Result<RestConfig> load_rest_config(const KubeconfigSelection& selection) {
  auto merged = load_merged(selection);
  if (!merged.ok()) return merged.error();
  std::string context =
      selection.context.empty() ? merged.value().current_context : selection.context;
  return resolve(merged.value(), selection, context);
}

Result<RestConfig> load_rest_config(const KubeconfigSelection& selection,
                                    std::string_view context_name) {
  auto merged = load_merged(selection);
  if (!merged.ok()) return merged.error();
  return resolve(merged.value(), selection, std::string(context_name));
}

Result<std::vector<std::string>> list_contexts(const KubeconfigSelection& selection) {
  auto merged = load_merged(selection);
  if (!merged.ok()) return merged.error();
  std::vector<std::string> names;
  for (const auto& [name, entry] : merged.value().contexts) names.push_back(name);
  return names;
}

Result<RestConfig> load_in_cluster_rest_config(std::string_view service_account_dir,
                                               const EnvLookup& getenv) {
  auto in_cluster = load_in_cluster_config(service_account_dir, getenv);
  if (!in_cluster.ok()) return in_cluster.error();
  const InClusterConfig& ic = in_cluster.value();
  auto ca = read_file(ic.ca_file);
  if (!ca.ok()) return ca.error();
  RestConfig rc;
  bool ipv6 = ic.host.find(':') != std::string::npos;
  rc.server = "https://" + (ipv6 ? "[" + ic.host + "]" : ic.host) + ":" + std::to_string(ic.port);
  rc.ca_pem = std::move(ca).value();
  rc.bearer_token = ic.token;
  rc.token_file = std::string(service_account_dir) + "/token";
  rc.context_name = "in-cluster";
  auto ns = read_file(std::string(service_account_dir) + "/namespace");
  if (ns.ok()) rc.namespace_ = trim(std::move(ns).value());
  return rc;
}

}  // namespace aksarc::kube
