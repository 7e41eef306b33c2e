#pragma once
// Calendar dates without a clock: the engine never reads the time; callers pass "today" in (the
// plugin's --at, or the system date read in plugin/).

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace aksarc {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  auto operator<=>(const CivilDate&) const = default;
  // "2027-03-01"
  std::string to_string() const;
  // Days since 1970-01-01 (negative before).
  long days_since_epoch() const;
  static CivilDate from_days_since_epoch(long days);
};

// Parses "YYYY-MM-DD", optionally followed by "T..." (an RFC 3339 timestamp's time is ignored).
// nullopt for anything else, including impossible dates such as 2026-02-30.
std::optional<CivilDate> parse_civil_date(std::string_view text);

// b - a in days.
inline long days_between(const CivilDate& a, const CivilDate& b) {
  return b.days_since_epoch() - a.days_since_epoch();
}

}  // namespace aksarc
