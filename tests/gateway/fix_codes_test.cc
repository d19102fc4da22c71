// tests/gateway/fix_codes_test.cc: RejectReason -> FIX 4.4 QuoteRequestRejectReason(658),
// OrdRejReason(103), MDReqRejReason(281), CxlRejReason(102) and Text(58)
// (gateway/fix_codes.h).
//
// Checked from two sides: against the value sets of the FIX 4.4 specification written
// here, and against the enums of our dictionary fix-specs/FIX44.xml (which QuickFIX
// validates outgoing messages with). The full table below is fix-specs/README.md
// section 10 as published to counterparties; a new RejectReason fails the coverage check
// until it is added here (and there).
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "common/reject.h"
#include "gateway/fix_codes.h"

#ifndef OTC_SOURCE_DIR
#error "OTC_SOURCE_DIR must be defined (tests/gateway/CMakeLists.txt)"
#endif

namespace otc::gw {
namespace {

using R = RejectReason;

// FIX 4.4 QuoteRequestRejectReason(658): 1..10, 99 = Other.
bool valid_quote_request_reject_reason(int v) { return (v >= 1 && v <= 10) || v == 99; }
// FIX 4.4 OrdRejReason(103): 0..15, 99 = Other.
bool valid_ord_rej_reason(int v) { return (v >= 0 && v <= 15) || v == 99; }
// FIX 4.4 CxlRejReason(102): 0..6, 99 = Other (7.. are FIX 5.0).
bool valid_cxl_rej_reason(int v) { return (v >= 0 && v <= 6) || v == 99; }

// FIX 4.4 MDReqRejReason(281), a CHAR: '0'..'9', 'A'..'C'. md_req_rej_reason() answers 0
// (NUL, not '0') when none fits, and the field is then omitted.
bool valid_md_req_rej_reason(char v) { return (v >= '0' && v <= '9') || (v >= 'A' && v <= 'C'); }

// The <field number="N" ...> element of fix-specs/FIX44.xml, up to its </field>.
std::string dictionary_field(int field_number) {
  std::ifstream in(std::string(OTC_SOURCE_DIR) + "/fix-specs/FIX44.xml");
  REQUIRE(in.good());
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string open = "<field number=\"" + std::to_string(field_number) + "\"";
  const size_t start = xml.find(open);
  REQUIRE(start != std::string::npos);
  REQUIRE(xml.find(open, start + 1) == std::string::npos);  // declared once
  const size_t end = xml.find("</field>", start);
  REQUIRE(end != std::string::npos);
  return xml.substr(start, end - start);
}

// The enum values the field declares, with their descriptions, as written.
std::map<std::string, std::string> dictionary_enum_names(int field_number) {
  const std::string body = dictionary_field(field_number);
  std::map<std::string, std::string> values;
  const std::regex value_re("<value enum=\"([^\"]*)\" description=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), value_re); it != std::sregex_iterator(); ++it) {
    values[(*it)[1].str()] = (*it)[2].str();
  }
  return values;
}

// The numeric enum values <field number="N" ...> declares in fix-specs/FIX44.xml.
std::set<int> dictionary_enums(int field_number) {
  std::set<int> values;
  for (const auto& [v, name] : dictionary_enum_names(field_number)) {
    INFO("field " << field_number << " enum '" << v << "'");
    REQUIRE(std::regex_match(v, std::regex("[0-9]+")));
    values.insert(std::stoi(v));
  }
  return values;
}

// How a test prints an MDReqRejReason: "'2'" or "none".
std::string md_text(char v) { return v == 0 ? std::string("none") : "'" + std::string(1, v) + "'"; }

struct Row {
  RejectReason reason;
  int number;
  const char* name;
  int quote_request_reject_reason;  // 658
  int ord_rej_reason;               // 103
  char md_req_rej_reason;           // 281; 0 = none fits (field omitted, Text says which)
  int cxl_rej_reason;               // 102
};

// fix-specs/README.md section 10. Where the README shows "-" (the reason never reaches
// that message) the mapping still answers 99 (Other), which is what would be sent.
// Then MDReqRejReason(281): a FIX 4.4 value where one says what went wrong, else 0 (no
// 281 on the MarketDataRequestReject; Text(58) carries the number). The last column is
// CxlRejReason(102) of an OrderCancelReject.
const Row kTable[] = {
    {R::kUnknownInstrument, 1001, "unknown_instrument", 1, 1, '0', 99},
    {R::kQtyZero, 1002, "qty_zero", 99, 13, 0, 99},
    {R::kQtyNegative, 1003, "qty_negative", 99, 13, 0, 99},
    {R::kQtyBelowMin, 1004, "qty_below_min", 99, 13, 0, 99},
    {R::kQtyAboveMax, 1005, "qty_above_max", 3, 3, 0, 99},
    {R::kQtyOffLot, 1006, "qty_off_lot", 99, 13, 0, 99},
    {R::kQtyMalformed, 1007, "qty_malformed", 99, 13, 0, 99},
    {R::kPriceOffTick, 1008, "price_off_tick", 99, 99, 0, 99},
    {R::kPriceNotPositive, 1009, "price_not_positive", 99, 99, 0, 99},
    {R::kPriceMalformed, 1010, "price_malformed", 99, 99, 0, 99},
    {R::kUnsupportedSide, 1011, "unsupported_side", 99, 11, 0, 99},
    {R::kUnsupportedOrdType, 1012, "unsupported_ord_type", 99, 11, 0, 99},
    {R::kUnsupportedQuoteType, 1013, "unsupported_quote_type", 99, 99, 0, 99},
    {R::kMissingField, 1014, "missing_field", 99, 99, 0, 99},
    {R::kDuplicateClOrdId, 1015, "duplicate_cl_ord_id", 99, 6, 0, 6},
    {R::kUnknownClient, 1016, "unknown_client", 6, 99, 0, 99},
    {R::kNumberOutOfRange, 1017, "number_out_of_range", 99, 99, 0, 99},
    {R::kClOrdIdInvalid, 1018, "cl_ord_id_invalid", 99, 99, 0, 99},
    {R::kQuoteReqIdInvalid, 1019, "quote_req_id_invalid", 99, 99, 0, 99},
    {R::kClOrdIdLimit, 1020, "cl_ord_id_limit", 99, 99, 0, 99},
    {R::kUnsupportedTimeInForce, 1021, "unsupported_time_in_force", 99, 11, 0, 99},
    {R::kExpireTimeInvalid, 1022, "expire_time_invalid", 99, 99, 0, 99},
    {R::kFieldNotAllowed, 1023, "field_not_allowed", 99, 99, 0, 99},
    {R::kSlippageInvalid, 1024, "slippage_invalid", 99, 99, 0, 99},
    {R::kInsufficientFunds, 2001, "insufficient_funds", 99, 99, 0, 99},
    {R::kNotionalOverflow, 2002, "notional_overflow", 99, 99, 0, 99},
    {R::kBalanceOverflow, 2003, "balance_overflow", 99, 99, 0, 99},
    {R::kNotionalTooSmall, 2004, "notional_too_small", 99, 99, 0, 99},
    {R::kSlippageExceeded, 2005, "slippage_exceeded", 99, 99, 0, 99},
    {R::kOrderNotionalLimit, 2006, "order_notional_limit", 99, 3, 0, 99},
    {R::kOpenOrdersLimit, 2007, "open_orders_limit", 99, 3, 0, 99},
    {R::kDailyNotionalLimit, 2008, "daily_notional_limit", 99, 3, 0, 99},
    {R::kPositionLimit, 2009, "position_limit", 99, 3, 0, 99},
    {R::kSelfTrade, 2010, "self_trade", 99, 99, 0, 99},
    {R::kFillOrKillUnfillable, 2011, "fill_or_kill_unfillable", 99, 99, 0, 99},
    {R::kUnknownQuote, 3001, "unknown_quote", 99, 99, 0, 99},
    {R::kQuoteOfOtherClient, 3002, "quote_of_other_client", 99, 99, 0, 99},
    {R::kQuoteExpired, 3003, "quote_expired", 99, 99, 0, 99},
    {R::kQuoteAlreadyExecuted, 3004, "quote_already_executed", 99, 99, 0, 99},
    {R::kQuoteSideMismatch, 3005, "quote_side_mismatch", 99, 99, 0, 99},
    {R::kQuoteQtyMismatch, 3006, "quote_qty_mismatch", 99, 13, 0, 99},
    {R::kQuotePriceMismatch, 3007, "quote_price_mismatch", 99, 99, 0, 99},
    {R::kQuoteInstrumentMismatch, 3008, "quote_instrument_mismatch", 99, 99, 0, 99},
    {R::kNoReferencePrice, 3009, "no_reference_price", 8, 99, 0, 99},
    {R::kLiveQuotesLimit, 3010, "live_quotes_limit", 99, 99, 0, 99},
    {R::kQuoteIndicative, 3011, "quote_indicative", 99, 99, 0, 99},
    {R::kQuoteTtlOutOfRange, 3012, "quote_ttl_out_of_range", 99, 99, 0, 99},
    {R::kQuoteCanceled, 3013, "quote_canceled", 99, 99, 0, 99},
    {R::kUnsupportedQuoteCancelType, 3014, "unsupported_quote_cancel_type", 99, 99, 0, 99},
    {R::kMdReqIdInvalid, 4001, "md_req_id_invalid", 99, 99, 0, 99},
    {R::kMdDuplicateReqId, 4002, "md_duplicate_req_id", 99, 99, '1', 99},
    {R::kMdUnknownReqId, 4003, "md_unknown_req_id", 99, 99, 0, 99},
    {R::kMdUnsupportedSubscriptionType, 4004, "md_unsupported_subscription_type", 99, 99, '4', 99},
    {R::kMdUnsupportedMarketDepth, 4005, "md_unsupported_market_depth", 99, 99, '5', 99},
    {R::kMdUnsupportedUpdateType, 4006, "md_unsupported_update_type", 99, 99, '6', 99},
    {R::kMdUnsupportedEntryType, 4007, "md_unsupported_entry_type", 99, 99, '8', 99},
    {R::kMdSubscriptionsLimit, 4008, "md_subscriptions_limit", 99, 99, '2', 99},
    {R::kMdTooManySymbols, 4009, "md_too_many_symbols", 99, 99, '2', 99},
    {R::kUnknownOrder, 5001, "unknown_order", 99, 5, 0, 1},
    {R::kOrderNotOpen, 5002, "order_not_open", 99, 99, 0, 0},
    {R::kOrderMismatch, 5003, "order_mismatch", 99, 99, 0, 99},
    {R::kReplaceQtyNotAboveFilled, 5004, "replace_qty_not_above_filled", 99, 99, 0, 99},
    {R::kReplaceUnsupported, 5005, "replace_unsupported", 99, 99, 0, 99},
    {R::kOrderBookFull, 5006, "order_book_full", 99, 99, 0, 99},
    {R::kEngineBusy, 9001, "engine_busy", 99, 99, 0, 99},
    {R::kJournalHalted, 9002, "journal_halted", 99, 99, 0, 99},
    {R::kUnsupportedMessage, 9003, "unsupported_message", 99, 99, 0, 99},
};

}  // namespace

TEST_CASE("every RejectReason maps to a valid FIX 4.4 658 and 103", "[fix_codes]") {
  int count = 0;
  const RejectReason* all = all_reject_reasons(&count);
  REQUIRE(count > 0);
  const std::set<int> dict_658 = dictionary_enums(658);
  const std::set<int> dict_103 = dictionary_enums(103);
  const std::set<int> dict_102 = dictionary_enums(102);
  REQUIRE(dict_658.size() == 11);  // 1..10, 99
  REQUIRE(dict_103.size() == 17);  // 0..15, 99
  REQUIRE(dict_102.size() == 8);   // 0..6, 99
  for (int i = 0; i < count; ++i) {
    const RejectReason r = all[i];
    INFO("reason " << static_cast<int>(r) << " " << reject_name(r));
    const int q = quote_request_reject_reason(r);
    const int o = ord_rej_reason(r);
    CHECK(valid_quote_request_reject_reason(q));
    CHECK(valid_ord_rej_reason(o));
    CHECK(dict_658.count(q) == 1);
    CHECK(dict_103.count(o) == 1);
    const int x = cxl_rej_reason(r);
    CHECK(valid_cxl_rej_reason(x));
    CHECK(dict_102.count(x) == 1);
  }
}

TEST_CASE("the mapping is the published table, and the table covers every reason", "[fix_codes]") {
  int count = 0;
  const RejectReason* all = all_reject_reasons(&count);
  REQUIRE(count == static_cast<int>(std::size(kTable)));
  for (int i = 0; i < count; ++i) {
    const Row& row = kTable[i];
    INFO("row " << i << ": " << row.number << " " << row.name);
    CHECK(all[i] == row.reason);
    CHECK(static_cast<int>(row.reason) == row.number);
    CHECK(std::string(reject_name(row.reason)) == row.name);
    CHECK(quote_request_reject_reason(row.reason) == row.quote_request_reject_reason);
    CHECK(ord_rej_reason(row.reason) == row.ord_rej_reason);
    INFO("281 expected " << md_text(row.md_req_rej_reason) << ", got " << md_text(md_req_rej_reason(row.reason)));
    CHECK(md_req_rej_reason(row.reason) == row.md_req_rej_reason);
    CHECK(cxl_rej_reason(row.reason) == row.cxl_rej_reason);
  }
}

TEST_CASE("every RejectReason maps to a FIX 4.4 MDReqRejReason declared in FIX44.xml, or to none",
          "[fix_codes][md]") {
  const std::map<std::string, std::string> dict_281 = dictionary_enum_names(281);
  REQUIRE(dictionary_field(281).find("type=\"CHAR\"") != std::string::npos);
  // FIX 4.4: 0..9, A..C (D, Insufficient credit, is FIX 5.0 and must not be declared).
  REQUIRE(dict_281.size() == 13);
  for (const auto& [v, name] : dict_281) {
    INFO("281 enum '" << v << "' " << name);
    REQUIRE(v.size() == 1);
    CHECK(valid_md_req_rej_reason(v[0]));
  }
  int count = 0;
  const RejectReason* all = all_reject_reasons(&count);
  REQUIRE(count > 0);
  int mapped = 0;
  for (int i = 0; i < count; ++i) {
    const RejectReason r = all[i];
    const char m = md_req_rej_reason(r);
    INFO("reason " << static_cast<int>(r) << " " << reject_name(r) << " -> " << md_text(m));
    if (m == 0) continue;  // none fits: 281 omitted
    ++mapped;
    CHECK(valid_md_req_rej_reason(m));
    CHECK(dict_281.count(std::string(1, m)) == 1);
  }
  CHECK(mapped == 8);  // 1001 and the seven 4xxx reasons with a FIX meaning
}

TEST_CASE("MDReqRejReason: each mapped value means what the reject says (FIX44.xml descriptions)",
          "[fix_codes][md]") {
  const std::map<std::string, std::string> dict_281 = dictionary_enum_names(281);
  struct Meaning {
    RejectReason reason;
    char value;
    const char* description;  // as in fix-specs/FIX44.xml
  };
  const Meaning kMeanings[] = {
      {R::kUnknownInstrument, '0', "UNKNOWN_SYMBOL"},
      {R::kMdDuplicateReqId, '1', "DUPLICATE_MDREQID"},
      {R::kMdSubscriptionsLimit, '2', "INSUFFICIENT_BANDWIDTH"},
      {R::kMdTooManySymbols, '2', "INSUFFICIENT_BANDWIDTH"},
      {R::kMdUnsupportedSubscriptionType, '4', "UNSUPPORTED_SUBSCRIPTIONREQUESTTYPE"},
      {R::kMdUnsupportedMarketDepth, '5', "UNSUPPORTED_MARKETDEPTH"},
      {R::kMdUnsupportedUpdateType, '6', "UNSUPPORTED_MDUPDATETYPE"},
      {R::kMdUnsupportedEntryType, '8', "UNSUPPORTED_MDENTRYTYPE"},
  };
  for (const Meaning& m : kMeanings) {
    INFO("reason " << static_cast<int>(m.reason) << " " << reject_name(m.reason));
    CHECK(md_req_rej_reason(m.reason) == m.value);
    const auto it = dict_281.find(std::string(1, m.value));
    REQUIRE(it != dict_281.end());
    CHECK(it->second == m.description);
  }
  // Unknown symbol is the character '0', not "none" (NUL): the two must not be confused.
  CHECK(md_req_rej_reason(R::kUnknownInstrument) != 0);
  CHECK(static_cast<int>(md_req_rej_reason(R::kUnknownInstrument)) == 0x30);
  // No FIX 4.4 value fits these: 281 is omitted and Text(58) says which.
  for (const RejectReason r : {R::kMdReqIdInvalid, R::kMdUnknownReqId, R::kMissingField, R::kNoReferencePrice,
                               R::kJournalHalted, R::kEngineBusy, R::kUnknownClient, R::kQtyAboveMax}) {
    INFO("reason " << static_cast<int>(r) << " " << reject_name(r) << " -> " << md_text(md_req_rej_reason(r)));
    CHECK(md_req_rej_reason(r) == 0);
  }
  // Values FIX 4.4 has but no reason of ours uses.
  int count = 0;
  const RejectReason* all = all_reject_reasons(&count);
  for (int i = 0; i < count; ++i) {
    const char m = md_req_rej_reason(all[i]);
    INFO("reason " << static_cast<int>(all[i]));
    CHECK(m != '3');  // Insufficient permissions
    CHECK(m != '7');  // Unsupported AggregatedBook
    CHECK(m != '9');
    CHECK(m != 'A');
    CHECK(m != 'B');
    CHECK(m != 'C');
  }
}

TEST_CASE("pinned mappings", "[fix_codes]") {
  CHECK(quote_request_reject_reason(R::kUnknownInstrument) == 1);  // Unknown symbol
  CHECK(ord_rej_reason(R::kUnknownInstrument) == 1);               // Unknown symbol
  CHECK(quote_request_reject_reason(R::kQtyAboveMax) == 3);        // Quote request exceeds limit
  CHECK(ord_rej_reason(R::kQtyAboveMax) == 3);                     // Order exceeds limit
  CHECK(ord_rej_reason(R::kDuplicateClOrdId) == 6);                // Duplicate order
  CHECK(ord_rej_reason(R::kUnsupportedOrdType) == 11);             // Unsupported order characteristic
  CHECK(ord_rej_reason(R::kQtyZero) == 13);                        // Incorrect quantity
  CHECK(quote_request_reject_reason(R::kNoReferencePrice) == 8);   // No market for instrument
  CHECK(quote_request_reject_reason(R::kQuoteExpired) == 99);      // Other; Text says which
  CHECK(ord_rej_reason(R::kInsufficientFunds) == 99);
  // The quote-life and quote-cancel reasons have no specific FIX value: Other, Text says which.
  for (const RejectReason r :
       {R::kQuoteIndicative, R::kQuoteTtlOutOfRange, R::kQuoteCanceled, R::kUnsupportedQuoteCancelType}) {
    INFO("reason " << static_cast<int>(r));
    CHECK(quote_request_reject_reason(r) == 99);
    CHECK(ord_rej_reason(r) == 99);
  }
  CHECK(reject_text(R::kQuoteTtlOutOfRange, "") == "3012 quote_ttl_out_of_range");
  CHECK(reject_text(R::kUnsupportedQuoteCancelType, "") == "3014 unsupported_quote_cancel_type");
  // The market data reasons never reach 658 or 103; were they sent there it would be Other.
  for (const RejectReason r :
       {R::kMdReqIdInvalid, R::kMdDuplicateReqId, R::kMdUnknownReqId, R::kMdUnsupportedSubscriptionType,
        R::kMdUnsupportedMarketDepth, R::kMdUnsupportedUpdateType, R::kMdUnsupportedEntryType,
        R::kMdSubscriptionsLimit, R::kMdTooManySymbols}) {
    INFO("reason " << static_cast<int>(r));
    CHECK(quote_request_reject_reason(r) == 99);
    CHECK(ord_rej_reason(r) == 99);
  }
  CHECK(md_req_rej_reason(R::kMdDuplicateReqId) == '1');              // Duplicate MDReqID
  CHECK(md_req_rej_reason(R::kMdTooManySymbols) == '2');              // Insufficient bandwidth
  CHECK(md_req_rej_reason(R::kMdUnsupportedSubscriptionType) == '4');  // Unsupported SubscriptionRequestType
  CHECK(md_req_rej_reason(R::kMdUnknownReqId) == 0);                  // none; Text says which
  CHECK(reject_text(R::kMdReqIdInvalid, "") == "4001 md_req_id_invalid");
  CHECK(reject_text(R::kMdTooManySymbols, "17 instruments, at most 16") ==
        "4009 md_too_many_symbols: 17 instruments, at most 16");
}

TEST_CASE("order handling: limits, TimeInForce, unknown orders, cancel rejects", "[fix_codes][orders]") {
  // Every per-client limit is "Order exceeds limit" (3); Text says which limit.
  for (const RejectReason r :
       {R::kOrderNotionalLimit, R::kDailyNotionalLimit, R::kPositionLimit, R::kOpenOrdersLimit}) {
    INFO("reason " << static_cast<int>(r));
    CHECK(ord_rej_reason(r) == 3);
    CHECK(cxl_rej_reason(r) == 99);
  }
  CHECK(ord_rej_reason(R::kUnsupportedTimeInForce) == 11);  // Unsupported order characteristic
  CHECK(ord_rej_reason(R::kUnknownOrder) == 5);             // Unknown order (150=I status answer)
  for (const RejectReason r : {R::kSelfTrade, R::kSlippageExceeded, R::kSlippageInvalid, R::kExpireTimeInvalid,
                               R::kFieldNotAllowed, R::kFillOrKillUnfillable, R::kOrderBookFull}) {
    INFO("reason " << static_cast<int>(r));
    CHECK(ord_rej_reason(r) == 99);
  }
  // CxlRejReason(102): the three FIX 4.4 values that fit, Other for the rest.
  CHECK(cxl_rej_reason(R::kUnknownOrder) == 1);       // Unknown order
  CHECK(cxl_rej_reason(R::kOrderNotOpen) == 0);       // Too late to cancel
  CHECK(cxl_rej_reason(R::kDuplicateClOrdId) == 6);   // Duplicate ClOrdID received
  for (const RejectReason r : {R::kOrderMismatch, R::kReplaceQtyNotAboveFilled, R::kReplaceUnsupported,
                               R::kJournalHalted, R::kPriceOffTick, R::kQtyZero, R::kClOrdIdInvalid}) {
    INFO("reason " << static_cast<int>(r));
    CHECK(cxl_rej_reason(r) == 99);
  }
  const std::map<std::string, std::string> dict_102 = dictionary_enum_names(102);
  CHECK(dict_102.at("0") == "TOO_LATE_TO_CANCEL");
  CHECK(dict_102.at("1") == "UNKNOWN_ORDER");
  CHECK(dict_102.at("6") == "DUPLICATE_CLORDID_RECEIVED");
  const std::map<std::string, std::string> dict_103 = dictionary_enum_names(103);
  CHECK(dict_103.at("3") == "ORDER_EXCEEDS_LIMIT");
  CHECK(dict_103.at("5") == "UNKNOWN_ORDER");
  CHECK(dict_103.at("11") == "UNSUPPORTED_ORDER_CHARACTERISTIC");
  CHECK(reject_text(R::kOrderNotOpen, "order O7 is filled") == "5002 order_not_open: order O7 is filled");
}

TEST_CASE("a number outside the enum still maps to Other", "[fix_codes]") {
  const auto stray = static_cast<RejectReason>(4242);
  CHECK(quote_request_reject_reason(stray) == 99);
  CHECK(ord_rej_reason(stray) == 99);
  CHECK(cxl_rej_reason(stray) == 99);
  CHECK(md_req_rej_reason(stray) == 0);
  CHECK(reject_text(stray, "") == "4242 unknown_reason");
  // Next to the market data block: not a reason (yet), so no mapping either.
  for (const int n : {4000, 4010}) {
    INFO("number " << n);
    const auto r = static_cast<RejectReason>(n);
    CHECK(quote_request_reject_reason(r) == 99);
    CHECK(ord_rej_reason(r) == 99);
    CHECK(md_req_rej_reason(r) == 0);
    CHECK(std::string(reject_name(r)) == "unknown_reason");
  }
}

TEST_CASE("reject_text: \"<number> <name>: <detail>\", or \"<number> <name>\" without detail", "[fix_codes]") {
  CHECK(reject_text(R::kQuoteExpired, "quote Q7 expired at 20261121-19:32:34.373") ==
        "3003 quote_expired: quote Q7 expired at 20261121-19:32:34.373");
  CHECK(reject_text(R::kQuoteExpired, "") == "3003 quote_expired");
  CHECK(reject_text(R::kQtyOffLot, "quantity 0.00005 is not a multiple of the lot step 0.0001") ==
        "1006 qty_off_lot: quantity 0.00005 is not a multiple of the lot step 0.0001");
  CHECK(reject_text(R::kEngineBusy, "engine queue full") == "9001 engine_busy: engine queue full");
  // The detail is copied as given (a leading space or colon is not swallowed).
  CHECK(reject_text(R::kMissingField, " x: y") == "1014 missing_field:  x: y");

  int count = 0;
  const RejectReason* all = all_reject_reasons(&count);
  for (int i = 0; i < count; ++i) {
    const RejectReason r = all[i];
    const std::string head = std::to_string(static_cast<int>(r)) + " " + reject_name(r);
    INFO(head);
    CHECK(reject_text(r, "") == head);
    CHECK(reject_text(r, "d") == head + ": d");
  }
}

}  // namespace otc::gw
