#pragma once
// A read-only view of an AdmissionReview's `request`, read in place from the body's JSON text
// (core/json_view.h): the string views borrow from that text (or from storage the request owns,
// for strings with escapes); `object` and `oldObject` stay text until a rule asks for them. Keep
// the text alive and unmodified while the request is used.

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_access.h"
#include "core/json_view.h"
#include "core/result.h"

namespace aksarc {

enum class Operation { kCreate, kUpdate, kDelete, kConnect };
std::string_view to_string(Operation op);

struct GroupVersionKind {
  std::string_view group;
  std::string_view version;
  std::string_view kind;
};

struct GroupVersionResource {
  std::string_view group;
  std::string_view version;
  std::string_view resource;
};

struct UserInfo {
  std::string_view username;
  std::vector<std::string_view> groups;
  bool in_group(std::string_view group) const;
};

// The object or oldObject of a request. Rules read single fields through view() (no document is
// built: a Node's labels out of a 10 KB Node, nothing out of a 500 KB ConfigMap); document() parses
// the whole object the first time a rule needs it and keeps it for the next rule. One request is
// judged on one thread: the cache is not synchronised.
class RequestObject {
 public:
  RequestObject() = default;  // absent
  explicit RequestObject(JsonView text) : view_(text) {}
  // An object held as a document (tests, tools): its text is made and owned here.
  static RequestObject from_document(const json& object);

  bool present() const { return view_.has_value(); }
  explicit operator bool() const { return present(); }
  // The object's text. Requires present().
  const JsonView& view() const { return *view_; }
  // The parsed object. Requires present().
  const json& document() const;
  // Its metadata and spec (when objects), found in one pass on first use: several rules read
  // them, and each lookup would skip the rest of the object again.
  const std::optional<JsonView>& metadata() const;
  const std::optional<JsonView>& spec() const;

 private:
  void find_top() const;

  std::optional<JsonView> view_;
  std::shared_ptr<const std::string> owned_text_;       // from_document only
  std::shared_ptr<const JsonDocument> owned_document_;  // from_document only
  mutable bool top_found_ = false;
  mutable std::optional<JsonView> metadata_, spec_;
  mutable std::shared_ptr<const json> document_;
};

struct AdmissionRequest {
  std::string_view uid;
  Operation operation = Operation::kCreate;
  GroupVersionKind kind;          // the kind of `object` as sent to the webhook
  GroupVersionKind request_kind;  // the kind as the client asked (equals kind when absent)
  GroupVersionResource resource;
  GroupVersionResource request_resource;
  std::string_view sub_resource;
  std::string_view namespace_;
  std::string_view name;
  UserInfo user;
  RequestObject object;      // absent when missing, null, not an object or {}
  RequestObject old_object;  // same
  bool dry_run = false;
  // Decoded strings with escapes, which the views above point into.
  std::shared_ptr<std::deque<std::string>> decoded = std::make_shared<std::deque<std::string>>();
  // The request's text and its index, when the request was made from a document
  // (read_admission_request(json)).
  std::shared_ptr<const std::string> owned_text;
  std::shared_ptr<const JsonDocument> owned_document;

  // The object the write is about: `object` for CREATE/UPDATE/CONNECT, `oldObject` for DELETE
  // (either may be absent).
  const RequestObject& subject() const;
};

// Reads the `request` member of an AdmissionReview. Errors (with a message fit for the
// response): request not an object, missing or non-string uid, missing or unknown operation,
// missing kind or resource, a member of another JSON type than the API server sends (kind,
// requestKind, resource, requestResource, subResource, namespace, name, userInfo with its
// username and groups, object, oldObject, dryRun). Null counts as absent, as in Go.
Result<AdmissionRequest> read_admission_request(const JsonView& request);
// What a request must hold to be judged, beyond what read_admission_request checks: the object
// on CREATE and UPDATE, the old object on UPDATE, and in both objects the fields the rules read
// in their Kubernetes types (metadata and its name, namespace, generateName, labels, annotations
// and managedFields; for the built-in kinds only, as a custom resource may reuse a kind's name:
// a workload's pod spec, containers with name, image, command, args and env, and its template's
// annotations; the data of the kube-system component ConfigMaps). Errors
// name the field, e.g. "request.object.metadata.labels: expected an object of strings, got an
// array".
Status check_request_content(const AdmissionRequest& r);

// The same from a document (tests, tools): its text is made and owned by the request.
Result<AdmissionRequest> read_admission_request(const json& request);

// The member's string (decoded), or empty when absent or not a string: string_member for views.
// Strings with escapes are decoded into `store`; the view points there or into the text.
std::string_view string_field(const JsonView& object, std::string_view key,
                              std::deque<std::string>& store);

}  // namespace aksarc
