#pragma once
// Prometheus metrics of the webhook, rendered in the text exposition format 0.0.4.
//
//   aksarc_webhook_requests_total{decision,rule,kind}   admission decisions; `rule` lists the
//                                                       rule IDs that shaped the decision,
//                                                       comma-separated ("" when none)
//   aksarc_webhook_request_duration_seconds             histogram of the decision latency
//   aksarc_webhook_http_requests_total{code}            every HTTP response, by status code
//   aksarc_webhook_reloads_total{what,result}           what: certificate|client_ca|config,
//                                                       result: success|failure
//   aksarc_webhook_certificate_not_after_seconds        expiry of the served certificate
//   aksarc_webhook_ready                                1 while serving, 0 when shutting down
//   aksarc_webhook_build_info{version}                  always 1
//
// Thread-safe: every method may be called from any thread. Updates take one short mutex.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace aksarc::webhook {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
inline constexpr std::array<double, 14> kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// Label values come from requests; past this many series of requests_total, new (decision,
// rule, kind) combinations are counted under kind="other" so a client cannot grow memory.
inline constexpr size_t kMaxDecisionSeries = 1000;

class Metrics {
 public:
  explicit Metrics(std::string_view version);

  void observe_decision(std::string_view decision, const std::vector<std::string>& rules,
                        std::string_view kind, double seconds);
  void count_http_response(int status);
  void count_reload(std::string_view what, bool success);
  void set_certificate_not_after(double unix_seconds);
  void set_ready(bool ready);

  // The whole exposition, ready to serve with kMetricsContentType.
  std::string render() const;

 private:
  using DecisionKey = std::tuple<std::string, std::string, std::string>;  // decision, rule, kind

  void render_decisions(std::string& out) const;
  void render_histogram(std::string& out) const;
  void render_others(std::string& out) const;

  mutable std::mutex mu_;
  std::string version_;
  std::map<DecisionKey, uint64_t> decisions_;
  std::array<uint64_t, kLatencyBuckets.size() + 1> bucket_counts_{};  // last one is +Inf
  double latency_sum_ = 0;
  uint64_t latency_count_ = 0;
  std::map<int, uint64_t> http_;
  std::map<std::pair<std::string, std::string>, uint64_t> reloads_;
  double cert_not_after_ = 0;
  bool ready_ = false;
};

// Escapes a label value (backslash, double quote, newline) for the text format.
std::string escape_label_value(std::string_view value);

}  // namespace aksarc::webhook
