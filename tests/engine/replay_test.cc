// tests/engine/replay_test.cc: recovery from the SQLite journal alone, deterministically.
//
// A seeded history (quotes, orders on quotes, market and limit orders, cancels, price
// moves that fill resting orders) runs on an engine journaling to memory; its records are
// written to a real SQLite journal file exactly as committed. Then two fresh engines each
// rebuild from that file (SqliteJournal::load, Ledger::restore, Engine::start) and dump
// their state: the two dumps are byte-identical, and equal the live engine's own dump.
// And every report record the engine journaled gives back, through report_of_record, the
// very event the engine delivered (delivery after a crash sends the same report).
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>

#include "tests/temp_dir.h"
#include "ledger/sqlite_journal.h"
#include "tests/engine/fixture.h"
#include "tests/engine/orders_fixture.h"

namespace otc::engine::test {
namespace {

using ::otc::test::TempDir;

// Rebuilds an engine from the journal file at `path` (as the gateway's start-up does) and
// returns its state dump.
std::string rebuild(const std::string& path, const ReferenceData& ref, TimeUs now) {
  auto opened = ledger::SqliteJournal::open(path);
  REQUIRE(opened.ok());
  std::unique_ptr<ledger::SqliteJournal> j = std::move(opened).value();
  ledger::RecoveredState state;
  REQUIRE(j->load(&state).ok());
  ManualClock clock{now};
  ledger::Ledger ledger(j.get());
  std::vector<ledger::RestoredAccount> accounts = state.accounts;
  for (auto& a : accounts) {
    const AssetSpec* asset = ref.find_asset(a.account.asset_code);
    REQUIRE(asset != nullptr);
    a.account.asset = asset->id;
  }
  REQUIRE(ledger.restore(accounts, state.last_transfer_id).ok());
  Engine engine(ref, clock, ledger, *j);
  const Status s = engine.start(state);
  INFO((s.ok() ? std::string() : s.reject().detail));
  REQUIRE(s.ok());
  CHECK(j->pending() == 0);  // every account existed: a rebuild appends nothing
  CHECK(engine.check_invariants() == "");
  return engine.dump_state();
}

// Compares two events field by field through what a client would be sent.
std::string describe(const Event& e) {
  std::ostringstream o;
  if (const auto* x = std::get_if<ExecReportEvent>(&e)) {
    const OrderView& v = x->order;
    o << "ER " << static_cast<char>(x->kind) << " exec " << x->exec_id.value << " order " << v.order_id.value << " cl "
      << v.cl_ord_id << " orig " << v.orig_cl_ord_id << " status " << static_cast<char>(v.status) << " qty "
      << v.qty.value << " cum " << v.cum_qty.value << " leaves " << v.leaves_qty.value << " avg " << v.avg_px.value
      << " px " << (v.price ? v.price->value : -1) << " tif " << int(v.tif) << " type " << v.ord_type << " exp "
      << (v.expire ? v.expire->value : -1) << " last " << x->last_qty.value << "@" << x->last_px.value << " notional "
      << x->notional.value << " fee " << x->fee.value << " quote " << x->quote_id.value << " internal " << x->internal
      << " text " << x->text << " ts " << x->ts.value << " seq " << x->seq;
  } else if (const auto* r = std::get_if<OrderRejectedEvent>(&e)) {
    o << "REJ order " << r->order_id.value << " exec " << r->exec_id.value << " cl " << r->cl_ord_id << " "
      << r->symbol << " " << r->side << r->ord_type << " " << r->qty_text << "@" << r->price_text << " reason "
      << static_cast<int>(r->reject.reason) << " " << r->reject.detail << " ts " << r->ts.value << " seq " << r->seq;
  } else if (const auto* c = std::get_if<CancelRejectedEvent>(&e)) {
    o << "CXLREJ cl " << c->cl_ord_id << " orig " << c->orig_cl_ord_id << " order "
      << (c->order_id ? c->order_id->value : 0) << " status "
      << (c->ord_status ? static_cast<char>(*c->ord_status) : '-') << " to " << c->response_to << " reason "
      << static_cast<int>(c->reject.reason) << " " << c->reject.detail << " ts " << c->ts.value << " seq " << c->seq;
  } else {
    o << "other " << event_name(e);
  }
  return o.str();
}

bool is_report(const Event& e) {
  if (const auto* x = std::get_if<ExecReportEvent>(&e)) return x->kind != ExecKind::kStatus;
  if (const auto* r = std::get_if<OrderRejectedEvent>(&e)) return r->exec_type == '8';
  return std::holds_alternative<CancelRejectedEvent>(e);
}

TEST_CASE("replay: a journal rebuilds the same state twice, equal to the live engine's", "[replay]") {
  const uint64_t seed = std::getenv("OTC_SEED") ? std::strtoull(std::getenv("OTC_SEED"), nullptr, 10) : 20261122;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  World w;
  std::vector<Event> reports;
  auto run = [&](const Command& c) {
    for (Event& e : w.handle(c)) {
      if (is_report(e)) reports.push_back(std::move(e));
    }
  };
  const InstrumentSpec& btc = w.ref.instrument(w.ref.find_instrument("BTC/USD")->id);
  Price mid = btc.initial_mid;
  std::vector<std::string> resting;
  for (int step = 0; step < 600; ++step) {
    const int what = static_cast<int>(rng() % 6);
    const ClientId client = rng() % 2 ? kAcme : kBeta;
    const char side = rng() % 2 ? '1' : '2';
    const std::string qty = std::to_string(1 + rng() % 20) + "0.01";  // 0.01 .. 0.2 BTC-ish lots
    const std::string small = "0." + std::to_string(1 + rng() % 9);
    if (what == 0) {
      QuoteRequestCmd q = World::quote_request(client, "BTC/USD", side, small);
      q.quote_req_id = "Q" + std::to_string(step);
      std::vector<Event> out = w.handle(q);
      if (const auto* quoted = std::get_if<QuotedEvent>(&out[0]); quoted != nullptr && rng() % 2) {
        run(w.order_for(*quoted, side == '1' ? Side::kBuy : Side::kSell));
      }
    } else if (what == 1) {
      run(ord::market_order(client, w.fresh_cl_ord_id(), side, small));
    } else if (what == 2) {
      const int64_t off = static_cast<int64_t>(rng() % 400) - 200;
      const std::string cl = w.fresh_cl_ord_id();
      run(ord::limit_order(client, cl, side, small, format_price(btc, Price(mid.value + off * 100)), '1'));
      resting.push_back(cl);
    } else if (what == 3 && !resting.empty()) {
      const std::string orig = resting[rng() % resting.size()];
      // Either side may be wrong: then the cancel is refused (an OrderCancelReject record).
      run(ord::cancel_order(rng() % 2 ? kAcme : kBeta, w.fresh_cl_ord_id(), orig, side));
    } else if (what == 4) {
      mid = Price(mid.value + (static_cast<int64_t>(rng() % 200) - 100) * 100);
      for (Event& e : w.tick(btc.id, mid)) {
        if (is_report(e)) reports.push_back(std::move(e));
      }
    } else {
      w.clock.advance_us(static_cast<int64_t>(rng() % 3'000'000));
    }
    (void)qty;
    REQUIRE(w.journal.commit().ok());
  }
  for (Event& e : w.tick(btc.id, mid)) {  // a fresh price, then at least one quote live at the end
    if (is_report(e)) reports.push_back(std::move(e));
  }
  w.quote(kAcme, "BTC/USD", '1', "0.5");
  REQUIRE(w.journal.commit().ok());
  // The expiry sweep the runner's timer makes: quotes past their time leave the book
  // (a rebuild never brings them back).
  for (Event& e : w.handle(TimerCmd{})) {
    if (is_report(e)) reports.push_back(std::move(e));
  }
  REQUIRE(w.journal.commit().ok());
  REQUIRE(w.engine.check_invariants() == "");

  TempDir dir;
  const std::string path = dir.path + "/otcgw.db";
  {
    auto opened = ledger::SqliteJournal::open(path);
    REQUIRE(opened.ok());
    std::unique_ptr<ledger::SqliteJournal> j = std::move(opened).value();
    for (const ledger::JournalRecord& r : w.journal.committed()) j->append(r);
    REQUIRE(j->commit().ok());
  }

  const std::string live = w.engine.dump_state();
  const std::string first = rebuild(path, w.ref, w.clock.now());
  const std::string second = rebuild(path, w.ref, w.clock.now());
  CHECK(first == second);
  // On a difference, show where (the dumps are long).
  size_t at = 0;
  while (at < first.size() && at < live.size() && first[at] == live[at]) ++at;
  INFO("first difference at byte " << at << ": rebuilt ..." << first.substr(at > 120 ? at - 120 : 0, 240)
                                   << "... live ..." << live.substr(at > 120 ? at - 120 : 0, 240));
  CHECK(first == live);
  CHECK(live.find("\"open_orders\":[]") == std::string::npos);  // the history left orders resting
  CHECK(live.find("\"live_quotes\":[]") == std::string::npos);   // and quotes live

  // Every report the engine made comes back identical from its record.
  auto reader = ledger::SqliteReportReader::open(path);
  REQUIRE(reader.ok());
  size_t checked = 0;
  for (const char* client : {"ACME", "BETA"}) {
    std::vector<ledger::StoredRecord> records;
    REQUIRE(reader.value()->reports_after(client, 0, 1000000, &records).ok());
    for (const ledger::StoredRecord& r : records) {
      Result<Event> e = report_of_record(w.ref, r);
      INFO("record " << r.seq << " " << ledger::record_kind_name(r.kind));
      REQUIRE(e.ok());
      auto it = std::find_if(reports.begin(), reports.end(), [&](const Event& x) {
        return std::visit([&](const auto& ev) -> uint64_t {
                 if constexpr (requires { ev.seq; }) return ev.seq;
                 return 0;
               }, x) == r.seq;
      });
      REQUIRE(it != reports.end());
      CHECK(describe(e.value()) == describe(*it));
      ++checked;
    }
  }
  CHECK(checked == reports.size());
  CHECK(checked > 100);
}

}  // namespace
}  // namespace otc::engine::test
