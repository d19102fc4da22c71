#include "gateway/redacting_log.h"

namespace otc {
namespace gw {
namespace {

const char* const kSecretTags[] = {"554", "925", "96"};

class RedactingLog : public FIX::Log {
 public:
  explicit RedactingLog(FIX::Log* inner) : inner_(inner) {}
  FIX::Log* inner() const { return inner_; }
  void clear() override { inner_->clear(); }
  void backup() override { inner_->backup(); }
  void onIncoming(const std::string& s) override { inner_->onIncoming(redact_secrets(s)); }
  void onOutgoing(const std::string& s) override {
    if (!is_streaming_message(s)) inner_->onOutgoing(redact_secrets(s));
  }
  void onEvent(const std::string& s) override { inner_->onEvent(s); }

 private:
  FIX::Log* inner_;
};

bool is_secret(const std::string& tag) {
  for (const char* t : kSecretTags) {
    if (tag == t) return true;
  }
  return false;
}

long parse_length(const std::string& v) {
  if (v.empty() || v.size() > 9) return -1;
  long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

// Walks the message field by field (tag=value<SOH>). RawData(96) may contain SOH, so its
// extent is what the preceding RawDataLength(95) announced; 95 itself is logged as 3, the
// length of the mask, so that the logged message stays self-consistent.
std::string redact_secrets(const std::string& msg) {
  std::string out;
  out.reserve(msg.size());
  long raw_len = -1;
  size_t i = 0;
  while (i < msg.size()) {
    const size_t eq = msg.find('=', i);
    const size_t soh = msg.find('\001', i);
    if (eq == std::string::npos || (soh != std::string::npos && soh < eq)) {
      // Not a tag=value field: copy through the next SOH.
      const size_t stop = soh == std::string::npos ? msg.size() : soh + 1;
      out.append(msg, i, stop - i);
      i = stop;
      continue;
    }
    const std::string tag = msg.substr(i, eq - i);
    const size_t value = eq + 1;
    size_t end = msg.find('\001', value);
    if (end == std::string::npos) end = msg.size();
    if (tag == "96" && raw_len >= 0 && value + static_cast<size_t>(raw_len) <= msg.size()) {
      end = value + static_cast<size_t>(raw_len);
    }
    if (tag == "95") raw_len = parse_length(msg.substr(value, end - value));
    out.append(tag).push_back('=');
    if (is_secret(tag)) {
      out.append("***");
    } else if (tag == "95" && raw_len >= 0) {
      out.append("3");
    } else {
      out.append(msg, value, end - value);
    }
    if (end < msg.size() && msg[end] == '\001') out.push_back('\001');
    i = end < msg.size() ? end + 1 : end;
    // A RawData value that did not end at an SOH: the rest up to the next SOH stays masked.
    if (tag == "96" && end < msg.size() && msg[end] != '\001') {
      const size_t next = msg.find('\001', end);
      if (next == std::string::npos) break;
      out.push_back('\001');
      i = next + 1;
    }
  }
  return out;
}

namespace {

class StreamingAwareStore : public FIX::MessageStore {
 public:
  explicit StreamingAwareStore(FIX::MessageStore* inner) : inner_(inner) {}
  FIX::MessageStore* inner() const { return inner_; }
  bool set(int seq, const std::string& msg) throw(FIX::IOException) override {
    if (is_streaming_message(msg)) return true;  // not kept: a resend becomes a gap fill
    return inner_->set(seq, msg);
  }
  void get(int begin, int end, std::vector<std::string>& out) const throw(FIX::IOException) override {
    inner_->get(begin, end, out);
  }
  int getNextSenderMsgSeqNum() const throw(FIX::IOException) override { return inner_->getNextSenderMsgSeqNum(); }
  int getNextTargetMsgSeqNum() const throw(FIX::IOException) override { return inner_->getNextTargetMsgSeqNum(); }
  void setNextSenderMsgSeqNum(int n) throw(FIX::IOException) override { inner_->setNextSenderMsgSeqNum(n); }
  void setNextTargetMsgSeqNum(int n) throw(FIX::IOException) override { inner_->setNextTargetMsgSeqNum(n); }
  void incrNextSenderMsgSeqNum() throw(FIX::IOException) override { inner_->incrNextSenderMsgSeqNum(); }
  void incrNextTargetMsgSeqNum() throw(FIX::IOException) override { inner_->incrNextTargetMsgSeqNum(); }
  FIX::UtcTimeStamp getCreationTime() const throw(FIX::IOException) override { return inner_->getCreationTime(); }
  void reset() throw(FIX::IOException) override { inner_->reset(); }
  void refresh() throw(FIX::IOException) override { inner_->refresh(); }

 private:
  FIX::MessageStore* inner_;
};

}  // namespace

bool is_streaming_message(const std::string& msg) { return msg.find("\00135=W\001") != std::string::npos; }

FIX::MessageStore* StreamingAwareStoreFactory::create(const FIX::SessionID& id) {
  return new StreamingAwareStore(inner_.create(id));
}

void StreamingAwareStoreFactory::destroy(FIX::MessageStore* store) {
  StreamingAwareStore* s = static_cast<StreamingAwareStore*>(store);
  inner_.destroy(s->inner());
  delete s;
}

FIX::Log* RedactingLogFactory::create() { return new RedactingLog(inner_.create()); }

FIX::Log* RedactingLogFactory::create(const FIX::SessionID& id) { return new RedactingLog(inner_.create(id)); }

void RedactingLogFactory::destroy(FIX::Log* log) {
  RedactingLog* r = static_cast<RedactingLog*>(log);
  inner_.destroy(r->inner());
  delete r;
}

}  // namespace gw
}  // namespace otc
