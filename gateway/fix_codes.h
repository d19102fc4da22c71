// gateway/fix_codes.h: our RejectReason -> FIX 4.4 reason fields. The only place that
// maps them (fix-specs/README.md lists the table for counterparties).
#pragma once

#include <string>

#include "common/reject.h"

namespace otc {
namespace gw {

// QuoteRequestRejectReason(658), FIX 4.4 values.
int quote_request_reject_reason(RejectReason r);
// OrdRejReason(103), FIX 4.4 values.
int ord_rej_reason(RejectReason r);
// CxlRejReason(102), FIX 4.4 values: 1 unknown order, 0 too late to cancel (the order is
// no longer open), 6 duplicate ClOrdID, 99 other (Text says exactly what).
int cxl_rej_reason(RejectReason r);
// MDReqRejReason(281), FIX 4.4 values; 0 when none fits (the field is then omitted).
char md_req_rej_reason(RejectReason r);
// Text(58): "<number> <name>: <detail>", e.g. "3003 quote_expired: quote Q7 expired at ...".
std::string reject_text(RejectReason r, const std::string& detail);

}  // namespace gw
}  // namespace otc
