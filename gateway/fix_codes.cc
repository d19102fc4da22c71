#include "gateway/fix_codes.h"

namespace otc::gw {

int quote_request_reject_reason(RejectReason r) {
  switch (r) {
    case RejectReason::kUnknownInstrument: return 1;   // Unknown symbol
    case RejectReason::kQtyAboveMax: return 3;         // Quote Request exceeds limit
    case RejectReason::kNoReferencePrice: return 8;    // No market for instrument
    case RejectReason::kUnknownClient: return 6;       // Not authorized to request quote
    default: return 99;                                // Other (Text says exactly what)
  }
}

int ord_rej_reason(RejectReason r) {
  switch (r) {
    case RejectReason::kUnknownInstrument: return 1;   // Unknown symbol
    case RejectReason::kQtyAboveMax:
    case RejectReason::kOrderNotionalLimit:
    case RejectReason::kDailyNotionalLimit:
    case RejectReason::kPositionLimit:
    case RejectReason::kOpenOrdersLimit: return 3;     // Order exceeds limit
    case RejectReason::kUnknownOrder: return 5;        // Unknown order (status request)
    case RejectReason::kDuplicateClOrdId: return 6;    // Duplicate Order
    case RejectReason::kUnsupportedOrdType:
    case RejectReason::kUnsupportedSide:
    case RejectReason::kUnsupportedTimeInForce: return 11;  // Unsupported order characteristic
    case RejectReason::kQtyZero:
    case RejectReason::kQtyNegative:
    case RejectReason::kQtyBelowMin:
    case RejectReason::kQtyOffLot:
    case RejectReason::kQtyMalformed:
    case RejectReason::kQuoteQtyMismatch: return 13;   // Incorrect quantity
    default: return 99;                                // Other (Text says exactly what)
  }
}

int cxl_rej_reason(RejectReason r) {
  switch (r) {
    case RejectReason::kUnknownOrder: return 1;        // Unknown order
    case RejectReason::kOrderNotOpen: return 0;        // Too late to cancel
    case RejectReason::kDuplicateClOrdId: return 6;    // Duplicate ClOrdID received
    default: return 99;                                // Other (Text says exactly what)
  }
}

char md_req_rej_reason(RejectReason r) {
  switch (r) {
    case RejectReason::kUnknownInstrument: return '0';               // Unknown symbol
    case RejectReason::kMdDuplicateReqId: return '1';                // Duplicate MDReqID
    case RejectReason::kMdSubscriptionsLimit:
    case RejectReason::kMdTooManySymbols: return '2';                // Insufficient Bandwidth
    case RejectReason::kMdUnsupportedSubscriptionType: return '4';   // Unsupported SubscriptionRequestType
    case RejectReason::kMdUnsupportedMarketDepth: return '5';        // Unsupported MarketDepth
    case RejectReason::kMdUnsupportedUpdateType: return '6';         // Unsupported MDUpdateType
    case RejectReason::kMdUnsupportedEntryType: return '8';          // Unsupported MDEntryType
    default: return 0;                                               // Text says exactly what
  }
}

std::string reject_text(RejectReason r, const std::string& detail) {
  std::string t = std::to_string(static_cast<int>(r)) + " " + reject_name(r);
  if (!detail.empty()) t += ": " + detail;
  return t;
}

}  // namespace otc::gw
