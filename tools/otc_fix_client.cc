// otc-fix-client: try the gateway by hand. Logs on as a demo client, asks for a firm
// quote, and (for `trade`) executes it as a previously-quoted order; sends market and
// limit orders, cancels, replaces and status requests.
//
//   otc-fix-client --port 9876 quote --symbol BTC/USD --side buy --qty 0.5
//   otc-fix-client --port 9876 trade --symbol BTC/USD --side buy --qty 0.5
//   otc-fix-client --port 9876 order --type market --symbol BTC/USD --side buy --qty 0.5 --tif ioc --slippage-bps 5
//   otc-fix-client --port 9876 order --type limit --symbol BTC/USD --side sell --qty 1 --price 70000 --tif gtc
//   otc-fix-client --port 9876 order --quote-id Q7 --symbol BTC/USD --side buy --qty 0.5 --price 65032.51
//   otc-fix-client --port 9876 cancel --orig-cl-ord-id C1 --symbol BTC/USD --side sell
//   otc-fix-client --port 9876 replace --orig-cl-ord-id C1 --symbol BTC/USD --side sell --qty 2 --price 69900
//   otc-fix-client --port 9876 status --cl-ord-id C1 --symbol BTC/USD --side sell
//   otc-fix-client --port 9876 stream --symbol BTC/USD --seconds 3
//   otc-fix-client --port 9876 cancel-quote --quote-id Q7
//
// `order` without --type, but with --quote-id, is the previously-quoted order it always
// was (--type quoted). It prints every ExecutionReport of the order until the order is
// done (filled, canceled, expired, rejected) or rests on the book (no further report
// within 500 ms of one that leaves it open).
//
// Each run logs on with ResetSeqNumFlag=Y: reports the gateway stored while this client
// was offline are discarded, so ask with `status` instead. A resting order outlives the
// run unless the client is configured cancel-on-disconnect (demo: BETA).
//
// Exit codes: 0 done, 1 refused (a reject came back, or the order ended with nothing
// filled), 2 bad arguments, 3 no logon or timeout.
#include <CLI/CLI.hpp>

#include <quickfix/fix44/MarketDataRequest.h>
#include <quickfix/fix44/MarketDataSnapshotFullRefresh.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/OrderCancelReplaceRequest.h>
#include <quickfix/fix44/OrderCancelRequest.h>
#include <quickfix/fix44/OrderStatusRequest.h>
#include <quickfix/fix44/QuoteCancel.h>
#include <quickfix/fix44/QuoteRequest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <sys/stat.h>

#include "tools/fix_client.h"

namespace {

using otc::fixclient::field;
using otc::fixclient::msg_type;
using otc::fixclient::utc_now_fix;

constexpr int kWaitMs = 5000;
// How long an open order must stay quiet before we call it resting (its immediate
// reports are delivered together, after one journal commit).
constexpr int kRestQuietMs = 500;
constexpr int kMaxSlippageBps = 20001;  // our tag (fix-specs/FIX44.xml)

std::string pretty(const FIX::Message& m) {
  std::string s = m.toString();
  for (char& c : s) {
    if (c == '\001') c = '|';
  }
  return s;
}

std::string unique_id(const char* prefix) {
  const auto ns = std::chrono::system_clock::now().time_since_epoch().count();
  return std::string(prefix) + std::to_string(ns);
}

void describe(const FIX::Message& m) {
  const std::string t = msg_type(m);
  if (t == "S") {
    std::printf("QUOTE %s for %s %s qty %s:", field(m, 117).c_str(), field(m, 55).c_str(),
                field(m, 54) == "1" ? "buy" : field(m, 54) == "2" ? "sell" : "two-way", field(m, 38).c_str());
    if (!field(m, 132).empty()) std::printf(" bid %s x %s", field(m, 132).c_str(), field(m, 134).c_str());
    if (!field(m, 133).empty()) std::printf(" offer %s x %s", field(m, 133).c_str(), field(m, 135).c_str());
    std::printf(", firm until %s UTC\n", field(m, 62).c_str());
  } else if (t == "AG") {
    std::printf("QUOTE REJECTED (658=%s): %s\n", field(m, 658).c_str(), field(m, 58).c_str());
  } else if (t == "8") {
    const std::string et = field(m, 150);
    if (et == "F") {
      std::printf("%s %s %s %s @ %s (OrderID %s, ExecID %s, CumQty %s, LeavesQty %s, AvgPx %s)\n",
                  field(m, 39) == "2" ? "FILLED" : "PARTIALLY FILLED", field(m, 54) == "1" ? "bought" : "sold",
                  field(m, 32).c_str(), field(m, 55).c_str(), field(m, 31).c_str(), field(m, 37).c_str(),
                  field(m, 17).c_str(), field(m, 14).c_str(), field(m, 151).c_str(), field(m, 6).c_str());
    } else if (et == "0") {
      std::printf("ACCEPTED OrderID %s (ExecID %s)\n", field(m, 37).c_str(), field(m, 17).c_str());
    } else if (et == "8") {
      std::printf("ORDER REJECTED (103=%s): %s\n", field(m, 103).c_str(), field(m, 58).c_str());
    } else if (et == "4") {
      std::printf("CANCELED OrderID %s, CumQty %s%s%s\n", field(m, 37).c_str(), field(m, 14).c_str(),
                  field(m, 58).empty() ? "" : ": ", field(m, 58).c_str());
    } else if (et == "C") {
      std::printf("EXPIRED OrderID %s, CumQty %s%s%s\n", field(m, 37).c_str(), field(m, 14).c_str(),
                  field(m, 58).empty() ? "" : ": ", field(m, 58).c_str());
    } else if (et == "5") {
      std::printf("REPLACED OrderID %s now ClOrdID %s: qty %s @ %s (CumQty %s, LeavesQty %s)\n",
                  field(m, 37).c_str(), field(m, 11).c_str(), field(m, 38).c_str(), field(m, 44).c_str(),
                  field(m, 14).c_str(), field(m, 151).c_str());
    } else if (et == "I") {
      if (field(m, 39) == "8") {
        std::printf("STATUS: unknown order (103=%s): %s\n", field(m, 103).c_str(), field(m, 58).c_str());
      } else {
        std::printf("STATUS OrderID %s OrdStatus=%s qty %s @ %s, CumQty %s, LeavesQty %s, AvgPx %s\n",
                    field(m, 37).c_str(), field(m, 39).c_str(), field(m, 38).c_str(),
                    field(m, 44).empty() ? "market" : field(m, 44).c_str(), field(m, 14).c_str(),
                    field(m, 151).c_str(), field(m, 6).c_str());
      }
    } else {
      std::printf("EXECUTION REPORT ExecType=%s OrdStatus=%s\n", et.c_str(), field(m, 39).c_str());
    }
  } else if (t == "9") {
    std::printf("CANCEL REJECTED (%s, 102=%s, OrdStatus=%s): %s\n",
                field(m, 434) == "2" ? "replace" : "cancel", field(m, 102).c_str(), field(m, 39).c_str(),
                field(m, 58).c_str());
  } else if (t == "W") {
    std::printf("PRICES %s (MDReqID %s):", field(m, 55).c_str(), field(m, 262).c_str());
    for (size_t i = 1; i <= m.groupCount(268); ++i) {
      FIX44::MarketDataSnapshotFullRefresh::NoMDEntries g;
      m.getGroup(i, g);
      std::printf(" %s %s@%s", field(g, 269) == "0" ? "bid" : "offer", field(g, 271).c_str(), field(g, 270).c_str());
    }
    std::printf("\n");
  } else if (t == "Y") {
    std::printf("MARKET DATA REJECTED (281=%s): %s\n", field(m, 281).c_str(), field(m, 58).c_str());
  } else if (t == "AI") {
    std::printf("QUOTE STATUS %s (297=%s): %s\n", field(m, 117).c_str(), field(m, 297).c_str(), field(m, 58).c_str());
  } else if (t == "j") {
    std::printf("BUSINESS REJECT (380=%s): %s\n", field(m, 380).c_str(), field(m, 58).c_str());
  } else if (t == "3") {
    std::printf("SESSION REJECT (373=%s, tag %s): %s\n", field(m, 373).c_str(), field(m, 371).c_str(),
                field(m, 58).c_str());
  }
  std::printf("  %s\n", pretty(m).c_str());
}

bool is_final_for_order(const FIX::Message& m) {
  const std::string t = msg_type(m);
  if (t == "j" || t == "3") return true;
  if (t != "8") return false;
  const std::string s = field(m, 39);
  return s == "2" || s == "8" || s == "4" || s == "C";
}

// The wire value of a --tif name, 0 for none, '?' for a name we do not know.
char tif_code(const std::string& name) {
  if (name.empty()) return 0;
  if (name == "day") return '0';
  if (name == "gtc") return '1';
  if (name == "ioc") return '3';
  if (name == "fok") return '4';
  if (name == "gtd") return '6';
  return '?';
}

// Prints what arrives for the order whose current ClOrdID is `cl_ord_id` (and anything
// else that arrives meanwhile) until it is done, or rests: open after a report, with no
// other report within kRestQuietMs. Returns the exit code: 0 filled in part or in full,
// or resting; 1 rejected, or done with nothing filled; 3 no answer in time.
int follow_order(otc::fixclient::FixClient& client, const std::string& cl_ord_id) {
  bool open = false;  // a report of ours left the order open
  std::string cum;
  for (;;) {
    FIX::Message m;
    if (!client.next(open ? kRestQuietMs : kWaitMs, &m)) {
      if (open) {
        std::printf("RESTING: ClOrdID %s is open on the book (CumQty %s)\n", cl_ord_id.c_str(), cum.c_str());
        return 0;
      }
      std::fprintf(stderr, "otc-fix-client: no answer about %s within %d ms\n", cl_ord_id.c_str(), kWaitMs);
      return 3;
    }
    describe(m);
    const std::string t = msg_type(m);
    if (t == "j" || t == "3" || t == "9") return 1;
    if (t != "8" || field(m, 11) != cl_ord_id) continue;  // another order's report
    cum = field(m, 14);
    if (is_final_for_order(m)) {
      const std::string st = field(m, 39);
      if (st == "8") return 1;
      return (st == "2" || (!cum.empty() && cum != "0")) ? 0 : 1;
    }
    open = true;
  }
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"otc-fix-client: request quotes and trade on the OTC gateway over FIX 4.4"};
  otc::fixclient::ClientConfig cfg;
  cfg.sender_comp_id = "ACME";
  cfg.username = "acme";
  cfg.password = "acme-demo-2026";
  std::string dictionary = "fix-specs/FIX44.xml";
  app.add_option("--host", cfg.host, "gateway address")->capture_default_str();
  app.add_option("--port", cfg.port, "gateway port")->capture_default_str();
  app.add_option("--sender", cfg.sender_comp_id, "our SenderCompID")->capture_default_str();
  app.add_option("--target", cfg.target_comp_id, "the gateway's CompID")->capture_default_str();
  app.add_option("--username", cfg.username, "Username(553)")->capture_default_str();
  app.add_option("--password", cfg.password, "Password(554) (demo default)");
  app.add_option("--dictionary", dictionary, "FIX data dictionary to validate replies ('' = none)")
      ->capture_default_str();
  app.require_subcommand(1);

  std::string symbol, side = "buy", qty, price, quote_id, cl_ord_id, orig_cl_ord_id, order_id;
  std::string type, tif, expire_time, expire_date, slippage_bps;
  auto* quote = app.add_subcommand("quote", "request a firm quote (QuoteRequest, QuoteType=1)");
  auto* trade = app.add_subcommand("trade", "request a firm quote and execute it at once (OrdType=D)");
  auto* order = app.add_subcommand(
      "order", "send an order (NewOrderSingle): market (40=1), limit (40=2), or on a quote (40=D, --quote-id)");
  for (auto* sc : {quote, trade, order}) {
    sc->add_option("--symbol", symbol, "instrument, e.g. BTC/USD")->required();
    sc->add_option("--qty", qty, "quantity in the base asset, e.g. 0.5")->required();
  }
  quote->add_option("--side", side, "buy, sell or both")->capture_default_str();
  trade->add_option("--side", side, "buy or sell")->capture_default_str();
  order->add_option("--side", side, "buy or sell")->capture_default_str();
  order->add_option("--type", type, "market, limit or quoted (default: quoted with --quote-id)");
  order->add_option("--quote-id", quote_id, "QuoteID from a Quote (quoted orders)");
  order->add_option("--price", price, "the limit price, or the quoted price");
  order->add_option("--tif", tif, "TimeInForce: day, gtc, ioc, fok or gtd (default: none sent)");
  order->add_option("--expire-time", expire_time, "ExpireTime(126) for gtd, YYYYMMDD-HH:MM:SS[.sss] UTC");
  order->add_option("--expire-date", expire_date, "ExpireDate(432) for gtd, YYYYMMDD (expires at the day end)");
  order->add_option("--slippage-bps", slippage_bps, "MaxSlippageBps(20001), market orders: tolerance in bp");
  for (auto* sc : {trade, order}) sc->add_option("--cl-ord-id", cl_ord_id, "ClOrdID (default: unique)");

  auto* cancel_order = app.add_subcommand("cancel", "cancel an open order (OrderCancelRequest)");
  auto* replace = app.add_subcommand("replace", "new price/quantity for a resting limit order (OrderCancelReplaceRequest)");
  auto* status = app.add_subcommand("status", "ask for an order's state (OrderStatusRequest)");
  for (auto* sc : {cancel_order, replace}) {
    sc->add_option("--orig-cl-ord-id", orig_cl_ord_id, "the order's current ClOrdID")->required();
    sc->add_option("--cl-ord-id", cl_ord_id, "ClOrdID of this request (default: unique)");
  }
  status->add_option("--cl-ord-id", cl_ord_id, "the order's ClOrdID")->required();
  for (auto* sc : {cancel_order, replace, status}) {
    sc->add_option("--symbol", symbol, "instrument, e.g. BTC/USD")->required();
    sc->add_option("--side", side, "buy or sell")->required();
    sc->add_option("--order-id", order_id, "our OrderID (optional)");
  }
  replace->add_option("--qty", qty, "the new total quantity (above what is filled)")->required();
  replace->add_option("--price", price, "the new limit price")->required();
  replace->add_option("--tif", tif, "TimeInForce, if sent must be the order's (default: none sent)");
  auto* stream = app.add_subcommand("stream", "subscribe to streaming prices (MarketDataRequest) for a while");
  int seconds = 3;
  stream->add_option("--symbol", symbol, "instrument, e.g. BTC/USD")->required();
  stream->add_option("--seconds", seconds, "how long to listen (1..300)")->capture_default_str();
  auto* cancel = app.add_subcommand("cancel-quote", "withdraw a live quote (QuoteCancel)");
  cancel->add_option("--quote-id", quote_id, "QuoteID from a Quote; '*' cancels all your quotes")->required();

  CLI11_PARSE(app, argc, argv);

  char ord_type = 0;
  if (order->parsed()) {
    if (type.empty() && !quote_id.empty()) type = "quoted";
    if (type == "market") ord_type = '1';
    if (type == "limit") ord_type = '2';
    if (type == "quoted") ord_type = 'D';
    if (ord_type == 0) {
      std::fprintf(stderr, "otc-fix-client: order needs --type market, limit or quoted (or --quote-id)\n");
      return 2;
    }
    if (ord_type == 'D' && (quote_id.empty() || price.empty())) {
      std::fprintf(stderr, "otc-fix-client: a quoted order needs --quote-id and --price\n");
      return 2;
    }
    if (ord_type != 'D' && !quote_id.empty()) {
      std::fprintf(stderr, "otc-fix-client: --quote-id is for quoted orders only\n");
      return 2;
    }
    // Everything else (price on a market order, a TimeInForce the type does not take, a
    // missing expiry) is for the gateway to judge: its answer says why.
  }
  if ((order->parsed() || replace->parsed()) && tif_code(tif) == '?') {
    std::fprintf(stderr, "otc-fix-client: --tif must be day, gtc, ioc, fok or gtd\n");
    return 2;
  }

  if ((stream->parsed() || cancel->parsed()) && (seconds < 1 || seconds > 300)) {
    std::fprintf(stderr, "otc-fix-client: --seconds must be 1..300\n");
    return 2;
  }
  if (side != "buy" && side != "sell" && !(side == "both" && quote->parsed())) {
    std::fprintf(stderr, "otc-fix-client: --side must be buy or sell%s\n", quote->parsed() ? " or both" : "");
    return 2;
  }
  struct stat st;
  if (!dictionary.empty() && stat(dictionary.c_str(), &st) != 0) {
    std::fprintf(stderr, "otc-fix-client: dictionary %s not found (run from the repository root or pass "
                 "--dictionary '')\n", dictionary.c_str());
    return 2;
  }
  cfg.data_dictionary = dictionary;
  const char side_code = side == "buy" ? '1' : side == "sell" ? '2' : 0;

  otc::fixclient::FixClient client(cfg);
  std::string error;
  if (!client.start(&error)) {
    std::fprintf(stderr, "otc-fix-client: %s\n", error.c_str());
    return 2;
  }
  if (!client.wait_logon(kWaitMs)) {
    std::string text;
    client.wait_logout(100, &text);
    std::fprintf(stderr, "otc-fix-client: no logon to %s:%d as %s: %s\n", cfg.host.c_str(), cfg.port,
                 cfg.sender_comp_id.c_str(), text.empty() ? "no answer (is the gateway running?)" : text.c_str());
    return 3;
  }
  std::printf("logged on as %s -> %s at %s:%d\n", cfg.sender_comp_id.c_str(), cfg.target_comp_id.c_str(),
              cfg.host.c_str(), cfg.port);

  int rc = 0;
  if (stream->parsed()) {
    FIX44::MarketDataRequest r;
    r.setField(262, unique_id("M"));
    r.setField(263, "1");
    r.setField(264, "0");
    for (const char* t : {"0", "1"}) {
      FIX44::MarketDataRequest::NoMDEntryTypes g;
      g.setField(269, t);
      r.addGroup(g);
    }
    FIX44::MarketDataRequest::NoRelatedSym g;
    g.setField(55, symbol);
    r.addGroup(g);
    client.send(r);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    int snapshots = 0;
    while (std::chrono::steady_clock::now() < until) {
      FIX::Message m;
      if (!client.next(200, &m)) continue;
      describe(m);
      if (msg_type(m) == "W") ++snapshots;
      if (msg_type(m) == "Y") {
        rc = 1;
        break;
      }
    }
    if (rc == 0) std::printf("%d snapshots in %d s\n", snapshots, seconds);
  }
  if (cancel->parsed()) {
    FIX44::QuoteCancel c;
    c.setField(117, quote_id);
    c.setField(298, quote_id == "*" ? "4" : "1");
    client.send(c);
    FIX::Message reply;
    if (!client.next(kWaitMs, &reply)) {
      std::fprintf(stderr, "otc-fix-client: no answer to the QuoteCancel within %d ms\n", kWaitMs);
      rc = 3;
    } else {
      describe(reply);
      const std::string st = field(reply, 297);
      if (st != "1" && st != "4") rc = 1;
    }
  }
  if (quote->parsed() || trade->parsed()) {
    FIX44::QuoteRequest req;
    req.setField(131, unique_id("R"));
    FIX44::QuoteRequest::NoRelatedSym g;
    g.setField(55, symbol);
    if (side_code != 0) g.setField(54, std::string(1, side_code));
    g.setField(38, qty);
    g.setField(537, "1");
    req.addGroup(g);
    client.send(req);
    FIX::Message reply;
    if (!client.next(kWaitMs, &reply)) {
      std::fprintf(stderr, "otc-fix-client: no answer to the QuoteRequest within %d ms\n", kWaitMs);
      client.stop();
      return 3;
    }
    describe(reply);
    if (msg_type(reply) != "S") rc = 1;
    if (rc == 0 && trade->parsed()) {
      quote_id = field(reply, 117);
      price = field(reply, side_code == '1' ? 133 : 132);
    }
  }
  if (rc == 0 && trade->parsed()) {
    FIX44::NewOrderSingle o;
    o.setField(11, cl_ord_id.empty() ? unique_id("C") : cl_ord_id);
    o.setField(55, symbol);
    o.setField(54, std::string(1, side_code));
    o.setField(60, otc::fixclient::utc_now_fix());
    o.setField(38, qty);
    o.setField(40, "D");
    o.setField(44, price);
    o.setField(117, quote_id);
    client.send(o);
    for (;;) {
      FIX::Message reply;
      if (!client.next(kWaitMs, &reply)) {
        std::fprintf(stderr, "otc-fix-client: no final answer to the order within %d ms\n", kWaitMs);
        rc = 3;
        break;
      }
      describe(reply);
      if (is_final_for_order(reply)) {
        if (field(reply, 39) != "2") rc = 1;
        break;
      }
    }
  }
  if (order->parsed()) {
    const std::string id = cl_ord_id.empty() ? unique_id("C") : cl_ord_id;
    FIX44::NewOrderSingle o;
    o.setField(11, id);
    o.setField(55, symbol);
    o.setField(54, std::string(1, side_code));
    o.setField(60, otc::fixclient::utc_now_fix());
    o.setField(38, qty);
    o.setField(40, std::string(1, ord_type));
    if (!price.empty()) o.setField(44, price);
    if (!quote_id.empty()) o.setField(117, quote_id);
    if (tif_code(tif) != 0) o.setField(59, std::string(1, tif_code(tif)));
    if (!expire_time.empty()) o.setField(126, expire_time);
    if (!expire_date.empty()) o.setField(432, expire_date);
    if (!slippage_bps.empty()) o.setField(kMaxSlippageBps, slippage_bps);
    std::printf("order ClOrdID %s\n", id.c_str());
    client.send(o);
    rc = follow_order(client, id);
  }
  if (cancel_order->parsed()) {
    const std::string id = cl_ord_id.empty() ? unique_id("X") : cl_ord_id;
    FIX44::OrderCancelRequest c;
    c.setField(41, orig_cl_ord_id);
    if (!order_id.empty()) c.setField(37, order_id);
    c.setField(11, id);
    c.setField(55, symbol);
    c.setField(54, std::string(1, side_code));
    c.setField(60, otc::fixclient::utc_now_fix());
    std::printf("cancel ClOrdID %s of %s\n", id.c_str(), orig_cl_ord_id.c_str());
    client.send(c);
    rc = 3;
    for (;;) {
      FIX::Message reply;
      if (!client.next(kWaitMs, &reply)) {
        std::fprintf(stderr, "otc-fix-client: no answer to the cancel within %d ms\n", kWaitMs);
        break;
      }
      describe(reply);
      const std::string t = msg_type(reply);
      if (t == "9" || t == "j" || t == "3") {
        rc = 1;
        break;
      }
      if (t == "8" && field(reply, 11) == id && field(reply, 150) == "4") {
        rc = 0;
        break;
      }
    }
  }
  if (replace->parsed()) {
    const std::string id = cl_ord_id.empty() ? unique_id("G") : cl_ord_id;
    FIX44::OrderCancelReplaceRequest g;
    if (!order_id.empty()) g.setField(37, order_id);
    g.setField(41, orig_cl_ord_id);
    g.setField(11, id);
    g.setField(55, symbol);
    g.setField(54, std::string(1, side_code));
    g.setField(60, otc::fixclient::utc_now_fix());
    g.setField(38, qty);
    g.setField(40, "2");  // only resting limit orders can be replaced
    g.setField(44, price);
    if (tif_code(tif) != 0) g.setField(59, std::string(1, tif_code(tif)));
    std::printf("replace ClOrdID %s of %s\n", id.c_str(), orig_cl_ord_id.c_str());
    client.send(g);
    // Replaced (150=5), then perhaps trades if the new price crosses: follow it as an order.
    rc = follow_order(client, id);
  }
  if (status->parsed()) {
    FIX44::OrderStatusRequest h;
    if (!order_id.empty()) h.setField(37, order_id);
    h.setField(11, cl_ord_id);
    h.setField(55, symbol);
    h.setField(54, std::string(1, side_code));
    client.send(h);
    rc = 3;
    for (;;) {
      FIX::Message reply;
      if (!client.next(kWaitMs, &reply)) {
        std::fprintf(stderr, "otc-fix-client: no answer to the status request within %d ms\n", kWaitMs);
        break;
      }
      describe(reply);
      const std::string t = msg_type(reply);
      if (t == "j" || t == "3") {
        rc = 1;
        break;
      }
      // The answer carries the order's current ClOrdID (after a replace, not the one asked for).
      if (t == "8" && field(reply, 150) == "I") {
        rc = field(reply, 39) == "8" && field(reply, 37) == "NONE" ? 1 : 0;
        break;
      }
    }
  }
  client.stop();
  return rc;
}
