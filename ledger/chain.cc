#include "ledger/chain.h"

#include <cstring>

namespace otc::ledger {
namespace {

void put_u64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(b, 8);
}
void put_i64(std::string* out, int64_t v) { put_u64(out, static_cast<uint64_t>(v)); }
void put_u32(std::string* out, uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  out->append(b, 4);
}
void put_text(std::string* out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out->append(s.data(), s.size());
}

}  // namespace

Sha256 chain_hash(const Sha256& prev, const ChainRecord& r, std::string* scratch) {
  std::string& b = *scratch;
  b.clear();
  b.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  put_u64(&b, r.seq);
  put_i64(&b, r.ts_us);
  put_i64(&b, r.kind);
  put_text(&b, r.client);
  put_u64(&b, r.quote_id);
  put_u64(&b, r.order_id);
  put_u64(&b, r.exec_id);
  put_text(&b, r.cl_ord_id);
  put_text(&b, r.payload);
  put_u32(&b, static_cast<uint32_t>(r.transfers.size()));
  for (const ChainTransfer& t : r.transfers) {
    put_u64(&b, t.id);
    put_u64(&b, t.debit);
    put_u64(&b, t.credit);
    put_text(&b, t.asset);
    put_i64(&b, t.amount);
  }
  b.push_back(r.account ? 1 : 0);
  if (r.account) {
    put_u64(&b, r.account->id);
    put_text(&b, r.account->owner);
    put_text(&b, r.account->asset);
    put_i64(&b, r.account->purpose);
  }
  b.push_back(r.trade ? 1 : 0);
  if (r.trade) {
    const ChainTrade& t = *r.trade;
    put_u64(&b, t.exec_id);
    put_u64(&b, t.order_id);
    put_u64(&b, t.quote_id);
    put_text(&b, t.client);
    put_text(&b, t.cl_ord_id);
    put_text(&b, t.instrument);
    put_text(&b, t.side);
    put_i64(&b, t.qty);
    put_i64(&b, t.price);
    put_text(&b, t.qty_text);
    put_text(&b, t.price_text);
    put_i64(&b, t.notional);
    put_i64(&b, t.fee);
  }
  thread_local Sha256Hasher hasher;  // one EVP context per thread, not one per record
  hasher.update(b);
  return hasher.finish();
}

std::string checkpoint_message(uint64_t seq, int64_t ts_us, const std::string& hash_hex,
                               const std::string& balances_hex) {
  return "otcgw-checkpoint-v1\n" + std::to_string(seq) + "\n" + std::to_string(ts_us) + "\n" + hash_hex + "\n" +
         balances_hex + "\n";
}

void BalancesDigest::add(uint64_t account_id, int64_t balance) {
  line_ = std::to_string(account_id);
  line_ += ' ';
  line_ += std::to_string(balance);
  line_ += '\n';
  hasher_.update(line_);
}

std::string BalancesDigest::finish_hex() { return to_hex(hasher_.finish()); }

}  // namespace otc::ledger
