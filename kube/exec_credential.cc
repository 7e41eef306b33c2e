#include "kube/exec_credential.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "core/civil_date.h"
#include "core/json_access.h"
#include "kube/base64.h"

extern char** environ;

namespace aksarc::kube {
namespace {

using Clock = std::chrono::steady_clock;

// An ExecCredential is a few KiB; a plugin printing more is broken.
constexpr size_t kMaxStdoutBytes = size_t{1} << 20;
constexpr size_t kMaxTokenFileBytes = size_t{64} * 1024;

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(s.find_last_not_of(ws) + 1);
  s.erase(0, s.find_first_not_of(ws));
  return s;
}

std::optional<int> digits(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// ---- Finding and starting the plugin -------------------------------------------------------

bool is_executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

Error not_found(const ExecConfig& exec) {
  std::string msg = "exec credential plugin: executable " + exec.command +
                    " not found; it looks like a client-go credential plugin that is not "
                    "installed (https://kubernetes.io/docs/reference/access-authn-authz/"
                    "authentication/#client-go-credential-plugins)";
  if (!exec.install_hint.empty()) msg += "\n\n" + trim(exec.install_hint);
  return {ErrorCode::kNotFound, msg};
}

// execvp's lookup, done before spawning so "not installed" gets the install hint.
Result<std::string> look_up(const ExecConfig& exec) {
  if (exec.command.find('/') != std::string::npos) {
    if (is_executable(exec.command)) return exec.command;
    return not_found(exec);
  }
  const char* path_env = std::getenv("PATH");
  std::string_view rest = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    std::string candidate = (dir.empty() ? "." : dir) + "/" + exec.command;
    if (is_executable(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    rest = rest.substr(colon + 1);
  }
  return not_found(exec);
}

json exec_info(const RestConfig& config, bool interactive) {
  json spec = {{"interactive", interactive}};
  if (config.exec->provide_cluster_info) {
    json cluster = {{"server", config.server}};
    if (!config.tls_server_name.empty()) cluster["tls-server-name"] = config.tls_server_name;
    if (config.insecure_skip_tls_verify) cluster["insecure-skip-tls-verify"] = true;
    if (!config.ca_pem.empty())
      cluster["certificate-authority-data"] = base64_encode(config.ca_pem);
    if (!config.proxy_url.empty()) cluster["proxy-url"] = config.proxy_url;
    spec["cluster"] = std::move(cluster);
  }
  return {{"apiVersion", config.exec->api_version}, {"kind", "ExecCredential"}, {"spec", spec}};
}

// Our environment, then the exec block's env, then KUBERNETES_EXEC_INFO; later entries win.
std::vector<std::string> plugin_env(const RestConfig& config, bool interactive) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string_view::npos) vars[std::string(entry.substr(0, eq))] = entry.substr(eq + 1);
  }
  for (const auto& [name, value] : config.exec->env) vars[name] = value;
  // Replace, not throw, if a kubeconfig string is not valid UTF-8.
  vars["KUBERNETES_EXEC_INFO"] =
      exec_info(config, interactive).dump(-1, ' ', false, json::error_handler_t::replace);
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

// A started plugin: its pid, whether it leads its own process group, and its stdout pipe.
struct Child {
  pid_t pid = -1;
  bool own_group = false;
  int stdout_fd = -1;
};

Result<Child> spawn(const std::string& path, const RestConfig& config, bool interactive,
                    int stderr_fd) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    return io_error("exec plugin: pipe: " + std::string(strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  if (!interactive)
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (stderr_fd != STDERR_FILENO)
    posix_spawn_file_actions_adddup2(&actions, stderr_fd, STDERR_FILENO);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  short flags = POSIX_SPAWN_SETSIGMASK;
  // Its own process group lets a timeout kill whatever it started; an interactive plugin stays in
  // ours so it can read the terminal.
  if (!interactive) flags = static_cast<short>(flags | POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setflags(&attr, flags);
  posix_spawnattr_setpgroup(&attr, 0);

  std::vector<std::string> args{path};
  args.insert(args.end(), config.exec->args.begin(), config.exec->args.end());
  std::vector<std::string> env = plugin_env(config, interactive);
  std::vector<char*> argv, envp;
  argv.reserve(args.size() + 1);
  envp.reserve(env.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    if (rc == ENOENT) return not_found(*config.exec);
    return io_error("exec plugin " + config.exec->command + ": cannot start: " + strerror(rc));
  }
  return Child{pid, !interactive, out[0]};
}

void kill_child(const Child& child) {
  kill(child.own_group ? -child.pid : child.pid, SIGKILL);
  waitpid(child.pid, nullptr, 0);
}

// Reads the child's stdout to EOF, waits for it to exit, within one deadline.
Result<std::string> collect(const Child& child, const std::string& command,
                            Clock::time_point deadline) {
  std::string out;
  char buf[4096];
  auto timed_out = [&] {
    kill_child(child);
    return Error{ErrorCode::kUnavailable, "exec plugin " + command + " timed out and was killed"};
  };
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return timed_out();
    pollfd pfd{child.stdout_fd, POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // the deadline check above ends it
    ssize_t n = read(child.stdout_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxStdoutBytes) {
      kill_child(child);
      return Error{ErrorCode::kParse, "exec plugin " + command + " printed more than 1 MiB"};
    }
  }
  int status = 0;
  while (true) {
    pid_t done = waitpid(child.pid, &status, WNOHANG);
    if (done == child.pid) break;
    if (done < 0 && errno != EINTR) return io_error("exec plugin " + command + ": waitpid failed");
    if (Clock::now() >= deadline) return timed_out();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFSIGNALED(status)) {
    return Error{ErrorCode::kUnavailable, "exec plugin " + command + " was killed by signal " +
                                              std::to_string(WTERMSIG(status))};
  }
  if (WEXITSTATUS(status) != 0) {
    return Error{ErrorCode::kUnavailable, "exec plugin " + command + " failed with exit code " +
                                              std::to_string(WEXITSTATUS(status))};
  }
  return out;
}

Result<std::string> run_plugin(const RestConfig& config, bool interactive,
                               const ExecOptions& options) {
  auto path = look_up(*config.exec);
  if (!path.ok()) return path.error();
  auto deadline = Clock::now() + options.timeout;
  auto child = spawn(path.value(), config, interactive, options.stderr_fd);
  if (!child.ok()) return child.error();
  auto out = collect(child.value(), config.exec->command, deadline);
  close(child.value().stdout_fd);
  return out;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  auto date = parse_civil_date(text.substr(0, 10));
  if (!date || text.size() < 20 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  if (text[pos] == '.') {
    size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;  // fractional seconds are dropped: expiry is coarse
  }
  long offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    auto oh = digits(text, pos + 1, 2), om = digits(text, pos + 4, 2);
    if (!oh || !om || pos + 6 > text.size() || text[pos + 3] != ':' || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset_minutes = (*oh * 60L + *om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  long seconds = date->days_since_epoch() * 86400L + *hour * 3600L + *minute * 60L + *second -
                 offset_minutes * 60L;
  // system_clock counts nanoseconds in 64 bits (libstdc++): about 1678 to 2262. Converting a
  // year outside that overflowed (undefined behaviour; in practice a wrapped, arbitrary expiry).
  // An instant beyond the range saturates: before it is already expired, after it never expires.
  using TimePoint = std::chrono::system_clock::time_point;
  constexpr long kMinSeconds =
      std::chrono::duration_cast<std::chrono::seconds>(TimePoint::min().time_since_epoch()).count();
  constexpr long kMaxSeconds =
      std::chrono::duration_cast<std::chrono::seconds>(TimePoint::max().time_since_epoch()).count();
  if (seconds < kMinSeconds) return TimePoint::min();
  if (seconds > kMaxSeconds) return TimePoint::max();
  return TimePoint(std::chrono::seconds(seconds));
}

// Never quotes the output: it may hold a token.
Result<Credentials> parse_exec_credential(std::string_view out, const ExecConfig& exec) {
  std::string who = "exec plugin " + exec.command;
  json doc = json::parse(out, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return parse_error(who + " did not print a JSON ExecCredential (" + std::to_string(out.size()) +
                       " bytes on stdout)");
  }
  if (string_member(doc, "kind") != "ExecCredential") {
    return parse_error(who + " printed kind \"" + std::string(string_member(doc, "kind")) +
                       "\", not ExecCredential");
  }
  if (string_member(doc, "apiVersion") != exec.api_version) {
    return parse_error(who + " is configured for apiVersion " + exec.api_version +
                       " but printed \"" + std::string(string_member(doc, "apiVersion")) + "\"");
  }
  const json* status = object_member(doc, "status");
  if (!status) return parse_error(who + " printed an ExecCredential without a status");
  Credentials creds;
  creds.bearer_token = string_member(*status, "token");
  creds.client_cert_pem = string_member(*status, "clientCertificateData");
  creds.client_key_pem = string_member(*status, "clientKeyData");
  if (creds.client_cert_pem.empty() != creds.client_key_pem.empty()) {
    return parse_error(who +
                       " printed a client certificate without a key or a key without a "
                       "certificate");
  }
  if (creds.bearer_token.empty() && creds.client_cert_pem.empty()) {
    return parse_error(who + " printed neither status.token nor a client certificate and key");
  }
  std::string_view expiry = string_member(*status, "expirationTimestamp");
  if (!expiry.empty()) {
    creds.expiry = parse_rfc3339(expiry);
    if (!creds.expiry) {
      return parse_error(who + " printed an invalid status.expirationTimestamp (not RFC 3339)");
    }
  }
  return creds;
}

CredentialProvider::CredentialProvider(RestConfig config, ExecOptions options)
    : config_(std::move(config)), options_(std::move(options)) {}

Result<Credentials> CredentialProvider::get() {
  std::lock_guard lock(mu_);
  return config_.exec ? get_exec_locked() : get_static_locked();
}

void CredentialProvider::invalidate() {
  std::lock_guard lock(mu_);
  cached_.reset();
  token_stale_ = true;
}

Result<Credentials> CredentialProvider::get_static_locked() {
  if (cached_ && !token_stale_) return *cached_;
  Credentials creds{config_.bearer_token, config_.client_cert_pem, config_.client_key_pem, {}};
  if (token_stale_ && !config_.token_file.empty()) {
    // Projected service account tokens rotate: after a 401 the file may hold a newer one.
    std::ifstream in(config_.token_file, std::ios::binary);
    if (!in) return io_error("cannot read tokenFile " + config_.token_file);
    std::string data(kMaxTokenFileBytes, '\0');
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<size_t>(in.gcount()));
    creds.bearer_token = trim(std::move(data));
  }
  token_stale_ = false;
  cached_ = creds;
  return creds;
}

Result<Credentials> CredentialProvider::get_exec_locked() {
  if (cached_ && (!cached_->expiry || options_.now() < *cached_->expiry)) return *cached_;
  cached_.reset();
  const ExecConfig& exec = *config_.exec;
  bool tty = options_.stdin_is_tty.value_or(isatty(STDIN_FILENO) == 1);
  if (exec.interactive_mode == "Always" && !tty) {
    return invalid_argument("exec plugin " + exec.command +
                            " has interactiveMode Always but standard input is not a terminal");
  }
  bool interactive = tty && exec.interactive_mode != "Never";
  auto out = run_plugin(config_, interactive, options_);
  if (!out.ok()) return out.error();
  auto creds = parse_exec_credential(out.value(), exec);
  if (!creds.ok()) return creds.error();
  if (creds.value().client_cert_pem.empty()) {
    // A token from the plugin still travels over the configured client certificate, if any.
    creds.value().client_cert_pem = config_.client_cert_pem;
    creds.value().client_key_pem = config_.client_key_pem;
  }
  token_stale_ = false;
  cached_ = creds.value();
  return creds;
}

CredentialsFn credentials_fn(std::shared_ptr<CredentialProvider> provider) {
  // A failure is remembered until the next forced refresh: the fetcher asks from several requests
  // at once, and re-running a plugin that fails (or hangs until its timeout) for each of them
  // would repeat its prompts and multiply the wait by the number of requests.
  struct Memo {
    std::mutex mu;
    std::optional<Error> failure;  // guarded by mu
  };
  auto memo = std::make_shared<Memo>();
  return [provider = std::move(provider), memo](bool force_refresh) -> Result<Credentials> {
    std::lock_guard lock(memo->mu);
    if (force_refresh) {
      provider->invalidate();
      memo->failure.reset();
    } else if (memo->failure) {
      return *memo->failure;
    }
    Result<Credentials> creds = provider->get();
    if (!creds.ok()) memo->failure = creds.error();
    return creds;
  };
}

}  // namespace aksarc::kube
