#include "common/assert.h"
#include "engine/engine.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/decimal.h"
#include "engine/engine_detail.h"
#include "engine/pricing.h"

namespace otc::engine {

using ledger::AccountPurpose;
using ledger::JournalRecord;
using ledger::RecordKind;
using ledger::Transfer;

using namespace detail;

Engine::Engine(const ReferenceData& ref, const Clock& clock, ledger::Ledger& ledger, ledger::Journal& journal)
    : ref_(ref),
      clock_(clock),
      ledger_(ledger),
      journal_(journal),
      rfq_(ref.limits.live_quotes_max, ref.limits.retired_quotes_max),
      refs_(ref.instruments.size()),
      cl_ord_ids_(ref.clients.size()),
      md_subs_per_client_(ref.clients.size(), 0),
      order_by_cl_ord_id_(ref.clients.size()),
      open_by_client_(ref.clients.size()),
      books_(ref.instruments.size()),
      daily_(ref.clients.size()) {}

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
  held_accounts_.assign(ref_.clients.size(), std::vector<AccountId>(ref_.assets.size()));
  desk_accounts_.resize(ref_.assets.size());
  fee_accounts_.resize(ref_.assets.size());
  external_accounts_.resize(ref_.assets.size());
  for (const AssetSpec& a : ref_.assets) {
    for (const ClientSpec& c : ref_.clients) {
      client_accounts_[c.id.value][a.id.value] = ledger_.open(c.code, a.id, a.code, AccountPurpose::kClientAvailable, t);
      held_accounts_[c.id.value][a.id.value] = ledger_.open(c.code, a.id, a.code, AccountPurpose::kClientHeld, t);
    }
    desk_accounts_[a.id.value] = ledger_.open(kDeskOwner, a.id, a.code, AccountPurpose::kDeskInventory, t);
    fee_accounts_[a.id.value] = ledger_.open(kFeeOwner, a.id, a.code, AccountPurpose::kFeeIncome, t);
    external_accounts_[a.id.value] = ledger_.open(kExternalOwner, a.id, a.code, AccountPurpose::kExternal, t);
  }
  Status orders = restore_orders(state);
  if (!orders.ok()) return orders;
  return restore_quotes(state);
}

// Quotes still live: a client holding one may execute it after a restart, until it
// expires. Those expired by now are left out (as the timer would retire them).
Status Engine::restore_quotes(const ledger::RecoveredState& state) {
  const TimeUs t = now();
  for (const auto& rq : state.live_quotes) {
    const Json j = Json::parse(rq.payload, nullptr, false);
    if (j.is_discarded()) return make_reject(RejectReason::kJournalHalted, "restore refused: unreadable quote record");
    try {
      Quote q;
      q.valid_until = TimeUs(j.at("valid_until_us").get<int64_t>());
      if (q.valid_until.value <= t.value) continue;
      const ClientSpec* client = ref_.find_client(j.at("client").get<std::string>());
      const InstrumentSpec* inst = ref_.find_instrument(j.at("instrument").get<std::string>());
      if (client == nullptr || inst == nullptr) continue;  // no longer configured: cannot be executed
      q.id = QuoteId(j.at("quote_id").get<uint64_t>());
      q.client = client->id;
      q.instrument = inst->id;
      const std::string side = j.at("side").get<std::string>();
      if (side == "buy") q.side = Side::kBuy;
      if (side == "sell") q.side = Side::kSell;
      q.qty = Qty(j.at("qty").get<int64_t>());
      if (j.contains("bid")) q.bid = Price(j.at("bid").get<int64_t>());
      if (j.contains("offer")) q.offer = Price(j.at("offer").get<int64_t>());
      q.mid = Price(j.at("mid").get<int64_t>());
      q.created = rq.ts;
      q.quote_req_id = j.at("quote_req_id").get<std::string>();
      q.firm = j.at("firm").get<bool>();
      if (q.id.value == 0 || q.id.value >= next_quote_id_ || rfq_.full()) continue;
      rfq_.add(std::move(q));
    } catch (const Json::exception& e) {
      return make_reject(RejectReason::kJournalHalted, std::string("restore refused: malformed quote record: ") + e.what());
    }
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
  // An order never trades at or after its expiry: due expiries are done before anything
  // that could execute, not only on the timer.
  if (!std::holds_alternative<TimerCmd>(cmd)) expire_orders(out);
  if (const auto* q = std::get_if<QuoteRequestCmd>(&cmd)) {
    on_quote_request(*q, out);
  } else if (const auto* o = std::get_if<NewOrderCmd>(&cmd)) {
    on_new_order(*o, out);
  } else if (const auto* p = std::get_if<PriceTickCmd>(&cmd)) {
    on_price_tick(*p, out);
  } else if (const auto* x = std::get_if<QuoteCancelCmd>(&cmd)) {
    on_quote_cancel(*x, out);
  } else if (const auto* m = std::get_if<MarketDataRequestCmd>(&cmd)) {
    on_market_data_request(*m, out);
  } else if (const auto* e = std::get_if<SessionEndedCmd>(&cmd)) {
    on_session_ended(*e, out);
  } else if (const auto* f = std::get_if<CancelOrderCmd>(&cmd)) {
    on_cancel_order(*f, out);
  } else if (const auto* g = std::get_if<ReplaceOrderCmd>(&cmd)) {
    on_replace_order(*g, out);
  } else if (const auto* h = std::get_if<OrderStatusCmd>(&cmd)) {
    on_order_status(*h, out);
  } else {
    on_timer(out);
    flush_market_data(out);
  }
}

void Engine::on_price_tick(const PriceTickCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.tick.instrument.value < refs_.size());
  OTC_ASSERT(c.tick.mid.value > 0);
  refs_[c.tick.instrument.value] = c.tick;
  mark_market_data_dirty(c.tick.instrument);
  match_resting(c.tick.instrument, out);
}

void Engine::on_timer(std::vector<Event>* out) {
  rfq_.expire(now());
  expire_orders(out);
}

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

void Engine::on_session_ended(const SessionEndedCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  if (ref_.client(c.client).cancel_on_disconnect && !journal_.halted()) {
    const std::set<uint64_t> open = open_by_client_[c.client.value];  // copy: closing edits it
    for (uint64_t id : open) {
      Order& o = orders_.at(id);
      close_order(o, RecordKind::kOrderCanceled, ExecKind::kCanceled, o.cl_ord_id, "", "canceled on disconnect", out);
    }
  }
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
  const uint64_t seq = journal_.append(std::move(rec));
  out->push_back(OrderRejectedEvent{c.client, id, exec, c.cl_ord_id, c.symbol, c.side, c.ord_type, c.qty_text,
                                    c.price_text, std::move(r), t});
  std::get<OrderRejectedEvent>(out->back()).seq = seq;
}

}  // namespace otc::engine
