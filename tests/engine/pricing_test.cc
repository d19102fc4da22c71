// tests/engine/pricing_test.cc: quantity and price grids, the desk's two-way price,
// notional and fee rounding. Scenario tables: one line per case, ending in the result.
#include "engine/pricing.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "common/checked.h"
#include "tests/engine/fixture.h"

namespace otc::engine::test {
namespace {

using R = RejectReason;
// Expected outcome of a case: the value (in scaled integer units) or the reason.
using Want = std::variant<int64_t, RejectReason>;

std::string describe(const Want& w) {
  if (const auto* v = std::get_if<int64_t>(&w)) return std::to_string(*v);
  return Catch::StringMaker<RejectReason>::convert(std::get<RejectReason>(w));
}

template <typename T>
void check_result(const Result<T>& got, const Want& want) {
  if (got.ok()) {
    INFO("got value " << got.value().value << ", want " << describe(want));
    REQUIRE(std::holds_alternative<int64_t>(want));
    CHECK(got.value().value == std::get<int64_t>(want));
  } else {
    INFO("got reject " << reject_name(got.reject().reason) << " (" << got.reject().detail << "), want "
                       << describe(want));
    REQUIRE(std::holds_alternative<RejectReason>(want));
    CHECK(got.reject().reason == std::get<RejectReason>(want));
    CHECK_FALSE(got.reject().detail.empty());
  }
}

struct TextCase {
  InstrumentId inst;
  std::string text;
  Want want;
};

TEST_CASE("parse_qty: zero, sign, shape, grid, range and bounds", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  // BTC/USD: BTC 8 decimals, lot 0.0001, min 0.0001, max 50.
  // EUR/USD: EUR 2 decimals, lot 0.01, min 1000, max 50000000.
  // USDT/USD: USDT 6 decimals, lot 1, min 100, max 10000000.
  // ETH/BTC: ETH 9 decimals (gwei), lot 0.001, min 0.001, max 1000.
  const std::vector<TextCase> cases = {
      // zero
      {kBtcUsd, "0", R::kQtyZero},
      {kBtcUsd, "0.0000", R::kQtyZero},
      {kBtcUsd, "-0", R::kQtyZero},
      {kBtcUsd, "000.00000000", R::kQtyZero},
      // negative (checked before the grid)
      {kBtcUsd, "-1", R::kQtyNegative},
      {kBtcUsd, "-0.0001", R::kQtyNegative},
      {kBtcUsd, "-0.00005", R::kQtyNegative},
      {kBtcUsd, "-0.000000001", R::kQtyNegative},  // the sign is the better message than the grid
      {kBtcUsd, "-92233720368.54775808", R::kQtyNegative},  // INT64_MIN sat still parses
      // malformed
      {kBtcUsd, "abc", R::kQtyMalformed},
      {kBtcUsd, "1e3", R::kQtyMalformed},
      {kBtcUsd, "+1", R::kQtyMalformed},
      {kBtcUsd, " 1", R::kQtyMalformed},
      {kBtcUsd, "1 ", R::kQtyMalformed},
      {kBtcUsd, "1..0", R::kQtyMalformed},
      {kBtcUsd, "1.0.0", R::kQtyMalformed},
      {kBtcUsd, ".", R::kQtyMalformed},
      {kBtcUsd, "-", R::kQtyMalformed},
      {kBtcUsd, "--1", R::kQtyMalformed},
      {kBtcUsd, "1,5", R::kQtyMalformed},
      {kBtcUsd, "0x10", R::kQtyMalformed},
      {kBtcUsd, "NaN", R::kQtyMalformed},
      {kBtcUsd, std::string(65, '1'), R::kQtyMalformed},     // longer than kDecimalTextMax
      {kBtcUsd, "99999999999999999999x", R::kQtyMalformed},  // malformed wins over overflow
      // empty text
      {kBtcUsd, "", R::kMissingField},
      // off the lot step, including more decimals than the asset holds
      {kBtcUsd, "0.00005", R::kQtyOffLot},
      {kBtcUsd, "0.00000001", R::kQtyOffLot},  // 1 sat: on the asset scale, off the lot
      {kBtcUsd, "1.00015", R::kQtyOffLot},
      {kBtcUsd, "0.000000001", R::kQtyOffLot},           // 9 decimals: BTC has 8
      {kBtcUsd, "92233720368.54775807", R::kQtyOffLot},  // INT64_MAX sat parses, off lot
      {kEurUsd, "1000.001", R::kQtyOffLot},
      {kEthBtc, "0.0015", R::kQtyOffLot},
      {kEthBtc, "0.0000000001", R::kQtyOffLot},  // 10 decimals: ETH has 9
      {kUsdtUsd, "100.5", R::kQtyOffLot},
      {kUsdtUsd, "50.5", R::kQtyOffLot},  // off lot and below min: the lot is checked first
      // out of int64 range
      {kBtcUsd, "92233720368.54775808", R::kNumberOutOfRange},  // INT64_MAX + 1 sat
      {kBtcUsd, "100000000000", R::kNumberOutOfRange},
      {kBtcUsd, "99999999999999999999999", R::kNumberOutOfRange},
      {kBtcUsd, "-92233720368.54775809", R::kNumberOutOfRange},
      {kEthBtc, "9223372036.854775808", R::kNumberOutOfRange},
      // bounds: min - 1 lot, min, max, max + 1 lot
      {kEurUsd, "0.01", R::kQtyBelowMin},
      {kEurUsd, "999.99", R::kQtyBelowMin},
      {kEurUsd, "1000", 100000},
      {kEurUsd, "50000000", 5000000000},
      {kEurUsd, "50000000.01", R::kQtyAboveMax},
      {kUsdtUsd, "99", R::kQtyBelowMin},
      {kUsdtUsd, "100", 100000000},
      {kUsdtUsd, "10000000", 10000000000000},
      {kUsdtUsd, "10000001", R::kQtyAboveMax},
      {kBtcUsd, "0.0001", 10000},  // min is one lot
      {kBtcUsd, "49.9999", 4999990000},
      {kBtcUsd, "50", 5000000000},
      {kBtcUsd, "50.0001", R::kQtyAboveMax},
      {kBtcUsd, "92233720368.5477", R::kQtyAboveMax},  // the largest lot multiple in range
      {kEthBtc, "0.001", 1000000},
      {kEthBtc, "1000", 1000000000000},
      {kEthBtc, "1000.001", R::kQtyAboveMax},
      // exact values
      {kBtcUsd, "1", 100000000},
      {kBtcUsd, "0001.2345", 123450000},
      {kBtcUsd, "1.23450000000", 123450000},  // zeros beyond the scale are harmless
      {kBtcUsd, "12.5", 1250000000},
      {kEthBtc, "1.5", 1500000000},
      {kEurUsd, "1234567.89", 123456789},
  };
  for (const TextCase& c : cases) {
    INFO(ref.instrument(c.inst).symbol << " qty '" << c.text << "'");
    check_result(parse_qty(ref, ref.instrument(c.inst), c.text), c.want);
  }
}

TEST_CASE("parse_price: sign, shape, tick grid and range", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  // BTC/USD 2 decimals tick 0.01; ETH/BTC 6 decimals tick 0.000001; EUR/USD 5 decimals;
  // GBP/USDT 3 decimals tick 0.005 (a grid coarser than the scale).
  const std::vector<TextCase> cases = {
      {kBtcUsd, "65000.00", 6500000},
      {kBtcUsd, "65000", 6500000},
      {kBtcUsd, "65000.5", 6500050},
      {kBtcUsd, "65000.010", 6500001},
      {kBtcUsd, "0.01", 1},  // one tick
      {kBtcUsd, "92233720368547758.07", INT64_MAX},
      {kBtcUsd, "92233720368547758.08", R::kNumberOutOfRange},
      {kBtcUsd, "100000000000000000000", R::kNumberOutOfRange},
      {kBtcUsd, "65000.001", R::kPriceOffTick},  // more decimals than the price scale
      {kBtcUsd, "0.001", R::kPriceOffTick},
      {kBtcUsd, "-0.001", R::kPriceNotPositive},  // the sign is the better message than the grid
      {kBtcUsd, "0", R::kPriceNotPositive},
      {kBtcUsd, "0.00", R::kPriceNotPositive},
      {kBtcUsd, "-0", R::kPriceNotPositive},
      {kBtcUsd, "-0.01", R::kPriceNotPositive},
      {kBtcUsd, "-65000", R::kPriceNotPositive},
      {kBtcUsd, "abc", R::kPriceMalformed},
      {kBtcUsd, "6.5e4", R::kPriceMalformed},
      {kBtcUsd, "65 000", R::kPriceMalformed},
      {kBtcUsd, "$65000", R::kPriceMalformed},
      {kBtcUsd, "65000.00.00", R::kPriceMalformed},
      {kBtcUsd, "+65000", R::kPriceMalformed},
      {kBtcUsd, std::string(65, '9'), R::kPriceMalformed},
      {kBtcUsd, "", R::kMissingField},
      {kEthBtc, "0.049000", 49000},
      {kEthBtc, "0.000001", 1},
      {kEthBtc, "0.0000005", R::kPriceOffTick},
      {kEurUsd, "1.08500", 108500},
      {kEurUsd, "1.085001", R::kPriceOffTick},
      {kGbpUsdt, "1.275", 1275},
      {kGbpUsdt, "1.27", 1270},
      {kGbpUsdt, "1.2750", 1275},
      {kGbpUsdt, "0.005", 5},  // one tick
      {kGbpUsdt, "1.271", R::kPriceOffTick},
      {kGbpUsdt, "0.004", R::kPriceOffTick},
      {kGbpUsdt, "1.2751", R::kPriceOffTick},
  };
  for (const TextCase& c : cases) {
    INFO(ref.instrument(c.inst).symbol << " price '" << c.text << "'");
    check_result(parse_price(ref.instrument(c.inst), c.text), c.want);
  }
}

TEST_CASE("format_qty / format_price round-trip the parsed values", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  CHECK(format_qty(ref, ref.instrument(kBtcUsd), Qty(123450000)) == "1.2345");
  CHECK(format_qty(ref, ref.instrument(kEthBtc), Qty(1000000)) == "0.001");
  CHECK(format_price(ref.instrument(kBtcUsd), Price(6503250)) == "65032.5");
  CHECK(format_price(ref.instrument(kEthBtc), Price(49025)) == "0.049025");
  CHECK(format_price(ref.instrument(kGbpUsdt), Price(1275)) == "1.275");
}

struct PriceCase {
  InstrumentId inst;
  int tier;  // index into demo tiers; 3 = a flat tier (no spread, no fee)
  std::string mid;
  std::string qty;
  std::optional<std::string> bid;  // nullopt: no positive bid
  std::string offer;
  int64_t spread_cbps;
};

TierSpec flat_tier() {
  TierSpec t;
  t.id = 3;
  t.name = "flat";
  t.half_spread_cbps = 0;
  t.fee_cbps = 0;
  t.quote_ttl_ms = 1000;
  t.quote_ttl_max_ms = 1000;
  return t;
}

void check_two_way(const InstrumentSpec& inst, const TwoWayPrice& p, const std::optional<std::string>& bid,
                   const std::string& offer) {
  if (bid) {
    REQUIRE(p.bid.has_value());
    CHECK(format_price(inst, *p.bid) == *bid);
    CHECK(p.bid->value % inst.tick == 0);
  } else {
    CHECK_FALSE(p.bid.has_value());
  }
  CHECK(format_price(inst, p.offer) == offer);
  CHECK(p.offer.value % inst.tick == 0);
}

TEST_CASE("price_for: tick grid, rounding away from mid, spread = tier + size band", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  const TierSpec flat = flat_tier();
  auto tier = [&](int i) -> const TierSpec& { return i == 3 ? flat : ref.tiers.at(static_cast<size_t>(i)); };
  // The desk is flat (position 0) in this table: no skew. Size bands go by the notional
  // at mid: BTC/USD and ETH/USD +2 bp from 250000 USD, +5 bp from 1000000 USD.
  const std::vector<PriceCase> cases = {
      // BTC/USD gold 5 bp at 65000: the 250k band starts at 3.84615.. BTC, the 1M band at
      // 15.3846.. BTC (highest band that applies).
      {kBtcUsd, 0, "65000.00", "1", "64967.5", "65032.5", 500},
      {kBtcUsd, 0, "65000.00", "0.0001", "64967.5", "65032.5", 500},
      {kBtcUsd, 0, "65000.00", "3.8461", "64967.5", "65032.5", 500},  // 249996.50 USD
      {kBtcUsd, 0, "65000.00", "3.8462", "64954.5", "65045.5", 700},  // 250003.00 USD
      // Recomputed for notional bands: 4.9999 BTC is 324993.50 USD, so +2 bp (it was under
      // the old 5 BTC band): 6500000 * 0.9993 = 6495450, 6500000 * 1.0007 = 6504550.
      {kBtcUsd, 0, "65000.00", "4.9999", "64954.5", "65045.5", 700},
      {kBtcUsd, 0, "65000.00", "5", "64954.5", "65045.5", 700},
      {kBtcUsd, 0, "65000.00", "15.3846", "64954.5", "65045.5", 700},  // 999999.00 USD
      {kBtcUsd, 0, "65000.00", "15.3847", "64935", "65065", 1000},     // 1000005.50 USD
      // Recomputed: 19.9999 BTC is 1299993.50 USD, so +5 bp (it was +2 bp under the old
      // 20 BTC band): 6500000 * 0.999 = 6493500, 6500000 * 1.001 = 6506500.
      {kBtcUsd, 0, "65000.00", "19.9999", "64935", "65065", 1000},
      {kBtcUsd, 0, "65000.00", "20", "64935", "65065", 1000},
      {kBtcUsd, 0, "65000.00", "50", "64935", "65065", 1000},
      // Off-grid raw prices round away from mid: 6496750.9995 -> down, 6503251.0005 -> up.
      {kBtcUsd, 0, "65000.01", "1", "64967.5", "65032.52", 500},
      // silver 10 bp (+2 bp from 250000 USD: 5 BTC is 325000 USD)
      {kBtcUsd, 1, "65000.00", "1", "64935", "65065", 1000},
      {kBtcUsd, 1, "65000.00", "5", "64922", "65078", 1200},
      // bronze 25 bp
      {kBtcUsd, 2, "65000.00", "1", "64837.5", "65162.5", 2500},
      // ETH/USD at 3200: the bands start exactly at 78.125 ETH (250000.00 USD) and 312.5 ETH.
      {kEthUsd, 0, "3200.00", "78.124", "3198.4", "3201.6", 500},  // 249996.80 USD
      {kEthUsd, 0, "3200.00", "78.125", "3197.76", "3202.24", 700},
      {kEthUsd, 0, "3200.00", "312.499", "3197.76", "3202.24", 700},  // 999996.80 USD
      {kEthUsd, 0, "3200.00", "312.5", "3196.8", "3203.2", 1000},
      // per-instrument override: gold EUR/USD 0.5 bp, silver 1 bp; bronze has none (25 bp)
      {kEurUsd, 0, "1.08500", "1000", "1.08494", "1.08506", 50},
      {kEurUsd, 1, "1.08500", "1000", "1.08489", "1.08511", 100},
      {kEurUsd, 2, "1.08500", "1000", "1.08228", "1.08772", 2500},
      {kUsdtUsd, 0, "1.00010", "100", "0.99999", "1.00021", 100},  // 99999.999 / 100020.001
      // coarse tick 0.005: 1.269365 -> 1.265, 1.270635 -> 1.275
      {kGbpUsdt, 0, "1.270", "1000", "1.265", "1.275", 500},
      // zero spread: bid = offer = mid on the grid; off-grid mid brackets it
      {kBtcUsd, 3, "65000.00", "1", "65000", "65000", 0},
      {kGbpUsdt, 3, "1.270", "1000", "1.27", "1.27", 0},
      {kGbpUsdt, 3, "1.271", "1000", "1.27", "1.275", 0},
      {kBtcUsd, 3, "65000.00", "5", "64987", "65013", 200},  // the band applies on a flat tier too
      // ETH/BTC realistic, then tiny mids where the bid rounds to zero
      {kEthBtc, 0, "0.049000", "1", "0.048975", "0.049025", 500},
      {kEthBtc, 0, "0.000002", "1", "0.000001", "0.000003", 500},
      {kEthBtc, 0, "0.000001", "1", std::nullopt, "0.000002", 500},
      {kEthBtc, 3, "0.000001", "1", "0.000001", "0.000001", 0},
  };
  for (const PriceCase& c : cases) {
    const InstrumentSpec& inst = ref.instrument(c.inst);
    INFO(inst.symbol << " tier " << tier(c.tier).name << " mid " << c.mid << " qty " << c.qty);
    const Price mid(dec(c.mid, inst.price_decimals));
    const Qty qty(dec(c.qty, ref.asset(inst.base).decimals));
    Result<TwoWayPrice> p = price_for(ref, inst, tier(c.tier), mid, qty, Amount(0));
    REQUIRE(p.ok());
    CHECK(p.value().spread_cbps == c.spread_cbps);
    CHECK(p.value().skew_cbps == 0);
    check_two_way(inst, p.value(), c.bid, c.offer);
  }
}

// The band goes by qty * mid in quote-asset minor units, rounded down, compared with
// min_notional (>=). Mids chosen so that the notional lands on, just below or just above
// 250000.00 / 1000000.00 USD.
TEST_CASE("price_for: size band selection at the notional boundary", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  struct BandCase {
    std::string mid;
    std::string qty;
    int64_t spread_cbps;  // gold 500 + band
  };
  const std::vector<BandCase> cases = {
      {"50000.00", "4.9999", 500},   // 249995.00
      {"50000.00", "5", 700},        // 250000.00: exactly min_notional is in the band
      {"50000.00", "5.0001", 700},   // 250005.00
      {"50000.00", "19.9999", 700},  // 999995.00
      {"50000.00", "20", 1000},      // 1000000.00
      {"62499.99", "4", 500},        // 249999.96: one step below
      {"62500.00", "4", 700},        // 250000.00
      {"62500.01", "4", 700},        // 250000.04
      // 0.5 * 499999.99 = 249999.995 USD: rounded down to 24999999 cents, below the band
      // (rounding up would have put it in).
      {"499999.99", "0.5", 500},
      {"500000.00", "0.5", 700},    // 250000.00
      {"1999999.99", "0.5", 700},   // 999999.995 -> 999999.99
      {"2000000.00", "0.5", 1000},  // 1000000.00
      {"0.01", "50", 500},          // 0.50 USD: small notionals have no add-on
  };
  const InstrumentSpec& inst = ref.instrument(kBtcUsd);
  for (const BandCase& c : cases) {
    INFO("BTC/USD mid " << c.mid << " qty " << c.qty);
    const Price mid(dec(c.mid, 2));
    const Qty qty(dec(c.qty, 8));
    Result<TwoWayPrice> p = price_for(ref, inst, ref.tiers[0], mid, qty, Amount(0));
    REQUIRE(p.ok());
    CHECK(p.value().spread_cbps == c.spread_cbps);
  }
  // No bands: never an add-on, whatever the notional.
  Result<TwoWayPrice> p = price_for(ref, ref.instrument(kBtcEur), ref.tiers[0], Price(dec("60000.00", 2)),
                                    Qty(dec("50", 8)), Amount(0));
  REQUIRE(p.ok());
  CHECK(p.value().spread_cbps == 500);
}

TEST_CASE("price_for: a notional at mid beyond int64 is kNotionalOverflow", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  // 50 BTC * 2e15 USD = 1e19 cents > INT64_MAX: no band can be chosen.
  Result<TwoWayPrice> p = price_for(ref, ref.instrument(kBtcUsd), ref.tiers[0], Price(dec("2000000000000000.00", 2)),
                                    Qty(dec("50", 8)), Amount(0));
  REQUIRE_FALSE(p.ok());
  CHECK(p.reject().reason == R::kNotionalOverflow);
}

TEST_CASE("price_for: an offer beyond int64 is kNumberOutOfRange", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  Result<TwoWayPrice> p =
      price_for(ref, ref.instrument(kBtcUsd), ref.tiers[0], Price(INT64_MAX), Qty(100000000), Amount(0));
  REQUIRE_FALSE(p.ok());
  CHECK(p.reject().reason == R::kNumberOutOfRange);
}

// ---- Inventory skew -------------------------------------------------------------------

struct SkewCase {
  InstrumentId inst;
  std::string position;  // desk position in the base asset (units, signed)
  int64_t skew_cbps;
};

TEST_CASE("skew_cbps: sign, size, truncation and clamp", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  // BTC/USD 20 cbps (0.2 bp) per BTC, max 500; ETH/USD 1 cbps per ETH, max 500.
  const std::vector<SkewCase> cases = {
      {kBtcUsd, "0", 0},
      {kBtcUsd, "1", 20},
      {kBtcUsd, "-1", -20},
      {kBtcUsd, "10", 200},          // desk long 10 BTC: prices 2 bp lower
      {kBtcUsd, "-10", -200},        // desk short 10 BTC: prices 2 bp higher
      {kBtcUsd, "0.05", 1},          // 1 cbps takes 0.05 BTC
      {kBtcUsd, "0.04999999", 0},    // truncated toward zero, on both sides
      {kBtcUsd, "-0.04999999", 0},
      {kBtcUsd, "-0.05", -1},
      {kBtcUsd, "24.99999999", 499},
      {kBtcUsd, "25", 500},          // exactly the max
      {kBtcUsd, "25.05", 500},       // clamped
      {kBtcUsd, "-25.05", -500},
      {kBtcUsd, "1000", 500},
      {kBtcUsd, "-1000", -500},
      {kEthUsd, "1", 1},
      {kEthUsd, "0.999999999", 0},  // one gwei short of a whole ETH
      {kEthUsd, "-0.999999999", 0},
      {kEthUsd, "100", 100},
      {kEthUsd, "-100", -100},
      {kEthUsd, "500", 500},
      {kEthUsd, "-600", -500},
      // no skew configured: whatever the position
      {kBtcEur, "50", 0},
      {kBtcEur, "-50", 0},
      {kEthBtc, "1000", 0},
  };
  for (const SkewCase& c : cases) {
    const InstrumentSpec& inst = ref.instrument(c.inst);
    INFO(inst.symbol << " desk position " << c.position);
    const Amount pos(dec(c.position, ref.asset(inst.base).decimals));
    CHECK(skew_cbps(ref, inst, pos) == c.skew_cbps);
  }
  // The ends of the position's range are clamped, not overflowed.
  CHECK(skew_cbps(ref, ref.instrument(kBtcUsd), Amount(INT64_MAX)) == 500);
  CHECK(skew_cbps(ref, ref.instrument(kBtcUsd), Amount(INT64_MIN)) == -500);
  CHECK(skew_cbps(ref, ref.instrument(kEthUsd), Amount(INT64_MIN)) == -500);
}

TEST_CASE("skew_cbps: half a configuration is no skew; the config bound", "[pricing]") {
  ReferenceData ref = demo_reference_data();
  InstrumentSpec& inst = ref.instruments[kBtcUsd.value];
  const Amount long_10(1'000'000'000);
  inst.skew_cbps_per_unit = 20;
  inst.skew_max_cbps = 0;
  CHECK(skew_cbps(ref, inst, long_10) == 0);
  inst.skew_cbps_per_unit = 0;
  inst.skew_max_cbps = 500;
  CHECK(skew_cbps(ref, inst, long_10) == 0);
  inst.skew_cbps_per_unit = kSkewMaxCbps;  // the config bound: 1000 bp per BTC
  inst.skew_max_cbps = kSkewMaxCbps;
  CHECK(skew_cbps(ref, inst, Amount(1)) == 0);  // 1 sat * 100000 / 1e8 = 0.001 -> 0
  CHECK(skew_cbps(ref, inst, Amount(1000)) == 1);
  CHECK(skew_cbps(ref, inst, long_10) == kSkewMaxCbps);
  CHECK(skew_cbps(ref, inst, Amount(INT64_MAX)) == kSkewMaxCbps);
  // Widest spread and widest skew together still price (kSpreadMaxCbps bounds each of the
  // half-spread and the add-on): the bid stays positive.
  TierSpec wide = ref.tiers[0];
  wide.half_spread_cbps = kSpreadMaxCbps - 1;
  inst.size_bands = {SizeBand{Amount(1), kSpreadMaxCbps - 1}};
  Result<TwoWayPrice> p = price_for(ref, inst, wide, Price(6500000), Qty(100000000), long_10);
  REQUIRE(p.ok());
  CHECK(p.value().spread_cbps == 2 * (kSpreadMaxCbps - 1));
  CHECK(p.value().skew_cbps == kSkewMaxCbps);
  REQUIRE(p.value().bid.has_value());
  CHECK(p.value().bid->value == 6500000 * (kCbpsPerUnit - 2 * (kSpreadMaxCbps - 1) - kSkewMaxCbps) / kCbpsPerUnit);
}

struct SkewPriceCase {
  InstrumentId inst;
  int tier;  // 3 = flat
  std::string mid;
  std::string qty;
  std::string position;  // desk position, base units
  std::string bid;
  std::string offer;
  int64_t skew_cbps;
};

TEST_CASE("price_for: the skew moves both sides against the desk's position, exact ticks", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  const TierSpec flat = flat_tier();
  auto tier = [&](int i) -> const TierSpec& { return i == 3 ? flat : ref.tiers.at(static_cast<size_t>(i)); };
  // bid = floor(mid * (1e6 - spread - skew) / 1e6), offer = ceil(mid * (1e6 + spread - skew) / 1e6).
  const std::vector<SkewPriceCase> cases = {
      // BTC/USD gold (500 cbps), 1 BTC at 65000.00; a flat desk: 64967.50 / 65032.50.
      {kBtcUsd, 0, "65000.00", "1", "0", "64967.5", "65032.5", 0},
      // long 10 BTC, skew +200: 6500000 * 0.9993 = 6495450, * 1.0003 = 6501950 (both 13.00 lower)
      {kBtcUsd, 0, "65000.00", "1", "10", "64954.5", "65019.5", 200},
      // short 10 BTC, skew -200: 6500000 * 0.9997 = 6498050, * 1.0007 = 6504550 (both 13.00 higher)
      {kBtcUsd, 0, "65000.00", "1", "-10", "64980.5", "65045.5", -200},
      // long 25 BTC and beyond: clamped at +500 -> 6500000 * 0.999 = 6493500, offer = mid
      {kBtcUsd, 0, "65000.00", "1", "25", "64935", "65000", 500},
      {kBtcUsd, 0, "65000.00", "1", "50", "64935", "65000", 500},
      // short 50 BTC: -500 -> bid = mid, 6500000 * 1.001 = 6506500
      {kBtcUsd, 0, "65000.00", "1", "-50", "65000", "65065", -500},
      // long 0.05 BTC, skew +1: skewed mid 6499993.5; the raw 6496743.5 / 6503243.5 round
      // away from it: 64967.43 / 65032.44.
      {kBtcUsd, 0, "65000.00", "1", "0.05", "64967.43", "65032.44", 1},
      // short 0.05 BTC, skew -1: raw 6496756.5 / 6503256.5 -> 64967.56 / 65032.57
      {kBtcUsd, 0, "65000.00", "1", "-0.05", "64967.56", "65032.57", -1},
      // below one cbps: no skew
      {kBtcUsd, 0, "65000.00", "1", "0.04999999", "64967.5", "65032.5", 0},
      // the skew adds to the size band: 5 BTC (+2 bp) with the desk short 10 BTC:
      // 6500000 * (1e6 - 700 + 200) / 1e6 = 6496750, * (1e6 + 700 + 200) / 1e6 = 6505850
      {kBtcUsd, 0, "65000.00", "5", "-10", "64967.5", "65058.5", -200},
      // silver, desk long 1 BTC (+20): 6500000 * 0.99898 = 6493370, * 1.00098 = 6506370
      {kBtcUsd, 1, "65000.00", "1", "1", "64933.7", "65063.7", 20},
      // flat tier: both sides on the skewed mid 6500000 * 0.9998 = 6498700
      {kBtcUsd, 3, "65000.00", "1", "10", "64987", "64987", 200},
      // ETH/USD gold at 3200.00: long 100 ETH (+100): 320000 * 0.9994 = 319808, * 1.0004 = 320128
      {kEthUsd, 0, "3200.00", "1", "100", "3198.08", "3201.28", 100},
      // short 600 ETH: clamped at -500 -> bid = mid, 320000 * 1.001 = 320320
      {kEthUsd, 0, "3200.00", "1", "-600", "3200", "3203.2", -500},
      // BTC/EUR has no skew configured
      {kBtcEur, 0, "60000.00", "1", "-50", "59970", "60030", 0},
  };
  for (const SkewPriceCase& c : cases) {
    const InstrumentSpec& inst = ref.instrument(c.inst);
    INFO(inst.symbol << " tier " << tier(c.tier).name << " mid " << c.mid << " qty " << c.qty << " desk "
                     << c.position);
    const Price mid(dec(c.mid, inst.price_decimals));
    const Qty qty(dec(c.qty, ref.asset(inst.base).decimals));
    const Amount pos(dec(c.position, ref.asset(inst.base).decimals));
    Result<TwoWayPrice> p = price_for(ref, inst, tier(c.tier), mid, qty, pos);
    REQUIRE(p.ok());
    CHECK(p.value().skew_cbps == c.skew_cbps);
    check_two_way(inst, p.value(), c.bid, c.offer);
  }
}

TEST_CASE("price_for: desk long -> both sides lower, short -> both higher, monotonic in the position",
          "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  const InstrumentSpec& inst = ref.instrument(kBtcUsd);
  auto px = [&](int64_t pos_sat) {
    Result<TwoWayPrice> p = price_for(ref, inst, ref.tiers[0], Price(6500000), Qty(100000000), Amount(pos_sat));
    REQUIRE(p.ok());
    REQUIRE(p.value().bid.has_value());
    return p.value();
  };
  const TwoWayPrice flat = px(0);
  TwoWayPrice prev = px(-6'000'000'000);  // short 60 BTC
  for (int64_t pos = -6'000'000'000; pos <= 6'000'000'000; pos += 25'000'000) {  // 0.25 BTC steps
    INFO("desk position " << pos << " sat");
    const TwoWayPrice p = px(pos);
    // Never narrower than the spread: the width stays 2 * 500 cbps (up to a tick each side).
    CHECK(p.offer.value - p.bid->value >= flat.offer.value - flat.bid->value);
    CHECK(p.offer.value - p.bid->value <= flat.offer.value - flat.bid->value + 2);
    if (pos > 0) {
      CHECK(p.skew_cbps > 0);
      CHECK(p.bid->value < flat.bid->value);
      CHECK(p.offer.value < flat.offer.value);
    } else if (pos < 0) {
      CHECK(p.skew_cbps < 0);
      CHECK(p.bid->value > flat.bid->value);
      CHECK(p.offer.value > flat.offer.value);
    }
    CHECK(p.bid->value <= prev.bid->value);  // longer, never higher
    CHECK(p.offer.value <= prev.offer.value);
    CHECK(p.skew_cbps >= -500);
    CHECK(p.skew_cbps <= 500);
    CHECK(p.skew_cbps == -skew_cbps(ref, inst, Amount(-pos)));  // symmetric
    prev = p;
  }
}

// Property over many mids and desk positions: both sides on the grid, never narrower than
// the spread around the skewed mid and not wider than one tick beyond it:
//   bid <= mid*(1-s-k) < bid+tick,   offer-tick < mid*(1+s-k) <= offer.
TEST_CASE("price_for: bid and offer are the nearest grid points outside the spread around the skewed mid",
          "[pricing]") {
  ReferenceData ref = demo_reference_data();
  // Every instrument gets some skew here; the configured ones keep theirs.
  for (InstrumentSpec& i : ref.instruments) {
    if (i.skew_cbps_per_unit == 0) {
      i.skew_cbps_per_unit = 7 + i.id.value;
      i.skew_max_cbps = 300 + 100 * i.id.value;
    }
  }
  const uint64_t seed = 12345;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    const InstrumentSpec& inst = ref.instruments[rng() % ref.instruments.size()];
    const TierSpec& tier = ref.tiers[rng() % ref.tiers.size()];
    const Price mid(1 + static_cast<int64_t>(rng() % 100'000'000'000ull));
    const Qty qty(inst.min_qty.value + static_cast<int64_t>(rng() % 3) * inst.lot.value * 100000);
    const int64_t unit = pow10_i64(ref.asset(inst.base).decimals);
    const int64_t whole = static_cast<int64_t>(rng() % 20001) - 10000;
    const Amount pos(whole * unit + static_cast<int64_t>(rng() % static_cast<uint64_t>(unit)) * (whole < 0 ? -1 : 1));
    INFO(inst.symbol << " " << tier.name << " mid " << mid.value << " qty " << qty.value << " desk " << pos.value);
    Result<TwoWayPrice> p = price_for(ref, inst, tier, mid, qty, pos);
    REQUIRE(p.ok());
    // The skew, computed here independently: truncated toward zero, then clamped.
    __int128 k = static_cast<__int128>(pos.value) * inst.skew_cbps_per_unit / unit;
    if (k > inst.skew_max_cbps) k = inst.skew_max_cbps;
    if (k < -inst.skew_max_cbps) k = -inst.skew_max_cbps;
    REQUIRE(p.value().skew_cbps == static_cast<int64_t>(k));
    const __int128 s = p.value().spread_cbps;
    const __int128 lo = static_cast<__int128>(mid.value) * (kCbpsPerUnit - s - k);  // raw bid * 1e6
    const __int128 hi = static_cast<__int128>(mid.value) * (kCbpsPerUnit + s - k);  // raw offer * 1e6
    const __int128 offer = p.value().offer.value;
    REQUIRE(offer % inst.tick == 0);
    REQUIRE(offer * kCbpsPerUnit >= hi);
    REQUIRE((offer - inst.tick) * kCbpsPerUnit < hi);
    if (p.value().bid) {
      const __int128 bid = p.value().bid->value;
      REQUIRE(bid > 0);
      REQUIRE(bid % inst.tick == 0);
      REQUIRE(bid * kCbpsPerUnit <= lo);
      REQUIRE((bid + inst.tick) * kCbpsPerUnit > lo);
    } else {
      REQUIRE(static_cast<__int128>(inst.tick) * kCbpsPerUnit > lo);  // the first grid point is above the raw bid
    }
  }
}

struct NotionalCase {
  InstrumentId inst;
  std::string qty;
  std::string price;
  Side side;
  Want want;  // quote-asset minor units
};

TEST_CASE("notional: client buy rounds up, sell rounds down; overflow is a reject", "[pricing]") {
  const ReferenceData ref = demo_reference_data();
  const std::vector<NotionalCase> cases = {
      // BTC/USD: exponent 8 + 2 - 2 = 8 (cents = sat * price units / 1e8)
      {kBtcUsd, "1", "65032.50", Side::kBuy, 6503250},
      {kBtcUsd, "1", "65032.50", Side::kSell, 6503250},
      {kBtcUsd, "0.0001", "65032.51", Side::kBuy, 651},  // 650.3251 cents
      {kBtcUsd, "0.0001", "65032.51", Side::kSell, 650},
      {kBtcUsd, "50", "65000.00", Side::kBuy, 325000000},
      {kBtcUsd, "50", "1844674407370955.16", Side::kBuy, 9223372036854775800},
      {kBtcUsd, "50", "1844674407370955.17", Side::kBuy, R::kNotionalOverflow},
      {kBtcUsd, "50", "2000000000000000.00", Side::kSell, R::kNotionalOverflow},
      // ETH/BTC: exponent 9 + 6 - 8 = 7 (sat = gwei * price units / 1e7)
      {kEthBtc, "1", "0.049025", Side::kBuy, 4902500},
      {kEthBtc, "1", "0.049025", Side::kSell, 4902500},
      {kEthBtc, "0.001", "0.049123", Side::kBuy, 4913},  // 4912.3 sat
      {kEthBtc, "0.001", "0.049123", Side::kSell, 4912},
      {kEthBtc, "1000", "0.049025", Side::kBuy, 4902500000},
      // GBP/USDT: exponent 2 + 3 - 6 = -1 (USDT micro = pence * price units * 10): exact
      {kGbpUsdt, "1000", "1.275", Side::kBuy, 1275000000},
      {kGbpUsdt, "1000", "1.275", Side::kSell, 1275000000},
      {kGbpUsdt, "0.01", "0.005", Side::kSell, 50},
      {kGbpUsdt, "10000000", "900000.000", Side::kBuy, 9000000000000000000},
      {kGbpUsdt, "10000000", "1000000.000", Side::kBuy, R::kNotionalOverflow},
      {kGbpUsdt, "10000000", "1000000.000", Side::kSell, R::kNotionalOverflow},
  };
  for (const NotionalCase& c : cases) {
    const InstrumentSpec& inst = ref.instrument(c.inst);
    INFO(inst.symbol << " " << side_name(c.side) << " " << c.qty << " @ " << c.price);
    const Qty qty(dec(c.qty, ref.asset(inst.base).decimals));
    const Price px(dec(c.price, inst.price_decimals));
    check_result(notional(ref, inst, qty, px, c.side), c.want);
  }
}

struct FeeCase {
  int64_t fee_cbps;
  int64_t notional;
  Want want;
};

TEST_CASE("fee: notional * fee_cbps / 1e6 rounded up", "[pricing]") {
  const std::vector<FeeCase> cases = {
      {0, 6503250, 0},      // gold: no fee
      {100, 6503250, 651},  // silver 1 bp: 650.325 -> 651
      {100, 1000000, 100},  // exact
      {100, 651, 1},        // 0.0651 -> 1
      {100, 0, 0},
      {500, 4912, 3},             // bronze 5 bp: 2.456 -> 3
      {500, 1275000000, 637500},  // exact
      {1000000, INT64_MAX, INT64_MAX},
      {2000000, INT64_MAX, R::kNotionalOverflow},
  };
  for (const FeeCase& c : cases) {
    INFO("fee_cbps " << c.fee_cbps << " notional " << c.notional);
    TierSpec t;
    t.fee_cbps = c.fee_cbps;
    check_result(fee(t, Amount(c.notional)), c.want);
  }
}

}  // namespace
}  // namespace otc::engine::test
