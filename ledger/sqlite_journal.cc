#include "common/assert.h"
#include "ledger/sqlite_journal.h"

#include "ledger/chain.h"

#include <sqlite3.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

// Stays on in release builds: ledger invariants (STYLE.md, "Assertions and limits").

namespace otc::ledger {
namespace {

constexpr int kBusyTimeoutMs = 5000;
// load() names these kinds by number in SQL.
static_assert(static_cast<int>(RecordKind::kOrderAccepted) == 5);
static_assert(static_cast<int>(RecordKind::kOrderRejected) == 6);
static_assert(static_cast<int>(RecordKind::kFill) == 7);
static_assert(static_cast<int>(RecordKind::kOrderCanceled) == 9);
static_assert(static_cast<int>(RecordKind::kOrderExpired) == 10);
static_assert(static_cast<int>(RecordKind::kOrderReplaced) == 11);
static_assert(static_cast<int>(RecordKind::kCancelRejected) == 12);
static_assert(static_cast<int>(RecordKind::kCreditLine) == 13);
constexpr int64_t kRecentFillsUs = 2LL * 86400 * 1000 * 1000;  // daily limits look back this far
constexpr int64_t kQuoteLifeMaxUs = 600LL * 1000 * 1000;       // the longest quote_ttl_max_ms a config allows

// Schema version 3 (2: client_held accounts, order records; 3: hash chain, checkpoints, credit lines); ledger/FORMAT.md describes every column. Tables are append-only
// (triggers refuse UPDATE and DELETE); meta is not, so a future migration can bump it.
constexpr const char* kSchemaSql = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE journal(
  seq INTEGER PRIMARY KEY,
  ts_us INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  kind_name TEXT NOT NULL,
  client TEXT,
  quote_id INTEGER,
  order_id INTEGER,
  exec_id INTEGER,
  cl_ord_id TEXT,
  payload TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX journal_client_cl_ord_id ON journal(client, cl_ord_id);
CREATE INDEX journal_client_seq ON journal(client, seq);
CREATE INDEX journal_quotes ON journal(ts_us) WHERE kind = 3;
CREATE INDEX journal_quote_id ON journal(quote_id);
CREATE INDEX journal_order_id ON journal(order_id);
CREATE INDEX journal_exec_id ON journal(exec_id);
CREATE TABLE accounts(
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  asset TEXT NOT NULL,
  purpose INTEGER NOT NULL CHECK(purpose BETWEEN 1 AND 5),
  purpose_name TEXT NOT NULL,
  seq INTEGER NOT NULL REFERENCES journal(seq),
  UNIQUE(owner, asset, purpose)
);
CREATE TABLE transfers(
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL REFERENCES journal(seq),
  debit_account INTEGER NOT NULL REFERENCES accounts(id),
  credit_account INTEGER NOT NULL REFERENCES accounts(id),
  asset TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK(amount > 0),
  ts_us INTEGER NOT NULL,
  CHECK(debit_account <> credit_account)
);
CREATE INDEX transfers_seq ON transfers(seq);
CREATE INDEX transfers_debit_account ON transfers(debit_account);
CREATE INDEX transfers_credit_account ON transfers(credit_account);
CREATE TABLE trades(
  exec_id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL REFERENCES journal(seq),
  order_id INTEGER NOT NULL,
  quote_id INTEGER,
  client TEXT NOT NULL,
  cl_ord_id TEXT NOT NULL,
  instrument TEXT NOT NULL,
  side TEXT NOT NULL CHECK(side IN ('buy', 'sell')),
  qty INTEGER NOT NULL,
  price INTEGER NOT NULL,
  qty_text TEXT NOT NULL,
  price_text TEXT NOT NULL,
  notional INTEGER NOT NULL,
  fee INTEGER NOT NULL,
  ts_us INTEGER NOT NULL
);
CREATE INDEX trades_client ON trades(client);
CREATE INDEX trades_order_id ON trades(order_id);
CREATE VIEW balances AS
  SELECT a.id AS account_id, a.owner AS owner, a.asset AS asset, a.purpose_name AS purpose_name,
         COALESCE(c.total, 0) - COALESCE(d.total, 0) AS balance
  FROM accounts a
  LEFT JOIN (SELECT credit_account AS id, SUM(amount) AS total FROM transfers GROUP BY credit_account) c
    ON c.id = a.id
  LEFT JOIN (SELECT debit_account AS id, SUM(amount) AS total FROM transfers GROUP BY debit_account) d
    ON d.id = a.id;
CREATE TABLE checkpoints(
  seq INTEGER PRIMARY KEY REFERENCES journal(seq),
  ts_us INTEGER NOT NULL,
  hash TEXT NOT NULL,
  balances_sha256 TEXT NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL
);
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints is append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints is append-only'); END;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER accounts_no_update BEFORE UPDATE ON accounts BEGIN SELECT RAISE(ABORT, 'accounts is append-only'); END;
CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts BEGIN SELECT RAISE(ABORT, 'accounts is append-only'); END;
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers BEGIN SELECT RAISE(ABORT, 'transfers is append-only'); END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers BEGIN SELECT RAISE(ABORT, 'transfers is append-only'); END;
CREATE TRIGGER trades_no_update BEFORE UPDATE ON trades BEGIN SELECT RAISE(ABORT, 'trades is append-only'); END;
CREATE TRIGGER trades_no_delete BEFORE DELETE ON trades BEGIN SELECT RAISE(ABORT, 'trades is append-only'); END;
INSERT INTO meta(key, value) VALUES('schema_version', '3');
)sql";

Reject journal_reject(std::string detail) { return make_reject(RejectReason::kJournalHalted, std::move(detail)); }

std::string errmsg(sqlite3* db) { return sqlite3_errmsg(db); }

// "insert transfer 7 (seq 12)": what a failed statement was doing (id, seq left out when 0).
std::string describe(const char* what, uint64_t id, uint64_t seq) {
  std::string d = what;
  if (id != 0) d += " " + std::to_string(id);
  if (seq != 0) d += " (seq " + std::to_string(seq) + ")";
  return d;
}

// A statement used once (open, load): prepared, stepped through, finalized.
class OneShot {
 public:
  OneShot(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~OneShot() { sqlite3_finalize(stmt_); }  // result repeats the last step's, handled there
  OneShot(const OneShot&) = delete;
  OneShot& operator=(const OneShot&) = delete;

  bool prepared() const { return rc_ == SQLITE_OK && stmt_ != nullptr; }
  sqlite3_stmt* stmt() const { return stmt_; }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  std::string error() const { return errmsg(db_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

// Runs `sql` (no result rows expected beyond those ignored), reporting `what` on error.
Status exec(sqlite3* db, const char* sql, const std::string& what) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string detail = what + ": " + (err != nullptr ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    return journal_reject(std::move(detail));
  }
  return Ok{};
}

// Ends the open transaction, if any, after `failed`; a failed rollback adds to the error.
Status rolled_back(sqlite3* db, const Status& failed) {
  OTC_ASSERT(!failed.ok());
  if (sqlite3_get_autocommit(db) != 0) return failed;  // SQLite already rolled back
  const Status rb = exec(db, "ROLLBACK", "rollback");
  if (!rb.ok()) return journal_reject(failed.reject().detail + "; " + rb.reject().detail);
  return failed;
}

// Runs a query returning exactly one row with one column and reads it as text.
Status query_text(sqlite3* db, const char* sql, const std::string& what, std::string* out) {
  OneShot q(db, sql);
  if (!q.prepared()) return journal_reject(what + ": " + q.error());
  const int rc = q.step();
  if (rc != SQLITE_ROW) {
    return journal_reject(what + ": " + (rc == SQLITE_DONE ? std::string("no result row") : q.error()));
  }
  const unsigned char* text = sqlite3_column_text(q.stmt(), 0);
  if (text == nullptr) return journal_reject(what + ": NULL result");
  *out = reinterpret_cast<const char*>(text);
  return Ok{};
}

// Runs a query returning exactly one row with one INTEGER column.
Status query_int(sqlite3* db, const char* sql, const std::string& what, int64_t* out) {
  OneShot q(db, sql);
  if (!q.prepared()) return journal_reject(what + ": " + q.error());
  const int rc = q.step();
  if (rc != SQLITE_ROW) {
    return journal_reject(what + ": " + (rc == SQLITE_DONE ? std::string("no result row") : q.error()));
  }
  if (sqlite3_column_type(q.stmt(), 0) != SQLITE_INTEGER) return journal_reject(what + ": result is not an integer");
  *out = sqlite3_column_int64(q.stmt(), 0);
  return Ok{};
}

// Calls row(stmt) for every result row of `sql`; stops at the first failure.
template <typename Row>
Status query_rows(sqlite3* db, const char* sql, const std::string& what, Row&& row) {
  OneShot q(db, sql);
  if (!q.prepared()) return journal_reject(what + ": " + q.error());
  for (;;) {
    const int rc = q.step();
    if (rc == SQLITE_DONE) return Ok{};
    if (rc != SQLITE_ROW) return journal_reject(what + ": " + q.error());
    Status s = row(q.stmt());
    if (!s.ok()) return s;
  }
}

// Column readers for load(): the type is checked, never coerced.
bool column_int(sqlite3_stmt* s, int col, int64_t* out) {
  if (sqlite3_column_type(s, col) != SQLITE_INTEGER) return false;
  *out = sqlite3_column_int64(s, col);
  return true;
}
bool column_text(sqlite3_stmt* s, int col, std::string* out) {
  if (sqlite3_column_type(s, col) != SQLITE_TEXT) return false;
  const unsigned char* text = sqlite3_column_text(s, col);
  if (text == nullptr) return false;  // out of memory
  out->assign(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(s, col)));
  return true;
}

// Binds parameters 1, 2, ... in order; the first failing bind is kept and later ones skipped.
class Binder {
 public:
  explicit Binder(sqlite3_stmt* stmt) : stmt_(stmt) {}

  void i64(int64_t v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(stmt_, ++index_, v);
  }
  // Our ids are counters from 1; 0 means "none" and is stored as NULL.
  void id_or_null(uint64_t v) {
    OTC_ASSERT(v <= static_cast<uint64_t>(INT64_MAX));
    if (v == 0) {
      null();
    } else {
      i64(static_cast<int64_t>(v));
    }
  }
  void id(uint64_t v) {
    OTC_ASSERT(v <= static_cast<uint64_t>(INT64_MAX));
    i64(static_cast<int64_t>(v));
  }
  // The string must outlive the step (SQLITE_STATIC): it lives in pending_.
  void text(const std::string& v) {
    OTC_ASSERT(v.size() <= static_cast<size_t>(INT_MAX));
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_text(stmt_, ++index_, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void text(const char* v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_text(stmt_, ++index_, v, -1, SQLITE_STATIC);
  }
  void text_or_null(const std::string& v) {
    if (v.empty()) {
      null();
    } else {
      text(v);
    }
  }
  void null() {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_null(stmt_, ++index_);
  }

  // Every parameter bound, each bind succeeded. On error, names the statement as
  // describe(what, id, seq) does.
  Status done(const char* what, uint64_t id, uint64_t seq) const {
    if (rc_ != SQLITE_OK) {
      return journal_reject(describe(what, id, seq) + ": bind parameter " + std::to_string(index_) + ": " +
                            sqlite3_errstr(rc_));
    }
    OTC_ASSERT(index_ == sqlite3_bind_parameter_count(stmt_));  // a forgotten column is our bug
    return Ok{};
  }

 private:
  sqlite3_stmt* stmt_;
  int index_ = 0;
  int rc_ = SQLITE_OK;
};

bool valid_purpose(int64_t p) {
  return p >= static_cast<int64_t>(AccountPurpose::kClientAvailable) &&
         p <= static_cast<int64_t>(AccountPurpose::kClientHeld);
}

}  // namespace

Result<std::unique_ptr<SqliteJournal>> SqliteJournal::open(const std::string& path, const std::string& vfs) {
  if (path.empty()) return journal_reject("cannot open journal: empty path");
  sqlite3* db = nullptr;
  // No SQLITE_OPEN_CREATE of directories: a missing parent directory is an error.
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                 vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    std::string detail = "cannot open journal " + path + ": " + (db != nullptr ? errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);  // a handle from a failed open holds nothing; its result adds nothing
    return journal_reject(std::move(detail));
  }
  std::unique_ptr<SqliteJournal> journal(new SqliteJournal(db, path));
  Status s = journal->init();
  if (!s.ok()) return s.reject();  // the destructor closes the database
  return Result<std::unique_ptr<SqliteJournal>>(std::move(journal));
}

Status SqliteJournal::init() {
  const std::string where = "journal " + path_;

  // Settings are explicit and read back: nothing is left to compile-time defaults.
  const int rc = sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  if (rc != SQLITE_OK) return journal_reject(where + ": busy_timeout: " + sqlite3_errstr(rc));
  int64_t busy_ms = 0;
  Status s = query_int(db_, "PRAGMA busy_timeout", where + ": read busy_timeout", &busy_ms);
  if (!s.ok()) return s;
  if (busy_ms != kBusyTimeoutMs) {
    return journal_reject(where + ": busy_timeout reads back " + std::to_string(busy_ms) + ", not " +
                          std::to_string(kBusyTimeoutMs));
  }

  std::string mode;
  s = query_text(db_, "PRAGMA journal_mode=WAL", where + ": set journal_mode=WAL", &mode);
  if (!s.ok()) return s;
  if (mode != "wal") return journal_reject(where + ": journal_mode is '" + mode + "', not 'wal'");

  s = exec(db_, "PRAGMA synchronous=FULL", where + ": set synchronous=FULL");
  if (!s.ok()) return s;
  int64_t sync = 0;
  s = query_int(db_, "PRAGMA synchronous", where + ": read synchronous", &sync);
  if (!s.ok()) return s;
  if (sync != 2) return journal_reject(where + ": synchronous reads back " + std::to_string(sync) + ", not 2 (FULL)");

  s = exec(db_, "PRAGMA foreign_keys=ON", where + ": set foreign_keys=ON");
  if (!s.ok()) return s;
  int64_t fk = 0;
  s = query_int(db_, "PRAGMA foreign_keys", where + ": read foreign_keys", &fk);
  if (!s.ok()) return s;
  if (fk != 1) return journal_reject(where + ": foreign_keys reads back " + std::to_string(fk) + ", not 1");

  // Schema: create it in a fresh file, else insist on our version.
  s = exec(db_, "BEGIN IMMEDIATE", where + ": begin schema transaction");
  if (!s.ok()) return s;
  auto schema = [&]() -> Status {
    int64_t has_meta = 0;
    Status st = query_int(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                          where + ": look for meta table", &has_meta);
    if (!st.ok()) return st;
    if (has_meta == 0) {
      int64_t objects = 0;
      st = query_int(db_, "SELECT count(*) FROM sqlite_master", where + ": list schema", &objects);
      if (!st.ok()) return st;
      if (objects != 0) return journal_reject(where + ": not an otcgw journal (it has tables but no meta table)");
      return exec(db_, kSchemaSql, where + ": create schema version " + std::to_string(kSchemaVersion));
    }
    std::string version;
    st = query_text(db_, "SELECT value FROM meta WHERE key = 'schema_version'", where + ": read schema_version",
                    &version);
    if (!st.ok()) return st;
    if (version != std::to_string(kSchemaVersion)) {
      return journal_reject(where + " has schema version " + version + "; this build reads only version " +
                            std::to_string(kSchemaVersion) +
                            (version == "1" || version == "2"
                                 ? " (version " + version + " predates the hash chain" +
                                       (version == "1" ? " and held funds" : std::string()) +
                                       ": start on a new journal file, or keep running the build that wrote it)"
                                 : std::string()));
    }
    return Ok{};
  };
  s = schema();
  if (s.ok()) s = exec(db_, "COMMIT", where + ": commit schema");
  if (!s.ok()) return rolled_back(db_, s);

  int64_t last_seq = 0;
  s = query_int(db_, "SELECT COALESCE(MAX(seq), 0) FROM journal", where + ": read last seq", &last_seq);
  if (!s.ok()) return s;
  if (last_seq < 0) return journal_reject(where + ": negative seq in journal");
  next_seq_ = static_cast<uint64_t>(last_seq) + 1;

  // The chain continues from the last record's hash; checkpoints from the last one.
  if (last_seq > 0) {
    std::string hash_hex;
    s = query_text(db_, "SELECT hash FROM journal ORDER BY seq DESC LIMIT 1", where + ": read last hash", &hash_hex);
    if (!s.ok()) return s;
    if (!sha256_from_hex(hash_hex, &last_hash_)) {
      return journal_reject(where + ": the hash of record " + std::to_string(last_seq) + " is not 64 hex characters");
    }
  }
  OneShot q(db_, "SELECT seq, ts_us FROM checkpoints ORDER BY seq DESC LIMIT 1");
  if (!q.prepared()) return journal_reject(where + ": read last checkpoint: " + q.error());
  const int rc_ck = q.step();
  if (rc_ck == SQLITE_ROW) {
    int64_t ck_seq = 0;
    int64_t ck_ts = 0;
    if (!column_int(q.stmt(), 0, &ck_seq) || !column_int(q.stmt(), 1, &ck_ts) || ck_seq <= 0 || ck_seq > last_seq) {
      return journal_reject(where + ": malformed last checkpoint");
    }
    checkpoint_seq_ = static_cast<uint64_t>(ck_seq);
    checkpoint_ts_ = TimeUs(ck_ts);
  } else if (rc_ck != SQLITE_DONE) {
    return journal_reject(where + ": read last checkpoint: " + q.error());
  }

  return prepare_statements();
}

Status SqliteJournal::prepare_statements() {
  struct Spec {
    sqlite3_stmt** stmt;
    const char* sql;
  };
  const Spec specs[] = {
      {&insert_record_,
       "INSERT INTO journal(seq, ts_us, kind, kind_name, client, quote_id, order_id, exec_id, cl_ord_id, payload, hash) "
       "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
      {&insert_checkpoint_,
       "INSERT INTO checkpoints(seq, ts_us, hash, balances_sha256, public_key, signature) VALUES(?, ?, ?, ?, ?, ?)"},
      {&insert_account_, "INSERT INTO accounts(id, owner, asset, purpose, purpose_name, seq) VALUES(?, ?, ?, ?, ?, ?)"},
      {&insert_transfer_,
       "INSERT INTO transfers(id, seq, debit_account, credit_account, asset, amount, ts_us) "
       "VALUES(?, ?, ?, ?, ?, ?, ?)"},
      {&insert_trade_,
       "INSERT INTO trades(exec_id, seq, order_id, quote_id, client, cl_ord_id, instrument, side, qty, price, "
       "qty_text, price_text, notional, fee, ts_us) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
  };
  for (const Spec& spec : specs) {
    const int rc = sqlite3_prepare_v3(db_, spec.sql, -1, SQLITE_PREPARE_PERSISTENT, spec.stmt, nullptr);
    if (rc != SQLITE_OK) {
      return journal_reject("journal " + path_ + ": prepare '" + spec.sql + "': " + errmsg(db_));
    }
  }
  return Ok{};
}

SqliteJournal::~SqliteJournal() {
  // sqlite3_finalize repeats the statement's last step result, which was handled then.
  for (sqlite3_stmt* stmt : {insert_record_, insert_account_, insert_transfer_, insert_trade_, insert_checkpoint_,
                             begin_, commit_, rollback_}) {
    sqlite3_finalize(stmt);
  }
  const int rc = sqlite3_close(db_);
  if (rc != SQLITE_OK) std::fprintf(stderr, "journal %s: close: %s\n", path_.c_str(), sqlite3_errstr(rc));
  OTC_ASSERT(rc == SQLITE_OK);  // only an unfinalized statement (our bug) keeps it open
}

uint64_t SqliteJournal::append(JournalRecord record) {
  OTC_ASSERT(!halted_);
  OTC_ASSERT(pending_.size() == pending_seq_.size());
  const uint64_t seq = next_seq_++;
  pending_.push_back(std::move(record));
  pending_seq_.push_back(seq);
  return seq;
}

Status SqliteJournal::step_done(sqlite3_stmt* stmt, const char* what, uint64_t id, uint64_t seq) {
  const int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) {
    last_errcode_ = sqlite3_extended_errcode(db_);
    std::string detail = describe(what, id, seq) + ": " + errmsg(db_) + " (SQLite code " +
                         std::to_string(last_errcode_) + ")";
    sqlite3_reset(stmt);  // repeats the step's error, reported above
    return journal_reject(std::move(detail));
  }
  const int reset_rc = sqlite3_reset(stmt);
  if (reset_rc != SQLITE_OK) return journal_reject(describe(what, id, seq) + ": reset: " + sqlite3_errstr(reset_rc));
  return Ok{};
}

// The record as the chain encodes it (ledger/chain.h): exactly what write_pending stores.
ChainRecord chain_record(const JournalRecord& r, uint64_t seq) {
  ChainRecord c;
  c.seq = seq;
  c.ts_us = r.ts.value;
  c.kind = static_cast<int64_t>(r.kind);
  c.client = r.client;
  c.quote_id = r.quote_id.value;
  c.order_id = r.order_id.value;
  c.exec_id = r.exec_id.value;
  c.cl_ord_id = r.cl_ord_id;
  c.payload = r.payload;
  c.transfers.reserve(r.transfers.size());
  for (const Transfer& t : r.transfers) {
    c.transfers.push_back(ChainTransfer{t.id.value, t.debit.value, t.credit.value, t.asset_code, t.amount.value});
  }
  if (r.account) {
    const Account& a = *r.account;
    c.account = ChainAccount{a.id.value, a.owner, a.asset_code, static_cast<int64_t>(a.purpose)};
  }
  if (r.trade) {
    const TradeRow& t = *r.trade;
    c.trade = ChainTrade{t.exec_id.value, t.order_id.value, t.quote_id.value, t.client,  t.cl_ord_id,
                         t.instrument,    side_name(t.side), t.qty.value,   t.price.value, t.qty_text,
                         t.price_text,    t.notional.value,  t.fee.value};
  }
  return c;
}

Status SqliteJournal::write_pending() {
  for (size_t i = 0; i < pending_.size(); ++i) {
    const JournalRecord& r = pending_[i];
    const uint64_t seq = pending_seq_[i];
    batch_hash_ = chain_hash(batch_hash_, chain_record(r, seq), &scratch_);
    const std::string hash_hex = to_hex(batch_hash_);

    {
      Binder b(insert_record_);
      b.id(seq);
      b.i64(r.ts.value);
      b.i64(static_cast<int64_t>(r.kind));
      b.text(record_kind_name(r.kind));
      b.text_or_null(r.client);
      b.id_or_null(r.quote_id.value);
      b.id_or_null(r.order_id.value);
      b.id_or_null(r.exec_id.value);
      b.text_or_null(r.cl_ord_id);
      b.text(r.payload);
      b.text(hash_hex);
      Status s = b.done("insert journal record", 0, seq);
      if (s.ok()) s = step_done(insert_record_, "insert journal record", 0, seq);
      if (!s.ok()) return s;
    }

    if (r.account) {
      const Account& a = *r.account;
      Binder b(insert_account_);
      b.id(a.id.value);
      b.text(a.owner);
      b.text(a.asset_code);
      b.i64(static_cast<int64_t>(a.purpose));
      b.text(account_purpose_name(a.purpose));
      b.id(seq);
      Status s = b.done("insert account", a.id.value, seq);
      if (s.ok()) s = step_done(insert_account_, "insert account", a.id.value, seq);
      if (!s.ok()) return s;
    }

    for (const Transfer& t : r.transfers) {
      Binder b(insert_transfer_);
      b.id(t.id.value);
      b.id(seq);
      b.id(t.debit.value);
      b.id(t.credit.value);
      b.text(t.asset_code);
      b.i64(t.amount.value);
      b.i64(r.ts.value);
      Status s = b.done("insert transfer", t.id.value, seq);
      if (s.ok()) s = step_done(insert_transfer_, "insert transfer", t.id.value, seq);
      if (!s.ok()) return s;
    }

    if (r.trade) {
      const TradeRow& t = *r.trade;
      Binder b(insert_trade_);
      b.id(t.exec_id.value);
      b.id(seq);
      b.id(t.order_id.value);
      b.id_or_null(t.quote_id.value);
      b.text(t.client);
      b.text(t.cl_ord_id);
      b.text(t.instrument);
      b.text(side_name(t.side));
      b.i64(t.qty.value);
      b.i64(t.price.value);
      b.text(t.qty_text);
      b.text(t.price_text);
      b.i64(t.notional.value);
      b.i64(t.fee.value);
      b.i64(r.ts.value);
      Status s = b.done("insert trade exec_id", t.exec_id.value, seq);
      if (s.ok()) s = step_done(insert_trade_, "insert trade exec_id", t.exec_id.value, seq);
      if (!s.ok()) return s;
    }
  }
  return Ok{};
}

Status SqliteJournal::fail(const std::string& what) {
  std::string detail = what;
  if (sqlite3_get_autocommit(db_) == 0) {  // a transaction is still open: undo it
    const Status rb = step_done(rollback_, "rollback");
    if (!rb.ok()) detail += "; " + rb.reject().detail;
  }
  // A COMMIT whose fsync failed has already written its frames, commit frame included,
  // to the WAL: a later recovery would bring the batch back although we report it lost.
  // A TRUNCATE checkpoint copies only what was really committed and empties the WAL, so
  // the batch is gone for certain. If that fails too, the batch's fate is unknown until
  // a restart recovers the file: the runner then tells nobody anything about it.
  int wal_frames = 0;
  int copied = 0;
  const int ck = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &wal_frames, &copied);
  // Only a failed fsync can leave a whole commit behind: a failed write stops SQLite
  // before the commit frame, or leaves it with a checksum that recovery rejects.
  const bool maybe_written = last_errcode_ == SQLITE_IOERR_FSYNC || last_errcode_ == SQLITE_IOERR_DIR_FSYNC;
  if (ck != SQLITE_OK && maybe_written) {
    in_doubt_ = true;
    detail += "; the failed batch may still be in the WAL (checkpoint: " + std::string(sqlite3_errstr(ck)) +
              "): restart to learn whether it committed";
  }
  halted_ = true;
  halt_reason_ = detail;
  pending_.clear();
  pending_seq_.clear();
  return journal_reject("journal " + path_ + ": " + detail);
}

void SqliteJournal::set_checkpoints(CheckpointPolicy policy) {
  OTC_ASSERT(policy.key != nullptr && policy.balances);
  OTC_ASSERT(policy.every_records > 0 && policy.every_us > 0);
  checkpoints_ = std::move(policy);
}

Status SqliteJournal::write_checkpoint(uint64_t seq, TimeUs ts) {
  OTC_ASSERT(checkpoints_.key != nullptr);
  BalancesDigest digest;
  checkpoints_.balances(&digest);
  const std::string balances_hex = digest.finish_hex();
  const std::string hash_hex = to_hex(batch_hash_);
  const std::string signature = checkpoints_.key->sign_hex(checkpoint_message(seq, ts.value, hash_hex, balances_hex));
  if (signature.empty()) return journal_reject("sign checkpoint (seq " + std::to_string(seq) + "): OpenSSL failed");
  Binder b(insert_checkpoint_);
  b.id(seq);
  b.i64(ts.value);
  b.text(hash_hex);
  b.text(balances_hex);
  b.text(checkpoints_.key->public_hex());
  b.text(signature);
  Status s = b.done("insert checkpoint", 0, seq);
  if (s.ok()) s = step_done(insert_checkpoint_, "insert checkpoint", 0, seq);
  return s;
}

Status SqliteJournal::commit() {
  if (halted_) return journal_reject("journal " + path_ + " halted after an earlier failure: " + halt_reason_);
  if (pending_.empty()) return Ok{};
  const uint64_t last = pending_seq_.back();
  const TimeUs last_ts = pending_.back().ts;
  batch_hash_ = last_hash_;
  Status s = step_done(begin_, "begin immediate");
  if (s.ok()) s = write_pending();
  // A checkpoint rides in the same transaction when N records or T microseconds have
  // passed since the last one.
  const bool checkpoint = checkpoints_.key != nullptr &&
                          (last - checkpoint_seq_ >= checkpoints_.every_records ||
                           last_ts.value - checkpoint_ts_.value >= checkpoints_.every_us);
  if (s.ok() && checkpoint) s = write_checkpoint(last, last_ts);
  if (s.ok()) s = step_done(commit_, "commit");
  if (!s.ok()) return fail(s.reject().detail);
  last_hash_ = batch_hash_;
  if (checkpoint) {
    checkpoint_seq_ = last;
    checkpoint_ts_ = last_ts;
  }
  pending_.clear();
  pending_seq_.clear();
  return Ok{};
}

Status SqliteJournal::checkpoint_if_due(TimeUs now, bool force) {
  if (halted_ || checkpoints_.key == nullptr || !pending_.empty()) return Ok{};
  const uint64_t last = next_seq_ - 1;
  if (last == checkpoint_seq_) return Ok{};  // nothing unsigned
  if (!force && now.value - checkpoint_ts_.value < checkpoints_.every_us) return Ok{};
  batch_hash_ = last_hash_;
  Status s = step_done(begin_, "begin immediate");
  if (s.ok()) s = write_checkpoint(last, now);
  if (s.ok()) s = step_done(commit_, "commit");
  if (!s.ok()) return fail(s.reject().detail);
  checkpoint_seq_ = last;
  checkpoint_ts_ = now;
  return Ok{};
}

Status SqliteJournal::load(RecoveredState* out) {
  OTC_ASSERT(out != nullptr);
  OTC_ASSERT(pending_.empty());
  OTC_ASSERT(!halted_);
  const std::string where = "load journal " + path_;
  RecoveredState state;

  // One read transaction: every figure below comes from the same snapshot.
  Status s = exec(db_, "BEGIN", where + ": begin");
  if (!s.ok()) return s;
  auto read = [&]() -> Status {
    int64_t v = 0;
    Status st = query_int(db_, "SELECT COALESCE(MAX(seq), 0) FROM journal", where + ": last seq", &v);
    if (!st.ok()) return st;
    state.last_seq = static_cast<uint64_t>(v);

    // Checked from the SQL side too: every transfer joins two distinct accounts of its asset.
    st = query_int(db_,
                   "SELECT count(*) FROM transfers t "
                   "LEFT JOIN accounts d ON d.id = t.debit_account "
                   "LEFT JOIN accounts c ON c.id = t.credit_account "
                   "WHERE d.id IS NULL OR c.id IS NULL OR d.asset <> t.asset OR c.asset <> t.asset "
                   "OR t.debit_account = t.credit_account OR t.amount <= 0",
                   where + ": check transfers", &v);
    if (!st.ok()) return st;
    if (v != 0) return journal_reject(where + ": " + std::to_string(v) + " transfers do not match their accounts");

    st = query_rows(db_,
                    "SELECT a.id, a.owner, a.asset, a.purpose, b.balance FROM accounts a "
                    "JOIN balances b ON b.account_id = a.id ORDER BY a.id",
                    where + ": read balances", [&](sqlite3_stmt* row) -> Status {
                      RestoredAccount r;
                      int64_t id = 0;
                      int64_t purpose = 0;
                      int64_t balance = 0;
                      // A balance outside int64 comes back as REAL (SQLite's overflow): refused.
                      if (!column_int(row, 0, &id) || !column_text(row, 1, &r.account.owner) ||
                          !column_text(row, 2, &r.account.asset_code) || !column_int(row, 3, &purpose) ||
                          !column_int(row, 4, &balance) || id <= 0 || !valid_purpose(purpose)) {
                        return journal_reject(where + ": malformed account row (id " + std::to_string(id) + ")");
                      }
                      r.account.id = AccountId(static_cast<uint64_t>(id));
                      r.account.purpose = static_cast<AccountPurpose>(purpose);
                      r.balance = Amount(balance);
                      state.accounts.push_back(std::move(r));
                      return Ok{};
                    });
    if (!st.ok()) return st;

    st = query_int(db_, "SELECT COALESCE(MAX(id), 0) FROM transfers", where + ": last transfer id", &v);
    if (!st.ok()) return st;
    state.last_transfer_id = TransferId(static_cast<uint64_t>(v));
    st = query_int(db_, "SELECT COALESCE(MAX(quote_id), 0) FROM journal", where + ": last quote id", &v);
    if (!st.ok()) return st;
    state.last_quote_id = QuoteId(static_cast<uint64_t>(v));
    st = query_int(db_, "SELECT COALESCE(MAX(order_id), 0) FROM journal", where + ": last order id", &v);
    if (!st.ok()) return st;
    state.last_order_id = OrderId(static_cast<uint64_t>(v));
    st = query_int(db_, "SELECT COALESCE(MAX(exec_id), 0) FROM journal", where + ": last exec id", &v);
    if (!st.ok()) return st;
    state.last_exec_id = ExecId(static_cast<uint64_t>(v));

    st = query_rows(db_,
                    "SELECT client, cl_ord_id FROM journal WHERE kind IN (5, 6, 9, 11, 12) "
                    "AND client IS NOT NULL AND cl_ord_id IS NOT NULL ORDER BY seq",
                    where + ": read cl_ord_ids", [&](sqlite3_stmt* row) -> Status {
                      std::pair<std::string, std::string> p;
                      if (!column_text(row, 0, &p.first) || !column_text(row, 1, &p.second)) {
                        return journal_reject(where + ": malformed client/cl_ord_id row");
                      }
                      state.cl_ord_ids.push_back(std::move(p));
                      return Ok{};
                    });
    if (!st.ok()) return st;
    // The latest record of each order carries its whole state ("order" in the payload).
    st = query_rows(db_,
                    "SELECT j.payload FROM journal j JOIN "
                    "(SELECT order_id, MAX(seq) AS last FROM journal WHERE order_id > 0 "
                    "AND kind IN (5, 7, 9, 10, 11) GROUP BY order_id) m ON j.seq = m.last "
                    "WHERE json_extract(j.payload, '$.order.open') = 1 ORDER BY j.order_id",
                    where + ": read open orders", [&](sqlite3_stmt* row) -> Status {
                      std::string p;
                      if (!column_text(row, 0, &p)) return journal_reject(where + ": malformed order row");
                      state.open_orders.push_back(std::move(p));
                      return Ok{};
                    });
    if (!st.ok()) return st;
    st = query_rows(db_,
                    "SELECT client, json_extract(payload, '$.asset'), json_extract(payload, '$.amount') "
                    "FROM journal WHERE kind = 13 ORDER BY seq",
                    where + ": read credit lines", [&](sqlite3_stmt* row) -> Status {
                      std::string client, asset;
                      int64_t amount = 0;
                      if (!column_text(row, 0, &client) || !column_text(row, 1, &asset) ||
                          !column_int(row, 2, &amount) || amount < 0) {
                        return journal_reject(where + ": malformed credit_line record");
                      }
                      state.credit_lines[{client, asset}] = amount;  // the latest wins
                      return Ok{};
                    });
    if (!st.ok()) return st;
    // Quotes that may still be live: given within the longest quote life before the last
    // record, neither executed (an order accepted on it) nor withdrawn (QuoteCancel of it,
    // or a cancel-all of its client after it). The engine drops those expired by now.
    const std::string quotes =
        "SELECT q.client, q.ts_us, q.payload FROM journal q INDEXED BY journal_quotes WHERE q.kind = 3 AND q.ts_us >= "
        "(SELECT COALESCE((SELECT ts_us FROM journal ORDER BY seq DESC LIMIT 1), 0)) - " +
        std::to_string(kQuoteLifeMaxUs) +
        " AND NOT EXISTS (SELECT 1 FROM journal o WHERE o.quote_id = q.quote_id AND o.kind IN (5, 8))"
        " AND NOT EXISTS (SELECT 1 FROM journal c WHERE c.kind = 8 AND c.client = q.client AND c.seq > q.seq"
        " AND json_extract(c.payload, '$.cancel_type') = 4) ORDER BY q.seq";
    st = query_rows(db_, quotes.c_str(), where + ": read live quotes", [&](sqlite3_stmt* row) -> Status {
      RecoveredState::RecentFill q;
      int64_t ts = 0;
      if (!column_text(row, 0, &q.client) || !column_int(row, 1, &ts) || !column_text(row, 2, &q.payload)) {
        return journal_reject(where + ": malformed quote row");
      }
      q.ts = TimeUs(ts);
      state.live_quotes.push_back(std::move(q));
      return Ok{};
    });
    if (!st.ok()) return st;
    const std::string recent = "SELECT client, ts_us, payload FROM journal WHERE kind = 7 AND ts_us >= "
                               "(SELECT COALESCE((SELECT ts_us FROM journal ORDER BY seq DESC LIMIT 1), 0)) - " +
                               std::to_string(kRecentFillsUs) + " ORDER BY seq";
    return query_rows(db_, recent.c_str(), where + ": read recent fills", [&](sqlite3_stmt* row) -> Status {
      RecoveredState::RecentFill f;
      int64_t ts = 0;
      if (!column_text(row, 0, &f.client) || !column_int(row, 1, &ts) || !column_text(row, 2, &f.payload)) {
        return journal_reject(where + ": malformed fill row");
      }
      f.ts = TimeUs(ts);
      state.recent_fills.push_back(std::move(f));
      return Ok{};
    });
  };
  s = read();
  if (s.ok()) s = exec(db_, "COMMIT", where + ": end read transaction");
  if (!s.ok()) return rolled_back(db_, s);
  if (state.last_seq + 1 != next_seq_) {
    // Not our bug but a deployment error: a second writer on the same file.
    return journal_reject(where + ": journal grew from seq " + std::to_string(next_seq_ - 1) + " to " +
                          std::to_string(state.last_seq) + " since open (another writer?)");
  }
  *out = std::move(state);
  return Ok{};
}

// ---- Start-up check of the unsigned tail ------------------------------------------

Status SqliteJournal::check_tail(const std::string& public_key_hex) {
  OTC_ASSERT(pending_.empty());
  const std::string where = "journal " + path_ + ": start-up chain check";
  const uint64_t last = next_seq_ - 1;
  if (last == 0) return Ok{};
  // The last checkpoint: its signature must hold with our key, and the chain is
  // recomputed from it to the end.
  uint64_t from = 1;
  Sha256 prev{};
  std::string signed_hash;
  {
    OneShot q(db_, "SELECT seq, ts_us, hash, balances_sha256, public_key, signature FROM checkpoints "
                   "ORDER BY seq DESC LIMIT 1");
    if (!q.prepared()) return journal_reject(where + ": " + q.error());
    const int rc = q.step();
    if (rc == SQLITE_ROW) {
      int64_t seq = 0, ts = 0;
      std::string hash, balances, key, signature;
      if (!column_int(q.stmt(), 0, &seq) || !column_int(q.stmt(), 1, &ts) || !column_text(q.stmt(), 2, &hash) ||
          !column_text(q.stmt(), 3, &balances) || !column_text(q.stmt(), 4, &key) ||
          !column_text(q.stmt(), 5, &signature) || seq <= 0) {
        return journal_reject(where + ": malformed last checkpoint");
      }
      if (key != public_key_hex) {
        return journal_reject(where + ": the last checkpoint (record " + std::to_string(seq) + ") is signed by key " +
                              key + ", not by this gateway's audit key " + public_key_hex +
                              " (a replaced audit key: restore the old one)");
      }
      if (!ed25519_verify(key, checkpoint_message(static_cast<uint64_t>(seq), ts, hash, balances), signature)) {
        return journal_reject(where + ": the signature of the last checkpoint (record " + std::to_string(seq) +
                              ") does not verify");
      }
      from = static_cast<uint64_t>(seq);
      signed_hash = hash;
    } else if (rc != SQLITE_DONE) {
      return journal_reject(where + ": " + q.error());
    }
  }
  if (from > 1) {
    OneShot q(db_, ("SELECT hash FROM journal WHERE seq = " + std::to_string(from - 1)).c_str());
    std::string hex;
    if (!q.prepared() || q.step() != SQLITE_ROW || !column_text(q.stmt(), 0, &hex) || !sha256_from_hex(hex, &prev)) {
      return journal_reject(where + ": cannot read the hash of record " + std::to_string(from - 1));
    }
  }
  const std::string tail = std::to_string(from);
  OneShot rec(db_, ("SELECT seq, ts_us, kind, client, quote_id, order_id, exec_id, cl_ord_id, payload, hash "
                    "FROM journal WHERE seq >= " + tail + " ORDER BY seq").c_str());
  OneShot acc(db_, ("SELECT seq, id, owner, asset, purpose FROM accounts WHERE seq >= " + tail + " ORDER BY seq").c_str());
  OneShot tr(db_, ("SELECT seq, id, debit_account, credit_account, asset, amount FROM transfers WHERE seq >= " + tail +
                   " ORDER BY seq, id").c_str());
  OneShot td(db_, ("SELECT seq, exec_id, order_id, quote_id, client, cl_ord_id, instrument, side, qty, price, "
                   "qty_text, price_text, notional, fee FROM trades WHERE seq >= " + tail + " ORDER BY seq").c_str());
  if (!rec.prepared() || !acc.prepared() || !tr.prepared() || !td.prepared()) {
    return journal_reject(where + ": " + rec.error());
  }
  // The side tables are walked in step with the records (each ordered by seq).
  auto text_or_empty = [](sqlite3_stmt* st, int col, std::string* out) {
    return sqlite3_column_type(st, col) == SQLITE_NULL || column_text(st, col, out);
  };
  auto int_or_zero = [](sqlite3_stmt* st, int col, int64_t* out) {
    return sqlite3_column_type(st, col) == SQLITE_NULL || column_int(st, col, out);
  };
  int acc_rc = acc.step(), tr_rc = tr.step(), td_rc = td.step();
  uint64_t expect = from;
  std::string scratch;
  for (;;) {
    const int rc = rec.step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return journal_reject(where + ": " + rec.error());
    int64_t seq = 0, ts = 0, kind = 0, quote = 0, order = 0, exec = 0;
    std::string client, cl_ord_id, payload, hash;
    if (!column_int(rec.stmt(), 0, &seq) || !column_int(rec.stmt(), 1, &ts) || !column_int(rec.stmt(), 2, &kind) ||
        !text_or_empty(rec.stmt(), 3, &client) || !int_or_zero(rec.stmt(), 4, &quote) ||
        !int_or_zero(rec.stmt(), 5, &order) || !int_or_zero(rec.stmt(), 6, &exec) ||
        !text_or_empty(rec.stmt(), 7, &cl_ord_id) || !column_text(rec.stmt(), 8, &payload) ||
        !column_text(rec.stmt(), 9, &hash) || static_cast<uint64_t>(seq) != expect) {
      return journal_reject(where + ": record " + std::to_string(expect) + " is missing or malformed");
    }
    ++expect;
    ChainRecord c;
    c.seq = static_cast<uint64_t>(seq);
    c.ts_us = ts;
    c.kind = kind;
    c.client = client;
    c.quote_id = static_cast<uint64_t>(quote);
    c.order_id = static_cast<uint64_t>(order);
    c.exec_id = static_cast<uint64_t>(exec);
    c.cl_ord_id = cl_ord_id;
    c.payload = payload;
    std::string a_owner, a_asset;
    while (acc_rc == SQLITE_ROW && sqlite3_column_int64(acc.stmt(), 0) == seq) {
      int64_t id = 0, purpose = 0;
      if (!column_int(acc.stmt(), 1, &id) || !column_text(acc.stmt(), 2, &a_owner) ||
          !column_text(acc.stmt(), 3, &a_asset) || !column_int(acc.stmt(), 4, &purpose) || c.account) {
        return journal_reject(where + ": malformed account row of record " + std::to_string(seq));
      }
      c.account = ChainAccount{static_cast<uint64_t>(id), a_owner, a_asset, purpose};
      acc_rc = acc.step();
    }
    std::vector<std::string> assets;  // views into these stay valid: reserved, never grown past
    assets.reserve(64);
    while (tr_rc == SQLITE_ROW && sqlite3_column_int64(tr.stmt(), 0) == seq) {
      int64_t id = 0, debit = 0, credit = 0, amount = 0;
      std::string asset;
      if (assets.size() == assets.capacity() || !column_int(tr.stmt(), 1, &id) || !column_int(tr.stmt(), 2, &debit) ||
          !column_int(tr.stmt(), 3, &credit) || !column_text(tr.stmt(), 4, &asset) ||
          !column_int(tr.stmt(), 5, &amount)) {
        return journal_reject(where + ": malformed transfer of record " + std::to_string(seq));
      }
      assets.push_back(std::move(asset));
      c.transfers.push_back(ChainTransfer{static_cast<uint64_t>(id), static_cast<uint64_t>(debit),
                                          static_cast<uint64_t>(credit), assets.back(), amount});
      tr_rc = tr.step();
    }
    std::string t_client, t_cl_ord_id, t_instrument, t_side, t_qty_text, t_price_text;
    while (td_rc == SQLITE_ROW && sqlite3_column_int64(td.stmt(), 0) == seq) {
      int64_t exec_id = 0, order_id = 0, quote_id = 0, qty = 0, price = 0, notional = 0, fee = 0;
      if (c.trade || !column_int(td.stmt(), 1, &exec_id) || !column_int(td.stmt(), 2, &order_id) ||
          !int_or_zero(td.stmt(), 3, &quote_id) || !column_text(td.stmt(), 4, &t_client) ||
          !column_text(td.stmt(), 5, &t_cl_ord_id) || !column_text(td.stmt(), 6, &t_instrument) ||
          !column_text(td.stmt(), 7, &t_side) || !column_int(td.stmt(), 8, &qty) || !column_int(td.stmt(), 9, &price) ||
          !column_text(td.stmt(), 10, &t_qty_text) || !column_text(td.stmt(), 11, &t_price_text) ||
          !column_int(td.stmt(), 12, &notional) || !column_int(td.stmt(), 13, &fee)) {
        return journal_reject(where + ": malformed trade row of record " + std::to_string(seq));
      }
      c.trade = ChainTrade{static_cast<uint64_t>(exec_id), static_cast<uint64_t>(order_id),
                           static_cast<uint64_t>(quote_id), t_client, t_cl_ord_id, t_instrument, t_side, qty, price,
                           t_qty_text, t_price_text, notional, fee};
      td_rc = td.step();
    }
    prev = chain_hash(prev, c, &scratch);
    const std::string computed = to_hex(prev);
    if (computed != hash) {
      return journal_reject(where + ": record " + std::to_string(seq) + " does not match its stored hash (" + hash +
                            ", computed " + computed + "): the journal was changed since it was written; run "
                            "otcctl verify");
    }
    if (static_cast<uint64_t>(seq) == from && !signed_hash.empty() && computed != signed_hash) {
      return journal_reject(where + ": record " + std::to_string(seq) + " does not match the hash its checkpoint signed");
    }
  }
  if (expect != next_seq_) return journal_reject(where + ": the journal changed while it was checked");
  return Ok{};
}

// ---- Reading reports back (delivery after a restart) -----------------------------

Result<std::unique_ptr<SqliteReportReader>> SqliteReportReader::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = "cannot open journal " + path + " to read: " + (db != nullptr ? errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return journal_reject(std::move(detail));
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  std::unique_ptr<SqliteReportReader> r(new SqliteReportReader(db, path));
  const int prc = sqlite3_prepare_v2(
      db,
      "SELECT seq, ts_us, kind, client, quote_id, order_id, exec_id, cl_ord_id, payload FROM journal "
      "WHERE client = ? AND seq > ? AND kind IN (5, 6, 7, 9, 10, 11, 12) ORDER BY seq LIMIT ?",
      -1, &r->query_, nullptr);
  if (prc != SQLITE_OK) return journal_reject("journal " + path + ": prepare report query: " + errmsg(db));
  return r;
}

SqliteReportReader::~SqliteReportReader() {
  sqlite3_finalize(query_);
  sqlite3_close(db_);
}

Status SqliteReportReader::reports_after(const std::string& client, uint64_t after_seq, size_t max,
                                         std::vector<StoredRecord>* out) {
  out->clear();
  const std::string where = "journal " + path_ + ": reports of " + client + " after seq " + std::to_string(after_seq);
  Binder b(query_);
  b.text(client);
  b.id(after_seq);
  b.i64(static_cast<int64_t>(max));
  Status s = b.done("report query", 0, 0);
  if (!s.ok()) return s;
  for (;;) {
    const int rc = sqlite3_step(query_);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      std::string detail = where + ": " + errmsg(db_);
      sqlite3_reset(query_);
      return journal_reject(std::move(detail));
    }
    StoredRecord r;
    int64_t seq = 0, ts = 0, kind = 0, quote = 0, order = 0, exec = 0;
    auto id_col = [&](int col, int64_t* v) {
      return sqlite3_column_type(query_, col) == SQLITE_NULL || column_int(query_, col, v);
    };
    auto text_col = [&](int col, std::string* v) {
      return sqlite3_column_type(query_, col) == SQLITE_NULL || column_text(query_, col, v);
    };
    if (!column_int(query_, 0, &seq) || !column_int(query_, 1, &ts) || !column_int(query_, 2, &kind) ||
        !text_col(3, &r.client) || !id_col(4, &quote) || !id_col(5, &order) || !id_col(6, &exec) ||
        !text_col(7, &r.cl_ord_id) || !column_text(query_, 8, &r.payload) || seq <= 0 || quote < 0 || order < 0 ||
        exec < 0) {
      sqlite3_reset(query_);
      return journal_reject(where + ": malformed row (seq " + std::to_string(seq) + ")");
    }
    r.seq = static_cast<uint64_t>(seq);
    r.ts = TimeUs(ts);
    r.kind = static_cast<RecordKind>(kind);
    r.quote_id = QuoteId(static_cast<uint64_t>(quote));
    r.order_id = OrderId(static_cast<uint64_t>(order));
    r.exec_id = ExecId(static_cast<uint64_t>(exec));
    out->push_back(std::move(r));
  }
  sqlite3_reset(query_);
  return Ok{};
}

}  // namespace otc::ledger
