// tests/engine/engine_test.cc: the engine through Engine::handle: a scenario table with
// every RejectReason the engine produces (quote requests, quoted/limit/market orders,
// cancels, replaces, status, MarketDataRequest; market data's own behaviour is in
// market_data_test.cc, order behaviour in depth in orders_test.cc), the quote -> ER New ->
// ER Trade path with exact balances, holds and journal records, fill-or-kill, indicative
// quotes, ExpireTime, QuoteCancel, the desk's inventory skew in a real flow, the halt after
// a failed commit, and restart from a RecoveredState.
#include "engine/engine.h"

#define CATCH_CONFIG_ENABLE_PAIR_STRINGMAKER  // readable failures of ClOrdID lists
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/engine/fixture.h"

namespace otc::engine::test {
namespace {

using ledger::AccountPurpose;
using ledger::JournalRecord;
using ledger::RecordKind;
using R = RejectReason;

// ---- Scenario table of rejections -------------------------------------------------

struct Ctx {
  World& w;
  QuotedEvent q;  // the quote the row's setup gave (default: ACME, BTC/USD, two-way, 1 BTC)
};

struct Row {
  std::string name;
  std::function<void(Ctx&)> setup;
  std::function<Command(Ctx&)> cmd;
  RejectReason want;
  std::function<void(ReferenceData&)> tweak = {};
  bool ticks = true;
};

using Setup = std::function<void(Ctx&)>;
using Mutate = std::function<void(Ctx&, NewOrderCmd&)>;

// Default order setup: ACME asks a two-way quote for 1 BTC at mid 65000.00
// (gold: bid 64967.50, offer 65032.50).
void acme_two_way(Ctx& c) { c.q = c.w.quote(kAcme, "BTC/USD", 0, "1"); }

Setup then(Setup a, Setup b) {
  return [a, b](Ctx& c) {
    a(c);
    b(c);
  };
}

// Executes c.q as a buy by its owner with ClOrdID `id` (must fill).
void execute(Ctx& c, const std::string& id, Side side = Side::kBuy) {
  std::vector<Event> out = c.w.handle(c.w.order_for(c.q, side, id));
  REQUIRE(out.size() == 2);
  REQUIRE(is_er(out[0], ExecKind::kNew));
  REQUIRE(is_er(out[1], ExecKind::kTrade));
}

Row quote_row(std::string name, QuoteRequestCmd req, RejectReason want, Setup setup = {},
              std::function<void(ReferenceData&)> tweak = {}, bool ticks = true) {
  return Row{std::move(name), std::move(setup), [req](Ctx&) { return Command(req); }, want, std::move(tweak), ticks};
}

QuoteRequestCmd qr(ClientId c, const std::string& symbol, char side, const std::string& qty, int quote_type = 1) {
  QuoteRequestCmd q = World::quote_request(c, symbol, side, qty);
  q.quote_type = quote_type;
  return q;
}

QuoteRequestCmd with_req_id(QuoteRequestCmd q, std::string id) {
  q.quote_req_id = std::move(id);
  return q;
}

// An order that would execute the setup's quote as a buy, changed by `mutate`.
Row order_row(std::string name, Mutate mutate, RejectReason want, Setup setup = acme_two_way,
              std::function<void(ReferenceData&)> tweak = {}) {
  auto cmd = [mutate](Ctx& c) {
    NewOrderCmd o = c.w.order_for(c.q, c.q.offer ? Side::kBuy : Side::kSell, "ORD-under-test");
    if (mutate) mutate(c, o);
    return Command(o);
  };
  return Row{std::move(name), std::move(setup), cmd, want, std::move(tweak), true};
}

Mutate set_qty(std::string t) {
  return [t](Ctx&, NewOrderCmd& o) { o.qty_text = t; };
}
Mutate set_price(std::string t) {
  return [t](Ctx&, NewOrderCmd& o) { o.price_text = t; };
}
Mutate set_quote_id(std::string t) {
  return [t](Ctx&, NewOrderCmd& o) { o.quote_id = t; };
}
Mutate set_symbol(std::string t) {
  return [t](Ctx&, NewOrderCmd& o) { o.symbol = t; };
}
Mutate set_side(char s) {
  return [s](Ctx&, NewOrderCmd& o) { o.side = s; };
}
Mutate set_ord_type(char t) {
  return [t](Ctx&, NewOrderCmd& o) { o.ord_type = t; };
}
Mutate set_client(ClientId id) {
  return [id](Ctx&, NewOrderCmd& o) { o.client = id; };
}
Mutate set_cl_ord_id(std::string t) {
  return [t](Ctx&, NewOrderCmd& o) { o.cl_ord_id = t; };
}

// A quote request whose ExpireTime is `ttl_us` after the clock at the time the command
// is made (after the row's setup), as FIX text with milliseconds or microseconds.
Row expire_row(std::string name, QuoteRequestCmd req, int64_t ttl_us, bool us_precision, RejectReason want,
               Setup setup = {}) {
  auto cmd = [req, ttl_us, us_precision](Ctx& c) {
    QuoteRequestCmd r = req;
    const TimeUs until(c.w.clock.now().value + ttl_us);
    r.expire_time = us_precision ? fix_time_us(until) : fix_time_ms(until);
    return Command(r);
  };
  return Row{std::move(name), std::move(setup), cmd, want, {}, true};
}

QuoteRequestCmd with_expire(QuoteRequestCmd q, std::string text) {
  q.expire_time = std::move(text);
  return q;
}

// A QuoteCancel made after the setup: `quote_id` "" takes the setup's quote (c.q).
Row cancel_row(std::string name, ClientId client, int cancel_type, RejectReason want, Setup setup = acme_two_way,
               std::function<void(ReferenceData&)> tweak = {}, std::optional<std::string> quote_id = std::nullopt) {
  auto cmd = [client, cancel_type, quote_id](Ctx& c) {
    return Command(QuoteCancelCmd{client, quote_id ? *quote_id : format_quote_id(c.q.quote_id), cancel_type});
  };
  return Row{std::move(name), std::move(setup), cmd, want, std::move(tweak), true};
}

// A MarketDataRequest made after the setup (market data rows: nothing is journaled).
Row md_row(std::string name, MarketDataRequestCmd m, RejectReason want, Setup setup = {},
           std::function<void(ReferenceData&)> tweak = {}, bool ticks = true) {
  return Row{std::move(name), std::move(setup), [m](Ctx&) { return Command(m); }, want, std::move(tweak), ticks};
}

MarketDataRequestCmd md_with(MarketDataRequestCmd m, const std::function<void(MarketDataRequestCmd&)>& edit) {
  edit(m);
  return m;
}

// `client` subscribes to `symbols` as `id` and gets one snapshot per instrument.
Setup md_subscribed(ClientId client, std::string id, std::vector<std::string> symbols) {
  return [client, id, symbols](Ctx& c) {
    const std::vector<Event> out = c.w.handle(md_request(client, id, '1', symbols));
    REQUIRE(out.size() == symbols.size());
    for (const Event& e : out) REQUIRE(std::holds_alternative<MarketDataEvent>(e));
  };
}

// ---- Orders that are not quoted, cancels, replaces, status --------------------------

// A limit order (GTC unless told) on BTC/USD unless told.
NewOrderCmd limit_order(ClientId c, std::string id, char side, std::string qty, std::string px, char tif = kTifGtc,
                        std::string symbol = "BTC/USD") {
  NewOrderCmd o;
  o.client = c;
  o.cl_ord_id = std::move(id);
  o.symbol = std::move(symbol);
  o.side = side;
  o.ord_type = '2';
  o.qty_text = std::move(qty);
  o.price_text = std::move(px);
  o.tif = tif;
  return o;
}
NewOrderCmd market_order(ClientId c, std::string id, char side, std::string qty, std::string slippage_bps = "") {
  NewOrderCmd o;
  o.client = c;
  o.cl_ord_id = std::move(id);
  o.symbol = "BTC/USD";
  o.side = side;
  o.ord_type = '1';
  o.qty_text = std::move(qty);
  o.slippage_bps = std::move(slippage_bps);
  return o;
}
NewOrderCmd with(NewOrderCmd o, const std::function<void(NewOrderCmd&)>& edit) {
  edit(o);
  return o;
}
CancelOrderCmd cancel_order(ClientId c, std::string id, std::string orig, char side, std::string symbol = "BTC/USD") {
  CancelOrderCmd x;
  x.client = c;
  x.cl_ord_id = std::move(id);
  x.orig_cl_ord_id = std::move(orig);
  x.symbol = std::move(symbol);
  x.side = side;
  return x;
}
ReplaceOrderCmd replace_order(ClientId c, std::string id, std::string orig, char side, std::string qty, std::string px,
                              std::string symbol = "BTC/USD") {
  ReplaceOrderCmd g;
  g.client = c;
  g.cl_ord_id = std::move(id);
  g.orig_cl_ord_id = std::move(orig);
  g.symbol = std::move(symbol);
  g.side = side;
  g.ord_type = '2';
  g.qty_text = std::move(qty);
  g.price_text = std::move(px);
  return g;
}

// A row whose command is built after the setup.
Row cmd_row(std::string name, std::function<Command(Ctx&)> cmd, RejectReason want, Setup setup = {},
            std::function<void(ReferenceData&)> tweak = {}) {
  return Row{std::move(name), std::move(setup), std::move(cmd), want, std::move(tweak), true};
}
template <typename C>
Row fixed_row(std::string name, C cmd, RejectReason want, Setup setup = {},
              std::function<void(ReferenceData&)> tweak = {}) {
  return cmd_row(std::move(name), [cmd](Ctx&) { return Command(cmd); }, want, std::move(setup), std::move(tweak));
}

// `o` is accepted and rests (its one answer is the ER New).
Setup rests(NewOrderCmd o) {
  return [o](Ctx& c) {
    const std::vector<Event> out = c.w.handle(o);
    INFO("setup order " << o.cl_ord_id << ": " << (out.empty() ? "nothing" : event_name(out.back())));
    REQUIRE(out.size() == 1);
    REQUIRE(is_er(out[0], ExecKind::kNew));
  };
}
// BETA rests a sell of 0.5 BTC at 65000.00 and ACME's buy of 1 BTC at 65000.00 takes it:
// ACME's order "PART" rests with 0.5 filled.
void acme_partly_filled(Ctx& c) {
  rests(limit_order(kBeta, "B-SELL", '2', "0.5", "65000.00"))(c);
  const std::vector<Event> out = c.w.handle(limit_order(kAcme, "PART", '1', "1", "65000.00"));
  REQUIRE(out.size() == 3);  // New, and a Trade for each side of the cross
  REQUIRE(er(out, 1).order.cl_ord_id == "PART");
  REQUIRE(er(out, 1).internal);
  REQUIRE(er(out, 1).order.status == OrdStatus::kPartiallyFilled);
}
// ACME's limit order "REST" (buy 1 BTC at 64000.00 GTC) rests.
void acme_resting(Ctx& c) { rests(limit_order(kAcme, "REST", '1', "1", "64000.00"))(c); }

std::function<void(ReferenceData&)> acme_limit(std::function<void(ClientLimits&)> edit) {
  return [edit](ReferenceData& r) { edit(r.clients[kAcme.value].limits); };
}

// Setups for the quote's later life.
void acme_indicative(Ctx& c) { c.q = c.w.quote_indicative(kAcme, "BTC/USD", 0, "1"); }
void cancel_it(Ctx& c) {
  const QuoteCancelAnsweredEvent a = c.w.cancel(c.q);
  REQUIRE_FALSE(a.reject.has_value());
  REQUIRE(a.canceled == 1);
}
void sweep_after_ttl(Ctx& c) {
  c.w.clock.set(c.q.valid_until);
  REQUIRE(c.w.handle(TimerCmd{}).empty());
}

// ---- MarketDataRequest (market data is session state: rejects are answered, not journaled)
void append_md_rows(std::vector<Row>* rows) {
  const std::vector<std::string> btc = {"BTC/USD"};
  const MarketDataRequestCmd sub = md_request(kAcme, "MD-1", '1', btc);
  const MarketDataRequestCmd snap = md_request(kAcme, "MD-1", '0', btc);
  auto id = [](std::string v) { return [v](MarketDataRequestCmd& m) { m.md_req_id = v; }; };
  auto type = [](char t) { return [t](MarketDataRequestCmd& m) { m.subscription_type = t; }; };
  auto depth = [](int d) { return [d](MarketDataRequestCmd& m) { m.market_depth = d; }; };
  auto update = [](int u) { return [u](MarketDataRequestCmd& m) { m.update_type = u; }; };
  auto entries = [](std::string e) { return [e](MarketDataRequestCmd& m) { m.entry_types = e; }; };
  auto symbols = [](std::vector<std::string> v) { return [v](MarketDataRequestCmd& m) { m.symbols = v; }; };
  const std::vector<std::string> sixteen(16, "BTC/USD");
  std::vector<std::string> seventeen = sixteen;
  seventeen.push_back("ETH/USD");
  auto limit = [](size_t n) { return [n](ReferenceData& r) { r.limits.md_subscriptions_per_client_max = n; }; };
  auto stale = [](Ctx& c) { c.w.clock.advance_us(2000 * 1000 + 1); };
  auto many_subscriptions = [](size_t n) {
    return [n](Ctx& c) {
      for (size_t i = 0; i < n; ++i) md_subscribed(kAcme, "S" + std::to_string(i), {"ETH/USD"})(c);
    };
  };
  const std::vector<Row> md = {
      md_row("md: MDReqID empty", md_with(sub, id("")), R::kMdReqIdInvalid),
      md_row("md: MDReqID 65 characters", md_with(sub, id(std::string(65, 'm'))), R::kMdReqIdInvalid),
      md_row("md: MDReqID empty on a snapshot", md_with(snap, id("")), R::kMdReqIdInvalid),
      md_row("md: MDReqID empty on an unsubscribe", md_unsubscribe(kAcme, ""), R::kMdReqIdInvalid),
      md_row("md: MDReqID 65 characters on an unsubscribe", md_unsubscribe(kAcme, std::string(65, 'm')),
             R::kMdReqIdInvalid),
      md_row("md: MDReqID invalid beats every other field",
             md_request(kAcme, "", 'X', {"NOPE"}, -1, "9", 1), R::kMdReqIdInvalid),
      md_row("md: MDReqID of a live subscription", sub, R::kMdDuplicateReqId, md_subscribed(kAcme, "MD-1", btc)),
      md_row("md: MDReqID of a live subscription, other instruments", md_with(sub, symbols({"ETH/USD", "EUR/USD"})),
             R::kMdDuplicateReqId, md_subscribed(kAcme, "MD-1", btc)),
      md_row("md: MDReqID of a live subscription at the subscriptions limit", sub, R::kMdDuplicateReqId,
             md_subscribed(kAcme, "MD-1", btc), limit(1)),
      md_row("md: unsubscribe of an MDReqID never used", md_unsubscribe(kAcme, "MD-1"), R::kMdUnknownReqId),
      md_row("md: unsubscribe of another client's MDReqID", md_unsubscribe(kBeta, "MD-1"), R::kMdUnknownReqId,
             md_subscribed(kAcme, "MD-1", btc)),
      md_row("md: unsubscribe twice", md_unsubscribe(kAcme, "MD-1"), R::kMdUnknownReqId,
             then(md_subscribed(kAcme, "MD-1", btc),
                  [](Ctx& c) { REQUIRE(c.w.handle(md_unsubscribe(kAcme, "MD-1")).empty()); })),
      md_row("md: unsubscribe after the session ended", md_unsubscribe(kAcme, "MD-1"), R::kMdUnknownReqId,
             then(md_subscribed(kAcme, "MD-1", btc),
                  [](Ctx& c) { REQUIRE(c.w.handle(SessionEndedCmd{kAcme}).empty()); })),
      md_row("md: unsubscribe of a snapshot's MDReqID (no subscription)", md_unsubscribe(kAcme, "MD-1"),
             R::kMdUnknownReqId,
             [](Ctx& c) { REQUIRE(c.w.handle(md_request(kAcme, "MD-1", '0', {"BTC/USD"})).size() == 1); }),
      md_row("md: unsubscribe MDReqID case matters", md_unsubscribe(kAcme, "md-1"), R::kMdUnknownReqId,
             md_subscribed(kAcme, "MD-1", btc)),
      md_row("md: SubscriptionRequestType absent", md_with(sub, type(0)), R::kMdUnsupportedSubscriptionType),
      md_row("md: SubscriptionRequestType 3", md_with(sub, type('3')), R::kMdUnsupportedSubscriptionType),
      md_row("md: SubscriptionRequestType A", md_with(sub, type('A')),
             R::kMdUnsupportedSubscriptionType),
      md_row("md: MarketDepth absent (-1)", md_with(sub, depth(-1)), R::kMdUnsupportedMarketDepth),
      md_row("md: MarketDepth -2", md_with(snap, depth(-2)), R::kMdUnsupportedMarketDepth),
      md_row("md: MDUpdateType 1 (incremental)", md_with(sub, update(1)), R::kMdUnsupportedUpdateType),
      md_row("md: MDUpdateType 2", md_with(snap, update(2)), R::kMdUnsupportedUpdateType),
      md_row("md: MDUpdateType -2", md_with(sub, update(-2)), R::kMdUnsupportedUpdateType),
      md_row("md: MDEntryType 2 (trade)", md_with(sub, entries("2")), R::kMdUnsupportedEntryType),
      md_row("md: MDEntryType bid and 2", md_with(sub, entries("02")), R::kMdUnsupportedEntryType),
      md_row("md: MDEntryType 'A'", md_with(snap, entries("1A")), R::kMdUnsupportedEntryType),
      md_row("md: no MDEntryTypes", md_with(sub, entries("")), R::kMissingField),
      md_row("md: no instruments", md_with(sub, symbols({})), R::kMissingField),
      md_row("md: no instruments on a snapshot", md_with(snap, symbols({})), R::kMissingField),
      md_row("md: 17 instruments (max 16, duplicates count)", md_with(sub, symbols(seventeen)),
             R::kMdTooManySymbols),
      md_row("md: 17 instruments on a snapshot", md_with(snap, symbols(seventeen)), R::kMdTooManySymbols),
      md_row("md: 3 instruments with md_symbols_per_request_max 2",
             md_with(sub, symbols({"BTC/USD", "ETH/USD", "EUR/USD"})), R::kMdTooManySymbols, {},
             [](ReferenceData& r) { r.limits.md_symbols_per_request_max = 2; }),
      md_row("md: too many instruments beats an unknown one", md_with(sub, symbols([&] {
               std::vector<std::string> v = seventeen;
               v[0] = "NOPE";
               return v;
             }())),
             R::kMdTooManySymbols),
      md_row("md: unknown instrument", md_with(sub, symbols({"BTC/JPY"})), R::kUnknownInstrument),
      md_row("md: unknown instrument among known ones", md_with(sub, symbols({"BTC/USD", "ETH/USD", "btc/eur"})),
             R::kUnknownInstrument),
      md_row("md: empty symbol on a snapshot", md_with(snap, symbols({""})), R::kUnknownInstrument),
      md_row("md: unknown instrument beats a duplicate MDReqID", md_with(sub, symbols({"NOPE"})),
             R::kUnknownInstrument, md_subscribed(kAcme, "MD-1", btc)),
      md_row("md: snapshot with no tick yet", snap, R::kNoReferencePrice, {}, {}, false),
      md_row("md: snapshot on a price older than price_age_max_ms", snap, R::kNoReferencePrice, stale),
      md_row("md: snapshot with one of two prices stale (nothing sent)", md_with(snap, symbols({"BTC/USD", "ETH/USD"})),
             R::kNoReferencePrice, [](Ctx& c) {
               c.w.clock.advance_us(2000 * 1000 + 1);
               c.w.tick(kBtcUsd, "65000.00");
             }),
      md_row("md: snapshot with one of two instruments never ticked", md_with(snap, symbols({"BTC/USD", "ETH/USD"})),
             R::kNoReferencePrice, [](Ctx& c) { c.w.tick(kBtcUsd, "65000.00"); }, {}, false),
      md_row("md: subscriptions limit 1 reached", md_with(sub, id("MD-2")), R::kMdSubscriptionsLimit,
             md_subscribed(kAcme, "MD-1", btc), limit(1)),
      md_row("md: subscriptions limit 64 (conf) reached", sub, R::kMdSubscriptionsLimit, many_subscriptions(64)),
      md_row("md: subscriptions limit counts every instrument's subscription once", md_with(sub, id("MD-3")),
             R::kMdSubscriptionsLimit,
             then(md_subscribed(kAcme, "MD-1", {"BTC/USD", "ETH/USD", "EUR/USD"}), md_subscribed(kAcme, "MD-2", btc)),
             limit(2)),
      md_row("md: subscriptions limit, even when no price is fresh", sub, R::kMdSubscriptionsLimit,
             then(many_subscriptions(2), stale), limit(2)),
  };
  rows->insert(rows->end(), md.begin(), md.end());
}

// ---- Limit and market orders, cancels, replaces, status (rejects) -----------------------
void append_order_rows(std::vector<Row>* rows) {
  const NewOrderCmd buy = limit_order(kAcme, "ORD-under-test", '1', "1", "64000.00");
  const NewOrderCmd mkt = market_order(kAcme, "ORD-under-test", '1', "1");
  auto in_us = [](int64_t us) {
    return [us](Ctx& c) { return fix_time_ms(TimeUs(c.w.clock.now().value + us)); };
  };
  auto gtd = [buy](std::function<std::string(Ctx&)> time, std::string date) {
    return [buy, time, date](Ctx& c) {
      NewOrderCmd o = buy;
      o.tif = kTifGtd;
      if (time) o.expire_time = time(c);
      o.expire_date = date;
      return Command(o);
    };
  };
  const CancelOrderCmd cxl = cancel_order(kAcme, "CXL-under-test", "REST", '1');
  const ReplaceOrderCmd rpl = replace_order(kAcme, "RPL-under-test", "REST", '1', "1", "64100.00");
  const std::vector<Row> more = {
      // ---- TimeInForce, expiry, fields by order type
      fixed_row("order: limit TimeInForce 2 (at the opening)", with(buy, [](NewOrderCmd& o) { o.tif = '2'; }),
                R::kUnsupportedTimeInForce),
      fixed_row("order: limit TimeInForce 5 (GTX)", with(buy, [](NewOrderCmd& o) { o.tif = '5'; }),
                R::kUnsupportedTimeInForce),
      fixed_row("order: market TimeInForce Day", with(mkt, [](NewOrderCmd& o) { o.tif = kTifDay; }),
                R::kUnsupportedTimeInForce),
      fixed_row("order: market TimeInForce GTC", with(mkt, [](NewOrderCmd& o) { o.tif = kTifGtc; }),
                R::kUnsupportedTimeInForce),
      cmd_row("order: GTD with neither ExpireTime nor ExpireDate", gtd({}, ""), R::kExpireTimeInvalid),
      cmd_row("order: GTD with both ExpireTime and ExpireDate", gtd(in_us(60'000'000), "20261122"),
              R::kExpireTimeInvalid),
      cmd_row("order: GTD ExpireTime malformed", gtd([](Ctx&) { return std::string("tomorrow"); }, ""),
              R::kExpireTimeInvalid),
      cmd_row("order: GTD ExpireTime now", gtd(in_us(0), ""), R::kExpireTimeInvalid),
      cmd_row("order: GTD ExpireTime in the past", gtd(in_us(-1000), ""), R::kExpireTimeInvalid),
      cmd_row("order: GTD ExpireDate malformed", gtd({}, "2026-11-22"), R::kExpireTimeInvalid),
      cmd_row("order: GTD ExpireDate yesterday", gtd({}, "20261120"), R::kExpireTimeInvalid),
      fixed_row("order: ExpireTime with GTC",
                with(buy, [](NewOrderCmd& o) { o.expire_time = "20261122-10:00:00"; }), R::kFieldNotAllowed),
      fixed_row("order: ExpireDate with a Day order",
                with(buy, [](NewOrderCmd& o) {
                  o.tif = kTifDay;
                  o.expire_date = "20261122";
                }),
                R::kFieldNotAllowed),
      fixed_row("order: ExpireDate with a market order", with(mkt, [](NewOrderCmd& o) { o.expire_date = "20261122"; }),
                R::kFieldNotAllowed),
      fixed_row("order: MaxSlippageBps on a limit order", with(buy, [](NewOrderCmd& o) { o.slippage_bps = "10"; }),
                R::kFieldNotAllowed),
      fixed_row("order: Price on a market order", with(mkt, [](NewOrderCmd& o) { o.price_text = "65000.00"; }),
                R::kFieldNotAllowed),
      fixed_row("order: QuoteID on a limit order", with(buy, [](NewOrderCmd& o) { o.quote_id = "Q1"; }),
                R::kFieldNotAllowed),
      fixed_row("order: limit order without Price", with(buy, [](NewOrderCmd& o) { o.price_text = ""; }),
                R::kMissingField),
      // ---- market orders: slippage (gold: 10 bp by default, at most 500 bp)
      fixed_row("order: MaxSlippageBps not a number", market_order(kAcme, "M", '1', "1", "abc"), R::kSlippageInvalid),
      fixed_row("order: MaxSlippageBps negative", market_order(kAcme, "M", '1', "1", "-1"), R::kSlippageInvalid),
      fixed_row("order: MaxSlippageBps above 500", market_order(kAcme, "M", '1', "1", "500.01"), R::kSlippageInvalid),
      fixed_row("order: MaxSlippageBps with 3 decimals", market_order(kAcme, "M", '1', "1", "1.005"),
                R::kSlippageInvalid),
      fixed_row("order: market buy, desk offer beyond 4.99 bp", market_order(kAcme, "M", '1', "1", "4.99"),
                R::kSlippageExceeded),
      fixed_row("order: market sell, desk bid beyond 0 bp", market_order(kAcme, "M", '2', "1", "0"),
                R::kSlippageExceeded),
      fixed_row("order: market order on a stale price", mkt, R::kNoReferencePrice, [](Ctx& c) {
        c.w.clock.advance_us(2000 * 1000 + 1);
      }),
      // ---- pre-trade limits
      fixed_row("order: limit order above the order notional limit", buy, R::kOrderNotionalLimit, {},
                acme_limit([](ClientLimits& l) { l.order_notional_max = Amount(6399999); })),
      fixed_row("order: second resting order at open_orders_max 1", with(buy, [](NewOrderCmd& o) { o.price_text = "63000.00"; }),
                R::kOpenOrdersLimit, acme_resting, acme_limit([](ClientLimits& l) { l.open_orders_max = 1; })),
      fixed_row("order: traded today + this order above the daily limit", with(buy, [](NewOrderCmd& o) { o.qty_text = "0.54"; }),
                R::kDailyNotionalLimit, then(acme_two_way, [](Ctx& c) { execute(c, "FIRST"); }),
                acme_limit([](ClientLimits& l) { l.daily_notional_max = Amount(6503250 + 3456000 - 1); })),
      fixed_row("order: open orders count against the daily limit", with(buy, [](NewOrderCmd& o) { o.cl_ord_id = "SECOND"; }),
                R::kDailyNotionalLimit, acme_resting,
                acme_limit([](ClientLimits& l) { l.daily_notional_max = Amount(2 * 6400000 - 1); })),
      fixed_row("order: a buy beyond the position limit in the base asset", with(buy, [](NewOrderCmd& o) { o.qty_text = "2"; }),
                R::kPositionLimit, {},
                acme_limit([](ClientLimits& l) { l.position_max[kBtc.value] = Amount(5'100'000'000); })),
      // At 65000.00 only the client's own sell crosses (the desk offers 65032.50).
      fixed_row("order: would trade with the client's own resting sell", limit_order(kAcme, "X", '1', "1", "65000.00"),
                R::kSelfTrade, rests(limit_order(kAcme, "MY-SELL", '2', "1", "65000.00"))),
      fixed_row("order: the book is full (open_orders_max 1, another client's order rests)", buy, R::kOrderBookFull,
                rests(limit_order(kBeta, "B-1", '2', "1", "66000.00")),
                [](ReferenceData& r) { r.limits.open_orders_max = 1; }),
      fixed_row("order: unfunded client's limit buy", limit_order(kGamma, "G-1", '1', "1", "64000.00"),
                R::kInsufficientFunds),
      fixed_row("order: a resting sell beyond the base balance", limit_order(kBeta, "B-1", '2', "5.0001", "70000.00"),
                R::kInsufficientFunds),
      fixed_row("order: funds already held by a resting order", limit_order(kBeta, "B-2", '2', "0.0001", "70000.00"),
                R::kInsufficientFunds, rests(limit_order(kBeta, "B-1", '2', "5", "70000.00"))),
      // ---- OrderCancelRequest
      fixed_row("cancel order: unknown OrigClOrdID", cancel_order(kAcme, "CXL-1", "NO-SUCH", '1'), R::kUnknownOrder,
                acme_resting),
      fixed_row("cancel order: OrigClOrdID empty", cancel_order(kAcme, "CXL-1", "", '1'), R::kUnknownOrder),
      fixed_row("cancel order: another client's order", cancel_order(kBeta, "CXL-1", "REST", '1'), R::kUnknownOrder,
                acme_resting),
      fixed_row("cancel order: OrigClOrdID replaced since", cxl, R::kUnknownOrder,
                then(acme_resting, [](Ctx& c) {
                  REQUIRE(is_er(c.w.handle(replace_order(kAcme, "REST-2", "REST", '1', "1", "63000.00")).at(0),
                                ExecKind::kReplaced));
                })),
      fixed_row("cancel order: side differs", cancel_order(kAcme, "CXL-1", "REST", '2'), R::kOrderMismatch, acme_resting),
      fixed_row("cancel order: symbol differs", cancel_order(kAcme, "CXL-1", "REST", '1', "ETH/USD"), R::kOrderMismatch,
                acme_resting),
      fixed_row("cancel order: OrderID of another order", [&] {
                  CancelOrderCmd x = cxl;
                  x.order_id = "O999";
                  return x;
                }(), R::kOrderMismatch, acme_resting),
      fixed_row("cancel order: a filled quoted order", cancel_order(kAcme, "CXL-1", "FIRST", '1'), R::kOrderNotOpen,
                then(acme_two_way, [](Ctx& c) { execute(c, "FIRST"); })),
      fixed_row("cancel order: canceled already", cancel_order(kAcme, "CXL-2", "REST", '1'), R::kOrderNotOpen,
                then(acme_resting, [](Ctx& c) {
                  REQUIRE(is_er(c.w.handle(cancel_order(kAcme, "CXL-1", "REST", '1')).at(0), ExecKind::kCanceled));
                })),
      fixed_row("cancel order: ClOrdID empty", cancel_order(kAcme, "", "REST", '1'), R::kClOrdIdInvalid, acme_resting),
      fixed_row("cancel order: ClOrdID of an order", cancel_order(kAcme, "REST", "REST", '1'), R::kDuplicateClOrdId,
                acme_resting),
      // ---- OrderCancelReplaceRequest
      fixed_row("replace order: unknown OrigClOrdID", replace_order(kAcme, "RPL-1", "NO-SUCH", '1', "1", "64100.00"),
                R::kUnknownOrder, acme_resting),
      fixed_row("replace order: side differs", replace_order(kAcme, "RPL-1", "REST", '2', "1", "64100.00"),
                R::kOrderMismatch, acme_resting),
      fixed_row("replace order: qty not above the filled 0.5", replace_order(kAcme, "RPL-1", "PART", '1', "0.5", "65000.00"),
                R::kReplaceQtyNotAboveFilled, acme_partly_filled),
      fixed_row("replace order: TimeInForce changes", [&] {
                  ReplaceOrderCmd g = rpl;
                  g.tif = kTifIoc;
                  return g;
                }(), R::kReplaceUnsupported, acme_resting),
      fixed_row("replace order: OrdType changes", [&] {
                  ReplaceOrderCmd g = rpl;
                  g.ord_type = '1';
                  return g;
                }(), R::kReplaceUnsupported, acme_resting),
      fixed_row("replace order: Price missing", replace_order(kAcme, "RPL-1", "REST", '1', "1", ""), R::kMissingField,
                acme_resting),
      fixed_row("replace order: a filled quoted order", replace_order(kAcme, "RPL-1", "FIRST", '1', "1", "65032.50"),
                R::kOrderNotOpen, then(acme_two_way, [](Ctx& c) { execute(c, "FIRST"); })),
      fixed_row("replace order: more than the client can fund", replace_order(kBeta, "RPL-1", "B-1", '2', "6", "70000.00"),
                R::kInsufficientFunds, rests(limit_order(kBeta, "B-1", '2', "5", "70000.00"))),
      fixed_row("replace order: would trade with the client's own order", replace_order(kAcme, "RPL-1", "REST", '1', "1", "65000.00"),
                R::kSelfTrade, then(acme_resting, rests(limit_order(kAcme, "MY-SELL", '2', "1", "65000.00")))),
      // ---- OrderStatusRequest: answered, never journaled
      fixed_row("status: unknown ClOrdID", OrderStatusCmd{kAcme, "NO-SUCH", "", "BTC/USD", '1'}, R::kUnknownOrder,
                acme_resting),
      fixed_row("status: another client's order", OrderStatusCmd{kBeta, "REST", "", "BTC/USD", '1'}, R::kUnknownOrder,
                acme_resting),
  };
  rows->insert(rows->end(), more.begin(), more.end());
}

std::vector<Row> engine_rows() {
  const std::string max_qty_plus = "50.0001";
  std::vector<Row> rows = {
      // ---- quote requests --------------------------------------------------------
      quote_row("quote: QuoteReqID empty", with_req_id(qr(kAcme, "BTC/USD", '1', "1"), ""), R::kQuoteReqIdInvalid),
      quote_row("quote: QuoteReqID 65 characters", with_req_id(qr(kAcme, "BTC/USD", '1', "1"), std::string(65, 'r')),
                R::kQuoteReqIdInvalid),
      quote_row("quote: QuoteReqID invalid beats QuoteType and symbol",
                with_req_id(qr(kAcme, "NOPE", '1', "1", 2), ""), R::kQuoteReqIdInvalid),
      quote_row("quote: unknown instrument", qr(kAcme, "BTC/JPY", '1', "1"), R::kUnknownInstrument),
      quote_row("quote: empty symbol", qr(kAcme, "", '1', "1"), R::kUnknownInstrument),
      quote_row("quote: symbol case matters", qr(kAcme, "btc/usd", '1', "1"), R::kUnknownInstrument),
      // QuoteType 0 (indicative) is taken now: see "indicative quote ..." below.
      quote_row("quote: QuoteType not a number (-1)", qr(kAcme, "BTC/USD", '1', "1", -1), R::kUnsupportedQuoteType),
      quote_row("quote: QuoteType 2", qr(kAcme, "BTC/USD", '1', "1", 2), R::kUnsupportedQuoteType),
      quote_row("quote: side 3", qr(kAcme, "BTC/USD", '3', "1"), R::kUnsupportedSide),
      quote_row("quote: side B (as defined)", qr(kAcme, "BTC/USD", 'B', "1"), R::kUnsupportedSide),
      quote_row("quote: qty missing", qr(kAcme, "BTC/USD", '1', ""), R::kMissingField),
      quote_row("quote: qty zero", qr(kAcme, "BTC/USD", '1', "0"), R::kQtyZero),
      quote_row("quote: qty negative", qr(kAcme, "BTC/USD", '2', "-1"), R::kQtyNegative),
      quote_row("quote: qty below min (min - 1 lot)", qr(kAcme, "EUR/USD", '1', "999.99"), R::kQtyBelowMin),
      quote_row("quote: qty above max (max + 1 lot)", qr(kAcme, "BTC/USD", '1', max_qty_plus), R::kQtyAboveMax),
      quote_row("quote: qty off lot", qr(kAcme, "BTC/USD", '1', "0.00005"), R::kQtyOffLot),
      quote_row("quote: qty too many decimals", qr(kAcme, "BTC/USD", 0, "0.000000001"), R::kQtyOffLot),
      quote_row("quote: qty malformed", qr(kAcme, "BTC/USD", '1', "1.5.0"), R::kQtyMalformed),
      quote_row("quote: qty exponent", qr(kAcme, "BTC/USD", '1', "1e2"), R::kQtyMalformed),
      quote_row("quote: qty out of range", qr(kAcme, "BTC/USD", '1', "92233720368.54775808"), R::kNumberOutOfRange),
      quote_row("quote: no tick yet", qr(kAcme, "BTC/USD", '1', "1"), R::kNoReferencePrice, {}, {}, false),
      quote_row("quote: tick older than price_age_max_ms", qr(kAcme, "BTC/USD", '1', "1"), R::kNoReferencePrice,
                [](Ctx& c) { c.w.clock.advance_us(2000 * 1000 + 1); }),
      quote_row("quote: indicative needs a reference price, however old", qr(kAcme, "BTC/USD", '1', "1", 0),
                R::kNoReferencePrice, {}, {}, false),
      quote_row("quote: tick of another instrument only", qr(kAcme, "ETH/USD", 0, "1"), R::kNoReferencePrice,
                [](Ctx& c) { c.w.tick(kBtcUsd, "65000.00"); }, {}, false),
      quote_row("quote: sell side has no positive bid", qr(kAcme, "ETH/BTC", '2', "1"), R::kNoReferencePrice,
                [](Ctx& c) { c.w.tick(kEthBtc, "0.000001"); }),
      quote_row("quote: price beyond int64", qr(kAcme, "BTC/USD", '1', "1"), R::kNumberOutOfRange,
                [](Ctx& c) { c.w.tick(kBtcUsd, Price(INT64_MAX)); }),
      quote_row("quote: live quotes limit", qr(kBeta, "ETH/USD", '1', "1"), R::kLiveQuotesLimit,
                [](Ctx& c) {
                  c.w.quote(kAcme, "BTC/USD", '1', "1");
                  c.w.quote(kGamma, "BTC/USD", 0, "1");
                },
                [](ReferenceData& r) { r.limits.live_quotes_max = 2; }),
      quote_row("quote: per-client live quotes limit (others unaffected)", qr(kAcme, "ETH/USD", '1', "1"),
                R::kLiveQuotesLimit,
                [](Ctx& c) {
                  c.w.quote(kAcme, "BTC/USD", '1', "1");
                  c.w.quote(kAcme, "BTC/USD", '2', "1");
                  c.w.quote(kBeta, "BTC/USD", '1', "1");  // BETA still gets quotes at ACME's cap
                },
                [](ReferenceData& r) { r.limits.live_quotes_per_client_max = 2; }),

      // ---- quote requests: ExpireTime (gold 100 ms .. 60 s, silver .. 30 s, bronze .. 10 s)
      expire_row("quote: ExpireTime 99 ms ahead (too short)", qr(kAcme, "BTC/USD", '1', "1"), 99'000, false,
                 R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime 99.999 ms ahead (too short by 1 us)", qr(kAcme, "BTC/USD", '1', "1"), 99'999,
                 true, R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime now (0 ms)", qr(kAcme, "BTC/USD", '1', "1"), 0, false, R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime in the past", qr(kAcme, "BTC/USD", '1', "1"), -5'000'000, false,
                 R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime a day in the past", qr(kAcme, "BTC/USD", '1', "1"), -86'400'000'000, false,
                 R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime 60 s + 1 ms ahead for gold (too long)", qr(kAcme, "BTC/USD", '1', "1"),
                 60'001'000, false, R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime 60 s + 1 us ahead for gold (too long)", qr(kAcme, "BTC/USD", '1', "1"),
                 60'000'001, true, R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime 30 s + 1 ms ahead for silver (too long)", qr(kBeta, "BTC/USD", '1', "1"),
                 30'001'000, false, R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime 10 s + 1 ms ahead for bronze (too long)", qr(kGamma, "BTC/USD", '1', "1"),
                 10'001'000, false, R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime a year ahead", qr(kAcme, "BTC/USD", '1', "1"), 365LL * 86'400'000'000, false,
                 R::kQuoteTtlOutOfRange),
      expire_row("quote: ExpireTime too short on an indicative request too", qr(kAcme, "BTC/USD", '1', "1", 0), 50'000,
                 false, R::kQuoteTtlOutOfRange),
      quote_row("quote: ExpireTime malformed (words)", with_expire(qr(kAcme, "BTC/USD", '1', "1"), "tomorrow"),
                R::kQuoteTtlOutOfRange),
      quote_row("quote: ExpireTime malformed (7 fraction digits)",
                with_expire(qr(kAcme, "BTC/USD", '1', "1"), "20261121-10:00:05.0000000"), R::kQuoteTtlOutOfRange),
      quote_row("quote: ExpireTime malformed (ISO 8601)",
                with_expire(qr(kAcme, "BTC/USD", '1', "1"), "2026-11-21T10:00:05Z"), R::kQuoteTtlOutOfRange),
      quote_row("quote: ExpireTime malformed (hour 24)",
                with_expire(qr(kAcme, "BTC/USD", '1', "1"), "20261121-24:00:05"), R::kQuoteTtlOutOfRange),
      quote_row("quote: ExpireTime malformed (trailing space)",
                with_expire(qr(kAcme, "BTC/USD", '1', "1"), "20261121-10:00:05 "), R::kQuoteTtlOutOfRange),
      quote_row("quote: ExpireTime is checked before the reference price",
                with_expire(qr(kAcme, "BTC/USD", '1', "1"), "garbage"), R::kQuoteTtlOutOfRange, {}, {}, false),
      quote_row("quote: qty is checked before ExpireTime",
                with_expire(qr(kAcme, "BTC/USD", '1', "0"), "garbage"), R::kQtyZero),

      // ---- QuoteCancel ---------------------------------------------------------------
      cancel_row("cancel: QuoteCancelType absent", kAcme, -1, R::kUnsupportedQuoteCancelType),
      cancel_row("cancel: QuoteCancelType 0", kAcme, 0, R::kUnsupportedQuoteCancelType),
      cancel_row("cancel: QuoteCancelType 2 (per symbol)", kAcme, 2, R::kUnsupportedQuoteCancelType),
      cancel_row("cancel: QuoteCancelType 3 (per security type)", kAcme, 3, R::kUnsupportedQuoteCancelType),
      cancel_row("cancel: QuoteCancelType 5 (by QuoteID in FIX 5.0)", kAcme, 5, R::kUnsupportedQuoteCancelType),
      cancel_row("cancel: type 1 without QuoteID", kAcme, 1, R::kMissingField, acme_two_way, {}, ""),
      cancel_row("cancel: QuoteID never given", kAcme, 1, R::kUnknownQuote, acme_two_way, {}, "Q999"),
      cancel_row("cancel: QuoteID text XYZ", kAcme, 1, R::kUnknownQuote, acme_two_way, {}, "XYZ"),
      cancel_row("cancel: QuoteID Q0", kAcme, 1, R::kUnknownQuote, acme_two_way, {}, "Q0"),
      cancel_row("cancel: quote of another client (live)", kBeta, 1, R::kQuoteOfOtherClient),
      cancel_row("cancel: quote of another client (executed)", kGamma, 1, R::kQuoteOfOtherClient,
                 then(acme_two_way, [](Ctx& c) { execute(c, "FIRST"); })),
      cancel_row("cancel: quote already executed", kAcme, 1, R::kQuoteAlreadyExecuted,
                 then(acme_two_way, [](Ctx& c) { execute(c, "FIRST"); })),
      cancel_row("cancel: quote canceled before (second cancel)", kAcme, 1, R::kQuoteCanceled,
                 then(acme_two_way, cancel_it)),
      cancel_row("cancel: quote canceled by cancel-all before", kAcme, 1, R::kQuoteCanceled,
                 then(acme_two_way, [](Ctx& c) { REQUIRE(c.w.cancel(kAcme, "", 4).canceled == 1); })),
      cancel_row("cancel: quote expired and swept", kAcme, 1, R::kQuoteExpired, then(acme_two_way, sweep_after_ttl)),
      cancel_row("cancel: indicative quote expired and swept", kAcme, 1, R::kQuoteExpired,
                 then(acme_indicative, sweep_after_ttl)),
      cancel_row("cancel: executed quote forgotten (retired_quotes_max 0)", kAcme, 1, R::kUnknownQuote,
                 then(acme_two_way, [](Ctx& c) { execute(c, "FIRST"); }),
                 [](ReferenceData& r) { r.limits.retired_quotes_max = 0; }),

      // ---- orders: shape and grids -------------------------------------------------
      order_row("order: unknown instrument", set_symbol("BTC/JPY"), R::kUnknownInstrument),
      order_row("order: empty symbol", set_symbol(""), R::kUnknownInstrument),
      order_row("order: qty zero", set_qty("0"), R::kQtyZero),
      order_row("order: qty negative", set_qty("-1"), R::kQtyNegative),
      order_row("order: qty below min",
                [](Ctx&, NewOrderCmd& o) {
                  o.symbol = "EUR/USD";
                  o.qty_text = "999.99";
                },
                R::kQtyBelowMin),
      order_row("order: qty above max", set_qty("50.0001"), R::kQtyAboveMax),
      order_row("order: qty off lot", set_qty("1.00005"), R::kQtyOffLot),
      order_row("order: qty malformed", set_qty("1.0.0"), R::kQtyMalformed),
      order_row("order: qty out of range", set_qty("92233720368.54775808"), R::kNumberOutOfRange),
      order_row("order: price off tick", set_price("65032.505"), R::kPriceOffTick),
      order_row("order: price zero", set_price("0"), R::kPriceNotPositive),
      order_row("order: price negative", set_price("-65032.50"), R::kPriceNotPositive),
      order_row("order: price malformed", set_price("abc"), R::kPriceMalformed),
      order_row("order: price out of range", set_price("92233720368547758.08"), R::kNumberOutOfRange),
      order_row("order: qty missing", set_qty(""), R::kMissingField),
      order_row("order: price missing", set_price(""), R::kMissingField),
      order_row("order: QuoteID missing", set_quote_id(""), R::kMissingField),
      order_row("order: side 3", set_side('3'), R::kUnsupportedSide),
      order_row("order: side absent", set_side(0), R::kUnsupportedSide),
      // Market and limit orders are taken now, but not with a QuoteID (see the order rows below).
      order_row("order: OrdType market with the quote's QuoteID and Price", set_ord_type('1'), R::kFieldNotAllowed),
      order_row("order: OrdType limit with the quote's QuoteID", set_ord_type('2'), R::kFieldNotAllowed),
      order_row("order: OrdType absent", set_ord_type(0), R::kUnsupportedOrdType),
      order_row("order: OrdType 3 (stop)", set_ord_type('3'), R::kUnsupportedOrdType),
      order_row("order: OrdType P (pegged)", set_ord_type('P'), R::kUnsupportedOrdType),
      order_row("order: quoted order with TimeInForce GTC", [](Ctx&, NewOrderCmd& o) { o.tif = kTifGtc; },
                R::kUnsupportedTimeInForce),
      order_row("order: quoted order with an ExpireTime", [](Ctx& c, NewOrderCmd& o) {
                  o.expire_time = fix_time_ms(TimeUs(c.w.clock.now().value + 60'000'000));
                },
                R::kFieldNotAllowed),
      order_row("order: quoted order with MaxSlippageBps", [](Ctx&, NewOrderCmd& o) { o.slippage_bps = "10"; },
                R::kFieldNotAllowed),

      // ---- orders: the quote -----------------------------------------------------------
      order_row("order: QuoteID never given", set_quote_id("Q999"), R::kUnknownQuote),
      order_row("order: QuoteID text XYZ", set_quote_id("XYZ"), R::kUnknownQuote),
      order_row("order: QuoteID Q0", set_quote_id("Q0"), R::kUnknownQuote),
      order_row("order: QuoteID with leading zero", set_quote_id("Q01"), R::kUnknownQuote),
      order_row("order: QuoteID lower case", set_quote_id("q1"), R::kUnknownQuote),
      order_row("order: QuoteID beyond uint64", set_quote_id("Q18446744073709551616"), R::kUnknownQuote),
      order_row("order: quote of another client (live)", set_client(kBeta), R::kQuoteOfOtherClient),
      order_row("order: quote of another client (executed)", set_client(kBeta), R::kQuoteOfOtherClient,
                then(acme_two_way, [](Ctx& c) { execute(c, "FIRST"); })),
      order_row("order: quote of another client (expired and swept)", set_client(kBeta), R::kQuoteOfOtherClient,
                then(acme_two_way, [](Ctx& c) {
                  c.w.clock.advance_us(10'000'000);
                  c.w.handle(TimerCmd{});
                })),
      order_row("order: quote expired (at valid_until)", {}, R::kQuoteExpired,
                then(acme_two_way, [](Ctx& c) { c.w.clock.advance_us(10'000'000); })),
      order_row("order: quote expired and swept by the timer", {}, R::kQuoteExpired,
                then(acme_two_way, [](Ctx& c) {
                  c.w.clock.advance_us(10'000'001);
                  REQUIRE(c.w.handle(TimerCmd{}).empty());
                  REQUIRE(c.w.engine.rfq_book().live_count() == 0);
                })),
      order_row("order: bronze quote expired after its 3 s TTL", {}, R::kQuoteExpired,
                [](Ctx& c) {
                  c.w.deposit(kGamma, kUsd, "100000.00");
                  c.q = c.w.quote(kGamma, "BTC/USD", 0, "1");
                  c.w.clock.advance_us(3'000'000);
                }),
      order_row("order: quote already executed", {}, R::kQuoteAlreadyExecuted,
                then(acme_two_way, [](Ctx& c) { execute(c, "FIRST"); })),
      order_row("order: other side of an executed two-way quote", set_side('2'), R::kQuoteAlreadyExecuted,
                then(acme_two_way, [](Ctx& c) { execute(c, "FIRST"); })),
      order_row("order: executed beats expired", {}, R::kQuoteAlreadyExecuted,
                then(acme_two_way, [](Ctx& c) {
                  execute(c, "FIRST");
                  c.w.clock.advance_us(20'000'000);
                  c.w.handle(TimerCmd{});
                })),
      order_row("order: on an indicative quote", {}, R::kQuoteIndicative, acme_indicative),
      order_row("order: sell on an indicative two-way quote", set_side('2'), R::kQuoteIndicative, acme_indicative),
      order_row("order: on an indicative quote after it expired and was swept", {}, R::kQuoteIndicative,
                then(acme_indicative, sweep_after_ttl)),
      order_row("order: on an indicative quote given on a stale price", {}, R::kQuoteIndicative,
                [](Ctx& c) {
                  c.w.clock.advance_us(60'000'000);
                  acme_indicative(c);
                }),
      order_row("order: indicative quote of another client", set_client(kBeta), R::kQuoteOfOtherClient,
                acme_indicative),
      order_row("order: on a canceled quote", {}, R::kQuoteCanceled, then(acme_two_way, cancel_it)),
      order_row("order: on a quote canceled by cancel-all", {}, R::kQuoteCanceled,
                then(acme_two_way, [](Ctx& c) { REQUIRE(c.w.cancel(kAcme, "", 4).canceled == 1); })),
      order_row("order: canceled beats expired", {}, R::kQuoteCanceled,
                then(acme_two_way, then(cancel_it, sweep_after_ttl))),
      order_row("order: quote of another client (canceled)", set_client(kBeta), R::kQuoteOfOtherClient,
                then(acme_two_way, cancel_it)),
      order_row("order: sell on a buy-only quote", set_side('2'), R::kQuoteSideMismatch,
                [](Ctx& c) { c.q = c.w.quote(kAcme, "BTC/USD", '1', "1"); }),
      order_row("order: buy on a sell-only quote", set_side('1'), R::kQuoteSideMismatch,
                [](Ctx& c) { c.q = c.w.quote(kAcme, "BTC/USD", '2', "1"); }),
      order_row("order: sell on a two-way quote without bid", set_side('2'), R::kQuoteSideMismatch,
                [](Ctx& c) {
                  c.w.tick(kEthBtc, "0.000001");
                  c.q = c.w.quote(kAcme, "ETH/BTC", 0, "1");
                  REQUIRE_FALSE(c.q.bid.has_value());
                }),
      order_row("order: qty differs (less)", set_qty("0.5"), R::kQuoteQtyMismatch),
      order_row("order: qty differs by one lot", set_qty("1.0001"), R::kQuoteQtyMismatch),
      order_row("order: price differs by one tick", set_price("65032.51"), R::kQuotePriceMismatch),
      order_row("order: buy at the bid", set_price("64967.50"), R::kQuotePriceMismatch),
      order_row("order: other instrument", set_symbol("BTC/EUR"), R::kQuoteInstrumentMismatch),

      // ---- orders: risk ----------------------------------------------------------------
      order_row("order: unfunded client buys (quote asset)", {}, R::kInsufficientFunds,
                [](Ctx& c) { c.q = c.w.quote(kGamma, "BTC/USD", 0, "1"); }),
      order_row("order: unfunded client sells (base asset)",
                [](Ctx& c, NewOrderCmd& o) { o = c.w.order_for(c.q, Side::kSell, o.cl_ord_id); },
                R::kInsufficientFunds,
                [](Ctx& c) {
                  c.q = c.w.quote(kGamma, "BTC/USD", 0, "1");
                  c.w.deposit(kGamma, kUsd, "1000000.00");  // has USD, but no BTC to sell
                }),
      order_row("order: funds cover the notional but not the fee", {}, R::kInsufficientFunds,
                [](Ctx& c) {
                  // bronze buys 1 BTC at 65162.50: notional 6516250 cents, fee 3258.125 -> 3259.
                  c.w.deposit(kGamma, kUsd, Amount(6516250 + 3259 - 1));
                  c.q = c.w.quote(kGamma, "BTC/USD", '1', "1");
                  REQUIRE(c.q.offer == Price(6516250));
                }),
      quote_row("quote: notional beyond int64 (never quoted, so never executable)", qr(kAcme, "BTC/USD", '1', "50"),
                R::kNotionalOverflow, [](Ctx& c) { c.w.tick(kBtcUsd, "2000000000000000.00"); }),
      quote_row("quote: notional rounds to zero (sell 0.001 ETH at a 0.000001 BTC bid)",
                qr(kAcme, "ETH/BTC", '2', "0.001"), R::kNotionalTooSmall,
                [](Ctx& c) { c.w.tick(kEthBtc, "0.000002"); }),
      // "client balance would overflow" (kBalanceOverflow) left the table: the engine now
      // aborts on it (see "engine: a fill that would overflow the buyer's balance ...").
      order_row("order: quoted order above the client's order notional limit", {}, R::kOrderNotionalLimit,
                acme_two_way, acme_limit([](ClientLimits& l) { l.order_notional_max = Amount(6503249); })),

      // ---- orders: ClOrdID -------------------------------------------------------------
      order_row("order: duplicate ClOrdID of a filled order", set_cl_ord_id("DUP"), R::kDuplicateClOrdId,
                [](Ctx& c) {
                  c.q = c.w.quote(kAcme, "BTC/USD", 0, "1");
                  execute(c, "DUP");
                  c.q = c.w.quote(kAcme, "BTC/USD", 0, "1");
                }),
      order_row("order: duplicate ClOrdID of a rejected order", set_cl_ord_id("DUP"), R::kDuplicateClOrdId,
                then(acme_two_way,
                     [](Ctx& c) {
                       NewOrderCmd bad = c.w.order_for(c.q, Side::kBuy, "DUP");
                       bad.qty_text = "0.5";
                       std::vector<Event> out = c.w.handle(bad);
                       REQUIRE(out.size() == 1);
                       REQUIRE(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kQuoteQtyMismatch);
                     })),
      order_row("order: duplicate ClOrdID beats every later check", set_cl_ord_id("DUP"), R::kDuplicateClOrdId,
                then(acme_two_way,
                     [](Ctx& c) {
                       NewOrderCmd bad = c.w.order_for(c.q, Side::kBuy, "DUP");
                       bad.ord_type = '1';
                       REQUIRE(c.w.handle(bad).size() == 1);
                     })),
      order_row("order: ClOrdID empty", set_cl_ord_id(""), R::kClOrdIdInvalid),
      order_row("order: ClOrdID 65 characters", set_cl_ord_id(std::string(65, 'x')), R::kClOrdIdInvalid),
      order_row("order: ClOrdID invalid beats a bad symbol",
                [](Ctx&, NewOrderCmd& o) {
                  o.cl_ord_id = "";
                  o.symbol = "NOPE";
                },
                R::kClOrdIdInvalid),
      order_row("order: too many ClOrdIDs for the client", {}, R::kClOrdIdLimit,
                then(acme_two_way, [](Ctx& c) { execute(c, "ONLY-ONE"); }),
                [](ReferenceData& r) { r.limits.cl_ord_ids_per_client_max = 1; }),
  };
  append_order_rows(&rows);
  append_md_rows(&rows);
  return rows;
}

std::map<uint64_t, int64_t> snapshot_balances(const World& w) {
  std::map<uint64_t, int64_t> m;
  for (const ledger::Account& a : w.ledger.accounts()) m[a.id.value] = w.ledger.balance(a.id).value;
  return m;
}

// Every open order as text (id, ClOrdID, qty, price, filled, held, status): equal lists
// mean no order was placed, changed or closed.
std::vector<std::string> order_states(const World& w) {
  std::vector<std::string> v;
  for (const Order* o : w.engine.open_orders()) {
    v.push_back(format_order_id(o->id) + " " + o->cl_ord_id + " " + std::to_string(o->qty.value) + "@" +
                std::to_string(o->limit.value) + " cum " + std::to_string(o->cum.value) + " held " +
                std::to_string(o->held.value) + " status " + std::string(1, static_cast<char>(o->status)) +
                " priority " + std::to_string(o->priority));
  }
  return v;
}

// After a market data row: every price moves, the throttle interval passes, the timer
// runs; what streams (as text) shows which subscriptions exist.
std::vector<std::string> md_probe(World& w) {
  w.clock.advance_us(1'000'000);
  for (const InstrumentSpec& i : w.ref.instruments) {
    const std::optional<PriceTick> px = w.engine.reference(i.id);
    w.tick(i.id, Price((px ? px->mid.value : i.initial_mid.value) + 100 * i.tick));
  }
  std::vector<std::string> got;
  for (const Event& e : w.handle(TimerCmd{})) got.push_back(event_text(e));
  return got;
}

TEST_CASE("engine: every rejection, answered once, journaled, nothing else changes", "[engine]") {
  for (const Row& row : engine_rows()) {
    INFO("row: " << row.name);
    World::Options opts;
    opts.tweak = row.tweak;
    opts.ticks = row.ticks;
    World w(opts);
    Ctx ctx{w, {}};
    if (row.setup) row.setup(ctx);
    REQUIRE(w.journal.commit().ok());
    const Command cmd = row.cmd(ctx);
    const auto before = snapshot_balances(w);
    const size_t live_before = w.engine.rfq_book().live_count();
    const std::vector<std::string> orders_before = order_states(w);

    std::vector<Event> out = w.handle(cmd);
    REQUIRE(out.size() == 1);
    INFO("event: " << event_name(out[0]));
    const Reject* reject = nullptr;
    if (const auto* q = std::get_if<QuoteRequestCmd>(&cmd)) {
      REQUIRE(std::holds_alternative<QuoteRejectedEvent>(out[0]));
      const auto& e = std::get<QuoteRejectedEvent>(out[0]);
      reject = &e.reject;
      CHECK(e.client == q->client);
      CHECK(e.quote_req_id == q->quote_req_id);
      CHECK(e.symbol == q->symbol);
      CHECK(e.side == q->side);
      CHECK(e.qty_text == q->qty_text);
      CHECK(e.ts == w.clock.now());
    } else if (const auto* x = std::get_if<QuoteCancelCmd>(&cmd)) {
      REQUIRE(std::holds_alternative<QuoteCancelAnsweredEvent>(out[0]));
      const auto& e = std::get<QuoteCancelAnsweredEvent>(out[0]);
      REQUIRE(e.reject.has_value());
      reject = &*e.reject;
      CHECK(e.client == x->client);
      CHECK(e.quote_id == x->quote_id);
      CHECK(e.cancel_type == x->cancel_type);
      CHECK(e.canceled == 0);
      CHECK(e.ts == w.clock.now());
    } else if (const auto* m = std::get_if<MarketDataRequestCmd>(&cmd)) {
      REQUIRE(std::holds_alternative<MarketDataRejectedEvent>(out[0]));
      const auto& e = std::get<MarketDataRejectedEvent>(out[0]);
      reject = &e.reject;
      CHECK(e.client == m->client);
      CHECK(e.md_req_id == m->md_req_id);
      CHECK(e.ts == w.clock.now());
    } else if (std::holds_alternative<CancelOrderCmd>(cmd) || std::holds_alternative<ReplaceOrderCmd>(cmd)) {
      REQUIRE(std::holds_alternative<CancelRejectedEvent>(out[0]));
      const auto& e = std::get<CancelRejectedEvent>(out[0]);
      reject = &e.reject;
      const auto* x = std::get_if<CancelOrderCmd>(&cmd);
      const auto* g = std::get_if<ReplaceOrderCmd>(&cmd);
      CHECK(e.client == (x ? x->client : g->client));
      CHECK(e.cl_ord_id == (x ? x->cl_ord_id : g->cl_ord_id));
      CHECK(e.orig_cl_ord_id == (x ? x->orig_cl_ord_id : g->orig_cl_ord_id));
      CHECK(e.response_to == (x ? '1' : '2'));
      // The order's id and status when the OrigClOrdID named one of the client's orders
      // (every row but some kUnknownOrder ones does).
      CHECK(e.order_id.has_value() == e.ord_status.has_value());
      if (row.want != R::kUnknownOrder) CHECK(e.order_id.has_value());
      CHECK(e.ts == w.clock.now());
    } else if (const auto* h = std::get_if<OrderStatusCmd>(&cmd)) {
      REQUIRE(std::holds_alternative<OrderRejectedEvent>(out[0]));
      const auto& e = std::get<OrderRejectedEvent>(out[0]);
      reject = &e.reject;
      CHECK(e.exec_type == 'I');  // the status answer for an unknown order
      CHECK(e.client == h->client);
      CHECK(e.cl_ord_id == h->cl_ord_id);
      CHECK(e.order_id == OrderId(0));
      CHECK(e.exec_id == ExecId(0));
    } else {
      const auto& o = std::get<NewOrderCmd>(cmd);
      REQUIRE(std::holds_alternative<OrderRejectedEvent>(out[0]));
      const auto& e = std::get<OrderRejectedEvent>(out[0]);
      reject = &e.reject;
      CHECK(e.exec_type == '8');
      CHECK(e.client == o.client);
      CHECK(e.cl_ord_id == o.cl_ord_id);
      CHECK(e.symbol == o.symbol);
      CHECK(e.side == o.side);
      CHECK(e.ord_type == o.ord_type);
      CHECK(e.qty_text == o.qty_text);
      CHECK(e.price_text == o.price_text);
      CHECK(e.order_id.value > 0);
      CHECK(e.exec_id.value > 0);
      CHECK(e.ts == w.clock.now());
    }
    INFO("detail: " << reject->detail);
    CHECK(reject->reason == row.want);
    CHECK_FALSE(reject->detail.empty());

    if (std::holds_alternative<MarketDataRequestCmd>(cmd)) {
      // Session state, not journaled; no subscription was made, changed or ended: the same
      // setup without the request streams exactly the same afterwards.
      CHECK(w.journal.pending() == 0);
      CHECK(snapshot_balances(w) == before);
      CHECK(w.engine.rfq_book().live_count() == live_before);
      World twin(opts);
      Ctx twin_ctx{twin, {}};
      if (row.setup) row.setup(twin_ctx);
      CHECK(md_probe(w) == md_probe(twin));
      continue;
    }
    if (std::holds_alternative<OrderStatusCmd>(cmd)) {
      // A status answer changes nothing and is not journaled.
      CHECK(w.journal.pending() == 0);
      CHECK(snapshot_balances(w) == before);
      CHECK(order_states(w) == orders_before);
      continue;
    }
    // Exactly one record, the reject, with its reason number; no balance or quote moved.
    REQUIRE(w.journal.pending() == 1);
    const size_t committed_before = w.journal.committed().size();
    REQUIRE(w.journal.commit().ok());
    REQUIRE(w.journal.committed().size() == committed_before + 1);
    const JournalRecord& rec = w.journal.committed().back();
    const bool cancel_or_replace =
        std::holds_alternative<CancelOrderCmd>(cmd) || std::holds_alternative<ReplaceOrderCmd>(cmd);
    const RecordKind want_kind = std::holds_alternative<QuoteRequestCmd>(cmd)  ? RecordKind::kQuoteRejected
                                 : std::holds_alternative<QuoteCancelCmd>(cmd) ? RecordKind::kQuoteCanceled
                                 : cancel_or_replace                           ? RecordKind::kCancelRejected
                                                                               : RecordKind::kOrderRejected;
    CHECK(rec.kind == want_kind);
    CHECK(rec.payload.find("\"reason\":" + std::to_string(static_cast<int>(row.want))) != std::string::npos);
    CHECK(rec.transfers.empty());
    if (const auto* o = std::get_if<NewOrderCmd>(&cmd)) {
      // The indexed ClOrdID marks it used after a restart: not for ones we did not take.
      const bool taken = row.want != R::kClOrdIdInvalid && row.want != R::kDuplicateClOrdId &&
                         row.want != R::kClOrdIdLimit;
      CHECK(rec.cl_ord_id == (taken ? o->cl_ord_id : std::string()));
    }
    if (cancel_or_replace) {
      // A refused cancel or replace uses up its ClOrdID, unless it was not a usable one.
      const std::string id = std::holds_alternative<CancelOrderCmd>(cmd) ? std::get<CancelOrderCmd>(cmd).cl_ord_id
                                                                        : std::get<ReplaceOrderCmd>(cmd).cl_ord_id;
      const bool taken = row.want != R::kClOrdIdInvalid && row.want != R::kDuplicateClOrdId;
      CHECK(rec.cl_ord_id == (taken ? id : std::string()));
      CHECK(rec.payload.find(std::holds_alternative<CancelOrderCmd>(cmd) ? "\"response_to\":\"1\""
                                                                         : "\"response_to\":\"2\"") != std::string::npos);
    }
    CHECK(snapshot_balances(w) == before);
    CHECK(w.engine.rfq_book().live_count() == live_before);
    CHECK(order_states(w) == orders_before);  // no order was placed, changed or closed
    CHECK(w.engine.check_invariants() == "");
  }
}

TEST_CASE("engine: the table triggers every reason the engine can produce", "[engine]") {
  std::set<RejectReason> covered;
  for (const Row& row : engine_rows()) covered.insert(row.want);
  covered.insert(R::kJournalHalted);  // "after a failed commit ..." below
  // Not a reject: an FOK order that cannot fill is accepted and canceled, the reason in
  // its ER Canceled's text ("a fill-or-kill order that cannot fill in full ..." below).
  covered.insert(R::kFillOrKillUnfillable);
  // Only by aborting now (suspected engine bug): "a fill that would overflow ..." below.
  covered.insert(R::kBalanceOverflow);
  int n = 0;
  const RejectReason* all = all_reject_reasons(&n);
  for (int i = 0; i < n; ++i) {
    // Produced by the gateway / runner, never by Engine::handle.
    if (all[i] == R::kUnknownClient || all[i] == R::kEngineBusy || all[i] == R::kUnsupportedMessage) continue;
    INFO("reason " << reject_name(all[i]));
    CHECK(covered.count(all[i]) == 1);
  }
}

// ---- The success path -----------------------------------------------------------------

TEST_CASE("engine: quote then order -> accepted then filled, balances and journal exact", "[engine]") {
  World w;
  const size_t committed_at_start = w.journal.committed().size();

  std::vector<Event> qout = w.handle(World::quote_request(kAcme, "BTC/USD", 0, "1"));
  REQUIRE(qout.size() == 1);
  REQUIRE(std::holds_alternative<QuotedEvent>(qout[0]));
  const QuotedEvent q = std::get<QuotedEvent>(qout[0]);
  CHECK(q.client == kAcme);
  CHECK(q.quote_req_id == "QR-BTC/USD-1");
  CHECK(q.quote_id == QuoteId(1));
  CHECK(q.instrument == kBtcUsd);
  CHECK_FALSE(q.side.has_value());
  CHECK(q.qty == Qty(100000000));
  REQUIRE(q.bid.has_value());
  REQUIRE(q.offer.has_value());
  CHECK(*q.bid == Price(6496750));    // 64967.50
  CHECK(*q.offer == Price(6503250));  // 65032.50
  CHECK(q.ts == kStart);
  CHECK(q.valid_until == TimeUs(kStart.value + 10'000'000));
  CHECK(w.journal.pending() == 1);
  CHECK(w.engine.rfq_book().live_count() == 1);

  w.clock.advance_us(1500);
  NewOrderCmd o = w.order_for(q, Side::kBuy, "ACME-0001");
  CHECK(o.price_text == "65032.5");
  CHECK(o.qty_text == "1");
  std::vector<Event> out = w.handle(o);
  REQUIRE(out.size() == 2);
  const ExecReportEvent& acc = er(out, 0);
  const ExecReportEvent& fill = er(out, 1);
  // ER New: the order as accepted.
  CHECK(acc.kind == ExecKind::kNew);
  CHECK(acc.order.client == kAcme);
  CHECK(acc.order.order_id == OrderId(1));
  CHECK(acc.order.cl_ord_id == "ACME-0001");
  CHECK(acc.order.orig_cl_ord_id.empty());
  CHECK(acc.order.instrument == kBtcUsd);
  CHECK(acc.order.side == Side::kBuy);
  CHECK(acc.order.ord_type == 'D');
  CHECK(acc.order.tif == 0);
  CHECK(acc.order.qty == Qty(100000000));
  CHECK(acc.order.price == Price(6503250));
  CHECK_FALSE(acc.order.expire.has_value());
  CHECK(acc.order.status == OrdStatus::kNew);
  CHECK(acc.order.cum_qty == Qty(0));
  CHECK(acc.order.leaves_qty == Qty(100000000));
  CHECK(acc.order.avg_px == Price(0));
  CHECK(acc.ts == TimeUs(kStart.value + 1500));
  // ER Trade: the fill, and the order after it.
  CHECK(fill.kind == ExecKind::kTrade);
  CHECK(fill.order.client == kAcme);
  CHECK(fill.order.order_id == acc.order.order_id);
  CHECK(fill.order.cl_ord_id == "ACME-0001");
  CHECK(fill.quote_id == q.quote_id);
  CHECK(fill.order.instrument == kBtcUsd);
  CHECK(fill.order.side == Side::kBuy);
  CHECK(fill.order.ord_type == 'D');
  CHECK(fill.order.qty == Qty(100000000));
  CHECK(fill.order.price == Price(6503250));
  CHECK(fill.order.status == OrdStatus::kFilled);
  CHECK(fill.last_qty == Qty(100000000));
  CHECK(fill.last_px == *q.offer);
  CHECK(fill.order.cum_qty == Qty(100000000));
  CHECK(fill.order.leaves_qty == Qty(0));
  CHECK(fill.order.avg_px == *q.offer);
  CHECK(fill.notional == Amount(6503250));  // 65032.50 USD
  CHECK(fill.fee == Amount(0));             // gold
  CHECK_FALSE(fill.internal);
  CHECK(fill.text.empty());
  CHECK(fill.ts == acc.ts);
  CHECK(acc.exec_id.value > 0);
  CHECK(fill.exec_id.value > acc.exec_id.value);
  CHECK(format_order_id(acc.order.order_id) == "O1");
  CHECK(w.engine.rfq_book().live_count() == 0);
  CHECK(w.engine.open_orders().empty());

  // Balances: ACME +1 BTC, -65032.50 USD; the desk the opposite; no fee; nothing left held.
  CHECK(w.client_balance(kAcme, kBtc) == 5100000000);
  CHECK(w.client_balance(kAcme, kUsd) == 500000000 - 6503250);
  CHECK(w.held_balance(kAcme, kUsd) == 0);
  CHECK(w.held_balance(kAcme, kBtc) == 0);
  CHECK(w.desk_balance(kBtc) == -100000000);
  CHECK(w.desk_balance(kUsd) == 6503250);
  CHECK(w.fee_balance(kUsd) == 0);
  for (const AssetSpec& a : w.ref.assets) CHECK(w.ledger.asset_net(a.code) == 0);
  CHECK(w.engine.check_invariants() == "");

  // Journal: quote, accepted (with the hold), fill (with trade row and transfers), all in one commit.
  REQUIRE(w.journal.pending() == 3);
  REQUIRE(w.journal.commit().ok());
  const auto& recs = w.journal.committed();
  REQUIRE(recs.size() == committed_at_start + 3);
  const JournalRecord& rq = recs[recs.size() - 3];
  const JournalRecord& ra = recs[recs.size() - 2];
  const JournalRecord& rf = recs[recs.size() - 1];
  CHECK(rq.kind == RecordKind::kQuote);
  CHECK(rq.client == "ACME");
  CHECK(rq.quote_id == q.quote_id);
  CHECK(rq.payload.find("\"offer\":6503250") != std::string::npos);
  CHECK(rq.payload.find("\"bid\":6496750") != std::string::npos);
  const AccountId acme_btc = w.ledger.find("ACME", "BTC", AccountPurpose::kClientAvailable);
  const AccountId acme_usd = w.ledger.find("ACME", "USD", AccountPurpose::kClientAvailable);
  const AccountId acme_usd_held = w.ledger.find("ACME", "USD", AccountPurpose::kClientHeld);
  const AccountId desk_btc = w.ledger.find("DESK", "BTC", AccountPurpose::kDeskInventory);
  const AccountId desk_usd = w.ledger.find("DESK", "USD", AccountPurpose::kDeskInventory);
  CHECK(acme_usd_held == w.engine.held_account(kAcme, kUsd));
  CHECK(ra.kind == RecordKind::kOrderAccepted);
  CHECK(ra.client == "ACME");
  CHECK(ra.order_id == acc.order.order_id);
  CHECK(ra.exec_id == acc.exec_id);
  CHECK(ra.quote_id == q.quote_id);
  CHECK(ra.cl_ord_id == "ACME-0001");
  CHECK(ra.payload.find("\"open\":true") != std::string::npos);
  // Acceptance holds what the order may consume: notional + fee (0) at the quoted price.
  REQUIRE(ra.transfers.size() == 1);
  CHECK(ra.transfers[0].debit == acme_usd);
  CHECK(ra.transfers[0].credit == acme_usd_held);
  CHECK(ra.transfers[0].amount == Amount(6503250));
  CHECK(ra.transfers[0].asset_code == "USD");
  CHECK(rf.kind == RecordKind::kFill);
  CHECK(rf.order_id == acc.order.order_id);
  CHECK(rf.exec_id == fill.exec_id);
  CHECK(rf.quote_id == q.quote_id);
  CHECK(rf.cl_ord_id == "ACME-0001");
  CHECK(rf.payload.find("\"open\":false") != std::string::npos);
  CHECK(rf.payload.find("\"status\":\"2\"") != std::string::npos);
  CHECK(rf.payload.find("\"counterparty\":\"DESK\"") != std::string::npos);
  REQUIRE(rf.trade.has_value());
  const ledger::TradeRow& t = *rf.trade;
  CHECK(t.exec_id == fill.exec_id);
  CHECK(t.order_id == acc.order.order_id);
  CHECK(t.quote_id == q.quote_id);
  CHECK(t.client == "ACME");
  CHECK(t.cl_ord_id == "ACME-0001");
  CHECK(t.instrument == "BTC/USD");
  CHECK(t.side == Side::kBuy);
  CHECK(t.qty == Qty(100000000));
  CHECK(t.price == Price(6503250));
  CHECK(t.qty_text == "1");
  CHECK(t.price_text == "65032.5");
  CHECK(t.notional == Amount(6503250));
  CHECK(t.fee == Amount(0));
  // The fill pays from the hold: no zero-amount fee transfer, nothing left to release.
  REQUIRE(rf.transfers.size() == 2);
  CHECK(rf.transfers[0].debit == acme_usd_held);
  CHECK(rf.transfers[0].credit == desk_usd);
  CHECK(rf.transfers[0].amount == Amount(6503250));
  CHECK(rf.transfers[0].asset_code == "USD");
  CHECK(rf.transfers[1].debit == desk_btc);
  CHECK(rf.transfers[1].credit == acme_btc);
  CHECK(rf.transfers[1].amount == Amount(100000000));
  CHECK(rf.transfers[1].asset_code == "BTC");
  CHECK(ra.transfers[0].id.value > 0);
  CHECK(rf.transfers[0].id.value == ra.transfers[0].id.value + 1);
  CHECK(rf.transfers[1].id.value == rf.transfers[0].id.value + 1);
}

TEST_CASE("engine: silver client sells on a two-way quote, fee charged in the quote asset", "[engine]") {
  World w;
  const QuotedEvent q = w.quote(kBeta, "BTC/USD", 0, "1");
  CHECK(*q.bid == Price(6493500));    // 10 bp: 64935.00
  CHECK(*q.offer == Price(6506500));  // 65065.00
  std::vector<Event> out = w.handle(w.order_for(q, Side::kSell, "B-1"));
  REQUIRE(out.size() == 2);
  const ExecReportEvent& fill = er(out, 1);
  REQUIRE(fill.kind == ExecKind::kTrade);
  CHECK(fill.order.side == Side::kSell);
  CHECK(fill.last_px == Price(6493500));
  CHECK(fill.notional == Amount(6493500));
  CHECK(fill.fee == Amount(650));  // 649.35 -> 650 cents
  CHECK(w.client_balance(kBeta, kBtc) == 400000000);
  CHECK(w.client_balance(kBeta, kUsd) == 100000000 + 6493500 - 650);
  CHECK(w.desk_balance(kBtc) == 100000000);
  CHECK(w.desk_balance(kUsd) == -6493500);
  CHECK(w.fee_balance(kUsd) == 650);
  CHECK(w.held_balance(kBeta, kBtc) == 0);
  REQUIRE(w.journal.commit().ok());
  const auto& recs = w.journal.committed();
  const JournalRecord& ra = recs[recs.size() - 2];
  const JournalRecord& rf = recs.back();
  const AccountId beta_btc = w.ledger.find("BETA", "BTC", AccountPurpose::kClientAvailable);
  const AccountId beta_btc_held = w.ledger.find("BETA", "BTC", AccountPurpose::kClientHeld);
  const AccountId beta_usd = w.ledger.find("BETA", "USD", AccountPurpose::kClientAvailable);
  // A sell holds its quantity of the base asset on acceptance ...
  REQUIRE(ra.kind == RecordKind::kOrderAccepted);
  REQUIRE(ra.transfers.size() == 1);
  CHECK(ra.transfers[0].debit == beta_btc);
  CHECK(ra.transfers[0].credit == beta_btc_held);
  CHECK(ra.transfers[0].amount == Amount(100000000));
  // ... delivers it from the hold, and pays its fee out of the proceeds.
  REQUIRE(rf.kind == RecordKind::kFill);
  REQUIRE(rf.transfers.size() == 3);
  CHECK(rf.transfers[0].debit == beta_btc_held);
  CHECK(rf.transfers[0].credit == w.ledger.find("DESK", "BTC", AccountPurpose::kDeskInventory));
  CHECK(rf.transfers[0].amount == Amount(100000000));
  CHECK(rf.transfers[1].debit == w.ledger.find("DESK", "USD", AccountPurpose::kDeskInventory));
  CHECK(rf.transfers[1].credit == beta_usd);
  CHECK(rf.transfers[1].amount == Amount(6493500));
  CHECK(rf.transfers[2].debit == beta_usd);
  CHECK(rf.transfers[2].credit == w.ledger.find("FEES", "USD", AccountPurpose::kFeeIncome));
  CHECK(rf.transfers[2].amount == Amount(650));
}

TEST_CASE("engine: a two-way quote trades on either side", "[engine]") {
  const Side side = GENERATE(Side::kBuy, Side::kSell);
  INFO("client side " << side_name(side));
  World w;
  const QuotedEvent q = w.quote(kAcme, "ETH/USD", 0, "10");  // gold, 3200.00: 3198.40 / 3201.60
  CHECK(*q.bid == Price(319840));
  CHECK(*q.offer == Price(320160));
  std::vector<Event> out = w.handle(w.order_for(q, side));
  REQUIRE(out.size() == 2);
  const ExecReportEvent& fill = er(out, 1);
  REQUIRE(fill.kind == ExecKind::kTrade);
  CHECK(fill.last_px == (side == Side::kBuy ? *q.offer : *q.bid));
  CHECK(fill.notional == Amount(side == Side::kBuy ? 3201600 : 3198400));
  const int64_t eth = 10'000'000'000;  // 10 ETH in gwei
  CHECK(w.client_balance(kAcme, kEth) == 500'000'000'000 + (side == Side::kBuy ? eth : -eth));
  CHECK(w.client_balance(kAcme, kUsd) == 500000000 + (side == Side::kBuy ? -3201600 : 3198400));
}

TEST_CASE("engine: notional rounds in the desk's favour through the engine", "[engine]") {
  World w;
  w.tick(kBtcUsd, "65000.01");  // gold offer 65032.52, bid 64967.50
  const QuotedEvent qb = w.quote(kAcme, "BTC/USD", '1', "0.0001");
  const QuotedEvent qs = w.quote(kAcme, "BTC/USD", '2', "0.0001");
  REQUIRE(qb.offer == Price(6503252));
  REQUIRE(qs.bid == Price(6496750));
  REQUIRE(w.handle(w.order_for(qb, Side::kBuy)).size() == 2);
  REQUIRE(w.handle(w.order_for(qs, Side::kSell)).size() == 2);
  // buy: 6.503252 USD -> pays 651 cents; sell: 6.49675 USD -> gets 649 cents.
  CHECK(w.client_balance(kAcme, kUsd) == 500000000 - 651 + 649);
  CHECK(w.client_balance(kAcme, kBtc) == 5000000000);
  CHECK(w.desk_balance(kUsd) == 2);
}

TEST_CASE("engine: ETH/BTC fills move gwei and satoshi exactly", "[engine]") {
  World w;
  const QuotedEvent q = w.quote(kBeta, "ETH/BTC", '1', "1.5");  // silver 10 bp on 0.049000
  REQUIRE(q.offer == Price(49049));                             // 0.049049
  std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy));
  REQUIRE(out.size() == 2);
  const ExecReportEvent& fill = er(out, 1);
  REQUIRE(fill.kind == ExecKind::kTrade);
  CHECK(fill.notional == Amount(7357350));  // 1.5e9 gwei * 49049 / 1e7
  CHECK(fill.fee == Amount(736));           // 735.735 -> 736 sat
  CHECK(w.client_balance(kBeta, kEth) == 50'000'000'000 + 1'500'000'000);
  CHECK(w.client_balance(kBeta, kBtc) == 500000000 - 7357350 - 736);
  CHECK(w.fee_balance(kBtc) == 736);
}

TEST_CASE("engine: the order's numbers are compared by value, not by text", "[engine]") {
  World w;
  const QuotedEvent q = w.quote(kAcme, "BTC/USD", '1', "1");
  NewOrderCmd o = w.order_for(q, Side::kBuy, "TEXT-1");
  o.qty_text = "001.00000000";
  o.price_text = "65032.500";
  std::vector<Event> out = w.handle(o);
  REQUIRE(out.size() == 2);
  CHECK(er(out, 1).kind == ExecKind::kTrade);
  CHECK(er(out, 1).last_px == Price(6503250));
  REQUIRE(w.journal.commit().ok());
  const JournalRecord& rf = w.journal.committed().back();
  REQUIRE(rf.trade.has_value());
  CHECK(rf.trade->qty_text == "1");  // canonical text of the traded values
  CHECK(rf.trade->price_text == "65032.5");
}

TEST_CASE("engine: a quote executes until valid_until - 1us", "[engine]") {
  World w;
  const QuotedEvent q = w.quote(kAcme, "BTC/USD", 0, "1");
  w.clock.set(TimeUs(q.valid_until.value - 1));
  REQUIRE(w.handle(TimerCmd{}).empty());
  CHECK(w.engine.rfq_book().live_count() == 1);
  std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy));
  REQUIRE(out.size() == 2);
  CHECK(is_er(out[1], ExecKind::kTrade));
}

TEST_CASE("engine: a reference price exactly price_age_max_ms old still quotes", "[engine]") {
  World w;
  w.clock.advance_us(2000 * 1000);
  const QuotedEvent q = w.quote(kAcme, "BTC/USD", '1', "1");
  CHECK(q.offer == Price(6503250));
  CHECK_FALSE(q.bid.has_value());
  CHECK(q.side == Side::kBuy);
}

TEST_CASE("engine: funds exactly notional + fee are enough, and leave zero", "[engine]") {
  World w;
  w.deposit(kGamma, kUsd, Amount(6516250 + 3259));  // bronze 1 BTC: 65162.50 + fee 32.59
  const QuotedEvent q = w.quote(kGamma, "BTC/USD", '1', "1");
  REQUIRE(q.offer == Price(6516250));
  std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy));
  REQUIRE(out.size() == 2);
  CHECK(er(out, 1).fee == Amount(3259));
  CHECK(w.held_balance(kGamma, kUsd) == 0);
  CHECK(w.client_balance(kGamma, kUsd) == 0);
  CHECK(w.client_balance(kGamma, kBtc) == 100000000);
}

TEST_CASE("engine: a QuoteReqID of 64 characters is fine", "[engine]") {
  World w;
  QuoteRequestCmd req = World::quote_request(kAcme, "BTC/USD", '1', "1");
  req.quote_req_id = std::string(64, 'r');
  std::vector<Event> out = w.handle(req);
  REQUIRE(out.size() == 1);
  REQUIRE(std::holds_alternative<QuotedEvent>(out[0]));
  CHECK(std::get<QuotedEvent>(out[0]).quote_req_id == req.quote_req_id);
}

TEST_CASE("engine: ClOrdIDs are per client; 64 characters are fine", "[engine]") {
  World w;
  const QuotedEvent qa = w.quote(kAcme, "BTC/USD", 0, "1");
  const QuotedEvent qb = w.quote(kBeta, "BTC/USD", 0, "1");
  const std::string id(64, 'z');
  CHECK(w.handle(w.order_for(qa, Side::kBuy, id)).size() == 2);
  CHECK(w.handle(w.order_for(qb, Side::kBuy, id)).size() == 2);
}

TEST_CASE("engine: ids increase and never repeat across quotes, orders and rejects", "[engine]") {
  World w;
  std::set<uint64_t> execs;
  uint64_t last_order = 0;
  uint64_t last_quote = 0;
  for (int i = 0; i < 20; ++i) {
    const QuotedEvent q = w.quote(kAcme, "BTC/USD", 0, "0.01");
    CHECK(q.quote_id.value > last_quote);
    last_quote = q.quote_id.value;
    NewOrderCmd o = w.order_for(q, i % 2 ? Side::kBuy : Side::kSell);
    if (i % 3 == 0) o.qty_text = "0.02";  // rejected
    for (const Event& e : w.handle(o)) {
      if (const auto* r = std::get_if<OrderRejectedEvent>(&e)) {
        CHECK(r->order_id.value > last_order);
        last_order = r->order_id.value;
        CHECK(execs.insert(r->exec_id.value).second);
      } else if (is_er(e, ExecKind::kNew)) {
        const auto& a = std::get<ExecReportEvent>(e);
        CHECK(a.order.order_id.value > last_order);
        last_order = a.order.order_id.value;
        CHECK(execs.insert(a.exec_id.value).second);
      } else if (is_er(e, ExecKind::kTrade)) {
        const auto& f = std::get<ExecReportEvent>(e);
        CHECK(f.order.order_id.value == last_order);
        CHECK(f.exec_id.value > *execs.rbegin());
        CHECK(execs.insert(f.exec_id.value).second);
      } else {
        FAIL("unexpected " << event_name(e));
      }
    }
  }
  CHECK(execs.size() == 7 + 13 * 2);  // 7 rejects (1 id each), 13 fills (2 ids each)
}

TEST_CASE("engine: after a failed commit every request is answered kJournalHalted, nothing recorded", "[engine]") {
  World w;
  const QuotedEvent q = w.quote(kAcme, "BTC/USD", 0, "1");
  const std::vector<Event> rested = w.handle(limit_order(kAcme, "RESTING", '1', "1", "64000.00"));
  REQUIRE(rested.size() == 1);
  REQUIRE(is_er(rested[0], ExecKind::kNew));
  REQUIRE(w.journal.commit().ok());
  w.quote(kAcme, "BTC/USD", 0, "2");  // lost with the failed commit
  w.journal.fail_next_commit();
  REQUIRE_FALSE(w.journal.commit().ok());
  REQUIRE(w.journal.halted());
  const size_t committed = w.journal.committed().size();
  const auto balances = snapshot_balances(w);

  const QuoteRequestCmd bad_req = [] {
    QuoteRequestCmd c = World::quote_request(kBeta, "NOPE", '9', "x");
    c.quote_req_id = "";
    return c;
  }();
  const std::vector<QuoteRequestCmd> requests = {World::quote_request(kAcme, "BTC/USD", 0, "1"), bad_req};
  for (const QuoteRequestCmd& c : requests) {
    std::vector<Event> out = w.handle(c);
    REQUIRE(out.size() == 1);
    REQUIRE(std::holds_alternative<QuoteRejectedEvent>(out[0]));
    CHECK(std::get<QuoteRejectedEvent>(out[0]).reject.reason == R::kJournalHalted);
    CHECK(std::get<QuoteRejectedEvent>(out[0]).quote_req_id == c.quote_req_id);
  }
  NewOrderCmd good = w.order_for(q, Side::kBuy, "AFTER-HALT");
  NewOrderCmd bad = good;
  bad.cl_ord_id = "";
  bad.ord_type = '1';
  for (const NewOrderCmd& o : {good, bad}) {
    std::vector<Event> out = w.handle(o);
    REQUIRE(out.size() == 1);
    INFO("got " << event_name(out[0]));
    REQUIRE(std::holds_alternative<OrderNotTakenEvent>(out[0]));
    const auto& e = std::get<OrderNotTakenEvent>(out[0]);
    CHECK(e.reject.reason == R::kJournalHalted);
    CHECK(e.msg_type == 'D');
    CHECK(e.client == kAcme);
    CHECK(e.cl_ord_id == o.cl_ord_id);
    CHECK(e.ts == w.clock.now());
  }
  // Cancels and replaces: one OrderNotTaken each, naming the message type (F, G).
  {
    std::vector<Event> out = w.handle(cancel_order(kAcme, "CXL-AFTER-HALT", "ANY", '1'));
    REQUIRE(out.size() == 1);
    REQUIRE(std::holds_alternative<OrderNotTakenEvent>(out[0]));
    CHECK(std::get<OrderNotTakenEvent>(out[0]).msg_type == 'F');
    CHECK(std::get<OrderNotTakenEvent>(out[0]).cl_ord_id == "CXL-AFTER-HALT");
    CHECK(std::get<OrderNotTakenEvent>(out[0]).reject.reason == R::kJournalHalted);
    out = w.handle(replace_order(kAcme, "RPL-AFTER-HALT", "ANY", '1', "1", "1.00"));
    REQUIRE(out.size() == 1);
    REQUIRE(std::holds_alternative<OrderNotTakenEvent>(out[0]));
    CHECK(std::get<OrderNotTakenEvent>(out[0]).msg_type == 'G');
    CHECK(std::get<OrderNotTakenEvent>(out[0]).cl_ord_id == "RPL-AFTER-HALT");
    CHECK(std::get<OrderNotTakenEvent>(out[0]).reject.reason == R::kJournalHalted);
    // Limit and market orders as well.
    for (const NewOrderCmd& o : {limit_order(kAcme, "LIMIT-AFTER-HALT", '1', "1", "60000.00"),
                                 market_order(kBeta, "MARKET-AFTER-HALT", '2', "1")}) {
      out = w.handle(o);
      REQUIRE(out.size() == 1);
      REQUIRE(std::holds_alternative<OrderNotTakenEvent>(out[0]));
      CHECK(std::get<OrderNotTakenEvent>(out[0]).msg_type == 'D');
      CHECK(std::get<OrderNotTakenEvent>(out[0]).cl_ord_id == o.cl_ord_id);
    }
    // A price move that reaches the resting bid fills nothing once halted.
    CHECK(w.tick(kBtcUsd, "63900.00").empty());
    REQUIRE(w.engine.open_orders().size() == 1);
    CHECK(w.engine.open_orders()[0]->cum == Qty(0));
  }
  // QuoteCancel: one answer, kJournalHalted, nothing withdrawn, whatever the request.
  const std::vector<QuoteCancelCmd> cancels = {QuoteCancelCmd{kAcme, format_quote_id(q.quote_id), 1},
                                               QuoteCancelCmd{kAcme, "", 4}, QuoteCancelCmd{kBeta, "", 9}};
  for (const QuoteCancelCmd& x : cancels) {
    INFO("cancel type " << x.cancel_type);
    std::vector<Event> out = w.handle(x);
    REQUIRE(out.size() == 1);
    REQUIRE(std::holds_alternative<QuoteCancelAnsweredEvent>(out[0]));
    const auto& e = std::get<QuoteCancelAnsweredEvent>(out[0]);
    REQUIRE(e.reject.has_value());
    CHECK(e.reject->reason == R::kJournalHalted);
    CHECK(e.canceled == 0);
    CHECK(e.client == x.client);
    CHECK(e.quote_id == x.quote_id);
  }
  CHECK(w.journal.pending() == 0);
  CHECK_FALSE(w.journal.commit().ok());
  CHECK(w.journal.committed().size() == committed);
  CHECK(snapshot_balances(w) == balances);
  CHECK(w.engine.rfq_book().live_count() == 2);  // the quote is still there, untouched
}

// A fill-or-kill order is accepted (its hold taken) and, when the desk and the book cannot
// fill all of it now, canceled at once with reason 2011 in the text; the hold comes back.
TEST_CASE("engine: a fill-or-kill order that cannot fill in full is accepted and canceled at once", "[engine]") {
  World w;
  const int64_t usd = w.client_balance(kAcme, kUsd);
  // The desk's size for BTC/USD is 20 BTC (the largest streaming size): 25 cannot fill.
  std::vector<Event> out = w.handle(limit_order(kAcme, "FOK-1", '1', "25", "70000.00", kTifFok));
  REQUIRE(out.size() == 2);
  const ExecReportEvent& acc = er(out, 0);
  const ExecReportEvent& cxl = er(out, 1);
  CHECK(acc.kind == ExecKind::kNew);
  CHECK(acc.order.tif == kTifFok);
  CHECK(cxl.kind == ExecKind::kCanceled);
  CHECK(cxl.order.order_id == acc.order.order_id);
  CHECK(cxl.order.status == OrdStatus::kCanceled);
  CHECK(cxl.order.cum_qty == Qty(0));
  CHECK(cxl.order.leaves_qty == Qty(0));
  CHECK(cxl.order.orig_cl_ord_id.empty());  // not a client's cancel
  CHECK(cxl.text == "2011 fill_or_kill_unfillable: only 20 of 25 available now");
  CHECK(w.client_balance(kAcme, kUsd) == usd);
  CHECK(w.held_balance(kAcme, kUsd) == 0);
  CHECK(w.desk_balance(kBtc) == 0);
  REQUIRE(w.journal.commit().ok());
  const auto& recs = w.journal.committed();
  const JournalRecord& ra = recs[recs.size() - 2];
  const JournalRecord& rc = recs.back();
  CHECK(ra.kind == RecordKind::kOrderAccepted);
  CHECK(rc.kind == RecordKind::kOrderCanceled);
  CHECK(rc.cl_ord_id == "FOK-1");
  REQUIRE(ra.transfers.size() == 1);  // the hold: 25 BTC at 70000.00
  CHECK(ra.transfers[0].amount == Amount(175'000'000));
  REQUIRE(rc.transfers.size() == 1);  // its release
  CHECK(rc.transfers[0].debit == ra.transfers[0].credit);
  CHECK(rc.transfers[0].credit == ra.transfers[0].debit);
  CHECK(rc.transfers[0].amount == ra.transfers[0].amount);
  CHECK(rc.payload.find("\"open\":false") != std::string::npos);

  // One that can fill does, at the desk's price, and what it held beyond that is released.
  out = w.handle(limit_order(kAcme, "FOK-2", '1', "1", "70000.00", kTifFok));
  REQUIRE(out.size() == 2);
  CHECK(er(out, 1).kind == ExecKind::kTrade);
  CHECK(er(out, 1).last_px == Price(6503250));
  CHECK(er(out, 1).order.status == OrdStatus::kFilled);
  CHECK(w.client_balance(kAcme, kUsd) == usd - 6503250);
  CHECK(w.held_balance(kAcme, kUsd) == 0);
  REQUIRE(w.journal.commit().ok());
  const JournalRecord& rf = w.journal.committed().back();
  REQUIRE(rf.kind == RecordKind::kFill);
  REQUIRE(rf.transfers.size() == 3);  // notional from the hold, the BTC, the release (no fee: gold)
  CHECK(rf.transfers[2].debit == w.engine.held_account(kAcme, kUsd));
  CHECK(rf.transfers[2].credit == w.engine.available_account(kAcme, kUsd));
  CHECK(rf.transfers[2].amount == Amount(7000000 - 6503250));
  CHECK(w.engine.check_invariants() == "");
}

// A quoted buy whose fill would push the client's base balance past int64 is rejected
// with kBalanceOverflow before it is accepted (Engine::check_fillable checks the hold with
// the postings of a full fill), never an abort when the fill posts.
TEST_CASE("engine: a fill that would overflow the buyer's balance is rejected kBalanceOverflow, not an abort",
          "[engine]") {
  World w;
  // As much BTC as the external account can give: ACME then holds INT64_MAX - 5 BTC + 1
  // sat (BETA has the other 5), and buys 10 BTC.
  const int64_t ext = w.balance("EXTERNAL", kBtc, AccountPurpose::kExternal);
  w.deposit(kAcme, kBtc, Amount(INT64_MAX + ext + 1));
  REQUIRE(w.client_balance(kAcme, kBtc) == INT64_MAX - 500000000 + 1);
  const QuotedEvent q = w.quote(kAcme, "BTC/USD", '1', "10");
  REQUIRE(w.journal.commit().ok());
  const auto before = snapshot_balances(w);
  std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy, "OVERFLOW"));  // actual: SIGABRT in fill_desk
  REQUIRE(out.size() == 1);
  REQUIRE(std::holds_alternative<OrderRejectedEvent>(out[0]));
  CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kBalanceOverflow);
  CHECK(snapshot_balances(w) == before);
}

// ---- Indicative quotes, ExpireTime, QuoteCancel, inventory skew ------------------------

TEST_CASE("engine: a firm quote is marked firm and journaled so", "[engine]") {
  World w;
  const QuotedEvent q = w.quote(kAcme, "BTC/USD", 0, "1");
  CHECK(q.firm);
  REQUIRE(w.journal.commit().ok());
  const JournalRecord& r = w.journal.committed().back();
  REQUIRE(r.kind == RecordKind::kQuote);
  CHECK(r.payload.find("\"firm\":true") != std::string::npos);
  CHECK(r.payload.find("\"skew_cbps\":0") != std::string::npos);
  CHECK(r.payload.find("\"desk_position\":0") != std::string::npos);
}

TEST_CASE("engine: an indicative quote is given on a stale price, marked firm=false", "[engine]") {
  World w;
  // 60 s after the last tick (price_age_max_ms 2 s): no firm quote ...
  w.clock.advance_us(60'000'000);
  std::vector<Event> out = w.handle(World::quote_request(kAcme, "BTC/USD", 0, "1"));
  REQUIRE(out.size() == 1);
  REQUIRE(std::holds_alternative<QuoteRejectedEvent>(out[0]));
  CHECK(std::get<QuoteRejectedEvent>(out[0]).reject.reason == R::kNoReferencePrice);
  // ... but an indicative one, at the prices the old mid gives (gold 1 BTC at 65000.00).
  const QuotedEvent q = w.quote_indicative(kAcme, "BTC/USD", 0, "1");
  CHECK_FALSE(q.firm);
  CHECK(q.client == kAcme);
  CHECK(q.instrument == kBtcUsd);
  CHECK(q.bid == Price(6496750));
  CHECK(q.offer == Price(6503250));
  CHECK(q.ts == w.clock.now());
  CHECK(q.valid_until == TimeUs(w.clock.now().value + 10'000'000));  // the tier's TTL, like a firm one
  CHECK(w.engine.rfq_book().live_count() == 1);
  REQUIRE(w.journal.commit().ok());
  const JournalRecord& r = w.journal.committed().back();
  REQUIRE(r.kind == RecordKind::kQuote);
  CHECK(r.quote_id == q.quote_id);
  CHECK(r.payload.find("\"firm\":false") != std::string::npos);
  CHECK(r.payload.find("\"reference_ts_us\":" + std::to_string(kStart.value)) != std::string::npos);

  // Never executable, on either side, even while it lives; nothing moves.
  const int64_t usd = w.client_balance(kAcme, kUsd);
  for (const Side side : {Side::kBuy, Side::kSell}) {
    out = w.handle(w.order_for(q, side));
    REQUIRE(out.size() == 1);
    REQUIRE(std::holds_alternative<OrderRejectedEvent>(out[0]));
    CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kQuoteIndicative);
  }
  CHECK(w.client_balance(kAcme, kUsd) == usd);
  CHECK(w.engine.rfq_book().live_count() == 1);
  // It can be withdrawn while it lives.
  const QuoteCancelAnsweredEvent a = w.cancel(q);
  CHECK_FALSE(a.reject.has_value());
  CHECK(a.canceled == 1);
  CHECK(w.engine.rfq_book().live_count() == 0);
}

TEST_CASE("engine: an indicative one-sided quote on a fresh price has the firm quote's price", "[engine]") {
  World w;
  const QuotedEvent i = w.quote_indicative(kBeta, "ETH/USD", '2', "10");
  const QuotedEvent f = w.quote(kBeta, "ETH/USD", '2', "10");
  CHECK_FALSE(i.firm);
  CHECK(f.firm);
  CHECK(i.bid == f.bid);
  CHECK(i.bid == Price(319680));  // silver 10 bp on 3200.00
  CHECK_FALSE(i.offer.has_value());
  CHECK(i.valid_until == f.valid_until);
}

TEST_CASE("engine: a firm quote with ExpireTime inside the bounds lives exactly until then", "[engine]") {
  struct Case {
    ClientId client;
    int64_t ttl_us;
    bool us_text;  // ".ssssss" rather than ".sss"
  };
  const std::vector<Case> cases = {
      {kAcme, 100'000, false},     // kQuoteTtlMinMs exactly
      {kAcme, 5'000'000, false},   // shorter than the tier default (10 s)
      {kAcme, 12'345'678, true},   // microseconds are kept
      {kAcme, 60'000'000, false},  // gold's quote_ttl_max_ms exactly
      {kAcme, 60'000'000, true},
      {kBeta, 30'000'000, false},  // silver's max
      {kGamma, 10'000'000, true},  // bronze's max
      {kGamma, 100'001, true},
  };
  for (const Case& c : cases) {
    INFO("client " << c.client.value << " ttl " << c.ttl_us << " us");
    World w;
    w.clock.advance_us(c.us_text ? 123'456 : 123'000);  // off the whole second; on the ms for ".sss"
    const TimeUs now = w.clock.now();
    const TimeUs until(now.value + c.ttl_us);
    QuoteRequestCmd req = World::quote_request(c.client, "BTC/USD", 0, "1");
    req.expire_time = c.us_text ? fix_time_us(until) : fix_time_ms(until);
    INFO("ExpireTime " << req.expire_time);
    const QuotedEvent q = w.quote(req);
    CHECK(q.firm);
    CHECK(q.valid_until == until);
    REQUIRE(w.journal.commit().ok());
    CHECK(w.journal.committed().back().payload.find("\"valid_until_us\":" + std::to_string(until.value)) !=
          std::string::npos);
    // Executable until valid_until - 1 us; a sweep at valid_until retires it.
    w.clock.set(TimeUs(until.value - 1));
    REQUIRE(w.handle(TimerCmd{}).empty());
    CHECK(w.engine.rfq_book().live_count() == 1);
    w.clock.set(until);
    REQUIRE(w.handle(TimerCmd{}).empty());
    CHECK(w.engine.rfq_book().live_count() == 0);
    std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy));
    REQUIRE(out.size() == 1);
    CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kQuoteExpired);
  }
}

TEST_CASE("engine: an ExpireTime quote executes at valid_until - 1us", "[engine]") {
  World w;
  QuoteRequestCmd req = World::quote_request(kAcme, "BTC/USD", '1', "1");
  req.expire_time = fix_time_ms(TimeUs(kStart.value + 250'000));
  const QuotedEvent q = w.quote(req);
  REQUIRE(q.valid_until == TimeUs(kStart.value + 250'000));
  w.clock.set(TimeUs(q.valid_until.value - 1));
  std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy));
  REQUIRE(out.size() == 2);
  CHECK(is_er(out[1], ExecKind::kTrade));
}

TEST_CASE("engine: QuoteCancel of one quote, then an order on it -> kQuoteCanceled", "[engine]") {
  World w;
  const QuotedEvent keep = w.quote(kAcme, "BTC/USD", 0, "1");
  const QuotedEvent q = w.quote(kAcme, "BTC/USD", 0, "2");
  REQUIRE(w.journal.commit().ok());
  const size_t committed = w.journal.committed().size();
  const auto balances = snapshot_balances(w);
  w.clock.advance_us(700);

  const QuoteCancelAnsweredEvent a = w.cancel(q);
  CHECK(a.client == kAcme);
  CHECK(a.quote_id == format_quote_id(q.quote_id));
  CHECK(a.cancel_type == 1);
  CHECK(a.canceled == 1);
  CHECK_FALSE(a.reject.has_value());
  CHECK(a.ts == w.clock.now());
  CHECK(w.engine.rfq_book().live_count() == 1);
  // Journaled: one kQuoteCanceled record naming the quote.
  REQUIRE(w.journal.pending() == 1);
  REQUIRE(w.journal.commit().ok());
  REQUIRE(w.journal.committed().size() == committed + 1);
  const JournalRecord& r = w.journal.committed().back();
  CHECK(r.kind == RecordKind::kQuoteCanceled);
  CHECK(r.client == "ACME");
  CHECK(r.quote_id == q.quote_id);
  CHECK(r.ts == w.clock.now());
  CHECK(r.payload.find("\"canceled\":1") != std::string::npos);
  CHECK(r.payload.find("\"cancel_type\":1") != std::string::npos);
  CHECK(r.payload.find("reason") == std::string::npos);
  CHECK(r.transfers.empty());

  for (const Side side : {Side::kBuy, Side::kSell}) {
    std::vector<Event> out = w.handle(w.order_for(q, side));
    REQUIRE(out.size() == 1);
    REQUIRE(std::holds_alternative<OrderRejectedEvent>(out[0]));
    const auto& rej = std::get<OrderRejectedEvent>(out[0]);
    CHECK(rej.reject.reason == R::kQuoteCanceled);
    CHECK(rej.reject.detail.find(format_quote_id(q.quote_id)) != std::string::npos);
  }
  CHECK(snapshot_balances(w) == balances);
  // The other quote is untouched and still trades.
  std::vector<Event> out = w.handle(w.order_for(keep, Side::kBuy));
  REQUIRE(out.size() == 2);
  CHECK(is_er(out[1], ExecKind::kTrade));
}

TEST_CASE("engine: a second QuoteCancel of the same quote -> kQuoteCanceled, canceled=0", "[engine]") {
  World w;
  const QuotedEvent q = w.quote(kBeta, "ETH/USD", '1', "3");
  REQUIRE(w.cancel(q).canceled == 1);
  const QuoteCancelAnsweredEvent again = w.cancel(q);
  CHECK(again.canceled == 0);
  REQUIRE(again.reject.has_value());
  CHECK(again.reject->reason == R::kQuoteCanceled);
  // Still canceled (not expired) after its time and a sweep.
  w.clock.set(q.valid_until);
  REQUIRE(w.handle(TimerCmd{}).empty());
  const QuoteCancelAnsweredEvent late = w.cancel(q);
  REQUIRE(late.reject.has_value());
  CHECK(late.reject->reason == R::kQuoteCanceled);
  // And the other client is told it is not theirs, not what became of it.
  const QuoteCancelAnsweredEvent other = w.cancel(kAcme, format_quote_id(q.quote_id), 1);
  REQUIRE(other.reject.has_value());
  CHECK(other.reject->reason == R::kQuoteOfOtherClient);
}

TEST_CASE("engine: QuoteCancel of a live quote past its time retires it as expired", "[engine]") {
  World w;
  const QuotedEvent q = w.quote(kAcme, "BTC/USD", 0, "1");
  w.clock.set(q.valid_until);  // no sweep yet: still in the book
  REQUIRE(w.engine.rfq_book().live_count() == 1);
  const QuoteCancelAnsweredEvent a = w.cancel(q);
  CHECK(a.canceled == 0);
  REQUIRE(a.reject.has_value());
  CHECK(a.reject->reason == R::kQuoteExpired);
  CHECK(w.engine.rfq_book().live_count() == 0);
  std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy));
  REQUIRE(out.size() == 1);
  CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kQuoteExpired);
}

TEST_CASE("engine: cancel-all withdraws only the client's own live quotes and counts them", "[engine]") {
  World w;
  const QuotedEvent executed = w.quote(kAcme, "BTC/USD", '1', "1");
  REQUIRE(w.handle(w.order_for(executed, Side::kBuy)).size() == 2);
  QuoteRequestCmd short_req = World::quote_request(kAcme, "ETH/USD", 0, "1");
  short_req.expire_time = fix_time_ms(TimeUs(w.clock.now().value + 200'000));
  const QuotedEvent expired = w.quote(short_req);
  const QuotedEvent canceled = w.quote(kAcme, "BTC/USD", 0, "0.5");
  REQUIRE(w.cancel(canceled).canceled == 1);
  const QuotedEvent a1 = w.quote(kAcme, "BTC/USD", 0, "1");
  const QuotedEvent a2 = w.quote_indicative(kAcme, "ETH/USD", '2', "2");  // indicative quotes are live too
  const QuotedEvent a3 = w.quote(kAcme, "EUR/USD", '1', "1000");
  const QuotedEvent b1 = w.quote(kBeta, "BTC/USD", 0, "1");
  const QuotedEvent b2 = w.quote(kBeta, "ETH/USD", 0, "1");
  w.clock.advance_us(300'000);
  REQUIRE(w.handle(TimerCmd{}).empty());  // `expired` swept
  REQUIRE(w.engine.rfq_book().live_count() == 5);

  const QuoteCancelAnsweredEvent a = w.cancel(kAcme, "", 4);
  CHECK_FALSE(a.reject.has_value());
  CHECK(a.canceled == 3);
  CHECK(a.cancel_type == 4);
  CHECK(a.quote_id.empty());
  CHECK(w.engine.rfq_book().live_count() == 2);
  REQUIRE(w.journal.commit().ok());
  const JournalRecord& r = w.journal.committed().back();
  CHECK(r.kind == RecordKind::kQuoteCanceled);
  CHECK(r.quote_id == QuoteId(0));  // not about one quote
  CHECK(r.payload.find("\"canceled\":3") != std::string::npos);

  // A QuoteID with type 4 is ignored: still "all of mine", now none.
  const QuoteCancelAnsweredEvent again = w.cancel(kAcme, format_quote_id(b1.quote_id), 4);
  CHECK_FALSE(again.reject.has_value());
  CHECK(again.canceled == 0);
  CHECK(w.engine.rfq_book().live_count() == 2);

  for (const QuotedEvent* q : {&a1, &a2, &a3}) {
    INFO("quote " << format_quote_id(q->quote_id));
    std::vector<Event> out = w.handle(w.order_for(*q, q->offer ? Side::kBuy : Side::kSell));
    REQUIRE(out.size() == 1);
    CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason ==
          (q->firm ? R::kQuoteCanceled : R::kQuoteIndicative));
  }
  // What had become of the others did not change.
  std::vector<Event> out = w.handle(w.order_for(executed, Side::kBuy));
  CHECK(std::get<OrderRejectedEvent>(out.at(0)).reject.reason == R::kQuoteAlreadyExecuted);
  out = w.handle(w.order_for(expired, Side::kBuy));
  CHECK(std::get<OrderRejectedEvent>(out.at(0)).reject.reason == R::kQuoteExpired);
  // BETA's quotes still trade.
  CHECK(w.handle(w.order_for(b1, Side::kBuy)).size() == 2);
  CHECK(w.handle(w.order_for(b2, Side::kSell)).size() == 2);
  // A client with no quotes at all: zero, not a reject.
  const QuoteCancelAnsweredEvent none = w.cancel(kGamma, "", 4);
  CHECK_FALSE(none.reject.has_value());
  CHECK(none.canceled == 0);
}

TEST_CASE("engine: the inventory skew in a real flow", "[engine]") {
  World w;
  // Before: the desk is flat; gold 1 BTC at 65000.00: 64967.50 / 65032.50.
  const QuotedEvent before = w.quote(kAcme, "BTC/USD", 0, "1");
  REQUIRE(before.bid == Price(6496750));
  REQUIRE(before.offer == Price(6503250));
  // ACME buys 10 BTC from the desk (650000 USD: +2 bp band): offer 6500000 * 1.0007 = 65045.50.
  const QuotedEvent big = w.quote(kAcme, "BTC/USD", '1', "10");
  REQUIRE(big.offer == Price(6504550));
  REQUIRE(w.handle(w.order_for(big, Side::kBuy)).size() == 2);
  REQUIRE(w.desk_balance(kBtc) == -1'000'000'000);  // short 10 BTC

  // Short 10 BTC * 0.2 bp = 2 bp higher: 6500000 * 0.9997 = 64980.50, * 1.0007 = 65045.50,
  // i.e. both sides 13.00 USD above `before`.
  const QuotedEvent after = w.quote(kAcme, "BTC/USD", 0, "1");
  CHECK(after.bid == Price(6498050));
  CHECK(after.offer == Price(6504550));
  CHECK(after.bid->value - before.bid->value == 1300);
  CHECK(after.offer->value - before.offer->value == 1300);
  REQUIRE(w.journal.commit().ok());
  const JournalRecord& r = w.journal.committed().back();
  REQUIRE(r.kind == RecordKind::kQuote);
  CHECK(r.payload.find("\"skew_cbps\":-200") != std::string::npos);
  CHECK(r.payload.find("\"desk_position\":-1000000000") != std::string::npos);
  // Every client sees it (silver 10 bp: 6500000 * 0.9992 = 64948.00, * 1.0012 = 65078.00).
  const QuotedEvent beta = w.quote(kBeta, "BTC/USD", 0, "1");
  CHECK(beta.bid == Price(6494800));
  CHECK(beta.offer == Price(6507800));
  // BTC/EUR has no skew configured though the desk is short BTC; ETH/USD: the desk holds no ETH.
  const QuotedEvent eur = w.quote(kAcme, "BTC/EUR", 0, "1");
  CHECK(eur.bid == Price(5997000));
  CHECK(eur.offer == Price(6003000));
  const QuotedEvent eth = w.quote(kAcme, "ETH/USD", 0, "1");
  CHECK(eth.bid == Price(319840));
  CHECK(eth.offer == Price(320160));

  // BETA sells 4 BTC into the skewed bid (260000 USD at mid: +2 bp band); the desk is then
  // short 6 BTC (-120 cbps).
  const QuotedEvent sell = w.quote(kBeta, "BTC/USD", '2', "4");
  REQUIRE(sell.bid == Price(6493500));  // silver 1000 + band 200, skew -200: 6500000 * 0.999 = 64935.00
  REQUIRE(w.handle(w.order_for(sell, Side::kSell)).size() == 2);
  REQUIRE(w.desk_balance(kBtc) == -600'000'000);
  const QuotedEvent six = w.quote(kAcme, "BTC/USD", 0, "1");
  CHECK(six.bid == Price(6497530));    // 6500000 * (1e6 - 500 + 120) / 1e6
  CHECK(six.offer == Price(6504030));  // 6500000 * (1e6 + 500 + 120) / 1e6
  // ACME sells 6 BTC back (390000 USD: +2 bp) and the desk is flat: the prices are back.
  const QuotedEvent back = w.quote(kAcme, "BTC/USD", '2', "6");
  REQUIRE(w.handle(w.order_for(back, Side::kSell)).size() == 2);
  REQUIRE(w.desk_balance(kBtc) == 0);
  const QuotedEvent flat = w.quote(kAcme, "BTC/USD", 0, "1");
  CHECK(flat.bid == before.bid);
  CHECK(flat.offer == before.offer);
}

TEST_CASE("engine: the desk long ETH lowers ETH/USD, clamped at 5 bp", "[engine]") {
  World w;
  // ACME sells 400 ETH to the desk (1280000 USD at mid: +5 bp band).
  const QuotedEvent q = w.quote(kAcme, "ETH/USD", '2', "400");
  REQUIRE(q.bid == Price(319680));  // 320000 * 0.999
  REQUIRE(w.handle(w.order_for(q, Side::kSell)).size() == 2);
  REQUIRE(w.desk_balance(kEth) == 400'000'000'000);
  // Long 400 ETH * 1 cbps = 400 cbps: 320000 * (1e6 - 900) / 1e6 = 3197.12, * (1e6 + 100) = 3200.32.
  const QuotedEvent a = w.quote(kAcme, "ETH/USD", 0, "1");
  CHECK(a.bid == Price(319712));
  CHECK(a.offer == Price(320032));
  // 200 more (640000 USD, +2 bp): long 600 ETH, clamped at 500 cbps:
  // 320000 * (1e6 - 1000) / 1e6 = 3196.80, offer = mid 3200.00.
  w.deposit(kAcme, kEth, "200");  // ACME has 100 ETH left
  const QuotedEvent more = w.quote(kAcme, "ETH/USD", '2', "200");
  REQUIRE(w.handle(w.order_for(more, Side::kSell)).size() == 2);
  const QuotedEvent b = w.quote(kAcme, "ETH/USD", 0, "1");
  CHECK(b.bid == Price(319680));
  CHECK(b.offer == Price(320000));
}

// A quote past its valid_until is expired whether or not the timer has swept it yet: to a
// QuoteCancel of type 1, to an order, and to cancel-all, which must not count it (else the
// answer to the client would depend on when the 100 ms sweep last ran).
TEST_CASE("engine: cancel-all does not count a quote past its valid_until that was not swept yet", "[engine]") {
  World w;
  const QuotedEvent q = w.quote(kAcme, "BTC/USD", 0, "1");
  const QuotedEvent live = w.quote(kAcme, "BTC/USD", 0, "2");
  w.clock.set(q.valid_until);  // both past their time; no TimerCmd
  w.tick(kBtcUsd, "65000.00");
  const QuotedEvent fresh = w.quote(kAcme, "BTC/USD", 0, "1");
  (void)live;
  const QuoteCancelAnsweredEvent a = w.cancel(kAcme, "", 4);
  CHECK_FALSE(a.reject.has_value());
  CHECK(a.canceled == 1);  // `fresh` only
  CHECK(w.engine.rfq_book().live_count() == 0);
  std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy));
  REQUIRE(out.size() == 1);
  CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kQuoteExpired);
  out = w.handle(w.order_for(fresh, Side::kBuy));
  REQUIRE(out.size() == 1);
  CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kQuoteCanceled);
}

// Regression: a second QuoteCancel of a canceled indicative quote was answered
// kQuoteExpired ("no longer live"); it must say kQuoteCanceled, as for a firm quote.
TEST_CASE("engine: a second QuoteCancel of an indicative quote -> kQuoteCanceled", "[engine]") {
  World w;
  const QuotedEvent q = w.quote_indicative(kAcme, "BTC/USD", 0, "1");
  REQUIRE(w.cancel(q).canceled == 1);
  const QuoteCancelAnsweredEvent again = w.cancel(q);
  CHECK(again.canceled == 0);
  REQUIRE(again.reject.has_value());
  CHECK(again.reject->reason == R::kQuoteCanceled);  // actual: kQuoteExpired
}

// ---- Restart --------------------------------------------------------------------------

TEST_CASE("engine: start() continues the id counters and knows old ClOrdIDs", "[engine]") {
  ledger::RecoveredState rs;
  rs.last_quote_id = QuoteId(41);
  rs.last_order_id = OrderId(7);
  rs.last_exec_id = ExecId(99);
  rs.cl_ord_ids = {{"ACME", "OLD-1"}, {"ACME", "OLD-2"}, {"BETA", "B-OLD"}, {"RETIRED-CLIENT", "X"}};
  World w(World::Options{}, rs);

  const QuotedEvent q = w.quote(kAcme, "BTC/USD", 0, "1");
  CHECK(q.quote_id == QuoteId(42));
  // An order naming a quote from before the restart: the book does not know it.
  {
    NewOrderCmd o = w.order_for(q, Side::kBuy, "NEW-0");
    o.quote_id = "Q41";
    std::vector<Event> out = w.handle(o);
    REQUIRE(out.size() == 1);
    const auto& r = std::get<OrderRejectedEvent>(out[0]);
    CHECK(r.reject.reason == R::kUnknownQuote);
    CHECK(r.order_id == OrderId(8));
    CHECK(r.exec_id == ExecId(100));
  }
  {
    std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy, "OLD-2"));
    REQUIRE(out.size() == 1);
    const auto& r = std::get<OrderRejectedEvent>(out[0]);
    CHECK(r.reject.reason == R::kDuplicateClOrdId);
    CHECK(r.order_id == OrderId(9));
    CHECK(r.exec_id == ExecId(101));
  }
  {
    std::vector<Event> out = w.handle(w.order_for(q, Side::kBuy, "NEW-1"));
    REQUIRE(out.size() == 2);
    CHECK(er(out, 0).kind == ExecKind::kNew);
    CHECK(er(out, 0).order.order_id == OrderId(10));
    CHECK(er(out, 0).exec_id == ExecId(102));
    CHECK(er(out, 1).kind == ExecKind::kTrade);
    CHECK(er(out, 1).order.order_id == OrderId(10));
    CHECK(er(out, 1).exec_id == ExecId(103));
  }
  // Another client's old ClOrdID is no duplicate for ACME's neighbour BETA, and vice versa.
  const QuotedEvent qb = w.quote(kBeta, "BTC/USD", 0, "1");
  CHECK(qb.quote_id == QuoteId(43));
  CHECK(w.handle(w.order_for(qb, Side::kBuy, "OLD-1")).size() == 2);
  const QuotedEvent qb2 = w.quote(kBeta, "BTC/USD", 0, "1");
  std::vector<Event> out = w.handle(w.order_for(qb2, Side::kBuy, "B-OLD"));
  REQUIRE(out.size() == 1);
  CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kDuplicateClOrdId);
}

}  // namespace
}  // namespace otc::engine::test

namespace otc::engine::test {
namespace {

// What SqliteJournal::load derives from the journal, computed from MemoryJournal records:
// the highest ids; the (client, ClOrdID) of order records (accepted, rejected, canceled,
// replaced, cancel rejected); the latest order record (accepted, fill, canceled, expired,
// replaced) of every order whose "order" says open; and the fills of the journal's last
// two days.
ledger::RecoveredState recover_from(const std::vector<JournalRecord>& records) {
  constexpr int64_t kRecentUs = 2LL * 86400 * 1000 * 1000;
  ledger::RecoveredState s;
  std::map<uint64_t, const JournalRecord*> latest;  // order id -> its latest order record
  int64_t newest = 0;
  for (const JournalRecord& r : records) {
    s.last_quote_id = std::max(s.last_quote_id, r.quote_id);
    s.last_order_id = std::max(s.last_order_id, r.order_id);
    s.last_exec_id = std::max(s.last_exec_id, r.exec_id);
    for (const ledger::Transfer& t : r.transfers) s.last_transfer_id = std::max(s.last_transfer_id, t.id);
    newest = std::max(newest, r.ts.value);
    const bool names_cl_ord_id = r.kind == RecordKind::kOrderAccepted || r.kind == RecordKind::kOrderRejected ||
                                 r.kind == RecordKind::kOrderCanceled || r.kind == RecordKind::kOrderReplaced ||
                                 r.kind == RecordKind::kCancelRejected;
    if (names_cl_ord_id && !r.client.empty() && !r.cl_ord_id.empty()) s.cl_ord_ids.emplace_back(r.client, r.cl_ord_id);
    const bool order_record = r.kind == RecordKind::kOrderAccepted || r.kind == RecordKind::kFill ||
                              r.kind == RecordKind::kOrderCanceled || r.kind == RecordKind::kOrderExpired ||
                              r.kind == RecordKind::kOrderReplaced;
    if (order_record && r.order_id.value > 0) latest[r.order_id.value] = &r;
  }
  for (const auto& [id, r] : latest) {
    const nlohmann::json j = nlohmann::json::parse(r->payload, nullptr, false);
    if (!j.is_discarded() && j.contains("order") && j["order"].value("open", false)) s.open_orders.push_back(r->payload);
  }
  for (const JournalRecord& r : records) {
    if (r.kind == RecordKind::kFill && r.ts.value >= newest - kRecentUs) {
      s.recent_fills.push_back(ledger::RecoveredState::RecentFill{r.client, r.ts, r.payload});
    }
  }
  return s;
}

TEST_CASE("engine: a restart from the journal's records continues ids and knows used ClOrdIDs", "[engine]") {
  std::set<uint64_t> quote_ids, order_ids, exec_ids;
  auto note = [&](const std::vector<Event>& out) {
    for (const Event& e : out) {
      if (const auto* q = std::get_if<QuotedEvent>(&e)) CHECK(quote_ids.insert(q->quote_id.value).second);
      if (const auto* x = std::get_if<ExecReportEvent>(&e)) {
        REQUIRE(x->kind != ExecKind::kStatus);
        if (x->kind == ExecKind::kNew) CHECK(order_ids.insert(x->order.order_id.value).second);
        CHECK(exec_ids.insert(x->exec_id.value).second);
      }
      if (const auto* r = std::get_if<OrderRejectedEvent>(&e)) {
        CHECK(order_ids.insert(r->order_id.value).second);
        CHECK(exec_ids.insert(r->exec_id.value).second);
      }
    }
  };
  auto only = [](const std::vector<Event>& out, std::vector<std::string> names) {
    std::vector<std::string> got;
    for (const Event& e : out) got.push_back(event_name(e));
    CHECK(got == names);
    return out;
  };
  std::vector<JournalRecord> records;
  {
    World first;
    std::vector<Event> out = first.handle(World::quote_request(kAcme, "BTC/USD", 0, "1"));
    note(out);
    const QuotedEvent q = std::get<QuotedEvent>(out.at(0));
    NewOrderCmd rejected = first.order_for(q, Side::kBuy, "REJECTED");
    rejected.qty_text = "0.5";
    note(first.handle(rejected));                                  // qty mismatch: ClOrdID used
    note(first.handle(first.order_for(q, Side::kBuy, "FILLED")));  // fills
    NewOrderCmd invalid = first.order_for(q, Side::kBuy);
    invalid.cl_ord_id = "";
    note(first.handle(invalid));                                   // invalid: not taken
    note(first.handle(first.order_for(q, Side::kBuy, "FILLED")));  // duplicate: not taken again
    // An IOC that does not trade (accepted, its remainder canceled), a resting order the
    // client cancels, one it replaces and then cancels, and a refused cancel: every one of
    // their ClOrdIDs is used. No order stays open (this fixture restarts without balances).
    note(only(first.handle(limit_order(kAcme, "IOC", '1', "1", "60000.00", kTifIoc)), {"ER New", "ER Canceled"}));
    note(only(first.handle(limit_order(kAcme, "REST", '1', "1", "60000.00")), {"ER New"}));
    note(only(first.handle(cancel_order(kAcme, "CXL", "REST", '1')), {"ER Canceled"}));
    note(only(first.handle(limit_order(kAcme, "REST2", '1', "1", "60000.00")), {"ER New"}));
    note(only(first.handle(replace_order(kAcme, "RPL", "REST2", '1', "2", "61000.00")), {"ER Replaced"}));
    note(only(first.handle(cancel_order(kAcme, "CXL2", "RPL", '1')), {"ER Canceled"}));
    note(only(first.handle(cancel_order(kAcme, "CXL-REJECTED", "NO-SUCH", '1')), {"CancelRejectedEvent"}));
    note(only(first.handle(replace_order(kAcme, "RPL-REJECTED", "NO-SUCH", '1', "1", "1.00")),
              {"CancelRejectedEvent"}));
    REQUIRE(first.engine.open_orders().empty());
    REQUIRE(first.journal.commit().ok());
    records = first.journal.committed();
  }
  const ledger::RecoveredState rs = recover_from(records);
  CHECK(rs.cl_ord_ids == std::vector<std::pair<std::string, std::string>>{
                             {"ACME", "REJECTED"}, {"ACME", "FILLED"}, {"ACME", "IOC"}, {"ACME", "IOC"},
                             {"ACME", "REST"}, {"ACME", "CXL"}, {"ACME", "REST2"}, {"ACME", "RPL"}, {"ACME", "CXL2"},
                             {"ACME", "CXL-REJECTED"}, {"ACME", "RPL-REJECTED"}});
  CHECK(rs.open_orders.empty());
  CHECK(rs.recent_fills.size() == 1);  // FILLED's

  World second(World::Options{}, rs);
  std::vector<Event> out = second.handle(World::quote_request(kAcme, "BTC/USD", 0, "1"));
  note(out);
  const QuotedEvent q = std::get<QuotedEvent>(out.at(0));
  const std::vector<std::string> used = {"REJECTED", "FILLED", "IOC", "REST", "CXL", "REST2", "RPL", "CXL2",
                                         "CXL-REJECTED", "RPL-REJECTED"};
  for (const std::string& id : used) {
    INFO("ClOrdID " << id);
    out = second.handle(second.order_for(q, Side::kBuy, id));
    note(out);
    REQUIRE(out.size() == 1);
    CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kDuplicateClOrdId);
  }
  // As the ClOrdID of a cancel, too.
  out = second.handle(cancel_order(kAcme, "CXL", "ANY", '1'));
  REQUIRE(out.size() == 1);
  REQUIRE(std::holds_alternative<CancelRejectedEvent>(out[0]));
  CHECK(std::get<CancelRejectedEvent>(out[0]).reject.reason == R::kDuplicateClOrdId);
  out = second.handle(second.order_for(q, Side::kBuy, "NEW"));
  note(out);
  CHECK(out.size() == 2);
  CHECK(quote_ids.size() == 2);
  // First: 4 order ids as before + IOC, REST, REST2; second: 10 duplicates + NEW.
  CHECK(order_ids.size() == 7 + 11);
  // First: 5 as before + IOC 2, REST 1, CXL 1, REST2 1, RPL 1, CXL2 1; second: 10 + 2.
  CHECK(exec_ids.size() == 12 + 12);
}

// Start-up takes the last QuoteID from the journal's quote_id column (SqliteJournal::load:
// MAX(quote_id); recover_from above does the same). A kQuoteCanceled record must therefore
// not index a QuoteID the client merely named: "Q999" would make the next QuoteID after a
// restart Q1000, "Q18446744073709551615" would wrap the counter to Q0 and reuse Q1, Q2, ...,
// and beyond INT64_MAX SqliteJournal's id binder asserts (v <= INT64_MAX): the gateway
// would abort on one message from a logged-on client.
TEST_CASE("engine: a QuoteCancel naming a QuoteID never given does not move the QuoteID counter", "[engine]") {
  const std::string never_given = GENERATE(std::string("Q999"), std::string("Q9223372036854775808"),
                                           std::string("Q18446744073709551615"));
  INFO("QuoteCancel for " << never_given);
  std::vector<JournalRecord> records;
  {
    World first;
    const QuotedEvent q = first.quote(kAcme, "BTC/USD", 0, "1");
    REQUIRE(q.quote_id == QuoteId(1));
    const QuoteCancelAnsweredEvent a = first.cancel(kAcme, never_given, 1);
    REQUIRE(a.reject.has_value());
    CHECK(a.reject->reason == R::kUnknownQuote);
    REQUIRE(first.journal.commit().ok());
    records = first.journal.committed();
    REQUIRE(records.back().kind == RecordKind::kQuoteCanceled);
    CHECK(records.back().quote_id == QuoteId(0));
  }
  World second(World::Options{}, recover_from(records));
  const QuotedEvent next = second.quote(kAcme, "BTC/USD", 0, "1");
  CHECK(next.quote_id == QuoteId(2));
}

}  // namespace
}  // namespace otc::engine::test
