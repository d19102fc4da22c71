#include "common/assert.h"
#include "engine/rfq_book.h"

#include <vector>

#include "common/clock.h"

namespace otc::engine {

void RfqBook::add(Quote q) {
  OTC_ASSERT(!full());
  OTC_ASSERT(retired_.find(q.id) == retired_.end());
  const QuoteId id = q.id;
  const bool inserted = live_.emplace(id, std::move(q)).second;
  OTC_ASSERT(inserted);
  (void)inserted;
}

Result<const Quote*> RfqBook::executable(QuoteId id, ClientId client, TimeUs now) const {
  const std::string qid = format_quote_id(id);
  auto it = live_.find(id);
  if (it == live_.end()) {
    auto r = retired_.find(id);
    if (r == retired_.end()) return make_reject(RejectReason::kUnknownQuote, "unknown QuoteID " + qid);
    if (r->second.client != client) {
      return make_reject(RejectReason::kQuoteOfOtherClient, "QuoteID " + qid + " was not issued to this client");
    }
    if (r->second.state == RetiredState::kExecuted) {
      return make_reject(RejectReason::kQuoteAlreadyExecuted, "quote " + qid + " was already executed");
    }
    return make_reject(RejectReason::kQuoteExpired,
                       "quote " + qid + " expired at " + format_fix_timestamp_ms(r->second.valid_until));
  }
  const Quote& q = it->second;
  if (q.client != client) {
    return make_reject(RejectReason::kQuoteOfOtherClient, "QuoteID " + qid + " was not issued to this client");
  }
  if (now.value >= q.valid_until.value) {
    return make_reject(RejectReason::kQuoteExpired,
                       "quote " + qid + " expired at " + format_fix_timestamp_ms(q.valid_until));
  }
  return &q;
}

void RfqBook::mark_executed(QuoteId id) {
  auto it = live_.find(id);
  OTC_ASSERT(it != live_.end());
  Quote q = std::move(it->second);
  live_.erase(it);
  retire(id, q, RetiredState::kExecuted);
}

size_t RfqBook::expire(TimeUs now) {
  std::vector<QuoteId> done;
  for (const auto& [id, q] : live_) {
    if (q.valid_until.value <= now.value) done.push_back(id);
  }
  for (QuoteId id : done) {
    auto it = live_.find(id);
    Quote q = std::move(it->second);
    live_.erase(it);
    retire(id, q, RetiredState::kExpired);
  }
  return done.size();
}

void RfqBook::retire(QuoteId id, const Quote& q, RetiredState s) {
  if (retired_max_ == 0) return;
  while (retired_order_.size() >= retired_max_) {
    retired_.erase(retired_order_.front());
    retired_order_.pop_front();
  }
  retired_.emplace(id, Retired{q.client, s, q.valid_until});
  retired_order_.push_back(id);
}

}  // namespace otc::engine
