// ledger/verify.cc: independent verification of a journal file (ledger/verify.h).
//
// One pass in one read transaction: `journal` in seq order, and beside it one cursor
// each on `accounts`, `transfers`, `trades` and `checkpoints`, all ordered by seq and
// advanced in step (a merge walk: no query per record, so a million records take
// seconds). Memory holds the accounts (balances, credit lines), never the records.
//
// Every value is read with its SQLite type checked first: a NULL or a text where a
// number belongs is reported, never coerced. The first failure stops the walk and
// names the record (VerifyReport::error, ::bad_seq).
//
// The hash chain's encoding and the checkpoint message come from ledger/chain.h (the
// writer's own encoder); nothing here re-encodes a record.
#include "ledger/verify.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/checked.h"
#include "common/crypto.h"
#include "ledger/chain.h"
#include "ledger/journal.h"
#include "ledger/sqlite_journal.h"

namespace otc::ledger {
namespace {

constexpr int kBusyTimeoutMs = 5000;
// The format these checks are written for: a new schema version needs a look here first.
static_assert(kSchemaVersion == 3);
constexpr const char* kSchemaVersionText = "3";
constexpr uint64_t kProgressEveryRecords = 50'000;
constexpr int64_t kRecordKindMin = 1;
constexpr int64_t kRecordKindMax = 13;
static_assert(static_cast<int64_t>(RecordKind::kCreditLine) == kRecordKindMax);
constexpr int64_t kPurposeMin = 1;
constexpr int64_t kPurposeMax = 5;
static_assert(static_cast<int64_t>(AccountPurpose::kClientHeld) == kPurposeMax);
// The writer's Ledger posts at most 64 transfers per record (Ledger::kPostingTransfersMax);
// a record with more was not written by it. Bounds the per-record buffers.
constexpr size_t kRecordTransfersMax = 64;

const char* type_name(int t) {
  switch (t) {
    case SQLITE_INTEGER:
      return "an integer";
    case SQLITE_FLOAT:
      return "a real";
    case SQLITE_TEXT:
      return "text";
    case SQLITE_BLOB:
      return "a blob";
    case SQLITE_NULL:
      return "NULL";
  }
  return "of unknown type";
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Column readers: "" when the value is of the expected type (and stored in *out), else
// what is wrong, starting with the column's name. Never coerce.
std::string read_int(sqlite3_stmt* s, int col, const char* name, int64_t* out) {
  const int t = sqlite3_column_type(s, col);
  if (t != SQLITE_INTEGER) return std::string(name) + " is " + type_name(t) + ", not an integer";
  *out = sqlite3_column_int64(s, col);
  return {};
}

// An id of ours: a counter from 1. `nullable`: NULL reads as 0 ("none"). A stored 0 or
// a negative number is refused: the chain encodes NULL as 0, so a 0 could replace a NULL
// without changing any hash.
std::string read_id(sqlite3_stmt* s, int col, const char* name, bool nullable, uint64_t* out) {
  const int t = sqlite3_column_type(s, col);
  if (t == SQLITE_NULL && nullable) {
    *out = 0;
    return {};
  }
  if (t != SQLITE_INTEGER) return std::string(name) + " is " + type_name(t) + ", not an integer";
  const int64_t v = sqlite3_column_int64(s, col);
  if (v <= 0) {
    return std::string(name) + " is " + std::to_string(v) + ": ids are counters from 1" +
           (nullable ? " (none is stored as NULL)" : "");
  }
  *out = static_cast<uint64_t>(v);
  return {};
}

// TEXT. `nullable`: NULL reads as "" (then an empty text is refused: the writer stores
// none as NULL, and the chain encodes both alike).
std::string read_text(sqlite3_stmt* s, int col, const char* name, bool nullable, std::string* out) {
  const int t = sqlite3_column_type(s, col);
  if (t == SQLITE_NULL && nullable) {
    out->clear();
    return {};
  }
  if (t != SQLITE_TEXT) return std::string(name) + " is " + type_name(t) + ", not text";
  const unsigned char* p = sqlite3_column_text(s, col);
  if (p == nullptr) return std::string(name) + ": out of memory reading it";
  out->assign(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s, col)));
  if (nullable && out->empty()) return std::string(name) + " is empty text (none is stored as NULL)";
  return {};
}

// One table read in seq order, positioned on its current row (or past the end).
struct Cursor {
  const char* table = "";
  sqlite3_stmt* stmt = nullptr;
  bool row = false;  // positioned on a row
  int64_t seq = 0;   // that row's seq (its record)
  int seq_col = 0;
};

struct TransferRow {
  uint64_t id = 0;
  uint64_t debit = 0;
  uint64_t credit = 0;
  std::string asset;
  int64_t amount = 0;
  int64_t ts_us = 0;
};

struct AccountRow {
  uint64_t id = 0;
  std::string owner;
  std::string asset;
  int64_t purpose = 0;
  std::string purpose_name;
};

struct TradeRowText {
  uint64_t exec_id = 0;
  uint64_t order_id = 0;
  uint64_t quote_id = 0;
  std::string client, cl_ord_id, instrument, side, qty_text, price_text;
  int64_t qty = 0, price = 0, notional = 0, fee = 0, ts_us = 0;
};

struct RecordRow {
  uint64_t seq = 0;
  int64_t ts_us = 0;
  int64_t kind = 0;
  std::string kind_name;
  std::string client;
  uint64_t quote_id = 0, order_id = 0, exec_id = 0;
  std::string cl_ord_id;
  std::string payload;
  std::string hash;
};

struct AccountState {
  uint64_t id = 0;
  std::string owner;
  std::string asset;
  int64_t purpose = 0;
  int64_t balance = 0;
  int64_t credit = 0;  // client_available: the balance may go down to -credit (kind 13)
};

// Kinds that may move money (ledger/FORMAT.md, record kinds table).
bool kind_posts(int64_t kind) {
  switch (static_cast<RecordKind>(kind)) {
    case RecordKind::kDeposit:
    case RecordKind::kOrderAccepted:
    case RecordKind::kFill:
    case RecordKind::kOrderCanceled:
    case RecordKind::kOrderExpired:
    case RecordKind::kOrderReplaced:
      return true;
    default:
      return false;
  }
}

std::string credit_key(std::string_view client, std::string_view asset) {
  std::string k;
  k.reserve(client.size() + asset.size() + 1);
  k.append(client);
  k.push_back('\x1f');  // unit separator: not part of client ids or asset codes
  k.append(asset);
  return k;
}

class Verifier {
 public:
  Verifier(const VerifyOptions& options, VerifyReport* report) : options_(options), report_(report) {}
  ~Verifier() {
    for (Cursor* c : {&journal_, &accounts_, &transfers_, &trades_, &checkpoints_}) sqlite3_finalize(c->stmt);
    if (db_ != nullptr) sqlite3_close_v2(db_);  // ends the read transaction if still open
  }
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  void run() {
    if (check_options() && open() && read_meta() && prepare() && walk() && finish()) report_->ok = true;
  }

 private:
  // Records the first failure; returns false so callers can `return fail(...)`.
  bool fail(uint64_t seq, std::string what) {
    if (report_->error.empty()) {
      report_->error = std::move(what);
      report_->bad_seq = seq;
    }
    return false;
  }
  std::string record_label() const {
    std::string l = "record " + std::to_string(rec_.seq) + " (";
    if (rec_.kind >= kRecordKindMin && rec_.kind <= kRecordKindMax) {
      l += record_kind_name(static_cast<RecordKind>(rec_.kind));
    } else {
      l += "kind " + std::to_string(rec_.kind);
    }
    return l + ")";
  }
  bool fail_record(const std::string& what) { return fail(rec_.seq, record_label() + ": " + what); }
  std::string where() const { return "journal " + options_.journal_path; }
  std::string sql_error() const { return db_ != nullptr ? sqlite3_errmsg(db_) : "no database"; }

  bool check_options() {
    key_hex_ = options_.public_key_hex;
    std::transform(key_hex_.begin(), key_hex_.end(), key_hex_.begin(),
                   [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c; });
    if (key_hex_.empty())
      return fail(0, "no audit public key given: a key read from the journal itself proves nothing");
    if (!is_hex64(key_hex_)) {
      return fail(0, "the audit public key must be 64 hex characters (an Ed25519 public key), got '" +
                         options_.public_key_hex + "'");
    }
    anchors_ = options_.anchors;
    for (const auto& [seq, hash] : anchors_) {
      if (seq == 0) return fail(0, "anchor 0:" + hash + ": records start at 1");
      if (!is_hex64(hash)) return fail(0, "anchor " + std::to_string(seq) + ": '" + hash + "' is not 64 lowercase hex");
    }
    std::sort(anchors_.begin(), anchors_.end());
    return true;
  }

  bool open() {
    const std::string& path = options_.journal_path;
    if (path.empty()) return fail(0, "no journal path given");
    // SQLITE_OPEN_READONLY never creates a file, but says only "unable to open database
    // file": say what is wrong first.
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return fail(0, "cannot open journal " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) return fail(0, "cannot open journal " + path + ": not a regular file");
    // NOMUTEX: this connection is used by this thread only (saves a lock per API call).
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      return fail(0, "cannot open journal " + path + ": " + (db_ != nullptr ? sql_error() : sqlite3_errstr(rc)));
    }
    // The gateway may hold a write lock for a moment (a checkpoint of the WAL, recovery).
    const int brc = sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    if (brc != SQLITE_OK) return fail(0, where() + ": busy_timeout: " + sqlite3_errstr(brc));
    // Everything below reads one snapshot: the transaction starts at the first read.
    char* err = nullptr;
    if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sql_error();
      sqlite3_free(err);
      return fail(0, where() + ": begin read transaction: " + msg);
    }
    return true;
  }

  bool read_meta() {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", -1,
                                &s, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(s);
      return fail(0, where() + " is not an otcgw journal: " + sql_error());
    }
    rc = sqlite3_step(s);
    const bool has_meta = rc == SQLITE_ROW && sqlite3_column_int64(s, 0) == 1;
    std::string step_error = rc == SQLITE_ROW ? "" : sql_error();
    sqlite3_finalize(s);
    if (!step_error.empty()) return fail(0, where() + " is not an otcgw journal: " + step_error);
    if (!has_meta) return fail(0, where() + " is not an otcgw journal (no meta table)");

    s = nullptr;
    rc = sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &s, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(s);
      return fail(0, where() + ": read schema_version: " + sql_error());
    }
    rc = sqlite3_step(s);
    std::string version;
    std::string problem;
    if (rc == SQLITE_DONE) {
      problem = "meta has no schema_version";
    } else if (rc != SQLITE_ROW) {
      problem = "read schema_version: " + sql_error();
    } else {
      problem = read_text(s, 0, "meta.schema_version", false, &version);
    }
    sqlite3_finalize(s);
    if (!problem.empty()) return fail(0, where() + ": " + problem);
    if (version != kSchemaVersionText) {
      std::string msg =
          where() + " has schema version " + version + "; verify reads only version " + kSchemaVersionText;
      if (version == "1" || version == "2")
        msg += " (version " + version + " predates the hash chain: there is nothing to verify)";
      return fail(0, msg);
    }

    s = nullptr;
    rc = sqlite3_prepare_v2(db_, "SELECT count(*) FROM journal", -1, &s, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
      const std::string msg = sql_error();
      sqlite3_finalize(s);
      return fail(0, where() + ": count records: " + msg);
    }
    total_ = static_cast<uint64_t>(std::max<int64_t>(0, sqlite3_column_int64(s, 0)));
    sqlite3_finalize(s);
    return true;
  }

  bool prepare() {
    struct Spec {
      Cursor* cursor;
      const char* table;
      int seq_col;
      const char* sql;
    };
    const Spec specs[] = {
        {&journal_, "journal", 0,
         "SELECT seq, ts_us, kind, kind_name, client, quote_id, order_id, exec_id, cl_ord_id, payload, hash "
         "FROM journal ORDER BY seq"},
        {&accounts_, "accounts", 5,
         "SELECT id, owner, asset, purpose, purpose_name, seq FROM accounts ORDER BY seq, id"},
        {&transfers_, "transfers", 1,
         "SELECT id, seq, debit_account, credit_account, asset, amount, ts_us FROM transfers ORDER BY seq, id"},
        {&trades_, "trades", 1,
         "SELECT exec_id, seq, order_id, quote_id, client, cl_ord_id, instrument, side, qty, price, qty_text, "
         "price_text, notional, fee, ts_us FROM trades ORDER BY seq, exec_id"},
        {&checkpoints_, "checkpoints", 0,
         "SELECT seq, ts_us, hash, balances_sha256, public_key, signature FROM checkpoints ORDER BY seq"},
    };
    for (const Spec& spec : specs) {
      spec.cursor->table = spec.table;
      spec.cursor->seq_col = spec.seq_col;
      if (sqlite3_prepare_v2(db_, spec.sql, -1, &spec.cursor->stmt, nullptr) != SQLITE_OK) {
        return fail(0, where() + ": read " + spec.table + ": " + sql_error());
      }
    }
    // The side tables start on their first row; the journal is stepped by walk().
    for (Cursor* c : {&accounts_, &transfers_, &trades_, &checkpoints_}) {
      if (!advance(c)) return false;
    }
    return true;
  }

  // Steps `c` to its next row and reads that row's seq.
  bool advance(Cursor* c) {
    const int rc = sqlite3_step(c->stmt);
    if (rc == SQLITE_DONE) {
      c->row = false;
      return true;
    }
    if (rc != SQLITE_ROW) return fail(0, where() + ": read " + c->table + ": " + sql_error());
    c->row = true;
    const std::string problem = read_int(c->stmt, c->seq_col, "seq", &c->seq);
    if (!problem.empty()) {
      // Name the row by its key (id, exec_id) where that is readable.
      std::string row = std::string(c->table) + " row";
      if (c != &checkpoints_ && sqlite3_column_type(c->stmt, 0) == SQLITE_INTEGER) {
        row += " " + std::to_string(sqlite3_column_int64(c->stmt, 0));
      }
      return fail(0, row + ": " + problem);
    }
    return true;
  }

  // A side-table row whose seq is below the record being read belongs to no record
  // (every earlier record took its rows already): seq 0 or negative.
  bool orphans_before(Cursor* c, uint64_t seq) {
    if (c->row && c->seq < static_cast<int64_t>(seq)) {
      return fail(c->seq > 0 ? static_cast<uint64_t>(c->seq) : 0, orphan_text(c, /*at_end=*/false));
    }
    return true;
  }
  std::string orphan_text(Cursor* c, bool at_end) const {
    std::string what;
    if (c == &accounts_) {
      what = "account " + std::to_string(sqlite3_column_int64(c->stmt, 0));
    } else if (c == &transfers_) {
      what = "transfer " + std::to_string(sqlite3_column_int64(c->stmt, 0));
    } else if (c == &trades_) {
      what = "trade exec_id " + std::to_string(sqlite3_column_int64(c->stmt, 0));
    } else {
      what = "checkpoint";
    }
    what += " points at record " + std::to_string(c->seq) + ", which is not in the journal";
    if (at_end) what += " (it ends at record " + std::to_string(last_seq_) + ")";
    return what;
  }

  bool read_record() {
    sqlite3_stmt* s = journal_.stmt;
    int64_t seq = 0;
    std::string p = read_int(s, 0, "seq", &seq);
    if (!p.empty()) return fail(last_seq_ + 1, "the record after record " + std::to_string(last_seq_) + ": " + p);
    if (seq != static_cast<int64_t>(last_seq_ + 1)) {
      if (seq > static_cast<int64_t>(last_seq_ + 1)) {
        return fail(last_seq_ + 1,
                    "record " + std::to_string(last_seq_ + 1) + " is missing: " +
                        (last_seq_ == 0 ? std::string("the journal starts at record ")
                                        : "after record " + std::to_string(last_seq_) + " comes record ") +
                        std::to_string(seq) + " (seq must run 1, 2, ... without gaps)");
      }
      return fail(last_seq_ + 1, "record seq " + std::to_string(seq) + " after record " + std::to_string(last_seq_) +
                                     " (seq must run 1, 2, ... without gaps)");
    }
    rec_.seq = static_cast<uint64_t>(seq);
    rec_.kind = 0;
    if (p.empty()) p = read_int(s, 2, "kind", &rec_.kind);
    if (p.empty()) p = read_int(s, 1, "ts_us", &rec_.ts_us);
    if (p.empty()) p = read_text(s, 3, "kind_name", false, &rec_.kind_name);
    if (p.empty()) p = read_text(s, 4, "client", true, &rec_.client);
    if (p.empty()) p = read_id(s, 5, "quote_id", true, &rec_.quote_id);
    if (p.empty()) p = read_id(s, 6, "order_id", true, &rec_.order_id);
    if (p.empty()) p = read_id(s, 7, "exec_id", true, &rec_.exec_id);
    if (p.empty()) p = read_text(s, 8, "cl_ord_id", true, &rec_.cl_ord_id);
    if (p.empty()) p = read_text(s, 9, "payload", false, &rec_.payload);
    if (p.empty()) p = read_text(s, 10, "hash", false, &rec_.hash);
    if (!p.empty()) return fail_record(p);
    if (rec_.kind < kRecordKindMin || rec_.kind > kRecordKindMax) {
      return fail_record("unknown kind " + std::to_string(rec_.kind) + " (known: 1.." + std::to_string(kRecordKindMax) +
                         ")");
    }
    const char* expected = record_kind_name(static_cast<RecordKind>(rec_.kind));
    if (rec_.kind_name != expected) {
      return fail_record("kind_name is '" + rec_.kind_name + "', kind " + std::to_string(rec_.kind) + " is '" +
                         expected + "'");
    }
    return true;
  }

  bool read_account() {
    sqlite3_stmt* s = accounts_.stmt;
    std::string p = read_id(s, 0, "accounts.id", false, &account_.id);
    if (p.empty()) p = read_text(s, 1, "accounts.owner", false, &account_.owner);
    if (p.empty()) p = read_text(s, 2, "accounts.asset", false, &account_.asset);
    if (p.empty()) p = read_int(s, 3, "accounts.purpose", &account_.purpose);
    if (p.empty()) p = read_text(s, 4, "accounts.purpose_name", false, &account_.purpose_name);
    if (!p.empty()) return fail_record("account row: " + p);
    return true;
  }

  bool read_transfer(TransferRow* t) {
    sqlite3_stmt* s = transfers_.stmt;
    std::string p = read_id(s, 0, "id", false, &t->id);
    if (p.empty()) p = read_id(s, 2, "debit_account", false, &t->debit);
    if (p.empty()) p = read_id(s, 3, "credit_account", false, &t->credit);
    if (p.empty()) p = read_text(s, 4, "asset", false, &t->asset);
    if (p.empty()) p = read_int(s, 5, "amount", &t->amount);
    if (p.empty()) p = read_int(s, 6, "ts_us", &t->ts_us);
    if (!p.empty()) return fail_record("transfer " + std::to_string(sqlite3_column_int64(s, 0)) + ": " + p);
    return true;
  }

  bool read_trade() {
    sqlite3_stmt* s = trades_.stmt;
    TradeRowText& t = trade_;
    std::string p = read_id(s, 0, "trades.exec_id", false, &t.exec_id);
    if (p.empty()) p = read_id(s, 2, "trades.order_id", false, &t.order_id);
    if (p.empty()) p = read_id(s, 3, "trades.quote_id", true, &t.quote_id);
    if (p.empty()) p = read_text(s, 4, "trades.client", false, &t.client);
    if (p.empty()) p = read_text(s, 5, "trades.cl_ord_id", false, &t.cl_ord_id);
    if (p.empty()) p = read_text(s, 6, "trades.instrument", false, &t.instrument);
    if (p.empty()) p = read_text(s, 7, "trades.side", false, &t.side);
    if (p.empty()) p = read_int(s, 8, "trades.qty", &t.qty);
    if (p.empty()) p = read_int(s, 9, "trades.price", &t.price);
    if (p.empty()) p = read_text(s, 10, "trades.qty_text", false, &t.qty_text);
    if (p.empty()) p = read_text(s, 11, "trades.price_text", false, &t.price_text);
    if (p.empty()) p = read_int(s, 12, "trades.notional", &t.notional);
    if (p.empty()) p = read_int(s, 13, "trades.fee", &t.fee);
    if (p.empty()) p = read_int(s, 14, "trades.ts_us", &t.ts_us);
    if (!p.empty()) return fail_record("trade row: " + p);
    if (t.side != "buy" && t.side != "sell") return fail_record("trade row: side is '" + t.side + "', not buy or sell");
    return true;
  }

  // Reads record rec_.seq's rows from the side tables into account_/transfers_buf_/trade_.
  bool read_rows(bool* has_account, size_t* n_transfers, bool* has_trade) {
    const int64_t seq = static_cast<int64_t>(rec_.seq);
    *has_account = false;
    *n_transfers = 0;
    *has_trade = false;
    if (!orphans_before(&accounts_, rec_.seq) || !orphans_before(&transfers_, rec_.seq) ||
        !orphans_before(&trades_, rec_.seq)) {
      return false;
    }
    if (accounts_.row && accounts_.seq == seq) {
      if (!read_account() || !advance(&accounts_)) return false;
      *has_account = true;
      if (accounts_.row && accounts_.seq == seq) return fail_record("two accounts rows (one record opens one account)");
    }
    while (transfers_.row && transfers_.seq == seq) {
      if (*n_transfers == kRecordTransfersMax) {
        return fail_record("more than " + std::to_string(kRecordTransfersMax) + " transfers");
      }
      if (transfers_buf_.size() == *n_transfers) transfers_buf_.emplace_back();
      if (!read_transfer(&transfers_buf_[*n_transfers]) || !advance(&transfers_)) return false;
      ++*n_transfers;
    }
    if (trades_.row && trades_.seq == seq) {
      if (!read_trade() || !advance(&trades_)) return false;
      *has_trade = true;
      if (trades_.row && trades_.seq == seq) return fail_record("two trades rows (a fill has one)");
    }
    return true;
  }

  // The columns that repeat the record's own, and which rows a kind may carry.
  bool check_shape(bool has_account, size_t n_transfers, bool has_trade) {
    const auto kind = static_cast<RecordKind>(rec_.kind);
    if ((kind == RecordKind::kAccountOpened) != has_account) {
      return fail_record(has_account ? "has an accounts row but is not account_opened" : "has no accounts row");
    }
    if (has_trade && kind != RecordKind::kFill) return fail_record("has a trades row but is not a fill");
    if (!has_trade && kind == RecordKind::kFill) return fail_record("has no trades row");
    if (n_transfers > 0 && !kind_posts(rec_.kind)) {
      return fail_record("has " + std::to_string(n_transfers) + " transfers, but its kind moves no money");
    }
    for (size_t i = 0; i < n_transfers; ++i) {
      const TransferRow& t = transfers_buf_[i];
      if (t.ts_us != rec_.ts_us) {
        return fail_record("transfer " + std::to_string(t.id) + ": ts_us " + std::to_string(t.ts_us) +
                           " differs from the record's " + std::to_string(rec_.ts_us));
      }
    }
    if (has_trade && trade_.ts_us != rec_.ts_us) {
      return fail_record("trade exec_id " + std::to_string(trade_.exec_id) + ": ts_us " + std::to_string(trade_.ts_us) +
                         " differs from the record's " + std::to_string(rec_.ts_us));
    }
    if (has_account) {
      if (account_.purpose < kPurposeMin || account_.purpose > kPurposeMax) {
        return fail_record("account " + std::to_string(account_.id) + ": unknown purpose " +
                           std::to_string(account_.purpose));
      }
      const char* name = account_purpose_name(static_cast<AccountPurpose>(account_.purpose));
      if (account_.purpose_name != name) {
        return fail_record("account " + std::to_string(account_.id) + ": purpose_name is '" + account_.purpose_name +
                           "', purpose " + std::to_string(account_.purpose) + " is '" + name + "'");
      }
    }
    return true;
  }

  bool check_hash(bool has_account, size_t n_transfers, bool has_trade) {
    chain_.seq = rec_.seq;
    chain_.ts_us = rec_.ts_us;
    chain_.kind = rec_.kind;
    chain_.client = rec_.client;
    chain_.quote_id = rec_.quote_id;
    chain_.order_id = rec_.order_id;
    chain_.exec_id = rec_.exec_id;
    chain_.cl_ord_id = rec_.cl_ord_id;
    chain_.payload = rec_.payload;
    chain_.transfers.clear();
    for (size_t i = 0; i < n_transfers; ++i) {
      const TransferRow& t = transfers_buf_[i];
      chain_.transfers.push_back(ChainTransfer{t.id, t.debit, t.credit, t.asset, t.amount});
    }
    chain_.account.reset();
    if (has_account) chain_.account = ChainAccount{account_.id, account_.owner, account_.asset, account_.purpose};
    chain_.trade.reset();
    if (has_trade) {
      const TradeRowText& t = trade_;
      chain_.trade = ChainTrade{t.exec_id, t.order_id, t.quote_id, t.client,     t.cl_ord_id, t.instrument, t.side,
                                t.qty,     t.price,    t.qty_text, t.price_text, t.notional,  t.fee};
    }
    hash_ = chain_hash(hash_, chain_, &scratch_);
    hash_hex_ = to_hex(hash_);
    if (hash_hex_ != rec_.hash) {
      if (!is_hex64(rec_.hash)) return fail_record("hash '" + rec_.hash + "' is not 64 lowercase hex characters");
      return fail_record("hash mismatch: stored " + rec_.hash + ", computed " + hash_hex_);
    }
    return true;
  }

  static std::string account_text(const AccountState& a) {
    return a.owner + "/" + a.asset + "/" +
           (a.purpose >= kPurposeMin && a.purpose <= kPurposeMax
                ? account_purpose_name(static_cast<AccountPurpose>(a.purpose))
                : "?") +
           " (account " + std::to_string(a.id) + ")";
  }

  bool open_account() {
    if (accounts_by_id_.count(account_.id) != 0) {
      return fail_record("opens account " + std::to_string(account_.id) + " again");
    }
    std::string unique = account_.owner + '\x1f' + account_.asset + '\x1f' + std::to_string(account_.purpose);
    if (!account_keys_.insert(std::move(unique)).second) {
      return fail_record("opens a second " + account_.owner + "/" + account_.asset + "/" + account_.purpose_name +
                         " account (" + std::to_string(account_.id) + ")");
    }
    AccountState a;
    a.id = account_.id;
    a.owner = account_.owner;
    a.asset = account_.asset;
    a.purpose = account_.purpose;
    AccountState& stored = accounts_by_id_.emplace(account_.id, std::move(a)).first->second;
    if (account_.purpose == static_cast<int64_t>(AccountPurpose::kClientAvailable)) {
      std::string k = credit_key(account_.owner, account_.asset);
      if (const auto it = credit_lines_.find(k); it != credit_lines_.end()) stored.credit = it->second;
      available_by_key_.emplace(std::move(k), &stored);
    }
    ++report_->accounts;
    return true;
  }

  // Kind 13: {"amount":N,"asset":"…","client":"…"}, amount >= 0 minor units.
  bool apply_credit_line() {
    const nlohmann::json j = nlohmann::json::parse(rec_.payload, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return fail_record("payload is not a JSON object");
    const auto amount = j.find("amount");
    const auto asset = j.find("asset");
    const auto client = j.find("client");
    if (amount == j.end() || !amount->is_number_integer()) return fail_record("payload: amount is not an integer");
    if (asset == j.end() || !asset->is_string()) return fail_record("payload: asset is not a string");
    if (client == j.end() || !client->is_string()) return fail_record("payload: client is not a string");
    int64_t limit = 0;
    if (amount->is_number_unsigned()) {
      const uint64_t u = amount->get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX))
        return fail_record("payload: amount " + std::to_string(u) + " exceeds int64");
      limit = static_cast<int64_t>(u);
    } else {
      limit = amount->get<int64_t>();
    }
    if (limit < 0) return fail_record("payload: credit line amount " + std::to_string(limit) + " is negative");
    const std::string& asset_code = asset->get_ref<const std::string&>();
    const std::string& client_id = client->get_ref<const std::string&>();
    if (asset_code.empty() || client_id.empty()) return fail_record("payload: empty client or asset");
    if (client_id != rec_.client) {
      return fail_record("payload client '" + client_id + "' differs from the record's client '" + rec_.client + "'");
    }
    std::string k = credit_key(client_id, asset_code);
    if (const auto it = available_by_key_.find(k); it != available_by_key_.end()) {
      // A lowered line applies to the balance the account already has: checked after the record.
      it->second->credit = limit;
      touched_.push_back(Touched{it->second, 0});
    }
    credit_lines_[std::move(k)] = limit;
    return true;
  }

  bool apply_transfers(size_t n_transfers) {
    for (size_t i = 0; i < n_transfers; ++i) {
      const TransferRow& t = transfers_buf_[i];
      const auto name = [&t] { return "transfer " + std::to_string(t.id); };  // built only on failure
      if (t.id <= last_transfer_id_) {
        return fail_record(name() + ": ids must increase (the previous transfer is " +
                           std::to_string(last_transfer_id_) + ")");
      }
      last_transfer_id_ = t.id;
      if (t.amount <= 0) return fail_record(name() + ": amount " + std::to_string(t.amount) + " is not positive");
      if (t.debit == t.credit) {
        return fail_record(name() + ": debits and credits the same account " + std::to_string(t.debit));
      }
      for (const auto& [side, id] : {std::pair<const char*, uint64_t>{"debit", t.debit}, {"credit", t.credit}}) {
        const auto it = accounts_by_id_.find(id);
        if (it == accounts_by_id_.end()) {
          return fail_record(name() + ": " + side + " account " + std::to_string(id) +
                             " does not exist (not opened at or before this record)");
        }
        if (it->second.asset != t.asset) {
          return fail_record(name() + " moves " + t.asset + ", but its " + side + " account " +
                             account_text(it->second) + " holds " + it->second.asset);
        }
        const int64_t delta = side[0] == 'd' ? -t.amount : t.amount;  // amount > 0: no overflow negating
        Touched* slot = nullptr;
        for (Touched& x : touched_) {
          if (x.account == &it->second) slot = &x;
        }
        if (slot == nullptr) {
          touched_.push_back(Touched{&it->second, 0});
          slot = &touched_.back();
        }
        if (!checked_add(slot->delta, delta, &slot->delta)) {
          return fail_record(name() + ": the record moves more than int64 through " + account_text(it->second));
        }
      }
      ++report_->transfers;
    }
    for (Touched& x : touched_) {
      int64_t after = 0;
      if (!checked_add(x.account->balance, x.delta, &after)) {
        return fail_record("balance of " + account_text(*x.account) +
                           " overflows int64: " + std::to_string(x.account->balance) + " + " + std::to_string(x.delta));
      }
      x.account->balance = after;
    }
    return true;
  }

  // After the record: no client available balance below minus its credit line, no held
  // balance negative, among the accounts it touched.
  bool check_client_balances() {
    for (const Touched& x : touched_) {
      const AccountState& a = *x.account;
      if (a.purpose == static_cast<int64_t>(AccountPurpose::kClientAvailable) && a.balance < -a.credit) {
        return fail_record("balance of " + account_text(a) + " is " + std::to_string(a.balance) +
                           (a.credit == 0 ? ", negative without a credit line"
                                          : ", below minus its credit line (" + std::to_string(a.credit) + ")"));
      }
      if (a.purpose == static_cast<int64_t>(AccountPurpose::kClientHeld) && a.balance < 0) {
        return fail_record("balance of " + account_text(a) + " is " + std::to_string(a.balance) +
                           ", negative (held funds never are)");
      }
    }
    return true;
  }

  // The checkpoint at the current record, if there is one.
  bool check_checkpoint() {
    if (!orphans_before(&checkpoints_, rec_.seq)) return false;
    if (!checkpoints_.row || checkpoints_.seq != static_cast<int64_t>(rec_.seq)) return true;
    sqlite3_stmt* s = checkpoints_.stmt;
    int64_t ts_us = 0;
    std::string hash, balances, key, signature;
    std::string p = read_int(s, 1, "ts_us", &ts_us);
    if (p.empty()) p = read_text(s, 2, "hash", false, &hash);
    if (p.empty()) p = read_text(s, 3, "balances_sha256", false, &balances);
    if (p.empty()) p = read_text(s, 4, "public_key", false, &key);
    if (p.empty()) p = read_text(s, 5, "signature", false, &signature);
    const std::string label = record_label() + ": checkpoint: ";
    if (!p.empty()) return fail(rec_.seq, label + p);
    const std::string since = last_checkpoint_seq_ == 0 ? "1" : std::to_string(last_checkpoint_seq_ + 1);
    if (hash != hash_hex_) {
      return fail(rec_.seq, label + "signed hash " + hash + ", but the chain computes " + hash_hex_ + ": records " +
                                since + ".." + std::to_string(rec_.seq) + " were changed after it was signed");
    }
    if (key != key_hex_) {
      return fail(rec_.seq, label + "signed by key " + key + ", not by the audit key " + key_hex_);
    }
    if (!is_hex64(balances))
      return fail(rec_.seq, label + "balances_sha256 '" + balances + "' is not 64 lowercase hex");
    if (!ed25519_verify(key_hex_, checkpoint_message(rec_.seq, ts_us, hash, balances), signature)) {
      return fail(rec_.seq, label + "the signature does not verify with the audit key " + key_hex_);
    }
    BalancesDigest digest;
    for (const auto& [id, a] : accounts_by_id_) digest.add(id, a.balance);
    const std::string computed = digest.finish_hex();
    if (computed != balances) {
      return fail(rec_.seq, label + "signed balances_sha256 " + balances + ", but the transfers give " + computed +
                                " (the gateway's ledger disagreed with its journal)");
    }
    ++report_->checkpoints;
    last_checkpoint_seq_ = rec_.seq;
    return advance(&checkpoints_);
  }

  bool check_anchor() {
    while (anchor_next_ < anchors_.size() && anchors_[anchor_next_].first == rec_.seq) {
      const std::string& want = anchors_[anchor_next_].second;
      if (want != hash_hex_) {
        return fail_record("anchor mismatch: expected hash " + want + ", the journal has " + hash_hex_);
      }
      ++report_->anchors;
      ++anchor_next_;
    }
    return true;
  }

  bool walk() {
    if (options_.progress) options_.progress(0, total_);
    for (;;) {
      const int rc = sqlite3_step(journal_.stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return fail(last_seq_ + 1, where() + ": read journal: " + sql_error());
      if (!read_record()) return false;
      bool has_account = false;
      bool has_trade = false;
      size_t n_transfers = 0;
      if (!read_rows(&has_account, &n_transfers, &has_trade)) return false;
      if (!check_shape(has_account, n_transfers, has_trade)) return false;
      if (!check_hash(has_account, n_transfers, has_trade)) return false;
      touched_.clear();
      if (has_account && !open_account()) return false;
      if (rec_.kind == static_cast<int64_t>(RecordKind::kCreditLine) && !apply_credit_line()) return false;
      if (!apply_transfers(n_transfers)) return false;
      if (!check_client_balances()) return false;
      last_seq_ = rec_.seq;
      report_->records = last_seq_;
      if (!check_checkpoint()) return false;
      if (!check_anchor()) return false;
      if (options_.progress && last_seq_ % kProgressEveryRecords == 0) options_.progress(last_seq_, total_);
    }
    if (options_.progress) options_.progress(last_seq_, std::max(total_, last_seq_));
    return true;
  }

  bool finish() {
    for (Cursor* c : {&accounts_, &transfers_, &trades_}) {
      if (c->row) return fail(c->seq > 0 ? static_cast<uint64_t>(c->seq) : 0, orphan_text(c, /*at_end=*/true));
    }
    if (checkpoints_.row) {
      return fail(static_cast<uint64_t>(checkpoints_.seq), "checkpoint at record " + std::to_string(checkpoints_.seq) +
                                                               " has no record: the journal ends at record " +
                                                               std::to_string(last_seq_) +
                                                               " (records were cut off after it was signed)");
    }
    if (anchor_next_ < anchors_.size()) {
      const auto& [seq, hash] = anchors_[anchor_next_];
      return fail(seq, "anchor " + std::to_string(seq) + ":" + hash + ": the journal has no record " +
                           std::to_string(seq) + ", it ends at record " + std::to_string(last_seq_) +
                           " (records were cut off)");
    }
    std::map<std::string, __int128> net;  // exact: no overflow while summing
    for (const auto& [id, a] : accounts_by_id_) net[a.asset] += a.balance;
    for (const auto& [asset, n] : net) {
      if (n != 0) {
        const std::string text = (n >= INT64_MIN && n <= INT64_MAX)
                                     ? std::to_string(static_cast<int64_t>(n))
                                     : std::string(n > 0 ? "> int64 max" : "< int64 min");
        return fail(0, "balances of " + asset + " do not net to zero (net " + text + ")");
      }
    }
    report_->last_checkpoint_seq = last_checkpoint_seq_;
    report_->unsigned_tail = last_seq_ - last_checkpoint_seq_;
    char* err = nullptr;
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sql_error();
      sqlite3_free(err);
      return fail(0, where() + ": end read transaction: " + msg);
    }
    return true;
  }

  // An account the current record changed (std::map nodes do not move: stable pointer).
  struct Touched {
    AccountState* account;
    int64_t delta;
  };

  const VerifyOptions& options_;
  VerifyReport* report_;
  std::string key_hex_;
  std::vector<std::pair<uint64_t, std::string>> anchors_;  // sorted by seq
  size_t anchor_next_ = 0;
  sqlite3* db_ = nullptr;
  Cursor journal_, accounts_, transfers_, trades_, checkpoints_;
  uint64_t total_ = 0;     // records in the snapshot (for progress)
  uint64_t last_seq_ = 0;  // last record checked
  uint64_t last_checkpoint_seq_ = 0;
  uint64_t last_transfer_id_ = 0;
  Sha256 hash_{};  // the chain up to last_seq_ (zeros: none yet)
  std::string hash_hex_;
  std::string scratch_;
  // The record being checked and its rows (buffers reused from record to record).
  RecordRow rec_;
  AccountRow account_;
  std::vector<TransferRow> transfers_buf_;
  TradeRowText trade_;
  ChainRecord chain_;
  std::vector<Touched> touched_;
  // Accounts opened so far, ascending id (checkpoints digest them in this order).
  std::map<uint64_t, AccountState> accounts_by_id_;
  std::unordered_set<std::string> account_keys_;                     // owner, asset, purpose
  std::unordered_map<std::string, AccountState*> available_by_key_;  // credit_key -> client_available
  std::unordered_map<std::string, int64_t> credit_lines_;            // credit_key -> line (kind 13)
};

}  // namespace

VerifyReport verify_journal(const VerifyOptions& options) {
  VerifyReport report;
  {
    Verifier v(options, &report);
    v.run();
  }
  if (!report.ok && report.error.empty()) report.error = "verification failed without a reason (a bug in verify)";
  return report;
}

}  // namespace otc::ledger
