#include "common/assert.h"
#include "engine/rfq_book.h"

#include <algorithm>
#include <vector>


#include "common/clock.h"

namespace otc::engine {

std::vector<const Quote*> RfqBook::live_quotes() const {
  std::vector<const Quote*> out;
  out.reserve(live_.size());
  for (const auto& kv : live_) out.push_back(&kv.second);
  std::sort(out.begin(), out.end(), [](const Quote* a, const Quote* b) { return a->id < b->id; });
  return out;
}

void RfqBook::add(Quote q) {
  OTC_ASSERT(!full());
  OTC_ASSERT(retired_.find(q.id) == retired_.end());
  const QuoteId id = q.id;
  by_expiry_.emplace(q.valid_until.value, id.value);
  ++live_per_client_[q.client.value];
  const bool inserted = live_.emplace(id, std::move(q)).second;
  OTC_ASSERT(inserted);
  (void)inserted;
}

Reject RfqBook::retired_reject(QuoteId id, const Retired& r, ClientId client) const {
  const std::string qid = format_quote_id(id);
  if (r.client != client) {
    return make_reject(RejectReason::kQuoteOfOtherClient, "QuoteID " + qid + " was not issued to this client");
  }
  if (!r.firm) return make_reject(RejectReason::kQuoteIndicative, "quote " + qid + " is indicative (QuoteType 0)");
  switch (r.state) {
    case RetiredState::kExecuted:
      return make_reject(RejectReason::kQuoteAlreadyExecuted, "quote " + qid + " was already executed");
    case RetiredState::kCanceled:
      return make_reject(RejectReason::kQuoteCanceled, "quote " + qid + " was canceled");
    case RetiredState::kExpired:
      break;
  }
  return make_reject(RejectReason::kQuoteExpired, "quote " + qid + " expired at " + format_fix_timestamp_ms(r.valid_until));
}

Result<const Quote*> RfqBook::executable(QuoteId id, ClientId client, TimeUs now) const {
  auto it = live_.find(id);
  if (it == live_.end()) {
    auto r = retired_.find(id);
    if (r == retired_.end()) return make_reject(RejectReason::kUnknownQuote, "unknown QuoteID " + format_quote_id(id));
    return retired_reject(id, r->second, client);
  }
  const Quote& q = it->second;
  if (q.client != client) {
    return make_reject(RejectReason::kQuoteOfOtherClient,
                       "QuoteID " + format_quote_id(id) + " was not issued to this client");
  }
  if (!q.firm) {
    return make_reject(RejectReason::kQuoteIndicative, "quote " + format_quote_id(id) + " is indicative (QuoteType 0)");
  }
  if (now.value >= q.valid_until.value) {
    return make_reject(RejectReason::kQuoteExpired,
                       "quote " + format_quote_id(id) + " expired at " + format_fix_timestamp_ms(q.valid_until));
  }
  return &q;
}

void RfqBook::remove_live(QuoteId id, RetiredState st) {
  auto it = live_.find(id);
  OTC_ASSERT(it != live_.end());
  Quote q = std::move(it->second);
  live_.erase(it);
  by_expiry_.erase({q.valid_until.value, id.value});
  auto c = live_per_client_.find(q.client.value);
  OTC_ASSERT(c != live_per_client_.end() && c->second > 0);
  if (--c->second == 0) live_per_client_.erase(c);
  retire(id, q, st);
}

void RfqBook::mark_executed(QuoteId id) { remove_live(id, RetiredState::kExecuted); }

Result<Ok> RfqBook::cancel(QuoteId id, ClientId client, TimeUs now) {
  auto it = live_.find(id);
  if (it == live_.end()) {
    auto r = retired_.find(id);
    if (r == retired_.end()) return make_reject(RejectReason::kUnknownQuote, "unknown QuoteID " + format_quote_id(id));
    // For a withdrawal, firm or indicative does not matter: only what became of it.
    Retired as_firm = r->second;
    as_firm.firm = true;
    return retired_reject(id, as_firm, client);
  }
  if (it->second.client != client) {
    return make_reject(RejectReason::kQuoteOfOtherClient,
                       "QuoteID " + format_quote_id(id) + " was not issued to this client");
  }
  if (now.value >= it->second.valid_until.value) {
    remove_live(id, RetiredState::kExpired);
    return make_reject(RejectReason::kQuoteExpired, "quote " + format_quote_id(id) + " had already expired");
  }
  remove_live(id, RetiredState::kCanceled);
  return Ok{};
}

size_t RfqBook::cancel_all(ClientId client, TimeUs now) {
  expire(now);  // what has expired is expired, not canceled
  std::vector<QuoteId> mine;
  for (const auto& [id, q] : live_) {
    if (q.client == client) mine.push_back(id);
  }
  std::sort(mine.begin(), mine.end());  // deterministic retirement order
  for (QuoteId id : mine) remove_live(id, RetiredState::kCanceled);
  return mine.size();
}

size_t RfqBook::expire(TimeUs now) {
  size_t n = 0;
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now.value) {
    const QuoteId id(by_expiry_.begin()->second);
    remove_live(id, RetiredState::kExpired);
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
  retired_.emplace(id, Retired{q.client, s, q.valid_until, q.firm});
  retired_order_.push_back(id);
}

}  // namespace otc::engine
