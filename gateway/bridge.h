// gateway/bridge.h: the boundary between the FIX side (C++14, QuickFIX) and the core
// (C++20: config, engine, ledger).
//
// This header must compile as C++14 and include nothing of QuickFIX or of the engine.
// Requests cross as raw field text (the core converts decimals exactly, once); answers
// come back as FIX-ready values (decimal text, FIX enum codes, FIX timestamps), already
// mapped from our RejectReason by the core.
//
// Threads: submit_* may be called from any session thread. Outbound methods are called
// on the engine thread, only after the journal commit that holds what they report.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace otc {
namespace gw {

struct SessionEntry {
  std::string client_code;     // our client id, "ACME"
  std::string client_comp_id;  // the client's SenderCompID
  std::string username;
  std::string password_hash;
};

struct QuoteRequestMsg {
  std::string client_code;
  std::string quote_req_id;
  std::string symbol;
  char side = 0;            // 0 when absent
  std::string order_qty;    // "" when absent
  int quote_type = -1;      // -1 when absent, -2 when not a small integer
  std::string expire_time;  // ExpireTime(126) as sent, "" when absent
};

struct MarketDataRequestMsg {
  std::string client_code;
  std::string md_req_id;
  char subscription_type = 0;
  int market_depth = -1;    // -1 absent or not a small integer
  int update_type = -1;     // -1 absent, -2 not a small integer
  std::string entry_types;  // MDEntryType of each NoMDEntryTypes entry
  std::vector<std::string> symbols;
};

struct QuoteCancelMsg {
  std::string client_code;
  std::string quote_id;     // "" when absent
  int cancel_type = -1;     // QuoteCancelType(298): -1 absent, -2 not a small integer
};

// NewOrderSingle(D). Every field as sent ("" / 0 when absent): the engine checks them all.
struct NewOrderMsg {
  std::string client_code;
  std::string cl_ord_id;
  std::string symbol;
  char side = 0;
  char ord_type = 0;        // '1' market, '2' limit, 'D' previously quoted (others refused by the engine)
  std::string order_qty;
  std::string price;        // "" when absent
  std::string quote_id;     // "" when absent
  char tif = 0;             // TimeInForce(59), 0 when absent
  std::string expire_time;  // ExpireTime(126) as sent, "" when absent
  std::string expire_date;  // ExpireDate(432) as sent, "" when absent
  std::string slippage_bps; // MaxSlippageBps(20001) as sent, "" when absent
};

// OrderCancelRequest(F).
struct CancelOrderMsg {
  std::string client_code;
  std::string cl_ord_id;       // the cancel's own ClOrdID(11)
  std::string orig_cl_ord_id;  // OrigClOrdID(41): the order's current ClOrdID
  std::string order_id;        // OrderID(37), "" when absent
  std::string symbol;          // "" when absent
  char side = 0;
};

// OrderCancelReplaceRequest(G).
struct ReplaceOrderMsg {
  std::string client_code;
  std::string cl_ord_id;
  std::string orig_cl_ord_id;
  std::string order_id;        // "" when absent
  std::string symbol;          // "" when absent
  char side = 0;
  char ord_type = 0;
  char tif = 0;                // 0 when absent
  std::string order_qty;       // "" when absent
  std::string price;           // "" when absent
};

// OrderStatusRequest(H).
struct OrderStatusMsg {
  std::string client_code;
  std::string cl_ord_id;       // the order's ClOrdID
  std::string order_id;        // "" when absent
  std::string symbol;          // "" when absent
  char side = 0;
};

struct QuoteOut {
  std::string client_code;
  std::string quote_req_id;
  std::string quote_id;
  std::string symbol;
  char side = 0;            // 0 for a two-way quote
  std::string order_qty;
  std::string bid_px;       // "" when not quoted
  std::string offer_px;
  std::string bid_size;
  std::string offer_size;
  std::string valid_until;  // FIX UTCTimestamp, ms
  std::string transact_time;
  bool firm = true;         // QuoteType 1; false = indicative (0)
};

// MarketDataSnapshotFullRefresh(W): one instrument's ladder for the client.
struct MdEntryOut {
  char type = '0';          // MDEntryType: '0' bid, '1' offer
  std::string px;
  std::string size;
  int position = 1;         // MDEntryPositionNo: 1 = smallest size
};
struct MarketDataOut {
  std::string client_code;
  std::string md_req_id;
  std::string symbol;
  std::vector<MdEntryOut> entries;
};

// MarketDataRequestReject(Y).
struct MarketDataRejectOut {
  std::string client_code;
  std::string md_req_id;
  char reason = 0;          // MDReqRejReason(281), 0 = none fits (omitted)
  std::string text;
};

// QuoteStatusReport(AI): the answer to a QuoteCancel.
struct QuoteStatusOut {
  std::string client_code;
  std::string quote_id;     // the QuoteID the client named ("" for cancel-all)
  int quote_status = 9;     // QuoteStatus(297): 1 canceled for symbol, 4 canceled all, 9 not found, 5 rejected
  std::string text;
};

struct QuoteRejectOut {
  std::string client_code;
  std::string quote_req_id;
  std::string symbol;
  char side = 0;
  std::string order_qty;
  int reason = 99;          // QuoteRequestRejectReason(658)
  std::string text;         // "<our code> <name>: detail"
};

struct ExecReportOut {
  std::string client_code;
  std::string order_id;     // "NONE" for the status answer about an unknown order
  std::string exec_id;      // "0" for a status answer (not a state change)
  std::string cl_ord_id;
  std::string orig_cl_ord_id;  // "" when absent (set after a cancel/replace)
  char exec_type = '0';
  char ord_status = '0';
  std::string symbol;
  char side = '1';
  char ord_type = 0;        // 0 when unknown
  std::string order_qty;    // "" when unknown (reject of an unparsable quantity)
  std::string price;        // "" when absent
  char tif = 0;             // TimeInForce(59), 0 when absent
  std::string expire_time;  // ExpireTime(126), FIX UTCTimestamp, "" when absent
  std::string last_qty;     // "" unless a fill
  std::string last_px;
  std::string cum_qty;
  std::string leaves_qty;
  std::string avg_px;
  int ord_rej_reason = -1;  // OrdRejReason(103), -1 when not a reject
  std::string text;
  std::string transact_time;
  // Fills only: GrossTradeAmt(381) and Commission(12) with CommType(13)=3 (absolute) in
  // CommCurrency(479), the quote asset: exactly what the ledger moved.
  std::string gross_trade_amt;
  std::string commission;
  std::string comm_currency;
  uint64_t journal_seq = 0;   // the record it reports (delivery tracking); 0 = not journaled
  bool poss_resend = false;   // PossResend(97)=Y: committed before a restart, may have been sent
};

// OrderCancelReject(9): a refused cancel or replace.
struct CancelRejectOut {
  std::string client_code;
  std::string order_id;      // "NONE" when the order is unknown
  std::string cl_ord_id;
  std::string orig_cl_ord_id;
  char ord_status = '8';     // the order's OrdStatus(39); '8' when the order is unknown
  char response_to = '1';    // CxlRejResponseTo(434): '1' cancel, '2' replace
  int cxl_rej_reason = 99;   // CxlRejReason(102)
  std::string text;          // "<our code> <name>: detail"
  uint64_t journal_seq = 0;
  bool poss_resend = false;
};

// A report read back from the journal: an ExecutionReport or an OrderCancelReject.
struct StoredReportOut {
  uint64_t journal_seq = 0;
  bool cancel_reject = false;
  ExecReportOut exec_report;
  CancelRejectOut cancel;
};

// BusinessMessageReject(j) for a request the engine could not take (journal halted).
struct BusinessRejectOut {
  std::string client_code;
  std::string ref_msg_type;  // "D", "F", "G" or "H"
  std::string ref_id;        // the ClOrdID
  int reason = 4;            // BusinessRejectReason(380): 4 = application not available
  std::string text;
};

class Outbound {
 public:
  virtual ~Outbound() {}
  virtual void send_quote(const QuoteOut& q) = 0;
  virtual void send_quote_reject(const QuoteRejectOut& r) = 0;
  virtual void send_exec_report(const ExecReportOut& e) = 0;
  virtual void send_cancel_reject(const CancelRejectOut& r) = 0;
  virtual void send_business_reject(const BusinessRejectOut& b) = 0;
  virtual void send_quote_status(const QuoteStatusOut& s) = 0;
  virtual void send_market_data(const MarketDataOut& m) = 0;
  virtual void send_market_data_reject(const MarketDataRejectOut& r) = 0;
};

struct Options {
  std::string config_path;
  std::string state_dir;      // overrides the config's state_dir when not empty
  std::string listen_address; // overrides when not empty
  int listen_port = -1;       // overrides when >= 0 (0 = pick a free port)
  std::string demo_credentials_path;
};

class Core {
 public:
  virtual ~Core() {}
  // Starts the engine thread. REQUIRES: set_outbound() called.
  virtual void start() = 0;
  virtual void stop() = 0;
  virtual void set_outbound(Outbound* out) = 0;

  // Non-blocking. False when the engine cannot take it now (queue full, journal halted
  // or stopping); *why then says so, and the caller answers the client with it.
  virtual bool submit_quote_request(const QuoteRequestMsg& m, std::string* why) = 0;
  virtual bool submit_new_order(const NewOrderMsg& m, std::string* why) = 0;
  virtual bool submit_cancel_order(const CancelOrderMsg& m, std::string* why) = 0;
  virtual bool submit_replace_order(const ReplaceOrderMsg& m, std::string* why) = 0;
  virtual bool submit_order_status(const OrderStatusMsg& m, std::string* why) = 0;
  virtual bool submit_quote_cancel(const QuoteCancelMsg& m, std::string* why) = 0;
  virtual bool submit_market_data_request(const MarketDataRequestMsg& m, std::string* why) = 0;
  // The client's session ended (logout or drop): its streaming subscriptions end, and its
  // resting orders are canceled when it is configured cancel-on-disconnect. Never lost to
  // a full queue (only refused while the engine stops). The ExecutionReports that follow
  // wait in the journal until the client logs on again (FixApp::onLogon).
  virtual void session_ended(const std::string& client_code) = 0;

  virtual const std::vector<SessionEntry>& sessions() const = 0;
  // Checks a logon's credentials. Empty result = accepted; else the Text for Logout.
  virtual std::string check_logon(const std::string& client_comp_id, const std::string& username,
                                  const std::string& password, bool has_username, bool has_password) const = 0;

  virtual std::string listen_address() const = 0;
  virtual int listen_port() const = 0;
  virtual std::string fix_settings_path() const = 0;
  virtual std::string state_dir() const = 0;
  virtual std::string journal_path() const = 0;
  // The reports to `client_code` committed after journal record `after_seq`, in order, at
  // most `max` (ExecutionReports and OrderCancelRejects; delivery after a crash or while
  // logged out). Any thread. False with *error if the journal cannot be read.
  virtual bool committed_reports(const std::string& client_code, uint64_t after_seq, size_t max,
                                 std::vector<StoredReportOut>* out, std::string* error) const = 0;
  // The last journal record at start-up: reports up to it were committed by an earlier run.
  virtual uint64_t recovered_seq() const = 0;
  // The audit public key (hex) that signs checkpoints.
  virtual std::string audit_public_key() const = 0;
  // Lines for the start-up banner (demo sessions with their passwords when loaded).
  virtual std::vector<std::string> banner() const = 0;
};

// Loads config, opens (or creates) and recovers the journal, funds demo clients on a
// new journal. Returns null and says why in *error on any failure.
std::unique_ptr<Core> create_core(const Options& options, std::string* error);

}  // namespace gw
}  // namespace otc
