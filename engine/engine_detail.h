// engine/engine_detail.h: small helpers shared by engine.cc and orders.cc (not public API).
#pragma once

#include <optional>
#include <string>

#include "common/types.h"
#include "engine/engine.h"

namespace otc::engine::detail {

inline constexpr const char* kDeskOwner = "DESK";
inline constexpr const char* kFeeOwner = "FEES";
inline constexpr const char* kExternalOwner = "EXTERNAL";

inline std::optional<Side> side_from_char(char c) {
  if (c == '1') return Side::kBuy;
  if (c == '2') return Side::kSell;
  return std::nullopt;
}

inline std::string char_text(char c) { return c == 0 ? std::string() : std::string(1, c); }

// Canonical payload text. Client-supplied strings may hold invalid UTF-8: replaced
// (U+FFFD), never thrown, so no exception leaves the engine.
inline std::string canonical(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace otc::engine::detail
