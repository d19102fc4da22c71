// tests/engine/rfq_book_test.cc: firm quotes: expiry, single use, ownership, capacity,
// and how long retired quotes are remembered.
#include "engine/rfq_book.h"

#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER  // readable failures of optional reasons
#include <catch2/catch.hpp>

#include <string>

#include "tests/engine/fixture.h"

namespace otc::engine::test {
namespace {

using R = RejectReason;

constexpr int64_t kTtlUs = 10'000'000;  // gold: 10 s

Quote make_quote(uint64_t id, ClientId client, TimeUs created, int64_t ttl_us = kTtlUs) {
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

}  // namespace
}  // namespace otc::engine::test
