#pragma once
// Small builders shared by the core tests: a request JSON with the fields the engine reads.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/admission.h"

namespace aksarc::testing {

// The embedded policy data, parsed once for the whole test binary.
inline const PolicyData& embedded_data() {
  static const std::shared_ptr<const PolicyData> loaded = [] {
    auto r = load_embedded_policy_data();
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return r.value();
  }();
  return *loaded;
}

// A file under tests/testdata/clusters/.
inline std::string read_testdata(const std::string& name) {
  std::ifstream in(std::string(AKSARC_TESTDATA_DIR) + "/clusters/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// YAML fixtures as JSON, the way the API server hands objects over. Every scalar becomes a
// string: extraction reads only strings.
inline json to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    json out = json::object();
    for (const auto& kv : node) out[kv.first.Scalar()] = to_json(kv.second);
    return out;
  }
  if (node.IsSequence()) {
    json out = json::array();
    for (const auto& item : node) out.push_back(to_json(item));
    return out;
  }
  return node.IsScalar() ? json(node.Scalar()) : json(nullptr);
}

inline json user(const std::string& name, std::initializer_list<const char*> groups = {}) {
  json g = json::array();
  for (const char* x : groups) g.push_back(x);
  return {{"username", name}, {"groups", g}};
}

inline json request(const std::string& op, const std::string& resource, const std::string& kind,
                    const std::string& ns, const std::string& name, json user_info,
                    json object = nullptr, json old_object = nullptr, const std::string& sub = "") {
  json r = {{"uid", "u-1"},
            {"operation", op},
            {"kind", {{"group", ""}, {"version", "v1"}, {"kind", kind}}},
            {"resource", {{"group", ""}, {"version", "v1"}, {"resource", resource}}},
            {"name", name},
            {"namespace", ns},
            {"userInfo", std::move(user_info)},
            {"object", std::move(object)},
            {"oldObject", std::move(old_object)}};
  if (!sub.empty()) r["subResource"] = sub;
  return r;
}

inline json wrap(json req, const char* version = "admission.k8s.io/v1") {
  return {{"apiVersion", version}, {"kind", "AdmissionReview"}, {"request", std::move(req)}};
}

inline std::shared_ptr<const Policy> policy(
    const std::string& yaml = "clusterVersion: \"1.30\"\n") {
  auto p = make_policy_from_yaml(yaml);
  if (!p.ok()) throw std::runtime_error(p.error().message);
  return p.value();
}

// Findings of one rule for a request document.
inline std::vector<Finding> findings_of(const Rule& rule, const json& req, const Policy& p) {
  auto r = read_admission_request(req);
  if (!r.ok()) throw std::runtime_error(r.error().message);
  std::vector<Finding> out;
  rule.evaluate(r.value(), p.context(), out);
  return out;
}

}  // namespace aksarc::testing
