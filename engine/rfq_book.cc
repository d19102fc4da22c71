#include "common/assert.h"
#include "engine/rfq_book.h"


#include "common/clock.h"

namespace otc::engine {

void RfqBook::add(Quote q) {
  OTC_ASSERT(!full());
  OTC_ASSERT(retired_.find(q.id) == retired_.end());
  const QuoteId id = q.id;
  by_expiry_.emplace(q.valid_until.value, id.value);
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
  by_expiry_.erase({q.valid_until.value, id.value});
  retire(id, q, RetiredState::kExecuted);
}

size_t RfqBook::expire(TimeUs now) {
  size_t n = 0;
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now.value) {
    const QuoteId id(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
    auto it = live_.find(id);
    OTC_ASSERT(it != live_.end());
    Quote q = std::move(it->second);
    live_.erase(it);
    retire(id, q, RetiredState::kExpired);
    ++n;
  }
  OTC_ASSERT(by_expiry_.size() == live_.size());
  return n;
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
