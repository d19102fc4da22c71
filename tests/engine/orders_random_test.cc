// tests/engine/orders_random_test.cc: seeded random histories of orders against the engine.
//
// Three clients (GAMMA funded here, with a USD credit line; BETA and GAMMA cancel on
// disconnect; a few per-client limits and a small whole-book limit so those refusals
// happen) send random limit orders (every TimeInForce, GTD by ExpireTime or ExpireDate),
// market orders (with and without a tolerance), cancels, replaces and status requests on
// BTC/USD and ETH/USD, some of them defective; reference prices take a random walk; the
// clock jumps (hours now and then, so Day orders reach the end of the day) with a timer
// after each jump; sessions end.
//
// After EVERY step: Engine::check_invariants() == ""; no client available balance below
// minus its credit line; no held balance negative; every asset nets to zero; the engine's
// open orders are those the model of ExecutionReports says are open, with its CumQty.
// For every event: each internal cross is two ER Trade events in a row with equal LastQty
// and LastPx, opposite sides, different clients; CumQty <= OrderQty always and CumQty +
// LeavesQty == OrderQty while open (LeavesQty 0 once closed); ExecIDs never repeat; each
// order's reports follow the FIX 4.4 state machine (New first; Trade adds LastQty to
// CumQty, Filled exactly when CumQty == OrderQty; Replaced keeps CumQty; nothing but a
// status answer after Filled/Canceled/Expired); AvgPx is the fills' average. Prices: a
// limit order never executes beyond its limit; a resting order reached by a tick fills at
// its limit; an incoming order's desk fill is at price_for() for min(leaves, the desk's
// size) at the mid and desk position before the command; a market order never beyond its
// tolerance bound.
//
// Seeds are fixed (reproducible); OTC_SEED=<n> runs one other seed (OTC_STEPS=<n> steps).
#include "engine/engine.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/engine/orders_fixture.h"

namespace otc::engine::test {
namespace {

using namespace ord;

constexpr int kSteps = 3000;  // x 3 seeds: ~0.3 s RelWithDebInfo, ~8 s under ASan

std::string i128(__int128 v) {
  if (v == 0) return "0";
  std::string s;
  const bool neg = v < 0;
  while (v != 0) {
    const int d = static_cast<int>(v % 10);
    s.insert(s.begin(), static_cast<char>('0' + (neg ? -d : d)));
    v /= 10;
  }
  return neg ? "-" + s : s;
}

// What the ExecutionReports so far say about one order.
struct MOrder {
  ClientId client;
  InstrumentId inst;
  Side side = Side::kBuy;
  char ord_type = 0;
  char tif = 0;
  int64_t qty = 0;
  int64_t cum = 0;
  int64_t limit = 0;  // 0 for market orders
  __int128 value = 0;  // sum of LastQty x LastPx
  OrdStatus status = OrdStatus::kNew;
  std::string cl;      // current ClOrdID
  int64_t expire = 0;
};

struct Sim {
  explicit Sim(uint64_t seed) : w(options()), rng(seed) {
    w.deposit(kGamma, kUsd, "2000000.00");
    w.deposit(kGamma, kBtc, "20");
    w.deposit(kGamma, kEth, "200");
    w.deposit(kGamma, kGbp, "500000.00");
    w.deposit(kGamma, kUsdt, "1000000");
    w.deposit(kBeta, kGbp, "200000.00");
    w.deposit(kBeta, kUsdt, "500000");
    w.deposit(kAcme, kGbp, "500000.00");
    w.ledger.set_credit_line("GAMMA", "USD", Amount(usd("50000.00")));
    REQUIRE(w.journal.commit().ok());
    for (InstrumentId i : kInsts) mid[i.value] = w.ref.instrument(i).initial_mid.value;
    for (const AssetSpec& a : w.ref.assets) {
      fee_accounts[a.id.value] = w.ledger.find("FEES", a.code, AccountPurpose::kFeeIncome);
      REQUIRE(fee_accounts[a.id.value].value != 0);
    }
    for (const AssetSpec& a : w.ref.assets) {
      for (const ClientSpec& c : w.ref.clients) {
        client_total[{c.id.value, a.id.value}] = avail_of(c.id, a.id) + held_of(c.id, a.id);
      }
      desk_total[a.id.value] = desk_of(a.id);
      fee_total[a.id.value] = fees_of(a.id);
    }
  }

  static World::Options options() {
    World::Options o;
    o.tweak = [](ReferenceData& r) {
      r.clients[kBeta.value].cancel_on_disconnect = true;
      r.clients[kGamma.value].cancel_on_disconnect = true;
      r.clients[kAcme.value].limits.open_orders_max = 8;
      r.clients[kGamma.value].limits.order_notional_max = Amount(dec("500000.00", 2));
      r.clients[kBeta.value].limits.daily_notional_max = Amount(dec("3000000.00", 2));
      r.clients[kBeta.value].limits.position_max[kBtc.value] = Amount(dec("12", 8));
      r.limits.open_orders_max = 14;     // the whole book fills up now and then
      r.limits.retired_orders_max = 150;  // closed orders are forgotten soon: status/cancel of them "unknown"
    };
    return o;
  }

  // BTC/USD, ETH/USD, ETH/BTC (quote BTC) and GBP/USDT (coarse tick, negative notional exponent).
  static constexpr InstrumentId kInsts[4] = {kBtcUsd, kEthUsd, kEthBtc, kGbpUsdt};

  World w;
  std::mt19937_64 rng;
  std::map<uint16_t, int64_t> mid;
  std::map<uint64_t, MOrder> orders;             // every order ever reported
  std::set<uint64_t> exec_ids;
  std::map<uint32_t, std::vector<std::string>> cls;  // ClOrdIDs each client used on orders
  uint64_t next_cl = 1;
  std::string failure;  // the first violation of this step
  // Money, from the reports alone: each client's avail + held per asset (holds only move
  // between the two), the desk's and the fee accounts, per asset.
  std::map<std::pair<uint32_t, uint16_t>, int64_t> client_total;
  std::map<uint16_t, int64_t> desk_total, fee_total;
  std::map<std::string, int> stats;

  // Balances straight from the ledger by account (World's accessors look the account up
  // and REQUIRE it each time: too slow for every step under ASan).
  int64_t avail_of(ClientId c, AssetId a) const { return w.ledger.balance(w.engine.available_account(c, a)).value; }
  int64_t held_of(ClientId c, AssetId a) const { return w.ledger.balance(w.engine.held_account(c, a)).value; }
  int64_t desk_of(AssetId a) const { return w.ledger.balance(w.engine.desk_account(a)).value; }
  int64_t fees_of(AssetId a) const { return w.ledger.balance(fee_accounts.at(a.value)).value; }
  std::map<uint16_t, AccountId> fee_accounts;

  // ---- randomness ----
  int64_t uni(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<size_t>(uni(0, static_cast<int64_t>(v.size()) - 1))]; }

  ClientId any_client() { return ClientId(static_cast<uint32_t>(uni(0, 2))); }
  InstrumentId any_inst() {
    const int r = static_cast<int>(uni(0, 9));
    return kInsts[r < 5 ? 0 : r < 7 ? 1 : r < 9 ? 2 : 3];
  }
  std::string fresh_cl() { return "R" + std::to_string(next_cl++); }

  int64_t random_qty(const InstrumentSpec& inst) {
    const int64_t lot = inst.lot.value;
    const int64_t cap = inst.md_ladder.back().value;
    int64_t q;
    const int r = static_cast<int>(uni(0, 99));
    if (r < 50) {
      q = uni(1, cap / 20 / lot) * lot;                 // up to 1 BTC / 5 ETH
    } else if (r < 85) {
      q = uni(1, cap / 4 / lot) * lot;                  // up to 5 BTC / 25 ETH
    } else {
      q = uni(cap / 2 / lot, cap * 5 / 4 / lot) * lot;  // around the desk's size
    }
    return std::max(q, (inst.min_qty.value + lot - 1) / lot * lot);
  }
  // A price around the mid: +-spread_bp basis points, on the tick.
  int64_t random_px(const InstrumentSpec& inst, int64_t spread_bp) {
    const int64_t m = mid[inst.id.value];
    const int64_t off = m * uni(-spread_bp * 10, spread_bp * 10) / 100000;
    int64_t p = (m + off) / inst.tick * inst.tick;
    return std::max<int64_t>(p, inst.tick);
  }

  // ---- failures ----
  template <typename... A>
  void fail(const A&... parts) {
    if (!failure.empty()) return;
    std::ostringstream s;
    (s << ... << parts);
    failure = s.str();
  }

  // ---- one step ----
  struct Ctx {
    std::string what;
    // The incoming order (new or replaced), for its desk price.
    std::optional<uint64_t> incoming;
    ClientId client;
    std::string cl;
    int64_t desk_pos_before[8] = {};
    std::optional<int64_t> market_bound;
    bool stale = false;
  };

  std::string describe(const Command& c) const {
    std::ostringstream s;
    if (const auto* o = std::get_if<NewOrderCmd>(&c)) {
      s << "NewOrder " << w.ref.client(o->client).code << " " << o->cl_ord_id << " " << o->symbol << " side "
        << o->side << " type " << o->ord_type << " qty " << o->qty_text << " px '" << o->price_text << "' tif '"
        << (o->tif ? std::string(1, o->tif) : "") << "' exp '" << o->expire_time << "' date '" << o->expire_date
        << "' slip '" << o->slippage_bps << "'";
    } else if (const auto* x = std::get_if<CancelOrderCmd>(&c)) {
      s << "Cancel " << w.ref.client(x->client).code << " " << x->cl_ord_id << " orig " << x->orig_cl_ord_id << " "
        << x->symbol << " side " << x->side;
    } else if (const auto* g = std::get_if<ReplaceOrderCmd>(&c)) {
      s << "Replace " << w.ref.client(g->client).code << " " << g->cl_ord_id << " orig " << g->orig_cl_ord_id << " "
        << g->symbol << " side " << g->side << " qty " << g->qty_text << " px " << g->price_text;
    } else if (const auto* h = std::get_if<OrderStatusCmd>(&c)) {
      s << "Status " << w.ref.client(h->client).code << " " << h->cl_ord_id;
    } else if (const auto* t = std::get_if<PriceTickCmd>(&c)) {
      s << "Tick " << w.ref.instrument(t->tick.instrument).symbol << " " << t->tick.mid.value;
    } else if (std::holds_alternative<TimerCmd>(c)) {
      s << "Timer at " << w.clock.now().value;
    } else if (const auto* e = std::get_if<SessionEndedCmd>(&c)) {
      s << "SessionEnded " << w.ref.client(e->client).code;
    }
    return s.str();
  }

  std::string event_line(const Event& e) const {
    std::ostringstream s;
    s << event_name(e);
    if (const auto* x = std::get_if<ExecReportEvent>(&e)) {
      s << " " << format_order_id(x->order.order_id) << " " << x->order.cl_ord_id << " " << w.ref.client(x->order.client).code
        << " " << side_name(x->order.side) << " st " << static_cast<char>(x->order.status) << " qty " << x->order.qty.value
        << " cum " << x->order.cum_qty.value << " leaves " << x->order.leaves_qty.value << " last " << x->last_qty.value
        << "@" << x->last_px.value << (x->internal ? " internal" : "") << " px "
        << (x->order.price ? x->order.price->value : 0) << " exec " << x->exec_id.value << " '" << x->text << "'";
    } else if (const auto* r = std::get_if<OrderRejectedEvent>(&e)) {
      s << " " << r->cl_ord_id << " " << reject_name(r->reject.reason) << ": " << r->reject.detail;
    } else if (const auto* c = std::get_if<CancelRejectedEvent>(&e)) {
      s << " " << c->cl_ord_id << " " << reject_name(c->reject.reason) << ": " << c->reject.detail;
    }
    return s.str();
  }

  Command make_command(Ctx* ctx) {
    const int r = static_cast<int>(uni(0, 999));
    if (r < 330) return new_limit(ctx);
    if (r < 430) return new_market(ctx);
    if (r < 550) return cancel(ctx);
    if (r < 670) return replace(ctx);
    if (r < 720) return status(ctx);
    if (r < 930) {
      const InstrumentId i = any_inst();
      const int64_t m = mid[i.value];
      int64_t delta = m * uni(-80, 80) / 100000;  // up to 8 bp a tick
      if (delta == 0 && chance(0.3)) delta = uni(-1, 1);  // small mids move too
      const int64_t next = std::max<int64_t>(m + delta, m / 2);
      mid[i.value] = next;
      return PriceTickCmd{PriceTick{i, Price(next), w.clock.now()}};
    }
    if (r < 970) return TimerCmd{};  // the clock jump happens in run_step
    return SessionEndedCmd{any_client()};
  }

  NewOrderCmd new_limit(Ctx* ctx) {
    const ClientId c = any_client();
    const InstrumentId i = any_inst();
    const InstrumentSpec& inst = w.ref.instrument(i);
    NewOrderCmd o;
    o.client = c;
    o.cl_ord_id = fresh_cl();
    o.symbol = inst.symbol;
    o.side = chance(0.5) ? '1' : '2';
    o.ord_type = '2';
    o.qty_text = format_qty(w.ref, inst, Qty(random_qty(inst)));
    o.price_text = format_price(inst, Price(random_px(inst, 40)));
    const char tifs[] = {0, kTifDay, kTifGtc, kTifGtc, kTifIoc, kTifFok, kTifGtd, kTifGtd};
    o.tif = tifs[uni(0, 7)];
    if (o.tif == kTifGtd) {
      if (chance(0.7)) {
        const int64_t secs = chance(0.5) ? uni(1, 300) : uni(1, 3 * 3600);
        o.expire_time = fix_time_ms(TimeUs(w.clock.now().value + secs * 1000000LL));
      } else {
        const int64_t day = w.clock.now().value / (86400LL * 1000000) + uni(0, 1);
        o.expire_date = format_fix_timestamp_ms(TimeUs(day * 86400LL * 1000000)).substr(0, 8);
      }
    }
    // Now and then one defect.
    const int d = static_cast<int>(uni(0, 99));
    if (d == 0) o.tif = '5';
    if (d == 1) o.slippage_bps = "5";
    if (d == 2) o.expire_time = "20261121-09:00:00";
    if (d == 3) o.price_text = "";
    if (d == 4 && !cls[c.value].empty()) o.cl_ord_id = pick(cls[c.value]);
    ctx->client = c;
    ctx->cl = o.cl_ord_id;
    return o;
  }

  NewOrderCmd new_market(Ctx* ctx) {
    const ClientId c = any_client();
    const InstrumentId i = any_inst();
    const InstrumentSpec& inst = w.ref.instrument(i);
    NewOrderCmd o;
    o.client = c;
    o.cl_ord_id = fresh_cl();
    o.symbol = inst.symbol;
    o.side = chance(0.5) ? '1' : '2';
    o.ord_type = '1';
    o.qty_text = format_qty(w.ref, inst, Qty(random_qty(inst)));
    const char tifs[] = {0, 0, kTifIoc, kTifFok};
    o.tif = tifs[uni(0, 3)];
    int64_t slip = w.ref.tier_of(c).slippage_cbps;
    if (chance(0.4)) {
      slip = uni(0, 6000);  // up to 60 bp, in cbps
      o.slippage_bps = format_decimal(slip, 2);
    }
    const Side side = o.side == '1' ? Side::kBuy : Side::kSell;
    ctx->market_bound = slippage_bound(w.ref, side, mid[i.value], slip, i);
    ctx->client = c;
    ctx->cl = o.cl_ord_id;
    return o;
  }

  // An order of `c` to refer to: mostly open ones, by current ClOrdID; sometimes any.
  const MOrder* some_order(ClientId c) {
    std::vector<const MOrder*> open, all;
    for (const auto& [id, o] : orders) {
      if (o.client != c) continue;
      all.push_back(&o);
      if (is_open(o.status)) open.push_back(&o);
    }
    if (!open.empty() && chance(0.85)) return pick(open);
    if (!all.empty()) return pick(all);
    return nullptr;
  }

  Command cancel(Ctx* ctx) {
    const ClientId c = any_client();
    const MOrder* o = some_order(c);
    CancelOrderCmd x;
    x.client = c;
    x.cl_ord_id = fresh_cl();
    x.orig_cl_ord_id = o ? o->cl : "NOPE";
    if (o && chance(0.1) && !cls[c.value].empty()) x.orig_cl_ord_id = pick(cls[c.value]);  // maybe replaced
    x.symbol = o ? w.ref.instrument(o->inst).symbol : kBtcUsdSym;
    x.side = o ? (o->side == Side::kBuy ? '1' : '2') : '1';
    if (chance(0.03)) x.side = x.side == '1' ? '2' : '1';
    if (chance(0.02)) x.cl_ord_id = cls[c.value].empty() ? x.cl_ord_id : pick(cls[c.value]);
    ctx->client = c;
    ctx->cl = x.cl_ord_id;
    return x;
  }

  Command replace(Ctx* ctx) {
    const ClientId c = any_client();
    const MOrder* o = some_order(c);
    if (o == nullptr) return status(ctx);
    const InstrumentSpec& inst = w.ref.instrument(o->inst);
    ReplaceOrderCmd g;
    g.client = c;
    g.cl_ord_id = fresh_cl();
    g.orig_cl_ord_id = o->cl;
    g.symbol = inst.symbol;
    g.side = o->side == Side::kBuy ? '1' : '2';
    g.ord_type = o->ord_type == 0 ? '2' : o->ord_type;
    const int r = static_cast<int>(uni(0, 9));
    int64_t qty = o->qty;
    int64_t price = o->limit > 0 ? o->limit : random_px(inst, 40);
    if (r < 3) {
      qty = std::max<int64_t>(inst.lot.value, o->qty - uni(0, o->qty / inst.lot.value) * inst.lot.value);  // down (maybe <= cum)
    } else if (r < 5) {
      qty = o->qty + uni(1, 20) * inst.lot.value * 100;  // up
    } else if (r < 8) {
      price = random_px(inst, 40);
    } else {
      qty = random_qty(inst);
      price = random_px(inst, 40);
    }
    g.qty_text = format_qty(w.ref, inst, Qty(qty));
    g.price_text = format_price(inst, Price(price));
    if (chance(0.03)) g.tif = kTifIoc;
    ctx->client = c;
    ctx->cl = g.cl_ord_id;
    return g;
  }

  Command status(Ctx* ctx) {
    const ClientId c = any_client();
    const MOrder* o = some_order(c);
    OrderStatusCmd h;
    h.client = c;
    h.cl_ord_id = o ? o->cl : "NOPE";
    if (chance(0.2) && !cls[c.value].empty()) h.cl_ord_id = pick(cls[c.value]);
    h.symbol = o ? w.ref.instrument(o->inst).symbol : kBtcUsdSym;
    h.side = o && o->side == Side::kSell ? '2' : '1';
    ctx->client = c;
    return h;
  }

  // ---- checks ----

  // One ExecutionReport against the model (FIX 4.4 state machine, quantities, AvgPx, ids).
  void check_er(const ExecReportEvent& e) {
    const OrderView& v = e.order;
    const uint64_t id = v.order_id.value;
    if (v.cum_qty.value > v.qty.value) fail("CumQty above OrderQty: ", id);
    if (is_open(v.status)) {
      if (v.cum_qty.value + v.leaves_qty.value != v.qty.value) fail("CumQty + LeavesQty != OrderQty while open: ", id);
    } else if (v.leaves_qty.value != 0) {
      fail("LeavesQty not 0 on a closed order: ", id);
    }
    if (e.kind == ExecKind::kStatus) {
      if (e.exec_id.value != 0) fail("status answer with an ExecID");
    } else if (e.exec_id.value == 0 || !exec_ids.insert(e.exec_id.value).second) {
      fail("ExecID repeated or 0: ", e.exec_id.value);
    }
    auto it = orders.find(id);
    if (e.kind == ExecKind::kNew) {
      if (it != orders.end()) return fail("second ER New for order ", id);
      if (v.status != OrdStatus::kNew || v.cum_qty.value != 0 || v.leaves_qty.value != v.qty.value) {
        fail("ER New not New/0/qty: ", id);
      }
      MOrder o;
      o.client = v.client;
      o.inst = v.instrument;
      o.side = v.side;
      o.ord_type = v.ord_type;
      o.tif = v.tif;
      o.qty = v.qty.value;
      o.limit = v.price ? v.price->value : 0;
      o.cl = v.cl_ord_id;
      o.expire = v.expire ? v.expire->value : 0;
      orders.emplace(id, o);
      cls[v.client.value].push_back(v.cl_ord_id);
      return;
    }
    if (it == orders.end()) return fail("report before ER New for order ", id);
    MOrder& o = it->second;
    if (o.client != v.client || o.inst != v.instrument || o.side != v.side || o.ord_type != v.ord_type) {
      fail("order ", id, " changed client/instrument/side/type");
    }
    if (e.kind == ExecKind::kStatus) {
      if (v.status != o.status || v.cum_qty.value != o.cum || v.qty.value != o.qty) fail("status answer differs: ", id);
      return;
    }
    if (!is_open(o.status)) return fail("report after the order closed: ", id, " ", event_name(Event(e)));
    switch (e.kind) {
      case ExecKind::kTrade: {
        if (e.last_qty.value <= 0) fail("Trade with LastQty <= 0: ", id);
        if (v.cum_qty.value != o.cum + e.last_qty.value) fail("CumQty did not grow by LastQty: ", id);
        if (v.qty.value != o.qty) fail("Trade changed OrderQty: ", id);
        const bool full = v.cum_qty.value == v.qty.value;
        if (v.status != (full ? OrdStatus::kFilled : OrdStatus::kPartiallyFilled)) fail("Trade status wrong: ", id);
        if (o.limit > 0 && o.ord_type == '2' &&
            (o.side == Side::kBuy ? e.last_px.value > o.limit : e.last_px.value < o.limit)) {
          fail("executed beyond its limit: ", id, " px ", e.last_px.value, " limit ", o.limit);
        }
        {
          // The fill's money: notional and fee of the order's whole value, rounded once
          // in the desk's favour, less what earlier fills already paid.
          const InstrumentSpec& inst = w.ref.instrument(o.inst);
          const __int128 after = o.value + static_cast<__int128>(e.last_qty.value) * e.last_px.value;
          const int64_t n0 = o.value == 0 ? 0 : notional_of_sum(w.ref, o.value, o.side, o.inst);
          const int64_t n1 = notional_of_sum(w.ref, after, o.side, o.inst);
          const int64_t dn = n1 - n0;
          const int64_t df = fee_of(w.ref, o.client, n1) - fee_of(w.ref, o.client, n0);
          if (e.notional.value != dn || e.fee.value != df) {
            fail("fill money: notional ", e.notional.value, " fee ", e.fee.value, ", expected ", dn, " ", df);
          }
          const int64_t s = o.side == Side::kBuy ? 1 : -1;
          client_total[{o.client.value, inst.quote.value}] -= s * dn + df;
          client_total[{o.client.value, inst.base.value}] += s * e.last_qty.value;
          fee_total[inst.quote.value] += df;
          desk_total[inst.quote.value] += s * dn;  // internal: buyer's minus seller's, the rounding
          if (!e.internal) desk_total[inst.base.value] -= s * e.last_qty.value;
        }
        o.value += static_cast<__int128>(e.last_qty.value) * e.last_px.value;
        o.cum = v.cum_qty.value;
        o.status = v.status;
        const __int128 q = o.cum;
        const int64_t avg = static_cast<int64_t>((o.value + q / 2) / q);
        if (v.avg_px.value != avg) fail("AvgPx ", v.avg_px.value, " != ", avg, " (value ", i128(o.value), ")");
        break;
      }
      case ExecKind::kReplaced:
        if (v.cum_qty.value != o.cum) fail("Replaced changed CumQty: ", id);
        if (v.qty.value <= o.cum) fail("Replaced to a quantity not above CumQty: ", id);
        if (v.status != (o.cum == 0 ? OrdStatus::kNew : OrdStatus::kPartiallyFilled)) fail("Replaced status: ", id);
        if (v.orig_cl_ord_id != o.cl) fail("Replaced OrigClOrdID ", v.orig_cl_ord_id, " != ", o.cl);
        o.qty = v.qty.value;
        o.limit = v.price ? v.price->value : 0;
        o.cl = v.cl_ord_id;
        cls[v.client.value].push_back(v.cl_ord_id);
        break;
      case ExecKind::kCanceled:
      case ExecKind::kExpired:
        if (v.cum_qty.value != o.cum) fail("close changed CumQty: ", id);
        if (v.status != (e.kind == ExecKind::kCanceled ? OrdStatus::kCanceled : OrdStatus::kExpired)) {
          fail("close status: ", id);
        }
        o.status = v.status;
        if (v.cl_ord_id != o.cl) cls[v.client.value].push_back(v.cl_ord_id);
        o.cl = v.cl_ord_id;
        break;
      default:
        fail("unexpected ExecType ", static_cast<char>(e.kind), " for ", id);
    }
  }

  void check_events(const Command& cmd, const std::vector<Event>& out, const Ctx& ctx) {
    // Every command first expires the orders whose time has come (only ER Expired, at
    // or after their time); then come its own answers.
    const std::vector<const Event*> all = order_events(out);
    size_t k = 0;
    for (; k < all.size() && is_er(*all[k], ExecKind::kExpired); ++k) {
      const auto& e = std::get<ExecReportEvent>(*all[k]);
      if (!e.order.expire || e.order.expire->value > w.clock.now().value) fail("expired before its time");
      ++stats[std::holds_alternative<TimerCmd>(cmd) ? "expired" : "expired before a command"];
      check_er(e);
    }
    std::vector<const Event*> evs(all.begin() + static_cast<long>(k), all.end());
    // Answers: exactly one for cancel/status; reject-or-New first for new orders; reject-or-Replaced for replaces.
    if (std::holds_alternative<NewOrderCmd>(cmd)) {
      if (evs.empty()) return fail("no answer to a new order");
      if (std::holds_alternative<OrderRejectedEvent>(*evs[0])) {
        if (evs.size() != 1) fail("events after an order reject");
        const auto& r = std::get<OrderRejectedEvent>(*evs[0]);
        ++stats[std::string("reject ") + reject_name(r.reject.reason)];
        if (r.exec_id.value == 0 || !exec_ids.insert(r.exec_id.value).second) fail("reject ExecID repeated");
        return;
      }
      if (!is_er(*evs[0], ExecKind::kNew)) return fail("new order answered with ", event_name(*evs[0]));
      if (std::get<ExecReportEvent>(*evs[0]).order.cl_ord_id != ctx.cl) fail("ER New of another ClOrdID");
      ++stats["accepted"];
    } else if (std::holds_alternative<CancelOrderCmd>(cmd)) {
      if (evs.size() != 1) return fail("a cancel answered with ", evs.size(), " events");
      if (const auto* c = std::get_if<CancelRejectedEvent>(evs[0])) {
        ++stats[std::string("cancel reject ") + reject_name(c->reject.reason)];
      } else if (!is_er(*evs[0], ExecKind::kCanceled)) {
        return fail("a cancel answered with ", event_name(*evs[0]));
      } else {
        ++stats["canceled"];
        const auto& e = std::get<ExecReportEvent>(*evs[0]);
        if (e.order.cl_ord_id != ctx.cl) fail("ER Canceled not under the cancel's ClOrdID");
        if (e.order.orig_cl_ord_id != std::get<CancelOrderCmd>(cmd).orig_cl_ord_id) fail("ER Canceled OrigClOrdID");
      }
    } else if (std::holds_alternative<ReplaceOrderCmd>(cmd)) {
      if (evs.empty()) return fail("no answer to a replace");
      if (const auto* c = std::get_if<CancelRejectedEvent>(evs[0])) {
        if (evs.size() != 1) fail("events after a replace reject");
        ++stats[std::string("replace reject ") + reject_name(c->reject.reason)];
      } else if (!is_er(*evs[0], ExecKind::kReplaced)) {
        return fail("a replace answered with ", event_name(*evs[0]));
      } else {
        ++stats["replaced"];
      }
    } else if (std::holds_alternative<OrderStatusCmd>(cmd)) {
      if (evs.size() != 1) return fail("a status request answered with ", evs.size(), " events");
      if (const auto* r = std::get_if<OrderRejectedEvent>(evs[0])) {
        if (r->exec_type != 'I' || r->reject.reason != RejectReason::kUnknownOrder) fail("status reject shape");
      } else if (!is_er(*evs[0], ExecKind::kStatus)) {
        fail("a status request answered with ", event_name(*evs[0]));
      }
    }

    // The incoming order (new or replaced): its id.
    std::optional<uint64_t> incoming;
    std::map<uint16_t, int64_t> tick_desk_pos;  // the desk's position as a tick's fills move it
    for (const AssetSpec& a : w.ref.assets) tick_desk_pos[a.id.value] = ctx.desk_pos_before[a.id.value];
    if (!evs.empty() && (is_er(*evs[0], ExecKind::kNew) || is_er(*evs[0], ExecKind::kReplaced))) {
      const auto& e = std::get<ExecReportEvent>(*evs[0]);
      incoming = e.order.order_id.value;
    }

    for (size_t i = 0; i < evs.size(); ++i) {
      const Event& ev = *evs[i];
      if (std::holds_alternative<CancelRejectedEvent>(ev) || std::holds_alternative<OrderRejectedEvent>(ev)) continue;
      const auto* e = std::get_if<ExecReportEvent>(&ev);
      if (e == nullptr) {
        fail("unexpected event ", event_name(ev));
        continue;
      }
      // Which commands may cause which reports.
      const bool tick = std::holds_alternative<PriceTickCmd>(cmd);
      const bool timer = std::holds_alternative<TimerCmd>(cmd);
      const bool session = std::holds_alternative<SessionEndedCmd>(cmd);
      if (tick && e->kind != ExecKind::kTrade) fail("a tick caused ", event_name(ev));
      if (timer || e->kind == ExecKind::kExpired) fail(event_name(ev), " after the expiries");
      if (session && (e->kind != ExecKind::kCanceled || e->order.client != std::get<SessionEndedCmd>(cmd).client ||
                      e->text != "canceled on disconnect")) {
        fail("a session end caused ", event_name(ev));
      }
      if (session) ++stats["canceled on disconnect"];
      if (e->kind == ExecKind::kTrade) {
        ++stats[e->internal ? "internal fill" : "desk fill"];
        if (e->internal) {
          // The pair: this and the next, both internal trades.
          if (i + 1 >= evs.size() || !is_er(*evs[i + 1], ExecKind::kTrade) ||
              !std::get<ExecReportEvent>(*evs[i + 1]).internal) {
            fail("an internal trade without its counterpart");
          } else {
            const auto& f = std::get<ExecReportEvent>(*evs[i + 1]);
            if (f.last_qty != e->last_qty || f.last_px != e->last_px) fail("internal pair: qty/px differ");
            if (f.order.side == e->order.side) fail("internal pair: same side");
            if (f.order.client == e->order.client) fail("internal pair: same client");
            if (f.order.instrument != e->order.instrument) fail("internal pair: instruments differ");
            if (!incoming || e->order.order_id.value != *incoming) fail("internal pair not led by the incoming order");
            // The resting order trades at its own price.
            const auto rest = orders.find(f.order.order_id.value);
            if (rest != orders.end() && rest->second.limit != f.last_px.value) fail("internal cross not at the resting price");
            check_er(*e);
            check_er(f);
            ++i;
            continue;
          }
        } else if (tick) {
          // A resting order the desk's price for min(leaves, its size) reaches, at the desk
          // position of that moment: filled by that size, at its own limit.
          const auto o = orders.find(e->order.order_id.value);
          if (o == orders.end()) {
            fail("a tick fill of an unknown order");
          } else {
            const MOrder& m = o->second;
            const InstrumentSpec& inst = w.ref.instrument(m.inst);
            const int64_t size = std::min(m.qty - m.cum, inst.md_ladder.back().value);
            int64_t& pos = tick_desk_pos[inst.base.value];
            const int64_t desk = desk_px(w.ref, m.client, m.side, mid[inst.id.value], size, pos, inst.id);
            if (m.limit != e->last_px.value) fail("a tick fill not at the order's limit");
            if (e->last_qty.value != size) fail("a tick fill of ", e->last_qty.value, ", not min(leaves, desk size) ", size);
            if (m.side == Side::kBuy ? desk > m.limit : desk < m.limit) {
              fail("a tick fill the desk's price ", desk, " does not reach (limit ", m.limit, ")");
            }
            pos += m.side == Side::kBuy ? -e->last_qty.value : e->last_qty.value;
          }
        } else if (incoming && e->order.order_id.value == *incoming) {
          // The desk's price for min(what was still to fill when the desk came, its size), at
          // the mid and desk position before the command (internal fills before it leave the
          // desk's base position alone).
          const InstrumentSpec& inst = w.ref.instrument(e->order.instrument);
          const int64_t remaining = e->order.qty.value - (e->order.cum_qty.value - e->last_qty.value);
          const int64_t size = std::min(remaining, inst.md_ladder.back().value);
          const int64_t want = desk_px(w.ref, e->order.client, e->order.side, mid[inst.id.value], size,
                                       ctx.desk_pos_before[inst.base.value], inst.id);
          if (e->last_px.value != want) {
            fail("desk fill at ", e->last_px.value, ", price_for says ", want, " for size ", size);
          }
          if (ctx.market_bound && (e->order.side == Side::kBuy ? e->last_px.value > *ctx.market_bound
                                                                : e->last_px.value < *ctx.market_bound)) {
            fail("market order beyond its tolerance bound ", *ctx.market_bound);
          }
          if (e->last_qty.value > inst.md_ladder.back().value) fail("the desk filled more than its size");
        } else {
          fail("a desk fill of an order that is not the incoming one");
        }
      }
      check_er(*e);
    }
  }

  void check_state() {
    const std::string inv = w.engine.check_invariants();
    if (!inv.empty()) return fail("check_invariants: ", inv);
    for (const AssetSpec& a : w.ref.assets) {
      if (w.ledger.asset_net(a.code) != 0) fail("asset ", a.code, " nets to ", w.ledger.asset_net(a.code));
      for (const ClientSpec& c : w.ref.clients) {
        const int64_t av = avail_of(c.id, a.id);
        if (av < -w.ledger.credit_line(c.code, a.code).value) fail(c.code, " available ", a.code, " ", av, " below credit");
        if (held_of(c.id, a.id) < 0) fail(c.code, " held ", a.code, " negative");
      }
    }
    for (const AssetSpec& a : w.ref.assets) {
      for (const ClientSpec& c : w.ref.clients) {
        const int64_t total = avail_of(c.id, a.id) + held_of(c.id, a.id);
        if (total != client_total[{c.id.value, a.id.value}]) {
          fail(c.code, " ", a.code, " available + held ", total, ", the fills say ", client_total[{c.id.value, a.id.value}]);
        }
      }
      if (desk_of(a.id) != desk_total[a.id.value]) {
        fail("desk ", a.code, " ", desk_of(a.id), ", the fills say ", desk_total[a.id.value]);
      }
      if (fees_of(a.id) != fee_total[a.id.value]) {
        fail("fees ", a.code, " ", fees_of(a.id), ", the fills say ", fee_total[a.id.value]);
      }
    }
    std::set<uint64_t> model_open, engine_open;
    for (const auto& [id, o] : orders) {
      if (is_open(o.status)) model_open.insert(id);
    }
    for (const Order* o : w.engine.open_orders()) {
      engine_open.insert(o->id.value);
      const auto it = orders.find(o->id.value);
      if (it == orders.end()) {
        fail("open order ", o->id.value, " never reported");
        continue;
      }
      if (it->second.cum != o->cum.value || it->second.qty != o->qty.value) fail("open order ", o->id.value, " differs");
      if (o->expire.value > 0 && o->expire.value <= w.clock.now().value) {
        fail("order ", o->id.value, " still open at or past its expiry");
      }
    }
    if (last_session && w.ref.client(*last_session).cancel_on_disconnect) {
      for (const Order* o : w.engine.open_orders()) {
        if (o->client == *last_session) fail("order ", o->id.value, " open after its cancel-on-disconnect session ended");
      }
    }
    if (model_open != engine_open) fail("open orders differ from the reports: ", model_open.size(), " vs ", engine_open.size());
  }
  std::optional<ClientId> last_session;

  // Runs one command and checks it. Returns the event lines for the failure message.
  void run(const Command& cmd, Ctx& ctx, std::vector<std::string>* log) {
    for (const AssetSpec& a : w.ref.assets) ctx.desk_pos_before[a.id.value] = desk_of(a.id);
    log->push_back("> " + describe(cmd));
    std::vector<Event> out;
    w.engine.handle(cmd, &out);
    for (const Event& e : out) log->push_back("  " + event_line(e));
    last_session.reset();
    if (const auto* e = std::get_if<SessionEndedCmd>(&cmd)) last_session = e->client;
    check_events(cmd, out, ctx);
    check_state();
  }

  void run_step(std::vector<std::string>* log) {
    Ctx ctx;
    const Command cmd = make_command(&ctx);
    if (std::holds_alternative<TimerCmd>(cmd)) {
      // The clock jumps (now and then by hours); half the time a timer runs first, else
      // the next command meets the due expiries; then prices are fresh again.
      const int64_t jump = chance(0.06) ? uni(3600, 4 * 3600) * 1000000LL : uni(1, 120'000) * 1000LL;
      w.clock.advance_us(jump);
      if (chance(0.5)) {
        run(cmd, ctx, log);
      } else {
        Ctx next;
        const Command c = make_command(&next);
        if (!std::holds_alternative<TimerCmd>(c)) run(c, next, log);
      }
      for (InstrumentId i : kInsts) {
        Ctx t;
        run(PriceTickCmd{PriceTick{i, Price(mid[i.value]), w.clock.now()}}, t, log);
      }
      return;
    }
    run(cmd, ctx, log);
  }
};

void simulate(uint64_t seed, int steps, bool check_coverage) {
  Sim sim(seed);
  std::vector<std::string> log;  // the last steps, for a failure
  for (int step = 0; step < steps; ++step) {
    std::vector<std::string> lines;
    sim.run_step(&lines);
    log.insert(log.end(), lines.begin(), lines.end());
    if (log.size() > 60) log.erase(log.begin(), log.end() - 60);
    if (!sim.failure.empty()) {
      std::string history;
      for (const std::string& l : log) history += l + "\n";
      INFO("seed " << seed << " step " << step << "\n" << history);
      FAIL(sim.failure);
    }
    if (step % 50 == 0) REQUIRE(sim.w.journal.commit().ok());
  }
  REQUIRE(sim.w.journal.commit().ok());
  if (!check_coverage) return;
  // The history did reach what it is for (checked for the fixed seeds).
  std::string summary;
  for (const auto& [k, n] : sim.stats) summary += k + ": " + std::to_string(n) + "\n";
  INFO("seed " << seed << "\n" << summary);
  if (std::getenv("OTC_ORDERS_STATS") != nullptr) std::cout << "seed " << seed << "\n" << summary;
  CHECK(sim.stats["internal fill"] > 0);
  CHECK(sim.stats["desk fill"] > 0);
  CHECK(sim.stats["expired"] > 0);
  CHECK(sim.stats["expired before a command"] > 0);
  CHECK(sim.stats["replaced"] > 0);
  CHECK(sim.stats["canceled"] > 0);
  CHECK(sim.stats["canceled on disconnect"] > 0);
  CHECK(sim.stats["reject self_trade"] > 0);
  CHECK(sim.stats["cancel reject order_not_open"] > 0);
  CHECK(sim.stats["reject order_book_full"] > 0);
}

TEST_CASE("orders random: seeded histories keep every invariant and the FIX state machine", "[orders][random]") {
  if (const char* s = std::getenv("OTC_SEED"); s != nullptr && *s != '\0') {
    const char* n = std::getenv("OTC_STEPS");
    simulate(std::stoull(s), n != nullptr && *n != '\0' ? std::stoi(n) : kSteps, false);
    return;
  }
  for (uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    INFO("seed " << seed);
    simulate(seed, kSteps, true);
  }
}

}  // namespace
}  // namespace otc::engine::test
