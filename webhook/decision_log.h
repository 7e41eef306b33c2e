#pragma once
// Structured logs: one JSON object per line, all on one stream (stdout in the webhook), so a log
// collector sees decisions and server events in order. Every line has "ts" (RFC 3339 UTC with
// milliseconds), "level" (info|warn|error) and "msg". Decision lines carry
// {uid, user, operation, kind, namespace, name, rules, decision, reason, latency_ms,
// http_status}. Request bodies, tokens and keys are never logged; start-up errors that end the
// process are printed by main as one plain line on stderr instead.
//
// Thread-safe: lines from concurrent callers never interleave; each line is flushed.

#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "core/admission.h"

namespace aksarc::webhook {

using LogFields = nlohmann::ordered_json;

// Longest "reason" logged; longer ones are cut (rule messages may quote label values).
inline constexpr size_t kMaxLoggedReason = 1024;

class Log {
 public:
  explicit Log(std::ostream& out) : out_(out) {}

  // One line for one admission decision.
  void decision(const DecisionRecord& record, double latency_ms, int http_status);

  // One line for a server event (start, listening, reload, shutdown). `fields` must be an object
  // (or null); its members are appended after ts/level/msg.
  void info(std::string_view msg, const LogFields& fields = nullptr);
  void warn(std::string_view msg, const LogFields& fields = nullptr);
  void error(std::string_view msg, const LogFields& fields = nullptr);

 private:
  void event(std::string_view level, std::string_view msg, const LogFields& fields);
  void write(const LogFields& line);

  std::mutex mu_;
  std::ostream& out_;
};

// The current time as "2024-05-01T12:00:00.123Z".
std::string rfc3339_now();

}  // namespace aksarc::webhook
