// otc-bench: a load generator over loopback that prints the gateway's speed.
//
// Each client session runs a closed loop for --seconds: QuoteRequest -> Quote, then
// NewOrderSingle(OrdType=D) on it -> ack + fill (the fill is sent only after its journal
// commit). It prints throughput and latency percentiles of both legs. Opt-in: not run by
// `make test`. Start a gateway first (e.g. `make run`), then:
//   ./build/tools/otc-bench --port 9876 --seconds 10
#include <CLI/CLI.hpp>

#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/QuoteRequest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tools/fix_client.h"

namespace {

using otc::fixclient::field;
using otc::fixclient::msg_type;
using Clock = std::chrono::steady_clock;

struct Login {
  std::string comp_id, username, password;
};

struct Samples {
  std::vector<double> quote_us;
  std::vector<double> fill_us;
  long errors = 0;
};

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  return v[i];
}

// One closed loop on one session until `deadline`.
void run_client(const otc::fixclient::ClientConfig& cfg, Clock::time_point deadline, const std::string& symbol,
                const std::string& qty, Samples* out) {
  otc::fixclient::FixClient c(cfg);
  std::string error;
  if (!c.start(&error) || !c.wait_logon(5000)) {
    std::fprintf(stderr, "otc-bench: %s could not log on\n", cfg.sender_comp_id.c_str());
    ++out->errors;
    return;
  }
  long n = 0;
  char side = '1';
  while (Clock::now() < deadline) {
    ++n;
    FIX44::QuoteRequest r;
    r.setField(131, "B" + std::to_string(n));
    FIX44::QuoteRequest::NoRelatedSym g;
    g.setField(55, symbol);
    g.setField(54, std::string(1, side));
    g.setField(38, qty);
    g.setField(537, "1");
    r.addGroup(g);
    const auto t0 = Clock::now();
    c.send(r);
    FIX::Message q;
    if (!c.next(5000, &q) || msg_type(q) != "S") {
      ++out->errors;
      continue;
    }
    const auto t1 = Clock::now();
    FIX44::NewOrderSingle o;
    o.setField(11, cfg.sender_comp_id + "-" + std::to_string(n) + "-" +
                       std::to_string(std::chrono::system_clock::now().time_since_epoch().count()));
    o.setField(55, symbol);
    o.setField(54, std::string(1, side));
    o.setField(60, otc::fixclient::utc_now_fix());
    o.setField(38, qty);
    o.setField(40, "D");
    o.setField(44, field(q, side == '1' ? 133 : 132));
    o.setField(117, field(q, 117));
    c.send(o);
    FIX::Message ack, fill;
    if (!c.next(5000, &ack) || !c.next(5000, &fill) || field(fill, 150) != "F") {
      ++out->errors;
      continue;
    }
    const auto t2 = Clock::now();
    out->quote_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    out->fill_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    side = side == '1' ? '2' : '1';  // alternate so balances stay put
  }
  c.stop();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"otc-bench: RFQ + trade round trips against a running gateway"};
  std::string host = "127.0.0.1";
  int port = 9876;
  int seconds = 10;
  int sessions = 2;
  std::string symbol = "BTC/USD";
  std::string qty = "0.01";
  app.add_option("--host", host)->capture_default_str();
  app.add_option("--port", port)->capture_default_str();
  app.add_option("--seconds", seconds, "duration (1..600)")->capture_default_str();
  app.add_option("--sessions", sessions, "concurrent client sessions (1..2: ACME, BETA)")->capture_default_str();
  app.add_option("--symbol", symbol)->capture_default_str();
  app.add_option("--qty", qty)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (seconds < 1 || seconds > 600 || sessions < 1 || sessions > 2) {
    std::fprintf(stderr, "otc-bench: --seconds 1..600, --sessions 1..2\n");
    return 2;
  }
  const std::vector<Login> logins = {{"ACME", "acme", "acme-demo-2026"}, {"BETA", "beta", "beta-demo-2026"}};
  std::vector<Samples> samples(static_cast<size_t>(sessions));
  std::vector<std::thread> threads;
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  for (int i = 0; i < sessions; ++i) {
    otc::fixclient::ClientConfig cfg;
    cfg.host = host;
    cfg.port = port;
    cfg.sender_comp_id = logins[static_cast<size_t>(i)].comp_id;
    cfg.username = logins[static_cast<size_t>(i)].username;
    cfg.password = logins[static_cast<size_t>(i)].password;
    threads.emplace_back(run_client, cfg, deadline, symbol, qty, &samples[static_cast<size_t>(i)]);
  }
  for (auto& t : threads) t.join();
  Samples all;
  for (auto& s : samples) {
    all.quote_us.insert(all.quote_us.end(), s.quote_us.begin(), s.quote_us.end());
    all.fill_us.insert(all.fill_us.end(), s.fill_us.begin(), s.fill_us.end());
    all.errors += s.errors;
  }
  const size_t trades = all.fill_us.size();
  std::printf("otc-bench: %d session(s), %d s, %s %s per trade\n", sessions, seconds, qty.c_str(), symbol.c_str());
  std::printf("  round trips: %zu (%.0f RFQ+trade/s), errors: %ld\n", trades,
              static_cast<double>(trades) / seconds, all.errors);
  std::printf("  quote  (R -> S)        p50 %8.1f us  p99 %8.1f us  max %8.1f us\n", pct(all.quote_us, 50),
              pct(all.quote_us, 99), pct(all.quote_us, 100));
  std::printf("  trade  (D -> ack+fill) p50 %8.1f us  p99 %8.1f us  max %8.1f us\n", pct(all.fill_us, 50),
              pct(all.fill_us, 99), pct(all.fill_us, 100));
  return all.errors == 0 ? 0 : 1;
}
