// engine/pricing.h: grids, notionals and the desk's price for a client.
//
// Pure functions of reference data and inputs; any thread.
//
// Price formula (ARCHITECTURE.md "Pricing"), all integers, cbps = 1/100 bp:
//   notional_mid = qty * mid in quote-asset minor units (rounded down)
//   spread_cbps  = tier half-spread for the instrument + size add-on (the highest band
//                  whose min_notional <= notional_mid)
//   skew_cbps    = clamp(desk_position / 10^base_decimals * skew_cbps_per_unit,
//                        -skew_max_cbps, +skew_max_cbps)   (desk long -> positive)
//   bid   = floor_to_tick(mid * (1e6 - spread_cbps - skew_cbps) / 1e6)
//   offer = ceil_to_tick (mid * (1e6 + spread_cbps - skew_cbps) / 1e6)
// i.e. both sides move against the desk's position and are rounded away from the
// (skewed) mid, never narrower than the configured spread.
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
  int64_t skew_cbps = 0;
};

// The inventory skew for a desk position of `desk_position` base minor units.
int64_t skew_cbps(const ReferenceData& ref, const InstrumentSpec& inst, Amount desk_position);

// The client's price for `qty` of `inst` around reference `mid`, with the desk holding
// `desk_position` of the base asset (minor units; negative = short).
Result<TwoWayPrice> price_for(const ReferenceData& ref, const InstrumentSpec& inst, const TierSpec& tier, Price mid,
                              Qty qty, Amount desk_position);

// qty * price in quote-asset minor units, rounded as documented above.
Result<Amount> notional(const ReferenceData& ref, const InstrumentSpec& inst, Qty qty, Price px, Side client_side);

// The same for an exact value in (base minor unit x price unit), e.g. a sum of fills.
Result<Amount> notional_of_value(const ReferenceData& ref, const InstrumentSpec& inst, __int128 value,
                                 Side client_side);

// Fee on `notional` for the tier, rounded up.
Result<Amount> fee(const TierSpec& tier, Amount notional);
// The same at an explicit rate (an order keeps the rate it was accepted with).
Result<Amount> fee_at(int64_t fee_cbps, Amount notional);

}  // namespace otc::engine
