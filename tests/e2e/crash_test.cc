// Crash test: the real otcgw under a steady load of RFQs and orders from four FIX sessions,
// killed with SIGKILL at random moments (at least 10 times) and restarted each time; the
// clients log on again continuing their sequence numbers (file store, no ResetSeqNumFlag).
// At the end, with everything stopped, checks against the journal:
//   (a) every fill any client received is in `trades`, same client/side/instrument/qty/price,
//       notional = GrossTradeAmt(381), fee = Commission(12); every other report's ExecID is
//       in the journal too;
//   (b) every `trades` row reached its client exactly once;
//   (c) no ExecID arrived twice (any ExecutionReport, any client);
//   (d) `otcctl verify` passes;
//   (e) each client's balance per asset (available + held) = its demo balance from the config
//       + the effect of the fills it saw (exact integers in minor units);
//   (f) no order was left open that its client was never told about (held balances are 0
//       after the clients canceled every order they know of);
//   (g) after every restart each client logs on again at the first attempt.
// Each check lists its first problems; all are evaluated before the test fails.
// Random choices are seeded: the seed is printed; OTC_SEED=<n> replays them (thread timing
// is not replayed). OTC_CRASH_KILLS=<n> changes the number of kills (default 12, min 10);
// OTC_KEEP_STATE=1 keeps the state directory (journal, FIX stores and logs) for inspection.
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/QuoteRequest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/e2e/gateway_process.h"
#include "tools/fix_client.h"

using otc::e2e::GatewayProcess;
using otc::fixclient::ClientConfig;
using otc::fixclient::field;
using otc::fixclient::FixClient;
using otc::fixclient::msg_type;
using otc::fixclient::utc_now_fix;

namespace {

using SteadyClock = std::chrono::steady_clock;

const std::string kConfig = std::string(OTC_SOURCE_DIR) + "/tests/e2e/otcgw-crash.toml";
constexpr int kDefaultKills = 12;
constexpr int kMinKills = 10;
constexpr int kLogonTimeoutMs = 10000;
constexpr int kQuoteWaitMs = 2000;
constexpr int kDrainQuietMs = 1000;
constexpr int kDrainMaxMs = 10000;
constexpr size_t kShowMax = 25;  // problems listed per check

long long wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

long long ms_since(SteadyClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t).count();
}

// ---------------------------------------------------------------------------------------
// Exact decimals: integers in units of 10^-decimals; never floating point.

// Parses a plain decimal ("-12.345", "7") into units of 10^-decimals. False when the text is
// not a plain decimal, has a non-zero digit beyond `decimals`, or is out of range.
bool parse_units(const std::string& t, int decimals, long long* out) {
  size_t i = 0;
  bool neg = false;
  if (!t.empty() && t[0] == '-') {
    neg = true;
    i = 1;
  }
  long long v = 0;
  int frac = -1;  // digits seen after the point; -1 before it
  bool digit = false;
  for (; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '.') {
      if (frac >= 0) return false;
      frac = 0;
      continue;
    }
    if (c < '0' || c > '9') return false;
    digit = true;
    if (frac >= 0) {
      if (frac >= decimals) {
        if (c != '0') return false;
        continue;
      }
      ++frac;
    }
    if (v > (1LL << 58)) return false;
    v = v * 10 + (c - '0');
  }
  if (!digit) return false;
  for (int f = frac < 0 ? 0 : frac; f < decimals; ++f) {
    if (v > (1LL << 58)) return false;
    v *= 10;
  }
  *out = neg ? -v : v;
  return true;
}

std::string format_units(long long v, int decimals) {
  const bool neg = v < 0;
  unsigned long long a = neg ? static_cast<unsigned long long>(-v) : static_cast<unsigned long long>(v);
  unsigned long long scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  std::string s = std::to_string(a / scale);
  if (decimals > 0) {
    std::string f = std::to_string(a % scale);
    s += "." + std::string(static_cast<size_t>(decimals) - f.size(), '0') + f;
  }
  return neg ? "-" + s : s;
}

// ---------------------------------------------------------------------------------------
// The parts of otcgw-crash.toml the test needs, read from the file itself so that the
// expected balances come from the same demo_balances the gateway deposited.

struct Instrument {
  std::string symbol;
  std::string base;
  std::string quote;
  int price_decimals = 0;
  long long lot_units = 0;  // base units
  long long min_lots = 0;   // quantities the test sends, in lots
  long long max_lots = 0;
};

struct CrashConfig {
  std::map<std::string, int> decimals;  // asset -> decimals
  std::vector<Instrument> instruments;
  std::vector<std::string> clients;
  std::map<std::string, std::string> username;
  std::map<std::string, bool> cancel_on_disconnect;
  std::map<std::string, std::map<std::string, long long>> initial;  // client -> asset -> units
};

std::string unquote(std::string v) {
  const size_t hash = v.find('#');
  if (v.empty() || v[0] != '"') {
    if (hash != std::string::npos) v = v.substr(0, hash);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.pop_back();
    return v;
  }
  const size_t end = v.find('"', 1);
  return end == std::string::npos ? v.substr(1) : v.substr(1, end - 1);
}

bool load_config(const std::string& path, CrashConfig* cfg, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::string section;
  std::string asset_code;
  Instrument instr;
  std::string client;
  std::map<std::string, std::map<std::string, std::string>> balance_text;
  std::map<std::string, std::string> instr_lot;
  auto flush_instrument = [&] {
    if (!instr.symbol.empty()) cfg->instruments.push_back(instr);
    instr = Instrument();
  };
  std::string line;
  while (std::getline(in, line)) {
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    if (line[0] == '[') {
      const std::string header = line.substr(0, line.find(']') + (line.compare(0, 2, "[[") == 0 ? 2 : 1));
      if (section == "[[instruments]]") flush_instrument();
      section = header;
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    std::string value = line.substr(eq + 1);
    value = value.substr(std::min(value.size(), value.find_first_not_of(" \t")));
    value = unquote(value);
    if (section == "[[assets]]") {
      if (key == "code") asset_code = value;
      if (key == "decimals") cfg->decimals[asset_code] = std::atoi(value.c_str());
    } else if (section == "[[instruments]]") {
      if (key == "symbol") instr.symbol = value;
      if (key == "base") instr.base = value;
      if (key == "quote") instr.quote = value;
      if (key == "price_decimals") instr.price_decimals = std::atoi(value.c_str());
      if (key == "lot") instr_lot[instr.symbol] = value;
    } else if (section == "[[clients]]") {
      if (key == "id") {
        client = value;
        cfg->clients.push_back(client);
        cfg->cancel_on_disconnect[client] = false;
      }
      if (key == "username") cfg->username[client] = value;
      if (key == "cancel_on_disconnect") cfg->cancel_on_disconnect[client] = value == "true";
    } else if (section == "[clients.demo_balances]") {
      balance_text[client][key] = value;
    }
  }
  if (section == "[[instruments]]") flush_instrument();
  for (auto& i : cfg->instruments) {
    if (!cfg->decimals.count(i.base) || !cfg->decimals.count(i.quote)) {
      *error = "instrument " + i.symbol + ": unknown asset";
      return false;
    }
    if (!parse_units(instr_lot[i.symbol], cfg->decimals[i.base], &i.lot_units) || i.lot_units <= 0) {
      *error = "instrument " + i.symbol + ": bad lot";
      return false;
    }
    // Sizes: about 0.001..0.5 BTC, 0.1..5 ETH (in lots of the instrument).
    long long one = 1;
    for (int d = 0; d < cfg->decimals[i.base]; ++d) one *= 10;
    if (i.base == "BTC") {
      i.min_lots = std::max(1LL, one / 1000 / i.lot_units);
      i.max_lots = std::max(i.min_lots, one / 2 / i.lot_units);
    } else {
      i.min_lots = std::max(1LL, one / 10 / i.lot_units);
      i.max_lots = std::max(i.min_lots, one * 5 / i.lot_units);
    }
  }
  for (const auto& c : cfg->clients) {
    for (const auto& a : cfg->decimals) cfg->initial[c][a.first] = 0;
    for (const auto& b : balance_text[c]) {
      long long v = 0;
      if (!cfg->decimals.count(b.first) || !parse_units(b.second, cfg->decimals[b.first], &v)) {
        *error = "client " + c + ": bad demo balance " + b.first;
        return false;
      }
      cfg->initial[c][b.first] = v;
    }
  }
  if (cfg->clients.empty() || cfg->instruments.empty()) {
    *error = "no clients or instruments in " + path;
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// What each client saw.

struct FillSeen {
  std::string exec_id;
  std::string side;  // "buy" / "sell"
  std::string symbol;
  std::string qty;         // LastQty(32)
  std::string px;          // LastPx(31)
  std::string gross;       // GrossTradeAmt(381)
  std::string commission;  // Commission(12)
  std::string comm_type;   // CommType(13)
  int cycle = 0;
  bool replayed = false;  // PossDupFlag or PossResend
};

struct CycleStats {
  long long messages = 0;
  long long reports = 0;
  long long fills = 0;
  long long replayed = 0;        // 43=Y or 97=Y application messages
  long long replayed_fills = 0;  // of which fills
  long long dup_cl_ord_rejects = 0;
  long long requests = 0;
  long long load_ms = 0;
};

struct QuoteSeen {
  long long bid = 0;  // price units; 0 when absent
  long long offer = 0;
  std::string quote_id;
  std::string bid_text;
  std::string offer_text;
  bool rejected = false;
};

struct Recorder {
  std::string client;
  const CrashConfig* cfg = nullptr;
  std::map<std::string, int> exec_count;         // ExecID -> times received in an ExecutionReport
  std::map<std::string, std::string> exec_type;  // ExecID -> ExecType of its (first) report
  std::vector<FillSeen> fills;
  std::set<std::string> terminal;  // ClOrdIDs whose order is known finished (or unknown)
  struct Gtc {
    std::string symbol;
    char side;
  };
  std::map<std::string, Gtc> gtc;            // GTC orders sent (whatever their answer)
  std::map<std::string, QuoteSeen> quotes;   // QuoteReqID -> answer
  std::map<std::string, QuoteSeen> last_px;  // symbol -> last two-way prices seen
  std::vector<CycleStats> cycles;
  std::map<std::string, long long> other_types;  // message types not expected in numbers
  std::vector<std::string> anomalies;
  long long next_id = 0;

  std::string new_id(const char* kind) { return client + "-" + kind + std::to_string(++next_id); }
  const Instrument* instrument(const std::string& s) const {
    for (const auto& i : cfg->instruments)
      if (i.symbol == s) return &i;
    return nullptr;
  }

  void on_message(const FIX::Message& m, int cycle) {
    if (static_cast<int>(cycles.size()) <= cycle) cycles.resize(static_cast<size_t>(cycle) + 1);
    CycleStats& st = cycles[static_cast<size_t>(cycle)];
    const std::string type = msg_type(m);
    const bool replayed =
        field(m.getHeader(), FIX::FIELD::PossDupFlag) == "Y" || field(m.getHeader(), FIX::FIELD::PossResend) == "Y";
    ++st.messages;
    if (replayed) ++st.replayed;
    if (type == "8") {
      ++st.reports;
      const std::string exec_id = field(m, 17);
      const std::string exec_type_now = field(m, 150);
      if (exec_id.empty()) {
        if (anomalies.size() < 50) anomalies.push_back("ExecutionReport without ExecID: " + m.toString());
      } else {
        if (++exec_count[exec_id] == 1) exec_type[exec_id] = exec_type_now;
      }
      const std::string status = field(m, 39);
      if (status == "2" || status == "4" || status == "8" || status == "C") {
        terminal.insert(field(m, 11));
        if (!field(m, 41).empty()) terminal.insert(field(m, 41));
      }
      if (exec_type_now == "8" && field(m, 58).compare(0, 4, "1015") == 0) ++st.dup_cl_ord_rejects;
      if (exec_type_now == "F") {
        ++st.fills;
        if (replayed) ++st.replayed_fills;
        FillSeen f;
        f.exec_id = exec_id;
        const std::string side = field(m, 54);
        f.side = side == "1" ? "buy" : side == "2" ? "sell" : "side?" + side;
        f.symbol = field(m, 55);
        f.qty = field(m, 32);
        f.px = field(m, 31);
        f.gross = field(m, 381);
        f.commission = field(m, 12);
        f.comm_type = field(m, 13);
        f.cycle = cycle;
        f.replayed = replayed;
        fills.push_back(f);
      }
    } else if (type == "9") {
      const std::string status = field(m, 39);
      if (status != "0" && status != "1") terminal.insert(field(m, 41));
    } else if (type == "S") {
      QuoteSeen q;
      q.quote_id = field(m, 117);
      q.bid_text = field(m, 132);
      q.offer_text = field(m, 133);
      const Instrument* in = instrument(field(m, 55));
      if (in != nullptr) {
        if (!parse_units(q.bid_text, in->price_decimals, &q.bid)) q.bid = 0;
        if (!parse_units(q.offer_text, in->price_decimals, &q.offer)) q.offer = 0;
        if (q.bid > 0 && q.offer > 0) last_px[in->symbol] = q;
      }
      quotes[field(m, 131)] = q;
    } else if (type == "AG") {
      QuoteSeen q;
      q.rejected = true;
      quotes[field(m, 131)] = q;
      ++other_types["AG " + field(m, 58).substr(0, 4)];
    } else {
      ++other_types[type == "j" || type == "3" ? type + " " + field(m, 58).substr(0, 40) : type];
    }
  }

  // Takes everything already received.
  long long drain(FixClient& c, int cycle) {
    long long n = 0;
    FIX::Message m;
    while (c.next(0, &m)) {
      on_message(m, cycle);
      ++n;
    }
    return n;
  }
};

// ---------------------------------------------------------------------------------------
// The FIX client of the test: the tools' initiator, except that a stale QuoteRequest is not
// resent after a reconnect (SequenceReset-GapFill instead, as FIX allows for any message):
// this initiator has no data dictionary, so a stored QuoteRequest read back for a resend
// loses its repeating group's layout and would only earn a Reject(3). Orders are resent
// as QuickFIX does (PossDupFlag=Y): the gateway must refuse a ClOrdID it already has.
class CrashClient : public FixClient {
 public:
  explicit CrashClient(const ClientConfig& c) : FixClient(c) {}
  void toApp(FIX::Message& m, const FIX::SessionID&) throw(FIX::DoNotSend) override {
    if (msg_type(m) == "R" && field(m.getHeader(), FIX::FIELD::PossDupFlag) == "Y") throw FIX::DoNotSend();
  }
};

// ---------------------------------------------------------------------------------------
// Load: one thread per client while the gateway runs.

class Load {
 public:
  Load(Recorder* r, FixClient* c, int cycle, unsigned long long seed, std::atomic<bool>* stop)
      : r_(r), c_(c), cycle_(cycle), rng_(seed), stop_(stop) {}

  void run() {
    auto t0 = SteadyClock::now();
    while (!stop_->load()) {
      r_->drain(*c_, cycle_);
      if (!c_->logged_on()) {  // the gateway is gone: wait for the end of the cycle
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      const int pick = uniform(0, 99);
      const Instrument& in =
          r_->cfg->instruments[static_cast<size_t>(uniform(0, static_cast<int>(r_->cfg->instruments.size()) - 1))];
      const bool have_px = r_->last_px.count(in.symbol) > 0;
      if (pick < 35 || !have_px) {
        rfq_and_trade(in);
      } else if (pick < 60) {
        market(in);
      } else if (pick < 88) {
        ioc(in);
      } else {
        gtc(in);
      }
      pause(uniform(2, 5));
    }
    r_->drain(*c_, cycle_);
    stats().load_ms = ms_since(t0);
  }

 private:
  CycleStats& stats() {
    if (static_cast<int>(r_->cycles.size()) <= cycle_) r_->cycles.resize(static_cast<size_t>(cycle_) + 1);
    return r_->cycles[static_cast<size_t>(cycle_)];
  }
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  long long uniform_ll(long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng_); }
  void pause(int ms) {
    const auto until = SteadyClock::now() + std::chrono::milliseconds(ms);
    FIX::Message m;
    while (!stop_->load()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()).count();
      if (left <= 0) break;
      if (c_->next(static_cast<int>(left), &m)) r_->on_message(m, cycle_);
    }
  }
  std::string qty_text(const Instrument& in) {
    return format_units(uniform_ll(in.min_lots, in.max_lots) * in.lot_units, r_->cfg->decimals.at(in.base));
  }
  char side() { return uniform(0, 1) == 0 ? '1' : '2'; }
  // A price moved by `bp` basis points (may be negative), truncated to the price unit (the
  // tick of every instrument in the crash config).
  static long long moved(long long px, long long bp) { return px * (10000 + bp) / 10000; }

  void send_order(const std::string& cl, const Instrument& in, char s, const std::string& qty, const char* ord_type,
                  const std::string& price, const std::string& tif, const std::string& quote_id) {
    FIX44::NewOrderSingle o;
    o.setField(11, cl);
    o.setField(55, in.symbol);
    o.setField(54, std::string(1, s));
    o.setField(60, utc_now_fix());
    o.setField(38, qty);
    o.setField(40, ord_type);
    if (!price.empty()) o.setField(44, price);
    if (!tif.empty()) o.setField(59, tif);
    if (!quote_id.empty()) o.setField(117, quote_id);
    ++stats().requests;
    c_->send(o);  // may fail (gateway just killed): then it may be resent on the next logon
  }

  void rfq_and_trade(const Instrument& in) {
    const std::string req = r_->new_id("R");
    const std::string qty = qty_text(in);
    FIX44::QuoteRequest q;
    q.setField(131, req);
    FIX44::QuoteRequest::NoRelatedSym g;
    g.setField(55, in.symbol);
    g.setField(38, qty);
    g.setField(537, "1");  // firm, two-way (no Side)
    q.addGroup(g);
    ++stats().requests;
    if (!c_->send(q)) return;
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(kQuoteWaitMs);
    FIX::Message m;
    while (!stop_->load() && SteadyClock::now() < deadline && r_->quotes.count(req) == 0) {
      if (c_->next(5, &m)) r_->on_message(m, cycle_);
    }
    auto it = r_->quotes.find(req);
    if (it == r_->quotes.end() || it->second.rejected || stop_->load()) return;
    const QuoteSeen quote = it->second;
    r_->quotes.erase(it);
    const char s = side();
    const std::string& px = s == '1' ? quote.offer_text : quote.bid_text;
    if (px.empty()) return;
    send_order(r_->new_id("D"), in, s, qty, "D", px, "", quote.quote_id);
  }

  void market(const Instrument& in) { send_order(r_->new_id("M"), in, side(), qty_text(in), "1", "", "", ""); }

  // IOC limit around the desk's last prices: most cross (fill), some do not (canceled).
  void ioc(const Instrument& in) {
    const QuoteSeen& last = r_->last_px[in.symbol];
    const char s = side();
    const long long bp = uniform(-6, 12);
    const long long px = s == '1' ? moved(last.offer, bp) : moved(last.bid, -bp);
    if (px <= 0) return;
    send_order(r_->new_id("I"), in, s, qty_text(in), "2", format_units(px, in.price_decimals), "3", "");
  }

  // GTC limit a few bp from the mid on the passive side: rests, then fills on price moves or
  // against another client's order (perhaps while its owner is disconnected).
  void gtc(const Instrument& in) {
    const QuoteSeen& last = r_->last_px[in.symbol];
    const char s = side();
    const long long mid = (last.bid + last.offer) / 2;
    const long long bp = uniform(0, 6);
    const long long px = s == '1' ? moved(mid, -bp) : moved(mid, bp);
    if (px <= 0) return;
    const std::string cl = r_->new_id("G");
    r_->gtc[cl] = Recorder::Gtc{in.symbol, s};
    send_order(cl, in, s, qty_text(in), "2", format_units(px, in.price_decimals), "1", "");
  }

  Recorder* r_;
  FixClient* c_;
  int cycle_;
  std::mt19937_64 rng_;
  std::atomic<bool>* stop_;
};

// ---------------------------------------------------------------------------------------
// Journal access (read-only).

struct TradeRow {
  long long exec_id = 0;
  std::string client;
  std::string qty_text;
  std::string price_text;
  long long notional = 0;
  long long fee = 0;
  std::string side;
  std::string instrument;
  long long ts_us = 0;
  long long seq = 0;
};

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      error_ = db_ ? sqlite3_errmsg(db_) : "sqlite3_open_v2 failed";
    } else {
      sqlite3_busy_timeout(db_, 5000);
    }
  }
  ~Db() {
    if (db_) sqlite3_close(db_);
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Runs `sql`, calling `row` for each result row. False with error() on failure.
  template <typename F>
  bool query(const std::string& sql, F row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      error_ = sql + ": " + sqlite3_errmsg(db_);
      return false;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
      error_ = sql + ": " + sqlite3_errmsg(db_);
      return false;
    }
    return true;
  }
  static std::string text(sqlite3_stmt* st, int i) {
    const unsigned char* t = sqlite3_column_text(st, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }

 private:
  sqlite3* db_ = nullptr;
  std::string error_;
};

std::string run_capture(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *exit_code = -1;
    return "popen failed";
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Problems found by one check: counted, the first few listed.
struct Problems {
  std::string name;
  long long count = 0;
  std::vector<std::string> shown;
  explicit Problems(std::string n) : name(std::move(n)) {}
  void add(const std::string& p) {
    ++count;
    if (shown.size() < kShowMax) shown.push_back(p);
  }
  std::string report() const {
    std::ostringstream os;
    os << name << ": " << (count == 0 ? "OK" : std::to_string(count) + " problem(s)") << "\n";
    for (const auto& s : shown) os << "    " << s << "\n";
    if (count > static_cast<long long>(shown.size()))
      os << "    ... and " << (count - static_cast<long long>(shown.size())) << " more\n";
    return os.str();
  }
};

// Removes the test's temporary tree at the end unless OTC_KEEP_STATE is set.
struct TempTree {
  std::string path;
  ~TempTree() {
    if (path.empty()) return;
    const char* keep = std::getenv("OTC_KEEP_STATE");
    if (keep != nullptr && std::string(keep) != "0" && std::string(keep) != "") {
      std::printf("crash_test: state kept in %s\n", path.c_str());
      return;
    }
    const std::string cmd = "rm -rf '" + path + "'";
    if (std::system(cmd.c_str()) != 0) {
      // A left-over temp dir is not worth failing the run for.
    }
  }
};

// One client's connection for one cycle and its load thread; joined and stopped on
// destruction (also when a check throws).
struct Session {
  std::unique_ptr<FixClient> fix;
  std::thread load;
  ~Session() { finish(); }
  void finish() {
    if (load.joinable()) load.join();
    if (fix) {
      const auto deadline = SteadyClock::now() + std::chrono::seconds(3);
      while (fix->logged_on() && SteadyClock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      fix->stop();
    }
  }
};

}  // namespace

TEST_CASE("crash: kill -9 under load, restart, every fill reaches its client once and the books agree",
          "[e2e][crash]") {
  const auto test_start = SteadyClock::now();
  unsigned long long seed =
      static_cast<unsigned long long>(wall_us()) ^ (static_cast<unsigned long long>(getpid()) << 32);
  if (const char* s = std::getenv("OTC_SEED")) seed = std::strtoull(s, nullptr, 10);
  int kills = kDefaultKills;
  if (const char* k = std::getenv("OTC_CRASH_KILLS")) kills = std::max(kMinKills, std::atoi(k));
  std::printf("crash_test: seed %llu (replay the random choices with OTC_SEED=%llu), %d kills\n", seed, seed, kills);
  std::fflush(stdout);
  std::mt19937_64 rng(seed);

  CrashConfig cfg;
  std::string error;
  {
    const bool loaded = load_config(kConfig, &cfg, &error);
    INFO(error);
    REQUIRE(loaded);
  }

  char tmpl[] = "/tmp/otc-crash-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  TempTree tree;
  tree.path = tmpl;
  const std::string gw_dir = tree.path + "/gw";
  REQUIRE(::mkdir(gw_dir.c_str(), 0755) == 0);
  REQUIRE(::mkdir((tree.path + "/clients").c_str(), 0755) == 0);
  for (const auto& c : cfg.clients) REQUIRE(::mkdir((tree.path + "/clients/" + c).c_str(), 0755) == 0);

  GatewayProcess gw(OTC_GATEWAY_BIN, kConfig, gw_dir);
  {
    const bool started = gw.start(&error);
    INFO(error);
    REQUIRE(started);
  }

  std::vector<std::unique_ptr<Recorder>> recorders;
  for (const auto& c : cfg.clients) {
    recorders.emplace_back(new Recorder());
    recorders.back()->client = c;
    recorders.back()->cfg = &cfg;
  }
  std::vector<long long> kill_us;     // wall clock of each kill
  std::vector<long long> restart_ms;  // how long each restart took
  std::atomic<bool> stop_load(false);

  // Logs every client on, continuing its sequence numbers. A client that is not logged on
  // within the timeout is a problem of its own (g); what it received is kept, and it tries
  // again (at most 3 attempts) so that the other checks still run.
  Problems g("(g) every client logs on again at the first attempt after a restart");
  auto tail_of = [](const std::string& path, size_t lines) {
    std::ifstream in(path);
    std::vector<std::string> all;
    std::string l;
    while (std::getline(in, l)) all.push_back(l);
    std::string out;
    for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "      " + all[i] + "\n";
    return out;
  };
  auto make_client = [&](const std::string& c) {
    ClientConfig cc;
    cc.port = gw.port();
    cc.sender_comp_id = c;
    cc.username = cfg.username[c];
    cc.password = lower(c) + "-crash-2026";
    cc.reset_on_logon = false;
    cc.store_path = tree.path + "/clients/" + c;
    std::unique_ptr<Session> s(new Session());
    s->fix.reset(new CrashClient(cc));
    const bool started = s->fix->start(&error);
    INFO(error);
    REQUIRE(started);
    return s;
  };
  auto connect_all = [&](std::vector<std::unique_ptr<Session>>* sessions, int cycle) {
    sessions->clear();
    for (const auto& c : cfg.clients) sessions->push_back(make_client(c));
    for (size_t i = 0; i < sessions->size(); ++i) {
      for (int attempt = 1;; ++attempt) {
        if ((*sessions)[i]->fix->wait_logon(kLogonTimeoutMs)) break;
        std::ostringstream os;
        os << "cycle " << cycle << " attempt " << attempt << ": " << cfg.clients[i] << " not logged on within "
           << kLogonTimeoutMs << " ms; its session events:\n";
        for (const auto& e : (*sessions)[i]->fix->events()) os << "      " << e << "\n";
        os << "    the gateway's events of this session (last 15):\n"
           << tail_of(gw_dir + "/fix/log/FIX.4.4-OTCGW-" + cfg.clients[i] + ".event.current.log", 15);
        g.add(os.str());
        (*sessions)[i]->finish();
        recorders[i]->drain(*(*sessions)[i]->fix, cycle);  // whatever came before the failure
        (*sessions)[i].reset();
        if (attempt == 3) FAIL(g.report() + "gateway output:\n" + gw.output());
        (*sessions)[i] = make_client(cfg.clients[i]);
      }
    }
  };

  // --- Load, kill -9, restart; `kills` times. Then one last cycle without a kill.
  for (int cycle = 0; cycle <= kills; ++cycle) {
    std::vector<std::unique_ptr<Session>> sessions;
    connect_all(&sessions, cycle);
    stop_load = false;
    for (size_t i = 0; i < sessions.size(); ++i) {
      Load* load = new Load(recorders[i].get(), sessions[i]->fix.get(), cycle, rng(), &stop_load);
      sessions[i]->load = std::thread([load] {
        std::unique_ptr<Load> owned(load);
        owned->run();
      });
    }
    const int load_ms = cycle < kills ? std::uniform_int_distribution<int>(300, 1500)(rng) : 500;
    std::this_thread::sleep_for(std::chrono::milliseconds(load_ms));
    if (cycle == kills) {
      stop_load = true;
      for (auto& s : sessions) {
        if (s->load.joinable()) s->load.join();
      }
      // --- Final phase: cancel every GTC order not known finished, let the last reports in.
      for (size_t i = 0; i < sessions.size(); ++i) {
        Recorder& r = *recorders[i];
        r.drain(*sessions[i]->fix, cycle);
        for (const auto& g : r.gtc) {
          if (r.terminal.count(g.first)) continue;
          FIX::Message f;
          f.getHeader().setField(35, "F");
          f.setField(41, g.first);
          f.setField(11, r.new_id("K"));
          f.setField(55, g.second.symbol);
          f.setField(54, std::string(1, g.second.side));
          f.setField(60, utc_now_fix());
          sessions[i]->fix->send(f);
        }
      }
      const auto drain_start = SteadyClock::now();
      auto quiet_since = SteadyClock::now();
      while (ms_since(drain_start) < kDrainMaxMs) {
        bool got = false;
        for (size_t i = 0; i < sessions.size(); ++i) got = recorders[i]->drain(*sessions[i]->fix, cycle) > 0 || got;
        if (got) quiet_since = SteadyClock::now();
        if (ms_since(quiet_since) >= kDrainQuietMs) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      std::printf("crash_test: final drain took %lld ms\n", static_cast<long long>(ms_since(drain_start)));
      // The clients leave; the gateway stops gracefully.
      for (size_t i = 0; i < sessions.size(); ++i) {
        sessions[i]->fix->stop();
        recorders[i]->drain(*sessions[i]->fix, cycle);
      }
      sessions.clear();
      gw.stop();
      break;
    }
    // Kill at a random moment of the load.
    kill_us.push_back(wall_us());
    gw.kill_hard();
    stop_load = true;
    for (size_t i = 0; i < sessions.size(); ++i) {
      sessions[i]->finish();
      recorders[i]->drain(*sessions[i]->fix, cycle);
    }
    sessions.clear();
    std::rename((gw_dir + "/gateway.out").c_str(), (gw_dir + "/gateway.out." + std::to_string(cycle + 1)).c_str());
    const auto restart_start = SteadyClock::now();
    const bool restarted = gw.start(&error);
    restart_ms.push_back(ms_since(restart_start));
    INFO("restart after kill #" << (cycle + 1) << ": " << error);
    REQUIRE(restarted);
  }
  const long long run_ms = ms_since(test_start);

  // --- Read the journal back (the gateway is stopped).
  Db db(gw.journal_path());
  INFO(db.error());
  REQUIRE(db.ok());
  std::map<long long, TradeRow> trades;
  REQUIRE(
      db.query("SELECT exec_id, client, qty_text, price_text, notional, fee, side, instrument, ts_us, seq "
               "FROM trades ORDER BY exec_id",
               [&](sqlite3_stmt* st) {
                 TradeRow t;
                 t.exec_id = sqlite3_column_int64(st, 0);
                 t.client = Db::text(st, 1);
                 t.qty_text = Db::text(st, 2);
                 t.price_text = Db::text(st, 3);
                 t.notional = sqlite3_column_int64(st, 4);
                 t.fee = sqlite3_column_int64(st, 5);
                 t.side = Db::text(st, 6);
                 t.instrument = Db::text(st, 7);
                 t.ts_us = sqlite3_column_int64(st, 8);
                 t.seq = sqlite3_column_int64(st, 9);
                 trades[t.exec_id] = t;
               }));
  std::map<long long, std::string> journal_exec_client;  // every ExecID the journal knows, and whose
  REQUIRE(db.query("SELECT exec_id, client FROM journal WHERE exec_id IS NOT NULL",
                   [&](sqlite3_stmt* st) { journal_exec_client[sqlite3_column_int64(st, 0)] = Db::text(st, 1); }));
  for (const auto& t : trades) journal_exec_client[t.first] = t.second.client;
  std::map<std::string, std::map<std::string, long long>> journal_balance;  // client -> asset -> units
  std::map<std::string, std::map<std::string, long long>> held;
  REQUIRE(db.query("SELECT owner, asset, purpose_name, balance FROM balances", [&](sqlite3_stmt* st) {
    const std::string purpose = Db::text(st, 2);
    if (purpose == "client_available" || purpose == "client_held")
      journal_balance[Db::text(st, 0)][Db::text(st, 1)] += sqlite3_column_int64(st, 3);
    if (purpose == "client_held" && sqlite3_column_int64(st, 3) != 0)
      held[Db::text(st, 0)][Db::text(st, 1)] += sqlite3_column_int64(st, 3);
  }));

  // Which kill came first after a journal time (to say when a lost fill was committed).
  auto kill_after = [&](long long ts_us) {
    for (size_t k = 0; k < kill_us.size(); ++k)
      if (ts_us < kill_us[k]) return k + 1;
    return kill_us.size() + 1;
  };
  auto committed_before = [&](long long ts_us) {
    const size_t k = kill_after(ts_us);
    return k <= kill_us.size() ? "committed before kill #" + std::to_string(k)
                               : std::string("committed after the last kill");
  };
  auto exec_number = [](const std::string& e, long long* n) {
    if (e.size() < 2 || e[0] != 'E') return false;
    for (size_t i = 1; i < e.size(); ++i)
      if (e[i] < '0' || e[i] > '9') return false;
    *n = std::atoll(e.c_str() + 1);
    return true;
  };

  Problems a("(a) every fill received is in the journal, as the client was told");
  Problems a2("(a') every other ExecutionReport's ExecID is in the journal, for that client");
  Problems b("(b) every journal fill reached its client exactly once");
  Problems c("(c) no ExecID received twice");
  Problems d("(d) otcctl verify passes");
  Problems e("(e) balances = demo balances + the fills the clients saw");
  Problems f("(f) no order left open that its client was never told about");

  // (a)
  long long fills_seen = 0;
  std::map<std::string, std::map<std::string, long long>> effect;  // client -> asset -> units
  long long fills_unpriced = 0;
  for (const auto& rp : recorders) {
    const Recorder& r = *rp;
    std::set<std::string> counted;
    for (const FillSeen& fs : r.fills) {
      ++fills_seen;
      const std::string who = r.client + " " + fs.exec_id + " (" + fs.side + " " + fs.qty + " " + fs.symbol + " @ " +
                              fs.px + ", cycle " + std::to_string(fs.cycle) + (fs.replayed ? ", replayed" : "") + ")";
      long long n = 0;
      if (!exec_number(fs.exec_id, &n)) {
        a.add(who + ": ExecID is not E<n>");
        continue;
      }
      auto it = trades.find(n);
      if (it == trades.end()) {
        a.add(who + ": not in trades");
      } else {
        const TradeRow& t = it->second;
        std::ostringstream diff;
        if (t.client != r.client) diff << " client " << t.client;
        if (t.side != fs.side) diff << " side " << t.side;
        if (t.instrument != fs.symbol) diff << " instrument " << t.instrument;
        if (t.qty_text != fs.qty) diff << " qty_text " << t.qty_text;
        if (t.price_text != fs.px) diff << " price_text " << t.price_text;
        const Instrument* in = r.instrument(fs.symbol);
        const int qd = in ? cfg.decimals.at(in->quote) : 0;
        long long gross = 0, fee = 0;
        if (fs.gross.empty())
          diff << " [GrossTradeAmt(381) missing]";
        else if (!parse_units(fs.gross, qd, &gross))
          diff << " [GrossTradeAmt(381) '" << fs.gross << "' not exact]";
        else if (gross != t.notional)
          diff << " notional " << t.notional << " vs 381=" << fs.gross;
        if (fs.commission.empty())
          diff << " [Commission(12) missing]";
        else if (!parse_units(fs.commission, qd, &fee))
          diff << " [Commission(12) '" << fs.commission << "' not exact]";
        else if (fee != t.fee)
          diff << " fee " << t.fee << " vs 12=" << fs.commission;
        if (fs.comm_type != "3") diff << " [CommType(13) '" << fs.comm_type << "', want 3]";
        if (!diff.str().empty()) a.add(who + ": journal differs:" + diff.str());
      }
      // The client's own view of its balances (each ExecID once).
      if (!counted.insert(fs.exec_id).second) continue;
      const Instrument* in = r.instrument(fs.symbol);
      long long qty = 0, gross = 0, fee = 0;
      if (in == nullptr || !parse_units(fs.qty, cfg.decimals.at(in->base), &qty) ||
          !parse_units(fs.gross, cfg.decimals.at(in->quote), &gross) ||
          !parse_units(fs.commission, cfg.decimals.at(in->quote), &fee)) {
        ++fills_unpriced;
        continue;
      }
      if (fs.side == "buy") {
        effect[r.client][in->base] += qty;
        effect[r.client][in->quote] -= gross + fee;
      } else {
        effect[r.client][in->base] -= qty;
        effect[r.client][in->quote] += gross - fee;
      }
    }
    // (a') and (c) per client
    for (const auto& ec : r.exec_count) {
      long long n = 0;
      if (ec.second > 1)
        c.add(r.client + " received " + ec.first + " (ExecType " + r.exec_type.at(ec.first) + ") " +
              std::to_string(ec.second) + " times");
      if (r.exec_type.at(ec.first) == "F" || r.exec_type.at(ec.first) == "I") continue;
      if (!exec_number(ec.first, &n)) {
        a2.add(r.client + " " + ec.first + ": ExecID is not E<n>");
        continue;
      }
      auto j = journal_exec_client.find(n);
      if (j == journal_exec_client.end())
        a2.add(r.client + " " + ec.first + " (ExecType " + r.exec_type.at(ec.first) + "): not in the journal");
      else if (j->second != r.client)
        a2.add(r.client + " " + ec.first + ": the journal has it for " + j->second);
    }
  }
  // (c) across clients: ExecIDs are the gateway's, unique across everybody.
  {
    std::map<std::string, std::vector<std::string>> holders;
    for (const auto& rp : recorders)
      for (const auto& ec : rp->exec_count) holders[ec.first].push_back(rp->client);
    for (const auto& h : holders)
      if (h.second.size() > 1) c.add(h.first + " received by several clients");
  }
  // (b)
  std::map<size_t, long long> lost_by_kill;  // kill number (kills + 1: after the last) -> fills never delivered
  for (const auto& tp : trades) {
    const TradeRow& t = tp.second;
    const std::string e_id = "E" + std::to_string(t.exec_id);
    const Recorder* r = nullptr;
    for (const auto& rp : recorders)
      if (rp->client == t.client) r = rp.get();
    const std::string what = e_id + " (" + t.client + " " + t.side + " " + t.qty_text + " " + t.instrument + " @ " +
                             t.price_text + ", journal seq " + std::to_string(t.seq) + ", " +
                             committed_before(t.ts_us) + ")";
    if (r == nullptr) {
      b.add(what + ": unknown client");
      continue;
    }
    auto it = r->exec_count.find(e_id);
    const int times = it == r->exec_count.end() ? 0 : it->second;
    if (times == 0) {
      b.add(what + ": never reached " + t.client);
      ++lost_by_kill[kill_after(t.ts_us)];
    } else if (times > 1) {
      b.add(what + ": reached " + t.client + " " + std::to_string(times) + " times");
    } else if (r->exec_type.at(e_id) != "F") {
      b.add(what + ": reached " + t.client + " as ExecType " + r->exec_type.at(e_id) + ", not F");
    }
  }
  // (d)
  std::string verify_out;
  {
    const std::string pub = gw_dir + "/audit.pub";
    std::string cmd = std::string(OTC_OTCCTL_BIN) + " verify --journal '" + gw.journal_path() + "'";
    if (::access(pub.c_str(), R_OK) == 0) {
      cmd += " --public-key-file '" + pub + "'";
    } else {
      std::printf("crash_test: note: no %s; running otcctl verify without --public-key-file\n", pub.c_str());
    }
    int rc = -1;
    verify_out = run_capture(cmd + " 2>&1", &rc);
    if (rc != 0) d.add("`" + cmd + "` exited " + std::to_string(rc) + ":\n" + verify_out);
  }
  // (e)
  if (fills_unpriced > 0) {
    e.add(std::to_string(fills_unpriced) +
          " fill(s) lack an exact LastQty/GrossTradeAmt(381)/Commission(12): the clients cannot know their balances");
  }
  for (const auto& client : cfg.clients) {
    for (const auto& asset : cfg.decimals) {
      const long long expected = cfg.initial[client][asset.first] + effect[client][asset.first];
      const long long actual = journal_balance[client][asset.first];
      if (expected != actual) {
        e.add(client + " " + asset.first + ": journal " + format_units(actual, asset.second) +
              ", from the fills seen " + format_units(expected, asset.second) + " (difference " +
              format_units(actual - expected, asset.second) + ")");
      }
    }
  }
  // (f)
  for (const auto& h : held)
    for (const auto& a_ : h.second)
      f.add(h.first + " still holds " + format_units(a_.second, cfg.decimals[a_.first]) + " " + a_.first +
            " for open orders after canceling every order it was told about");

  // --- Summary.
  std::ostringstream sum;
  sum << "crash_test: seed " << seed << ", " << kill_us.size() << " kills, " << run_ms << " ms of load/kill/restart";
  if (!restart_ms.empty()) {
    long long mx = *std::max_element(restart_ms.begin(), restart_ms.end()), total = 0;
    for (long long x : restart_ms) total += x;
    sum << " (restart avg " << total / static_cast<long long>(restart_ms.size()) << " ms, max " << mx << " ms)";
  }
  sum << "\n  cycle  load_ms  requests  messages  fills  replayed(43/97=Y)  replayed_fills  dup-ClOrdID-rejects\n";
  size_t ncycles = 0;
  for (const auto& rp : recorders) ncycles = std::max(ncycles, rp->cycles.size());
  for (size_t cy = 0; cy < ncycles; ++cy) {
    CycleStats t;
    for (const auto& rp : recorders) {
      if (cy >= rp->cycles.size()) continue;
      const CycleStats& s = rp->cycles[cy];
      t.load_ms = std::max(t.load_ms, s.load_ms);
      t.requests += s.requests;
      t.messages += s.messages;
      t.fills += s.fills;
      t.replayed += s.replayed;
      t.replayed_fills += s.replayed_fills;
      t.dup_cl_ord_rejects += s.dup_cl_ord_rejects;
    }
    char line[200];
    std::snprintf(line, sizeof line, "  %5zu  %7lld  %8lld  %8lld  %5lld  %17lld  %14lld  %19lld%s\n", cy, t.load_ms,
                  t.requests, t.messages, t.fills, t.replayed, t.replayed_fills, t.dup_cl_ord_rejects,
                  cy == 0             ? ""
                  : cy + 1 == ncycles ? "   (after the last restart; final)"
                                      : "   (after a restart)");
    sum << line;
  }
  sum << "  fills received " << fills_seen << ", journal trades " << trades.size() << "\n";
  for (const auto& rp : recorders) {
    sum << "  " << rp->client << (cfg.cancel_on_disconnect[rp->client] ? " (cancel_on_disconnect)" : "") << ": "
        << rp->fills.size() << " fills, " << rp->exec_count.size() << " ExecIDs, " << rp->gtc.size() << " GTC orders";
    for (const auto& o : rp->other_types) sum << ", " << o.second << "x " << o.first;
    sum << "\n";
    for (const auto& an : rp->anomalies) sum << "    anomaly: " << an << "\n";
  }
  for (const auto& l : lost_by_kill) {
    sum << "  fills never delivered, committed "
        << (l.first <= kill_us.size() ? "before kill #" + std::to_string(l.first) : std::string("after the last kill"))
        << ": " << l.second << "\n";
  }
  for (const Problems* p : {&a, &a2, &b, &c, &d, &e, &f, &g}) sum << "  " << p->report();
  if (d.count == 0 && !verify_out.empty()) sum << "  otcctl verify said: " << verify_out;
  sum << "  total wall time " << ms_since(test_start) << " ms\n";
  std::printf("%s", sum.str().c_str());
  std::fflush(stdout);

  CHECK(kill_us.size() >= static_cast<size_t>(kMinKills));
  CHECK(fills_seen > 0);
  CHECK(trades.size() > 0);
  for (const Problems* p : {&a, &a2, &b, &c, &d, &e, &f, &g}) {
    INFO(p->report());
    CHECK(p->count == 0);
  }
}
