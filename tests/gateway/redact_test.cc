// tests/gateway/redact_test.cc: gateway/redacting_log.h, the QuickFIX log wrapper that
// keeps Password(554), NewPassword(925) and RawData(96) out of the FIX logs.
//
// Compiled as C++14 (QuickFIX 1.15.1 headers). Messages are written with '|' for SOH
// and converted, so that the expectations stay readable.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "gateway/redacting_log.h"

namespace otc {
namespace gw {
namespace {

// '|' -> SOH.
std::string fix(std::string s) {
  for (char& c : s) {
    if (c == '|') c = '\001';
  }
  return s;
}

// SOH -> '|', for readable failure messages.
std::string show(std::string s) {
  for (char& c : s) {
    if (c == '\001') c = '|';
  }
  return s;
}

struct Case {
  const char* name;
  const char* in;
  const char* out;
};

// A log that records what it is given.
class CapturingLog : public FIX::Log {
 public:
  explicit CapturingLog(std::string owner) : owner(std::move(owner)) {}
  void clear() override { ++clears; }
  void backup() override { ++backups; }
  void onIncoming(const std::string& s) override { incoming.push_back(s); }
  void onOutgoing(const std::string& s) override { outgoing.push_back(s); }
  void onEvent(const std::string& s) override { events.push_back(s); }

  std::string owner;  // "GLOBAL" or the session id it was created for
  std::vector<std::string> incoming;
  std::vector<std::string> outgoing;
  std::vector<std::string> events;
  int clears = 0;
  int backups = 0;
};

// Counts creates and destroys and remembers which logs it destroyed.
class CapturingLogFactory : public FIX::LogFactory {
 public:
  FIX::Log* create() override { return made(new CapturingLog("GLOBAL")); }
  FIX::Log* create(const FIX::SessionID& id) override { return made(new CapturingLog(id.toString())); }
  void destroy(FIX::Log* log) override {
    ++destroys;
    destroyed.push_back(log);
    for (auto it = live.begin(); it != live.end(); ++it) {
      if (it->get() == log) {
        live.erase(it);
        return;
      }
    }
    FAIL("destroy() of a log this factory did not create");
  }

  int creates = 0;
  int destroys = 0;
  std::vector<std::unique_ptr<CapturingLog>> live;
  std::vector<const FIX::Log*> destroyed;
  CapturingLog* last = nullptr;

 private:
  FIX::Log* made(CapturingLog* log) {
    ++creates;
    live.emplace_back(log);
    last = log;
    return log;
  }
};

}  // namespace

TEST_CASE("redact_secrets replaces the values of 554, 925 and 96", "[redact]") {
  static const Case kCases[] = {
      {"password in the middle", "8=FIX.4.4|9=80|35=A|49=ACME|56=OTCGW|98=0|108=30|553=acme|554=acme-demo-2026|10=123|",
       "8=FIX.4.4|9=80|35=A|49=ACME|56=OTCGW|98=0|108=30|553=acme|554=***|10=123|"},
      {"password last, no trailing SOH", "8=FIX.4.4|35=A|553=acme|554=s3cret", "8=FIX.4.4|35=A|553=acme|554=***"},
      {"new password", "8=FIX.4.4|35=A|554=old-pw|925=new-pw|10=001|", "8=FIX.4.4|35=A|554=***|925=***|10=001|"},
      {"raw data", "8=FIX.4.4|35=A|95=6|96=secret|10=001|", "8=FIX.4.4|35=A|95=3|96=***|10=001|"},
      {"several occurrences of each", "8=FIX.4.4|554=a|58=x|554=bb|925=c|96=d|925=ee|96=fff|554=g",
       "8=FIX.4.4|554=***|58=x|554=***|925=***|96=***|925=***|96=***|554=***"},
      {"secret tags back to back", "8=FIX.4.4|96=r|554=p|925=n|", "8=FIX.4.4|96=***|554=***|925=***|"},
      {"value containing '=' and digits", "8=FIX.4.4|554=a=b|554=c|10=1|", "8=FIX.4.4|554=***|554=***|10=1|"},
      {"value that looks like a secret tag", "8=FIX.4.4|554=925=x|10=1|", "8=FIX.4.4|554=***|10=1|"},
      {"value as long as the mask", "8=FIX.4.4|554=***|10=1|", "8=FIX.4.4|554=***|10=1|"},
      {"value shorter than the mask", "8=FIX.4.4|554=x|925=|10=1|", "8=FIX.4.4|554=***|925=***|10=1|"},

      // A tag starts after SOH: longer tags that contain the digits are not secrets.
      {"5540, 1554, 9250, 1925, 960, 196 untouched", "8=FIX.4.4|5540=a|1554=b|9250=c|1925=d|960=e|196=f|9600=g|10=1|",
       "8=FIX.4.4|5540=a|1554=b|9250=c|1925=d|960=e|196=f|9600=g|10=1|"},
      {"secret digits inside another value", "8=FIX.4.4|58=554=x 925=y 96=z|10=1|",
       "8=FIX.4.4|58=554=x 925=y 96=z|10=1|"},
      {"mixed", "8=FIX.4.4|5540=keep|554=drop|1554=keep|96=drop|960=keep|",
       "8=FIX.4.4|5540=keep|554=***|1554=keep|96=***|960=keep|"},
      {"no secrets", "8=FIX.4.4|9=5|35=0|10=161|", "8=FIX.4.4|9=5|35=0|10=161|"},
      {"empty", "", ""},
  };
  for (const Case& c : kCases) {
    INFO(c.name << ": " << c.in);
    const std::string got = redact_secrets(fix(c.in));
    CHECK(show(got) == c.out);
    // Redacting twice changes nothing more.
    CHECK(redact_secrets(got) == got);
  }
}

TEST_CASE("redact_secrets leaves no byte of a secret behind", "[redact]") {
  const std::string secret = "Tr0ub4dor&3-correct-horse";
  const std::string msg =
      fix("8=FIX.4.4|35=A|553=acme|554=" + secret + "|925=" + secret + "x|96=" + secret + "y|10=200|");
  const std::string out = redact_secrets(msg);
  CHECK(out.find("Tr0ub4dor") == std::string::npos);
  CHECK(out.find("horse") == std::string::npos);
  CHECK(show(out) == "8=FIX.4.4|35=A|553=acme|554=***|925=***|96=***|10=200|");
}

// Regression: RawData(96) is a FIX `data` field whose length is given by
// RawDataLength(95), so its value may contain SOH (fix-specs/FIX44.xml allows 95/96 on
// Logon). redact_secrets stops at the first SOH and the rest of the secret reaches the
// log. RawDataLength(95) is logged as 3, the length of the mask.
TEST_CASE("regression: RawData containing SOH is only partly redacted", "[redact]") {
  const std::string msg = fix("8=FIX.4.4|35=A|95=11|96=token|tail5|98=0|10=1|");
  const std::string out = redact_secrets(msg);
  INFO(show(out));
  CHECK(out.find("token") == std::string::npos);
  CHECK(out.find("tail5") == std::string::npos);
}

TEST_CASE("RedactingLogFactory: messages redacted, events unchanged, logs destroyed", "[redact]") {
  CapturingLogFactory inner;
  RedactingLogFactory factory(inner);
  const std::string logon = fix("8=FIX.4.4|35=A|49=ACME|56=OTCGW|553=acme|554=acme-demo-2026|10=001|");
  const std::string redacted = fix("8=FIX.4.4|35=A|49=ACME|56=OTCGW|553=acme|554=***|10=001|");

  SECTION("session log") {
    const FIX::SessionID id("FIX.4.4", "OTCGW", "ACME");
    FIX::Log* log = factory.create(id);
    REQUIRE(log != nullptr);
    REQUIRE(inner.creates == 1);
    CapturingLog* captured = inner.last;
    REQUIRE(captured != nullptr);
    CHECK(captured->owner == id.toString());
    CHECK(static_cast<FIX::Log*>(captured) != log);  // a wrapper, not the inner log itself

    log->onIncoming(logon);
    log->onOutgoing(logon);
    const std::string event = "Received logon 554=not-a-field-here";
    log->onEvent(event);
    log->clear();
    log->backup();
    log->backup();

    REQUIRE(captured->incoming.size() == 1);
    CHECK(show(captured->incoming[0]) == show(redacted));
    REQUIRE(captured->outgoing.size() == 1);
    CHECK(show(captured->outgoing[0]) == show(redacted));
    REQUIRE(captured->events.size() == 1);
    CHECK(captured->events[0] == event);
    CHECK(captured->clears == 1);
    CHECK(captured->backups == 2);

    factory.destroy(log);
    CHECK(inner.destroys == 1);
    REQUIRE(inner.destroyed.size() == 1);
    CHECK(inner.destroyed[0] == captured);
    CHECK(inner.live.empty());
  }

  SECTION("global log") {
    FIX::Log* log = factory.create();
    REQUIRE(log != nullptr);
    REQUIRE(inner.creates == 1);
    CapturingLog* captured = inner.last;
    CHECK(captured->owner == "GLOBAL");
    log->onIncoming(fix("8=FIX.4.4|35=A|925=new|10=1|"));
    REQUIRE(captured->incoming.size() == 1);
    CHECK(show(captured->incoming[0]) == "8=FIX.4.4|35=A|925=***|10=1|");
    factory.destroy(log);
    CHECK(inner.destroys == 1);
    CHECK(inner.live.empty());
  }

  SECTION("several logs: each destroy reaches its own inner log") {
    FIX::Log* a = factory.create(FIX::SessionID("FIX.4.4", "OTCGW", "ACME"));
    CapturingLog* inner_a = inner.last;
    FIX::Log* b = factory.create(FIX::SessionID("FIX.4.4", "OTCGW", "BETA"));
    CapturingLog* inner_b = inner.last;
    FIX::Log* g = factory.create();
    CHECK(inner.creates == 3);
    REQUIRE(inner_a != inner_b);

    b->onIncoming(logon);
    CHECK(inner_a->incoming.empty());
    REQUIRE(inner_b->incoming.size() == 1);

    factory.destroy(b);
    CHECK(inner.destroys == 1);
    CHECK(inner.destroyed.back() == inner_b);
    factory.destroy(a);
    CHECK(inner.destroyed.back() == inner_a);
    factory.destroy(g);
    CHECK(inner.destroys == 3);
    CHECK(inner.live.empty());
  }
}

}  // namespace gw
}  // namespace otc
