#include "gateway/fix_app.h"

#include <quickfix/Session.h>
#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/BusinessMessageReject.h>
#include <quickfix/fix44/MarketDataRequest.h>
#include <quickfix/fix44/MarketDataRequestReject.h>
#include <quickfix/fix44/MarketDataSnapshotFullRefresh.h>
#include <quickfix/fix44/OrderCancelReject.h>
#include <quickfix/fix44/Quote.h>
#include <quickfix/fix44/QuoteRequest.h>
#include <quickfix/fix44/QuoteRequestReject.h>

#include <cstdio>

#include "common/reject.h"
#include "gateway/fix_codes.h"

namespace otc {
namespace gw {
namespace {

// Tags we read or write as exact text (never through QuickFIX's double conversion).
enum Tag : int {
  kAvgPx = 6,
  kClOrdId = 11,
  kCumQty = 14,
  kExecId = 17,
  kLastPx = 31,
  kLastQty = 32,
  kMsgSeqNum = 34,
  kMsgType = 35,
  kPossDupFlag = 43,
  kOrderId = 37,
  kOrderQty = 38,
  kOrdStatus = 39,
  kOrdType = 40,
  kOrigClOrdId = 41,
  kPrice = 44,
  kSide = 54,
  kSymbol = 55,
  kText = 58,
  kTimeInForce = 59,
  kTransactTime = 60,
  kValidUntilTime = 62,
  kExpireTime = 126,
  kMdReqId = 262,
  kSubscriptionRequestType = 263,
  kMarketDepth = 264,
  kMdUpdateType = 265,
  kNoMdEntryTypes = 267,
  kNoMdEntries = 268,
  kMdEntryType = 269,
  kMdEntryPx = 270,
  kMdEntrySize = 271,
  kMdReqRejReason = 281,
  kMdEntryPositionNo = 290,
  kQuoteStatus = 297,
  kQuoteCancelType = 298,
  kOrdRejReason = 103,
  kCxlRejReason = 102,
  kQuoteId = 117,
  kQuoteReqId = 131,
  kBidPx = 132,
  kOfferPx = 133,
  kBidSize = 134,
  kOfferSize = 135,
  kNoRelatedSym = 146,
  kExecType = 150,
  kLeavesQty = 151,
  kRefMsgType = 372,
  kCxlRejResponseTo = 434,
  kExpireDate = 432,
  kBusinessRejectRefId = 379,
  kBusinessRejectReason = 380,
  kQuoteType = 537,
  kUsername = 553,
  kPassword = 554,
  kQuoteRequestRejectReason = 658,
  kCommission = 12,
  kCommType = 13,
  kPossResend = 97,
  kGrossTradeAmt = 381,
  kCommCurrency = 479,
  kMaxSlippageBps = 20001,  // ours (fix-specs/FIX44.xml): market orders' slippage tolerance
};

// BusinessRejectReason(380) values used.
constexpr int kBrrOther = 0;
constexpr int kBrrApplicationNotAvailable = 4;

std::string text_of(const FIX::FieldMap& m, int tag) { return m.isSetField(tag) ? m.getField(tag) : std::string(); }

char char_of(const FIX::FieldMap& m, int tag) {
  if (!m.isSetField(tag)) return 0;
  const std::string& v = m.getField(tag);
  return v.size() == 1 ? v[0] : '?';
}

void set_if(FIX::FieldMap& m, int tag, const std::string& v) {
  if (!v.empty()) m.setField(tag, v);
}

void log_line(const std::string& s) { std::fprintf(stderr, "otcgw: %s\n", s.c_str()); }

// True for text a strict peer accepts in a QTY field: [-]digits[.digits].
bool is_plain_decimal(const std::string& s) {
  size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  bool digit = false;
  bool dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digit = true;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit && s.size() <= 32;
}

// A small non-negative integer field (QuoteType, QuoteCancelType, MarketDepth) as sent,
// else -2.
int parse_small_int(const std::string& v) {
  if (v.empty() || v.size() > 6) return -2;
  int n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -2;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

FixApp::FixApp(Core& core, const std::string& our_comp_id) : core_(core), our_comp_id_(our_comp_id) {
  for (const SessionEntry& s : core_.sessions()) {
    session_of_client_.emplace(s.client_code,
                               FIX::SessionID("FIX.4.4", our_comp_id_, s.client_comp_id));
    client_of_comp_id_.emplace(s.client_comp_id, s.client_code);
  }
}

const std::string* FixApp::client_of(const FIX::SessionID& id) const {
  auto it = client_of_comp_id_.find(id.getTargetCompID().getValue());
  return it == client_of_comp_id_.end() ? nullptr : &it->second;
}

namespace {
thread_local bool t_catching_up = false;  // onLogon is sending reports from the journal on this thread
thread_local uint64_t t_report_seq = 0;   // the journal record of the report being sent (0: none)
constexpr size_t kCatchUpBatch = 1000;
}  // namespace

bool FixApp::open_delivery_marks(const std::string& path, uint64_t journal_last_seq,
                                 const DeliveryMarks::StoreProbe& probe, std::string* error) {
  if (!marks_.open(path, journal_last_seq, probe, error)) return false;
  if (marks_.started_fresh() && journal_last_seq > 0) {
    log_line("no delivery marks at " + path + ": reports up to journal record " + std::to_string(journal_last_seq) +
             " count as delivered");
  }
  return true;
}

void FixApp::logon_arriving(const FIX::SessionID& id, bool) {
  const std::string* client = client_of(id);
  if (client == nullptr) return;
  std::lock_guard<std::mutex> lock(delivery_mu_);
  delivery_[*client].live = false;  // until onLogon has caught up
}

void FixApp::onLogon(const FIX::SessionID& id) {
  log_line("logon " + id.toString());
  const std::string* client = client_of(id);
  if (client == nullptr) return;
  catch_up(*client);
}

// Reads the client's committed reports after its mark and sends them, in journal order,
// until a read finds nothing new and no live report was held back meanwhile; then the
// engine thread's reports flow live. Runs on the session thread inside onLogon, so the
// client's own requests wait until it is done.
void FixApp::catch_up(const std::string& client) {
  size_t sent = 0;
  size_t rounds = 0;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(delivery_mu_);
      delivery_[client].missed = false;
    }
    std::vector<StoredReportOut> reports;
    std::string error;
    if (!core_.committed_reports(client, marks_.mark(client), kCatchUpBatch, &reports, &error)) {
      // Not fatal for the session: what is unsent stays in the journal for the next logon.
      log_line("ERROR: cannot read reports for " + client + " from the journal: " + error);
      std::lock_guard<std::mutex> lock(delivery_mu_);
      delivery_[client].live = true;
      break;
    }
    t_catching_up = true;
    for (StoredReportOut& r : reports) {
      // Committed by an earlier run: the crash may have come after the send.
      const bool earlier_run = r.journal_seq <= core_.recovered_seq();
      if (r.cancel_reject) {
        r.cancel.poss_resend = earlier_run;
        send_cancel_reject(r.cancel);
      } else {
        r.exec_report.poss_resend = earlier_run;
        send_exec_report(r.exec_report);
      }
      ++sent;
    }
    t_catching_up = false;
    ++rounds;
    if (reports.size() == kCatchUpBatch) continue;
    std::lock_guard<std::mutex> lock(delivery_mu_);
    Delivery& d = delivery_[client];
    if (d.missed) continue;
    d.live = true;
    break;
  }
  if (sent > 0) {
    log_line("sent " + std::to_string(sent) + " committed reports " + client + " had not been sent (" +
             std::to_string(rounds) + " journal reads)");
  }
}

void FixApp::toApp(FIX::Message& m, const FIX::SessionID& id) throw(FIX::DoNotSend) {
  const FIX::Header& h = m.getHeader();
  const bool resend = h.isSetField(kPossDupFlag) && h.getField(kPossDupFlag) == "Y";
  if (resend && h.getField(kMsgType) == "W") throw FIX::DoNotSend();
  // QuickFIX resending what it stored, or not a report: as QuickFIX decides.
  if (resend || t_report_seq == 0) return;
  const std::string* client = client_of(id);
  if (client == nullptr) return;
  // Called by Session::sendRaw under the session's lock, after the header got its
  // MsgSeqNum and before the message is stored and sent (only if logged on).
  FIX::Session* s = FIX::Session::lookupSession(id);
  if (s == nullptr || !s->isLoggedOn()) throw FIX::DoNotSend();  // the journal has it: sent at the next logon
  std::lock_guard<std::mutex> lock(delivery_mu_);
  Delivery& d = delivery_[*client];
  if (!d.live && !t_catching_up) {
    d.missed = true;  // catch_up reads it from the journal, in order
    throw FIX::DoNotSend();
  }
  if (t_report_seq <= marks_.mark(*client)) throw FIX::DoNotSend();  // catch_up sent it already
  const std::string created = FIX::UtcTimeStampConvertor::convert(s->getStore()->getCreationTime(), 0);
  std::string error;
  if (!marks_.record(*client, t_report_seq, FIX::IntConvertor::convert(h.getField(kMsgSeqNum)), created, &error)) {
    // Sent all the same; after a crash it might be sent twice (PossResend=Y then).
    log_line("ERROR: " + error);
  }
}

void FixApp::onLogout(const FIX::SessionID& id) {
  log_line("logout " + id.toString());
  const std::string* client = client_of(id);
  if (client == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(delivery_mu_);
    delivery_[*client].live = false;
  }
  core_.session_ended(*client);
}

void FixApp::fromAdmin(const FIX::Message& m, const FIX::SessionID& id) throw(FIX::FieldNotFound,
                                                                               FIX::IncorrectDataFormat,
                                                                               FIX::IncorrectTagValue, FIX::RejectLogon) {
  if (m.getHeader().getField(kMsgType) != "A") return;
  const bool has_user = m.isSetField(kUsername);
  const bool has_pass = m.isSetField(kPassword);
  const std::string why = core_.check_logon(id.getTargetCompID().getValue(), has_user ? m.getField(kUsername) : "",
                                            has_pass ? m.getField(kPassword) : "", has_user, has_pass);
  if (!why.empty()) {
    log_line("logon refused for " + id.toString() + ": " + why);
    throw FIX::RejectLogon(why);
  }
}

void FixApp::fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(FIX::FieldNotFound,
                                                                             FIX::IncorrectDataFormat,
                                                                             FIX::IncorrectTagValue,
                                                                             FIX::UnsupportedMessageType) {
  const std::string* client = client_of(id);
  if (client == nullptr) throw FIX::UnsupportedMessageType();  // unreachable: sessions come from config
  const std::string& type = m.getHeader().getField(kMsgType);
  if (type == "R") return on_quote_request(m, id, *client);
  if (type == "D") return on_new_order(m, id, *client);
  if (type == "F") return on_cancel_order(m, id, *client);
  if (type == "G") return on_replace_order(m, id, *client);
  if (type == "H") return on_order_status(m, id, *client);
  if (type == "Z") return on_quote_cancel(m, id, *client);
  if (type == "V") return on_market_data_request(m, id, *client);
  // QuickFIX answers with BusinessMessageReject(380=3, unsupported message type).
  throw FIX::UnsupportedMessageType();
}

void FixApp::on_quote_request(const FIX::Message& m, const FIX::SessionID& id, const std::string& client) {
  QuoteRequestMsg q;
  q.client_code = client;
  q.quote_req_id = text_of(m, kQuoteReqId);
  const int groups = m.groupCount(kNoRelatedSym);
  if (groups != 1) {
    QuoteRejectOut r;
    r.client_code = client;
    r.quote_req_id = q.quote_req_id;
    r.reason = 99;
    r.text = reject_text(RejectReason::kUnsupportedMessage, "exactly one instrument per QuoteRequest (NoRelatedSym=1)");
    if (groups > 0) {
      FIX44::QuoteRequest::NoRelatedSym g;
      m.getGroup(1, g);
      r.symbol = text_of(g, kSymbol);
    }
    if (r.symbol.empty()) r.symbol = "?";
    send_quote_reject(r);
    return;
  }
  FIX44::QuoteRequest::NoRelatedSym g;
  m.getGroup(1, g);
  q.symbol = text_of(g, kSymbol);
  q.side = char_of(g, kSide);
  q.order_qty = text_of(g, kOrderQty);
  if (g.isSetField(kQuoteType)) q.quote_type = parse_small_int(g.getField(kQuoteType));
  q.expire_time = text_of(g, kExpireTime);
  std::string why;
  if (!core_.submit_quote_request(q, &why)) reply_business_reject(m, id, kBrrApplicationNotAvailable, why);
}

void FixApp::on_new_order(const FIX::Message& m, const FIX::SessionID& id, const std::string& client) {
  NewOrderMsg o;
  o.client_code = client;
  o.cl_ord_id = text_of(m, kClOrdId);
  o.symbol = text_of(m, kSymbol);
  o.side = char_of(m, kSide);
  o.ord_type = char_of(m, kOrdType);
  o.order_qty = text_of(m, kOrderQty);
  o.price = text_of(m, kPrice);
  o.quote_id = text_of(m, kQuoteId);
  o.tif = char_of(m, kTimeInForce);
  o.expire_time = text_of(m, kExpireTime);
  o.expire_date = text_of(m, kExpireDate);
  o.slippage_bps = text_of(m, kMaxSlippageBps);
  std::string why;
  if (!core_.submit_new_order(o, &why)) reply_business_reject(m, id, kBrrApplicationNotAvailable, why);
}

// F, G and H: the fields as sent; which order they name, and whether they match it, is
// the engine's to decide (OrderCancelReject or ExecutionReport with our reasons).
void FixApp::on_cancel_order(const FIX::Message& m, const FIX::SessionID& id, const std::string& client) {
  CancelOrderMsg c;
  c.client_code = client;
  c.cl_ord_id = text_of(m, kClOrdId);
  c.orig_cl_ord_id = text_of(m, kOrigClOrdId);
  c.order_id = text_of(m, kOrderId);
  c.symbol = text_of(m, kSymbol);
  c.side = char_of(m, kSide);
  std::string why;
  if (!core_.submit_cancel_order(c, &why)) reply_business_reject(m, id, kBrrApplicationNotAvailable, why);
}

void FixApp::on_replace_order(const FIX::Message& m, const FIX::SessionID& id, const std::string& client) {
  ReplaceOrderMsg r;
  r.client_code = client;
  r.cl_ord_id = text_of(m, kClOrdId);
  r.orig_cl_ord_id = text_of(m, kOrigClOrdId);
  r.order_id = text_of(m, kOrderId);
  r.symbol = text_of(m, kSymbol);
  r.side = char_of(m, kSide);
  r.ord_type = char_of(m, kOrdType);
  r.tif = char_of(m, kTimeInForce);
  r.order_qty = text_of(m, kOrderQty);
  r.price = text_of(m, kPrice);
  std::string why;
  if (!core_.submit_replace_order(r, &why)) reply_business_reject(m, id, kBrrApplicationNotAvailable, why);
}

void FixApp::on_order_status(const FIX::Message& m, const FIX::SessionID& id, const std::string& client) {
  OrderStatusMsg q;
  q.client_code = client;
  q.cl_ord_id = text_of(m, kClOrdId);
  q.order_id = text_of(m, kOrderId);
  q.symbol = text_of(m, kSymbol);
  q.side = char_of(m, kSide);
  std::string why;
  if (!core_.submit_order_status(q, &why)) reply_business_reject(m, id, kBrrApplicationNotAvailable, why);
}

void FixApp::on_quote_cancel(const FIX::Message& m, const FIX::SessionID& id, const std::string& client) {
  QuoteCancelMsg c;
  c.client_code = client;
  c.quote_id = text_of(m, kQuoteId);
  if (m.isSetField(kQuoteCancelType)) c.cancel_type = parse_small_int(m.getField(kQuoteCancelType));
  std::string why;
  if (!core_.submit_quote_cancel(c, &why)) reply_business_reject(m, id, kBrrApplicationNotAvailable, why);
}

void FixApp::on_market_data_request(const FIX::Message& m, const FIX::SessionID& id, const std::string& client) {
  MarketDataRequestMsg r;
  r.client_code = client;
  r.md_req_id = text_of(m, kMdReqId);
  r.subscription_type = char_of(m, kSubscriptionRequestType);
  if (m.isSetField(kMarketDepth)) r.market_depth = parse_small_int(m.getField(kMarketDepth));
  if (r.market_depth < -1) r.market_depth = -1;
  if (m.isSetField(kMdUpdateType)) r.update_type = parse_small_int(m.getField(kMdUpdateType));
  const int types = m.groupCount(kNoMdEntryTypes);
  for (int i = 1; i <= types && i <= 16; ++i) {
    FIX44::MarketDataRequest::NoMDEntryTypes g;
    m.getGroup(i, g);
    const char t = char_of(g, kMdEntryType);
    r.entry_types.push_back(t == 0 ? '?' : t);
  }
  const int symbols = m.groupCount(kNoRelatedSym);
  for (int i = 1; i <= symbols && i <= 257; ++i) {  // the engine refuses more than its limit
    FIX44::MarketDataRequest::NoRelatedSym g;
    m.getGroup(i, g);
    r.symbols.push_back(text_of(g, kSymbol));
  }
  std::string why;
  if (!core_.submit_market_data_request(r, &why)) reply_business_reject(m, id, kBrrApplicationNotAvailable, why);
}

void FixApp::reply_business_reject(const FIX::Message& ref, const FIX::SessionID& id, int reason,
                                   const std::string& text) {
  FIX44::BusinessMessageReject r;
  r.setField(kRefMsgType, ref.getHeader().getField(kMsgType));
  if (ref.getHeader().isSetField(kMsgSeqNum)) r.setField(45, ref.getHeader().getField(kMsgSeqNum));
  const int ref_id_tag = ref.isSetField(kClOrdId) ? kClOrdId : kQuoteReqId;
  set_if(r, kBusinessRejectRefId, text_of(ref, ref_id_tag));
  r.setField(kBusinessRejectReason, std::to_string(reason == 0 ? kBrrOther : reason));
  set_if(r, kText, text);
  try {
    FIX::Session::sendToTarget(r, id);
  } catch (const FIX::SessionNotFound&) {
    log_line("business reject not sent, session gone: " + id.toString());
  } catch (const FIX::Exception& e) {
    log_line("ERROR: business reject not sent to " + id.toString() + ": " + e.what());
  }
}

void FixApp::send_to(FIX::Message& m, const std::string& client_code, uint64_t report_seq) {
  auto it = session_of_client_.find(client_code);
  if (it == session_of_client_.end()) {
    log_line("no session for client " + client_code + ": message dropped (config mismatch)");
    return;
  }
  try {
    // A report for a session that is not logged on (or still catching up) is not stored:
    // toApp refuses it and onLogon sends it from the journal later. Other messages are
    // sent or stored as QuickFIX decides.
    t_report_seq = report_seq;
    FIX::Session::sendToTarget(m, it->second);
  } catch (const FIX::SessionNotFound&) {
    log_line("session not found for client " + client_code);
  } catch (const FIX::Exception& e) {
    // E.g. the message store cannot be written (disk full). The event is committed in our
    // journal; the client is not told now. Logged loudly, never fatal for other clients.
    log_line("ERROR: could not send to " + client_code + ": " + e.what());
  }
  t_report_seq = 0;
}

void FixApp::send_business_reject(const BusinessRejectOut& b) {
  FIX44::BusinessMessageReject m;
  m.setField(kRefMsgType, b.ref_msg_type);
  set_if(m, kBusinessRejectRefId, b.ref_id);
  m.setField(kBusinessRejectReason, std::to_string(b.reason));
  set_if(m, kText, b.text);
  send_to(m, b.client_code);
}

void FixApp::send_market_data(const MarketDataOut& md) {
  FIX44::MarketDataSnapshotFullRefresh m;
  set_if(m, kMdReqId, md.md_req_id);
  m.setField(kSymbol, md.symbol);
  for (const MdEntryOut& e : md.entries) {
    FIX44::MarketDataSnapshotFullRefresh::NoMDEntries g;
    g.setField(kMdEntryType, std::string(1, e.type));
    g.setField(kMdEntryPx, e.px);
    g.setField(kMdEntrySize, e.size);
    g.setField(kMdEntryPositionNo, std::to_string(e.position));
    m.addGroup(g);
  }
  if (md.entries.empty()) m.setField(kNoMdEntries, "0");
  send_to(m, md.client_code);
}

void FixApp::send_market_data_reject(const MarketDataRejectOut& r) {
  FIX44::MarketDataRequestReject m;
  m.setField(kMdReqId, r.md_req_id.empty() ? "?" : r.md_req_id);
  if (r.reason != 0) m.setField(kMdReqRejReason, std::string(1, r.reason));
  set_if(m, kText, r.text);
  send_to(m, r.client_code);
}

void FixApp::send_quote_status(const QuoteStatusOut& s) {
  FIX::Message m;
  m.getHeader().setField(kMsgType, "AI");
  // QuoteID is required on AI: a cancel-all names no quote, so "*" stands for all.
  m.setField(kQuoteId, s.quote_id.empty() ? "*" : s.quote_id);
  m.setField(kQuoteStatus, std::to_string(s.quote_status));
  set_if(m, kText, s.text);
  send_to(m, s.client_code);
}

void FixApp::send_quote(const QuoteOut& q) {
  FIX44::Quote m;
  m.setField(kQuoteId, q.quote_id);
  set_if(m, kQuoteReqId, q.quote_req_id);
  m.setField(kQuoteType, q.firm ? "1" : "0");
  m.setField(kSymbol, q.symbol);
  if (q.side != 0) m.setField(kSide, std::string(1, q.side));
  set_if(m, kOrderQty, q.order_qty);
  set_if(m, kBidPx, q.bid_px);
  set_if(m, kOfferPx, q.offer_px);
  set_if(m, kBidSize, q.bid_size);
  set_if(m, kOfferSize, q.offer_size);
  m.setField(kValidUntilTime, q.valid_until);
  m.setField(kTransactTime, q.transact_time);
  send_to(m, q.client_code);
}

void FixApp::send_quote_reject(const QuoteRejectOut& r) {
  FIX44::QuoteRequestReject m;
  m.setField(kQuoteReqId, r.quote_req_id.empty() ? "?" : r.quote_req_id);
  m.setField(kQuoteRequestRejectReason, std::to_string(r.reason));
  FIX44::QuoteRequestReject::NoRelatedSym g;
  g.setField(kSymbol, r.symbol.empty() ? "?" : r.symbol);
  if (r.side == '1' || r.side == '2') g.setField(kSide, std::string(1, r.side));
  if (is_plain_decimal(r.order_qty)) g.setField(kOrderQty, r.order_qty);
  m.addGroup(g);
  set_if(m, kText, r.text);
  send_to(m, r.client_code);
}

void FixApp::send_exec_report(const ExecReportOut& e) {
  FIX44::ExecutionReport m;
  m.setField(kOrderId, e.order_id);
  m.setField(kExecId, e.exec_id);
  set_if(m, kClOrdId, e.cl_ord_id);
  set_if(m, kOrigClOrdId, e.orig_cl_ord_id);
  m.setField(kExecType, std::string(1, e.exec_type));
  m.setField(kOrdStatus, std::string(1, e.ord_status));
  // Symbol and Side are required on 8. An OrderStatusRequest may omit Symbol, and the
  // answer about an unknown order can only echo it: "?" then, as on AG.
  m.setField(kSymbol, e.symbol.empty() ? "?" : e.symbol);
  m.setField(kSide, std::string(1, e.side == 0 ? '?' : e.side));
  if (e.ord_type != 0) m.setField(kOrdType, std::string(1, e.ord_type));
  // Echoed client text only where a strict peer accepts it in a QTY/PRICE field.
  if (is_plain_decimal(e.order_qty)) m.setField(kOrderQty, e.order_qty);
  if (is_plain_decimal(e.price)) m.setField(kPrice, e.price);
  if (e.tif != 0) m.setField(kTimeInForce, std::string(1, e.tif));
  set_if(m, kExpireTime, e.expire_time);
  set_if(m, kLastQty, e.last_qty);
  set_if(m, kLastPx, e.last_px);
  m.setField(kLeavesQty, e.leaves_qty);
  m.setField(kCumQty, e.cum_qty);
  m.setField(kAvgPx, e.avg_px);
  if (e.ord_rej_reason >= 0) m.setField(kOrdRejReason, std::to_string(e.ord_rej_reason));
  set_if(m, kText, e.text);
  if (!e.gross_trade_amt.empty()) {
    m.setField(kGrossTradeAmt, e.gross_trade_amt);
    m.setField(kCommission, e.commission);
    m.setField(kCommType, "3");  // absolute
    m.setField(kCommCurrency, e.comm_currency);
  }
  m.setField(kTransactTime, e.transact_time);
  if (e.poss_resend) m.getHeader().setField(kPossResend, "Y");
  send_to(m, e.client_code, e.journal_seq);
}

void FixApp::send_cancel_reject(const CancelRejectOut& r) {
  FIX44::OrderCancelReject m;
  m.setField(kOrderId, r.order_id.empty() ? "NONE" : r.order_id);
  // ClOrdID and OrigClOrdID are required on 9; F and G require both, so they are only
  // empty if the engine lost them: "NONE" keeps the message valid rather than unsent.
  m.setField(kClOrdId, r.cl_ord_id.empty() ? "NONE" : r.cl_ord_id);
  m.setField(kOrigClOrdId, r.orig_cl_ord_id.empty() ? "NONE" : r.orig_cl_ord_id);
  m.setField(kOrdStatus, std::string(1, r.ord_status == 0 ? '8' : r.ord_status));
  m.setField(kCxlRejResponseTo, std::string(1, r.response_to));
  m.setField(kCxlRejReason, std::to_string(r.cxl_rej_reason));
  set_if(m, kText, r.text);
  if (r.poss_resend) m.getHeader().setField(kPossResend, "Y");
  send_to(m, r.client_code, r.journal_seq);
}

}  // namespace gw
}  // namespace otc
