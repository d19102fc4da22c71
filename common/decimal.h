// common/decimal.h: exact conversion between FIX decimal strings and scaled integers.
//
// FIX sends prices and quantities as decimal text. We convert them once, at the edge,
// into integers in a fixed scale (value * 10^scale) and never use floating point.
// A digit that the scale cannot hold is an error (kTooPrecise), never rounded away.
// Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace otc {

enum class DecimalError : uint8_t {
  kOk = 0,
  kEmpty,        // no characters
  kMalformed,    // anything but [-]digits[.digits]: '+', exponent, spaces, two dots, no digit
  kTooPrecise,   // a non-zero digit beyond `scale` decimals
  kOverflow,     // |value * 10^scale| does not fit int64
};

// Longest decimal text we look at; longer input is kMalformed (bounded work on input).
inline constexpr size_t kDecimalTextMax = 64;

// Parses `text` as value * 10^scale into *out. REQUIRES: 0 <= scale <= 18.
// Accepts an optional leading '-', digits with at most one '.', leading zeros and
// trailing zeros ("00023.2300" at scale 2 is 2323). "-0" is 0.
[[nodiscard]] DecimalError parse_decimal(std::string_view text, int scale, int64_t* out);

// Formats value / 10^scale as plain decimal text with trailing fractional zeros
// removed ("65000.5", "1", "-0.00012"). REQUIRES: 0 <= scale <= 18.
std::string format_decimal(int64_t value, int scale);

// Formats with exactly `scale` decimals ("65000.50"), for amounts shown to people.
std::string format_decimal_fixed(int64_t value, int scale);

const char* decimal_error_name(DecimalError e);

}  // namespace otc
