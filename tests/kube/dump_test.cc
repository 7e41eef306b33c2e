// read_dump and write_snapshot: round trips, kubectl cluster-info dump folders, the shipped
// scenario fixture, and what must never be written (Secret data).

#include "kube/dump.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace aksarc::kube {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("aksarc-dump-test-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string str(const std::string& sub = "") const { return (path_ / sub).string(); }

 private:
  fs::path path_;
};

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

json list_of(std::initializer_list<json> items) {
  return json{{"kind", "List"}, {"apiVersion", "v1"}, {"items", json::array_t(items)}};
}

json named(const std::string& ns, const std::string& name) {
  json meta{{"name", name}};
  if (!ns.empty()) meta["namespace"] = ns;
  return json{{"metadata", meta}};
}

ClusterState sample_state() {
  ClusterState state;
  state.version = json{{"gitVersion", "v1.30.4"}};
  state.served_group_versions = std::vector<std::string>{"v1", "apps/v1"};
  state.lists[resources::nodes()].items = json::array({named("", "moc-a"), named("", "moc-b")});
  state.lists[resources::pods("")].items =
      json::array({named("default", "web"), named("kube-system", "coredns")});
  state.lists[resources::configmaps("kube-system")].items =
      json::array({named("kube-system", "kubelet-config")});
  state.lists[resources::daemonsets("kube-system")].items = json::array();
  state.lists[resources::validating_webhook_configurations()].items =
      json::array({named("", "aksarc-support")});
  state.lists[resources::deployments("")].error = Error{ErrorCode::kForbidden, "no deployments"};
  state.kubelet_configz["moc-a"] = json{{"kubeletconfig", {{"featureGates", json::object()}}}};
  state.kubelet_configz_errors["moc-b"] = Error{ErrorCode::kForbidden, "nodes/proxy denied"};
  return state;
}

std::vector<ResourceKey> keys_of(const ClusterState& state) {
  std::vector<ResourceKey> keys;
  for (const auto& [key, list] : state.lists) keys.push_back(key);
  return keys;
}

TEST_CASE("dump: write_snapshot then read_dump gives the same state") {
  TempDir tmp;
  ClusterState original = sample_state();
  REQUIRE(write_snapshot(original, tmp.str("snap")).ok());
  CHECK(fs::exists(tmp.path() / "snap" / "README.txt"));
  CHECK(fs::exists(tmp.path() / "snap" / "kube-system" / "pods.json"));
  CHECK(fs::exists(tmp.path() / "snap" / "cluster" / "validatingwebhookconfigurations.json"));

  auto read = read_dump(tmp.str("snap"), keys_of(original));
  REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().message));
  const ClusterState& back = read.value();
  CHECK(back.source == "dump " + tmp.str("snap"));
  CHECK(back.version == original.version);
  CHECK(back.served_group_versions == original.served_group_versions);
  CHECK(back.kubelet_configz == original.kubelet_configz);
  REQUIRE(back.kubelet_configz_errors.count("moc-b") == 1);
  CHECK(back.kubelet_configz_errors.at("moc-b").message == "nodes/proxy denied");
  REQUIRE(back.lists.size() == original.lists.size());
  for (const auto& [key, list] : original.lists) {
    const ResourceList* got = back.find(key);
    REQUIRE(got != nullptr);
    CHECK_MESSAGE(got->items == list.items, key.describe());
    CHECK(got->error.has_value() == list.error.has_value());
    if (list.error && got->error) {
      CHECK(got->error->code == list.error->code);
      CHECK(got->error->message == list.error->message);
    }
  }
}

TEST_CASE("dump: write_snapshot never writes Secret data and refuses a non-empty folder") {
  TempDir tmp;
  ClusterState state;
  json secret = named("default", "db");
  secret["data"] = {{"password", "c2VjcmV0"}};
  secret["stringData"] = {{"token", "plain"}};
  secret["metadata"]["annotations"] = {
      {"kubectl.kubernetes.io/last-applied-configuration", "{\"data\":{\"password\":\"x\"}}"},
      {"keep", "me"}};
  ResourceKey secrets{"", "v1", "secrets", "default", true};
  state.lists[secrets].items = json::array({secret});
  json cm = named("default", "odd");
  cm["kind"] = "Secret";
  cm["data"] = {{"k", "v"}};
  state.lists[resources::configmaps("default")].items = json::array({cm});
  REQUIRE(write_snapshot(state, tmp.str("s")).ok());

  std::string everything;
  for (const auto& entry : fs::recursive_directory_iterator(tmp.path() / "s")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    everything += std::string(std::istreambuf_iterator<char>(in), {});
  }
  CHECK(everything.find("c2VjcmV0") == std::string::npos);
  CHECK(everything.find("plain") == std::string::npos);
  CHECK(everything.find("last-applied") == std::string::npos);
  CHECK(everything.find("\"k\"") == std::string::npos);
  CHECK(everything.find("keep") != std::string::npos);
  CHECK(everything.find("no secrets") != std::string::npos);  // README says so

  auto again = write_snapshot(state, tmp.str("s"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("dump: reads a kubectl cluster-info dump folder") {
  TempDir tmp;
  write(tmp.path() / "nodes.json", list_of({named("", "moc-a")}).dump());
  write(tmp.path() / "kube-system" / "pods.json",
        list_of({named("kube-system", "coredns")}).dump());
  write(tmp.path() / "kube-system" / "daemonsets.json", list_of({}).dump());
  write(tmp.path() / "kube-system" / "replication-controllers.json", list_of({}).dump());
  write(tmp.path() / "kube-system" / "coredns" / "logs.txt", "log line\n");
  write(tmp.path() / "default" / "pods.json", list_of({named("default", "web")}).dump());
  ResourceKey rcs{"", "v1", "replicationcontrollers", "kube-system", true};
  auto read = read_dump(
      tmp.str(), {resources::nodes(), resources::pods(""), resources::configmaps("kube-system"),
                  resources::daemonsets("kube-system"), resources::deployments("monitoring"), rcs});
  REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().message));
  const ClusterState& state = read.value();
  REQUIRE(state.items(resources::nodes()) != nullptr);
  REQUIRE(state.items(resources::pods("")) != nullptr);
  CHECK(state.items(resources::pods(""))->size() == 2);
  CHECK(state.items(resources::daemonsets("kube-system")) != nullptr);
  CHECK(state.items(rcs) != nullptr);
  const ResourceList* cms = state.find(resources::configmaps("kube-system"));
  REQUIRE(cms != nullptr);
  REQUIRE(cms->error.has_value());
  CHECK(cms->error->code == ErrorCode::kNotFound);
  CHECK(cms->error->message.find("kube-system/configmaps.json is not in the dump") == 0);
  CHECK(cms->error->message.find("kubectl aksarc-support snapshot") != std::string::npos);
  const ResourceList* deps = state.find(resources::deployments("monitoring"));
  REQUIRE(deps != nullptr);
  REQUIRE(deps->error.has_value());
  CHECK(deps->error->message.find("--namespaces monitoring") != std::string::npos);
  REQUIRE(state.version_error.has_value());
  CHECK(state.version_error->code == ErrorCode::kNotFound);
  CHECK(state.discovery_error.has_value());
}

TEST_CASE("dump: errors for folders that are not dumps and for broken files") {
  TempDir tmp;
  auto empty = read_dump(tmp.str(), {resources::nodes()});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find("not a cluster dump") != std::string::npos);
  CHECK_FALSE(read_dump(tmp.str("missing"), {}).ok());

  write(tmp.path() / "nodes.json", list_of({}).dump());
  write(tmp.path() / "kube-system" / "pods.json", "{\"items\": [");
  auto broken = read_dump(tmp.str(), {resources::pods("kube-system")});
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code == ErrorCode::kParse);
  CHECK(broken.error().message.find("kube-system/pods.json") != std::string::npos);

  write(tmp.path() / "kube-system" / "pods.json", "{\"kind\": \"Pod\"}");
  auto not_list = read_dump(tmp.str(), {resources::pods("kube-system")});
  REQUIRE_FALSE(not_list.ok());
  CHECK(not_list.error().message.find("not a List") != std::string::npos);
}

TEST_CASE("dump: reads the aksarc-healthy scenario fixture") {
  fs::path dir = fs::path(AKSARC_TESTDATA_DIR) / "clusters" / "aksarc-healthy";
  if (!fs::exists(dir / "nodes.json")) {
    MESSAGE("skipped: " << dir.string() << " does not exist yet");
    return;
  }
  auto read = read_dump(dir.string(), {resources::nodes(), resources::pods("kube-system"),
                                       resources::validating_webhook_configurations()});
  REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().message));
  const json* nodes = read.value().items(resources::nodes());
  REQUIRE(nodes != nullptr);
  CHECK_FALSE(nodes->empty());
  CHECK(read.value().items(resources::pods("kube-system")) != nullptr);
}

}  // namespace
}  // namespace aksarc::kube
