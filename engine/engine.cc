#include "common/assert.h"
#include "engine/engine.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/decimal.h"
#include "engine/pricing.h"

namespace otc::engine {

using ledger::AccountPurpose;
using ledger::JournalRecord;
using ledger::RecordKind;
using ledger::Transfer;
using Json = nlohmann::json;  // std::map-backed: keys come out sorted (canonical form)

namespace {

constexpr const char* kDeskOwner = "DESK";
constexpr const char* kFeeOwner = "FEES";
constexpr const char* kExternalOwner = "EXTERNAL";

std::optional<Side> side_from_char(char c) {
  if (c == '1') return Side::kBuy;
  if (c == '2') return Side::kSell;
  return std::nullopt;
}

std::string char_text(char c) { return c == 0 ? std::string() : std::string(1, c); }

// Canonical payload text. Client-supplied strings may hold invalid UTF-8: replaced
// (U+FFFD), never thrown, so no exception leaves the engine.
std::string canonical(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

Engine::Engine(const ReferenceData& ref, const Clock& clock, ledger::Ledger& ledger, ledger::Journal& journal)
    : ref_(ref),
      clock_(clock),
      ledger_(ledger),
      journal_(journal),
      rfq_(ref.limits.live_quotes_max, ref.limits.retired_quotes_max),
      refs_(ref.instruments.size()),
      cl_ord_ids_(ref.clients.size()),
      md_subs_per_client_(ref.clients.size(), 0) {}

Status Engine::start(const ledger::RecoveredState& state) {
  next_quote_id_ = state.last_quote_id.value + 1;
  next_order_id_ = state.last_order_id.value + 1;
  next_exec_id_ = state.last_exec_id.value + 1;
  for (const auto& [client_code, cl_ord_id] : state.cl_ord_ids) {
    const ClientSpec* c = ref_.find_client(client_code);
    if (c == nullptr) continue;  // a client no longer configured: it cannot send orders
    cl_ord_ids_[c->id.value].insert(cl_ord_id);
  }
  const TimeUs t = now();
  client_accounts_.assign(ref_.clients.size(), std::vector<AccountId>(ref_.assets.size()));
  desk_accounts_.resize(ref_.assets.size());
  fee_accounts_.resize(ref_.assets.size());
  external_accounts_.resize(ref_.assets.size());
  for (const AssetSpec& a : ref_.assets) {
    for (const ClientSpec& c : ref_.clients) {
      client_accounts_[c.id.value][a.id.value] = ledger_.open(c.code, a.id, a.code, AccountPurpose::kClientAvailable, t);
    }
    desk_accounts_[a.id.value] = ledger_.open(kDeskOwner, a.id, a.code, AccountPurpose::kDeskInventory, t);
    fee_accounts_[a.id.value] = ledger_.open(kFeeOwner, a.id, a.code, AccountPurpose::kFeeIncome, t);
    external_accounts_[a.id.value] = ledger_.open(kExternalOwner, a.id, a.code, AccountPurpose::kExternal, t);
  }
  return Ok{};
}

Status Engine::deposit(ClientId client, AssetId asset, Amount amount, const std::string& reference) {
  OTC_ASSERT(amount.value > 0);
  const AssetSpec& a = ref_.asset(asset);
  const ClientSpec& c = ref_.client(client);
  std::vector<Transfer> t{
      ledger_.transfer(external_accounts_[asset.value], client_accounts_[client.value][asset.value], amount)};
  JournalRecord rec;
  rec.kind = RecordKind::kDeposit;
  rec.ts = now();
  rec.client = c.code;
  rec.payload = canonical(Json{{"amount", amount.value}, {"asset", a.code}, {"client", c.code}, {"reference", reference}});
  return ledger_.post(std::move(t), std::move(rec));
}

std::optional<PriceTick> Engine::reference(InstrumentId inst) const { return refs_.at(inst.value); }

void Engine::handle(const Command& cmd, std::vector<Event>* out) {
  if (const auto* q = std::get_if<QuoteRequestCmd>(&cmd)) {
    on_quote_request(*q, out);
  } else if (const auto* o = std::get_if<NewOrderCmd>(&cmd)) {
    on_new_order(*o, out);
  } else if (const auto* p = std::get_if<PriceTickCmd>(&cmd)) {
    on_price_tick(*p);
  } else if (const auto* x = std::get_if<QuoteCancelCmd>(&cmd)) {
    on_quote_cancel(*x, out);
  } else if (const auto* m = std::get_if<MarketDataRequestCmd>(&cmd)) {
    on_market_data_request(*m, out);
  } else if (const auto* e = std::get_if<SessionEndedCmd>(&cmd)) {
    on_session_ended(*e);
  } else {
    on_timer();
    flush_market_data(out);
  }
}

void Engine::on_price_tick(const PriceTickCmd& c) {
  OTC_ASSERT(c.tick.instrument.value < refs_.size());
  OTC_ASSERT(c.tick.mid.value > 0);
  refs_[c.tick.instrument.value] = c.tick;
  mark_market_data_dirty(c.tick.instrument);
}

void Engine::on_timer() { rfq_.expire(now()); }

// ---- Quote requests -------------------------------------------------------------

void Engine::journal_quote_reject(const QuoteRequestCmd& c, const Reject& r) {
  JournalRecord rec;
  rec.kind = RecordKind::kQuoteRejected;
  rec.ts = now();
  rec.client = ref_.client(c.client).code;
  rec.payload = canonical(Json{{"client", rec.client},
                     {"detail", r.detail},
                     {"qty", c.qty_text},
                     {"quote_req_id", c.quote_req_id},
                     {"reason", static_cast<int>(r.reason)},
                     {"reason_name", reject_name(r.reason)},
                     {"side", char_text(c.side)},
                     {"symbol", c.symbol}});
  if (!journal_.halted()) journal_.append(std::move(rec));  // halted: nothing can be recorded
}

void Engine::reject_quote(const QuoteRequestCmd& c, Reject r, std::vector<Event>* out) {
  journal_quote_reject(c, r);
  out->push_back(QuoteRejectedEvent{c.client, c.quote_req_id, c.symbol, c.side, c.qty_text, std::move(r), now()});
}

void Engine::on_quote_request(const QuoteRequestCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  if (journal_.halted()) return reject_quote(c, make_reject(RejectReason::kJournalHalted, "journal halted"), out);
  if (c.quote_req_id.empty() || c.quote_req_id.size() > kQuoteReqIdLengthMax) {
    return reject_quote(c, make_reject(RejectReason::kQuoteReqIdInvalid,
                                       "QuoteReqID must be 1.." + std::to_string(kQuoteReqIdLengthMax) + " characters"),
                        out);
  }
  if (c.quote_type != 1 && c.quote_type != 0) {
    return reject_quote(c, make_reject(RejectReason::kUnsupportedQuoteType,
                                       (c.quote_type < 0 ? std::string("QuoteType is not a number")
                                                          : "QuoteType " + std::to_string(c.quote_type) + " not supported") +
                                           "; send 1 (tradeable) or 0 (indicative)"),
                        out);
  }
  const bool firm = c.quote_type == 1;
  const InstrumentSpec* inst = ref_.find_instrument(c.symbol);
  if (inst == nullptr) {
    return reject_quote(c, make_reject(RejectReason::kUnknownInstrument, "unknown instrument '" + c.symbol + "'"), out);
  }
  std::optional<Side> side;
  if (c.side != 0) {
    side = side_from_char(c.side);
    if (!side) {
      return reject_quote(c, make_reject(RejectReason::kUnsupportedSide,
                                         "Side '" + char_text(c.side) + "' not supported; send 1 (buy) or 2 (sell)"),
                          out);
    }
  }
  if (c.qty_text.empty()) return reject_quote(c, make_reject(RejectReason::kMissingField, "OrderQty is required"), out);
  Result<Qty> qty = parse_qty(ref_, *inst, c.qty_text);
  if (!qty.ok()) return reject_quote(c, qty.reject(), out);

  const TimeUs t = now();
  const TierSpec& tier = ref_.tier_of(c.client);
  int64_t ttl_us = tier.quote_ttl_ms * 1000;
  if (!c.expire_time.empty()) {
    TimeUs until;
    if (!parse_fix_timestamp(c.expire_time, &until)) {
      return reject_quote(c, make_reject(RejectReason::kQuoteTtlOutOfRange,
                                         "ExpireTime '" + c.expire_time + "' is not a UTCTimestamp YYYYMMDD-HH:MM:SS[.sss]"),
                          out);
    }
    ttl_us = until.value - t.value;
    if (ttl_us < kQuoteTtlMinMs * 1000 || ttl_us > tier.quote_ttl_max_ms * 1000) {
      return reject_quote(c, make_reject(RejectReason::kQuoteTtlOutOfRange,
                                         "ExpireTime " + c.expire_time + " gives a quote life of " +
                                             std::to_string(ttl_us / 1000) + " ms; allowed " +
                                             std::to_string(kQuoteTtlMinMs) + ".." +
                                             std::to_string(tier.quote_ttl_max_ms) + " ms"),
                          out);
    }
  }
  const auto& ref_px = refs_[inst->id.value];
  if (!ref_px) {
    return reject_quote(c, make_reject(RejectReason::kNoReferencePrice, "no reference price for " + inst->symbol), out);
  }
  const int64_t age_us = t.value - ref_px->ts.value;
  // Indicative quotes may be given on an old price: they are marked and never executable.
  if (firm && age_us > ref_.limits.price_age_max_ms * 1000) {
    return reject_quote(c, make_reject(RejectReason::kNoReferencePrice,
                                       "reference price for " + inst->symbol + " is " + std::to_string(age_us / 1000) +
                                           " ms old (max " + std::to_string(ref_.limits.price_age_max_ms) + " ms)"),
                        out);
  }
  if (rfq_.full()) return reject_quote(c, make_reject(RejectReason::kLiveQuotesLimit, "too many live quotes"), out);
  if (rfq_.live_count(c.client) >= ref_.limits.live_quotes_per_client_max) {
    return reject_quote(c, make_reject(RejectReason::kLiveQuotesLimit,
                                       "this client has " + std::to_string(rfq_.live_count(c.client)) +
                                           " live quotes (limit); cancel or let some expire"),
                        out);
  }

  const Amount desk_position = ledger_.balance(desk_accounts_[inst->base.value]);
  Result<TwoWayPrice> px = price_for(ref_, *inst, tier, ref_px->mid, qty.value(), desk_position);
  if (!px.ok()) return reject_quote(c, px.reject(), out);
  // A one-sided request gets the side the client trades on: a buyer the offer.
  std::optional<Price> bid = px.value().bid;
  std::optional<Price> offer = px.value().offer;
  if (side == Side::kBuy) bid.reset();
  if (side == Side::kSell) offer.reset();
  if (!bid && !offer) {
    return reject_quote(c, make_reject(RejectReason::kNoReferencePrice, "no positive bid for " + inst->symbol), out);
  }
  // A quote we give must be executable: its notional must fit and not round to zero.
  for (const auto& [px_side, px_opt] : {std::pair{Side::kSell, bid}, std::pair{Side::kBuy, offer}}) {
    if (!px_opt) continue;
    Result<Amount> n = notional(ref_, *inst, qty.value(), *px_opt, px_side);
    if (!n.ok()) return reject_quote(c, n.reject(), out);
    if (n.value().value == 0) {
      return reject_quote(c, make_reject(RejectReason::kNotionalTooSmall,
                                         "notional of " + c.qty_text + " " + inst->symbol + " rounds to zero"),
                          out);
    }
  }

  Quote q;
  q.id = QuoteId(next_quote_id_++);
  q.client = c.client;
  q.instrument = inst->id;
  q.side = side;
  q.qty = qty.value();
  q.bid = bid;
  q.offer = offer;
  q.mid = ref_px->mid;
  q.created = t;
  q.valid_until = TimeUs(t.value + ttl_us);
  q.quote_req_id = c.quote_req_id;
  q.firm = firm;

  JournalRecord rec;
  rec.kind = RecordKind::kQuote;
  rec.ts = t;
  rec.client = ref_.client(c.client).code;
  rec.quote_id = q.id;
  Json j{{"client", rec.client},
         {"desk_position", desk_position.value},
         {"firm", firm},
         {"instrument", inst->symbol},
         {"reference_ts_us", ref_px->ts.value},
         {"skew_cbps", px.value().skew_cbps},
         {"mid", q.mid.value},
         {"qty", q.qty.value},
         {"quote_id", q.id.value},
         {"quote_req_id", q.quote_req_id},
         {"side", side ? side_name(*side) : "two_way"},
         {"spread_cbps", px.value().spread_cbps},
         {"tier", tier.name},
         {"valid_until_us", q.valid_until.value}};
  if (bid) j["bid"] = bid->value;
  if (offer) j["offer"] = offer->value;
  rec.payload = canonical(j);
  journal_.append(std::move(rec));

  out->push_back(QuotedEvent{c.client, c.quote_req_id, q.id, inst->id, side, q.qty, bid, offer, q.valid_until, t, firm});
  rfq_.add(std::move(q));
}

void Engine::on_quote_cancel(const QuoteCancelCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  const TimeUs t = now();
  QuoteCancelAnsweredEvent ev{c.client, c.quote_id, c.cancel_type, 0, std::nullopt, t};
  if (journal_.halted()) {
    ev.reject = make_reject(RejectReason::kJournalHalted, "journal halted");
  } else if (c.cancel_type == 1) {
    QuoteId qid;
    if (c.quote_id.empty()) {
      ev.reject = make_reject(RejectReason::kMissingField, "QuoteID is required with QuoteCancelType 1");
    } else if (!parse_quote_id(c.quote_id, &qid)) {
      ev.reject = make_reject(RejectReason::kUnknownQuote, "unknown QuoteID " + c.quote_id);
    } else {
      Result<Ok> r = rfq_.cancel(qid, c.client, t);
      if (r.ok()) {
        ev.canceled = 1;
      } else {
        ev.reject = r.reject();
      }
    }
  } else if (c.cancel_type == 4) {
    ev.canceled = rfq_.cancel_all(c.client, t);
  } else {
    ev.reject = make_reject(RejectReason::kUnsupportedQuoteCancelType,
                            "QuoteCancelType " + (c.cancel_type < 0 ? std::string("absent or not a number")
                                                                    : std::to_string(c.cancel_type)) +
                                " not supported; send 1 (with QuoteID) or 4 (all quotes)");
  }
  if (!journal_.halted()) {
    JournalRecord rec;
    rec.kind = RecordKind::kQuoteCanceled;
    rec.ts = t;
    rec.client = ref_.client(c.client).code;
    // Only a quote we really withdrew is indexed: the client's text is not an id of ours.
    QuoteId qid;
    if (c.cancel_type == 1 && ev.canceled == 1 && parse_quote_id(c.quote_id, &qid)) rec.quote_id = qid;
    Json j{{"cancel_type", c.cancel_type}, {"canceled", ev.canceled}, {"client", rec.client}, {"quote_id", c.quote_id}};
    if (ev.reject) {
      j["reason"] = static_cast<int>(ev.reject->reason);
      j["reason_name"] = reject_name(ev.reject->reason);
      j["detail"] = ev.reject->detail;
    }
    rec.payload = canonical(j);
    journal_.append(std::move(rec));
  }
  out->push_back(std::move(ev));
}

// ---- Market data ----------------------------------------------------------------

std::optional<std::vector<MdRung>> Engine::ladder(ClientId client, const InstrumentSpec& inst, int depth, bool bids,
                                                  bool offers) const {
  const auto& px = refs_[inst.id.value];
  if (!px || now().value - px->ts.value > ref_.limits.price_age_max_ms * 1000) return std::nullopt;
  const TierSpec& tier = ref_.tier_of(client);
  const Amount desk_position = ledger_.balance(desk_accounts_[inst.base.value]);
  std::vector<MdRung> rungs;
  const size_t n = depth <= 0 ? inst.md_ladder.size() : std::min(inst.md_ladder.size(), static_cast<size_t>(depth));
  rungs.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Qty qty = inst.md_ladder[i];
    Result<TwoWayPrice> p = price_for(ref_, inst, tier, px->mid, qty, desk_position);
    MdRung r{qty, std::nullopt, std::nullopt};
    if (p.ok()) {
      // A side is shown only if it could be quoted: its notional fits and is not zero.
      auto tradeable = [&](std::optional<Price> price, Side client_side) -> std::optional<Price> {
        if (!price) return std::nullopt;
        Result<Amount> n_amt = notional(ref_, inst, qty, *price, client_side);
        if (!n_amt.ok() || n_amt.value().value == 0) return std::nullopt;
        return price;
      };
      if (bids) r.bid = tradeable(p.value().bid, Side::kSell);
      if (offers) r.offer = tradeable(p.value().offer, Side::kBuy);
    }
    rungs.push_back(r);
  }
  return rungs;
}

void Engine::mark_market_data_dirty(InstrumentId inst) {
  for (auto& [key, sub] : md_subs_) {
    for (size_t i = 0; i < sub.instruments.size(); ++i) {
      if (sub.instruments[i] == inst) sub.dirty[i] = true;
    }
  }
}

void Engine::flush_market_data(std::vector<Event>* out) {
  const TimeUs t = now();
  const int64_t interval_us = ref_.limits.md_min_interval_ms * 1000;
  for (auto& [key, sub] : md_subs_) {
    for (size_t i = 0; i < sub.instruments.size(); ++i) {
      if (!sub.dirty[i] || t.value - sub.last_sent_us[i] < interval_us) continue;
      const InstrumentSpec& inst = ref_.instrument(sub.instruments[i]);
      std::optional<std::vector<MdRung>> rungs = ladder(ClientId(key.first), inst, sub.depth, sub.bids, sub.offers);
      if (!rungs) continue;  // stale: nothing is streamed until the price is fresh again
      sub.dirty[i] = false;
      if (*rungs == sub.last_sent[i]) continue;  // the price did not move for this client
      sub.last_sent[i] = *rungs;
      sub.last_sent_us[i] = t.value;
      out->push_back(MarketDataEvent{ClientId(key.first), key.second, inst.id, std::move(*rungs), t});
    }
  }
}

void Engine::on_session_ended(const SessionEndedCmd& c) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  for (auto it = md_subs_.begin(); it != md_subs_.end();) {
    if (it->first.first == c.client.value) {
      it = md_subs_.erase(it);
    } else {
      ++it;
    }
  }
  md_subs_per_client_[c.client.value] = 0;
}

void Engine::on_market_data_request(const MarketDataRequestCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  const TimeUs t = now();
  auto reject = [&](RejectReason r, std::string detail) {
    out->push_back(MarketDataRejectedEvent{c.client, c.md_req_id, make_reject(r, std::move(detail)), t});
  };
  if (c.md_req_id.empty() || c.md_req_id.size() > kQuoteReqIdLengthMax) {
    return reject(RejectReason::kMdReqIdInvalid,
                  "MDReqID must be 1.." + std::to_string(kQuoteReqIdLengthMax) + " characters");
  }
  const auto key = std::make_pair(c.client.value, c.md_req_id);
  if (c.subscription_type == '2') {
    auto it = md_subs_.find(key);
    if (it == md_subs_.end()) {
      return reject(RejectReason::kMdUnknownReqId, "no live subscription with MDReqID '" + c.md_req_id + "'");
    }
    md_subs_.erase(it);
    --md_subs_per_client_[c.client.value];
    return;  // FIX has no acknowledgement: the updates stop
  }
  if (c.subscription_type != '0' && c.subscription_type != '1') {
    return reject(RejectReason::kMdUnsupportedSubscriptionType,
                  "SubscriptionRequestType '" + char_text(c.subscription_type) +
                      "' not supported; send 0 (snapshot), 1 (subscribe) or 2 (unsubscribe)");
  }
  if (c.market_depth < 0) {
    return reject(RejectReason::kMdUnsupportedMarketDepth, "MarketDepth must be 0 (whole ladder) or N >= 1");
  }
  if (c.update_type > 0 || c.update_type < -1) {
    return reject(RejectReason::kMdUnsupportedUpdateType,
                  "MDUpdateType " + std::to_string(c.update_type) + " not supported; send 0 (full refresh)");
  }
  bool bids = false;
  bool offers = false;
  for (char e : c.entry_types) {
    if (e == '0') {
      bids = true;
    } else if (e == '1') {
      offers = true;
    } else {
      return reject(RejectReason::kMdUnsupportedEntryType,
                    "MDEntryType '" + char_text(e) + "' not supported; send 0 (bid) and/or 1 (offer)");
    }
  }
  if (!bids && !offers) return reject(RejectReason::kMissingField, "NoMDEntryTypes must name 0 (bid) or 1 (offer)");
  if (c.symbols.empty()) return reject(RejectReason::kMissingField, "NoRelatedSym must name an instrument");
  if (c.symbols.size() > ref_.limits.md_symbols_per_request_max) {
    return reject(RejectReason::kMdTooManySymbols,
                  "at most " + std::to_string(ref_.limits.md_symbols_per_request_max) + " instruments per request");
  }
  std::vector<InstrumentId> instruments;
  for (const std::string& sym : c.symbols) {
    const InstrumentSpec* inst = ref_.find_instrument(sym);
    if (inst == nullptr) return reject(RejectReason::kUnknownInstrument, "unknown instrument '" + sym + "'");
    if (std::find(instruments.begin(), instruments.end(), inst->id) == instruments.end()) {
      instruments.push_back(inst->id);
    }
  }
  if (c.subscription_type == '0') {
    // One snapshot per instrument, now; every one must be available or none is sent.
    std::vector<Event> snaps;
    for (InstrumentId id : instruments) {
      std::optional<std::vector<MdRung>> rungs = ladder(c.client, ref_.instrument(id), c.market_depth, bids, offers);
      if (!rungs) {
        return reject(RejectReason::kNoReferencePrice,
                      "no fresh reference price for " + ref_.instrument(id).symbol);
      }
      snaps.push_back(MarketDataEvent{c.client, c.md_req_id, id, std::move(*rungs), t});
    }
    for (Event& e : snaps) out->push_back(std::move(e));
    return;
  }
  if (md_subs_.count(key) != 0) {
    return reject(RejectReason::kMdDuplicateReqId, "MDReqID '" + c.md_req_id + "' is already subscribed");
  }
  if (md_subs_per_client_[c.client.value] >= ref_.limits.md_subscriptions_per_client_max) {
    return reject(RejectReason::kMdSubscriptionsLimit,
                  "at most " + std::to_string(ref_.limits.md_subscriptions_per_client_max) + " subscriptions");
  }
  MdSubscription sub;
  sub.instruments = instruments;
  sub.depth = c.market_depth;
  sub.bids = bids;
  sub.offers = offers;
  sub.last_sent.resize(instruments.size());
  sub.last_sent_us.assign(instruments.size(), INT64_MIN / 2);
  sub.dirty.assign(instruments.size(), true);
  md_subs_.emplace(key, std::move(sub));
  ++md_subs_per_client_[c.client.value];
  // The first snapshot goes at once where a fresh price exists; the rest follow as
  // prices come.
  auto it = md_subs_.find(key);
  for (size_t i = 0; i < instruments.size(); ++i) {
    std::optional<std::vector<MdRung>> rungs =
        ladder(c.client, ref_.instrument(instruments[i]), c.market_depth, bids, offers);
    if (!rungs) continue;
    it->second.dirty[i] = false;
    it->second.last_sent[i] = *rungs;
    it->second.last_sent_us[i] = t.value;
    out->push_back(MarketDataEvent{c.client, c.md_req_id, instruments[i], std::move(*rungs), t});
  }
}

// ---- Orders ---------------------------------------------------------------------

void Engine::reject_order(const NewOrderCmd& c, OrderId id, Reject r, std::vector<Event>* out) {
  const TimeUs t = now();
  const ExecId exec(next_exec_id_++);
  JournalRecord rec;
  rec.kind = RecordKind::kOrderRejected;
  rec.ts = t;
  rec.client = ref_.client(c.client).code;
  rec.order_id = id;
  rec.exec_id = exec;
  // The indexed ClOrdID marks it used after a restart: only for ones we took as used.
  if (r.reason != RejectReason::kClOrdIdInvalid && r.reason != RejectReason::kDuplicateClOrdId &&
      r.reason != RejectReason::kClOrdIdLimit) {
    rec.cl_ord_id = c.cl_ord_id;
  }
  rec.payload = canonical(Json{{"cl_ord_id", c.cl_ord_id},
                     {"client", rec.client},
                     {"detail", r.detail},
                     {"exec_id", exec.value},
                     {"ord_type", char_text(c.ord_type)},
                     {"order_id", id.value},
                     {"price", c.price_text},
                     {"qty", c.qty_text},
                     {"quote_id", c.quote_id},
                     {"reason", static_cast<int>(r.reason)},
                     {"reason_name", reject_name(r.reason)},
                     {"side", char_text(c.side)},
                     {"symbol", c.symbol}});
  journal_.append(std::move(rec));
  out->push_back(OrderRejectedEvent{c.client, id, exec, c.cl_ord_id, c.symbol, c.side, c.ord_type, c.qty_text,
                                    c.price_text, std::move(r), t});
}

void Engine::on_new_order(const NewOrderCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  if (journal_.halted()) {
    out->push_back(OrderNotTakenEvent{c.client, c.cl_ord_id,
                                      make_reject(RejectReason::kJournalHalted, "journal halted"), now()});
    return;
  }
  const OrderId id(next_order_id_++);
  auto& seen = cl_ord_ids_[c.client.value];
  if (c.cl_ord_id.empty() || c.cl_ord_id.size() > kClOrdIdLengthMax) {
    return reject_order(c, id, make_reject(RejectReason::kClOrdIdInvalid,
                                           "ClOrdID must be 1.." + std::to_string(kClOrdIdLengthMax) + " characters"),
                        out);
  }
  if (seen.count(c.cl_ord_id) != 0) {
    return reject_order(c, id, make_reject(RejectReason::kDuplicateClOrdId, "ClOrdID '" + c.cl_ord_id + "' was already used"),
                        out);
  }
  if (seen.size() >= ref_.limits.cl_ord_ids_per_client_max) {
    return reject_order(c, id, make_reject(RejectReason::kClOrdIdLimit,
                                           "this client has used " + std::to_string(seen.size()) + " ClOrdIDs (limit)"),
                        out);
  }
  seen.insert(c.cl_ord_id);

  Result<Ok> r = execute_quoted(c, id, out);
  if (!r.ok()) reject_order(c, id, r.reject(), out);
}

Result<Ok> Engine::execute_quoted(const NewOrderCmd& c, OrderId id, std::vector<Event>* out) {
  if (c.ord_type != 'D') {
    return make_reject(RejectReason::kUnsupportedOrdType,
                       "OrdType '" + char_text(c.ord_type) + "' not supported; send D (previously quoted)");
  }
  const std::optional<Side> side = side_from_char(c.side);
  if (!side) {
    return make_reject(RejectReason::kUnsupportedSide,
                       "Side '" + char_text(c.side) + "' not supported; send 1 (buy) or 2 (sell)");
  }
  const InstrumentSpec* inst = ref_.find_instrument(c.symbol);
  if (inst == nullptr) return make_reject(RejectReason::kUnknownInstrument, "unknown instrument '" + c.symbol + "'");
  if (c.qty_text.empty()) return make_reject(RejectReason::kMissingField, "OrderQty is required");
  Result<Qty> qty = parse_qty(ref_, *inst, c.qty_text);
  if (!qty.ok()) return qty.reject();
  if (c.price_text.empty()) return make_reject(RejectReason::kMissingField, "Price is required for OrdType D");
  Result<Price> px = parse_price(*inst, c.price_text);
  if (!px.ok()) return px.reject();
  if (c.quote_id.empty()) return make_reject(RejectReason::kMissingField, "QuoteID is required for OrdType D");
  QuoteId qid;
  if (!parse_quote_id(c.quote_id, &qid)) return make_reject(RejectReason::kUnknownQuote, "unknown QuoteID " + c.quote_id);

  const TimeUs t = now();
  Result<const Quote*> found = rfq_.executable(qid, c.client, t);
  if (!found.ok()) return found.reject();
  const Quote& q = *found.value();
  if (q.instrument != inst->id) {
    return make_reject(RejectReason::kQuoteInstrumentMismatch,
                       "quote " + c.quote_id + " is for " + ref_.instrument(q.instrument).symbol + ", not " + c.symbol);
  }
  const std::optional<Price> quoted = q.price_for(*side);
  if (!quoted) {
    return make_reject(RejectReason::kQuoteSideMismatch,
                       "quote " + c.quote_id + " has no price for a client " + side_name(*side));
  }
  if (qty.value() != q.qty) {
    return make_reject(RejectReason::kQuoteQtyMismatch, "OrderQty " + c.qty_text + " differs from the quoted " +
                                                            format_qty(ref_, *inst, q.qty));
  }
  if (px.value() != *quoted) {
    return make_reject(RejectReason::kQuotePriceMismatch,
                       "Price " + c.price_text + " differs from the quoted " + format_price(*inst, *quoted));
  }

  // Funds and postings. Client buys: base desk->client, quote client->desk (+fee).
  const TierSpec& tier = ref_.tier_of(c.client);
  Result<Amount> notional_amt = notional(ref_, *inst, q.qty, *quoted, *side);
  if (!notional_amt.ok()) return notional_amt.reject();
  if (notional_amt.value().value == 0) {
    return make_reject(RejectReason::kNotionalTooSmall, "notional of " + c.qty_text + " at " + c.price_text +
                                                            " rounds to zero " + ref_.asset(inst->quote).code);
  }
  Result<Amount> fee_amt = fee(tier, notional_amt.value());
  if (!fee_amt.ok()) return fee_amt.reject();
  const AssetSpec& base = ref_.asset(inst->base);
  const AssetSpec& quote = ref_.asset(inst->quote);
  const AccountId client_base = client_accounts_[c.client.value][base.id.value];
  const AccountId client_quote = client_accounts_[c.client.value][quote.id.value];
  const AccountId desk_base = desk_accounts_[base.id.value];
  const AccountId desk_quote = desk_accounts_[quote.id.value];
  std::vector<Transfer> transfers;
  transfers.reserve(3);
  auto add = [&](AccountId debit, AccountId credit, Amount amount) {
    if (amount.value != 0) transfers.push_back(ledger_.transfer(debit, credit, amount));
  };
  if (*side == Side::kBuy) {
    add(desk_base, client_base, Amount(q.qty.value));
    add(client_quote, desk_quote, notional_amt.value());
  } else {
    add(client_base, desk_base, Amount(q.qty.value));
    add(desk_quote, client_quote, notional_amt.value());
  }
  add(client_quote, fee_accounts_[quote.id.value], fee_amt.value());
  Status funds = ledger_.check(transfers);
  if (!funds.ok()) return funds.reject();

  // Accepted, then filled in full at the quoted price, in this same journal batch.
  const ExecId ack_exec(next_exec_id_++);
  const ExecId fill_exec(next_exec_id_++);
  const std::string& client_code = ref_.client(c.client).code;
  // The two records share their indexed references and most of their payload.
  auto order_record = [&](RecordKind kind, ExecId exec, Json* payload) {
    JournalRecord r;
    r.kind = kind;
    r.ts = t;
    r.client = client_code;
    r.quote_id = qid;
    r.order_id = id;
    r.exec_id = exec;
    r.cl_ord_id = c.cl_ord_id;
    *payload = Json{{"cl_ord_id", c.cl_ord_id}, {"client", client_code}, {"exec_id", exec.value},
                    {"instrument", inst->symbol}, {"order_id", id.value},     {"qty", q.qty.value},
                    {"quote_id", qid.value},       {"side", side_name(*side)}};
    return r;
  };
  Json acc_payload;
  JournalRecord acc = order_record(RecordKind::kOrderAccepted, ack_exec, &acc_payload);
  acc_payload["ord_type"] = char_text(c.ord_type);
  acc_payload["price"] = px.value().value;
  acc.payload = canonical(acc_payload);
  journal_.append(std::move(acc));

  Json fill_payload;
  JournalRecord fill = order_record(RecordKind::kFill, fill_exec, &fill_payload);
  fill_payload["fee"] = fee_amt.value().value;
  fill_payload["notional"] = notional_amt.value().value;
  fill_payload["price"] = quoted->value;
  fill.payload = canonical(fill_payload);
  ledger::TradeRow trade;
  trade.exec_id = fill_exec;
  trade.order_id = id;
  trade.quote_id = qid;
  trade.client = client_code;
  trade.cl_ord_id = c.cl_ord_id;
  trade.instrument = inst->symbol;
  trade.side = *side;
  trade.qty = q.qty;
  trade.price = *quoted;
  trade.qty_text = format_qty(ref_, *inst, q.qty);
  trade.price_text = format_price(*inst, *quoted);
  trade.notional = notional_amt.value();
  trade.fee = fee_amt.value();
  fill.trade = std::move(trade);
  Status posted = ledger_.post(std::move(transfers), std::move(fill));
  // check() passed on the same state on this thread: a failure here is our bug.
  OTC_ASSERT(posted.ok());
  if (!posted.ok()) return posted.reject();

  out->push_back(OrderAcceptedEvent{c.client, id, ack_exec, c.cl_ord_id, inst->id, *side, c.ord_type, q.qty,
                                    px.value(), t});
  FilledEvent f;
  f.client = c.client;
  f.order_id = id;
  f.exec_id = fill_exec;
  f.cl_ord_id = c.cl_ord_id;
  f.instrument = inst->id;
  f.side = *side;
  f.ord_type = c.ord_type;
  f.quote_id = qid;
  f.order_qty = q.qty;
  f.order_price = px.value();
  f.last_qty = q.qty;
  f.last_px = *quoted;
  f.cum_qty = q.qty;
  f.leaves_qty = Qty(0);
  f.avg_px = *quoted;
  f.notional = notional_amt.value();
  f.fee = fee_amt.value();
  f.ts = t;
  OTC_ASSERT(f.cum_qty.value <= f.order_qty.value);
  out->push_back(std::move(f));
  // Last: `q` refers into the book and dies here (single use).
  rfq_.mark_executed(qid);
  // The desk's positions in both assets moved: so may every ladder skewed by either.
  for (const InstrumentSpec& other : ref_.instruments) {
    if (other.base == inst->base || other.base == inst->quote) mark_market_data_dirty(other.id);
  }
  return Ok{};
}

}  // namespace otc::engine
