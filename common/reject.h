// common/reject.h: the one list of reasons for which we turn a request down.
//
// Numbers are grouped by pipeline stage (1xxx request shape and reference data,
// 2xxx pre-trade risk, 3xxx RFQ book, 4xxx market data, 5xxx open orders, 9xxx system) and are stable: they appear in
// FIX Text(58), in the journal and in counterparties' certification scripts.
// Persisted: never renumber, never reuse a retired number.
#pragma once

#include <cstdint>

namespace otc {

enum class RejectReason : uint16_t {
  // 1xxx: request shape, number grids and reference data.
  kUnknownInstrument = 1001,
  kQtyZero = 1002,
  kQtyNegative = 1003,
  kQtyBelowMin = 1004,
  kQtyAboveMax = 1005,
  kQtyOffLot = 1006,
  kQtyMalformed = 1007,
  kPriceOffTick = 1008,
  kPriceNotPositive = 1009,
  kPriceMalformed = 1010,
  kUnsupportedSide = 1011,
  kUnsupportedOrdType = 1012,
  kUnsupportedQuoteType = 1013,
  kMissingField = 1014,
  kDuplicateClOrdId = 1015,
  kUnknownClient = 1016,
  kNumberOutOfRange = 1017,
  kClOrdIdInvalid = 1018,
  kQuoteReqIdInvalid = 1019,
  kClOrdIdLimit = 1020,
  kUnsupportedTimeInForce = 1021,
  kExpireTimeInvalid = 1022,
  kFieldNotAllowed = 1023,
  kSlippageInvalid = 1024,
  // 2xxx: pre-trade risk.
  kInsufficientFunds = 2001,
  kNotionalOverflow = 2002,
  kBalanceOverflow = 2003,
  kNotionalTooSmall = 2004,
  kSlippageExceeded = 2005,
  kOrderNotionalLimit = 2006,
  kOpenOrdersLimit = 2007,
  kDailyNotionalLimit = 2008,
  kPositionLimit = 2009,
  kSelfTrade = 2010,
  kFillOrKillUnfillable = 2011,
  // 3xxx: RFQ book.
  kUnknownQuote = 3001,
  kQuoteOfOtherClient = 3002,
  kQuoteExpired = 3003,
  kQuoteAlreadyExecuted = 3004,
  kQuoteSideMismatch = 3005,
  kQuoteQtyMismatch = 3006,
  kQuotePriceMismatch = 3007,
  kQuoteInstrumentMismatch = 3008,
  kNoReferencePrice = 3009,
  kLiveQuotesLimit = 3010,
  kQuoteIndicative = 3011,
  kQuoteTtlOutOfRange = 3012,
  kQuoteCanceled = 3013,
  kUnsupportedQuoteCancelType = 3014,
  // 4xxx: market data (streaming prices).
  kMdReqIdInvalid = 4001,
  kMdDuplicateReqId = 4002,
  kMdUnknownReqId = 4003,
  kMdUnsupportedSubscriptionType = 4004,
  kMdUnsupportedMarketDepth = 4005,
  kMdUnsupportedUpdateType = 4006,
  kMdUnsupportedEntryType = 4007,
  kMdSubscriptionsLimit = 4008,
  kMdTooManySymbols = 4009,
  // 5xxx: open orders (cancel, replace, status).
  kUnknownOrder = 5001,
  kOrderNotOpen = 5002,
  kOrderMismatch = 5003,
  kReplaceQtyNotAboveFilled = 5004,
  kReplaceUnsupported = 5005,
  kOrderBookFull = 5006,
  // 9xxx: system state.
  kEngineBusy = 9001,
  kJournalHalted = 9002,
  kUnsupportedMessage = 9003,
};

// Stable snake_case name, e.g. "quote_expired". Never null.
const char* reject_name(RejectReason r);
// One-line human description for FIX Text(58) and logs. Never null.
const char* reject_description(RejectReason r);
// Every defined reason, in numeric order (for tests and documentation).
const RejectReason* all_reject_reasons(int* count);

}  // namespace otc
