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
  // A message stored while its session is logged out (e.g. cancel-on-disconnect
  // reports) is also kept aside, for a client that logs on again with
  // ResetSeqNumFlag=Y: the reset discards the store, so onLogon sends it afresh. From
  // the moment such a Logon arrives (logon_arriving) until onLogon has sent what was
  // kept, new messages are held back (not stored, DoNotSend) and sent after them, in order.
  void toApp(FIX::Message& m, const FIX::SessionID& id) throw(FIX::DoNotSend) override;
  // A Logon that passed the credential check is about to reach its Session.
  void logon_arriving(const FIX::SessionID& id, bool reset_seq_num);
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
  void send_to(FIX::Message& m, const std::string& client_code);
  const std::string* client_of(const FIX::SessionID& id) const;

  Core& core_;
  std::string our_comp_id_;
  // Messages persisted but not sent because the session was logged out, by client;
  // and whether the client's latest Logon asked for a sequence reset. Bounded.
  static const size_t kOfflineMessagesMax = 100000;
  struct Held {
    FIX::Message message;
    bool stored;  // in QuickFIX's store (a ResendRequest gets it) or only here
  };
  std::mutex offline_mu_;
  std::map<std::string, std::vector<Held>> offline_;
  std::map<std::string, bool> reset_at_logon_;
  std::map<std::string, bool> replay_pending_;  // a resetting Logon arrived; onLogon not done
  std::map<std::string, FIX::SessionID> session_of_client_;  // read-only after construction
  std::map<std::string, std::string> client_of_comp_id_;     // read-only after construction
};

}  // namespace gw
}  // namespace otc
