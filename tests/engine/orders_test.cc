// tests/engine/orders_test.cc: market, limit, cancel, replace and status as scenario
// tables (orders_fixture.h): one line per command with the ExecutionReports and rejects
// it must cause (kind, ClOrdID, OrdStatus, CumQty, LeavesQty, LastQty, LastPx, AvgPx,
// internal, reject reason). After every line check_world() holds (engine invariants, every
// asset nets to zero, no negative balance beyond credit); after each scenario every ledger
// balance equals what the test computed itself (Money), with prices from price_for() at
// desk positions the test derives, and notionals and fees from engine/pricing.h.
//
// BTC/USD around mid 65000.00. Gold ACME: 5 bp half-spread, no fee, 10 bp market
// tolerance; silver BETA: 10 bp, fee 1 bp, 20 bp tolerance; bronze GAMMA: 25 bp, fee 5 bp,
// 50 bp tolerance. Size add-on +2 bp from 250000 USD at mid, +5 bp from 1000000 USD; skew
// 0.2 bp per BTC the desk holds (max 5 bp); the desk fills at most 20 BTC per execution.
#include "engine/engine.h"

#include <catch2/catch.hpp>

#include <map>
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

// ---- Market orders ------------------------------------------------------------------

TEST_CASE("orders: market orders execute at the ladder price or are refused beyond the tolerance", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  const int64_t mid = px("65000.00");
  const int64_t one = btc("1"), half = btc("0.5"), twenty = btc("20"), five = btc("5"), q25 = btc("25");
  // The desk's BTC position, derived line by line: 0, -1, -2, -1, -21, -21, -21, -1, -1, -1.5.
  const int64_t p1 = desk_px(w.ref, kAcme, Side::kBuy, mid, one, 0);
  CHECK(p1 == px("65032.50"));  // 65000 x (1 + 5 bp): the derivation agrees with the formula by hand
  const int64_t p3 = desk_px(w.ref, kAcme, Side::kBuy, mid, one, -one);  // the desk short: skewed up
  REQUIRE(p3 > slippage_bound(w.ref, Side::kBuy, mid, 500));              // beyond "5" bp
  REQUIRE(p3 == slippage_bound(w.ref, Side::kBuy, mid, 520));             // exactly at "5.2" bp
  const int64_t s4 = desk_px(w.ref, kAcme, Side::kSell, mid, one, -2 * one);
  REQUIRE(s4 >= slippage_bound(w.ref, Side::kSell, mid, 1000));
  const int64_t p5 = desk_px(w.ref, kAcme, Side::kBuy, mid, twenty, -one);  // 25 asked: priced at the desk's 20
  REQUIRE(p5 > slippage_bound(w.ref, Side::kBuy, mid, 1000));               // beyond gold's default
  REQUIRE(p5 <= slippage_bound(w.ref, Side::kBuy, mid, 2000));
  const int64_t p6 = desk_px(w.ref, kAcme, Side::kBuy, mid, twenty, -21 * one);
  REQUIRE(p6 <= slippage_bound(w.ref, Side::kBuy, mid, 2000));  // the FOK passes the tolerance, then is killed
  REQUIRE(p6 > slippage_bound(w.ref, Side::kBuy, mid, 1000));   // and without the override it is refused
  const int64_t s8 = desk_px(w.ref, kAcme, Side::kSell, mid, twenty, -21 * one);
  REQUIRE(s8 >= slippage_bound(w.ref, Side::kSell, mid, 1000));
  const int64_t p10 = desk_px(w.ref, kBeta, Side::kBuy, mid, half, -one);

  auto with_price = market_order(kAcme, "M15", kBuy, "1");
  with_price.price_text = "65100.00";
  run_table(w, {
      {"market buy 1, no TIF: fills at once", market_order(kAcme, "M1", kBuy, "1"),
       {New("M1", one), Trade("M1", one, 0, one, p1)}},
      {"5 bp tolerance: the skewed price is beyond it", market_order(kAcme, "M2", kBuy, "1", 0, "5"),
       {Rej(R::kSlippageExceeded)}},
      {"5.2 bp tolerance: exactly at the bound, fills", market_order(kAcme, "M3", kBuy, "1", 0, "5.2"),
       {New("M3", one), Trade("M3", one, 0, one, p3)}},
      {"market sell 1 at the default tolerance", market_order(kAcme, "M4", kSell, "1"),
       {New("M4", one), Trade("M4", one, 0, one, s4)}},
      {"IOC 25: the desk fills its 20, the rest is canceled", market_order(kAcme, "M5", kBuy, "25", kTifIoc, "20"),
       {New("M5", q25), Trade("M5", twenty, five, twenty, p5), Canceled("M5", twenty)}},
      {"FOK 25: more than the desk's size: New then Canceled, no fill",
       market_order(kAcme, "M6", kBuy, "25", kTifFok, "20"),
       {New("M6", q25), Canceled("M6", 0, "fill_or_kill_unfillable")}},
      {"25 at the default tolerance: beyond it", market_order(kAcme, "M7", kBuy, "25"), {Rej(R::kSlippageExceeded)}},
      {"market sell 25, no TIF: 20 filled, the remainder canceled", market_order(kAcme, "M8", kSell, "25"),
       {New("M8", q25), Trade("M8", twenty, five, twenty, s8), Canceled("M8", twenty, "market order remainder")}},
      {"0 bp tolerance: never inside the spread", market_order(kBeta, "M9", kBuy, "0.5", 0, "0"),
       {Rej(R::kSlippageExceeded)}},
      {"0 bp on a sell: never either", market_order(kBeta, "M9s", kSell, "0.5", 0, "0"), {Rej(R::kSlippageExceeded)}},
      {"the largest tolerance, 500 bp", market_order(kBeta, "M10", kBuy, "0.5", 0, "500"),
       {New("M10", half), Trade("M10", half, 0, half, p10)}},
      {"tolerance above the largest", market_order(kBeta, "M11", kBuy, "0.5", 0, "500.01"), {Rej(R::kSlippageInvalid)}},
      {"tolerance with three decimals", market_order(kBeta, "M12", kBuy, "0.5", 0, "1.234"), {Rej(R::kSlippageInvalid)}},
      {"negative tolerance", market_order(kBeta, "M13", kBuy, "0.5", 0, "-1"), {Rej(R::kSlippageInvalid)}},
      {"tolerance not a number", market_order(kBeta, "M14", kBuy, "0.5", 0, "abc"), {Rej(R::kSlippageInvalid)}},
      {"Price on a market order", with_price, {Rej(R::kFieldNotAllowed)}},
      {"market GTC", market_order(kAcme, "M16", kBuy, "1", kTifGtc), {Rej(R::kUnsupportedTimeInForce)}},
      {"market Day", market_order(kAcme, "M17", kBuy, "1", kTifDay), {Rej(R::kUnsupportedTimeInForce)}},
      {"market GTD", market_order(kAcme, "M18", kBuy, "1", kTifGtd), {Rej(R::kUnsupportedTimeInForce)}},
      {"a stale reference price: no market order", market_order(kAcme, "M19", kBuy, "1"),
       {Rej(R::kNoReferencePrice)}, [](World& x) { x.clock.advance_us(2'000'001); }},
  });
  m.desk_order(kAcme, Side::kBuy, {{one, p1}});
  m.desk_order(kAcme, Side::kBuy, {{one, p3}});
  m.desk_order(kAcme, Side::kSell, {{one, s4}});
  m.desk_order(kAcme, Side::kBuy, {{twenty, p5}});
  m.desk_order(kAcme, Side::kSell, {{twenty, s8}});
  m.desk_order(kBeta, Side::kBuy, {{half, p10}});
  m.check(w);
  CHECK(w.desk_balance(kBtc) == -btc("1.5"));
  CHECK(w.engine.open_orders().empty());
}

// ---- Limit orders, every time in force ------------------------------------------------

TEST_CASE("orders: limit orders under every TimeInForce", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  const int64_t mid = px("65000.00");
  const int64_t one = btc("1"), twenty = btc("20"), five = btc("5"), q25 = btc("25");
  const int64_t p3 = desk_px(w.ref, kAcme, Side::kBuy, mid, one, 0);
  REQUIRE(p3 > px("65000.00"));  // L1/L2 at 65000 are not marketable
  const int64_t p4 = desk_px(w.ref, kAcme, Side::kBuy, mid, twenty, -one);
  const int64_t p5 = desk_px(w.ref, kAcme, Side::kBuy, mid, twenty, -21 * one);
  REQUIRE(p5 < px("66000.00"));
  // On the next tick the desk's price for L5's remaining 5 is through its limit: it fills at 66000.
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, mid, five, -41 * one) <= px("66000.00"));
  // The sells that rest are above the desk's bid (desk short 46 BTC: skewed up to the maximum).
  REQUIRE(desk_px(w.ref, kAcme, Side::kSell, mid, one, -46 * one) < px("65100.00"));

  run_table(w, {
      {"IOC not marketable: New, Canceled", limit_order(kAcme, "L1", kBuy, "1", "65000.00", kTifIoc),
       {New("L1", one), Canceled("L1", 0, "immediate-or-cancel")}},
      {"FOK not marketable: New, Canceled", limit_order(kAcme, "L2", kBuy, "1", "65000.00", kTifFok),
       {New("L2", one), Canceled("L2", 0, "fill_or_kill_unfillable")}},
      {"FOK marketable: fills at the desk's price, not at its limit",
       limit_order(kAcme, "L3", kBuy, "1", "65100.00", kTifFok), {New("L3", one), Trade("L3", one, 0, one, p3)}},
      {"IOC 25 marketable: 20 (the desk's size), the rest canceled",
       limit_order(kAcme, "L4", kBuy, "25", "66000.00", kTifIoc),
       {New("L4", q25), Trade("L4", twenty, five, twenty, p4), Canceled("L4", twenty)}},
      {"GTC 25 marketable: 20 now, 5 rest", limit_order(kAcme, "L5", kBuy, "25", "66000.00", kTifGtc),
       {New("L5", q25), Trade("L5", twenty, five, twenty, p5)}},
      tick_row("a tick: the resting 5 fill at their own limit", kBtcUsd, mid,
               {Trade("L5", q25, 0, five, px("66000.00"), false, avg_px({{twenty, p5}, {five, px("66000.00")}}))}),
      {"no TIF is Day, rests", limit_order(kAcme, "L6", kSell, "1", "65100.00"), {New("L6", one)}},
      {"GTD with ExpireTime rests", gtd_order(kAcme, "L7", kSell, "1", "65200.00", "20261121-12:00:00"),
       {New("L7", one)}},
      {"GTD with ExpireDate rests", gtd_order(kAcme, "L8", kSell, "1", "65300.00", "", "20261122"), {New("L8", one)}},
      {"GTC rests", limit_order(kAcme, "L9", kSell, "1", "65400.00", kTifGtc), {New("L9", one)}},
      {"Day rests", limit_order(kAcme, "L10", kSell, "1", "65500.00", kTifDay), {New("L10", one)}},
  });
  CHECK(book_cls(w, Side::kSell) == std::vector<std::string>{"L6", "L7", "L8", "L9", "L10"});
  CHECK(book_cls(w, Side::kBuy).empty());
  struct Want {
    const char* cl;
    char tif;
    int64_t expire;
  };
  for (const Want& x : {Want{"L6", kTifDay, utc(0, 21, 0, 0).value}, Want{"L7", kTifGtd, utc(0, 12, 0, 0).value},
                        Want{"L8", kTifGtd, utc(1, 21, 0, 0).value}, Want{"L9", kTifGtc, 0},
                        Want{"L10", kTifDay, utc(0, 21, 0, 0).value}}) {
    INFO(x.cl);
    const Order* o = w.engine.find_order(OrderId(open_id(w, kAcme, x.cl)));
    REQUIRE(o != nullptr);
    CHECK(o->tif == x.tif);
    CHECK(o->expire.value == x.expire);
  }
  m.desk_order(kAcme, Side::kBuy, {{one, p3}});
  m.desk_order(kAcme, Side::kBuy, {{twenty, p4}});
  m.desk_order(kAcme, Side::kBuy, {{twenty, p5}, {five, px("66000.00")}});
  m.hold(kAcme, kBtc, 5 * one);  // five sells of 1 BTC rest
  m.check(w);
}

// ---- The desk's price moving through resting orders ------------------------------------

TEST_CASE("orders: resting orders fill at their own limit when the desk's price reaches them", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  const int64_t one = btc("1"), ten = btc("10"), twenty = btc("20"), thirty = btc("30");
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("64950.00"), one, 0) > px("64900.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("64800.00"), one, 0) <= px("64900.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("64800.00"), twenty, 0) > px("64000.00"));
  REQUIRE(desk_px(w.ref, kBeta, Side::kSell, px("64800.00"), one, -one) < px("65100.00"));
  REQUIRE(desk_px(w.ref, kBeta, Side::kSell, px("65300.00"), one, -one) >= px("65100.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("65300.00"), twenty, -one) > px("64000.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("63000.00"), twenty, 0) <= px("64000.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("63000.00"), ten, -twenty) <= px("64000.00"));
  run_table(w, {
      {"ACME bids 1 at 64900", limit_order(kAcme, "A1", kBuy, "1", "64900.00", kTifGtc), {New("A1", one)}},
      {"BETA offers 1 at 65100", limit_order(kBeta, "B1", kSell, "1", "65100.00", kTifGtc), {New("B1", one)}},
      {"ACME bids 30 at 64000", limit_order(kAcme, "A2", kBuy, "30", "64000.00", kTifGtc), {New("A2", thirty)}},
      tick_row("64950: the desk's offer is still above every bid", kBtcUsd, px("64950.00"), {}),
      tick_row("64800: A1 fills at its 64900", kBtcUsd, px("64800.00"), {Trade("A1", one, 0, one, px("64900.00"))}),
      tick_row("65300: B1 fills at its 65100", kBtcUsd, px("65300.00"), {Trade("B1", one, 0, one, px("65100.00"))}),
      tick_row("63000: A2 fills 20, the desk's size", kBtcUsd, px("63000.00"),
               {Trade("A2", twenty, ten, twenty, px("64000.00"))}),
      tick_row("63000 again: the other 10", kBtcUsd, px("63000.00"),
               {Trade("A2", thirty, 0, ten, px("64000.00"), false, px("64000.00"))}),
  });
  m.desk_order(kAcme, Side::kBuy, {{one, px("64900.00")}});
  m.desk_order(kBeta, Side::kSell, {{one, px("65100.00")}});
  m.desk_order(kAcme, Side::kBuy, {{twenty, px("64000.00")}, {ten, px("64000.00")}});
  m.check(w);
  CHECK(w.engine.open_orders().empty());
  CHECK(w.engine.book(kBtcUsd).size() == 0);
}

// ---- Internal crosses ---------------------------------------------------------------

TEST_CASE("orders: internal crosses trade at the resting price in price-time priority", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  w.deposit(kGamma, kUsd, "1000000.00");
  w.deposit(kGamma, kBtc, "10");
  m.deposit(kGamma, kUsd, usd("1000000.00"));
  m.deposit(kGamma, kBtc, btc("10"));
  const int64_t mid = px("65000.00");
  const auto q = [](const char* t) { return btc(t); };
  const auto P = [](const char* t) { return px(t); };
  // Nothing here is marketable against the desk, except where the table says so.
  REQUIRE(desk_px(w.ref, kBeta, Side::kSell, mid, q("0.5"), 0) < P("65010.00"));
  REQUIRE(desk_px(w.ref, kGamma, Side::kSell, mid, q("0.5"), 0) < P("65010.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, mid, q("1.5"), 0) > P("65020.00"));
  REQUIRE(desk_px(w.ref, kGamma, Side::kSell, mid, q("0.3"), 0) < P("64990.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kSell, mid, q("0.2"), 0) < P("64980.00"));
  REQUIRE(desk_px(w.ref, kBeta, Side::kBuy, mid, q("0.2"), 0) > P("64995.00"));
  const int64_t pa7 = desk_px(w.ref, kAcme, Side::kBuy, mid, q("1"), 0);
  REQUIRE(pa7 < P("65040.00"));  // the desk is better than BETA's 65040: it fills A7 alone
  REQUIRE(desk_px(w.ref, kBeta, Side::kSell, mid, q("0.5"), -q("1")) < P("65030.00"));
  const int64_t pa8 = desk_px(w.ref, kAcme, Side::kBuy, mid, q("1"), -q("1"));
  REQUIRE(pa8 > P("65030.00"));  // BETA's 65030 first, then the desk (better than BETA's 65040)
  REQUIRE(pa8 < P("65040.00"));

  const std::vector<std::pair<int64_t, int64_t>> a1_fills = {
      {q("0.5"), P("65010.00")}, {q("0.3"), P("65010.00")}, {q("0.4"), P("65015.00")}, {q("0.3"), P("65020.00")}};
  auto a1_avg = [&](size_t n) { return avg_px({a1_fills.begin(), a1_fills.begin() + static_cast<long>(n)}); };
  const std::vector<std::pair<int64_t, int64_t>> g4_fills = {{q("0.2"), P("64995.00")}, {q("0.1"), P("64990.00")}};
  const std::vector<std::pair<int64_t, int64_t>> a8_fills = {{q("0.5"), P("65030.00")}, {q("0.5"), pa8}};

  run_table(w, {
      {"BETA offers 0.5 at 65020", limit_order(kBeta, "B1", kSell, "0.5", "65020.00", kTifGtc), {New("B1", q("0.5"))}},
      {"GAMMA offers 0.5 at 65010", limit_order(kGamma, "G1", kSell, "0.5", "65010.00", kTifGtc), {New("G1", q("0.5"))}},
      {"BETA offers 0.3 at 65010, behind G1", limit_order(kBeta, "B2", kSell, "0.3", "65010.00", kTifGtc),
       {New("B2", q("0.3"))}},
      {"GAMMA offers 0.4 at 65015", limit_order(kGamma, "G2", kSell, "0.4", "65015.00", kTifGtc), {New("G2", q("0.4"))}},
  });
  CHECK(book_cls(w, Side::kSell) == std::vector<std::string>{"G1", "B2", "G2", "B1"});
  run_table(w, {
      {"ACME lifts 1.5 up to 65020: four resting orders, best price then time, each at its own price",
       limit_order(kAcme, "A1", kBuy, "1.5", "65020.00", kTifIoc),
       {New("A1", q("1.5")),
        Trade("A1", q("0.5"), q("1.0"), q("0.5"), P("65010.00"), true),
        Trade("G1", q("0.5"), 0, q("0.5"), P("65010.00"), true),
        Trade("A1", q("0.8"), q("0.7"), q("0.3"), P("65010.00"), true, a1_avg(2)),
        Trade("B2", q("0.3"), 0, q("0.3"), P("65010.00"), true),
        Trade("A1", q("1.2"), q("0.3"), q("0.4"), P("65015.00"), true, a1_avg(3)),
        Trade("G2", q("0.4"), 0, q("0.4"), P("65015.00"), true),
        Trade("A1", q("1.5"), 0, q("0.3"), P("65020.00"), true, a1_avg(4)),
        Trade("B1", q("0.3"), q("0.2"), q("0.3"), P("65020.00"), true)}},
  });
  CHECK(book_cls(w, Side::kSell) == std::vector<std::string>{"B1"});
  run_table(w, {
      {"GAMMA offers 0.0001 at 65010.01", limit_order(kGamma, "G3", kSell, "0.0001", "65010.01", kTifGtc),
       {New("G3", q("0.0001"))}},
      {"ACME takes it: buyer rounds up, seller down", limit_order(kAcme, "A2", kBuy, "0.0001", "65010.01", kTifIoc),
       {New("A2", q("0.0001")), Trade("A2", q("0.0001"), 0, q("0.0001"), P("65010.01"), true),
        Trade("G3", q("0.0001"), 0, q("0.0001"), P("65010.01"), true)}},
      {"ACME bids 0.2 at 64990", limit_order(kAcme, "A3", kBuy, "0.2", "64990.00", kTifGtc), {New("A3", q("0.2"))}},
      {"BETA bids 0.2 at 64995", limit_order(kBeta, "B3", kBuy, "0.2", "64995.00", kTifGtc), {New("B3", q("0.2"))}},
      {"GAMMA sells 0.3 down to 64990 into the bids", limit_order(kGamma, "G4", kSell, "0.3", "64990.00", kTifIoc),
       {New("G4", q("0.3")), Trade("G4", q("0.2"), q("0.1"), q("0.2"), P("64995.00"), true),
        Trade("B3", q("0.2"), 0, q("0.2"), P("64995.00"), true),
        Trade("G4", q("0.3"), 0, q("0.1"), P("64990.00"), true, avg_px(g4_fills)),
        Trade("A3", q("0.1"), q("0.1"), q("0.1"), P("64990.00"), true)}},
      {"ACME's own offer crossing its bid: self-trade", limit_order(kAcme, "A4", kSell, "0.2", "64980.00", kTifGtc),
       {Rej(R::kSelfTrade)}},
      {"BETA bids 0.1 at 64995, ahead of ACME's", limit_order(kBeta, "B4", kBuy, "0.1", "64995.00", kTifGtc),
       {New("B4", q("0.1"))}},
      {"ACME sells 0.1: filled by BETA before its own bid is reached",
       limit_order(kAcme, "A5", kSell, "0.1", "64990.00", kTifIoc),
       {New("A5", q("0.1")), Trade("A5", q("0.1"), 0, q("0.1"), P("64995.00"), true),
        Trade("B4", q("0.1"), 0, q("0.1"), P("64995.00"), true)}},
      {"BETA bids 0.1 at 64995 again", limit_order(kBeta, "B5", kBuy, "0.1", "64995.00", kTifGtc),
       {New("B5", q("0.1"))}},
      {"ACME sells 0.2: it would reach its own bid: refused whole",
       limit_order(kAcme, "A6", kSell, "0.2", "64990.00", kTifIoc), {Rej(R::kSelfTrade)}},
  });
  CHECK(book_cls(w, Side::kBuy) == std::vector<std::string>{"B5", "A3"});
  run_table(w, {
      {"BETA cancels the rest of B1", cancel_order(kBeta, "XB1", "B1", kSell),
       {Canceled("XB1", q("0.3")).with_orig("B1")}},
      {"BETA offers 1 at 65040", limit_order(kBeta, "B6", kSell, "1", "65040.00", kTifGtc), {New("B6", q("1"))}},
      {"ACME lifts 1 up to 65050: the desk is better than BETA's offer",
       limit_order(kAcme, "A7", kBuy, "1", "65050.00", kTifIoc),
       {New("A7", q("1")), Trade("A7", q("1"), 0, q("1"), pa7, false)}},
      {"BETA offers 0.5 at 65030", limit_order(kBeta, "B7", kSell, "0.5", "65030.00", kTifGtc), {New("B7", q("0.5"))}},
      {"ACME lifts 1 up to 65040: BETA's 65030, then the desk, then not BETA's 65040",
       limit_order(kAcme, "A8", kBuy, "1", "65040.00", kTifIoc),
       {New("A8", q("1")), Trade("A8", q("0.5"), q("0.5"), q("0.5"), P("65030.00"), true),
        Trade("B7", q("0.5"), 0, q("0.5"), P("65030.00"), true),
        Trade("A8", q("1"), 0, q("0.5"), pa8, false, avg_px(a8_fills))}},
  });
  CHECK(book_cls(w, Side::kSell) == std::vector<std::string>{"B6"});
  CHECK(book_cls(w, Side::kBuy) == std::vector<std::string>{"B5", "A3"});

  // Money. A1 against four sellers, all fills internal: the desk keeps buyer minus sellers.
  {
    const int64_t nb = m.settle(kAcme, Side::kBuy, a1_fills);
    const int64_t ns = m.settle(kGamma, Side::kSell, {a1_fills[0]}) + m.settle(kBeta, Side::kSell, {a1_fills[1]}) +
                       m.settle(kGamma, Side::kSell, {a1_fills[2]}) + m.settle(kBeta, Side::kSell, {a1_fills[3]});
    m.desk[kUsd.value] += nb - ns;
  }
  // A2/G3: 0.0001 x 65010.01 = 650.1001 cents: ACME pays 651, GAMMA gets 650 (fee 1), the desk keeps 1.
  CHECK(notional_of(w.ref, q("0.0001"), P("65010.01"), Side::kBuy) == 651);
  CHECK(notional_of(w.ref, q("0.0001"), P("65010.01"), Side::kSell) == 650);
  m.internal(kAcme, kGamma, q("0.0001"), P("65010.01"));
  {
    const int64_t ns = m.settle(kGamma, Side::kSell, g4_fills);
    const int64_t nb = m.settle(kBeta, Side::kBuy, {g4_fills[0]}) + m.settle(kAcme, Side::kBuy, {g4_fills[1]});
    m.desk[kUsd.value] += nb - ns;
    // A3 still rests 0.1 at 64990: it holds the notional of its whole value less what it paid.
    const int64_t a3_hold = notional_of_sum(w.ref, static_cast<__int128>(q("0.2")) * P("64990.00"), Side::kBuy) -
                            notional_of(w.ref, q("0.1"), P("64990.00"), Side::kBuy);
    m.hold(kAcme, kUsd, a3_hold);
  }
  m.internal(kBeta, kAcme, q("0.1"), P("64995.00"));
  m.hold(kBeta, kUsd, buy_hold(w.ref, kBeta, q("0.1"), P("64995.00")));  // B5
  m.hold(kBeta, kBtc, q("1"));                                            // B6
  m.desk_order(kAcme, Side::kBuy, {{q("1"), pa7}});
  {
    const int64_t nb = m.settle(kAcme, Side::kBuy, a8_fills);
    const int64_t ns = m.settle(kBeta, Side::kSell, {a8_fills[0]});
    m.desk[kUsd.value] += nb - ns;
    m.desk[kBtc.value] -= q("0.5");
  }
  m.check(w);
}

TEST_CASE("orders: self-trade prevention refuses trading with, or resting through, the client's own order",
          "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  const int64_t mid = px("65000.00");
  const int64_t one = btc("1");
  const int64_t p1 = desk_px(w.ref, kAcme, Side::kBuy, mid, one, 0);
  REQUIRE(p1 < px("65100.00"));                                                // the desk is better than A1
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, mid, btc("20"), -one) < px("65100.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kSell, mid, one, 0) < px("65100.00"));  // A1 rests
  run_table(w, {
      {"ACME offers 1 at 65100", limit_order(kAcme, "A1", kSell, "1", "65100.00", kTifGtc), {New("A1", one)}},
      {"ACME buys 1 up to 65200: the desk fills all of it first, A1 is not reached",
       limit_order(kAcme, "A2", kBuy, "1", "65200.00", kTifGtc), {New("A2", one), Trade("A2", one, 0, one, p1)}},
      {"ACME buys 25 up to 65200: after the desk's 20 the rest would trade with A1",
       limit_order(kAcme, "A3", kBuy, "25", "65200.00", kTifGtc), {Rej(R::kSelfTrade)}},
      {"the same as IOC", limit_order(kAcme, "A4", kBuy, "25", "65200.00", kTifIoc), {Rej(R::kSelfTrade)}},
      {"up to 65100 exactly: A1 crosses too", limit_order(kAcme, "A5", kBuy, "25", "65100.00", kTifGtc),
       {Rej(R::kSelfTrade)}},
      {"up to 65099.99: A1 does not cross, 20 fill and 5 rest below it",
       limit_order(kAcme, "A6", kBuy, "25", "65099.99", kTifGtc),
       {New("A6", btc("25")), Trade("A6", btc("20"), btc("5"), btc("20"),
                                    desk_px(w.ref, kAcme, Side::kBuy, mid, btc("20"), -one))}},
  });
  CHECK(book_cls(w, Side::kSell) == std::vector<std::string>{"A1"});
  CHECK(book_cls(w, Side::kBuy) == std::vector<std::string>{"A6"});
  m.desk_order(kAcme, Side::kBuy, {{one, p1}});
  {
    const int64_t p20 = desk_px(w.ref, kAcme, Side::kBuy, mid, btc("20"), -one);
    const int64_t n = m.settle(kAcme, Side::kBuy, {{btc("20"), p20}});
    m.desk_side(Side::kBuy, btc("20"), n);
    // A6 still holds for its 5 at 65099.99 (whole value, rounded once, less what it paid).
    const __int128 whole = static_cast<__int128>(btc("20")) * p20 + static_cast<__int128>(btc("5")) * px("65099.99");
    m.hold(kAcme, kUsd, notional_of_sum(w.ref, whole, Side::kBuy) - n);
  }
  m.hold(kAcme, kBtc, one);
  m.check(w);
}

// ---- Replace --------------------------------------------------------------------------

TEST_CASE("orders: replace changes price and quantity; priority kept only when neither worsens it", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  w.deposit(kGamma, kUsd, "1000000.00");
  m.deposit(kGamma, kUsd, usd("1000000.00"));
  const int64_t mid = px("65000.00");
  const auto q = [](const char* t) { return btc(t); };
  const auto P = [](const char* t) { return px(t); };
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, mid, q("1"), 0) > P("64990.00"));
  REQUIRE(desk_px(w.ref, kGamma, Side::kBuy, mid, q("1"), 0) > P("65000.00"));
  REQUIRE(desk_px(w.ref, kBeta, Side::kSell, mid, q("0.3"), 0) < P("64990.00"));
  REQUIRE(desk_px(w.ref, kBeta, Side::kSell, mid, q("0.1"), 0) < P("65050.00"));
  REQUIRE(desk_px(w.ref, kBeta, Side::kBuy, mid, q("2"), 0) > P("65050.00"));  // B3 is reached before the desk
  const int64_t pd = desk_px(w.ref, kAcme, Side::kBuy, mid, q("0.05"), 0);
  REQUIRE(pd <= P("65100.00"));

  ReplaceOrderCmd tif_change = replace_order(kAcme, "A9", "A5", kBuy, "0.35", "64990.00");
  tif_change.tif = kTifIoc;
  ReplaceOrderCmd type_change = replace_order(kAcme, "A10", "A5", kBuy, "0.35", "64990.00");
  type_change.ord_type = '1';

  auto bids = [&] { return book_cls(w, Side::kBuy); };
  using V = std::vector<std::string>;
  run_table(w, {
      {"ACME bids 1 at 64990", limit_order(kAcme, "A1", kBuy, "1", "64990.00", kTifGtc), {New("A1", q("1"))}},
      {"BETA bids 1 at 64990", limit_order(kBeta, "B1", kBuy, "1", "64990.00", kTifGtc), {New("B1", q("1"))}},
      {"GAMMA bids 1 at 64990", limit_order(kGamma, "G1", kBuy, "1", "64990.00", kTifGtc), {New("G1", q("1"))}},
  });
  CHECK(bids() == V{"A1", "B1", "G1"});
  run_table(w, {{"A1 down to 0.5: keeps its place", replace_order(kAcme, "A2", "A1", kBuy, "0.5", "64990.00"),
                 {Replaced("A2", q("0.5"), 0).with_orig("A1")}}});
  CHECK(bids() == V{"A2", "B1", "G1"});
  CHECK(w.held_balance(kAcme, kUsd) == buy_hold(w.ref, kAcme, q("0.5"), P("64990.00")));
  run_table(w, {{"B1 up to 2: goes behind", replace_order(kBeta, "B2", "B1", kBuy, "2", "64990.00"),
                 {Replaced("B2", q("2"), 0).with_orig("B1")}}});
  CHECK(bids() == V{"A2", "G1", "B2"});
  run_table(w, {{"G1 to 65000: first by price", replace_order(kGamma, "G2", "G1", kBuy, "1", "65000.00"),
                 {Replaced("G2", q("1"), 0)}}});
  CHECK(bids() == V{"G2", "A2", "B2"});
  run_table(w, {{"G2 back to 64990: last at that price", replace_order(kGamma, "G3", "G2", kBuy, "1", "64990.00"),
                 {Replaced("G3", q("1"), 0).with_orig("G2")}}});
  CHECK(bids() == V{"A2", "B2", "G3"});
  run_table(w, {
      {"A2 down to 0.4: keeps its place", replace_order(kAcme, "A3", "A2", kBuy, "0.4", "64990.00"),
       {Replaced("A3", q("0.4"), 0)}},
      {"BETA sells 0.3 into A3, first in line (BETA's own bid is not reached)",
       limit_order(kBeta, "S1", kSell, "0.3", "64990.00", kTifIoc),
       {New("S1", q("0.3")), Trade("S1", q("0.3"), 0, q("0.3"), P("64990.00"), true),
        Trade("A3", q("0.3"), q("0.1"), q("0.3"), P("64990.00"), true)}},
      {"A3 to 0.3, its filled quantity: refused", replace_order(kAcme, "A4", "A3", kBuy, "0.3", "64990.00"),
       {CxlRej(R::kReplaceQtyNotAboveFilled, OrdStatus::kPartiallyFilled)}},
      {"A3 to 0.35: partially filled, keeps its place", replace_order(kAcme, "A5", "A3", kBuy, "0.35", "64990.00"),
       {Replaced("A5", q("0.35"), q("0.3")).with_orig("A3")}},
  });
  CHECK(bids() == V{"A5", "B2", "G3"});
  run_table(w, {
      {"a ClOrdID already used (by a refused replace)", replace_order(kAcme, "A4", "A5", kBuy, "0.35", "64990.00"),
       {CxlRej(R::kDuplicateClOrdId)}},
      {"naming the replaced ClOrdID", replace_order(kAcme, "A6", "A3", kBuy, "0.35", "64990.00"),
       {CxlRej(R::kUnknownOrder)}},
      {"naming no order", replace_order(kAcme, "A7", "NOPE", kBuy, "0.35", "64990.00"), {CxlRej(R::kUnknownOrder)}},
      {"the wrong side", replace_order(kAcme, "A8", "A5", kSell, "0.35", "64990.00"), {CxlRej(R::kOrderMismatch)}},
      {"a TimeInForce change", tif_change, {CxlRej(R::kReplaceUnsupported)}},
      {"an OrdType change", type_change, {CxlRej(R::kReplaceUnsupported)}},
      {"BETA offers 0.1 at 65050", limit_order(kBeta, "B3", kSell, "0.1", "65050.00", kTifGtc), {New("B3", q("0.1"))}},
      {"B2 up to 65100 would trade with BETA's own offer (better than the desk's)",
       replace_order(kBeta, "B4", "B2", kBuy, "2", "65100.00"),
       {CxlRej(R::kSelfTrade, OrdStatus::kNew)}},
      {"G3 up to 20 BTC: more than GAMMA has", replace_order(kGamma, "G4", "G3", kBuy, "20", "64990.00"),
       {CxlRej(R::kInsufficientFunds, OrdStatus::kNew)}},
  });
  CHECK(bids() == V{"A5", "B2", "G3"});
  run_table(w, {
      {"A5 to 65100: marketable, the rest fills at the desk's price",
       replace_order(kAcme, "A11", "A5", kBuy, "0.35", "65100.00"),
       {Replaced("A11", q("0.35"), q("0.3")),
        Trade("A11", q("0.35"), 0, q("0.05"), pd, false, avg_px({{q("0.3"), P("64990.00")}, {q("0.05"), pd}}))}},
      {"replacing a filled order", replace_order(kAcme, "A12", "A11", kBuy, "1", "64000.00"),
       {CxlRej(R::kOrderNotOpen, OrdStatus::kFilled)}},
  });
  CHECK(bids() == V{"B2", "G3"});
  {
    const int64_t nb = m.settle(kAcme, Side::kBuy, {{q("0.3"), P("64990.00")}, {q("0.05"), pd}});
    const int64_t ns = m.settle(kBeta, Side::kSell, {{q("0.3"), P("64990.00")}});
    m.desk[kUsd.value] += nb - ns;
    m.desk[kBtc.value] -= q("0.05");
  }
  m.hold(kBeta, kUsd, buy_hold(w.ref, kBeta, q("2"), P("64990.00")));
  m.hold(kGamma, kUsd, buy_hold(w.ref, kGamma, q("1"), P("64990.00")));
  m.hold(kBeta, kBtc, q("0.1"));
  m.check(w);
}

// ---- Cancel and status ------------------------------------------------------------------

TEST_CASE("orders: cancel, its refusals, the race with a fill, and status", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  const int64_t one = btc("1"), ten = btc("10"), twenty = btc("20"), thirty = btc("30");
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("64800.00"), one, 0) <= px("64900.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("64800.00"), twenty, -one) > px("64000.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("63000.00"), twenty, -one) <= px("64000.00"));
  run_table(w, {
      {"ACME bids 1", limit_order(kAcme, "A1", kBuy, "1", "64900.00", kTifGtc), {New("A1", one)}},
      {"cancel it", cancel_order(kAcme, "X1", "A1", kBuy), {Canceled("X1", 0).with_orig("A1")}},
      {"cancel it again: not open", cancel_order(kAcme, "X2", "A1", kBuy),
       {CxlRej(R::kOrderNotOpen, OrdStatus::kCanceled)}},
      {"a cancel's ClOrdID again", cancel_order(kAcme, "X2", "A1", kBuy), {CxlRej(R::kDuplicateClOrdId)}},
      {"an order never seen", cancel_order(kAcme, "X3", "NOPE", kBuy), {CxlRej(R::kUnknownOrder)}},
      {"ACME bids 1 again", limit_order(kAcme, "A2", kBuy, "1", "64900.00", kTifGtc), {New("A2", one)}},
      {"the wrong symbol", cancel_order(kAcme, "X4", "A2", kBuy, "ETH/USD"), {CxlRej(R::kOrderMismatch, OrdStatus::kNew)}},
      {"the wrong OrderID", cancel_order(kAcme, "X5", "A2", kBuy, kBtcUsdSym, "O999"),
       {CxlRej(R::kOrderMismatch, OrdStatus::kNew)}},
      {"the wrong side", cancel_order(kAcme, "X6", "A2", kSell), {CxlRej(R::kOrderMismatch, OrdStatus::kNew)}},
      {"another client cannot name it", cancel_order(kBeta, "X6", "A2", kBuy), {CxlRej(R::kUnknownOrder)}},
      {"status of the open order", status_request(kAcme, "A2", kBuy), {Status("A2", OrdStatus::kNew, 0, one)}},
      tick_row("the price moves through A2: filled", kBtcUsd, px("64800.00"), {Trade("A2", one, 0, one, px("64900.00"))}),
      {"the cancel that arrives after the fill: too late", cancel_order(kAcme, "X7", "A2", kBuy),
       {CxlRej(R::kOrderNotOpen, OrdStatus::kFilled)}},
      {"status of the filled order", status_request(kAcme, "A2", kBuy), {Status("A2", OrdStatus::kFilled, one, 0)}},
      {"ACME bids 30 at 64000", limit_order(kAcme, "A3", kBuy, "30", "64000.00", kTifGtc), {New("A3", thirty)}},
      tick_row("20 of it fill", kBtcUsd, px("63000.00"), {Trade("A3", twenty, ten, twenty, px("64000.00"))}),
  });
  const uint64_t a3 = open_id(w, kAcme, "A3");
  REQUIRE(a3 != 0);
  run_table(w, {
      {"cancel the partially filled order, by ClOrdID and OrderID",
       cancel_order(kAcme, "X8", "A3", kBuy, kBtcUsdSym, format_order_id(OrderId(a3))),
       {Canceled("X8", twenty).with_orig("A3")}},
      {"status by its first ClOrdID", status_request(kAcme, "A3", kBuy), {Status("X8", OrdStatus::kCanceled, twenty, 0)}},
      {"status of no order", status_request(kAcme, "ZZ", kBuy), {Rej(R::kUnknownOrder)}},
  });
  {
    std::vector<Event> out = w.handle(status_request(kAcme, "ZZ2", kBuy));
    REQUIRE(out.size() == 1);
    const auto& r = std::get<OrderRejectedEvent>(out[0]);
    CHECK(r.exec_type == 'I');
    CHECK(r.reject.reason == R::kUnknownOrder);
  }
  CHECK(w.engine.open_orders().empty());
  m.desk_order(kAcme, Side::kBuy, {{one, px("64900.00")}});
  m.desk_order(kAcme, Side::kBuy, {{twenty, px("64000.00")}});
  m.check(w);
}

// ---- Expiry -------------------------------------------------------------------------

TEST_CASE("orders: GTD and Day orders expire on the timer at their time", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  const int64_t one = btc("1"), ten = btc("10"), twenty = btc("20"), thirty = btc("30"), tenth = btc("0.1");
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("63000.00"), twenty, 0) <= px("64000.00"));
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("63000.00"), tenth, -twenty) > px("63000.00"));
  run_table(w, {
      {"GTD to 10:30", gtd_order(kAcme, "G1", kSell, "1", "66000.00", "20261121-10:30:00"), {New("G1", one)}},
      {"Day", limit_order(kAcme, "D1", kSell, "1", "66100.00"), {New("D1", one)}},
      {"GTD to tomorrow's end of day", gtd_order(kAcme, "G2", kSell, "1", "66200.00", "", "20261122"), {New("G2", one)}},
      {"GTC", limit_order(kAcme, "C1", kSell, "1", "66300.00", kTifGtc), {New("C1", one)}},
      {"GTD 30 to 11:00:00.5", gtd_order(kAcme, "G3", kBuy, "30", "64000.00", "20261121-11:00:00.500"),
       {New("G3", thirty)}},
      {"GTD to today's end of day", gtd_order(kAcme, "G4", kBuy, "0.1", "63000.00", "", "20261121"), {New("G4", tenth)}},
      timer_at("1us before G1's time", utc(0, 10, 29, 59, 999999), {}),
      timer_at("G1's time", utc(0, 10, 30, 0), {Expired("G1", 0)}),
      tick_row("G3 fills 20", kBtcUsd, px("63000.00"), {Trade("G3", twenty, ten, twenty, px("64000.00"))}),
      timer_at("1us before G3's time", utc(0, 11, 0, 0, 499999), {}),
      timer_at("G3's time: the partially filled rest expires", utc(0, 11, 0, 0, 500000), {Expired("G3", twenty)}),
      timer_at("1us before the end of day", utc(0, 20, 59, 59, 999999), {}),
      timer_at("the end of day: the Day order and the GTD for today", utc(0, 21, 0, 0),
               {Expired("D1", 0), Expired("G4", 0)}),
      timer_at("1us before tomorrow's end of day", utc(1, 20, 59, 59, 999999), {}),
      timer_at("tomorrow's end of day", utc(1, 21, 0, 0), {Expired("G2", 0)}),
      {"status of the expired Day order", status_request(kAcme, "D1", kSell), {Status("D1", OrdStatus::kExpired, 0, 0)}},
      {"cancel of an expired order", cancel_order(kAcme, "X1", "D1", kSell),
       {CxlRej(R::kOrderNotOpen, OrdStatus::kExpired)}},
      timer_at("a year on: GTC stays", utc(365, 0, 0, 0), {}),
  });
  REQUIRE(w.engine.open_orders().size() == 1);
  CHECK(w.engine.open_orders()[0]->cl_ord_id == "C1");
  m.desk_order(kAcme, Side::kBuy, {{twenty, px("64000.00")}});
  m.hold(kAcme, kBtc, one);
  m.check(w);
}

TEST_CASE("orders: a Day order accepted after the end of day lives until the next one", "[orders]") {
  World w;
  w.clock.set(utc(0, 21, 0, 0));
  w.tick(kBtcUsd, Price(px("65000.00")));
  run_table(w, {
      {"Day order at 21:00:00 exactly", limit_order(kAcme, "D1", kSell, "1", "66000.00"), {New("D1", btc("1"))}},
      timer_at("1us before the next end of day", utc(1, 20, 59, 59, 999999), {}),
      timer_at("the next end of day", utc(1, 21, 0, 0), {Expired("D1", 0)}),
      {"GTD for today's date after its end of day: in the past", gtd_order(kAcme, "G1", kSell, "1", "66000.00", "", "20261122"),
       {Rej(R::kExpireTimeInvalid)}},
      {"GTD ExpireTime with microseconds", gtd_order(kAcme, "G2", kSell, "1", "66000.00", "20261123-10:00:00.000001"),
       {New("G2", btc("1"))}},
      timer_at("1us before it", utc(2, 10, 0, 0, 0), {}),
      timer_at("at it", utc(2, 10, 0, 0, 1), {Expired("G2", 0)}),
  });
  Money::demo(w.ref).check(w);
}

// An order never trades at or after its expiry time, even before the timer sweeps it:
// every command first expires what is due (as the timer would), then does its work. (Once a
// tick filled, and another client's order crossed, a GTD order whose time had come, until the
// next TimerCmd; Engine::handle now sweeps first.)
TEST_CASE("orders: an order at or past its expiry time does not trade before the timer sweeps it", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  const int64_t one = btc("1");
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("65000.00"), one, 0) > px("65010.00"));  // only B1 would cross A1
  REQUIRE(desk_px(w.ref, kAcme, Side::kBuy, px("64800.00"), one, 0) <= px("64900.00"));  // the tick would reach G1
  const int64_t p1 = desk_px(w.ref, kAcme, Side::kBuy, px("64800.00"), one, 0);
  run_table(w, {
      {"ACME bids GTD to 10:30", gtd_order(kAcme, "G1", kBuy, "1", "64900.00", "20261121-10:30:00"), {New("G1", one)}},
      {"BETA offers GTD to 10:30", gtd_order(kBeta, "B1", kSell, "1", "65010.00", "20261121-10:30:00"), {New("B1", one)}},
      {"BETA offers GTD to 10:31", gtd_order(kBeta, "B2", kSell, "1", "65020.00", "20261121-10:31:00"), {New("B2", one)}},
      {"ACME bids Day", limit_order(kAcme, "D1", kBuy, "1", "64000.00"), {New("D1", one)}},
  });
  run_table(w, {
      Row{"10:30, no timer yet: the first tick expires G1 and B1 before it prices anything",
          PriceTickCmd{PriceTick{kBtcUsd, Price(px("64800.00")), TimeUs(0)}},
          {Expired("G1", 0), Expired("B1", 0)}, [](World& x) { x.clock.set(utc(0, 10, 30, 0)); }},
      {"ACME lifts up to 65010: B1 is gone, the desk fills it", limit_order(kAcme, "A1", kBuy, "1", "65010.00", kTifIoc),
       {New("A1", one), Trade("A1", one, 0, one, p1, false)}},
      Row{"10:31: a cancel of B2 meets its expiry first: too late", cancel_order(kBeta, "X1", "B2", kSell),
          {Expired("B2", 0), CxlRej(R::kOrderNotOpen, OrdStatus::kExpired)}, [](World& x) { x.clock.set(utc(0, 10, 31, 0)); }},
      Row{"21:00: a status request meets the Day order's expiry", status_request(kAcme, "D1", kBuy),
          {Expired("D1", 0), Status("D1", OrdStatus::kExpired, 0, 0)}, [](World& x) { x.clock.set(utc(0, 21, 0, 0)); }},
      timer_at("the timer finds nothing left", utc(0, 21, 0, 1), {}),
  });
  CHECK(w.engine.open_orders().empty());
  m.desk_order(kAcme, Side::kBuy, {{one, p1}});
  m.check(w);  // nothing else traded, every hold released
}

// ---- Cancel on disconnect -------------------------------------------------------------

TEST_CASE("orders: cancel-on-disconnect cancels the client's resting orders when its session ends", "[orders]") {
  World::Options opt;
  opt.tweak = [](ReferenceData& r) { r.clients[kBeta.value].cancel_on_disconnect = true; };
  World w(opt);
  Money m = Money::demo(w.ref);
  const int64_t one = btc("1");
  run_table(w, {
      {"BETA bids", limit_order(kBeta, "B1", kBuy, "1", "64900.00", kTifGtc), {New("B1", one)}},
      {"BETA offers (Day)", limit_order(kBeta, "B2", kSell, "1", "65100.00"), {New("B2", one)}},
      {"ACME bids", limit_order(kAcme, "A1", kBuy, "1", "64800.00", kTifGtc), {New("A1", one)}},
      {"BETA's session ends", SessionEndedCmd{kBeta},
       {Canceled("B1", 0, "canceled on disconnect"), Canceled("B2", 0, "canceled on disconnect")}},
      {"ACME's session ends: ACME is not cancel-on-disconnect", SessionEndedCmd{kAcme}, {}},
      {"BETA's again: nothing left", SessionEndedCmd{kBeta}, {}},
  });
  REQUIRE(w.engine.open_orders().size() == 1);
  CHECK(w.engine.open_orders()[0]->cl_ord_id == "A1");
  m.hold(kAcme, kUsd, buy_hold(w.ref, kAcme, one, px("64800.00")));
  m.check(w);
}

// ---- Holds, funds, credit -------------------------------------------------------------

TEST_CASE("orders: holds on accept, release on cancel, consumed by fills; funds and credit lines", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  const int64_t mid = px("65000.00");
  const int64_t one = btc("1");
  // 0.1234 x 64000.01 = 789760.1234 cents -> 789761 (up); fee 1 bp = 78.9761 -> 79 (up).
  CHECK(buy_hold(w.ref, kBeta, btc("0.1234"), px("64000.01")) == 789761 + 79);
  run_table(w, {{"BETA bids 0.1234 at 64000.01", limit_order(kBeta, "B1", kBuy, "0.1234", "64000.01", kTifGtc),
                 {New("B1", btc("0.1234"))}}});
  m.hold(kBeta, kUsd, 789761 + 79);
  m.check(w);
  run_table(w, {{"BETA offers 0.5", limit_order(kBeta, "B2", kSell, "0.5", "66000.00", kTifGtc), {New("B2", btc("0.5"))}}});
  m.hold(kBeta, kBtc, btc("0.5"));
  m.check(w);

  // A market buy holds at its slippage bound, then pays the desk's price and gets the rest back.
  const int64_t p = desk_px(w.ref, kAcme, Side::kBuy, mid, one, 0);
  const int64_t bound = slippage_bound(w.ref, Side::kBuy, mid, 1000);
  REQUIRE(bound > p);
  run_table(w, {{"ACME market buy 1", market_order(kAcme, "M1", kBuy, "1"), {New("M1", one), Trade("M1", one, 0, one, p)}}});
  {
    const JournalRecord* accepted = nullptr;
    for (const JournalRecord& r : w.journal.committed()) {
      if (r.kind == RecordKind::kOrderAccepted && r.cl_ord_id == "M1") accepted = &r;
    }
    REQUIRE(accepted != nullptr);
    REQUIRE(accepted->transfers.size() == 1);
    CHECK(accepted->transfers[0].amount.value == buy_hold(w.ref, kAcme, one, bound));
  }
  m.desk_order(kAcme, Side::kBuy, {{one, p}});
  m.check(w);

  run_table(w, {
      {"cancel B1: its hold comes back", cancel_order(kBeta, "X1", "B1", kBuy), {Canceled("X1", 0)}},
      {"cancel B2", cancel_order(kBeta, "X2", "B2", kSell), {Canceled("X2", 0)}},
      {"BETA cannot fund 20 BTC", limit_order(kBeta, "B3", kBuy, "20", "64000.00", kTifGtc), {Rej(R::kInsufficientFunds)}},
      {"BETA cannot deliver 6 BTC", limit_order(kBeta, "B4", kSell, "6", "66000.00", kTifGtc),
       {Rej(R::kInsufficientFunds)}},
      {"unfunded GAMMA cannot buy", limit_order(kGamma, "G0", kBuy, "0.0001", "64000.00", kTifGtc),
       {Rej(R::kInsufficientFunds)}},
      {"unfunded GAMMA cannot sell at market", market_order(kGamma, "G00", kSell, "0.0001"),
       {Rej(R::kInsufficientFunds)}},
  });
  m.release(kBeta, kUsd, 789761 + 79);
  m.release(kBeta, kBtc, btc("0.5"));
  m.check(w);

  // A credit line of 100000.00 USD lets GAMMA's available USD go down to -100000.00.
  w.ledger.set_credit_line("GAMMA", "USD", Amount(usd("100000.00")));
  const int64_t h1 = buy_hold(w.ref, kGamma, one, px("64000.00"));
  const int64_t h06 = buy_hold(w.ref, kGamma, btc("0.6"), px("64000.00"));
  const int64_t h05 = buy_hold(w.ref, kGamma, btc("0.5"), px("64000.00"));
  CHECK(h1 == 6400000 + 3200);  // 64000.00 + 5 bp
  REQUIRE(h1 + h06 > usd("100000.00"));
  REQUIRE(h1 + h05 <= usd("100000.00"));
  REQUIRE(desk_px(w.ref, kGamma, Side::kBuy, px("63000.00"), one, -one) <= px("64000.00"));
  REQUIRE(desk_px(w.ref, kGamma, Side::kBuy, px("63000.00"), btc("0.5"), -2 * one) <= px("64000.00"));
  run_table(w, {
      {"GAMMA bids 1 on credit", limit_order(kGamma, "G1", kBuy, "1", "64000.00", kTifGtc), {New("G1", one)}},
      {"0.6 more is beyond the line", limit_order(kGamma, "G2", kBuy, "0.6", "64000.00", kTifGtc),
       {Rej(R::kInsufficientFunds)}},
      {"0.5 more fits", limit_order(kGamma, "G3", kBuy, "0.5", "64000.00", kTifGtc), {New("G3", btc("0.5"))}},
  });
  m.hold(kGamma, kUsd, h1 + h05);
  m.check(w);
  CHECK(w.client_balance(kGamma, kUsd) == -(h1 + h05));
  run_table(w, {
      tick_row("both fill at 64000", kBtcUsd, px("63000.00"),
               {Trade("G1", one, 0, one, px("64000.00")), Trade("G3", btc("0.5"), 0, btc("0.5"), px("64000.00"))}),
  });
  m.release(kGamma, kUsd, h1 + h05);
  m.desk_order(kGamma, Side::kBuy, {{one, px("64000.00")}});
  m.desk_order(kGamma, Side::kBuy, {{btc("0.5"), px("64000.00")}});
  m.check(w);
  CHECK(w.client_balance(kGamma, kUsd) == -(h1 + h05));  // fills at the limit consume exactly the hold
  const int64_t s = desk_px(w.ref, kGamma, Side::kSell, px("63000.00"), btc("1.5"), -2 * one - btc("0.5"));
  run_table(w, {{"GAMMA sells its 1.5 back at market", market_order(kGamma, "G4", kSell, "1.5"),
                 {New("G4", btc("1.5")), Trade("G4", btc("1.5"), 0, btc("1.5"), s)}}});
  m.desk_order(kGamma, Side::kSell, {{btc("1.5"), s}});
  m.check(w);
}

// ---- Per-client limits ----------------------------------------------------------------

TEST_CASE("orders: per-client order notional limit", "[orders][limits]") {
  World::Options opt;
  opt.tweak = [](ReferenceData& r) { r.clients[kAcme.value].limits.order_notional_max = Amount(dec("100000.00", 2)); };
  World w(opt);
  Money m = Money::demo(w.ref);
  // A market buy is valued at its slippage bound: 1.6 x 65065.00 > 100000.
  REQUIRE(notional_of(w.ref, btc("1.6"), slippage_bound(w.ref, Side::kBuy, px("65000.00"), 1000), Side::kBuy) >
          usd("100000.00"));
  run_table(w, {
      {"1.6 at 64000 = 102400 USD", limit_order(kAcme, "A1", kBuy, "1.6", "64000.00", kTifGtc),
       {Rej(R::kOrderNotionalLimit)}},
      {"1.5 at 64000 = 96000 USD", limit_order(kAcme, "A2", kBuy, "1.5", "64000.00", kTifGtc), {New("A2", btc("1.5"))}},
      {"a market buy of 1.6", market_order(kAcme, "A3", kBuy, "1.6"), {Rej(R::kOrderNotionalLimit)}},
      {"a sell of 1.6 at 66000", limit_order(kAcme, "A4", kSell, "1.6", "66000.00", kTifGtc),
       {Rej(R::kOrderNotionalLimit)}},
      {"BETA has no limit", limit_order(kBeta, "B1", kBuy, "1.6", "64000.00", kTifGtc), {New("B1", btc("1.6"))}},
  });
  m.hold(kAcme, kUsd, buy_hold(w.ref, kAcme, btc("1.5"), px("64000.00")));
  m.hold(kBeta, kUsd, buy_hold(w.ref, kBeta, btc("1.6"), px("64000.00")));
  m.check(w);
}

TEST_CASE("orders: per-client open orders limit", "[orders][limits]") {
  World::Options opt;
  opt.tweak = [](ReferenceData& r) { r.clients[kAcme.value].limits.open_orders_max = 2; };
  World w(opt);
  const int64_t one = btc("1");
  run_table(w, {
      {"first", limit_order(kAcme, "A1", kBuy, "1", "64000.00", kTifGtc), {New("A1", one)}},
      {"second", limit_order(kAcme, "A2", kSell, "1", "66000.00"), {New("A2", one)}},
      {"third resting order", gtd_order(kAcme, "A3", kBuy, "1", "64000.00", "20261121-12:00:00"),
       {Rej(R::kOpenOrdersLimit)}},
      {"an IOC never rests: allowed", limit_order(kAcme, "A4", kBuy, "1", "64000.00", kTifIoc),
       {New("A4", one), Canceled("A4", 0)}},
      {"a market order: allowed", market_order(kAcme, "A5", kBuy, "0.1"),
       {New("A5", btc("0.1")), Trade("A5", btc("0.1"), 0, btc("0.1"), desk_px(w.ref, kAcme, Side::kBuy, px("65000.00"), btc("0.1"), 0))}},
      {"cancel one", cancel_order(kAcme, "X1", "A1", kBuy), {Canceled("X1", 0)}},
      {"now a third fits", limit_order(kAcme, "A6", kBuy, "1", "64000.00", kTifGtc), {New("A6", one)}},
      {"BETA has no limit", limit_order(kBeta, "B1", kBuy, "0.1", "64000.00", kTifGtc), {New("B1", btc("0.1"))}},
  });
}

TEST_CASE("orders: per-client daily notional limit counts today's fills and open orders", "[orders][limits]") {
  World::Options opt;
  opt.tweak = [](ReferenceData& r) { r.clients[kAcme.value].limits.daily_notional_max = Amount(dec("100000.00", 2)); };
  World w(opt);
  const int64_t p = desk_px(w.ref, kAcme, Side::kBuy, px("65000.00"), btc("1"), 0);
  run_table(w, {{"a market buy of 1", market_order(kAcme, "A1", kBuy, "1"),
                 {New("A1", btc("1")), Trade("A1", btc("1"), 0, btc("1"), p)}}});
  CHECK(w.engine.daily_used(kAcme) == notional_of(w.ref, btc("1"), p, Side::kBuy));
  const int64_t used = notional_of(w.ref, btc("1"), p, Side::kBuy);
  REQUIRE(used + usd("36000.00") > usd("100000.00"));
  REQUIRE(used + usd("30000.00") <= usd("100000.00"));
  REQUIRE(used + usd("30000.00") + usd("7000.00") > usd("100000.00"));
  REQUIRE(used + usd("30000.00") + usd("4800.00") <= usd("100000.00"));
  run_table(w, {
      {"+36000 (0.6 at 60000)", limit_order(kAcme, "A2", kBuy, "0.6", "60000.00", kTifGtc), {Rej(R::kDailyNotionalLimit)}},
      {"+30000 (0.5 at 60000)", limit_order(kAcme, "A3", kBuy, "0.5", "60000.00", kTifGtc), {New("A3", btc("0.5"))}},
      {"+7000 on the sell side, with the open 30000", limit_order(kAcme, "A4", kSell, "0.1", "70000.00", kTifGtc),
       {Rej(R::kDailyNotionalLimit)}},
      {"+4800", limit_order(kAcme, "A5", kBuy, "0.08", "60000.00", kTifGtc), {New("A5", btc("0.08"))}},
  });
  // The next UTC day: today's fills no longer count, the open orders (34800) still do.
  w.clock.set(utc(1, 10, 0, 0));
  w.tick(kBtcUsd, Price(px("65000.00")));
  CHECK(w.engine.daily_used(kAcme) == 0);
  run_table(w, {
      {"+65000 with 34800 open", limit_order(kAcme, "A6", kBuy, "1", "65000.00", kTifGtc), {New("A6", btc("1"))}},
      {"+600 more", limit_order(kAcme, "A7", kBuy, "0.01", "60000.00", kTifGtc), {Rej(R::kDailyNotionalLimit)}},
  });
}

TEST_CASE("orders: per-client position limit per asset", "[orders][limits]") {
  World::Options opt;
  opt.tweak = [](ReferenceData& r) {
    r.clients[kAcme.value].limits.position_max[kBtc.value] = Amount(dec("51", 8));
    r.clients[kBeta.value].limits.position_max[kUsd.value] = Amount(dec("1010000.00", 2));
  };
  World w(opt);
  run_table(w, {
      {"50 + 1.0001 BTC", limit_order(kAcme, "A1", kBuy, "1.0001", "64000.00", kTifGtc), {Rej(R::kPositionLimit)}},
      {"50 + 0.6", limit_order(kAcme, "A2", kBuy, "0.6", "64000.00", kTifGtc), {New("A2", btc("0.6"))}},
      {"50 + 0.6 open + 0.5", limit_order(kAcme, "A3", kBuy, "0.5", "64000.00", kTifGtc), {Rej(R::kPositionLimit)}},
      {"50 + 0.6 open + 0.4 = 51 exactly", limit_order(kAcme, "A4", kBuy, "0.4", "64000.00", kTifGtc),
       {New("A4", btc("0.4"))}},
      {"BETA's USD: 1000000 + 13200 proceeds", limit_order(kBeta, "B1", kSell, "0.2", "66000.00", kTifGtc),
       {Rej(R::kPositionLimit)}},
      {"BETA's USD: 1000000 + 6600 proceeds", limit_order(kBeta, "B2", kSell, "0.1", "66000.00", kTifGtc),
       {New("B2", btc("0.1"))}},
  });
}

TEST_CASE("orders: the whole book's resting order limit", "[orders][limits]") {
  World::Options opt;
  opt.tweak = [](ReferenceData& r) { r.limits.open_orders_max = 2; };
  World w(opt);
  const int64_t one = btc("1");
  run_table(w, {
      {"ACME rests", limit_order(kAcme, "A1", kBuy, "1", "64000.00", kTifGtc), {New("A1", one)}},
      {"BETA rests", limit_order(kBeta, "B1", kSell, "1", "66000.00"), {New("B1", one)}},
      {"a third resting order, any client", limit_order(kAcme, "A2", kSell, "1", "66000.00", kTifGtc),
       {Rej(R::kOrderBookFull)}},
      {"an IOC is fine", limit_order(kAcme, "A3", kSell, "1", "66000.00", kTifIoc), {New("A3", one), Canceled("A3", 0)}},
      {"cancel one", cancel_order(kBeta, "X1", "B1", kSell), {Canceled("X1", 0)}},
      {"room again", limit_order(kAcme, "A4", kSell, "1", "66000.00", kTifGtc), {New("A4", one)}},
  });
}

// ---- Refused new orders -------------------------------------------------------------------

TEST_CASE("orders: TimeInForce, expiry and field rejects; nothing moves", "[orders]") {
  World w;
  Money m = Money::demo(w.ref);
  auto lim = [](const char* cl, char tif) { return limit_order(kAcme, cl, kBuy, "1", "64000.00", tif); };
  auto with = [](NewOrderCmd o, auto edit) {
    edit(o);
    return o;
  };
  run_table(w, {
      {"limit, TIF 2 (at the opening)", lim("T1", '2'), {Rej(R::kUnsupportedTimeInForce)}},
      {"limit, TIF 5 (GTX)", lim("T2", '5'), {Rej(R::kUnsupportedTimeInForce)}},
      {"limit, TIF 7 (at the close)", lim("T3", '7'), {Rej(R::kUnsupportedTimeInForce)}},
      {"limit, TIF X", lim("T4", 'X'), {Rej(R::kUnsupportedTimeInForce)}},
      {"market, TIF 1 (GTC)", market_order(kAcme, "T5", kBuy, "1", kTifGtc), {Rej(R::kUnsupportedTimeInForce)}},
      {"market, TIF 0 (Day)", market_order(kAcme, "T6", kBuy, "1", kTifDay), {Rej(R::kUnsupportedTimeInForce)}},
      {"market, TIF 6 (GTD)", market_order(kAcme, "T7", kBuy, "1", kTifGtd), {Rej(R::kUnsupportedTimeInForce)}},
      {"GTD without ExpireTime or ExpireDate", gtd_order(kAcme, "E1", kBuy, "1", "64000.00", ""),
       {Rej(R::kExpireTimeInvalid)}},
      {"GTD with both", gtd_order(kAcme, "E2", kBuy, "1", "64000.00", "20261121-12:00:00", "20261122"),
       {Rej(R::kExpireTimeInvalid)}},
      {"GTD in the past", gtd_order(kAcme, "E3", kBuy, "1", "64000.00", "20261121-09:59:59"),
       {Rej(R::kExpireTimeInvalid)}},
      {"GTD at this very instant", gtd_order(kAcme, "E4", kBuy, "1", "64000.00", "20261121-10:00:00"),
       {Rej(R::kExpireTimeInvalid)}},
      {"GTD ExpireTime malformed", gtd_order(kAcme, "E5", kBuy, "1", "64000.00", "2026-11-21T12:00:00"),
       {Rej(R::kExpireTimeInvalid)}},
      {"GTD ExpireTime 25 o'clock", gtd_order(kAcme, "E6", kBuy, "1", "64000.00", "20261121-25:00:00"),
       {Rej(R::kExpireTimeInvalid)}},
      {"GTD ExpireDate yesterday", gtd_order(kAcme, "E7", kBuy, "1", "64000.00", "", "20261120"),
       {Rej(R::kExpireTimeInvalid)}},
      {"GTD ExpireDate malformed", gtd_order(kAcme, "E8", kBuy, "1", "64000.00", "", "2026-11-22"),
       {Rej(R::kExpireTimeInvalid)}},
      {"GTD ExpireDate month 13", gtd_order(kAcme, "E9", kBuy, "1", "64000.00", "", "20261322"),
       {Rej(R::kExpireTimeInvalid)}},
      {"ExpireTime on GTC", with(lim("F1", kTifGtc), [](NewOrderCmd& o) { o.expire_time = "20261121-12:00:00"; }),
       {Rej(R::kFieldNotAllowed)}},
      {"ExpireDate on a Day order", with(lim("F2", 0), [](NewOrderCmd& o) { o.expire_date = "20261122"; }),
       {Rej(R::kFieldNotAllowed)}},
      {"ExpireTime on IOC", with(lim("F3", kTifIoc), [](NewOrderCmd& o) { o.expire_time = "20261121-12:00:00"; }),
       {Rej(R::kFieldNotAllowed)}},
      {"ExpireTime on a market order",
       with(market_order(kAcme, "F4", kBuy, "1"), [](NewOrderCmd& o) { o.expire_time = "20261121-12:00:00"; }),
       {Rej(R::kFieldNotAllowed)}},
      {"Price on a market order", with(market_order(kAcme, "F5", kBuy, "1"), [](NewOrderCmd& o) { o.price_text = "1"; }),
       {Rej(R::kFieldNotAllowed)}},
      {"MaxSlippageBps on a limit order", with(lim("F6", kTifIoc), [](NewOrderCmd& o) { o.slippage_bps = "5"; }),
       {Rej(R::kFieldNotAllowed)}},
      {"QuoteID on a limit order", with(lim("F7", kTifGtc), [](NewOrderCmd& o) { o.quote_id = "Q1"; }),
       {Rej(R::kFieldNotAllowed)}},
      {"a limit order without Price", with(lim("F8", kTifGtc), [](NewOrderCmd& o) { o.price_text = ""; }),
       {Rej(R::kMissingField)}},
      {"a ClOrdID used by a refused order", lim("F8", kTifGtc), {Rej(R::kDuplicateClOrdId)}},
      {"slippage 500.01", market_order(kAcme, "S1", kBuy, "1", 0, "500.01"), {Rej(R::kSlippageInvalid)}},
      {"slippage 1.001", market_order(kAcme, "S2", kBuy, "1", 0, "1.001"), {Rej(R::kSlippageInvalid)}},
      {"slippage -0.01", market_order(kAcme, "S3", kBuy, "1", 0, "-0.01"), {Rej(R::kSlippageInvalid)}},
      {"slippage 1e2", market_order(kAcme, "S4", kBuy, "1", 0, "1e2"), {Rej(R::kSlippageInvalid)}},
  });
  CHECK(w.engine.open_orders().empty());
  m.check(w);
}

// ---- Restart ------------------------------------------------------------------------

std::vector<uint64_t> book_ids_of(const Engine& e, Side s) {
  std::vector<uint64_t> v;
  for (OrderId id : e.book(kBtcUsd).side_orders(s)) v.push_back(id.value);
  return v;
}

TEST_CASE("orders: a restart rebuilds the open orders, their holds and the book from the journal", "[orders]") {
  World first;
  first.deposit(kGamma, kUsd, "1000000.00");
  first.deposit(kGamma, kBtc, "10");
  run_table(first, {
      {"ACME bids 30 at 64000", limit_order(kAcme, "A2", kBuy, "30", "64000.00", kTifGtc), {New("A2", btc("30"))}},
      tick_row("A2 fills 20 at its limit", kBtcUsd, px("63000.00"),
               {Trade("A2", btc("20"), btc("10"), btc("20"), px("64000.00"))}),
      tick_row("back to 65000", kBtcUsd, px("65000.00"), {}),
      {"ACME bids 1 at 64900", limit_order(kAcme, "A1", kBuy, "1", "64900.00", kTifGtc), {New("A1", btc("1"))}},
      {"BETA bids 0.5 at 64900, behind", limit_order(kBeta, "B1", kBuy, "0.5", "64900.00"), {New("B1", btc("0.5"))}},
      {"GAMMA bids 0.1234 at 64800.01, GTD",
       gtd_order(kGamma, "G1", kBuy, "0.1234", "64800.01", "20261122-10:00:00"), {New("G1", btc("0.1234"))}},
      {"BETA offers 2 at 65100", limit_order(kBeta, "B2", kSell, "2", "65100.00", kTifGtc), {New("B2", btc("2"))}},
      {"GAMMA offers 1 at 65020", limit_order(kGamma, "G2", kSell, "1", "65020.00", kTifGtc), {New("G2", btc("1"))}},
      {"ACME takes 0.3 of G2", limit_order(kAcme, "A3", kBuy, "0.3", "65020.00", kTifIoc),
       {New("A3", btc("0.3")), Trade("A3", btc("0.3"), 0, btc("0.3"), px("65020.00"), true),
        Trade("G2", btc("0.3"), btc("0.7"), btc("0.3"), px("65020.00"), true)}},
      {"A1 down to 0.7, keeping its place", replace_order(kAcme, "A1b", "A1", kBuy, "0.7", "64900.00"),
       {Replaced("A1b", btc("0.7"), 0)}},
      {"BETA offers 1 more, then cancels it", limit_order(kBeta, "B3", kSell, "1", "65200.00", kTifGtc),
       {New("B3", btc("1"))}},
      {"cancel B3", cancel_order(kBeta, "XB3", "B3", kSell), {Canceled("XB3", 0)}},
  });
  CHECK(book_cls(first, Side::kBuy) == std::vector<std::string>{"A1b", "B1", "G1", "A2"});
  REQUIRE(first.journal.commit().ok());
  const ledger::RecoveredState rs = recover(first.journal.committed());
  REQUIRE(rs.open_orders.size() == 6);  // A1b, B1, G1, A2 (partly filled), B2, G2 (partly filled)

  // The second process: ledger balances restored, then the engine started on the journal.
  ledger::RecoveredState state = rs;
  for (const ledger::Account& a : first.ledger.accounts()) {
    state.accounts.push_back(ledger::RestoredAccount{a, first.ledger.balance(a.id)});
  }
  ReferenceData ref = demo_reference_data();
  ManualClock clock{first.clock.now()};
  ledger::MemoryJournal journal;
  ledger::Ledger ledger{&journal};
  REQUIRE(ledger.restore(state.accounts, state.last_transfer_id).ok());
  Engine engine{ref, clock, ledger, journal};
  const otc::Status started = engine.start(state);
  INFO((started.ok() ? std::string() : started.reject().detail));
  REQUIRE(started.ok());
  CHECK(engine.check_invariants() == "");

  const std::vector<const Order*> before = first.engine.open_orders();
  const std::vector<const Order*> after = engine.open_orders();
  REQUIRE(before.size() == after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    const Order& a = *before[i];
    const Order& b = *after[i];
    INFO("order " << a.cl_ord_id);
    CHECK(a.id == b.id);
    CHECK(a.client == b.client);
    CHECK(a.instrument == b.instrument);
    CHECK(a.side == b.side);
    CHECK(a.ord_type == b.ord_type);
    CHECK(a.tif == b.tif);
    CHECK(a.cl_ord_id == b.cl_ord_id);
    CHECK(a.orig_cl_ord_id == b.orig_cl_ord_id);
    CHECK(a.qty == b.qty);
    CHECK(a.cum == b.cum);
    CHECK(a.limit == b.limit);
    CHECK(a.hold_px == b.hold_px);
    CHECK(a.cum_value == b.cum_value);
    CHECK(a.cum_notional == b.cum_notional);
    CHECK(a.cum_fee == b.cum_fee);
    CHECK(a.held == b.held);
    CHECK(a.expire == b.expire);
    CHECK(a.priority == b.priority);
    CHECK(static_cast<char>(a.status) == static_cast<char>(b.status));
  }
  CHECK(engine.book(kBtcUsd).bids() == first.engine.book(kBtcUsd).bids());
  for (const ClientSpec& c : ref.clients) {
    INFO("daily used of " << c.code);
    CHECK(engine.daily_used(c.id) == first.engine.daily_used(c.id));
  }
  CHECK(engine.daily_used(kAcme) > 0);
  CHECK(engine.book(kBtcUsd).asks() == first.engine.book(kBtcUsd).asks());

  // It carries on: a used ClOrdID is refused, new orders queue behind the restored ones,
  // the price moves through restored and new orders alike, a cancel releases its hold,
  // the GTD expires on time.
  std::vector<Event> out;
  engine.handle(limit_order(kAcme, "A1", kBuy, "1", "60000.00", kTifGtc), &out);
  REQUIRE(out.size() == 1);
  CHECK(std::get<OrderRejectedEvent>(out[0]).reject.reason == R::kDuplicateClOrdId);
  out.clear();
  engine.handle(limit_order(kAcme, "A4", kBuy, "0.1", "64900.00", kTifGtc), &out);
  REQUIRE(out.size() == 1);
  CHECK(er(out, 0).order.order_id.value > rs.last_order_id.value);
  CHECK(er(out, 0).exec_id.value > rs.last_exec_id.value);
  CHECK(book_ids_of(engine, Side::kBuy).at(2) == er(out, 0).order.order_id.value);  // behind B1 at 64900
  out.clear();
  // The desk is short 20 BTC (A2's fill): at 64830 ACME's offers reach 64900, BETA's do not.
  const int64_t desk = -btc("20");
  REQUIRE(desk_px(ref, kAcme, Side::kBuy, px("64830.00"), btc("0.7"), desk) <= px("64900.00"));
  REQUIRE(desk_px(ref, kAcme, Side::kBuy, px("64830.00"), btc("0.1"), desk - btc("0.7")) <= px("64900.00"));
  REQUIRE(desk_px(ref, kBeta, Side::kBuy, px("64830.00"), btc("0.5"), desk - btc("0.7")) > px("64900.00"));
  REQUIRE(desk_px(ref, kGamma, Side::kBuy, px("64830.00"), btc("0.1234"), desk - btc("0.7")) > px("64800.01"));
  engine.handle(PriceTickCmd{PriceTick{kBtcUsd, Price(px("64830.00")), clock.now()}}, &out);
  REQUIRE(out.size() == 2);
  CHECK(er(out, 0).order.cl_ord_id == "A1b");
  CHECK(er(out, 0).order.status == OrdStatus::kFilled);
  CHECK(er(out, 0).last_px.value == px("64900.00"));
  CHECK(er(out, 1).order.cl_ord_id == "A4");
  CHECK(er(out, 1).last_px.value == px("64900.00"));
  CHECK(engine.check_invariants() == "");
  out.clear();
  const AccountId b1_held = engine.held_account(kBeta, kUsd);
  REQUIRE(ledger.balance(b1_held).value > 0);
  engine.handle(cancel_order(kBeta, "XB1", "B1", kBuy), &out);
  REQUIRE(out.size() == 1);
  CHECK(er(out, 0).kind == ExecKind::kCanceled);
  CHECK(ledger.balance(b1_held).value == 0);
  out.clear();
  clock.set(utc(1, 10, 0, 0));
  engine.handle(TimerCmd{}, &out);
  std::vector<std::string> expired;
  for (const Event& e : out) {
    if (is_er(e, ExecKind::kExpired)) expired.push_back(std::get<ExecReportEvent>(e).order.cl_ord_id);
  }
  CHECK(expired == std::vector<std::string>{"G1"});
  CHECK(engine.check_invariants() == "");
  for (const AssetSpec& a : ref.assets) CHECK(ledger.asset_net(a.code) == 0);
}

}  // namespace
}  // namespace otc::engine::test
