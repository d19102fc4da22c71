#include "common/reject.h"

namespace otc {
namespace {

struct Entry {
  RejectReason reason;
  const char* name;
  const char* description;
};

constexpr Entry kEntries[] = {
    {RejectReason::kUnknownInstrument, "unknown_instrument", "unknown instrument"},
    {RejectReason::kQtyZero, "qty_zero", "quantity is zero"},
    {RejectReason::kQtyNegative, "qty_negative", "quantity is negative"},
    {RejectReason::kQtyBelowMin, "qty_below_min", "quantity below the instrument minimum"},
    {RejectReason::kQtyAboveMax, "qty_above_max", "quantity above the instrument maximum"},
    {RejectReason::kQtyOffLot, "qty_off_lot", "quantity not a multiple of the lot step"},
    {RejectReason::kQtyMalformed, "qty_malformed", "quantity is not a plain decimal number"},
    {RejectReason::kPriceOffTick, "price_off_tick", "price not on the tick grid"},
    {RejectReason::kPriceNotPositive, "price_not_positive", "price must be positive"},
    {RejectReason::kPriceMalformed, "price_malformed", "price is not a plain decimal number"},
    {RejectReason::kUnsupportedSide, "unsupported_side", "side not supported (1=buy, 2=sell)"},
    {RejectReason::kUnsupportedOrdType, "unsupported_ord_type", "order type not supported"},
    {RejectReason::kUnsupportedQuoteType, "unsupported_quote_type", "quote type not supported"},
    {RejectReason::kMissingField, "missing_field", "a required field is missing"},
    {RejectReason::kDuplicateClOrdId, "duplicate_cl_ord_id", "ClOrdID already used by this client"},
    {RejectReason::kUnknownClient, "unknown_client", "unknown client"},
    {RejectReason::kNumberOutOfRange, "number_out_of_range", "number outside the representable range"},
    {RejectReason::kClOrdIdInvalid, "cl_ord_id_invalid", "ClOrdID empty or too long"},
    {RejectReason::kQuoteReqIdInvalid, "quote_req_id_invalid", "QuoteReqID empty or too long"},
    {RejectReason::kClOrdIdLimit, "cl_ord_id_limit", "too many ClOrdIDs remembered for this client"},
    {RejectReason::kUnsupportedTimeInForce, "unsupported_time_in_force", "TimeInForce not supported for this order type"},
    {RejectReason::kExpireTimeInvalid, "expire_time_invalid", "ExpireTime/ExpireDate missing, malformed or not in the future"},
    {RejectReason::kFieldNotAllowed, "field_not_allowed", "a field not allowed with this order type"},
    {RejectReason::kSlippageInvalid, "slippage_invalid", "slippage tolerance malformed or out of range"},
    {RejectReason::kInsufficientFunds, "insufficient_funds", "insufficient funds"},
    {RejectReason::kNotionalOverflow, "notional_overflow", "notional outside the representable range"},
    {RejectReason::kBalanceOverflow, "balance_overflow", "resulting balance outside the representable range"},
    {RejectReason::kNotionalTooSmall, "notional_too_small", "notional rounds to zero in the quote asset"},
    {RejectReason::kSlippageExceeded, "slippage_exceeded", "price worse than the slippage tolerance"},
    {RejectReason::kOrderNotionalLimit, "order_notional_limit", "order notional above the client's limit"},
    {RejectReason::kOpenOrdersLimit, "open_orders_limit", "too many open orders for this client"},
    {RejectReason::kDailyNotionalLimit, "daily_notional_limit", "client's daily traded notional limit reached"},
    {RejectReason::kPositionLimit, "position_limit", "client's position limit in the asset would be exceeded"},
    {RejectReason::kSelfTrade, "self_trade", "order would trade with the client's own resting order"},
    {RejectReason::kFillOrKillUnfillable, "fill_or_kill_unfillable", "fill-or-kill order cannot be filled in full now"},
    {RejectReason::kUnknownQuote, "unknown_quote", "unknown QuoteID"},
    {RejectReason::kQuoteOfOtherClient, "quote_of_other_client", "QuoteID was issued to another client"},
    {RejectReason::kQuoteExpired, "quote_expired", "quote expired"},
    {RejectReason::kQuoteAlreadyExecuted, "quote_already_executed", "quote already executed"},
    {RejectReason::kQuoteSideMismatch, "quote_side_mismatch", "side does not match the quote"},
    {RejectReason::kQuoteQtyMismatch, "quote_qty_mismatch", "quantity does not match the quote"},
    {RejectReason::kQuotePriceMismatch, "quote_price_mismatch", "price does not match the quote"},
    {RejectReason::kQuoteInstrumentMismatch, "quote_instrument_mismatch", "instrument does not match the quote"},
    {RejectReason::kNoReferencePrice, "no_reference_price", "no fresh reference price"},
    {RejectReason::kLiveQuotesLimit, "live_quotes_limit", "too many live quotes"},
    {RejectReason::kQuoteIndicative, "quote_indicative", "the quote is indicative and cannot be executed"},
    {RejectReason::kQuoteTtlOutOfRange, "quote_ttl_out_of_range", "requested ExpireTime outside the allowed quote life"},
    {RejectReason::kQuoteCanceled, "quote_canceled", "the quote was canceled"},
    {RejectReason::kUnsupportedQuoteCancelType, "unsupported_quote_cancel_type", "QuoteCancelType not supported"},
    {RejectReason::kMdReqIdInvalid, "md_req_id_invalid", "MDReqID empty or too long"},
    {RejectReason::kMdDuplicateReqId, "md_duplicate_req_id", "MDReqID already used by a live subscription"},
    {RejectReason::kMdUnknownReqId, "md_unknown_req_id", "no live subscription with this MDReqID"},
    {RejectReason::kMdUnsupportedSubscriptionType, "md_unsupported_subscription_type",
     "SubscriptionRequestType not supported"},
    {RejectReason::kMdUnsupportedMarketDepth, "md_unsupported_market_depth", "MarketDepth not supported"},
    {RejectReason::kMdUnsupportedUpdateType, "md_unsupported_update_type", "MDUpdateType not supported"},
    {RejectReason::kMdUnsupportedEntryType, "md_unsupported_entry_type", "MDEntryType not supported"},
    {RejectReason::kMdSubscriptionsLimit, "md_subscriptions_limit", "too many market data subscriptions"},
    {RejectReason::kMdTooManySymbols, "md_too_many_symbols", "too many instruments in one MarketDataRequest"},
    {RejectReason::kUnknownOrder, "unknown_order", "no order of this client with that ClOrdID/OrderID"},
    {RejectReason::kOrderNotOpen, "order_not_open", "the order is already filled, canceled or expired"},
    {RejectReason::kOrderMismatch, "order_mismatch", "Symbol, Side or OrderID does not match the order"},
    {RejectReason::kReplaceQtyNotAboveFilled, "replace_qty_not_above_filled", "new OrderQty not above the filled quantity"},
    {RejectReason::kReplaceUnsupported, "replace_unsupported", "only price and quantity of a resting limit order can be replaced"},
    {RejectReason::kOrderBookFull, "order_book_full", "the order book is full"},
    {RejectReason::kEngineBusy, "engine_busy", "gateway busy, retry later"},
    {RejectReason::kJournalHalted, "journal_halted", "journal halted, no new business accepted"},
    {RejectReason::kUnsupportedMessage, "unsupported_message", "message type not supported"},
};

constexpr int kCount = static_cast<int>(sizeof(kEntries) / sizeof(kEntries[0]));

constexpr bool entries_sorted() {
  for (int i = 1; i < kCount; ++i) {
    if (static_cast<int>(kEntries[i - 1].reason) >= static_cast<int>(kEntries[i].reason)) return false;
  }
  return true;
}
static_assert(entries_sorted(), "reject table must be in strictly increasing numeric order");

struct AllReasons {
  RejectReason reasons[kCount];
};
constexpr AllReasons make_all() {
  AllReasons a{};
  for (int i = 0; i < kCount; ++i) a.reasons[i] = kEntries[i].reason;
  return a;
}
constexpr AllReasons kAll = make_all();  // constant-initialized: safe from any static initializer

const Entry* find(RejectReason r) {
  for (const Entry& e : kEntries) {
    if (e.reason == r) return &e;
  }
  return nullptr;
}

}  // namespace

const char* reject_name(RejectReason r) {
  const Entry* e = find(r);
  return e ? e->name : "unknown_reason";
}

const char* reject_description(RejectReason r) {
  const Entry* e = find(r);
  return e ? e->description : "unknown reason";
}

const RejectReason* all_reject_reasons(int* count) {
  *count = kCount;
  return kAll.reasons;
}

}  // namespace otc
