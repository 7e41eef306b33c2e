#include "core/admission_request.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>

namespace aksarc {
namespace {

using Store = std::deque<std::string>;

std::string_view as_field(const std::optional<JsonView>& v, Store& store) {
  if (!v || !v->is_string()) return {};
  if (auto plain = v->plain_string()) return *plain;
  return store.emplace_back(*v->string_value());
}

// {group, version, <third>} of a kind or resource member.
std::array<std::string_view, 3> read_triple(const std::optional<JsonView>& m,
                                            std::string_view third, Store& store) {
  if (!m || !m->is_object()) return {};
  auto f = m->find_all<3>({"group", "version", third});
  return {as_field(f[0], store), as_field(f[1], store), as_field(f[2], store)};
}

GroupVersionKind read_gvk(const std::optional<JsonView>& m, Store& store) {
  auto t = read_triple(m, "kind", store);
  return {t[0], t[1], t[2]};
}

GroupVersionResource read_gvr(const std::optional<JsonView>& m, Store& store) {
  auto t = read_triple(m, "resource", store);
  return {t[0], t[1], t[2]};
}

std::optional<Operation> parse_operation(std::string_view text) {
  if (text == "CREATE") return Operation::kCreate;
  if (text == "UPDATE") return Operation::kUpdate;
  if (text == "DELETE") return Operation::kDelete;
  if (text == "CONNECT") return Operation::kConnect;
  return std::nullopt;
}

UserInfo read_user(const std::optional<JsonView>& info, Store& store) {
  UserInfo user;
  if (!info || !info->is_object()) return user;
  auto f = info->find_all<2>({"username", "groups"});
  user.username = as_field(f[0], store);
  if (const std::optional<JsonView>& groups = f[1]; groups && groups->is_array()) {
    groups->for_each_element([&](const JsonView& g) {
      if (g.is_string()) user.groups.push_back(as_field(g, store));
    });
  }
  return user;
}

// An object member that is a non-empty JSON object; `{}` (seen from some API servers for
// oldObject on CREATE) counts as absent.
RequestObject present_object(const std::optional<JsonView>& m) {
  if (!m || !m->is_object() || m->is_empty_object()) return {};
  return RequestObject(*m);
}

}  // namespace

std::string_view string_field(const JsonView& object, std::string_view key, Store& store) {
  return as_field(object.find(key), store);
}

RequestObject RequestObject::from_document(const json& object) {
  if (!object.is_object() || object.empty()) return {};
  auto text = std::make_shared<const std::string>(
      object.dump(-1, ' ', false, json::error_handler_t::replace));
  auto doc = JsonDocument::parse(*text, std::numeric_limits<size_t>::max());
  if (!doc.ok()) return {};
  auto owned = std::make_shared<const JsonDocument>(std::move(doc).value());
  RequestObject out(owned->root());
  out.owned_text_ = std::move(text);
  out.owned_document_ = std::move(owned);
  return out;
}

void RequestObject::find_top() const {
  if (top_found_) return;
  top_found_ = true;
  if (!view_) return;
  auto f = view_->find_all<2>({"metadata", "spec"});
  if (f[0] && f[0]->is_object()) metadata_ = f[0];
  if (f[1] && f[1]->is_object()) spec_ = f[1];
}

const std::optional<JsonView>& RequestObject::metadata() const {
  find_top();
  return metadata_;
}

const std::optional<JsonView>& RequestObject::spec() const {
  find_top();
  return spec_;
}

const json& RequestObject::document() const {
  if (!document_) document_ = std::make_shared<const json>(view_->to_json());
  return *document_;
}

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

const RequestObject& AdmissionRequest::subject() const {
  return operation == Operation::kDelete ? old_object : object;
}

Result<AdmissionRequest> read_admission_request(const JsonView& request) {
  if (!request.is_object()) return invalid_argument("request: expected an object");
  enum Field {
    kUid,
    kOperation,
    kKind,
    kRequestKind,
    kResource,
    kRequestResource,
    kSubResource,
    kNamespace,
    kName,
    kUserInfo,
    kObject,
    kOldObject,
    kDryRun,
    kFields
  };
  const auto f = request.find_all<kFields>({"uid", "operation", "kind", "requestKind", "resource",
                                            "requestResource", "subResource", "namespace", "name",
                                            "userInfo", "object", "oldObject", "dryRun"});
  AdmissionRequest r;
  Store& store = *r.decoded;
  const std::optional<JsonView>& uid = f[kUid];
  if (!uid || !uid->is_string() || uid->raw() == "\"\"") {
    return invalid_argument("request.uid: missing (every AdmissionReview request has a uid)");
  }
  r.uid = as_field(uid, store);
  std::string_view op_text = as_field(f[kOperation], store);
  if (op_text.empty()) return invalid_argument("request.operation: missing");
  std::optional<Operation> op = parse_operation(op_text);
  if (!op) {
    return invalid_argument("request.operation: unknown operation \"" + std::string(op_text) +
                            "\" (expected CREATE, UPDATE, DELETE or CONNECT)");
  }
  r.operation = *op;
  r.kind = read_gvk(f[kKind], store);
  r.request_kind = read_gvk(f[kRequestKind], store);
  if (r.request_kind.kind.empty() && r.request_kind.version.empty()) r.request_kind = r.kind;
  r.resource = read_gvr(f[kResource], store);
  r.request_resource = read_gvr(f[kRequestResource], store);
  if (r.request_resource.resource.empty()) r.request_resource = r.resource;
  r.sub_resource = as_field(f[kSubResource], store);
  r.namespace_ = as_field(f[kNamespace], store);
  r.name = as_field(f[kName], store);
  r.user = read_user(f[kUserInfo], store);
  r.object = present_object(f[kObject]);
  r.old_object = present_object(f[kOldObject]);
  if (f[kDryRun]) r.dry_run = f[kDryRun]->bool_value().value_or(false);
  if (r.name.empty()) {
    // Older API servers leave request.name empty; the object's own name is the same thing.
    if (const RequestObject& subject = r.subject()) {
      if (const auto& meta = subject.metadata()) r.name = string_field(*meta, "name", store);
    }
  }
  return r;
}

Result<AdmissionRequest> read_admission_request(const json& request) {
  if (!request.is_object()) return invalid_argument("request: expected an object");
  auto text = std::make_shared<const std::string>(
      request.dump(-1, ' ', false, json::error_handler_t::replace));
  auto doc = JsonDocument::parse(*text, std::numeric_limits<size_t>::max());
  if (!doc.ok()) return invalid_argument("request: " + doc.error().message);
  auto owned = std::make_shared<const JsonDocument>(std::move(doc).value());
  auto r = read_admission_request(owned->root());
  if (r.ok()) {
    r.value().owned_text = std::move(text);
    r.value().owned_document = std::move(owned);
  }
  return r;
}

}  // namespace aksarc
