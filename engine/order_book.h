// engine/order_book.h: orders and the per-instrument price-time priority book.
//
// An Order is what the engine knows about one accepted order: its terms, what has been
// filled, and what it still holds of the client's funds. The OrderBook holds the resting
// (Day/GTC/GTD limit) orders of one instrument: bids best (highest) first, asks best
// (lowest) first, equal prices by arrival (priority sequence). Engine thread only.
//
// Invariants (asserted on insert; Engine::check_invariants() checks them against the orders):
//   - every order in a book is open (New or PartiallyFilled) with leaves > 0 and a limit;
//   - an order is in at most one book, once.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/types.h"

namespace otc::engine {

// FIX 4.4 OrdStatus(39). Persisted in journal payloads as the character: never change.
enum class OrdStatus : char {
  kNew = '0',
  kPartiallyFilled = '1',
  kFilled = '2',
  kCanceled = '4',
  kRejected = '8',
  kExpired = 'C',
};

inline bool is_open(OrdStatus s) { return s == OrdStatus::kNew || s == OrdStatus::kPartiallyFilled; }

// FIX 4.4 TimeInForce(59) values we take.
inline constexpr char kTifDay = '0';
inline constexpr char kTifGtc = '1';
inline constexpr char kTifIoc = '3';
inline constexpr char kTifFok = '4';
inline constexpr char kTifGtd = '6';

inline bool tif_rests(char tif) { return tif == kTifDay || tif == kTifGtc || tif == kTifGtd; }

struct Order {
  OrderId id;
  ClientId client;
  InstrumentId instrument;
  Side side = Side::kBuy;
  char ord_type = 0;            // '1' market, '2' limit, 'D' previously quoted
  char tif = 0;                 // 0 when none was sent (market / quoted orders)
  std::string cl_ord_id;        // current ClOrdID (changes with each cancel/replace)
  std::string orig_cl_ord_id;   // the ClOrdID the last cancel/replace referred to
  QuoteId quote_id;             // 'D' only
  Qty qty;
  Qty cum;
  Price limit;                  // limit price; the quoted price for 'D'; 0 for market
  Price hold_px;                // buys: the price the hold was sized at (limit or slippage bound)
  __int128 cum_value = 0;       // sum of last_qty * last_px (exact), for notionals and AvgPx
  Amount cum_notional;          // quote asset, rounded in the desk's favour as a whole
  Amount cum_fee;
  Amount held;                  // still held: quote asset (buys) or base asset (sells)
  int64_t fee_cbps = 0;         // the client's fee rate when the order was accepted (kept for its life)
  TimeUs expire;                // 0 = never (GTC); GTD/Day expiry
  uint64_t priority = 0;        // time priority; renewed when price changes or qty grows
  TimeUs created;
  OrdStatus status = OrdStatus::kNew;

  Qty leaves() const { return is_open(status) ? Qty(qty.value - cum.value) : Qty(0); }
  // AvgPx: cum_value / cum in price units, rounded to nearest (0 before any fill).
  Price avg_px() const;
};

class OrderBook {
 public:
  // REQUIRES: o is open with leaves > 0, a limit, and not in the book.
  void add(const Order& o);
  // REQUIRES: o is in the book with the same side, limit and priority as when added.
  void remove(const Order& o);
  bool contains(const Order& o) const;

  // Resting orders of `side`, best first.
  std::vector<OrderId> side_orders(Side side) const;
  size_t size() const { return bids_.size() + asks_.size(); }

  // Keys: bids (-price, priority), asks (price, priority): map order is priority order.
  using Key = std::pair<int64_t, uint64_t>;
  const std::map<Key, OrderId>& bids() const { return bids_; }
  const std::map<Key, OrderId>& asks() const { return asks_; }

 private:
  static Key key(const Order& o);
  std::map<Key, OrderId> bids_;
  std::map<Key, OrderId> asks_;
};

}  // namespace otc::engine
