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

#include <deque>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.h"
#include "common/result.h"
#include "common/types.h"
#include "engine/price_feed.h"
#include "engine/order_book.h"
#include "engine/reference_data.h"
#include "engine/rfq_book.h"
#include "ledger/ledger.h"

namespace otc::engine {

using Json = nlohmann::json;  // std::map-backed: keys come out sorted (canonical form)

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
  char ord_type = 0;       // '1' market, '2' limit, 'D' previously quoted
  std::string qty_text;
  std::string price_text;  // empty when absent
  std::string quote_id;    // empty when absent
  char tif = 0;            // TimeInForce(59); 0 absent
  std::string expire_time; // ExpireTime(126) UTCTimestamp; "" absent
  std::string expire_date; // ExpireDate(432) YYYYMMDD; "" absent
  std::string slippage_bps;  // our tag MaxSlippageBps(20001), decimal bps; "" absent
};

// OrderCancelRequest(F).
struct CancelOrderCmd {
  ClientId client;
  std::string cl_ord_id;       // the cancel's own ClOrdID
  std::string orig_cl_ord_id;  // the order's current ClOrdID
  std::string order_id;        // our OrderID as text; "" absent
  std::string symbol;
  char side = 0;
};

// OrderCancelReplaceRequest(G): a new price and/or quantity for a resting limit order.
struct ReplaceOrderCmd {
  ClientId client;
  std::string cl_ord_id;
  std::string orig_cl_ord_id;
  std::string order_id;
  std::string symbol;
  char side = 0;
  char ord_type = 0;
  char tif = 0;                // 0 absent (= unchanged)
  std::string qty_text;
  std::string price_text;
};

// OrderStatusRequest(H).
struct OrderStatusCmd {
  ClientId client;
  std::string cl_ord_id;
  std::string order_id;  // "" absent
  std::string symbol;
  char side = 0;
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

// The client's session ended (logout or drop): its subscriptions end with it, and its
// resting orders are canceled when the client is configured cancel-on-disconnect.
struct SessionEndedCmd {
  ClientId client;
};

using Command = std::variant<QuoteRequestCmd, NewOrderCmd, PriceTickCmd, TimerCmd, QuoteCancelCmd,
                             MarketDataRequestCmd, SessionEndedCmd, CancelOrderCmd, ReplaceOrderCmd, OrderStatusCmd>;

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

// What an ExecutionReport reports (FIX 4.4 ExecType(150)).
enum class ExecKind : char {
  kNew = '0',
  kCanceled = '4',
  kReplaced = '5',
  kRejected = '8',
  kExpired = 'C',
  kTrade = 'F',
  kStatus = 'I',
};

// An order as every ExecutionReport about it shows it, after the change it reports.
struct OrderView {
  ClientId client;
  OrderId order_id;
  std::string cl_ord_id;
  std::string orig_cl_ord_id;  // the ClOrdID a cancel/replace referred to; "" otherwise
  InstrumentId instrument;
  Side side = Side::kBuy;
  char ord_type = 0;
  char tif = 0;                // 0 when the client sent none (market/quoted orders)
  Qty qty;
  std::optional<Price> price;  // the limit, or the quoted price for 'D'; none for market
  std::optional<TimeUs> expire;  // GTD/Day orders
  OrdStatus status = OrdStatus::kNew;
  Qty cum_qty;
  Qty leaves_qty;
  Price avg_px;                // 0 until a fill
};

// One ExecutionReport: a state change of an accepted order (or a status answer).
struct ExecReportEvent {
  OrderView order;
  ExecId exec_id;              // 0 for kStatus (not a state change, nothing journaled)
  ExecKind kind = ExecKind::kNew;
  // kTrade only:
  Qty last_qty;
  Price last_px;
  Amount notional;             // quote asset minor units
  Amount fee;
  QuoteId quote_id;            // the executed quote ('D'); 0 otherwise
  bool internal = false;       // matched against another client's order
  std::string text;            // why canceled/expired
  std::string request_id;      // kStatus: the ClOrdID the OrderStatusRequest named
  TimeUs ts;
  uint64_t seq = 0;            // the journal record it reports; 0 for kStatus (not journaled)
};

// An order refused before it was accepted (ExecutionReport 150=8, 39=8).
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
  char exec_type = '8';  // '8' a refused order; 'I' the status answer for an unknown order
  uint64_t seq = 0;      // the journal record it reports; 0 for 'I' (not journaled)
};

// OrderCancelReject(9): a cancel (response_to '1') or replace ('2') that was refused.
struct CancelRejectedEvent {
  ClientId client;
  std::string cl_ord_id;
  std::string orig_cl_ord_id;
  std::optional<OrderId> order_id;      // when the order is known
  std::optional<OrdStatus> ord_status;  // its status; none = unknown order
  char response_to = '1';
  Reject reject;
  TimeUs ts;
  uint64_t seq = 0;                     // the journal record it reports
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

// An order, cancel or replace the engine could not take at all (journal halted): no
// OrderID or ExecID is spent on it, because ids are only ours once a commit made them
// durable. Answered with a BusinessMessageReject naming `msg_type`.
struct OrderNotTakenEvent {
  ClientId client;
  std::string cl_ord_id;
  char msg_type = 'D';
  Reject reject;
  TimeUs ts;
};

using Event = std::variant<QuotedEvent, QuoteRejectedEvent, ExecReportEvent, OrderRejectedEvent, OrderNotTakenEvent,
                           QuoteCancelAnsweredEvent, MarketDataEvent, MarketDataRejectedEvent, CancelRejectedEvent>;

// ---- Reports read back from the journal -----------------------------------------

// The order as its ExecutionReports show it.
OrderView order_view(const Order& o);
// An order from the "order" object of an order record's payload (kinds 5, 7, 9, 10, 11).
// Checks the shape and the reference data, not whether it may rest.
Result<Order> order_from_json(const ReferenceData& ref, const Json& order);
// The report a journal record stands for, as the engine made it when it appended the
// record (kinds 5, 6, 7, 9, 10, 11, 12): so a report committed but never sent can be
// sent after a restart. Rejects other kinds and malformed payloads.
Result<Event> report_of_record(const ReferenceData& ref, const ledger::StoredRecord& r);

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

  // Orders, for status, tests and verification. Null when unknown (or long retired).
  const Order* find_order(OrderId id) const;
  std::vector<const Order*> open_orders() const;  // ascending OrderId
  const OrderBook& book(InstrumentId inst) const { return books_.at(inst.value); }
  AccountId available_account(ClientId c, AssetId a) const { return client_accounts_.at(c.value).at(a.value); }
  AccountId held_account(ClientId c, AssetId a) const { return held_accounts_.at(c.value).at(a.value); }
  AccountId desk_account(AssetId a) const { return desk_accounts_.at(a.value); }
  // Traded notional of the client today (UTC), reference asset minor units.
  int64_t daily_used(ClientId c) const;
  // Every cross-structure invariant of the order side: each book holds exactly the open
  // resting orders, sorted by price then time; no open order crosses another client's;
  // each client's held balance per asset equals what its open orders can still consume.
  // Returns "" when all hold, else the first that does not.
  std::string check_invariants() const;
  // Everything start-up rebuilds from the journal, as canonical JSON (sorted keys): id
  // counters, every balance, open orders (whole), the books, live quotes, today's
  // traded notional and the ClOrdIDs used per client (count and SHA-256). Replaying the
  // same journal must give the same bytes (otcgw --dump-state, replay tests).
  std::string dump_state() const;

 private:
  void on_quote_request(const QuoteRequestCmd& c, std::vector<Event>* out);
  void on_new_order(const NewOrderCmd& c, std::vector<Event>* out);
  void on_price_tick(const PriceTickCmd& c, std::vector<Event>* out);
  void on_timer(std::vector<Event>* out);
  void on_quote_cancel(const QuoteCancelCmd& c, std::vector<Event>* out);
  void on_market_data_request(const MarketDataRequestCmd& c, std::vector<Event>* out);
  void on_session_ended(const SessionEndedCmd& c, std::vector<Event>* out);
  void on_cancel_order(const CancelOrderCmd& c, std::vector<Event>* out);
  void on_replace_order(const ReplaceOrderCmd& c, std::vector<Event>* out);
  void on_order_status(const OrderStatusCmd& c, std::vector<Event>* out);
  // The client's ladder for `inst` now, or nothing when the reference price is absent or
  // too old to stream.
  std::optional<std::vector<MdRung>> ladder(ClientId client, const InstrumentSpec& inst, int depth, bool bids,
                                            bool offers) const;
  // Sends what moved on subscriptions whose throttle interval has passed.
  void flush_market_data(std::vector<Event>* out);
  void mark_market_data_dirty(InstrumentId inst);

  void reject_quote(const QuoteRequestCmd& c, Reject r, std::vector<Event>* out);
  void reject_order(const NewOrderCmd& c, OrderId id, Reject r, std::vector<Event>* out);
  void journal_quote_reject(const QuoteRequestCmd& c, const Reject& r);
  TimeUs now() const { return clock_.now(); }

  // ---- orders (engine/orders.cc) ----
  struct PlannedFill {
    std::optional<OrderId> resting;  // none = the desk
    Qty qty;
    Price px;
  };
  // Builds and checks a new order; on success it is accepted, executed and rested or
  // canceled. Quoted orders ('D') execute their quote.
  Result<Ok> new_order(const NewOrderCmd& c, OrderId id, std::vector<Event>* out);
  Result<Ok> check_quoted(const NewOrderCmd& c, Order* o, const InstrumentSpec& inst);
  // Pre-trade limits for `o` (terms as they would be), ignoring `o` itself among open orders.
  Result<Ok> check_limits(const Order& o, Price px_for_limits) const;
  // Who `o` would trade with now: other clients' resting orders that cross, and the desk.
  // Rejects kSelfTrade when it would cross its own client's resting order.
  Result<std::vector<PlannedFill>> plan_match(const Order& o) const;
  // The desk's price for `o`'s side at size min(want, desk capacity), if any.
  std::optional<Price> desk_price(const Order& o, Qty want, Qty* size) const;
  // Executes `plan` for `o` (already accepted and in orders_), then rests or cancels the rest.
  void run_plan(Order& o, const std::vector<PlannedFill>& plan, std::vector<Event>* out);
  void finish_incoming(Order& o, std::vector<Event>* out);
  // One fill of `o` at px against the desk, or of `o` against resting `other`.
  void fill_desk(Order& o, Qty qty, Price px, QuoteId quote, std::vector<Event>* out);
  void fill_internal(Order& incoming, Order& resting, Qty qty, Price px, std::vector<Event>* out);
  // Resting orders the desk's new price for `inst` reaches, filled at their limit.
  void match_resting(InstrumentId inst, std::vector<Event>* out);
  // Cancels/expires an open order, releasing its hold, journaled, reported.
  void close_order(Order& o, ledger::RecordKind kind, ExecKind ek, const std::string& cl_ord_id,
                   const std::string& orig, const std::string& text, std::vector<Event>* out);
  void expire_orders(std::vector<Event>* out);
  // What a cancel or replace request names (response_to '1' cancel, '2' replace).
  struct ChangeRequest {
    ClientId client;
    std::string cl_ord_id;
    std::string orig_cl_ord_id;
    std::string order_id;
    std::string symbol;
    char side = 0;
    char response_to = '1';
    std::string qty_text;
    std::string price_text;
  };
  Order* order_to_change(const ChangeRequest& c, std::vector<Event>* out);
  void refuse_change(const ChangeRequest& c, const Order* o, Reject r, std::vector<Event>* out);
  // What `o` can still consume of its hold asset: quote (notional + fee at hold_px) for
  // buys, base for sells.
  Result<Amount> hold_need(const Order& o) const;
  Status check_fillable(const Order& o, std::vector<ledger::Transfer> hold) const;
  AssetId hold_asset(const Order& o) const;
  // Updates cum/notional/fee for a fill; returns the fill's notional and fee.
  struct FillMoney {
    Amount notional;
    Amount fee;
    Amount release;  // hold no longer needed after this fill (buys)
  };
  FillMoney apply_fill(Order& o, Qty qty, Price px);
  // The postings of a fill of `qty` of `o` with the desk, appended to *tr.
  void desk_fill_transfers(const Order& o, Qty qty, const FillMoney& m, std::vector<ledger::Transfer>* tr) const;
  // The kFill record of one fill of `o` (payload: the order, the fill and `extra`) with its
  // trades row; counts the fill toward the client's daily use.
  ledger::JournalRecord fill_record(const Order& o, Qty qty, Price px, const FillMoney& m, ExecId exec, QuoteId quote,
                                    TimeUs t, Json extra);
  ExecReportEvent report(const Order& o, ExecId exec, ExecKind kind, TimeUs t) const;
  ledger::JournalRecord order_record(const Order& o, ledger::RecordKind kind, ExecId exec, TimeUs t,
                                     const std::string& cl_ord_id, Json* payload) const;
  void index_order(const Order& o);
  std::vector<std::string> cl_ord_ids_of(OrderId id) const;
  void rest(Order& o);
  void unrest(Order& o);
  void retire(Order& o);
  Order* find_by_cl_ord_id(ClientId c, const std::string& cl_ord_id);
  // Remaining exposure of the client's open orders, excluding `except`.
  struct Exposure {
    int64_t notional_ref = 0;                      // reference asset, at limit prices
    std::unordered_map<uint16_t, int64_t> receive;  // asset -> still to receive
  };
  Exposure exposure(ClientId c, OrderId except) const;
  std::optional<int64_t> value_in_reference(AssetId asset, int64_t amount) const;
  Qty desk_capacity(const InstrumentSpec& inst) const;
  size_t resting_count() const;  // the whole book
  Result<Ok> restore_orders(const ledger::RecoveredState& state);
  Status restore_quotes(const ledger::RecoveredState& state);
  void add_daily(ClientId c, TimeUs t, int64_t ref_notional);
  void mark_positions_moved(const InstrumentSpec& inst);
  std::string order_state_text(const Order& o) const;

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
  std::vector<std::vector<AccountId>> held_accounts_;    // by client, asset
  std::unordered_map<uint64_t, Order> orders_;            // open, and retired until forgotten
  std::deque<OrderId> retired_orders_;                    // oldest first
  std::vector<std::unordered_map<std::string, OrderId>> order_by_cl_ord_id_;  // by client: every ClOrdID of a known order
  std::unordered_map<uint64_t, std::vector<std::string>> cl_ord_ids_of_order_;
  std::vector<std::set<uint64_t>> open_by_client_;        // open order ids
  std::vector<OrderBook> books_;                          // by instrument
  std::multimap<int64_t, OrderId> expiries_;              // expire time -> open order
  struct DailyUse {
    int64_t day = -1;   // UTC day number
    int64_t used = 0;   // reference asset minor units
  };
  std::vector<DailyUse> daily_;                           // by client
  uint64_t next_priority_ = 1;
  uint64_t next_quote_id_ = 1;
  uint64_t next_order_id_ = 1;
  uint64_t next_exec_id_ = 1;
};

}  // namespace otc::engine
