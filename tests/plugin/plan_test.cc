// Which lists a report reads, and how the flags become a kubeconfig selection.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/checks/registry.h"
#include "core/platform.h"
#include "plugin/acquire.h"

namespace aksarc::plugin {
namespace {

std::vector<const Check*> checks_named(std::initializer_list<std::string_view> ids) {
  std::vector<const Check*> out;
  for (std::string_view id : ids) {
    const Check* check = find_check(id);
    REQUIRE(check != nullptr);
    out.push_back(check);
  }
  return out;
}

bool has(const std::vector<ResourceKey>& keys, const ResourceKey& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

TEST_CASE("the plan is the union of the checks' needs and platform detection's, without repeats") {
  kube::FetchPlan plan = plan_for(checks_named({"kube-system-images", "privileged-daemonsets"}));
  CHECK(has(plan.lists, resources::pods("kube-system")));
  CHECK(has(plan.lists, resources::daemonsets("")));
  for (const ResourceKey& key : platform_detection_needs()) CHECK(has(plan.lists, key));
  std::vector<ResourceKey> sorted = plan.lists;
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  CHECK_FALSE(plan.discovery);
  CHECK_FALSE(plan.kubelet_configz);
}

TEST_CASE("discovery and kubelet configz are read only when a chosen check needs them") {
  CHECK(plan_for(checks_named({"alpha-apis-served"})).discovery);
  CHECK(plan_for(checks_named({"kubelet-feature-gates"})).kubelet_configz);
  CHECK_FALSE(plan_for(checks_named({"cni"})).kubelet_configz);
}

TEST_CASE("a list only metadata readers need is fetched metadata-only; one full reader wins") {
  // third-party-software reads names and labels of Deployments in all namespaces.
  kube::FetchPlan alone = plan_for(checks_named({"third-party-software"}));
  CHECK(alone.metadata_only.count(resources::deployments("")) == 1);
  // Platform detection reads kube-system Deployments in full, so they never are.
  CHECK(alone.metadata_only.count(resources::deployments("kube-system")) == 0);
  // privileged-daemonsets reads the pod template: DaemonSets in all namespaces stay full.
  kube::FetchPlan mixed = plan_for(checks_named({"third-party-software", "privileged-daemonsets"}));
  CHECK(mixed.metadata_only.count(resources::daemonsets("")) == 0);
  CHECK(mixed.metadata_only.count(resources::deployments("")) == 1);
  // Only metadata_only lists that are in the plan.
  for (const ResourceKey& key : mixed.metadata_only) CHECK(has(mixed.lists, key));
}

TEST_CASE("the report over every check reads kube-system ConfigMaps in full") {
  std::vector<const Check*> all;
  for (const auto& check : all_checks()) all.push_back(check.get());
  kube::FetchPlan plan = plan_for(all);
  CHECK(plan.discovery);
  CHECK(plan.kubelet_configz);
  CHECK(plan.metadata_only.count(resources::configmaps("kube-system")) == 0);
}

TEST_CASE("flags become the kubeconfig selection; a bad --request-timeout is refused") {
  GlobalOptions o;
  o.kubeconfig = "/tmp/kc";
  o.context = "moc";
  o.cluster = "c";
  o.user = "u";
  o.request_timeout = "1m30s";
  Result<kube::KubeconfigSelection> s = selection_of(o);
  REQUIRE(s.ok());
  CHECK(s.value().kubeconfig_flag == "/tmp/kc");
  CHECK(s.value().context == "moc");
  CHECK(s.value().cluster == "c");
  CHECK(s.value().user == "u");
  CHECK(s.value().request_timeout_seconds == doctest::Approx(90));
  o.request_timeout = "soon";
  Result<kube::KubeconfigSelection> bad = selection_of(o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("--request-timeout") != std::string::npos);
}

TEST_CASE("kubectl-style durations") {
  CHECK(parse_duration_seconds("30s") == doctest::Approx(30));
  CHECK(parse_duration_seconds("2m") == doctest::Approx(120));
  CHECK(parse_duration_seconds("500ms") == doctest::Approx(0.5));
  CHECK(parse_duration_seconds("45") == doctest::Approx(45));
  CHECK(parse_duration_seconds("1h") == doctest::Approx(3600));
  CHECK_FALSE(parse_duration_seconds(""));
  CHECK_FALSE(parse_duration_seconds("-1s"));
  CHECK_FALSE(parse_duration_seconds("3d"));
}

}  // namespace aksarc::plugin
