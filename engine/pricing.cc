#include "common/assert.h"
#include "engine/pricing.h"


#include "common/checked.h"
#include "common/decimal.h"

namespace otc::engine {
namespace {

Reject decimal_reject(DecimalError e, RejectReason malformed, const std::string& what, const std::string& text,
                      int scale) {
  switch (e) {
    case DecimalError::kTooPrecise:
      return make_reject(malformed == RejectReason::kQtyMalformed ? RejectReason::kQtyOffLot : RejectReason::kPriceOffTick,
                         what + " '" + text + "' has more than " + std::to_string(scale) + " decimals");
    case DecimalError::kOverflow:
      return make_reject(RejectReason::kNumberOutOfRange, what + " '" + text + "' is out of range");
    case DecimalError::kEmpty:
      return make_reject(RejectReason::kMissingField, what + " is empty");
    case DecimalError::kMalformed:
    case DecimalError::kOk:
      break;
  }
  return make_reject(malformed, what + " '" + text + "' is not a plain decimal number");
}

__int128 pow10_i128(int e) {
  OTC_ASSERT(e >= 0 && e <= 36);
  __int128 v = 1;
  for (int i = 0; i < e; ++i) v *= 10;
  return v;
}

}  // namespace

Result<Qty> parse_qty(const ReferenceData& ref, const InstrumentSpec& inst, const std::string& text) {
  const int scale = ref.asset(inst.base).decimals;
  int64_t v = 0;
  const DecimalError e = parse_decimal(text, scale, &v);
  if (e == DecimalError::kTooPrecise && text[0] == '-') {
    return make_reject(RejectReason::kQtyNegative, "quantity '" + text + "' is negative");
  }
  if (e != DecimalError::kOk) return decimal_reject(e, RejectReason::kQtyMalformed, "quantity", text, scale);
  if (v == 0) return make_reject(RejectReason::kQtyZero, "quantity is zero");
  if (v < 0) return make_reject(RejectReason::kQtyNegative, "quantity '" + text + "' is negative");
  if (v % inst.lot.value != 0) {
    return make_reject(RejectReason::kQtyOffLot, "quantity " + text + " is not a multiple of the lot step " +
                                                     format_qty(ref, inst, inst.lot));
  }
  if (v < inst.min_qty.value) {
    return make_reject(RejectReason::kQtyBelowMin, "quantity " + text + " is below the minimum " +
                                                       format_qty(ref, inst, inst.min_qty) + " for " + inst.symbol);
  }
  if (v > inst.max_qty.value) {
    return make_reject(RejectReason::kQtyAboveMax, "quantity " + text + " is above the maximum " +
                                                       format_qty(ref, inst, inst.max_qty) + " for " + inst.symbol);
  }
  return Qty(v);
}

Result<Price> parse_price(const InstrumentSpec& inst, const std::string& text) {
  int64_t v = 0;
  const DecimalError e = parse_decimal(text, inst.price_decimals, &v);
  if (e == DecimalError::kTooPrecise && text[0] == '-') {
    return make_reject(RejectReason::kPriceNotPositive, "price '" + text + "' is not positive");
  }
  if (e != DecimalError::kOk) {
    return decimal_reject(e, RejectReason::kPriceMalformed, "price", text, inst.price_decimals);
  }
  if (v <= 0) return make_reject(RejectReason::kPriceNotPositive, "price '" + text + "' is not positive");
  if (v % inst.tick != 0) {
    return make_reject(RejectReason::kPriceOffTick, "price " + text + " is not a multiple of the tick " +
                                                        format_decimal(inst.tick, inst.price_decimals));
  }
  return Price(v);
}

std::string format_qty(const ReferenceData& ref, const InstrumentSpec& inst, Qty q) {
  return format_decimal(q.value, ref.asset(inst.base).decimals);
}

std::string format_price(const InstrumentSpec& inst, Price p) { return format_decimal(p.value, inst.price_decimals); }

int64_t skew_cbps(const ReferenceData& ref, const InstrumentSpec& inst, Amount desk_position) {
  if (inst.skew_cbps_per_unit == 0 || inst.skew_max_cbps == 0) return 0;
  const __int128 unit = pow10_i128(ref.asset(inst.base).decimals);
  const __int128 raw = static_cast<__int128>(desk_position.value) * inst.skew_cbps_per_unit / unit;
  if (raw > inst.skew_max_cbps) return inst.skew_max_cbps;
  if (raw < -inst.skew_max_cbps) return -inst.skew_max_cbps;
  return static_cast<int64_t>(raw);
}

Result<TwoWayPrice> price_for(const ReferenceData& ref, const InstrumentSpec& inst, const TierSpec& tier, Price mid,
                              Qty qty, Amount desk_position) {
  OTC_ASSERT(mid.value > 0);
  OTC_ASSERT(inst.tick > 0);
  Result<Amount> at_mid = notional(ref, inst, qty, mid, Side::kSell);  // rounded down
  if (!at_mid.ok()) return at_mid.reject();
  int64_t spread = tier.half_spread_for(inst.id);
  for (const SizeBand& b : inst.size_bands) {
    if (at_mid.value().value >= b.min_notional.value) spread = tier.half_spread_for(inst.id) + b.add_cbps;
  }
  const int64_t skew = skew_cbps(ref, inst, desk_position);
  // Config bounds (kSpreadMaxCbps, kSkewMaxCbps) keep both factors positive.
  OTC_ASSERT(spread >= 0 && spread <= 2 * kSpreadMaxCbps);
  OTC_ASSERT(skew >= -kSkewMaxCbps && skew <= kSkewMaxCbps);
  TwoWayPrice out;
  out.spread_cbps = spread;
  out.skew_cbps = skew;
  int64_t raw_bid = 0;
  int64_t raw_offer = 0;
  if (!mul_div(mid.value, kCbpsPerUnit - spread - skew, kCbpsPerUnit, Rounding::kDown, &raw_bid) ||
      !mul_div(mid.value, kCbpsPerUnit + spread - skew, kCbpsPerUnit, Rounding::kUp, &raw_offer)) {
    return make_reject(RejectReason::kNumberOutOfRange, "price out of range");
  }
  const int64_t bid = raw_bid / inst.tick * inst.tick;  // floor: raw_bid >= 0
  int64_t offer = (raw_offer / inst.tick) * inst.tick;
  if (offer < raw_offer && !checked_add(offer, inst.tick, &offer)) {
    return make_reject(RejectReason::kNumberOutOfRange, "price out of range");
  }
  if (bid > 0) out.bid = Price(bid);
  out.offer = Price(offer);
  OTC_ASSERT(!out.bid || out.bid->value <= out.offer.value);
  return out;
}

Result<Amount> notional(const ReferenceData& ref, const InstrumentSpec& inst, Qty qty, Price px, Side client_side) {
  OTC_ASSERT(qty.value >= 0 && px.value >= 0);
  return notional_of_value(ref, inst, static_cast<__int128>(qty.value) * static_cast<__int128>(px.value), client_side);
}

Result<Amount> notional_of_value(const ReferenceData& ref, const InstrumentSpec& inst, __int128 product,
                                 Side client_side) {
  OTC_ASSERT(product >= 0);
  const int base_dec = ref.asset(inst.base).decimals;
  const int quote_dec = ref.asset(inst.quote).decimals;
  const int e = base_dec + inst.price_decimals - quote_dec;
  __int128 result;
  if (e >= 0) {
    const __int128 d = pow10_i128(e);
    result = product / d;
    if (client_side == Side::kBuy && product % d != 0) result += 1;
  } else {
    const __int128 m = pow10_i128(-e);
    if (product > static_cast<__int128>(INT64_MAX) / m) {
      return make_reject(RejectReason::kNotionalOverflow, "notional out of range");
    }
    result = product * m;
  }
  if (result > INT64_MAX) return make_reject(RejectReason::kNotionalOverflow, "notional out of range");
  return Amount(static_cast<int64_t>(result));
}

Result<Amount> fee(const TierSpec& tier, Amount notional_amount) { return fee_at(tier.fee_cbps, notional_amount); }

Result<Amount> fee_at(int64_t fee_cbps, Amount notional_amount) {
  int64_t f = 0;
  if (!mul_div(notional_amount.value, fee_cbps, kCbpsPerUnit, Rounding::kUp, &f)) {
    return make_reject(RejectReason::kNotionalOverflow, "fee out of range");
  }
  return Amount(f);
}

}  // namespace otc::engine
