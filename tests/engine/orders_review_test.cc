// tests/engine/orders_review_test.cc: regressions from the review of the order engine:
// each case pins a defect found (and fixed) so it cannot come back. Restarts are modelled by
// a second engine started from the first one's committed records, recovered the way
// SqliteJournal::load() does (latest order record per order, ClOrdIDs, recent fills).
#include "engine/engine.h"
#include "engine/runner.h"

#include <catch2/catch.hpp>

#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/engine/orders_fixture.h"

namespace otc::engine::test {
namespace {

using namespace ord;
using ledger::JournalRecord;
using ledger::RecordKind;
constexpr char kBuy = '1';
constexpr char kSell = '2';

struct Second {
  ReferenceData ref;
  ManualClock clock;
  ledger::MemoryJournal journal;
  ledger::Ledger ledger{&journal};
  Engine engine{ref, clock, ledger, journal};
  otc::Status started = Ok{};
  Second(World& first, std::function<void(ReferenceData&)> tweak = {})
      : ref(World::make_ref(tweak)), clock(first.clock.now()) {
    REQUIRE(first.journal.commit().ok());
    ledger::RecoveredState state = recover(first.journal.committed());
    for (const ledger::Account& a : first.ledger.accounts()) {
      state.accounts.push_back(ledger::RestoredAccount{a, first.ledger.balance(a.id)});
    }
    REQUIRE(ledger.restore(state.accounts, state.last_transfer_id).ok());
    started = engine.start(state);
  }
};

std::string dump(const std::vector<Event>& out) {
  std::string s;
  for (const Event& e : out) {
    s += event_name(e);
    if (const auto* x = std::get_if<ExecReportEvent>(&e)) s += "(" + x->order.cl_ord_id + ")";
    if (const auto* x = std::get_if<OrderRejectedEvent>(&e)) s += "(" + std::string(reject_name(x->reject.reason)) + ": " + x->reject.detail + ")";
    if (const auto* x = std::get_if<CancelRejectedEvent>(&e)) s += "(" + std::string(reject_name(x->reject.reason)) + ": " + x->reject.detail + ")";
    s += "; ";
  }
  return s;
}

// An order's earlier ClOrdIDs still name it after a restart ("a status request names any
// ClOrdID the order had"): they are in its journaled snapshot.
TEST_CASE("review: after a restart, status by a replaced order's original ClOrdID still answers", "[orders][review]") {
  World first;
  first.handle(limit_order(kAcme, "A1", kBuy, "1", "64000.00", kTifGtc));
  first.handle(replace_order(kAcme, "A1b", "A1", kBuy, "1", "63900.00"));
  std::vector<Event> before = first.handle(status_request(kAcme, "A1", kBuy));
  INFO("before restart: " << dump(before));
  REQUIRE(std::holds_alternative<ExecReportEvent>(before.at(0)));
  Second s(first);
  REQUIRE(s.started.ok());
  std::vector<Event> after;
  s.engine.handle(status_request(kAcme, "A1", kBuy), &after);
  INFO("after restart: " << dump(after));
  REQUIRE(std::holds_alternative<ExecReportEvent>(after.at(0)));
  CHECK(std::get<ExecReportEvent>(after.at(0)).order.cl_ord_id == "A1b");
  // A cancel naming the old ClOrdID is told the order's current one.
  std::vector<Event> cxl;
  s.engine.handle(cancel_order(kAcme, "K1", "A1", kBuy), &cxl);
  REQUIRE(std::holds_alternative<CancelRejectedEvent>(cxl.at(0)));
  CHECK_THAT(std::get<CancelRejectedEvent>(cxl.at(0)).reject.detail, Catch::Contains("now 'A1b'"));
}

// An order keeps the fee rate it was accepted with: a config change of the tier's fee (or
// the client's tier) does not stop the gateway from starting, and the order's hold still
// covers its fills at the old rate.
TEST_CASE("review: changing a tier fee with an open buy order: restart keeps the order's rate", "[orders][review]") {
  World first;
  first.handle(limit_order(kBeta, "B1", kBuy, "1", "64000.00", kTifGtc));
  const int64_t fee_before = first.engine.find_order(OrderId(1))->fee_cbps;
  Second s(first, [](ReferenceData& r) { r.tiers[r.clients[kBeta.value].tier].fee_cbps = 200; });
  INFO((s.started.ok() ? std::string("ok") : s.started.reject().detail));
  REQUIRE(s.started.ok());
  CHECK(s.engine.find_order(OrderId(1))->fee_cbps == fee_before);
  CHECK(s.engine.check_invariants() == "");
}

// Cancel and replace requests use up ClOrdIDs within the per-client cap like orders do.
TEST_CASE("review: cancel requests respect cl_ord_ids_per_client_max", "[orders][review]") {
  World::Options o;
  o.tweak = [](ReferenceData& r) { r.limits.cl_ord_ids_per_client_max = 3; };
  World w(o);
  size_t unknown = 0;
  size_t limited = 0;
  for (int i = 0; i < 50; ++i) {
    auto out = w.handle(cancel_order(kAcme, "X" + std::to_string(i), "nope", kBuy));
    const auto* c = std::get_if<CancelRejectedEvent>(&out.at(0));
    REQUIRE(c != nullptr);
    if (c->reject.reason == R::kUnknownOrder) ++unknown;
    if (c->reject.reason == R::kClOrdIdLimit) ++limited;
  }
  CHECK(unknown == 3);
  CHECK(limited == 47);
  // The refused ClOrdIDs are not journaled as used.
  REQUIRE(w.journal.commit().ok());
  size_t indexed = 0;
  for (const JournalRecord& r : w.journal.committed()) {
    if (r.kind == RecordKind::kCancelRejected && !r.cl_ord_id.empty()) ++indexed;
  }
  CHECK(indexed == 3);
}

// A replace of a partly filled buy is checked on what the order still pays, computed on
// its cumulative value as fills are: never refused for a rounding unit.
TEST_CASE("review: replace of a partly filled buy is not refused for rounding", "[orders][review]") {
  World w;
  auto a = w.handle(limit_order(kAcme, "A1", kBuy, "0.0002", "64050.00", kTifGtc));
  INFO(dump(a));
  w.clock.advance_us(3000000);  // the desk's price is stale: only internal matching
  auto b = w.handle(limit_order(kBeta, "B1", kSell, "0.0001", "64050.00", kTifIoc));
  INFO(dump(b));
  const Order* o = w.engine.find_order(OrderId(1));
  REQUIRE(o != nullptr);
  REQUIRE(o->cum.value == btc("0.0001"));
  auto r = w.handle(replace_order(kAcme, "A1b", "A1", kBuy, "0.0002", "64150.00"));
  INFO(dump(r));
  REQUIRE(std::holds_alternative<ExecReportEvent>(r.at(0)));
  CHECK(std::get<ExecReportEvent>(r.at(0)).kind == ExecKind::kReplaced);
  CHECK(w.engine.check_invariants() == "");
}

// Cancel-on-disconnect orders rebuilt at start-up are canceled before the first price can
// fill them: the core submits their SessionEndedCmd before Runner::start, which handles
// queued commands before feeding prices.
class ListFeed final : public PriceSource {
 public:
  explicit ListFeed(std::vector<std::pair<InstrumentId, Price>> p) : p_(std::move(p)) {}
  std::vector<PriceTick> step(TimeUs now) override {
    std::vector<PriceTick> out;
    for (const auto& [i, px] : p_) out.push_back(PriceTick{i, px, now});
    return out;
  }

 private:
  std::vector<std::pair<InstrumentId, Price>> p_;
};
class Sink final : public EventSink {
 public:
  void deliver(const std::vector<Event>& ev) override {
    std::lock_guard<std::mutex> l(mu);
    all.insert(all.end(), ev.begin(), ev.end());
    cv.notify_all();
  }
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Event> all;
};

TEST_CASE("review: start-up cancels a cancel-on-disconnect client's rebuilt order before any price", "[orders][review]") {
  World::Options opt;
  opt.tweak = [](ReferenceData& r) { r.clients[kBeta.value].cancel_on_disconnect = true; };
  World first(opt);
  first.handle(limit_order(kBeta, "B1", kBuy, "1", "64000.00", kTifGtc));  // rests (offer ~65065)
  Second s(first, opt.tweak);
  REQUIRE(s.started.ok());
  ListFeed feed({{kBtcUsd, Price(6390000)}});  // the feed's first price: 63900.00 would fill it
  Sink sink;
  Runner r(s.ref, s.engine, s.journal, s.clock, &feed, sink, RunnerConfig{});
  REQUIRE(r.submit_control(SessionEndedCmd{kBeta}));  // as CoreImpl::start() does
  r.start();
  {
    std::unique_lock<std::mutex> l(sink.mu);
    sink.cv.wait_for(l, std::chrono::seconds(5), [&] { return sink.all.size() >= 1; });
  }
  r.stop();
  INFO(dump(sink.all));
  bool traded = false;
  bool canceled = false;
  for (const Event& e : sink.all) {
    if (const auto* x = std::get_if<ExecReportEvent>(&e)) {
      traded = traded || x->kind == ExecKind::kTrade;
      canceled = canceled || (x->kind == ExecKind::kCanceled && x->order.cl_ord_id == "B1");
    }
  }
  CHECK(canceled);
  CHECK_FALSE(traded);
}

// After internal fills, the desk's part of an order is priced for what is left to fill
// (min(remaining, desk size)), not for the whole order.
TEST_CASE("review: the desk leg after internal fills is priced for the remaining size", "[orders][review]") {
  World w;
  auto a = w.handle(limit_order(kBeta, "B1", kSell, "2", "65010.00", kTifGtc));
  INFO(dump(a));
  auto b = w.handle(limit_order(kAcme, "A1", kBuy, "5", "66000.00", kTifIoc));
  INFO(dump(b));
  const int64_t for3 = desk_px(w.ref, kAcme, Side::kBuy, px("65000.00"), btc("3"), 0);
  const int64_t for5 = desk_px(w.ref, kAcme, Side::kBuy, px("65000.00"), btc("5"), 0);
  REQUIRE(for3 != for5);  // the 5 BTC price carries a size-band add-on: the case tells them apart
  int desk_legs = 0;
  for (const Event& e : b) {
    if (const auto* x = std::get_if<ExecReportEvent>(&e); x && x->kind == ExecKind::kTrade && !x->internal) {
      ++desk_legs;
      CHECK(x->last_qty.value == btc("3"));
      CHECK(x->last_px.value == for3);
    }
  }
  CHECK(desk_legs == 1);
  CHECK(w.engine.check_invariants() == "");
}

}  // namespace
}  // namespace otc::engine::test
