#include "common/decimal.h"

#include "common/assert.h"

#include "common/checked.h"

namespace otc {

DecimalError parse_decimal(std::string_view text, int scale, int64_t* out) {
  OTC_ASSERT(scale >= 0 && scale <= 18);
  if (text.empty()) return DecimalError::kEmpty;
  if (text.size() > kDecimalTextMax) return DecimalError::kMalformed;

  size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  // Accumulate as a negative number so that INT64_MIN is reachable without overflow
  // tricks; flip at the end.
  int64_t acc = 0;
  int digits = 0;
  int frac_digits = 0;
  bool seen_dot = false;
  bool too_precise = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (seen_dot) return DecimalError::kMalformed;
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return DecimalError::kMalformed;
    ++digits;
    const int d = c - '0';
    if (seen_dot) {
      ++frac_digits;
      if (frac_digits > scale) {
        if (d != 0) too_precise = true;
        continue;  // trailing zeros beyond the scale are harmless
      }
    }
    if (!checked_mul(acc, 10, &acc) || !checked_sub(acc, d, &acc)) {
      // Keep scanning for malformed characters first: they are the better message.
      bool dot = seen_dot;
      for (size_t j = i + 1; j < text.size(); ++j) {
        const char c2 = text[j];
        if (c2 == '.') {
          if (dot) return DecimalError::kMalformed;
          dot = true;
        } else if (c2 < '0' || c2 > '9') {
          return DecimalError::kMalformed;
        }
      }
      return DecimalError::kOverflow;
    }
  }
  if (digits == 0) return DecimalError::kMalformed;
  if (too_precise) return DecimalError::kTooPrecise;
  for (int k = frac_digits < scale ? frac_digits : scale; k < scale; ++k) {
    if (!checked_mul(acc, 10, &acc)) return DecimalError::kOverflow;
  }
  if (negative) {
    *out = acc;
    return DecimalError::kOk;
  }
  if (acc == INT64_MIN) return DecimalError::kOverflow;
  *out = -acc;
  return DecimalError::kOk;
}

std::string format_decimal_fixed(int64_t value, int scale) {
  OTC_ASSERT(scale >= 0 && scale <= 18);
  const bool negative = value < 0;
  // Work in unsigned to cover INT64_MIN.
  uint64_t mag = negative ? static_cast<uint64_t>(0) - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string digits = std::to_string(mag);
  if (static_cast<int>(digits.size()) <= scale) digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  std::string out;
  out.reserve(digits.size() + 2);
  if (negative) out.push_back('-');
  const size_t int_len = digits.size() - static_cast<size_t>(scale);
  out.append(digits, 0, int_len);
  if (scale > 0) {
    out.push_back('.');
    out.append(digits, int_len, std::string::npos);
  }
  return out;
}

std::string format_decimal(int64_t value, int scale) {
  std::string s = format_decimal_fixed(value, scale);
  if (scale == 0) return s;
  size_t end = s.size();
  while (end > 0 && s[end - 1] == '0') --end;
  if (end > 0 && s[end - 1] == '.') --end;
  s.resize(end);
  if (s == "-0") return "0";
  return s;
}

const char* decimal_error_name(DecimalError e) {
  switch (e) {
    case DecimalError::kOk: return "ok";
    case DecimalError::kEmpty: return "empty";
    case DecimalError::kMalformed: return "malformed";
    case DecimalError::kTooPrecise: return "too_precise";
    case DecimalError::kOverflow: return "overflow";
  }
  return "unknown";
}

}  // namespace otc
