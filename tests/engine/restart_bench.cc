// tests/engine/restart_bench.cc: how long a restart takes on a big journal (not a ctest test).
//
// Target: a journal of 1,000,000 records replays to "ready" in <= 10 s.
//
// 1. Generates (unless --journal names an existing file) a journal of >= --records records
//    made by the real engine driven directly on a SqliteJournal: quotes (some executed,
//    some withdrawn), market orders, limit orders (Day, GTC, GTD, IOC) resting and filled by
//    price moves, cancels (a few refused), replaces, deposits topping clients up, the
//    expiry timer. Commits every ~1000 records, with signed checkpoints every 1000 records
//    (an Ed25519 audit key saved next to the journal as audit.key / audit.pub); the tail
//    after the last checkpoint is left unsigned, as after a crash, so check_tail has work.
// 2. Restarts three times, each in a fresh process (this program re-executed with
//    --restart-only), exactly as gateway/core.cc does: SqliteJournal::open, audit key,
//    check_tail, load, Ledger::restore, Engine::start on a ManualClock at the time of the
//    last record. Prints every phase and the total in ms, the counts, the file size.
//
// Options: --records N (default 1000000), --journal PATH (default
// /tmp/otc-restart-bench/otcgw.db), --keep (do not delete a generated journal), --cold
// (evict the journal file from the page cache before each run, posix_fadvise DONTNEED),
// --runs N (default 3), --seed S.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/decimal.h"
#include "common/types.h"
#include "engine/engine.h"
#include "engine/order_book.h"
#include "engine/pricing.h"
#include "engine/reference_data.h"
#include "ledger/chain.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"
#include "ledger/sqlite_journal.h"

namespace otc::engine::bench {
namespace {

using Clk = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "otc-restart-bench: %s\n", what.c_str());
  std::exit(1);
}
void check(const Status& s, const std::string& what) {
  if (!s.ok()) die(what + ": " + s.reject().detail);
}
double ms_since(Clk::time_point t0) { return std::chrono::duration<double, std::milli>(Clk::now() - t0).count(); }

// 2026-11-21T10:00:00Z, as tests/engine/fixture.h.
constexpr TimeUs kStart{1'795'255'200'000'000};

int64_t dec(const std::string& text, int scale) {
  int64_t v = 0;
  if (parse_decimal(text, scale, &v) != DecimalError::kOk) die("bad decimal " + text);
  return v;
}

// The demo reference data of tests/engine/fixture.h (conf/otcgw.toml's values, minus the
// test-only GBP/USDT), with the conf's [engine] limits (live_quotes_per_client_max 1000).
ReferenceData reference_data() {
  ReferenceData r;
  const std::vector<std::pair<const char*, int>> assets = {{"USD", 2}, {"EUR", 2},  {"GBP", 2}, {"BTC", 8},
                                                           {"ETH", 9}, {"USDT", 6}, {"USDC", 6}};
  const char* kinds[] = {"fiat", "fiat", "fiat", "crypto", "crypto", "stablecoin", "stablecoin"};
  for (size_t i = 0; i < assets.size(); ++i) {
    r.assets.push_back(AssetSpec{AssetId(static_cast<uint16_t>(i)), assets[i].first, assets[i].second, kinds[i]});
  }
  struct Inst {
    const char* symbol;
    uint16_t base, quote;
    int price_decimals;
    const char *tick, *lot, *min_qty, *max_qty, *initial_mid;
    int64_t step_cbps;
    std::vector<std::pair<const char*, int64_t>> bands;
    int64_t skew_cbps_per_unit, skew_max_cbps;
    std::vector<const char*> md_ladder;
  };
  const std::vector<Inst> insts = {
      {"BTC/USD", 3, 0, 2, "0.01", "0.0001", "0.0001", "50", "65000.00", 100, {{"250000", 200}, {"1000000", 500}},
       20, 500, {"0.1", "1", "5", "20"}},
      {"ETH/USD", 4, 0, 2, "0.01", "0.001", "0.001", "1000", "3200.00", 100, {{"250000", 200}, {"1000000", 500}}, 1,
       500, {"1", "10", "100"}},
      {"BTC/EUR", 3, 1, 2, "0.01", "0.0001", "0.0001", "50", "60000.00", 100, {}, 0, 0, {"0.1", "1", "5"}},
      {"ETH/BTC", 4, 3, 6, "0.000001", "0.001", "0.001", "1000", "0.049000", 100, {}, 0, 0, {"1", "10", "100"}},
      {"USDT/USD", 5, 0, 5, "0.00001", "1", "100", "10000000", "1.00010", 10, {}, 0, 0, {"10000", "100000", "1000000"}},
      {"USDC/USD", 6, 0, 5, "0.00001", "1", "100", "10000000", "0.99995", 10, {}, 0, 0, {"10000", "100000", "1000000"}},
      {"EUR/USD", 1, 0, 5, "0.00001", "0.01", "1000", "50000000", "1.08500", 20, {}, 0, 0,
       {"100000", "1000000", "5000000"}},
      {"GBP/USD", 2, 0, 5, "0.00001", "0.01", "1000", "50000000", "1.27000", 20, {}, 0, 0,
       {"100000", "1000000", "5000000"}},
  };
  for (size_t i = 0; i < insts.size(); ++i) {
    const Inst& s = insts[i];
    const int base_dec = r.assets[s.base].decimals;
    const int quote_dec = r.assets[s.quote].decimals;
    InstrumentSpec spec;
    spec.id = InstrumentId(static_cast<uint16_t>(i));
    spec.symbol = s.symbol;
    spec.base = AssetId(s.base);
    spec.quote = AssetId(s.quote);
    spec.price_decimals = s.price_decimals;
    spec.tick = dec(s.tick, s.price_decimals);
    spec.lot = Qty(dec(s.lot, base_dec));
    spec.min_qty = Qty(dec(s.min_qty, base_dec));
    spec.max_qty = Qty(dec(s.max_qty, base_dec));
    for (const auto& [n, add] : s.bands) spec.size_bands.push_back(SizeBand{Amount(dec(n, quote_dec)), add});
    spec.skew_cbps_per_unit = s.skew_cbps_per_unit;
    spec.skew_max_cbps = s.skew_max_cbps;
    for (const char* size : s.md_ladder) spec.md_ladder.push_back(Qty(dec(size, base_dec)));
    spec.initial_mid = Price(dec(s.initial_mid, s.price_decimals));
    spec.step_cbps = s.step_cbps;
    r.instruments.push_back(std::move(spec));
  }
  // Instrument ids: BTC/USD 0, ETH/USD 1, ... EUR/USD 6, GBP/USD 7.
  TierSpec gold{0, "gold", 500, {{6, 50}, {7, 80}, {4, 100}, {5, 100}}, 0, 10000, 60000, 1000};
  TierSpec silver{1, "silver", 1000, {{6, 100}, {7, 150}, {4, 200}, {5, 200}}, 100, 5000, 30000, 2000};
  TierSpec bronze{2, "bronze", 2500, {}, 500, 3000, 10000, 5000};
  r.tiers = {gold, silver, bronze};
  r.clients = {ClientSpec{ClientId(0), "ACME", "Acme Capital Partners LLC", 0, false, {}},
               ClientSpec{ClientId(1), "BETA", "Beta Markets Ltd", 1, false, {}},
               ClientSpec{ClientId(2), "GAMMA", "Gamma Treasury GmbH", 2, false, {}}};
  r.limits = EngineLimits{};
  r.limits.price_age_max_ms = 2000;
  r.limits.live_quotes_max = 100000;
  r.limits.live_quotes_per_client_max = 1000;
  r.limits.retired_quotes_max = 100000;
  r.limits.cl_ord_ids_per_client_max = 1000000;
  r.limits.md_min_interval_ms = 250;
  r.limits.md_subscriptions_per_client_max = 64;
  r.limits.md_symbols_per_request_max = 16;
  r.limits.reference_asset = AssetId(0);
  r.limits.day_end_utc_minutes = 21 * 60;
  r.limits.open_orders_max = 100000;
  r.limits.retired_orders_max = 100000;
  r.limits.slippage_max_cbps = 50000;
  r.index();
  return r;
}

struct Paths {
  std::string journal, key, pub, dump;
  explicit Paths(const std::string& j) : journal(j) {
    const std::filesystem::path dir = std::filesystem::path(j).parent_path();
    key = (dir / "audit.key").string();
    pub = (dir / "audit.pub").string();
    dump = j + ".state.sha256";  // the generating engine's dump_state(), for the rebuild to match
  }
};

Ed25519Key audit_key(const Paths& p) {
  bool created = false;
  Result<Ed25519Key> key = Ed25519Key::load_or_create(p.key, p.pub, &created);
  if (!key.ok()) die("audit key: " + key.reject().detail);
  return std::move(key).value();
}

// As gateway/core.cc: every account's balance, ascending id.
std::function<void(ledger::BalancesDigest*)> balances_of(const ledger::Ledger& l) {
  return [&l](ledger::BalancesDigest* d) {
    std::vector<ledger::Account> accounts = l.accounts();
    std::sort(accounts.begin(), accounts.end(),
              [](const ledger::Account& a, const ledger::Account& b) { return a.id < b.id; });
    for (const ledger::Account& a : accounts) d->add(a.id.value, l.balance(a.id).value);
  };
}

uint64_t file_size(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

// ---- Generation ---------------------------------------------------------------------

struct Resting {
  ClientId client;
  InstrumentId inst;
  char side;
  Qty qty;
};

class Generator {
 public:
  Generator(const Paths& paths, uint64_t records, uint64_t seed)
      : paths_(paths), target_(records), rng_(seed), ref_(reference_data()), clock_(kStart), key_(audit_key(paths)) {
    auto opened = ledger::SqliteJournal::open(paths.journal);
    if (!opened.ok()) die(opened.reject().detail);
    journal_ = std::move(opened).value();
    if (journal_->last_seq() != 0) die(paths.journal + " is not empty");
    ledger_ = std::make_unique<ledger::Ledger>(journal_.get());
    engine_ = std::make_unique<Engine>(ref_, clock_, *ledger_, *journal_);
    ledger::CheckpointPolicy policy;
    policy.every_records = 1000;
    policy.every_us = INT64_MAX / 4;  // by count only: the last partial batch stays unsigned
    policy.key = &key_;
    policy.balances = balances_of(*ledger_);
    journal_->set_checkpoints(std::move(policy));
    for (const InstrumentSpec& i : ref_.instruments) mid_.push_back(i.initial_mid.value);
  }

  void run() {
    check(engine_->start(ledger::RecoveredState{}), "start");
    // Generous funding (conf's demo balances x ~400), topped up when it runs low.
    initial_ = {{0, dec("2000000000", 2)}, {1, dec("500000000", 2)}, {3, dec("20000", 8)}, {4, dec("300000", 9)}};
    for (const ClientSpec& c : ref_.clients) {
      for (const auto& [asset, amount] : initial_) deposit(c.id, AssetId(asset), amount);
    }
    commit();
    const Clk::time_point t0 = Clk::now();
    uint64_t next_report = 100000;
    while (journal_->last_seq() < target_) {
      step();
      if (journal_->pending() >= 1000) commit();
      if (journal_->last_seq() >= next_report) {
        std::printf("  generated %" PRIu64 " records, %.1f s, %" PRIu64 " steps, %zu resting\n",
                    journal_->last_seq(), ms_since(t0) / 1000, steps_, resting_.size());
        std::fflush(stdout);
        next_report += 100000;
      }
    }
    // End as replay_test.cc: a last quote at the clock's time (so the last record is "now"),
    // then the expiry sweep, committed.
    tick_all();
    std::vector<Event> out;
    engine_->handle(quote_request(ClientId(0), InstrumentId(0), '1', "0.5"), &out);
    out.clear();
    engine_->handle(TimerCmd{}, &out);
    commit();
    const std::string invariants = engine_->check_invariants();
    if (!invariants.empty()) die("engine invariants after generation: " + invariants);
    const std::string dump = engine_->dump_state();
    FILE* f = std::fopen(paths_.dump.c_str(), "w");
    if (f == nullptr) die("cannot write " + paths_.dump);
    std::fprintf(f, "%s\n", to_hex(sha256(dump)).c_str());
    std::fclose(f);
    std::printf("generated %" PRIu64 " records in %.1f s (%.0f records/s): %" PRIu64 " steps, %" PRIu64
                " commits, %zu open orders and %zu live quotes at the end, history spans %.1f days\n",
                journal_->last_seq(), ms_since(t0) / 1000, journal_->last_seq() / (ms_since(t0) / 1000), steps_,
                commits_, engine_->open_orders().size(), engine_->rfq_book().live_count(),
                (clock_.now().value - kStart.value) / 86400e6);
  }

 private:
  uint64_t rnd(uint64_t n) { return rng_() % n; }
  // A uniform integer in [-n, n].
  int64_t symmetric(int64_t n) { return static_cast<int64_t>(rnd(static_cast<uint64_t>(2 * n + 1))) - n; }
  // m scaled by ppm parts per million, exactly (prices are integers, never floating point).
  static int64_t scaled(int64_t m, int64_t ppm) {
    return static_cast<int64_t>(static_cast<__int128>(m) * (1'000'000 + ppm) / 1'000'000);
  }
  int64_t on_grid(InstrumentId i, int64_t px) const {
    const int64_t tick = ref_.instrument(i).tick;
    return std::max<int64_t>(px / tick * tick, tick);
  }

  void commit() {
    check(journal_->commit(), "commit");
    ++commits_;
  }
  void deposit(ClientId c, AssetId a, int64_t amount) { check(engine_->deposit(c, a, Amount(amount), "bench-funding"), "deposit"); }

  std::string fresh_cl() { return "C" + std::to_string(++next_cl_); }

  Price mid_price(InstrumentId i) const { return Price(on_grid(i, mid_[i.value])); }
  // A mean-reverting random walk (steps of up to step_ppm of the mid), so resting orders
  // near the mid fill and prices stay sane.
  void move(InstrumentId i, int64_t step_ppm) {
    const int64_t init = ref_.instrument(i).initial_mid.value;
    int64_t& m = mid_[i.value];
    m = scaled(m, symmetric(step_ppm)) - (m - init) / 500;
    m = std::clamp(m, init / 10 * 7, init / 10 * 13);
  }
  void tick(InstrumentId i) { handle(PriceTickCmd{PriceTick{i, mid_price(i), clock_.now()}}); }
  void tick_all() {
    for (const InstrumentSpec& i : ref_.instruments) tick(i.id);
  }

  // The traded instruments: BTC/USD 55%, ETH/USD 25%, EUR/USD 12%, BTC/EUR 8%.
  InstrumentId pick_instrument() {
    const uint64_t r = rnd(100);
    return InstrumentId(r < 55 ? 0 : r < 80 ? 1 : r < 92 ? 6 : 2);
  }
  ClientId pick_client() {
    const uint64_t r = rnd(100);
    return ClientId(r < 45 ? 0 : r < 80 ? 1 : 2);
  }
  std::string qty_for(InstrumentId i) {
    const InstrumentSpec& inst = ref_.instrument(i);
    int64_t q = 0;
    switch (i.value) {
      case 0:
      case 2: q = static_cast<int64_t>(1 + rnd(200)) * 1'000'000; break;    // 0.01 .. 2 BTC
      case 1: q = static_cast<int64_t>(1 + rnd(300)) * 100'000'000; break;  // 0.1 .. 30 ETH
      default: q = static_cast<int64_t>(1 + rnd(200)) * 500'000; break;      // 5000 .. 1,000,000 EUR
    }
    return format_qty(ref_, inst, Qty(q));
  }
  // Within max_ppm of the mid.
  std::string price_near(InstrumentId i, int64_t max_ppm) {
    return format_price(ref_.instrument(i), Price(on_grid(i, scaled(mid_[i.value], symmetric(max_ppm)))));
  }
  // 0.5% to 5% from the mid, below (sign -1) or above (+1).
  std::string price_away(InstrumentId i, int sign) {
    const int64_t ppm = 5'000 + static_cast<int64_t>(rnd(45'001));
    return format_price(ref_.instrument(i), Price(on_grid(i, scaled(mid_[i.value], sign * ppm))));
  }

  QuoteRequestCmd quote_request(ClientId c, InstrumentId i, char side, std::string qty) {
    QuoteRequestCmd q;
    q.client = c;
    q.quote_req_id = "QR" + std::to_string(++next_qr_);
    q.symbol = ref_.instrument(i).symbol;
    q.side = side;
    q.qty_text = std::move(qty);
    q.quote_type = 1;
    return q;
  }

  void handle(const Command& c) {
    out_.clear();
    engine_->handle(c, &out_);
    for (const Event& e : out_) track(e);
  }

  // Keeps the set of resting orders (by current ClOrdID) from the reports.
  void track(const Event& e) {
    if (const auto* q = std::get_if<QuotedEvent>(&e)) {
      last_quote_ = *q;
      return;
    }
    const auto* x = std::get_if<ExecReportEvent>(&e);
    if (x == nullptr) return;
    const OrderView& o = x->order;
    if (x->kind == ExecKind::kReplaced) remove(o.orig_cl_ord_id);
    if (is_open(o.status)) {
      if (o.ord_type == '2' && tif_rests(o.tif) && (x->kind == ExecKind::kNew || x->kind == ExecKind::kReplaced)) {
        add(o.cl_ord_id, Resting{o.client, o.instrument, o.side == Side::kBuy ? '1' : '2', o.qty});
      }
    } else {
      remove(o.cl_ord_id);
      if (!o.orig_cl_ord_id.empty()) remove(o.orig_cl_ord_id);
    }
  }
  void add(const std::string& cl, Resting r) {
    if (pos_.count(cl) != 0) return;
    pos_[cl] = resting_.size();
    resting_.push_back({cl, r});
  }
  void remove(const std::string& cl) {
    auto it = pos_.find(cl);
    if (it == pos_.end()) return;
    const size_t i = it->second;
    pos_.erase(it);
    if (i + 1 != resting_.size()) {
      resting_[i] = std::move(resting_.back());
      pos_[resting_[i].first] = i;
    }
    resting_.pop_back();
  }

  void top_up() {
    for (const ClientSpec& c : ref_.clients) {
      for (const auto& [asset, amount] : initial_) {
        const Amount bal = ledger_->balance(engine_->available_account(c.id, AssetId(asset)));
        if (bal.value < amount / 4) deposit(c.id, AssetId(asset), amount);
      }
    }
  }

  void step() {
    ++steps_;
    // Time passes (1.5 s on average, as replay_test.cc) and prices move; the runner's
    // timer sweeps expired quotes and orders.
    clock_.advance_us(static_cast<int64_t>(rnd(3'000'000)));
    move(InstrumentId(0), 400);
    move(InstrumentId(1), 500);
    move(InstrumentId(2), 400);
    move(InstrumentId(6), 50);
    tick(InstrumentId(0));
    tick(InstrumentId(1));
    tick(InstrumentId(2));
    tick(InstrumentId(6));
    handle(TimerCmd{});
    if (steps_ % 1000 == 0) top_up();

    const ClientId client = pick_client();
    const InstrumentId inst = pick_instrument();
    const std::string& symbol = ref_.instrument(inst).symbol;
    const char side = rnd(2) ? '1' : '2';
    const uint64_t what = rnd(100);
    if (what < 30) {
      // A quote; most are executed, a few withdrawn, the rest expire.
      QuoteRequestCmd q = quote_request(client, inst, rnd(10) == 0 ? 0 : side, qty_for(inst));
      last_quote_.reset();
      handle(q);
      if (!last_quote_) return;
      const uint64_t then = rnd(100);
      if (then < 60) {
        clock_.advance_us(static_cast<int64_t>(rnd(1'500'000)));
        const QuotedEvent& qe = *last_quote_;
        const Side s = qe.side ? *qe.side : (rnd(2) ? Side::kBuy : Side::kSell);
        const InstrumentSpec& is = ref_.instrument(qe.instrument);
        NewOrderCmd o;
        o.client = qe.client;
        o.cl_ord_id = fresh_cl();
        o.symbol = is.symbol;
        o.side = s == Side::kBuy ? '1' : '2';
        o.ord_type = 'D';
        o.qty_text = format_qty(ref_, is, qe.qty);
        const std::optional<Price> px = s == Side::kBuy ? qe.offer : qe.bid;
        if (!px) return;
        o.price_text = format_price(is, *px);
        o.quote_id = format_quote_id(qe.quote_id);
        handle(o);
      } else if (then < 68) {
        handle(QuoteCancelCmd{qe_client(), format_quote_id(last_quote_->quote_id), 1});
      }
    } else if (what < 45) {
      NewOrderCmd o;
      o.client = client;
      o.cl_ord_id = fresh_cl();
      o.symbol = symbol;
      o.side = side;
      o.ord_type = '1';
      o.qty_text = qty_for(inst);
      handle(o);
    } else if (what < 72) {
      // Limit orders: Day 55%, GTC 25%, GTD (1 to 6 hours) 10%, IOC 10%.
      NewOrderCmd o;
      o.client = client;
      o.cl_ord_id = fresh_cl();
      o.symbol = symbol;
      o.side = side;
      o.ord_type = '2';
      o.qty_text = qty_for(inst);
      // 70% near the mid (most fill as it moves), 30% passive 0.5% .. 5% away (rest long).
      o.price_text = rnd(10) < 7 ? price_near(inst, 4'000) : price_away(inst, side == '1' ? -1 : 1);
      const uint64_t t = rnd(100);
      o.tif = t < 55 ? kTifDay : t < 80 ? kTifGtc : t < 90 ? kTifGtd : kTifIoc;
      if (o.tif == kTifGtd) {
        o.expire_time = format_fix_timestamp_ms(TimeUs(clock_.now().value + (1 + static_cast<int64_t>(rnd(6))) * 3600'000'000LL));
      }
      handle(o);
    } else if (what < 84) {
      // Cancels grow likelier as more orders rest: a few thousand rest at a time.
      if (resting_.empty() || rnd(resting_.size() + 2000) < 2000) return;
      const auto& [cl, r] = resting_[rnd(resting_.size())];
      CancelOrderCmd x;
      x.client = r.client;
      x.cl_ord_id = fresh_cl();
      x.orig_cl_ord_id = cl;
      x.symbol = ref_.instrument(r.inst).symbol;
      x.side = r.side;
      if (rnd(20) == 0) x.side = r.side == '1' ? '2' : '1';  // refused: an OrderCancelReject record
      handle(x);
    } else if (what < 90) {
      if (resting_.empty()) return;
      const auto& [cl, r] = resting_[rnd(resting_.size())];
      ReplaceOrderCmd g;
      g.client = r.client;
      g.cl_ord_id = fresh_cl();
      g.orig_cl_ord_id = cl;
      g.symbol = ref_.instrument(r.inst).symbol;
      g.side = r.side;
      g.ord_type = '2';
      g.qty_text = format_qty(ref_, ref_.instrument(r.inst), r.qty);
      g.price_text = rnd(2) ? price_near(r.inst, 3'000) : price_away(r.inst, r.side == '1' ? -1 : 1);
      handle(g);
    }
    // else: nothing but time and prices this step.
  }
  ClientId qe_client() const { return last_quote_->client; }

  Paths paths_;
  uint64_t target_;
  std::mt19937_64 rng_;
  ReferenceData ref_;
  ManualClock clock_;
  Ed25519Key key_;
  std::unique_ptr<ledger::SqliteJournal> journal_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<Engine> engine_;
  std::vector<int64_t> mid_;  // price units
  std::vector<std::pair<uint16_t, int64_t>> initial_;
  std::vector<Event> out_;
  std::optional<QuotedEvent> last_quote_;
  std::vector<std::pair<std::string, Resting>> resting_;
  std::unordered_map<std::string, size_t> pos_;
  uint64_t next_cl_ = 0, next_qr_ = 0, steps_ = 0, commits_ = 0;
};

// ---- Restart (in its own process) -----------------------------------------------------

// The timestamp of the last record (the clock the rebuilt engine starts at), read apart.
TimeUs last_record_ts(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) die("cannot open " + path);
  sqlite3_stmt* st = nullptr;
  int64_t ts = 0;
  if (sqlite3_prepare_v2(db, "SELECT ts_us FROM journal ORDER BY seq DESC LIMIT 1", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    ts = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (ts == 0) die("no records in " + path);
  return TimeUs(ts);
}

int restart_once(const Paths& paths, int run) {
  const ReferenceData ref = reference_data();
  const TimeUs last_ts = last_record_ts(paths.journal);  // not timed: the gateway uses the system clock

  const Clk::time_point t0 = Clk::now();
  auto opened = ledger::SqliteJournal::open(paths.journal);
  if (!opened.ok()) die(opened.reject().detail);
  std::unique_ptr<ledger::SqliteJournal> journal = std::move(opened).value();
  const double t_open = ms_since(t0);

  Clk::time_point t = Clk::now();
  Ed25519Key key = audit_key(paths);
  ManualClock clock{last_ts};
  ledger::Ledger ledger(journal.get());
  Engine engine(ref, clock, ledger, *journal);
  ledger::CheckpointPolicy policy;
  policy.every_records = 1000;
  policy.every_us = 5'000'000;
  policy.key = &key;
  policy.balances = balances_of(ledger);
  journal->set_checkpoints(std::move(policy));
  const double t_key = ms_since(t);

  t = Clk::now();
  check(journal->check_tail(key.public_hex()), "check_tail");
  const double t_tail = ms_since(t);

  t = Clk::now();
  ledger::RecoveredState state;
  check(journal->load(&state), "load");
  const double t_load = ms_since(t);

  t = Clk::now();
  std::vector<ledger::RestoredAccount> accounts = state.accounts;
  for (auto& a : accounts) {
    const AssetSpec* asset = ref.find_asset(a.account.asset_code);
    if (asset == nullptr) die("unknown asset " + a.account.asset_code);
    a.account.asset = asset->id;
  }
  check(ledger.restore(accounts, state.last_transfer_id), "ledger restore");
  const double t_restore = ms_since(t);

  t = Clk::now();
  check(engine.start(state), "engine start");
  const double t_start = ms_since(t);
  const double total = ms_since(t0);

  if (journal->pending() != 0) die("the rebuild appended " + std::to_string(journal->pending()) + " records");
  const std::string invariants = engine.check_invariants();
  if (!invariants.empty()) die("invariants after rebuild: " + invariants);
  std::string same = "no reference dump";
  if (FILE* f = std::fopen(paths.dump.c_str(), "r")) {
    char buf[128] = {};
    const bool got = std::fgets(buf, sizeof buf, f) != nullptr;
    std::fclose(f);
    std::string want = got ? std::string(buf) : std::string();
    while (!want.empty() && (want.back() == '\n' || want.back() == '\r')) want.pop_back();
    same = to_hex(sha256(engine.dump_state())) == want ? "state == generator's" : "STATE DIFFERS from generator's";
  }

  if (run == 1) {
    std::printf("counts: %" PRIu64 " records, %" PRIu64 " transfers, %zu accounts, %zu open orders (engine %zu), "
                "%zu live quotes loaded (engine %zu live at the last record's time), %zu cl_ord_ids, %zu recent fills, "
                "last ids: quote %" PRIu64 " order %" PRIu64 " exec %" PRIu64 "\n",
                state.last_seq, state.last_transfer_id.value, state.accounts.size(), state.open_orders.size(),
                engine.open_orders().size(), state.live_quotes.size(), engine.rfq_book().live_count(),
                state.cl_ord_ids.size(), state.recent_fills.size(), state.last_quote_id.value,
                state.last_order_id.value, state.last_exec_id.value);
  }
  std::printf("run %d: open %.1f ms | key+setup %.1f ms | check_tail %.1f ms | load %.1f ms | ledger restore %.1f ms"
              " | engine start %.1f ms | TOTAL to ready %.1f ms (%s)\n",
              run, t_open, t_key, t_tail, t_load, t_restore, t_start, total, same.c_str());
  std::fflush(stdout);
  return 0;
}

void evict(const std::string& path) {
  for (const std::string& p : {path, path + "-wal", path + "-shm"}) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) continue;
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

int main_impl(int argc, char** argv) {
  uint64_t records = 1'000'000;
  uint64_t seed = 20261122;
  std::string path = "/tmp/otc-restart-bench/otcgw.db";
  bool keep = false, cold = false, restart_only = false;
  int runs = 3, run_no = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--records") records = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--journal") path = value();
    else if (a == "--keep") keep = true;
    else if (a == "--cold") cold = true;
    else if (a == "--runs") runs = std::atoi(value().c_str());
    else if (a == "--seed") seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--restart-only") { restart_only = true; run_no = std::atoi(value().c_str()); }
    else die("unknown option " + a + " (options: --records N, --journal PATH, --keep, --cold, --runs N, --seed S)");
  }
  const Paths paths(path);
  if (restart_only) return restart_once(paths, run_no);

  bool generated = false;
  if (std::filesystem::exists(path)) {
    std::printf("reusing %s\n", path.c_str());
  } else {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    std::printf("generating >= %" PRIu64 " records into %s (seed %" PRIu64 ")\n", records, path.c_str(), seed);
    std::fflush(stdout);
    {
      Generator g(paths, records, seed);
      g.run();
    }  // closes the journal (its WAL is checkpointed into the file)
    generated = true;
  }
  std::printf("file: %s %.1f MB (wal %.1f MB)\n", path.c_str(), file_size(path) / 1e6, file_size(path + "-wal") / 1e6);
  std::fflush(stdout);

  for (int r = 1; r <= runs; ++r) {
    if (cold) evict(path);
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) die("fork failed");
    if (pid == 0) {
      const std::string n = std::to_string(r);
      execl("/proc/self/exe", argv[0], "--journal", path.c_str(), "--restart-only", n.c_str(), (char*)nullptr);
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("restart run " + std::to_string(r) + " failed");
  }

  if (generated && !keep) {
    for (const std::string& p : {path, path + "-wal", path + "-shm", paths.dump, paths.key, paths.pub}) {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(path).parent_path(), ec);  // only if now empty
    std::printf("deleted %s (use --keep to keep it)\n", path.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace otc::engine::bench

int main(int argc, char** argv) { return otc::engine::bench::main_impl(argc, argv); }
