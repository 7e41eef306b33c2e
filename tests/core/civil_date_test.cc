#include "core/civil_date.h"

#include <doctest/doctest.h>

using aksarc::CivilDate;
using aksarc::parse_civil_date;

TEST_CASE("civil dates parse strictly and count days") {
  CHECK(parse_civil_date("2026-11-25") == CivilDate{2026, 11, 25});
  CHECK(parse_civil_date("2022-11-04T14:59:59.05+00:00") == CivilDate{2022, 11, 4});
  CHECK_FALSE(parse_civil_date("2026-02-29"));  // not a leap year
  CHECK(parse_civil_date("2024-02-29") == CivilDate{2024, 2, 29});
  CHECK_FALSE(parse_civil_date("2026-13-01"));
  CHECK_FALSE(parse_civil_date("2026-1-01"));
  CHECK_FALSE(parse_civil_date("2026-11-25x"));
  CHECK_FALSE(parse_civil_date(""));
  CHECK(CivilDate{1970, 1, 1}.days_since_epoch() == 0);
  CHECK(CivilDate{2000, 3, 1}.days_since_epoch() == 11017);
  CHECK(aksarc::days_between({2026, 10, 26}, {2026, 11, 25}) == 30);
  CHECK(aksarc::days_between({2024, 12, 31}, {2025, 1, 1}) == 1);
  for (long d : {-1000L, 0L, 11017L, 20782L, 60000L}) {
    CHECK(CivilDate::from_days_since_epoch(d).days_since_epoch() == d);
  }
  CHECK(CivilDate{2027, 3, 1}.to_string() == "2027-03-01");
}
