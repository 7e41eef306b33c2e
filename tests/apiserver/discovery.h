#pragma once
// Discovery documents (APIVersions, APIGroupList, APIGroup, APIResourceList) for a FixtureStore
// (header-only, used by api_server.cc). Pure functions of the store; thread-safe.

#include <algorithm>
#include <string>
#include <vector>

#include "core/json_access.h"
#include "tests/apiserver/fixture_store.h"

namespace aksarc::testapi {

// ---------------------------------------------------------------------------------------------
// Discovery documents.

inline json resource_entry(const ResourceType& t) {
  json entry = {{"name", t.name},
                {"singularName", t.singular},
                {"namespaced", t.namespaced},
                {"kind", t.kind},
                {"verbs", {"get", "list"}}};
  if (!t.short_names.empty()) entry["shortNames"] = t.short_names;
  return entry;
}

inline json resource_list(const FixtureStore& store, const std::string& group_version) {
  json resources = json::array();
  for (const ResourceType& t : store.resources()) {
    if (t.group_version() != group_version) continue;
    resources.push_back(resource_entry(t));
    if (t.group.empty() && t.name == "pods") {
      resources.push_back({{"name", "pods/log"},
                           {"singularName", ""},
                           {"namespaced", true},
                           {"kind", "Pod"},
                           {"verbs", {"get"}}});
    }
    if (t.group.empty() && t.name == "nodes") {
      resources.push_back({{"name", "nodes/proxy"},
                           {"singularName", ""},
                           {"namespaced", false},
                           {"kind", "NodeProxyOptions"},
                           {"verbs", {"get"}}});
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group_version},
          {"resources", resources}};
}

inline json api_group(const FixtureStore& store, const std::string& group) {
  json versions = json::array();
  for (const std::string& gv : store.group_versions()) {
    const size_t slash = gv.find('/');
    if (slash == std::string::npos || gv.substr(0, slash) != group) continue;
    versions.push_back({{"groupVersion", gv}, {"version", gv.substr(slash + 1)}});
  }
  if (versions.empty()) return nullptr;
  return {{"kind", "APIGroup"},
          {"apiVersion", "v1"},
          {"name", group},
          {"versions", versions},
          {"preferredVersion", versions.front()}};
}

inline json group_list(const FixtureStore& store) {
  json groups = json::array();
  std::vector<std::string> seen;
  for (const std::string& gv : store.group_versions()) {
    const size_t slash = gv.find('/');
    if (slash == std::string::npos) continue;
    const std::string group = gv.substr(0, slash);
    if (std::find(seen.begin(), seen.end(), group) != seen.end()) continue;
    seen.push_back(group);
    json g = api_group(store, group);
    g.erase("kind");
    g.erase("apiVersion");
    groups.push_back(std::move(g));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

inline bool served(const FixtureStore& store, const std::string& group_version) {
  const auto& gvs = store.group_versions();
  return std::find(gvs.begin(), gvs.end(), group_version) != gvs.end();
}

}  // namespace aksarc::testapi
