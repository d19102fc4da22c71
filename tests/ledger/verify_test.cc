// tests/ledger/verify_test.cc: verify_journal (otcctl verify) on real journal files
// written by SqliteJournal + Ledger with signed checkpoints, then tampered with the way
// someone with the sqlite3 shell (and without the audit key) would. Each test works in
// its own temporary directory (mkdtemp), removed at the end.
#include "ledger/verify.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <catch2/catch.hpp>

#include "tests/temp_dir.h"
#include "tests/catch_printers.h"

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "ledger/chain.h"
#include "ledger/ledger.h"
#include "ledger/sqlite_journal.h"

namespace otc::ledger {
namespace {

constexpr TimeUs kStart{1'700'000'000'000'000};
constexpr AssetId kUsd{1};
constexpr AssetId kBtc{2};
constexpr uint64_t kCheckpointEveryRecords = 5;

using ::otc::test::TempDir;

// A raw connection: what a reviewer or an attacker does with the sqlite3 shell.
struct RawDb {
  sqlite3* db = nullptr;
  RawDb(const std::string& path, int flags) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, flags, nullptr) == SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db); }
  // Runs `sql`; "" on success, else the error message.
  std::string exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return "";
    std::string msg = err != nullptr ? err : "error";
    sqlite3_free(err);
    return msg;
  }
  void must(const std::string& sql) {
    const std::string err = exec(sql);
    if (!err.empty()) FAIL(sql << ": " << err);
  }
  // Every row, every column as text (NULL as "").
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<std::vector<std::string>> out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* t = sqlite3_column_text(stmt, i);
        row.push_back(t != nullptr ? reinterpret_cast<const char*>(t) : "");
      }
      out.push_back(std::move(row));
    }
    CHECK(rc == SQLITE_DONE);
    sqlite3_finalize(stmt);
    return out;
  }
  std::string scalar(const std::string& sql) {
    const auto r = rows(sql);
    REQUIRE(r.size() == 1);
    return r[0][0];
  }
  uint64_t number(const std::string& sql) { return std::stoull(scalar(sql)); }
};

int64_t num(const std::string& s) { return s.empty() ? 0 : std::stoll(s); }
uint64_t unum(const std::string& s) { return static_cast<uint64_t>(num(s)); }

// Recomputes every journal.hash from the rows as they now are, with the real encoder:
// what an attacker without the audit key can do after editing rows.
void rehash(RawDb& db) {
  db.exec("DROP TRIGGER IF EXISTS journal_no_update");
  const auto records = db.rows(
      "SELECT seq, ts_us, kind, client, quote_id, order_id, exec_id, cl_ord_id, payload FROM journal ORDER BY seq");
  Sha256 prev{};
  std::string scratch;
  db.must("BEGIN");
  for (const auto& r : records) {
    const std::string seq = r[0];
    ChainRecord c;
    c.seq = unum(r[0]);
    c.ts_us = num(r[1]);
    c.kind = num(r[2]);
    c.client = r[3];
    c.quote_id = unum(r[4]);
    c.order_id = unum(r[5]);
    c.exec_id = unum(r[6]);
    c.cl_ord_id = r[7];
    c.payload = r[8];
    const auto transfers = db.rows(
        "SELECT id, debit_account, credit_account, asset, amount FROM transfers WHERE seq = " + seq + " ORDER BY id");
    for (const auto& t : transfers)
      c.transfers.push_back(ChainTransfer{unum(t[0]), unum(t[1]), unum(t[2]), t[3], num(t[4])});
    const auto account = db.rows("SELECT id, owner, asset, purpose FROM accounts WHERE seq = " + seq);
    if (!account.empty())
      c.account = ChainAccount{unum(account[0][0]), account[0][1], account[0][2], num(account[0][3])};
    const auto trade = db.rows(
        "SELECT exec_id, order_id, quote_id, client, cl_ord_id, instrument, side, qty, price, qty_text, price_text, "
        "notional, fee FROM trades WHERE seq = " +
        seq);
    if (!trade.empty()) {
      const auto& t = trade[0];
      c.trade = ChainTrade{unum(t[0]), unum(t[1]), unum(t[2]), t[3],  t[4],       t[5],      t[6],
                           num(t[7]),  num(t[8]),  t[9],       t[10], num(t[11]), num(t[12])};
    }
    prev = chain_hash(prev, c, &scratch);
    db.must("UPDATE journal SET hash = '" + to_hex(prev) + "' WHERE seq = " + seq);
  }
  db.must("COMMIT");
}

// Re-signs every checkpoint over the rows as they now are, with `key` (an attacker who
// stole the audit key, or a test that wants only the invariant checks to object).
void resign(RawDb& db, const Ed25519Key& key) {
  db.exec("DROP TRIGGER IF EXISTS checkpoints_no_update");
  const auto cps = db.rows("SELECT seq, ts_us FROM checkpoints ORDER BY seq");
  db.must("BEGIN");
  for (const auto& cp : cps) {
    const std::string& seq = cp[0];
    const std::string hash = db.scalar("SELECT hash FROM journal WHERE seq = " + seq);
    BalancesDigest digest;
    for (const auto& a : db.rows("SELECT a.id, COALESCE((SELECT SUM(amount) FROM transfers WHERE credit_account = a.id "
                                 "AND seq <= " +
                                 seq +
                                 "), 0) - COALESCE((SELECT SUM(amount) FROM transfers WHERE "
                                 "debit_account = a.id AND seq <= " +
                                 seq + "), 0) FROM accounts a WHERE a.seq <= " + seq + " ORDER BY a.id")) {
      digest.add(unum(a[0]), num(a[1]));
    }
    const std::string balances = digest.finish_hex();
    const std::string sig = key.sign_hex(checkpoint_message(unum(seq), num(cp[1]), hash, balances));
    db.must("UPDATE checkpoints SET hash = '" + hash + "', balances_sha256 = '" + balances + "', public_key = '" +
            key.public_hex() + "', signature = '" + sig + "' WHERE seq = " + seq);
  }
  db.must("COMMIT");
}

// Deletes records after `last` with their rows (and, if asked, the checkpoints after it).
void cut_after(RawDb& db, uint64_t last, bool checkpoints_too) {
  const std::string n = std::to_string(last);
  for (const char* t : {"journal", "transfers", "accounts", "trades", "checkpoints"}) {
    db.exec(std::string("DROP TRIGGER IF EXISTS ") + t + "_no_delete");
  }
  db.must("DELETE FROM transfers WHERE seq > " + n);
  db.must("DELETE FROM trades WHERE seq > " + n);
  db.must("DELETE FROM accounts WHERE seq > " + n);
  if (checkpoints_too) db.must("DELETE FROM checkpoints WHERE seq > " + n);
  db.must("DELETE FROM journal WHERE seq > " + n);
}

// A journal as the gateway writes it: accounts, deposits, a credit line (kind 13), orders
// with holds, fills with trade rows, quotes; a checkpoint every 5 records.
struct Book {
  TempDir dir;
  Ed25519Key key = Ed25519Key::generate().value();
  std::string path = dir.file("otcgw.db");
  uint64_t last_seq = 0;
  uint64_t copies = 0;
  int64_t ts = kStart.value;

  // Ids in the scenario.
  AccountId alice_usd, alice_held, alice_btc, bob_usd, bob_held, bob_btc, desk_usd, desk_btc, fees_usd, ext_usd,
      ext_btc;
  uint64_t next_exec = 1;
  uint64_t next_order = 1;

  TimeUs now() { return TimeUs(ts++); }

  JournalRecord rec(RecordKind kind, const std::string& client, std::string payload = "{}") {
    JournalRecord r;
    r.kind = kind;
    r.ts = now();
    r.client = client;
    r.payload = std::move(payload);
    return r;
  }

  static JournalRecord credit_line_record(const std::string& client, const std::string& asset, int64_t amount,
                                          TimeUs ts) {
    JournalRecord r;
    r.kind = RecordKind::kCreditLine;
    r.ts = ts;
    r.client = client;
    r.payload = "{\"amount\":" + std::to_string(amount) + ",\"asset\":\"" + asset + "\",\"client\":\"" + client + "\"}";
    return r;
  }

  // An order accepted with a hold of `hold` (available -> held), then filled: `paid` to
  // the desk, `fee` to fees, the rest of the hold released, `qty` BTC from the desk.
  void buy(Ledger& l, const std::string& client, AccountId avail, AccountId held, AccountId btc, int64_t hold,
           int64_t paid, int64_t fee, int64_t qty) {
    const uint64_t order = next_order++;
    JournalRecord a = rec(RecordKind::kOrderAccepted, client);
    a.order_id = OrderId(order);
    a.exec_id = ExecId(next_exec++);
    a.cl_ord_id = client + "-" + std::to_string(order);
    REQUIRE(l.post({l.transfer(avail, held, Amount(hold))}, std::move(a)).ok());

    JournalRecord f = rec(RecordKind::kFill, client);
    f.order_id = OrderId(order);
    f.exec_id = ExecId(next_exec++);
    f.cl_ord_id = client + "-" + std::to_string(order);
    TradeRow t;
    t.exec_id = f.exec_id;
    t.order_id = f.order_id;
    t.client = client;
    t.cl_ord_id = f.cl_ord_id;
    t.instrument = "BTC/USD";
    t.side = Side::kBuy;
    t.qty = Qty(qty);
    t.price = Price(paid / qty);
    t.qty_text = std::to_string(qty);
    t.price_text = std::to_string(paid / qty);
    t.notional = Amount(paid);
    t.fee = Amount(fee);
    f.trade = t;
    std::vector<Transfer> legs = {l.transfer(held, desk_usd, Amount(paid)), l.transfer(held, fees_usd, Amount(fee)),
                                  l.transfer(desk_btc, btc, Amount(qty))};
    if (hold > paid + fee) legs.push_back(l.transfer(held, avail, Amount(hold - paid - fee)));
    REQUIRE(l.post(std::move(legs), std::move(f)).ok());
  }

  // Writes the journal (the writer is closed afterwards: the WAL is folded into the file).
  void write() {
    auto opened = SqliteJournal::open(path);
    if (!opened.ok()) FAIL("open " << path << ": " << opened.reject().detail);
    std::unique_ptr<SqliteJournal> j = std::move(opened).value();
    RecoveredState state;
    REQUIRE(j->load(&state).ok());
    Ledger l(j.get());
    CheckpointPolicy policy;
    policy.every_records = kCheckpointEveryRecords;
    policy.every_us = INT64_MAX;  // by count only: deterministic
    policy.key = &key;
    policy.balances = [&l](BalancesDigest* d) {
      for (const Account& a : l.accounts()) d->add(a.id.value, l.balance(a.id).value);
    };
    j->set_checkpoints(std::move(policy));

    alice_usd = l.open("alice", kUsd, "USD", AccountPurpose::kClientAvailable, now());
    alice_held = l.open("alice", kUsd, "USD", AccountPurpose::kClientHeld, now());
    alice_btc = l.open("alice", kBtc, "BTC", AccountPurpose::kClientAvailable, now());
    bob_usd = l.open("bob", kUsd, "USD", AccountPurpose::kClientAvailable, now());
    bob_held = l.open("bob", kUsd, "USD", AccountPurpose::kClientHeld, now());
    bob_btc = l.open("bob", kBtc, "BTC", AccountPurpose::kClientAvailable, now());
    desk_usd = l.open("DESK", kUsd, "USD", AccountPurpose::kDeskInventory, now());
    desk_btc = l.open("DESK", kBtc, "BTC", AccountPurpose::kDeskInventory, now());
    fees_usd = l.open("FEES", kUsd, "USD", AccountPurpose::kFeeIncome, now());
    ext_usd = l.open("EXTERNAL", kUsd, "USD", AccountPurpose::kExternal, now());
    ext_btc = l.open("EXTERNAL", kBtc, "BTC", AccountPurpose::kExternal, now());
    REQUIRE(j->commit().ok());  // records 1..11

    REQUIRE(l.post({l.transfer(ext_usd, alice_usd, Amount(100'000))}, rec(RecordKind::kDeposit, "alice")).ok());
    REQUIRE(l.post({l.transfer(ext_usd, bob_usd, Amount(5'000))}, rec(RecordKind::kDeposit, "bob")).ok());
    REQUIRE(l.post({l.transfer(ext_btc, desk_btc, Amount(1'000))}, rec(RecordKind::kDeposit, "")).ok());
    REQUIRE(j->commit().ok());  // 12..14

    // bob may go 50000 below zero in USD (configured; journaled as kind 13).
    l.set_credit_line("bob", "USD", Amount(50'000));
    j->append(credit_line_record("bob", "USD", 50'000, now()));
    // bob buys on credit: his available USD goes to 5000 - 20000 = -15000.
    buy(l, "bob", bob_usd, bob_held, bob_btc, 20'000, 19'980, 20, 6);
    REQUIRE(j->commit().ok());  // 15..17
    REQUIRE(l.balance(bob_usd).value == -15'000);

    for (int i = 0; i < 6; ++i) {
      JournalRecord q = rec(RecordKind::kQuote, "alice", "{\"firm\":true}");
      q.quote_id = QuoteId(static_cast<uint64_t>(i) + 1);
      j->append(std::move(q));
      buy(l, "alice", alice_usd, alice_held, alice_btc, 3'100, 3'000, 3, 1);
      REQUIRE(j->commit().ok());  // 3 records each: 18..35
    }
    j->append(rec(RecordKind::kQuoteRejected, "carol", "{\"reason\":\"no price\"}"));
    j->append(rec(RecordKind::kQuoteRejected, "carol", "{\"reason\":\"no price\"}"));
    REQUIRE(j->commit().ok());  // 36..37: unsigned tail
    j.reset();
    last_seq = 37;
  }

  Book() { write(); }

  // A fresh copy of the journal to tamper with.
  std::string copy() {
    const std::string p = dir.file("copy" + std::to_string(++copies) + ".db");
    std::filesystem::copy_file(path, p);
    return p;
  }

  VerifyReport verify(const std::string& p, std::vector<std::pair<uint64_t, std::string>> anchors = {}) const {
    VerifyOptions o;
    o.journal_path = p;
    o.public_key_hex = key.public_hex();
    o.anchors = std::move(anchors);
    return verify_journal(o);
  }
};

std::string explain(const VerifyReport& r) {
  return "ok=" + std::to_string(r.ok) + " bad_seq=" + std::to_string(r.bad_seq) + " error=" + r.error;
}

TEST_CASE("verify: a journal as the writer wrote it passes", "[ledger][verify]") {
  Book b;
  RawDb db(b.path, SQLITE_OPEN_READONLY);
  const uint64_t checkpoints = db.number("SELECT count(*) FROM checkpoints");
  const uint64_t last_cp = db.number("SELECT max(seq) FROM checkpoints");
  REQUIRE(checkpoints >= 4);
  REQUIRE(last_cp < b.last_seq);
  REQUIRE(db.number("SELECT count(*) FROM journal WHERE kind = 13") == 1);
  REQUIRE(db.number("SELECT count(*) FROM trades") == 7);

  std::vector<std::pair<uint64_t, uint64_t>> progress;
  VerifyOptions o;
  o.journal_path = b.path;
  o.public_key_hex = b.key.public_hex();
  o.progress = [&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); };
  const VerifyReport r = verify_journal(o);
  INFO(explain(r));
  REQUIRE(r.ok);
  CHECK(r.error.empty());
  CHECK(r.bad_seq == 0);
  CHECK(r.records == b.last_seq);
  CHECK(r.accounts == 11);
  CHECK(r.transfers == db.number("SELECT count(*) FROM transfers"));
  CHECK(r.checkpoints == checkpoints);
  CHECK(r.last_checkpoint_seq == last_cp);
  CHECK(r.unsigned_tail == b.last_seq - last_cp);
  REQUIRE(!progress.empty());
  CHECK(progress.front() == std::make_pair(uint64_t{0}, b.last_seq));
  CHECK(progress.back() == std::make_pair(b.last_seq, b.last_seq));

  // An uppercase key is the same key.
  std::string upper = b.key.public_hex();
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  o.public_key_hex = upper;
  o.progress = nullptr;
  CHECK(verify_journal(o).ok);

  // Anchors that still hold.
  const std::string h5 = db.scalar("SELECT hash FROM journal WHERE seq = 5");
  const std::string hl = db.scalar("SELECT hash FROM journal WHERE seq = " + std::to_string(b.last_seq));
  const VerifyReport anchored = b.verify(b.path, {{b.last_seq, hl}, {5, h5}});
  INFO(explain(anchored));
  CHECK(anchored.ok);
  CHECK(anchored.anchors == 2);
}

TEST_CASE("verify: (a) one transfer amount changed: an accidental edit fails loudly, a deliberate one is caught",
          "[ledger][verify]") {
  Book b;
  const std::string p = b.copy();
  RawDb db(p, SQLITE_OPEN_READWRITE);
  const std::string id =
      db.scalar("SELECT min(id) FROM transfers WHERE debit_account = " + std::to_string(b.alice_usd.value));
  const uint64_t seq = db.number("SELECT seq FROM transfers WHERE id = " + id);
  CHECK_THAT(db.exec("UPDATE transfers SET amount = amount + 1 WHERE id = " + id),
             Catch::Contains("transfers is append-only"));
  db.must("DROP TRIGGER transfers_no_update");
  db.must("UPDATE transfers SET amount = amount + 1 WHERE id = " + id);
  const VerifyReport r = b.verify(p);
  INFO(explain(r));
  REQUIRE(!r.ok);
  CHECK(r.bad_seq == seq);
  CHECK_THAT(r.error, Catch::StartsWith("record " + std::to_string(seq) + " (order_accepted): hash mismatch: stored "));
  CHECK_THAT(r.error, Catch::Contains(", computed "));
}

TEST_CASE("verify: (b) a deleted record is a gap", "[ledger][verify]") {
  Book b;
  const std::string p = b.copy();
  RawDb db(p, SQLITE_OPEN_READWRITE);
  for (const char* t : {"journal", "transfers", "trades"}) db.must(std::string("DROP TRIGGER ") + t + "_no_delete");
  // Record 23 is a fill: its transfers and trade row go with it.
  REQUIRE(db.scalar("SELECT kind_name FROM journal WHERE seq = 23") == "fill");
  db.must("DELETE FROM transfers WHERE seq = 23");
  db.must("DELETE FROM trades WHERE seq = 23");
  db.must("DELETE FROM journal WHERE seq = 23");
  const VerifyReport r = b.verify(p);
  INFO(explain(r));
  REQUIRE(!r.ok);
  CHECK(r.bad_seq == 23);
  CHECK(r.error == "record 23 is missing: after record 22 comes record 24 (seq must run 1, 2, ... without gaps)");

  SECTION("renumbering the rest and re-hashing (no key) is caught by the next checkpoint") {
    for (const char* t : {"journal", "transfers", "trades"}) db.must(std::string("DROP TRIGGER ") + t + "_no_update");
    for (const char* t : {"journal", "transfers", "trades"}) {
      const std::string table = t;
      db.must("UPDATE " + table + " SET seq = seq + 999999 WHERE seq > 23");  // no clash with the primary key
      db.must("UPDATE " + table + " SET seq = seq - 1000000 WHERE seq > 1000000");
    }
    rehash(db);
    const VerifyReport r2 = b.verify(p);
    INFO(explain(r2));
    REQUIRE(!r2.ok);
    // The chain is whole again; the checkpoint at 23 signed another record 23.
    CHECK(r2.bad_seq == 23);
    CHECK_THAT(r2.error, Catch::StartsWith("record 23 (quote): checkpoint: signed hash") &&
                             Catch::Contains("records 18..23 were changed after it was signed"));
  }
}

TEST_CASE("verify: (c) two records swapped", "[ledger][verify]") {
  Book b;
  const std::string p = b.copy();
  RawDb db(p, SQLITE_OPEN_READWRITE);
  for (const char* t : {"journal", "transfers", "trades", "accounts"})
    db.must(std::string("DROP TRIGGER ") + t + "_no_update");
  // 24 is an order_accepted, 25 its fill: swap them (rows move with their record).
  REQUIRE(db.scalar("SELECT kind_name FROM journal WHERE seq = 24") == "quote");
  REQUIRE(db.scalar("SELECT kind_name FROM journal WHERE seq = 25") == "order_accepted");
  for (const char* t : {"journal", "transfers", "trades", "accounts"}) {
    const std::string table = t;
    db.must("UPDATE " + table + " SET seq = 1000000 WHERE seq = 24");
    db.must("UPDATE " + table + " SET seq = 24 WHERE seq = 25");
    db.must("UPDATE " + table + " SET seq = 25 WHERE seq = 1000000");
  }
  const VerifyReport r = b.verify(p);
  INFO(explain(r));
  REQUIRE(!r.ok);
  CHECK(r.bad_seq == 24);
  CHECK_THAT(r.error, Catch::StartsWith("record 24 (order_accepted): hash mismatch"));

  SECTION("swapped and re-hashed without the key: the checkpoint refuses") {
    rehash(db);
    const VerifyReport r2 = b.verify(p);
    INFO(explain(r2));
    REQUIRE(!r2.ok);
    const uint64_t cp = db.number("SELECT min(seq) FROM checkpoints WHERE seq >= 24");
    CHECK(r2.bad_seq == cp);
    CHECK_THAT(r2.error,
               Catch::Contains("checkpoint: signed hash") && Catch::Contains("were changed after it was signed"));
  }
}

TEST_CASE("verify: (d) the tail cut off", "[ledger][verify]") {
  Book b;
  RawDb orig(b.path, SQLITE_OPEN_READONLY);
  const uint64_t last_cp = orig.number("SELECT max(seq) FROM checkpoints");
  const uint64_t prev_cp = orig.number("SELECT max(seq) FROM checkpoints WHERE seq < " + std::to_string(last_cp));
  const std::string last_hash = orig.scalar("SELECT hash FROM journal WHERE seq = " + std::to_string(b.last_seq));
  const std::string cp_hash = orig.scalar("SELECT hash FROM journal WHERE seq = " + std::to_string(last_cp));
  REQUIRE(prev_cp + 1 < last_cp);
  const uint64_t cut = prev_cp + 1;  // keep records 1..cut: the last checkpoint now points past the end

  SECTION("a checkpoint left pointing past the end names itself") {
    const std::string p = b.copy();
    RawDb db(p, SQLITE_OPEN_READWRITE);
    cut_after(db, cut, /*checkpoints_too=*/false);
    // Re-hashing the rest changes nothing: the chain up to `cut` is a prefix of the old one.
    const std::string before = db.scalar("SELECT hash FROM journal WHERE seq = " + std::to_string(cut));
    rehash(db);
    CHECK(db.scalar("SELECT hash FROM journal WHERE seq = " + std::to_string(cut)) == before);
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == last_cp);
    CHECK_THAT(r.error, Catch::StartsWith("checkpoint at record " + std::to_string(last_cp) + " has no record") &&
                            Catch::Contains("ends at record " + std::to_string(cut)));
  }

  SECTION("the checkpoints after the cut deleted too: only an anchor shows it") {
    // Documented limit (FORMAT.md, "Verification"): a cut after the last remaining
    // checkpoint leaves a shorter chain that is valid in itself.
    const std::string p = b.copy();
    RawDb db(p, SQLITE_OPEN_READWRITE);
    cut_after(db, cut, /*checkpoints_too=*/true);
    rehash(db);
    const VerifyReport plain = b.verify(p);
    INFO(explain(plain));
    CHECK(plain.ok);
    CHECK(plain.records == cut);
    CHECK(plain.last_checkpoint_seq == prev_cp);
    CHECK(plain.unsigned_tail == cut - prev_cp);

    // The gateway logged the last checkpoint (seq, hash): that anchor is gone.
    const VerifyReport anchored = b.verify(p, {{last_cp, cp_hash}});
    INFO(explain(anchored));
    REQUIRE(!anchored.ok);
    CHECK(anchored.bad_seq == last_cp);
    CHECK_THAT(anchored.error, Catch::Contains("anchor " + std::to_string(last_cp)) &&
                                   Catch::Contains("no record " + std::to_string(last_cp)) &&
                                   Catch::Contains("cut off"));
    // And on the untouched file the same anchors hold.
    CHECK(b.verify(b.path, {{last_cp, cp_hash}, {b.last_seq, last_hash}}).ok);
  }

  SECTION("an anchor whose record holds a different hash") {
    const std::string p = b.copy();
    const VerifyReport r = b.verify(p, {{7, cp_hash}});
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == 7);
    CHECK_THAT(r.error, Catch::StartsWith("record 7 (account_opened): anchor mismatch: expected hash " + cp_hash));
  }
}

TEST_CASE("verify: (e) an amount changed and the whole chain re-hashed without the key", "[ledger][verify]") {
  Book b;
  const std::string p = b.copy();
  RawDb db(p, SQLITE_OPEN_READWRITE);
  db.must("DROP TRIGGER transfers_no_update");
  // The hold of alice's third order (record 25) is raised; the fill releases the rest.
  const uint64_t seq = 25;
  REQUIRE(db.scalar("SELECT kind_name FROM journal WHERE seq = 25") == "order_accepted");
  db.must("UPDATE transfers SET amount = amount + 7 WHERE seq = 25");
  rehash(db);
  const uint64_t cp = db.number("SELECT min(seq) FROM checkpoints WHERE seq >= " + std::to_string(seq));
  const uint64_t prev = db.number("SELECT max(seq) FROM checkpoints WHERE seq < " + std::to_string(seq));

  SECTION("the checkpoint's hash no longer matches") {
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == cp);
    CHECK_THAT(r.error, Catch::Contains("checkpoint: signed hash") &&
                            Catch::Contains("records " + std::to_string(prev + 1) + ".." + std::to_string(cp)));
  }
  SECTION("the checkpoint's hash replaced too: its signature fails") {
    db.must("DROP TRIGGER checkpoints_no_update");
    db.must("UPDATE checkpoints SET hash = (SELECT hash FROM journal WHERE journal.seq = checkpoints.seq)");
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == cp);
    CHECK_THAT(r.error, Catch::Contains("checkpoint: the signature does not verify"));
  }
}

TEST_CASE("verify: (f) a checkpoint signed by another key is refused", "[ledger][verify]") {
  Book b;
  const Ed25519Key other = Ed25519Key::generate().value();
  const std::string p = b.copy();
  RawDb db(p, SQLITE_OPEN_READWRITE);
  db.must("DROP TRIGGER checkpoints_no_update");
  const auto cp = db.rows("SELECT seq, ts_us, hash, balances_sha256 FROM checkpoints ORDER BY seq LIMIT 1 OFFSET 1")[0];
  const std::string sig = other.sign_hex(checkpoint_message(unum(cp[0]), num(cp[1]), cp[2], cp[3]));
  REQUIRE(ed25519_verify(other.public_hex(), checkpoint_message(unum(cp[0]), num(cp[1]), cp[2], cp[3]), sig));

  SECTION("with the other key named") {
    db.must("UPDATE checkpoints SET public_key = '" + other.public_hex() + "', signature = '" + sig +
            "' WHERE seq = " + cp[0]);
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == unum(cp[0]));
    CHECK_THAT(r.error, Catch::Contains("checkpoint: signed by key " + other.public_hex() + ", not by the audit key " +
                                        b.key.public_hex()));
  }
  SECTION("under the audit key's name") {
    db.must("UPDATE checkpoints SET signature = '" + sig + "' WHERE seq = " + cp[0]);
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == unum(cp[0]));
    CHECK_THAT(r.error, Catch::Contains("the signature does not verify"));
  }
  SECTION("a signature that is not hex") {
    db.must("UPDATE checkpoints SET signature = 'zz' WHERE seq = " + cp[0]);
    const VerifyReport r = b.verify(p);
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == unum(cp[0]));
    CHECK_THAT(r.error, Catch::Contains("the signature does not verify"));
  }
  SECTION("balances that disagree with the transfers, signed by the real key") {
    // A writer whose in-memory ledger drifted from its journal would sign this.
    const std::string bogus = to_hex(sha256("1 5\n"));
    const std::string good_sig = b.key.sign_hex(checkpoint_message(unum(cp[0]), num(cp[1]), cp[2], bogus));
    db.must("UPDATE checkpoints SET balances_sha256 = '" + bogus + "', signature = '" + good_sig +
            "' WHERE seq = " + cp[0]);
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == unum(cp[0]));
    CHECK_THAT(r.error, Catch::Contains("signed balances_sha256 " + bogus + ", but the transfers give"));
  }
}

TEST_CASE("verify: (g) a client available balance below its credit line", "[ledger][verify]") {
  Book b;
  RawDb orig(b.path, SQLITE_OPEN_READONLY);
  // Record 16 is bob's order: the hold takes his USD from 5000 to -15000 (credit line 50000).
  REQUIRE(orig.scalar("SELECT kind_name FROM journal WHERE seq = 15") == "credit_line");
  REQUIRE(orig.scalar("SELECT kind_name || ' ' || client FROM journal WHERE seq = 16") == "order_accepted bob");

  SECTION("a hold raised past the credit line, re-hashed and re-signed with the real key") {
    const std::string p = b.copy();
    RawDb db(p, SQLITE_OPEN_READWRITE);
    db.must("DROP TRIGGER transfers_no_update");
    db.must("UPDATE transfers SET amount = 60000 WHERE seq = 16");  // 5000 - 60000 = -55000
    rehash(db);
    resign(db, b.key);
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == 16);
    CHECK(r.error == "record 16 (order_accepted): balance of bob/USD/client_available (account " +
                         std::to_string(b.bob_usd.value) + ") is -55000, below minus its credit line (50000)");
  }
  SECTION("the credit line record removed (re-hashed, re-signed): bob had no credit") {
    const std::string p = b.copy();
    RawDb db(p, SQLITE_OPEN_READWRITE);
    db.must("DROP TRIGGER journal_no_update");
    db.must("UPDATE journal SET kind = 3, kind_name = 'quote', payload = '{}' WHERE seq = 15");
    rehash(db);
    resign(db, b.key);
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == 16);
    CHECK_THAT(r.error, Catch::EndsWith("is -15000, negative without a credit line"));
  }
  SECTION("a held balance driven negative, re-hashed and re-signed") {
    const std::string p = b.copy();
    RawDb db(p, SQLITE_OPEN_READWRITE);
    db.must("DROP TRIGGER transfers_no_update");
    // bob's fill (17) pays the desk more than was held.
    db.must("UPDATE transfers SET amount = 25000 WHERE seq = 17 AND credit_account = " +
            std::to_string(b.desk_usd.value));
    rehash(db);
    resign(db, b.key);
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == 17);
    CHECK_THAT(r.error, Catch::StartsWith("record 17 (fill): balance of bob/USD/client_held") &&
                            Catch::EndsWith("negative (held funds never are)"));
  }
  SECTION("a later credit_line record lowers the line below what is used") {
    // The ledger allowed the posting under the old line; the lowered line journaled later
    // leaves bob's balance below it: the record that lowered it is named.
    const std::string p = b.copy();
    {
      auto j = SqliteJournal::open(p);
      REQUIRE(j.ok());
      RecoveredState s;
      REQUIRE(j.value()->load(&s).ok());
      j.value()->append(Book::credit_line_record("bob", "USD", 10'000, TimeUs(b.ts)));
      REQUIRE(j.value()->commit().ok());
    }
    const VerifyReport r = b.verify(p);
    INFO(explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == b.last_seq + 1);
    CHECK_THAT(r.error, Catch::StartsWith("record " + std::to_string(b.last_seq + 1) +
                                          " (credit_line): balance of bob/USD/client_available") &&
                            Catch::EndsWith("is -15000, below minus its credit line (10000)"));
  }
}

TEST_CASE("verify: (h) the wrong audit key is refused", "[ledger][verify]") {
  Book b;
  const Ed25519Key other = Ed25519Key::generate().value();
  RawDb db(b.path, SQLITE_OPEN_READONLY);
  const uint64_t first_cp = db.number("SELECT min(seq) FROM checkpoints");
  VerifyOptions o;
  o.journal_path = b.path;
  o.public_key_hex = other.public_hex();
  const VerifyReport r = verify_journal(o);
  INFO(explain(r));
  REQUIRE(!r.ok);
  CHECK(r.bad_seq == first_cp);
  CHECK_THAT(r.error, Catch::Contains("not by the audit key " + other.public_hex()));

  o.public_key_hex = "";
  const VerifyReport none = verify_journal(o);
  REQUIRE(!none.ok);
  CHECK_THAT(none.error, Catch::StartsWith("no audit public key given"));
  o.public_key_hex = "abc";
  const VerifyReport bad = verify_journal(o);
  REQUIRE(!bad.ok);
  CHECK_THAT(bad.error, Catch::Contains("must be 64 hex characters"));
}

TEST_CASE("verify: (i) files that are not journals give clear errors", "[ledger][verify]") {
  Book b;
  VerifyOptions o;
  o.public_key_hex = b.key.public_hex();

  SECTION("a missing file is not created") {
    o.journal_path = b.dir.file("nope.db");
    const VerifyReport r = verify_journal(o);
    REQUIRE(!r.ok);
    CHECK(r.error == "cannot open journal " + o.journal_path + ": No such file or directory");
    CHECK(!std::filesystem::exists(o.journal_path));
  }
  SECTION("a directory") {
    o.journal_path = b.dir.path;
    const VerifyReport r = verify_journal(o);
    REQUIRE(!r.ok);
    CHECK_THAT(r.error, Catch::Contains("not a regular file"));
  }
  SECTION("a text file") {
    o.journal_path = b.dir.file("text.db");
    std::ofstream(o.journal_path)
        << "this is not an SQLite file, just some text that is long enough to have a header\n";
    const VerifyReport r = verify_journal(o);
    REQUIRE(!r.ok);
    CHECK_THAT(r.error, Catch::Contains("is not an otcgw journal") && Catch::Contains("not a database"));
  }
  SECTION("another application's database") {
    o.journal_path = b.dir.file("other.db");
    {
      RawDb w(o.journal_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      w.must("CREATE TABLE orders(id INTEGER)");
    }
    const VerifyReport r = verify_journal(o);
    REQUIRE(!r.ok);
    CHECK_THAT(r.error, Catch::EndsWith("is not an otcgw journal (no meta table)"));
  }
  SECTION("a new, empty journal verifies: nothing to check yet") {
    o.journal_path = b.dir.file("empty.db");
    REQUIRE(SqliteJournal::open(o.journal_path).ok());
    const VerifyReport r = verify_journal(o);
    INFO(explain(r));
    CHECK(r.ok);
    CHECK(r.records == 0);
    CHECK(r.checkpoints == 0);
  }
  SECTION("schema version 2") {
    o.journal_path = b.copy();
    {
      RawDb w(o.journal_path, SQLITE_OPEN_READWRITE);
      w.must("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    }
    const VerifyReport r = verify_journal(o);
    REQUIRE(!r.ok);
    CHECK_THAT(r.error, Catch::Contains("has schema version 2; verify reads only version 3") &&
                            Catch::Contains("predates the hash chain"));
  }
}

// Values of the wrong type where the schema's affinity lets them in (SQLite keeps a text
// that does not look like a number as text), NULLs where a table was rebuilt without its
// constraints, bad hex, ids that should be NULL, rows that belong to no record.
TEST_CASE("verify: malformed values are reported, never coerced", "[ledger][verify]") {
  Book b;
  struct Case {
    const char* unconstrain;  // rebuild this table without constraints first ("" = none)
    const char* sql;
    uint64_t bad_seq;
    const char* error;    // the end of report.error
    bool rehash = false;  // re-hash the chain after the change (so the hash check passes)
  };
  const Case cases[] = {
      {"", "UPDATE journal SET ts_us = 'soon' WHERE seq = 20", 20, "record 20 (fill): ts_us is text, not an integer"},
      {"journal", "UPDATE journal SET ts_us = NULL WHERE seq = 20", 20,
       "record 20 (fill): ts_us is NULL, not an integer"},
      {"journal", "UPDATE journal SET seq = NULL WHERE seq = 1", 1,
       "the record after record 0: seq is NULL, not an integer"},
      {"", "UPDATE journal SET kind = 99 WHERE seq = 20", 20, "record 20 (kind 99): unknown kind 99 (known: 1..13)"},
      {"", "UPDATE journal SET kind_name = 'fil' WHERE seq = 20", 20,
       "record 20 (fill): kind_name is 'fil', kind 7 is 'fill'"},
      {"", "UPDATE journal SET hash = 'XYZ' WHERE seq = 20", 20,
       "record 20 (fill): hash 'XYZ' is not 64 lowercase hex characters"},
      {"", "UPDATE journal SET quote_id = 0 WHERE seq = 20", 20,
       "record 20 (fill): quote_id is 0: ids are counters from 1 (none is stored as NULL)"},
      {"", "UPDATE journal SET client = '' WHERE seq = 20", 20,
       "record 20 (fill): client is empty text (none is stored as NULL)"},
      {"", "UPDATE journal SET payload = x'00ff' WHERE seq = 20", 20, "record 20 (fill): payload is a blob, not text"},
      {"transfers", "UPDATE transfers SET amount = NULL WHERE id = 1", 12,
       "record 12 (deposit): transfer 1: amount is NULL, not an integer"},
      {"", "UPDATE transfers SET amount = 1.5 WHERE id = 1", 12,
       "record 12 (deposit): transfer 1: amount is a real, not an integer"},
      {"", "UPDATE transfers SET debit_account = 'ext' WHERE id = 1", 12,
       "record 12 (deposit): transfer 1: debit_account is text, not an integer"},
      {"", "UPDATE transfers SET ts_us = ts_us + 1 WHERE id = 1", 12,
       "record 12 (deposit): transfer 1: ts_us 1700000000000012 differs from the record's 1700000000000011"},
      {"transfers", "UPDATE transfers SET seq = NULL WHERE id = 1", 0, "transfers row 1: seq is NULL, not an integer"},
      {"", "INSERT INTO transfers VALUES(1000, 99, 1, 4, 'USD', 5, 0)", 99,
       "transfer 1000 points at record 99, which is not in the journal (it ends at record 37)"},
      {"", "INSERT INTO transfers VALUES(1000, 0, 1, 4, 'USD', 5, 0)", 0,
       "transfer 1000 points at record 0, which is not in the journal"},
      {"", "INSERT INTO accounts VALUES(1000, 'eve', 'USD', 1, 'client_available', 40)", 40,
       "account 1000 points at record 40, which is not in the journal (it ends at record 37)"},
      {"", "UPDATE trades SET seq = 19 WHERE seq = 20", 19,
       "record 19 (order_accepted): has a trades row but is not a fill"},
      {"", "UPDATE accounts SET purpose_name = 'cash' WHERE id = 2", 2,
       "record 2 (account_opened): account 2: purpose_name is 'cash', purpose 5 is 'client_held'"},
      {"", "UPDATE trades SET side = 'long' WHERE seq = 20", 20,
       "record 20 (fill): trade row: side is 'long', not buy or sell"},
      {"checkpoints", "UPDATE checkpoints SET ts_us = NULL WHERE seq = 11", 11,
       "record 11 (account_opened): checkpoint: ts_us is NULL, not an integer"},
      {"", "UPDATE journal SET payload = '{\"amount\":-5,\"asset\":\"USD\",\"client\":\"bob\"}' WHERE seq = 15", 15,
       "record 15 (credit_line): payload: credit line amount -5 is negative", true},
      {"", "UPDATE journal SET payload = 'not json' WHERE seq = 15", 15,
       "record 15 (credit_line): payload is not a JSON object", true},
      {"", "UPDATE journal SET payload = '{\"amount\":\"5\",\"asset\":\"USD\",\"client\":\"bob\"}' WHERE seq = 15", 15,
       "record 15 (credit_line): payload: amount is not an integer", true},
  };
  for (const Case& c : cases) {
    const std::string p = b.copy();
    {
      RawDb db(p, SQLITE_OPEN_READWRITE);
      db.must("PRAGMA ignore_check_constraints = ON");
      for (const char* t : {"journal", "transfers", "trades", "accounts", "checkpoints"}) {
        db.must(std::string("DROP TRIGGER ") + t + "_no_update");
      }
      const std::string t = c.unconstrain;
      if (!t.empty()) {
        db.must("DROP VIEW balances");
        db.must("CREATE TABLE rebuilt AS SELECT * FROM " + t);
        db.must("DROP TABLE " + t);
        db.must("ALTER TABLE rebuilt RENAME TO " + t);
      }
      const std::string err = db.exec(c.sql);
      INFO(c.sql);
      REQUIRE(err.empty());
      if (c.rehash) rehash(db);
    }
    const VerifyReport r = b.verify(p);
    INFO(c.sql << "\n" << explain(r));
    REQUIRE(!r.ok);
    CHECK(r.bad_seq == c.bad_seq);
    CHECK_THAT(r.error, Catch::EndsWith(c.error));
  }
}

TEST_CASE("verify: while a writer keeps committing, every snapshot verifies", "[ledger][verify]") {
  Book b;
  constexpr int kBatches = 60;
  std::atomic<bool> done{false};
  std::atomic<int> written{0};
  std::string writer_error;
  std::thread writer([&] {
    auto opened = SqliteJournal::open(b.path);
    if (!opened.ok()) {
      writer_error = opened.reject().detail;
      done = true;
      return;
    }
    std::unique_ptr<SqliteJournal> j = std::move(opened).value();
    RecoveredState s;
    Status st = j->load(&s);
    Ledger l(j.get());
    if (st.ok()) {
      std::vector<RestoredAccount> accounts = s.accounts;
      for (RestoredAccount& r : accounts) r.account.asset = r.account.asset_code == "USD" ? kUsd : kBtc;
      l.set_credit_line("bob", "USD", Amount(50'000));
      st = l.restore(accounts, s.last_transfer_id);
    }
    CheckpointPolicy policy;
    policy.every_records = 7;
    policy.every_us = INT64_MAX;
    policy.key = &b.key;
    policy.balances = [&l](BalancesDigest* d) {
      for (const Account& a : l.accounts()) d->add(a.id.value, l.balance(a.id).value);
    };
    j->set_checkpoints(std::move(policy));
    const AccountId ext = l.find("EXTERNAL", "USD", AccountPurpose::kExternal);
    const AccountId alice = l.find("alice", "USD", AccountPurpose::kClientAvailable);
    for (int i = 0; i < kBatches && st.ok(); ++i) {
      for (int k = 0; k < 3 && st.ok(); ++k) {
        JournalRecord r;
        r.kind = RecordKind::kDeposit;
        r.ts = TimeUs(b.ts + i * 10 + k);
        r.client = "alice";
        r.payload = "{}";
        st = l.post({l.transfer(ext, alice, Amount(1 + k))}, std::move(r));
      }
      if (st.ok()) st = j->commit();
      ++written;
    }
    if (!st.ok()) writer_error = st.reject().detail;
    done = true;
  });
  int verified = 0;
  uint64_t max_records = 0;
  while (!done || verified < 3) {
    const VerifyReport r = b.verify(b.path);
    INFO(explain(r));
    CHECK(r.ok);
    if (!r.ok) break;
    max_records = std::max(max_records, r.records);
    ++verified;
    if (verified > 10'000) break;  // bound: the writer finishes long before
  }
  writer.join();
  CHECK(writer_error.empty());
  CHECK(written == kBatches);
  const VerifyReport r = b.verify(b.path);
  INFO(explain(r));
  CHECK(r.ok);
  CHECK(r.records == b.last_seq + 3 * kBatches);
  CHECK(max_records >= b.last_seq);
}

// Opt-in (hidden by default: `verify_test "[.slow]"`): writes a journal of 1,000,000 records
// and times verify_journal on it. OTC_VERIFY_BENCH_DIR=<dir> keeps it there (with audit.pub)
// for timing `otcctl verify`; otherwise it is written to a temporary directory and removed.
TEST_CASE("verify: one million records", "[.slow][ledger][verify]") {
  constexpr uint64_t kRecords = 1'000'000;
  constexpr int kBatch = 250;  // records per commit
  TempDir tmp;
  const char* keep = std::getenv("OTC_VERIFY_BENCH_DIR");
  const std::string dir = keep != nullptr ? std::string(keep) : tmp.path;
  const std::string path = dir + "/otcgw.db";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  const Ed25519Key key = Ed25519Key::generate().value();
  std::ofstream(dir + "/audit.pub") << key.public_hex() << "\n";

  const auto t0 = std::chrono::steady_clock::now();
  {
    auto j = std::move(SqliteJournal::open(path)).value();
    RecoveredState s;
    REQUIRE(j->load(&s).ok());
    Ledger l(j.get());
    CheckpointPolicy policy;
    policy.every_records = 1000;
    policy.every_us = INT64_MAX;
    policy.key = &key;
    policy.balances = [&l](BalancesDigest* d) {
      for (const Account& a : l.accounts()) d->add(a.id.value, l.balance(a.id).value);
    };
    j->set_checkpoints(std::move(policy));
    int64_t ts = kStart.value;
    constexpr int kClients = 50;
    std::vector<AccountId> avail, held, btc;
    for (int c = 0; c < kClients; ++c) {
      const std::string name = "client" + std::to_string(c);
      avail.push_back(l.open(name, kUsd, "USD", AccountPurpose::kClientAvailable, TimeUs(ts++)));
      held.push_back(l.open(name, kUsd, "USD", AccountPurpose::kClientHeld, TimeUs(ts++)));
      btc.push_back(l.open(name, kBtc, "BTC", AccountPurpose::kClientAvailable, TimeUs(ts++)));
    }
    const AccountId desk_usd = l.open("DESK", kUsd, "USD", AccountPurpose::kDeskInventory, TimeUs(ts++));
    const AccountId desk_btc = l.open("DESK", kBtc, "BTC", AccountPurpose::kDeskInventory, TimeUs(ts++));
    const AccountId fees = l.open("FEES", kUsd, "USD", AccountPurpose::kFeeIncome, TimeUs(ts++));
    const AccountId ext_usd = l.open("EXTERNAL", kUsd, "USD", AccountPurpose::kExternal, TimeUs(ts++));
    const AccountId ext_btc = l.open("EXTERNAL", kBtc, "BTC", AccountPurpose::kExternal, TimeUs(ts++));
    const std::string order_payload(300, 'x');  // about the size of an order snapshot
    uint64_t seq = 3 * kClients + 5;
    uint64_t exec = 1;
    uint64_t order = 1;
    auto rec = [&](RecordKind k, const std::string& client) {
      JournalRecord r;
      r.kind = k;
      r.ts = TimeUs(ts++);
      r.client = client;
      r.payload = "{\"order\":\"" + order_payload + "\"}";
      return r;
    };
    REQUIRE(l.post({l.transfer(ext_btc, desk_btc, Amount(1'000'000'000))}, rec(RecordKind::kDeposit, "")).ok());
    ++seq;
    int c = 0;
    while (seq + 4 <= kRecords) {
      const std::string name = "client" + std::to_string(c);
      REQUIRE(l.post({l.transfer(ext_usd, avail[c], Amount(10'010))}, rec(RecordKind::kDeposit, name)).ok());
      JournalRecord q = rec(RecordKind::kQuote, name);
      q.quote_id = QuoteId(order);
      j->append(std::move(q));
      JournalRecord a = rec(RecordKind::kOrderAccepted, name);
      a.order_id = OrderId(order);
      a.exec_id = ExecId(exec++);
      a.cl_ord_id = "C" + std::to_string(order);
      REQUIRE(l.post({l.transfer(avail[c], held[c], Amount(10'010))}, std::move(a)).ok());
      JournalRecord f = rec(RecordKind::kFill, name);
      f.order_id = OrderId(order);
      f.exec_id = ExecId(exec++);
      f.cl_ord_id = "C" + std::to_string(order);
      TradeRow t;
      t.exec_id = f.exec_id;
      t.order_id = f.order_id;
      t.client = name;
      t.cl_ord_id = f.cl_ord_id;
      t.instrument = "BTC/USD";
      t.side = Side::kBuy;
      t.qty = Qty(1);
      t.price = Price(10'000);
      t.qty_text = "0.00000001";
      t.price_text = "100";
      t.notional = Amount(10'000);
      t.fee = Amount(10);
      f.trade = t;
      REQUIRE(l.post({l.transfer(held[c], desk_usd, Amount(10'000)), l.transfer(held[c], fees, Amount(10)),
                      l.transfer(desk_btc, btc[c], Amount(1))},
                     std::move(f))
                  .ok());
      seq += 4;
      ++order;
      c = (c + 1) % kClients;
      if (j->pending() >= kBatch) REQUIRE(j->commit().ok());
    }
    while (seq < kRecords) {
      j->append(rec(RecordKind::kQuoteRejected, "client0"));
      ++seq;
    }
    REQUIRE(j->commit().ok());
  }
  const auto t1 = std::chrono::steady_clock::now();
  VerifyOptions o;
  o.journal_path = path;
  o.public_key_hex = key.public_hex();
  const VerifyReport r = verify_journal(o);
  const auto t2 = std::chrono::steady_clock::now();
  INFO(explain(r));
  REQUIRE(r.ok);
  CHECK(r.records == kRecords);
  std::printf("verify: wrote %llu records in %.2f s, verified them in %.2f s (%llu transfers, %llu checkpoints)%s\n",
              static_cast<unsigned long long>(r.records), std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count(), static_cast<unsigned long long>(r.transfers),
              static_cast<unsigned long long>(r.checkpoints), keep != nullptr ? (" (kept: " + path + ")").c_str() : "");
}

}  // namespace
}  // namespace otc::ledger
