#pragma once
// A read-only view of an AdmissionReview's `request`. All string views and pointers borrow from
// the json document the request was read from: keep that document alive and unmodified.

#include <string_view>
#include <vector>

#include "core/json_access.h"
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
  const json* object = nullptr;      // nullptr when absent, null or not an object
  const json* old_object = nullptr;  // nullptr when absent, null, not an object or empty
  bool dry_run = false;

  // The object the write is about: `object` for CREATE/UPDATE/CONNECT, `oldObject` for DELETE
  // (either may be nullptr).
  const json* subject() const;
};

// Reads the `request` member of an AdmissionReview. Errors (with a message fit for the
// response): request not an object, missing or non-string uid, missing or unknown operation.
Result<AdmissionRequest> read_admission_request(const json& request);

}  // namespace aksarc
