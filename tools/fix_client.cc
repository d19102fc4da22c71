#include "tools/fix_client.h"

#include <quickfix/FileStore.h>
#include <quickfix/Session.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace otc {
namespace fixclient {
namespace {

class CaptureLog : public FIX::Log {
 public:
  explicit CaptureLog(FixClient* client) : client_(client) {}
  void clear() override {}
  void backup() override {}
  void onIncoming(const std::string& s) override { client_->on_raw_incoming(s); }
  void onOutgoing(const std::string&) override {}
  void onEvent(const std::string& s) override { client_->on_event(s); }

 private:
  FixClient* client_;
};

class CaptureLogFactory : public FIX::LogFactory {
 public:
  explicit CaptureLogFactory(FixClient* client) : client_(client) {}
  FIX::Log* create() override { return new CaptureLog(client_); }
  FIX::Log* create(const FIX::SessionID&) override { return new CaptureLog(client_); }
  void destroy(FIX::Log* log) override { delete log; }

 private:
  FixClient* client_;
};

}  // namespace

std::string field(const FIX::FieldMap& m, int tag) { return m.isSetField(tag) ? m.getField(tag) : std::string(); }

std::string msg_type(const FIX::Message& m) { return field(m.getHeader(), FIX::FIELD::MsgType); }

std::string utc_now_fix() { return utc_fix_time_in(0); }

std::string utc_fix_time_in(long long offset_ms) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count() +
                  offset_ms;
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d-%02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

FixClient::FixClient(const ClientConfig& config)
    : config_(config), session_id_("FIX.4.4", config.sender_comp_id, config.target_comp_id) {}

FixClient::~FixClient() { stop(); }

bool FixClient::start(std::string* error) {
  try {
    FIX::Dictionary d;
    d.setString("ConnectionType", "initiator");
    d.setString("SocketConnectHost", config_.host);
    d.setInt("SocketConnectPort", config_.port);
    d.setString("StartTime", "00:00:00");
    d.setString("EndTime", "00:00:00");
    d.setInt("HeartBtInt", config_.heartbeat_s);
    d.setInt("ReconnectInterval", 3600);  // one attempt: a refused logon is not retried
    d.setString("SocketNodelay", "Y");
    d.setString("ResetOnLogon", config_.reset_on_logon ? "Y" : "N");
    d.setString("CheckLatency", "N");
    d.setString("TimestampPrecision", "3");
    if (!config_.store_path.empty()) d.setString("FileStorePath", config_.store_path);
    if (!config_.data_dictionary.empty()) {
      d.setString("UseDataDictionary", "Y");
      d.setString("DataDictionary", config_.data_dictionary);
      d.setString("AllowUnknownMsgFields", "N");
      d.setString("ValidateUserDefinedFields", "Y");
    } else {
      d.setString("UseDataDictionary", "N");
    }
    settings_.reset(new FIX::SessionSettings());
    settings_->set(d);
    settings_->set(session_id_, d);
    if (config_.store_path.empty()) {
      store_.reset(new FIX::MemoryStoreFactory());
    } else {
      store_.reset(new FIX::FileStoreFactory(*settings_));
    }
    log_.reset(new CaptureLogFactory(this));
    initiator_.reset(new FIX::ThreadedSocketInitiator(*this, *store_, *settings_, *log_));
    initiator_->start();
  } catch (const FIX::Exception& e) {
    *error = e.what();
    return false;
  }
  return true;
}

bool FixClient::wait_logon(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return logged_on_ || logout_seen_; }) &&
         logged_on_;
}

bool FixClient::wait_logout(int timeout_ms, std::string* text) {
  std::unique_lock<std::mutex> lock(mu_);
  const bool got = cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                [&] { return logout_seen_ || (disconnected_ && !logged_on_); });
  if (text) *text = logout_text_;
  return got;
}

bool FixClient::send(FIX::Message& m) {
  try {
    return FIX::Session::sendToTarget(m, session_id_);
  } catch (const FIX::SessionNotFound&) {
    return false;
  }
}

bool FixClient::next(int timeout_ms, FIX::Message* out) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !inbox_.empty(); })) return false;
  *out = inbox_.front();
  inbox_.pop_front();
  return true;
}

void FixClient::stop() {
  if (initiator_) {
    initiator_->stop();  // logs out; bounded by QuickFIX (10 s at most)
    initiator_.reset();
  }
}

bool FixClient::logged_on() const {
  std::lock_guard<std::mutex> lock(mu_);
  return logged_on_;
}

std::vector<std::string> FixClient::events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

void FixClient::onLogon(const FIX::SessionID&) {
  std::lock_guard<std::mutex> lock(mu_);
  logged_on_ = true;
  ever_logged_on_ = true;
  cv_.notify_all();
}

void FixClient::onLogout(const FIX::SessionID&) {
  std::lock_guard<std::mutex> lock(mu_);
  logged_on_ = false;
  disconnected_ = true;
  cv_.notify_all();
}

void FixClient::toAdmin(FIX::Message& m, const FIX::SessionID&) {
  if (msg_type(m) != "A") return;
  if (config_.send_username) m.setField(553, config_.username);
  if (config_.send_password) m.setField(554, config_.password);
}

void FixClient::fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound,
                                                                            FIX::IncorrectDataFormat,
                                                                            FIX::IncorrectTagValue, FIX::RejectLogon) {
  if (msg_type(m) == "3") {
    std::lock_guard<std::mutex> lock(mu_);
    inbox_.push_back(m);
    cv_.notify_all();
  }
}

void FixClient::fromApp(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound,
                                                                          FIX::IncorrectDataFormat,
                                                                          FIX::IncorrectTagValue,
                                                                          FIX::UnsupportedMessageType) {
  std::lock_guard<std::mutex> lock(mu_);
  inbox_.push_back(m);
  cv_.notify_all();
}

void FixClient::on_raw_incoming(const std::string& raw) {
  // Logouts are caught raw: one that refuses our Logon may never reach fromAdmin.
  if (raw.find("\00135=5\001") == std::string::npos) return;
  std::string text;
  try {
    FIX::Message m(raw, false);
    text = field(m, FIX::FIELD::Text);
  } catch (const FIX::Exception&) {
  }
  std::lock_guard<std::mutex> lock(mu_);
  logout_seen_ = true;
  logout_text_ = text;
  cv_.notify_all();
}

void FixClient::on_event(const std::string& event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (events_.size() < 1000) events_.push_back(event);
  if (event.find("Disconnecting") != std::string::npos || event.find("Connection failed") != std::string::npos) {
    disconnected_ = true;
    cv_.notify_all();
  }
}

}  // namespace fixclient
}  // namespace otc
