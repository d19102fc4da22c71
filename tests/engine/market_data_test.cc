// tests/engine/market_data_test.cc: streaming market data through Engine::handle.
//
// Snapshots ('0') and subscriptions ('1'): a snapshot's rungs are price_for() per ladder
// size for the client's tier and the desk's position (checked against the fixture's
// md_ladder_for, against hand-computed numbers, and against what a quote of that size
// gives); after a subscription's first snapshot, an update leaves only on TimerCmd, only
// when the client's ladder changed, at most once per md_min_interval_ms per subscription
// and instrument, and never on a stale price. Unsubscribe ('2'), SessionEndedCmd and the
// limits. Rejections themselves are rows of the scenario table in engine_test.cc.
//
// Numbers (conf/otcgw.toml): BTC/USD ladder 0.1, 1, 5, 20 BTC; at 65000.00 the notional
// at mid puts 5 BTC in the +2 bp band and 20 BTC in the +5 bp band. Gold 5 bp, silver
// 10 bp, bronze 25 bp half-spread; md_min_interval_ms 250; price_age_max_ms 2000.
#include "engine/engine.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/engine/fixture.h"

namespace otc::engine::test {
namespace {

using R = RejectReason;

constexpr int64_t kIntervalUs = 250'000;    // md_min_interval_ms
constexpr int64_t kPriceAgeUs = 2'000'000;  // price_age_max_ms

MdRung rung(int64_t qty, std::optional<int64_t> bid, std::optional<int64_t> offer) {
  return MdRung{Qty(qty), bid ? std::optional<Price>(Price(*bid)) : std::nullopt,
                offer ? std::optional<Price>(Price(*offer)) : std::nullopt};
}

constexpr int64_t kSat = 100'000'000;  // satoshi per BTC

// Gold (ACME) BTC/USD at 65000.00, desk flat: 500 cbps, 700 from 5 BTC, 1000 at 20 BTC.
const std::vector<MdRung> kGoldBtcUsd = {rung(kSat / 10, 6496750, 6503250), rung(kSat, 6496750, 6503250),
                                         rung(5 * kSat, 6495450, 6504550), rung(20 * kSat, 6493500, 6506500)};
// Silver (BETA): 1000, 1200, 1500 cbps.
const std::vector<MdRung> kSilverBtcUsd = {rung(kSat / 10, 6493500, 6506500), rung(kSat, 6493500, 6506500),
                                           rung(5 * kSat, 6492200, 6507800), rung(20 * kSat, 6490250, 6509750)};
// Bronze (GAMMA): 2500, 2700, 3000 cbps.
const std::vector<MdRung> kBronzeBtcUsd = {rung(kSat / 10, 6483750, 6516250), rung(kSat, 6483750, 6516250),
                                           rung(5 * kSat, 6482450, 6517550), rung(20 * kSat, 6480500, 6519500)};

// The request's answers: all of them market data snapshots.
std::vector<MarketDataEvent> snapshots(World& w, const MarketDataRequestCmd& m) {
  const std::vector<Event> out = w.handle(m);
  for (const Event& e : out) {
    const auto* r = std::get_if<MarketDataRejectedEvent>(&e);
    INFO("got " << event_name(e)
                << (r ? " " + std::string(reject_name(r->reject.reason)) + ": " + r->reject.detail : ""));
    REQUIRE(std::holds_alternative<MarketDataEvent>(e));
  }
  return md_events(out);
}

// The one reject the request gets.
RejectReason md_reject(World& w, const MarketDataRequestCmd& m) {
  const std::vector<Event> out = w.handle(m);
  REQUIRE(out.size() == 1);
  INFO("got " << event_name(out[0]));
  REQUIRE(std::holds_alternative<MarketDataRejectedEvent>(out[0]));
  const auto& r = std::get<MarketDataRejectedEvent>(out[0]);
  CHECK(r.md_req_id == m.md_req_id);
  CHECK(r.client == m.client);
  return r.reject.reason;
}

// TimerCmd's answers: all market data.
std::vector<MarketDataEvent> timer(World& w) {
  const std::vector<Event> out = w.handle(TimerCmd{});
  for (const Event& e : out) {
    INFO("got " << event_name(e));
    REQUIRE(std::holds_alternative<MarketDataEvent>(e));
  }
  return md_events(out);
}

void check_event(const MarketDataEvent& e, ClientId c, const std::string& id, InstrumentId inst, TimeUs ts) {
  CHECK(e.client == c);
  CHECK(e.md_req_id == id);
  CHECK(e.instrument == inst);
  CHECK(e.ts == ts);
}

// ---- Snapshots ----------------------------------------------------------------------

TEST_CASE("md: a snapshot of the whole ladder is price_for() per size, for each tier and instrument", "[md]") {
  World w;
  for (ClientId c : {kAcme, kBeta, kGamma}) {
    for (const InstrumentSpec& inst : w.ref.instruments) {
      INFO("client " << w.ref.client(c).code << ", " << inst.symbol);
      const std::vector<MarketDataEvent> s = snapshots(w, md_request(c, "SNAP", '0', {inst.symbol}));
      REQUIRE(s.size() == 1);
      check_event(s[0], c, "SNAP", inst.id, kStart);
      REQUIRE(s[0].rungs.size() == inst.md_ladder.size());
      CHECK(s[0].rungs == w.md_ladder_for(c, inst.id));
      for (size_t k = 0; k < inst.md_ladder.size(); ++k) {
        CHECK(s[0].rungs[k].qty == inst.md_ladder[k]);
        CHECK(s[0].rungs[k].bid.has_value());
        CHECK(s[0].rungs[k].offer.has_value());
      }
    }
  }
  // By hand, BTC/USD at 65000.00.
  CHECK(snapshots(w, md_request(kAcme, "G", '0', {"BTC/USD"})).at(0).rungs == kGoldBtcUsd);
  CHECK(snapshots(w, md_request(kBeta, "S", '0', {"BTC/USD"})).at(0).rungs == kSilverBtcUsd);
  CHECK(snapshots(w, md_request(kGamma, "B", '0', {"BTC/USD"})).at(0).rungs == kBronzeBtcUsd);
  // Market data is session state: nothing journaled, no quote made.
  CHECK(w.journal.pending() == 0);
  CHECK(w.engine.rfq_book().live_count() == 0);
}

TEST_CASE("md: each rung is what a quote of that size gives the client", "[md]") {
  World w;
  for (ClientId c : {kAcme, kBeta, kGamma}) {
    for (const InstrumentSpec& inst : w.ref.instruments) {
      const std::vector<MarketDataEvent> s = snapshots(w, md_request(c, "SNAP", '0', {inst.symbol}));
      REQUIRE(s.size() == 1);
      for (const MdRung& r : s[0].rungs) {
        const std::string qty = format_qty(w.ref, inst, r.qty);
        INFO("client " << w.ref.client(c).code << ", " << inst.symbol << " " << qty);
        CHECK(w.quote(c, inst.symbol, '2', qty).bid == r.bid);
        CHECK(w.quote(c, inst.symbol, '1', qty).offer == r.offer);
      }
    }
  }
}

TEST_CASE("md: MarketDepth N gives the first N sizes; entry types choose the sides", "[md]") {
  World w;
  struct Case {
    int depth;
    std::string entries;
    size_t rungs;
    bool bids, offers;
  };
  const std::vector<Case> cases = {
      {0, "01", 4, true, true},  {0, "10", 4, true, true}, {2, "01", 2, true, true},    {1, "01", 1, true, true},
      {4, "01", 4, true, true},  {5, "01", 4, true, true}, {1000, "01", 4, true, true}, {2, "0", 2, true, false},
      {0, "0", 4, true, false},  {2, "1", 2, false, true}, {0, "1", 4, false, true},    {2, "00", 2, true, false},
      {2, "110", 2, true, true},
  };
  for (const Case& k : cases) {
    INFO("MarketDepth " << k.depth << ", entry types '" << k.entries << "'");
    const std::vector<MarketDataEvent> s = snapshots(w, md_request(kAcme, "D", '0', {"BTC/USD"}, k.depth, k.entries));
    REQUIRE(s.size() == 1);
    REQUIRE(s[0].rungs.size() == k.rungs);
    CHECK(s[0].rungs == w.md_ladder_for(kAcme, kBtcUsd, k.depth, k.bids, k.offers));
    for (size_t i = 0; i < k.rungs; ++i) {
      CHECK(s[0].rungs[i].qty == kGoldBtcUsd[i].qty);
      CHECK(s[0].rungs[i].bid == (k.bids ? kGoldBtcUsd[i].bid : std::nullopt));
      CHECK(s[0].rungs[i].offer == (k.offers ? kGoldBtcUsd[i].offer : std::nullopt));
    }
  }
  // MDUpdateType 0 (full refresh) is taken as well as absent.
  const std::vector<MarketDataEvent> s = snapshots(w, md_request(kAcme, "U", '0', {"BTC/USD"}, 2, "1", 0));
  REQUIRE(s.size() == 1);
  CHECK(s[0].rungs == std::vector<MdRung>{rung(kSat / 10, std::nullopt, 6503250), rung(kSat, std::nullopt, 6503250)});
}

TEST_CASE("md: the ladder follows the desk position (inventory skew)", "[md]") {
  World w;
  REQUIRE(snapshots(w, md_request(kAcme, "BEFORE", '0', {"BTC/USD"})).at(0).rungs == kGoldBtcUsd);
  const QuotedEvent big = w.quote(kAcme, "BTC/USD", '1', "10");
  REQUIRE(w.handle(w.order_for(big, Side::kBuy)).size() == 2);
  REQUIRE(w.desk_balance(kBtc) == -10 * kSat);  // short 10 BTC: skew -200 cbps, prices up
  const std::vector<MarketDataEvent> s = snapshots(w, md_request(kAcme, "AFTER", '0', {"BTC/USD"}));
  REQUIRE(s.size() == 1);
  CHECK(s[0].rungs == w.md_ladder_for(kAcme, kBtcUsd));
  // 6500000 * (1e6 -/+ spread + 200) / 1e6.
  CHECK(s[0].rungs == std::vector<MdRung>{rung(kSat / 10, 6498050, 6504550), rung(kSat, 6498050, 6504550),
                                          rung(5 * kSat, 6496750, 6505850), rung(20 * kSat, 6494800, 6507800)});
}

TEST_CASE("md: a side whose notional rounds to zero is left out of its rung", "[md]") {
  World::Options o;
  o.tweak = [](ReferenceData& r) { r.instruments[kEthBtc.value].md_ladder = {Qty(1'000'000), Qty(1'000'000'000)}; };
  World w(o);
  // ETH/BTC at 0.000002, gold: bid 0.000001, offer 0.000003. Selling 0.001 ETH at the bid
  // pays 0.1 sat (rounded down: 0): no bid; buying costs 0.3 sat (rounded up: 1).
  w.tick(kEthBtc, "0.000002");
  const std::vector<MarketDataEvent> s = snapshots(w, md_request(kAcme, "E", '0', {"ETH/BTC"}));
  REQUIRE(s.size() == 1);
  CHECK(s[0].rungs == std::vector<MdRung>{rung(1'000'000, std::nullopt, 3), rung(1'000'000'000, 1, 3)});
  CHECK(s[0].rungs == w.md_ladder_for(kAcme, kEthBtc));
  // At 0.000001 no bid is positive at all.
  w.tick(kEthBtc, "0.000001");
  const std::vector<MarketDataEvent> t = snapshots(w, md_request(kAcme, "E", '0', {"ETH/BTC"}));
  REQUIRE(t.size() == 1);
  CHECK(t[0].rungs == std::vector<MdRung>{rung(1'000'000, std::nullopt, 2), rung(1'000'000'000, std::nullopt, 2)});
}

TEST_CASE("md: a snapshot of several instruments, in request order, each once", "[md]") {
  World w;
  const std::vector<std::string> syms = {"EUR/USD", "BTC/USD", "ETH/USD", "BTC/USD"};
  const std::vector<MarketDataEvent> s = snapshots(w, md_request(kBeta, "MULTI", '0', syms));
  REQUIRE(s.size() == 3);
  CHECK(s[0].instrument == kEurUsd);
  CHECK(s[1].instrument == kBtcUsd);
  CHECK(s[2].instrument == kEthUsd);
  for (const MarketDataEvent& e : s) CHECK(e.rungs == w.md_ladder_for(kBeta, e.instrument));
  // Silver EUR/USD 1 bp on 100000 EUR at 1.08500: 1.08489 / 1.08511.
  CHECK(s[0].rungs.at(0) == rung(10'000'000, 108489, 108511));
  // At the limit of 16 instruments per request (duplicates counted): every instrument once.
  std::vector<std::string> sixteen;
  for (const InstrumentSpec& i : w.ref.instruments) sixteen.push_back(i.symbol);
  while (sixteen.size() < 16) sixteen.push_back("GBP/USD");
  const std::vector<MarketDataEvent> all = snapshots(w, md_request(kAcme, "ALL", '0', sixteen));
  REQUIRE(all.size() == w.ref.instruments.size());
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].instrument == w.ref.instruments[i].id);
}

TEST_CASE("md: a snapshot needs a fresh price: price_age_max_ms old is fresh, 1 us more is not", "[md]") {
  World w;
  w.clock.advance_us(kPriceAgeUs);
  CHECK(snapshots(w, md_request(kAcme, "S", '0', {"BTC/USD"})).size() == 1);
  w.clock.advance_us(1);
  CHECK(md_reject(w, md_request(kAcme, "S", '0', {"BTC/USD"})) == R::kNoReferencePrice);
}

TEST_CASE("md: a snapshot starts no subscription", "[md]") {
  World::Options o;
  o.tweak = [](ReferenceData& r) { r.limits.md_subscriptions_per_client_max = 1; };
  World w(o);
  REQUIRE(snapshots(w, md_request(kAcme, "SNAP", '0', {"BTC/USD"})).size() == 1);
  w.clock.advance_us(1'000'000);
  w.tick(kBtcUsd, "65100.00");
  CHECK(timer(w).empty());
  CHECK(md_reject(w, md_unsubscribe(kAcme, "SNAP")) == R::kMdUnknownReqId);
  // Nor does it count against the limit of 1.
  CHECK(snapshots(w, md_request(kAcme, "SUB", '1', {"BTC/USD"})).size() == 1);
  CHECK(snapshots(w, md_request(kAcme, "SNAP2", '0', {"BTC/USD"})).size() == 1);
}

// ---- Subscriptions ------------------------------------------------------------------

TEST_CASE("md: subscribe gives a snapshot at once; a price change streams only at the next TimerCmd", "[md]") {
  World w;
  const std::vector<MarketDataEvent> first = snapshots(w, md_request(kAcme, "SUB", '1', {"BTC/USD"}, 0, "01", 0));
  REQUIRE(first.size() == 1);
  check_event(first[0], kAcme, "SUB", kBtcUsd, kStart);
  CHECK(first[0].rungs == kGoldBtcUsd);
  CHECK(timer(w).empty());  // nothing moved
  CHECK(w.journal.pending() == 0);

  w.clock.advance_us(1'000'000);
  std::vector<Event> out;
  w.engine.handle(PriceTickCmd{PriceTick{kBtcUsd, Price(6510000), w.clock.now()}}, &out);
  CHECK(out.empty());  // a tick answers nothing, ever
  const std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 1);
  check_event(upd[0], kAcme, "SUB", kBtcUsd, w.clock.now());
  CHECK(upd[0].rungs == w.md_ladder_for(kAcme, kBtcUsd));
  CHECK(upd[0].rungs.at(0) == rung(kSat / 10, 6506745, 6513255));  // 65100.00 * (1 -/+ 0.0005)
  CHECK(timer(w).empty());                                         // sent once
  // A tick at the same mid (a newer timestamp) does not change the ladder: nothing.
  w.clock.advance_us(1'000'000);
  w.tick(kBtcUsd, "65100.00");
  CHECK(timer(w).empty());
  // Nor does a tick of an instrument the subscription does not name.
  w.tick(kEthUsd, "3300.00");
  CHECK(timer(w).empty());
}

TEST_CASE("md: a move that does not change the client's ladder streams nothing", "[md]") {
  World w;
  // A tick at the same mid, newer: nothing.
  REQUIRE(snapshots(w, md_request(kAcme, "SUB", '1', {"EUR/USD"}, 1)).size() == 1);
  w.clock.advance_us(1'000'000);
  w.tick(kEurUsd, Price(108500));
  CHECK(timer(w).empty());
  // BTC/USD 0.1 BTC, gold, mid 65000.00 -> 65000.01: the bid floor(64967.509995) stays
  // 64967.50, the offer ceil(65032.510005) moves to 65032.52. A bids-only ladder did not
  // change: nothing.
  REQUIRE(snapshots(w, md_request(kAcme, "BIDS", '1', {"BTC/USD"}, 1, "0")).size() == 1);
  w.clock.advance_us(1'000'000);
  w.tick(kBtcUsd, "65000.01");
  CHECK(timer(w).empty());
  REQUIRE(snapshots(w, md_request(kAcme, "OFFERS", '1', {"BTC/USD"}, 1, "1")).at(0).rungs ==
          std::vector<MdRung>{rung(kSat / 10, std::nullopt, 6503252)});
  // 65000.02: bid floor(64967.519990) = 64967.51 and offer 65032.53: both ladders move.
  w.clock.advance_us(1'000'000);
  w.tick(kBtcUsd, "65000.02");
  const std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 2);
  CHECK(upd[0].md_req_id == "BIDS");
  CHECK(upd[0].rungs == std::vector<MdRung>{rung(kSat / 10, 6496751, std::nullopt)});
  CHECK(upd[1].md_req_id == "OFFERS");
  CHECK(upd[1].rungs == std::vector<MdRung>{rung(kSat / 10, std::nullopt, 6503253)});
}

TEST_CASE("md: updates are throttled to md_min_interval_ms; the held one carries the latest price", "[md]") {
  World w;
  REQUIRE(snapshots(w, md_request(kAcme, "SUB", '1', {"BTC/USD"})).size() == 1);  // at kStart
  w.clock.advance_us(100'000);
  w.tick(kBtcUsd, "65100.00");
  const std::vector<MdRung> intermediate = w.md_ladder_for(kAcme, kBtcUsd);
  CHECK(timer(w).empty());  // 100 ms after the last one sent
  w.clock.advance_us(100'000);
  w.tick(kBtcUsd, "65200.00");
  const std::vector<MdRung> latest = w.md_ladder_for(kAcme, kBtcUsd);
  REQUIRE(latest != intermediate);
  CHECK(timer(w).empty());  // 200 ms
  w.clock.set(TimeUs(kStart.value + kIntervalUs - 1));
  CHECK(timer(w).empty());  // 249.999 ms
  w.clock.set(TimeUs(kStart.value + kIntervalUs));
  std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 1);
  check_event(upd[0], kAcme, "SUB", kBtcUsd, TimeUs(kStart.value + kIntervalUs));
  CHECK(upd[0].rungs == latest);
  CHECK(timer(w).empty());

  // The interval runs from the last update sent (at 250 ms).
  w.clock.advance_us(1);
  w.tick(kBtcUsd, "65300.00");
  w.clock.set(TimeUs(kStart.value + 2 * kIntervalUs - 1));
  CHECK(timer(w).empty());
  w.clock.set(TimeUs(kStart.value + 2 * kIntervalUs));
  upd = timer(w);
  REQUIRE(upd.size() == 1);
  CHECK(upd[0].rungs == w.md_ladder_for(kAcme, kBtcUsd));

  // Long after the last update a change is not held back.
  w.clock.advance_us(10'000'000);
  w.tick(kBtcUsd, "65400.00");
  upd = timer(w);
  REQUIRE(upd.size() == 1);
  CHECK(upd[0].rungs == w.md_ladder_for(kAcme, kBtcUsd));

  // A move that comes back before the interval ends: the ladder sent last is the ladder
  // now, so nothing is sent.
  w.clock.advance_us(1'000);
  w.tick(kBtcUsd, "65500.00");
  w.tick(kBtcUsd, "65400.00");
  w.clock.advance_us(kIntervalUs);
  CHECK(timer(w).empty());
}

// "A B ETH/USD": client code, MDReqID, instrument; sorted.
std::vector<std::string> who(const World& w, const std::vector<MarketDataEvent>& v) {
  std::vector<std::string> got;
  for (const MarketDataEvent& e : v) {
    got.push_back(w.ref.client(e.client).code + " " + e.md_req_id + " " + w.ref.instrument(e.instrument).symbol);
  }
  std::sort(got.begin(), got.end());
  return got;
}

TEST_CASE("md: one update per subscription and instrument, each throttled on its own", "[md]") {
  World w;
  REQUIRE(snapshots(w, md_request(kAcme, "A", '1', {"BTC/USD"})).size() == 1);
  REQUIRE(snapshots(w, md_request(kAcme, "B", '1', {"BTC/USD", "ETH/USD"})).size() == 2);
  REQUIRE(snapshots(w, md_request(kBeta, "A", '1', {"ETH/USD"})).size() == 1);
  using V = std::vector<std::string>;
  // 300 ms: BTC/USD moves twice; one update per subscription naming it, at the last mid.
  w.clock.advance_us(300'000);
  w.tick(kBtcUsd, "65100.00");
  w.tick(kBtcUsd, "65200.00");
  std::vector<MarketDataEvent> upd = timer(w);
  CHECK(who(w, upd) == V{"ACME A BTC/USD", "ACME B BTC/USD"});
  for (const MarketDataEvent& e : upd) CHECK(e.rungs == w.md_ladder_for(e.client, e.instrument));
  // 400 ms: ETH/USD moves; its last update was the snapshot at 0.
  w.clock.advance_us(100'000);
  w.tick(kEthUsd, "3210.00");
  upd = timer(w);
  CHECK(who(w, upd) == V{"ACME B ETH/USD", "BETA A ETH/USD"});
  for (const MarketDataEvent& e : upd) CHECK(e.rungs == w.md_ladder_for(e.client, e.instrument));
  // 450 ms: both move; both held (BTC/USD 150 ms, ETH/USD 50 ms after their updates).
  w.clock.advance_us(50'000);
  w.tick(kBtcUsd, "65300.00");
  w.tick(kEthUsd, "3220.00");
  CHECK(timer(w).empty());
  // 550 ms: BTC/USD's 250 ms have passed, ETH/USD's have not, in the same subscription B.
  w.clock.advance_us(100'000);
  CHECK(who(w, timer(w)) == V{"ACME A BTC/USD", "ACME B BTC/USD"});
  // 649.999 ms: still not; 650 ms: ETH/USD.
  w.clock.advance_us(99'999);
  CHECK(timer(w).empty());
  w.clock.advance_us(1);
  upd = timer(w);
  CHECK(who(w, upd) == V{"ACME B ETH/USD", "BETA A ETH/USD"});
  for (const MarketDataEvent& e : upd) CHECK(e.rungs == w.md_ladder_for(e.client, e.instrument));
}

TEST_CASE("md: a multi-instrument subscription snapshots each at once, then each as it moves", "[md]") {
  World w;
  const std::vector<MarketDataEvent> first =
      snapshots(w, md_request(kBeta, "M", '1', {"ETH/USD", "BTC/USD", "EUR/USD", "ETH/USD"}, 2));
  REQUIRE(first.size() == 3);
  CHECK(first[0].instrument == kEthUsd);
  CHECK(first[1].instrument == kBtcUsd);
  CHECK(first[2].instrument == kEurUsd);
  for (const MarketDataEvent& e : first) {
    CHECK(e.rungs.size() == 2);
    CHECK(e.rungs == w.md_ladder_for(kBeta, e.instrument, 2));
  }
  w.clock.advance_us(300'000);
  w.tick(kEurUsd, "1.08600");
  std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 1);
  check_event(upd[0], kBeta, "M", kEurUsd, w.clock.now());
  CHECK(upd[0].rungs == w.md_ladder_for(kBeta, kEurUsd, 2));
}

TEST_CASE("md: a stale price streams nothing; the stream resumes when the price is fresh", "[md]") {
  World w;
  REQUIRE(snapshots(w, md_request(kAcme, "SUB", '1', {"BTC/USD", "ETH/USD"})).size() == 2);
  w.clock.advance_us(1'000);
  w.tick(kBtcUsd, "65100.00");  // moves, but no TimerCmd before it is too old
  w.clock.advance_us(kPriceAgeUs + 1);
  CHECK(timer(w).empty());
  w.clock.advance_us(1'000'000);
  CHECK(timer(w).empty());
  // Fresh again, at another mid: one update, the ladder at that mid.
  w.tick(kBtcUsd, "65200.00");
  std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 1);
  CHECK(upd[0].instrument == kBtcUsd);
  CHECK(upd[0].rungs == w.md_ladder_for(kAcme, kBtcUsd));
  // Exactly price_age_max_ms old still streams.
  w.tick(kBtcUsd, "65300.00");
  w.clock.advance_us(kPriceAgeUs);
  upd = timer(w);
  REQUIRE(upd.size() == 1);
  CHECK(upd[0].rungs == w.md_ladder_for(kAcme, kBtcUsd));
  // Fresh again at the mid last sent: the client's ladder did not change.
  w.clock.advance_us(kPriceAgeUs + 1);
  CHECK(timer(w).empty());
  w.tick(kBtcUsd, "65300.00");
  CHECK(timer(w).empty());
}

TEST_CASE("md: subscribing on a stale or absent price sends nothing until a fresh one", "[md]") {
  World::Options o;
  o.ticks = false;
  World w(o);
  w.tick(kBtcUsd, "65000.00");
  w.tick(kEthUsd, "3200.00");
  w.clock.advance_us(kPriceAgeUs + 1);  // both stale
  w.tick(kEthUsd, "3200.00");           // ETH/USD fresh again; EUR/USD never ticked
  const std::vector<MarketDataEvent> first =
      snapshots(w, md_request(kAcme, "SUB", '1', {"BTC/USD", "ETH/USD", "EUR/USD"}));
  REQUIRE(first.size() == 1);  // a subscription, not a reject: ETH/USD only
  CHECK(first[0].instrument == kEthUsd);
  w.clock.advance_us(1'000'000);
  CHECK(timer(w).empty());
  w.tick(kEurUsd, "1.08500");
  std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 1);
  CHECK(upd[0].instrument == kEurUsd);
  CHECK(upd[0].rungs == w.md_ladder_for(kAcme, kEurUsd));
  w.tick(kBtcUsd, "65000.00");  // the same mid as before, but never sent to this subscription
  upd = timer(w);
  REQUIRE(upd.size() == 1);
  CHECK(upd[0].instrument == kBtcUsd);
  CHECK(upd[0].rungs == kGoldBtcUsd);
  // Every instrument stale: subscribed all the same, nothing sent.
  w.clock.advance_us(kPriceAgeUs + 1);
  CHECK(w.handle(md_request(kBeta, "LATE", '1', {"BTC/USD"})).empty());
  w.tick(kBtcUsd, "65000.00");
  upd = timer(w);
  REQUIRE(upd.size() == 1);
  check_event(upd[0], kBeta, "LATE", kBtcUsd, w.clock.now());
  CHECK(upd[0].rungs == kSilverBtcUsd);
}

TEST_CASE("md: a fill that moves the desk position streams the skewed ladder", "[md]") {
  World w;
  REQUIRE(snapshots(w, md_request(kAcme, "A", '1', {"BTC/USD"})).size() == 1);
  REQUIRE(snapshots(w, md_request(kBeta, "B", '1', {"BTC/USD", "ETH/USD"})).size() == 2);
  const QuotedEvent big = w.quote(kAcme, "BTC/USD", '1', "10");
  w.clock.advance_us(kIntervalUs);
  const std::vector<Event> fill = w.handle(w.order_for(big, Side::kBuy));
  REQUIRE(fill.size() == 2);  // ER New, ER Trade: the ladder follows at the timer
  CHECK(is_er(fill[0], ExecKind::kNew));
  CHECK(is_er(fill[1], ExecKind::kTrade));
  REQUIRE(w.desk_balance(kBtc) == -10 * kSat);
  const std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 2);  // BTC/USD for each subscriber; the desk holds no ETH
  for (const MarketDataEvent& e : upd) {
    CHECK(e.instrument == kBtcUsd);
    CHECK(e.rungs == w.md_ladder_for(e.client, kBtcUsd));
  }
  CHECK(upd[0].client == kAcme);
  CHECK(upd[0].rungs.at(0) == rung(kSat / 10, 6498050, 6504550));  // both sides 13.00 up
  CHECK(upd[1].client == kBeta);
  CHECK(upd[1].rungs.at(0) == rung(kSat / 10, 6494800, 6507800));
}

// A fill moves the desk's position in both assets of its instrument, and the skew of every
// instrument whose BASE asset is one of them changes: a BTC/EUR fill moves BTC/USD; an
// ETH/BTC fill moves ETH/USD (ETH, its base) and BTC/USD (BTC, its quote asset).
// Regression: only instruments sharing the fill's base asset were marked dirty, so after an
// ETH/BTC fill the BTC/USD subscriber kept the old ladder until BTC/USD ticked.
TEST_CASE("md: a fill in another instrument that moves the same desk asset streams the skewed ladder", "[md]") {
  World w;
  REQUIRE(snapshots(w, md_request(kBeta, "B", '1', {"BTC/USD", "ETH/USD"})).size() == 2);
  const std::vector<MdRung> btc_before = w.md_ladder_for(kBeta, kBtcUsd);
  const std::vector<MdRung> eth_before = w.md_ladder_for(kBeta, kEthUsd);
  SECTION("BTC/EUR: the desk sells 10 BTC for EUR") {
    const QuotedEvent q = w.quote(kAcme, "BTC/EUR", '1', "10");
    REQUIRE(w.handle(w.order_for(q, Side::kBuy)).size() == 2);
    REQUIRE(w.desk_balance(kBtc) == -10 * kSat);
    w.clock.advance_us(kIntervalUs);
    REQUIRE(w.md_ladder_for(kBeta, kBtcUsd) != btc_before);  // short 10 BTC: -200 cbps
    const std::vector<MarketDataEvent> upd = timer(w);
    REQUIRE(upd.size() == 1);
    CHECK(upd[0].instrument == kBtcUsd);
    CHECK(upd[0].rungs == w.md_ladder_for(kBeta, kBtcUsd));
  }
  SECTION("ETH/BTC: the desk sells 100 ETH for 4.9025 BTC") {
    const QuotedEvent q = w.quote(kAcme, "ETH/BTC", '1', "100");
    REQUIRE(q.offer == Price(49025));
    REQUIRE(w.handle(w.order_for(q, Side::kBuy)).size() == 2);
    REQUIRE(w.desk_balance(kEth) == -100'000'000'000);  // ETH
    REQUIRE(w.desk_balance(kBtc) == 490'250'000);       // BTC
    w.clock.advance_us(kIntervalUs);
    REQUIRE(w.md_ladder_for(kBeta, kEthUsd) != eth_before);  // short 100 ETH: -100 cbps
    REQUIRE(w.md_ladder_for(kBeta, kBtcUsd) != btc_before);  // long 4.9025 BTC: +98 cbps
    const std::vector<MarketDataEvent> snap = snapshots(w, md_request(kBeta, "NOW", '0', {"BTC/USD"}));
    REQUIRE(snap.size() == 1);
    CHECK(snap[0].rungs == w.md_ladder_for(kBeta, kBtcUsd));  // a snapshot has the new ladder
    const std::vector<MarketDataEvent> upd = timer(w);
    std::vector<std::string> got;
    for (const MarketDataEvent& e : upd) {
      got.push_back(w.ref.instrument(e.instrument).symbol);
      CHECK(e.rungs == w.md_ladder_for(kBeta, e.instrument));
    }
    CHECK(got == std::vector<std::string>{"BTC/USD", "ETH/USD"});  // actual: {"ETH/USD"}
  }
}

TEST_CASE("md: two clients of different tiers see their own ladders, under the same MDReqID", "[md]") {
  World w;
  std::vector<std::vector<MdRung>> eur;
  for (ClientId c : {kAcme, kBeta, kGamma}) {
    const std::vector<MarketDataEvent> s = snapshots(w, md_request(c, "MD", '1', {"BTC/USD", "EUR/USD"}));
    REQUIRE(s.size() == 2);
    CHECK(s[0].client == c);
    CHECK(s[0].rungs == w.md_ladder_for(c, kBtcUsd));
    CHECK(s[1].rungs == w.md_ladder_for(c, kEurUsd));
    eur.push_back(s[1].rungs);
  }
  CHECK(w.md_ladder_for(kAcme, kBtcUsd) == kGoldBtcUsd);
  CHECK(w.md_ladder_for(kBeta, kBtcUsd) == kSilverBtcUsd);
  CHECK(w.md_ladder_for(kGamma, kBtcUsd) == kBronzeBtcUsd);
  // EUR/USD per-instrument spreads: gold 0.5 bp, silver 1 bp, bronze 25 bp (its default).
  CHECK(eur[0].at(0) == rung(10'000'000, 108494, 108506));
  CHECK(eur[1].at(0) == rung(10'000'000, 108489, 108511));
  CHECK(eur[2].at(0) == rung(10'000'000, 108228, 108772));
  w.clock.advance_us(kIntervalUs);
  w.tick(kBtcUsd, "64000.00");
  const std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 3);
  std::set<uint32_t> clients;
  for (const MarketDataEvent& e : upd) {
    CHECK(e.instrument == kBtcUsd);
    CHECK(e.md_req_id == "MD");
    CHECK(e.rungs == w.md_ladder_for(e.client, kBtcUsd));
    clients.insert(e.client.value);
  }
  CHECK(clients.size() == 3);
  CHECK(w.md_ladder_for(kAcme, kBtcUsd) != w.md_ladder_for(kBeta, kBtcUsd));
}

// ---- Unsubscribe, session end, limits ---------------------------------------------------

TEST_CASE("md: unsubscribe stops the updates, gets no answer, and frees the MDReqID", "[md]") {
  World w;
  REQUIRE(snapshots(w, md_request(kAcme, "X", '1', {"BTC/USD", "ETH/USD"})).size() == 2);
  REQUIRE(snapshots(w, md_request(kAcme, "Y", '1', {"BTC/USD"})).size() == 1);
  REQUIRE(snapshots(w, md_request(kBeta, "X", '1', {"BTC/USD"})).size() == 1);
  CHECK(md_reject(w, md_request(kAcme, "X", '1', {"EUR/USD"})) == R::kMdDuplicateReqId);
  CHECK(w.handle(md_unsubscribe(kAcme, "X")).empty());
  w.clock.advance_us(kIntervalUs);
  w.tick(kBtcUsd, "65100.00");
  w.tick(kEthUsd, "3210.00");
  std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 2);  // ACME's Y and BETA's X
  CHECK(upd[0].md_req_id == "Y");
  CHECK(upd[0].client == kAcme);
  CHECK(upd[1].md_req_id == "X");
  CHECK(upd[1].client == kBeta);
  CHECK(md_reject(w, md_unsubscribe(kAcme, "X")) == R::kMdUnknownReqId);
  // The MDReqID is free again: a new subscription, with its own instruments and a snapshot.
  const std::vector<MarketDataEvent> again = snapshots(w, md_request(kAcme, "X", '1', {"EUR/USD"}, 1, "0"));
  REQUIRE(again.size() == 1);
  check_event(again[0], kAcme, "X", kEurUsd, w.clock.now());
  CHECK(again[0].rungs == w.md_ladder_for(kAcme, kEurUsd, 1, true, false));
  w.clock.advance_us(kIntervalUs);
  w.tick(kBtcUsd, "65200.00");
  w.tick(kEthUsd, "3220.00");
  w.tick(kEurUsd, "1.08600");
  CHECK(who(w, timer(w)) == std::vector<std::string>{"ACME X EUR/USD", "ACME Y BTC/USD", "BETA X BTC/USD"});
  // An unsubscribe may carry the request's other fields; they are not looked at.
  CHECK(w.handle(md_request(kAcme, "Y", '2', {"NOPE"}, -1, "9", 1)).empty());
}

TEST_CASE("md: SessionEndedCmd ends all of the client's subscriptions and frees its limit", "[md]") {
  World::Options o;
  o.tweak = [](ReferenceData& r) { r.limits.md_subscriptions_per_client_max = 2; };
  World w(o);
  REQUIRE(snapshots(w, md_request(kAcme, "A", '1', {"BTC/USD"})).size() == 1);
  REQUIRE(snapshots(w, md_request(kAcme, "B", '1', {"ETH/USD", "BTC/USD"})).size() == 2);
  REQUIRE(snapshots(w, md_request(kBeta, "A", '1', {"BTC/USD"})).size() == 1);
  CHECK(md_reject(w, md_request(kAcme, "C", '1', {"EUR/USD"})) == R::kMdSubscriptionsLimit);
  CHECK(w.handle(SessionEndedCmd{kAcme}).empty());
  CHECK(w.handle(SessionEndedCmd{kGamma}).empty());  // no subscriptions: nothing happens
  w.clock.advance_us(kIntervalUs);
  w.tick(kBtcUsd, "65100.00");
  w.tick(kEthUsd, "3210.00");
  std::vector<MarketDataEvent> upd = timer(w);
  REQUIRE(upd.size() == 1);
  check_event(upd[0], kBeta, "A", kBtcUsd, w.clock.now());
  CHECK(md_reject(w, md_unsubscribe(kAcme, "A")) == R::kMdUnknownReqId);
  // The next session starts from zero: both MDReqIDs free, two subscriptions again.
  REQUIRE(snapshots(w, md_request(kAcme, "A", '1', {"BTC/USD"})).size() == 1);
  REQUIRE(snapshots(w, md_request(kAcme, "B", '1', {"ETH/USD"})).size() == 1);
  CHECK(md_reject(w, md_request(kAcme, "C", '1', {"EUR/USD"})) == R::kMdSubscriptionsLimit);
  // A session that ends twice (logout, then the drop) is harmless.
  CHECK(w.handle(SessionEndedCmd{kAcme}).empty());
  CHECK(w.handle(SessionEndedCmd{kAcme}).empty());
  REQUIRE(snapshots(w, md_request(kAcme, "C", '1', {"EUR/USD"})).size() == 1);
}

TEST_CASE("md: the subscriptions limit is per client; rejects and snapshots do not count; unsubscribe frees", "[md]") {
  World::Options o;
  o.tweak = [](ReferenceData& r) { r.limits.md_subscriptions_per_client_max = 2; };
  World w(o);
  REQUIRE(snapshots(w, md_request(kAcme, "A", '1', {"BTC/USD"})).size() == 1);
  REQUIRE(snapshots(w, md_request(kAcme, "SNAP", '0', {"BTC/USD"})).size() == 1);
  CHECK(md_reject(w, md_request(kAcme, "BAD", '1', {"NOPE"})) == R::kUnknownInstrument);
  CHECK(md_reject(w, md_request(kAcme, "A", '1', {"BTC/USD"})) == R::kMdDuplicateReqId);
  REQUIRE(snapshots(w, md_request(kAcme, "B", '1', {"BTC/USD"})).size() == 1);  // 2 of 2
  CHECK(md_reject(w, md_request(kAcme, "C", '1', {"BTC/USD"})) == R::kMdSubscriptionsLimit);
  CHECK(md_reject(w, md_unsubscribe(kAcme, "C")) == R::kMdUnknownReqId);  // the rejected one is not live
  REQUIRE(snapshots(w, md_request(kBeta, "A", '1', {"BTC/USD"})).size() == 1);
  REQUIRE(snapshots(w, md_request(kBeta, "B", '1', {"BTC/USD"})).size() == 1);
  REQUIRE(snapshots(w, md_request(kAcme, "SNAP2", '0', {"BTC/USD"})).size() == 1);  // snapshots at the limit
  CHECK(w.handle(md_unsubscribe(kAcme, "A")).empty());
  REQUIRE(snapshots(w, md_request(kAcme, "C", '1', {"BTC/USD"})).size() == 1);
  CHECK(md_reject(w, md_request(kAcme, "D", '1', {"BTC/USD"})) == R::kMdSubscriptionsLimit);
}

TEST_CASE("md: an MDReqID of 1 and of 64 characters is taken, for each request type", "[md]") {
  World w;
  for (const std::string& id : {std::string("1"), std::string(64, 'm')}) {
    INFO("MDReqID of " << id.size());
    CHECK(snapshots(w, md_request(kAcme, id, '0', {"BTC/USD"})).size() == 1);
    CHECK(snapshots(w, md_request(kAcme, id, '1', {"BTC/USD"})).size() == 1);
    CHECK(w.handle(md_unsubscribe(kAcme, id)).empty());
  }
}

TEST_CASE("md: the conf limits: 64 subscriptions per client, 16 instruments per request", "[md]") {
  World w;
  REQUIRE(w.ref.limits.md_subscriptions_per_client_max == 64);
  REQUIRE(w.ref.limits.md_symbols_per_request_max == 16);
  REQUIRE(w.ref.limits.md_min_interval_ms == 250);
  const std::vector<std::string> sixteen(16, "BTC/USD");
  REQUIRE(snapshots(w, md_request(kAcme, "S0", '1', sixteen)).size() == 1);  // one instrument, once
  for (int i = 1; i < 64; ++i) {
    INFO("subscription " << i);
    REQUIRE(snapshots(w, md_request(kAcme, "S" + std::to_string(i), '1', {"ETH/USD"})).size() == 1);
  }
  CHECK(md_reject(w, md_request(kAcme, "S64", '1', {"ETH/USD"})) == R::kMdSubscriptionsLimit);
  std::vector<std::string> seventeen = sixteen;
  seventeen.push_back("BTC/USD");
  CHECK(md_reject(w, md_request(kBeta, "T", '1', seventeen)) == R::kMdTooManySymbols);
  // 64 subscriptions stream 64 updates when ETH/USD and BTC/USD move.
  w.clock.advance_us(kIntervalUs);
  w.tick(kEthUsd, "3210.00");
  w.tick(kBtcUsd, "65100.00");
  CHECK(timer(w).size() == 64);
}

}  // namespace
}  // namespace otc::engine::test
