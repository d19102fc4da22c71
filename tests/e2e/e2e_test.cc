// End-to-end: the real otcgw binary on a run-time port, real QuickFIX initiators
// validating every reply against our data dictionary, and the SQLite journal read back.
// Walks logon (good and bad), quote, trade on the quote, and every reject of the spine.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <quickfix/fix44/MarketDataRequest.h>
#include <quickfix/fix44/MarketDataSnapshotFullRefresh.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/Quote.h>
#include <quickfix/fix44/QuoteCancel.h>
#include <quickfix/fix44/QuoteRequest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "tests/e2e/gateway_process.h"
#include "tools/fix_client.h"

using otc::e2e::GatewayProcess;
using otc::fixclient::ClientConfig;
using otc::fixclient::FixClient;
using otc::fixclient::field;
using otc::fixclient::msg_type;
using otc::fixclient::utc_now_fix;

namespace {

constexpr int kWaitMs = 5000;
const std::string kDictionary = std::string(OTC_SOURCE_DIR) + "/fix-specs/FIX44.xml";

GatewayProcess& gateway() {
  static std::unique_ptr<GatewayProcess> gw;
  if (!gw) {
    gw.reset(new GatewayProcess(OTC_GATEWAY_BIN, std::string(OTC_SOURCE_DIR) + "/tests/e2e/otcgw-e2e.toml"));
    std::string error;
    const bool started = gw->start(&error);
    INFO(error);
    REQUIRE(started);
  }
  return *gw;
}

struct Login {
  const char* comp_id;
  const char* username;
  const char* password;
};
const Login kAcme{"ACME", "acme", "acme-demo-2026"};
const Login kBeta{"BETA", "beta", "beta-demo-2026"};
const Login kGamma{"GAMMA", "gamma", "gamma-demo-2026"};

ClientConfig config_for(const Login& l) {
  ClientConfig c;
  c.port = gateway().port();
  c.sender_comp_id = l.comp_id;
  c.username = l.username;
  c.password = l.password;
  c.data_dictionary = kDictionary;  // every reply must pass strict FIX 4.4 validation
  return c;
}

std::unique_ptr<FixClient> logon(const Login& l) {
  std::unique_ptr<FixClient> c(new FixClient(config_for(l)));
  std::string error;
  REQUIRE(c->start(&error));
  const bool ok = c->wait_logon(kWaitMs);
  if (!ok) {
    for (const auto& e : c->events()) UNSCOPED_INFO(e);
  }
  REQUIRE(ok);
  return c;
}

// Logs on with `cfg` expecting a refusal; returns the Logout's Text.
std::string refused_logon(const ClientConfig& cfg) {
  FixClient c(cfg);
  std::string error;
  REQUIRE(c.start(&error));
  std::string text;
  REQUIRE(c.wait_logout(kWaitMs, &text));
  REQUIRE_FALSE(c.logged_on());
  c.stop();
  return text;
}

FIX::Message expect_any(FixClient& c) {
  FIX::Message m;
  const bool got = c.next(kWaitMs, &m);
  REQUIRE(got);
  return m;
}

FIX::Message expect(FixClient& c, const std::string& type) {
  FIX::Message m;
  const bool got = c.next(kWaitMs, &m);
  REQUIRE(got);
  INFO("received: " << m.toString());
  REQUIRE(msg_type(m) == type);
  return m;
}

int g_ids = 0;
std::string next_id(const char* prefix) { return prefix + std::to_string(++g_ids); }

// Sends a QuoteRequest; `side` 0 = two-way; `qty` "" = absent.
std::string send_quote_request(FixClient& c, const std::string& symbol, char side, const std::string& qty,
                               const char* quote_type = "1") {
  FIX44::QuoteRequest r;
  const std::string id = next_id("R");
  r.setField(131, id);
  FIX44::QuoteRequest::NoRelatedSym g;
  g.setField(55, symbol);
  if (side != 0) g.setField(54, std::string(1, side));
  if (!qty.empty()) g.setField(38, qty);
  if (quote_type != nullptr) g.setField(537, quote_type);
  r.addGroup(g);
  REQUIRE(c.send(r));
  return id;
}

struct QuoteSeen {
  std::string quote_id;
  std::string bid;
  std::string offer;
  std::string valid_until;
};

QuoteSeen get_quote(FixClient& c, const std::string& symbol, char side, const std::string& qty) {
  const std::string req = send_quote_request(c, symbol, side, qty);
  FIX::Message q = expect(c, "S");
  CHECK(field(q, 131) == req);
  CHECK(field(q, 537) == "1");
  CHECK(field(q, 55) == symbol);
  return QuoteSeen{field(q, 117), field(q, 132), field(q, 133), field(q, 62)};
}

std::string send_order(FixClient& c, const std::string& cl_ord_id, const std::string& symbol, char side,
                       const std::string& qty, const std::string& price, const std::string& quote_id,
                       const char* ord_type = "D") {
  FIX44::NewOrderSingle o;
  o.setField(11, cl_ord_id);
  o.setField(55, symbol);
  o.setField(54, std::string(1, side));
  o.setField(60, utc_now_fix());
  if (!qty.empty()) o.setField(38, qty);
  o.setField(40, ord_type);
  if (!price.empty()) o.setField(44, price);
  if (!quote_id.empty()) o.setField(117, quote_id);
  REQUIRE(c.send(o));
  return cl_ord_id;
}

// Expects the quote request to be refused with 658=`reason` and our code in Text.
void expect_quote_reject(FixClient& c, const std::string& req_id, int reason, const std::string& code) {
  FIX::Message m = expect(c, "AG");
  CHECK(field(m, 131) == req_id);
  CHECK(field(m, 658) == std::to_string(reason));
  INFO("Text: " << field(m, 58));
  CHECK(field(m, 58).find(code) == 0);
}

// Expects an ExecutionReport rejecting `cl_ord_id` with 103=`reason` and our code.
void expect_order_reject(FixClient& c, const std::string& cl_ord_id, int reason, const std::string& code) {
  FIX::Message m = expect(c, "8");
  CHECK(field(m, 11) == cl_ord_id);
  CHECK(field(m, 150) == "8");
  CHECK(field(m, 39) == "8");
  CHECK(field(m, 103) == std::to_string(reason));
  CHECK(field(m, 14) == "0");
  CHECK(field(m, 151) == "0");
  CHECK(field(m, 37).substr(0, 1) == "O");
  CHECK(field(m, 37) != cl_ord_id);
  INFO("Text: " << field(m, 58));
  CHECK(field(m, 58).find(code) == 0);
}

struct Fill {
  std::string exec_id;
  std::string order_id;
  std::string client;
  std::string symbol;
  std::string side;
  std::string qty;
  std::string px;
};
std::vector<Fill> g_fills;          // every fill a client was told about
std::set<std::string> g_exec_ids;   // every ExecID seen, to prove uniqueness

void note_exec_id(const std::string& e) {
  INFO("ExecID " << e);
  CHECK(g_exec_ids.insert(e).second);
}

// Trades `qty` of `symbol` on a fresh quote and checks the ack and the fill.
Fill trade(FixClient& c, const char* client, const std::string& symbol, char side, const std::string& qty) {
  const QuoteSeen q = get_quote(c, symbol, side, qty);
  const std::string px = side == '1' ? q.offer : q.bid;
  REQUIRE_FALSE(px.empty());
  const std::string cl = send_order(c, next_id("C"), symbol, side, qty, px, q.quote_id);
  FIX::Message ack = expect(c, "8");
  CHECK(field(ack, 150) == "0");
  CHECK(field(ack, 39) == "0");
  CHECK(field(ack, 11) == cl);
  CHECK(field(ack, 151) == qty);
  CHECK(field(ack, 14) == "0");
  note_exec_id(field(ack, 17));
  FIX::Message f = expect(c, "8");
  CHECK(field(f, 150) == "F");
  CHECK(field(f, 39) == "2");
  CHECK(field(f, 11) == cl);
  CHECK(field(f, 31) == px);
  CHECK(field(f, 32) == qty);
  CHECK(field(f, 14) == qty);
  CHECK(field(f, 151) == "0");
  CHECK(field(f, 6) == px);
  CHECK(field(f, 37) == field(ack, 37));
  CHECK(field(f, 37) != cl);
  note_exec_id(field(f, 17));
  Fill fill{field(f, 17), field(f, 37), client, symbol, side == '1' ? "buy" : "sell", qty, px};
  g_fills.push_back(fill);
  return fill;
}

}  // namespace

TEST_CASE("logon: good credentials log on; bad ones get a Logout with Text and no session", "[e2e]") {
  auto acme = logon(kAcme);
  CHECK(acme->logged_on());
  acme->stop();

  ClientConfig wrong = config_for(kBeta);
  wrong.password = "not-the-password";
  CHECK(refused_logon(wrong).find("invalid Username(553) or Password(554)") != std::string::npos);

  ClientConfig wrong_user = config_for(kBeta);
  wrong_user.username = "acme";
  CHECK(refused_logon(wrong_user).find("invalid Username(553) or Password(554)") != std::string::npos);

  ClientConfig unknown = config_for(kBeta);
  unknown.sender_comp_id = "NOBODY";
  CHECK(refused_logon(unknown).find("unknown SenderCompID 'NOBODY'") != std::string::npos);

  ClientConfig no_password = config_for(kBeta);
  no_password.send_password = false;
  CHECK(refused_logon(no_password).find("Password(554) is required") != std::string::npos);

  ClientConfig no_user = config_for(kBeta);
  no_user.send_username = false;
  CHECK(refused_logon(no_user).find("Username(553) is required") != std::string::npos);

  // After all that, the real BETA still logs on (nothing was locked or left registered).
  auto beta = logon(kBeta);
  CHECK(beta->logged_on());
}

TEST_CASE("quote, trade on the quote, every reject, and the journal agrees", "[e2e]") {
  g_fills.clear();  // the journal of this gateway must hold exactly the fills of this walk
  g_exec_ids.clear();
  auto acme = logon(kAcme);
  auto beta = logon(kBeta);
  auto gamma = logon(kGamma);

  // --- A one-sided firm quote: a buyer gets the offer only.
  const std::string req = send_quote_request(*acme, "BTC/USD", '1', "0.5");
  FIX::Message q = expect(*acme, "S");
  CHECK(field(q, 131) == req);
  CHECK(field(q, 537) == "1");
  CHECK(field(q, 117).substr(0, 1) == "Q");
  CHECK(field(q, 132).empty());
  CHECK_FALSE(field(q, 133).empty());
  CHECK(field(q, 135) == "0.5");
  CHECK(std::regex_match(field(q, 62), std::regex(R"(\d{8}-\d\d:\d\d:\d\d\.\d{3})")));
  CHECK(field(q, 62) > utc_now_fix());

  // --- Two-way when Side is absent.
  const QuoteSeen two_way = get_quote(*acme, "ETH/BTC", 0, "1.5");
  CHECK_FALSE(two_way.bid.empty());
  CHECK_FALSE(two_way.offer.empty());
  CHECK(two_way.bid < two_way.offer);

  // --- Trade on the first quote.
  const std::string offer = field(q, 133);
  const std::string quote_id = field(q, 117);
  const std::string first_cl = send_order(*acme, next_id("C"), "BTC/USD", '1', "0.5", offer, quote_id);
  FIX::Message ack = expect(*acme, "8");
  CHECK(field(ack, 150) == "0");
  CHECK(field(ack, 39) == "0");
  note_exec_id(field(ack, 17));
  FIX::Message fill = expect(*acme, "8");
  CHECK(field(fill, 150) == "F");
  CHECK(field(fill, 39) == "2");
  CHECK(field(fill, 31) == offer);
  CHECK(field(fill, 32) == "0.5");
  CHECK(field(fill, 14) == "0.5");
  CHECK(field(fill, 151) == "0");
  CHECK(field(fill, 6) == offer);
  CHECK(field(fill, 11) == first_cl);
  CHECK(field(fill, 37).substr(0, 1) == "O");
  CHECK(field(fill, 37) != first_cl);
  note_exec_id(field(fill, 17));
  g_fills.push_back(Fill{field(fill, 17), field(fill, 37), "ACME", "BTC/USD", "buy", "0.5", offer});

  // More trades: sells, other instruments, another client, the two-way quote.
  trade(*acme, "ACME", "BTC/USD", '2', "0.25");
  trade(*acme, "ACME", "ETH/USD", '1', "3.5");
  trade(*beta, "BETA", "BTC/USD", '2', "1.2");
  const std::string two_way_cl = send_order(*acme, next_id("C"), "ETH/BTC", '2', "1.5", two_way.bid, two_way.quote_id);
  FIX::Message tw_ack = expect(*acme, "8");
  CHECK(field(tw_ack, 150) == "0");
  note_exec_id(field(tw_ack, 17));
  FIX::Message tw_fill = expect(*acme, "8");
  CHECK(field(tw_fill, 150) == "F");
  CHECK(field(tw_fill, 31) == two_way.bid);
  CHECK(field(tw_fill, 11) == two_way_cl);
  note_exec_id(field(tw_fill, 17));
  g_fills.push_back(Fill{field(tw_fill, 17), field(tw_fill, 37), "ACME", "ETH/BTC", "sell", "1.5", two_way.bid});

  // --- QuoteRequest rejects: QuoteRequestReject(AG) with 658 and our code in Text.
  expect_quote_reject(*acme, send_quote_request(*acme, "DOGE/USD", '1', "1"), 1, "1001 unknown_instrument");
  expect_quote_reject(*acme, send_quote_request(*acme, "BTC/USD", '1', "0"), 99, "1002 qty_zero");
  expect_quote_reject(*acme, send_quote_request(*acme, "BTC/USD", '1', "-1"), 99, "1003 qty_negative");
  expect_quote_reject(*acme, send_quote_request(*acme, "BTC/USD", '1', "0.0005"), 99, "1004 qty_below_min");
  expect_quote_reject(*acme, send_quote_request(*acme, "BTC/USD", '1', "50.0001"), 3, "1005 qty_above_max");
  expect_quote_reject(*acme, send_quote_request(*acme, "BTC/USD", '1', "0.00105"), 99, "1006 qty_off_lot");
  expect_quote_reject(*acme, send_quote_request(*acme, "BTC/USD", '1', "0.000000001"), 99, "1006 qty_off_lot");
  expect_quote_reject(*acme, send_quote_request(*acme, "BTC/USD", '1', ""), 99, "1014 missing_field");
  expect_quote_reject(*acme, send_quote_request(*acme, "BTC/USD", '1', "1", "2"), 99, "1013 unsupported_quote_type");
  expect_quote_reject(*acme, send_quote_request(*acme, "BTC/USD", '1', "1", "x"), 99, "1013 unsupported_quote_type");

  // --- Order rejects: ExecutionReport OrdStatus=8 with 103 and our code in Text.
  const QuoteSeen live = get_quote(*acme, "BTC/USD", '1', "1");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "DOGE/USD", '1', "1", live.offer, live.quote_id), 1,
                      "1001 unknown_instrument");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "0", live.offer, live.quote_id), 13,
                      "1002 qty_zero");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "-2", live.offer, live.quote_id), 13,
                      "1003 qty_negative");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "0.0002", live.offer, live.quote_id),
                      13, "1004 qty_below_min");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "51", live.offer, live.quote_id), 3,
                      "1005 qty_above_max");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "1.00001", live.offer, live.quote_id),
                      13, "1006 qty_off_lot");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "1", "65000.005", live.quote_id), 99,
                      "1008 price_off_tick");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "1", live.offer, "Q999999"), 99,
                      "3001 unknown_quote");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "1", live.offer, "not-a-quote"), 99,
                      "3001 unknown_quote");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '2', "1", live.offer, live.quote_id), 99,
                      "3005 quote_side_mismatch");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "0.9", live.offer, live.quote_id), 13,
                      "3006 quote_qty_mismatch");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "1", "1.00", live.quote_id), 99,
                      "3007 quote_price_mismatch");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "ETH/USD", '1', "1", live.offer, live.quote_id), 99,
                      "3008 quote_instrument_mismatch");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "1", live.offer, live.quote_id, "3"), 11,
                      "1012 unsupported_ord_type");  // 3 = stop: not offered
  // Quote already executed (the first one) with a fresh ClOrdID.
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "0.5", offer, quote_id), 99,
                      "3004 quote_already_executed");
  // QuoteID of another client.
  const QuoteSeen betas = get_quote(*beta, "BTC/USD", '1', "0.1");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "0.1", betas.offer, betas.quote_id), 99,
                      "3002 quote_of_other_client");
  // Expired quote: BETA's tier has a 400 ms TTL; wait until its ValidUntilTime is past.
  const auto wait_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (utc_now_fix() <= betas.valid_until && std::chrono::steady_clock::now() < wait_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  expect_order_reject(*beta, send_order(*beta, next_id("C"), "BTC/USD", '1', "0.1", betas.offer, betas.quote_id), 99,
                      "3003 quote_expired");
  // Insufficient funds: GAMMA has no balances; buying needs USD, selling needs BTC.
  const QuoteSeen g_buy = get_quote(*gamma, "BTC/USD", '1', "0.01");
  expect_order_reject(*gamma, send_order(*gamma, next_id("C"), "BTC/USD", '1', "0.01", g_buy.offer, g_buy.quote_id),
                      99, "2001 insufficient_funds");
  const QuoteSeen g_sell = get_quote(*gamma, "BTC/USD", '2', "0.01");
  expect_order_reject(*gamma, send_order(*gamma, next_id("C"), "BTC/USD", '2', "0.01", g_sell.bid, g_sell.quote_id),
                      99, "2001 insufficient_funds");
  // Duplicate ClOrdID: the first order's ClOrdID again, on a valid live quote.
  expect_order_reject(*acme, send_order(*acme, first_cl, "BTC/USD", '1', "1", live.offer, live.quote_id), 6,
                      "1015 duplicate_cl_ord_id");
  // The live quote was not consumed by any of those rejects: it still trades.
  const std::string live_cl = send_order(*acme, next_id("C"), "BTC/USD", '1', "1", live.offer, live.quote_id);
  FIX::Message live_ack = expect(*acme, "8");
  CHECK(field(live_ack, 150) == "0");
  note_exec_id(field(live_ack, 17));
  FIX::Message live_fill = expect(*acme, "8");
  CHECK(field(live_fill, 150) == "F");
  CHECK(field(live_fill, 11) == live_cl);
  note_exec_id(field(live_fill, 17));
  g_fills.push_back(Fill{field(live_fill, 17), field(live_fill, 37), "ACME", "BTC/USD", "buy", "1", live.offer});

  // --- No business message fits: a client sending us a Quote gets BusinessMessageReject.
  FIX44::Quote stray;
  stray.setField(117, "X1");
  stray.setField(55, "BTC/USD");
  REQUIRE(acme->send(stray));
  FIX::Message bmr = expect(*acme, "j");
  CHECK(field(bmr, 372) == "S");
  CHECK(field(bmr, 380) == "3");

  // Nothing else arrived that we did not expect.
  FIX::Message extra;
  CHECK_FALSE(acme->next(200, &extra));
  CHECK_FALSE(beta->next(50, &extra));
  CHECK_FALSE(gamma->next(50, &extra));

  // --- The journal holds exactly the trades the clients were told about, balanced.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(gateway().journal_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::map<std::string, Fill> journal_trades;
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT 'E' || exec_id, 'O' || order_id, client, instrument, side, qty_text, price_text,"
                             " seq, qty, notional, fee FROM trades ORDER BY exec_id",
                             -1, &st, nullptr) == SQLITE_OK);
  std::vector<std::pair<long long, std::vector<long long>>> trade_amounts;  // seq -> qty, notional, fee
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto col = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i))); };
    journal_trades[col(0)] = Fill{col(0), col(1), col(2), col(3), col(4), col(5), col(6)};
    trade_amounts.push_back({sqlite3_column_int64(st, 7),
                             {sqlite3_column_int64(st, 8), sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 10)}});
  }
  sqlite3_finalize(st);
  REQUIRE(journal_trades.size() == g_fills.size());
  for (const Fill& f : g_fills) {
    INFO("fill " << f.exec_id);
    REQUIRE(journal_trades.count(f.exec_id) == 1);
    const Fill& j = journal_trades[f.exec_id];
    CHECK(j.order_id == f.order_id);
    CHECK(j.client == f.client);
    CHECK(j.symbol == f.symbol);
    CHECK(j.side == f.side);
    CHECK(j.qty == f.qty);
    CHECK(j.px == f.px);
  }
  // Each trade's transfers: base leg = qty, quote leg = notional, fee leg = fee.
  for (const auto& t : trade_amounts) {
    sqlite3_stmt* tr = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT amount FROM transfers WHERE seq = ? ORDER BY id", -1, &tr, nullptr) ==
            SQLITE_OK);
    sqlite3_bind_int64(tr, 1, t.first);
    std::vector<long long> amounts;
    while (sqlite3_step(tr) == SQLITE_ROW) amounts.push_back(sqlite3_column_int64(tr, 0));
    sqlite3_finalize(tr);
    // The fill pays out of the order's hold, which held exactly this notional and fee
    // (a quoted order's price is known), so there is no release leg.
    std::vector<long long> want = {t.second[0], t.second[1]};
    if (t.second[2] > 0) want.push_back(t.second[2]);
    std::sort(amounts.begin(), amounts.end());
    std::sort(want.begin(), want.end());
    CHECK(amounts == want);
  }
  // Every asset nets to zero; no client balance is negative; rejected orders moved nothing.
  REQUIRE(sqlite3_prepare_v2(db, "SELECT asset, SUM(balance) FROM balances GROUP BY asset", -1, &st, nullptr) ==
          SQLITE_OK);
  int assets = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    INFO("asset " << sqlite3_column_text(st, 0));
    CHECK(sqlite3_column_int64(st, 1) == 0);
    ++assets;
  }
  sqlite3_finalize(st);
  CHECK(assets >= 7);
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT COUNT(*) FROM balances WHERE purpose_name = 'client_available' AND balance < 0",
                             -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(st, 0) == 0);
  sqlite3_finalize(st);
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT COUNT(*) FROM transfers t JOIN journal j ON j.seq = t.seq"
                             " WHERE j.kind_name NOT IN ('fill', 'deposit', 'order_accepted')",
                             -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(st, 0) == 0);
  sqlite3_finalize(st);
  // No order is open: every hold was consumed by its fill (or never taken).
  REQUIRE(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM balances WHERE purpose_name = 'client_held' AND balance != 0",
                             -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(st, 0) == 0);
  sqlite3_finalize(st);
  // GAMMA never traded: its balances are all zero.
  REQUIRE(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM balances WHERE owner = 'GAMMA' AND balance != 0", -1, &st,
                             nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(st, 0) == 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_CASE("restart: balances, ids and ClOrdIDs continue from the journal", "[e2e][restart]") {
  char tmpl[] = "/tmp/otc-e2e-restart-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  const std::string config = std::string(OTC_SOURCE_DIR) + "/tests/e2e/otcgw-e2e.toml";
  g_exec_ids.clear();  // a gateway of its own: ExecIDs must be unique across its two lives
  auto start = [&](std::unique_ptr<GatewayProcess>* gw) {
    gw->reset(new GatewayProcess(OTC_GATEWAY_BIN, config, dir));
    std::string error;
    const bool ok = (*gw)->start(&error);
    INFO(error);
    REQUIRE(ok);
  };
  auto client_on = [&](GatewayProcess& gw) {
    ClientConfig c = config_for(kBeta);
    c.port = gw.port();
    std::unique_ptr<FixClient> fc(new FixClient(c));
    std::string error;
    REQUIRE(fc->start(&error));
    REQUIRE(fc->wait_logon(kWaitMs));
    return fc;
  };
  auto count = [&](const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2((dir + "/otcgw.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  };

  std::unique_ptr<GatewayProcess> gw;
  start(&gw);
  std::string first_exec;
  {
    auto beta = client_on(*gw);
    first_exec = trade(*beta, "BETA", "BTC/USD", '1', "0.1").exec_id;
    send_order(*beta, "RESTART-1", "BTC/USD", '1', "0.1", "1", "Q999999");
    expect_order_reject(*beta, "RESTART-1", 99, "3001 unknown_quote");
    beta->stop();
  }
  gw->stop();
  const long long usd_before = count("SELECT balance FROM balances WHERE owner='BETA' AND asset='USD'");
  const long long deposits = count("SELECT COUNT(*) FROM journal WHERE kind_name='deposit'");

  start(&gw);
  {
    auto beta = client_on(*gw);
    // The ClOrdID used before the restart is still known.
    const QuoteSeen q = get_quote(*beta, "BTC/USD", '1', "0.1");
    expect_order_reject(*beta, send_order(*beta, "RESTART-1", "BTC/USD", '1', "0.1", q.offer, q.quote_id), 6,
                        "1015 duplicate_cl_ord_id");
    const Fill f = trade(*beta, "BETA", "BTC/USD", '1', "0.1");
    CHECK(f.exec_id != first_exec);
    beta->stop();
  }
  gw->stop();
  // Demo funding happened once, on the new journal only; the balance moved only by trades.
  CHECK(count("SELECT COUNT(*) FROM journal WHERE kind_name='deposit'") == deposits);
  CHECK(count("SELECT balance FROM balances WHERE owner='BETA' AND asset='USD'") < usd_before);
  CHECK(count("SELECT COUNT(*) FROM trades") == 2);
  CHECK(count("SELECT COUNT(DISTINCT exec_id) FROM journal WHERE exec_id IS NOT NULL") ==
        count("SELECT COUNT(*) FROM journal WHERE exec_id IS NOT NULL"));
  CHECK(count("SELECT SUM(balance) FROM balances WHERE asset='USD'") == 0);
  gw.reset();
  const std::string rm = "rm -rf '" + dir + "'";
  CHECK(std::system(rm.c_str()) == 0);
}

namespace {

// A raw TCP connection to the gateway, for input no FIX engine would send.
class RawConnection {
 public:
  explicit RawConnection(int port, int rcvbuf_bytes = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf_bytes > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool send(const std::string& s) { return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()); }
  // Reads until the peer closes or `timeout_ms` passes; returns what arrived.
  std::string read_until_closed(int timeout_ms, bool* closed) {
    std::string out;
    *closed = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        *closed = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

std::string fix_message(const std::string& body_fields, const std::string& msg_type, const std::string& sender) {
  std::string body = "35=" + msg_type + "\00149=" + sender + "\00156=OTCGW\00134=1\00152=" + utc_now_fix() + "\001" +
                     body_fields;
  std::string m = "8=FIX.4.4\0019=" + std::to_string(body.size()) + "\001" + body;
  unsigned sum = 0;
  for (unsigned char c : m) sum += c;
  char cs[8];
  std::snprintf(cs, sizeof cs, "%03u", sum % 256);
  return m + "10=" + cs + "\001";
}

}  // namespace

TEST_CASE("hostile input: garbage, oversized and unknown logons are refused, the gateway keeps serving",
          "[e2e][robustness]") {
  const int port = gateway().port();
  bool closed = false;
  {
    RawConnection c(port);
    REQUIRE(c.connected());
    REQUIRE(c.send("this is not FIX at all\r\n\x01\x02\x03 8=FIX.4.4\0019=abc\001"));
    c.read_until_closed(12000, &closed);
    CHECK(closed);  // dropped (no Logon ever came), not crashed
  }
  {
    RawConnection c(port);
    REQUIRE(c.connected());
    const std::string logon = fix_message("98=0\001108=30\001553=x\001554=y\001", "A", "INTRUDER");
    REQUIRE(c.send(logon));
    const std::string reply = c.read_until_closed(5000, &closed);
    CHECK(closed);
    CHECK(reply.find("35=5\001") != std::string::npos);
    CHECK(reply.find("58=Logon rejected: unknown SenderCompID 'INTRUDER'") != std::string::npos);
    CHECK(reply.find("56=INTRUDER\001") != std::string::npos);
  }
  {
    // A second connection for a session that is logged on is refused with a reason.
    auto acme = logon(kAcme);
    RawConnection c(port);
    REQUIRE(c.connected());
    REQUIRE(c.send(fix_message("98=0\001108=30\001553=acme\001554=acme-demo-2026\001", "A", "ACME")));
    const std::string reply = c.read_until_closed(5000, &closed);
    CHECK(closed);
    CHECK(reply.find("already logged on") != std::string::npos);
    CHECK(acme->logged_on());
    // The first session is unaffected and still trades.
    const QuoteSeen q = get_quote(*acme, "ETH/USD", '1', "1");
    CHECK_FALSE(q.offer.empty());
  }
  {
    // A refused Logon never reaches the session: its sequence numbers and stored messages
    // stay as they were even when the Logon asks for a reset (141=Y).
    const std::string seqnums = gateway().state_dir() + "/fix/store/FIX.4.4-OTCGW-ACME.seqnums";
    auto read_file = [](const std::string& path) {
      std::ifstream f(path);
      std::stringstream ss;
      ss << f.rdbuf();
      return ss.str();
    };
    const std::string before = read_file(seqnums);
    REQUIRE_FALSE(before.empty());
    RawConnection c(port);
    REQUIRE(c.connected());
    REQUIRE(c.send(fix_message("98=0\001108=30\001141=Y\001553=acme\001554=wrong\001", "A", "ACME")));
    const std::string reply = c.read_until_closed(5000, &closed);
    CHECK(closed);
    CHECK(reply.find("58=Logon rejected: invalid Username(553) or Password(554)") != std::string::npos);
    CHECK(read_file(seqnums) == before);
  }
  {
    // A never-ending message is cut off at the parser bound.
    RawConnection c(port);
    REQUIRE(c.connected());
    std::string big = "8=FIX.4.4\0019=99999999\00135=A\001";
    big += std::string(1 << 16, 'x');
    for (int i = 0; i < 20 && c.send(big); ++i) {
    }
    c.read_until_closed(5000, &closed);
    CHECK(closed);
  }
  // After all of it a normal client logs on and gets quotes.
  auto beta = logon(kBeta);
  const QuoteSeen q = get_quote(*beta, "BTC/USD", '2', "0.1");
  CHECK_FALSE(q.bid.empty());
}

namespace {

void send_quote_cancel(FixClient& c, const std::string& quote_id, const char* cancel_type) {
  FIX44::QuoteCancel m;
  m.setField(117, quote_id);
  m.setField(298, cancel_type);
  REQUIRE(c.send(m));
}

// Sends a QuoteRequest with ExpireTime(126) `expire` in the group.
std::string send_quote_request_until(FixClient& c, const std::string& symbol, char side, const std::string& qty,
                                     const char* quote_type, const std::string& expire) {
  FIX44::QuoteRequest r;
  const std::string id = next_id("R");
  r.setField(131, id);
  FIX44::QuoteRequest::NoRelatedSym g;
  g.setField(55, symbol);
  g.setField(54, std::string(1, side));
  g.setField(38, qty);
  g.setField(537, quote_type);
  g.setField(126, expire);
  r.addGroup(g);
  REQUIRE(c.send(r));
  return id;
}

}  // namespace

TEST_CASE("desk quoting: indicative quotes, requested quote life, QuoteCancel", "[e2e][quoting]") {
  auto acme = logon(kAcme);

  // Indicative (QuoteType 0): marked so, and never executable.
  const std::string ind_req = send_quote_request(*acme, "ETH/USD", '1', "2", "0");
  FIX::Message ind = expect(*acme, "S");
  CHECK(field(ind, 131) == ind_req);
  CHECK(field(ind, 537) == "0");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "ETH/USD", '1', "2", field(ind, 133), field(ind, 117)),
                      99, "3011 quote_indicative");
  // Absent QuoteType is indicative too (FIX 4.4 default).
  send_quote_request(*acme, "ETH/USD", '1', "2", nullptr);
  CHECK(field(expect(*acme, "S"), 537) == "0");

  // ExpireTime inside the tier's bounds: ValidUntilTime is exactly what was asked.
  const std::string until = otc::fixclient::utc_fix_time_in(20000);
  const std::string r1 = send_quote_request_until(*acme, "BTC/USD", '1', "0.2", "1", until);
  FIX::Message q1 = expect(*acme, "S");
  CHECK(field(q1, 131) == r1);
  CHECK(field(q1, 62) == until);
  // Too long (gold allows 60 s), in the past, not a timestamp.
  expect_quote_reject(*acme, send_quote_request_until(*acme, "BTC/USD", '1', "0.2", "1", otc::fixclient::utc_fix_time_in(3600000)), 99,
                      "3012 quote_ttl_out_of_range");
  expect_quote_reject(*acme, send_quote_request_until(*acme, "BTC/USD", '1', "0.2", "1", otc::fixclient::utc_fix_time_in(-5000)), 99,
                      "3012 quote_ttl_out_of_range");
  expect_quote_reject(*acme, send_quote_request_until(*acme, "BTC/USD", '1', "0.2", "1", "tomorrow"), 99,
                      "3012 quote_ttl_out_of_range");

  // QuoteCancel of one quote: QuoteStatusReport 297=1; the quote no longer trades.
  send_quote_cancel(*acme, field(q1, 117), "1");
  FIX::Message st = expect(*acme, "AI");
  CHECK(field(st, 117) == field(q1, 117));
  CHECK(field(st, 297) == "1");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "0.2", field(q1, 133), field(q1, 117)),
                      99, "3013 quote_canceled");
  // Canceling it again, or a quote that never existed: 297=9 (not found) with the reason.
  send_quote_cancel(*acme, field(q1, 117), "1");
  FIX::Message again = expect(*acme, "AI");
  CHECK(field(again, 297) == "9");
  CHECK(field(again, 58).find("3013 quote_canceled") == 0);
  send_quote_cancel(*acme, "Q987654321", "1");
  FIX::Message unknown = expect(*acme, "AI");
  CHECK(field(unknown, 297) == "9");
  CHECK(field(unknown, 58).find("3001 unknown_quote") == 0);
  // Unsupported cancel type: 297=5 (rejected).
  send_quote_cancel(*acme, field(q1, 117), "2");
  FIX::Message bad_type = expect(*acme, "AI");
  CHECK(field(bad_type, 297) == "5");
  CHECK(field(bad_type, 58).find("3014 unsupported_quote_cancel_type") == 0);

  // Cancel all: every live quote of this client goes.
  const QuoteSeen a = get_quote(*acme, "BTC/USD", '1', "0.1");
  const QuoteSeen b = get_quote(*acme, "ETH/USD", '2', "1");
  send_quote_cancel(*acme, "*", "4");
  FIX::Message all = expect(*acme, "AI");
  CHECK(field(all, 297) == "4");
  CHECK(field(all, 58).find("canceled ") == 0);
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "BTC/USD", '1', "0.1", a.offer, a.quote_id), 99,
                      "3013 quote_canceled");
  expect_order_reject(*acme, send_order(*acme, next_id("C"), "ETH/USD", '2', "1", b.bid, b.quote_id), 99,
                      "3013 quote_canceled");
  FIX::Message extra;
  CHECK_FALSE(acme->next(200, &extra));
}

namespace {

// Sends a MarketDataRequest for `symbols` (bid and offer unless `entry_types` says otherwise).
void send_md_request(FixClient& c, const std::string& req_id, char sub_type, const std::vector<std::string>& symbols,
                     const char* depth = "0", const char* update_type = nullptr, const std::string& entry_types = "01") {
  FIX44::MarketDataRequest m;
  m.setField(262, req_id);
  m.setField(263, std::string(1, sub_type));
  m.setField(264, depth);
  if (update_type != nullptr) m.setField(265, update_type);
  for (char t : entry_types) {
    FIX44::MarketDataRequest::NoMDEntryTypes g;
    g.setField(269, std::string(1, t));
    m.addGroup(g);
  }
  for (const std::string& s : symbols) {
    FIX44::MarketDataRequest::NoRelatedSym g;
    g.setField(55, s);
    m.addGroup(g);
  }
  REQUIRE(c.send(m));
}

// The ladder of a W as "type:position:px:size" strings, checked for shape on the way.
std::vector<std::string> ladder_of(const FIX::Message& w, size_t rungs) {
  std::vector<std::string> out;
  const int n = w.groupCount(268);
  CHECK(n == static_cast<int>(2 * rungs));
  for (int i = 1; i <= n; ++i) {
    FIX44::MarketDataSnapshotFullRefresh::NoMDEntries g;
    w.getGroup(i, g);
    out.push_back(field(g, 269) + ":" + field(g, 290) + ":" + field(g, 270) + ":" + field(g, 271));
  }
  return out;
}

}  // namespace

TEST_CASE("streaming prices: snapshot, updates as the price moves, unsubscribe, rejects", "[e2e][streaming]") {
  auto beta = logon(kBeta);

  // A snapshot request: one W with the silver ladder (BTC/USD sizes 0.1, 1, 5, 20).
  send_md_request(*beta, "SNAP-1", '0', {"BTC/USD"});
  FIX::Message snap = expect(*beta, "W");
  CHECK(field(snap, 262) == "SNAP-1");
  CHECK(field(snap, 55) == "BTC/USD");
  const std::vector<std::string> first = ladder_of(snap, 4);
  REQUIRE(first.size() == 8);
  CHECK(first[0].substr(0, 4) == "0:1:");
  CHECK(first[1].substr(0, 4) == "1:1:");
  CHECK(first[0].substr(first[0].rfind(':') + 1) == "0.1");
  CHECK(first[7].substr(first[7].rfind(':') + 1) == "20");

  // A subscription: an immediate snapshot, then fresh ones as the reference moves.
  send_md_request(*beta, "SUB-1", '1', {"BTC/USD"}, "2");
  FIX::Message s0 = expect(*beta, "W");
  CHECK(field(s0, 262) == "SUB-1");
  std::vector<std::string> last = ladder_of(s0, 2);
  int updates = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  auto first_at = std::chrono::steady_clock::now();
  auto last_at = first_at;
  while (updates < 3 && std::chrono::steady_clock::now() < deadline) {
    FIX::Message u;
    if (!beta->next(1000, &u)) continue;
    REQUIRE(msg_type(u) == "W");
    CHECK(field(u, 262) == "SUB-1");
    const std::vector<std::string> now = ladder_of(u, 2);
    CHECK(now != last);  // only sent when the client's prices moved
    const auto at = std::chrono::steady_clock::now();
    if (updates == 0) first_at = at;
    last_at = at;
    last = now;
    ++updates;
  }
  CHECK(updates >= 2);
  // Throttled to one per md_min_interval_ms (250 ms) per instrument: measured over the run,
  // so one delayed message arriving close to the next does not count against it.
  CHECK(last_at - first_at >= std::chrono::milliseconds(200 * (updates - 1)));

  // Rejects: unknown instrument, duplicate MDReqID, incremental refresh, unsupported entry type.
  send_md_request(*beta, "BAD-1", '1', {"DOGE/USD"});
  FIX::Message y1 = expect(*beta, "Y");
  CHECK(field(y1, 262) == "BAD-1");
  CHECK(field(y1, 281) == "0");
  CHECK(field(y1, 58).find("1001 unknown_instrument") == 0);
  send_md_request(*beta, "SUB-1", '1', {"ETH/USD"});
  FIX::Message y2;
  for (;;) {  // updates of SUB-1 may still arrive in between
    y2 = expect_any(*beta);
    if (msg_type(y2) != "W") break;
  }
  REQUIRE(msg_type(y2) == "Y");
  CHECK(field(y2, 281) == "1");
  CHECK(field(y2, 58).find("4002 md_duplicate_req_id") == 0);

  // Unsubscribe: the updates stop.
  send_md_request(*beta, "SUB-1", '2', {"BTC/USD"}, "2");
  // Anything already on its way arrives within a moment; after that, silence.
  FIX::Message late;
  while (beta->next(600, &late)) REQUIRE(msg_type(late) == "W");
  CHECK_FALSE(beta->next(1500, &late));
  // Unsubscribing again is refused: no such subscription.
  send_md_request(*beta, "SUB-1", '2', {"BTC/USD"});
  FIX::Message y3 = expect(*beta, "Y");
  CHECK(field(y3, 58).find("4003 md_unknown_req_id") == 0);
  send_md_request(*beta, "INC-1", '1', {"BTC/USD"}, "0", "1");
  FIX::Message y4 = expect(*beta, "Y");
  CHECK(field(y4, 281) == "6");
  send_md_request(*beta, "TRD-1", '1', {"BTC/USD"}, "0", nullptr, "2");
  FIX::Message y5 = expect(*beta, "Y");
  CHECK(field(y5, 281) == "8");
}

TEST_CASE("a client that stops reading is cut off; everyone else keeps trading", "[e2e][slow]") {
  const int port = gateway().port();
  RawConnection slow(port, 4096);
  REQUIRE(slow.connected());
  REQUIRE(slow.send(fix_message("98=0\001108=30\001141=Y\001553=gamma\001554=gamma-demo-2026\001", "A", "GAMMA")));
  // Subscribe to every instrument many times over, then never read.
  const std::string syms = "146=8\00155=BTC/USD\00155=ETH/USD\00155=BTC/EUR\00155=ETH/BTC\00155=USDT/USD\001"
                           "55=USDC/USD\00155=EUR/USD\00155=GBP/USD\001";
  for (int i = 0; i < 60; ++i) {
    std::string body = "262=S" + std::to_string(i) + "\001263=1\001264=0\001267=2\001269=0\001269=1\001" + syms;
    std::string m = fix_message(body, "V", "GAMMA");
    // fix_message numbers every message 1: patch the sequence number.
    const std::string seq = "\00134=" + std::to_string(i + 2) + "\001";
    m.replace(m.find("\00134=1\001"), 6, seq);
    // BodyLength and CheckSum must follow the patched text.
    const size_t body_start = m.find("\00135=") + 1;
    const size_t cs_at = m.rfind("10=");
    std::string b = m.substr(body_start, cs_at - body_start);
    std::string head = "8=FIX.4.4\0019=" + std::to_string(b.size()) + "\001";
    std::string whole = head + b;
    unsigned sum = 0;
    for (unsigned char ch : whole) sum += ch;
    char cs[8];
    std::snprintf(cs, sizeof cs, "%03u", sum % 256);
    REQUIRE(slow.send(whole + "10=" + cs + "\001"));
  }
  // Meanwhile another client is answered as usual (every quote within kWaitMs), until the
  // gateway has cut the slow one off (bounded: 30 s).
  auto acme = logon(kAcme);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool cut = false;
  int quotes = 0;
  while (!cut && std::chrono::steady_clock::now() < deadline) {
    const QuoteSeen q = get_quote(*acme, "BTC/USD", '1', "0.1");
    CHECK_FALSE(q.offer.empty());
    send_quote_cancel(*acme, q.quote_id, "1");  // stay below the per-client live-quote cap
    CHECK(field(expect(*acme, "AI"), 297) == "1");
    ++quotes;
    cut = gateway().output().find("slow consumer") != std::string::npos;
  }
  INFO("quotes answered while the slow client was connected: " << quotes);
  CHECK(cut);
  // The slow connection was closed by the gateway (what it had buffered, then EOF).
  bool closed = false;
  slow.read_until_closed(10000, &closed);
  CHECK(closed);
}

// ---- Orders: market, limit, resting, internal cross, cancel/replace, cancel-on-disconnect ----

namespace {

// BTC/USD prices as integer cents, exactly: "65033.8" -> 6503380 (as the gateway does it:
// prices are never floating point).
long long cents(const std::string& px) {
  long long v = 0;
  long long frac = 0;
  int digits = -1;  // decimals seen; -1 before the point
  for (char c : px) {
    if (c == '.') {
      digits = 0;
      continue;
    }
    REQUIRE((c >= '0' && c <= '9'));
    if (digits < 0) {
      v = v * 10 + (c - '0');
    } else {
      REQUIRE(digits < 2);
      frac = frac * 10 + (c - '0');
      ++digits;
    }
  }
  if (digits == 1) frac *= 10;
  return v * 100 + frac;
}
std::string cents_text(long long c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", c / 100, c % 100);
  return buf;
}
// A price moved by `bp` whole basis points (may be negative), toward zero to the cent.
std::string px_moved(const std::string& px, long long bp) { return cents_text(cents(px) * (10000 + bp) / 10000); }
std::string px_minus_cent(const std::string& px) { return cents_text(cents(px) - 1); }

// A NewOrderSingle for a market ('1') or limit ('2') order; empty strings are left out.
void send_plain_order(FixClient& c, const std::string& cl, const std::string& symbol, char side, const std::string& qty,
                      const char* ord_type, const std::string& price, const std::string& tif,
                      const std::string& slippage_bps = "") {
  FIX44::NewOrderSingle o;
  o.setField(11, cl);
  o.setField(55, symbol);
  o.setField(54, std::string(1, side));
  o.setField(60, utc_now_fix());
  o.setField(38, qty);
  o.setField(40, ord_type);
  if (!price.empty()) o.setField(44, price);
  if (!tif.empty()) o.setField(59, tif);
  if (!slippage_bps.empty()) o.setField(20001, slippage_bps);
  REQUIRE(c.send(o));
}

// The next ExecutionReport for `cl` (other messages, e.g. streaming, are skipped).
FIX::Message expect_er(FixClient& c, const std::string& cl, int timeout_ms = kWaitMs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    FIX::Message m;
    const bool got = left.count() > 0 && c.next(static_cast<int>(left.count()), &m);
    INFO("waiting for an ExecutionReport of " << cl);
    REQUIRE(got);
    if (msg_type(m) == "8" && field(m, 11) == cl) return m;
    INFO("unexpected: " << m.toString());
    CHECK(msg_type(m) == "W");  // nothing else may come in between
  }
}

// The mid of a two-way quote, to the cent (rounded down).
std::string mid_of(const QuoteSeen& q) { return cents_text((cents(q.bid) + cents(q.offer)) / 2); }

}  // namespace

TEST_CASE("orders: market within and beyond tolerance, resting GTC filled by a price move, internal cross, "
          "cancel/replace, cancel-on-disconnect",
          "[e2e][orders]") {
  auto acme = logon(kAcme);

  // Market buy inside the gold tolerance (10 bp from the reference): New, then one Trade.
  const std::string m1 = next_id("M");
  send_plain_order(*acme, m1, "BTC/USD", '1', "0.5", "1", "", "");
  FIX::Message n1 = expect_er(*acme, m1);
  CHECK(field(n1, 150) == "0");
  CHECK(field(n1, 39) == "0");
  CHECK(field(n1, 40) == "1");
  CHECK(field(n1, 44).empty());  // a market order has no price
  note_exec_id(field(n1, 17));
  FIX::Message f1 = expect_er(*acme, m1);
  CHECK(field(f1, 150) == "F");
  CHECK(field(f1, 39) == "2");
  CHECK(field(f1, 32) == "0.5");
  CHECK(field(f1, 14) == "0.5");
  CHECK(field(f1, 151) == "0");
  CHECK(field(f1, 6) == field(f1, 31));
  note_exec_id(field(f1, 17));

  // Beyond tolerance: 0 bp (and 0.5 bp, below the 5 bp half-spread) can never be met.
  for (const char* tol : {"0", "0.5"}) {
    const std::string m2 = next_id("M");
    send_plain_order(*acme, m2, "BTC/USD", '1', "0.5", "1", "", "", tol);
    expect_order_reject(*acme, m2, 99, "2005 slippage_exceeded");
  }
  // A malformed tolerance and a tolerance on a limit order are refused with their reasons.
  const std::string m3 = next_id("M");
  send_plain_order(*acme, m3, "BTC/USD", '1', "0.5", "1", "", "", "abc");
  expect_order_reject(*acme, m3, 99, "1024 slippage_invalid");
  const std::string m4 = next_id("M");
  send_plain_order(*acme, m4, "BTC/USD", '1', "0.5", "1", "", "1");
  expect_order_reject(*acme, m4, 11, "1021 unsupported_time_in_force");

  // A GTC limit buy one cent under the desk's offer rests, and fills at its limit when the
  // reference walks down. If the price fell between our look and the order (it then
  // executes at once), try again: a rest must be seen.
  std::string rested;
  std::string limit;
  for (int attempt = 0; attempt < 5 && rested.empty(); ++attempt) {
    const QuoteSeen q = get_quote(*acme, "BTC/USD", '1', "1");
    const std::string cl = next_id("L");
    limit = px_minus_cent(q.offer);
    send_plain_order(*acme, cl, "BTC/USD", '1', "1", "2", limit, "1");
    FIX::Message n = expect_er(*acme, cl);
    REQUIRE(field(n, 150) == "0");
    CHECK(field(n, 59) == "1");
    note_exec_id(field(n, 17));
    FIX::Message more;
    if (acme->next(300, &more)) {
      // Marketable on arrival: it traded at the desk's price, not by a move.
      REQUIRE(msg_type(more) == "8");
      CHECK(field(more, 150) == "F");
      note_exec_id(field(more, 17));
      continue;
    }
    rested = cl;
  }
  REQUIRE_FALSE(rested.empty());
  FIX::Message moved = expect_er(*acme, rested, 60000);
  CHECK(field(moved, 150) == "F");
  CHECK(field(moved, 39) == "2");
  CHECK(cents(field(moved, 31)) == cents(limit));  // a resting order fills at its own price
  CHECK(field(moved, 14) == "1");
  note_exec_id(field(moved, 17));

  // Internal cross: BETA rests a GTC sell at the mid (inside both clients' spreads, so no
  // desk price reaches it); ACME's GTC buy at that price trades with it at BETA's price.
  auto beta = logon(kBeta);
  const QuoteSeen q2 = get_quote(*acme, "BTC/USD", 0, "0.2");
  const std::string mid = mid_of(q2);
  const std::string sell = next_id("X");
  send_plain_order(*beta, sell, "BTC/USD", '2', "0.2", "2", mid, "1");
  FIX::Message sn = expect_er(*beta, sell);
  REQUIRE(field(sn, 150) == "0");
  const std::string buy = next_id("X");
  send_plain_order(*acme, buy, "BTC/USD", '1', "0.2", "2", mid, "1");
  FIX::Message bn = expect_er(*acme, buy);
  CHECK(field(bn, 150) == "0");
  FIX::Message bf = expect_er(*acme, buy);
  CHECK(field(bf, 150) == "F");
  CHECK(field(bf, 39) == "2");
  CHECK(cents(field(bf, 31)) == cents(mid));
  FIX::Message sf = expect_er(*beta, sell);
  CHECK(field(sf, 150) == "F");
  CHECK(field(sf, 39) == "2");
  CHECK(cents(field(sf, 31)) == cents(mid));
  CHECK(field(sf, 32) == "0.2");
  CHECK(field(sf, 17) != field(bf, 17));
  for (const FIX::Message* m : {&sn, &bn, &bf, &sf}) note_exec_id(field(*m, 17));

  // Cancel/replace on a resting order far from the market; a second cancel is too late.
  const std::string far = next_id("R");
  const std::string far_px = px_moved(q2.bid, -500);
  send_plain_order(*acme, far, "BTC/USD", '1', "0.3", "2", far_px, "1");
  CHECK(field(expect_er(*acme, far), 150) == "0");
  FIX::Message g;
  g.getHeader().setField(35, "G");
  const std::string rep = next_id("R");
  g.setField(41, far);
  g.setField(11, rep);
  g.setField(55, "BTC/USD");
  g.setField(54, "1");
  g.setField(60, utc_now_fix());
  g.setField(38, "0.4");
  g.setField(40, "2");
  g.setField(44, px_moved(q2.bid, -600));
  REQUIRE(acme->send(g));
  FIX::Message r = expect_er(*acme, rep);
  CHECK(field(r, 150) == "5");
  CHECK(field(r, 39) == "0");
  CHECK(field(r, 41) == far);
  CHECK(field(r, 38) == "0.4");
  CHECK(field(r, 151) == "0.4");
  auto send_cancel = [&](const std::string& orig) {
    FIX::Message f;
    f.getHeader().setField(35, "F");
    const std::string cl = next_id("K");
    f.setField(41, orig);
    f.setField(11, cl);
    f.setField(55, "BTC/USD");
    f.setField(54, "1");
    f.setField(60, utc_now_fix());
    REQUIRE(acme->send(f));
    return cl;
  };
  const std::string k1 = send_cancel(rep);
  FIX::Message kc = expect_er(*acme, k1);
  CHECK(field(kc, 150) == "4");
  CHECK(field(kc, 39) == "4");
  CHECK(field(kc, 41) == rep);
  CHECK(field(kc, 151) == "0");
  const std::string k2 = send_cancel(rep);
  FIX::Message rej = expect(*acme, "9");
  CHECK(field(rej, 11) == k2);
  CHECK(field(rej, 434) == "1");
  CHECK(field(rej, 102) == "0");  // too late to cancel
  CHECK(field(rej, 39) == "4");
  CHECK(field(rej, 58).find("5002 order_not_open") == 0);

  // Cancel-on-disconnect (BETA is configured so): its resting order is canceled when the
  // session ends, and BETA is told when it logs on again.
  const std::string cod = next_id("D");
  send_plain_order(*beta, cod, "BTC/USD", '2', "0.1", "2", px_moved(q2.offer, 500), "1");
  CHECK(field(expect_er(*beta, cod), 150) == "0");
  beta->stop();
  beta.reset();
  auto beta2 = logon(kBeta);
  FIX::Message told = expect_er(*beta2, cod);
  CHECK(field(told, 150) == "4");
  CHECK(field(told, 39) == "4");
  CHECK(field(told, 58).find("disconnect") != std::string::npos);
  // And its status says so.
  FIX::Message h;
  h.getHeader().setField(35, "H");
  h.setField(11, cod);
  h.setField(55, "BTC/USD");
  h.setField(54, "2");
  REQUIRE(beta2->send(h));
  FIX::Message st = expect_er(*beta2, cod);
  CHECK(field(st, 150) == "I");
  CHECK(field(st, 39) == "4");
}
