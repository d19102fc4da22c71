// tests/common/clock_test.cc: UTC formatting of known instants, parsing of FIX
// UTCTimestamps (a table of valid and refused texts, and a seeded round trip with the
// formatter), and the injected clocks.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

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

namespace {

// The parsed instant, or nullopt when refused.
std::optional<int64_t> parse(const std::string& text) {
  TimeUs t(-777);
  if (!parse_fix_timestamp(text, &t)) return std::nullopt;
  return t.value;
}

}  // namespace

TEST_CASE("parse_fix_timestamp: valid texts and their instants", "[clock]") {
  struct Case {
    std::string text;
    int64_t us;
  };
  const std::vector<Case> cases = {
      // no fraction, .sss, .ssssss
      {"19700101-00:00:00", 0},
      {"19700101-00:00:00.000", 0},
      {"19700101-00:00:00.000000", 0},
      {"19700101-00:00:00.001", 1000},
      {"19700101-00:00:00.000001", 1},
      {"19700101-00:00:01", 1000000},
      {"20231114-22:13:20", 1700000000000000},
      {"20231114-22:13:20.123", 1700000000123000},
      {"20231114-22:13:20.123456", 1700000000123456},
      {"20231114-22:13:20.999", 1700000000999000},
      {"20231114-22:13:20.999999", 1700000000999999},
      {"20261121-10:00:00", 1795255200000000},
      // leap days: 2024 (divisible by 4), 2000 (by 400)
      {"20240229-12:34:56.789", 1709210096789000},
      {"20000229-00:00:00", 951782400000000},
      {"20230301-00:00:00", 1677628800000000},   // the day after 2023-02-28
      {"20241231-23:59:59.999", 1735689599999000},  // the last instant of a leap year
      // every field at its maximum
      {"20161231-23:59:59.999999", 1483228799999999},
      {"20380119-03:14:08", 2147483648000000},  // past 32-bit time_t
      {"99991231-23:59:59.999999", 253402300799999999},
  };
  for (const Case& c : cases) {
    INFO("'" << c.text << "'");
    CHECK(parse(c.text) == std::optional<int64_t>(c.us));
  }
}

TEST_CASE("parse_fix_timestamp: refused texts", "[clock]") {
  const std::vector<std::string> refused = {
      // dates that do not exist
      "20230229-00:00:00",  // 2023 is no leap year
      "21000229-00:00:00",  // nor is 2100 (divisible by 100, not by 400)
      "20240230-00:00:00",
      "20240431-00:00:00",  // April has 30 days
      "20241131-00:00:00",
      "20240132-00:00:00",  // day 32
      "20240100-00:00:00",  // day 0
      "20241301-00:00:00",  // month 13
      "20240001-00:00:00",  // month 0
      "20249901-00:00:00",
      // times that do not exist
      "20240101-24:00:00",  // hour 24
      "20240101-23:60:00",  // minute 60
      "20240101-23:59:60",  // second 60 (leap seconds are refused)
      "20161231-23:59:60",  // even on a day that had one
      "20240101-99:99:99",
      // years before 1970
      "19691231-23:59:59",
      "19691231-23:59:59.999999",
      "00000101-00:00:00",
      "19000101-00:00:00",
      // wrong separators
      "20240101 00:00:00",
      "20240101T00:00:00",
      "20240101_00:00:00",
      "20240101-00-00-00",
      "20240101-00:00.00",
      "20240101-00.00:00",
      "20240101-00:00:00,000",
      "20240101-00:00:00:000",
      "20240101-00:00:00-000",
      "2024-01-01T00:00:00",
      "2024-01-01T00:00:00Z",
      "2024-01-01 00:00:00.000",
      // wrong lengths
      "",
      "2024",
      "20240101",
      "20240101-",
      "20240101-00:00",
      "20240101-0:00:00",
      "2024011-00:00:00",
      "020240101-00:00:00",
      "20240101-00:00:00.",
      "20240101-00:00:00.0",
      "20240101-00:00:00.00",
      "20240101-00:00:00.0000",
      "20240101-00:00:00.00000",
      "20240101-00:00:00.0000000",  // 7 fraction digits
      "20240101-00:00:00.000000000",
      "20240101-00:00:00Z",
      "20240101-00:00:00.000Z",
      " 20240101-00:00:00",
      "20240101-00:00:00 ",
      "20240101-00:00:00.000 ",
      std::string("20240101-00:00:00\0", 18),
      std::string("20240101-00:00:00.00\0", 21),
      // letters, signs and other non-digits where digits belong
      "2024O101-00:00:00",
      "abcdefgh-ij:kl:mn",
      "20240101-0a:00:00",
      "20240101-00:00:0x",
      "20240101-00:00:00.00a",
      "20240101-00:00:00.00000a",
      "20240101-00:00:00.-01",
      "+2024010-00:00:00",
      "-2024010-00:00:00",
      "20240101-+1:00:00",
      "20240101- 1:00:00",
      "2024 101-00:00:00",
      "20240101-00:00:00.1e2",
  };
  for (const std::string& text : refused) {
    INFO("'" << text << "' (" << text.size() << " chars)");
    CHECK(parse(text) == std::nullopt);
  }
}

uint64_t clock_test_seed() {
  if (const char* s = std::getenv("OTC_SEED"); s != nullptr && *s != '\0') return std::stoull(s);
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

TEST_CASE("parse_fix_timestamp round-trips format_fix_timestamp_ms, random instants", "[clock]") {
  const uint64_t seed = clock_test_seed();
  std::cout << "clock_test seed=" << seed << " (rerun with OTC_SEED=" << seed << ")" << std::endl;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  constexpr int64_t kLastUs = 253402300799999999;  // 9999-12-31T23:59:59.999999Z
  const std::vector<int64_t> edges = {0, 1, 999, 1000, 999999, 1000000, 951782399999999, 951782400000000,
                                      kLastUs - 1, kLastUs};
  for (int i = 0; i < 20000 + static_cast<int>(edges.size()); ++i) {
    int64_t us = 0;
    if (i < static_cast<int>(edges.size())) {
      us = edges[static_cast<size_t>(i)];
    } else if (i % 2 == 0) {
      us = static_cast<int64_t>(rng() % static_cast<uint64_t>(kLastUs + 1));  // anywhere up to year 9999
    } else {
      us = 1'600'000'000'000'000 + static_cast<int64_t>(rng() % 2'000'000'000'000'000ull);  // 2020..2083
    }
    const TimeUs t(us);
    INFO("t = " << us << " us");
    // Milliseconds: the formatter truncates, the parse gives the truncated instant back.
    const std::string ms_text = format_fix_timestamp_ms(t);
    INFO("'" << ms_text << "'");
    REQUIRE(ms_text.size() == 21);
    REQUIRE(parse(ms_text) == std::optional<int64_t>(us / 1000 * 1000));
    // Microseconds and whole seconds, built from the same text.
    const std::string us_text = ms_text.substr(0, 17) + "." + std::to_string(1000000 + us % 1000000).substr(1);
    INFO("'" << us_text << "'");
    REQUIRE(parse(us_text) == std::optional<int64_t>(us));
    REQUIRE(format_iso8601_us(t).substr(20, 6) == us_text.substr(18, 6));
    REQUIRE(parse(ms_text.substr(0, 17)) == std::optional<int64_t>(us / 1000000 * 1000000));
    // And back: the parsed instant formats to the same text.
    REQUIRE(format_fix_timestamp_ms(TimeUs(*parse(ms_text))) == ms_text);
  }
}

}  // namespace otc
