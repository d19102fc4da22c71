// common/types.h: strong integer types for money, quantities and identifiers.
//
// Thread-safety: plain values, freely copied between threads.
// Invariants: no implicit conversion between distinct types (a Price is never an
// Amount); arithmetic on money goes through common/checked.h.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace otc {

// A distinct integer type per domain meaning. `Tag` only separates the types.
template <typename Tag, typename Rep = int64_t>
struct Strong {
  Rep value{};
  constexpr Strong() = default;
  constexpr explicit Strong(Rep v) : value(v) {}
  friend constexpr auto operator<=>(const Strong&, const Strong&) = default;
};

// Price of one unit of base asset, in integer units of the instrument's price scale
// (10^-price_decimals of the quote asset). Always a multiple of the instrument's tick.
using Price = Strong<struct PriceTag>;
// Quantity of base asset in the base asset's ledger minor units (BTC: 1e-8).
using Qty = Strong<struct QtyTag>;
// An amount of one asset in that asset's ledger minor units (USD: cents).
using Amount = Strong<struct AmountTag>;

using ClientId = Strong<struct ClientTag, uint32_t>;      // index into reference data
using AssetId = Strong<struct AssetTag, uint16_t>;        // index into reference data
using InstrumentId = Strong<struct InstrumentTag, uint16_t>;
using AccountId = Strong<struct AccountTag, uint64_t>;
using OrderId = Strong<struct OrderTag, uint64_t>;        // ours, never the client's ClOrdID
using QuoteId = Strong<struct QuoteTag, uint64_t>;
using ExecId = Strong<struct ExecTag, uint64_t>;
using TransferId = Strong<struct TransferTag, uint64_t>;

// Microseconds since the Unix epoch, UTC.
using TimeUs = Strong<struct TimeTag>;

// Persisted and on the wire: never renumber.
enum class Side : uint8_t { kBuy = 1, kSell = 2 };

inline constexpr Side opposite(Side s) { return s == Side::kBuy ? Side::kSell : Side::kBuy; }
inline constexpr const char* side_name(Side s) { return s == Side::kBuy ? "buy" : "sell"; }

// Wire forms of our identifiers: a letter per kind, then the decimal counter.
std::string format_order_id(OrderId id);
std::string format_quote_id(QuoteId id);
std::string format_exec_id(ExecId id);
// Parses "Q123" back to QuoteId 123. Returns false on anything else (caller rejects).
bool parse_quote_id(const std::string& text, QuoteId* out);

}  // namespace otc

template <typename Tag, typename Rep>
struct std::hash<otc::Strong<Tag, Rep>> {
  size_t operator()(const otc::Strong<Tag, Rep>& s) const noexcept { return std::hash<Rep>{}(s.value); }
};
