#include "webhook/metrics.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

namespace aksarc::webhook {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("metrics: an empty registry still describes every family") {
  Metrics m("1.2.3");
  std::string text = m.render();
  for (const char* family :
       {"aksarc_webhook_requests_total counter",
        "aksarc_webhook_request_duration_seconds histogram",
        "aksarc_webhook_http_requests_total counter", "aksarc_webhook_reloads_total counter",
        "aksarc_webhook_certificate_not_after_seconds gauge", "aksarc_webhook_ready gauge",
        "aksarc_webhook_build_info gauge"}) {
    CAPTURE(family);
    CHECK(has_line(text, std::string("# TYPE ") + family));
  }
  CHECK(has_line(text, "aksarc_webhook_request_duration_seconds_bucket{le=\"+Inf\"} 0"));
  CHECK(has_line(text, "aksarc_webhook_request_duration_seconds_count 0"));
  CHECK(has_line(text, "aksarc_webhook_ready 0"));
  CHECK(has_line(text, "aksarc_webhook_build_info{version=\"1.2.3\"} 1"));
  CHECK(text.back() == '\n');
}

TEST_CASE("metrics: decisions count by decision, rules and kind") {
  Metrics m("v");
  m.observe_decision("deny", {"NODE-2"}, "Node", 0.0003);
  m.observe_decision("deny", {"NODE-2"}, "Node", 0.002);
  m.observe_decision("allow", {}, "Pod", 0.02);
  m.observe_decision("warn", {"MGD-1", "PREV-1"}, "Deployment", 20);
  std::string text = m.render();
  CHECK(has_line(text,
                 R"(aksarc_webhook_requests_total{decision="deny",rule="NODE-2",kind="Node"} 2)"));
  CHECK(has_line(text, R"(aksarc_webhook_requests_total{decision="allow",rule="",kind="Pod"} 1)"));
  CHECK(has_line(
      text,
      R"(aksarc_webhook_requests_total{decision="warn",rule="MGD-1,PREV-1",kind="Deployment"} 1)"));
}

TEST_CASE("metrics: the latency histogram is cumulative and ends at 10 s") {
  Metrics m("v");
  m.observe_decision("allow", {}, "Pod", 0.0003);  // first bucket
  m.observe_decision("allow", {}, "Pod", 0.001);   // le is inclusive
  m.observe_decision("allow", {}, "Pod", 0.02);
  m.observe_decision("allow", {}, "Pod", 20);  // only +Inf
  std::string text = m.render();
  const std::string b = "aksarc_webhook_request_duration_seconds_bucket";
  CHECK(has_line(text, b + "{le=\"0.0005\"} 1"));
  CHECK(has_line(text, b + "{le=\"0.001\"} 2"));
  CHECK(has_line(text, b + "{le=\"0.01\"} 2"));
  CHECK(has_line(text, b + "{le=\"0.025\"} 3"));
  CHECK(has_line(text, b + "{le=\"10\"} 3"));
  CHECK(has_line(text, b + "{le=\"+Inf\"} 4"));
  CHECK(has_line(text, "aksarc_webhook_request_duration_seconds_count 4"));
  CHECK(has_line(text, "aksarc_webhook_request_duration_seconds_sum 20.0213"));
}

TEST_CASE("metrics: HTTP codes, reloads, certificate expiry and readiness") {
  Metrics m("v");
  m.count_http_response(200);
  m.count_http_response(200);
  m.count_http_response(413);
  m.count_reload("config", true);
  m.count_reload("config", false);
  m.count_reload("config", false);
  m.count_reload("certificate", true);
  m.set_certificate_not_after(1767225600);
  m.set_ready(true);
  std::string text = m.render();
  CHECK(has_line(text, R"(aksarc_webhook_http_requests_total{code="200"} 2)"));
  CHECK(has_line(text, R"(aksarc_webhook_http_requests_total{code="413"} 1)"));
  CHECK(has_line(text, R"(aksarc_webhook_reloads_total{what="config",result="failure"} 2)"));
  CHECK(has_line(text, R"(aksarc_webhook_reloads_total{what="config",result="success"} 1)"));
  CHECK(has_line(text, R"(aksarc_webhook_reloads_total{what="certificate",result="success"} 1)"));
  CHECK(has_line(text, "aksarc_webhook_certificate_not_after_seconds 1767225600"));
  CHECK(has_line(text, "aksarc_webhook_ready 1"));
}

TEST_CASE("metrics: label values from requests are escaped and bounded") {
  CHECK(escape_label_value(R"(a"b\c)") == R"(a\"b\\c)");
  CHECK(escape_label_value("a\nb") == "a\\nb");
  std::string long_value(200, 'x');
  CHECK(escape_label_value(long_value).size() == 128);
  // A cut never splits a UTF-8 character: 127 ASCII bytes then a 2-byte character.
  std::string utf8 = std::string(127, 'x') + "\xC3\xA9" + "tail";
  CHECK(escape_label_value(utf8) == std::string(127, 'x'));

  Metrics m("v");
  m.observe_decision("deny", {"NODE-2"}, "Evil\"}\n", 0.001);
  CHECK(m.render().find(R"(kind="Evil\"}\n"} 1)") != std::string::npos);
}

TEST_CASE("metrics: a client cannot grow the series without bound") {
  Metrics m("v");
  for (size_t i = 0; i < kMaxDecisionSeries + 50; ++i) {
    m.observe_decision("allow", {}, "Kind" + std::to_string(i), 0.001);
  }
  std::string text = m.render();
  CHECK(
      has_line(text, R"(aksarc_webhook_requests_total{decision="allow",rule="",kind="other"} 50)"));
  CHECK(has_line(text, "aksarc_webhook_request_duration_seconds_count " +
                           std::to_string(kMaxDecisionSeries + 50)));
}

TEST_CASE("metrics: concurrent updates are all counted") {
  Metrics m("v");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i) {
        m.observe_decision("deny", {"NODE-2"}, "Node", 0.001);
        m.count_http_response(200);
        if (i % 100 == 0) (void)m.render();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.render();
  CHECK(has_line(
      text, R"(aksarc_webhook_requests_total{decision="deny",rule="NODE-2",kind="Node"} 8000)"));
  CHECK(has_line(text, R"(aksarc_webhook_http_requests_total{code="200"} 8000)"));
}

}  // namespace aksarc::webhook
