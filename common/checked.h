// common/checked.h: overflow-checked integer arithmetic for money.
//
// Every helper returns false on overflow and leaves *out unspecified; callers turn
// that into a RejectReason. Pure functions, any thread.
#pragma once

#include <cstdint>

namespace otc {

[[nodiscard]] inline bool checked_add(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }
[[nodiscard]] inline bool checked_sub(int64_t a, int64_t b, int64_t* out) { return !__builtin_sub_overflow(a, b, out); }
[[nodiscard]] inline bool checked_mul(int64_t a, int64_t b, int64_t* out) { return !__builtin_mul_overflow(a, b, out); }

// 10^exp for 0 <= exp <= 18, else 0 (callers assert on configured scales).
constexpr int64_t pow10_i64(int exp) {
  if (exp < 0 || exp > 18) return 0;
  int64_t v = 1;
  for (int i = 0; i < exp; ++i) v *= 10;
  return v;
}

enum class Rounding : uint8_t { kDown, kUp };  // toward zero / away from zero (non-negative inputs)

// Computes a * b / d for non-negative a, b and positive d with a 128-bit intermediate,
// rounding as asked. Returns false if the result does not fit int64 or inputs are invalid.
[[nodiscard]] inline bool mul_div(int64_t a, int64_t b, int64_t d, Rounding r, int64_t* out) {
  if (a < 0 || b < 0 || d <= 0) return false;
  const __int128 p = static_cast<__int128>(a) * static_cast<__int128>(b);
  __int128 q = p / d;
  if (r == Rounding::kUp && p % d != 0) q += 1;
  if (q > INT64_MAX) return false;
  *out = static_cast<int64_t>(q);
  return true;
}

}  // namespace otc
