// tests/common/types_test.cc: strong types and the wire forms of our identifiers.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "common/types.h"

namespace otc {

// Distinct domain types never convert into each other or from raw integers.
static_assert(!std::is_convertible_v<Price, Amount>);
static_assert(!std::is_convertible_v<Amount, Price>);
static_assert(!std::is_convertible_v<Qty, Price>);
static_assert(!std::is_convertible_v<OrderId, QuoteId>);
static_assert(!std::is_convertible_v<QuoteId, ExecId>);
static_assert(!std::is_convertible_v<int64_t, Price>);
static_assert(!std::is_convertible_v<uint64_t, QuoteId>);
static_assert(!std::is_constructible_v<Price, Amount>);

TEST_CASE("Side numbers are persisted and opposite() flips", "[types]") {
  STATIC_REQUIRE(static_cast<int>(Side::kBuy) == 1);
  STATIC_REQUIRE(static_cast<int>(Side::kSell) == 2);
  CHECK(opposite(Side::kBuy) == Side::kSell);
  CHECK(opposite(Side::kSell) == Side::kBuy);
  CHECK(std::string(side_name(Side::kBuy)) == "buy");
  CHECK(std::string(side_name(Side::kSell)) == "sell");
}

TEST_CASE("identifier wire forms", "[types]") {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  CHECK(format_order_id(OrderId(1)) == "O1");
  CHECK(format_order_id(OrderId(0)) == "O0");
  CHECK(format_order_id(OrderId(1234567890)) == "O1234567890");
  CHECK(format_order_id(OrderId(kMax)) == "O18446744073709551615");
  CHECK(format_quote_id(QuoteId(1)) == "Q1");
  CHECK(format_quote_id(QuoteId(42)) == "Q42");
  CHECK(format_quote_id(QuoteId(kMax)) == "Q18446744073709551615");
  CHECK(format_exec_id(ExecId(1)) == "E1");
  CHECK(format_exec_id(ExecId(700)) == "E700");
  CHECK(format_exec_id(ExecId(kMax)) == "E18446744073709551615");
}

TEST_CASE("parse_quote_id accepts canonical ids", "[types]") {
  struct Case {
    const char* text;
    uint64_t expected;
  };
  static const Case kCases[] = {
      {"Q1", 1},
      {"Q9", 9},
      {"Q10", 10},
      {"Q123", 123},
      {"Q18446744073709551615", std::numeric_limits<uint64_t>::max()},
  };
  for (const Case& c : kCases) {
    INFO("parse_quote_id(\"" << c.text << "\")");
    QuoteId id(0);
    CHECK(parse_quote_id(c.text, &id));
    CHECK(id.value == c.expected);
  }
}

TEST_CASE("parse_quote_id refuses everything else", "[types]") {
  const std::string very_long = "Q" + std::string(1000, '1');
  const char* const kCases[] = {
      "",
      "Q",
      "Q0",
      "Q00",
      "Q01",
      "q1",
      "Q1x",
      "Q-1",
      "Q+1",
      "Q 1",
      " Q1",
      "Q1 ",
      "QQ1",
      "Q1.0",
      "Q18446744073709551616",   // UINT64_MAX + 1
      "Q99999999999999999999",   // 20 digits, too big
      "Q100000000000000000000",  // 21 digits
      "X12",
      "O12",
      "E12",
      very_long.c_str(),
  };
  for (const char* text : kCases) {
    INFO("parse_quote_id(\"" << text << "\")");
    QuoteId id(777);
    CHECK_FALSE(parse_quote_id(text, &id));
  }
  QuoteId id(777);
  CHECK_FALSE(parse_quote_id(std::string("Q1\0", 3), &id));
}

TEST_CASE("format_quote_id and parse_quote_id round-trip", "[types]") {
  const uint64_t kValues[] = {1, 9, 10, 99, 100, 4294967295ull, 4294967296ull, 1000000000000000000ull,
                              std::numeric_limits<uint64_t>::max() - 1, std::numeric_limits<uint64_t>::max()};
  for (uint64_t v : kValues) {
    INFO("value " << v);
    QuoteId back(0);
    REQUIRE(parse_quote_id(format_quote_id(QuoteId(v)), &back));
    CHECK(back == QuoteId(v));
  }
}

}  // namespace otc
