// engine/reports.cc: reports rebuilt from their journal records (report_of_record).
//
// The gateway sends a report only after its record committed; if it crashed in between,
// the record is all that is left. These functions make the same event back from it,
// so the client gets exactly what it would have got (same ExecID, same fields).
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "engine/engine_detail.h"

namespace otc::engine {
namespace {

using ledger::RecordKind;

Reject bad_record(const ledger::StoredRecord& r, const std::string& what) {
  return make_reject(RejectReason::kJournalHalted, "record " + std::to_string(r.seq) + " (" +
                                                       ledger::record_kind_name(r.kind) + "): " + what);
}

char one_char(const Json& j, const char* key) {
  const std::string s = j.value(key, std::string());
  return s.size() == 1 ? s[0] : 0;
}

Reject reject_of(const Json& j) {
  return make_reject(static_cast<RejectReason>(j.at("reason").get<int>()), j.at("detail").get<std::string>());
}

}  // namespace

Result<Event> report_of_record(const ReferenceData& ref, const ledger::StoredRecord& r) {
  const ClientSpec* client = ref.find_client(r.client);
  if (client == nullptr) return bad_record(r, "client '" + r.client + "' is not configured");
  const Json j = Json::parse(r.payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_record(r, "payload is not a JSON object");
  try {
    switch (r.kind) {
      case RecordKind::kOrderAccepted:
      case RecordKind::kFill:
      case RecordKind::kOrderCanceled:
      case RecordKind::kOrderExpired:
      case RecordKind::kOrderReplaced: {
        Result<Order> o = order_from_json(ref, j.at("order"));
        if (!o.ok()) return bad_record(r, o.reject().detail);
        ExecReportEvent e;
        e.order = order_view(o.value());
        e.exec_id = r.exec_id;
        e.ts = r.ts;
        e.seq = r.seq;
        if (r.kind == RecordKind::kOrderAccepted) {
          e.kind = ExecKind::kNew;
        } else if (r.kind == RecordKind::kOrderReplaced) {
          e.kind = ExecKind::kReplaced;
        } else if (r.kind == RecordKind::kFill) {
          e.kind = ExecKind::kTrade;
          e.last_qty = Qty(j.at("qty").get<int64_t>());
          e.last_px = Price(j.at("price").get<int64_t>());
          e.notional = Amount(j.at("notional").get<int64_t>());
          e.fee = Amount(j.at("fee").get<int64_t>());
          e.quote_id = r.quote_id;
          e.internal = j.value("internal", false);
        } else {
          e.kind = r.kind == RecordKind::kOrderExpired ? ExecKind::kExpired : ExecKind::kCanceled;
          e.text = j.value("text", std::string());
        }
        return Event(std::move(e));
      }
      case RecordKind::kOrderRejected: {
        OrderRejectedEvent e{client->id,
                             r.order_id,
                             r.exec_id,
                             j.at("cl_ord_id").get<std::string>(),
                             j.at("symbol").get<std::string>(),
                             one_char(j, "side"),
                             one_char(j, "ord_type"),
                             j.at("qty").get<std::string>(),
                             j.at("price").get<std::string>(),
                             reject_of(j),
                             r.ts};
        e.seq = r.seq;
        return Event(std::move(e));
      }
      case RecordKind::kCancelRejected: {
        CancelRejectedEvent e{client->id,
                              j.at("cl_ord_id").get<std::string>(),
                              j.at("orig_cl_ord_id").get<std::string>(),
                              std::nullopt,
                              std::nullopt,
                              one_char(j, "response_to"),
                              reject_of(j),
                              r.ts};
        if (r.order_id.value != 0) e.order_id = r.order_id;
        const char status = one_char(j, "ord_status");
        if (status != 0) e.ord_status = static_cast<OrdStatus>(status);
        e.seq = r.seq;
        return Event(std::move(e));
      }
      default:
        return bad_record(r, "not a report");
    }
  } catch (const Json::exception& e) {
    return bad_record(r, std::string("malformed payload: ") + e.what());
  }
}

}  // namespace otc::engine
