#include "core/policy_data.h"

#include <string>

#include "core/embedded_data.h"

namespace aksarc {
namespace {

// Parses one JSON document; `what` names it in errors ("feature gates data").
Result<json> parse_document(std::string_view text, std::string_view what) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return parse_error(std::string(what) + ": not valid JSON");
  if (!doc.is_object()) return parse_error(std::string(what) + ": not a JSON object");
  return doc;
}

}  // namespace

Result<std::shared_ptr<const PolicyData>> load_policy_data(std::string_view feature_gates_json,
                                                           std::string_view alpha_apis_json) {
  if (feature_gates_json.empty()) feature_gates_json = embedded::feature_gates_json();
  if (alpha_apis_json.empty()) alpha_apis_json = embedded::alpha_apis_json();

  auto gates_doc = parse_document(feature_gates_json, "feature gates data");
  if (!gates_doc.ok()) return gates_doc.error();
  auto gates = FeatureGateTable::parse(gates_doc.value());
  if (!gates.ok()) return gates.error();

  auto alpha_doc = parse_document(alpha_apis_json, "alpha APIs data");
  if (!alpha_doc.ok()) return alpha_doc.error();
  auto alpha = AlphaApiTable::parse(alpha_doc.value());
  if (!alpha.ok()) return alpha.error();

  auto data =
      std::make_shared<PolicyData>(PolicyData{std::move(gates).value(), std::move(alpha).value()});
  return std::shared_ptr<const PolicyData>(std::move(data));
}

Result<std::shared_ptr<const PolicyData>> load_embedded_policy_data() {
  return load_policy_data({}, {});
}

}  // namespace aksarc
