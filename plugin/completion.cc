#include "plugin/completion.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <ostream>
#include <string_view>
#include <utility>

#include "core/checks/registry.h"
#include "kube/kubeconfig.h"

namespace aksarc::plugin {
namespace {

// cobra's ShellCompDirective values (the shells' completion scripts act on them).
constexpr int kDirectiveDefault = 0;     // no candidates: the shell completes file names
constexpr int kDirectiveNoFileComp = 4;  // only the candidates, never file names
constexpr int kDirectiveFilterDirs = 16;

enum class ValueKind { kNone, kChoices, kContexts, kCheckIds, kFiles, kDirs };

struct ValueSpec {
  ValueKind kind = ValueKind::kNone;
  std::vector<std::string> choices;  // for kChoices
  bool comma_list = false;           // "a,b,c": complete the part after the last comma
};

// What a value of a flag is, by long name, where CLI11's validators do not say it.
struct NamedKind {
  std::string_view name;
  ValueKind kind;
};
constexpr NamedKind kNamedKinds[] = {
    {"context", ValueKind::kContexts},  {"contexts", ValueKind::kContexts},
    {"check", ValueKind::kCheckIds},    {"skip", ValueKind::kCheckIds},
    {"kubeconfig", ValueKind::kFiles},  {"arc-status", ValueKind::kFiles},
    {"policy-data", ValueKind::kFiles}, {"config", ValueKind::kFiles},
    {"filename", ValueKind::kFiles},    {"from-dump", ValueKind::kDirs},
    {"output-dir", ValueKind::kDirs},   {"certs-dir", ValueKind::kDirs},
};

// Hidden commands (`__complete`, anything in the empty group) are never offered.
bool is_hidden(const CLI::App& app) {
  return app.get_name().empty() || app.get_name().starts_with("_") || app.get_group().empty();
}

// Flags expect no values (CLI11 gives them an expected count of 0).
bool takes_value(const CLI::Option& option) { return option.get_items_expected_max() > 0; }

// The options `app` itself accepts, including those of its option groups (nameless subapps).
void own_options(const CLI::App& app, std::vector<const CLI::Option*>& found) {
  for (const CLI::Option* option : app.get_options()) found.push_back(option);
  for (const CLI::App* group : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (group->get_name().empty()) own_options(*group, found);
  }
}

// Every option a word in `scope` may name: the scope's own first, then (through fallthrough)
// its parents'.
std::vector<const CLI::Option*> visible_options(const CLI::App& scope) {
  std::vector<const CLI::Option*> found;
  for (const CLI::App* app = &scope; app != nullptr; app = app->get_parent()) {
    own_options(*app, found);
    if (!app->get_fallthrough()) break;
  }
  return found;
}

// `name` without dashes: "output" for --output, "o" for -o.
const CLI::Option* find_option(const CLI::App& scope, std::string_view name, bool is_long) {
  for (const CLI::Option* option : visible_options(scope)) {
    const auto& names = is_long ? option->get_lnames() : option->get_snames();
    if (std::find(names.begin(), names.end(), name) != names.end()) return option;
  }
  return nullptr;
}

const CLI::App* find_subcommand(const CLI::App& scope, std::string_view word) {
  for (const CLI::App* sub : scope.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name().empty()) continue;
    if (sub->get_name() == word) return sub;
    const auto& aliases = sub->get_aliases();
    if (std::find(aliases.begin(), aliases.end(), word) != aliases.end()) return sub;
  }
  return nullptr;
}

// "TEXT:{table,json,yaml}" (CLI::IsMember's description) -> {table, json, yaml}.
std::vector<std::string> choices_of(std::string_view type_name) {
  size_t open = type_name.find(":{");
  if (open == std::string_view::npos) return {};
  size_t close = type_name.find('}', open);
  if (close == std::string_view::npos) return {};
  std::string_view list = type_name.substr(open + 2, close - open - 2);
  std::vector<std::string> choices;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    if (!item.empty()) choices.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return choices;
}

ValueSpec spec_of(const CLI::Option& option) {
  ValueSpec spec;
  spec.comma_list = option.get_delimiter() == ',';
  const auto& names = option.get_lnames();
  for (const NamedKind& named : kNamedKinds) {
    if (std::find(names.begin(), names.end(), named.name) != names.end()) {
      spec.kind = named.kind;
      return spec;
    }
  }
  std::string type_name = option.get_type_name();
  spec.choices = choices_of(type_name);
  if (!spec.choices.empty()) {
    spec.kind = ValueKind::kChoices;
  } else if (type_name.find(":FILE") != std::string::npos) {
    spec.kind = ValueKind::kFiles;
  } else if (type_name.find(":DIR") != std::string::npos) {
    spec.kind = ValueKind::kDirs;
  }
  return spec;
}

// The next positional argument of `scope` after `given` of them: explain's one check ID,
// review's files.
ValueSpec positional_spec(const CLI::App& scope, size_t given) {
  for (const CLI::Option* option : scope.get_options()) {
    if (!option->get_positional()) continue;
    if (given >= static_cast<size_t>(option->get_items_expected_max())) return {};
    if (scope.get_name() == "explain") return {ValueKind::kCheckIds, {}, false};
    return spec_of(*option);
  }
  return {};
}

// The value part of a candidate line ("value\tdescription").
std::string_view value_of(std::string_view candidate) {
  return candidate.substr(0, candidate.find('\t'));
}

// A description on one line, without tabs (the protocol's separators).
std::string one_line(std::string_view text) {
  std::string line(text.substr(0, text.find('\n')));
  std::replace(line.begin(), line.end(), '\t', ' ');
  return line;
}

struct Completion {
  std::vector<std::string> candidates;
  int directive = kDirectiveNoFileComp;
};

// Keeps the candidates whose value starts with `typed`, each behind `prefix` (the finished items
// of a comma list), skipping items the list already has.
void add_matching(const std::vector<std::string>& values, std::string_view prefix,
                  std::string_view typed, Completion& result) {
  std::vector<std::string_view> listed;
  for (std::string_view rest = prefix; !rest.empty();) {
    size_t comma = rest.find(',');
    listed.push_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  for (const std::string& candidate : values) {
    std::string_view value = value_of(candidate);
    if (!value.starts_with(typed)) continue;
    if (std::find(listed.begin(), listed.end(), value) != listed.end()) continue;
    result.candidates.push_back(std::string(prefix) + candidate);
  }
}

Completion complete_value(const ValueSpec& spec, std::string_view typed,
                          const CompletionSources& sources) {
  Completion result;
  std::vector<std::string> values;
  switch (spec.kind) {
    case ValueKind::kNone:
      return result;
    case ValueKind::kFiles:
      result.directive = kDirectiveDefault;
      return result;
    case ValueKind::kDirs:
      result.directive = kDirectiveFilterDirs;
      return result;
    case ValueKind::kChoices:
      values = spec.choices;
      break;
    case ValueKind::kContexts:
      if (sources.contexts) values = sources.contexts();
      break;
    case ValueKind::kCheckIds:
      if (sources.check_ids) values = sources.check_ids();
      break;
  }
  std::string_view prefix;
  if (spec.comma_list) {
    size_t comma = typed.rfind(',');
    if (comma != std::string_view::npos) {
      prefix = typed.substr(0, comma + 1);
      typed.remove_prefix(comma + 1);
    }
  }
  add_matching(values, prefix, typed, result);
  return result;
}

// Options given once and not repeatable are not offered again (as cobra does).
bool offer_again(const CLI::Option& option) {
  return takes_value(option) && option.get_items_expected_max() > 1;
}

Completion complete_flags(const CLI::App& scope, const std::vector<const CLI::Option*>& used,
                          std::string_view typed) {
  Completion result;
  std::vector<std::string> seen;
  for (const CLI::Option* listed : visible_options(scope)) {
    const CLI::Option& option = *listed;
    if (option.get_group().empty()) continue;  // hidden
    std::string flag;
    if (!option.get_lnames().empty()) {
      flag = "--" + option.get_lnames().front();
    } else if (!option.get_snames().empty()) {
      flag = "-" + option.get_snames().front();
    } else {
      continue;  // positional only
    }
    // A subcommand's own -o,--output hides the root's.
    if (std::find(seen.begin(), seen.end(), flag) != seen.end()) continue;
    seen.push_back(flag);
    bool given = std::find(used.begin(), used.end(), &option) != used.end();
    if ((given && !offer_again(option)) || !std::string_view(flag).starts_with(typed)) continue;
    std::string description = one_line(option.get_description());
    result.candidates.push_back(description.empty() ? flag : flag + "\t" + description);
  }
  return result;
}

Completion complete_subcommands(const CLI::App& scope, std::string_view typed) {
  Completion result;
  for (const CLI::App* sub : scope.get_subcommands([](const CLI::App*) { return true; })) {
    if (is_hidden(*sub) || !sub->get_name().starts_with(typed)) continue;
    std::string description = one_line(sub->get_description());
    result.candidates.push_back(description.empty() ? sub->get_name()
                                                    : sub->get_name() + "\t" + description);
  }
  return result;
}

bool has_visible_subcommands(const CLI::App& scope) {
  return !scope.get_subcommands([](const CLI::App* sub) { return !is_hidden(*sub); }).empty();
}

// Where the words before the one being completed leave us.
struct ParseState {
  const CLI::App* scope = nullptr;
  const CLI::Option* awaiting_value =
      nullptr;  // the previous word was a flag whose value comes next
  std::vector<const CLI::Option*> used;
  size_t positionals = 0;
  bool after_dashes = false;  // after "--" every word is positional
};

// "--name=value" -> {"name", true}; "-o" -> {"o", false}; "-ojson" -> {"o", true}.
struct FlagWord {
  std::string_view name;
  bool is_long = false;
  bool has_value = false;
};

FlagWord split_flag(std::string_view word) {
  FlagWord flag;
  flag.is_long = word.starts_with("--");
  std::string_view body = word.substr(flag.is_long ? 2 : 1);
  size_t equals = body.find('=');
  if (equals != std::string_view::npos) {
    flag.name = body.substr(0, equals);
    flag.has_value = true;
  } else if (!flag.is_long && body.size() > 1) {
    flag.name = body.substr(0, 1);
    flag.has_value = true;
  } else {
    flag.name = body;
  }
  return flag;
}

void consume(std::string_view word, ParseState& state) {
  if (state.awaiting_value != nullptr) {
    state.awaiting_value = nullptr;
    return;
  }
  if (!state.after_dashes && word == "--") {
    state.after_dashes = true;
    return;
  }
  if (!state.after_dashes && word.size() > 1 && word.front() == '-') {
    FlagWord flag = split_flag(word);
    const CLI::Option* option = find_option(*state.scope, flag.name, flag.is_long);
    if (option == nullptr) return;
    state.used.push_back(option);
    if (takes_value(*option) && !flag.has_value) state.awaiting_value = option;
    return;
  }
  if (const CLI::App* sub = find_subcommand(*state.scope, word);
      sub != nullptr && !state.after_dashes) {
    state.scope = sub;
    state.positionals = 0;
    return;
  }
  ++state.positionals;
}

Completion complete_word(const ParseState& state, std::string_view word,
                         const CompletionSources& sources) {
  if (state.awaiting_value != nullptr) {
    return complete_value(spec_of(*state.awaiting_value), word, sources);
  }
  if (!state.after_dashes && word.starts_with("-")) {
    FlagWord flag = split_flag(word);
    if (flag.is_long && !flag.has_value) return complete_flags(*state.scope, state.used, word);
    size_t equals = word.find('=');
    if (equals == std::string_view::npos) return complete_flags(*state.scope, state.used, word);
    const CLI::Option* option = find_option(*state.scope, flag.name, flag.is_long);
    if (option == nullptr || !takes_value(*option)) return {};
    // cobra answers `--flag=va` with bare values: the shells put "--flag=" back themselves.
    return complete_value(spec_of(*option), word.substr(equals + 1), sources);
  }
  if (!state.after_dashes && state.positionals == 0 && has_visible_subcommands(*state.scope)) {
    return complete_subcommands(*state.scope, word);
  }
  return complete_value(positional_spec(*state.scope, state.positionals), word, sources);
}

// The value of --kubeconfig among the words typed so far, if any.
std::string kubeconfig_flag(const std::vector<std::string>& args) {
  std::string value;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    std::string_view word = args[i];
    if (word == "--kubeconfig" && i + 2 < args.size()) {
      value = args[i + 1];
    } else if (word.starts_with("--kubeconfig=")) {
      value = std::string(word.substr(13));
    }
  }
  return value;
}

}  // namespace

int run_complete(const CLI::App& root, const std::vector<std::string>& args,
                 const CompletionSources& sources, std::ostream& out) {
  Completion result;
  try {
    ParseState state;
    state.scope = &root;
    for (size_t i = 0; i + 1 < args.size(); ++i) consume(args[i], state);
    result = complete_word(state, args.empty() ? std::string_view{} : args.back(), sources);
  } catch (const std::exception&) {
    result = {};  // offer nothing rather than a half-built list
  }
  for (const std::string& candidate : result.candidates) out << candidate << '\n';
  out << ':' << result.directive << '\n';
  return 0;
}

CompletionSources default_completion_sources(const std::vector<std::string>& args) {
  std::string flag = kubeconfig_flag(args);
  CompletionSources sources;
  sources.contexts = [flag] {
    kube::KubeconfigSelection selection;
    selection.kubeconfig_flag = flag;
    // NOLINTBEGIN(concurrency-mt-unsafe): the environment is not modified while we run
    if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && env[0] != '\0') {
      selection.kubeconfig_env = env;
    }
    if (const char* home = std::getenv("HOME"); home != nullptr) selection.home = home;
    // NOLINTEND(concurrency-mt-unsafe)
    Result<std::vector<std::string>> contexts = kube::list_contexts(selection);
    return contexts.ok() ? contexts.value() : std::vector<std::string>{};
  };
  sources.check_ids = [] {
    std::vector<std::string> ids;
    for (const auto& check : all_checks()) {
      ids.push_back(std::string(check->id()) + "\t" + std::string(check->rule()) + ": " +
                    std::string(check->title()));
    }
    return ids;
  };
  return sources;
}

}  // namespace aksarc::plugin
