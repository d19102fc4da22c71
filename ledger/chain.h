// ledger/chain.h: the journal's hash chain and signed checkpoints (tamper evidence).
//
// hash(seq) = SHA-256(hash(seq - 1) || encoding(record seq)), hash(0) = 32 zero bytes.
// The encoding covers the journal row and every projection row written with it
// (its account, its transfers, its trade), so changing an amount anywhere changes the
// hash. The writer (sqlite_journal.cc) and the verifier (verify.cc) build the same
// ChainRecord, from memory and from SQL rows; this file is the only encoder.
// Byte layout: ledger/FORMAT.md, "Hash chain".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"

namespace otc::ledger {

struct ChainTransfer {
  uint64_t id = 0;
  uint64_t debit = 0;
  uint64_t credit = 0;
  std::string_view asset;
  int64_t amount = 0;
};

struct ChainAccount {
  uint64_t id = 0;
  std::string_view owner;
  std::string_view asset;
  int64_t purpose = 0;
};

struct ChainTrade {
  uint64_t exec_id = 0;
  uint64_t order_id = 0;
  uint64_t quote_id = 0;  // 0 = NULL
  std::string_view client;
  std::string_view cl_ord_id;
  std::string_view instrument;
  std::string_view side;  // "buy" / "sell"
  int64_t qty = 0;
  int64_t price = 0;
  std::string_view qty_text;
  std::string_view price_text;
  int64_t notional = 0;
  int64_t fee = 0;
};

// One record as stored: NULL text is "", NULL ids are 0.
struct ChainRecord {
  uint64_t seq = 0;
  int64_t ts_us = 0;
  int64_t kind = 0;
  std::string_view client;
  uint64_t quote_id = 0;
  uint64_t order_id = 0;
  uint64_t exec_id = 0;
  std::string_view cl_ord_id;
  std::string_view payload;
  std::vector<ChainTransfer> transfers;
  std::optional<ChainAccount> account;
  std::optional<ChainTrade> trade;
};

// hash(prev || encoding(r)). `scratch` is reused between calls (no allocation when warm).
Sha256 chain_hash(const Sha256& prev, const ChainRecord& r, std::string* scratch);

// What a checkpoint signs (text, so anyone can check it with any Ed25519 tool):
//   "otcgw-checkpoint-v1\n<seq>\n<ts_us>\n<hash hex>\n<balances sha256 hex>\n"
std::string checkpoint_message(uint64_t seq, int64_t ts_us, const std::string& hash_hex,
                               const std::string& balances_hex);

// The canonical text of all balances as of a checkpoint: one line per account in
// ascending id, "<id> <balance>\n" (zero balances included). Its SHA-256 is signed.
class BalancesDigest {
 public:
  void add(uint64_t account_id, int64_t balance);  // REQUIRES: ascending ids
  std::string finish_hex();

 private:
  Sha256Hasher hasher_;
  std::string line_;
};

}  // namespace otc::ledger
