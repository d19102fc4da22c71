// tests/common/reject_test.cc: the reject-reason table is complete, well-named and stable.
//
// Numbers and names are persisted (journal, FIX Text(58), counterparties' scripts), so
// the pinned table below must only ever grow: a changed line is a renumbering.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <set>
#include <string>

#include "common/reject.h"

namespace otc {
namespace {

int number(RejectReason r) { return static_cast<int>(r); }

bool is_snake_case(const std::string& s) {
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  if (s.find("__") != std::string::npos) return false;
  if (s.front() >= '0' && s.front() <= '9') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("every reject reason has a distinct snake_case name and a description", "[reject]") {
  int count = -1;
  const RejectReason* all = all_reject_reasons(&count);
  REQUIRE(all != nullptr);
  REQUIRE(count > 0);

  std::set<std::string> names;
  std::set<std::string> descriptions;
  for (int i = 0; i < count; ++i) {
    const RejectReason r = all[i];
    INFO("reason " << number(r));
    const char* name = reject_name(r);
    const char* description = reject_description(r);
    REQUIRE(name != nullptr);
    REQUIRE(description != nullptr);
    CHECK(is_snake_case(name));
    CHECK(std::string(name) != "unknown_reason");  // i.e. found in the table
    CHECK(std::strlen(description) > 0);
    CHECK(std::string(description) != "unknown reason");
    CHECK(names.insert(name).second);
    CHECK(descriptions.insert(description).second);
  }
}

TEST_CASE("reject numbers are strictly increasing and grouped by stage", "[reject]") {
  int count = 0;
  const RejectReason* all = all_reject_reasons(&count);
  REQUIRE(count > 0);
  for (int i = 0; i < count; ++i) {
    const int n = number(all[i]);
    INFO("index " << i << " number " << n);
    const bool in_stage = (n >= 1000 && n <= 1999) || (n >= 2000 && n <= 2999) || (n >= 3000 && n <= 3999) ||
                          (n >= 4000 && n <= 4999) || (n >= 5000 && n <= 5999) || (n >= 9000 && n <= 9999);
    CHECK(in_stage);
    CHECK(n % 1000 != 0);  // numbering within a stage starts at x001
    if (i > 0) CHECK(number(all[i - 1]) < n);
  }
}

TEST_CASE("persisted reject numbers and names are pinned", "[reject]") {
  struct Pin {
    RejectReason reason;
    int number;
    const char* name;
  };
  static const Pin kPins[] = {
      {RejectReason::kUnknownInstrument, 1001, "unknown_instrument"},
      {RejectReason::kQtyZero, 1002, "qty_zero"},
      {RejectReason::kQtyNegative, 1003, "qty_negative"},
      {RejectReason::kQtyBelowMin, 1004, "qty_below_min"},
      {RejectReason::kQtyAboveMax, 1005, "qty_above_max"},
      {RejectReason::kQtyOffLot, 1006, "qty_off_lot"},
      {RejectReason::kQtyMalformed, 1007, "qty_malformed"},
      {RejectReason::kPriceOffTick, 1008, "price_off_tick"},
      {RejectReason::kPriceNotPositive, 1009, "price_not_positive"},
      {RejectReason::kPriceMalformed, 1010, "price_malformed"},
      {RejectReason::kUnsupportedSide, 1011, "unsupported_side"},
      {RejectReason::kUnsupportedOrdType, 1012, "unsupported_ord_type"},
      {RejectReason::kUnsupportedQuoteType, 1013, "unsupported_quote_type"},
      {RejectReason::kMissingField, 1014, "missing_field"},
      {RejectReason::kDuplicateClOrdId, 1015, "duplicate_cl_ord_id"},
      {RejectReason::kUnknownClient, 1016, "unknown_client"},
      {RejectReason::kNumberOutOfRange, 1017, "number_out_of_range"},
      {RejectReason::kClOrdIdInvalid, 1018, "cl_ord_id_invalid"},
      {RejectReason::kQuoteReqIdInvalid, 1019, "quote_req_id_invalid"},
      {RejectReason::kClOrdIdLimit, 1020, "cl_ord_id_limit"},
      {RejectReason::kUnsupportedTimeInForce, 1021, "unsupported_time_in_force"},
      {RejectReason::kExpireTimeInvalid, 1022, "expire_time_invalid"},
      {RejectReason::kFieldNotAllowed, 1023, "field_not_allowed"},
      {RejectReason::kSlippageInvalid, 1024, "slippage_invalid"},
      {RejectReason::kInsufficientFunds, 2001, "insufficient_funds"},
      {RejectReason::kNotionalOverflow, 2002, "notional_overflow"},
      {RejectReason::kBalanceOverflow, 2003, "balance_overflow"},
      {RejectReason::kNotionalTooSmall, 2004, "notional_too_small"},
      {RejectReason::kSlippageExceeded, 2005, "slippage_exceeded"},
      {RejectReason::kOrderNotionalLimit, 2006, "order_notional_limit"},
      {RejectReason::kOpenOrdersLimit, 2007, "open_orders_limit"},
      {RejectReason::kDailyNotionalLimit, 2008, "daily_notional_limit"},
      {RejectReason::kPositionLimit, 2009, "position_limit"},
      {RejectReason::kSelfTrade, 2010, "self_trade"},
      {RejectReason::kFillOrKillUnfillable, 2011, "fill_or_kill_unfillable"},
      {RejectReason::kUnknownQuote, 3001, "unknown_quote"},
      {RejectReason::kQuoteOfOtherClient, 3002, "quote_of_other_client"},
      {RejectReason::kQuoteExpired, 3003, "quote_expired"},
      {RejectReason::kQuoteAlreadyExecuted, 3004, "quote_already_executed"},
      {RejectReason::kQuoteSideMismatch, 3005, "quote_side_mismatch"},
      {RejectReason::kQuoteQtyMismatch, 3006, "quote_qty_mismatch"},
      {RejectReason::kQuotePriceMismatch, 3007, "quote_price_mismatch"},
      {RejectReason::kQuoteInstrumentMismatch, 3008, "quote_instrument_mismatch"},
      {RejectReason::kNoReferencePrice, 3009, "no_reference_price"},
      {RejectReason::kLiveQuotesLimit, 3010, "live_quotes_limit"},
      {RejectReason::kQuoteIndicative, 3011, "quote_indicative"},
      {RejectReason::kQuoteTtlOutOfRange, 3012, "quote_ttl_out_of_range"},
      {RejectReason::kQuoteCanceled, 3013, "quote_canceled"},
      {RejectReason::kUnsupportedQuoteCancelType, 3014, "unsupported_quote_cancel_type"},
      {RejectReason::kMdReqIdInvalid, 4001, "md_req_id_invalid"},
      {RejectReason::kMdDuplicateReqId, 4002, "md_duplicate_req_id"},
      {RejectReason::kMdUnknownReqId, 4003, "md_unknown_req_id"},
      {RejectReason::kMdUnsupportedSubscriptionType, 4004, "md_unsupported_subscription_type"},
      {RejectReason::kMdUnsupportedMarketDepth, 4005, "md_unsupported_market_depth"},
      {RejectReason::kMdUnsupportedUpdateType, 4006, "md_unsupported_update_type"},
      {RejectReason::kMdUnsupportedEntryType, 4007, "md_unsupported_entry_type"},
      {RejectReason::kMdSubscriptionsLimit, 4008, "md_subscriptions_limit"},
      {RejectReason::kMdTooManySymbols, 4009, "md_too_many_symbols"},
      {RejectReason::kUnknownOrder, 5001, "unknown_order"},
      {RejectReason::kOrderNotOpen, 5002, "order_not_open"},
      {RejectReason::kOrderMismatch, 5003, "order_mismatch"},
      {RejectReason::kReplaceQtyNotAboveFilled, 5004, "replace_qty_not_above_filled"},
      {RejectReason::kReplaceUnsupported, 5005, "replace_unsupported"},
      {RejectReason::kOrderBookFull, 5006, "order_book_full"},
      {RejectReason::kEngineBusy, 9001, "engine_busy"},
      {RejectReason::kJournalHalted, 9002, "journal_halted"},
      {RejectReason::kUnsupportedMessage, 9003, "unsupported_message"},
  };
  // The four the brief calls out, at compile time as well.
  STATIC_REQUIRE(static_cast<int>(RejectReason::kUnknownInstrument) == 1001);
  STATIC_REQUIRE(static_cast<int>(RejectReason::kInsufficientFunds) == 2001);
  STATIC_REQUIRE(static_cast<int>(RejectReason::kUnknownQuote) == 3001);
  STATIC_REQUIRE(static_cast<int>(RejectReason::kEngineBusy) == 9001);
  STATIC_REQUIRE(static_cast<int>(RejectReason::kUnknownOrder) == 5001);  // the open-orders stage

  int count = 0;
  const RejectReason* all = all_reject_reasons(&count);
  std::set<int> listed;
  for (int i = 0; i < count; ++i) listed.insert(number(all[i]));

  for (const Pin& p : kPins) {
    INFO("pinned " << p.number << " " << p.name);
    CHECK(number(p.reason) == p.number);
    CHECK(std::string(reject_name(p.reason)) == p.name);
    CHECK(listed.count(p.number) == 1);  // all_reject_reasons still lists it
  }
  // New reasons may be added (append a pin line); none may disappear.
  CHECK(count >= static_cast<int>(std::size(kPins)));
  // Every listed reason is pinned: a new one fails here until its pin line is added.
  std::set<int> pinned;
  for (const Pin& p : kPins) pinned.insert(p.number);
  for (int n : listed) {
    INFO("listed but not pinned: " << n << " " << reject_name(static_cast<RejectReason>(n)));
    CHECK(pinned.count(n) == 1);
  }
}

TEST_CASE("an undefined reject number still gets a non-null name and description", "[reject]") {
  const RejectReason undefined = static_cast<RejectReason>(1999);
  CHECK(std::string(reject_name(undefined)) == "unknown_reason");
  CHECK(std::string(reject_description(undefined)) == "unknown reason");
}

}  // namespace otc
