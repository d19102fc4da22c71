// ledger/journal.h: the append-only book of record, as seen by the ledger and engine.
//
// Records are appended by the engine thread and made durable together by commit()
// (one SQLite transaction, WAL, synchronous=FULL in the SQLite implementation). Nothing
// derived from a record may be told to anyone before the commit that holds it returned
// ok. After a failed commit the journal is halted: it refuses every later append and
// commit, so the process never carries on with an unknown state (LevelDB's
// RecordBackgroundError).
//
// Thread: one writer thread (the engine thread) calls append/commit. Readers open the
// database file themselves, read-only.
// Format: ledger/FORMAT.md (schema version 3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/types.h"

namespace otc::ledger {

// Persisted: never renumber.
enum class AccountPurpose : uint8_t {
  kClientAvailable = 1,  // a client's spendable balance; never negative
  kDeskInventory = 2,    // the desk's position; may be negative (short)
  kFeeIncome = 3,        // fees the desk earned
  kExternal = 4,         // the world outside the ledger (deposits come from here); negative
  kClientHeld = 5,       // a client's funds held for its open orders; never negative
};
const char* account_purpose_name(AccountPurpose p);

struct Account {
  AccountId id;
  std::string owner;       // client id, "DESK", "FEES" or "EXTERNAL"
  std::string asset_code;  // "BTC"
  AssetId asset;           // index in the running reference data (not persisted)
  AccountPurpose purpose;
};

// Moves `amount` of `asset` from `debit` to `credit`. Balance(account) =
// sum(credits) - sum(debits), so every transfer keeps each asset netting to zero.
struct Transfer {
  TransferId id;  // assigned by the ledger when posted
  AccountId debit;
  AccountId credit;
  AssetId asset;
  std::string asset_code;
  Amount amount;  // > 0
};

// A trade as the client was told about it (the projection the reviewers query).
struct TradeRow {
  ExecId exec_id;
  OrderId order_id;
  QuoteId quote_id;          // 0 when not a previously-quoted order
  std::string client;
  std::string cl_ord_id;
  std::string instrument;    // "BTC/USD"
  Side side;                 // the client's side
  Qty qty;                   // base minor units
  Price price;               // instrument price units
  std::string qty_text;      // the value as decimal text, normalised (trailing zeros dropped)
  std::string price_text;
  Amount notional;           // quote asset minor units
  Amount fee;                // quote asset minor units
};

// Persisted: never renumber.
enum class RecordKind : uint8_t {
  kAccountOpened = 1,
  kDeposit = 2,
  kQuote = 3,
  kQuoteRejected = 4,
  kOrderAccepted = 5,
  kOrderRejected = 6,
  kFill = 7,
  kQuoteCanceled = 8,
  kOrderCanceled = 9,     // by the client, IOC/FOK remainder, cancel-on-disconnect
  kOrderExpired = 10,     // GTD/Day at its time
  kOrderReplaced = 11,
  kCancelRejected = 12,   // an OrderCancelRequest/ReplaceRequest refused
  kCreditLine = 13,       // a client's credit line in an asset set (from configuration)
};
const char* record_kind_name(RecordKind k);

struct JournalRecord {
  RecordKind kind;
  TimeUs ts;
  // Indexed references (0 / empty when not applicable), for queries and id recovery.
  std::string client;
  QuoteId quote_id;
  OrderId order_id;
  ExecId exec_id;
  std::string cl_ord_id;               // the client's ClOrdID of an order, cancel or replace
  std::string payload;                 // canonical JSON: sorted keys, integers only
  std::vector<Transfer> transfers;     // postings made by this record (hold, fill, release, deposit)
  std::optional<Account> account;      // kAccountOpened
  std::optional<TradeRow> trade;       // kFill
};

// A journal row as read back (without its projection rows): NULL text is "", NULL ids 0.
struct StoredRecord {
  uint64_t seq = 0;
  TimeUs ts;
  RecordKind kind = RecordKind::kAccountOpened;
  std::string client;
  QuoteId quote_id;
  OrderId order_id;
  ExecId exec_id;
  std::string cl_ord_id;
  std::string payload;
};

class Journal {
 public:
  virtual ~Journal() = default;
  // Buffers `record` for the next commit and returns its sequence number (1, 2, ...,
  // never reused). REQUIRES: !halted().
  virtual uint64_t append(JournalRecord record) = 0;
  // Makes every record appended since the last commit durable, atomically. On failure
  // the journal halts and the error says why.
  [[nodiscard]] virtual Status commit() = 0;
  virtual bool halted() const = 0;
  // After a failed commit: whether that batch may have become durable all the same (an
  // fsync failed after the data was written, and could not be undone). Its outcome is
  // known only after a restart, so nothing about it may be told.
  virtual bool in_doubt() const { return false; }
  // Signs what was committed since the last checkpoint, if one is due (see
  // SqliteJournal); journals without checkpoints do nothing.
  [[nodiscard]] virtual Status checkpoint_if_due(TimeUs /*now*/, bool /*force*/) { return Ok{}; }
  // Records appended but not yet committed.
  virtual size_t pending() const = 0;
  // The sequence number of the last record appended (0 when none).
  virtual uint64_t last_seq() const = 0;
};

// Keeps records in memory; commit() can be told to fail (tests of the halt path).
class MemoryJournal final : public Journal {
 public:
  uint64_t append(JournalRecord record) override;
  Status commit() override;
  bool halted() const override { return halted_; }
  size_t pending() const override { return pending_.size(); }
  uint64_t last_seq() const override { return next_seq_ - 1; }

  void fail_next_commit() { fail_next_ = true; }
  const std::vector<JournalRecord>& committed() const { return committed_; }

 private:
  std::vector<JournalRecord> pending_;
  std::vector<JournalRecord> committed_;
  uint64_t next_seq_ = 1;
  bool halted_ = false;
  bool fail_next_ = false;
};

}  // namespace otc::ledger
