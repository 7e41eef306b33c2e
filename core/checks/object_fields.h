#pragma once
// Small, non-throwing reads of Kubernetes objects shared by the MGD-1, PREV-1 and SCOPE checks.
// Every function returns a default (empty view, nullopt, nullptr) for missing or mistyped fields
// and is thread-safe (reads only).

#include <charconv>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/civil_date.h"
#include "core/json_access.h"

namespace aksarc::checks {

inline std::string_view name_of(const json& object) {
  const json* meta = object_member(object, "metadata");
  return meta == nullptr ? std::string_view{} : string_member(*meta, "name");
}

inline std::string_view namespace_of(const json& object) {
  const json* meta = object_member(object, "metadata");
  return meta == nullptr ? std::string_view{} : string_member(*meta, "namespace");
}

// The value of label `key`, or "" when absent.
inline std::string_view label_of(const json& object, std::string_view key) {
  const json* labels = path(object, {"metadata", "labels"});
  return labels == nullptr ? std::string_view{} : string_member(*labels, key);
}

// An integer field; accepts JSON integers and decimal strings (YAML-converted dumps). nullopt
// when absent or not an integer.
inline std::optional<int64_t> int_member(const json& j, std::string_view key) {
  const json* value = member(j, key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer()) return value->get<int64_t>();
  std::string_view text = as_string(*value);
  int64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

// Seconds since the epoch of an RFC 3339 UTC timestamp as the API server writes them
// ("2026-11-20T10:00:00Z"; fractions ignored), or nullopt.
inline std::optional<int64_t> epoch_seconds(std::string_view timestamp) {
  std::optional<CivilDate> date = parse_civil_date(timestamp);
  if (!date || timestamp.size() < 19 || timestamp[10] != 'T') return std::nullopt;
  int64_t parts[3] = {0, 0, 0};
  for (size_t i = 0; i < 3; ++i) {
    std::string_view two = timestamp.substr(11 + 3 * i, 2);
    auto [end, ec] = std::from_chars(two.data(), two.data() + two.size(), parts[i]);
    if (ec != std::errc() || end != two.data() + two.size()) return std::nullopt;
  }
  return date->days_since_epoch() * int64_t{86400} + parts[0] * 3600 + parts[1] * 60 + parts[2];
}

// The pod spec of a Pod (spec) or of a workload (spec.template.spec), or nullptr.
inline const json* pod_spec_of(const json& object) {
  if (const json* templ = path(object, {"spec", "template", "spec"})) return templ;
  return object_member(object, "spec");
}

// Calls `fn(container, field)` for every container and init container of the object's pod
// spec; `field` is "spec.containers[NAME]" (or the template path for workloads).
inline void for_each_container(const json& object,
                               const std::function<void(const json&, const std::string&)>& fn) {
  const json* spec = pod_spec_of(object);
  if (spec == nullptr) return;
  const bool templ = path(object, {"spec", "template", "spec"}) != nullptr;
  for (std::string_view list : {"initContainers", "containers"}) {
    const json* containers = array_member(*spec, list);
    if (containers == nullptr) continue;
    for (const json& c : *containers) {
      std::string field = std::string(templ ? "spec.template.spec." : "spec.") + std::string(list) +
                          "[" + std::string(string_member(c, "name")) + "]";
      fn(c, field);
    }
  }
}

// "Deployment kube-system/coredns".
inline std::string object_label(std::string_view kind, const json& object) {
  std::string ns(namespace_of(object));
  return std::string(kind) + " " + (ns.empty() ? "" : ns + "/") + std::string(name_of(object));
}

// Joins up to `limit` items with ", ", then "and N more".
template <typename Container>
std::string join_limited(const Container& items, size_t limit = 8) {
  std::string out;
  size_t n = 0;
  for (const auto& item : items) {
    if (n == limit) {
      out += " and " + std::to_string(items.size() - limit) + " more";
      break;
    }
    if (n != 0) out += ", ";
    out += item;
    ++n;
  }
  return out;
}

}  // namespace aksarc::checks
