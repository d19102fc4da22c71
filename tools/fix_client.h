// tools/fix_client.h: a small QuickFIX 4.4 initiator for people and for tests.
//
// Logs on with Username/Password, sends what it is given and queues what it receives
// (application messages, resent ones included, and session-level Rejects), with bounded
// waits everywhere.
// Compiled as C++14 (QuickFIX headers). Methods are thread-safe.
#pragma once

#ifndef HAVE_SSL
#define HAVE_SSL 1
#endif
#include <quickfix/Application.h>
#include <quickfix/Log.h>
#include <quickfix/Message.h>
#include <quickfix/MessageStore.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/ThreadedSocketInitiator.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace otc {
namespace fixclient {

struct ClientConfig {
  std::string host = "127.0.0.1";
  int port = 9876;
  std::string sender_comp_id;
  std::string target_comp_id = "OTCGW";
  std::string username;
  std::string password;
  bool send_username = true;
  bool send_password = true;
  std::string data_dictionary;  // validate what we receive against it when set
  bool reset_on_logon = true;   // ResetSeqNumFlag=Y on Logon
  int heartbeat_s = 30;
  // Directory of a QuickFIX FileStore for our sequence numbers; "" keeps them in memory
  // (they restart with every FixClient). With a path, a later FixClient with
  // reset_on_logon = false continues the session: the gateway's messages stored while we
  // were away (e.g. cancel-on-disconnect reports) come by resend, with PossDupFlag=Y.
  std::string store_path;
};

class FixClient : public FIX::Application {
 public:
  explicit FixClient(const ClientConfig& config);
  ~FixClient() override;

  // Starts the initiator (connects in the background). False with *error on bad settings.
  bool start(std::string* error);
  // Waits for our logon to be acknowledged.
  bool wait_logon(int timeout_ms);
  // Waits for a Logout from the gateway (or a disconnect); *text gets its Text(58).
  bool wait_logout(int timeout_ms, std::string* text);
  // Sends on the session. False when not logged on.
  bool send(FIX::Message& m);
  // The next received application message or session Reject(3), in arrival order.
  bool next(int timeout_ms, FIX::Message* out);
  // Logs out (bounded) and stops the initiator.
  void stop();

  bool logged_on() const;
  const FIX::SessionID& session_id() const { return session_id_; }
  // Events QuickFIX logged for the session (connection failures etc.), for diagnostics.
  std::vector<std::string> events() const;

  // FIX::Application
  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID&) override;
  void onLogout(const FIX::SessionID&) override;
  void toAdmin(FIX::Message& m, const FIX::SessionID&) override;
  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
  void fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                      FIX::IncorrectTagValue,
                                                                      FIX::RejectLogon) override;
  void fromApp(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                    FIX::IncorrectTagValue,
                                                                    FIX::UnsupportedMessageType) override;

  // Called by the capturing log with every raw incoming message and event.
  void on_raw_incoming(const std::string& raw);
  void on_event(const std::string& event);

 private:
  ClientConfig config_;
  FIX::SessionID session_id_;
  std::unique_ptr<FIX::SessionSettings> settings_;
  std::unique_ptr<FIX::MessageStoreFactory> store_;
  std::unique_ptr<FIX::LogFactory> log_;
  std::unique_ptr<FIX::ThreadedSocketInitiator> initiator_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<FIX::Message> inbox_;
  bool logged_on_ = false;
  bool ever_logged_on_ = false;
  bool logout_seen_ = false;
  bool disconnected_ = false;
  std::string logout_text_;
  std::vector<std::string> events_;
};

// Exact-text field access (no double conversion): "" when absent.
std::string field(const FIX::FieldMap& m, int tag);
std::string msg_type(const FIX::Message& m);
// Now as a FIX UTCTimestamp with milliseconds ("YYYYMMDD-HH:MM:SS.sss").
std::string utc_now_fix();
// Now plus `offset_ms` (may be negative), in the same format.
std::string utc_fix_time_in(long long offset_ms);

}  // namespace fixclient
}  // namespace otc
