// gateway/fix_app.h: the QuickFIX Application: FIX 4.4 <-> bridge messages.
//
// Compiled as C++14 (Debian's QuickFIX 1.15.1 headers). Session threads call the
// Application callbacks: they authenticate logons, read fields as exact text, check
// the message shape and enqueue to the core; nothing here decides business. The
// engine thread calls the Outbound methods after the journal commit.
#pragma once

#ifndef HAVE_SSL
#define HAVE_SSL 1
#endif
#include <quickfix/Application.h>
#include <quickfix/Message.h>
#include <quickfix/SessionID.h>

#include <map>
#include <mutex>
#include <vector>
#include <string>

#include "gateway/bridge.h"
#include "gateway/delivery_marks.h"

namespace otc {
namespace gw {

class FixApp : public FIX::Application, public Outbound {
 public:
  FixApp(Core& core, const std::string& our_comp_id);

  // FIX::Application
  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID& id) override;
  void onLogout(const FIX::SessionID& id) override;
  void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
  // Old prices are never resent: a W asked for again in a resend becomes a gap fill.
  // Everything else (ExecutionReports, OrderCancelRejects, ...) is resent as stored.
  // Reports (ExecutionReports, OrderCancelRejects: each one journal record) reach the
  // store only while the session is logged on and caught up; otherwise they stay in the
  // journal and onLogon sends them, in order, exactly once (delivery_marks.h).
  void toApp(FIX::Message& m, const FIX::SessionID& id) throw(FIX::DoNotSend) override;
  // A Logon that passed the credential check is about to reach its Session.
  void logon_arriving(const FIX::SessionID& id, bool reset_seq_num);
  // Where each client's delivered reports are remembered; before the acceptor starts.
  bool open_delivery_marks(const std::string& path, uint64_t journal_last_seq, const DeliveryMarks::StoreProbe& probe,
                           std::string* error);
  void fromAdmin(const FIX::Message& m, const FIX::SessionID& id) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                         FIX::IncorrectTagValue,
                                                                         FIX::RejectLogon) override;
  void fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                       FIX::IncorrectTagValue,
                                                                       FIX::UnsupportedMessageType) override;

  // Outbound (engine thread)
  void send_quote(const QuoteOut& q) override;
  void send_quote_reject(const QuoteRejectOut& r) override;
  void send_exec_report(const ExecReportOut& e) override;
  void send_cancel_reject(const CancelRejectOut& r) override;
  void send_business_reject(const BusinessRejectOut& b) override;
  void send_quote_status(const QuoteStatusOut& s) override;
  void send_market_data(const MarketDataOut& m) override;
  void send_market_data_reject(const MarketDataRejectOut& r) override;

 private:
  void on_quote_request(const FIX::Message& m, const FIX::SessionID& id, const std::string& client);
  void on_new_order(const FIX::Message& m, const FIX::SessionID& id, const std::string& client);
  void on_cancel_order(const FIX::Message& m, const FIX::SessionID& id, const std::string& client);
  void on_replace_order(const FIX::Message& m, const FIX::SessionID& id, const std::string& client);
  void on_order_status(const FIX::Message& m, const FIX::SessionID& id, const std::string& client);
  void on_quote_cancel(const FIX::Message& m, const FIX::SessionID& id, const std::string& client);
  void on_market_data_request(const FIX::Message& m, const FIX::SessionID& id, const std::string& client);
  void reply_business_reject(const FIX::Message& ref, const FIX::SessionID& id, int reason, const std::string& text);
  // `report_seq`: the journal record a report stands for (0: not a report).
  void send_to(FIX::Message& m, const std::string& client_code, uint64_t report_seq = 0);
  // Sends every committed report the client has not been handed, then lets live ones through.
  void catch_up(const std::string& client);
  const std::string* client_of(const FIX::SessionID& id) const;

  Core& core_;
  std::string our_comp_id_;
  // Per client: reports go out live only once its logon has caught up from the journal.
  struct Delivery {
    bool live = false;    // logged on and caught up: the engine thread's reports go out
    bool missed = false;  // a live report was held back while catching up: read again
  };
  std::mutex delivery_mu_;
  std::map<std::string, Delivery> delivery_;  // guarded by delivery_mu_
  DeliveryMarks marks_;
  std::map<std::string, FIX::SessionID> session_of_client_;  // read-only after construction
  std::map<std::string, std::string> client_of_comp_id_;     // read-only after construction
};

}  // namespace gw
}  // namespace otc
