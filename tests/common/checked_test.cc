// tests/common/checked_test.cc: overflow-checked arithmetic and mul_div at the boundaries.
#include <catch2/catch.hpp>

#include <cstdint>
#include <iterator>
#include <limits>

#include "common/checked.h"

namespace otc {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

enum class Op { kAdd, kSub, kMul };

struct ArithCase {
  Op op;
  int64_t a;
  int64_t b;
  bool ok;
  int64_t result;  // only checked when ok
};

bool apply(Op op, int64_t a, int64_t b, int64_t* out) {
  switch (op) {
    case Op::kAdd: return checked_add(a, b, out);
    case Op::kSub: return checked_sub(a, b, out);
    case Op::kMul: return checked_mul(a, b, out);
  }
  return false;
}

}  // namespace

TEST_CASE("checked_add / checked_sub / checked_mul at the int64 boundary", "[checked]") {
  static const ArithCase kCases[] = {
      {Op::kAdd, 1, 2, true, 3},
      {Op::kAdd, kMax, 0, true, kMax},
      {Op::kAdd, kMax, 1, false, 0},
      {Op::kAdd, kMax - 1, 1, true, kMax},
      {Op::kAdd, kMin, -1, false, 0},
      {Op::kAdd, kMin, 0, true, kMin},
      {Op::kAdd, kMin + 1, -1, true, kMin},
      {Op::kAdd, kMin, kMax, true, -1},
      {Op::kAdd, kMax, kMax, false, 0},
      {Op::kAdd, kMin, kMin, false, 0},
      {Op::kSub, 5, 7, true, -2},
      {Op::kSub, kMin, 1, false, 0},
      {Op::kSub, kMin + 1, 1, true, kMin},
      {Op::kSub, kMax, -1, false, 0},
      {Op::kSub, 0, kMin, false, 0},  // -INT64_MIN does not exist
      {Op::kSub, -1, kMin, true, kMax},
      {Op::kSub, 0, kMax, true, -kMax},
      {Op::kSub, kMin, kMin, true, 0},
      {Op::kMul, 6, 7, true, 42},
      {Op::kMul, kMax, 1, true, kMax},
      {Op::kMul, kMax, -1, true, -kMax},
      {Op::kMul, kMin, 1, true, kMin},
      {Op::kMul, kMin, -1, false, 0},
      {Op::kMul, kMin, 0, true, 0},
      {Op::kMul, 3037000499, 3037000499, true, 9223372030926249001},  // floor(sqrt(INT64_MAX))^2
      {Op::kMul, 3037000500, 3037000500, false, 0},
      {Op::kMul, -4611686018427387904, 2, true, kMin},
      {Op::kMul, 4611686018427387904, 2, false, 0},
      {Op::kMul, 4611686018427387904, -2, true, kMin},
      {Op::kMul, kMax, 2, false, 0},
  };
  for (const ArithCase& c : kCases) {
    INFO("op " << static_cast<int>(c.op) << " a=" << c.a << " b=" << c.b);
    int64_t out = 0;
    const bool ok = apply(c.op, c.a, c.b, &out);
    CHECK(ok == c.ok);
    if (ok && c.ok) CHECK(out == c.result);
  }
}

TEST_CASE("pow10_i64", "[checked]") {
  STATIC_REQUIRE(pow10_i64(0) == 1);
  STATIC_REQUIRE(pow10_i64(1) == 10);
  STATIC_REQUIRE(pow10_i64(8) == 100000000);
  STATIC_REQUIRE(pow10_i64(18) == 1000000000000000000);
  STATIC_REQUIRE(pow10_i64(19) == 0);
  STATIC_REQUIRE(pow10_i64(-1) == 0);
}

TEST_CASE("mul_div rounding, exactness, 128-bit intermediate and refusals", "[checked]") {
  struct Case {
    int64_t a;
    int64_t b;
    int64_t d;
    Rounding r;
    bool ok;
    int64_t result;  // only checked when ok
  };
  static const Case kCases[] = {
      // a * b / d rounding
      {10, 3, 4, Rounding::kDown, true, 7},  // 7.5
      {10, 3, 4, Rounding::kUp, true, 8},
      {1, 1, 3, Rounding::kDown, true, 0},   // 0.33
      {1, 1, 3, Rounding::kUp, true, 1},
      {2, 1, 3, Rounding::kDown, true, 0},   // 0.67: kDown truncates, does not round to nearest
      {2, 1, 3, Rounding::kUp, true, 1},
      // exact division: both roundings agree
      {12, 3, 4, Rounding::kDown, true, 9},
      {12, 3, 4, Rounding::kUp, true, 9},
      {0, 123, 7, Rounding::kUp, true, 0},
      {123, 0, 7, Rounding::kUp, true, 0},
      {5, 7, 1, Rounding::kDown, true, 35},
      // intermediate wider than int64
      {3000000000, 3000000000, 100000000, Rounding::kDown, true, 90000000000},
      {10000000000, 10000000000, 100000000, Rounding::kDown, true, 1000000000000},  // 1e20 / 1e8
      {kMax, kMax, kMax, Rounding::kDown, true, kMax},
      {kMax, kMax, kMax, Rounding::kUp, true, kMax},
      {kMax, 2, 2, Rounding::kUp, true, kMax},
      {kMax, 10, 3, Rounding::kDown, false, 0},
      // 4294967295 * 4294967297 = 2^64 - 1 = 2 * INT64_MAX + 1: floor fits, ceiling does not
      {4294967295, 4294967297, 2, Rounding::kDown, true, kMax},
      {4294967295, 4294967297, 2, Rounding::kUp, false, 0},
      // result overflow
      {kMax, 2, 1, Rounding::kDown, false, 0},
      {kMax, kMax, 1, Rounding::kDown, false, 0},
      // invalid inputs
      {-1, 5, 1, Rounding::kDown, false, 0},
      {5, -1, 1, Rounding::kDown, false, 0},
      {-5, -5, 1, Rounding::kDown, false, 0},
      {kMin, 1, 1, Rounding::kDown, false, 0},
      {5, 5, 0, Rounding::kDown, false, 0},
      {5, 5, 0, Rounding::kUp, false, 0},
      {5, 5, -1, Rounding::kDown, false, 0},
      {5, 5, kMin, Rounding::kUp, false, 0},
  };
  for (const Case& c : kCases) {
    INFO("mul_div(" << c.a << ", " << c.b << ", " << c.d << ", " << (c.r == Rounding::kUp ? "up" : "down") << ")");
    int64_t out = -42;
    const bool ok = mul_div(c.a, c.b, c.d, c.r, &out);
    CHECK(ok == c.ok);
    if (ok && c.ok) CHECK(out == c.result);
  }
}

}  // namespace otc
