// tests/ledger/ledger_test.cc: the ledger on the in-memory journal (no files, no SQLite).
#include "ledger/ledger.h"

#define CATCH_CONFIG_ENABLE_PAIR_STRINGMAKER  // readable failures of balance maps
#include <catch2/catch.hpp>

#include "tests/catch_printers.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/reject.h"
#include "ledger/journal.h"


namespace otc::ledger {
namespace {

constexpr TimeUs kNow{1'700'000'000'000'000};
constexpr AssetId kUsd{1};
constexpr AssetId kBtc{2};
constexpr AssetId kEth{3};

const char* code_of(AssetId a) {
  if (a == kUsd) return "USD";
  if (a == kBtc) return "BTC";
  return "ETH";
}

// A ledger on a MemoryJournal with helpers to open accounts and build transfers.
struct Book {
  MemoryJournal journal;
  Ledger ledger{&journal};

  AccountId open(const std::string& owner, AssetId asset, AccountPurpose purpose) {
    return ledger.open(owner, asset, code_of(asset), purpose, kNow);
  }
  AccountId client(const std::string& owner, AssetId asset) {
    return open(owner, asset, AccountPurpose::kClientAvailable);
  }
  AccountId desk(AssetId asset) { return open("DESK", asset, AccountPurpose::kDeskInventory); }
  AccountId fees(AssetId asset) { return open("FEES", asset, AccountPurpose::kFeeIncome); }
  AccountId external(AssetId asset) { return open("EXTERNAL", asset, AccountPurpose::kExternal); }

  Transfer transfer(AccountId debit, AccountId credit, int64_t amount) const {
    return ledger.transfer(debit, credit, Amount(amount));
  }

  static JournalRecord record(RecordKind kind, const std::string& client) {
    JournalRecord r;
    r.kind = kind;
    r.ts = kNow;
    r.client = client;
    r.payload = "{}";
    return r;
  }

  Status deposit(AccountId to, int64_t amount) {
    const Account* a = ledger.account(to);
    REQUIRE(a != nullptr);
    return ledger.post({transfer(external(a->asset), to, amount)}, record(RecordKind::kDeposit, a->owner));
  }

  int64_t balance(AccountId id) const { return ledger.balance(id).value; }

  std::map<uint64_t, int64_t> balances() const {
    std::map<uint64_t, int64_t> out;
    for (const Account& a : ledger.accounts()) out[a.id.value] = ledger.balance(a.id).value;
    return out;
  }
};

// --- names --------------------------------------------------------------------------

TEST_CASE("account purposes and record kinds have stable snake_case names", "[ledger]") {
  CHECK(std::string(account_purpose_name(AccountPurpose::kClientAvailable)) == "client_available");
  CHECK(std::string(account_purpose_name(AccountPurpose::kDeskInventory)) == "desk_inventory");
  CHECK(std::string(account_purpose_name(AccountPurpose::kFeeIncome)) == "fee_income");
  CHECK(std::string(account_purpose_name(AccountPurpose::kExternal)) == "external");
  CHECK(std::string(account_purpose_name(AccountPurpose::kClientHeld)) == "client_held");
  // Persisted numbers (accounts.purpose, journal.kind): never renumbered.
  STATIC_REQUIRE(static_cast<int>(AccountPurpose::kClientHeld) == 5);
  STATIC_REQUIRE(static_cast<int>(RecordKind::kOrderCanceled) == 9);
  STATIC_REQUIRE(static_cast<int>(RecordKind::kOrderExpired) == 10);
  STATIC_REQUIRE(static_cast<int>(RecordKind::kOrderReplaced) == 11);
  STATIC_REQUIRE(static_cast<int>(RecordKind::kCancelRejected) == 12);
  CHECK(std::string(record_kind_name(RecordKind::kAccountOpened)) == "account_opened");
  CHECK(std::string(record_kind_name(RecordKind::kDeposit)) == "deposit");
  CHECK(std::string(record_kind_name(RecordKind::kQuote)) == "quote");
  CHECK(std::string(record_kind_name(RecordKind::kQuoteRejected)) == "quote_rejected");
  CHECK(std::string(record_kind_name(RecordKind::kOrderAccepted)) == "order_accepted");
  CHECK(std::string(record_kind_name(RecordKind::kOrderRejected)) == "order_rejected");
  CHECK(std::string(record_kind_name(RecordKind::kFill)) == "fill");
  CHECK(std::string(record_kind_name(RecordKind::kQuoteCanceled)) == "quote_canceled");
  CHECK(std::string(record_kind_name(RecordKind::kOrderCanceled)) == "order_canceled");
  CHECK(std::string(record_kind_name(RecordKind::kOrderExpired)) == "order_expired");
  CHECK(std::string(record_kind_name(RecordKind::kOrderReplaced)) == "order_replaced");
  CHECK(std::string(record_kind_name(RecordKind::kCancelRejected)) == "cancel_rejected");
}

// --- MemoryJournal ------------------------------------------------------------------

TEST_CASE("MemoryJournal numbers records from 1 and commits them in order", "[ledger][journal]") {
  MemoryJournal j;
  CHECK(j.append(Book::record(RecordKind::kQuote, "a")) == 1);
  CHECK(j.append(Book::record(RecordKind::kQuote, "b")) == 2);
  CHECK(j.pending() == 2);
  CHECK(j.committed().empty());
  REQUIRE(j.commit().ok());
  CHECK(j.pending() == 0);
  REQUIRE(j.committed().size() == 2);
  CHECK(j.committed()[0].client == "a");
  CHECK(j.committed()[1].client == "b");
  CHECK(j.append(Book::record(RecordKind::kQuote, "c")) == 3);
  REQUIRE(j.commit().ok());
  CHECK(j.committed().size() == 3);
  REQUIRE(j.commit().ok());  // nothing pending: still fine
  CHECK(!j.halted());
}

TEST_CASE("MemoryJournal: a failed commit halts for good", "[ledger][journal]") {
  MemoryJournal j;
  j.append(Book::record(RecordKind::kQuote, "a"));
  REQUIRE(j.commit().ok());
  j.append(Book::record(RecordKind::kQuote, "b"));
  j.fail_next_commit();
  const Status s = j.commit();
  REQUIRE(!s.ok());
  CHECK(s.reject().reason == RejectReason::kJournalHalted);
  CHECK(j.halted());
  CHECK(j.pending() == 0);
  CHECK(j.committed().size() == 1);  // the failed batch is not committed
  const Status again = j.commit();
  REQUIRE(!again.ok());
  CHECK(again.reject().reason == RejectReason::kJournalHalted);
}

// --- opening accounts ---------------------------------------------------------------

TEST_CASE("opening an account journals it once", "[ledger]") {
  Book b;
  const AccountId alice = b.client("alice", kUsd);
  CHECK(alice.value == 1);
  CHECK(b.journal.pending() == 1);
  CHECK(b.client("alice", kUsd) == alice);  // same key: same account, nothing journaled
  CHECK(b.journal.pending() == 1);
  const AccountId desk = b.desk(kUsd);
  CHECK(desk.value == 2);
  const AccountId alice_btc = b.client("alice", kBtc);
  CHECK(alice_btc.value == 3);
  CHECK(b.journal.pending() == 3);

  CHECK(b.ledger.find("alice", "USD", AccountPurpose::kClientAvailable) == alice);
  CHECK(b.ledger.find("alice", "USD", AccountPurpose::kDeskInventory).value == 0);
  CHECK(b.ledger.find("bob", "USD", AccountPurpose::kClientAvailable).value == 0);
  CHECK(b.balance(alice) == 0);

  REQUIRE(b.journal.commit().ok());
  const JournalRecord& r = b.journal.committed().at(0);
  CHECK(r.kind == RecordKind::kAccountOpened);
  CHECK(r.ts == kNow);
  CHECK(r.transfers.empty());
  REQUIRE(r.account.has_value());
  CHECK(r.account->id == alice);
  CHECK(r.account->owner == "alice");
  CHECK(r.account->asset_code == "USD");
  CHECK(r.account->asset == kUsd);
  CHECK(r.account->purpose == AccountPurpose::kClientAvailable);
  CHECK(r.payload == R"({"account":1,"asset":"USD","owner":"alice","purpose":1,"purpose_name":"client_available"})");

  const std::vector<Account> all = b.ledger.accounts();
  REQUIRE(all.size() == 3);
  CHECK(all[0].id.value == 1);
  CHECK(all[1].id.value == 2);
  CHECK(all[2].id.value == 3);
}

TEST_CASE("account payloads escape JSON strings", "[ledger]") {
  Book b;
  b.ledger.open("we\"ird\\\n", kUsd, "USD", AccountPurpose::kExternal, kNow);
  REQUIRE(b.journal.commit().ok());
  CHECK(b.journal.committed().at(0).payload ==
        R"({"account":1,"asset":"USD","owner":"we\"ird\\\n","purpose":4,"purpose_name":"external"})");
}

// --- postings -----------------------------------------------------------------------

TEST_CASE("a deposit posts one balanced transfer and journals it", "[ledger]") {
  Book b;
  const AccountId alice = b.client("alice", kUsd);
  const AccountId ext = b.external(kUsd);
  REQUIRE(b.journal.commit().ok());

  REQUIRE(b.deposit(alice, 1000).ok());
  CHECK(b.balance(alice) == 1000);
  CHECK(b.balance(ext) == -1000);
  CHECK(b.ledger.asset_net("USD") == 0);
  CHECK(b.ledger.asset_net("BTC") == 0);
  REQUIRE(b.journal.pending() == 1);

  REQUIRE(b.journal.commit().ok());
  const JournalRecord& r = b.journal.committed().back();
  CHECK(r.kind == RecordKind::kDeposit);
  CHECK(r.client == "alice");
  REQUIRE(r.transfers.size() == 1);
  CHECK(r.transfers[0].id.value == 1);
  CHECK(r.transfers[0].debit == ext);
  CHECK(r.transfers[0].credit == alice);
  CHECK(r.transfers[0].amount.value == 1000);
  CHECK(r.transfers[0].asset_code == "USD");
}

TEST_CASE("transfer ids are sequential across postings", "[ledger]") {
  Book b;
  const AccountId alice_usd = b.client("alice", kUsd);
  const AccountId alice_btc = b.client("alice", kBtc);
  const AccountId desk_usd = b.desk(kUsd);
  const AccountId desk_btc = b.desk(kBtc);
  const AccountId fees_usd = b.fees(kUsd);
  REQUIRE(b.deposit(alice_usd, 10'000).ok());  // transfer 1
  REQUIRE(b.ledger
              .post({b.transfer(alice_usd, desk_usd, 5'000), b.transfer(alice_usd, fees_usd, 5),
                     b.transfer(desk_btc, alice_btc, 7)},
                    Book::record(RecordKind::kFill, "alice"))
              .ok());  // transfers 2, 3, 4
  REQUIRE(b.deposit(alice_usd, 1).ok());  // transfer 5
  REQUIRE(b.journal.commit().ok());
  std::vector<uint64_t> ids;
  for (const JournalRecord& r : b.journal.committed()) {
    for (const Transfer& t : r.transfers) ids.push_back(t.id.value);
  }
  CHECK(ids == std::vector<uint64_t>{1, 2, 3, 4, 5});
  CHECK(b.balance(alice_usd) == 10'000 - 5'000 - 5 + 1);
  CHECK(b.balance(desk_btc) == -7);  // the desk may go short
  CHECK(b.balance(alice_btc) == 7);
}

TEST_CASE("insufficient funds rejects and changes nothing", "[ledger]") {
  Book b;
  const AccountId alice = b.client("alice", kUsd);
  const AccountId desk = b.desk(kUsd);
  REQUIRE(b.deposit(alice, 100).ok());
  const auto before = b.balances();
  const size_t pending_before = b.journal.pending();

  const std::vector<Transfer> too_much = {b.transfer(alice, desk, 101)};
  const Status checked = b.ledger.check(too_much);
  REQUIRE(!checked.ok());
  CHECK(checked.reject().reason == RejectReason::kInsufficientFunds);

  const Status s = b.ledger.post(too_much, Book::record(RecordKind::kFill, "alice"));
  REQUIRE(!s.ok());
  CHECK(s.reject().reason == RejectReason::kInsufficientFunds);
  const std::string& detail = s.reject().detail;
  CAPTURE(detail);
  CHECK(detail.find("alice") != std::string::npos);
  CHECK(detail.find("USD") != std::string::npos);
  CHECK(detail.find("needed 101") != std::string::npos);
  CHECK(detail.find("available 100") != std::string::npos);
  CHECK(b.balances() == before);
  CHECK(b.journal.pending() == pending_before);

  // The boundary: exactly the balance is fine and leaves zero.
  REQUIRE(b.ledger.check({b.transfer(alice, desk, 100)}).ok());
  REQUIRE(b.ledger.post({b.transfer(alice, desk, 100)}, Book::record(RecordKind::kFill, "alice")).ok());
  CHECK(b.balance(alice) == 0);
  CHECK(b.balance(desk) == 100);
  CHECK(b.journal.pending() == pending_before + 1);
}

TEST_CASE("balance overflow rejects and changes nothing", "[ledger]") {
  Book b;
  const AccountId alice = b.client("alice", kBtc);
  const AccountId ext = b.external(kBtc);
  REQUIRE(b.deposit(alice, INT64_MAX).ok());
  CHECK(b.balance(alice) == INT64_MAX);
  CHECK(b.balance(ext) == -INT64_MAX);
  const auto before = b.balances();
  const size_t pending_before = b.journal.pending();

  const Status s = b.deposit(alice, 1);
  REQUIRE(!s.ok());
  CHECK(s.reject().reason == RejectReason::kBalanceOverflow);
  CHECK(s.reject().detail.find("alice") != std::string::npos);
  CHECK(b.balances() == before);
  CHECK(b.journal.pending() == pending_before);
}

TEST_CASE("a multi-transfer posting is checked on its summed deltas", "[ledger]") {
  Book b;
  const AccountId alice_usd = b.client("alice", kUsd);
  const AccountId alice_btc = b.client("alice", kBtc);
  const AccountId desk_usd = b.desk(kUsd);
  const AccountId desk_btc = b.desk(kBtc);
  const AccountId fees_usd = b.fees(kUsd);
  REQUIRE(b.deposit(alice_usd, 100).ok());
  REQUIRE(b.deposit(alice_btc, 3).ok());

  SECTION("two debits that each fit but not together are refused, needing their sum") {
    const Status s = b.ledger.post({b.transfer(alice_usd, desk_usd, 60), b.transfer(alice_usd, fees_usd, 60)},
                                   Book::record(RecordKind::kFill, "alice"));
    REQUIRE(!s.ok());
    CHECK(s.reject().reason == RejectReason::kInsufficientFunds);
    CHECK(s.reject().detail.find("needed 120") != std::string::npos);
    CHECK(b.balance(alice_usd) == 100);
    CHECK(b.balance(desk_usd) == 0);
    CHECK(b.balance(fees_usd) == 0);
  }
  SECTION("a fee larger than the prior balance is paid from the same posting's proceeds") {
    // Sell 3 BTC for 500 USD, fee 550: alice USD goes 100 + 500 - 550 = 50.
    REQUIRE(b.ledger
                .post({b.transfer(alice_usd, fees_usd, 550), b.transfer(alice_btc, desk_btc, 3),
                       b.transfer(desk_usd, alice_usd, 500)},
                      Book::record(RecordKind::kFill, "alice"))
                .ok());
    CHECK(b.balance(alice_usd) == 50);
    CHECK(b.balance(alice_btc) == 0);
    CHECK(b.balance(desk_usd) == -500);
    CHECK(b.balance(desk_btc) == 3);
    CHECK(b.balance(fees_usd) == 550);
    CHECK(b.ledger.asset_net("USD") == 0);
    CHECK(b.ledger.asset_net("BTC") == 0);
  }
}

TEST_CASE("a posting on a halted journal is refused and changes nothing", "[ledger]") {
  Book b;
  const AccountId alice = b.client("alice", kUsd);
  b.external(kUsd);
  REQUIRE(b.deposit(alice, 10).ok());
  b.journal.fail_next_commit();
  REQUIRE(!b.journal.commit().ok());
  REQUIRE(b.journal.halted());
  const auto before = b.balances();
  const Status s = b.deposit(alice, 5);
  REQUIRE(!s.ok());
  CHECK(s.reject().reason == RejectReason::kJournalHalted);
  CHECK(b.balances() == before);
}

// One line per case, ending in the expected result. Every case starts from alice with
// 1000 USD and 10 BTC (minor units); bob has nothing.
enum class Acct { kAliceUsd, kAliceBtc, kBobUsd, kDeskUsd, kDeskBtc, kFeesUsd, kExtUsd, kExtBtc };
struct Leg {
  Acct debit;
  Acct credit;
  int64_t amount;
};
struct Scenario {
  const char* name;
  std::vector<Leg> legs;
  std::optional<RejectReason> expected;  // nullopt: posted
};

TEST_CASE("posting scenarios", "[ledger]") {
  constexpr auto kOk = std::nullopt;
  constexpr auto kFunds = RejectReason::kInsufficientFunds;
  constexpr auto kOverflow = RejectReason::kBalanceOverflow;
  using A = Acct;
  const std::vector<Scenario> scenarios = {
      {"buy within balance", {{A::kAliceUsd, A::kDeskUsd, 900}, {A::kAliceUsd, A::kFeesUsd, 100}, {A::kDeskBtc, A::kAliceBtc, 5}}, kOk},
      {"buy one minor unit over", {{A::kAliceUsd, A::kDeskUsd, 901}, {A::kAliceUsd, A::kFeesUsd, 100}, {A::kDeskBtc, A::kAliceBtc, 5}}, kFunds},
      {"sell the whole base balance", {{A::kAliceBtc, A::kDeskBtc, 10}, {A::kDeskUsd, A::kAliceUsd, 500}, {A::kAliceUsd, A::kFeesUsd, 5}}, kOk},
      {"sell one over the base balance", {{A::kAliceBtc, A::kDeskBtc, 11}, {A::kDeskUsd, A::kAliceUsd, 500}, {A::kAliceUsd, A::kFeesUsd, 5}}, kFunds},
      {"fee paid from proceeds, ends at zero", {{A::kAliceBtc, A::kDeskBtc, 1}, {A::kDeskUsd, A::kAliceUsd, 500}, {A::kAliceUsd, A::kFeesUsd, 1500}}, kOk},
      {"fee one over proceeds plus balance", {{A::kAliceBtc, A::kDeskBtc, 1}, {A::kDeskUsd, A::kAliceUsd, 500}, {A::kAliceUsd, A::kFeesUsd, 1501}}, kFunds},
      {"two debits fit alone, not together", {{A::kAliceUsd, A::kDeskUsd, 600}, {A::kAliceUsd, A::kFeesUsd, 401}}, kFunds},
      {"two debits sum to exactly the balance", {{A::kAliceUsd, A::kDeskUsd, 600}, {A::kAliceUsd, A::kFeesUsd, 400}}, kOk},
      {"out and back in the same posting", {{A::kAliceUsd, A::kDeskUsd, 1500}, {A::kDeskUsd, A::kAliceUsd, 1500}}, kOk},
      {"smallest amount", {{A::kAliceUsd, A::kDeskUsd, 1}}, kOk},
      {"empty-handed client", {{A::kBobUsd, A::kDeskUsd, 1}}, kFunds},
      {"client to client", {{A::kAliceUsd, A::kBobUsd, 1000}}, kOk},
      {"desk may go short", {{A::kDeskBtc, A::kAliceBtc, 1'000'000}}, kOk},
      {"fees may be refunded below zero", {{A::kFeesUsd, A::kAliceUsd, 7}}, kOk},
      {"withdrawal of everything", {{A::kAliceUsd, A::kExtUsd, 1000}}, kOk},
      {"withdrawal of one more", {{A::kAliceUsd, A::kExtUsd, 1001}}, kFunds},
      {"deposit down to int64 min on external", {{A::kExtUsd, A::kBobUsd, INT64_MAX - 999}}, kOk},
      {"deposit one past int64 min on external", {{A::kExtUsd, A::kBobUsd, INT64_MAX - 998}}, kOverflow},
      {"credit up to int64 max", {{A::kExtBtc, A::kAliceBtc, INT64_MAX - 10}}, kOk},
      {"credit one past int64 max", {{A::kExtBtc, A::kAliceBtc, INT64_MAX - 9}}, kOverflow},
      {"credits summed within the posting overflow", {{A::kDeskUsd, A::kBobUsd, INT64_MAX}, {A::kFeesUsd, A::kBobUsd, 1}}, kOverflow},
      {"debits summed within the posting overflow", {{A::kDeskUsd, A::kBobUsd, INT64_MAX}, {A::kDeskUsd, A::kFeesUsd, INT64_MAX}}, kOverflow},
  };

  for (const Scenario& sc : scenarios) {
    INFO("scenario: " << sc.name);
    Book b;
    std::map<Acct, AccountId> id = {
        {A::kAliceUsd, b.client("alice", kUsd)}, {A::kAliceBtc, b.client("alice", kBtc)},
        {A::kBobUsd, b.client("bob", kUsd)},     {A::kDeskUsd, b.desk(kUsd)},
        {A::kDeskBtc, b.desk(kBtc)},             {A::kFeesUsd, b.fees(kUsd)},
        {A::kExtUsd, b.external(kUsd)},          {A::kExtBtc, b.external(kBtc)},
    };
    REQUIRE(b.deposit(id[A::kAliceUsd], 1000).ok());
    REQUIRE(b.deposit(id[A::kAliceBtc], 10).ok());
    REQUIRE(b.journal.commit().ok());

    std::vector<Transfer> transfers;
    std::map<uint64_t, int64_t> expected_balances = b.balances();
    for (const Leg& leg : sc.legs) {
      transfers.push_back(b.transfer(id[leg.debit], id[leg.credit], leg.amount));
      // The model in __int128 so the table's overflow cases compute too.
      expected_balances[id[leg.debit].value] =
          static_cast<int64_t>(static_cast<__int128>(expected_balances[id[leg.debit].value]) - leg.amount);
      expected_balances[id[leg.credit].value] =
          static_cast<int64_t>(static_cast<__int128>(expected_balances[id[leg.credit].value]) + leg.amount);
    }
    const auto before = b.balances();

    const Status checked = b.ledger.check(transfers);
    const Status posted = b.ledger.post(transfers, Book::record(RecordKind::kFill, "alice"));
    CHECK(checked.ok() == posted.ok());
    if (!sc.expected) {
      REQUIRE(posted.ok());
      CHECK(b.journal.pending() == 1);
      CHECK(b.balances() == expected_balances);
    } else {
      REQUIRE(!posted.ok());
      CHECK(posted.reject().reason == *sc.expected);
      CHECK(checked.reject().reason == *sc.expected);
      CHECK(b.journal.pending() == 0);
      CHECK(b.balances() == before);
    }
    CHECK(b.ledger.asset_net("USD") == 0);
    CHECK(b.ledger.asset_net("BTC") == 0);
  }
}

// --- restore ------------------------------------------------------------------------

RestoredAccount restored(uint64_t id, const std::string& owner, AssetId asset, AccountPurpose purpose,
                         int64_t balance) {
  RestoredAccount r;
  r.account.id = AccountId(id);
  r.account.owner = owner;
  r.account.asset = asset;
  r.account.asset_code = code_of(asset);
  r.account.purpose = purpose;
  r.balance = Amount(balance);
  return r;
}

TEST_CASE("restore rebuilds balances and continues the ids", "[ledger]") {
  Book b;
  const std::vector<RestoredAccount> accounts = {
      restored(1, "EXTERNAL", kUsd, AccountPurpose::kExternal, -1500),
      restored(2, "alice", kUsd, AccountPurpose::kClientAvailable, 1000),
      restored(4, "DESK", kUsd, AccountPurpose::kDeskInventory, 500),  // id 3 was never committed
  };
  REQUIRE(b.ledger.restore(accounts, TransferId(41)).ok());
  CHECK(b.balance(AccountId(2)) == 1000);
  CHECK(b.balance(AccountId(4)) == 500);
  CHECK(b.ledger.find("alice", "USD", AccountPurpose::kClientAvailable).value == 2);
  CHECK(b.ledger.asset_net("USD") == 0);
  CHECK(b.journal.pending() == 0);  // restoring journals nothing

  CHECK(b.client("alice", kUsd).value == 2);  // already there
  const AccountId bob = b.client("bob", kUsd);
  CHECK(bob.value == 5);
  REQUIRE(b.ledger.post({b.transfer(AccountId(2), bob, 10)}, Book::record(RecordKind::kFill, "alice")).ok());
  REQUIRE(b.journal.commit().ok());
  CHECK(b.journal.committed().back().transfers.at(0).id.value == 42);
}

TEST_CASE("restore refuses balances that break an invariant and stays empty", "[ledger]") {
  struct Case {
    const char* name;
    std::vector<RestoredAccount> accounts;
    const char* detail_has;
  };
  const std::vector<Case> cases = {
      {"asset does not net to zero",
       {restored(1, "EXTERNAL", kUsd, AccountPurpose::kExternal, -1000),
        restored(2, "alice", kUsd, AccountPurpose::kClientAvailable, 999)},
       "USD do not net to zero (net -1)"},
      {"negative client balance (no credit line)",
       {restored(1, "EXTERNAL", kUsd, AccountPurpose::kExternal, 1),
        restored(2, "alice", kUsd, AccountPurpose::kClientAvailable, -1)},
       "client available balance is below its credit line: alice/USD/client_available (account 2) has -1, "
       "credit line 0"},
      {"negative held balance",
       {restored(1, "alice", kUsd, AccountPurpose::kClientAvailable, 2),
        restored(2, "alice", kUsd, AccountPurpose::kClientHeld, -2)},
       "client held balance is negative: alice/USD/client_held (account 2) has -2"},
      {"net overflowing int64 is still non-zero",
       {restored(1, "DESK", kBtc, AccountPurpose::kDeskInventory, INT64_MAX),
        restored(2, "FEES", kBtc, AccountPurpose::kFeeIncome, INT64_MAX)},
       "BTC do not net to zero"},
      {"duplicate key",
       {restored(1, "alice", kUsd, AccountPurpose::kClientAvailable, 0),
        restored(2, "alice", kUsd, AccountPurpose::kClientAvailable, 0)},
       "duplicate account"},
      {"duplicate id",
       {restored(1, "alice", kUsd, AccountPurpose::kClientAvailable, 0),
        restored(1, "bob", kUsd, AccountPurpose::kClientAvailable, 0)},
       "duplicate account id 1"},
      {"id zero", {restored(0, "alice", kUsd, AccountPurpose::kClientAvailable, 0)}, "account id 0"},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    Book b;
    const Status s = b.ledger.restore(c.accounts, TransferId(0));
    REQUIRE(!s.ok());
    CHECK(s.reject().reason == RejectReason::kJournalHalted);
    CHECK_THAT(s.reject().detail, Catch::Contains(c.detail_has));
    CHECK(b.ledger.accounts().empty());
  }
}

// --- credit lines and held funds ---------------------------------------------------

TEST_CASE("a credit line lets a client available account go down to -limit, not below", "[ledger][credit]") {
  Book b;
  CHECK(b.ledger.credit_line("alice", "USD") == Amount(0));  // none by default
  b.ledger.set_credit_line("alice", "USD", Amount(1000));
  CHECK(b.ledger.credit_line("alice", "USD") == Amount(1000));
  CHECK(b.ledger.credit_line("alice", "BTC") == Amount(0));  // per asset
  CHECK(b.ledger.credit_line("bob", "USD") == Amount(0));    // per owner
  const AccountId alice = b.client("alice", kUsd);
  const AccountId bob = b.client("bob", kUsd);
  const AccountId desk = b.desk(kUsd);
  REQUIRE(b.deposit(alice, 200).ok());
  REQUIRE(b.journal.commit().ok());
  const auto before = b.balances();

  // 200 + 1000 of credit: 1201 is one too many, refused whole, with the exact reason.
  const std::vector<Transfer> over = {b.transfer(alice, desk, 1201)};
  const Status checked = b.ledger.check(over);
  REQUIRE(!checked.ok());
  const Status s = b.ledger.post(over, Book::record(RecordKind::kFill, "alice"));
  REQUIRE(!s.ok());
  CHECK(s.reject().reason == RejectReason::kInsufficientFunds);
  CHECK(checked.reject().reason == RejectReason::kInsufficientFunds);
  CHECK(s.reject().detail == "insufficient USD for alice: needed 1201, available 200 plus credit line 1000 (minor units)");
  CHECK(b.balances() == before);
  CHECK(b.journal.pending() == 0);

  // Exactly down to -limit is fine.
  REQUIRE(b.ledger.check({b.transfer(alice, desk, 1200)}).ok());
  REQUIRE(b.ledger.post({b.transfer(alice, desk, 1200)}, Book::record(RecordKind::kFill, "alice")).ok());
  CHECK(b.balance(alice) == -1000);
  CHECK(b.balance(desk) == 1200);
  CHECK(b.ledger.asset_net("USD") == 0);

  // At the line, not one minor unit more; the message shows the balance already used.
  const Status one_more = b.ledger.post({b.transfer(alice, desk, 1)}, Book::record(RecordKind::kFill, "alice"));
  REQUIRE(!one_more.ok());
  CHECK(one_more.reject().reason == RejectReason::kInsufficientFunds);
  CHECK(one_more.reject().detail ==
        "insufficient USD for alice: needed 1, available -1000 plus credit line 1000 (minor units)");
  CHECK(b.balance(alice) == -1000);

  // Another client without a line still may not go below zero.
  const Status no_line = b.ledger.post({b.transfer(bob, desk, 1)}, Book::record(RecordKind::kFill, "bob"));
  REQUIRE(!no_line.ok());
  CHECK(no_line.reject().detail == "insufficient USD for bob: needed 1, available 0 (minor units)");

  // Paying back restores room.
  REQUIRE(b.deposit(alice, 1000).ok());
  CHECK(b.balance(alice) == 0);
  REQUIRE(b.ledger.post({b.transfer(alice, desk, 1000)}, Book::record(RecordKind::kFill, "alice")).ok());
  CHECK(b.balance(alice) == -1000);
}

TEST_CASE("a credit line set after the account was opened applies to it", "[ledger][credit]") {
  Book b;
  const AccountId alice = b.client("alice", kBtc);
  const AccountId desk = b.desk(kBtc);
  CHECK_FALSE(b.ledger.check({b.transfer(alice, desk, 5)}).ok());
  b.ledger.set_credit_line("alice", "BTC", Amount(5));
  REQUIRE(b.ledger.post({b.transfer(alice, desk, 5)}, Book::record(RecordKind::kFill, "alice")).ok());
  CHECK(b.balance(alice) == -5);
  // A credit line is for the available account only: desk and fee accounts ignore it,
  // and the line of (alice, BTC) does not reach (alice, USD).
  const AccountId alice_usd = b.client("alice", kUsd);
  const Status usd = b.ledger.check({b.transfer(alice_usd, b.desk(kUsd), 1)});
  REQUIRE(!usd.ok());
  CHECK(usd.reject().detail == "insufficient USD for alice: needed 1, available 0 (minor units)");
}

TEST_CASE("a client held balance is never negative, whatever the credit line", "[ledger][credit]") {
  Book b;
  b.ledger.set_credit_line("alice", "USD", Amount(1'000'000));
  const AccountId avail = b.client("alice", kUsd);
  const AccountId held = b.open("alice", kUsd, AccountPurpose::kClientHeld);
  const AccountId desk = b.desk(kUsd);
  REQUIRE(b.deposit(avail, 100).ok());
  // A hold moves available -> held; the credit line may fund it.
  REQUIRE(b.ledger.post({b.transfer(avail, held, 300)}, Book::record(RecordKind::kOrderAccepted, "alice")).ok());
  CHECK(b.balance(avail) == -200);
  CHECK(b.balance(held) == 300);
  const auto before = b.balances();
  const size_t pending_before = b.journal.pending();

  // Out of the hold: at most what it has.
  const std::vector<Transfer> over = {b.transfer(held, desk, 301)};
  const Status checked = b.ledger.check(over);
  const Status s = b.ledger.post(over, Book::record(RecordKind::kFill, "alice"));
  REQUIRE(!s.ok());
  REQUIRE(!checked.ok());
  CHECK(s.reject().reason == RejectReason::kInsufficientFunds);
  CHECK(checked.reject().reason == RejectReason::kInsufficientFunds);
  CHECK(s.reject().detail == "insufficient USD for alice: needed 301, available 300 held (minor units)");
  CHECK(b.balances() == before);
  CHECK(b.journal.pending() == pending_before);

  // A release and a fill in one posting are checked on the held account's summed delta.
  const Status two = b.ledger.post({b.transfer(held, desk, 250), b.transfer(held, avail, 51)},
                                   Book::record(RecordKind::kFill, "alice"));
  REQUIRE(!two.ok());
  CHECK(two.reject().detail == "insufficient USD for alice: needed 301, available 300 held (minor units)");
  REQUIRE(b.ledger.post({b.transfer(held, desk, 250), b.transfer(held, avail, 50)},
                        Book::record(RecordKind::kFill, "alice"))
              .ok());
  CHECK(b.balance(held) == 0);
  CHECK(b.balance(avail) == -150);
  CHECK(b.balance(desk) == 250);
  // Empty: not one minor unit more.
  const Status empty = b.ledger.check({b.transfer(held, avail, 1)});
  REQUIRE(!empty.ok());
  CHECK(empty.reject().detail == "insufficient USD for alice: needed 1, available 0 held (minor units)");
  CHECK(b.ledger.asset_net("USD") == 0);
}

TEST_CASE("restore accepts a balance within the credit line and refuses one below it", "[ledger][credit]") {
  auto accounts = [](int64_t alice_balance) {
    return std::vector<RestoredAccount>{
        restored(1, "EXTERNAL", kUsd, AccountPurpose::kExternal, 0),
        restored(2, "alice", kUsd, AccountPurpose::kClientAvailable, alice_balance),
        restored(3, "DESK", kUsd, AccountPurpose::kDeskInventory, -alice_balance),
    };
  };
  SECTION("at -limit exactly: restored, and the line still binds afterwards") {
    Book b;
    b.ledger.set_credit_line("alice", "USD", Amount(1000));
    REQUIRE(b.ledger.restore(accounts(-1000), TransferId(7)).ok());
    CHECK(b.balance(AccountId(2)) == -1000);
    const Status s = b.ledger.check({b.transfer(AccountId(2), AccountId(3), 1)});
    REQUIRE(!s.ok());
    CHECK(s.reject().detail == "insufficient USD for alice: needed 1, available -1000 plus credit line 1000 (minor units)");
    REQUIRE(b.deposit(AccountId(2), 10).ok());
    REQUIRE(b.ledger.post({b.transfer(AccountId(2), AccountId(3), 10)}, Book::record(RecordKind::kFill, "alice")).ok());
    CHECK(b.balance(AccountId(2)) == -1000);
  }
  SECTION("within the line") {
    Book b;
    b.ledger.set_credit_line("alice", "USD", Amount(1000));
    REQUIRE(b.ledger.restore(accounts(-1), TransferId(7)).ok());
    CHECK(b.balance(AccountId(2)) == -1);
  }
  SECTION("one below -limit: refused, the ledger stays empty") {
    Book b;
    b.ledger.set_credit_line("alice", "USD", Amount(1000));
    const Status s = b.ledger.restore(accounts(-1001), TransferId(7));
    REQUIRE(!s.ok());
    CHECK(s.reject().reason == RejectReason::kJournalHalted);
    CHECK(s.reject().detail ==
          "restore refused: client available balance is below its credit line: alice/USD/client_available "
          "(account 2) has -1001, credit line 1000");
    CHECK(b.ledger.accounts().empty());
  }
  SECTION("another owner's line does not count") {
    Book b;
    b.ledger.set_credit_line("bob", "USD", Amount(1000));
    const Status s = b.ledger.restore(accounts(-1), TransferId(7));
    REQUIRE(!s.ok());
    CHECK_THAT(s.reject().detail, Catch::Contains("alice/USD/client_available (account 2) has -1, credit line 0"));
  }
}

// --- randomized history -------------------------------------------------------------

uint64_t test_seed() {
  if (const char* env = std::getenv("OTC_SEED"); env != nullptr && *env != '\0') {
    return std::strtoull(env, nullptr, 10);
  }
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

TEST_CASE("randomized fills conserve every asset and keep clients solvent", "[ledger][random]") {
  const uint64_t seed = test_seed();
  std::cout << "ledger_test randomized seed: " << seed << " (replay with OTC_SEED=" << seed << ")" << std::endl;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };

  constexpr int kSteps = 5000;
  constexpr int kClients = 5;
  const AssetId assets[] = {kUsd, kBtc, kEth};
  struct Instrument {
    AssetId base;
    AssetId quote;
  };
  const Instrument instruments[] = {{kBtc, kUsd}, {kEth, kUsd}, {kEth, kBtc}};

  Book b;
  std::map<std::pair<int, uint16_t>, AccountId> client_acct;  // (client, asset) -> account
  std::map<uint16_t, AccountId> desk, fees, ext;
  for (const AssetId a : assets) {
    for (int c = 0; c < kClients; ++c) client_acct[{c, a.value}] = b.client("client" + std::to_string(c), a);
    desk[a.value] = b.desk(a);
    fees[a.value] = b.fees(a);
    ext[a.value] = b.external(a);
  }
  REQUIRE(b.journal.commit().ok());

  std::map<uint64_t, int64_t> model;         // expected balance per account, from the test's own arithmetic
  std::map<uint64_t, int64_t> journal_sums;  // sum of journaled transfers per account
  for (const Account& a : b.ledger.accounts()) model[a.id.value] = 0;
  size_t journal_seen = b.journal.committed().size();
  uint64_t next_transfer_id = 1;
  int posted = 0;
  int refused = 0;

  for (int step = 0; step < kSteps; ++step) {
    INFO("step " << step);
    std::vector<Transfer> transfers;
    RecordKind kind = RecordKind::kFill;
    const int client = static_cast<int>(uniform(0, kClients - 1));
    const int64_t roll = uniform(0, 99);
    if (roll < 10) {  // deposit
      kind = RecordKind::kDeposit;
      const AssetId a = assets[uniform(0, 2)];
      transfers.push_back(b.transfer(ext[a.value], client_acct[{client, a.value}], uniform(1, 2'000'000)));
    } else if (roll < 15) {  // withdrawal, sometimes too large
      kind = RecordKind::kDeposit;
      const AssetId a = assets[uniform(0, 2)];
      const AccountId from = client_acct[{client, a.value}];
      const int64_t amount = std::max<int64_t>(1, model[from.value] + uniform(-1000, 1000));
      transfers.push_back(b.transfer(from, ext[a.value], amount));
    } else {  // a fill: 2-3 transfers
      const Instrument& ins = instruments[uniform(0, 2)];
      const AccountId c_base = client_acct[{client, ins.base.value}];
      const AccountId c_quote = client_acct[{client, ins.quote.value}];
      const bool buy = uniform(0, 1) == 0;
      int64_t qty = uniform(1, 1000);
      if (!buy && uniform(0, 9) == 0 && model[c_base.value] > 0) qty = model[c_base.value];  // sell it all
      const int64_t price = uniform(1, 1000);
      const int64_t notional = qty * price;
      const int64_t fee = notional / 100;
      if (buy) {
        transfers.push_back(b.transfer(c_quote, desk[ins.quote.value], notional));
        if (fee > 0) transfers.push_back(b.transfer(c_quote, fees[ins.quote.value], fee));
        transfers.push_back(b.transfer(desk[ins.base.value], c_base, qty));
      } else {
        if (fee > 0) transfers.push_back(b.transfer(c_quote, fees[ins.quote.value], fee));  // before the proceeds
        transfers.push_back(b.transfer(c_base, desk[ins.base.value], qty));
        transfers.push_back(b.transfer(desk[ins.quote.value], c_quote, notional));
      }
    }

    // The model's verdict, computed independently of the ledger.
    std::map<uint64_t, int64_t> after = model;
    for (const Transfer& t : transfers) {
      after[t.debit.value] -= t.amount.value;
      after[t.credit.value] += t.amount.value;
    }
    bool solvent = true;
    for (const auto& [key, acct] : client_acct) solvent = solvent && after[acct.value] >= 0;

    const size_t n_transfers = transfers.size();
    const Status checked = b.ledger.check(transfers);
    const Status s = b.ledger.post(std::move(transfers), Book::record(kind, "client" + std::to_string(client)));
    REQUIRE(checked.ok() == s.ok());
    if (solvent) {
      REQUIRE(s.ok());
      model = after;
      ++posted;
    } else {
      REQUIRE(!s.ok());
      REQUIRE(s.reject().reason == RejectReason::kInsufficientFunds);
      REQUIRE(b.journal.pending() == 0);
      ++refused;
    }
    REQUIRE(b.journal.commit().ok());

    // Every journaled transfer, in id order, summed per account.
    const std::vector<JournalRecord>& committed = b.journal.committed();
    REQUIRE(committed.size() == journal_seen + (s.ok() ? 1 : 0));
    for (; journal_seen < committed.size(); ++journal_seen) {
      REQUIRE(committed[journal_seen].transfers.size() == n_transfers);
      for (const Transfer& t : committed[journal_seen].transfers) {
        REQUIRE(t.id.value == next_transfer_id);
        ++next_transfer_id;
        journal_sums[t.debit.value] -= t.amount.value;
        journal_sums[t.credit.value] += t.amount.value;
      }
    }

    for (const AssetId a : assets) REQUIRE(b.ledger.asset_net(code_of(a)) == 0);
    for (const auto& [key, acct] : client_acct) REQUIRE(b.balance(acct) >= 0);
    for (const auto& [id, expected] : model) {
      REQUIRE(b.balance(AccountId(id)) == expected);
      REQUIRE(journal_sums[id] == expected);
    }
  }
  // Both paths must have been exercised for the run to mean anything.
  CHECK(posted > kSteps / 4);
  CHECK(refused > kSteps / 50);
  std::cout << "ledger_test randomized: " << posted << " posted, " << refused << " refused" << std::endl;
}

}  // namespace
}  // namespace otc::ledger
