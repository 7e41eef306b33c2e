#include "webhook/decision_log.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace aksarc::webhook {
namespace {

std::string_view cut(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  // Invalid UTF-8 from a cut in mid-character is replaced when the line is encoded.
  return s.substr(0, max);
}

LogFields base(std::string_view level, std::string_view msg) {
  LogFields line;
  line["ts"] = rfc3339_now();
  line["level"] = level;
  line["msg"] = msg;
  return line;
}

}  // namespace

std::string rfc3339_now() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

void Log::decision(const DecisionRecord& r, double latency_ms, int http_status) {
  LogFields line = base("info", "decision");
  line["uid"] = r.uid;
  line["user"] = r.user;
  line["operation"] = r.operation;
  line["kind"] = r.kind;
  line["namespace"] = r.namespace_;
  line["name"] = r.name;
  line["rules"] = r.rules;
  line["decision"] = r.decision;
  line["reason"] = cut(r.reason, kMaxLoggedReason);
  line["latency_ms"] = std::round(latency_ms * 1000.0) / 1000.0;
  line["http_status"] = http_status;
  write(line);
}

void Log::info(std::string_view msg, const LogFields& fields) { event("info", msg, fields); }
void Log::warn(std::string_view msg, const LogFields& fields) { event("warn", msg, fields); }
void Log::error(std::string_view msg, const LogFields& fields) { event("error", msg, fields); }

void Log::event(std::string_view level, std::string_view msg, const LogFields& fields) {
  LogFields line = base(level, msg);
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) line[key] = value;
  }
  write(line);
}

void Log::write(const LogFields& line) {
  // replace: strings from requests may be cut mid-character; a log line must never throw.
  std::string text = line.dump(-1, ' ', false, LogFields::error_handler_t::replace);
  std::lock_guard lock(mu_);
  out_ << text << '\n';
  out_.flush();
}

}  // namespace aksarc::webhook
