// ledger/verify.h: independent verification of a journal file (otcctl verify).
//
// Reads the SQLite journal read-only, in one read transaction (a consistent snapshot
// even while the gateway writes), and checks everything a reviewer relies on:
// the hash chain, the checkpoint signatures, and the ledger invariants.
// See ledger/FORMAT.md ("Hash chain", "Checkpoints", "Verification").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace otc::ledger {

struct VerifyOptions {
  std::string journal_path;
  // The audit public key (64 hex) every checkpoint must be signed by. Required: a key
  // taken from the file itself proves nothing.
  std::string public_key_hex;
  // (seq, hash hex) pairs known from outside (e.g. the gateway's log of checkpoints):
  // the journal must still hold record seq with exactly that hash.
  std::vector<std::pair<uint64_t, std::string>> anchors;
  // Called now and then with (records checked, records in the file): at the start, every
  // 50,000 records and at the end. On the calling thread.
  std::function<void(uint64_t, uint64_t)> progress;
};

struct VerifyReport {
  bool ok = false;
  uint64_t records = 0;      // journal rows checked
  uint64_t checkpoints = 0;  // checkpoints whose signature and balances held
  uint64_t last_checkpoint_seq = 0;
  uint64_t unsigned_tail = 0;  // records after the last checkpoint
  uint64_t transfers = 0;
  uint64_t accounts = 0;
  uint64_t anchors = 0;  // anchors found with their hash
  uint64_t bad_seq = 0;  // the first bad record (0 when none or not record-specific);
                         // for a checkpoint or anchor past the end, its seq
  std::string error;     // the first failure, naming where; "" when ok
};

VerifyReport verify_journal(const VerifyOptions& options);

}  // namespace otc::ledger
