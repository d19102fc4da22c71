#include "gateway/acceptor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <quickfix/Parser.h>
#include <quickfix/Session.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace otc {
namespace gw {

namespace {
constexpr int kIdleTickMs = 1000;        // Session::next() cadence when idle
constexpr int kAcceptPollMs = 200;       // how quickly stop() is noticed
constexpr size_t kReadBufferBytes = 16384;
constexpr size_t kParserBufferMax = 1 << 20;  // a peer that never completes a message is cut off
constexpr int kLogonTimeoutMs = 10000;        // a connection must send its Logon within this
constexpr size_t kConnectionsMax = 256;       // open TCP connections, logged on or not
constexpr int kSendStallMaxMs = 500;          // a peer that takes no data for this long is cut off

void log_line(const std::string& s) { std::fprintf(stderr, "otcgw: %s\n", s.c_str()); }
}  // namespace

// One TCP connection: the Responder for its Session once attached.
class Connection : public FIX::Responder {
 public:
  Connection(BoundAcceptor& acceptor, int fd, std::string peer)
      : acceptor_(acceptor), fd_(fd), peer_(std::move(peer)) {}
  ~Connection() override {
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }

  void start() { thread_ = std::thread([this] { run(); }); }
  bool finished() const { return finished_.load(); }
  void shutdown_socket() { ::shutdown(fd_, SHUT_RDWR); }

  // Never blocks for long: the engine thread sends through here. A peer that does not
  // read (its socket buffer stays full for kSendStallMaxMs) is a slow consumer and is
  // disconnected; QuickFIX has stored the message, so it is resent at the next logon.
  bool send(const std::string& msg) override {
    std::lock_guard<std::mutex> lock(send_mu_);
    if (disconnected_) return false;
    size_t off = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kSendStallMaxMs);
    while (off < msg.size()) {
      const ssize_t n = ::send(fd_, msg.data() + off, msg.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) {
        off += static_cast<size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLOUT, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        log_line("slow consumer " + peer_ + ": nothing read for " + std::to_string(kSendStallMaxMs) +
                 " ms; disconnecting");
        disconnected_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        return false;
      }
    }
    return true;
  }

  void disconnect() override {
    disconnected_ = true;
    ::shutdown(fd_, SHUT_RDWR);
  }

 private:
  void run();
  bool process_stream();
  bool attach(const std::string& first_message);
  void refuse(const std::string& first_message, const std::string& why);

  BoundAcceptor& acceptor_;
  int fd_;
  std::string peer_;
  std::thread thread_;
  std::mutex send_mu_;
  FIX::Parser parser_;
  size_t buffered_ = 0;
  FIX::Session* session_ = nullptr;
  std::atomic<bool> disconnected_{false};
  std::atomic<bool> finished_{false};
};

void Connection::run() {
  char buf[kReadBufferBytes];
  const auto connected = std::chrono::steady_clock::now();
  while (!disconnected_) {
    // Checked on every pass: a peer trickling bytes must not keep an unattached slot.
    if (session_ == nullptr && std::chrono::steady_clock::now() - connected > std::chrono::milliseconds(kLogonTimeoutMs)) {
      log_line("no Logon from " + peer_ + " within " + std::to_string(kLogonTimeoutMs) + " ms; disconnecting");
      break;
    }
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, kIdleTickMs);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (r == 0) {
      if (session_ != nullptr) session_->next();
      continue;
    }
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    parser_.addToStream(buf, static_cast<size_t>(n));
    buffered_ += static_cast<size_t>(n);
    if (!process_stream()) break;
  }
  if (session_ != nullptr) {
    const FIX::SessionID id = session_->getSessionID();
    session_->disconnect();  // notifies onLogout, resets the session for the next logon
    session_->setResponder(nullptr);
    FIX::Session::unregisterSession(id);
    session_ = nullptr;
  }
  ::shutdown(fd_, SHUT_RDWR);
  finished_ = true;
}

bool Connection::process_stream() {
  std::string msg;
  for (;;) {
    bool got = false;
    try {
      got = parser_.readFixMessage(msg);
    } catch (const FIX::MessageParseError& e) {
      log_line("unparsable data from " + peer_ + ": " + e.what());
      return false;
    }
    if (!got) break;
    buffered_ = 0;
    if (session_ == nullptr && !attach(msg)) return false;
    try {
      session_->next(msg, FIX::UtcTimeStamp());
    } catch (const FIX::InvalidMessage&) {
      if (!session_->isLoggedOn()) return false;
    }
    if (disconnected_) return false;
  }
  if (buffered_ > kParserBufferMax) {
    log_line("peer " + peer_ + " sent over 1 MiB without a complete FIX message; disconnecting");
    return false;
  }
  return true;
}

bool Connection::attach(const std::string& first) {
  FIX::Session* s = FIX::Session::lookupSession(first, true);
  if (s == nullptr || !acceptor_.has(s->getSessionID())) {
    refuse(first, "");
    return false;
  }
  // Credentials first: the Session must not see (and reset or advance its sequence
  // numbers for) a Logon that will be refused.
  bool reset_seq_num = false;
  try {
    FIX::Message m(first, false);
    if (m.getHeader().getField(FIX::FIELD::MsgType) != "A") {
      refuse(first, "Logon rejected: the first message must be a Logon (35=A)");
      return false;
    }
    const bool has_user = m.isSetField(553);
    const bool has_pass = m.isSetField(554);
    const std::string why = acceptor_.logon_check()(s->getSessionID().getTargetCompID().getValue(),
                                                    has_user ? m.getField(553) : "", has_pass ? m.getField(554) : "",
                                                    has_user, has_pass);
    if (!why.empty()) {
      refuse(first, "Logon rejected: " + why);
      return false;
    }
    reset_seq_num = m.isSetField(141) && m.getField(141) == "Y";
  } catch (const FIX::Exception& e) {
    log_line("refusing " + peer_ + ": first message unreadable: " + e.what());
    return false;
  }
  const FIX::SessionID id = s->getSessionID();
  if (FIX::Session::isSessionRegistered(id)) {
    refuse(first, "Logon rejected: session " + id.getTargetCompID().getValue() + " is already logged on");
    return false;
  }
  session_ = FIX::Session::registerSession(id);
  if (session_ == nullptr) {
    refuse(first, "Logon rejected: session " + id.getTargetCompID().getValue() + " is already logged on");
    return false;
  }
  session_->setResponder(this);
  if (acceptor_.logon_accepted()) acceptor_.logon_accepted()(id, reset_seq_num);
  log_line("connection from " + peer_ + " attached to " + id.toString());
  return true;
}

// Answers a connection we cannot attach to a session with a Logout carrying Text,
// addressed back with the CompIDs the peer used.
void Connection::refuse(const std::string& first, const std::string& why) {
  std::string begin = "FIX.4.4";
  std::string their_sender;
  std::string their_target;
  try {
    FIX::Message m(first, false);
    const FIX::Header& h = m.getHeader();
    if (h.isSetField(FIX::FIELD::BeginString)) begin = h.getField(FIX::FIELD::BeginString);
    if (h.isSetField(FIX::FIELD::SenderCompID)) their_sender = h.getField(FIX::FIELD::SenderCompID);
    if (h.isSetField(FIX::FIELD::TargetCompID)) their_target = h.getField(FIX::FIELD::TargetCompID);
  } catch (const FIX::Exception& e) {
    log_line("refusing " + peer_ + ": first message unparsable: " + e.what());
    return;
  }
  std::string text = why;
  if (text.empty()) {
    bool target_ok = false;
    for (const FIX::SessionID& sid : acceptor_.getSessions()) {
      if (sid.getSenderCompID().getValue() == their_target) target_ok = true;
    }
    text = target_ok ? "Logon rejected: unknown SenderCompID '" + their_sender + "'"
                     : "Logon rejected: unknown TargetCompID '" + their_target + "'";
  }
  FIX::Message logout;
  FIX::Header& h = logout.getHeader();
  h.setField(FIX::FIELD::BeginString, begin);
  h.setField(FIX::FIELD::MsgType, "5");
  h.setField(FIX::FIELD::SenderCompID, their_target.empty() ? "?" : their_target);
  h.setField(FIX::FIELD::TargetCompID, their_sender.empty() ? "?" : their_sender);
  h.setField(FIX::FIELD::MsgSeqNum, "1");
  h.setField(FIX::SendingTime(FIX::UtcTimeStamp(), 3));
  logout.setField(FIX::FIELD::Text, text);
  send(logout.toString());
  log_line("refused " + peer_ + ": " + text);
}

BoundAcceptor::BoundAcceptor(FIX::Application& app, FIX::MessageStoreFactory& store,
                             const FIX::SessionSettings& settings, FIX::LogFactory& log, std::string address, int port,
                             LogonCheck check)
    : FIX::Acceptor(app, store, settings, log), address_(std::move(address)), port_(port), check_(std::move(check)) {}

BoundAcceptor::~BoundAcceptor() {
  stop(true);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : connections_) c->shutdown_socket();
  }
  connections_.clear();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void BoundAcceptor::onConfigure(const FIX::SessionSettings&) throw(FIX::ConfigError) {
  if (port_ < 0 || port_ > 65535) throw FIX::ConfigError("listen port out of range");
}

void BoundAcceptor::onInitialize(const FIX::SessionSettings&) throw(FIX::RuntimeError) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  if (::inet_pton(AF_INET, address_.c_str(), &addr.sin_addr) != 1) {
    throw FIX::RuntimeError("listen address '" + address_ + "' is not an IPv4 address");
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw FIX::RuntimeError(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw FIX::RuntimeError("bind " + address_ + ":" + std::to_string(port_) + ": " + std::strerror(errno));
  }
  if (::listen(listen_fd_, 128) != 0) throw FIX::RuntimeError(std::string("listen: ") + std::strerror(errno));
  socklen_t len = sizeof addr;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw FIX::RuntimeError(std::string("getsockname: ") + std::strerror(errno));
  }
  bound_port_ = ntohs(addr.sin_port);
}

void BoundAcceptor::onStart() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, kAcceptPollMs);
    reap_finished();
    if (r <= 0) continue;
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // the default stalls ~40 ms
    char ip[INET_ADDRSTRLEN] = "?";
    ::inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip);
    const std::string who = std::string(ip) + ":" + std::to_string(ntohs(peer.sin_port));
    std::lock_guard<std::mutex> lock(mu_);
    if (connections_.size() >= kConnectionsMax) {
      log_line("refusing connection from " + who + ": " + std::to_string(kConnectionsMax) + " connections open");
      ::close(fd);
      continue;
    }
    connections_.emplace_back(new Connection(*this, fd, who));
    connections_.back()->start();
  }
}

bool BoundAcceptor::onPoll(double) { return false; }  // we run on our own thread (start())

void BoundAcceptor::onStop() {
  stopping_ = true;
  std::list<std::unique_ptr<Connection>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : connections_) c->shutdown_socket();
    all.swap(connections_);
  }
  all.clear();  // joins every connection thread
}

void BoundAcceptor::reap_finished() {
  std::list<std::unique_ptr<Connection>> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      if ((*it)->finished()) {
        done.splice(done.end(), connections_, it++);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace gw
}  // namespace otc
