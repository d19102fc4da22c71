// engine/orders.cc: market, limit and previously-quoted orders; the resting book,
// internal matching, holds, pre-trade limits, cancel/replace/status, expiry, and the
// rebuilding of open orders from the journal.
//
// Money rules (see fix-specs/README.md "Orders" and ledger/FORMAT.md):
//   - On acceptance an order moves what it may consume from the client's available
//     account to its held account: a buy the notional plus fee of its leaves at
//     hold_px (its limit, its quoted price, or a market order's slippage bound), a
//     sell its leaves of the base asset. Rejected if the client cannot fund it.
//   - A fill consumes from the hold. An order's notional and fee are computed on its
//     cumulative filled value (rounded once, in the desk's favour), so the sum of its
//     fills never exceeds what was held; what a fill no longer needs is released.
//   - Cancel and expiry release the whole remaining hold.
// So held(client, asset) == sum of hold_need() over the client's open orders, always
// (check_invariants()).
#include "common/assert.h"
#include "engine/engine.h"

#include "common/crypto.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/checked.h"
#include "common/clock.h"
#include "common/decimal.h"
#include "engine/engine_detail.h"
#include "engine/pricing.h"

namespace otc::engine {

using ledger::JournalRecord;
using ledger::RecordKind;
using ledger::Transfer;
using namespace detail;

namespace {

constexpr int64_t kUsPerDay = 86400LL * 1000 * 1000;
constexpr int64_t kUsPerMinute = 60LL * 1000 * 1000;

std::string i128_text(__int128 v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  std::string s;
  while (v != 0) {
    const int d = static_cast<int>(v % 10);
    s.push_back(static_cast<char>('0' + (neg ? -d : d)));
    v /= 10;
  }
  if (neg) s.push_back('-');
  return {s.rbegin(), s.rend()};
}

bool parse_i128(const std::string& s, __int128* out) {
  if (s.empty() || s.size() > 38) return false;
  __int128 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool crosses(Side incoming, Price incoming_limit, Price other) {
  return incoming == Side::kBuy ? other.value <= incoming_limit.value : other.value >= incoming_limit.value;
}

// Strictly better for the client on `side`.
bool better(Side side, Price a, Price b) { return side == Side::kBuy ? a.value < b.value : a.value > b.value; }

// Parses "YYYYMMDD" into days since the epoch.
bool parse_local_date(const std::string& s, int64_t* days) {
  TimeUs t;
  if (s.size() != 8 || !parse_fix_timestamp(s + "-00:00:00", &t)) return false;
  *days = t.value / kUsPerDay;
  return true;
}

}  // namespace

// ---- Views and records ------------------------------------------------------------

OrderView order_view(const Order& o) {
  OrderView v;
  v.client = o.client;
  v.order_id = o.id;
  v.cl_ord_id = o.cl_ord_id;
  v.orig_cl_ord_id = o.orig_cl_ord_id;
  v.instrument = o.instrument;
  v.side = o.side;
  v.ord_type = o.ord_type;
  v.tif = o.tif;
  v.qty = o.qty;
  if (o.ord_type != '1') v.price = o.limit;  // a market order's bound is ours, not its price
  if (o.expire.value > 0) v.expire = o.expire;
  v.status = o.status;
  v.cum_qty = o.cum;
  v.leaves_qty = o.leaves();
  v.avg_px = o.avg_px();
  return v;
}

ExecReportEvent Engine::report(const Order& o, ExecId exec, ExecKind kind, TimeUs t) const {
  ExecReportEvent e;
  e.order = order_view(o);
  e.exec_id = exec;
  e.kind = kind;
  e.ts = t;
  return e;
}

// The record of one order state change. Its payload holds the whole order ("order"),
// which is what start-up rebuilds open orders from (SqliteJournal::load).
JournalRecord Engine::order_record(const Order& o, RecordKind kind, ExecId exec, TimeUs t, const std::string& cl_ord_id,
                                   Json* payload) const {
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  JournalRecord r;
  r.kind = kind;
  r.ts = t;
  r.client = ref_.client(o.client).code;
  r.order_id = o.id;
  r.exec_id = exec;
  r.quote_id = o.quote_id;
  r.cl_ord_id = cl_ord_id;
  Json order{{"id", o.id.value},
             {"client", r.client},
             {"instrument", inst.symbol},
             {"side", side_name(o.side)},
             {"ord_type", char_text(o.ord_type)},
             {"tif", char_text(o.tif)},
             {"cl_ord_id", o.cl_ord_id},
             {"orig_cl_ord_id", o.orig_cl_ord_id},
             {"quote_id", o.quote_id.value},
             {"qty", o.qty.value},
             {"cum", o.cum.value},
             {"limit", o.limit.value},
             {"hold_px", o.hold_px.value},
             {"cum_value", i128_text(o.cum_value)},
             {"cum_notional", o.cum_notional.value},
             {"cum_fee", o.cum_fee.value},
             {"held", o.held.value},
             {"fee_cbps", o.fee_cbps},
             {"cl_ord_ids", cl_ord_ids_of(o.id)},
             {"expire_us", o.expire.value},
             {"priority", o.priority},
             {"created_us", o.created.value},
             {"status", char_text(static_cast<char>(o.status))},
             {"open", is_open(o.status)}};
  *payload = Json{{"client", r.client},
                  {"cl_ord_id", cl_ord_id},
                  {"exec_id", exec.value},
                  {"instrument", inst.symbol},
                  {"order_id", o.id.value},
                  {"order", std::move(order)}};
  return r;
}

// ---- Lookup and indexes -------------------------------------------------------------

std::vector<std::string> Engine::cl_ord_ids_of(OrderId id) const {
  auto it = cl_ord_ids_of_order_.find(id.value);
  return it == cl_ord_ids_of_order_.end() ? std::vector<std::string>() : it->second;
}

const Order* Engine::find_order(OrderId id) const {
  auto it = orders_.find(id.value);
  return it == orders_.end() ? nullptr : &it->second;
}

std::vector<const Order*> Engine::open_orders() const {
  std::vector<const Order*> out;
  for (const auto& ids : open_by_client_) {
    for (uint64_t id : ids) out.push_back(&orders_.at(id));
  }
  std::sort(out.begin(), out.end(), [](const Order* a, const Order* b) { return a->id < b->id; });
  return out;
}

Order* Engine::find_by_cl_ord_id(ClientId c, const std::string& cl_ord_id) {
  auto& m = order_by_cl_ord_id_[c.value];
  auto it = m.find(cl_ord_id);
  if (it == m.end()) return nullptr;
  auto o = orders_.find(it->second.value);
  return o == orders_.end() ? nullptr : &o->second;
}

void Engine::index_order(const Order& o) {
  order_by_cl_ord_id_[o.client.value][o.cl_ord_id] = o.id;
  cl_ord_ids_of_order_[o.id.value].push_back(o.cl_ord_id);
}

void Engine::rest(Order& o) {
  books_[o.instrument.value].add(o);
  if (o.expire.value > 0) expiries_.emplace(o.expire.value, o.id);
}

void Engine::unrest(Order& o) {
  OrderBook& b = books_[o.instrument.value];
  if (!b.contains(o)) return;
  b.remove(o);
  if (o.expire.value > 0) {
    auto [lo, hi] = expiries_.equal_range(o.expire.value);
    for (auto it = lo; it != hi; ++it) {
      if (it->second == o.id) {
        expiries_.erase(it);
        break;
      }
    }
  }
}

// A closed order stays findable (status, precise cancel rejects) until
// retired_orders_max later orders have closed.
void Engine::retire(Order& o) {
  OTC_ASSERT(!is_open(o.status));
  OTC_ASSERT(o.held.value == 0);
  unrest(o);
  open_by_client_[o.client.value].erase(o.id.value);
  retired_orders_.push_back(o.id);
  while (retired_orders_.size() > ref_.limits.retired_orders_max) {
    const OrderId old = retired_orders_.front();
    retired_orders_.pop_front();
    auto it = orders_.find(old.value);
    if (it == orders_.end()) continue;
    auto& by = order_by_cl_ord_id_[it->second.client.value];
    for (const std::string& id : cl_ord_ids_of_order_[old.value]) by.erase(id);
    cl_ord_ids_of_order_.erase(old.value);
    orders_.erase(it);
  }
}

// ---- Money helpers ----------------------------------------------------------------

AssetId Engine::hold_asset(const Order& o) const {
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  return o.side == Side::kBuy ? inst.quote : inst.base;
}

Result<Amount> Engine::hold_need(const Order& o) const {
  const Qty leaves = o.leaves();
  if (o.side == Side::kSell) return Amount(leaves.value);
  if (leaves.value == 0) return Amount(0);
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  const __int128 total = o.cum_value + static_cast<__int128>(leaves.value) * o.hold_px.value;
  Result<Amount> n = notional_of_value(ref_, inst, total, Side::kBuy);
  if (!n.ok()) return n.reject();
  Result<Amount> f = fee_at(o.fee_cbps, n.value());
  if (!f.ok()) return f.reject();
  int64_t need = 0;
  if (!checked_add(n.value().value, f.value().value, &need)) {
    return make_reject(RejectReason::kNotionalOverflow, "order value out of range");
  }
  return Amount(need - o.cum_notional.value - o.cum_fee.value);
}

Engine::FillMoney Engine::apply_fill(Order& o, Qty qty, Price px) {
  OTC_ASSERT(qty.value > 0 && qty.value <= o.leaves().value);
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  const __int128 value = o.cum_value + static_cast<__int128>(qty.value) * px.value;
  // Notionals were bounded when the order was accepted (its whole value at hold_px, or
  // at its limit for sells, fitted): a failure here is our bug.
  Result<Amount> n = notional_of_value(ref_, inst, value, o.side);
  OTC_ASSERT(n.ok());
  Result<Amount> f = fee_at(o.fee_cbps, n.value());
  OTC_ASSERT(f.ok());
  FillMoney m;
  m.notional = Amount(n.value().value - o.cum_notional.value);
  m.fee = Amount(f.value().value - o.cum_fee.value);
  OTC_ASSERT(m.notional.value >= 0 && m.fee.value >= 0);
  const Amount held_before = o.held;
  o.cum_value = value;
  o.cum = Qty(o.cum.value + qty.value);
  o.cum_notional = n.value();
  o.cum_fee = f.value();
  o.status = o.cum == o.qty ? OrdStatus::kFilled : OrdStatus::kPartiallyFilled;
  Result<Amount> need_after = hold_need(o);
  OTC_ASSERT(need_after.ok());
  const int64_t consumed = o.side == Side::kBuy ? m.notional.value + m.fee.value : qty.value;
  m.release = Amount(held_before.value - consumed - need_after.value().value);
  OTC_ASSERT(m.release.value >= 0);  // fills at or inside hold_px never need more than was held
  o.held = need_after.value();
  return m;
}

std::optional<int64_t> Engine::value_in_reference(AssetId asset, int64_t amount) const {
  const AssetId refa = ref_.limits.reference_asset;
  if (asset == refa || amount == 0) return amount;
  const int dec_from = ref_.asset(asset).decimals;
  const int dec_to = ref_.asset(refa).decimals;
  for (const InstrumentSpec& inst : ref_.instruments) {
    const auto& px = refs_[inst.id.value];
    if (!px) continue;
    // amount * mid, scaled from (asset minor x price units) to reference minor units.
    __int128 v;
    if (inst.base == asset && inst.quote == refa) {
      v = static_cast<__int128>(amount) * px->mid.value;
      const int e = dec_from + inst.price_decimals - dec_to;
      for (int i = 0; i < e; ++i) v /= 10;
      for (int i = 0; i > e; --i) v *= 10;
    } else if (inst.base == refa && inst.quote == asset) {
      v = static_cast<__int128>(amount);
      const int e = dec_to + inst.price_decimals - dec_from;  // amount / mid
      for (int i = 0; i < e; ++i) v *= 10;
      for (int i = 0; i > e; --i) v /= 10;
      v /= px->mid.value;
    } else {
      continue;
    }
    if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  return std::nullopt;
}

size_t Engine::resting_count() const {
  size_t n = 0;
  for (const OrderBook& b : books_) n += b.size();
  return n;
}

Qty Engine::desk_capacity(const InstrumentSpec& inst) const {
  return inst.md_ladder.empty() ? inst.max_qty : inst.md_ladder.back();
}

int64_t Engine::daily_used(ClientId c) const {
  const DailyUse& d = daily_.at(c.value);
  return d.day == now().value / kUsPerDay ? d.used : 0;
}

void Engine::add_daily(ClientId c, TimeUs t, int64_t ref_notional) {
  DailyUse& d = daily_[c.value];
  const int64_t day = t.value / kUsPerDay;
  if (d.day != day) {
    if (day < d.day) return;  // an older day (restore): not today's use
    d.day = day;
    d.used = 0;
  }
  d.used += ref_notional;
}

Engine::Exposure Engine::exposure(ClientId c, OrderId except) const {
  Exposure e;
  for (uint64_t id : open_by_client_[c.value]) {
    if (id == except.value) continue;
    const Order& o = orders_.at(id);
    const InstrumentSpec& inst = ref_.instrument(o.instrument);
    const Price px = o.side == Side::kBuy ? o.hold_px : o.limit;
    Result<Amount> n = notional(ref_, inst, o.leaves(), px, o.side);
    const int64_t notional_q = n.ok() ? n.value().value : 0;
    e.notional_ref += value_in_reference(inst.quote, notional_q).value_or(0);
    if (o.side == Side::kBuy) {
      e.receive[inst.base.value] += o.leaves().value;
    } else {
      e.receive[inst.quote.value] += notional_q;
    }
  }
  return e;
}

void Engine::mark_positions_moved(const InstrumentSpec& inst) {
  // The desk's positions in both assets moved: so may every ladder skewed by either.
  for (const InstrumentSpec& other : ref_.instruments) {
    if (other.base == inst.base || other.base == inst.quote) mark_market_data_dirty(other.id);
  }
}

// `hold` and then a fill of all of `o`'s leaves with the desk at its hold price: would
// the ledger take it? Refuses an order the client cannot fund, and any whose fills could
// overflow a balance, before it is accepted (fills themselves then always post).
Status Engine::check_fillable(const Order& o, std::vector<Transfer> hold) const {
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  const Qty leaves = o.leaves();
  // What the rest of the order pays or receives, the way apply_fill() computes it: on the
  // cumulative value, less what earlier fills already posted.
  const Price px = o.side == Side::kBuy ? o.hold_px : o.limit;
  Result<Amount> total = notional_of_value(ref_, inst, o.cum_value + static_cast<__int128>(leaves.value) * px.value, o.side);
  if (!total.ok()) return total.reject();
  Result<Amount> total_fee = fee_at(o.fee_cbps, total.value());
  if (!total_fee.ok()) return total_fee.reject();
  const Result<Amount> n = Amount(total.value().value - o.cum_notional.value);
  const Result<Amount> f = Amount(total_fee.value().value - o.cum_fee.value);
  // The postings of fill_desk() for the whole remainder (a buy's hold covers them).
  desk_fill_transfers(o, leaves, FillMoney{n.value(), f.value(), Amount(0)}, &hold);
  return ledger_.check(hold);
}

// ---- Limits -----------------------------------------------------------------------

Result<Ok> Engine::check_limits(const Order& o, Price px_for_limits) const {
  const ClientSpec& client = ref_.client(o.client);
  const ClientLimits& lim = client.limits;
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  const AssetSpec& refa = ref_.asset(ref_.limits.reference_asset);
  Result<Amount> n = notional(ref_, inst, o.leaves(), px_for_limits, o.side);
  if (!n.ok()) return n.reject();
  const bool needs_value = lim.order_notional_max || lim.daily_notional_max;
  const std::optional<int64_t> n_ref = value_in_reference(inst.quote, n.value().value);
  if (needs_value && !n_ref) {
    return make_reject(RejectReason::kNoReferencePrice,
                       "no price to value " + ref_.asset(inst.quote).code + " in " + refa.code + " for limits");
  }
  if (lim.order_notional_max && *n_ref > lim.order_notional_max->value) {
    return make_reject(RejectReason::kOrderNotionalLimit,
                       "order notional " + format_decimal(*n_ref, refa.decimals) + " " + refa.code + " above the limit " +
                           format_decimal(lim.order_notional_max->value, refa.decimals));
  }
  const bool can_rest = o.ord_type == '2' && tif_rests(o.tif);
  const size_t open_now = open_by_client_[o.client.value].size() - (open_by_client_[o.client.value].count(o.id.value));
  if (can_rest && lim.open_orders_max && open_now >= *lim.open_orders_max) {
    return make_reject(RejectReason::kOpenOrdersLimit, "this client has " + std::to_string(open_now) +
                                                           " open orders (limit " +
                                                           std::to_string(*lim.open_orders_max) + ")");
  }
  const Exposure e = exposure(o.client, o.id);
  if (lim.daily_notional_max) {
    const int64_t total = daily_used(o.client) + e.notional_ref + *n_ref;
    if (total > lim.daily_notional_max->value) {
      return make_reject(RejectReason::kDailyNotionalLimit,
                         "traded today " + format_decimal(daily_used(o.client), refa.decimals) + " + open orders " +
                             format_decimal(e.notional_ref, refa.decimals) + " + this order " +
                             format_decimal(*n_ref, refa.decimals) + " " + refa.code + " above the daily limit " +
                             format_decimal(lim.daily_notional_max->value, refa.decimals));
    }
  }
  const AssetId receive = o.side == Side::kBuy ? inst.base : inst.quote;
  if (auto it = lim.position_max.find(receive.value); it != lim.position_max.end()) {
    const int64_t holding = ledger_.balance(client_accounts_[o.client.value][receive.value]).value +
                            ledger_.balance(held_accounts_[o.client.value][receive.value]).value;
    const auto pending = e.receive.find(receive.value);
    const int64_t incoming = o.side == Side::kBuy ? o.leaves().value : n.value().value;
    const int64_t total = holding + (pending == e.receive.end() ? 0 : pending->second) + incoming;
    const AssetSpec& a = ref_.asset(receive);
    if (total > it->second.value) {
      return make_reject(RejectReason::kPositionLimit,
                         "position in " + a.code + " would reach " + format_decimal(total, a.decimals) +
                             " (holding + open orders + this order), limit " +
                             format_decimal(it->second.value, a.decimals));
    }
  }
  return Ok{};
}

// ---- New orders -----------------------------------------------------------------------

void Engine::on_new_order(const NewOrderCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  if (journal_.halted()) {
    out->push_back(OrderNotTakenEvent{c.client, c.cl_ord_id, 'D',
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
  Result<Ok> r = new_order(c, id, out);
  if (!r.ok()) reject_order(c, id, r.reject(), out);
}

Result<Ok> Engine::check_quoted(const NewOrderCmd& c, Order* o, const InstrumentSpec& inst) {
  if (c.price_text.empty()) return make_reject(RejectReason::kMissingField, "Price is required for OrdType D");
  Result<Price> px = parse_price(inst, c.price_text);
  if (!px.ok()) return px.reject();
  if (c.quote_id.empty()) return make_reject(RejectReason::kMissingField, "QuoteID is required for OrdType D");
  QuoteId qid;
  if (!parse_quote_id(c.quote_id, &qid)) return make_reject(RejectReason::kUnknownQuote, "unknown QuoteID " + c.quote_id);
  Result<const Quote*> found = rfq_.executable(qid, c.client, now());
  if (!found.ok()) return found.reject();
  const Quote& q = *found.value();
  if (q.instrument != inst.id) {
    return make_reject(RejectReason::kQuoteInstrumentMismatch,
                       "quote " + c.quote_id + " is for " + ref_.instrument(q.instrument).symbol + ", not " + c.symbol);
  }
  const std::optional<Price> quoted = q.price_for(o->side);
  if (!quoted) {
    return make_reject(RejectReason::kQuoteSideMismatch,
                       "quote " + c.quote_id + " has no price for a client " + side_name(o->side));
  }
  if (o->qty != q.qty) {
    return make_reject(RejectReason::kQuoteQtyMismatch,
                       "OrderQty " + c.qty_text + " differs from the quoted " + format_qty(ref_, inst, q.qty));
  }
  if (px.value() != *quoted) {
    return make_reject(RejectReason::kQuotePriceMismatch,
                       "Price " + c.price_text + " differs from the quoted " + format_price(inst, *quoted));
  }
  o->quote_id = qid;
  o->limit = *quoted;
  o->hold_px = *quoted;
  return Ok{};
}

std::optional<Price> Engine::desk_price(const Order& o, Qty want, Qty* size) const {
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  const auto& px = refs_[inst.id.value];
  if (!px || now().value - px->ts.value > ref_.limits.price_age_max_ms * 1000) return std::nullopt;
  *size = Qty(std::min(want.value, desk_capacity(inst).value));
  if (size->value <= 0) return std::nullopt;
  const Amount desk_position = ledger_.balance(desk_accounts_[inst.base.value]);
  Result<TwoWayPrice> p = price_for(ref_, inst, ref_.tier_of(o.client), px->mid, *size, desk_position);
  if (!p.ok()) return std::nullopt;
  if (o.side == Side::kBuy) return p.value().offer;
  return p.value().bid;
}

Result<std::vector<Engine::PlannedFill>> Engine::plan_match(const Order& o) const {
  std::vector<PlannedFill> plan;
  Qty remaining = o.leaves();
  bool desk_used = false;
  const OrderBook& book = books_[o.instrument.value];
  const auto& opposite = o.side == Side::kBuy ? book.asks() : book.bids();
  auto it = opposite.begin();
  while (remaining.value > 0) {
    // The next resting order that crosses, best first.
    const Order* r = nullptr;
    if (it != opposite.end()) {
      const Order& cand = orders_.at(it->second.value);
      if (crosses(o.side, o.limit, cand.limit)) r = &cand;
    }
    // The desk's price for what is still to fill (up to its size), while it is unused.
    Qty desk_qty;
    std::optional<Price> desk_px;
    if (!desk_used) {
      desk_px = desk_price(o, remaining, &desk_qty);
      if (desk_px && !crosses(o.side, o.limit, *desk_px)) desk_px.reset();
      if (!desk_px) desk_used = true;
    }
    const bool desk_first = !desk_used && (r == nullptr || better(o.side, *desk_px, r->limit));
    if (r != nullptr && r->client == o.client && !desk_first) {
      // Trading with, or resting through, the client's own order: refused before
      // anything happens (self-trade prevention: cancel the newest).
      return make_reject(RejectReason::kSelfTrade, "would trade with this client's resting order " +
                                                       format_order_id(r->id) + " (" + r->cl_ord_id + ") at " +
                                                       format_price(ref_.instrument(o.instrument), r->limit));
    }
    if (desk_first) {
      const Qty q(std::min(remaining.value, desk_qty.value));
      plan.push_back(PlannedFill{std::nullopt, q, *desk_px});
      remaining = Qty(remaining.value - q.value);
      desk_used = true;
      continue;
    }
    if (r == nullptr) break;
    const Qty q(std::min(remaining.value, r->leaves().value));
    plan.push_back(PlannedFill{r->id, q, r->limit});
    remaining = Qty(remaining.value - q.value);
    ++it;
  }
  return plan;
}

Result<Ok> Engine::new_order(const NewOrderCmd& c, OrderId id, std::vector<Event>* out) {
  const std::optional<Side> side = side_from_char(c.side);
  if (!side) {
    return make_reject(RejectReason::kUnsupportedSide,
                       "Side '" + char_text(c.side) + "' not supported; send 1 (buy) or 2 (sell)");
  }
  if (c.ord_type != '1' && c.ord_type != '2' && c.ord_type != 'D') {
    return make_reject(RejectReason::kUnsupportedOrdType,
                       "OrdType '" + char_text(c.ord_type) +
                           "' not supported; send 1 (market), 2 (limit) or D (previously quoted)");
  }
  const InstrumentSpec* inst = ref_.find_instrument(c.symbol);
  if (inst == nullptr) return make_reject(RejectReason::kUnknownInstrument, "unknown instrument '" + c.symbol + "'");
  if (c.qty_text.empty()) return make_reject(RejectReason::kMissingField, "OrderQty is required");
  Result<Qty> qty = parse_qty(ref_, *inst, c.qty_text);
  if (!qty.ok()) return qty.reject();

  const TimeUs t = now();
  Order o;
  o.id = id;
  o.client = c.client;
  o.instrument = inst->id;
  o.side = *side;
  o.ord_type = c.ord_type;
  o.tif = c.tif;
  o.cl_ord_id = c.cl_ord_id;
  o.qty = qty.value();
  o.created = t;
  o.fee_cbps = ref_.tier_of(c.client).fee_cbps;

  // Time in force, by order type. FIX's default (absent) is Day for a limit order.
  const bool tif_ok = c.ord_type == '2' ? (c.tif == 0 || c.tif == kTifDay || c.tif == kTifGtc || c.tif == kTifIoc ||
                                           c.tif == kTifFok || c.tif == kTifGtd)
                                        : (c.tif == 0 || c.tif == kTifIoc || c.tif == kTifFok);
  if (!tif_ok) {
    return make_reject(RejectReason::kUnsupportedTimeInForce,
                       "TimeInForce '" + char_text(c.tif) + "' not supported for OrdType " + char_text(c.ord_type) +
                           (c.ord_type == '2' ? "; send 0 (Day), 1 (GTC), 3 (IOC), 4 (FOK) or 6 (GTD)"
                                              : "; it executes at once: send 3 (IOC), 4 (FOK) or none"));
  }
  if (c.ord_type == '2' && c.tif == 0) o.tif = kTifDay;
  if (o.tif == kTifGtd) {
    if (c.expire_time.empty() == c.expire_date.empty()) {
      return make_reject(RejectReason::kExpireTimeInvalid, "TimeInForce 6 (GTD) needs exactly one of ExpireTime, ExpireDate");
    }
    if (!c.expire_time.empty()) {
      if (!parse_fix_timestamp(c.expire_time, &o.expire)) {
        return make_reject(RejectReason::kExpireTimeInvalid,
                           "ExpireTime '" + c.expire_time + "' is not a UTCTimestamp YYYYMMDD-HH:MM:SS[.sss]");
      }
    } else {
      int64_t days = 0;
      if (!parse_local_date(c.expire_date, &days)) {
        return make_reject(RejectReason::kExpireTimeInvalid, "ExpireDate '" + c.expire_date + "' is not a date YYYYMMDD");
      }
      o.expire = TimeUs(days * kUsPerDay + ref_.limits.day_end_utc_minutes * kUsPerMinute);
    }
    if (o.expire.value <= t.value) {
      return make_reject(RejectReason::kExpireTimeInvalid, "the order would expire at " +
                                                               format_fix_timestamp_ms(o.expire) + ", not in the future");
    }
  } else if (!c.expire_time.empty() || !c.expire_date.empty()) {
    return make_reject(RejectReason::kFieldNotAllowed, "ExpireTime/ExpireDate are only allowed with TimeInForce 6 (GTD)");
  }
  if (o.tif == kTifDay) {
    int64_t end = t.value / kUsPerDay * kUsPerDay + ref_.limits.day_end_utc_minutes * kUsPerMinute;
    if (end <= t.value) end += kUsPerDay;
    o.expire = TimeUs(end);
  }
  if (!c.slippage_bps.empty() && c.ord_type != '1') {
    return make_reject(RejectReason::kFieldNotAllowed,
                       "MaxSlippageBps(20001) applies to market orders only; a limit IOC bounds the price of others");
  }
  if (c.ord_type != 'D' && !c.quote_id.empty()) {
    return make_reject(RejectReason::kFieldNotAllowed, "QuoteID is only allowed with OrdType D");
  }

  Price px_for_limits;
  std::optional<Price> desk_px;
  Qty desk_qty;
  if (c.ord_type == 'D') {
    Result<Ok> q = check_quoted(c, &o, *inst);
    if (!q.ok()) return q.reject();
    px_for_limits = o.limit;
  } else if (c.ord_type == '2') {
    if (c.price_text.empty()) return make_reject(RejectReason::kMissingField, "Price is required for a limit order");
    Result<Price> px = parse_price(*inst, c.price_text);
    if (!px.ok()) return px.reject();
    o.limit = px.value();
    o.hold_px = px.value();
    px_for_limits = o.limit;
  } else {
    if (!c.price_text.empty()) return make_reject(RejectReason::kFieldNotAllowed, "Price is not allowed on a market order");
    int64_t slip = ref_.tier_of(c.client).slippage_cbps;
    if (!c.slippage_bps.empty()) {
      // Basis points with up to two decimals = cbps.
      if (parse_decimal(c.slippage_bps, 2, &slip) != DecimalError::kOk || slip < 0 ||
          slip > ref_.limits.slippage_max_cbps) {
        return make_reject(RejectReason::kSlippageInvalid,
                           "MaxSlippageBps '" + c.slippage_bps + "' must be a decimal 0.." +
                               format_decimal(ref_.limits.slippage_max_cbps, 2) + " with at most 2 decimals");
      }
    }
    const auto& ref_px = refs_[inst->id.value];
    if (!ref_px || t.value - ref_px->ts.value > ref_.limits.price_age_max_ms * 1000) {
      return make_reject(RejectReason::kNoReferencePrice, "no fresh reference price for " + inst->symbol);
    }
    // The worst price the client accepts: the reference mid moved by the tolerance,
    // rounded to the tick toward the mid (never beyond the tolerance).
    int64_t bound = 0;
    const bool ok = o.side == Side::kBuy
                        ? mul_div(ref_px->mid.value, kCbpsPerUnit + slip, kCbpsPerUnit, Rounding::kDown, &bound)
                        : mul_div(ref_px->mid.value, kCbpsPerUnit - slip, kCbpsPerUnit, Rounding::kUp, &bound);
    if (!ok) return make_reject(RejectReason::kNumberOutOfRange, "slippage bound out of range");
    bound = o.side == Side::kBuy ? bound / inst->tick * inst->tick : (bound + inst->tick - 1) / inst->tick * inst->tick;
    if (bound <= 0) return make_reject(RejectReason::kSlippageInvalid, "slippage bound is not a positive price");
    o.limit = Price(bound);
    o.hold_px = Price(bound);
    px_for_limits = o.limit;
    desk_px = desk_price(o, o.leaves(), &desk_qty);
    if (!desk_px) return make_reject(RejectReason::kNoReferencePrice, "the desk has no price for " + inst->symbol + " now");
    if (!crosses(o.side, o.limit, *desk_px)) {
      return make_reject(RejectReason::kSlippageExceeded,
                         "desk price " + format_price(*inst, *desk_px) + " for " + format_qty(ref_, *inst, desk_qty) +
                             " is beyond the tolerance of " + format_decimal(slip, 2) + " bps from the reference " +
                             format_price(*inst, ref_px->mid) + " (bound " + format_price(*inst, o.limit) + ")");
    }
  }
  Result<Amount> n = notional(ref_, *inst, o.qty, o.limit, o.side);
  if (!n.ok()) return n.reject();
  if (n.value().value == 0) {
    return make_reject(RejectReason::kNotionalTooSmall, "notional of " + c.qty_text + " " + inst->symbol +
                                                            " rounds to zero " + ref_.asset(inst->quote).code);
  }
  Result<Ok> lim = check_limits(o, px_for_limits);
  if (!lim.ok()) return lim.reject();
  if (o.ord_type == '2' && tif_rests(o.tif) && resting_count() >= ref_.limits.open_orders_max) {
    return make_reject(RejectReason::kOrderBookFull,
                       "the book holds " + std::to_string(resting_count()) + " resting orders (limit)");
  }

  std::vector<PlannedFill> plan;
  if (o.ord_type == 'D') {
    plan.push_back(PlannedFill{std::nullopt, o.qty, o.limit});
  } else if (o.ord_type == '1') {
    plan.push_back(PlannedFill{std::nullopt, desk_qty, *desk_px});  // market orders trade with the desk only
  } else {
    Result<std::vector<PlannedFill>> p = plan_match(o);
    if (!p.ok()) return p.reject();
    plan = std::move(p.value());
  }

  // The hold: refused here when the client cannot fund the order.
  Result<Amount> need = hold_need(o);
  if (!need.ok()) return need.reject();
  const AssetId ha = hold_asset(o);
  std::vector<Transfer> hold;
  hold.push_back(ledger_.transfer(client_accounts_[c.client.value][ha.value], held_accounts_[c.client.value][ha.value],
                                  need.value()));
  Status funds = check_fillable(o, hold);
  if (!funds.ok()) return funds.reject();

  o.held = need.value();
  o.priority = next_priority_++;
  const ExecId exec(next_exec_id_++);
  Json payload;
  JournalRecord rec = order_record(o, RecordKind::kOrderAccepted, exec, t, o.cl_ord_id, &payload);
  payload["price_text"] = c.price_text;
  payload["qty_text"] = c.qty_text;
  payload["slippage_bps"] = c.slippage_bps;
  rec.payload = canonical(payload);
  Status posted = ledger_.post(std::move(hold), std::move(rec));
  OTC_ASSERT(posted.ok());  // check() passed on the same state, on this thread
  auto [it, inserted] = orders_.emplace(o.id.value, std::move(o));
  OTC_ASSERT(inserted);
  Order& placed = it->second;
  index_order(placed);
  open_by_client_[placed.client.value].insert(placed.id.value);
  out->push_back(report(placed, exec, ExecKind::kNew, t));
  std::get<ExecReportEvent>(out->back()).seq = journal_.last_seq();

  Qty planned(0);
  for (const PlannedFill& f : plan) planned = Qty(planned.value + f.qty.value);
  if (placed.tif == kTifFok && planned != placed.qty) {
    close_order(placed, RecordKind::kOrderCanceled, ExecKind::kCanceled, placed.cl_ord_id, "",
                std::to_string(static_cast<int>(RejectReason::kFillOrKillUnfillable)) +
                    " fill_or_kill_unfillable: only " + format_qty(ref_, *inst, planned) + " of " +
                    format_qty(ref_, *inst, placed.qty) + " available now",
                out);
    return Ok{};
  }
  run_plan(placed, plan, out);
  if (placed.ord_type == 'D') rfq_.mark_executed(placed.quote_id);
  finish_incoming(placed, out);
  return Ok{};
}

void Engine::run_plan(Order& o, const std::vector<PlannedFill>& plan, std::vector<Event>* out) {
  for (const PlannedFill& f : plan) {
    if (!is_open(o.status)) break;
    if (f.resting) {
      Order& r = orders_.at(f.resting->value);
      fill_internal(o, r, f.qty, f.px, out);
      if (!is_open(r.status)) retire(r);
    } else {
      fill_desk(o, f.qty, f.px, o.quote_id, out);
    }
  }
}

// After its immediate executions: a filled order closes, a resting TIF rests, anything
// else (market, IOC, quoted) has its remainder canceled.
void Engine::finish_incoming(Order& o, std::vector<Event>* out) {
  if (o.status == OrdStatus::kFilled) {
    retire(o);
    return;
  }
  if (o.ord_type == '2' && tif_rests(o.tif)) {
    rest(o);
    return;
  }
  const std::string why = o.ord_type == '1' ? "market order remainder canceled: the desk's size for " +
                                                  ref_.instrument(o.instrument).symbol + " is " +
                                                  format_qty(ref_, ref_.instrument(o.instrument),
                                                             desk_capacity(ref_.instrument(o.instrument)))
                                            : "immediate-or-cancel remainder canceled";
  close_order(o, RecordKind::kOrderCanceled, ExecKind::kCanceled, o.cl_ord_id, "", why, out);
}

// ---- Fills ------------------------------------------------------------------------

void Engine::desk_fill_transfers(const Order& o, Qty qty, const FillMoney& m, std::vector<Transfer>* tr) const {
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  const auto& acc = client_accounts_[o.client.value];
  const auto& held = held_accounts_[o.client.value];
  const AssetId b = inst.base;
  const AssetId q = inst.quote;
  auto add = [&](AccountId debit, AccountId credit, Amount a) {
    if (a.value > 0) tr->push_back(ledger_.transfer(debit, credit, a));
  };
  if (o.side == Side::kBuy) {
    add(held[q.value], desk_accounts_[q.value], m.notional);
    add(held[q.value], fee_accounts_[q.value], m.fee);
    add(desk_accounts_[b.value], acc[b.value], Amount(qty.value));
    add(held[q.value], acc[q.value], m.release);
  } else {
    add(held[b.value], desk_accounts_[b.value], Amount(qty.value));
    add(desk_accounts_[q.value], acc[q.value], m.notional);
    add(acc[q.value], fee_accounts_[q.value], m.fee);
  }
}

JournalRecord Engine::fill_record(const Order& o, Qty qty, Price px, const FillMoney& m, ExecId exec, QuoteId quote,
                                  TimeUs t, Json extra) {
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  Json payload;
  JournalRecord rec = order_record(o, RecordKind::kFill, exec, t, o.cl_ord_id, &payload);
  const int64_t ref_notional = value_in_reference(inst.quote, m.notional.value).value_or(0);
  payload["fee"] = m.fee.value;
  payload["notional"] = m.notional.value;
  payload["price"] = px.value;
  payload["qty"] = qty.value;
  payload["ref_notional"] = ref_notional;
  payload["side"] = side_name(o.side);
  for (auto& [k, v] : extra.items()) payload[k] = std::move(v);
  rec.payload = canonical(payload);
  ledger::TradeRow trade;
  trade.exec_id = exec;
  trade.order_id = o.id;
  trade.quote_id = quote;
  trade.client = ref_.client(o.client).code;
  trade.cl_ord_id = o.cl_ord_id;
  trade.instrument = inst.symbol;
  trade.side = o.side;
  trade.qty = qty;
  trade.price = px;
  trade.qty_text = format_qty(ref_, inst, qty);
  trade.price_text = format_price(inst, px);
  trade.notional = m.notional;
  trade.fee = m.fee;
  rec.trade = std::move(trade);
  add_daily(o.client, t, ref_notional);
  return rec;
}

void Engine::fill_desk(Order& o, Qty qty, Price px, QuoteId quote, std::vector<Event>* out) {
  const InstrumentSpec& inst = ref_.instrument(o.instrument);
  const TimeUs t = now();
  const FillMoney m = apply_fill(o, qty, px);
  std::vector<Transfer> tr;
  desk_fill_transfers(o, qty, m, &tr);
  const ExecId exec(next_exec_id_++);
  JournalRecord rec = fill_record(o, qty, px, m, exec, quote, t, Json{{"counterparty", "DESK"}, {"quote_id", quote.value}});
  // Sells: proceeds arrive in the same posting as the fee leaves; buys were held in full.
  Status posted = ledger_.post(std::move(tr), std::move(rec));
  OTC_ASSERT(posted.ok());
  ExecReportEvent e = report(o, exec, ExecKind::kTrade, t);
  e.last_qty = qty;
  e.last_px = px;
  e.notional = m.notional;
  e.fee = m.fee;
  e.quote_id = quote;
  e.seq = journal_.last_seq();
  out->push_back(std::move(e));
  mark_positions_moved(inst);
}

void Engine::fill_internal(Order& incoming, Order& resting, Qty qty, Price px, std::vector<Event>* out) {
  OTC_ASSERT(incoming.side != resting.side && incoming.client != resting.client);
  const InstrumentSpec& inst = ref_.instrument(incoming.instrument);
  const TimeUs t = now();
  Order& buyer = incoming.side == Side::kBuy ? incoming : resting;
  Order& seller = incoming.side == Side::kBuy ? resting : incoming;
  const FillMoney mb = apply_fill(buyer, qty, px);
  const FillMoney ms = apply_fill(seller, qty, px);
  const AssetId b = inst.base;
  const AssetId q = inst.quote;
  const auto& b_acc = client_accounts_[buyer.client.value];
  const auto& b_held = held_accounts_[buyer.client.value];
  const auto& s_acc = client_accounts_[seller.client.value];
  const auto& s_held = held_accounts_[seller.client.value];
  // The buyer pays its notional (rounded up over its fills), the seller receives its
  // own (rounded down): the desk keeps or pays the rounding difference.
  std::vector<Transfer> tb;
  std::vector<Transfer> ts;
  auto add = [&](std::vector<Transfer>& v, AccountId debit, AccountId credit, Amount a) {
    if (a.value > 0) v.push_back(ledger_.transfer(debit, credit, a));
  };
  add(tb, b_held[q.value], s_acc[q.value], Amount(std::min(mb.notional.value, ms.notional.value)));
  add(tb, b_held[q.value], desk_accounts_[q.value], Amount(mb.notional.value - std::min(mb.notional.value, ms.notional.value)));
  add(tb, b_held[q.value], fee_accounts_[q.value], mb.fee);
  add(tb, b_held[q.value], b_acc[q.value], mb.release);
  add(ts, s_held[b.value], b_acc[b.value], Amount(qty.value));
  add(ts, desk_accounts_[q.value], s_acc[q.value], Amount(ms.notional.value - std::min(mb.notional.value, ms.notional.value)));
  add(ts, s_acc[q.value], fee_accounts_[q.value], ms.fee);

  const ExecId exec_b(next_exec_id_++);
  const ExecId exec_s(next_exec_id_++);
  auto record = [&](const Order& o, const Order& other, ExecId exec, const FillMoney& m, ExecId other_exec) {
    return fill_record(o, qty, px, m, exec, QuoteId(0), t,
                       Json{{"counterparty", ref_.client(other.client).code},
                            {"counterparty_order_id", other.id.value},
                            {"counterparty_exec_id", other_exec.value},
                            {"internal", true}});
  };
  // Both postings were funded by holds; the seller's fee comes out of proceeds the
  // buyer's posting (first) credits.
  Status pb = ledger_.post(std::move(tb), record(buyer, seller, exec_b, mb, exec_s));
  OTC_ASSERT(pb.ok());
  Status ps = ledger_.post(std::move(ts), record(seller, buyer, exec_s, ms, exec_b));
  OTC_ASSERT(ps.ok());
  const uint64_t seq_s = journal_.last_seq();  // the buyer's record is the one before
  for (const auto& [o, exec, m] : {std::tuple<const Order&, ExecId, const FillMoney&>{incoming, incoming.side == Side::kBuy ? exec_b : exec_s,
                                                                                       incoming.side == Side::kBuy ? mb : ms},
                                   std::tuple<const Order&, ExecId, const FillMoney&>{resting, resting.side == Side::kBuy ? exec_b : exec_s,
                                                                                       resting.side == Side::kBuy ? mb : ms}}) {
    ExecReportEvent e = report(o, exec, ExecKind::kTrade, t);
    e.last_qty = qty;
    e.last_px = px;
    e.notional = m.notional;
    e.fee = m.fee;
    e.internal = true;
    e.seq = o.side == Side::kBuy ? seq_s - 1 : seq_s;
    out->push_back(std::move(e));
  }
  if (mb.notional != ms.notional) mark_positions_moved(inst);
}

// A price move: every resting order the desk's price for its size now reaches fills,
// at its own limit. Bids are walked best first; once a bid is below the lowest offer
// the desk could make (mid less the largest skew), no later bid can fill.
void Engine::match_resting(InstrumentId inst_id, std::vector<Event>* out) {
  if (journal_.halted()) return;
  const InstrumentSpec& inst = ref_.instrument(inst_id);
  const auto& px = refs_[inst_id.value];
  if (!px) return;
  for (const Side side : {Side::kBuy, Side::kSell}) {
    int64_t reach = 0;  // the furthest the desk's price can be toward this side
    const bool ok = side == Side::kBuy
                        ? mul_div(px->mid.value, kCbpsPerUnit - inst.skew_max_cbps, kCbpsPerUnit, Rounding::kDown, &reach)
                        : mul_div(px->mid.value, kCbpsPerUnit + inst.skew_max_cbps, kCbpsPerUnit, Rounding::kUp, &reach);
    if (!ok) continue;
    for (OrderId id : books_[inst_id.value].side_orders(side)) {
      Order& o = orders_.at(id.value);
      if (side == Side::kBuy ? o.limit.value < reach : o.limit.value > reach) break;
      Qty size;
      const std::optional<Price> desk = desk_price(o, o.leaves(), &size);
      if (!desk || !crosses(o.side, o.limit, *desk)) continue;
      unrest(o);
      fill_desk(o, size, o.limit, QuoteId(0), out);
      if (is_open(o.status)) {
        rest(o);
      } else {
        retire(o);
      }
    }
  }
}

// ---- Cancel, expiry, replace, status ----------------------------------------------------

void Engine::close_order(Order& o, RecordKind kind, ExecKind ek, const std::string& cl_ord_id,
                         const std::string& orig, const std::string& text, std::vector<Event>* out) {
  OTC_ASSERT(is_open(o.status));
  const TimeUs t = now();
  unrest(o);
  const AssetId ha = hold_asset(o);
  std::vector<Transfer> tr;
  if (o.held.value > 0) {
    tr.push_back(ledger_.transfer(held_accounts_[o.client.value][ha.value], client_accounts_[o.client.value][ha.value],
                                  o.held));
  }
  o.held = Amount(0);
  o.status = kind == RecordKind::kOrderExpired ? OrdStatus::kExpired : OrdStatus::kCanceled;
  if (cl_ord_id != o.cl_ord_id) {
    o.orig_cl_ord_id = orig;
    o.cl_ord_id = cl_ord_id;
    index_order(o);
  }
  const ExecId exec(next_exec_id_++);
  Json payload;
  JournalRecord rec = order_record(o, kind, exec, t, cl_ord_id, &payload);
  payload["text"] = text;
  rec.payload = canonical(payload);
  Status posted = ledger_.post(std::move(tr), std::move(rec));
  OTC_ASSERT(posted.ok());  // a release always fits
  ExecReportEvent e = report(o, exec, ek, t);
  e.text = text;
  e.seq = journal_.last_seq();
  out->push_back(std::move(e));
  retire(o);
}

void Engine::expire_orders(std::vector<Event>* out) {
  if (journal_.halted()) return;
  const TimeUs t = now();
  while (!expiries_.empty() && expiries_.begin()->first <= t.value) {
    const OrderId id = expiries_.begin()->second;
    Order& o = orders_.at(id.value);
    OTC_ASSERT(is_open(o.status) && books_[o.instrument.value].contains(o));  // closing removes the entry
    const char* why = o.tif == kTifDay ? "Day order expired at the end of day" : "GTD order expired";
    close_order(o, RecordKind::kOrderExpired, ExecKind::kExpired, o.cl_ord_id, "", why, out);
    OTC_ASSERT(expiries_.empty() || expiries_.begin()->second != id || expiries_.begin()->first > t.value);
  }
}

std::string Engine::order_state_text(const Order& o) const {
  switch (o.status) {
    case OrdStatus::kFilled:
      return "filled";
    case OrdStatus::kCanceled:
      return "canceled";
    case OrdStatus::kExpired:
      return "expired";
    default:
      return "open";
  }
}

// The checks OrderCancelRequest and OrderCancelReplaceRequest share. Returns the open
// order the request names, or null after answering it with a CancelRejected (journaled).
Order* Engine::order_to_change(const ChangeRequest& c, std::vector<Event>* out) {
  Order* o = c.orig_cl_ord_id.empty() ? nullptr : find_by_cl_ord_id(c.client, c.orig_cl_ord_id);
  auto& seen = cl_ord_ids_[c.client.value];
  std::optional<Reject> r;
  if (c.cl_ord_id.empty() || c.cl_ord_id.size() > kClOrdIdLengthMax) {
    r = make_reject(RejectReason::kClOrdIdInvalid, "ClOrdID must be 1.." + std::to_string(kClOrdIdLengthMax) + " characters");
  } else if (seen.count(c.cl_ord_id) != 0) {
    r = make_reject(RejectReason::kDuplicateClOrdId, "ClOrdID '" + c.cl_ord_id + "' was already used");
  } else if (seen.size() >= ref_.limits.cl_ord_ids_per_client_max) {
    r = make_reject(RejectReason::kClOrdIdLimit, "this client has used " + std::to_string(seen.size()) + " ClOrdIDs (limit)");
  } else if (seen.insert(c.cl_ord_id), o == nullptr) {
    r = make_reject(RejectReason::kUnknownOrder, "no order with ClOrdID '" + c.orig_cl_ord_id + "'");
  } else if (o->cl_ord_id != c.orig_cl_ord_id && is_open(o->status)) {
    r = make_reject(RejectReason::kUnknownOrder, "OrigClOrdID '" + c.orig_cl_ord_id +
                                                     "' was replaced; the order's ClOrdID is now '" + o->cl_ord_id + "'");
  } else if (!c.order_id.empty() && c.order_id != format_order_id(o->id)) {
    r = make_reject(RejectReason::kOrderMismatch, "OrderID " + c.order_id + " is not the order of ClOrdID '" +
                                                      c.orig_cl_ord_id + "' (" + format_order_id(o->id) + ")");
  } else if (c.symbol != ref_.instrument(o->instrument).symbol || side_from_char(c.side) != o->side) {
    r = make_reject(RejectReason::kOrderMismatch, "Symbol/Side do not match the order (" +
                                                      ref_.instrument(o->instrument).symbol + " " +
                                                      side_name(o->side) + ")");
  } else if (!is_open(o->status)) {
    r = make_reject(RejectReason::kOrderNotOpen, "the order is already " + order_state_text(*o));
  }
  if (!r) return o;
  refuse_change(c, o, std::move(*r), out);
  return nullptr;
}

void Engine::refuse_change(const ChangeRequest& c, const Order* o, Reject r, std::vector<Event>* out) {
  const TimeUs t = now();
  CancelRejectedEvent ev{c.client, c.cl_ord_id, c.orig_cl_ord_id, std::nullopt, std::nullopt, c.response_to, r, t};
  JournalRecord rec;
  rec.kind = RecordKind::kCancelRejected;
  rec.ts = t;
  rec.client = ref_.client(c.client).code;
  if (o != nullptr) {
    ev.order_id = o->id;
    ev.ord_status = o->status;
    rec.order_id = o->id;
  }
  // The indexed ClOrdID marks it used after a restart: only for ones we took as used.
  if (r.reason != RejectReason::kClOrdIdInvalid && r.reason != RejectReason::kDuplicateClOrdId &&
      r.reason != RejectReason::kClOrdIdLimit) {
    rec.cl_ord_id = c.cl_ord_id;
  }
  Json j{{"cl_ord_id", c.cl_ord_id},
         {"client", rec.client},
         {"detail", r.detail},
         {"order_id", c.order_id},
         {"orig_cl_ord_id", c.orig_cl_ord_id},
         {"reason", static_cast<int>(r.reason)},
         {"reason_name", reject_name(r.reason)},
         {"response_to", char_text(c.response_to)},
         {"side", char_text(c.side)},
         {"symbol", c.symbol}};
  if (c.response_to == '2') {
    j["price"] = c.price_text;
    j["qty"] = c.qty_text;
  }
  if (ev.ord_status) j["ord_status"] = char_text(static_cast<char>(*ev.ord_status));
  rec.payload = canonical(j);
  ev.seq = journal_.append(std::move(rec));
  out->push_back(std::move(ev));
}

void Engine::on_cancel_order(const CancelOrderCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  if (journal_.halted()) {
    out->push_back(OrderNotTakenEvent{c.client, c.cl_ord_id, 'F', make_reject(RejectReason::kJournalHalted, "journal halted"), now()});
    return;
  }
  Order* o = order_to_change(ChangeRequest{c.client, c.cl_ord_id, c.orig_cl_ord_id, c.order_id, c.symbol, c.side, '1', "", ""}, out);
  if (o == nullptr) return;
  close_order(*o, RecordKind::kOrderCanceled, ExecKind::kCanceled, c.cl_ord_id, c.orig_cl_ord_id, "", out);
}

void Engine::on_replace_order(const ReplaceOrderCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  const TimeUs t = now();
  if (journal_.halted()) {
    out->push_back(OrderNotTakenEvent{c.client, c.cl_ord_id, 'G', make_reject(RejectReason::kJournalHalted, "journal halted"), t});
    return;
  }
  const ChangeRequest req{c.client, c.cl_ord_id, c.orig_cl_ord_id, c.order_id, c.symbol, c.side, '2', c.qty_text, c.price_text};
  Order* o = order_to_change(req, out);
  if (o == nullptr) return;
  auto refuse = [&](Reject r) { refuse_change(req, o, std::move(r), out); };
  const InstrumentSpec& inst = ref_.instrument(o->instrument);
  if (c.ord_type != o->ord_type || (c.tif != 0 && c.tif != o->tif)) {
    return refuse(make_reject(RejectReason::kReplaceUnsupported,
                              "OrdType/TimeInForce cannot change (the order is OrdType " + char_text(o->ord_type) +
                                  ", TimeInForce " + char_text(o->tif) + "); only Price and OrderQty can"));
  }
  if (c.qty_text.empty()) return refuse(make_reject(RejectReason::kMissingField, "OrderQty is required"));
  Result<Qty> qty = parse_qty(ref_, inst, c.qty_text);
  if (!qty.ok()) return refuse(qty.reject());
  if (c.price_text.empty()) return refuse(make_reject(RejectReason::kMissingField, "Price is required"));
  Result<Price> px = parse_price(inst, c.price_text);
  if (!px.ok()) return refuse(px.reject());
  if (qty.value().value <= o->cum.value) {
    return refuse(make_reject(RejectReason::kReplaceQtyNotAboveFilled,
                              "OrderQty " + c.qty_text + " is not above the filled " + format_qty(ref_, inst, o->cum) +
                                  "; to stop the order send OrderCancelRequest"));
  }
  Order next = *o;
  next.qty = qty.value();
  next.limit = px.value();
  next.hold_px = px.value();
  Result<Amount> n = notional(ref_, inst, next.qty, next.limit, next.side);
  if (!n.ok()) return refuse(n.reject());
  Result<Ok> lim = check_limits(next, next.limit);
  if (!lim.ok()) return refuse(lim.reject());
  // A resting order is not in its own way: taken out of the book for the plan.
  unrest(*o);
  Result<std::vector<PlannedFill>> plan = plan_match(next);
  if (!plan.ok()) {
    rest(*o);
    return refuse(plan.reject());
  }
  Result<Amount> need = hold_need(next);
  if (!need.ok()) {
    rest(*o);
    return refuse(need.reject());
  }
  const AssetId ha = hold_asset(*o);
  const AccountId avail = client_accounts_[o->client.value][ha.value];
  const AccountId held = held_accounts_[o->client.value][ha.value];
  std::vector<Transfer> tr;
  if (need.value().value > o->held.value) {
    tr.push_back(ledger_.transfer(avail, held, Amount(need.value().value - o->held.value)));
  } else if (need.value().value < o->held.value) {
    tr.push_back(ledger_.transfer(held, avail, Amount(o->held.value - need.value().value)));
  }
  Status funds = check_fillable(next, tr);
  if (!funds.ok()) {
    rest(*o);
    return refuse(funds.reject());
  }
  // Time priority is kept only when the price stays and the quantity does not grow.
  if (next.limit != o->limit || next.qty.value > o->qty.value) next.priority = next_priority_++;
  next.held = need.value();
  next.orig_cl_ord_id = c.orig_cl_ord_id;
  next.cl_ord_id = c.cl_ord_id;
  *o = std::move(next);
  index_order(*o);
  const ExecId exec(next_exec_id_++);
  Json payload;
  JournalRecord rec = order_record(*o, RecordKind::kOrderReplaced, exec, t, c.cl_ord_id, &payload);
  payload["price_text"] = c.price_text;
  payload["qty_text"] = c.qty_text;
  rec.payload = canonical(payload);
  Status posted = ledger_.post(std::move(tr), std::move(rec));
  OTC_ASSERT(posted.ok());
  out->push_back(report(*o, exec, ExecKind::kReplaced, t));
  std::get<ExecReportEvent>(out->back()).seq = journal_.last_seq();
  run_plan(*o, plan.value(), out);
  finish_incoming(*o, out);
}

void Engine::on_order_status(const OrderStatusCmd& c, std::vector<Event>* out) {
  OTC_ASSERT(c.client.value < ref_.clients.size());
  const TimeUs t = now();
  if (journal_.halted()) {
    // What is in memory may hold changes that never became durable: not told.
    out->push_back(OrderNotTakenEvent{c.client, c.cl_ord_id, 'H', make_reject(RejectReason::kJournalHalted, "journal halted"), t});
    return;
  }
  const Order* o = c.cl_ord_id.empty() ? nullptr : find_by_cl_ord_id(c.client, c.cl_ord_id);
  if (o == nullptr && !c.order_id.empty()) {
    for (uint64_t id : open_by_client_[c.client.value]) {
      if (format_order_id(OrderId(id)) == c.order_id) o = &orders_.at(id);
    }
  }
  if (o == nullptr || (!c.order_id.empty() && c.order_id != format_order_id(o->id))) {
    OrderRejectedEvent e{c.client, OrderId(0), ExecId(0), c.cl_ord_id, c.symbol, c.side, 0, "", "",
                         make_reject(RejectReason::kUnknownOrder, "no order of this client with ClOrdID '" +
                                                                      c.cl_ord_id + "'" +
                                                                      (c.order_id.empty() ? "" : " / OrderID " + c.order_id)),
                         t};
    e.exec_type = 'I';
    out->push_back(std::move(e));
    return;
  }
  ExecReportEvent e = report(*o, ExecId(0), ExecKind::kStatus, t);
  e.request_id = c.cl_ord_id;
  out->push_back(std::move(e));
}

// ---- Invariants ---------------------------------------------------------------------

std::string Engine::dump_state() const {
  Json counters{{"next_exec_id", next_exec_id_}, {"next_order_id", next_order_id_}, {"next_quote_id", next_quote_id_}};
  Json balances = Json::array();
  std::vector<ledger::Account> accounts = ledger_.accounts();
  std::sort(accounts.begin(), accounts.end(), [](const ledger::Account& a, const ledger::Account& b) { return a.id < b.id; });
  for (const ledger::Account& a : accounts) {
    balances.push_back(Json{{"account", a.id.value},
                            {"asset", a.asset_code},
                            {"balance", ledger_.balance(a.id).value},
                            {"owner", a.owner},
                            {"purpose", ledger::account_purpose_name(a.purpose)}});
  }
  Json orders = Json::array();
  for (const Order* o : open_orders()) {
    Json payload;
    order_record(*o, RecordKind::kOrderAccepted, ExecId(0), TimeUs(0), o->cl_ord_id, &payload);
    orders.push_back(std::move(payload["order"]));
  }
  Json books = Json::object();
  for (const InstrumentSpec& inst : ref_.instruments) {
    const OrderBook& b = books_.at(inst.id.value);
    Json sides = Json::object();
    for (Side side : {Side::kBuy, Side::kSell}) {
      Json ids = Json::array();
      for (OrderId id : b.side_orders(side)) ids.push_back(id.value);
      sides[side_name(side)] = std::move(ids);
    }
    books[inst.symbol] = std::move(sides);
  }
  Json quotes = Json::array();
  for (const Quote* q : rfq_.live_quotes()) {
    Json j{{"client", ref_.client(q->client).code},
           {"firm", q->firm},
           {"id", q->id.value},
           {"instrument", ref_.instrument(q->instrument).symbol},
           {"mid", q->mid.value},
           {"qty", q->qty.value},
           {"quote_req_id", q->quote_req_id},
           {"side", q->side ? side_name(*q->side) : "two_way"},
           {"valid_until_us", q->valid_until.value}};
    if (q->bid) j["bid"] = q->bid->value;
    if (q->offer) j["offer"] = q->offer->value;
    quotes.push_back(std::move(j));
  }
  Json clients = Json::object();
  for (const ClientSpec& c : ref_.clients) {
    std::vector<std::string> ids(cl_ord_ids_[c.id.value].begin(), cl_ord_ids_[c.id.value].end());
    std::sort(ids.begin(), ids.end());
    Sha256Hasher h;
    for (const std::string& id : ids) {
      h.update(id);
      h.update("\n", 1);
    }
    clients[c.code] = Json{{"cl_ord_ids", ids.size()}, {"cl_ord_ids_sha256", to_hex(h.finish())},
                           {"daily_used", daily_used(c.id)}};
  }
  return canonical(Json{{"balances", std::move(balances)},
                        {"books", std::move(books)},
                        {"clients", std::move(clients)},
                        {"counters", std::move(counters)},
                        {"live_quotes", std::move(quotes)},
                        {"open_orders", std::move(orders)}});
}

std::string Engine::check_invariants() const {
  for (const InstrumentSpec& inst : ref_.instruments) {
    const OrderBook& b = books_[inst.id.value];
    for (const Side side : {Side::kBuy, Side::kSell}) {
      const auto& m = side == Side::kBuy ? b.bids() : b.asks();
      const Order* prev = nullptr;
      for (const auto& [key, id] : m) {
        auto it = orders_.find(id.value);
        if (it == orders_.end()) return "book of " + inst.symbol + " holds unknown order " + format_order_id(id);
        const Order& o = it->second;
        if (!is_open(o.status) || o.side != side || o.instrument != inst.id || o.leaves().value <= 0) {
          return "book of " + inst.symbol + " holds order " + format_order_id(id) + " that is not open on that side";
        }
        if (prev != nullptr) {
          const bool ordered = side == Side::kBuy ? (prev->limit.value > o.limit.value ||
                                                     (prev->limit == o.limit && prev->priority < o.priority))
                                                  : (prev->limit.value < o.limit.value ||
                                                     (prev->limit == o.limit && prev->priority < o.priority));
          if (!ordered) return "book of " + inst.symbol + " out of price-time order at " + format_order_id(id);
        }
        prev = &o;
      }
    }
    // Not crossed between different clients (own orders cannot cross: self-trade is refused).
    if (!b.bids().empty() && !b.asks().empty()) {
      const Order& bid = orders_.at(b.bids().begin()->second.value);
      const Order& ask = orders_.at(b.asks().begin()->second.value);
      if (bid.limit.value >= ask.limit.value) return "book of " + inst.symbol + " is crossed";
    }
  }
  std::vector<std::vector<int64_t>> held(ref_.clients.size(), std::vector<int64_t>(ref_.assets.size(), 0));
  for (size_t c = 0; c < open_by_client_.size(); ++c) {
    for (uint64_t id : open_by_client_[c]) {
      const Order& o = orders_.at(id);
      if (!is_open(o.status)) return "closed order " + format_order_id(o.id) + " listed as open";
      Result<Amount> need = hold_need(o);
      if (!need.ok() || need.value() != o.held) {
        return "order " + format_order_id(o.id) + " holds " + std::to_string(o.held.value) + " but can consume " +
               (need.ok() ? std::to_string(need.value().value) : need.reject().detail);
      }
      if (o.cum.value > o.qty.value) return "order " + format_order_id(o.id) + " overfilled";
      const bool rests = o.ord_type == '2' && tif_rests(o.tif);
      if (rests != books_[o.instrument.value].contains(o)) {
        return "order " + format_order_id(o.id) + (rests ? " is open but not in the book" : " should not rest");
      }
      held[c][hold_asset(o).value] += o.held.value;
    }
  }
  for (const ClientSpec& c : ref_.clients) {
    for (const AssetSpec& a : ref_.assets) {
      const int64_t bal = ledger_.balance(held_accounts_[c.id.value][a.id.value]).value;
      if (bal != held[c.id.value][a.id.value]) {
        return c.code + " holds " + std::to_string(bal) + " " + a.code + " but its open orders need " +
               std::to_string(held[c.id.value][a.id.value]);
      }
      const int64_t avail = ledger_.balance(client_accounts_[c.id.value][a.id.value]).value;
      if (avail < -ledger_.credit_line(c.code, a.code).value) {
        return c.code + " available " + a.code + " " + std::to_string(avail) + " below its credit line";
      }
    }
  }
  return "";
}

// ---- Restart ------------------------------------------------------------------------

Result<Order> order_from_json(const ReferenceData& ref, const Json& s) {
  auto bad = [](const std::string& what) { return make_reject(RejectReason::kJournalHalted, what); };
  if (!s.is_object()) return bad("order record without an order object");
  try {
    Order o;
    o.id = OrderId(s.at("id").get<uint64_t>());
    const ClientSpec* client = ref.find_client(s.at("client").get<std::string>());
    const InstrumentSpec* inst = ref.find_instrument(s.at("instrument").get<std::string>());
    if (client == nullptr || inst == nullptr) {
      return bad("order " + format_order_id(o.id) + " of a client or instrument no longer configured");
    }
    o.client = client->id;
    o.instrument = inst->id;
    const std::string side = s.at("side").get<std::string>();
    if (side != "buy" && side != "sell") return bad("order " + format_order_id(o.id) + ": side '" + side + "'");
    o.side = side == "buy" ? Side::kBuy : Side::kSell;
    const std::string ord_type = s.at("ord_type").get<std::string>();
    const std::string tif = s.at("tif").get<std::string>();
    const std::string status = s.at("status").get<std::string>();
    if (ord_type.size() != 1 || tif.size() > 1 || status.size() != 1) return bad("order " + format_order_id(o.id));
    o.ord_type = ord_type[0];
    o.tif = tif.empty() ? 0 : tif[0];
    o.status = static_cast<OrdStatus>(status[0]);
    o.cl_ord_id = s.at("cl_ord_id").get<std::string>();
    o.orig_cl_ord_id = s.at("orig_cl_ord_id").get<std::string>();
    o.quote_id = QuoteId(s.at("quote_id").get<uint64_t>());
    o.qty = Qty(s.at("qty").get<int64_t>());
    o.cum = Qty(s.at("cum").get<int64_t>());
    o.limit = Price(s.at("limit").get<int64_t>());
    o.hold_px = Price(s.at("hold_px").get<int64_t>());
    if (!parse_i128(s.at("cum_value").get<std::string>(), &o.cum_value)) return bad("order " + format_order_id(o.id));
    o.cum_notional = Amount(s.at("cum_notional").get<int64_t>());
    o.cum_fee = Amount(s.at("cum_fee").get<int64_t>());
    o.held = Amount(s.at("held").get<int64_t>());
    o.fee_cbps = s.at("fee_cbps").get<int64_t>();
    o.expire = TimeUs(s.at("expire_us").get<int64_t>());
    o.priority = s.at("priority").get<uint64_t>();
    o.created = TimeUs(s.at("created_us").get<int64_t>());
    if (o.qty.value <= 0 || o.cum.value < 0 || o.cum.value > o.qty.value || o.fee_cbps < 0) {
      return bad("order " + format_order_id(o.id) + ": quantities or fee out of range");
    }
    return o;
  } catch (const Json::exception& e) {
    return bad(std::string("malformed order record: ") + e.what());
  }
}


Result<Ok> Engine::restore_orders(const ledger::RecoveredState& state) {
  auto bad = [](const std::string& what) {
    return make_reject(RejectReason::kJournalHalted, "restore refused: " + what);
  };
  for (const std::string& text : state.open_orders) {
    const Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.contains("order") || !j["order"].is_object()) return bad("unreadable order record");
    const Json& s = j["order"];
    try {
      Result<Order> parsed = order_from_json(ref_, s);
      if (!parsed.ok()) return bad(parsed.reject().detail);
      Order o = std::move(parsed).value();
      if (o.fee_cbps > kSpreadMaxCbps) return bad("order " + format_order_id(o.id) + " fee rate");
      const std::vector<std::string> earlier = s.at("cl_ord_ids").get<std::vector<std::string>>();
      if (!is_open(o.status) || o.ord_type != '2' || !tif_rests(o.tif) || o.cum.value >= o.qty.value ||
          o.limit.value <= 0) {
        return bad("order " + format_order_id(o.id) + " is marked open but cannot rest");
      }
      Result<Amount> need = hold_need(o);
      if (!need.ok() || need.value() != o.held) return bad("order " + format_order_id(o.id) + " hold does not match its terms");
      next_priority_ = std::max(next_priority_, o.priority + 1);
      auto [it, inserted] = orders_.emplace(o.id.value, std::move(o));
      if (!inserted) return bad("order " + format_order_id(it->second.id) + " twice");
      Order& placed = it->second;
      // Every ClOrdID the order had still names it (status, cancel of a replaced one).
      for (const std::string& id : earlier) {
        if (id == placed.cl_ord_id) continue;
        order_by_cl_ord_id_[placed.client.value][id] = placed.id;
        cl_ord_ids_of_order_[placed.id.value].push_back(id);
      }
      index_order(placed);
      open_by_client_[placed.client.value].insert(placed.id.value);
      rest(placed);
    } catch (const Json::exception& e) {
      return bad(std::string("malformed order record: ") + e.what());
    }
  }
  const int64_t today = now().value / kUsPerDay;
  for (const auto& f : state.recent_fills) {
    if (f.ts.value / kUsPerDay != today) continue;
    const ClientSpec* client = ref_.find_client(f.client);
    if (client == nullptr) continue;
    const Json j = Json::parse(f.payload, nullptr, false);
    if (j.is_discarded() || !j.contains("ref_notional") || !j["ref_notional"].is_number_integer()) continue;  // fills journaled before limits existed
    add_daily(client->id, f.ts, j["ref_notional"].get<int64_t>());
  }
  // The held accounts must equal what the rebuilt orders hold: else the journal and the
  // rebuilt state disagree and nothing may trade.
  std::string broken = check_invariants();
  if (!broken.empty()) return bad(broken);
  return Ok{};
}

}  // namespace otc::engine
