#pragma once
// Label and field selectors as the real API server parses them (header-only, used by
// api_server.cc). Parsers return nullopt on malformed input; all functions are pure and
// thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "core/json_access.h"
#include "tests/apiserver/fixture_store.h"
#include "tests/apiserver/object_text.h"

namespace aksarc::testapi {

// ---------------------------------------------------------------------------------------------
// Label selectors: =, ==, !=, in, notin, key, !key; terms joined by commas (AND).

struct Requirement {
  enum class Op { kEq, kNotEq, kIn, kNotIn, kExists, kNotExists } op = Op::kExists;
  std::string key;
  std::vector<std::string> values;
};

// Splits on commas that are not inside parentheses.
inline std::vector<std::string> split_terms(std::string_view s) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(trim(cur));
  return out;
}

inline bool valid_label_key(std::string_view key) {
  return !key.empty() && key.find_first_of(" \t()!=,") == std::string_view::npos;
}

inline std::optional<Requirement> parse_set_term(const std::string& term, size_t op_pos,
                                                 size_t op_len, Requirement::Op op) {
  Requirement req{op, trim(term.substr(0, op_pos)), {}};
  const std::string rest = trim(term.substr(op_pos + op_len));
  if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return std::nullopt;
  for (const std::string& v : split(rest.substr(1, rest.size() - 2), ',')) {
    req.values.push_back(trim(v));
  }
  if (!valid_label_key(req.key)) return std::nullopt;
  return req;
}

inline std::optional<Requirement> parse_term(const std::string& term) {
  if (term.empty()) return std::nullopt;
  if (size_t p = term.find(" notin "); p != std::string::npos) {
    return parse_set_term(term, p, 7, Requirement::Op::kNotIn);
  }
  if (size_t p = term.find(" in "); p != std::string::npos) {
    return parse_set_term(term, p, 4, Requirement::Op::kIn);
  }
  Requirement req;
  if (size_t p = term.find("!="); p != std::string::npos) {
    req = {Requirement::Op::kNotEq, trim(term.substr(0, p)), {trim(term.substr(p + 2))}};
  } else if (size_t q = term.find("=="); q != std::string::npos) {
    req = {Requirement::Op::kEq, trim(term.substr(0, q)), {trim(term.substr(q + 2))}};
  } else if (size_t e = term.find('='); e != std::string::npos) {
    req = {Requirement::Op::kEq, trim(term.substr(0, e)), {trim(term.substr(e + 1))}};
  } else if (term.front() == '!') {
    req = {Requirement::Op::kNotExists, trim(term.substr(1)), {}};
  } else {
    req = {Requirement::Op::kExists, term, {}};
  }
  if (!valid_label_key(req.key)) return std::nullopt;
  return req;
}

inline bool matches(const Requirement& req, const json* labels) {
  const json* value = labels ? member(*labels, req.key) : nullptr;
  const bool has = value != nullptr && value->is_string();
  const std::string v = has ? std::string(as_string(*value)) : "";
  const bool in_set = has && std::find(req.values.begin(), req.values.end(), v) != req.values.end();
  switch (req.op) {
    case Requirement::Op::kEq:
    case Requirement::Op::kIn:
      return in_set;
    case Requirement::Op::kNotEq:
    case Requirement::Op::kNotIn:
      return !in_set;
    case Requirement::Op::kExists:
      return has;
    case Requirement::Op::kNotExists:
      return !has;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Field selectors: only the field labels the real server supports per resource.

struct FieldTerm {
  std::string field;
  std::string value;
  bool negate = false;
};

inline std::vector<std::string> supported_fields(const ResourceType& type) {
  std::vector<std::string> fields = {"metadata.name", "metadata.namespace"};
  auto add = [&](std::initializer_list<const char*> more) {
    fields.insert(fields.end(), more.begin(), more.end());
  };
  if (!type.group.empty()) return fields;
  if (type.name == "pods") {
    add({"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
         "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"});
  } else if (type.name == "nodes") {
    add({"spec.unschedulable"});
  } else if (type.name == "secrets") {
    add({"type"});
  } else if (type.name == "events") {
    add({"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
         "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
         "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"});
  } else if (type.name == "namespaces") {
    add({"status.phase"});
  }
  return fields;
}

// The object's value for a field label ("" when unset; booleans as "true"/"false").
inline std::string field_value(const json& obj, const std::string& field) {
  // Events' "source" label means the reporting component, as in the real server.
  const std::string real_path = field == "source" ? "source.component" : field;
  const bool is_bool = field == "spec.hostNetwork" || field == "spec.unschedulable";
  const json* cur = &obj;
  for (const std::string& step : split(real_path, '.')) {
    cur = member(*cur, step);
    if (cur == nullptr) return is_bool ? "false" : "";
  }
  if (cur->is_boolean()) return cur->get<bool>() ? "true" : "false";
  return std::string(as_string(*cur));
}

}  // namespace aksarc::testapi
