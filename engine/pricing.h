// engine/pricing.h: grids, notionals and the desk's price for a client.
//
// Pure functions of reference data and inputs; any thread.
//
// Price formula (ARCHITECTURE.md "Pricing"), all integers:
//   spread_cbps = tier half-spread for the instrument + size add-on (the highest band
//                 whose min_qty <= qty)
//   bid   = floor_to_tick(mid * (1e6 - spread_cbps) / 1e6)
//   offer = ceil_to_tick (mid * (1e6 + spread_cbps) / 1e6)
// i.e. rounded away from mid, never narrower than the configured spread.
// Notional = qty * price converted to the quote asset's minor units, rounded in the
// desk's favour: up when the client pays (buys), down when the client receives (sells).
// Fee = notional * fee_cbps / 1e6, rounded up, charged in the quote asset.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "common/types.h"
#include "engine/reference_data.h"

namespace otc::engine {

// Parses a FIX quantity for `inst` and checks it against the grid and bounds:
// zero, negative, malformed, out of range, off the lot step, below min, above max.
Result<Qty> parse_qty(const ReferenceData& ref, const InstrumentSpec& inst, const std::string& text);

// Parses a FIX price for `inst`: malformed, not positive, out of range, off the tick.
Result<Price> parse_price(const InstrumentSpec& inst, const std::string& text);

std::string format_qty(const ReferenceData& ref, const InstrumentSpec& inst, Qty q);
std::string format_price(const InstrumentSpec& inst, Price p);

struct TwoWayPrice {
  std::optional<Price> bid;    // absent when it would not be positive
  Price offer;
  int64_t spread_cbps = 0;
};

// The client's price for `qty` of `inst` around reference `mid`.
Result<TwoWayPrice> price_for(const InstrumentSpec& inst, const TierSpec& tier, Price mid, Qty qty);

// qty * price in quote-asset minor units, rounded as documented above.
Result<Amount> notional(const ReferenceData& ref, const InstrumentSpec& inst, Qty qty, Price px, Side client_side);

// Fee on `notional` for the tier, rounded up.
Result<Amount> fee(const TierSpec& tier, Amount notional);

}  // namespace otc::engine
