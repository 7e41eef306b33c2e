// libFuzzer target: kubeconfig files, through the plugin's loader (kube/kubeconfig.h). The input
// is written to CONFIG in a temporary directory made once per process, and read the way
// `--kubeconfig CONFIG` reads it: list_contexts, load_rest_config for the current context, and
// again for the first and last context the file names. An input with a NUL byte is two files
// (before and after the first NUL), read also the way KUBECONFIG=CONFIG:CONFIG2 merges them.
//
// The loader only reads: relative certificate, key, token and command paths resolve against the
// temporary directory, and absolute ones may name any file, which it reads (capped) and never
// writes. Exec plugins are never run (that happens in CredentialProvider, not in the loader), so
// nothing outside the temporary directory is written, and only CONFIG and CONFIG2 inside it.
//
// Invariants: no crash, leak, UB or escaping exception (yaml-cpp throws); every failure is an
// error with a non-empty message that quotes no token, password or key of the file; when listing
// the contexts fails, loading fails too; a loaded RestConfig has a server URL, a certificate
// only with its key, no CA together with insecure-skip-tls-verify, an exec block only with a
// command, a supported apiVersion and interactiveMode, and the context that was asked for.
#include <fcntl.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "kube/kubeconfig.h"

namespace {

namespace fs = std::filesystem;
using aksarc::kube::KubeconfigSelection;
using aksarc::kube::RestConfig;

struct Files {
  std::string dir, config, config2;
};

const Files& files() {
  static const Files f = [] {
    const char* tmp = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): set-up only
    std::string pattern =
        std::string(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp") + "/fuzz_kubeconfig.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    return Files{pattern, pattern + "/config", pattern + "/config2"};
  }();
  return f;
}

void write(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) std::abort();
}

// ---- secrets the messages must not quote ----------------------------------------------------

// Tokens, passwords and key data that can be looked for in messages without false alarms: long,
// with a digit and a capital (so no fixed wording of a message contains one), and inside no other
// scalar of the file (messages quote names, paths and servers, which might embed it).
struct Secrets {
  std::vector<std::string> values;
};

constexpr size_t kMaxWalk = 20000;  // aliases can make a small document a huge tree

void collect_scalars(const YAML::Node& node, std::vector<std::string>& out, size_t& budget) {
  if (budget == 0) return;
  --budget;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (const auto& item : node) collect_scalars(item, out, budget);
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      collect_scalars(kv.first, out, budget);
      collect_scalars(kv.second, out, budget);
    }
  }
}

bool distinctive(const std::string& s) {
  bool digit = false, upper = false;
  for (char c : s) {
    digit = digit || (c >= '0' && c <= '9');
    upper = upper || (c >= 'A' && c <= 'Z');
  }
  return s.size() >= 12 && digit && upper;
}

// The secrets of `texts` (the files read together), judged against the scalars of all of them.
Secrets find_secrets(const std::vector<std::string_view>& texts) {
  Secrets secrets;
  bool any = false;
  for (std::string_view text : texts) {
    any = any || text.find("token") != std::string_view::npos ||
          text.find("password") != std::string_view::npos ||
          text.find("key-data") != std::string_view::npos;
  }
  if (!any) return secrets;
  try {
    std::vector<YAML::Node> roots;
    std::vector<std::string> scalars;
    size_t budget = kMaxWalk;
    for (std::string_view text : texts) {
      roots.push_back(YAML::Load(std::string(text)));
      collect_scalars(roots.back(), scalars, budget);
    }
    if (budget == 0) return secrets;
    // yaml-cpp throws when a missing key's node is asked its type: IsDefined() first.
    auto is = [](const YAML::Node& n, YAML::NodeType::value type) {
      return n.IsDefined() && n.Type() == type;
    };
    for (const YAML::Node& root : roots) {
      if (!is(root, YAML::NodeType::Map) || !is(root["users"], YAML::NodeType::Sequence)) continue;
      for (const auto& item : root["users"]) {
        if (!is(item, YAML::NodeType::Map) || !is(item["user"], YAML::NodeType::Map)) continue;
        for (const char* key : {"token", "password", "client-key-data"}) {
          const YAML::Node value = item["user"][key];
          if (!is(value, YAML::NodeType::Scalar) || !distinctive(value.Scalar())) continue;
          size_t holders = 0;
          for (const std::string& scalar : scalars) {
            holders += scalar.find(value.Scalar()) != std::string::npos ? 1 : 0;
          }
          if (holders == 1) secrets.values.push_back(value.Scalar());
        }
      }
    }
  } catch (const YAML::Exception&) {
    secrets.values.clear();  // the loader rejects it as well; nothing to compare
  }
  return secrets;
}

// ---- checks ---------------------------------------------------------------------------------

void check_error(const aksarc::Error& e, const Secrets& secrets) {
  if (e.message.empty()) std::abort();
  for (const std::string& secret : secrets.values) {
    if (e.message.find(secret) != std::string::npos) std::abort();
  }
}

void check_config(const RestConfig& rc) {
  if (rc.server.find("://") == std::string::npos) std::abort();
  if (rc.client_cert_pem.empty() != rc.client_key_pem.empty()) std::abort();
  if (rc.insecure_skip_tls_verify && !rc.ca_pem.empty()) std::abort();
  if (rc.exec) {
    const auto& exec = *rc.exec;
    if (exec.command.empty()) std::abort();
    if (exec.api_version != "client.authentication.k8s.io/v1" &&
        exec.api_version != "client.authentication.k8s.io/v1beta1") {
      std::abort();
    }
    if (exec.interactive_mode != "Never" && exec.interactive_mode != "IfAvailable" &&
        exec.interactive_mode != "Always") {
      std::abort();
    }
  }
}

void check_load(const aksarc::Result<RestConfig>& rc, const Secrets& secrets) {
  if (rc.ok()) {
    check_config(rc.value());
  } else {
    check_error(rc.error(), secrets);
  }
}

void exercise(const KubeconfigSelection& selection, const Secrets& secrets) {
  auto contexts = aksarc::kube::list_contexts(selection);
  auto current = aksarc::kube::load_rest_config(selection);
  check_load(current, secrets);
  if (!contexts.ok()) {
    check_error(contexts.error(), secrets);
    if (current.ok()) std::abort();  // both read the same files
    return;
  }
  const std::vector<std::string>& names = contexts.value();
  if (names.empty()) return;
  for (const std::string& name : {names.front(), names.back()}) {
    auto rc = aksarc::kube::load_rest_config(selection, name);
    check_load(rc, secrets);
    if (rc.ok() && rc.value().context_name != name) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A kubeconfig may name /dev/stdin as its CA; the fuzzer's own stdin must not block it.
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    if (null_fd != STDIN_FILENO) close(null_fd);
  }
  (void)files();
  // Registered after files() is constructed, so it runs before that object is destroyed.
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(files().dir, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const Files& f = files();
  size_t nul = text.find('\0');
  std::string_view first = text.substr(0, nul);
  write(f.config, first);

  KubeconfigSelection flag;
  flag.kubeconfig_flag = f.config;
  exercise(flag, find_secrets({first}));

  if (nul != std::string_view::npos) {
    std::string_view second = text.substr(nul + 1);
    write(f.config2, second);
    KubeconfigSelection env;
    // The duplicate is read once, as kubectl does.
    env.kubeconfig_env = f.config + ":" + f.config2 + ":" + f.config;
    exercise(env, find_secrets({first, second}));
  }
  return 0;
}
