// gateway/acceptor.h: a QuickFIX acceptor bound to one configured address.
//
// Why not QuickFIX's ThreadedSocketAcceptor: in 1.15.1 it binds every interface and
// silently drops a connection whose CompIDs match no session. Ours binds the address
// we are told (127.0.0.1 for the demo), answers an unknown SenderCompID/TargetCompID
// or a second connection for a live session with a Logout carrying Text, and otherwise
// hands bytes to the QuickFIX Session exactly as the threaded acceptor does (one thread
// per connection, Session::next() on a 1 s idle tick for heartbeats).
//
// Compiled as C++14. start()/stop() from the main thread.
#pragma once

#ifndef HAVE_SSL
#define HAVE_SSL 1
#endif
#include <quickfix/Acceptor.h>

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace otc {
namespace gw {

class Connection;

class BoundAcceptor : public FIX::Acceptor {
 public:
  // Checks a Logon's credentials before the QuickFIX Session sees it (so a failed logon
  // cannot reset or advance the session's sequence numbers or stored messages):
  // (client CompID, Username, Password, has Username, has Password) -> "" to accept,
  // else the Text for the Logout.
  using LogonCheck = std::function<std::string(const std::string&, const std::string&, const std::string&, bool,
                                               bool)>;

  BoundAcceptor(FIX::Application& app, FIX::MessageStoreFactory& store, const FIX::SessionSettings& settings,
                FIX::LogFactory& log, std::string address, int port, LogonCheck check);

  const LogonCheck& logon_check() const { return check_; }
  // Called with a Logon that passed the credential check, just before the Session sees it
  // (so before QuickFIX resets the sequence numbers for ResetSeqNumFlag=Y).
  using LogonAccepted = std::function<void(const FIX::SessionID&, bool reset_seq_num)>;
  void set_logon_accepted(LogonAccepted f) { accepted_ = std::move(f); }
  const LogonAccepted& logon_accepted() const { return accepted_; }
  ~BoundAcceptor() override;

  // The port actually bound (useful with port 0). Valid after start().
  int bound_port() const { return bound_port_; }

 private:
  void onConfigure(const FIX::SessionSettings&) throw(FIX::ConfigError) override;
  void onInitialize(const FIX::SessionSettings&) throw(FIX::RuntimeError) override;
  void onStart() override;
  bool onPoll(double) override;
  void onStop() override;

  void reap_finished();

  std::string address_;
  int port_;
  LogonCheck check_;
  LogonAccepted accepted_;
  int bound_port_ = -1;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::list<std::unique_ptr<Connection>> connections_;  // guarded by mu_
};

}  // namespace gw
}  // namespace otc
