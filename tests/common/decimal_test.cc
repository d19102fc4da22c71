// tests/common/decimal_test.cc: parse_decimal / format_decimal / format_decimal_fixed.
//
// Scenario tables (one line per case, expected result last) for exactness, precision,
// malformed input and the int64 boundary at several scales; then seeded randomized
// round trips. Set OTC_TEST_SEED to replay a randomized run; the seed is printed on failure.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <random>
#include <string>

#include "common/checked.h"
#include "common/decimal.h"

namespace otc {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

struct ParseCase {
  const char* text;
  int scale;
  DecimalError error;
  int64_t value;  // only checked when error == kOk
};

void check_parse_table(const ParseCase* cases, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const ParseCase& c = cases[i];
    INFO("case " << i << ": parse_decimal(\"" << c.text << "\", " << c.scale << ")");
    int64_t out = 0;
    const DecimalError e = parse_decimal(c.text, c.scale, &out);
    CHECK(std::string(decimal_error_name(e)) == decimal_error_name(c.error));
    if (c.error == DecimalError::kOk && e == DecimalError::kOk) CHECK(out == c.value);
  }
}

uint64_t test_seed() {
  if (const char* s = std::getenv("OTC_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
}

// Independent oracle for format_decimal_fixed: integer and fraction via unsigned
// division, printed with snprintf.
std::string fixed_oracle(int64_t v, int scale) {
  const bool neg = v < 0;
  const uint64_t mag = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  const uint64_t p = static_cast<uint64_t>(pow10_i64(scale));
  char buf[64];
  if (scale == 0) {
    std::snprintf(buf, sizeof buf, "%s%llu", neg ? "-" : "", static_cast<unsigned long long>(mag));
  } else {
    std::snprintf(buf, sizeof buf, "%s%llu.%0*llu", neg ? "-" : "", static_cast<unsigned long long>(mag / p), scale,
                  static_cast<unsigned long long>(mag % p));
  }
  return buf;
}

}  // namespace

TEST_CASE("parse_decimal: exact values", "[decimal]") {
  static const ParseCase kCases[] = {
      {"65000.25", 2, DecimalError::kOk, 6500025},
      {"65000", 2, DecimalError::kOk, 6500000},
      {"65000.2", 2, DecimalError::kOk, 6500020},
      {"0.00000001", 8, DecimalError::kOk, 1},
      {"1.10", 1, DecimalError::kOk, 11},
      {"1.500", 2, DecimalError::kOk, 150},
      {"1.5000000000000000000000", 2, DecimalError::kOk, 150},
      {"00023.23", 2, DecimalError::kOk, 2323},
      {"00023.2300", 2, DecimalError::kOk, 2323},
      {"000", 0, DecimalError::kOk, 0},
      {".5", 1, DecimalError::kOk, 5},
      {"5.", 1, DecimalError::kOk, 50},
      {"5.", 0, DecimalError::kOk, 5},
      {"5.0", 0, DecimalError::kOk, 5},
      {"0", 0, DecimalError::kOk, 0},
      {"0", 8, DecimalError::kOk, 0},
      {"0.0", 2, DecimalError::kOk, 0},
      {"-0", 0, DecimalError::kOk, 0},
      {"-0", 8, DecimalError::kOk, 0},
      {"-0.000", 2, DecimalError::kOk, 0},
      {"-1", 0, DecimalError::kOk, -1},
      {"-1.5", 1, DecimalError::kOk, -15},
      {"-65000.25", 2, DecimalError::kOk, -6500025},
      {"-0.00000001", 8, DecimalError::kOk, -1},
      {"-.5", 1, DecimalError::kOk, -5},
      {"-5.", 2, DecimalError::kOk, -500},
      {"-00023.2300", 2, DecimalError::kOk, -2323},
      {"1", 18, DecimalError::kOk, 1000000000000000000},
      {"0.000000000000000001", 18, DecimalError::kOk, 1},
      {"123456789", 0, DecimalError::kOk, 123456789},
      {"0.1", 18, DecimalError::kOk, 100000000000000000},
  };
  check_parse_table(kCases, std::size(kCases));
}

TEST_CASE("parse_decimal: digits beyond the scale", "[decimal]") {
  static const ParseCase kCases[] = {
      {"0.001", 2, DecimalError::kTooPrecise, 0},
      {"0.0010", 2, DecimalError::kTooPrecise, 0},
      {"-0.001", 2, DecimalError::kTooPrecise, 0},
      {"1.2345678901", 8, DecimalError::kTooPrecise, 0},
      {"1.23456789", 8, DecimalError::kOk, 123456789},
      {"1.234567890", 8, DecimalError::kOk, 123456789},
      {"0.5", 0, DecimalError::kTooPrecise, 0},
      {".5", 0, DecimalError::kTooPrecise, 0},
      {"65000.251", 2, DecimalError::kTooPrecise, 0},
      {"65000.2500000001", 2, DecimalError::kTooPrecise, 0},
      {"0.0000000000000000001", 18, DecimalError::kTooPrecise, 0},
      {"0.0000000000000000010", 18, DecimalError::kOk, 1},
      // A too-precise digit on an otherwise exact INT64_MAX still reports precision.
      {"92233720368547758.071", 2, DecimalError::kTooPrecise, 0},
  };
  check_parse_table(kCases, std::size(kCases));
}

TEST_CASE("parse_decimal: malformed text", "[decimal]") {
  const std::string k64(std::string(63, '0') + "1");  // longest accepted text
  const std::string k65(std::string(64, '0') + "1");  // one too long: refused before parsing
  REQUIRE(k64.size() == kDecimalTextMax);
  REQUIRE(k65.size() == kDecimalTextMax + 1);
  const ParseCase kCases[] = {
      {"", 2, DecimalError::kEmpty, 0},
      {"+1", 2, DecimalError::kMalformed, 0},
      {"1e5", 2, DecimalError::kMalformed, 0},
      {"1E5", 2, DecimalError::kMalformed, 0},
      {" 1", 2, DecimalError::kMalformed, 0},
      {"1 ", 2, DecimalError::kMalformed, 0},
      {"1..2", 2, DecimalError::kMalformed, 0},
      {"1.2.3", 2, DecimalError::kMalformed, 0},
      {"-", 2, DecimalError::kMalformed, 0},
      {".", 2, DecimalError::kMalformed, 0},
      {"-.", 2, DecimalError::kMalformed, 0},
      {"--1", 2, DecimalError::kMalformed, 0},
      {"1-", 2, DecimalError::kMalformed, 0},
      {"abc", 2, DecimalError::kMalformed, 0},
      {"1,5", 2, DecimalError::kMalformed, 0},
      {"0x10", 2, DecimalError::kMalformed, 0},
      {"1_000", 2, DecimalError::kMalformed, 0},
      {"inf", 2, DecimalError::kMalformed, 0},
      {"NaN", 2, DecimalError::kMalformed, 0},
      {"\t1", 2, DecimalError::kMalformed, 0},
      {"0.001x", 2, DecimalError::kMalformed, 0},  // malformed wins over too precise
      {"99999999999999999999x", 0, DecimalError::kMalformed, 0},  // malformed wins over overflow
      {k65.c_str(), 0, DecimalError::kMalformed, 0},
      {k64.c_str(), 0, DecimalError::kOk, 1},
  };
  check_parse_table(kCases, std::size(kCases));

  int64_t out = 0;
  CHECK(parse_decimal(std::string_view("1\0", 2), 0, &out) == DecimalError::kMalformed);
  CHECK(parse_decimal(std::string(1000, '1'), 0, &out) == DecimalError::kMalformed);
}

// Regression: once the accumulator overflowed, the rest of the
// text was only checked for characters outside [0-9.], so a second '.' after an
// overflowing run is reported as kOverflow although "1..2" alone is kMalformed and
// decimal.cc says malformed input is the better message.
TEST_CASE("parse_decimal: two dots after an overflowing run are malformed", "[decimal]") {
  static const ParseCase kCases[] = {
      {"99999999999999999999..1", 0, DecimalError::kMalformed, 0},
      {"99999999999999999999.5.5", 2, DecimalError::kMalformed, 0},
  };
  check_parse_table(kCases, std::size(kCases));
}

TEST_CASE("parse_decimal: int64 boundary on both sides", "[decimal]") {
  // INT64_MAX = 9223372036854775807, INT64_MIN = -9223372036854775808.
  static const ParseCase kCases[] = {
      // scale 0
      {"9223372036854775807", 0, DecimalError::kOk, kMax},
      {"9223372036854775808", 0, DecimalError::kOverflow, 0},
      {"-9223372036854775808", 0, DecimalError::kOk, kMin},
      {"-9223372036854775809", 0, DecimalError::kOverflow, 0},
      {"09223372036854775807", 0, DecimalError::kOk, kMax},
      {"9223372036854775807.000", 0, DecimalError::kOk, kMax},
      {"100000000000000000000", 0, DecimalError::kOverflow, 0},
      {"-100000000000000000000", 0, DecimalError::kOverflow, 0},
      // scale 2
      {"92233720368547758.07", 2, DecimalError::kOk, kMax},
      {"92233720368547758.08", 2, DecimalError::kOverflow, 0},
      {"-92233720368547758.08", 2, DecimalError::kOk, kMin},
      {"-92233720368547758.09", 2, DecimalError::kOverflow, 0},
      {"92233720368547758", 2, DecimalError::kOk, 9223372036854775800},   // padded with zeros
      {"92233720368547759", 2, DecimalError::kOverflow, 0},               // overflows while padding
      {"-92233720368547759", 2, DecimalError::kOverflow, 0},
      {"92233720368547758.070", 2, DecimalError::kOk, kMax},
      // scale 8
      {"92233720368.54775807", 8, DecimalError::kOk, kMax},
      {"92233720368.54775808", 8, DecimalError::kOverflow, 0},
      {"-92233720368.54775808", 8, DecimalError::kOk, kMin},
      {"-92233720368.54775809", 8, DecimalError::kOverflow, 0},
      {"92233720368.5477581", 8, DecimalError::kOverflow, 0},
      {"92233720369", 8, DecimalError::kOverflow, 0},
      // scale 18: only |x| < 9.22 fits
      {"9.223372036854775807", 18, DecimalError::kOk, kMax},
      {"9.223372036854775808", 18, DecimalError::kOverflow, 0},
      {"-9.223372036854775808", 18, DecimalError::kOk, kMin},
      {"-9.223372036854775809", 18, DecimalError::kOverflow, 0},
      {"9", 18, DecimalError::kOk, 9000000000000000000},
      {"-9", 18, DecimalError::kOk, -9000000000000000000},
      {"10", 18, DecimalError::kOverflow, 0},  // 1e19 > INT64_MAX
      {"-10", 18, DecimalError::kOverflow, 0},
  };
  check_parse_table(kCases, std::size(kCases));
}

TEST_CASE("format_decimal trims trailing zeros", "[decimal]") {
  struct Case {
    int64_t value;
    int scale;
    const char* expected;
  };
  static const Case kCases[] = {
      {6500050, 2, "65000.5"},
      {6500025, 2, "65000.25"},
      {6500000, 2, "65000"},
      {100, 2, "1"},
      {1000, 0, "1000"},  // scale 0: integer zeros are not trimmed
      {10, 1, "1"},
      {0, 0, "0"},
      {0, 2, "0"},
      {0, 18, "0"},
      {1, 8, "0.00000001"},
      {-1, 8, "-0.00000001"},
      {-12, 5, "-0.00012"},
      {-100, 2, "-1"},
      {-6500050, 2, "-65000.5"},
      {1000000000000000000, 18, "1"},
      {kMax, 0, "9223372036854775807"},
      {kMax, 2, "92233720368547758.07"},
      {kMax, 18, "9.223372036854775807"},
      {kMin, 0, "-9223372036854775808"},
      {kMin, 2, "-92233720368547758.08"},
      {kMin, 8, "-92233720368.54775808"},
      {kMin, 18, "-9.223372036854775808"},
  };
  for (const Case& c : kCases) {
    INFO("format_decimal(" << c.value << ", " << c.scale << ")");
    CHECK(format_decimal(c.value, c.scale) == c.expected);
  }
}

TEST_CASE("format_decimal_fixed keeps exactly `scale` decimals", "[decimal]") {
  struct Case {
    int64_t value;
    int scale;
    const char* expected;
  };
  static const Case kCases[] = {
      {6500050, 2, "65000.50"},
      {100, 2, "1.00"},
      {0, 0, "0"},
      {0, 2, "0.00"},
      {5, 2, "0.05"},
      {-5, 2, "-0.05"},
      {1, 18, "0.000000000000000001"},
      {-1, 18, "-0.000000000000000001"},
      {kMax, 2, "92233720368547758.07"},
      {kMin, 0, "-9223372036854775808"},
      {kMin, 18, "-9.223372036854775808"},
      {1000, 0, "1000"},
  };
  for (const Case& c : kCases) {
    INFO("format_decimal_fixed(" << c.value << ", " << c.scale << ")");
    CHECK(format_decimal_fixed(c.value, c.scale) == c.expected);
  }
}

TEST_CASE("decimal_error_name is stable", "[decimal]") {
  CHECK(std::string(decimal_error_name(DecimalError::kOk)) == "ok");
  CHECK(std::string(decimal_error_name(DecimalError::kEmpty)) == "empty");
  CHECK(std::string(decimal_error_name(DecimalError::kMalformed)) == "malformed");
  CHECK(std::string(decimal_error_name(DecimalError::kTooPrecise)) == "too_precise");
  CHECK(std::string(decimal_error_name(DecimalError::kOverflow)) == "overflow");
}

TEST_CASE("format then parse round-trips for random values and every scale", "[decimal][random]") {
  const uint64_t seed = test_seed();
  std::printf("decimal round trip: seed %llu (replay with OTC_TEST_SEED=<seed>)\n",
              static_cast<unsigned long long>(seed));
  CAPTURE(seed);  // also printed with any failure below
  std::mt19937_64 rng(seed);
  constexpr int kValuesPerScale = 2000;
  constexpr int64_t kEdges[] = {0, 1, -1, 9, 10, -10, kMax, kMin, kMax - 1, kMin + 1};

  for (int scale = 0; scale <= 18; ++scale) {
    for (int i = 0; i < kValuesPerScale + static_cast<int>(std::size(kEdges)); ++i) {
      int64_t v;
      if (i < static_cast<int>(std::size(kEdges))) {
        v = kEdges[i];
      } else {
        // Spread magnitudes: shift a full-width random value right by 0..63 bits.
        v = static_cast<int64_t>(rng()) >> (rng() % 64);
      }
      CAPTURE(scale, v);

      const std::string fixed = format_decimal_fixed(v, scale);
      CAPTURE(fixed);
      REQUIRE(fixed == fixed_oracle(v, scale));
      const size_t dot = fixed.find('.');
      if (scale == 0) {
        REQUIRE(dot == std::string::npos);
      } else {
        REQUIRE(dot != std::string::npos);
        REQUIRE(fixed.size() - dot - 1 == static_cast<size_t>(scale));
      }

      const std::string trimmed = format_decimal(v, scale);
      CAPTURE(trimmed);
      if (scale > 0 && trimmed.find('.') != std::string::npos) {
        REQUIRE(trimmed.back() != '0');
      }
      REQUIRE(trimmed.back() != '.');
      REQUIRE(trimmed != "-0");
      REQUIRE((v < 0) == (trimmed[0] == '-'));

      int64_t back = 0;
      REQUIRE(parse_decimal(trimmed, scale, &back) == DecimalError::kOk);
      REQUIRE(back == v);
      back = 0;
      REQUIRE(parse_decimal(fixed, scale, &back) == DecimalError::kOk);
      REQUIRE(back == v);
    }
  }
}

}  // namespace otc
