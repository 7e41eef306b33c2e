#include "core/admission_request.h"

#include <algorithm>
#include <string>

namespace aksarc {
namespace {

GroupVersionKind read_gvk(const json& request, std::string_view key) {
  const json* m = object_member(request, key);
  if (m == nullptr) return {};
  return {string_member(*m, "group"), string_member(*m, "version"), string_member(*m, "kind")};
}

GroupVersionResource read_gvr(const json& request, std::string_view key) {
  const json* m = object_member(request, key);
  if (m == nullptr) return {};
  return {string_member(*m, "group"), string_member(*m, "version"), string_member(*m, "resource")};
}

std::optional<Operation> parse_operation(std::string_view text) {
  if (text == "CREATE") return Operation::kCreate;
  if (text == "UPDATE") return Operation::kUpdate;
  if (text == "DELETE") return Operation::kDelete;
  if (text == "CONNECT") return Operation::kConnect;
  return std::nullopt;
}

UserInfo read_user(const json& request) {
  UserInfo user;
  const json* info = object_member(request, "userInfo");
  if (info == nullptr) return user;
  user.username = string_member(*info, "username");
  if (const json* groups = array_member(*info, "groups")) {
    user.groups.reserve(groups->size());
    for (const json& g : *groups) {
      if (g.is_string()) user.groups.push_back(as_string(g));
    }
  }
  return user;
}

// An object member that is a non-empty JSON object; `{}` (seen from some API servers for
// oldObject on CREATE) counts as absent.
const json* present_object(const json& request, std::string_view key) {
  const json* m = object_member(request, key);
  return (m != nullptr && !m->empty()) ? m : nullptr;
}

}  // namespace

std::string_view to_string(Operation op) {
  switch (op) {
    case Operation::kCreate:
      return "CREATE";
    case Operation::kUpdate:
      return "UPDATE";
    case Operation::kDelete:
      return "DELETE";
    case Operation::kConnect:
      return "CONNECT";
  }
  return "CREATE";
}

bool UserInfo::in_group(std::string_view group) const {
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

const json* AdmissionRequest::subject() const {
  return operation == Operation::kDelete ? old_object : object;
}

Result<AdmissionRequest> read_admission_request(const json& request) {
  if (!request.is_object()) return invalid_argument("request: expected an object");
  const json* uid = member(request, "uid");
  if (uid == nullptr || !uid->is_string() || uid->get_ref<const json::string_t&>().empty()) {
    return invalid_argument("request.uid: missing (every AdmissionReview request has a uid)");
  }
  AdmissionRequest r;
  r.uid = as_string(*uid);
  std::string_view op_text = string_member(request, "operation");
  if (op_text.empty()) return invalid_argument("request.operation: missing");
  std::optional<Operation> op = parse_operation(op_text);
  if (!op) {
    return invalid_argument("request.operation: unknown operation \"" + std::string(op_text) +
                            "\" (expected CREATE, UPDATE, DELETE or CONNECT)");
  }
  r.operation = *op;
  r.kind = read_gvk(request, "kind");
  r.request_kind = read_gvk(request, "requestKind");
  if (r.request_kind.kind.empty() && r.request_kind.version.empty()) r.request_kind = r.kind;
  r.resource = read_gvr(request, "resource");
  r.request_resource = read_gvr(request, "requestResource");
  if (r.request_resource.resource.empty()) r.request_resource = r.resource;
  r.sub_resource = string_member(request, "subResource");
  r.namespace_ = string_member(request, "namespace");
  r.name = string_member(request, "name");
  r.user = read_user(request);
  r.object = present_object(request, "object");
  r.old_object = present_object(request, "oldObject");
  r.dry_run = bool_member(request, "dryRun").value_or(false);
  if (r.name.empty()) {
    // Older API servers leave request.name empty; the object's own name is the same thing.
    if (const json* subject = r.subject()) {
      if (const json* meta = object_member(*subject, "metadata"))
        r.name = string_member(*meta, "name");
    }
  }
  return r;
}

}  // namespace aksarc
