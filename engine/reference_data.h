// engine/reference_data.h: assets, instruments, tiers and clients, validated.
//
// Built once at start-up (gateway/config.cc reads conf/*.toml into it) and read-only
// afterwards, so any thread may read it. Amount scales: every asset has `decimals`,
// its ledger minor unit (USD 2, BTC 8, ETH 9: the ledger keeps ETH in gwei, see
// ledger/FORMAT.md). Prices are integers at the instrument's `price_decimals`.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/types.h"

namespace otc::engine {

// Named limits; relations between them are asserted where they are used.
inline constexpr int kAssetDecimalsMax = 18;
inline constexpr int kPriceDecimalsMax = 12;
inline constexpr size_t kClOrdIdLengthMax = 64;
inline constexpr size_t kQuoteReqIdLengthMax = 64;
inline constexpr int64_t kCbpsPerUnit = 1'000'000;  // 1 bp = 100 cbps; 1.0 = 1e6 cbps
inline constexpr int64_t kQuoteTtlMinMs = 100;      // shortest quote life a client may ask for
inline constexpr int64_t kSpreadMaxCbps = 100'000;  // config bound per half-spread or add-on (10%)
inline constexpr int64_t kSkewMaxCbps = 100'000;    // config bound on the inventory skew (10%)
static_assert(2 * kSpreadMaxCbps + kSkewMaxCbps < kCbpsPerUnit, "a price must stay positive at any config");

struct AssetSpec {
  AssetId id;
  std::string code;   // "BTC"
  int decimals = 0;   // ledger minor units per unit = 10^decimals
  std::string kind;   // "fiat", "crypto", "stablecoin"
};

// Size ladder step: a request whose notional at mid (quote-asset minor units) is at
// least min_notional pays add_cbps on top of the half-spread.
struct SizeBand {
  Amount min_notional;
  int64_t add_cbps = 0;
};

struct InstrumentSpec {
  InstrumentId id;
  std::string symbol;  // "BTC/USD"
  AssetId base;
  AssetId quote;
  int price_decimals = 0;
  int64_t tick = 1;    // price grid step, in price units (10^-price_decimals)
  Qty lot;             // quantity grid step, base minor units
  Qty min_qty;
  Qty max_qty;
  std::vector<SizeBand> size_bands;  // ascending min_notional
  // Inventory skew: both sides move against the desk's position in the base asset by
  // skew_cbps_per_unit per whole unit held (long: down, short: up), at most skew_max_cbps.
  int64_t skew_cbps_per_unit = 0;
  int64_t skew_max_cbps = 0;
  // Streaming ladder: the sizes (base minor units, ascending) quoted in market data.
  std::vector<Qty> md_ladder;
  // Simulated reference feed parameters.
  Price initial_mid;
  int64_t step_cbps = 0;             // max move per feed step
};

struct TierSpec {
  uint32_t id = 0;
  std::string name;
  int64_t half_spread_cbps = 0;                             // default for every instrument
  std::unordered_map<uint16_t, int64_t> half_spread_by_instrument_cbps;
  int64_t fee_cbps = 0;                                      // on notional, in quote asset
  int64_t quote_ttl_ms = 0;       // when the client asks for no ExpireTime
  int64_t quote_ttl_max_ms = 0;   // the longest a client may ask for
  int64_t slippage_cbps = 0;      // market orders: default tolerance from the reference mid

  int64_t half_spread_for(InstrumentId i) const {
    auto it = half_spread_by_instrument_cbps.find(i.value);
    return it == half_spread_by_instrument_cbps.end() ? half_spread_cbps : it->second;
  }
};

// Pre-trade limits of one client. Notionals are in the engine's reference asset
// (EngineLimits::reference_asset) minor units; absent = no limit.
struct ClientLimits {
  std::optional<Amount> order_notional_max;
  std::optional<size_t> open_orders_max;
  std::optional<Amount> daily_notional_max;      // traded per UTC day, plus open orders
  std::unordered_map<uint16_t, Amount> position_max;  // by asset: holding + open buys may not exceed
  std::unordered_map<uint16_t, Amount> credit;        // by asset: how far available may go below zero
};

struct ClientSpec {
  ClientId id;
  std::string code;        // our client id, "ACME"; also the ledger owner
  std::string legal_name;
  uint32_t tier = 0;
  bool cancel_on_disconnect = false;  // resting orders canceled when the session ends
  ClientLimits limits;
};

struct EngineLimits {
  int64_t price_age_max_ms = 2000;   // firm quotes need a reference price this fresh
  size_t live_quotes_max = 100000;   // whole book
  size_t live_quotes_per_client_max = 1000;  // so one client cannot fill the book for all
  size_t retired_quotes_max = 100000;  // executed/expired ids remembered for precise rejects
  size_t cl_ord_ids_per_client_max = 1000000;
  int64_t md_min_interval_ms = 250;          // at most one update per subscription and instrument per interval
  size_t md_subscriptions_per_client_max = 64;
  size_t md_symbols_per_request_max = 16;
  AssetId reference_asset;                   // currency of notional limits (USD)
  int64_t day_end_utc_minutes = 0;           // Day orders expire at this UTC time of day
  size_t open_orders_max = 100000;           // resting orders, whole book
  size_t retired_orders_max = 100000;        // closed orders remembered for status/cancel rejects
  int64_t slippage_max_cbps = 100'000;       // the largest tolerance an order may ask for (10%)
};

class ReferenceData {
 public:
  std::vector<AssetSpec> assets;
  std::vector<InstrumentSpec> instruments;
  std::vector<TierSpec> tiers;
  std::vector<ClientSpec> clients;
  EngineLimits limits;

  // Builds the lookup indexes. Call after filling the vectors.
  void index();

  const AssetSpec& asset(AssetId id) const { return assets.at(id.value); }
  const InstrumentSpec& instrument(InstrumentId id) const { return instruments.at(id.value); }
  const ClientSpec& client(ClientId id) const { return clients.at(id.value); }
  const TierSpec& tier_of(ClientId id) const { return tiers.at(client(id).tier); }

  const InstrumentSpec* find_instrument(const std::string& symbol) const;
  const AssetSpec* find_asset(const std::string& code) const;
  const ClientSpec* find_client(const std::string& code) const;

 private:
  std::unordered_map<std::string, uint16_t> instrument_by_symbol_;
  std::unordered_map<std::string, uint16_t> asset_by_code_;
  std::unordered_map<std::string, uint32_t> client_by_code_;
};

}  // namespace otc::engine
