// libFuzzer target: an API server's answer as the plugin reads it (kube/api_answer.h): the status
// and body mapped to JSON or an Error, the Status message, Retry-After, the LIST page check and
// merge, /version and discovery; then the merged List is fed to the check engine as the items of
// every list the checks read (nodes, pods, DaemonSets ...), as the version, the discovery answer
// and each node's kubelet configz. The server is untrusted: whatever it sends, nothing may crash,
// hang or grow without bound, and every message stays one printable line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/aksarc_versions.h"
#include "core/checks/registry.h"
#include "core/platform.h"
#include "core/policy_data.h"
#include "core/report.h"
#include "kube/api_answer.h"

namespace {

using aksarc::json;

struct Engine {
  std::shared_ptr<const aksarc::PolicyData> data;
  std::shared_ptr<const aksarc::AksArcVersions> versions;
  std::vector<const aksarc::Check*> checks;
};

const Engine& engine() {
  static const Engine e = [] {
    Engine out;
    auto data = aksarc::load_embedded_policy_data();
    auto versions = aksarc::load_embedded_aksarc_versions();
    if (!data.ok() || !versions.ok()) std::abort();
    out.data = data.value();
    out.versions = versions.value();
    for (const auto& check : aksarc::all_checks()) out.checks.push_back(check.get());
    return out;
  }();
  return e;
}

// A message quoting the server must be one printable line (it ends up on a terminal).
void require_one_line(const std::string& message) {
  for (char c : message) {
    auto u = static_cast<unsigned char>(c);
    if (u == '\n' || u == '\r' || u == 0x1B) std::abort();
  }
}

// The status codes whose paths differ in interpret_answer.
constexpr int kStatuses[] = {200, 204, 302, 307, 400, 401, 403, 404, 409, 429, 500, 503, 0, 99};

void judge(const json& list, const json& body) {
  aksarc::ClusterState state;
  state.source = "fuzz";
  const json* items = aksarc::array_member(list, "items");
  for (const aksarc::Check* check : engine().checks) {
    for (const aksarc::ResourceKey& key : check->needs()) {
      aksarc::ResourceList& slot = state.lists[key];
      if (items != nullptr) slot.items = *items;
    }
  }
  state.version = body;
  state.served_group_versions = aksarc::kube::served_group_versions(body, body);
  if (items != nullptr) {
    for (const json& item : *items) {
      const json* name = aksarc::path(item, {"metadata", "name"});
      if (name != nullptr && !aksarc::as_string(*name).empty()) {
        state.kubelet_configz[std::string(aksarc::as_string(*name))] = body;
      }
    }
  }
  const json* arc = body.is_object() ? &body : nullptr;
  aksarc::Platform platform = aksarc::detect_platform(state, arc).platform;
  aksarc::CheckContext ctx{
      *engine().data, *engine().versions, platform, false, aksarc::CivilDate{2025, 11, 25}, arc};
  aksarc::Report report = aksarc::run_checks(engine().checks, state, ctx);
  (void)aksarc::report_to_json(report).dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aksarc::kube;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string first_line(body.substr(0, std::min<size_t>(body.find('\n'), 256)));

  (void)parse_retry_after(first_line);
  require_one_line(one_line(body));
  require_one_line(status_message(body));
  for (int status : {200, kStatuses[size % std::size(kStatuses)]}) {
    ApiAnswer answer{status, std::string(body), first_line, first_line};
    aksarc::Result<json> r = interpret_answer(answer, "https://10.0.0.5:6443/api/v1/nodes", 4);
    if (!r.ok()) require_one_line(r.error().message);
  }

  aksarc::Result<json> parsed = parse_answer_body(body, "GET /api/v1/nodes");
  if (!parsed.ok()) return 0;
  const json& page = parsed.value();
  (void)interpret_version(page, "https://10.0.0.5:6443/version");

  // The same page twice: its continue token (if any) must then be refused as repeated, or its
  // objects as seen before, so a server cannot keep the client paginating.
  ListMerger merger("nodes", 3);
  aksarc::Result<std::string> next = merger.add(page);
  if (next.ok() && !next.value().empty()) {
    aksarc::Result<std::string> again = merger.add(page);
    if (again.ok()) std::abort();
  }
  if (!next.ok() || !next.value().empty()) {
    // Not a (complete) List: the engine still gets whatever the page held.
    judge(page, page);
    return 0;
  }
  judge(merger.take(), page);
  return 0;
}
