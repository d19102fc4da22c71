#include "common/assert.h"
#include "ledger/journal.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

// Stays on in release builds: ledger invariants (STYLE.md, "Assertions and limits").

namespace otc::ledger {

const char* account_purpose_name(AccountPurpose p) {
  switch (p) {
    case AccountPurpose::kClientAvailable:
      return "client_available";
    case AccountPurpose::kDeskInventory:
      return "desk_inventory";
    case AccountPurpose::kFeeIncome:
      return "fee_income";
    case AccountPurpose::kExternal:
      return "external";
    case AccountPurpose::kClientHeld:
      return "client_held";
  }
  return "unknown";
}

const char* record_kind_name(RecordKind k) {
  switch (k) {
    case RecordKind::kAccountOpened:
      return "account_opened";
    case RecordKind::kDeposit:
      return "deposit";
    case RecordKind::kQuote:
      return "quote";
    case RecordKind::kQuoteRejected:
      return "quote_rejected";
    case RecordKind::kOrderAccepted:
      return "order_accepted";
    case RecordKind::kOrderRejected:
      return "order_rejected";
    case RecordKind::kFill:
      return "fill";
    case RecordKind::kQuoteCanceled:
      return "quote_canceled";
    case RecordKind::kOrderCanceled:
      return "order_canceled";
    case RecordKind::kOrderExpired:
      return "order_expired";
    case RecordKind::kOrderReplaced:
      return "order_replaced";
    case RecordKind::kCancelRejected:
      return "cancel_rejected";
    case RecordKind::kCreditLine:
      return "credit_line";
  }
  return "unknown";
}

uint64_t MemoryJournal::append(JournalRecord record) {
  OTC_ASSERT(!halted_);
  pending_.push_back(std::move(record));
  return next_seq_++;
}

Status MemoryJournal::commit() {
  if (halted_) return make_reject(RejectReason::kJournalHalted, "journal halted by an earlier commit failure");
  if (fail_next_) {
    // Like a rolled-back transaction: the batch is gone and the journal refuses more.
    fail_next_ = false;
    halted_ = true;
    pending_.clear();
    return make_reject(RejectReason::kJournalHalted, "commit failed: injected failure (MemoryJournal)");
  }
  for (JournalRecord& r : pending_) committed_.push_back(std::move(r));
  pending_.clear();
  return Ok{};
}

}  // namespace otc::ledger
