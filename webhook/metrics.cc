#include "webhook/metrics.h"

#include <cmath>
#include <cstdio>

namespace aksarc::webhook {
namespace {

constexpr size_t kMaxLabelLength = 128;

std::string format_number(double v) {
  char buf[64];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.9g", v);
  }
  return buf;
}

std::string join_rules(const std::vector<std::string>& rules) {
  std::string out;
  for (const auto& r : rules) {
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  if (value.size() > kMaxLabelLength) {
    // Cut on a UTF-8 character boundary: label values must stay valid UTF-8.
    size_t cut = kMaxLabelLength;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    value = value.substr(0, cut);
  }
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Metrics::Metrics(std::string_view version) : version_(version) {}

void Metrics::observe_decision(std::string_view decision, const std::vector<std::string>& rules,
                               std::string_view kind, double seconds) {
  DecisionKey key{std::string(decision), join_rules(rules), std::string(kind)};
  size_t bucket = 0;
  while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
  std::lock_guard lock(mu_);
  auto it = decisions_.find(key);
  if (it == decisions_.end() && decisions_.size() >= kMaxDecisionSeries) {
    std::get<2>(key) = "other";
    it = decisions_.find(key);
  }
  if (it == decisions_.end()) it = decisions_.emplace(std::move(key), 0).first;
  ++it->second;
  ++bucket_counts_[bucket];
  latency_sum_ += seconds;
  ++latency_count_;
}

void Metrics::count_http_response(int status) {
  std::lock_guard lock(mu_);
  ++http_[status];
}

void Metrics::count_reload(std::string_view what, bool success) {
  std::lock_guard lock(mu_);
  ++reloads_[{std::string(what), success ? "success" : "failure"}];
}

void Metrics::set_certificate_not_after(double unix_seconds) {
  std::lock_guard lock(mu_);
  cert_not_after_ = unix_seconds;
}

void Metrics::set_ready(bool ready) {
  std::lock_guard lock(mu_);
  ready_ = ready;
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  std::lock_guard lock(mu_);
  render_decisions(out);
  render_histogram(out);
  render_others(out);
  return out;
}

void Metrics::render_decisions(std::string& out) const {
  header(out, "aksarc_webhook_requests_total", "counter",
         "Admission requests by decision, rules that shaped it, and kind.");
  for (const auto& [key, count] : decisions_) {
    const auto& [decision, rule, kind] = key;
    out.append("aksarc_webhook_requests_total{decision=\"")
        .append(escape_label_value(decision))
        .append("\",rule=\"")
        .append(escape_label_value(rule))
        .append("\",kind=\"")
        .append(escape_label_value(kind))
        .append("\"} ")
        .append(std::to_string(count))
        .append("\n");
  }
}

void Metrics::render_histogram(std::string& out) const {
  constexpr std::string_view kName = "aksarc_webhook_request_duration_seconds";
  header(out, kName, "histogram", "Time to judge an admission request (parse, decide, encode).");
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= kLatencyBuckets.size(); ++i) {
    cumulative += bucket_counts_[i];
    std::string le = i < kLatencyBuckets.size() ? format_number(kLatencyBuckets[i]) : "+Inf";
    out.append(kName).append("_bucket{le=\"").append(le).append("\"} ");
    out.append(std::to_string(cumulative)).append("\n");
  }
  out.append(kName).append("_sum ").append(format_number(latency_sum_)).append("\n");
  out.append(kName).append("_count ").append(std::to_string(latency_count_)).append("\n");
}

void Metrics::render_others(std::string& out) const {
  header(out, "aksarc_webhook_http_requests_total", "counter", "HTTP responses by status code.");
  for (const auto& [code, count] : http_) {
    out.append("aksarc_webhook_http_requests_total{code=\"").append(std::to_string(code));
    out.append("\"} ").append(std::to_string(count)).append("\n");
  }
  header(out, "aksarc_webhook_reloads_total", "counter",
         "Reloads of changed files by what was reloaded and the result.");
  for (const auto& [key, count] : reloads_) {
    out.append("aksarc_webhook_reloads_total{what=\"").append(escape_label_value(key.first));
    out.append("\",result=\"").append(key.second).append("\"} ");
    out.append(std::to_string(count)).append("\n");
  }
  header(out, "aksarc_webhook_certificate_not_after_seconds", "gauge",
         "Expiry (Unix time) of the serving certificate in use.");
  out.append("aksarc_webhook_certificate_not_after_seconds ")
      .append(format_number(cert_not_after_))
      .append("\n");
  header(out, "aksarc_webhook_ready", "gauge", "1 while serving, 0 while starting or stopping.");
  out.append("aksarc_webhook_ready ").append(ready_ ? "1" : "0").append("\n");
  header(out, "aksarc_webhook_build_info", "gauge", "Build information; always 1.");
  out.append("aksarc_webhook_build_info{version=\"").append(escape_label_value(version_));
  out.append("\"} 1\n");
}

}  // namespace aksarc::webhook
