// tests/engine/engine_sim_test.cc: a seeded randomized history against the engine.
//
// Thousands of quote requests and orders (valid and with one defect each), from funded
// clients and an unfunded one, while reference prices move and the clock advances. A
// small model of the engine predicts every answer (the exact event, reason, prices and
// amounts) and keeps its own balances; after each step the invariants are checked:
// one answer per command, every asset nets to zero, no negative client balance, each
// quote executed at most once, filled quantities agree with the ledger's base-asset
// transfers, and every ledger balance equals the model's.
//
// The seed comes from std::random_device unless OTC_SEED is set; it is printed first.
#include "engine/engine.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/checked.h"
#include "tests/engine/fixture.h"

namespace otc::engine::test {
namespace {

using ledger::AccountPurpose;
using ledger::JournalRecord;
using ledger::RecordKind;
using R = RejectReason;

#if defined(__SANITIZE_ADDRESS__)
constexpr int kSteps = 5000;  // ~10x slower under AddressSanitizer
#else
constexpr int kSteps = 20000;
#endif
constexpr size_t kLiveQuotesMax = 48;  // small, so the limit is reached now and then
constexpr int kCommitEvery = 50;

uint64_t sim_seed() {
  if (const char* s = std::getenv("OTC_SEED"); s != nullptr && *s != '\0') return std::stoull(s);
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

// What the model expects from one command.
struct Expect {
  std::optional<RejectReason> reject;  // nullopt: success (Quoted, or Accepted + Filled)
  // success details
  std::optional<Price> bid, offer;
  Amount notional, fee;
  Price px;
};

struct ModelQuote {
  QuotedEvent q;
  bool executed = false;
};

class Sim {
 public:
  explicit Sim(uint64_t seed) : w_(options()), rng_(seed), ticks_(w_.ref.instruments.size()), mids_() {
    for (const ledger::Account& a : w_.ledger.accounts()) bal_[a.id.value] = w_.ledger.balance(a.id).value;
    for (const InstrumentSpec& i : w_.ref.instruments) {
      mids_.push_back(i.initial_mid.value);
      tick(i.id);
    }
    used_.resize(w_.ref.clients.size());
    REQUIRE(w_.journal.commit().ok());
    journal_seen_ = w_.journal.committed().size();
  }

  void step(int n) {
    step_ = n;
    const uint64_t roll = rng_() % 100;
    last_ = "price tick, clock or timer";
    if (roll < 8) {
      for (const InstrumentSpec& i : w_.ref.instruments) move_and_tick(i.id);
    } else if (roll < 12) {
      move_and_tick(InstrumentId(static_cast<uint16_t>(rng_() % w_.ref.instruments.size())));
    } else if (roll < 22) {
      w_.clock.advance_us(static_cast<int64_t>(rng_() % 800'000));
    } else if (roll < 26) {
      timer();
    } else if (roll < 28) {
      deposit();
    } else if (roll < 60) {
      quote_request();
    } else {
      order();
    }
    // Commit in groups, like the runner. (MemoryJournal::commit reserves exactly the new
    // size, so committing every step would copy the whole history each time.)
    const bool commit = n % kCommitEvery == kCommitEvery - 1;
    if (commit) REQUIRE(w_.journal.commit().ok());
    check_invariants(commit);
  }

  void summary() const {
    std::cout << "engine_sim: " << quoted_ << " quotes, " << fills_ << " fills";
    for (const auto& [r, n] : rejects_) std::cout << ", " << reject_name(r) << " " << n;
    std::cout << std::endl;
  }
  int fills() const { return fills_; }
  int quoted() const { return quoted_; }
  size_t distinct_rejects() const { return rejects_.size(); }

 private:
  static World::Options options() {
    World::Options o;
    o.tweak = [](ReferenceData& r) { r.limits.live_quotes_max = kLiveQuotesMax; };
    o.ticks = false;  // the simulation sends its own
    return o;
  }

  uint64_t u(uint64_t n) { return rng_() % n; }
  bool chance(int percent) { return static_cast<int>(u(100)) < percent; }

  AccountId account(const std::string& owner, AssetId a, AccountPurpose p) const {
    return w_.ledger.find(owner, w_.ref.asset(a).code, p);
  }
  AccountId client_account(ClientId c, AssetId a) const {
    return account(w_.ref.client(c).code, a, AccountPurpose::kClientAvailable);
  }

  // ---- prices and time ----------------------------------------------------------------

  void tick(InstrumentId i) {
    const PriceTick t{i, Price(mids_[i.value]), w_.clock.now()};
    std::vector<Event> out = w_.handle(PriceTickCmd{t});
    REQUIRE(out.empty());
    ticks_[i.value] = t;
  }

  void move_and_tick(InstrumentId i) {
    const InstrumentSpec& inst = w_.ref.instrument(i);
    int64_t& mid = mids_[i.value];
    if (i == kEthBtc && chance(3)) {
      mid = inst.tick * static_cast<int64_t>(1 + u(3));  // a tiny mid: no positive bid
    } else if (i == kEthBtc && mid < inst.initial_mid.value / 10) {
      mid = inst.initial_mid.value;
    } else {
      // up to +-50 bp, rounded to the tick, never below one tick
      const int64_t move_cbps = static_cast<int64_t>(u(10001)) - 5000;
      int64_t delta = static_cast<int64_t>(static_cast<__int128>(mid) * move_cbps / kCbpsPerUnit);
      delta = delta / inst.tick * inst.tick;
      mid = std::max<int64_t>(inst.tick, mid + delta);
    }
    tick(i);
  }

  void timer() {
    std::vector<Event> out = w_.handle(TimerCmd{});
    REQUIRE(out.empty());
    const TimeUs now = w_.clock.now();
    for (auto it = live_.begin(); it != live_.end();) {
      if (quotes_.at(*it).q.valid_until.value <= now.value) {
        it = live_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void deposit() {
    const ClientId c(static_cast<uint32_t>(u(2)));  // ACME or BETA; GAMMA stays unfunded
    const AssetId a(static_cast<uint16_t>(u(w_.ref.assets.size())));
    const int64_t amount = 1 + static_cast<int64_t>(u(static_cast<uint64_t>(pow10_i64(w_.ref.asset(a).decimals + 4))));
    last_ = "deposit " + std::to_string(amount) + " " + w_.ref.asset(a).code + " to client " + std::to_string(c.value);
    w_.deposit(c, a, Amount(amount));
    bal_[client_account(c, a).value] += amount;
    bal_[account("EXTERNAL", a, AccountPurpose::kExternal).value] -= amount;
  }

  // ---- quote requests -------------------------------------------------------------------

  std::string random_qty_text(const InstrumentSpec& inst) {
    const int64_t lots_max = (inst.max_qty.value - inst.min_qty.value) / inst.lot.value;
    int64_t lots = 0;
    const uint64_t r = u(10);
    if (r < 5) {
      lots = static_cast<int64_t>(u(100));
    } else if (r < 8) {
      lots = static_cast<int64_t>(u(10000));
    } else {
      lots = static_cast<int64_t>(u(static_cast<uint64_t>(lots_max) + 1));
    }
    lots = std::min(lots, lots_max);
    return format_qty(w_.ref, inst, Qty(inst.min_qty.value + lots * inst.lot.value));
  }

  void quote_request() {
    QuoteRequestCmd c;
    c.client = ClientId(static_cast<uint32_t>(u(w_.ref.clients.size())));
    c.quote_req_id = "R" + std::to_string(step_);
    const InstrumentSpec& inst = w_.ref.instruments[u(w_.ref.instruments.size())];
    c.symbol = inst.symbol;
    const char sides[] = {0, '1', '2'};
    c.side = sides[u(3)];
    c.qty_text = random_qty_text(inst);
    c.quote_type = 1;
    if (chance(20)) {
      const int base_dec = w_.ref.asset(inst.base).decimals;
      switch (u(10)) {
        case 0:
          c.symbol = "DOGE/USD";
          break;
        case 1:
          c.side = '7';
          break;
        case 2:
          c.quote_type = 0;
          break;
        case 3:
          c.qty_text = "";
          break;
        case 4:
          c.qty_text = "0";
          break;
        case 5:
          c.qty_text = "-" + c.qty_text;
          break;
        case 6:
          c.qty_text = "1.2.3";
          break;
        case 7:
          c.qty_text = format_decimal_fixed(inst.min_qty.value, base_dec) + "1";
          break;  // too precise
        case 8:
          c.qty_text = format_qty(w_.ref, inst, Qty(inst.max_qty.value + inst.lot.value));
          break;
        default:
          c.qty_text = "99999999999999999999";
          break;
      }
    }
    last_ = "quote request " + c.symbol + " side '" + std::string(1, c.side) + "' qty '" + c.qty_text + "' client " +
            std::to_string(c.client.value);
    const Expect want = expect_quote(c);
    std::vector<Event> out = w_.handle(c);
    REQUIRE(out.size() == 1);  // exactly one answer
    INFO("quote request " << c.symbol << " side '" << c.side << "' qty '" << c.qty_text << "' type " << c.quote_type
                          << " client " << c.client.value);
    if (want.reject) {
      REQUIRE(std::holds_alternative<QuoteRejectedEvent>(out[0]));
      const auto& e = std::get<QuoteRejectedEvent>(out[0]);
      INFO("detail: " << e.reject.detail);
      REQUIRE(e.reject.reason == *want.reject);
      REQUIRE(e.quote_req_id == c.quote_req_id);
      ++rejects_[e.reject.reason];
      return;
    }
    if (const auto* r = std::get_if<QuoteRejectedEvent>(&out[0])) {
      FAIL("unexpected quote reject " << reject_name(r->reject.reason) << ": " << r->reject.detail);
    }
    REQUIRE(std::holds_alternative<QuotedEvent>(out[0]));
    const QuotedEvent& q = std::get<QuotedEvent>(out[0]);
    REQUIRE(q.quote_id == QuoteId(next_quote_id_));
    REQUIRE(q.client == c.client);
    REQUIRE(q.quote_req_id == c.quote_req_id);
    REQUIRE(q.bid == want.bid);
    REQUIRE(q.offer == want.offer);
    REQUIRE(q.ts == w_.clock.now());
    REQUIRE(q.valid_until.value == w_.clock.now().value + w_.ref.tier_of(c.client).quote_ttl_ms * 1000);
    ++next_quote_id_;
    ++quoted_;
    quotes_[q.quote_id.value] = ModelQuote{q, false};
    live_.insert(q.quote_id.value);
    recent_.push_back(q.quote_id.value);
    if (recent_.size() > 64) recent_.erase(recent_.begin());
  }

  Expect expect_quote(const QuoteRequestCmd& c) {
    Expect e;
    auto rej = [&](RejectReason r) {
      e.reject = r;
      return e;
    };
    if (c.quote_type != 1) return rej(R::kUnsupportedQuoteType);
    const InstrumentSpec* inst = w_.ref.find_instrument(c.symbol);
    if (inst == nullptr) return rej(R::kUnknownInstrument);
    if (c.side != 0 && c.side != '1' && c.side != '2') return rej(R::kUnsupportedSide);
    if (c.qty_text.empty()) return rej(R::kMissingField);
    Result<Qty> qty = parse_qty(w_.ref, *inst, c.qty_text);
    if (!qty.ok()) return rej(qty.reject().reason);
    const auto& t = ticks_[inst->id.value];
    if (!t) return rej(R::kNoReferencePrice);
    if (w_.clock.now().value - t->ts.value > w_.ref.limits.price_age_max_ms * 1000) return rej(R::kNoReferencePrice);
    if (live_.size() >= kLiveQuotesMax) return rej(R::kLiveQuotesLimit);
    Result<TwoWayPrice> px = price_for(*inst, w_.ref.tier_of(c.client), t->mid, qty.value());
    if (!px.ok()) return rej(px.reject().reason);
    e.bid = c.side == '1' ? std::nullopt : px.value().bid;
    e.offer = c.side == '2' ? std::nullopt : std::optional<Price>(px.value().offer);
    if (!e.bid && !e.offer) return rej(R::kNoReferencePrice);
    // Every quoted side must be executable: the notional fits and is not zero.
    for (const auto& [side, px_opt] : {std::pair{Side::kSell, e.bid}, std::pair{Side::kBuy, e.offer}}) {
      if (!px_opt) continue;
      Result<Amount> n = notional(w_.ref, *inst, qty.value(), *px_opt, side);
      if (!n.ok()) return rej(n.reject().reason);
      if (n.value().value == 0) return rej(R::kNotionalTooSmall);
    }
    return e;
  }

  // ---- orders -------------------------------------------------------------------------

  NewOrderCmd valid_order_for(const QuotedEvent& q) {
    const bool buy = q.offer && (!q.bid || chance(50));
    return w_.order_for(q, buy ? Side::kBuy : Side::kSell, "S" + std::to_string(next_cl_++));
  }

  void order() {
    if (recent_.empty()) return quote_request();
    const ModelQuote* mq = &quotes_.at(recent_[u(recent_.size())]);
    NewOrderCmd o = valid_order_for(mq->q);
    if (chance(40)) {
      const InstrumentSpec& inst = w_.ref.instrument(mq->q.instrument);
      switch (u(14)) {
        case 0:
          o.client = ClientId((o.client.value + 1 + static_cast<uint32_t>(u(2))) % 3);
          break;
        case 1:
          o.side = o.side == '1' ? '2' : '1';
          break;
        case 2:
          o.qty_text = format_qty(w_.ref, inst, Qty(mq->q.qty.value + inst.lot.value));
          break;
        case 3: {
          const Result<Price> p = parse_price(inst, o.price_text);
          REQUIRE(p.ok());
          o.price_text = format_price(inst, Price(p.value().value + (chance(50) ? inst.tick : -inst.tick)));
          break;
        }
        case 4:
          if (inst.id == kBtcUsd) o.symbol = "BTC/EUR";
          if (inst.id == kBtcEur) o.symbol = "BTC/USD";
          if (inst.id == kEthUsd) o.symbol = "ETH/BTC";
          break;
        case 5:
          o.quote_id = "Q" + std::to_string(next_quote_id_ + 1000);
          break;
        case 6:
          o.quote_id = "XYZ";
          break;
        case 7:
          if (!used_[o.client.value].empty()) o.cl_ord_id = *used_[o.client.value].begin();
          break;
        case 8:
          o.ord_type = '2';
          break;
        case 9:
          o.side = '9';
          break;
        case 10:
          o.price_text = "";
          break;
        case 11:
          o.qty_text = "0";
          break;
        case 12:
          o.cl_ord_id = chance(50) ? std::string() : std::string(65, 'c');
          break;
        default:
          o.quote_id = "";
          break;
      }
    }
    last_ = "order " + o.symbol + " side '" + std::string(1, o.side) + "' qty '" + o.qty_text + "' px '" +
            o.price_text + "' quote '" + o.quote_id + "' client " + std::to_string(o.client.value) + " ClOrdID '" +
            o.cl_ord_id + "'";
    const Expect want = expect_order(o);
    std::vector<Event> out = w_.handle(o);
    INFO("order " << o.symbol << " side '" << o.side << "' qty '" << o.qty_text << "' px '" << o.price_text
                  << "' quote '" << o.quote_id << "' client " << o.client.value << " ClOrdID '" << o.cl_ord_id << "'");
    if (want.reject) {
      REQUIRE(out.size() == 1);
      INFO("got " << event_name(out[0]));
      REQUIRE(std::holds_alternative<OrderRejectedEvent>(out[0]));
      const auto& e = std::get<OrderRejectedEvent>(out[0]);
      INFO("detail: " << e.reject.detail);
      REQUIRE(e.reject.reason == *want.reject);
      REQUIRE(e.cl_ord_id == o.cl_ord_id);
      ++rejects_[e.reject.reason];
      return;
    }
    if (out.size() == 1 && std::holds_alternative<OrderRejectedEvent>(out[0])) {
      const auto& r = std::get<OrderRejectedEvent>(out[0]);
      FAIL("unexpected order reject " << reject_name(r.reject.reason) << ": " << r.reject.detail);
    }
    REQUIRE(out.size() == 2);  // accepted + filled
    REQUIRE(std::holds_alternative<OrderAcceptedEvent>(out[0]));
    REQUIRE(std::holds_alternative<FilledEvent>(out[1]));
    const auto& acc = std::get<OrderAcceptedEvent>(out[0]);
    const auto& f = std::get<FilledEvent>(out[1]);
    REQUIRE(acc.order_id == f.order_id);
    REQUIRE(acc.cl_ord_id == o.cl_ord_id);
    REQUIRE(f.last_px == want.px);
    REQUIRE(f.avg_px == want.px);
    REQUIRE(f.notional == want.notional);
    REQUIRE(f.fee == want.fee);
    // each quote executed at most once
    REQUIRE(executed_quote_ids_.insert(f.quote_id.value).second);
    ModelQuote& q = quotes_.at(f.quote_id.value);
    // Quantities are the quoted one (the ledger moved exactly that; see check_journal).
    REQUIRE(acc.qty == q.q.qty);
    REQUIRE(f.order_qty == q.q.qty);
    REQUIRE(f.last_qty == q.q.qty);
    REQUIRE(f.cum_qty == q.q.qty);
    REQUIRE(f.leaves_qty == Qty(0));
    REQUIRE(f.exec_id.value > acc.exec_id.value);
    REQUIRE(q.q.client == f.client);
    REQUIRE(w_.clock.now().value < q.q.valid_until.value);
    q.executed = true;
    live_.erase(f.quote_id.value);
    apply_fill(f);
    ++fills_;
  }

  Expect expect_order(const NewOrderCmd& o) {
    Expect e;
    auto rej = [&](RejectReason r) {
      e.reject = r;
      return e;
    };
    if (o.cl_ord_id.empty() || o.cl_ord_id.size() > kClOrdIdLengthMax) return rej(R::kClOrdIdInvalid);
    if (!used_[o.client.value].insert(o.cl_ord_id).second) return rej(R::kDuplicateClOrdId);
    if (o.ord_type != 'D') return rej(R::kUnsupportedOrdType);
    if (o.side != '1' && o.side != '2') return rej(R::kUnsupportedSide);
    const Side side = o.side == '1' ? Side::kBuy : Side::kSell;
    const InstrumentSpec* inst = w_.ref.find_instrument(o.symbol);
    if (inst == nullptr) return rej(R::kUnknownInstrument);
    if (o.qty_text.empty()) return rej(R::kMissingField);
    Result<Qty> qty = parse_qty(w_.ref, *inst, o.qty_text);
    if (!qty.ok()) return rej(qty.reject().reason);
    if (o.price_text.empty()) return rej(R::kMissingField);
    Result<Price> px = parse_price(*inst, o.price_text);
    if (!px.ok()) return rej(px.reject().reason);
    if (o.quote_id.empty()) return rej(R::kMissingField);
    QuoteId qid;
    if (!parse_quote_id(o.quote_id, &qid)) return rej(R::kUnknownQuote);
    const auto it = quotes_.find(qid.value);
    if (it == quotes_.end()) return rej(R::kUnknownQuote);
    const ModelQuote& mq = it->second;
    if (mq.q.client != o.client) return rej(R::kQuoteOfOtherClient);
    if (mq.executed) return rej(R::kQuoteAlreadyExecuted);
    if (w_.clock.now().value >= mq.q.valid_until.value) return rej(R::kQuoteExpired);
    if (mq.q.instrument != inst->id) return rej(R::kQuoteInstrumentMismatch);
    const std::optional<Price> quoted = side == Side::kBuy ? mq.q.offer : mq.q.bid;
    if (!quoted) return rej(R::kQuoteSideMismatch);
    if (qty.value() != mq.q.qty) return rej(R::kQuoteQtyMismatch);
    if (px.value() != *quoted) return rej(R::kQuotePriceMismatch);
    Result<Amount> n = notional(w_.ref, *inst, mq.q.qty, *quoted, side);
    if (!n.ok()) return rej(n.reject().reason);
    Result<Amount> f = fee(w_.ref.tier_of(o.client), n.value());
    if (!f.ok()) return rej(f.reject().reason);
    // Funds, from the model's balances (not the ledger's).
    const int64_t base = bal_[client_account(o.client, inst->base).value];
    const int64_t quote = bal_[client_account(o.client, inst->quote).value];
    const int64_t q = mq.q.qty.value;
    const int64_t base_after = side == Side::kBuy ? base + q : base - q;
    const int64_t quote_after =
        side == Side::kBuy ? quote - n.value().value - f.value().value : quote + n.value().value - f.value().value;
    if (base_after < 0 || quote_after < 0) return rej(R::kInsufficientFunds);
    e.notional = n.value();
    e.fee = f.value();
    e.px = *quoted;
    return e;
  }

  void apply_fill(const FilledEvent& f) {
    const InstrumentSpec& inst = w_.ref.instrument(f.instrument);
    const int64_t q = f.last_qty.value;
    const int64_t n = f.notional.value;
    const int64_t fee_amt = f.fee.value;
    const uint64_t cb = client_account(f.client, inst.base).value;
    const uint64_t cq = client_account(f.client, inst.quote).value;
    const uint64_t db = account("DESK", inst.base, AccountPurpose::kDeskInventory).value;
    const uint64_t dq = account("DESK", inst.quote, AccountPurpose::kDeskInventory).value;
    const uint64_t fq = account("FEES", inst.quote, AccountPurpose::kFeeIncome).value;
    const int64_t sign = f.side == Side::kBuy ? 1 : -1;
    bal_[cb] += sign * q;
    bal_[db] -= sign * q;
    bal_[cq] -= sign * n + fee_amt;
    bal_[dq] += sign * n;
    bal_[fq] += fee_amt;
    filled_by_events_[{f.client.value, f.instrument.value}] += sign * q;
  }

  // ---- invariants ---------------------------------------------------------------------

  void check_invariants(bool committed) {
    INFO("last command: " << last_);
    if (committed) check_journal();
    for (const AssetSpec& a : w_.ref.assets) {
      if (w_.ledger.asset_net(a.code) != 0) FAIL(a.code << " nets to " << w_.ledger.asset_net(a.code));
    }
    for (const ledger::Account& a : w_.ledger.accounts()) {
      const int64_t got = w_.ledger.balance(a.id).value;
      if (a.purpose == AccountPurpose::kClientAvailable && got < 0) {
        FAIL(a.owner << "/" << a.asset_code << " is negative: " << got);
      }
      const int64_t want = bal_[a.id.value];
      if (got != want) FAIL(a.owner << "/" << a.asset_code << " balance " << got << ", model " << want);
    }
    if (w_.engine.rfq_book().live_count() != live_.size()) {
      FAIL("live quotes: engine " << w_.engine.rfq_book().live_count() << ", model " << live_.size());
    }
  }

  // Fills in the journal: the base-asset transfer moves exactly the trade's qty to or from
  // the client's account; summed per client and instrument it equals the filled events.
  void check_journal() {
    REQUIRE(w_.journal.pending() == 0);
    const auto& recs = w_.journal.committed();
    for (; journal_seen_ < recs.size(); ++journal_seen_) {
      const JournalRecord& r = recs[journal_seen_];
      if (r.kind != RecordKind::kFill) continue;
      REQUIRE(r.trade.has_value());
      const InstrumentSpec* inst = w_.ref.find_instrument(r.trade->instrument);
      REQUIRE(inst != nullptr);
      const ClientSpec* client = w_.ref.find_client(r.trade->client);
      REQUIRE(client != nullptr);
      const AccountId cb = client_account(client->id, inst->base);
      int64_t moved = 0;
      int base_transfers = 0;
      for (const ledger::Transfer& t : r.transfers) {
        if (t.asset != inst->base) continue;
        ++base_transfers;
        if (t.credit == cb) moved += t.amount.value;
        if (t.debit == cb) moved -= t.amount.value;
      }
      REQUIRE(base_transfers == 1);
      REQUIRE(moved == (r.trade->side == Side::kBuy ? r.trade->qty.value : -r.trade->qty.value));
      filled_by_journal_[{client->id.value, inst->id.value}] += moved;
    }
    if (filled_by_journal_ != filled_by_events_) FAIL("filled quantities differ between events and the journal");
  }

  World w_;
  std::mt19937_64 rng_;
  std::vector<std::optional<PriceTick>> ticks_;
  std::vector<int64_t> mids_;
  std::map<uint64_t, int64_t> bal_;  // by account id
  std::map<uint64_t, ModelQuote> quotes_;
  std::set<uint64_t> live_;
  std::vector<uint64_t> recent_;
  std::vector<std::set<std::string>> used_;  // ClOrdIDs by client
  std::set<uint64_t> executed_quote_ids_;
  std::map<std::pair<uint32_t, uint16_t>, int64_t> filled_by_events_;
  std::map<std::pair<uint32_t, uint16_t>, int64_t> filled_by_journal_;
  std::map<RejectReason, int> rejects_;
  size_t journal_seen_ = 0;
  uint64_t next_quote_id_ = 1;
  uint64_t next_cl_ = 1;
  int step_ = 0;
  std::string last_;  // the step's command, for failure messages
  int quoted_ = 0;
  int fills_ = 0;
};

TEST_CASE("engine simulation: random history keeps every invariant", "[engine][sim]") {
  const uint64_t seed = sim_seed();
  std::cout << "engine_sim seed=" << seed << " (rerun with OTC_SEED=" << seed << ")" << std::endl;
  CAPTURE(seed);
  Sim sim(seed);
  for (int i = 0; i < kSteps; ++i) {
    INFO("step " << i);
    sim.step(i);
  }
  sim.summary();
  // The run must have exercised the engine, not just rejected everything.
  CHECK(sim.quoted() > kSteps / 10);
  CHECK(sim.fills() > kSteps / 40);
  CHECK(sim.distinct_rejects() >= 20);
}

}  // namespace
}  // namespace otc::engine::test
