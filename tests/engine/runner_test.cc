// tests/engine/runner_test.cc: the engine thread: bounded queue, group commit, events
// only after their records are durable, the halt after a failed commit, and market data
// that the timer produces delivered through the sink.
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
    if (const auto* a = std::get_if<OrderAcceptedEvent>(&e)) {
      return has(RecordKind::kOrderAccepted, [&](const JournalRecord& r) { return r.exec_id == a->exec_id; });
    }
    if (const auto* o = std::get_if<OrderRejectedEvent>(&e)) {
      return has(RecordKind::kOrderRejected, [&](const JournalRecord& r) { return r.exec_id == o->exec_id; });
    }
    if (const auto* f = std::get_if<FilledEvent>(&e)) {
      return has(RecordKind::kFill, [&](const JournalRecord& r) { return r.exec_id == f->exec_id; });
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

TEST_CASE("runner: start() feeds prices; answers leave only after their commit", "[runner]") {
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
  REQUIRE(std::holds_alternative<OrderAcceptedEvent>(ev[1]));
  REQUIRE(std::holds_alternative<FilledEvent>(ev[2]));
  CHECK(std::get<FilledEvent>(ev[2]).last_px == Price(6503250));
  for (const CollectingSink::Delivery& d : sink.deliveries()) {
    CHECK(d.pending == 0);
    for (size_t i = 0; i < d.durable.size(); ++i) {
      INFO("event " << event_name(d.events[i]));
      CHECK(d.durable[i]);
    }
  }
  CHECK(sink.deliveries().size() == 2);
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
    committed += want_sizes[i];  // one quote record per request, committed before delivery
    CHECK(ds[i].committed == committed);
    CHECK(ds[i].pending == 0);
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
  const std::vector<std::string> want = {"QuotedEvent",        "OrderAcceptedEvent",       "FilledEvent",
                                         "OrderRejectedEvent", "QuoteRejectedEvent",       "OrderAcceptedEvent",
                                         "FilledEvent",        "QuotedEvent",              "OrderRejectedEvent",
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
  for (const CollectingSink::Delivery& d : sink.deliveries()) {
    CHECK(d.pending == 0);
    for (size_t i = 0; i < d.durable.size(); ++i) {
      INFO("event " << event_name(d.events[i]));
      CHECK(d.durable[i]);
    }
  }
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
  CHECK(got == std::vector<std::string>{"QuoteRejectedEvent", "OrderNotTakenEvent", "OrderNotTakenEvent"});
  REQUIRE(ev.size() == 3);
  const auto& qr = std::get<QuoteRejectedEvent>(ev[0]);
  CHECK(qr.reject.reason == R::kJournalHalted);
  CHECK(qr.quote_req_id == "RQ-LOST");
  const auto& n1 = std::get<OrderNotTakenEvent>(ev[1]);
  CHECK(n1.reject.reason == R::kJournalHalted);
  CHECK(n1.cl_ord_id == "FILL");
  const auto& n2 = std::get<OrderNotTakenEvent>(ev[2]);
  CHECK(n2.reject.reason == R::kJournalHalted);
  CHECK(n2.cl_ord_id == "BAD");
  CHECK(r.halted());
  CHECK(r.halt_reason().find("injected") != std::string::npos);
  CHECK(w.journal.halted());
  CHECK(w.journal.committed().size() == committed_before);

  // Later requests: one kJournalHalted answer each, nothing recorded, no crash.
  REQUIRE(r.submit(request(kAcme, "RQ-AFTER")));
  REQUIRE(r.submit(w.order_for(q2, Side::kBuy, "AFTER")));
  REQUIRE(sink.wait_events(5));
  r.stop();
  ev = sink.events();
  REQUIRE(ev.size() == 5);
  REQUIRE(std::holds_alternative<QuoteRejectedEvent>(ev[3]));
  CHECK(std::get<QuoteRejectedEvent>(ev[3]).reject.reason == R::kJournalHalted);
  CHECK(std::get<QuoteRejectedEvent>(ev[3]).quote_req_id == "RQ-AFTER");
  REQUIRE(std::holds_alternative<OrderNotTakenEvent>(ev[4]));
  CHECK(std::get<OrderNotTakenEvent>(ev[4]).reject.reason == R::kJournalHalted);
  CHECK(std::get<OrderNotTakenEvent>(ev[4]).cl_ord_id == "AFTER");
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

}  // namespace
}  // namespace otc::engine::test
