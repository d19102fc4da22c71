// ledger/ledger.h: double-entry balances per (owner, asset, purpose).
//
// Thread: owned by the engine thread; not thread-safe.
// Invariants (asserted in release builds too):
//   - every posted transfer has amount > 0, two distinct accounts of its asset;
//   - per asset, the balances of all accounts sum to zero;
//   - a kClientAvailable balance is never below minus its credit line (0 by default);
//   - a kClientHeld balance is never negative.
// A posting is all-or-nothing: either every transfer of it is applied and journaled
// in one record, or none is and the caller gets the precise reason.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "common/types.h"
#include "ledger/journal.h"

namespace otc::ledger {

// Balances restored from a journal at start-up.
struct RestoredAccount {
  Account account;
  Amount balance;
};

// What start-up needs from an existing journal (state rebuilt from the journal alone).
struct RecoveredState {
  uint64_t last_seq = 0;
  std::vector<RestoredAccount> accounts;  // AssetId left 0: the caller maps asset_code
  TransferId last_transfer_id;
  QuoteId last_quote_id;
  OrderId last_order_id;
  ExecId last_exec_id;
  // Every (client, ClOrdID) ever used by an order, cancel or replace, for duplicate detection.
  std::vector<std::pair<std::string, std::string>> cl_ord_ids;
  // The payload of the latest record of every order still open (its "order" snapshot).
  std::vector<std::string> open_orders;
  // Fills of the last two days of the journal: (client, ts, payload), for daily limits.
  struct RecentFill {
    std::string client;
    TimeUs ts;
    std::string payload;
  };
  std::vector<RecentFill> recent_fills;
  // Quotes that may still be live (kind 3 records neither executed nor withdrawn, given
  // within the longest quote life before the last record): (client, ts, payload).
  std::vector<RecentFill> live_quotes;
  // The last journaled credit line (kind 13) of each (client, asset code), minor units.
  std::map<std::pair<std::string, std::string>, int64_t> credit_lines;
};

class Ledger {
 public:
  explicit Ledger(Journal* journal) : journal_(journal) {}

  // Lets the client available account of (owner, asset_code) go down to -limit.
  // Set before restore() and before postings; limit >= 0.
  void set_credit_line(const std::string& owner, const std::string& asset_code, Amount limit);
  Amount credit_line(const std::string& owner, const std::string& asset_code) const;

  // Rebuilds accounts and balances read back from the journal. REQUIRES: no account
  // opened yet; each account's AssetId already mapped from its asset_code. Fails
  // (kJournalHalted, detail names the broken invariant) if the restored balances break
  // an invariant; the ledger is then left empty.
  [[nodiscard]] Status restore(const std::vector<RestoredAccount>& accounts, TransferId last_transfer_id);

  // The account of (owner, asset, purpose), opening (and journaling) it if new.
  // REQUIRES: !journal->halted() when the account is new.
  AccountId open(const std::string& owner, AssetId asset, const std::string& asset_code, AccountPurpose purpose,
                 TimeUs now);
  // Returns AccountId(0) if no such account exists.
  AccountId find(const std::string& owner, const std::string& asset_code, AccountPurpose purpose) const;

  // Would `transfers` apply? Checks amounts, accounts, overflow and non-negative client
  // balances without changing anything.
  [[nodiscard]] Status check(const std::vector<Transfer>& transfers) const;

  // Checks, then applies `transfers` and appends `record` (with the transfers, ids
  // filled in) to the journal. On a reject nothing changes.
  // REQUIRES (asserted, our bugs, never client input): at most kPostingTransfersMax
  // transfers; each amount > 0, id 0, debit != credit, both accounts open and of the
  // transfer's asset; record.transfers empty.
  // Rejects: kInsufficientFunds (a kClientAvailable balance would go below its credit
  // line, or a kClientHeld below zero, after the whole posting), kBalanceOverflow (a balance would leave int64), kJournalHalted.
  [[nodiscard]] Status post(std::vector<Transfer> transfers, JournalRecord record);

  // REQUIRES: `id` is open.
  Amount balance(AccountId id) const;
  // A transfer of `amount` from `debit` to `credit`, its asset taken from the accounts.
  // REQUIRES: both accounts are open and hold the same asset (our bug otherwise).
  Transfer transfer(AccountId debit, AccountId credit, Amount amount) const;
  const Account* account(AccountId id) const;
  std::vector<Account> accounts() const;

  // Sum of all balances of `asset_code`; zero whenever the ledger is consistent.
  int64_t asset_net(const std::string& asset_code) const;

 private:
  struct Entry {
    Account account;
    int64_t balance = 0;
    int64_t credit = 0;  // kClientAvailable: the balance may go down to -credit
  };
  static std::string key(const std::string& owner, const std::string& asset_code, AccountPurpose purpose);

  // Named limit: a fill posts 2-3 transfers, a deposit 1.
  static constexpr size_t kPostingTransfersMax = 64;
  // One account touched by a posting: its summed delta and its balance afterwards.
  struct Delta {
    uint64_t account;
    const Entry* entry;
    int64_t delta;
    int64_t balance_after;
  };
  // The validation shared by check() and post(); fills deltas[0..*count).
  // REQUIRES: `deltas` has room for 2 * kPostingTransfersMax entries.
  Status plan(const std::vector<Transfer>& transfers, Delta* deltas, size_t* count) const;

  Journal* journal_;
  std::unordered_map<uint64_t, Entry> accounts_;
  std::unordered_map<std::string, AccountId> by_key_;
  std::unordered_map<std::string, int64_t> credit_by_key_;  // key of the kClientAvailable account
  uint64_t next_account_id_ = 1;
  uint64_t next_transfer_id_ = 1;
};

}  // namespace otc::ledger
