// engine/engine.h: the trading engine: commands in, events out.
//
// Thread: ONE thread (the runner's) calls everything here. The engine knows nothing
// of FIX, sockets, SQL or the wall clock: time comes from the injected Clock, ids from
// counters restored from the journal, reference prices from PriceTick commands.
//
// Every command yields exactly one answer event (Quoted or QuoteRejected for a quote
// request; OrderRejected, or OrderAccepted followed by Filled, or OrderNotTaken when the
// journal is halted, for an order; QuoteCancelAnswered for a QuoteCancel), and every
// state change is appended to the journal before handle() returns. The caller commits
// the journal and only then hands the events to anyone (runner.h).
//
// Invariants: a quote is executed at most once, by its owner, before it expires; every
// fill posts balanced transfers; filled quantity never exceeds order quantity.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "common/types.h"
#include "engine/price_feed.h"
#include "engine/reference_data.h"
#include "engine/rfq_book.h"
#include "ledger/ledger.h"

namespace otc::engine {

// ---- Commands -------------------------------------------------------------------

// Prices and quantities arrive as the exact decimal text the client sent; the engine
// converts them once against the instrument's grid.
struct QuoteRequestCmd {
  ClientId client;
  std::string quote_req_id;
  std::string symbol;
  char side = 0;           // '1' buy, '2' sell, 0 = absent (two-way)
  std::string qty_text;
  int quote_type = 1;      // 1 = firm (tradeable), 0 = indicative; others are rejected
  std::string expire_time; // FIX UTCTimestamp the client asks the quote to live until; "" = tier default
};

// QuoteCancel: withdraw one live quote (type 1 with a QuoteID) or all of the client's (4).
struct QuoteCancelCmd {
  ClientId client;
  std::string quote_id;    // "" when absent
  int cancel_type = -1;    // QuoteCancelType(298); -1 absent
};

struct NewOrderCmd {
  ClientId client;
  std::string cl_ord_id;
  std::string symbol;
  char side = 0;
  char ord_type = 0;       // 'D' = previously quoted
  std::string qty_text;
  std::string price_text;  // empty when absent
  std::string quote_id;    // empty when absent
};

struct PriceTickCmd {
  PriceTick tick;
};

// Periodic housekeeping (quote expiry).
struct TimerCmd {};

// MarketDataRequest: a snapshot ('0'), a subscription to snapshots as prices move
// ('1'), or the end of one ('2').
struct MarketDataRequestCmd {
  ClientId client;
  std::string md_req_id;
  char subscription_type = 0;
  int market_depth = -1;        // 0 = the whole ladder, N = its first N sizes; -1 absent/not a number
  int update_type = -1;         // MDUpdateType: -1 absent, 0 full refresh; others refused
  std::string entry_types;      // MDEntryType of each NoMDEntryTypes entry ('0' bid, '1' offer)
  std::vector<std::string> symbols;
};

// The client's session ended (logout or drop): its subscriptions end with it.
struct SessionEndedCmd {
  ClientId client;
};

using Command = std::variant<QuoteRequestCmd, NewOrderCmd, PriceTickCmd, TimerCmd, QuoteCancelCmd,
                             MarketDataRequestCmd, SessionEndedCmd>;

// ---- Events ---------------------------------------------------------------------

struct QuotedEvent {
  ClientId client;
  std::string quote_req_id;
  QuoteId quote_id;
  InstrumentId instrument;
  std::optional<Side> side;
  Qty qty;
  std::optional<Price> bid;
  std::optional<Price> offer;
  TimeUs valid_until;
  TimeUs ts;
  bool firm = true;
};

struct QuoteRejectedEvent {
  ClientId client;
  std::string quote_req_id;
  std::string symbol;
  char side = 0;
  std::string qty_text;
  Reject reject;
  TimeUs ts;
};

struct OrderAcceptedEvent {
  ClientId client;
  OrderId order_id;
  ExecId exec_id;
  std::string cl_ord_id;
  InstrumentId instrument;
  Side side;
  char ord_type;
  Qty qty;
  Price price;
  TimeUs ts;
};

struct OrderRejectedEvent {
  ClientId client;
  OrderId order_id;
  ExecId exec_id;
  std::string cl_ord_id;
  std::string symbol;
  char side = 0;
  char ord_type = 0;
  std::string qty_text;
  std::string price_text;
  Reject reject;
  TimeUs ts;
};

struct FilledEvent {
  ClientId client;
  OrderId order_id;
  ExecId exec_id;
  std::string cl_ord_id;
  InstrumentId instrument;
  Side side;
  char ord_type;
  QuoteId quote_id;
  Qty order_qty;
  Price order_price;
  Qty last_qty;
  Price last_px;
  Qty cum_qty;
  Qty leaves_qty;
  Price avg_px;
  Amount notional;   // quote asset minor units
  Amount fee;
  TimeUs ts;
};

// The one answer to a QuoteCancel: how many quotes were withdrawn, or why none was.
struct QuoteCancelAnsweredEvent {
  ClientId client;
  std::string quote_id;
  int cancel_type = -1;
  size_t canceled = 0;
  std::optional<Reject> reject;
  TimeUs ts;
};

// One size of the streaming ladder, priced for the client (absent side: none).
struct MdRung {
  Qty qty;
  std::optional<Price> bid;
  std::optional<Price> offer;
  friend bool operator==(const MdRung&, const MdRung&) = default;
};

// A full snapshot of the client's ladder for one instrument (FIX W).
struct MarketDataEvent {
  ClientId client;
  std::string md_req_id;
  InstrumentId instrument;
  std::vector<MdRung> rungs;
  TimeUs ts;
};

struct MarketDataRejectedEvent {
  ClientId client;
  std::string md_req_id;
  Reject reject;
  TimeUs ts;
};

// An order the engine could not take at all (journal halted): no OrderID or ExecID is
// spent on it, because ids are only ours once a commit made them durable.
struct OrderNotTakenEvent {
  ClientId client;
  std::string cl_ord_id;
  Reject reject;
  TimeUs ts;
};

using Event = std::variant<QuotedEvent, QuoteRejectedEvent, OrderAcceptedEvent, OrderRejectedEvent, FilledEvent,
                           OrderNotTakenEvent, QuoteCancelAnsweredEvent, MarketDataEvent, MarketDataRejectedEvent>;

// ---- Engine ---------------------------------------------------------------------

struct DemoFunding {
  ClientId client;
  AssetId asset;
  Amount amount;
};

class Engine {
 public:
  Engine(const ReferenceData& ref, const Clock& clock, ledger::Ledger& ledger, ledger::Journal& journal);

  // Rebuilds counters and ClOrdID history from a journal read back at start-up (the
  // ledger's balances are restored separately), then opens any missing account.
  // Call once, before handling commands; commit the journal afterwards.
  [[nodiscard]] Status start(const ledger::RecoveredState& state);

  // Credits a client from the external account (deposit), journaled.
  [[nodiscard]] Status deposit(ClientId client, AssetId asset, Amount amount, const std::string& reference);

  // Handles one command, appending its answer(s) to *out.
  void handle(const Command& cmd, std::vector<Event>* out);

  // The reference price of `inst`, if any.
  std::optional<PriceTick> reference(InstrumentId inst) const;
  const RfqBook& rfq_book() const { return rfq_; }

 private:
  void on_quote_request(const QuoteRequestCmd& c, std::vector<Event>* out);
  void on_new_order(const NewOrderCmd& c, std::vector<Event>* out);
  void on_price_tick(const PriceTickCmd& c);
  void on_timer();
  void on_quote_cancel(const QuoteCancelCmd& c, std::vector<Event>* out);
  void on_market_data_request(const MarketDataRequestCmd& c, std::vector<Event>* out);
  void on_session_ended(const SessionEndedCmd& c);
  // The client's ladder for `inst` now, or nothing when the reference price is absent or
  // too old to stream.
  std::optional<std::vector<MdRung>> ladder(ClientId client, const InstrumentSpec& inst, int depth, bool bids,
                                            bool offers) const;
  // Sends what moved on subscriptions whose throttle interval has passed.
  void flush_market_data(std::vector<Event>* out);
  void mark_market_data_dirty(InstrumentId inst);

  void reject_quote(const QuoteRequestCmd& c, Reject r, std::vector<Event>* out);
  void reject_order(const NewOrderCmd& c, OrderId id, Reject r, std::vector<Event>* out);
  // Checks the order against its quote and the client's funds; on success fills it.
  Result<Ok> execute_quoted(const NewOrderCmd& c, OrderId id, std::vector<Event>* out);

  void journal_quote_reject(const QuoteRequestCmd& c, const Reject& r);
  TimeUs now() const { return clock_.now(); }

  const ReferenceData& ref_;
  const Clock& clock_;
  ledger::Ledger& ledger_;
  ledger::Journal& journal_;
  RfqBook rfq_;
  std::vector<std::optional<PriceTick>> refs_;            // by instrument
  std::vector<std::unordered_set<std::string>> cl_ord_ids_;  // by client
  // Accounts by asset: client available (by client), desk inventory, fees, external.
  std::vector<std::vector<AccountId>> client_accounts_;
  std::vector<AccountId> desk_accounts_;
  std::vector<AccountId> fee_accounts_;
  std::vector<AccountId> external_accounts_;
  // Streaming subscriptions by (client, MDReqID): session state, not journaled.
  struct MdSubscription {
    std::vector<InstrumentId> instruments;
    int depth = 0;
    bool bids = true;
    bool offers = true;
    std::vector<std::vector<MdRung>> last_sent;  // by position in `instruments`
    std::vector<int64_t> last_sent_us;
    std::vector<bool> dirty;
  };
  std::map<std::pair<uint32_t, std::string>, MdSubscription> md_subs_;
  std::vector<size_t> md_subs_per_client_;
  uint64_t next_quote_id_ = 1;
  uint64_t next_order_id_ = 1;
  uint64_t next_exec_id_ = 1;
};

}  // namespace otc::engine
