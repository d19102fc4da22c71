// tests/engine/rfq_book_test.cc: quotes in the book: expiry, single use, ownership,
// capacity, indicative quotes, QuoteCancel (one, all of a client's), and how long retired
// quotes are remembered.
#include "engine/rfq_book.h"

#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER  // readable failures of optional reasons
#include <catch2/catch.hpp>

#include <string>

#include "tests/engine/fixture.h"

namespace otc::engine::test {
namespace {

using R = RejectReason;

constexpr int64_t kTtlUs = 10'000'000;  // gold: 10 s

Quote make_quote(uint64_t id, ClientId client, TimeUs created, int64_t ttl_us = kTtlUs, bool firm = true) {
  Quote q;
  q.id = QuoteId(id);
  q.client = client;
  q.instrument = kBtcUsd;
  q.side = std::nullopt;
  q.qty = Qty(100000000);
  q.bid = Price(6496750);
  q.offer = Price(6503250);
  q.mid = Price(6500000);
  q.created = created;
  q.valid_until = TimeUs(created.value + ttl_us);
  q.quote_req_id = "QR" + std::to_string(id);
  q.firm = firm;
  return q;
}

// The reason `executable` gives, or nullopt when executable.
std::optional<RejectReason> why_not(const RfqBook& b, uint64_t id, ClientId c, TimeUs now) {
  Result<const Quote*> r = b.executable(QuoteId(id), c, now);
  if (r.ok()) {
    REQUIRE(r.value() != nullptr);
    CHECK(r.value()->id == QuoteId(id));
    CHECK(r.value()->client == c);
    return std::nullopt;
  }
  CHECK_FALSE(r.reject().detail.empty());
  return r.reject().reason;
}

TimeUs at(int64_t offset_us) { return TimeUs(kStart.value + offset_us); }

// The reason `cancel` gives, or nullopt when canceled.
std::optional<RejectReason> cancel(RfqBook& b, uint64_t id, ClientId c, TimeUs now) {
  Result<Ok> r = b.cancel(QuoteId(id), c, now);
  if (r.ok()) return std::nullopt;
  CHECK_FALSE(r.reject().detail.empty());
  return r.reject().reason;
}

TEST_CASE("rfq_book: executable until valid_until - 1us, expired from valid_until", "[rfq_book]") {
  RfqBook b(10, 10);
  b.add(make_quote(1, kAcme, kStart));
  CHECK(why_not(b, 1, kAcme, at(0)) == std::nullopt);
  CHECK(why_not(b, 1, kAcme, at(kTtlUs - 1)) == std::nullopt);
  CHECK(why_not(b, 1, kAcme, at(kTtlUs)) == R::kQuoteExpired);  // live but past its time
  CHECK(why_not(b, 1, kAcme, at(kTtlUs + 1)) == R::kQuoteExpired);
  CHECK(b.live_count() == 1);

  CHECK(b.expire(at(kTtlUs - 1)) == 0);
  CHECK(b.live_count() == 1);
  CHECK(b.expire(at(kTtlUs)) == 1);  // valid_until <= now
  CHECK(b.live_count() == 0);
  // Retired as expired: still the precise reason, whenever asked.
  CHECK(why_not(b, 1, kAcme, at(kTtlUs)) == R::kQuoteExpired);
  CHECK(why_not(b, 1, kAcme, at(0)) == R::kQuoteExpired);
  CHECK(why_not(b, 1, kBeta, at(kTtlUs)) == R::kQuoteOfOtherClient);
  CHECK(b.expire(at(kTtlUs * 5)) == 0);
}

TEST_CASE("rfq_book: a quote executes once", "[rfq_book]") {
  RfqBook b(10, 10);
  b.add(make_quote(7, kAcme, kStart));
  b.add(make_quote(8, kAcme, kStart));
  REQUIRE(why_not(b, 7, kAcme, at(1)) == std::nullopt);
  b.mark_executed(QuoteId(7));
  CHECK(b.live_count() == 1);
  CHECK(why_not(b, 7, kAcme, at(1)) == R::kQuoteAlreadyExecuted);
  // Executed stays executed after its time and after a sweep (not "expired").
  CHECK(why_not(b, 7, kAcme, at(kTtlUs + 1)) == R::kQuoteAlreadyExecuted);
  CHECK(b.expire(at(kTtlUs)) == 1);  // only quote 8 was live
  CHECK(why_not(b, 7, kAcme, at(kTtlUs)) == R::kQuoteAlreadyExecuted);
  CHECK(why_not(b, 8, kAcme, at(kTtlUs)) == R::kQuoteExpired);
}

TEST_CASE("rfq_book: only the client it was given to may execute it", "[rfq_book]") {
  RfqBook b(10, 10);
  b.add(make_quote(1, kAcme, kStart));
  b.add(make_quote(2, kAcme, kStart));
  b.add(make_quote(3, kAcme, kStart, 1000));
  CHECK(why_not(b, 1, kBeta, at(0)) == R::kQuoteOfOtherClient);  // live
  CHECK(why_not(b, 1, kGamma, at(0)) == R::kQuoteOfOtherClient);
  CHECK(why_not(b, 3, kBeta, at(5000)) == R::kQuoteOfOtherClient);  // live, past its time: ownership first
  b.mark_executed(QuoteId(2));
  CHECK(why_not(b, 2, kBeta, at(0)) == R::kQuoteOfOtherClient);  // retired (executed)
  REQUIRE(b.expire(at(5000)) == 1);
  CHECK(why_not(b, 3, kBeta, at(5000)) == R::kQuoteOfOtherClient);  // retired (expired)
  CHECK(why_not(b, 1, kAcme, at(0)) == std::nullopt);
}

TEST_CASE("rfq_book: an id never given is unknown", "[rfq_book]") {
  RfqBook b(10, 10);
  CHECK(why_not(b, 1, kAcme, at(0)) == R::kUnknownQuote);
  b.add(make_quote(1, kAcme, kStart));
  CHECK(why_not(b, 2, kAcme, at(0)) == R::kUnknownQuote);
  CHECK(why_not(b, 0, kAcme, at(0)) == R::kUnknownQuote);
  CHECK(why_not(b, UINT64_MAX, kBeta, at(0)) == R::kUnknownQuote);
}

TEST_CASE("rfq_book: full() at live_max; retiring frees room", "[rfq_book]") {
  RfqBook b(2, 10);
  CHECK_FALSE(b.full());
  b.add(make_quote(1, kAcme, kStart));
  CHECK_FALSE(b.full());
  b.add(make_quote(2, kBeta, kStart, 2 * kTtlUs));
  CHECK(b.full());
  CHECK(b.live_count() == 2);
  b.mark_executed(QuoteId(1));
  CHECK_FALSE(b.full());
  b.add(make_quote(3, kAcme, kStart));
  CHECK(b.full());
  CHECK(b.expire(at(kTtlUs)) == 1);  // quote 3
  CHECK_FALSE(b.full());
  CHECK(b.live_count() == 1);
}

TEST_CASE("rfq_book: retired_max bounds the memory, oldest retired forgotten first", "[rfq_book]") {
  RfqBook b(10, 2);
  for (uint64_t id = 1; id <= 3; ++id) b.add(make_quote(id, kAcme, kStart));
  b.mark_executed(QuoteId(1));
  b.mark_executed(QuoteId(2));
  CHECK(why_not(b, 1, kAcme, at(1)) == R::kQuoteAlreadyExecuted);
  b.mark_executed(QuoteId(3));
  CHECK(why_not(b, 1, kAcme, at(1)) == R::kUnknownQuote);  // forgotten
  CHECK(why_not(b, 1, kBeta, at(1)) == R::kUnknownQuote);
  CHECK(why_not(b, 2, kAcme, at(1)) == R::kQuoteAlreadyExecuted);
  CHECK(why_not(b, 3, kAcme, at(1)) == R::kQuoteAlreadyExecuted);
}

TEST_CASE("rfq_book: quotes expiring in one sweep are retired oldest first", "[rfq_book]") {
  // Three quotes, created one after the other, all past their time at the same sweep.
  // With room for two retired ids, the oldest (1) should be the one forgotten.
  RfqBook b(10, 2);
  for (uint64_t id = 1; id <= 3; ++id) b.add(make_quote(id, kAcme, at(static_cast<int64_t>(id))));
  REQUIRE(b.expire(at(kTtlUs + 10)) == 3);
  CHECK(why_not(b, 1, kAcme, at(kTtlUs + 10)) == R::kUnknownQuote);
  CHECK(why_not(b, 2, kAcme, at(kTtlUs + 10)) == R::kQuoteExpired);
  CHECK(why_not(b, 3, kAcme, at(kTtlUs + 10)) == R::kQuoteExpired);
}

TEST_CASE("rfq_book: retired_max 0 remembers nothing", "[rfq_book]") {
  RfqBook b(10, 0);
  b.add(make_quote(1, kAcme, kStart));
  b.add(make_quote(2, kAcme, kStart));
  b.mark_executed(QuoteId(1));
  CHECK(b.expire(at(kTtlUs)) == 1);
  CHECK(why_not(b, 1, kAcme, at(1)) == R::kUnknownQuote);
  CHECK(why_not(b, 2, kAcme, at(kTtlUs)) == R::kUnknownQuote);
}

TEST_CASE("rfq_book: an indicative quote is never executable, live or retired", "[rfq_book]") {
  RfqBook b(10, 10);
  b.add(make_quote(1, kAcme, kStart, kTtlUs, false));
  CHECK(why_not(b, 1, kAcme, at(0)) == R::kQuoteIndicative);
  CHECK(why_not(b, 1, kAcme, at(kTtlUs)) == R::kQuoteIndicative);  // indicative says more than expired
  CHECK(why_not(b, 1, kBeta, at(0)) == R::kQuoteOfOtherClient);    // ownership first
  CHECK(b.live_count() == 1);                                      // it counts against the limit
  REQUIRE(b.expire(at(kTtlUs)) == 1);
  CHECK(why_not(b, 1, kAcme, at(kTtlUs)) == R::kQuoteIndicative);
  CHECK(why_not(b, 1, kBeta, at(kTtlUs)) == R::kQuoteOfOtherClient);
}

TEST_CASE("rfq_book: cancel withdraws a live quote of its owner, once", "[rfq_book]") {
  RfqBook b(10, 10);
  b.add(make_quote(1, kAcme, kStart));
  b.add(make_quote(2, kAcme, kStart));
  CHECK(cancel(b, 1, kBeta, at(1)) == R::kQuoteOfOtherClient);
  CHECK(b.live_count() == 2);
  CHECK(cancel(b, 1, kAcme, at(1)) == std::nullopt);
  CHECK(b.live_count() == 1);
  CHECK(why_not(b, 1, kAcme, at(1)) == R::kQuoteCanceled);
  CHECK(why_not(b, 1, kBeta, at(1)) == R::kQuoteOfOtherClient);
  CHECK(cancel(b, 1, kAcme, at(2)) == R::kQuoteCanceled);
  CHECK(cancel(b, 1, kBeta, at(2)) == R::kQuoteOfOtherClient);
  // Canceled stays canceled after its time and a sweep (not "expired").
  CHECK(b.expire(at(kTtlUs)) == 1);  // only quote 2 was live
  CHECK(why_not(b, 1, kAcme, at(kTtlUs)) == R::kQuoteCanceled);
  CHECK(cancel(b, 1, kAcme, at(kTtlUs)) == R::kQuoteCanceled);
  CHECK(cancel(b, 2, kAcme, at(kTtlUs)) == R::kQuoteExpired);
  CHECK(cancel(b, 3, kAcme, at(kTtlUs)) == R::kUnknownQuote);
}

TEST_CASE("rfq_book: cancel of an executed quote, of a live one past its time, of an indicative one",
          "[rfq_book]") {
  RfqBook b(10, 10);
  b.add(make_quote(1, kAcme, kStart));
  b.add(make_quote(2, kAcme, kStart, 1000));
  b.add(make_quote(3, kAcme, kStart, kTtlUs, false));
  b.mark_executed(QuoteId(1));
  CHECK(cancel(b, 1, kAcme, at(1)) == R::kQuoteAlreadyExecuted);
  // Live but past its time: refused as expired and retired as expired, without a sweep.
  CHECK(cancel(b, 2, kAcme, at(1000)) == R::kQuoteExpired);
  CHECK(b.live_count() == 1);
  CHECK(why_not(b, 2, kAcme, at(1000)) == R::kQuoteExpired);
  CHECK(cancel(b, 2, kAcme, at(1000)) == R::kQuoteExpired);
  // An indicative quote can be withdrawn while it lives.
  CHECK(cancel(b, 3, kAcme, at(1)) == std::nullopt);
  CHECK(b.live_count() == 0);
  CHECK(why_not(b, 3, kAcme, at(1)) == R::kQuoteIndicative);
}

TEST_CASE("rfq_book: cancel_all withdraws the client's live quotes only, and frees room", "[rfq_book]") {
  RfqBook b(4, 10);
  b.add(make_quote(1, kAcme, kStart));
  b.add(make_quote(2, kBeta, kStart));
  b.add(make_quote(3, kAcme, kStart, kTtlUs, false));
  b.add(make_quote(4, kAcme, kStart));
  REQUIRE(b.full());
  b.mark_executed(QuoteId(4));
  CHECK(b.cancel_all(kGamma, at(1)) == 0);
  CHECK(b.cancel_all(kAcme, at(1)) == 2);
  CHECK(b.live_count() == 1);
  CHECK_FALSE(b.full());
  CHECK(why_not(b, 1, kAcme, at(1)) == R::kQuoteCanceled);
  CHECK(why_not(b, 3, kAcme, at(1)) == R::kQuoteIndicative);
  CHECK(why_not(b, 4, kAcme, at(1)) == R::kQuoteAlreadyExecuted);
  CHECK(why_not(b, 2, kBeta, at(1)) == std::nullopt);
  CHECK(b.cancel_all(kAcme, at(1)) == 0);
  CHECK(b.cancel_all(kBeta, at(1)) == 1);
  CHECK(b.live_count() == 0);
}

TEST_CASE("rfq_book: cancel_all retires what is past its time as expired, not canceled", "[rfq_book]") {
  RfqBook b(10, 10);
  b.add(make_quote(1, kAcme, kStart, 1000));
  b.add(make_quote(2, kAcme, kStart, 2000));
  b.add(make_quote(3, kBeta, kStart, 1000));
  b.add(make_quote(4, kAcme, kStart, 2000, false));
  // At 1000 us, quotes 1 and 3 are past valid_until but not swept yet.
  CHECK(b.cancel_all(kAcme, at(1000)) == 2);  // 2 and 4
  CHECK(b.live_count() == 0);                  // BETA's 3 was swept with them
  CHECK(why_not(b, 1, kAcme, at(1000)) == R::kQuoteExpired);
  CHECK(cancel(b, 1, kAcme, at(1000)) == R::kQuoteExpired);
  CHECK(why_not(b, 2, kAcme, at(1000)) == R::kQuoteCanceled);
  CHECK(why_not(b, 3, kBeta, at(1000)) == R::kQuoteExpired);
  CHECK(why_not(b, 4, kAcme, at(1000)) == R::kQuoteIndicative);
  // At valid_until exactly a quote is no longer live: nothing to withdraw.
  b.add(make_quote(5, kAcme, kStart, 3000));
  CHECK(b.cancel_all(kAcme, at(3000)) == 0);
  CHECK(why_not(b, 5, kAcme, at(3000)) == R::kQuoteExpired);
}

TEST_CASE("rfq_book: cancel_all retires in QuoteID order, so the same ones are forgotten", "[rfq_book]") {
  // Room for two retired ids: of 5, 9 and 12 canceled together, 5 is forgotten first.
  RfqBook b(10, 2);
  for (uint64_t id : {12, 5, 9}) b.add(make_quote(id, kAcme, kStart));
  REQUIRE(b.cancel_all(kAcme, at(1)) == 3);
  CHECK(why_not(b, 5, kAcme, at(1)) == R::kUnknownQuote);
  CHECK(why_not(b, 9, kAcme, at(1)) == R::kQuoteCanceled);
  CHECK(why_not(b, 12, kAcme, at(1)) == R::kQuoteCanceled);
}

}  // namespace
}  // namespace otc::engine::test
