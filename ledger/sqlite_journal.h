// ledger/sqlite_journal.h: the Journal on an embedded SQLite database.
//
// The only place that includes sqlite3.h. Settings are explicit: journal_mode=WAL,
// synchronous=FULL, foreign_keys=ON. commit() writes every pending record and its
// projection rows (accounts, transfers, trades) in one transaction; a failure halts
// the journal for good (see ledger/journal.h). Schema: ledger/FORMAT.md.
//
// Thread: one writer thread. Other processes may read the file (WAL) at any time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"

struct sqlite3;
struct sqlite3_stmt;

namespace otc::ledger {

inline constexpr int kSchemaVersion = 2;


class SqliteJournal final : public Journal {
 public:
  // Opens or creates the database at `path` and its schema. Refuses a file whose
  // schema version is not kSchemaVersion.
  static Result<std::unique_ptr<SqliteJournal>> open(const std::string& path);
  ~SqliteJournal() override;

  SqliteJournal(const SqliteJournal&) = delete;
  SqliteJournal& operator=(const SqliteJournal&) = delete;

  // Reads back what start-up needs. Call before the first append. Also checks each
  // transfer against its accounts (same asset, distinct accounts) from the SQL side.
  [[nodiscard]] Status load(RecoveredState* out);

  uint64_t append(JournalRecord record) override;
  Status commit() override;
  bool halted() const override { return halted_; }
  size_t pending() const override { return pending_.size(); }

  const std::string& path() const { return path_; }

 private:
  SqliteJournal(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status prepare_statements();
  Status write_pending();
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
  sqlite3_stmt* insert_record_ = nullptr;
  sqlite3_stmt* insert_account_ = nullptr;
  sqlite3_stmt* insert_transfer_ = nullptr;
  sqlite3_stmt* insert_trade_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;     // BEGIN IMMEDIATE
  sqlite3_stmt* commit_ = nullptr;    // COMMIT
  sqlite3_stmt* rollback_ = nullptr;  // ROLLBACK
  std::string halt_reason_;           // the failure that halted the journal
};

}  // namespace otc::ledger
