#include "core/feature_gate_sources.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <map>
#include <optional>
#include <utility>

#include "core/feature_gate_internal.h"

namespace aksarc {

namespace gate_internal {
std::string shown(std::string_view s) {
  constexpr size_t kMax = 60;
  return "\"" + std::string(s.substr(0, kMax)) + (s.size() > kMax ? "...\"" : "\"");
}
}  // namespace gate_internal

namespace {

using gate_internal::kMaxEntries;
using gate_internal::kMaxProblems;
using gate_internal::shown;

constexpr std::string_view kKubeSystem = "kube-system";
constexpr std::string_view kFeatureGatesFlag = "--feature-gates";
constexpr std::string_view kRuntimeConfigFlag = "--runtime-config";
// Programs whose --feature-gates are Kubernetes gates. hyperkube runs one of the others.
constexpr std::array<std::string_view, 6> kComponents = {
    "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet",
    "hyperkube"};
constexpr size_t kMaxExpansion = size_t{1} << 20;  // bytes of $(VAR) expansion per object
// Shell words after which a script starts a new command.
constexpr std::array<std::string_view, 6> kCommandStarters = {"exec", "&&", "||", ";", "|", "&"};

// ---- strings ------------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Removes one pair of matching quotes a shell or YAML author may leave around a value.
std::string_view strip_quotes(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) words.emplace_back(s.substr(start, i - start));
  }
  return words;
}

// Go's strconv.ParseBool, but case-insensitive.
std::optional<bool> parse_bool(std::string_view text) {
  std::string v(strip_quotes(text));
  for (char& c : v) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (v == "true" || v == "t" || v == "1") return true;
  if (v == "false" || v == "f" || v == "0") return false;
  return std::nullopt;
}

// ---- Kubernetes components ------------------------------------------------------------------

bool is_component(std::string_view program) {
  for (std::string_view c : kComponents) {
    if (program == c) return true;
  }
  return false;
}

// "/usr/local/bin/kube-proxy" -> "kube-proxy"; "kube-proxy.exe" (Windows nodes) -> "kube-proxy".
std::string_view program_name(std::string_view path) {
  path = strip_quotes(path);
  size_t slash = path.find_last_of("/\\");
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  if (path.size() > 4 && path.substr(path.size() - 4) == ".exe") path.remove_suffix(4);
  return path;
}

// "registry.k8s.io/kube-proxy:v1.30.3@sha256:..." -> "kube-proxy"; old per-arch images
// ("k8s.gcr.io/kube-apiserver-amd64:v1.10") lose their architecture suffix.
std::string_view image_name(std::string_view image) {
  image = image.substr(0, image.find('@'));
  size_t slash = image.rfind('/');
  if (slash != std::string_view::npos) image.remove_prefix(slash + 1);
  image = image.substr(0, image.find(':'));
  for (std::string_view arch : {"-amd64", "-arm64", "-arm", "-ppc64le", "-s390x"}) {
    if (image.size() > arch.size() && image.substr(image.size() - arch.size()) == arch) {
      return image.substr(0, image.size() - arch.size());
    }
  }
  return image;
}

// True when a shell script runs a component: its first word, or a word after exec/&&/;/|.
bool script_runs_component(std::string_view script) {
  bool command_position = true;
  for (const std::string& word : split_words(script)) {
    if (command_position && is_component(program_name(word))) return true;
    command_position = word.back() == ';';
    for (std::string_view starter : kCommandStarters) command_position |= word == starter;
  }
  return false;
}

bool is_script(std::string_view arg) {
  return !arg.empty() && arg.front() != '-' && trim(arg).find_first_of(" \t\n") != arg.npos;
}

bool runs_component(const json& container) {
  if (is_component(string_member(container, "name"))) return true;
  if (is_component(image_name(string_member(container, "image")))) return true;
  const json* command = array_member(container, "command");
  if (command != nullptr && !command->empty() &&
      is_component(program_name(as_string(command->front())))) {
    return true;
  }
  for (const char* field : {"command", "args"}) {
    const json* list = array_member(container, field);
    if (list == nullptr) continue;
    for (const json& arg : *list) {
      if (is_script(as_string(arg)) && script_runs_component(as_string(arg))) return true;
    }
  }
  return false;
}

// ---- command lines ----------------------------------------------------------------------------

struct Arg {
  std::string text;
  std::string_view field;  // "command" or "args"
};

// Kubernetes expands $(VAR) in command and args from the container's literal env values, and
// turns $$ into $. References to unknown variables (or valueFrom ones) stay as written, and so do
// those past `budget` (bytes of expansion left for the whole object): a few bytes of "$(X)" must
// not grow into gigabytes.
std::string expand_env(std::string_view text, const std::map<std::string, std::string>& env,
                       size_t& budget) {
  std::string out;
  size_t close = text.find(')');  // the first ')' at or after i; only moves forward
  for (size_t i = 0; i < text.size(); ++i) {
    const std::string_view next = text.substr(i, 2);
    if (next == "$$") {
      out += '$';
      ++i;
      continue;
    }
    if (next == "$(") {
      if (close != std::string_view::npos && close < i) close = text.find(')', i);
      auto it = close == std::string_view::npos
                    ? env.end()
                    : env.find(std::string(text.substr(i + 2, close - i - 2)));
      if (it != env.end() && it->second.size() <= budget) {
        budget -= it->second.size();
        out += it->second;
        i = close;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::map<std::string, std::string> literal_env(const json& container) {
  std::map<std::string, std::string> env;
  if (const json* list = array_member(container, "env")) {
    for (const json& var : *list) {
      const json* value = member(var, "value");
      if (value != nullptr && value->is_string()) {
        env[std::string(string_member(var, "name"))] = std::string(as_string(*value));
      }
    }
  }
  return env;
}

std::vector<Arg> argv_of(const json& container, size_t& budget) {
  const auto env = literal_env(container);
  std::vector<Arg> argv;
  for (std::string_view field : {"command", "args"}) {
    const json* list = array_member(container, field);
    if (list == nullptr) continue;
    for (const json& arg : *list) argv.push_back({expand_env(as_string(arg), env, budget), field});
  }
  return argv;
}

// The value of `--flag=value` or `--flag value` at argv[i] (advancing i past a separate value).
std::optional<std::string> flag_value(const std::vector<Arg>& argv, size_t& i,
                                      std::string_view flag) {
  std::string_view arg = argv[i].text;
  if (arg.substr(0, flag.size()) != flag) return std::nullopt;
  std::string_view rest = arg.substr(flag.size());
  if (rest.empty()) return i + 1 < argv.size() ? argv[++i].text : std::string();
  if (rest.front() == '=') return std::string(rest.substr(1));
  return std::nullopt;  // another flag that starts the same way
}

std::vector<Arg> script_words(const Arg& script) {
  std::vector<Arg> words;
  for (std::string& word : split_words(script.text)) {
    std::string_view w = strip_quotes(word);
    while (!w.empty() && w.back() == ';') w.remove_suffix(1);
    words.push_back({std::string(w), script.field});
  }
  return words;
}

void scan_argv(const std::vector<Arg>& argv, const std::string& base, FeatureSettings& out) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string where = base + "." + std::string(argv[i].field);
    if (auto gates = flag_value(argv, i, kFeatureGatesFlag)) {
      for (auto& s : parse_feature_gates_value(*gates, where, out.problems)) {
        out.gates.push_back(std::move(s));
      }
    } else if (auto config = flag_value(argv, i, kRuntimeConfigFlag)) {
      for (auto& s : parse_runtime_config_value(*config, where, out.problems)) {
        out.runtime_config.push_back(std::move(s));
      }
    } else if (is_script(argv[i].text)) {
      scan_argv(script_words(argv[i]), base, out);  // sh -c "kube-proxy --feature-gates=..."
    }
  }
}

// ---- pod templates ----------------------------------------------------------------------------

// Where each kind keeps its pod spec; the path is also what messages show.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kPodSpecPaths = {{
    {"Pod", "spec"},
    {"PodTemplate", "template.spec"},
    {"Deployment", "spec.template.spec"},
    {"DaemonSet", "spec.template.spec"},
    {"StatefulSet", "spec.template.spec"},
    {"ReplicaSet", "spec.template.spec"},
    {"ReplicationController", "spec.template.spec"},
    {"Job", "spec.template.spec"},
    {"CronJob", "spec.jobTemplate.spec.template.spec"},
}};

// The pod spec of a workload object and its path, or nullptr for kinds without one.
const json* pod_spec_of(const json& object, std::string_view kind, std::string& prefix) {
  for (const auto& [spec_kind, spec_path] : kPodSpecPaths) {
    if (kind != spec_kind) continue;
    prefix = std::string(spec_path);
    const json* spec = &object;
    for (std::string_view key : split(spec_path, '.')) {
      spec = object_member(*spec, key);
      if (spec == nullptr) return nullptr;
    }
    return spec;
  }
  return nullptr;
}

void read_pod_spec(const json& spec, const std::string& prefix, FeatureSettings& out) {
  size_t budget = kMaxExpansion;
  for (std::string_view list_name : kContainerLists) {
    const json* list = array_member(spec, list_name);
    if (list == nullptr) continue;
    size_t i = 0;
    for (const json& container : *list) {
      const size_t index = i++;
      if (!runs_component(container)) continue;
      std::string_view name = string_member(container, "name");
      std::string base = prefix + "." + std::string(list_name) + "[" +
                         (name.empty() ? std::to_string(index) : std::string(name)) + "]";
      scan_argv(argv_of(container, budget), base, out);
    }
  }
}

// Parses "NAME=BOOL,NAME=BOOL" into settings {name, enabled, where}; `bare_means_true` accepts
// "NAME" alone as NAME=true (runtime-config). Bad entries become problems naming `what`. Both are
// capped: a real component sets a few dozen gates, and a hostile value must not turn a small
// request into a huge list of findings.
template <typename Setting>
std::vector<Setting> parse_list(std::string_view value, std::string_view where,
                                std::string_view what, bool bare_means_true,
                                std::vector<std::string>& problems) {
  std::vector<Setting> settings;
  size_t bad = 0;
  std::string_view rest = strip_quotes(value);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view entry = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (entry.empty()) continue;
    if (settings.size() + bad == kMaxEntries) {
      problems.push_back(std::string(where) + ": more than " + std::to_string(kMaxEntries) +
                         " entries; the rest were not read");
      break;
    }
    const size_t eq = entry.find('=');
    const std::string_view name = trim(entry.substr(0, eq));
    std::optional<bool> enabled;
    if (eq != std::string_view::npos && !trim(entry.substr(eq + 1)).empty()) {
      enabled = parse_bool(entry.substr(eq + 1));
    } else if (bare_means_true) {
      enabled = true;
    }
    if (!name.empty() && enabled) {
      settings.push_back({std::string(name), *enabled, std::string(where)});
    } else if (++bad <= kMaxProblems) {
      problems.push_back(std::string(where) + ": " + std::string(what) + " entry " + shown(entry) +
                         " is not NAME=true|false");
    }
  }
  if (bad > kMaxProblems) {
    problems.push_back(std::string(where) + ": " + std::to_string(bad - kMaxProblems) + " more " +
                       std::string(what) + " entries are not NAME=true|false");
  }
  return settings;
}

}  // namespace

std::vector<GateSetting> effective_gate_settings(const std::vector<GateSetting>& settings) {
  std::vector<GateSetting> out;
  std::map<std::pair<std::string, std::string>, size_t> seen;
  for (const GateSetting& s : settings) {
    auto [it, inserted] = seen.emplace(std::make_pair(s.gate, s.where), out.size());
    if (inserted) {
      out.push_back(s);
    } else {
      out[it->second].enabled = s.enabled;
    }
  }
  return out;
}

std::vector<GateSetting> parse_feature_gates_value(std::string_view value, std::string_view where,
                                                   std::vector<std::string>& problems) {
  // A gate needs a value: "A" alone is an error for the components.
  return parse_list<GateSetting>(value, where, "feature gate", false, problems);
}

std::vector<RuntimeConfigSetting> parse_runtime_config_value(std::string_view value,
                                                             std::string_view where,
                                                             std::vector<std::string>& problems) {
  return parse_list<RuntimeConfigSetting>(value, where, "runtime-config", true, problems);
}

std::optional<std::string_view> pod_spec_path(std::string_view kind) {
  for (const auto& [spec_kind, spec_path] : kPodSpecPaths) {
    if (kind == spec_kind) return spec_path;
  }
  return std::nullopt;
}

bool may_carry_feature_settings(std::string_view kind, std::string_view namespace_,
                                std::string_view name) {
  if (kind == "ConfigMap") {
    return namespace_ == kKubeSystem && gate_internal::is_component_config_map(name);
  }
  return pod_spec_path(kind).has_value();
}

FeatureSettings extract_feature_settings(const json& object, std::string_view kind,
                                         std::string_view namespace_, std::string_view name) {
  FeatureSettings out;
  try {
    if (kind == "ConfigMap") {
      if (namespace_ == kKubeSystem) gate_internal::read_kube_system_config_map(object, name, out);
    } else {
      std::string prefix;
      if (const json* spec = pod_spec_of(object, kind, prefix)) read_pod_spec(*spec, prefix, out);
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp may also throw while reading a parsed document (e.g. a bad conversion).
    out.problems.push_back("the " + std::string(kind) + " could not be read (" + e.msg + ")");
  }
  return out;
}

std::pair<std::string_view, std::string_view> group_version_of(std::string_view key) {
  size_t slash = key.find('/');
  if (slash == std::string_view::npos) return {};
  std::string_view group = key.substr(0, slash);
  std::string_view version = key.substr(slash + 1);
  version = version.substr(0, version.find('/'));
  return {group == "api" ? std::string_view{} : group, version};
}

}  // namespace aksarc
