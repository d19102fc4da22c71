// tests/ledger/sqlite_journal_test.cc: the SQLite journal on real files in a temporary
// directory (created with mkdtemp, removed at the end of each test).
#include "ledger/sqlite_journal.h"

#include <sqlite3.h>
#include <stdlib.h>

#define CATCH_CONFIG_ENABLE_PAIR_STRINGMAKER  // readable failures of balance maps
#include <catch2/catch.hpp>

#include "tests/temp_dir.h"
#include "tests/catch_printers.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/reject.h"
#include "ledger/chain.h"
#include "ledger/ledger.h"


namespace otc::ledger {
namespace {

constexpr TimeUs kNow{1'700'000'000'123'456};
constexpr AssetId kUsd{1};
constexpr AssetId kBtc{2};

AssetId asset_of(const std::string& code) { return code == "USD" ? kUsd : kBtc; }

using ::otc::test::TempDir;

std::unique_ptr<SqliteJournal> open_journal(const std::string& path) {
  auto r = SqliteJournal::open(path);
  if (!r.ok()) FAIL("open " << path << ": " << r.reject().detail);
  return std::move(r).value();
}

// A raw connection for what a reviewer or an attacker would do with the sqlite3 shell.
struct RawDb {
  sqlite3* db = nullptr;
  RawDb(const std::string& path, int flags) { REQUIRE(sqlite3_open_v2(path.c_str(), &db, flags, nullptr) == SQLITE_OK); }
  ~RawDb() { sqlite3_close(db); }
  // Runs `sql`; returns "" on success or the error message.
  std::string exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return "";
    std::string msg = err != nullptr ? err : "error";
    sqlite3_free(err);
    return msg;
  }
  // The first column of every row, as text ("NULL" for NULL).
  std::vector<std::string> column(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(stmt, 0);
      out.push_back(t != nullptr ? reinterpret_cast<const char*>(t) : "NULL");
    }
    CHECK(rc == SQLITE_DONE);
    sqlite3_finalize(stmt);
    return out;
  }
  std::string scalar(const std::string& sql) {
    const std::vector<std::string> v = column(sql);
    REQUIRE(v.size() == 1);
    return v[0];
  }
};

JournalRecord record(RecordKind kind, const std::string& client) {
  JournalRecord r;
  r.kind = kind;
  r.ts = kNow;
  r.client = client;
  r.payload = "{}";
  return r;
}

Transfer transfer(const Ledger& l, AccountId debit, AccountId credit, int64_t amount) {
  return l.transfer(debit, credit, Amount(amount));
}

// Accounts and ids of the scenario the tests share.
struct Desk {
  AccountId alice_usd, alice_btc, bob_usd, desk_usd, desk_btc, fees_usd, ext_usd, ext_btc;

  void open_all(Ledger& l) {
    alice_usd = l.open("alice", kUsd, "USD", AccountPurpose::kClientAvailable, kNow);
    alice_btc = l.open("alice", kBtc, "BTC", AccountPurpose::kClientAvailable, kNow);
    bob_usd = l.open("bob", kUsd, "USD", AccountPurpose::kClientAvailable, kNow);
    desk_usd = l.open("DESK", kUsd, "USD", AccountPurpose::kDeskInventory, kNow);
    desk_btc = l.open("DESK", kBtc, "BTC", AccountPurpose::kDeskInventory, kNow);
    fees_usd = l.open("FEES", kUsd, "USD", AccountPurpose::kFeeIncome, kNow);
    ext_usd = l.open("EXTERNAL", kUsd, "USD", AccountPurpose::kExternal, kNow);
    ext_btc = l.open("EXTERNAL", kBtc, "BTC", AccountPurpose::kExternal, kNow);
  }

  void deposits(Ledger& l) {
    REQUIRE(l.post({transfer(l, ext_usd, alice_usd, 100'000)}, record(RecordKind::kDeposit, "alice")).ok());
    REQUIRE(l.post({transfer(l, ext_usd, bob_usd, 5'000)}, record(RecordKind::kDeposit, "bob")).ok());
    REQUIRE(l.post({transfer(l, ext_btc, desk_btc, 100)}, record(RecordKind::kDeposit, "")).ok());
  }

  // alice buys 10 BTC-minor at 3000 (notional 30000 USD-minor, fee 30).
  Status fill(Ledger& l, uint64_t exec_id) {
    JournalRecord r = record(RecordKind::kFill, "alice");
    r.order_id = OrderId(1);
    r.quote_id = QuoteId(7);
    r.exec_id = ExecId(exec_id);
    r.cl_ord_id = "A-1";
    TradeRow t;
    t.exec_id = ExecId(exec_id);
    t.order_id = OrderId(1);
    t.quote_id = QuoteId(7);
    t.client = "alice";
    t.cl_ord_id = "A-1";
    t.instrument = "BTC/USD";
    t.side = Side::kBuy;
    t.qty = Qty(10);
    t.price = Price(3000);
    t.qty_text = "0.0000001";
    t.price_text = "30.00";
    t.notional = Amount(30'000);
    t.fee = Amount(30);
    r.trade = t;
    return l.post({transfer(l, alice_usd, desk_usd, 30'000), transfer(l, alice_usd, fees_usd, 30),
                   transfer(l, desk_btc, alice_btc, 10)},
                  std::move(r));
  }
};

std::map<uint64_t, int64_t> balances_of(const Ledger& l) {
  std::map<uint64_t, int64_t> out;
  for (const Account& a : l.accounts()) out[a.id.value] = l.balance(a.id).value;
  return out;
}

std::map<uint64_t, int64_t> balances_of(const RecoveredState& s) {
  std::map<uint64_t, int64_t> out;
  for (const RestoredAccount& r : s.accounts) out[r.account.id.value] = r.balance.value;
  return out;
}

RecoveredState load(SqliteJournal& j) {
  RecoveredState s;
  const Status st = j.load(&s);
  if (!st.ok()) FAIL("load: " << st.reject().detail);
  return s;
}

TEST_CASE("sqlite journal: commit, reopen, load returns balances, last ids and cl_ord_ids", "[ledger][sqlite]") {
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  std::map<uint64_t, int64_t> expected;
  {
    auto j = open_journal(path);
    RecoveredState empty = load(*j);
    CHECK(empty.last_seq == 0);
    CHECK(empty.accounts.empty());
    CHECK(empty.last_transfer_id.value == 0);
    CHECK(empty.cl_ord_ids.empty());

    Ledger l(j.get());
    Desk d;
    d.open_all(l);
    d.deposits(l);
    REQUIRE(j->commit().ok());

    JournalRecord accepted = record(RecordKind::kOrderAccepted, "alice");
    accepted.order_id = OrderId(1);
    accepted.quote_id = QuoteId(7);
    accepted.cl_ord_id = "A-1";
    CHECK(j->append(std::move(accepted)) == 12);  // 8 accounts, 3 deposits before it
    JournalRecord rejected = record(RecordKind::kOrderRejected, "bob");
    rejected.cl_ord_id = "B-1";
    j->append(std::move(rejected));
    JournalRecord quote = record(RecordKind::kQuote, "bob");
    quote.quote_id = QuoteId(9);
    j->append(std::move(quote));
    REQUIRE(d.fill(l, 3).ok());
    CHECK(j->pending() == 4);
    REQUIRE(j->commit().ok());
    CHECK(j->pending() == 0);
    REQUIRE(j->commit().ok());  // nothing pending
    expected = balances_of(l);
    CHECK(expected.at(d.alice_usd.value) == 100'000 - 30'030);
    CHECK(expected.at(d.alice_btc.value) == 10);
    CHECK(expected.at(d.ext_usd.value) == -105'000);
  }

  auto j = open_journal(path);
  const RecoveredState s = load(*j);
  CHECK(s.last_seq == 15);
  CHECK(balances_of(s) == expected);
  REQUIRE(s.accounts.size() == 8);
  const RestoredAccount& first = s.accounts[0];
  CHECK(first.account.id.value == 1);
  CHECK(first.account.owner == "alice");
  CHECK(first.account.asset_code == "USD");
  CHECK(first.account.purpose == AccountPurpose::kClientAvailable);
  CHECK(s.accounts[7].account.owner == "EXTERNAL");
  CHECK(s.accounts[7].account.purpose == AccountPurpose::kExternal);
  CHECK(s.last_transfer_id.value == 6);
  CHECK(s.last_quote_id.value == 9);
  CHECK(s.last_order_id.value == 1);
  CHECK(s.last_exec_id.value == 3);
  const std::vector<std::pair<std::string, std::string>> cl_ord_ids = {{"alice", "A-1"}, {"bob", "B-1"}};
  CHECK(s.cl_ord_ids == cl_ord_ids);
  CHECK(s.open_orders.empty());  // no payload says an order is open
  REQUIRE(s.recent_fills.size() == 1);
  CHECK(s.recent_fills[0].client == "alice");
  CHECK(s.recent_fills[0].ts == kNow);
  CHECK(s.recent_fills[0].payload == "{}");

  // The state rebuilds a ledger that carries on where it stopped.
  std::vector<RestoredAccount> accounts = s.accounts;
  for (RestoredAccount& r : accounts) r.account.asset = asset_of(r.account.asset_code);
  Ledger l(j.get());
  REQUIRE(l.restore(accounts, s.last_transfer_id).ok());
  CHECK(balances_of(l) == expected);
  CHECK(l.asset_net("USD") == 0);
  CHECK(l.asset_net("BTC") == 0);
  const AccountId alice_usd = l.find("alice", "USD", AccountPurpose::kClientAvailable);
  const AccountId ext_usd = l.find("EXTERNAL", "USD", AccountPurpose::kExternal);
  REQUIRE(l.post({transfer(l, ext_usd, alice_usd, 1)}, record(RecordKind::kDeposit, "alice")).ok());
  REQUIRE(j->commit().ok());
  CHECK(j->append(record(RecordKind::kQuote, "x")) == 17);
  REQUIRE(j->commit().ok());
  j.reset();

  auto j3 = open_journal(path);
  const RecoveredState s3 = load(*j3);
  CHECK(s3.last_seq == 17);
  CHECK(s3.last_transfer_id.value == 7);
  CHECK(balances_of(s3).at(alice_usd.value) == expected.at(alice_usd.value) + 1);
}

TEST_CASE("sqlite journal: rows as a reviewer reads them read-only", "[ledger][sqlite]") {
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  auto j = open_journal(path);
  Ledger l(j.get());
  Desk d;
  d.open_all(l);
  d.deposits(l);
  REQUIRE(d.fill(l, 3).ok());
  REQUIRE(j->commit().ok());

  // While the writer is open, as `sqlite3 -readonly` would.
  RawDb r(path, SQLITE_OPEN_READONLY);
  CHECK(r.scalar("PRAGMA journal_mode") == "wal");
  STATIC_REQUIRE(kSchemaVersion == 3);
  CHECK(r.scalar("SELECT value FROM meta WHERE key = 'schema_version'") == "3");
  // Every record carries its chain hash: 64 hex, all distinct.
  CHECK(r.scalar("SELECT COUNT(DISTINCT hash) FROM journal WHERE length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'") ==
        "12");
  CHECK(r.scalar("SELECT balance FROM balances WHERE owner = 'alice' AND asset = 'USD'") == "69970");
  CHECK(r.scalar("SELECT balance FROM balances WHERE owner = 'EXTERNAL' AND asset = 'USD'") == "-105000");
  CHECK(r.scalar("SELECT purpose_name FROM balances WHERE account_id = 6") == "fee_income");
  CHECK(r.scalar("SELECT SUM(balance) FROM balances WHERE asset = 'BTC'") == "0");
  CHECK(r.column("SELECT kind_name FROM journal ORDER BY seq") ==
        std::vector<std::string>{"account_opened", "account_opened", "account_opened", "account_opened",
                                 "account_opened", "account_opened", "account_opened", "account_opened", "deposit",
                                 "deposit", "deposit", "fill"});
  // Ids that do not apply are NULL, not 0; so are empty clients and ClOrdIDs.
  CHECK(r.scalar("SELECT COUNT(*) FROM journal WHERE quote_id IS NULL AND order_id IS NULL AND exec_id IS NULL") ==
        "11");
  CHECK(r.scalar("SELECT COUNT(*) FROM journal WHERE client IS NULL") == "9");  // 8 accounts + desk deposit
  CHECK(r.scalar("SELECT COUNT(*) FROM journal WHERE cl_ord_id IS NULL") == "11");
  CHECK(r.scalar("SELECT ts_us FROM journal WHERE seq = 12") == "1700000000123456");
  CHECK(r.scalar("SELECT payload FROM journal WHERE seq = 1") ==
        R"({"account":1,"asset":"USD","owner":"alice","purpose":1,"purpose_name":"client_available"})");
  CHECK(r.scalar("SELECT exec_id || ',' || seq || ',' || order_id || ',' || quote_id || ',' || client || ',' || "
                 "cl_ord_id || ',' || instrument || ',' || side || ',' || qty || ',' || price || ',' || qty_text || "
                 "',' || price_text || ',' || notional || ',' || fee || ',' || ts_us FROM trades") ==
        "3,12,1,7,alice,A-1,BTC/USD,buy,10,3000,0.0000001,30.00,30000,30,1700000000123456");
  CHECK(r.column("SELECT id || ':' || seq || ':' || debit_account || '>' || credit_account || ':' || asset || ':' || "
                 "amount FROM transfers ORDER BY id") ==
        std::vector<std::string>{"1:9:7>1:USD:100000", "2:10:7>3:USD:5000", "3:11:8>5:BTC:100",
                                 "4:12:1>4:USD:30000", "5:12:1>6:USD:30", "6:12:5>2:BTC:10"});
  CHECK(r.scalar("SELECT seq FROM accounts WHERE id = 8") == "8");
  // A read-only connection cannot write.
  CHECK(!r.exec("INSERT INTO meta(key, value) VALUES('x', 'y')").empty());
}

TEST_CASE("sqlite journal: tables are append-only", "[ledger][sqlite]") {
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  {
    auto j = open_journal(path);
    Ledger l(j.get());
    Desk d;
    d.open_all(l);
    d.deposits(l);
    REQUIRE(d.fill(l, 3).ok());
    REQUIRE(j->commit().ok());
  }
  RawDb w(path, SQLITE_OPEN_READWRITE);
  CHECK_THAT(w.exec("UPDATE journal SET payload = 'x' WHERE seq = 1"), Catch::Contains("append-only"));
  CHECK_THAT(w.exec("DELETE FROM journal WHERE seq = 12"), Catch::Contains("append-only"));
  CHECK_THAT(w.exec("UPDATE transfers SET amount = 1 WHERE id = 1"), Catch::Contains("append-only"));
  CHECK_THAT(w.exec("DELETE FROM transfers"), Catch::Contains("append-only"));
  CHECK_THAT(w.exec("UPDATE accounts SET owner = 'mallory'"), Catch::Contains("append-only"));
  CHECK_THAT(w.exec("DELETE FROM trades"), Catch::Contains("append-only"));
  CHECK(w.scalar("SELECT amount FROM transfers WHERE id = 1") == "100000");
}

TEST_CASE("sqlite journal: a schema version other than 3 is refused", "[ledger][sqlite]") {
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  open_journal(path).reset();
  SECTION("version 1 (before held funds and open orders): refused with what to do") {
    {
      RawDb w(path, SQLITE_OPEN_READWRITE);
      REQUIRE(w.exec("UPDATE meta SET value = '1' WHERE key = 'schema_version'").empty());
    }
    const auto r = SqliteJournal::open(path);
    REQUIRE(!r.ok());
    CHECK(r.reject().reason == RejectReason::kJournalHalted);
    CHECK_THAT(r.reject().detail, Catch::Contains(path) && Catch::Contains("schema version 1") &&
                                      Catch::Contains("reads only version 3") &&
                                      Catch::Contains("start on a new journal file"));
  }
  SECTION("version 2 (before the hash chain): refused with what to do") {
    {
      RawDb w(path, SQLITE_OPEN_READWRITE);
      REQUIRE(w.exec("UPDATE meta SET value = '2' WHERE key = 'schema_version'").empty());
    }
    const auto r = SqliteJournal::open(path);
    REQUIRE(!r.ok());
    CHECK_THAT(r.reject().detail, Catch::Contains("schema version 2") && Catch::Contains("hash chain") &&
                                      Catch::Contains("start on a new journal file"));
  }
  SECTION("a later version") {
    {
      RawDb w(path, SQLITE_OPEN_READWRITE);
      REQUIRE(w.exec("UPDATE meta SET value = '4' WHERE key = 'schema_version'").empty());
    }
    const auto r = SqliteJournal::open(path);
    REQUIRE(!r.ok());
    CHECK(r.reject().reason == RejectReason::kJournalHalted);
    CHECK_THAT(r.reject().detail, Catch::Contains(path) && Catch::Contains("schema version 4") &&
                                      Catch::Contains("reads only version 3"));
    CHECK_THAT(r.reject().detail, !Catch::Contains("new journal file"));
  }
}

TEST_CASE("sqlite journal: files it cannot use are refused with a clear message", "[ledger][sqlite]") {
  TempDir dir;
  SECTION("missing parent directory") {
    const std::string path = dir.file("no/such/dir/otcgw.db");
    const auto r = SqliteJournal::open(path);
    REQUIRE(!r.ok());
    CHECK(r.reject().reason == RejectReason::kJournalHalted);
    CHECK_THAT(r.reject().detail, Catch::Contains("cannot open journal " + path));
    CHECK(!std::filesystem::exists(dir.file("no")));
  }
  SECTION("another application's database") {
    const std::string path = dir.file("other.db");
    {
      RawDb w(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      REQUIRE(w.exec("CREATE TABLE orders(id INTEGER)").empty());
    }
    const auto r = SqliteJournal::open(path);
    REQUIRE(!r.ok());
    CHECK_THAT(r.reject().detail, Catch::Contains("not an otcgw journal"));
  }
  SECTION("not a database at all") {
    const std::string path = dir.file("text.db");
    {
      FILE* f = std::fopen(path.c_str(), "w");
      REQUIRE(f != nullptr);
      std::fputs("this is not an SQLite file, just some text that is long enough to have a header\n", f);
      std::fclose(f);
    }
    const auto r = SqliteJournal::open(path);
    REQUIRE(!r.ok());
    CHECK(r.reject().reason == RejectReason::kJournalHalted);
    CHECK_THAT(r.reject().detail, Catch::Contains(path) && Catch::Contains("not a database"));
  }
  SECTION("empty path") {
    const auto r = SqliteJournal::open("");
    REQUIRE(!r.ok());
    CHECK_THAT(r.reject().detail, Catch::Contains("empty path"));
  }
}

TEST_CASE("sqlite journal: a failed commit halts and leaves nothing of its batch", "[ledger][sqlite]") {
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  std::map<uint64_t, int64_t> committed_balances;
  {
    auto j = open_journal(path);
    Ledger l(j.get());
    Desk d;
    d.open_all(l);
    d.deposits(l);
    REQUIRE(j->commit().ok());
    committed_balances = balances_of(l);

    // Two fills with the same exec_id in one batch: the second trade row breaks the
    // trades primary key inside the transaction.
    REQUIRE(d.fill(l, 5).ok());
    JournalRecord accepted = record(RecordKind::kOrderAccepted, "bob");
    accepted.cl_ord_id = "B-9";
    accepted.order_id = OrderId(2);
    j->append(std::move(accepted));
    REQUIRE(d.fill(l, 5).ok());
    CHECK(j->pending() == 3);

    const Status s = j->commit();
    REQUIRE(!s.ok());
    CHECK(s.reject().reason == RejectReason::kJournalHalted);
    CHECK_THAT(s.reject().detail, Catch::Contains("insert trade exec_id 5") && Catch::Contains("UNIQUE"));
    CHECK(j->halted());
    CHECK(j->pending() == 0);

    const Status again = j->commit();
    REQUIRE(!again.ok());
    CHECK(again.reject().reason == RejectReason::kJournalHalted);
    CHECK_THAT(again.reject().detail, Catch::Contains("halted") && Catch::Contains("UNIQUE"));

    // The ledger refuses postings once its journal halted.
    const Status post = d.fill(l, 6);
    REQUIRE(!post.ok());
    CHECK(post.reject().reason == RejectReason::kJournalHalted);
  }

  auto j = open_journal(path);
  const RecoveredState s = load(*j);
  CHECK(s.last_seq == 11);
  CHECK(balances_of(s) == committed_balances);
  CHECK(s.last_exec_id.value == 0);
  CHECK(s.last_order_id.value == 0);
  CHECK(s.last_transfer_id.value == 3);
  CHECK(s.cl_ord_ids.empty());
  RawDb r(path, SQLITE_OPEN_READONLY);
  CHECK(r.scalar("SELECT COUNT(*) FROM trades") == "0");
  CHECK(r.scalar("SELECT COUNT(*) FROM transfers") == "3");
  CHECK(r.scalar("SELECT COUNT(*) FROM journal") == "11");
}

// ---- order records: what start-up reads back -------------------------------------------

// A record of one order's state change, as the engine writes it: its whole state under
// "order", with "open" true while New or PartiallyFilled.
JournalRecord order_rec(RecordKind kind, const std::string& client, uint64_t order_id, uint64_t exec_id,
                        const std::string& cl_ord_id, bool open, const std::string& tag, TimeUs ts = kNow) {
  JournalRecord r = record(kind, client);
  r.ts = ts;
  r.order_id = OrderId(order_id);
  r.exec_id = ExecId(exec_id);
  r.cl_ord_id = cl_ord_id;
  r.payload = std::string(R"({"order":{"id":)") + std::to_string(order_id) + R"(,"open":)" +
              (open ? "true" : "false") + R"(,"tag":")" + tag + R"("}})";
  return r;
}

TEST_CASE("sqlite journal: load() takes the ClOrdIDs of orders, cancels, replaces and refused cancels",
          "[ledger][sqlite]") {
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  {
    auto j = open_journal(path);
    j->append(order_rec(RecordKind::kOrderAccepted, "alice", 1, 1, "A-1", true, "new"));
    JournalRecord rejected = record(RecordKind::kOrderRejected, "bob");
    rejected.cl_ord_id = "B-1";
    j->append(std::move(rejected));
    j->append(order_rec(RecordKind::kOrderReplaced, "alice", 1, 2, "A-2", true, "replaced"));  // G
    j->append(order_rec(RecordKind::kOrderCanceled, "alice", 1, 3, "A-3", false, "canceled"));  // F
    JournalRecord cancel_reject = record(RecordKind::kCancelRejected, "bob");
    cancel_reject.cl_ord_id = "B-2";  // a refused F or G uses up its ClOrdID too
    j->append(std::move(cancel_reject));
    JournalRecord unknown_reject = record(RecordKind::kCancelRejected, "bob");
    unknown_reject.order_id = OrderId(99);  // names an order, no ClOrdID taken (1015/1018): not listed
    j->append(std::move(unknown_reject));
    // Kinds that carry the order's own ClOrdID are not listed again.
    j->append(order_rec(RecordKind::kOrderAccepted, "carol", 2, 4, "C-1", true, "new"));
    j->append(order_rec(RecordKind::kFill, "carol", 2, 5, "C-1", true, "partial"));
    j->append(order_rec(RecordKind::kOrderExpired, "carol", 2, 6, "C-1", false, "expired"));
    JournalRecord quote = record(RecordKind::kQuote, "dave");
    quote.cl_ord_id = "D-1";  // not an order kind: ignored whatever it holds
    j->append(std::move(quote));
    REQUIRE(j->commit().ok());
  }
  auto j = open_journal(path);
  const RecoveredState s = load(*j);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"alice", "A-1"}, {"bob", "B-1"}, {"alice", "A-2"}, {"alice", "A-3"}, {"bob", "B-2"}, {"carol", "C-1"}};
  CHECK(s.cl_ord_ids == want);
  CHECK(s.last_order_id == OrderId(99));
  CHECK(s.last_exec_id == ExecId(6));
  CHECK(s.open_orders.empty());  // 1 canceled, 2 expired; 99 has no order record
}

TEST_CASE("sqlite journal: load() returns the latest record of every order still open, only those",
          "[ledger][sqlite]") {
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  {
    auto j = open_journal(path);
    // Order 1: accepted, then filled in full: closed.
    j->append(order_rec(RecordKind::kOrderAccepted, "alice", 1, 1, "A-1", true, "1 new"));
    j->append(order_rec(RecordKind::kFill, "alice", 1, 2, "A-1", false, "1 filled"));
    // Order 2: accepted and resting; a refused cancel of it changes nothing.
    j->append(order_rec(RecordKind::kOrderAccepted, "alice", 2, 3, "A-2", true, "2 new"));
    REQUIRE(j->commit().ok());  // the history of one order may span commits
    JournalRecord refused = record(RecordKind::kCancelRejected, "alice");
    refused.order_id = OrderId(2);
    refused.cl_ord_id = "A-2-cxl";
    refused.payload = R"({"reason":5003})";
    j->append(std::move(refused));
    // Order 3: accepted, replaced: the replaced state is the one to rebuild.
    j->append(order_rec(RecordKind::kOrderAccepted, "bob", 3, 4, "B-1", true, "3 new"));
    j->append(order_rec(RecordKind::kOrderReplaced, "bob", 3, 5, "B-2", true, "3 replaced"));
    // Order 4: accepted, canceled.
    j->append(order_rec(RecordKind::kOrderAccepted, "bob", 4, 6, "B-3", true, "4 new"));
    j->append(order_rec(RecordKind::kOrderCanceled, "bob", 4, 7, "B-4", false, "4 canceled"));
    // Order 5: accepted, expired.
    j->append(order_rec(RecordKind::kOrderAccepted, "carol", 5, 8, "C-1", true, "5 new"));
    j->append(order_rec(RecordKind::kOrderExpired, "carol", 5, 9, "C-1", false, "5 expired"));
    // Order 6: partly filled, still open: the fill is its latest state.
    j->append(order_rec(RecordKind::kOrderAccepted, "carol", 6, 10, "C-2", true, "6 new"));
    j->append(order_rec(RecordKind::kFill, "carol", 6, 11, "C-2", true, "6 partial"));
    // Order 7: an IOC accepted and canceled in the same batch.
    j->append(order_rec(RecordKind::kOrderAccepted, "alice", 7, 12, "A-3", true, "7 new"));
    j->append(order_rec(RecordKind::kOrderCanceled, "alice", 7, 13, "A-3", false, "7 ioc rest canceled"));
    // Order 8: a replace that grew it, then a partial fill, then another replace.
    j->append(order_rec(RecordKind::kOrderAccepted, "bob", 8, 14, "B-5", true, "8 new"));
    j->append(order_rec(RecordKind::kOrderReplaced, "bob", 8, 15, "B-6", true, "8 replaced"));
    j->append(order_rec(RecordKind::kFill, "bob", 8, 16, "B-6", true, "8 partial"));
    j->append(order_rec(RecordKind::kOrderReplaced, "bob", 8, 17, "B-7", true, "8 replaced again"));
    REQUIRE(j->commit().ok());
  }
  auto j = open_journal(path);
  const RecoveredState s = load(*j);
  // In OrderID order, each the payload of that order's latest order record.
  REQUIRE(s.open_orders.size() == 4);
  CHECK(s.open_orders[0] == R"({"order":{"id":2,"open":true,"tag":"2 new"}})");
  CHECK(s.open_orders[1] == R"({"order":{"id":3,"open":true,"tag":"3 replaced"}})");
  CHECK(s.open_orders[2] == R"({"order":{"id":6,"open":true,"tag":"6 partial"}})");
  CHECK(s.open_orders[3] == R"({"order":{"id":8,"open":true,"tag":"8 replaced again"}})");
  CHECK(s.last_order_id == OrderId(8));
  CHECK(s.last_exec_id == ExecId(17));
}

TEST_CASE("sqlite journal: load() returns the fills of the journal's last two days", "[ledger][sqlite]") {
  constexpr int64_t kDayUs = 86400LL * 1000 * 1000;
  const TimeUs last(kNow.value + 3 * kDayUs);  // the newest record of the journal
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  {
    auto j = open_journal(path);
    auto fill = [&](const std::string& client, uint64_t exec, TimeUs ts) {
      JournalRecord r = order_rec(RecordKind::kFill, client, exec, exec, "F-" + std::to_string(exec), false,
                                  "fill " + std::to_string(exec), ts);
      j->append(std::move(r));
    };
    fill("alice", 1, kNow);                                // three days before the last record
    fill("alice", 2, TimeUs(last.value - 2 * kDayUs - 1));  // one microsecond too old
    fill("bob", 3, TimeUs(last.value - 2 * kDayUs));        // the window's first microsecond
    REQUIRE(j->commit().ok());
    fill("alice", 4, TimeUs(last.value - 3600LL * 1000 * 1000));
    // Not a fill: never listed, however recent.
    j->append(order_rec(RecordKind::kOrderAccepted, "bob", 5, 5, "B-5", true, "new", TimeUs(last.value - 1)));
    fill("carol", 6, TimeUs(last.value - 1));
    JournalRecord newest = record(RecordKind::kQuote, "dave");
    newest.ts = last;  // the window is measured from the newest record of any kind
    j->append(std::move(newest));
    REQUIRE(j->commit().ok());
  }
  auto j = open_journal(path);
  const RecoveredState s = load(*j);
  REQUIRE(s.recent_fills.size() == 3);
  CHECK(s.recent_fills[0].client == "bob");
  CHECK(s.recent_fills[0].ts == TimeUs(last.value - 2 * kDayUs));
  CHECK(s.recent_fills[0].payload == R"({"order":{"id":3,"open":false,"tag":"fill 3"}})");
  CHECK(s.recent_fills[1].client == "alice");
  CHECK(s.recent_fills[1].ts == TimeUs(last.value - 3600LL * 1000 * 1000));
  CHECK(s.recent_fills[2].client == "carol");
  CHECK(s.recent_fills[2].ts == TimeUs(last.value - 1));
  // Open orders come from order records whatever their age: order 5 is open.
  REQUIRE(s.open_orders.size() == 1);
  CHECK(s.open_orders[0] == R"({"order":{"id":5,"open":true,"tag":"new"}})");
}

TEST_CASE("sqlite journal: client held accounts (purpose 5) are stored and restored", "[ledger][sqlite]") {
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  AccountId avail, held;
  {
    auto j = open_journal(path);
    Ledger l(j.get());
    Desk d;
    d.open_all(l);
    d.deposits(l);
    avail = d.alice_usd;
    held = l.open("alice", kUsd, "USD", AccountPurpose::kClientHeld, kNow);
    REQUIRE(l.post({transfer(l, avail, held, 40'000)}, record(RecordKind::kOrderAccepted, "alice")).ok());
    REQUIRE(j->commit().ok());
  }
  RawDb r(path, SQLITE_OPEN_READONLY);
  CHECK(r.scalar("SELECT purpose || ':' || purpose_name FROM accounts WHERE id = " + std::to_string(held.value)) ==
        "5:client_held");
  CHECK(r.scalar("SELECT balance FROM balances WHERE account_id = " + std::to_string(held.value)) == "40000");
  auto j = open_journal(path);
  const RecoveredState s = load(*j);
  bool found = false;
  for (const RestoredAccount& a : s.accounts) {
    if (a.account.id != held) continue;
    found = true;
    CHECK(a.account.purpose == AccountPurpose::kClientHeld);
    CHECK(a.account.owner == "alice");
    CHECK(a.balance == Amount(40'000));
  }
  CHECK(found);
  std::vector<RestoredAccount> accounts = s.accounts;
  for (RestoredAccount& a : accounts) a.account.asset = asset_of(a.account.asset_code);
  Ledger l(j.get());
  REQUIRE(l.restore(accounts, s.last_transfer_id).ok());
  CHECK(l.balance(held) == Amount(40'000));
  CHECK(l.balance(avail) == Amount(60'000));
}

}  // namespace
}  // namespace otc::ledger

namespace otc::ledger {
namespace {

// Checkpoints every 4 records, then 3 more records left unsigned; the journal closed.
void write_checkpointed(const std::string& path, const Ed25519Key& key) {
  auto j = open_journal(path);
  Ledger l(j.get());
  CheckpointPolicy policy;
  policy.every_records = 4;
  policy.every_us = 3600LL * 1000 * 1000;
  policy.key = &key;
  policy.balances = [&l](BalancesDigest* d) {
    std::vector<Account> accounts = l.accounts();
    std::sort(accounts.begin(), accounts.end(), [](const Account& a, const Account& b) { return a.id < b.id; });
    for (const Account& a : accounts) d->add(a.id.value, l.balance(a.id).value);
  };
  j->set_checkpoints(std::move(policy));
  Desk d;
  d.open_all(l);
  REQUIRE(j->commit().ok());  // 8 records: a checkpoint at 8
  d.deposits(l);
  REQUIRE(j->commit().ok());  // 3 more, unsigned (8 + 3 - 8 < 4)
}

TEST_CASE("sqlite journal: start-up re-checks the records after the last checkpoint", "[ledger][sqlite][chain]") {
  TempDir dir;
  const std::string path = dir.file("otcgw.db");
  Result<Ed25519Key> key = Ed25519Key::generate();
  REQUIRE(key.ok());
  write_checkpointed(path, key.value());
  {
    RawDb r(path, SQLITE_OPEN_READONLY);
    REQUIRE(r.scalar("SELECT group_concat(seq) FROM checkpoints") == "8");
    REQUIRE(r.scalar("SELECT MAX(seq) FROM journal") == "11");
  }
  SECTION("an intact journal passes") {
    CHECK(open_journal(path)->check_tail(key.value().public_hex()).ok());
  }
  SECTION("another audit key is refused") {
    Result<Ed25519Key> other = Ed25519Key::generate();
    REQUIRE(other.ok());
    const Status s = open_journal(path)->check_tail(other.value().public_hex());
    REQUIRE(!s.ok());
    CHECK_THAT(s.reject().detail, Catch::Contains("signed by key") && Catch::Contains("not by this gateway's audit key"));
  }
  SECTION("an unsigned record changed while stopped is refused, even re-hashed in the hash column") {
    {
      RawDb w(path, SQLITE_OPEN_READWRITE);
      CHECK_THAT(w.exec("UPDATE transfers SET amount = 999999 WHERE seq = 10"), Catch::Contains("append-only"));
      REQUIRE(w.exec("DROP TRIGGER transfers_no_update").empty());
      REQUIRE(w.exec("UPDATE transfers SET amount = 999999 WHERE seq = 10").empty());
    }
    const Status s = open_journal(path)->check_tail(key.value().public_hex());
    REQUIRE(!s.ok());
    CHECK_THAT(s.reject().detail, Catch::Contains("record 10 does not match its stored hash"));
  }
  SECTION("a changed signed record is refused through the checkpoint's hash") {
    {
      RawDb w(path, SQLITE_OPEN_READWRITE);
      REQUIRE(w.exec("DROP TRIGGER journal_no_update").empty());
      // Record 7's payload changed and its hash and record 8's hash recomputed would still
      // leave record 8 unequal to what the checkpoint signed; here simply the stored hash.
      REQUIRE(w.exec("UPDATE journal SET hash = '" + std::string(64, '0') + "' WHERE seq = 7").empty());
    }
    const Status s = open_journal(path)->check_tail(key.value().public_hex());
    REQUIRE(!s.ok());
    CHECK_THAT(s.reject().detail, Catch::Contains("record 8"));
  }
}

}  // namespace
}  // namespace otc::ledger
