#include "tests/apiserver/api_server.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <tuple>

#include "tests/apiserver/discovery.h"
#include "tests/apiserver/object_text.h"
#include "tests/apiserver/selectors.h"
#include "tests/apiserver/tables.h"

namespace aksarc::testapi {

namespace {

// ---------------------------------------------------------------------------------------------
// Request parameters.

std::string param(const RequestView& r, const std::string& key) {
  auto it = r.params.find(key);
  return it == r.params.end() ? "" : it->second;
}

// ---------------------------------------------------------------------------------------------
// Replies.

Reply json_reply(int status, const json& body) {
  Reply r;
  r.status = status;
  r.body = body.dump();
  return r;
}

// A 200 JSON reply whose body is already serialized.
Reply text_reply(std::string body) {
  Reply r;
  r.body = std::move(body);
  return r;
}

Reply status_reply(int code, const std::string& reason, const std::string& message,
                   const json& details = nullptr) {
  json body = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
               {"status", "Failure"}, {"message", message}, {"reason", reason},
               {"code", code}};
  if (!details.is_null()) body["details"] = details;
  return json_reply(code, body);
}

Reply not_found_path(const std::string& path) {
  return status_reply(404, "NotFound", "the server could not find the requested resource",
                      {{"causes", {{{"reason", "UnexpectedServerResponse"}, {"message", path}}}}});
}

Reply not_found_object(const ResourceType& type, const std::string& name) {
  return status_reply(404, "NotFound", type.name + " \"" + name + "\" not found",
                      {{"name", name}, {"group", type.group}, {"kind", type.name}});
}

Reply bad_request(const std::string& message) { return status_reply(400, "BadRequest", message); }

std::string reason_for(int code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 410:
      return "Expired";
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "InternalError";
  }
}

Reply injected_failure(int code, bool retry_after) {
  Reply r = status_reply(code, reason_for(code),
                         code == 429 ? "Too many requests, please try again later."
                                     : "injected failure (test API server --fail)");
  if (retry_after && (code == 429 || code == 503)) r.headers["Retry-After"] = "1";
  return r;
}

// ---------------------------------------------------------------------------------------------
// Content negotiation: which representation the Accept header asks for first.

enum class Shape { kObject, kTable, kMetadata };

struct Representation {
  Shape shape = Shape::kObject;
  std::string meta_version = "v1";  // meta.k8s.io version for Table / PartialObjectMetadata
};

std::optional<Representation> parse_media_range(const std::string& range) {
  const std::vector<std::string> parts = split(range, ';');
  const std::string type = trim(parts[0]);
  if (type != "application/json" && type != "*/*" && type != "application/*") return std::nullopt;
  std::map<std::string, std::string> params;
  for (size_t i = 1; i < parts.size(); ++i) {
    const size_t eq = parts[i].find('=');
    if (eq != std::string::npos)
      params[trim(parts[i].substr(0, eq))] = trim(parts[i].substr(eq + 1));
  }
  if (params.count("as") == 0) return Representation{};
  const std::string v = params["v"];
  if (params["g"] != "meta.k8s.io" || (v != "v1" && v != "v1beta1")) return std::nullopt;
  if (params["as"] == "Table") return Representation{Shape::kTable, v};
  if (params["as"] == "PartialObjectMetadataList" || params["as"] == "PartialObjectMetadata") {
    return Representation{Shape::kMetadata, v};
  }
  return std::nullopt;
}

std::optional<Representation> negotiate(const std::string& accept) {
  if (trim(accept).empty()) return Representation{};
  for (const std::string& range : split(accept, ',')) {
    if (auto rep = parse_media_range(range)) return rep;
  }
  return std::nullopt;
}

Reply not_acceptable() {
  return status_reply(406, "NotAcceptable",
                      "only the following media types are accepted: application/json, "
                      "application/json;as=Table;v=v1;g=meta.k8s.io, "
                      "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
}

// ---------------------------------------------------------------------------------------------
// One request, resolved against the store.

class RequestContext {
 public:
  RequestContext(const FixtureStore& store, const ServerOptions& options, const RequestView& req,
                 std::string user)
      : store_(store), options_(options), req_(req), user_(std::move(user)) {}

  Reply route() {
    const std::vector<std::string> segs = segments();
    if (segs.size() == 1 && segs[0] == "version") return json_reply(200, store_.version());
    if (!segs.empty() && segs[0] == "api") return route_core(segs);
    if (!segs.empty() && segs[0] == "apis") return route_groups(segs);
    return not_found_path(req_.path);
  }

 private:
  std::vector<std::string> segments() const {
    std::vector<std::string> out;
    for (std::string& s : split(req_.path, '/')) {
      if (!s.empty()) out.push_back(std::move(s));
    }
    return out;
  }

  Reply route_core(const std::vector<std::string>& segs) {
    if (segs.size() == 1) {
      return json_reply(200, {{"kind", "APIVersions"},
                              {"versions", {"v1"}},
                              {"serverAddressByClientCIDRs",
                               {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}}}});
    }
    if (segs[1] != "v1") return not_found_path(req_.path);
    if (segs.size() == 2) return json_reply(200, resource_list(store_, "v1"));
    return route_resource("", "v1", {segs.begin() + 2, segs.end()});
  }

  Reply route_groups(const std::vector<std::string>& segs) {
    if (segs.size() == 1) return json_reply(200, group_list(store_));
    if (segs.size() == 2) {
      json g = api_group(store_, segs[1]);
      return g.is_null() ? not_found_path(req_.path) : json_reply(200, g);
    }
    const std::string gv = segs[1] + "/" + segs[2];
    if (!served(store_, gv)) return not_found_path(req_.path);
    if (segs.size() == 3) return json_reply(200, resource_list(store_, gv));
    return route_resource(segs[1], segs[2], {segs.begin() + 3, segs.end()});
  }

  Reply route_resource(const std::string& group, const std::string& version,
                       std::vector<std::string> rest) {
    std::string ns;
    if (rest.size() >= 3 && rest[0] == "namespaces") {
      ns = rest[1];
      rest.erase(rest.begin(), rest.begin() + 2);
    }
    const ResourceType* type = store_.find(group, version, rest[0]);
    if (type == nullptr || (!ns.empty() && !type->namespaced)) return not_found_path(req_.path);
    if (rest.size() == 1) return list(*type, ns);
    if (type->namespaced && ns.empty()) return not_found_path(req_.path);
    if (rest.size() == 2) return get(*type, ns, rest[1]);
    return subresource(*type, ns, rest);
  }

  Reply subresource(const ResourceType& type, const std::string& ns,
                    const std::vector<std::string>& rest) {
    const std::string& name = rest[1];
    const bool core = type.group.empty();
    if (core && type.name == "nodes" && rest.size() == 4 && rest[2] == "proxy" &&
        rest[3] == "configz") {
      if (auto denied = forbidden("get", "nodes/proxy", "", "", name)) return *denied;
      if (find_object(type, "", name) == nullptr) return not_found_object(type, name);
      const std::string* body = store_.configz(name);
      if (body == nullptr) return status_reply(503, "ServiceUnavailable", "no configz recorded");
      return text_reply(*body);
    }
    if (core && type.name == "pods" && rest.size() == 3 && rest[2] == "log") {
      if (auto denied = forbidden("get", "pods/log", "", ns, name)) return *denied;
      if (find_object(type, ns, name) == nullptr) return not_found_object(type, name);
      const std::string* text = store_.pod_log(ns, name);
      Reply r;
      r.content_type = "text/plain";
      r.body = text ? *text : "";
      return r;
    }
    return not_found_path(req_.path);
  }

  // The store is sorted by (namespace, name): a binary search, the first of equal keys.
  const StoredObject* find_object(const ResourceType& type, const std::string& ns,
                                  const std::string& name) const {
    const std::vector<StoredObject>& all = store_.objects(type);
    auto it = std::lower_bound(
        all.begin(), all.end(), std::tie(ns, name),
        [](const StoredObject& o, const auto& key) { return std::tie(o.ns, o.name) < key; });
    return it != all.end() && it->ns == ns && it->name == name ? &*it : nullptr;
  }

  // A 403 reply when --forbid covers this request.
  std::optional<Reply> forbidden(const std::string& verb, const std::string& resource,
                                 const std::string& group, const std::string& ns,
                                 const std::string& name) const {
    bool hit = false;
    for (const std::string& rule : options_.forbid) {
      const size_t colon = rule.find(':');
      const std::string r = rule.substr(0, colon);
      const std::string rule_ns = colon == std::string::npos ? "" : rule.substr(colon + 1);
      hit = hit || (r == resource && (rule_ns.empty() || rule_ns == ns));
    }
    if (!hit) return std::nullopt;
    const std::string base = resource.substr(0, resource.find('/'));
    const std::string what = name.empty() ? base : base + " \"" + name + "\"";
    std::string message = what + " is forbidden: User \"" + user_ + "\" cannot " + verb +
                          " resource \"" + resource + "\" in API group \"" + group + "\"";
    message += ns.empty() ? " at the cluster scope" : " in the namespace \"" + ns + "\"";
    return status_reply(403, "Forbidden", message,
                        {{"name", name}, {"group", group}, {"kind", base}});
  }

  Reply get(const ResourceType& type, const std::string& ns, const std::string& name) {
    if (auto denied = forbidden("get", type.name, type.group, ns, name)) return *denied;
    const std::optional<Representation> rep = negotiate(req_.accept);
    if (!rep) return not_acceptable();
    const StoredObject* obj = find_object(type, ns, name);
    if (obj == nullptr) return not_found_object(type, name);
    if (rep->shape == Shape::kObject) return text_reply(obj->text);
    if (rep->shape == Shape::kMetadata) {
      std::string body;
      append_partial(body, *obj, rep->meta_version);
      return text_reply(std::move(body));
    }
    return json_reply(200, table(type, {obj}, *rep, json::object()));
  }

  std::optional<Reply> parse_selectors(const ResourceType& type, std::vector<Requirement>* labels,
                                       std::vector<FieldTerm>* fields) const {
    const std::string ls = param(req_, "labelSelector");
    if (!trim(ls).empty()) {
      for (const std::string& term : split_terms(ls)) {
        std::optional<Requirement> req = parse_term(term);
        if (!req) return bad_request("unable to parse requirement: invalid label selector: " + ls);
        labels->push_back(std::move(*req));
      }
    }
    const std::string fs = param(req_, "fieldSelector");
    if (trim(fs).empty()) return std::nullopt;
    const std::vector<std::string> allowed = supported_fields(type);
    for (const std::string& term : split(fs, ',')) {
      FieldTerm ft;
      size_t p = term.find("!=");
      size_t len = 2;
      ft.negate = p != std::string::npos;
      if (!ft.negate && (p = term.find("==")) == std::string::npos) {
        p = term.find('=');
        len = 1;
      }
      if (p == std::string::npos)
        return bad_request("invalid selector: '" + fs + "'; can't understand '" + term + "'");
      ft.field = trim(term.substr(0, p));
      ft.value = trim(term.substr(p + len));
      if (std::find(allowed.begin(), allowed.end(), ft.field) == allowed.end()) {
        return bad_request("field label not supported: " + ft.field);
      }
      fields->push_back(std::move(ft));
    }
    return std::nullopt;
  }

  static bool selected(const StoredObject& obj, const std::vector<Requirement>& labels,
                       const std::vector<FieldTerm>& fields) {
    const json* object_labels = obj.labels.is_object() ? &obj.labels : nullptr;
    for (const Requirement& r : labels) {
      if (!matches(r, object_labels)) return false;
    }
    for (const FieldTerm& f : fields) {
      const std::string* value = obj.field(f.field);  // parse_selectors allowed only these
      if ((value != nullptr && *value == f.value) == f.negate) return false;
    }
    return true;
  }

  // The continue token's start key, or an error reply when the token is not one of ours.
  std::optional<Reply> parse_continue(std::pair<std::string, std::string>* after) const {
    const std::string token = param(req_, "continue");
    if (token.empty()) return std::nullopt;
    const std::optional<std::string> raw = from_hex(token);
    const json parsed = raw ? json::parse(*raw, nullptr, false) : json();
    if (!parsed.is_object() || string_member(parsed, "name").empty()) {
      return bad_request("continue key is not valid: malformed token");
    }
    *after = {std::string(string_member(parsed, "ns")), std::string(string_member(parsed, "name"))};
    return std::nullopt;
  }

  Reply list(const ResourceType& type, const std::string& ns) {
    if (auto denied = forbidden("list", type.name, type.group, ns, "")) return *denied;
    const std::optional<Representation> rep = negotiate(req_.accept);
    if (!rep) return not_acceptable();
    std::vector<Requirement> labels;
    std::vector<FieldTerm> fields;
    if (auto err = parse_selectors(type, &labels, &fields)) return *err;
    std::pair<std::string, std::string> after;
    if (auto err = parse_continue(&after)) return *err;
    long long limit = 0;
    const std::string limit_text = param(req_, "limit");
    if (!limit_text.empty()) {
      char* end = nullptr;
      limit = std::strtoll(limit_text.c_str(), &end, 10);
      if (end == nullptr || *end != '\0') return bad_request("invalid limit: " + limit_text);
    }
    // The page starts after the continue key and stays inside the namespace: binary searches
    // in the sorted store, so a page costs its own size, not the whole list's.
    const std::vector<StoredObject>& all = store_.objects(type);
    auto ns_less = [](const StoredObject& o, const std::string& n) { return o.ns < n; };
    auto ns_greater = [](const std::string& n, const StoredObject& o) { return n < o.ns; };
    auto first = ns.empty() ? all.begin() : std::lower_bound(all.begin(), all.end(), ns, ns_less);
    auto last = ns.empty() ? all.end() : std::upper_bound(first, all.end(), ns, ns_greater);
    if (!after.second.empty()) {
      first = std::max(first, std::upper_bound(all.begin(), all.end(), after,
                                               [](const auto& key, const StoredObject& o) {
                                                 return std::tie(key.first, key.second) <
                                                        std::tie(o.ns, o.name);
                                               }));
      first = std::min(first, last);
    }
    const bool filtered = !labels.empty() || !fields.empty();
    std::vector<const StoredObject*> page;
    json list_meta = {{"resourceVersion", store_.resource_version()}};
    long long remaining = 0;
    for (auto it = first; it != last; ++it) {
      if (filtered && !selected(*it, labels, fields)) continue;
      if (limit > 0 && static_cast<long long>(page.size()) >= limit) {
        if (!filtered) {
          remaining = last - it;
          break;
        }
        ++remaining;
        continue;
      }
      page.push_back(&*it);
    }
    if (remaining > 0) {
      const json token = {
          {"ns", page.back()->ns}, {"name", page.back()->name}, {"rv", store_.resource_version()}};
      list_meta["continue"] = to_hex(token.dump());
      list_meta["remainingItemCount"] = remaining;
    }
    return render_list(type, page, *rep, list_meta);
  }

  // A List body as json::dump would write it (keys in order), but spliced from the stored
  // texts instead of building and serializing a tree.
  Reply render_list(const ResourceType& type, const std::vector<const StoredObject*>& page,
                    const Representation& rep, const json& list_meta) const {
    if (rep.shape == Shape::kTable) return json_reply(200, table(type, page, rep, list_meta));
    const bool metadata = rep.shape == Shape::kMetadata;
    size_t size = 256;
    for (const StoredObject* obj : page)
      size += (metadata ? obj->meta_text : obj->text).size() + 96;
    std::string body;
    body.reserve(size);
    body += "{\"apiVersion\":";
    body += json(metadata ? "meta.k8s.io/" + rep.meta_version : type.group_version()).dump();
    body += ",\"items\":[";
    for (size_t i = 0; i < page.size(); ++i) {
      if (i > 0) body += ',';
      if (metadata) {
        append_partial(body, *page[i], rep.meta_version);
      } else {
        body += page[i]->text;
      }
    }
    body += "],\"kind\":";
    body += json(metadata ? std::string("PartialObjectMetadataList") : type.kind + "List").dump();
    body += ",\"metadata\":";
    body += list_meta.dump();
    body += '}';
    return text_reply(std::move(body));
  }

  // PartialObjectMetadata of `obj`, as partial_metadata(...).dump() would write it.
  static void append_partial(std::string& out, const StoredObject& obj,
                             const std::string& meta_version) {
    out += "{\"apiVersion\":";
    out += json("meta.k8s.io/" + meta_version).dump();
    out += ",\"kind\":\"PartialObjectMetadata\",\"metadata\":";
    out += obj.meta_text;
    out += '}';
  }

  json table(const ResourceType& type, const std::vector<const StoredObject*>& objects,
             const Representation& rep, const json& list_meta) const {
    const std::string include = param(req_, "includeObject");
    json rows = json::array();
    for (const StoredObject* stored : objects) {
      const json obj = stored->full();
      json row = {{"cells", cells_for(type, obj)}};
      if (include == "Object") {
        row["object"] = obj;
      } else if (include != "None") {
        row["object"] = partial_metadata(obj, rep.meta_version);
      }
      rows.push_back(std::move(row));
    }
    return {{"kind", "Table"},
            {"apiVersion", "meta.k8s.io/" + rep.meta_version},
            {"metadata", list_meta},
            {"columnDefinitions", columns_for(type)},
            {"rows", rows}};
  }

  const FixtureStore& store_;
  const ServerOptions& options_;
  const RequestView& req_;
  std::string user_;
};

// The authenticated user; empty when auth is configured and the request has no valid credential.
std::string authenticate(const ServerOptions& options, const RequestView& req) {
  const bool auth_on = !options.tokens.empty() || !options.client_ca_file.empty();
  if (!auth_on) return "system:anonymous";
  if (!req.client_cert_user.empty()) return req.client_cert_user;
  static const std::string kBearer = "Bearer ";
  if (req.authorization.rfind(kBearer, 0) == 0) {
    const std::string token = trim(req.authorization.substr(kBearer.size()));
    const auto& tokens = options.tokens;
    if (std::find(tokens.begin(), tokens.end(), token) != tokens.end()) return "test-user";
    return "";
  }
  return "";
}

// CN of the verified client certificate, else empty.
std::string client_cert_cn(const SSL* ssl) {
  if (ssl == nullptr) return "";
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return "";
  std::string cn;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    char buf[256] = {};
    const int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf,
                                            static_cast<int>(sizeof buf));
    if (n > 0) cn.assign(buf, static_cast<size_t>(n));
  }
  X509_free(cert);
  return cn;
}

bool configure_tls(SSL_CTX& ctx, const ServerOptions& options) {
  static const unsigned char kSessionContext[] = "aksarc-test-apiserver";
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1) return false;
  if (SSL_CTX_use_certificate_chain_file(&ctx, options.tls_cert_file.c_str()) != 1) return false;
  if (SSL_CTX_use_PrivateKey_file(&ctx, options.tls_private_key_file.c_str(), SSL_FILETYPE_PEM) !=
      1) {
    return false;
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) return false;
  if (SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof kSessionContext - 1) != 1) {
    return false;
  }
  if (options.client_ca_file.empty()) return true;
  if (SSL_CTX_load_verify_locations(&ctx, options.client_ca_file.c_str(), nullptr) != 1) {
    return false;
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.client_ca_file.c_str());
  if (names == nullptr) return false;
  SSL_CTX_set_client_CA_list(&ctx, names);
  // Optional certificates: token users connect without one, as on a real API server.
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

ApiHandler::ApiHandler(const FixtureStore& store, ServerOptions options)
    : store_(store), options_(std::move(options)) {}

bool ApiHandler::take_failure(const std::string& path, int* code) {
  for (const FailRule& rule : options_.fail) {
    if (path.rfind(rule.path_prefix, 0) != 0) continue;
    if (options_.fail_times > 0 && failures_served_.fetch_add(1) >= options_.fail_times) {
      return false;
    }
    *code = rule.code;
    return true;
  }
  return false;
}

std::optional<FaultKind> parse_fault_kind(const std::string& name) {
  static const std::map<std::string, FaultKind> kKinds = {
      {"invalid-json", FaultKind::kInvalidJson},
      {"truncated", FaultKind::kTruncated},
      {"not-a-list", FaultKind::kNotAList},
      {"endless-pages", FaultKind::kEndlessPages},
      {"repeat-continue", FaultKind::kRepeatContinue},
      {"redirect", FaultKind::kRedirect},
      {"hang", FaultKind::kHang}};
  auto it = kKinds.find(name);
  if (it == kKinds.end()) return std::nullopt;
  return it->second;
}

const FaultRule* ApiHandler::take_fault(const std::string& path) {
  for (const FaultRule& rule : options_.faults) {
    if (path.rfind(rule.path_prefix, 0) != 0) continue;
    if (options_.fail_times > 0 && failures_served_.fetch_add(1) >= options_.fail_times) {
      return nullptr;
    }
    return &rule;
  }
  return nullptr;
}

Reply ApiHandler::faulty(const FaultRule& fault, const RequestView& request,
                         const std::string& user) {
  switch (fault.kind) {
    case FaultKind::kInvalidJson: {
      // What a half-written answer or a broken proxy gives: the start of a List, complete as
      // far as HTTP is concerned.
      Reply r;
      r.body = R"({"apiVersion":"v1","kind":"List","items":[{"metadata":{"name":"x")";
      return r;
    }
    case FaultKind::kNotAList:
      return json_reply(200, {{"kind", "Status"},
                              {"apiVersion", "v1"},
                              {"metadata", json::object()},
                              {"status", "Success"}});
    case FaultKind::kRedirect: {
      Reply r = status_reply(302, "Found", "redirected (test API server --fault redirect)");
      r.headers["Location"] = "https://login.example.invalid/oauth?then=" + request.path;
      return r;
    }
    case FaultKind::kHang: {
      // Held until the server stops (bounded by its lifetime): a server that accepted the
      // request and will never answer.
      while (!stopping_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      return status_reply(503, "ServiceUnavailable", "the test API server is stopping");
    }
    case FaultKind::kTruncated: {
      Reply r = RequestContext(store_, options_, request, user).route();
      r.send_only = r.body.size() / 2;
      return r;
    }
    case FaultKind::kEndlessPages:
    case FaultKind::kRepeatContinue: {
      // The page the request would get without its continue token, so every page has items,
      // then a token that never ends the list (new each time, or always the same).
      RequestView first_page = request;
      first_page.params.erase("continue");
      Reply r = RequestContext(store_, options_, first_page, user).route();
      json body = json::parse(r.body, nullptr, false);
      if (r.status != 200 || !body.is_object()) return r;
      const std::string token = fault.kind == FaultKind::kEndlessPages
                                    ? "endless-" + std::to_string(pages_served_.fetch_add(1))
                                    : std::string("repeated-continue-token");
      body["metadata"]["continue"] = token;
      body["metadata"]["remainingItemCount"] = 1;
      return json_reply(200, body);
    }
  }
  return status_reply(500, "InternalError", "unknown fault");
}

Reply ApiHandler::handle(const RequestView& request) {
  try {
    if (options_.delay_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.delay_ms));
    }
    const std::string user = authenticate(options_, request);
    if (user.empty()) return status_reply(401, "Unauthorized", "Unauthorized");
    int code = 0;
    if (take_failure(request.path, &code)) return injected_failure(code, options_.retry_after);
    if (const FaultRule* fault = take_fault(request.path)) return faulty(*fault, request, user);
    if (request.method != "GET") {
      return status_reply(405, "MethodNotAllowed",
                          "the server does not allow this method on the requested resource");
    }
    return RequestContext(store_, options_, request, user).route();
  } catch (const std::exception& e) {
    return status_reply(500, "InternalError", std::string("Internal error occurred: ") + e.what());
  }
}

ApiServer::ApiServer(const FixtureStore& store, ServerOptions options)
    : options_(options), handler_(store, std::move(options)) {}

ApiServer::~ApiServer() = default;

Result<int> ApiServer::bind() {
  if (options_.plain_http) {
    server_ = std::make_unique<httplib::Server>();
  } else {
    server_ = std::make_unique<httplib::SSLServer>(
        [this](SSL_CTX& ctx) { return configure_tls(ctx, options_); });
  }
  if (!server_->is_valid()) {
    return Error{ErrorCode::kInvalidArgument,
                 "cannot load the TLS certificate, key or client CA file"};
  }
  server_->set_keep_alive_max_count(100000);
  server_->set_payload_max_length(1 << 20);
  server_->set_tcp_nodelay(true);  // as the real API server (Go sets TCP_NODELAY by default)
  server_->new_task_queue = [] { return new httplib::ThreadPool(16); };
  auto serve_one = [this](const httplib::Request& req, httplib::Response& res) {
    RequestView view{req.method,
                     req.path,
                     {req.params.begin(), req.params.end()},
                     req.get_header_value("Accept"),
                     req.get_header_value("Authorization"),
                     client_cert_cn(req.ssl)};
    const Reply reply = handler_.handle(view);
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name, value);
    if (!reply.send_only) {
      res.set_content(reply.body, reply.content_type.c_str());
      return;
    }
    // The whole length is announced, part is written, and the provider's `false` makes the
    // server close the connection.
    auto body = std::make_shared<std::string>(reply.body);
    const size_t sent = std::min(*reply.send_only, body->size());
    res.set_content_provider(
        body->size(), reply.content_type.c_str(),
        [body, sent](size_t offset, size_t /*length*/, httplib::DataSink& sink) {
          if (offset >= sent) return false;
          return sink.write(body->data() + offset, sent - offset);
        });
  };
  const std::string any = ".*";
  server_->Get(any, serve_one).Post(any, serve_one).Put(any, serve_one);
  server_->Patch(any, serve_one).Delete(any, serve_one);
  server_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    log_request(req.method, req.target.empty() ? req.path : req.target, res.status);
  });
  int port = options_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(options_.bind_address);
  } else if (!server_->bind_to_port(options_.bind_address, port)) {
    port = -1;
  }
  if (port <= 0) {
    return Error{ErrorCode::kUnavailable,
                 "cannot bind " + options_.bind_address + ":" + std::to_string(options_.port)};
  }
  return port;
}

bool ApiServer::serve() { return server_ && server_->listen_after_bind(); }

void ApiServer::stop() {
  handler_.stop();
  if (server_) server_->stop();
}

void ApiServer::log_request(const std::string& method, const std::string& target, int status) {
  if (options_.request_log.empty()) return;
  std::lock_guard<std::mutex> lock(log_mutex_);
  std::ofstream out(options_.request_log, std::ios::app);
  out << method << ' ' << target << ' ' << status << '\n';
}

}  // namespace aksarc::testapi
