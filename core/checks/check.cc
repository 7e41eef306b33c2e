#include "core/checks/check.h"

namespace aksarc {

std::string_view to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass:
      return "pass";
    case CheckStatus::kInfo:
      return "info";
    case CheckStatus::kWarn:
      return "warn";
    case CheckStatus::kFail:
      return "fail";
    case CheckStatus::kUnknown:
      return "unknown";
    case CheckStatus::kSkipped:
      return "skipped";
  }
  return "unknown";
}

std::string_view to_string(Platform platform) {
  switch (platform) {
    case Platform::kUnknown:
      return "unknown";
    case Platform::kAzureLocal:
      return "azure-local";
    case Platform::kWindowsServer:
      return "windows-server";
    case Platform::kNotAksArc:
      return "not-aks-arc";
  }
  return "unknown";
}

std::optional<Platform> parse_platform(std::string_view text) {
  if (text == "azure-local") return Platform::kAzureLocal;
  if (text == "windows-server" || text == "22h2" || text == "azure-stack-hci-22h2") {
    return Platform::kWindowsServer;
  }
  return std::nullopt;
}

CheckResult result_of(const Check& check, CheckStatus status, std::string message,
                      std::string remediation) {
  CheckResult r;
  r.check_id = check.id();
  r.rule = check.rule();
  r.status = status;
  r.message = std::move(message);
  r.remediation = std::move(remediation);
  return r;
}

const json* require_list(const ClusterState& state, const ResourceKey& key, const Check& check,
                         std::vector<CheckResult>& out) {
  const ResourceList* list = state.find(key);
  if (list == nullptr) {
    out.push_back(result_of(check, CheckStatus::kUnknown,
                            "could not check: " + key.describe() + " were not collected",
                            "run the check against a live cluster, or a snapshot that has them"));
    return nullptr;
  }
  if (list->error) {
    std::string fix = list->error->code == ErrorCode::kForbidden
                          ? "grant the plugin's user permission to list " + key.describe()
                          : "";
    out.push_back(result_of(check, CheckStatus::kUnknown,
                            "could not read " + key.describe() + ": " + list->error->message, fix));
    return nullptr;
  }
  return list->items.is_array() ? &list->items : nullptr;
}

Evidence evidence_of(const json& object, std::string_view kind, std::string field,
                     std::string value) {
  Evidence e;
  e.kind = kind;
  if (const json* meta = object_member(object, "metadata")) {
    e.namespace_ = string_member(*meta, "namespace");
    e.name = string_member(*meta, "name");
  }
  e.field = std::move(field);
  e.value = std::move(value);
  return e;
}

}  // namespace aksarc
