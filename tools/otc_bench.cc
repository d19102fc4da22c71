// otc-bench: the gateway's load generator. A FIX 4.4 initiator (QuickFIX, one
// ThreadedSocketInitiator, one socket thread per session) that drives a running gateway over
// loopback with N sessions and prints throughput and latency percentiles per leg, the
// gateway's CPU time per request and its own, so the split of the machine's cores is visible.
//
// Modes (what one "request" is):
//   rfq        QuoteRequest(R, firm, one side) -> Quote(S); QuoteRequestReject(AG) = error.
//   rfq-trade  R -> S, then NewOrderSingle(OrdType=D) on that QuoteID -> ack (150=0) and
//              fill (150=F); the two legs are reported separately.
//   orders     NewOrderSingle market (OrdType=1, no TimeInForce = IOC) -> ack (150=0) and
//              fill (150=F); a reject (150=8) is an error, its Text printed once per text.
// Sides alternate buy/sell per session so that balances and the desk's skew stay put.
//
// Pacing: --rate R > 0 is open loop: one pacer thread sends R requests per second in all
// (round robin over the sessions) on a steady-clock schedule, whatever the replies do; a
// request that finds --window W requests of its session outstanding is skipped and counted.
// --rate 0 is closed loop: each session keeps --window W requests outstanding, sending the
// next one from the socket thread as a reply completes one.
//
// Timing: steady_clock just before Session::send, and at the top of fromApp on the socket
// thread (after QuickFIX parsed the message, before any queue). Replies are matched by
// QuoteReqID / ClOrdID "<run>.<k>": k indexes the session's send-time table. Only requests
// SENT inside the measured window (after --warmup-seconds, for --seconds) are sampled;
// throughput = completed sampled requests / window length. Errors are counted over the whole
// run. After the window no new request starts; replies are awaited until all are in or no
// reply came for --drain-seconds; what is still missing is reported as unmatched.
//
// CPU: utime+stime of the gateway from /proc/PID/stat at the start and end of the window
// (PID from --gateway-pid, else the process owning the listening socket of --port, found via
// /proc/net/tcp and /proc/*/fd), of this process from getrusage, and the machine's busy share
// from /proc/stat.
//
// Exit codes: 0 all requests answered without error; 1 errors, unmatched requests or a lost
// session; 2 bad arguments or credentials file; 3 logon failed.
//
// Compiled as C++14 (QuickFIX headers). Opt-in: never run by `make test`; see README
// "Benchmark" and tools/bench.sh.
#include <CLI/CLI.hpp>

#include <quickfix/Session.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/QuoteRequest.h>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tools/fix_client.h"

namespace {

using otc::fixclient::field;
using otc::fixclient::msg_type;
using Clock = std::chrono::steady_clock;

constexpr int kSessionsMax = 99;
constexpr int kOpenLoopOutstandingMax = 200000;  // per session, when --window is 0 in open loop
constexpr int kLogonTimeoutMs = 10000;
constexpr int kLogoutTimeoutMs = 2000;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

enum class Mode { kRfq, kRfqTrade, kOrders };

struct Credential {
  std::string id, username, password;
};

// Reads the demo-credentials format: [ID] then password = "..." and optionally
// username = "..." (default: the id in lower case). Sections in file order.
bool read_credentials(const std::string& path, std::vector<Credential>* out, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::string line;
  int line_no = 0;
  while (std::getline(in, line) && line_no < 100000) {
    ++line_no;
    const size_t hash = line.find('#');
    if (hash != std::string::npos && line.find('"') == std::string::npos) line.resize(hash);
    const size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    line = line.substr(b);
    if (line[0] == '[') {
      const size_t e = line.find(']');
      if (e == std::string::npos || e < 2) {
        *error = path + ":" + std::to_string(line_no) + ": bad section header";
        return false;
      }
      Credential c;
      c.id = line.substr(1, e - 1);
      c.username = c.id;
      std::transform(c.username.begin(), c.username.end(), c.username.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      out->push_back(c);
      continue;
    }
    const size_t eq = line.find('=');
    const size_t q1 = line.find('"');
    const size_t q2 = line.rfind('"');
    if (out->empty() || eq == std::string::npos || q1 == std::string::npos || q2 <= q1) {
      *error = path + ":" + std::to_string(line_no) + ": expected key = \"value\" inside a [ID] section";
      return false;
    }
    std::string key = line.substr(0, eq);
    key.erase(key.find_last_not_of(" \t") + 1);
    const std::string value = line.substr(q1 + 1, q2 - q1 - 1);
    if (key == "password") out->back().password = value;
    else if (key == "username") out->back().username = value;
  }
  for (const auto& c : *out) {
    if (c.password.empty()) {
      *error = path + ": [" + c.id + "] has no password";
      return false;
    }
  }
  return true;
}

// ---- /proc readers -------------------------------------------------------------------------

// utime+stime of a process (or a task: /proc/PID/task/TID/stat), in clock ticks; -1 if gone.
long long proc_cpu_ticks(const std::string& stat_path, std::string* comm = nullptr) {
  std::ifstream f(stat_path);
  std::string s;
  if (!std::getline(f, s)) return -1;
  const size_t open = s.find('(');
  const size_t close = s.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return -1;
  if (comm) *comm = s.substr(open + 1, close - open - 1);
  std::istringstream rest(s.substr(close + 2));
  std::string tok;
  long long utime = 0, stime = 0;
  // Fields after the comm: 3 state ... 14 utime, 15 stime (1-based over the whole line).
  for (int i = 3; i <= 15 && rest >> tok; ++i) {
    if (i == 14) utime = std::atoll(tok.c_str());
    if (i == 15) stime = std::atoll(tok.c_str());
  }
  return utime + stime;
}

// Per-thread ticks of a process: tid -> (comm, ticks).
std::map<int, std::pair<std::string, long long>> thread_ticks(int pid) {
  std::map<int, std::pair<std::string, long long>> out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  int n = 0;
  while (dirent* e = readdir(d)) {
    if (++n > 4096) break;
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string comm;
    const long long t = proc_cpu_ticks(dir + "/" + e->d_name + "/stat", &comm);
    if (t >= 0) out[std::atoi(e->d_name)] = std::make_pair(comm, t);
  }
  closedir(d);
  return out;
}

// Machine-wide (busy, total) jiffies from /proc/stat.
std::pair<long long, long long> machine_ticks() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  long long v[10] = {0};
  f >> cpu;
  long long total = 0;
  for (int i = 0; i < 10 && f >> v[i]; ++i) total += v[i];
  total -= v[8] + v[9];  // guest time is already in user/nice
  const long long idle = v[3] + v[4];
  return std::make_pair(total - idle, total);
}

double self_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The pid owning the IPv4 listening socket on `port` (via /proc/net/tcp and /proc/*/fd); 0 if
// not found (e.g. another user's process).
int find_listener_pid(int port) {
  std::ifstream f("/proc/net/tcp");
  std::string line;
  std::getline(f, line);  // header
  std::string inode;
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  while (std::getline(f, line)) {
    std::istringstream ls(line);
    std::string sl, local, remote, st, queues, tr, retr, uid, timeout, ino;
    ls >> sl >> local >> remote >> st >> queues >> tr >> retr >> uid >> timeout >> ino;
    if (st == "0A" && local.size() > 5 && local.compare(local.size() - 5, 5, want) == 0) {
      inode = ino;
      break;
    }
  }
  if (inode.empty()) return 0;
  const std::string target = "socket:[" + inode + "]";
  DIR* proc = opendir("/proc");
  if (!proc) return 0;
  int found = 0;
  while (dirent* p = readdir(proc)) {
    if (p->d_name[0] < '0' || p->d_name[0] > '9') continue;
    const std::string fd_dir = std::string("/proc/") + p->d_name + "/fd";
    DIR* fds = opendir(fd_dir.c_str());
    if (!fds) continue;
    int n = 0;
    while (dirent* e = readdir(fds)) {
      if (++n > 65536) break;
      char buf[128];
      const std::string link = fd_dir + "/" + e->d_name;
      const ssize_t len = readlink(link.c_str(), buf, sizeof buf - 1);
      if (len <= 0) continue;
      buf[len] = 0;
      if (target == buf) {
        found = std::atoi(p->d_name);
        break;
      }
    }
    closedir(fds);
    if (found) break;
  }
  closedir(proc);
  return found;
}

// ---- statistics ----------------------------------------------------------------------------

struct Percentiles {
  size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
};

// Nearest-rank percentiles of nanosecond samples, in microseconds.
Percentiles percentiles(std::vector<int64_t>* ns) {
  Percentiles p;
  p.count = ns->size();
  if (ns->empty()) return p;
  std::sort(ns->begin(), ns->end());
  auto at = [&](double q) {
    size_t rank = static_cast<size_t>(std::ceil(q / 100.0 * static_cast<double>(ns->size())));
    rank = std::max<size_t>(1, std::min(rank, ns->size()));
    return static_cast<double>((*ns)[rank - 1]) / 1000.0;
  };
  p.p50 = at(50);
  p.p90 = at(90);
  p.p99 = at(99);
  p.p999 = at(99.9);
  p.max = static_cast<double>(ns->back()) / 1000.0;
  return p;
}

// ---- the load generator --------------------------------------------------------------------

struct Options {
  std::string host = "127.0.0.1";
  int port = 9876;
  int sessions = 1;
  Mode mode = Mode::kRfq;
  std::string mode_name = "rfq";
  double rate = 0;
  int window = 0;  // 0: 1 in closed loop, unlimited (kOpenLoopOutstandingMax) in open loop
  double seconds = 10;
  double warmup_seconds = 2;
  double drain_seconds = 5;
  std::string symbol = "BTC/USD";
  std::string qty = "0.01";
  int gateway_pid = 0;
  std::string credentials = "conf/bench/bench-credentials.toml";
};

// One request's life. Times are steady-clock ns; 0 = not yet.
struct Slot {
  int64_t first_sent_ns = 0;  // R (rfq, rfq-trade) or D (orders)
  int64_t order_sent_ns = 0;  // rfq-trade: the D on the quote
  bool sampled = false;       // first sent inside the measured window
  bool acked = false;
  bool filled = false;
  bool done = false;
};

struct Session {
  int index = 0;
  Credential cred;
  FIX::SessionID id;
  FIX::Session* fix = nullptr;

  std::mutex mu;  // guards everything below; never held while calling fix->send
  std::vector<Slot> slots;
  long outstanding = 0;
  std::vector<int64_t> first_leg_ns;  // rfq: R->S; orders: D->ack; rfq-trade: R->S
  std::vector<int64_t> ack_ns;        // rfq-trade: D->ack
  std::vector<int64_t> fill_ns;       // orders and rfq-trade: D->fill
  std::vector<int64_t> lag_ns;        // open loop: send time minus scheduled time
  bool logged_on = false;
  bool logout_seen = false;
  bool lost = false;  // disconnected after logon, during the run
  std::string logout_text;
};

class Bench : public FIX::Application {
 public:
  Bench(const Options& opt, std::vector<Credential> creds) : opt_(opt) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    run_id_ = base36(static_cast<unsigned long long>(ms));  // ClOrdIDs are unique per client for ever
    for (int i = 0; i < opt.sessions; ++i) {
      std::unique_ptr<Session> s(new Session());
      s->index = i;
      s->cred = creds[static_cast<size_t>(i)];
      s->id = FIX::SessionID("FIX.4.4", s->cred.id, "OTCGW");
      by_comp_[s->cred.id] = s.get();
      sessions_.push_back(std::move(s));
    }
    window_ = opt.window > 0 ? opt.window : (opt.rate > 0 ? kOpenLoopOutstandingMax : 1);
  }

  int run();

  // FIX::Application
  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID& id) override {
    Session* s = lookup(id);
    if (!s) return;
    std::lock_guard<std::mutex> lock(s->mu);
    s->logged_on = true;
  }
  void onLogout(const FIX::SessionID& id) override {
    Session* s = lookup(id);
    if (!s) return;
    std::lock_guard<std::mutex> lock(s->mu);
    if (s->logged_on && running_.load()) s->lost = true;
    s->logged_on = false;
  }
  void toAdmin(FIX::Message& m, const FIX::SessionID& id) override {
    if (msg_type(m) != "A") return;
    Session* s = lookup(id);
    if (!s) return;
    m.setField(553, s->cred.username);
    m.setField(554, s->cred.password);
  }
  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
  void fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                      FIX::IncorrectTagValue,
                                                                      FIX::RejectLogon) override {
    const std::string type = msg_type(m);
    if (type == "3") error("session Reject(3): " + field(m, 58) + " (tag " + field(m, 371) + ")");
  }
  void fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                    FIX::IncorrectTagValue,
                                                                    FIX::UnsupportedMessageType) override;

  // Raw incoming text: a Logout that refuses our Logon may never reach fromAdmin.
  void on_raw_incoming(const std::string& raw) {
    if (raw.find("\00135=5\001") == std::string::npos) return;
    std::string comp, text;
    try {
      FIX::Message m(raw, false);
      comp = field(m.getHeader(), 56);
      text = field(m, 58);
    } catch (const FIX::Exception&) {
      return;  // not a Logout we can attribute to a session; wait_logons times out instead
    }
    auto it = by_comp_.find(comp);
    if (it == by_comp_.end()) return;
    std::lock_guard<std::mutex> lock(it->second->mu);
    it->second->logout_seen = true;
    it->second->logout_text = text;
  }
  void on_event(const std::string& event) {
    if (event.find("Connection failed") != std::string::npos || event.find("Disconnecting") != std::string::npos) {
      std::lock_guard<std::mutex> lock(events_mu_);
      if (events_.size() < 100) events_.push_back(event);
    }
  }

 private:
  static std::string base36(unsigned long long v) {
    std::string s;
    do {
      s.insert(s.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36]);
      v /= 36;
    } while (v);
    return s;
  }
  Session* lookup(const FIX::SessionID& id) {
    auto it = by_comp_.find(id.getSenderCompID().getValue());
    return it == by_comp_.end() ? nullptr : it->second;
  }
  // Index k of an id "<run>.<k>" of ours; -1 otherwise.
  long parse_id(const std::string& id) const {
    if (id.size() <= run_id_.size() + 1 || id.compare(0, run_id_.size(), run_id_) != 0 ||
        id[run_id_.size()] != '.') {
      return -1;
    }
    char* end = nullptr;
    const long k = std::strtol(id.c_str() + run_id_.size() + 1, &end, 10);
    return (end && *end == 0 && k >= 0) ? k : -1;
  }
  std::string make_id(long k) const { return run_id_ + "." + std::to_string(k); }
  static char side_of(long k) { return (k % 2) == 0 ? '1' : '2'; }

  // Counts an error; prints its text the first time it is seen.
  void error(const std::string& text) {
    errors_.fetch_add(1);
    std::lock_guard<std::mutex> lock(texts_mu_);
    if (error_texts_.size() < 100 && error_texts_.insert(text).second) {
      std::fprintf(stderr, "otc-bench: error (first of its kind): %s\n", text.c_str());
    }
  }

  // Starts a new request on s (R in rfq modes, D in orders mode). `scheduled_ns` is the open-
  // loop schedule (0 in closed loop). False if the session's window is full or it is not
  // logged on.
  bool start_request(Session* s, int64_t scheduled_ns);
  void send_quoted_order(Session* s, long k, const FIX::Message& quote);
  void complete(Session* s, Slot* slot);  // under s->mu
  void send_failed(Session* s, long k);   // not under s->mu
  void maybe_continue(Session* s);        // closed loop: replaces a completed request
  void pace();
  int64_t window_start_ns() const { return start_ns_ + static_cast<int64_t>(opt_.warmup_seconds * 1e9); }
  int64_t window_end_ns() const { return window_start_ns() + static_cast<int64_t>(opt_.seconds * 1e9); }
  long total_outstanding();
  bool wait_logons(std::string* why);
  void report(double window_s, double gw_cpu_s, double self_cpu_s, double machine_busy,
              const std::vector<std::pair<std::string, double>>& top_threads, int gw_pid);

  Options opt_;
  std::string run_id_;
  int window_ = 1;
  std::vector<std::unique_ptr<Session>> sessions_;
  std::map<std::string, Session*> by_comp_;
  std::atomic<bool> running_{false};    // requests may start
  std::atomic<bool> measuring_{false};  // set once at the window start (closed loop checks time)
  std::atomic<long> errors_{0};
  std::atomic<long> skipped_{0};
  std::atomic<long> unexpected_{0};
  std::atomic<int64_t> last_reply_ns_{0};
  int64_t start_ns_ = 0;
  std::mutex texts_mu_;
  std::set<std::string> error_texts_;
  std::mutex events_mu_;
  std::vector<std::string> events_;
  std::unique_ptr<FIX::ThreadedSocketInitiator> initiator_;
};

class BenchLog : public FIX::Log {
 public:
  explicit BenchLog(Bench* b) : b_(b) {}
  void clear() override {}
  void backup() override {}
  void onIncoming(const std::string& s) override { b_->on_raw_incoming(s); }
  void onOutgoing(const std::string&) override {}
  void onEvent(const std::string& s) override { b_->on_event(s); }

 private:
  Bench* b_;
};

class BenchLogFactory : public FIX::LogFactory {
 public:
  explicit BenchLogFactory(Bench* b) : b_(b) {}
  FIX::Log* create() override { return new BenchLog(b_); }
  FIX::Log* create(const FIX::SessionID&) override { return new BenchLog(b_); }
  void destroy(FIX::Log* log) override { delete log; }

 private:
  Bench* b_;
};

bool Bench::start_request(Session* s, int64_t scheduled_ns) {
  if (!running_.load(std::memory_order_relaxed)) return false;
  long k;
  int64_t t0;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    if (!s->logged_on) return false;
    if (s->outstanding >= window_) {
      skipped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    ++s->outstanding;
    k = static_cast<long>(s->slots.size());
    s->slots.emplace_back();
    t0 = now_ns();
    Slot& slot = s->slots.back();
    slot.first_sent_ns = t0;
    slot.sampled = t0 >= window_start_ns() && t0 < window_end_ns();
    if (slot.sampled && scheduled_ns > 0) s->lag_ns.push_back(std::max<int64_t>(0, t0 - scheduled_ns));
  }
  const std::string side(1, side_of(k));
  bool sent = false;
  if (opt_.mode == Mode::kOrders) {
    FIX44::NewOrderSingle o;
    o.setField(11, make_id(k));
    o.setField(55, opt_.symbol);
    o.setField(54, side);
    o.setField(60, otc::fixclient::utc_now_fix());
    o.setField(38, opt_.qty);
    o.setField(40, "1");
    sent = s->fix->send(o);
  } else {
    FIX44::QuoteRequest r;
    r.setField(131, make_id(k));
    FIX44::QuoteRequest::NoRelatedSym g;
    g.setField(55, opt_.symbol);
    g.setField(54, side);
    g.setField(38, opt_.qty);
    g.setField(537, "1");
    r.addGroup(g);
    sent = s->fix->send(r);
  }
  if (!sent) send_failed(s, k);
  return sent;
}

void Bench::send_failed(Session* s, long k) {
  {
    std::lock_guard<std::mutex> lock(s->mu);
    complete(s, &s->slots[static_cast<size_t>(k)]);
  }
  error("send failed on " + s->cred.id + " (not logged on)");
}

void Bench::send_quoted_order(Session* s, long k, const FIX::Message& quote) {
  const char side = side_of(k);
  FIX44::NewOrderSingle o;
  o.setField(11, make_id(k));
  o.setField(55, opt_.symbol);
  o.setField(54, std::string(1, side));
  o.setField(60, otc::fixclient::utc_now_fix());
  o.setField(38, opt_.qty);
  o.setField(40, "D");
  o.setField(44, field(quote, side == '1' ? 133 : 132));
  o.setField(117, field(quote, 117));
  {
    std::lock_guard<std::mutex> lock(s->mu);
    s->slots[static_cast<size_t>(k)].order_sent_ns = now_ns();
  }
  if (!s->fix->send(o)) send_failed(s, k);
}

void Bench::complete(Session* s, Slot* slot) {
  if (slot->done) return;
  slot->done = true;
  --s->outstanding;
}

void Bench::maybe_continue(Session* s) {
  if (opt_.rate > 0 || !running_.load(std::memory_order_relaxed)) return;
  if (now_ns() >= window_end_ns()) return;
  start_request(s, 0);
}

void Bench::fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(FIX::FieldNotFound,
                                                                         FIX::IncorrectDataFormat,
                                                                         FIX::IncorrectTagValue,
                                                                         FIX::UnsupportedMessageType) {
  const int64_t t = now_ns();
  last_reply_ns_.store(t, std::memory_order_relaxed);
  Session* s = lookup(id);
  if (!s) return;
  const std::string type = msg_type(m);
  if (type == "S" || type == "AG") {
    const long k = parse_id(field(m, 131));
    bool send_order = false, next = false;
    {
      std::lock_guard<std::mutex> lock(s->mu);
      if (k < 0 || static_cast<size_t>(k) >= s->slots.size() || s->slots[static_cast<size_t>(k)].done ||
          s->slots[static_cast<size_t>(k)].order_sent_ns != 0) {
        unexpected_.fetch_add(1);
        return;
      }
      Slot& slot = s->slots[static_cast<size_t>(k)];
      if (type == "S" && slot.sampled) s->first_leg_ns.push_back(t - slot.first_sent_ns);
      if (type == "S" && opt_.mode == Mode::kRfqTrade) {
        send_order = true;
      } else {
        complete(s, &slot);
        next = true;
      }
    }
    if (type == "AG") error("QuoteRequestReject(AG) 658=" + field(m, 658) + ": " + field(m, 58));
    if (send_order) send_quoted_order(s, k, m);
    if (next) maybe_continue(s);
    return;
  }
  if (type == "8") {
    const long k = parse_id(field(m, 11));
    const std::string exec_type = field(m, 150);
    const std::string ord_status = field(m, 39);
    bool next = false, ended_unfilled = false;
    {
      std::lock_guard<std::mutex> lock(s->mu);
      if (k < 0 || static_cast<size_t>(k) >= s->slots.size() || s->slots[static_cast<size_t>(k)].done) {
        unexpected_.fetch_add(1);
        return;
      }
      Slot& slot = s->slots[static_cast<size_t>(k)];
      const int64_t sent = opt_.mode == Mode::kRfqTrade ? slot.order_sent_ns : slot.first_sent_ns;
      if (exec_type == "0" && !slot.acked) {
        slot.acked = true;
        if (slot.sampled) (opt_.mode == Mode::kRfqTrade ? s->ack_ns : s->first_leg_ns).push_back(t - sent);
      } else if (exec_type == "F" && !slot.filled) {
        slot.filled = true;
        if (slot.sampled) s->fill_ns.push_back(t - sent);
      }
      // Final: filled, canceled, rejected, expired. Canceled or expired without a fill is an error.
      if (ord_status == "2" || ord_status == "4" || ord_status == "8" || ord_status == "C") {
        complete(s, &slot);
        next = true;
      }
      ended_unfilled = (exec_type == "4" || exec_type == "C") && !slot.filled;
    }
    if (exec_type == "8") error("order rejected (150=8) 103=" + field(m, 103) + ": " + field(m, 58));
    if (ended_unfilled) error("order ended unfilled (150=" + exec_type + "): " + field(m, 58));
    if (next) maybe_continue(s);
    return;
  }
  if (type == "j") {
    // Not taken at all (engine busy, journal halted): ends the request it names.
    const long k = parse_id(field(m, 379));
    const std::string ref = field(m, 372);
    bool next = false;
    {
      std::lock_guard<std::mutex> lock(s->mu);
      if (k >= 0 && static_cast<size_t>(k) < s->slots.size()) {
        complete(s, &s->slots[static_cast<size_t>(k)]);
        next = true;
      }
    }
    error("BusinessMessageReject(j) 372=" + ref + " 380=" + field(m, 380) + ": " + field(m, 58));
    if (next) maybe_continue(s);
    return;
  }
  unexpected_.fetch_add(1);
}

long Bench::total_outstanding() {
  long n = 0;
  for (auto& s : sessions_) {
    std::lock_guard<std::mutex> lock(s->mu);
    n += s->outstanding;
  }
  return n;
}

bool Bench::wait_logons(std::string* why) {
  const int64_t deadline = now_ns() + static_cast<int64_t>(kLogonTimeoutMs) * 1000000;
  while (now_ns() < deadline) {
    int ok = 0;
    for (auto& s : sessions_) {
      std::lock_guard<std::mutex> lock(s->mu);
      if (s->logout_seen) {
        *why = s->cred.id + ": logon refused: " + (s->logout_text.empty() ? "(no text)" : s->logout_text);
        return false;
      }
      if (s->logged_on) ++ok;
    }
    if (ok == static_cast<int>(sessions_.size())) return true;
    {
      std::lock_guard<std::mutex> lock(events_mu_);
      if (!events_.empty() && events_.front().find("Connection failed") != std::string::npos) {
        *why = "cannot connect to " + opt_.host + ":" + std::to_string(opt_.port) + " (" + events_.front() + ")";
        return false;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::string missing;
  for (auto& s : sessions_) {
    std::lock_guard<std::mutex> lock(s->mu);
    if (!s->logged_on) missing += (missing.empty() ? "" : ",") + s->cred.id;
  }
  *why = "no logon within " + std::to_string(kLogonTimeoutMs / 1000) + " s for " + missing;
  std::lock_guard<std::mutex> lock(events_mu_);
  if (!events_.empty()) *why += " (" + events_.front() + ")";
  return false;
}

// Open loop: request i is due at start + i/rate, round robin over the sessions. Late
// requests go out at once (a burst), and their lateness is reported.
void Bench::pace() {
  const double period_ns = 1e9 / opt_.rate;
  const int64_t end = window_end_ns();
  long long i = 0;
  while (true) {
    const int64_t due = start_ns_ + static_cast<int64_t>(static_cast<double>(i) * period_ns);
    if (due >= end || !running_.load(std::memory_order_relaxed)) break;
    int64_t now = now_ns();
    if (due > now) {
      std::this_thread::sleep_for(std::chrono::nanoseconds(due - now));
      continue;
    }
    start_request(sessions_[static_cast<size_t>(i % static_cast<long long>(sessions_.size()))].get(), due);
    ++i;
  }
}

int Bench::run() {
  FIX::Dictionary d;
  d.setString("ConnectionType", "initiator");
  d.setString("SocketConnectHost", opt_.host);
  d.setInt("SocketConnectPort", opt_.port);
  d.setString("StartTime", "00:00:00");
  d.setString("EndTime", "00:00:00");
  d.setInt("HeartBtInt", 30);
  d.setInt("ReconnectInterval", 3600);  // one attempt
  d.setString("SocketNodelay", "Y");
  d.setString("ResetOnLogon", "Y");     // ResetSeqNumFlag=Y: a fresh sequence every run
  d.setString("PersistMessages", "N");  // nothing to resend: no store work per message
  d.setString("CheckLatency", "N");
  d.setString("TimestampPrecision", "3");
  d.setString("UseDataDictionary", "N");
  FIX::SessionSettings settings;
  settings.set(d);
  for (auto& s : sessions_) settings.set(s->id, d);
  FIX::MemoryStoreFactory store;
  BenchLogFactory logs(this);
  try {
    initiator_.reset(new FIX::ThreadedSocketInitiator(*this, store, settings, logs));
    initiator_->start();
  } catch (const FIX::Exception& e) {
    std::fprintf(stderr, "otc-bench: cannot start the initiator: %s\n", e.what());
    return 3;
  }
  std::string why;
  if (!wait_logons(&why)) {
    std::fprintf(stderr, "otc-bench: logon failed: %s\n", why.c_str());
    initiator_->stop(true);
    return 3;
  }
  for (auto& s : sessions_) {
    s->fix = FIX::Session::lookupSession(s->id);
    if (!s->fix) {
      std::fprintf(stderr, "otc-bench: no QuickFIX session for %s\n", s->cred.id.c_str());
      initiator_->stop(true);
      return 3;
    }
    size_t expect = opt_.rate > 0 ? static_cast<size_t>(opt_.rate * (opt_.seconds + opt_.warmup_seconds) /
                                                         static_cast<double>(sessions_.size()) * 1.05) + 16
                                  : 65536;
    expect = std::min<size_t>(expect, 8u << 20);
    s->slots.reserve(expect);
    s->first_leg_ns.reserve(expect);
    if (opt_.mode != Mode::kRfq) {
      s->ack_ns.reserve(expect);
      s->fill_ns.reserve(expect);
    }
  }
  const int gw_pid = opt_.gateway_pid > 0 ? opt_.gateway_pid : find_listener_pid(opt_.port);
  const std::string gw_stat = "/proc/" + std::to_string(gw_pid) + "/stat";
  const long hz = sysconf(_SC_CLK_TCK);

  std::printf("otc-bench: mode=%s sessions=%d %s window=%d seconds=%g warmup=%g %s %s, gateway pid %s\n",
              opt_.mode_name.c_str(), opt_.sessions,
              opt_.rate > 0 ? ("rate=" + std::to_string(static_cast<long>(opt_.rate)) + "/s (open loop)").c_str()
                            : "closed loop",
              opt_.rate > 0 && opt_.window == 0 ? 0 : window_, opt_.seconds, opt_.warmup_seconds, opt_.qty.c_str(),
              opt_.symbol.c_str(), gw_pid > 0 ? std::to_string(gw_pid).c_str() : "unknown (pass --gateway-pid)");
  std::fflush(stdout);

  start_ns_ = now_ns();
  last_reply_ns_.store(start_ns_);
  running_.store(true);
  std::thread pacer;
  if (opt_.rate > 0) {
    pacer = std::thread([this] { pace(); });
  } else {
    for (auto& s : sessions_) {
      for (int w = 0; w < window_; ++w) start_request(s.get(), 0);
    }
  }
  // Window start: CPU counters.
  std::this_thread::sleep_until(Clock::time_point(std::chrono::nanoseconds(window_start_ns())));
  const long long gw0 = gw_pid > 0 ? proc_cpu_ticks(gw_stat) : -1;
  const auto threads0 = gw_pid > 0 ? thread_ticks(gw_pid) : std::map<int, std::pair<std::string, long long>>();
  const double self0 = self_cpu_s();
  const auto mach0 = machine_ticks();
  // Until the window ends, or every session is gone (the gateway died or threw us out).
  bool all_lost = false;
  while (now_ns() < window_end_ns() && !all_lost) {
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::max<int64_t>(1, std::min<int64_t>(50, (window_end_ns() - now_ns()) / 1000000))));
    all_lost = true;
    for (auto& s : sessions_) {
      std::lock_guard<std::mutex> lock(s->mu);
      all_lost = all_lost && s->lost;
    }
  }
  if (all_lost) std::fprintf(stderr, "otc-bench: every session was disconnected; stopping the run\n");
  const long long gw1 = gw_pid > 0 ? proc_cpu_ticks(gw_stat) : -1;
  const auto threads1 = gw_pid > 0 ? thread_ticks(gw_pid) : std::map<int, std::pair<std::string, long long>>();
  const double self1 = self_cpu_s();
  const auto mach1 = machine_ticks();
  const int64_t measured_end_ns = std::min(now_ns(), window_end_ns());
  running_.store(false);
  if (pacer.joinable()) pacer.join();

  // Drain: until every request is answered, or no reply for --drain-seconds.
  const int64_t drain_ns = static_cast<int64_t>(opt_.drain_seconds * 1e9);
  while (!all_lost && total_outstanding() > 0) {
    const int64_t quiet = now_ns() - std::max(last_reply_ns_.load(), window_end_ns());
    if (quiet > drain_ns) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  // The window's length; shorter than --seconds only when every session was lost.
  const double window_s = std::max(1e-3, static_cast<double>(measured_end_ns - window_start_ns()) / 1e9);
  std::vector<std::pair<std::string, double>> top;
  for (const auto& t : threads1) {
    auto it = threads0.find(t.first);
    const long long before = it == threads0.end() ? 0 : it->second.second;
    top.emplace_back(t.second.first + "/" + std::to_string(t.first),
                     static_cast<double>(t.second.second - before) / static_cast<double>(hz));
  }
  std::sort(top.begin(), top.end(), [](const std::pair<std::string, double>& a, const std::pair<std::string, double>& b) {
    return a.second > b.second;
  });
  const double gw_cpu = (gw0 >= 0 && gw1 >= 0) ? static_cast<double>(gw1 - gw0) / static_cast<double>(hz) : -1;
  const long long busy = mach1.first - mach0.first, total = mach1.second - mach0.second;
  report(window_s, gw_cpu, self1 - self0, total > 0 ? static_cast<double>(busy) / static_cast<double>(total) : 0, top,
         gw_pid);

  // Log out (bounded), then stop.
  bool any_lost = false;
  for (auto& s : sessions_) {
    std::lock_guard<std::mutex> lock(s->mu);
    any_lost = any_lost || s->lost;
  }
  for (auto& s : sessions_) {
    if (s->fix && s->fix->isLoggedOn()) s->fix->logout("otc-bench done");
  }
  const int64_t logout_deadline = now_ns() + static_cast<int64_t>(kLogoutTimeoutMs) * 1000000;
  while (now_ns() < logout_deadline) {
    bool any = false;
    for (auto& s : sessions_) {
      std::lock_guard<std::mutex> lock(s->mu);
      any = any || s->logged_on;
    }
    if (!any) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  initiator_->stop(true);
  const long unmatched = total_outstanding();
  return (errors_.load() == 0 && unmatched == 0 && !any_lost && unexpected_.load() == 0) ? 0 : 1;
}

void print_leg(const char* name, Percentiles p, double window_s) {
  std::printf("  %-22s %9zu %10.0f %9.1f %9.1f %9.1f %9.1f %9.1f\n", name, p.count,
              static_cast<double>(p.count) / window_s, p.p50, p.p90, p.p99, p.p999, p.max);
}

std::string result_fields(const char* prefix, const Percentiles& p, double window_s) {
  char buf[256];
  std::snprintf(buf, sizeof buf, " %s_count=%zu %s_per_s=%.0f %s_p50_us=%.1f %s_p90_us=%.1f %s_p99_us=%.1f "
                "%s_p999_us=%.1f %s_max_us=%.1f",
                prefix, p.count, prefix, static_cast<double>(p.count) / window_s, prefix, p.p50, prefix, p.p90, prefix,
                p.p99, prefix, p.p999, prefix, p.max);
  return buf;
}

void Bench::report(double window_s, double gw_cpu_s, double bench_cpu_s, double machine_busy,
                   const std::vector<std::pair<std::string, double>>& top_threads, int gw_pid) {
  std::vector<int64_t> first, ack, fill, lag;
  long unmatched = 0, lost = 0;
  for (auto& s : sessions_) {
    std::lock_guard<std::mutex> lock(s->mu);
    first.insert(first.end(), s->first_leg_ns.begin(), s->first_leg_ns.end());
    ack.insert(ack.end(), s->ack_ns.begin(), s->ack_ns.end());
    fill.insert(fill.end(), s->fill_ns.begin(), s->fill_ns.end());
    lag.insert(lag.end(), s->lag_ns.begin(), s->lag_ns.end());
    unmatched += s->outstanding;
    if (s->lost) {
      ++lost;
      std::printf("  session %s was disconnected during the run\n", s->cred.id.c_str());
    }
  }
  const Percentiles p_first = percentiles(&first), p_ack = percentiles(&ack), p_fill = percentiles(&fill),
                    p_lag = percentiles(&lag);
  // The unit of work: an RFQ (rfq), an order (orders), an RFQ+trade round trip (rfq-trade).
  const size_t units = opt_.mode == Mode::kRfq ? p_first.count : p_fill.count;
  const char* unit = opt_.mode == Mode::kRfq ? "RFQ" : opt_.mode == Mode::kOrders ? "order" : "RFQ+trade";

  std::printf("  measured window %.1f s after %.1f s warmup; latency from send to the matching reply, us\n", window_s,
              opt_.warmup_seconds);
  std::printf("  %-22s %9s %10s %9s %9s %9s %9s %9s\n", "leg", "count", "per s", "p50", "p90", "p99", "p99.9", "max");
  if (opt_.mode == Mode::kRfq) {
    print_leg("quote (R -> S)", p_first, window_s);
  } else if (opt_.mode == Mode::kOrders) {
    print_leg("ack (D -> 150=0)", p_first, window_s);
    print_leg("fill (D -> 150=F)", p_fill, window_s);
  } else {
    print_leg("quote (R -> S)", p_first, window_s);
    print_leg("trade ack (D -> 150=0)", p_ack, window_s);
    print_leg("trade fill (D -> 150=F)", p_fill, window_s);
  }
  if (opt_.rate > 0) {
    std::printf("  pacing: send lateness vs schedule p50 %.1f us, p99 %.1f us, max %.1f us; skipped (window full) %ld\n",
                p_lag.p50, p_lag.p99, p_lag.max, skipped_.load());
  }
  std::printf("  errors %ld (whole run), unmatched at end %ld, unexpected messages %ld, sessions lost %ld\n",
              errors_.load(), unmatched, unexpected_.load(), lost);
  const double per_unit_gw = gw_cpu_s >= 0 && units > 0 ? gw_cpu_s * 1e6 / static_cast<double>(units) : -1;
  const double per_unit_self = units > 0 ? bench_cpu_s * 1e6 / static_cast<double>(units) : -1;
  if (gw_cpu_s >= 0) {
    std::printf("  gateway pid %d: CPU %.2f s in the window (%.0f%% of one core), %.1f us per %s\n", gw_pid, gw_cpu_s,
                100.0 * gw_cpu_s / window_s, per_unit_gw, unit);
    std::string threads;
    for (size_t i = 0; i < top_threads.size() && i < 4; ++i) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s%s %.0f%%", i ? ", " : "", top_threads[i].first.c_str(),
                    100.0 * top_threads[i].second / window_s);
      threads += buf;
    }
    std::printf("    busiest gateway threads (%% of one core): %s\n", threads.c_str());
  } else if (gw_pid > 0) {
    std::printf("  gateway CPU: unknown (process %d gone before the window ended)\n", gw_pid);
  } else {
    std::printf("  gateway CPU: unknown (no --gateway-pid and no listener found for port %d)\n", opt_.port);
  }
  std::printf("  otc-bench: CPU %.2f s (%.0f%% of one core), %.1f us per %s\n", bench_cpu_s,
              100.0 * bench_cpu_s / window_s, per_unit_self, unit);
  // Other processes share the cores too (builds, tests): shown so that a noisy run is visible.
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  const double busy_cores = machine_busy * static_cast<double>(cores);
  const double others = std::max(0.0, busy_cores - (std::max(0.0, gw_cpu_s) + bench_cpu_s) / window_s);
  std::printf("  machine: %ld cores, %.0f%% busy = %.2f cores: gateway %.2f, otc-bench %.2f, other processes %.2f\n",
              cores, 100.0 * machine_busy, busy_cores, std::max(0.0, gw_cpu_s) / window_s, bench_cpu_s / window_s,
              others);

  std::string line = "RESULT mode=" + opt_.mode_name + " sessions=" + std::to_string(opt_.sessions) +
                     " rate=" + std::to_string(static_cast<long>(opt_.rate)) +
                     " window=" + std::to_string(opt_.rate > 0 && opt_.window == 0 ? 0 : window_);
  char buf[256];
  std::snprintf(buf, sizeof buf, " seconds=%g", window_s);
  line += buf;
  if (opt_.mode == Mode::kRfq) {
    line += result_fields("quote", p_first, window_s);
  } else if (opt_.mode == Mode::kOrders) {
    line += result_fields("ack", p_first, window_s) + result_fields("fill", p_fill, window_s);
  } else {
    line += result_fields("quote", p_first, window_s) + result_fields("ack", p_ack, window_s) +
            result_fields("fill", p_fill, window_s);
  }
  std::snprintf(buf, sizeof buf,
                " gw_cpu_s=%.2f gw_cpu_us_per_%s=%.1f bench_cpu_s=%.2f bench_cpu_us_per_%s=%.1f machine_busy_pct=%.0f",
                gw_cpu_s, opt_.mode == Mode::kRfq ? "rfq" : opt_.mode == Mode::kOrders ? "order" : "trip", per_unit_gw,
                bench_cpu_s, opt_.mode == Mode::kRfq ? "rfq" : opt_.mode == Mode::kOrders ? "order" : "trip",
                per_unit_self, 100.0 * machine_busy);
  line += buf;
  line += " errors=" + std::to_string(errors_.load()) + " unmatched=" + std::to_string(unmatched) +
          " skipped=" + std::to_string(skipped_.load()) + " lost_sessions=" + std::to_string(lost);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"otc-bench: load generator for a running otcgw (FIX 4.4 over loopback)"};
  Options opt;
  app.add_option("--host", opt.host, "gateway address")->capture_default_str();
  app.add_option("--port", opt.port, "gateway port")->capture_default_str();
  app.add_option("--sessions", opt.sessions, "client sessions: the first N of --credentials (1..99)")
      ->capture_default_str();
  app.add_option("--mode", opt.mode_name, "rfq | rfq-trade | orders")->capture_default_str();
  app.add_option("--rate", opt.rate,
                 "requests (RFQs or orders) per second across all sessions, open loop; 0 = closed loop")
      ->capture_default_str();
  app.add_option("--window", opt.window,
                 "most outstanding requests per session (closed loop: kept in flight, default 1; "
                 "open loop: beyond it a request is skipped, default unlimited)")
      ->capture_default_str();
  app.add_option("--seconds", opt.seconds, "measured window (0.1..3600)")->capture_default_str();
  app.add_option("--warmup-seconds", opt.warmup_seconds, "load before the window, not sampled (0..600)")
      ->capture_default_str();
  app.add_option("--drain-seconds", opt.drain_seconds, "after the window, give up after this long without a reply")
      ->capture_default_str();
  app.add_option("--symbol", opt.symbol)->capture_default_str();
  app.add_option("--qty", opt.qty, "quantity, exact decimal text")->capture_default_str();
  app.add_option("--gateway-pid", opt.gateway_pid,
                 "gateway process for CPU figures (default: the process listening on --port)");
  app.add_option("--credentials", opt.credentials,
                 "[ID] password = \"...\" (username = \"...\", default the id in lower case), as "
                 "conf/bench/bench-credentials.toml")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (opt.mode_name == "rfq") opt.mode = Mode::kRfq;
  else if (opt.mode_name == "rfq-trade") opt.mode = Mode::kRfqTrade;
  else if (opt.mode_name == "orders") opt.mode = Mode::kOrders;
  else {
    std::fprintf(stderr, "otc-bench: --mode must be rfq, rfq-trade or orders\n");
    return 2;
  }
  if (opt.sessions < 1 || opt.sessions > kSessionsMax || opt.rate < 0 || opt.rate > 1e6 || opt.window < 0 ||
      opt.window > 100000 || opt.seconds < 0.1 || opt.seconds > 3600 || opt.warmup_seconds < 0 ||
      opt.warmup_seconds > 600 || opt.drain_seconds < 0.1 || opt.drain_seconds > 600 || opt.port < 1 ||
      opt.port > 65535) {
    std::fprintf(stderr,
                 "otc-bench: out of range: --sessions 1..99, --rate 0..1e6, --window 0..100000, --seconds 0.1..3600, "
                 "--warmup-seconds 0..600, --drain-seconds 0.1..600, --port 1..65535\n");
    return 2;
  }
  std::vector<Credential> creds;
  std::string error;
  if (!read_credentials(opt.credentials, &creds, &error)) {
    std::fprintf(stderr, "otc-bench: %s\n", error.c_str());
    return 2;
  }
  if (static_cast<int>(creds.size()) < opt.sessions) {
    std::fprintf(stderr, "otc-bench: --sessions %d but %s has %zu clients\n", opt.sessions, opt.credentials.c_str(),
                 creds.size());
    return 2;
  }
  creds.resize(static_cast<size_t>(opt.sessions));
  Bench bench(opt, creds);
  return bench.run();
}
