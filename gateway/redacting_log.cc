#include "gateway/redacting_log.h"

namespace otc {
namespace gw {
namespace {

const char* const kSecretTags[] = {"554=", "925=", "96="};

class RedactingLog : public FIX::Log {
 public:
  explicit RedactingLog(FIX::Log* inner) : inner_(inner) {}
  FIX::Log* inner() const { return inner_; }
  void clear() override { inner_->clear(); }
  void backup() override { inner_->backup(); }
  void onIncoming(const std::string& s) override { inner_->onIncoming(redact_secrets(s)); }
  void onOutgoing(const std::string& s) override { inner_->onOutgoing(redact_secrets(s)); }
  void onEvent(const std::string& s) override { inner_->onEvent(s); }

 private:
  FIX::Log* inner_;
};

}  // namespace

std::string redact_secrets(const std::string& msg) {
  std::string out = msg;
  for (const char* tag : kSecretTags) {
    const std::string needle = std::string("\001") + tag;
    size_t pos = 0;
    while ((pos = out.find(needle, pos)) != std::string::npos) {
      const size_t value = pos + needle.size();
      const size_t end = out.find('\001', value);
      const size_t stop = end == std::string::npos ? out.size() : end;
      out.replace(value, stop - value, "***");
      pos = value + 3;
    }
  }
  return out;
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
