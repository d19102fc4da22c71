#include "common/assert.h"
#include "ledger/ledger.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <utility>

#include "common/checked.h"

// Stays on in release builds: ledger invariants (STYLE.md, "Assertions and limits").

namespace otc::ledger {
namespace {

// JSON string literal, escaped as nlohmann::json::dump() does (so payloads written here
// and elsewhere agree byte for byte): \" \\ \b \f \n \r \t, other controls as \u00XX,
// everything else (including UTF-8) as is.
void append_json_string(std::string* out, const std::string& s) {
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// Canonical payload of kAccountOpened: sorted keys, no whitespace, integers only.
std::string account_opened_payload(const Account& a) {
  std::string p = "{\"account\":";
  p += std::to_string(a.id.value);
  p += ",\"asset\":";
  append_json_string(&p, a.asset_code);
  p += ",\"owner\":";
  append_json_string(&p, a.owner);
  p += ",\"purpose\":";
  p += std::to_string(static_cast<int>(a.purpose));
  p += ",\"purpose_name\":";
  append_json_string(&p, account_purpose_name(a.purpose));
  p += "}";
  return p;
}

bool valid_purpose(AccountPurpose p) {
  switch (p) {
    case AccountPurpose::kClientAvailable:
    case AccountPurpose::kDeskInventory:
    case AccountPurpose::kFeeIncome:
    case AccountPurpose::kExternal:
    case AccountPurpose::kClientHeld:
      return true;
  }
  return false;
}

std::string account_label(const Account& a) {
  return a.owner + "/" + a.asset_code + "/" + account_purpose_name(a.purpose) + " (account " +
         std::to_string(a.id.value) + ")";
}

}  // namespace

std::string Ledger::key(const std::string& owner, const std::string& asset_code, AccountPurpose purpose) {
  // '\x1f' (unit separator) cannot appear in owner or asset codes from reference data.
  std::string k;
  k.reserve(owner.size() + asset_code.size() + 4);
  k += owner;
  k += '\x1f';
  k += asset_code;
  k += '\x1f';
  k += static_cast<char>('0' + static_cast<int>(purpose));
  return k;
}

Status Ledger::restore(const std::vector<RestoredAccount>& restored, TransferId last_transfer_id) {
  OTC_ASSERT(accounts_.empty());
  OTC_ASSERT(by_key_.empty());
  OTC_ASSERT(next_account_id_ == 1);
  OTC_ASSERT(next_transfer_id_ == 1);

  // Built aside and swapped in at the end, so a refused restore leaves the ledger empty.
  std::unordered_map<uint64_t, Entry> accounts;
  std::unordered_map<std::string, AccountId> by_key;
  accounts.reserve(restored.size());
  by_key.reserve(restored.size());
  std::map<std::string, __int128> net_by_asset;  // exact: no overflow while summing
  uint64_t max_id = 0;

  auto refuse = [](std::string what) {
    return make_reject(RejectReason::kJournalHalted, "restore refused: " + std::move(what));
  };

  for (const RestoredAccount& r : restored) {
    const Account& a = r.account;
    if (a.id.value == 0) return refuse("account id 0");
    if (a.owner.empty() || a.asset_code.empty()) {
      return refuse("account " + std::to_string(a.id.value) + " has an empty owner or asset");
    }
    if (!valid_purpose(a.purpose)) {
      return refuse("account " + std::to_string(a.id.value) + " has unknown purpose " +
                    std::to_string(static_cast<int>(a.purpose)));
    }
    if (a.purpose == AccountPurpose::kClientAvailable && r.balance.value < -credit_line(a.owner, a.asset_code).value) {
      return refuse("client available balance is below its credit line: " + account_label(a) + " has " +
                    std::to_string(r.balance.value) + ", credit line " +
                    std::to_string(credit_line(a.owner, a.asset_code).value));
    }
    if (a.purpose == AccountPurpose::kClientHeld && r.balance.value < 0) {
      return refuse("client held balance is negative: " + account_label(a) + " has " + std::to_string(r.balance.value));
    }
    const std::string k = key(a.owner, a.asset_code, a.purpose);
    if (!by_key.emplace(k, a.id).second) return refuse("duplicate account " + account_label(a));
    Entry e;
    e.account = a;
    e.balance = r.balance.value;
    if (a.purpose == AccountPurpose::kClientAvailable) e.credit = credit_line(a.owner, a.asset_code).value;
    if (!accounts.emplace(a.id.value, std::move(e)).second) {
      return refuse("duplicate account id " + std::to_string(a.id.value));
    }
    net_by_asset[a.asset_code] += r.balance.value;
    max_id = std::max(max_id, a.id.value);
  }
  for (const auto& [asset_code, net] : net_by_asset) {
    if (net != 0) {
      // __int128 has no to_string; the net of a broken journal is reported if it fits.
      const std::string net_text = (net >= INT64_MIN && net <= INT64_MAX)
                                       ? std::to_string(static_cast<int64_t>(net))
                                       : std::string(net > 0 ? "> int64 max" : "< int64 min");
      return refuse("balances of " + asset_code + " do not net to zero (net " + net_text + ")");
    }
  }
  if (max_id == UINT64_MAX || last_transfer_id.value == UINT64_MAX) return refuse("ids exhausted");

  accounts_ = std::move(accounts);
  by_key_ = std::move(by_key);
  next_account_id_ = max_id + 1;
  next_transfer_id_ = last_transfer_id.value + 1;
  return Ok{};
}

AccountId Ledger::open(const std::string& owner, AssetId asset, const std::string& asset_code,
                       AccountPurpose purpose, TimeUs now) {
  OTC_ASSERT(!owner.empty());
  OTC_ASSERT(!asset_code.empty());
  OTC_ASSERT(valid_purpose(purpose));
  std::string k = key(owner, asset_code, purpose);
  if (const auto it = by_key_.find(k); it != by_key_.end()) {
    const auto existing = accounts_.find(it->second.value);
    OTC_ASSERT(existing != accounts_.end());
    OTC_ASSERT(existing->second.account.asset == asset);  // one asset code, one AssetId
    return it->second;
  }
  OTC_ASSERT(!journal_->halted());

  Account a;
  a.id = AccountId(next_account_id_++);
  a.owner = owner;
  a.asset_code = asset_code;
  a.asset = asset;
  a.purpose = purpose;

  JournalRecord record;
  record.kind = RecordKind::kAccountOpened;
  record.ts = now;
  record.payload = account_opened_payload(a);
  record.account = a;

  Entry e;
  if (purpose == AccountPurpose::kClientAvailable) e.credit = credit_line(owner, asset_code).value;
  e.account = std::move(a);
  const AccountId id = e.account.id;
  const bool inserted = accounts_.emplace(id.value, std::move(e)).second;
  OTC_ASSERT(inserted);
  by_key_.emplace(std::move(k), id);
  journal_->append(std::move(record));
  return id;
}

void Ledger::set_credit_line(const std::string& owner, const std::string& asset_code, Amount limit) {
  OTC_ASSERT(limit.value >= 0);
  const std::string k = key(owner, asset_code, AccountPurpose::kClientAvailable);
  credit_by_key_[k] = limit.value;
  if (const auto it = by_key_.find(k); it != by_key_.end()) accounts_.at(it->second.value).credit = limit.value;
}

Amount Ledger::credit_line(const std::string& owner, const std::string& asset_code) const {
  const auto it = credit_by_key_.find(key(owner, asset_code, AccountPurpose::kClientAvailable));
  return Amount(it == credit_by_key_.end() ? 0 : it->second);
}

AccountId Ledger::find(const std::string& owner, const std::string& asset_code, AccountPurpose purpose) const {
  const auto it = by_key_.find(key(owner, asset_code, purpose));
  return it == by_key_.end() ? AccountId(0) : it->second;
}

Status Ledger::plan(const std::vector<Transfer>& transfers, Delta* deltas, size_t* count) const {
  OTC_ASSERT(transfers.size() <= kPostingTransfersMax);
  size_t n = 0;

  // Returns the slot of `id` in deltas, adding it on first sight.
  auto slot = [&](AccountId id) -> Delta& {
    for (size_t i = 0; i < n; ++i) {
      if (deltas[i].account == id.value) return deltas[i];
    }
    const auto it = accounts_.find(id.value);
    OTC_ASSERT(it != accounts_.end());  // unknown account: our bug
    OTC_ASSERT(n < 2 * kPostingTransfersMax);
    deltas[n] = Delta{id.value, &it->second, 0, 0};
    return deltas[n++];
  };

  int64_t posting_net = 0;  // sum of all deltas; zero by construction
  for (const Transfer& t : transfers) {
    OTC_ASSERT(t.id.value == 0);
    OTC_ASSERT(t.amount.value > 0);
    OTC_ASSERT(t.debit != t.credit);
    Delta& debit = slot(t.debit);
    Delta& credit = slot(t.credit);
    OTC_ASSERT(debit.entry->account.asset == t.asset);
    OTC_ASSERT(credit.entry->account.asset == t.asset);
    OTC_ASSERT(debit.entry->account.asset_code == t.asset_code);
    OTC_ASSERT(credit.entry->account.asset_code == t.asset_code);
    if (!checked_sub(debit.delta, t.amount.value, &debit.delta)) {
      return make_reject(RejectReason::kBalanceOverflow,
                         "posting moves more than int64 out of " + account_label(debit.entry->account));
    }
    if (!checked_add(credit.delta, t.amount.value, &credit.delta)) {
      return make_reject(RejectReason::kBalanceOverflow,
                         "posting moves more than int64 into " + account_label(credit.entry->account));
    }
  }

  for (size_t i = 0; i < n; ++i) {
    Delta& d = deltas[i];
    const Account& a = d.entry->account;
    if (!checked_add(d.entry->balance, d.delta, &d.balance_after)) {
      return make_reject(RejectReason::kBalanceOverflow, "balance of " + account_label(a) +
                                                             " would overflow int64: balance " +
                                                             std::to_string(d.entry->balance) + ", change " +
                                                             std::to_string(d.delta));
    }
    const int64_t floor = a.purpose == AccountPurpose::kClientAvailable ? -d.entry->credit
                          : a.purpose == AccountPurpose::kClientHeld      ? 0
                                                                          : INT64_MIN;
    if (d.balance_after < floor) {
      // needed = net outflow of this posting (> available here, so > 0).
      return make_reject(RejectReason::kInsufficientFunds,
                         "insufficient " + a.asset_code + " for " + a.owner + ": needed " +
                             std::to_string(static_cast<uint64_t>(0) - static_cast<uint64_t>(d.delta)) +
                             ", available " + std::to_string(d.entry->balance) +
                             (d.entry->credit > 0 ? " plus credit line " + std::to_string(d.entry->credit) : "") +
                             (a.purpose == AccountPurpose::kClientHeld ? " held" : "") + " (minor units)");
    }
    // Every delta is bounded by the transfers' sums, which did not overflow above, but
    // their total may in theory: wrapping arithmetic keeps the zero-sum check exact.
    posting_net = static_cast<int64_t>(static_cast<uint64_t>(posting_net) + static_cast<uint64_t>(d.delta));
  }
  OTC_ASSERT(posting_net == 0);  // a posting balances
  *count = n;
  return Ok{};
}

Status Ledger::check(const std::vector<Transfer>& transfers) const {
  Delta deltas[2 * kPostingTransfersMax];
  size_t n = 0;
  return plan(transfers, deltas, &n);
}

Status Ledger::post(std::vector<Transfer> transfers, JournalRecord record) {
  OTC_ASSERT(record.transfers.empty());
  if (journal_->halted()) return make_reject(RejectReason::kJournalHalted, "journal halted: posting refused");

  Delta deltas[2 * kPostingTransfersMax];
  size_t n = 0;
  Status s = plan(transfers, deltas, &n);
  if (!s.ok()) return s;

  for (size_t i = 0; i < n; ++i) {
    // The entry is owned by accounts_ (non-const here); plan() only saw it through const.
    auto it = accounts_.find(deltas[i].account);
    OTC_ASSERT(it != accounts_.end());
    it->second.balance = deltas[i].balance_after;
  }
  OTC_ASSERT(next_transfer_id_ <= UINT64_MAX - transfers.size());
  for (Transfer& t : transfers) t.id = TransferId(next_transfer_id_++);
  record.transfers = std::move(transfers);
  journal_->append(std::move(record));
  return Ok{};
}

Transfer Ledger::transfer(AccountId debit, AccountId credit, Amount amount) const {
  const Account* d = account(debit);
  const Account* c = account(credit);
  OTC_ASSERT(d != nullptr && c != nullptr);
  OTC_ASSERT(d->asset_code == c->asset_code);
  Transfer t;
  t.debit = debit;
  t.credit = credit;
  t.asset = d->asset;
  t.asset_code = d->asset_code;
  t.amount = amount;
  return t;
}

Amount Ledger::balance(AccountId id) const {
  const auto it = accounts_.find(id.value);
  OTC_ASSERT(it != accounts_.end());
  return Amount(it->second.balance);
}

const Account* Ledger::account(AccountId id) const {
  const auto it = accounts_.find(id.value);
  return it == accounts_.end() ? nullptr : &it->second.account;
}

std::vector<Account> Ledger::accounts() const {
  std::vector<Account> out;
  out.reserve(accounts_.size());
  for (const auto& [id, e] : accounts_) out.push_back(e.account);
  std::sort(out.begin(), out.end(), [](const Account& a, const Account& b) { return a.id < b.id; });
  return out;
}

int64_t Ledger::asset_net(const std::string& asset_code) const {
  __int128 net = 0;  // exact even for an inconsistent ledger
  for (const auto& [id, e] : accounts_) {
    if (e.account.asset_code == asset_code) net += e.balance;
  }
  // Saturate: an out-of-range net is still visibly non-zero.
  if (net > INT64_MAX) return INT64_MAX;
  if (net < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(net);
}

}  // namespace otc::ledger
