// tests/engine/runner_test.cc: the engine thread: bounded queue, group commit, events
// only after their records are durable (fills a price tick causes included), the halt after
// a failed commit (orders, cancels and replaces answered OrderNotTaken D/F/G; what the
// engine did on its own dropped), and market data that the timer produces delivered
// through the sink.
//
// The runner's thread is real; waits are bounded (condition variable with a timeout),
// never fixed sleeps. Time for the engine is a ManualClock the test does not move while
// the runner runs.
#include "engine/runner.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "tests/engine/fixture.h"

namespace otc::engine::test {
namespace {

using ledger::JournalRecord;
using ledger::RecordKind;
using R = RejectReason;

constexpr auto kWait = std::chrono::seconds(10);  // generous bound; normally milliseconds

// Every instrument at its initial mid, stamped `now`.
class FixedFeed final : public PriceSource {
 public:
  explicit FixedFeed(const ReferenceData& ref) : ref_(ref) {}
  std::vector<PriceTick> step(TimeUs now) override {
    std::vector<PriceTick> out;
    for (const InstrumentSpec& i : ref_.instruments) out.push_back(PriceTick{i.id, i.initial_mid, now});
    return out;
  }

 private:
  const ReferenceData& ref_;
};

// The given prices, stamped `now`, at every step (instruments not listed: no tick).
class ListFeed final : public PriceSource {
 public:
  explicit ListFeed(std::vector<std::pair<InstrumentId, Price>> prices) : prices_(std::move(prices)) {}
  std::vector<PriceTick> step(TimeUs now) override {
    std::vector<PriceTick> out;
    for (const auto& [i, px] : prices_) out.push_back(PriceTick{i, px, now});
    return out;
  }

 private:
  const std::vector<std::pair<InstrumentId, Price>> prices_;
};

// Every instrument `ticks_up` ticks above its initial mid, stamped `now`: after start()
// the prices differ from the World's initial ticks, and stay where they are.
class ShiftedFeed final : public PriceSource {
 public:
  ShiftedFeed(const ReferenceData& ref, int64_t ticks_up) : ref_(ref), ticks_up_(ticks_up) {}
  std::vector<PriceTick> step(TimeUs now) override {
    std::vector<PriceTick> out;
    for (const InstrumentSpec& i : ref_.instruments) {
      out.push_back(PriceTick{i.id, Price(i.initial_mid.value + ticks_up_ * i.tick), now});
    }
    return out;
  }

 private:
  const ReferenceData& ref_;
  const int64_t ticks_up_;
};

// Collects delivered batches and, at each delivery (on the runner thread), what the
// journal looked like: nothing pending, and whether each event's record is committed.
class CollectingSink final : public EventSink {
 public:
  explicit CollectingSink(const ledger::MemoryJournal& j) : journal_(j) {}

  struct Delivery {
    std::vector<Event> events;
    size_t pending = 0;
    size_t committed = 0;
    std::vector<bool> durable;  // per event: its journal record is among the committed
  };

  void deliver(const std::vector<Event>& events) override {
    Delivery d;
    d.events = events;
    d.pending = journal_.pending();
    d.committed = journal_.committed().size();
    for (const Event& e : events) d.durable.push_back(is_committed(e));
    {
      std::lock_guard<std::mutex> lock(mu_);
      event_count_ += events.size();
      deliveries_.push_back(std::move(d));
    }
    cv_.notify_all();
  }

  // Waits until at least `n` events were delivered; false on timeout.
  bool wait_events(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return event_count_ >= n; });
  }
  // Waits until a delivered event satisfies `match`; false on timeout.
  bool wait_for(const std::function<bool(const Event&)>& match) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kWait, [&] {
      for (const Delivery& d : deliveries_) {
        for (const Event& e : d.events) {
          if (match(e)) return true;
        }
      }
      return false;
    });
  }

  std::vector<Delivery> deliveries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return deliveries_;
  }
  std::vector<Event> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Event> all;
    for (const Delivery& d : deliveries_) all.insert(all.end(), d.events.begin(), d.events.end());
    return all;
  }

 private:
  bool has(RecordKind kind, const std::function<bool(const JournalRecord&)>& match) const {
    for (const JournalRecord& r : journal_.committed()) {
      if (r.kind == kind && match(r)) return true;
    }
    return false;
  }
  bool is_committed(const Event& e) const {
    if (const auto* q = std::get_if<QuotedEvent>(&e)) {
      return has(RecordKind::kQuote, [&](const JournalRecord& r) { return r.quote_id == q->quote_id; });
    }
    if (const auto* q = std::get_if<QuoteRejectedEvent>(&e)) {
      return has(RecordKind::kQuoteRejected, [&](const JournalRecord& r) {
        return r.payload.find("\"" + q->quote_req_id + "\"") != std::string::npos;
      });
    }
    if (const auto* x = std::get_if<ExecReportEvent>(&e)) {
      RecordKind kind = RecordKind::kOrderAccepted;
      switch (x->kind) {
        case ExecKind::kNew: kind = RecordKind::kOrderAccepted; break;
        case ExecKind::kTrade: kind = RecordKind::kFill; break;
        case ExecKind::kCanceled: kind = RecordKind::kOrderCanceled; break;
        case ExecKind::kExpired: kind = RecordKind::kOrderExpired; break;
        case ExecKind::kReplaced: kind = RecordKind::kOrderReplaced; break;
        case ExecKind::kStatus:
        case ExecKind::kRejected: return false;  // a status answer: nothing recorded by design
      }
      return has(kind, [&](const JournalRecord& r) {
        return r.exec_id == x->exec_id && r.order_id == x->order.order_id;
      });
    }
    if (const auto* o = std::get_if<OrderRejectedEvent>(&e)) {
      return has(RecordKind::kOrderRejected, [&](const JournalRecord& r) { return r.exec_id == o->exec_id; });
    }
    if (const auto* c = std::get_if<CancelRejectedEvent>(&e)) {
      return has(RecordKind::kCancelRejected, [&](const JournalRecord& r) {
        return r.ts == c->ts && r.payload.find("\"cl_ord_id\":\"" + c->cl_ord_id + "\"") != std::string::npos;
      });
    }
    if (const auto* x = std::get_if<QuoteCancelAnsweredEvent>(&e)) {
      return has(RecordKind::kQuoteCanceled, [&](const JournalRecord& r) {
        return r.ts == x->ts && r.payload.find("\"quote_id\":\"" + x->quote_id + "\"") != std::string::npos &&
               r.payload.find("\"cancel_type\":" + std::to_string(x->cancel_type) + ",") != std::string::npos;
      });
    }
    return false;  // OrderNotTaken, market data: nothing recorded by design
  }

  const ledger::MemoryJournal& journal_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Delivery> deliveries_;
  size_t event_count_ = 0;
};

World::Options no_ticks() {
  World::Options o;
  o.ticks = false;
  return o;
}

QuoteRequestCmd request(ClientId c, const std::string& id, const std::string& qty = "1") {
  QuoteRequestCmd q = World::quote_request(c, "BTC/USD", 0, qty);
  q.quote_req_id = id;
  return q;
}

// A BTC/USD limit order (GTC unless told).
NewOrderCmd limit(ClientId c, const std::string& cl_ord_id, char side, const std::string& qty, const std::string& px,
                  char tif = kTifGtc) {
  NewOrderCmd o;
  o.client = c;
  o.cl_ord_id = cl_ord_id;
  o.symbol = "BTC/USD";
  o.side = side;
  o.ord_type = '2';
  o.qty_text = qty;
  o.price_text = px;
  o.tif = tif;
  return o;
}

CancelOrderCmd cancel_of(ClientId c, const std::string& cl_ord_id, const std::string& orig, char side) {
  CancelOrderCmd x;
  x.client = c;
  x.cl_ord_id = cl_ord_id;
  x.orig_cl_ord_id = orig;
  x.symbol = "BTC/USD";
  x.side = side;
  return x;
}

ReplaceOrderCmd replace_of(ClientId c, const std::string& cl_ord_id, const std::string& orig, char side,
                           const std::string& qty, const std::string& px) {
  ReplaceOrderCmd g;
  g.client = c;
  g.cl_ord_id = cl_ord_id;
  g.orig_cl_ord_id = orig;
  g.symbol = "BTC/USD";
  g.side = side;
  g.ord_type = '2';
  g.qty_text = qty;
  g.price_text = px;
  return g;
}

// Quotes, quote rejects and prices may leave before their commit (runner.h); every other
// answer leaves only once the journal has nothing pending and its record is committed.
bool may_leave_early(const Event& e) {
  return std::holds_alternative<QuotedEvent>(e) || std::holds_alternative<QuoteRejectedEvent>(e) ||
         std::holds_alternative<MarketDataEvent>(e);
}

void check_reports_after_commit(const CollectingSink& sink) {
  for (const CollectingSink::Delivery& d : sink.deliveries()) {
    bool early = true;
    for (const Event& e : d.events) early = early && may_leave_early(e);
    if (early) continue;
    CHECK(d.pending == 0);
    for (size_t i = 0; i < d.durable.size(); ++i) {
      INFO("event " << event_name(d.events[i]));
      CHECK(d.durable[i]);
    }
  }
}

std::vector<std::string> names(const std::vector<Event>& ev) {
  std::vector<std::string> got;
  for (const Event& e : ev) got.push_back(event_name(e));
  return got;
}

TEST_CASE("runner: start() feeds prices; quotes leave before their commit, reports only after it", "[runner]") {
  World w(no_ticks());
  FixedFeed feed(w.ref);
  CollectingSink sink(w.journal);
  Runner r(w.ref, w.engine, w.journal, w.clock, &feed, sink, RunnerConfig{});
  r.start();
  REQUIRE(r.submit(request(kAcme, "RQ-1")));
  REQUIRE(sink.wait_events(1));
  std::vector<Event> ev = sink.events();
  REQUIRE(ev.size() == 1);
  REQUIRE(std::holds_alternative<QuotedEvent>(ev[0]));  // the feed gave a price at start
  const QuotedEvent q = std::get<QuotedEvent>(ev[0]);
  CHECK(q.bid == Price(6496750));
  CHECK(q.offer == Price(6503250));

  REQUIRE(r.submit(w.order_for(q, Side::kBuy, "ORD-1")));
  REQUIRE(sink.wait_events(3));
  r.stop();
  ev = sink.events();
  REQUIRE(ev.size() == 3);
  CHECK(er(ev, 1).kind == ExecKind::kNew);
  CHECK(er(ev, 2).kind == ExecKind::kTrade);
  CHECK(er(ev, 2).last_px == Price(6503250));
  CHECK(er(ev, 2).order.cl_ord_id == "ORD-1");
  check_reports_after_commit(sink);
  // The quote went out while its record was still pending: the RFQ did not wait for the fsync.
  const std::vector<CollectingSink::Delivery> ds = sink.deliveries();
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].pending == 1);
  CHECK_FALSE(ds[0].durable[0]);
  CHECK_FALSE(r.halted());
}

TEST_CASE("runner: waiting commands are handled and committed together, up to batch_max", "[runner]") {
  const size_t batch_max = GENERATE(4, 1024);
  INFO("batch_max " << batch_max);
  World w(no_ticks());
  FixedFeed feed(w.ref);
  CollectingSink sink(w.journal);
  RunnerConfig cfg;
  cfg.batch_max = batch_max;
  Runner r(w.ref, w.engine, w.journal, w.clock, &feed, sink, cfg);
  for (int i = 0; i < 10; ++i) REQUIRE(r.submit(request(kAcme, "RQ-" + std::to_string(i))));
  CHECK(r.queue_depth() == 10);
  const size_t committed_before = w.journal.committed().size();
  r.start();
  REQUIRE(sink.wait_events(10));
  r.stop();
  const std::vector<CollectingSink::Delivery> ds = sink.deliveries();
  const std::vector<size_t> want_sizes = batch_max == 4 ? std::vector<size_t>{4, 4, 2} : std::vector<size_t>{10};
  REQUIRE(ds.size() == want_sizes.size());
  size_t committed = committed_before;
  for (size_t i = 0; i < ds.size(); ++i) {
    INFO("delivery " << i);
    CHECK(ds[i].events.size() == want_sizes[i]);
    // Quotes leave before their batch's commit: one quote record per request, pending.
    CHECK(ds[i].committed == committed);
    CHECK(ds[i].pending == want_sizes[i]);
    committed += want_sizes[i];
  }
  // In order, one answer per request.
  const std::vector<Event> ev = sink.events();
  for (size_t i = 0; i < ev.size(); ++i) {
    REQUIRE(std::holds_alternative<QuotedEvent>(ev[i]));
    CHECK(std::get<QuotedEvent>(ev[i]).quote_req_id == "RQ-" + std::to_string(i));
  }
}

TEST_CASE("runner: submit() answers false on a full queue and after stop()", "[runner]") {
  World w;
  CollectingSink sink(w.journal);
  RunnerConfig cfg;
  cfg.queue_capacity = 2;
  Runner r(w.ref, w.engine, w.journal, w.clock, nullptr, sink, cfg);
  CHECK(r.submit(request(kAcme, "A")));
  CHECK(r.submit(request(kAcme, "B")));
  CHECK_FALSE(r.submit(request(kAcme, "C")));  // full, not started: nothing drains it
  CHECK(r.queue_depth() == 2);
  r.start();
  REQUIRE(sink.wait_events(2));
  CHECK(r.submit(request(kAcme, "D")));  // room again
  REQUIRE(sink.wait_events(3));
  r.stop();
  CHECK_FALSE(r.submit(request(kAcme, "E")));
  r.stop();  // idempotent
  const std::vector<Event> ev = sink.events();
  REQUIRE(ev.size() == 3);
  CHECK(std::get<QuotedEvent>(ev[0]).quote_req_id == "A");
  CHECK(std::get<QuotedEvent>(ev[1]).quote_req_id == "B");
  CHECK(std::get<QuotedEvent>(ev[2]).quote_req_id == "D");
}

TEST_CASE("runner: stop() answers what is queued before it returns", "[runner]") {
  World w;
  CollectingSink sink(w.journal);
  RunnerConfig cfg;
  cfg.batch_max = 2;
  Runner r(w.ref, w.engine, w.journal, w.clock, nullptr, sink, cfg);
  for (int i = 0; i < 5; ++i) REQUIRE(r.submit(request(kAcme, "S" + std::to_string(i))));
  r.start();
  r.stop();
  CHECK(sink.events().size() == 5);
  CHECK(r.queue_depth() == 0);
  CHECK(w.journal.pending() == 0);
}

// SessionEndedCmd must not be lost to a full queue, or the session's subscriptions would
// outlive it (streaming to no one and holding the client's limit).
TEST_CASE("runner: submit_control() takes a command beyond a full queue, not after stop()", "[runner]") {
  World w;
  REQUIRE(w.handle(md_request(kAcme, "MD", '1', {"BTC/USD"})).size() == 1);
  CollectingSink sink(w.journal);
  RunnerConfig cfg;
  cfg.queue_capacity = 1;
  Runner r(w.ref, w.engine, w.journal, w.clock, nullptr, sink, cfg);
  REQUIRE(r.submit(request(kAcme, "A")));
  CHECK_FALSE(r.submit(md_unsubscribe(kAcme, "MD")));  // full
  CHECK(r.submit_control(SessionEndedCmd{kAcme}));
  CHECK(r.queue_depth() == 2);
  r.start();
  r.stop();
  CHECK_FALSE(r.submit_control(SessionEndedCmd{kAcme}));
  CHECK(r.queue_depth() == 0);
  // The session's subscription is gone: its MDReqID is unknown now.
  const std::vector<Event> out = w.handle(md_unsubscribe(kAcme, "MD"));
  REQUIRE(out.size() == 1);
  REQUIRE(std::holds_alternative<MarketDataRejectedEvent>(out[0]));
  CHECK(std::get<MarketDataRejectedEvent>(out[0]).reject.reason == R::kMdUnknownReqId);
}

TEST_CASE("runner: a stopped runner that never started refuses commands", "[runner]") {
  World w;
  CollectingSink sink(w.journal);
  Runner r(w.ref, w.engine, w.journal, w.clock, nullptr, sink, RunnerConfig{});
  r.stop();
  CHECK_FALSE(r.submit(request(kAcme, "X")));
  CHECK(sink.events().empty());
}

TEST_CASE("runner: every command gets one answer through the runner", "[runner]") {
  World w;
  const QuotedEvent q1 = w.quote(kAcme, "BTC/USD", 0, "1");
  const QuotedEvent q2 = w.quote(kBeta, "BTC/USD", '2', "0.5");
  REQUIRE(w.journal.commit().ok());
  CollectingSink sink(w.journal);
  RunnerConfig cfg;
  cfg.batch_max = 3;
  Runner r(w.ref, w.engine, w.journal, w.clock, nullptr, sink, cfg);
  std::vector<Command> cmds;
  cmds.push_back(request(kAcme, "R1"));
  cmds.push_back(w.order_for(q1, Side::kBuy, "O1"));                                // fills
  cmds.push_back(w.order_for(q1, Side::kSell, "O2"));                               // already executed
  cmds.push_back(request(kGamma, "R2", "0"));                                       // qty zero
  cmds.push_back(w.order_for(q2, Side::kSell, "O3"));                               // fills
  cmds.push_back(PriceTickCmd{PriceTick{kBtcUsd, Price(6600000), w.clock.now()}});  // no answer
  cmds.push_back(request(kBeta, "R3"));
  cmds.push_back(w.order_for(q2, Side::kSell, "O3"));                             // duplicate ClOrdID
  cmds.push_back(QuoteCancelCmd{kBeta, format_quote_id(q2.quote_id), 1});         // already executed
  cmds.push_back(QuoteCancelCmd{kBeta, "", 4});                                   // withdraws R3's quote
  for (const Command& c : cmds) REQUIRE(r.submit(c));
  r.start();
  REQUIRE(sink.wait_events(11));
  r.stop();
  const std::vector<Event> ev = sink.events();
  std::vector<std::string> got;
  for (const Event& e : ev) got.push_back(event_name(e));
  const std::vector<std::string> want = {"QuotedEvent",        "ER New",             "ER Trade",
                                         "OrderRejectedEvent", "QuoteRejectedEvent", "ER New",
                                         "ER Trade",           "QuotedEvent",        "OrderRejectedEvent",
                                         "QuoteCancelAnsweredEvent", "QuoteCancelAnsweredEvent"};
  CHECK(got == want);
  REQUIRE(ev.size() == want.size());
  CHECK(std::get<OrderRejectedEvent>(ev[3]).reject.reason == R::kQuoteAlreadyExecuted);
  CHECK(std::get<QuoteRejectedEvent>(ev[4]).reject.reason == R::kQtyZero);
  CHECK(std::get<OrderRejectedEvent>(ev[8]).reject.reason == R::kDuplicateClOrdId);
  // The tick in the batch moved BETA's quote to 66000.00 at silver 10 bp, and the desk is
  // short 0.5 BTC by then (ACME bought 1, BETA sold 0.5): skew 0.5 * -20 = -10 cbps.
  // Recomputed for the skew: 6600000 * (1e6 + 1000 + 10) / 1e6 = 66066.66 (66066.00 flat).
  CHECK(w.desk_balance(kBtc) == -50000000);
  CHECK(std::get<QuotedEvent>(ev[7]).offer == Price(6606666));
  CHECK(std::get<QuotedEvent>(ev[7]).bid == Price(6593466));  // 6600000 * (1e6 - 1000 + 10) / 1e6
  const auto& c1 = std::get<QuoteCancelAnsweredEvent>(ev[9]);
  REQUIRE(c1.reject.has_value());
  CHECK(c1.reject->reason == R::kQuoteAlreadyExecuted);
  CHECK(c1.canceled == 0);
  const auto& c2 = std::get<QuoteCancelAnsweredEvent>(ev[10]);
  CHECK_FALSE(c2.reject.has_value());
  CHECK(c2.canceled == 1);
  CHECK(w.engine.rfq_book().live_count() == 1);  // ACME's R1 quote: not BETA's to withdraw
  // Every answer left after its record was committed.
  check_reports_after_commit(sink);
}

// The engine's clock stands still while the runner runs (ManualClock is single-threaded),
// so the subscription is made, and the clock moved past md_min_interval_ms, before start():
// the feed's first step at start() then moves every price, and the runner's first timer
// round streams the new ladder through the sink with no command to carry it.
TEST_CASE("runner: market data produced by the timer is delivered through the sink", "[runner]") {
  World w;
  std::vector<Event> first = w.handle(md_request(kAcme, "MD-TIMER", '1', {"BTC/USD", "ETH/USD"}));
  REQUIRE(first.size() == 2);
  REQUIRE(std::holds_alternative<MarketDataEvent>(first[0]));
  const std::vector<MdRung> before = std::get<MarketDataEvent>(first[0]).rungs;
  w.clock.advance_us(1'000'000);
  const TimeUs t = w.clock.now();
  REQUIRE(w.journal.commit().ok());
  const size_t committed_before = w.journal.committed().size();

  ShiftedFeed feed(w.ref, 1000);  // BTC/USD 65010.00, ETH/USD 3210.00
  CollectingSink sink(w.journal);
  Runner r(w.ref, w.engine, w.journal, w.clock, &feed, sink, RunnerConfig{});
  r.start();
  auto is_acme_md = [](const Event& e) {
    const auto* m = std::get_if<MarketDataEvent>(&e);
    return m != nullptr && m->client == kAcme;
  };
  REQUIRE(sink.wait_for([&](const Event& e) {
    const auto* m = std::get_if<MarketDataEvent>(&e);
    return m != nullptr && m->client == kAcme && m->instrument == kEthUsd;
  }));
  // A subscription and a bad request through the queue: answered like any command.
  REQUIRE(r.submit(md_request(kBeta, "MD-QUEUED", '1', {"BTC/USD"})));
  REQUIRE(r.submit(md_request(kBeta, "MD-BAD", '1', {"NOPE"})));
  REQUIRE(sink.wait_for([](const Event& e) { return std::holds_alternative<MarketDataRejectedEvent>(e); }));
  r.stop();

  // ACME: exactly one update per instrument, from the timer, at the feed's prices.
  std::vector<MarketDataEvent> acme;
  for (const Event& e : sink.events()) {
    if (is_acme_md(e)) acme.push_back(std::get<MarketDataEvent>(e));
  }
  REQUIRE(acme.size() == 2);
  CHECK(acme[0].md_req_id == "MD-TIMER");
  CHECK(acme[0].instrument == kBtcUsd);
  CHECK(acme[0].ts == t);
  CHECK(acme[0].rungs == w.md_ladder_for(kAcme, kBtcUsd));
  CHECK(acme[0].rungs != before);
  CHECK(acme[0].rungs.at(0) == MdRung{Qty(10'000'000), Price(6497749), Price(6504251)});  // 65010.00 -/+ 5 bp
  CHECK(acme[1].instrument == kEthUsd);
  CHECK(acme[1].rungs == w.md_ladder_for(kAcme, kEthUsd));
  // BETA: its snapshot at once (no other), then the reject.
  std::vector<std::string> beta;
  for (const Event& e : sink.events()) {
    if (const auto* m = std::get_if<MarketDataEvent>(&e); m != nullptr && m->client == kBeta) {
      beta.push_back(m->md_req_id);
      CHECK(m->rungs == w.md_ladder_for(kBeta, kBtcUsd));
    }
    if (const auto* x = std::get_if<MarketDataRejectedEvent>(&e)) {
      beta.push_back(x->md_req_id + " " + reject_name(x->reject.reason));
    }
  }
  CHECK(beta == std::vector<std::string>{"MD-QUEUED", "MD-BAD unknown_instrument"});
  // Market data is not journaled, and its deliveries wait for nothing.
  CHECK(w.journal.committed().size() == committed_before);
  for (const CollectingSink::Delivery& d : sink.deliveries()) CHECK(d.pending == 0);
  CHECK_FALSE(r.halted());
}

TEST_CASE("runner: a failed commit answers the batch with kJournalHalted and halts", "[runner]") {
  World w;
  const QuotedEvent q1 = w.quote(kAcme, "BTC/USD", 0, "1");
  const QuotedEvent q2 = w.quote(kAcme, "BTC/USD", 0, "1");
  REQUIRE(w.journal.commit().ok());
  const size_t committed_before = w.journal.committed().size();

  CollectingSink sink(w.journal);
  Runner r(w.ref, w.engine, w.journal, w.clock, nullptr, sink, RunnerConfig{});
  REQUIRE(r.submit(request(kAcme, "RQ-LOST")));            // would be quoted
  REQUIRE(r.submit(w.order_for(q1, Side::kBuy, "FILL")));  // would fill
  NewOrderCmd bad = w.order_for(q2, Side::kBuy, "BAD");
  bad.qty_text = "0.5";
  REQUIRE(r.submit(bad));  // would be rejected (qty mismatch)
  w.journal.fail_next_commit();
  r.start();
  REQUIRE(sink.wait_events(3));

  std::vector<Event> ev = sink.events();
  std::vector<std::string> got;
  for (const Event& e : ev) got.push_back(event_name(e));
  // The quote left before the commit; the fill's ER New is the order's one answer (as
  // OrderNotTaken); its ER Trade never became durable.
  CHECK(got == std::vector<std::string>{"QuotedEvent", "OrderNotTakenEvent", "OrderNotTakenEvent"});
  REQUIRE(ev.size() == 3);
  const auto& lost = std::get<QuotedEvent>(ev[0]);
  CHECK(lost.quote_req_id == "RQ-LOST");
  const auto& n1 = std::get<OrderNotTakenEvent>(ev[1]);
  CHECK(n1.reject.reason == R::kJournalHalted);
  CHECK(n1.cl_ord_id == "FILL");
  CHECK(n1.msg_type == 'D');
  const auto& n2 = std::get<OrderNotTakenEvent>(ev[2]);
  CHECK(n2.reject.reason == R::kJournalHalted);
  CHECK(n2.cl_ord_id == "BAD");
  CHECK(n2.msg_type == 'D');
  CHECK(r.halted());
  CHECK(r.halt_reason().find("injected") != std::string::npos);
  CHECK(w.journal.halted());
  CHECK(w.journal.committed().size() == committed_before);

  // Later requests: one kJournalHalted answer each, nothing recorded, no crash; the quote
  // that was sent but never became durable can never be executed.
  REQUIRE(r.submit(request(kAcme, "RQ-AFTER")));
  REQUIRE(r.submit(w.order_for(q2, Side::kBuy, "AFTER")));
  REQUIRE(r.submit(w.order_for(lost, Side::kBuy, "ON-LOST")));
  REQUIRE(sink.wait_events(6));
  r.stop();
  ev = sink.events();
  REQUIRE(ev.size() == 6);
  REQUIRE(std::holds_alternative<OrderNotTakenEvent>(ev[5]));
  CHECK(std::get<OrderNotTakenEvent>(ev[5]).cl_ord_id == "ON-LOST");
  CHECK(std::get<OrderNotTakenEvent>(ev[5]).reject.reason == R::kJournalHalted);
  REQUIRE(std::holds_alternative<QuoteRejectedEvent>(ev[3]));
  CHECK(std::get<QuoteRejectedEvent>(ev[3]).reject.reason == R::kJournalHalted);
  CHECK(std::get<QuoteRejectedEvent>(ev[3]).quote_req_id == "RQ-AFTER");
  REQUIRE(std::holds_alternative<OrderNotTakenEvent>(ev[4]));
  CHECK(std::get<OrderNotTakenEvent>(ev[4]).reject.reason == R::kJournalHalted);
  CHECK(std::get<OrderNotTakenEvent>(ev[4]).cl_ord_id == "AFTER");
  CHECK(std::get<OrderNotTakenEvent>(ev[4]).msg_type == 'D');
  CHECK(w.journal.committed().size() == committed_before);
  CHECK(w.journal.pending() == 0);
}

TEST_CASE("runner: a QuoteCancel in a failed commit is answered canceled=0, kJournalHalted", "[runner]") {
  World w;
  const QuotedEvent q1 = w.quote(kAcme, "BTC/USD", 0, "1");
  w.quote(kAcme, "ETH/USD", 0, "1");
  w.quote(kBeta, "BTC/USD", 0, "1");
  REQUIRE(w.journal.commit().ok());
  const size_t committed_before = w.journal.committed().size();

  CollectingSink sink(w.journal);
  Runner r(w.ref, w.engine, w.journal, w.clock, nullptr, sink, RunnerConfig{});
  const std::vector<QuoteCancelCmd> cmds = {
      QuoteCancelCmd{kAcme, format_quote_id(q1.quote_id), 1},  // would withdraw 1
      QuoteCancelCmd{kAcme, "", 4},                            // would withdraw 1 (the ETH quote)
      QuoteCancelCmd{kBeta, "Q999", 1},                        // would be kUnknownQuote
  };
  for (const QuoteCancelCmd& c : cmds) REQUIRE(r.submit(c));
  w.journal.fail_next_commit();
  r.start();
  REQUIRE(sink.wait_events(3));

  std::vector<Event> ev = sink.events();
  REQUIRE(ev.size() == 3);
  for (size_t i = 0; i < ev.size(); ++i) {
    INFO("answer " << i << ": " << event_name(ev[i]));
    REQUIRE(std::holds_alternative<QuoteCancelAnsweredEvent>(ev[i]));
    const auto& a = std::get<QuoteCancelAnsweredEvent>(ev[i]);
    CHECK(a.canceled == 0);  // the withdrawals never became durable
    REQUIRE(a.reject.has_value());
    CHECK(a.reject->reason == R::kJournalHalted);
    CHECK(a.client == cmds[i].client);
    CHECK(a.quote_id == cmds[i].quote_id);
    CHECK(a.cancel_type == cmds[i].cancel_type);
  }
  CHECK(r.halted());
  CHECK(w.journal.committed().size() == committed_before);

  // Later QuoteCancels: kJournalHalted, nothing recorded.
  REQUIRE(r.submit(QuoteCancelCmd{kBeta, "", 4}));
  REQUIRE(sink.wait_events(4));
  r.stop();
  ev = sink.events();
  REQUIRE(ev.size() == 4);
  const auto& later = std::get<QuoteCancelAnsweredEvent>(ev[3]);
  CHECK(later.canceled == 0);
  REQUIRE(later.reject.has_value());
  CHECK(later.reject->reason == R::kJournalHalted);
  CHECK(w.journal.committed().size() == committed_before);
  CHECK(w.journal.pending() == 0);
}

// The requests of a failed batch each get one BusinessMessageReject-shaped answer naming
// what they were (D, F or G); what the engine did on its own in that batch (an IOC's
// remainder canceled, fills) never became durable and is not told; a status answer is not
// journaled, so it stands.
TEST_CASE("runner: a failed commit turns new orders, cancels and replaces into OrderNotTaken D/F/G", "[runner]") {
  World w;
  // Resting before the batch, committed: ACME bids 64000.00 and 63000.00 for 1 BTC.
  REQUIRE(names(w.handle(limit(kAcme, "REST-1", '1', "1", "64000.00"))) == std::vector<std::string>{"ER New"});
  REQUIRE(names(w.handle(limit(kAcme, "REST-2", '1', "1", "63000.00"))) == std::vector<std::string>{"ER New"});
  REQUIRE(w.journal.commit().ok());
  const size_t committed_before = w.journal.committed().size();
  const int64_t usd_before = w.client_balance(kAcme, kUsd);
  const int64_t held_before = w.held_balance(kAcme, kUsd);
  REQUIRE(held_before == 6400000 + 6300000);

  CollectingSink sink(w.journal);
  Runner r(w.ref, w.engine, w.journal, w.clock, nullptr, sink, RunnerConfig{});
  REQUIRE(r.submit(limit(kBeta, "NEW-LIMIT", '1', "0.5", "64500.00")));                   // would rest: ER New
  REQUIRE(r.submit(cancel_of(kAcme, "CXL-1", "REST-1", '1')));                           // would cancel: ER Canceled
  REQUIRE(r.submit(replace_of(kAcme, "RPL-1", "REST-2", '1', "2", "63500.00")));         // would replace: ER Replaced
  REQUIRE(r.submit(cancel_of(kAcme, "CXL-BAD", "NO-SUCH", '1')));                        // would be refused (F)
  REQUIRE(r.submit(replace_of(kAcme, "RPL-BAD", "NO-SUCH", '1', "1", "1.00")));          // would be refused (G)
  REQUIRE(r.submit(limit(kBeta, "IOC", '1', "0.1", "60000.00", kTifIoc)));               // ER New, ER Canceled (remainder)
  REQUIRE(r.submit(OrderStatusCmd{kAcme, "REST-2", "", "BTC/USD", '1'}));                // status: not journaled
  w.journal.fail_next_commit();
  r.start();
  REQUIRE(sink.wait_events(7));
  r.stop();

  const std::vector<Event> ev = sink.events();
  CHECK(names(ev) == std::vector<std::string>{"OrderNotTakenEvent", "OrderNotTakenEvent", "OrderNotTakenEvent",
                                              "OrderNotTakenEvent", "OrderNotTakenEvent", "OrderNotTakenEvent",
                                              "OrderNotTakenEvent"});
  REQUIRE(ev.size() == 7);
  const std::vector<std::pair<std::string, char>> want = {{"NEW-LIMIT", 'D'}, {"CXL-1", 'F'},   {"RPL-1", 'G'},
                                                          {"CXL-BAD", 'F'},   {"RPL-BAD", 'G'}, {"IOC", 'D'}};
  const std::vector<ClientId> clients = {kBeta, kAcme, kAcme, kAcme, kAcme, kBeta};
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("answer " << i << " for " << want[i].first);
    REQUIRE(std::holds_alternative<OrderNotTakenEvent>(ev[i]));
    const auto& n = std::get<OrderNotTakenEvent>(ev[i]);
    CHECK(n.cl_ord_id == want[i].first);
    CHECK(n.msg_type == want[i].second);
    CHECK(n.client == clients[i]);
    CHECK(n.reject.reason == R::kJournalHalted);
  }
  REQUIRE(std::holds_alternative<OrderNotTakenEvent>(ev[6]));  // a status read from memory is not told either
  CHECK(std::get<OrderNotTakenEvent>(ev[6]).msg_type == 'H');
  CHECK(r.halted());
  CHECK(w.journal.committed().size() == committed_before);
  // Nothing of the batch is durable: the committed journal still says ACME holds both bids.
  int64_t held_committed = 0;
  const AccountId acme_held_usd = w.engine.held_account(kAcme, kUsd);
  for (const JournalRecord& rec : w.journal.committed()) {
    for (const ledger::Transfer& t : rec.transfers) {
      if (t.credit == acme_held_usd) held_committed += t.amount.value;
      if (t.debit == acme_held_usd) held_committed -= t.amount.value;
    }
  }
  CHECK(held_committed == held_before);
  (void)usd_before;

  // Later cancels and replaces are answered at once, kJournalHalted, with their type.
  CollectingSink later(w.journal);
  Runner r2(w.ref, w.engine, w.journal, w.clock, nullptr, later, RunnerConfig{});
  REQUIRE(r2.submit(cancel_of(kAcme, "CXL-2", "REST-2", '1')));
  REQUIRE(r2.submit(replace_of(kAcme, "RPL-2", "REST-2", '1', "1", "63000.00")));
  REQUIRE(r2.submit(limit(kAcme, "NEW-2", '2', "1", "70000.00")));
  r2.start();
  REQUIRE(later.wait_events(3));
  r2.stop();
  const std::vector<Event> ev2 = later.events();
  REQUIRE(ev2.size() == 3);
  const std::vector<std::pair<std::string, char>> want2 = {{"CXL-2", 'F'}, {"RPL-2", 'G'}, {"NEW-2", 'D'}};
  for (size_t i = 0; i < ev2.size(); ++i) {
    INFO("later answer " << i);
    REQUIRE(std::holds_alternative<OrderNotTakenEvent>(ev2[i]));
    CHECK(std::get<OrderNotTakenEvent>(ev2[i]).cl_ord_id == want2[i].first);
    CHECK(std::get<OrderNotTakenEvent>(ev2[i]).msg_type == want2[i].second);
  }
  CHECK(w.journal.pending() == 0);
}

// A status request answered in a batch whose commit failed would report the engine's
// in-memory order, which includes the batch's lost changes (here: the replace RPL-1 the
// client is told was not taken). It is answered OrderNotTaken instead.
TEST_CASE("runner: a status answer in a failed batch does not report the batch's lost replace", "[runner]") {
  World w;
  REQUIRE(names(w.handle(limit(kAcme, "REST-2", '1', "1", "63000.00"))) == std::vector<std::string>{"ER New"});
  REQUIRE(w.journal.commit().ok());
  CollectingSink sink(w.journal);
  Runner r(w.ref, w.engine, w.journal, w.clock, nullptr, sink, RunnerConfig{});
  REQUIRE(r.submit(replace_of(kAcme, "RPL-1", "REST-2", '1', "2", "63500.00")));
  REQUIRE(r.submit(OrderStatusCmd{kAcme, "REST-2", "", "BTC/USD", '1'}));
  w.journal.fail_next_commit();
  r.start();
  REQUIRE(sink.wait_events(2));
  r.stop();
  const std::vector<Event> ev = sink.events();
  REQUIRE(ev.size() == 2);
  REQUIRE(std::holds_alternative<OrderNotTakenEvent>(ev[0]));
  CHECK(std::get<OrderNotTakenEvent>(ev[0]).msg_type == 'G');
  // The status answer must not contradict the OrderNotTaken above: it is not told either.
  REQUIRE(std::holds_alternative<OrderNotTakenEvent>(ev[1]));
  CHECK(std::get<OrderNotTakenEvent>(ev[1]).msg_type == 'H');
  CHECK(std::get<OrderNotTakenEvent>(ev[1]).cl_ord_id == "REST-2");
}

// A resting order that a new price reaches fills with no command to carry it: the fill is
// committed with the round's other events and only then delivered.
TEST_CASE("runner: fills caused by a price tick are delivered only after their commit", "[runner]") {
  World w;
  // ACME bids 64000.00 for 1 BTC; the desk's offer (65032.50) is far above it: it rests.
  const std::vector<Event> placed = w.handle(limit(kAcme, "BID", '1', "1", "64000.00"));
  REQUIRE(names(placed) == std::vector<std::string>{"ER New"});
  const OrderId id = er(placed, 0).order.order_id;
  REQUIRE(w.journal.commit().ok());
  const size_t committed_before = w.journal.committed().size();
  const int64_t btc_before = w.client_balance(kAcme, kBtc);

  // The feed's first step moves BTC/USD to 63900.00: gold's offer 63931.95 reaches the bid.
  ListFeed feed({{kBtcUsd, Price(6390000)}});
  CollectingSink sink(w.journal);
  Runner r(w.ref, w.engine, w.journal, w.clock, &feed, sink, RunnerConfig{});
  r.start();  // the first prices are fed, and their fills committed, before start() returns
  REQUIRE(sink.wait_events(1));
  r.stop();
  const std::vector<CollectingSink::Delivery> ds = sink.deliveries();
  REQUIRE_FALSE(ds.empty());
  const std::vector<Event> ev = sink.events();
  REQUIRE(ev.size() == 1);
  const ExecReportEvent& fill = er(ev, 0);
  CHECK(fill.kind == ExecKind::kTrade);
  CHECK(fill.order.order_id == id);
  CHECK(fill.order.cl_ord_id == "BID");
  CHECK(fill.last_qty == Qty(100000000));
  CHECK(fill.last_px == Price(6400000));  // the resting order's limit
  CHECK(fill.order.status == OrdStatus::kFilled);
  CHECK_FALSE(fill.internal);
  for (const CollectingSink::Delivery& d : ds) {
    CHECK(d.pending == 0);
    for (size_t i = 0; i < d.durable.size(); ++i) {
      INFO("event " << event_name(d.events[i]));
      CHECK(d.durable[i]);
    }
  }
  CHECK(ds[0].committed == committed_before + 1);  // the fill record, in the same delivery's commit
  CHECK(w.client_balance(kAcme, kBtc) == btc_before + 100000000);
  CHECK(w.held_balance(kAcme, kUsd) == 0);
  CHECK(w.engine.check_invariants() == "");
  CHECK_FALSE(r.halted());
}

TEST_CASE("runner: fills caused by a price tick in a failed commit are never delivered", "[runner]") {
  World w;
  REQUIRE(names(w.handle(limit(kAcme, "BID", '1', "1", "64000.00"))) == std::vector<std::string>{"ER New"});
  REQUIRE(w.journal.commit().ok());
  const size_t committed_before = w.journal.committed().size();

  ListFeed feed({{kBtcUsd, Price(6390000)}});
  CollectingSink sink(w.journal);
  Runner r(w.ref, w.engine, w.journal, w.clock, &feed, sink, RunnerConfig{});
  w.journal.fail_next_commit();
  r.start();  // the fill is made and its commit fails, inside start()
  CHECK(r.halted());
  // A later request shows the runner is alive; the fill is never told.
  REQUIRE(r.submit(request(kAcme, "RQ-AFTER")));
  REQUIRE(sink.wait_events(1));
  r.stop();
  const std::vector<Event> ev = sink.events();
  REQUIRE(ev.size() == 1);
  REQUIRE(std::holds_alternative<QuoteRejectedEvent>(ev[0]));
  CHECK(std::get<QuoteRejectedEvent>(ev[0]).reject.reason == R::kJournalHalted);
  CHECK(w.journal.committed().size() == committed_before);
}

}  // namespace
}  // namespace otc::engine::test
