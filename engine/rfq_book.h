// engine/rfq_book.h: firm quotes we gave, until they are executed or expire.
//
// A firm quote is executable once, by the client it was given to, while
// now < valid_until; an indicative one never (it is kept only to say so precisely).
// Executed, expired and canceled quotes are remembered (up to retired_quotes_max, oldest
// forgotten first) so that a late order gets the precise reason rather than
// "unknown quote". Engine thread only.
#pragma once

#include <deque>
#include <optional>
#include <set>
#include <utility>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "common/types.h"

namespace otc::engine {

struct Quote {
  QuoteId id;
  ClientId client;
  InstrumentId instrument;
  std::optional<Side> side;   // the client's intended side; empty = two-way
  Qty qty;
  std::optional<Price> bid;   // the desk buys (client sells) at bid
  std::optional<Price> offer; // the desk sells (client buys) at offer
  Price mid;
  TimeUs created;
  TimeUs valid_until;
  std::string quote_req_id;
  bool firm = true;           // QuoteType 1; false = indicative (0), never executable

  // The price at which the client trades on `client_side`, if quoted.
  std::optional<Price> price_for(Side client_side) const { return client_side == Side::kBuy ? offer : bid; }
};

enum class RetiredState : uint8_t { kExecuted = 1, kExpired = 2, kCanceled = 3 };

class RfqBook {
 public:
  RfqBook(size_t live_max, size_t retired_max) : live_max_(live_max), retired_max_(retired_max) {}

  bool full() const { return live_.size() >= live_max_; }
  // REQUIRES: !full() and an id never used before.
  void add(Quote q);

  // The live quote `id` if `client` may execute it at `now`; else the precise reason:
  // unknown, of another client, indicative, already executed, canceled, expired.
  Result<const Quote*> executable(QuoteId id, ClientId client, TimeUs now) const;

  // Marks a live quote executed (single use). REQUIRES: live.
  void mark_executed(QuoteId id);

  // Withdraws a live quote of `client` (QuoteCancel). Rejects: unknown, of another
  // client, already executed, canceled or expired.
  Result<Ok> cancel(QuoteId id, ClientId client, TimeUs now);
  // Withdraws every live quote of `client` (quotes already past valid_until are
  // retired as expired, not counted); returns how many were withdrawn.
  size_t cancel_all(ClientId client, TimeUs now);

  // Retires every live quote with valid_until <= now, in (valid_until, id) order, so
  // the same history always retires (and later forgets) the same quotes. Returns how many.
  size_t expire(TimeUs now);

  size_t live_count() const { return live_.size(); }
  // Every live quote, ascending id (state dumps).
  std::vector<const Quote*> live_quotes() const;
  size_t live_count(ClientId client) const {
    auto it = live_per_client_.find(client.value);
    return it == live_per_client_.end() ? 0 : it->second;
  }

 private:
  struct Retired {
    ClientId client;
    RetiredState state;
    TimeUs valid_until;
    bool firm;
  };
  Reject retired_reject(QuoteId id, const Retired& r, ClientId client) const;
  void remove_live(QuoteId id, RetiredState s);
  void retire(QuoteId id, const Quote& q, RetiredState s);

  size_t live_max_;
  size_t retired_max_;
  std::unordered_map<QuoteId, Quote> live_;
  std::set<std::pair<int64_t, uint64_t>> by_expiry_;  // (valid_until, id) of live quotes
  std::unordered_map<uint32_t, size_t> live_per_client_;
  std::unordered_map<QuoteId, Retired> retired_;
  std::deque<QuoteId> retired_order_;
};

}  // namespace otc::engine
