// tests/engine/journal_fault_test.cc: the SQLite journal on a disk that fails on demand
// ("faultfs", tests/ledger/fault_vfs.h): a failed fsync or write in the middle of a commit
// makes commit() fail and halt the journal, leaves nothing of the batch in the file, and,
// through the real Runner and Engine, nothing derived from the batch or anything later is
// ever reported; only what the file holds was told.
//
// Unlike the other engine tests this one uses real files (a temporary directory per case,
// removed at the end): the point is SQLite's own behaviour on I/O errors. Waits are bounded
// (condition variables with a timeout), never fixed sleeps. The engine's clock is a
// ManualClock the test does not move, so batches may form however the runner takes them:
// the assertions hold for any batching.
#include "engine/runner.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "tests/temp_dir.h"
#include "ledger/ledger.h"
#include "ledger/sqlite_journal.h"
#include "tests/engine/fixture.h"
#include "tests/engine/orders_fixture.h"
#include "tests/ledger/fault_vfs.h"

namespace otc::engine::test {
namespace {

using ledger::AccountPurpose;
using ledger::JournalRecord;
using ledger::RecordKind;
using ledger::SqliteJournal;
using otc::test::arm_fault;
using otc::test::disarm_fault;
using otc::test::fault_counts;
using otc::test::FaultCounts;
using otc::test::FaultMode;
using otc::test::faults_fired;
using otc::test::FaultTarget;
using otc::test::register_fault_vfs;
using otc::test::reset_fault_counts;
using R = RejectReason;

constexpr auto kWait = std::chrono::seconds(10);  // generous bound; normally milliseconds

using ::otc::test::TempDir;

// Disarms faultfs however a test case ends (a failed REQUIRE included).
struct FaultGuard {
  FaultGuard() {
    register_fault_vfs();
    disarm_fault();
    reset_fault_counts();
  }
  ~FaultGuard() { disarm_fault(); }
};

std::unique_ptr<SqliteJournal> open_journal(const std::string& path, const std::string& vfs) {
  auto r = SqliteJournal::open(path, vfs);
  if (!r.ok()) FAIL("open " << path << " (vfs '" << vfs << "'): " << r.reject().detail);
  return std::move(r).value();
}

ledger::RecoveredState load(SqliteJournal& j) {
  ledger::RecoveredState s;
  const Status st = j.load(&s);
  if (!st.ok()) FAIL("load " << j.path() << ": " << st.reject().detail);
  return s;
}

std::map<uint64_t, int64_t> balances_of(const ledger::Ledger& l) {
  std::map<uint64_t, int64_t> out;
  for (const ledger::Account& a : l.accounts()) out[a.id.value] = l.balance(a.id).value;
  return out;
}
std::map<uint64_t, int64_t> balances_of(const ledger::RecoveredState& s) {
  std::map<uint64_t, int64_t> out;
  for (const ledger::RestoredAccount& r : s.accounts) out[r.account.id.value] = r.balance.value;
  return out;
}

// A read-only connection through the default VFS: what a reviewer sees in the file.
struct ReadOnlyDb {
  sqlite3* db = nullptr;
  explicit ReadOnlyDb(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  }
  ~ReadOnlyDb() { sqlite3_close(db); }
  ReadOnlyDb(const ReadOnlyDb&) = delete;
  ReadOnlyDb& operator=(const ReadOnlyDb&) = delete;
  // The first column of every row as int64 (NULL as 0), binding `arg` to ?1 if the SQL has it.
  std::vector<int64_t> ints(const std::string& sql, int64_t arg = 0) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    if (sqlite3_bind_parameter_count(stmt) > 0) REQUIRE(sqlite3_bind_int64(stmt, 1, arg) == SQLITE_OK);
    std::vector<int64_t> out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) out.push_back(sqlite3_column_int64(stmt, 0));
    CHECK(rc == SQLITE_DONE);
    sqlite3_finalize(stmt);
    return out;
  }
  int64_t scalar(const std::string& sql, int64_t arg = 0) {
    const std::vector<int64_t> v = ints(sql, arg);
    REQUIRE(v.size() == 1);
    return v[0];
  }
};

// ---- Journal level: a ledger posting fills through SqliteJournal on faultfs ------------

constexpr TimeUs kNow{1'700'000'000'123'456};
constexpr AssetId kJUsd{1};
constexpr AssetId kJBtc{2};
constexpr int kFillsPerBatch = 24;  // with padded payloads: a commit of many WAL frames

struct Book {
  AccountId alice_usd, alice_btc, desk_usd, desk_btc, fees_usd, ext_usd, ext_btc;
  uint64_t next_exec = 1;

  static JournalRecord record(RecordKind kind, const std::string& client) {
    JournalRecord r;
    r.kind = kind;
    r.ts = kNow;
    r.client = client;
    r.payload = "{}";
    return r;
  }

  void open_and_fund(ledger::Ledger& l) {
    alice_usd = l.open("alice", kJUsd, "USD", AccountPurpose::kClientAvailable, kNow);
    alice_btc = l.open("alice", kJBtc, "BTC", AccountPurpose::kClientAvailable, kNow);
    desk_usd = l.open("DESK", kJUsd, "USD", AccountPurpose::kDeskInventory, kNow);
    desk_btc = l.open("DESK", kJBtc, "BTC", AccountPurpose::kDeskInventory, kNow);
    fees_usd = l.open("FEES", kJUsd, "USD", AccountPurpose::kFeeIncome, kNow);
    ext_usd = l.open("EXTERNAL", kJUsd, "USD", AccountPurpose::kExternal, kNow);
    ext_btc = l.open("EXTERNAL", kJBtc, "BTC", AccountPurpose::kExternal, kNow);
    REQUIRE(l.post({l.transfer(ext_usd, alice_usd, Amount(100'000'000))}, record(RecordKind::kDeposit, "alice")).ok());
    REQUIRE(l.post({l.transfer(ext_btc, desk_btc, Amount(1'000'000))}, record(RecordKind::kDeposit, "")).ok());
  }

  // alice buys 10 BTC-minor at 3000 (notional 30000 USD-minor, fee 30); the payload is
  // padded so that a batch spans many pages.
  void fill(ledger::Ledger& l) {
    const uint64_t exec = next_exec++;
    JournalRecord r = record(RecordKind::kFill, "alice");
    r.order_id = OrderId(exec);
    r.exec_id = ExecId(exec);
    r.cl_ord_id = "A-" + std::to_string(exec);
    r.payload = "{\"pad\":\"" + std::string(600, 'x') + "\"}";
    ledger::TradeRow t;
    t.exec_id = ExecId(exec);
    t.order_id = OrderId(exec);
    t.client = "alice";
    t.cl_ord_id = r.cl_ord_id;
    t.instrument = "BTC/USD";
    t.side = Side::kBuy;
    t.qty = Qty(10);
    t.price = Price(3000);
    t.qty_text = "0.0000001";
    t.price_text = "30.00";
    t.notional = Amount(30'000);
    t.fee = Amount(30);
    r.trade = t;
    REQUIRE(l.post({l.transfer(alice_usd, desk_usd, Amount(30'000)), l.transfer(alice_usd, fees_usd, Amount(30)),
                    l.transfer(desk_btc, alice_btc, Amount(10))},
                   std::move(r))
                .ok());
  }
};

// What one scenario saw: an account book committed in two good batches, then a third
// batch committed with the fault armed (arm() is called just before that commit).
struct Outcome {
  bool commit_ok = false;
  std::string commit_error;
  bool halted = false;
  FaultCounts during;      // calls faultfs saw during the third commit
  int fired = 0;           // failures injected during it
  uint64_t good_seq = 0;   // last seq of the second (good) batch
  uint64_t batch_seq = 0;  // last seq of the third batch
  std::map<uint64_t, int64_t> good_balances;
  std::map<uint64_t, int64_t> batch_balances;  // the ledger's after the third batch (in memory)
  // After the journal was closed and the file reopened with the default VFS.
  uint64_t reopened_seq = 0;
  int64_t reopened_rows = 0;
  int64_t reopened_trades = 0;
  std::map<uint64_t, int64_t> reopened_balances;
  uint64_t reopened_next_seq = 0;  // what a restarted writer would number next
};

// `before_close`: called with the failed journal still open (e.g. to copy its files).
Outcome run_scenario(const TempDir& dir, const std::function<void()>& arm,
                     const std::function<void(SqliteJournal&)>& before_close = {}) {
  const std::string path = dir.file("otcgw.db");
  Outcome o;
  {
    std::unique_ptr<SqliteJournal> j = open_journal(path, otc::test::kFaultVfsName);
    load(*j);
    ledger::Ledger l(j.get());
    Book b;
    b.open_and_fund(l);
    REQUIRE(j->commit().ok());
    for (int i = 0; i < kFillsPerBatch; ++i) b.fill(l);
    REQUIRE(j->commit().ok());
    o.good_seq = j->last_seq();
    o.good_balances = balances_of(l);

    for (int i = 0; i < kFillsPerBatch; ++i) b.fill(l);
    o.batch_seq = j->last_seq();
    o.batch_balances = balances_of(l);
    reset_fault_counts();
    arm();
    const Status s = j->commit();
    o.during = fault_counts();
    o.fired = faults_fired();
    o.commit_ok = s.ok();
    if (!s.ok()) o.commit_error = s.reject().detail;
    o.halted = j->halted();
    if (!s.ok()) {
      CHECK(s.reject().reason == R::kJournalHalted);
      CHECK(j->pending() == 0);
      // Refused from now on, even with the disk healthy again (LevelDB's RecordBackgroundError).
      const Status again = j->commit();
      CHECK_FALSE(again.ok());
      CHECK(again.reject().detail.find("halted after an earlier failure") != std::string::npos);
      CHECK(j->checkpoint_if_due(kNow, true).ok());  // nothing to sign: a halted journal writes nothing
      // append() on a halted journal is a contract violation (asserted), not a refusal:
      // the engine checks halted() first (engine.cc), so it is not called here.
    }
    if (before_close) before_close(*j);
  }  // closed through faultfs, still armed: a sticky fault fails the close-time checkpoint
  disarm_fault();
  {
    std::unique_ptr<SqliteJournal> j = open_journal(path, "");
    const ledger::RecoveredState st = load(*j);
    o.reopened_seq = st.last_seq;
    o.reopened_balances = balances_of(st);
    o.reopened_next_seq = j->last_seq() + 1;
  }
  ReadOnlyDb ro(path);
  o.reopened_rows = ro.scalar("SELECT count(*) FROM journal");
  o.reopened_trades = ro.scalar("SELECT count(*) FROM trades");
  return o;
}

// The file after a failed commit holds exactly the good batches.
void check_nothing_of_failed_batch(const Outcome& o) {
  CHECK_FALSE(o.commit_ok);
  CHECK(o.halted);
  CHECK(o.fired >= 1);  // a sticky fault also fails the undo checkpoint
  CHECK(o.commit_error.find("disk I/O error") != std::string::npos);
  CHECK(o.commit_error.find("in doubt") == std::string::npos);
  CHECK(o.reopened_seq == o.good_seq);
  CHECK(o.reopened_rows == static_cast<int64_t>(o.good_seq));
  CHECK(o.reopened_trades == kFillsPerBatch);
  CHECK(o.reopened_balances == o.good_balances);
  CHECK(o.reopened_balances != o.batch_balances);  // the lost batch did move money in memory
  CHECK(o.reopened_next_seq == o.good_seq + 1);
}

// A commit that fails no call: how many WAL syncs and writes one batch commit makes.
FaultCounts baseline_commit_counts() {
  TempDir dir;
  const Outcome o = run_scenario(dir, [] {});
  REQUIRE(o.commit_ok);
  REQUIRE(o.fired == 0);
  REQUIRE(o.reopened_seq == o.batch_seq);
  REQUIRE(o.reopened_balances == o.batch_balances);
  return o.during;
}

TEST_CASE("journal fault: every commit fsyncs the WAL (synchronous=FULL) and touches nothing else", "[journal_fault]") {
  FaultGuard guard;
  const FaultCounts c = baseline_commit_counts();
  INFO("WAL syncs " << c.wal_syncs << ", writes " << c.wal_writes << "; db syncs " << c.db_syncs << ", writes "
                    << c.db_writes);
  CHECK(c.wal_syncs >= 1);
  CHECK(c.wal_writes >= 2 * 4);  // frame header + page per frame, several pages
  CHECK(c.db_syncs == 0);        // WAL mode: the database file is touched only by checkpoints
  CHECK(c.db_writes == 0);
}

TEST_CASE("journal fault: a failed fsync at any point of a commit halts and leaves nothing of the batch",
          "[journal_fault]") {
  FaultGuard guard;
  const FaultCounts base = baseline_commit_counts();
  REQUIRE(base.wal_syncs >= 1);
  for (int n = 1; n <= base.wal_syncs; ++n) {
    INFO("fsync " << n << " of " << base.wal_syncs << " fails");
    TempDir dir;
    const Outcome o = run_scenario(dir, [n] { arm_fault(FaultMode::kSync, FaultTarget::kWal, n); });
    CHECK(o.during.wal_syncs >= n);  // SQLite stops at the failed sync; the undo checkpoint syncs again
    check_nothing_of_failed_batch(o);
  }
}

TEST_CASE("journal fault: a failed write at any point of the WAL halts and leaves nothing of the batch",
          "[journal_fault]") {
  FaultGuard guard;
  const FaultCounts base = baseline_commit_counts();
  REQUIRE(base.wal_writes >= 8);
  for (int n = 1; n <= base.wal_writes; ++n) {
    INFO("WAL write " << n << " of " << base.wal_writes << " fails");
    TempDir dir;
    const Outcome o = run_scenario(dir, [n] { arm_fault(FaultMode::kWrite, FaultTarget::kWal, n); });
    CHECK(o.during.wal_writes >= n);  // SQLite stops at the failed write (the undo checkpoint may write on)
    check_nothing_of_failed_batch(o);
  }
}

// What a crash right after the failed commit leaves (the files as they are, no close):
// copied aside while the halted journal is still open, then opened with the default VFS.
struct CrashCopy {
  uint64_t seq = 0;
  int64_t trades = 0;
};
CrashCopy crash_copy_after(const TempDir& dir, FaultMode mode, int countdown, Outcome* o) {
  TempDir crash;
  *o = run_scenario(
      dir, [&] { arm_fault(mode, FaultTarget::kWal, countdown); },
      [&](SqliteJournal& j) {
        namespace fs = std::filesystem;
        fs::copy_file(j.path(), crash.file("otcgw.db"));
        REQUIRE(fs::exists(j.path() + "-wal"));
        fs::copy_file(j.path() + "-wal", crash.file("otcgw.db-wal"));
      });
  CrashCopy c;
  {
    std::unique_ptr<SqliteJournal> j = open_journal(crash.file("otcgw.db"), "");
    c.seq = load(*j).last_seq;
  }
  ReadOnlyDb ro(crash.file("otcgw.db"));
  c.trades = ro.scalar("SELECT count(*) FROM trades");
  return c;
}

TEST_CASE("journal fault: a crash right after a failed WAL write recovers nothing of the batch", "[journal_fault]") {
  FaultGuard guard;
  const FaultCounts base = baseline_commit_counts();
  // The last write of the commit is the page of its commit frame (its header is already
  // written): the frame's checksum does not match, so WAL recovery stops before it.
  for (const int n : {1, base.wal_writes / 2, base.wal_writes}) {
    INFO("WAL write " << n << " of " << base.wal_writes << " fails, then the process dies");
    TempDir dir;
    Outcome o;
    const CrashCopy c = crash_copy_after(dir, FaultMode::kWrite, n, &o);
    check_nothing_of_failed_batch(o);
    CHECK(c.seq == o.good_seq);
    CHECK(c.trades == kFillsPerBatch);
  }
}

// When the fsync at COMMIT fails, SQLite has already written every frame of the batch,
// commit frame included, with valid checksums, into the WAL file; it only leaves its
// in-memory WAL index unchanged. A crash before the WAL is reset would replay the batch on
// the next open. So SqliteJournal::fail() runs a TRUNCATE checkpoint (it copies only the
// indexed, really committed frames and empties the WAL): then the batch is gone for good,
// and "not taken" is the truth. If the disk fails that too, the journal says the batch is
// in doubt and the runner tells nobody anything about it (the file decides at restart).
TEST_CASE("journal fault: after a failed commit fsync the batch is gone, even if the process dies at once",
          "[journal_fault]") {
  FaultGuard guard;
  TempDir dir;
  Outcome o;
  const CrashCopy c = crash_copy_after(dir, FaultMode::kSync, 1, &o);
  REQUIRE_FALSE(o.commit_ok);
  CHECK(o.halted);
  CHECK(o.commit_error.find("in doubt") == std::string::npos);
  CHECK(o.reopened_seq == o.good_seq);
  CHECK(c.seq == o.good_seq);
  CHECK(c.trades == kFillsPerBatch);
}

TEST_CASE("journal fault: a disk that keeps failing fsync leaves the batch in doubt, said so", "[journal_fault]") {
  FaultGuard guard;
  TempDir dir;
  // Sticky: the undo checkpoint fails too, so the WAL with the batch stays.
  const Outcome o = run_scenario(dir, [] { arm_fault(FaultMode::kSync, FaultTarget::kAny, 1, true); });
  REQUIRE_FALSE(o.commit_ok);
  CHECK(o.halted);
  CHECK(o.commit_error.find("disk I/O error") != std::string::npos);
  CHECK(o.commit_error.find("restart to learn whether it committed") != std::string::npos);
  // The file decides: here the batch did reach it (and its reports go out after restart).
  CHECK(o.reopened_seq == o.batch_seq);
  CHECK(o.reopened_balances == o.batch_balances);
}

TEST_CASE("journal fault: a disk that keeps failing writes leaves nothing of the batch", "[journal_fault]") {
  FaultGuard guard;
  TempDir dir;
  // Sticky from the batch's third WAL write on: the close-time checkpoint fails as well.
  const Outcome o = run_scenario(dir, [] { arm_fault(FaultMode::kWrite, FaultTarget::kAny, 3, true); });
  check_nothing_of_failed_batch(o);
}

TEST_CASE("journal fault: a failed checkpoint of the database file at close loses nothing committed",
          "[journal_fault]") {
  FaultGuard guard;
  for (const FaultMode mode : {FaultMode::kSync, FaultMode::kWrite}) {
    INFO((mode == FaultMode::kSync ? "fsync" : "write") << " of the database file fails");
    TempDir dir;
    // WAL mode: commits never touch the database file, so the fault waits for the
    // checkpoint SQLite runs when the journal is closed; the WAL then stays and the next
    // open recovers every committed batch from it.
    const Outcome o = run_scenario(dir, [mode] { arm_fault(mode, FaultTarget::kMainDb, 1); });
    CHECK(o.commit_ok);
    CHECK(o.fired == 0);
    CHECK(faults_fired() == 1);  // at close
    CHECK(o.reopened_seq == o.batch_seq);
    CHECK(o.reopened_rows == static_cast<int64_t>(o.batch_seq));
    CHECK(o.reopened_trades == 2 * kFillsPerBatch);
    CHECK(o.reopened_balances == o.batch_balances);
  }
}

// ---- End to end: Runner + Engine on SqliteJournal through faultfs ----------------------

// An engine world like fixture.h's World, but on a SqliteJournal through faultfs; funded
// and ticked, every setup record committed.
struct SqliteWorld {
  TempDir dir;  // first: removed after the journal is closed
  ReferenceData ref = demo_reference_data();
  ManualClock clock{kStart};
  std::unique_ptr<SqliteJournal> journal;
  std::unique_ptr<ledger::Ledger> ledger;
  std::unique_ptr<Engine> engine;
  std::map<std::pair<uint16_t, uint16_t>, int64_t> deposits;  // (client, asset) -> minor units

  SqliteWorld() {
    journal = open_journal(path(), otc::test::kFaultVfsName);
    const ledger::RecoveredState fresh = load(*journal);
    ledger = std::make_unique<ledger::Ledger>(journal.get());
    engine = std::make_unique<Engine>(ref, clock, *ledger, *journal);
    REQUIRE(engine->start(fresh).ok());
    REQUIRE(journal->commit().ok());
    deposit(kAcme, kUsd, "5000000.00");
    deposit(kAcme, kBtc, "50");
    deposit(kBeta, kUsd, "1000000.00");
    deposit(kBeta, kBtc, "5");
    REQUIRE(journal->commit().ok());
    for (const InstrumentSpec& i : ref.instruments) {
      std::vector<Event> out;
      engine->handle(PriceTickCmd{PriceTick{i.id, i.initial_mid, clock.now()}}, &out);
    }
    REQUIRE(journal->pending() == 0);
  }
  ~SqliteWorld() {
    engine.reset();
    ledger.reset();
    journal.reset();
  }
  SqliteWorld(const SqliteWorld&) = delete;
  SqliteWorld& operator=(const SqliteWorld&) = delete;

  std::string path() const { return dir.file("otcgw.db"); }

  void deposit(ClientId c, AssetId a, const std::string& text) {
    const Amount amount(dec(text, ref.asset(a).decimals));
    REQUIRE(engine->deposit(c, a, amount, "test-deposit").ok());
    deposits[{c.value, a.value}] += amount.value;
  }

  NewOrderCmd order_for(const QuotedEvent& q, Side side, const std::string& cl_ord_id) const {
    const InstrumentSpec& inst = ref.instrument(q.instrument);
    NewOrderCmd o;
    o.client = q.client;
    o.cl_ord_id = cl_ord_id;
    o.symbol = inst.symbol;
    o.side = side_char(side);
    o.ord_type = 'D';
    o.qty_text = format_qty(ref, inst, q.qty);
    o.price_text = format_price(inst, side == Side::kBuy ? *q.offer : *q.bid);
    o.quote_id = format_quote_id(q.quote_id);
    return o;
  }
};

// Collects delivered batches and, at each delivery (on the runner thread), whether the
// journal had anything pending.
class CollectingSink final : public EventSink {
 public:
  explicit CollectingSink(const SqliteJournal& j) : journal_(j) {}

  struct Delivery {
    std::vector<Event> events;
    size_t pending = 0;
  };

  void deliver(const std::vector<Event>& events) override {
    Delivery d{events, journal_.pending()};
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
  const SqliteJournal& journal_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Delivery> deliveries_;
  size_t event_count_ = 0;
};

QuoteRequestCmd rfq(ClientId c, const std::string& id, const std::string& qty) {
  QuoteRequestCmd q = World::quote_request(c, "BTC/USD", 0, qty);
  q.quote_req_id = id;
  return q;
}

NewOrderCmd limit(ClientId c, const std::string& cl_ord_id, char side, const std::string& qty, const std::string& px) {
  return ord::limit_order(c, cl_ord_id, side, qty, px, kTifGtc);
}

ReplaceOrderCmd replace_of(ClientId c, const std::string& cl_ord_id, const std::string& orig, const std::string& qty,
                           const std::string& px) {
  ReplaceOrderCmd g;
  g.client = c;
  g.cl_ord_id = cl_ord_id;
  g.orig_cl_ord_id = orig;
  g.symbol = "BTC/USD";
  g.side = '1';
  g.ord_type = '2';
  g.qty_text = qty;
  g.price_text = px;
  return g;
}

bool may_leave_early(const Event& e) {
  return std::holds_alternative<QuotedEvent>(e) || std::holds_alternative<QuoteRejectedEvent>(e) ||
         std::holds_alternative<MarketDataEvent>(e);
}

struct FaultCase {
  const char* name;
  FaultMode mode;
  int countdown;
};

TEST_CASE("journal fault: through the runner nothing is reported after a failed commit", "[journal_fault]") {
  const FaultCase fc =
      GENERATE(FaultCase{"fsync at commit", FaultMode::kSync, 1}, FaultCase{"first WAL write", FaultMode::kWrite, 1},
               FaultCase{"third WAL write", FaultMode::kWrite, 3});
  INFO("fault: " << fc.name);
  FaultGuard guard;
  SqliteWorld w;
  CollectingSink sink(*w.journal);
  std::unique_ptr<Runner> runner =
      std::make_unique<Runner>(w.ref, *w.engine, *w.journal, w.clock, nullptr, sink, RunnerConfig{});
  runner->start();

  // Before the fault: quotes (two kept for later), a fill, a resting order, a rejected
  // order and a refused cancel, each answered after its commit.
  REQUIRE(runner->submit(rfq(kAcme, "RQ-1", "1")));
  REQUIRE(runner->submit(rfq(kAcme, "RQ-2", "1")));
  REQUIRE(runner->submit(rfq(kBeta, "RQ-3", "0.5")));
  REQUIRE(sink.wait_events(3));
  std::map<std::string, QuotedEvent> quotes;
  for (const Event& e : sink.events()) {
    const auto* q = std::get_if<QuotedEvent>(&e);
    INFO("got " << event_name(e));
    REQUIRE(q != nullptr);
    quotes.emplace(q->quote_req_id, *q);
  }
  REQUIRE(quotes.size() == 3);
  REQUIRE(runner->submit(w.order_for(quotes.at("RQ-1"), Side::kBuy, "ORD-1")));  // ER New + ER Trade
  REQUIRE(runner->submit(limit(kAcme, "REST-1", '1', "1", "64000.00")));         // rests: ER New
  REQUIRE(runner->submit(limit(kAcme, "REST-2", '1', "0.5", "63000.00")));       // rests: ER New
  REQUIRE(runner->submit(limit(kAcme, "BAD-1", '1', "1", "64000.001")));         // off tick: OrderRejected
  REQUIRE(runner->submit(ord::cancel_order(kAcme, "CXL-BAD", "NO-SUCH", '1')));               // CancelRejected
  const size_t before_fault = 3 + 2 + 1 + 1 + 1 + 1;
  REQUIRE(sink.wait_events(before_fault));
  // Every answer above left after its commit, so the journal is idle and all is durable.
  REQUIRE(w.journal->pending() == 0);
  REQUIRE_FALSE(runner->halted());
  const uint64_t durable_seq = w.journal->last_seq();
  const std::map<uint64_t, int64_t> durable_balances = balances_of(*w.ledger);
  std::vector<std::string> before_names;
  for (const Event& e : sink.events()) before_names.push_back(event_name(e));
  CHECK(before_names == std::vector<std::string>{"QuotedEvent", "QuotedEvent", "QuotedEvent", "ER New", "ER Trade",
                                                 "ER New", "ER New", "OrderRejectedEvent", "CancelRejectedEvent"});

  // The fault: the next commit fails. Then orders that would fill, a cancel and a
  // replace that would succeed, and a crossing limit order.
  arm_fault(fc.mode, FaultTarget::kWal, fc.countdown);
  const std::vector<std::pair<std::string, char>> after = {
      {"ORD-2", 'D'}, {"ORD-3", 'D'}, {"CXL-1", 'F'}, {"RPL-1", 'G'}, {"CROSS-1", 'D'}};
  REQUIRE(runner->submit(w.order_for(quotes.at("RQ-2"), Side::kBuy, "ORD-2")));
  REQUIRE(runner->submit(w.order_for(quotes.at("RQ-3"), Side::kBuy, "ORD-3")));
  REQUIRE(runner->submit(ord::cancel_order(kAcme, "CXL-1", "REST-2", '1')));
  REQUIRE(runner->submit(replace_of(kAcme, "RPL-1", "REST-1", "2", "63500.00")));
  REQUIRE(runner->submit(limit(kAcme, "CROSS-1", '1', "0.1", "70000.00")));
  REQUIRE(sink.wait_events(before_fault + after.size()));
  CHECK(faults_fired() == 1);
  CHECK(runner->halted());
  CHECK(w.journal->halted());
  const std::string reason = runner->halt_reason();
  INFO("halt reason: " << reason);
  CHECK(reason.find("disk I/O error") != std::string::npos);

  // Later requests: an RFQ is refused, an order is not taken.
  REQUIRE(runner->submit(rfq(kAcme, "RQ-AFTER", "1")));
  REQUIRE(runner->submit(limit(kBeta, "AFTER-1", '2', "0.1", "60000.00")));
  REQUIRE(sink.wait_events(before_fault + after.size() + 2));
  runner->stop();
  runner.reset();
  disarm_fault();

  const std::vector<Event> ev = sink.events();
  REQUIRE(ev.size() == before_fault + after.size() + 2);
  // (ii) The batch that failed and everything later: one OrderNotTaken each, no report.
  for (size_t i = 0; i < after.size(); ++i) {
    const Event& e = ev[before_fault + i];
    INFO("answer to " << after[i].first << ": " << event_name(e));
    REQUIRE(std::holds_alternative<OrderNotTakenEvent>(e));
    const auto& n = std::get<OrderNotTakenEvent>(e);
    CHECK(n.cl_ord_id == after[i].first);
    CHECK(n.msg_type == after[i].second);
    CHECK(n.reject.reason == R::kJournalHalted);
  }
  const Event& rq_after = ev[before_fault + after.size()];
  REQUIRE(std::holds_alternative<QuoteRejectedEvent>(rq_after));
  CHECK(std::get<QuoteRejectedEvent>(rq_after).quote_req_id == "RQ-AFTER");
  CHECK(std::get<QuoteRejectedEvent>(rq_after).reject.reason == R::kJournalHalted);
  const Event& ord_after = ev[before_fault + after.size() + 1];
  REQUIRE(std::holds_alternative<OrderNotTakenEvent>(ord_after));
  CHECK(std::get<OrderNotTakenEvent>(ord_after).cl_ord_id == "AFTER-1");
  CHECK(std::get<OrderNotTakenEvent>(ord_after).reject.reason == R::kJournalHalted);
  for (size_t i = before_fault; i < ev.size(); ++i) {
    INFO("event " << i << ": " << event_name(ev[i]));
    CHECK_FALSE(std::holds_alternative<ExecReportEvent>(ev[i]));
    CHECK_FALSE(std::holds_alternative<OrderRejectedEvent>(ev[i]));
    CHECK_FALSE(std::holds_alternative<CancelRejectedEvent>(ev[i]));
    CHECK_FALSE(std::holds_alternative<QuotedEvent>(ev[i]));
  }
  // Every delivery carrying more than quotes/prices found the journal with nothing pending.
  for (const CollectingSink::Delivery& d : sink.deliveries()) {
    bool early = true;
    for (const Event& e : d.events) early = early && may_leave_early(e);
    if (!early) CHECK(d.pending == 0);
  }

  // The in-memory ledger did apply the failed batch (the engine ran it): what follows
  // shows the file does not have it.
  CHECK(balances_of(*w.ledger) != durable_balances);
  const std::map<uint64_t, int64_t> memory_after = balances_of(*w.ledger);
  w.engine.reset();
  w.ledger.reset();
  w.journal.reset();  // closed through faultfs, disarmed

  // (iv) Reopened with the default VFS: load succeeds, and holds exactly what was durable
  // at the fault.
  ledger::RecoveredState st;
  {
    std::unique_ptr<SqliteJournal> j = open_journal(w.path(), "");
    st = load(*j);
  }
  CHECK(st.last_seq == durable_seq);
  CHECK(balances_of(st) == durable_balances);
  CHECK(balances_of(st) != memory_after);

  ReadOnlyDb ro(w.path());
  // (i) Every report told is in the file, as the record it names.
  for (const Event& e : ev) {
    INFO("told: " << event_name(e));
    if (const auto* x = std::get_if<ExecReportEvent>(&e)) {
      REQUIRE(x->seq > 0);
      CHECK(ro.ints("SELECT exec_id FROM journal WHERE seq = ?1", static_cast<int64_t>(x->seq)) ==
            std::vector<int64_t>{static_cast<int64_t>(x->exec_id.value)});
      CHECK(ro.ints("SELECT order_id FROM journal WHERE seq = ?1", static_cast<int64_t>(x->seq)) ==
            std::vector<int64_t>{static_cast<int64_t>(x->order.order_id.value)});
    } else if (const auto* o = std::get_if<OrderRejectedEvent>(&e)) {
      REQUIRE(o->seq > 0);
      CHECK(ro.ints("SELECT exec_id FROM journal WHERE seq = ?1 AND kind = 6", static_cast<int64_t>(o->seq)) ==
            std::vector<int64_t>{static_cast<int64_t>(o->exec_id.value)});
    } else if (const auto* c = std::get_if<CancelRejectedEvent>(&e)) {
      REQUIRE(c->seq > 0);
      CHECK(ro.scalar("SELECT count(*) FROM journal WHERE seq = ?1 AND kind = 12", static_cast<int64_t>(c->seq)) == 1);
    }
  }
  // Nothing was recorded for the orders answered OrderNotTaken.
  for (const std::string id : {"ORD-2", "ORD-3", "CXL-1", "RPL-1", "CROSS-1", "AFTER-1"}) {
    INFO("cl_ord_id " << id);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(ro.db, "SELECT count(*) FROM journal WHERE cl_ord_id = ?1", -1, &stmt, nullptr) ==
            SQLITE_OK);
    REQUIRE(sqlite3_bind_text(stmt, 1, id.c_str(), -1, SQLITE_TRANSIENT) == SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    CHECK(sqlite3_column_int64(stmt, 0) == 0);
    sqlite3_finalize(stmt);
  }

  // (iv) The balances in the file are what the told fills imply: the deposits, moved by
  // every ER Trade delivered (all before the fault; none internal).
  std::map<std::string, int64_t> want;  // "OWNER/ASSET" -> available (+ held for clients)
  auto key = [&](const std::string& owner, AssetId a) { return owner + "/" + w.ref.asset(a).code; };
  for (const auto& [ca, amount] : w.deposits)
    want[key(w.ref.client(ClientId(ca.first)).code, AssetId(ca.second))] += amount;
  int fills = 0;
  for (const Event& e : ev) {
    const auto* x = std::get_if<ExecReportEvent>(&e);
    if (x == nullptr || x->kind != ExecKind::kTrade) continue;
    ++fills;
    REQUIRE_FALSE(x->internal);
    REQUIRE(x->order.instrument == kBtcUsd);
    const std::string client = w.ref.client(x->order.client).code;
    const int64_t sign = x->order.side == Side::kBuy ? 1 : -1;
    want[key(client, kBtc)] += sign * x->last_qty.value;
    want[key(client, kUsd)] -= sign * x->notional.value + x->fee.value;
    want[key("DESK", kBtc)] -= sign * x->last_qty.value;
    want[key("DESK", kUsd)] += sign * x->notional.value;
    want[key("FEES", kUsd)] += x->fee.value;
  }
  CHECK(fills == 1);
  std::map<std::string, int64_t> got;
  std::map<std::string, int64_t> net;  // per asset: every asset nets to zero
  for (const ledger::RestoredAccount& a : st.accounts) {
    net[a.account.asset_code] += a.balance.value;
    if (a.account.purpose == AccountPurpose::kExternal) continue;
    if (a.balance.value == 0 && want.count(a.account.owner + "/" + a.account.asset_code) == 0) continue;
    got[a.account.owner + "/" + a.account.asset_code] += a.balance.value;
  }
  for (auto it = want.begin(); it != want.end();) it = it->second == 0 ? want.erase(it) : std::next(it);
  for (auto it = got.begin(); it != got.end();) it = it->second == 0 ? got.erase(it) : std::next(it);
  CHECK(got == want);
  for (const auto& [asset, sum] : net) {
    INFO("asset " << asset);
    CHECK(sum == 0);
  }
  // The same figures from the `balances` view, as a reviewer would read them.
  CHECK(ro.scalar("SELECT COALESCE(SUM(balance), 0) FROM balances WHERE owner = 'ACME' AND asset = 'BTC'") ==
        want[key("ACME", kBtc)]);
}

}  // namespace
}  // namespace otc::engine::test
