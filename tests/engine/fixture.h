// tests/engine/fixture.h: the demo reference data built in code, and a hermetic engine
// "world" (ManualClock, MemoryJournal, Ledger, Engine) with small helpers for tests,
// market data (MarketDataRequest commands, the ladder price_for() says a client should see)
// among them.
//
// The values mirror conf/otcgw.toml (assets, instruments, tiers, clients, demo balances)
// so that tests speak in realistic numbers, plus one test-only instrument (GBP/USDT) whose
// tick is coarser than its price scale and whose notional exponent is negative.
// Spreads, size add-ons, skews and fees are in cbps (1 bp = 100 cbps); size bands start at
// a notional in the quote asset's minor units. Single-threaded, like the engine.
#pragma once

#include <catch2/catch.hpp>

#include "tests/catch_printers.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/decimal.h"
#include "common/reject.h"
#include "common/types.h"
#include "engine/engine.h"
#include "engine/pricing.h"
#include "engine/reference_data.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"

namespace Catch {
template <typename Tag, typename Rep>
struct StringMaker<otc::Strong<Tag, Rep>> {
  static std::string convert(const otc::Strong<Tag, Rep>& s) { return std::to_string(s.value); }
};
template <>
struct StringMaker<otc::engine::MdRung> {
  static std::string convert(const otc::engine::MdRung& r) {
    return "{qty " + std::to_string(r.qty.value) + " bid " + (r.bid ? std::to_string(r.bid->value) : "-") + " offer " +
           (r.offer ? std::to_string(r.offer->value) : "-") + "}";
  }
};
}  // namespace Catch

namespace otc::engine::test {

// 2026-11-21T10:00:00Z.
inline constexpr TimeUs kStart{1'795'255'200'000'000};

// Asset ids in conf order.
inline constexpr AssetId kUsd{0};
inline constexpr AssetId kEur{1};
inline constexpr AssetId kGbp{2};
inline constexpr AssetId kBtc{3};
inline constexpr AssetId kEth{4};
inline constexpr AssetId kUsdt{5};
inline constexpr AssetId kUsdc{6};

// Instrument ids in conf order; kGbpUsdt is test-only.
inline constexpr InstrumentId kBtcUsd{0};
inline constexpr InstrumentId kEthUsd{1};
inline constexpr InstrumentId kBtcEur{2};
inline constexpr InstrumentId kEthBtc{3};
inline constexpr InstrumentId kUsdtUsd{4};
inline constexpr InstrumentId kUsdcUsd{5};
inline constexpr InstrumentId kEurUsd{6};
inline constexpr InstrumentId kGbpUsd{7};
inline constexpr InstrumentId kGbpUsdt{8};

inline constexpr ClientId kAcme{0};   // gold: 5 bp half-spread, no fee, TTL 10 s (asked: up to 60 s)
inline constexpr ClientId kBeta{1};   // silver: 10 bp, fee 1 bp, TTL 5 s (up to 30 s)
inline constexpr ClientId kGamma{2};  // bronze: 25 bp, fee 5 bp, TTL 3 s (up to 10 s); never funded by the fixture

// Exact decimal text -> scaled integer; a test bug if it does not parse.
inline int64_t dec(const std::string& text, int scale) {
  int64_t v = 0;
  const DecimalError e = parse_decimal(text, scale, &v);
  INFO("dec(\"" << text << "\", " << scale << ")");
  REQUIRE(e == DecimalError::kOk);
  return v;
}

inline ReferenceData demo_reference_data() {
  ReferenceData r;
  const std::vector<std::pair<const char*, int>> assets = {{"USD", 2}, {"EUR", 2},  {"GBP", 2}, {"BTC", 8},
                                                           {"ETH", 9}, {"USDT", 6}, {"USDC", 6}};
  const char* kinds[] = {"fiat", "fiat", "fiat", "crypto", "crypto", "stablecoin", "stablecoin"};
  for (size_t i = 0; i < assets.size(); ++i) {
    r.assets.push_back(AssetSpec{AssetId(static_cast<uint16_t>(i)), assets[i].first, assets[i].second, kinds[i]});
  }
  struct Inst {
    const char* symbol;
    AssetId base;
    AssetId quote;
    int price_decimals;
    const char* tick;
    const char* lot;
    const char* min_qty;
    const char* max_qty;
    const char* initial_mid;
    int64_t step_cbps;
    std::vector<std::pair<const char*, int64_t>> bands;  // min_notional text (quote asset), add cbps
    int64_t skew_cbps_per_unit;
    int64_t skew_max_cbps;
    std::vector<const char*> md_ladder;  // streaming sizes (base asset), ascending
  };
  // conf: BTC/USD and ETH/USD bands at 250000 and 1000000 USD notional (+2 bp, +5 bp);
  // skew 0.2 bp per BTC and 0.01 bp per ETH, at most 5 bp; the others have neither.
  // md_ladder: the conf's streaming sizes (GBP/USDT: 1000 and 100000 GBP).
  const std::vector<Inst> insts = {
      {"BTC/USD", kBtc, kUsd, 2, "0.01", "0.0001", "0.0001", "50", "65000.00", 100,
       {{"250000", 200}, {"1000000", 500}}, 20, 500, {"0.1", "1", "5", "20"}},
      {"ETH/USD", kEth, kUsd, 2, "0.01", "0.001", "0.001", "1000", "3200.00", 100,
       {{"250000", 200}, {"1000000", 500}}, 1, 500, {"1", "10", "100"}},
      {"BTC/EUR", kBtc, kEur, 2, "0.01", "0.0001", "0.0001", "50", "60000.00", 100, {}, 0, 0, {"0.1", "1", "5"}},
      {"ETH/BTC", kEth, kBtc, 6, "0.000001", "0.001", "0.001", "1000", "0.049000", 100, {}, 0, 0,
       {"1", "10", "100"}},
      {"USDT/USD", kUsdt, kUsd, 5, "0.00001", "1", "100", "10000000", "1.00010", 10, {}, 0, 0,
       {"10000", "100000", "1000000"}},
      {"USDC/USD", kUsdc, kUsd, 5, "0.00001", "1", "100", "10000000", "0.99995", 10, {}, 0, 0,
       {"10000", "100000", "1000000"}},
      {"EUR/USD", kEur, kUsd, 5, "0.00001", "0.01", "1000", "50000000", "1.08500", 20, {}, 0, 0,
       {"100000", "1000000", "5000000"}},
      {"GBP/USD", kGbp, kUsd, 5, "0.00001", "0.01", "1000", "50000000", "1.27000", 20, {}, 0, 0,
       {"100000", "1000000", "5000000"}},
      // Test-only: tick 0.005 (5 price units) and notional exponent 2 + 3 - 6 = -1.
      {"GBP/USDT", kGbp, kUsdt, 3, "0.005", "0.01", "100", "50000000", "1.270", 20, {}, 0, 0, {"1000", "100000"}},
  };
  for (size_t i = 0; i < insts.size(); ++i) {
    const Inst& s = insts[i];
    const int base_dec = r.assets[s.base.value].decimals;
    InstrumentSpec spec;
    spec.id = InstrumentId(static_cast<uint16_t>(i));
    spec.symbol = s.symbol;
    spec.base = s.base;
    spec.quote = s.quote;
    spec.price_decimals = s.price_decimals;
    spec.tick = dec(s.tick, s.price_decimals);
    spec.lot = Qty(dec(s.lot, base_dec));
    spec.min_qty = Qty(dec(s.min_qty, base_dec));
    spec.max_qty = Qty(dec(s.max_qty, base_dec));
    const int quote_dec = r.assets[s.quote.value].decimals;
    for (const auto& [min_notional, add] : s.bands) {
      spec.size_bands.push_back(SizeBand{Amount(dec(min_notional, quote_dec)), add});
    }
    spec.skew_cbps_per_unit = s.skew_cbps_per_unit;
    spec.skew_max_cbps = s.skew_max_cbps;
    for (const char* size : s.md_ladder) spec.md_ladder.push_back(Qty(dec(size, base_dec)));
    spec.initial_mid = Price(dec(s.initial_mid, s.price_decimals));
    spec.step_cbps = s.step_cbps;
    r.instruments.push_back(std::move(spec));
  }
  TierSpec gold;
  gold.id = 0;
  gold.name = "gold";
  gold.half_spread_cbps = 500;
  gold.half_spread_by_instrument_cbps = {
      {kEurUsd.value, 50}, {kGbpUsd.value, 80}, {kUsdtUsd.value, 100}, {kUsdcUsd.value, 100}};
  gold.fee_cbps = 0;
  gold.quote_ttl_ms = 10000;
  gold.quote_ttl_max_ms = 60000;
  gold.slippage_cbps = 1000;  // 10 bp
  TierSpec silver;
  silver.id = 1;
  silver.name = "silver";
  silver.half_spread_cbps = 1000;
  silver.half_spread_by_instrument_cbps = {
      {kEurUsd.value, 100}, {kGbpUsd.value, 150}, {kUsdtUsd.value, 200}, {kUsdcUsd.value, 200}};
  silver.fee_cbps = 100;
  silver.quote_ttl_ms = 5000;
  silver.quote_ttl_max_ms = 30000;
  silver.slippage_cbps = 2000;  // 20 bp
  TierSpec bronze;
  bronze.id = 2;
  bronze.name = "bronze";
  bronze.half_spread_cbps = 2500;
  bronze.fee_cbps = 500;
  bronze.quote_ttl_ms = 3000;
  bronze.quote_ttl_max_ms = 10000;
  bronze.slippage_cbps = 5000;  // 50 bp
  r.tiers = {gold, silver, bronze};
  // No per-client limits and no cancel-on-disconnect by default: tests that need them
  // set them with World::Options::tweak.
  r.clients = {ClientSpec{kAcme, "ACME", "Acme Capital Partners LLC", 0, false, {}},
               ClientSpec{kBeta, "BETA", "Beta Markets Ltd", 1, false, {}},
               ClientSpec{kGamma, "GAMMA", "Gamma Treasury GmbH", 2, false, {}}};
  // conf [engine]: price_age_max_ms, live_quotes_max, retired_quotes_max, cl_ord_ids_per_client_max,
  // md_min_interval_ms, md_subscriptions_per_client_max, md_symbols_per_request_max.
  r.limits = EngineLimits{};  // named, so a new limit cannot shift the others
  r.limits.price_age_max_ms = 2000;
  r.limits.live_quotes_max = 100000;
  r.limits.live_quotes_per_client_max = 100000;  // the whole book: per-client cap tested on its own
  r.limits.retired_quotes_max = 100000;
  r.limits.cl_ord_ids_per_client_max = 1000000;
  r.limits.md_min_interval_ms = 250;
  r.limits.md_subscriptions_per_client_max = 64;
  r.limits.md_symbols_per_request_max = 16;
  r.limits.reference_asset = kUsd;
  r.limits.day_end_utc_minutes = 21 * 60;  // Day orders expire at 21:00 UTC
  r.limits.open_orders_max = 100000;
  r.limits.retired_orders_max = 100000;
  r.limits.slippage_max_cbps = 50000;  // 500 bp
  r.index();
  return r;
}

inline const char* event_name(const Event& e) {
  return std::visit(
      [](const auto& ev) -> const char* {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, QuotedEvent>) return "QuotedEvent";
        if constexpr (std::is_same_v<T, QuoteRejectedEvent>) return "QuoteRejectedEvent";
        if constexpr (std::is_same_v<T, ExecReportEvent>) {
          switch (ev.kind) {
            case ExecKind::kNew: return "ER New";
            case ExecKind::kTrade: return "ER Trade";
            case ExecKind::kCanceled: return "ER Canceled";
            case ExecKind::kReplaced: return "ER Replaced";
            case ExecKind::kExpired: return "ER Expired";
            case ExecKind::kStatus: return "ER Status";
            case ExecKind::kRejected: return "ER Rejected";
          }
          return "ER ?";
        }
        if constexpr (std::is_same_v<T, OrderRejectedEvent>) return "OrderRejectedEvent";
        if constexpr (std::is_same_v<T, CancelRejectedEvent>) return "CancelRejectedEvent";
        if constexpr (std::is_same_v<T, OrderNotTakenEvent>) return "OrderNotTakenEvent";
        if constexpr (std::is_same_v<T, QuoteCancelAnsweredEvent>) return "QuoteCancelAnsweredEvent";
        if constexpr (std::is_same_v<T, MarketDataEvent>) return "MarketDataEvent";
        if constexpr (std::is_same_v<T, MarketDataRejectedEvent>) return "MarketDataRejectedEvent";
        return "unknown event";
      },
      e);
}

inline char side_char(Side s) { return s == Side::kBuy ? '1' : '2'; }

// A MarketDataRequest: subscription type '0' snapshot, '1' subscribe, '2' unsubscribe;
// depth 0 = the whole ladder; entry types '0' bid, '1' offer; MDUpdateType absent (-1).
inline MarketDataRequestCmd md_request(ClientId c, std::string md_req_id, char subscription_type,
                                       std::vector<std::string> symbols, int depth = 0, std::string entry_types = "01",
                                       int update_type = -1) {
  MarketDataRequestCmd m;
  m.client = c;
  m.md_req_id = std::move(md_req_id);
  m.subscription_type = subscription_type;
  m.market_depth = depth;
  m.update_type = update_type;
  m.entry_types = std::move(entry_types);
  m.symbols = std::move(symbols);
  return m;
}
// An unsubscribe names only the MDReqID.
inline MarketDataRequestCmd md_unsubscribe(ClientId c, std::string md_req_id) {
  MarketDataRequestCmd m;
  m.client = c;
  m.md_req_id = std::move(md_req_id);
  m.subscription_type = '2';
  return m;
}

// The market data snapshots among `out`, in order.
inline std::vector<MarketDataEvent> md_events(const std::vector<Event>& out) {
  std::vector<MarketDataEvent> v;
  for (const Event& e : out) {
    if (const auto* m = std::get_if<MarketDataEvent>(&e)) v.push_back(*m);
  }
  return v;
}

// The ExecutionReport at out[i] (a test failure, not a crash, when it is something else).
inline const ExecReportEvent& er(const std::vector<Event>& out, size_t i) {
  REQUIRE(i < out.size());
  INFO("event " << i << " is " << event_name(out[i]));
  REQUIRE(std::holds_alternative<ExecReportEvent>(out[i]));
  return std::get<ExecReportEvent>(out[i]);
}
inline bool is_er(const Event& e, ExecKind k) {
  const auto* x = std::get_if<ExecReportEvent>(&e);
  return x != nullptr && x->kind == k;
}

// One line per event, enough to tell two histories apart: kind, client, request id,
// and for a snapshot its instrument and rungs (the Catch form above).
inline std::string event_text(const Event& e) {
  std::string s = event_name(e);
  if (const auto* m = std::get_if<MarketDataEvent>(&e)) {
    s += " client " + std::to_string(m->client.value) + " '" + m->md_req_id + "' instrument " +
         std::to_string(m->instrument.value) + " ts " + std::to_string(m->ts.value);
    for (const MdRung& r : m->rungs) s += " " + Catch::StringMaker<MdRung>::convert(r);
  } else if (const auto* r = std::get_if<MarketDataRejectedEvent>(&e)) {
    s += " client " + std::to_string(r->client.value) + " '" + r->md_req_id + "' " +
         std::to_string(static_cast<int>(r->reject.reason));
  }
  return s;
}

// FIX UTCTimestamp text of `t` with milliseconds (truncated) or microseconds.
inline std::string fix_time_ms(TimeUs t) { return format_fix_timestamp_ms(t); }
inline std::string fix_time_us(TimeUs t) {
  REQUIRE(t.value >= 0);
  const std::string us = std::to_string(1000000 + t.value % 1000000).substr(1);  // six digits
  return format_fix_timestamp_ms(t).substr(0, 17) + "." + us;
}

// An engine on a fresh in-memory journal and ledger, started and committed.
struct World {
  struct Options {
    std::function<void(ReferenceData&)> tweak;  // edits reference data before the engine sees it
    bool fund = true;                           // ACME and BETA get their conf demo balances
    bool ticks = true;                          // every instrument gets its initial mid at kStart
  };

  ReferenceData ref;
  ManualClock clock{kStart};
  ledger::MemoryJournal journal;
  ledger::Ledger ledger{&journal};
  Engine engine{ref, clock, ledger, journal};
  uint64_t next_cl_ord_ = 1;

  World() : World(Options{}) {}
  explicit World(Options o, const ledger::RecoveredState& recovered = {}) : ref(make_ref(o.tweak)) {
    REQUIRE(engine.start(recovered).ok());
    REQUIRE(journal.commit().ok());
    if (o.fund) {
      // conf/otcgw.toml [clients.demo_balances]
      deposit(kAcme, kUsd, "5000000.00");
      deposit(kAcme, kEur, "2000000.00");
      deposit(kAcme, kBtc, "50");
      deposit(kAcme, kEth, "500");
      deposit(kAcme, kUsdt, "1000000");
      deposit(kBeta, kUsd, "1000000.00");
      deposit(kBeta, kBtc, "5");
      deposit(kBeta, kEth, "50");
      REQUIRE(journal.commit().ok());
    }
    if (o.ticks) {
      for (const InstrumentSpec& i : ref.instruments) tick(i.id, i.initial_mid);
    }
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  static ReferenceData make_ref(const std::function<void(ReferenceData&)>& tweak) {
    ReferenceData r = demo_reference_data();
    if (tweak) {
      tweak(r);
      r.index();
    }
    return r;
  }

  void deposit(ClientId c, AssetId a, const std::string& amount_text) {
    deposit(c, a, Amount(dec(amount_text, ref.asset(a).decimals)));
  }
  void deposit(ClientId c, AssetId a, Amount amount) {
    const Status s = engine.deposit(c, a, amount, "test-deposit");
    REQUIRE(s.ok());
  }

  // A price move; returns what it caused (fills of resting orders it reaches).
  std::vector<Event> tick(InstrumentId i, Price mid) {
    std::vector<Event> out;
    engine.handle(PriceTickCmd{PriceTick{i, mid, clock.now()}}, &out);
    return out;
  }
  std::vector<Event> tick(InstrumentId i, const std::string& mid_text) {
    return tick(i, Price(dec(mid_text, ref.instrument(i).price_decimals)));
  }

  std::vector<Event> handle(const Command& c) {
    std::vector<Event> out;
    engine.handle(c, &out);
    return out;
  }

  static QuoteRequestCmd quote_request(ClientId c, const std::string& symbol, char side, const std::string& qty) {
    QuoteRequestCmd q;
    q.client = c;
    q.quote_req_id = "QR-" + symbol + "-" + qty;
    q.symbol = symbol;
    q.side = side;
    q.qty_text = qty;
    q.quote_type = 1;
    return q;
  }

  // Requests a quote that must be given.
  QuotedEvent quote(ClientId c, const std::string& symbol, char side, const std::string& qty) {
    return quote(quote_request(c, symbol, side, qty));
  }
  // Requests an indicative (QuoteType 0) quote that must be given.
  QuotedEvent quote_indicative(ClientId c, const std::string& symbol, char side, const std::string& qty) {
    QuoteRequestCmd req = quote_request(c, symbol, side, qty);
    req.quote_type = 0;
    return quote(req);
  }
  QuotedEvent quote(const QuoteRequestCmd& req) {
    std::vector<Event> out = handle(req);
    REQUIRE(out.size() == 1);
    const auto* r = std::get_if<QuoteRejectedEvent>(&out[0]);
    INFO("got " << event_name(out[0])
                << (r ? " " + std::string(reject_name(r->reject.reason)) + ": " + r->reject.detail : ""));
    REQUIRE(std::holds_alternative<QuotedEvent>(out[0]));
    return std::get<QuotedEvent>(out[0]);
  }

  // QuoteCancel: its one answer.
  QuoteCancelAnsweredEvent cancel(ClientId c, const std::string& quote_id, int cancel_type) {
    std::vector<Event> out = handle(QuoteCancelCmd{c, quote_id, cancel_type});
    REQUIRE(out.size() == 1);
    INFO("got " << event_name(out[0]));
    REQUIRE(std::holds_alternative<QuoteCancelAnsweredEvent>(out[0]));
    return std::get<QuoteCancelAnsweredEvent>(out[0]);
  }
  QuoteCancelAnsweredEvent cancel(const QuotedEvent& q) { return cancel(q.client, format_quote_id(q.quote_id), 1); }

  std::string fresh_cl_ord_id() { return "C" + std::to_string(next_cl_ord_++); }

  // The order that executes `q` on `side` exactly as quoted (if the quote has that side).
  // An empty `cl_ord_id` means "a fresh one": set it afterwards to send an empty ClOrdID.
  NewOrderCmd order_for(const QuotedEvent& q, Side side, std::string cl_ord_id = {}) {
    const InstrumentSpec& inst = ref.instrument(q.instrument);
    NewOrderCmd o;
    o.client = q.client;
    o.cl_ord_id = cl_ord_id.empty() ? fresh_cl_ord_id() : std::move(cl_ord_id);
    o.symbol = inst.symbol;
    o.side = side_char(side);
    o.ord_type = 'D';
    o.qty_text = format_qty(ref, inst, q.qty);
    const std::optional<Price> px = side == Side::kBuy ? q.offer : q.bid;
    o.price_text = px ? format_price(inst, *px) : format_price(inst, q.bid ? *q.bid : *q.offer);
    o.quote_id = format_quote_id(q.quote_id);
    return o;
  }

  // The ladder `c` should see for `inst` now, computed with price_for() on the engine's
  // reference mid, the client's tier and the desk's position in the base asset: a side is
  // shown only when its notional fits and is not zero (what a quote would give).
  std::vector<MdRung> md_ladder_for(ClientId c, InstrumentId i, int depth = 0, bool bids = true,
                                    bool offers = true) const {
    const InstrumentSpec& inst = ref.instrument(i);
    const std::optional<PriceTick> px = engine.reference(i);
    REQUIRE(px.has_value());
    const Amount desk(desk_balance(inst.base));
    std::vector<MdRung> rungs;
    for (size_t k = 0; k < inst.md_ladder.size() && (depth == 0 || k < static_cast<size_t>(depth)); ++k) {
      const Qty qty = inst.md_ladder[k];
      MdRung r{qty, std::nullopt, std::nullopt};
      const Result<TwoWayPrice> p = price_for(ref, inst, ref.tier_of(c), px->mid, qty, desk);
      if (p.ok()) {
        auto shown = [&](std::optional<Price> side_px, Side client_side) -> std::optional<Price> {
          if (!side_px) return std::nullopt;
          const Result<Amount> n = notional(ref, inst, qty, *side_px, client_side);
          return n.ok() && n.value().value != 0 ? side_px : std::nullopt;
        };
        if (bids) r.bid = shown(p.value().bid, Side::kSell);
        if (offers) r.offer = shown(p.value().offer, Side::kBuy);
      }
      rungs.push_back(r);
    }
    return rungs;
  }

  int64_t balance(const std::string& owner, AssetId a, ledger::AccountPurpose p) const {
    const AccountId id = ledger.find(owner, ref.asset(a).code, p);
    REQUIRE(id.value != 0);
    return ledger.balance(id).value;
  }
  int64_t client_balance(ClientId c, AssetId a) const {
    return balance(ref.client(c).code, a, ledger::AccountPurpose::kClientAvailable);
  }
  int64_t held_balance(ClientId c, AssetId a) const {
    return balance(ref.client(c).code, a, ledger::AccountPurpose::kClientHeld);
  }
  int64_t desk_balance(AssetId a) const { return balance("DESK", a, ledger::AccountPurpose::kDeskInventory); }
  int64_t fee_balance(AssetId a) const { return balance("FEES", a, ledger::AccountPurpose::kFeeIncome); }
};

}  // namespace otc::engine::test
