// tests/engine/orders_fixture.h: helpers for the order tests (orders_test.cc,
// orders_random_test.cc) on top of fixture.h's World: order/cancel/replace/status
// commands, expected prices and money computed with engine/pricing.h, an independent
// model of every balance, scenario tables (one line per command with the events it must
// cause), and the checks that hold after every step.
#pragma once

#include "tests/engine/fixture.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace otc::engine::test::ord {

using R = RejectReason;
using ledger::AccountPurpose;

inline constexpr const char* kBtcUsdSym = "BTC/USD";

// BTC quantities (satoshi) and BTC/USD prices (cents), from exact decimal text.
inline int64_t btc(const std::string& t) { return dec(t, 8); }
inline int64_t px(const std::string& t) { return dec(t, 2); }
// USD amounts (cents).
inline int64_t usd(const std::string& t) { return dec(t, 2); }

// 2026-11-21 (the fixture's day) plus `day` days, hh:mm:ss.us UTC.
inline TimeUs utc(int day, int h, int m, int s, int64_t us = 0) {
  const int64_t midnight = kStart.value - 10LL * 3600 * 1000000;
  return TimeUs(midnight + ((day * 24LL + h) * 60 + m) * 60 * 1000000LL + s * 1000000LL + us);
}

// ---- Restart ----------------------------------------------------------------------

// What start-up needs, derived from MemoryJournal records the way SqliteJournal::load
// does: the highest ids, every used (client, ClOrdID), the fills (for daily limits), and
// for each order its latest record's "order" snapshot when that says open.
inline ledger::RecoveredState recover(const std::vector<ledger::JournalRecord>& records) {
  ledger::RecoveredState s;
  std::map<uint64_t, std::string> latest;  // order id -> payload of its latest order record
  for (const ledger::JournalRecord& r : records) {
    s.last_quote_id = std::max(s.last_quote_id, r.quote_id);
    s.last_order_id = std::max(s.last_order_id, r.order_id);
    s.last_exec_id = std::max(s.last_exec_id, r.exec_id);
    for (const auto& t : r.transfers) s.last_transfer_id = std::max(s.last_transfer_id, t.id);
    if (!r.client.empty() && !r.cl_ord_id.empty()) s.cl_ord_ids.emplace_back(r.client, r.cl_ord_id);
    if (r.kind == ledger::RecordKind::kFill) s.recent_fills.push_back({r.client, r.ts, r.payload});
    if (r.payload.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(r.payload, nullptr, false);
    if (j.is_discarded() || !j.contains("order") || !j["order"].is_object()) continue;
    latest[j["order"]["id"].get<uint64_t>()] = r.payload;
  }
  for (const auto& [id, payload] : latest) {
    const nlohmann::json j = nlohmann::json::parse(payload);
    if (j["order"]["open"].get<bool>()) s.open_orders.push_back(payload);
  }
  return s;
}

// ---- Commands ---------------------------------------------------------------------

inline NewOrderCmd limit_order(ClientId c, std::string cl, char side, std::string qty, std::string price,
                               char tif = 0, std::string symbol = kBtcUsdSym) {
  NewOrderCmd o;
  o.client = c;
  o.cl_ord_id = std::move(cl);
  o.symbol = std::move(symbol);
  o.side = side;
  o.ord_type = '2';
  o.qty_text = std::move(qty);
  o.price_text = std::move(price);
  o.tif = tif;
  return o;
}
inline NewOrderCmd gtd_order(ClientId c, std::string cl, char side, std::string qty, std::string price,
                             std::string expire_time, std::string expire_date = {}) {
  NewOrderCmd o = limit_order(c, std::move(cl), side, std::move(qty), std::move(price), kTifGtd);
  o.expire_time = std::move(expire_time);
  o.expire_date = std::move(expire_date);
  return o;
}
inline NewOrderCmd market_order(ClientId c, std::string cl, char side, std::string qty, char tif = 0,
                                std::string slippage_bps = {}, std::string symbol = kBtcUsdSym) {
  NewOrderCmd o;
  o.client = c;
  o.cl_ord_id = std::move(cl);
  o.symbol = std::move(symbol);
  o.side = side;
  o.ord_type = '1';
  o.qty_text = std::move(qty);
  o.tif = tif;
  o.slippage_bps = std::move(slippage_bps);
  return o;
}
inline CancelOrderCmd cancel_order(ClientId c, std::string cl, std::string orig, char side,
                                   std::string symbol = kBtcUsdSym, std::string order_id = {}) {
  CancelOrderCmd x;
  x.client = c;
  x.cl_ord_id = std::move(cl);
  x.orig_cl_ord_id = std::move(orig);
  x.order_id = std::move(order_id);
  x.symbol = std::move(symbol);
  x.side = side;
  return x;
}
inline ReplaceOrderCmd replace_order(ClientId c, std::string cl, std::string orig, char side, std::string qty,
                                     std::string price, std::string symbol = kBtcUsdSym) {
  ReplaceOrderCmd g;
  g.client = c;
  g.cl_ord_id = std::move(cl);
  g.orig_cl_ord_id = std::move(orig);
  g.symbol = std::move(symbol);
  g.side = side;
  g.ord_type = '2';
  g.qty_text = std::move(qty);
  g.price_text = std::move(price);
  return g;
}
inline OrderStatusCmd status_request(ClientId c, std::string cl, char side, std::string symbol = kBtcUsdSym) {
  OrderStatusCmd h;
  h.client = c;
  h.cl_ord_id = std::move(cl);
  h.symbol = std::move(symbol);
  h.side = side;
  return h;
}

// ---- Prices and money, from engine/pricing.h ------------------------------------------

// The desk's price for client `c` on the client's `side` at `size`, around `mid`, with
// the desk holding `desk_pos` of the base asset (derived by the test, not read back).
inline int64_t desk_px(const ReferenceData& ref, ClientId c, Side side, int64_t mid, int64_t size, int64_t desk_pos,
                       InstrumentId i = kBtcUsd) {
  // Plain ifs, not REQUIRE: the random test calls these thousands of times (cheap under ASan).
  const Result<TwoWayPrice> p = price_for(ref, ref.instrument(i), ref.tier_of(c), Price(mid), Qty(size), Amount(desk_pos));
  if (!p.ok()) FAIL("price_for refused: " << p.reject().detail);
  if (side == Side::kBuy) return p.value().offer.value;
  if (!p.value().bid.has_value()) FAIL("price_for gave no bid");
  return p.value().bid->value;
}
// Notional of qty x price (or of an exact sum of fills), rounded in the desk's favour.
inline int64_t notional_of(const ReferenceData& ref, int64_t qty, int64_t price, Side side, InstrumentId i = kBtcUsd) {
  const Result<Amount> n = notional(ref, ref.instrument(i), Qty(qty), Price(price), side);
  REQUIRE(n.ok());
  return n.value().value;
}
inline int64_t notional_of_sum(const ReferenceData& ref, __int128 value, Side side, InstrumentId i = kBtcUsd) {
  const Result<Amount> n = notional_of_value(ref, ref.instrument(i), value, side);
  if (!n.ok()) FAIL("notional_of_value refused: " << n.reject().detail);
  return n.value().value;
}
inline int64_t fee_of(const ReferenceData& ref, ClientId c, int64_t notional_amount) {
  const Result<Amount> f = fee(ref.tier_of(c), Amount(notional_amount));
  if (!f.ok()) FAIL("fee refused: " << f.reject().detail);
  return f.value().value;
}
// What a buy of `qty` at `limit` holds: its notional plus fee.
inline int64_t buy_hold(const ReferenceData& ref, ClientId c, int64_t qty, int64_t limit, InstrumentId i = kBtcUsd) {
  const int64_t n = notional_of(ref, qty, limit, Side::kBuy, i);
  return n + fee_of(ref, c, n);
}
// A market order's slippage bound: mid moved by `slip_cbps` against the client, on the tick toward the mid.
inline int64_t slippage_bound(const ReferenceData& ref, Side side, int64_t mid, int64_t slip_cbps,
                              InstrumentId i = kBtcUsd) {
  const int64_t tick = ref.instrument(i).tick;
  const __int128 num = static_cast<__int128>(mid) * (side == Side::kBuy ? kCbpsPerUnit + slip_cbps : kCbpsPerUnit - slip_cbps);
  if (side == Side::kBuy) {
    const int64_t raw = static_cast<int64_t>(num / kCbpsPerUnit);  // down
    return raw / tick * tick;
  }
  const int64_t raw = static_cast<int64_t>((num + kCbpsPerUnit - 1) / kCbpsPerUnit);  // up
  return (raw + tick - 1) / tick * tick;
}
// AvgPx of fills (qty, px): sum / cum, rounded to nearest.
inline int64_t avg_px(const std::vector<std::pair<int64_t, int64_t>>& fills) {
  __int128 v = 0;
  int64_t q = 0;
  for (const auto& [fq, fp] : fills) {
    v += static_cast<__int128>(fq) * fp;
    q += fq;
  }
  return q == 0 ? 0 : static_cast<int64_t>((v + q / 2) / q);
}

// ---- An independent model of the balances ---------------------------------------------

// Every balance the order flow moves, kept by the test from the demo deposits and its
// own arithmetic; check() compares each with the ledger.
struct Money {
  const ReferenceData* ref = nullptr;
  std::map<std::pair<uint32_t, uint16_t>, int64_t> avail, held;  // (client, asset)
  std::map<uint16_t, int64_t> desk, fees, external;

  // The demo deposits World makes (conf/otcgw.toml), as the test knows them.
  static Money demo(const ReferenceData& ref) {
    Money m;
    m.ref = &ref;
    m.deposit(kAcme, kUsd, dec("5000000.00", 2));
    m.deposit(kAcme, kEur, dec("2000000.00", 2));
    m.deposit(kAcme, kBtc, dec("50", 8));
    m.deposit(kAcme, kEth, dec("500", 9));
    m.deposit(kAcme, kUsdt, dec("1000000", 6));
    m.deposit(kBeta, kUsd, dec("1000000.00", 2));
    m.deposit(kBeta, kBtc, dec("5", 8));
    m.deposit(kBeta, kEth, dec("50", 9));
    return m;
  }
  void deposit(ClientId c, AssetId a, int64_t amount) {
    avail[{c.value, a.value}] += amount;
    external[a.value] -= amount;
  }
  int64_t& av(ClientId c, AssetId a) { return avail[{c.value, a.value}]; }
  int64_t& hd(ClientId c, AssetId a) { return held[{c.value, a.value}]; }
  void hold(ClientId c, AssetId a, int64_t amount) {
    av(c, a) -= amount;
    hd(c, a) += amount;
  }
  void release(ClientId c, AssetId a, int64_t amount) { hold(c, a, -amount); }

  // The complete fill history (qty, px) of one closed order, for the client: it pays
  // (buys) or receives (sells) the notional of the summed fills, rounded once in the
  // desk's favour, and the fee on it; the base asset moves the other way. Returns the
  // notional. The counterparty (desk or client) is booked by the caller.
  int64_t settle(ClientId c, Side side, const std::vector<std::pair<int64_t, int64_t>>& fills,
                 InstrumentId i = kBtcUsd) {
    const InstrumentSpec& inst = ref->instrument(i);
    __int128 v = 0;
    int64_t q = 0;
    for (const auto& [fq, fp] : fills) {
      v += static_cast<__int128>(fq) * fp;
      q += fq;
    }
    const int64_t n = notional_of_sum(*ref, v, side, i);
    const int64_t f = fee_of(*ref, c, n);
    if (side == Side::kBuy) {
      av(c, inst.quote) -= n + f;
      av(c, inst.base) += q;
    } else {
      av(c, inst.quote) += n - f;
      av(c, inst.base) -= q;
    }
    fees[inst.quote.value] += f;
    return n;
  }
  // The desk's side of fills: it sells (client buys) or buys `qty` for `n`.
  void desk_side(Side client_side, int64_t qty, int64_t n, InstrumentId i = kBtcUsd) {
    const InstrumentSpec& inst = ref->instrument(i);
    const int64_t s = client_side == Side::kBuy ? 1 : -1;
    desk[inst.quote.value] += s * n;
    desk[inst.base.value] -= s * qty;
  }
  // A closed order filled only by the desk.
  void desk_order(ClientId c, Side side, const std::vector<std::pair<int64_t, int64_t>>& fills,
                  InstrumentId i = kBtcUsd) {
    int64_t q = 0;
    for (const auto& f : fills) q += f.first;
    desk_side(side, q, settle(c, side, fills, i), i);
  }
  // One internal fill that is the whole history of both orders: the buyer pays its
  // notional rounded up, the seller receives its own rounded down, the desk keeps the difference.
  void internal(ClientId buyer, ClientId seller, int64_t qty, int64_t price, InstrumentId i = kBtcUsd) {
    const int64_t nb = settle(buyer, Side::kBuy, {{qty, price}}, i);
    const int64_t ns = settle(seller, Side::kSell, {{qty, price}}, i);
    desk[ref->instrument(i).quote.value] += nb - ns;
  }

  int64_t bal(const World& w, const std::string& owner, AssetId a, AccountPurpose p) const {
    return w.balance(owner, a, p);
  }
  // Every account of every asset the model knows of equals the ledger's.
  void check(const World& w) const {
    for (const AssetSpec& a : w.ref.assets) {
      INFO("asset " << a.code);
      for (const ClientSpec& c : w.ref.clients) {
        INFO("client " << c.code);
        auto get = [&](const std::map<std::pair<uint32_t, uint16_t>, int64_t>& m) {
          auto it = m.find({c.id.value, a.id.value});
          return it == m.end() ? 0 : it->second;
        };
        CHECK(w.client_balance(c.id, a.id) == get(avail));
        CHECK(w.held_balance(c.id, a.id) == get(held));
      }
      auto get1 = [&](const std::map<uint16_t, int64_t>& m) {
        auto it = m.find(a.id.value);
        return it == m.end() ? 0 : it->second;
      };
      CHECK(w.desk_balance(a.id) == get1(desk));
      CHECK(w.fee_balance(a.id) == get1(fees));
      CHECK(w.balance("EXTERNAL", a.id, AccountPurpose::kExternal) == get1(external));
    }
  }
};

// ---- Checks after every step --------------------------------------------------------

// The ledger-wide invariants: engine invariants, every asset nets to zero, no client
// available balance below minus its credit line, no held balance negative.
inline void check_world(const World& w) {
  INFO("check_invariants");
  CHECK(w.engine.check_invariants() == "");
  for (const AssetSpec& a : w.ref.assets) {
    INFO("asset " << a.code);
    CHECK(w.ledger.asset_net(a.code) == 0);
    for (const ClientSpec& c : w.ref.clients) {
      INFO("client " << c.code);
      CHECK(w.client_balance(c.id, a.id) >= -w.ledger.credit_line(c.code, a.code).value);
      CHECK(w.held_balance(c.id, a.id) >= 0);
    }
  }
}

// ---- Scenario tables ------------------------------------------------------------------

// One expected event. Empty optionals are not checked.
struct Exp {
  std::string kind;             // event_name(): "ER New", "ER Trade", "OrderRejectedEvent", ...
  std::string cl;               // ER: the order's ClOrdID; rejects: the request's ClOrdID
  std::optional<OrdStatus> status;
  std::optional<int64_t> cum, leaves, last_qty, last_px;
  std::optional<bool> internal;
  std::optional<RejectReason> reason;
  std::optional<int64_t> avg;   // AvgPx
  std::optional<int64_t> qty;   // OrderQty
  std::string text_has;         // ER text contains this
  std::string orig;             // ER: OrigClOrdID
  Exp with_orig(std::string o) && {
    orig = std::move(o);
    return std::move(*this);
  }
};

inline Exp New(std::string cl, int64_t qty) {
  return Exp{"ER New", std::move(cl), OrdStatus::kNew, 0, qty, {}, {}, {}, {}, 0, qty, ""};
}
inline Exp Trade(std::string cl, int64_t cum, int64_t leaves, int64_t last_qty, int64_t last_px, bool internal = false,
                 std::optional<int64_t> avg = {}) {
  const OrdStatus st = leaves == 0 ? OrdStatus::kFilled : OrdStatus::kPartiallyFilled;
  return Exp{"ER Trade", std::move(cl), st, cum, leaves, last_qty, last_px, internal, {}, avg ? avg : (cum == last_qty ? std::optional<int64_t>(last_px) : std::nullopt), {}, ""};
}
inline Exp Canceled(std::string cl, int64_t cum, std::string text_has = {}) {
  return Exp{"ER Canceled", std::move(cl), OrdStatus::kCanceled, cum, 0, {}, {}, {}, {}, {}, {}, std::move(text_has)};
}
inline Exp Expired(std::string cl, int64_t cum) {
  return Exp{"ER Expired", std::move(cl), OrdStatus::kExpired, cum, 0, {}, {}, {}, {}, {}, {}, ""};
}
inline Exp Replaced(std::string cl, int64_t qty, int64_t cum) {
  return Exp{"ER Replaced", std::move(cl), cum == 0 ? OrdStatus::kNew : OrdStatus::kPartiallyFilled, cum, qty - cum,
             {}, {}, {}, {}, {}, qty, ""};
}
inline Exp Status(std::string cl, OrdStatus st, int64_t cum, int64_t leaves) {
  return Exp{"ER Status", std::move(cl), st, cum, leaves, {}, {}, {}, {}, {}, {}, ""};
}
inline Exp Rej(R reason) { return Exp{"OrderRejectedEvent", "", {}, {}, {}, {}, {}, {}, reason, {}, {}, ""}; }
inline Exp CxlRej(R reason, std::optional<OrdStatus> st = {}) {
  return Exp{"CancelRejectedEvent", "", st, {}, {}, {}, {}, {}, reason, {}, {}, ""};
}

// What `out` is, minus market data (no test here subscribes).
inline std::vector<const Event*> order_events(const std::vector<Event>& out) {
  std::vector<const Event*> v;
  for (const Event& e : out) {
    if (!std::holds_alternative<MarketDataEvent>(e)) v.push_back(&e);
  }
  return v;
}

inline std::string kinds_text(const std::vector<const Event*>& evs) {
  std::string s;
  for (const Event* e : evs) {
    s += s.empty() ? "" : ", ";
    s += event_name(*e);
    if (const auto* x = std::get_if<ExecReportEvent>(e)) s += "(" + x->order.cl_ord_id + ")";
    if (const auto* x = std::get_if<OrderRejectedEvent>(e)) s += "(" + std::string(reject_name(x->reject.reason)) + ")";
    if (const auto* x = std::get_if<CancelRejectedEvent>(e)) s += "(" + std::string(reject_name(x->reject.reason)) + ")";
  }
  return s;
}

inline void check_events(const std::vector<Event>& out, const std::vector<Exp>& expect) {
  const std::vector<const Event*> evs = order_events(out);
  std::vector<std::string> got_kinds, want_kinds;
  for (const Event* e : evs) got_kinds.push_back(event_name(*e));
  for (const Exp& x : expect) want_kinds.push_back(x.kind);
  INFO("events: " << kinds_text(evs));
  REQUIRE(got_kinds == want_kinds);
  for (size_t i = 0; i < evs.size(); ++i) {
    const Exp& x = expect[i];
    INFO("event " << i << " " << x.kind << " " << x.cl);
    if (const auto* e = std::get_if<ExecReportEvent>(evs[i])) {
      if (!x.cl.empty()) CHECK(e->order.cl_ord_id == x.cl);
      if (x.status) CHECK(static_cast<char>(e->order.status) == static_cast<char>(*x.status));
      if (x.cum) CHECK(e->order.cum_qty.value == *x.cum);
      if (x.leaves) CHECK(e->order.leaves_qty.value == *x.leaves);
      if (x.last_qty) CHECK(e->last_qty.value == *x.last_qty);
      if (x.last_px) CHECK(e->last_px.value == *x.last_px);
      if (x.internal) CHECK(e->internal == *x.internal);
      if (x.avg) CHECK(e->order.avg_px.value == *x.avg);
      if (x.qty) CHECK(e->order.qty.value == *x.qty);
      if (!x.text_has.empty()) CHECK(e->text.find(x.text_has) != std::string::npos);
      if (!x.orig.empty()) CHECK(e->order.orig_cl_ord_id == x.orig);
      // FIX 4.4: CumQty + LeavesQty = OrderQty while open; LeavesQty 0 once closed.
      if (is_open(e->order.status)) {
        CHECK(e->order.cum_qty.value + e->order.leaves_qty.value == e->order.qty.value);
      } else {
        CHECK(e->order.leaves_qty.value == 0);
      }
      CHECK(e->order.cum_qty.value <= e->order.qty.value);
      if (e->kind == ExecKind::kTrade) {
        CHECK(e->exec_id.value != 0);
        CHECK(e->last_qty.value > 0);
      }
    } else if (const auto* r = std::get_if<OrderRejectedEvent>(evs[i])) {
      if (x.reason) CHECK(r->reject.reason == *x.reason);
      if (!x.cl.empty()) CHECK(r->cl_ord_id == x.cl);
    } else if (const auto* c = std::get_if<CancelRejectedEvent>(evs[i])) {
      if (x.reason) CHECK(c->reject.reason == *x.reason);
      if (!x.cl.empty()) CHECK(c->cl_ord_id == x.cl);
      if (x.status) {
        REQUIRE(c->ord_status.has_value());
        CHECK(static_cast<char>(*c->ord_status) == static_cast<char>(*x.status));
      }
    }
  }
}

// One line of a scenario table: an optional preparation (clock moves), the command, and
// the events it must cause, in order.
struct Row {
  std::string what;
  Command cmd;
  std::vector<Exp> expect;
  std::function<void(World&)> before = {};
};

// Runs each row, checks its events and, after every step, every invariant; commits.
inline void run_table(World& w, const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    INFO("row: " << r.what);
    if (r.before) r.before(w);
    Command cmd = r.cmd;
    // A tick row is stamped with the clock's time when it runs (tick_row leaves it 0).
    if (auto* t = std::get_if<PriceTickCmd>(&cmd); t != nullptr && t->tick.ts.value == 0) t->tick.ts = w.clock.now();
    const std::vector<Event> out = w.handle(cmd);
    check_events(out, r.expect);
    check_world(w);
    REQUIRE(w.journal.commit().ok());
  }
}

// A timer row (expiry), after moving the clock to `t`.
inline Row timer_at(std::string what, TimeUs t, std::vector<Exp> expect) {
  return Row{std::move(what), TimerCmd{}, std::move(expect), [t](World& w) { w.clock.set(t); }};
}
// A price tick row (at the clock's time).
inline Row tick_row(std::string what, InstrumentId i, int64_t mid, std::vector<Exp> expect) {
  return Row{std::move(what), PriceTickCmd{PriceTick{i, Price(mid), TimeUs(0)}}, std::move(expect)};
}

// The resting order ids of one book side, best first.
inline std::vector<uint64_t> book_ids(const World& w, Side s, InstrumentId i = kBtcUsd) {
  std::vector<uint64_t> v;
  for (OrderId id : w.engine.book(i).side_orders(s)) v.push_back(id.value);
  return v;
}
// The engine's OrderId of an order by its current ClOrdID among the open orders (0 if none).
inline uint64_t open_id(const World& w, ClientId c, const std::string& cl) {
  for (const Order* o : w.engine.open_orders()) {
    if (o->client == c && o->cl_ord_id == cl) return o->id.value;
  }
  return 0;
}
// The resting ClOrdIDs of one book side, best first.
inline std::vector<std::string> book_cls(const World& w, Side s, InstrumentId i = kBtcUsd) {
  std::vector<std::string> v;
  for (OrderId id : w.engine.book(i).side_orders(s)) {
    const Order* o = w.engine.find_order(id);
    REQUIRE(o != nullptr);
    v.push_back(o->cl_ord_id);
  }
  return v;
}

}  // namespace otc::engine::test::ord
