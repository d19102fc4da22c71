// tests/common/clock_test.cc: UTC formatting of known instants and the injected clocks.
#include <catch2/catch.hpp>

#include <cstdint>

#include "common/clock.h"

namespace otc {

TEST_CASE("format_fix_timestamp_ms and format_iso8601_us for known instants", "[clock]") {
  struct Case {
    int64_t us;
    const char* fix_ms;
    const char* iso_us;
  };
  static const Case kCases[] = {
      {0, "19700101-00:00:00.000", "1970-01-01T00:00:00.000000Z"},
      {1, "19700101-00:00:00.000", "1970-01-01T00:00:00.000001Z"},
      {999, "19700101-00:00:00.000", "1970-01-01T00:00:00.000999Z"},
      {1000, "19700101-00:00:00.001", "1970-01-01T00:00:00.001000Z"},
      {1700000000123456, "20231114-22:13:20.123", "2023-11-14T22:13:20.123456Z"},
      // Milliseconds are truncated, never rounded up into the next second.
      {1700000000999999, "20231114-22:13:20.999", "2023-11-14T22:13:20.999999Z"},
      {1709210096789012, "20240229-12:34:56.789", "2024-02-29T12:34:56.789012Z"},  // leap day
      {2147483648000000, "20380119-03:14:08.000", "2038-01-19T03:14:08.000000Z"},  // past 32-bit time_t
      {253402300799999999, "99991231-23:59:59.999", "9999-12-31T23:59:59.999999Z"},
      // Before the epoch: the fraction still counts forward from the whole second below.
      {-1, "19691231-23:59:59.999", "1969-12-31T23:59:59.999999Z"},
      {-1500000, "19691231-23:59:58.500", "1969-12-31T23:59:58.500000Z"},
      {-1000000, "19691231-23:59:59.000", "1969-12-31T23:59:59.000000Z"},
      {-14182940000000, "19690720-20:17:40.000", "1969-07-20T20:17:40.000000Z"},
  };
  for (const Case& c : kCases) {
    INFO("t = " << c.us << " us");
    CHECK(format_fix_timestamp_ms(TimeUs(c.us)) == c.fix_ms);
    CHECK(format_iso8601_us(TimeUs(c.us)) == c.iso_us);
  }
}

TEST_CASE("ManualClock starts where told, advances and is set", "[clock]") {
  ManualClock clock(TimeUs(1700000000000000));
  const Clock& as_clock = clock;  // used through the interface, as the engine does
  CHECK(as_clock.now() == TimeUs(1700000000000000));
  CHECK(as_clock.now() == TimeUs(1700000000000000));  // does not move by itself

  clock.advance_us(1);
  CHECK(as_clock.now() == TimeUs(1700000000000001));
  clock.advance_us(999999);
  CHECK(as_clock.now() == TimeUs(1700000001000000));
  clock.advance_us(0);
  CHECK(as_clock.now() == TimeUs(1700000001000000));
  clock.advance_us(-1000000);
  CHECK(as_clock.now() == TimeUs(1700000000000000));

  clock.set(TimeUs(0));
  CHECK(as_clock.now() == TimeUs(0));
  clock.advance_us(123456);
  CHECK(format_iso8601_us(as_clock.now()) == "1970-01-01T00:00:00.123456Z");
}

TEST_CASE("SystemClock reads microseconds since the epoch", "[clock]") {
  SystemClock clock;
  const TimeUs a = clock.now();
  const TimeUs b = clock.now();
  // Plausibility only (no timing assertions): after 2023-11-14, before 2100-01-01.
  CHECK(a.value > 1700000000000000);
  CHECK(a.value < 4102444800000000);
  CHECK(b.value - a.value < 60000000);
}

}  // namespace otc
