// gateway/redacting_log.h: QuickFIX message logs without secrets.
//
// QuickFIX's FileLog writes every message as received, so a Logon's Password(554) would
// sit in clear text under <state_dir>/fix/log. This factory wraps another LogFactory and
// replaces the values of secret tags (Password 554, NewPassword 925, RawData 96) with
// "***" before anything is written. Compiled as C++14. Thread-safe as the inner logs are.
#pragma once

#ifndef HAVE_SSL
#define HAVE_SSL 1
#endif
#include <quickfix/Log.h>
#include <quickfix/MessageStore.h>

#include <string>

namespace otc {
namespace gw {

// Returns `msg` with the values of secret tags replaced by "***".
std::string redact_secrets(const std::string& msg);

// True for a MarketDataSnapshotFullRefresh (35=W): streaming prices are neither kept
// for resend (a resend of one becomes a gap fill) nor written to the message log, so
// streaming cannot grow the disk.
bool is_streaming_message(const std::string& msg);

// Wraps a MessageStore factory: everything passes through, except that bodies of
// streaming messages are not stored.
class StreamingAwareStoreFactory : public FIX::MessageStoreFactory {
 public:
  explicit StreamingAwareStoreFactory(FIX::MessageStoreFactory& inner) : inner_(inner) {}
  FIX::MessageStore* create(const FIX::SessionID& id) override;
  void destroy(FIX::MessageStore* store) override;

 private:
  FIX::MessageStoreFactory& inner_;
};

class RedactingLogFactory : public FIX::LogFactory {
 public:
  explicit RedactingLogFactory(FIX::LogFactory& inner) : inner_(inner) {}
  FIX::Log* create() override;
  FIX::Log* create(const FIX::SessionID& id) override;
  void destroy(FIX::Log* log) override;

 private:
  FIX::LogFactory& inner_;
};

}  // namespace gw
}  // namespace otc
