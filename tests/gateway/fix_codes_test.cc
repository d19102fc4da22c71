// tests/gateway/fix_codes_test.cc: RejectReason -> FIX 4.4 QuoteRequestRejectReason(658),
// OrdRejReason(103) and Text(58) (gateway/fix_codes.h).
//
// Checked from two sides: against the value sets of the FIX 4.4 specification written
// here, and against the enums of our dictionary fix-specs/FIX44.xml (which QuickFIX
// validates outgoing messages with). The full table below is fix-specs/README.md
// section 10 as published to counterparties; a new RejectReason fails the coverage check
// until it is added here (and there).
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
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

// The enum values <field number="N" ...> declares in fix-specs/FIX44.xml.
std::set<int> dictionary_enums(int field_number) {
  std::ifstream in(std::string(OTC_SOURCE_DIR) + "/fix-specs/FIX44.xml");
  REQUIRE(in.good());
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string open = "<field number=\"" + std::to_string(field_number) + "\"";
  const size_t start = xml.find(open);
  REQUIRE(start != std::string::npos);
  const size_t end = xml.find("</field>", start);
  REQUIRE(end != std::string::npos);
  const std::string body = xml.substr(start, end - start);
  std::set<int> values;
  const std::regex value_re("<value enum=\"([0-9]+)\"");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), value_re); it != std::sregex_iterator(); ++it) {
    values.insert(std::stoi((*it)[1].str()));
  }
  return values;
}

struct Row {
  RejectReason reason;
  int number;
  const char* name;
  int quote_request_reject_reason;  // 658
  int ord_rej_reason;               // 103
};

// fix-specs/README.md section 10. Where the README shows "-" (the reason never reaches
// that message) the mapping still answers 99 (Other), which is what would be sent.
const Row kTable[] = {
    {R::kUnknownInstrument, 1001, "unknown_instrument", 1, 1},
    {R::kQtyZero, 1002, "qty_zero", 99, 13},
    {R::kQtyNegative, 1003, "qty_negative", 99, 13},
    {R::kQtyBelowMin, 1004, "qty_below_min", 99, 13},
    {R::kQtyAboveMax, 1005, "qty_above_max", 3, 3},
    {R::kQtyOffLot, 1006, "qty_off_lot", 99, 13},
    {R::kQtyMalformed, 1007, "qty_malformed", 99, 13},
    {R::kPriceOffTick, 1008, "price_off_tick", 99, 99},
    {R::kPriceNotPositive, 1009, "price_not_positive", 99, 99},
    {R::kPriceMalformed, 1010, "price_malformed", 99, 99},
    {R::kUnsupportedSide, 1011, "unsupported_side", 99, 11},
    {R::kUnsupportedOrdType, 1012, "unsupported_ord_type", 99, 11},
    {R::kUnsupportedQuoteType, 1013, "unsupported_quote_type", 99, 99},
    {R::kMissingField, 1014, "missing_field", 99, 99},
    {R::kDuplicateClOrdId, 1015, "duplicate_cl_ord_id", 99, 6},
    {R::kUnknownClient, 1016, "unknown_client", 6, 99},
    {R::kNumberOutOfRange, 1017, "number_out_of_range", 99, 99},
    {R::kClOrdIdInvalid, 1018, "cl_ord_id_invalid", 99, 99},
    {R::kQuoteReqIdInvalid, 1019, "quote_req_id_invalid", 99, 99},
    {R::kClOrdIdLimit, 1020, "cl_ord_id_limit", 99, 99},
    {R::kInsufficientFunds, 2001, "insufficient_funds", 99, 99},
    {R::kNotionalOverflow, 2002, "notional_overflow", 99, 99},
    {R::kBalanceOverflow, 2003, "balance_overflow", 99, 99},
    {R::kNotionalTooSmall, 2004, "notional_too_small", 99, 99},
    {R::kUnknownQuote, 3001, "unknown_quote", 99, 99},
    {R::kQuoteOfOtherClient, 3002, "quote_of_other_client", 99, 99},
    {R::kQuoteExpired, 3003, "quote_expired", 99, 99},
    {R::kQuoteAlreadyExecuted, 3004, "quote_already_executed", 99, 99},
    {R::kQuoteSideMismatch, 3005, "quote_side_mismatch", 99, 99},
    {R::kQuoteQtyMismatch, 3006, "quote_qty_mismatch", 99, 13},
    {R::kQuotePriceMismatch, 3007, "quote_price_mismatch", 99, 99},
    {R::kQuoteInstrumentMismatch, 3008, "quote_instrument_mismatch", 99, 99},
    {R::kNoReferencePrice, 3009, "no_reference_price", 8, 99},
    {R::kLiveQuotesLimit, 3010, "live_quotes_limit", 99, 99},
    {R::kQuoteIndicative, 3011, "quote_indicative", 99, 99},
    {R::kQuoteTtlOutOfRange, 3012, "quote_ttl_out_of_range", 99, 99},
    {R::kQuoteCanceled, 3013, "quote_canceled", 99, 99},
    {R::kUnsupportedQuoteCancelType, 3014, "unsupported_quote_cancel_type", 99, 99},
    {R::kEngineBusy, 9001, "engine_busy", 99, 99},
    {R::kJournalHalted, 9002, "journal_halted", 99, 99},
    {R::kUnsupportedMessage, 9003, "unsupported_message", 99, 99},
};

}  // namespace

TEST_CASE("every RejectReason maps to a valid FIX 4.4 658 and 103", "[fix_codes]") {
  int count = 0;
  const RejectReason* all = all_reject_reasons(&count);
  REQUIRE(count > 0);
  const std::set<int> dict_658 = dictionary_enums(658);
  const std::set<int> dict_103 = dictionary_enums(103);
  REQUIRE(dict_658.size() == 11);  // 1..10, 99
  REQUIRE(dict_103.size() == 17);  // 0..15, 99
  for (int i = 0; i < count; ++i) {
    const RejectReason r = all[i];
    INFO("reason " << static_cast<int>(r) << " " << reject_name(r));
    const int q = quote_request_reject_reason(r);
    const int o = ord_rej_reason(r);
    CHECK(valid_quote_request_reject_reason(q));
    CHECK(valid_ord_rej_reason(o));
    CHECK(dict_658.count(q) == 1);
    CHECK(dict_103.count(o) == 1);
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
}

TEST_CASE("a number outside the enum still maps to Other", "[fix_codes]") {
  const auto stray = static_cast<RejectReason>(4242);
  CHECK(quote_request_reject_reason(stray) == 99);
  CHECK(ord_rej_reason(stray) == 99);
  CHECK(reject_text(stray, "") == "4242 unknown_reason");
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
