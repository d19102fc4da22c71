// ledger/sqlite_journal.h: the Journal on an embedded SQLite database.
//
// The writer (and the report reader). Settings are explicit: journal_mode=WAL,
// synchronous=FULL, foreign_keys=ON. commit() writes every pending record and its
// projection rows (accounts, transfers, trades) in one transaction; a failure halts
// the journal for good (see ledger/journal.h). Schema: ledger/FORMAT.md.
//
// Thread: one writer thread. Other processes may read the file (WAL) at any time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"

struct sqlite3;
struct sqlite3_stmt;

namespace otc::ledger {

inline constexpr int kSchemaVersion = 3;

class BalancesDigest;

// When and with what key commits add a signed checkpoint (ledger/FORMAT.md).
struct CheckpointPolicy {
  uint64_t every_records = 1000;     // at most this many records unsigned (or one batch, if larger)
  int64_t every_us = 5'000'000;      // nor older than this (checkpoint_if_due on a timer)
  const Ed25519Key* key = nullptr;   // the audit key; must outlive the journal
  // Adds every account's balance, ascending id, as of the last record appended (the
  // engine's ledger). Called on the writer thread inside commit.
  std::function<void(BalancesDigest*)> balances;
};

class SqliteJournal final : public Journal {
 public:
  // Opens or creates the database at `path` and its schema. Refuses a file whose
  // schema version is not kSchemaVersion. `vfs`: a registered SQLite VFS name (tests
  // inject I/O failures through one); "" = the default.
  static Result<std::unique_ptr<SqliteJournal>> open(const std::string& path, const std::string& vfs = "");
  ~SqliteJournal() override;

  SqliteJournal(const SqliteJournal&) = delete;
  SqliteJournal& operator=(const SqliteJournal&) = delete;

  // At start-up, before anything is appended: the last checkpoint's signature holds with
  // `public_key_hex`, and every record from it to the end still matches its hash (so a
  // record changed while the gateway was stopped is never signed over by a later
  // checkpoint). At most checkpoint_every_records records: cheap. The full check of
  // everything is otcctl verify.
  [[nodiscard]] Status check_tail(const std::string& public_key_hex);

  // Reads back what start-up needs. Call before the first append. Also checks each
  // transfer against its accounts (same asset, distinct accounts) from the SQL side.
  [[nodiscard]] Status load(RecoveredState* out);

  uint64_t append(JournalRecord record) override;
  Status commit() override;
  // Signs the records committed since the last checkpoint when there are any and the
  // last checkpoint is older than every_us (or `force`, at shutdown). Own transaction.
  Status checkpoint_if_due(TimeUs now, bool force) override;
  // Turns checkpoints on. Call before the first commit.
  void set_checkpoints(CheckpointPolicy policy);
  bool halted() const override { return halted_; }
  bool in_doubt() const override { return in_doubt_; }
  size_t pending() const override { return pending_.size(); }
  uint64_t last_seq() const override { return next_seq_ - 1; }

  const std::string& path() const { return path_; }

 private:
  SqliteJournal(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status prepare_statements();
  Status write_pending();
  Status write_checkpoint(uint64_t seq, TimeUs ts);
  Status fail(const std::string& what);
  Status init();                                        // PRAGMAs, schema, next_seq_
  // One step expecting SQLITE_DONE, then reset. On error the detail is "<what> <id> (seq
  // <seq>): <errmsg>" (id, seq left out when 0), built only then: commit() is hot.
  Status step_done(sqlite3_stmt* stmt, const char* what, uint64_t id = 0, uint64_t seq = 0);

  sqlite3* db_;
  std::string path_;
  std::vector<JournalRecord> pending_;
  std::vector<uint64_t> pending_seq_;
  uint64_t next_seq_ = 1;
  bool halted_ = false;
  bool in_doubt_ = false;             // the failed batch may be durable after all (see fail())
  int last_errcode_ = 0;              // extended SQLite code of the last failed step
  sqlite3_stmt* insert_record_ = nullptr;
  sqlite3_stmt* insert_account_ = nullptr;
  sqlite3_stmt* insert_transfer_ = nullptr;
  sqlite3_stmt* insert_trade_ = nullptr;
  sqlite3_stmt* insert_checkpoint_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;     // BEGIN IMMEDIATE
  sqlite3_stmt* commit_ = nullptr;    // COMMIT
  sqlite3_stmt* rollback_ = nullptr;  // ROLLBACK
  std::string halt_reason_;           // the failure that halted the journal
  Sha256 last_hash_{};                // hash of the last committed record (zeros: none)
  Sha256 batch_hash_{};               // the chain while a commit writes
  std::string scratch_;               // chain encoding buffer
  CheckpointPolicy checkpoints_;
  uint64_t checkpoint_seq_ = 0;       // last record a checkpoint signed
  TimeUs checkpoint_ts_{0};
};

// Reads committed reports back from the journal file, read-only, for delivery to a
// client that missed them (a crash between commit and send, or a session logged out).
// Thread: one thread per reader; any number of readers beside the writer (WAL).
class SqliteReportReader {
 public:
  static Result<std::unique_ptr<SqliteReportReader>> open(const std::string& path);
  ~SqliteReportReader();
  SqliteReportReader(const SqliteReportReader&) = delete;
  SqliteReportReader& operator=(const SqliteReportReader&) = delete;

  // The records of `client` after `after_seq` that are reports to it (kinds 5, 6, 7, 9,
  // 10, 11, 12), ascending seq, at most `max`.
  [[nodiscard]] Status reports_after(const std::string& client, uint64_t after_seq, size_t max,
                                     std::vector<StoredRecord>* out);

 private:
  SqliteReportReader(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  sqlite3_stmt* query_ = nullptr;
};

}  // namespace otc::ledger
