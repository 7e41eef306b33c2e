#include "core/admission_request.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>

#include "core/feature_gate_sources.h"

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

// ---- types of the members read --------------------------------------------------------------
// A member of the wrong JSON type cannot be read as the API server meant it: the request is
// refused (errored review) rather than judged as if the member were absent, which could let a
// change through unseen. Null stands for an absent member everywhere, as Go's decoder (the API
// server's and the webhooks' built on controller-runtime) reads it into the zero value.

bool given(const std::optional<JsonView>& v) { return v && !v->is_null(); }

Status wrong_type(const std::string& path, std::string_view expected, const JsonView& got) {
  return invalid_argument(path + ": expected " + std::string(expected) + ", got " +
                          std::string(type_phrase(got.type())));
}

Status check_string(const std::optional<JsonView>& v, const std::string& path) {
  if (given(v) && !v->is_string()) return wrong_type(path, "a string", *v);
  return {};
}

Status check_object(const std::optional<JsonView>& v, const std::string& path) {
  if (given(v) && !v->is_object()) return wrong_type(path, "an object", *v);
  return {};
}

Status check_bool(const std::optional<JsonView>& v, const std::string& path) {
  if (given(v) && v->type() != JsonView::Type::kBool) return wrong_type(path, "a boolean", *v);
  return {};
}

// A key or short text as a message shows it: quoted, cut at 60 bytes on a character boundary
// (the text was validated as UTF-8).
std::string shown_key(std::string_view key) {
  constexpr size_t kMax = 60;
  if (key.size() <= kMax) return "\"" + std::string(key) + "\"";
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
  return "\"" + std::string(key.substr(0, cut)) + "...\"";
}

// A map of strings (labels, annotations, a ConfigMap's data): map[string]string in Go.
Status check_string_map(const std::optional<JsonView>& v, const std::string& path) {
  if (!given(v)) return {};
  if (!v->is_object()) return wrong_type(path, "an object of strings", *v);
  Status status;
  v->for_each_member([&](std::string_view key, const JsonView& value) {
    if (status.ok() && !value.is_null() && !value.is_string()) {
      status = wrong_type(path + "[" + shown_key(key) + "]", "a string", value);
    }
  });
  return status;
}

// An array of strings ([]string in Go: a null element reads as "").
Status check_string_array(const std::optional<JsonView>& v, const std::string& path) {
  if (!given(v)) return {};
  if (!v->is_array()) return wrong_type(path, "an array of strings", *v);
  Status status;
  size_t i = 0;
  v->for_each_element([&](const JsonView& e) {
    if (status.ok() && !e.is_null() && !e.is_string()) {
      status = wrong_type(path + "[" + std::to_string(i) + "]", "a string", e);
    }
    ++i;
  });
  return status;
}

// {group, version, <third>} of a kind or resource member.
Status check_triple(const std::optional<JsonView>& m, const std::string& path,
                    std::string_view third) {
  if (!given(m)) return {};
  if (!m->is_object()) return wrong_type(path, "an object", *m);
  auto f = m->find_all<3>({"group", "version", third});
  const std::string_view names[] = {"group", "version", third};
  for (size_t i = 0; i < 3; ++i) {
    if (Status s = check_string(f[i], path + "." + std::string(names[i])); !s.ok()) return s;
  }
  return {};
}

Status check_user(const std::optional<JsonView>& info) {
  if (!given(info)) return {};
  if (!info->is_object()) return wrong_type("request.userInfo", "an object", *info);
  auto f = info->find_all<2>({"username", "groups"});
  if (Status s = check_string(f[0], "request.userInfo.username"); !s.ok()) return s;
  return check_string_array(f[1], "request.userInfo.groups");
}

// One container of a pod spec: the fields the PREV-1 rule reads.
Status check_container(const JsonView& c, const std::string& path) {
  if (!c.is_object()) return wrong_type(path, "an object", c);
  constexpr std::array<std::string_view, 5> kFields = {"name", "image", "command", "args", "env"};
  const auto f = c.find_all(kFields);
  for (size_t i = 0; i < 2; ++i) {
    if (Status s = check_string(f[i], path + "." + std::string(kFields[i])); !s.ok()) return s;
  }
  for (size_t i = 2; i < 4; ++i) {
    if (Status s = check_string_array(f[i], path + "." + std::string(kFields[i])); !s.ok()) {
      return s;
    }
  }
  if (!given(f[4])) return {};
  if (!f[4]->is_array()) return wrong_type(path + ".env", "an array", *f[4]);
  Status status;
  size_t i = 0;
  f[4]->for_each_element([&](const JsonView& var) {
    const std::string at = path + ".env[" + std::to_string(i++) + "]";
    if (!status.ok()) return;
    if (!var.is_object()) {
      status = wrong_type(at, "an object", var);
      return;
    }
    auto nv = var.find_all<2>({"name", "value"});
    status = check_string(nv[0], at + ".name");
    if (status.ok()) status = check_string(nv[1], at + ".value");
  });
  return status;
}

// The pod spec of a workload at `spec_path` ("spec.template.spec"): every step an object, the
// container lists arrays of containers; and the pod template's annotations, where
// `kubectl rollout restart` writes its mark (MGD-1 reads them).
Status check_pod_spec(const JsonView& object, std::string_view spec_path, const std::string& base) {
  std::optional<JsonView> at = object;
  std::string path = base;
  std::string_view previous;
  for (size_t start = 0;;) {
    const size_t dot = spec_path.find('.', start);
    const std::string_view key =
        spec_path.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (previous == "template") {
      const std::optional<JsonView> metadata = at->find("metadata");
      if (Status s = check_object(metadata, path + ".metadata"); !s.ok()) return s;
      if (given(metadata)) {
        if (Status s =
                check_string_map(metadata->find("annotations"), path + ".metadata.annotations");
            !s.ok()) {
          return s;
        }
      }
    }
    at = at->find(key);
    path += "." + std::string(key);
    if (Status s = check_object(at, path); !s.ok()) return s;
    if (!given(at)) return {};
    if (dot == std::string_view::npos) break;
    start = dot + 1;
    previous = key;
  }
  for (std::string_view list_name : kContainerLists) {
    const std::optional<JsonView> list = at->find(list_name);
    const std::string list_path = path + "." + std::string(list_name);
    if (!given(list)) continue;
    if (!list->is_array()) return wrong_type(list_path, "an array", *list);
    Status status;
    size_t i = 0;
    list->for_each_element([&](const JsonView& c) {
      // A null element reads as an empty container, as in Go.
      if (status.ok() && !c.is_null()) {
        status = check_container(c, list_path + "[" + std::to_string(i) + "]");
      }
      ++i;
    });
    if (!status.ok()) return status;
  }
  return {};
}

// The groups of the built-in kinds that carry a pod spec or component configuration: core,
// apps (and its old name extensions) and batch.
bool is_builtin_group(std::string_view group) {
  return group.empty() || group == "apps" || group == "extensions" || group == "batch";
}

// The fields of `object` (request.object or request.oldObject) that the rules read: metadata on
// every kind (ObjectMeta is the same for all), the rest on built-in kinds only.
Status check_object_fields(const RequestObject& object, const std::string& base,
                           const AdmissionRequest& r) {
  if (!object) return {};
  const JsonView& view = object.view();
  const std::optional<JsonView> metadata = view.find("metadata");
  if (Status s = check_object(metadata, base + ".metadata"); !s.ok()) return s;
  if (given(metadata)) {
    const std::string m = base + ".metadata";
    auto f = metadata->find_all<6>(
        {"name", "namespace", "generateName", "labels", "annotations", "managedFields"});
    for (size_t i = 0; i < 3; ++i) {
      constexpr std::string_view kNames[] = {"name", "namespace", "generateName"};
      if (Status s = check_string(f[i], m + "." + std::string(kNames[i])); !s.ok()) return s;
    }
    if (Status s = check_string_map(f[3], m + ".labels"); !s.ok()) return s;
    if (Status s = check_string_map(f[4], m + ".annotations"); !s.ok()) return s;
    if (given(f[5]) && !f[5]->is_array()) {
      return wrong_type(m + ".managedFields", "an array", *f[5]);
    }
  }
  // The rest only for Kubernetes' own kinds, whose schema the API server has enforced: a custom
  // resource may reuse a kind name ("Job", "Deployment") with fields of other types.
  if (!is_builtin_group(r.kind.group)) return {};
  if (std::optional<std::string_view> spec_path = pod_spec_path(r.kind.kind)) {
    return check_pod_spec(view, *spec_path, base);
  }
  if (r.kind.group.empty() && may_carry_feature_settings(r.kind.kind, r.namespace_, r.name)) {
    return check_string_map(view.find("data"), base + ".data");
  }
  return {};
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
  if (!given(uid)) {
    return invalid_argument("request.uid: missing (every AdmissionReview request has a uid)");
  }
  if (Status s = check_string(uid, "request.uid"); !s.ok()) return s.error();
  if (uid->raw() == "\"\"") {
    return invalid_argument("request.uid: empty (every AdmissionReview request has a uid)");
  }
  r.uid = as_field(uid, store);
  if (Status s = check_string(f[kOperation], "request.operation"); !s.ok()) return s.error();
  if (!given(f[kOperation])) return invalid_argument("request.operation: missing");
  std::string_view op_text = as_field(f[kOperation], store);
  std::optional<Operation> op = parse_operation(op_text);
  if (!op) {
    return invalid_argument("request.operation: unknown operation " + shown_key(op_text) +
                            " (expected CREATE, UPDATE, DELETE or CONNECT)");
  }
  r.operation = *op;
  // Every API server sends kind and resource (the rules key on them); a request without them is
  // hand-made and cannot be judged.
  if (!given(f[kKind]))
    return invalid_argument("request.kind: missing (expected {group, version, kind})");
  if (!given(f[kResource])) {
    return invalid_argument("request.resource: missing (expected {group, version, resource})");
  }
  for (Status s :
       {check_triple(f[kKind], "request.kind", "kind"),
        check_triple(f[kRequestKind], "request.requestKind", "kind"),
        check_triple(f[kResource], "request.resource", "resource"),
        check_triple(f[kRequestResource], "request.requestResource", "resource"),
        check_string(f[kSubResource], "request.subResource"),
        check_string(f[kNamespace], "request.namespace"), check_string(f[kName], "request.name"),
        check_user(f[kUserInfo]), check_object(f[kObject], "request.object"),
        check_object(f[kOldObject], "request.oldObject"),
        check_bool(f[kDryRun], "request.dryRun")}) {
    if (!s.ok()) return s.error();
  }
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

Status check_request_content(const AdmissionRequest& r) {
  // The API server sends the object with every CREATE and UPDATE and the old one with every
  // UPDATE; without them the rules would judge a change they cannot see.
  const bool writes = r.operation == Operation::kCreate || r.operation == Operation::kUpdate;
  if (writes && !r.object) {
    return invalid_argument("request.object: missing (every " +
                            std::string(to_string(r.operation)) + " carries the object)");
  }
  if (r.operation == Operation::kUpdate && !r.old_object) {
    return invalid_argument("request.oldObject: missing (every UPDATE carries the old object)");
  }
  if (Status s = check_object_fields(r.object, "request.object", r); !s.ok()) return s;
  return check_object_fields(r.old_object, "request.oldObject", r);
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
