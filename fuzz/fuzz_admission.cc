// libFuzzer target: the webhook's request body, straight into the engine. The engine must
// answer every input with a well-formed review and never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/admission.h"

namespace {
const aksarc::Policy& fuzz_policy() {
  // Deny mode with a known cluster version, so every rule runs its full path.
  static const auto policy = [] {
    auto p = aksarc::make_policy_from_yaml("clusterVersion: \"1.30\"\n");
    if (!p.ok()) std::abort();
    return p.value();
  }();
  return *policy;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  aksarc::ReviewOutcome out = aksarc::review_text(body, fuzz_policy());
  // Every answer is an AdmissionReview with a response that says allowed or not.
  const auto* response = aksarc::object_member(out.review, "response");
  if (response == nullptr || !aksarc::bool_member(*response, "allowed").has_value()) std::abort();
  (void)out.review.dump();
  return 0;
}
