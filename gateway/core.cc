// gateway/core.cc: the C++20 side of the gateway (see bridge.h): wires config, journal,
// ledger, engine and runner together, and turns engine events into FIX-ready values.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <unordered_map>

#include "common/clock.h"
#include "common/decimal.h"
#include "common/password.h"
#include "engine/engine.h"
#include "engine/pricing.h"
#include "engine/runner.h"
#include "gateway/bridge.h"
#include "gateway/config.h"
#include "gateway/fix_codes.h"
#include "ledger/ledger.h"
#include "ledger/chain.h"
#include "ledger/sqlite_journal.h"

namespace otc::gw {
namespace {

using namespace otc::engine;

char side_char(Side s) { return s == Side::kBuy ? '1' : '2'; }

class CoreImpl final : public Core, public EventSink {
 public:
  CoreImpl(GatewayConfig cfg, std::unique_ptr<ledger::SqliteJournal> journal)
      : cfg_(std::move(cfg)),
        journal_(std::move(journal)),
        ledger_(journal_.get()),
        engine_(cfg_.ref, clock_, ledger_, *journal_),
        feed_(cfg_.ref, cfg_.feed_seed),
        runner_(cfg_.ref, engine_, *journal_, clock_, &feed_, *this, cfg_.runner) {
    for (const auto& c : cfg_.credentials) {
      sessions_.push_back(SessionEntry{c.client_code, c.sender_comp_id, c.username, c.password_hash});
      by_comp_id_.emplace(c.sender_comp_id, sessions_.size() - 1);
    }
  }

  ~CoreImpl() override { runner_.stop(); }

  bool recover(std::string* error);
  void journal_credit_lines(const ledger::RecoveredState& state);
  bool audit_key_created() const { return key_created_; }
  void set_demo(std::vector<DemoCredential> demo) { demo_ = std::move(demo); }

  void start() override {
    // No session is logged on at start-up: the resting orders of cancel-on-disconnect
    // clients (rebuilt from the journal) are canceled as if their sessions had just ended,
    // before the first price can fill any of them (the runner handles these first).
    for (const ClientSpec& c : cfg_.ref.clients) {
      if (c.cancel_on_disconnect && !runner_.submit_control(SessionEndedCmd{c.id})) {
        std::fprintf(stderr, "otcgw: could not cancel the resting orders of %s at start-up\n", c.code.c_str());
      }
    }
    runner_.start();
  }
  void stop() override {
    runner_.stop();
    // The engine thread is gone: sign what the last commits left unsigned.
    Status s = journal_->checkpoint_if_due(clock_.now(), true);
    if (!s.ok()) std::fprintf(stderr, "otcgw: final checkpoint failed: %s\n", s.reject().detail.c_str());
  }
  void set_outbound(Outbound* out) override { out_ = out; }

  bool submit_quote_request(const QuoteRequestMsg& m, std::string* why) override {
    const ClientSpec* c = client_or_why(m.client_code, why);
    if (c == nullptr) return false;
    QuoteRequestCmd cmd;
    cmd.client = c->id;
    cmd.quote_req_id = m.quote_req_id;
    cmd.symbol = m.symbol;
    cmd.side = m.side;
    cmd.qty_text = m.order_qty;
    cmd.quote_type = m.quote_type == -1 ? 0 : m.quote_type;  // FIX 4.4: absent means indicative (0)
    cmd.expire_time = m.expire_time;
    return submit(std::move(cmd), why);
  }

  bool submit_new_order(const NewOrderMsg& m, std::string* why) override {
    const ClientSpec* c = client_or_why(m.client_code, why);
    if (c == nullptr) return false;
    NewOrderCmd cmd;
    cmd.client = c->id;
    cmd.cl_ord_id = m.cl_ord_id;
    cmd.symbol = m.symbol;
    cmd.side = m.side;
    cmd.ord_type = m.ord_type;
    cmd.qty_text = m.order_qty;
    cmd.price_text = m.price;
    cmd.quote_id = m.quote_id;
    cmd.tif = m.tif;
    cmd.expire_time = m.expire_time;
    cmd.expire_date = m.expire_date;
    cmd.slippage_bps = m.slippage_bps;
    return submit(std::move(cmd), why);
  }

  bool submit_cancel_order(const CancelOrderMsg& m, std::string* why) override {
    const ClientSpec* c = client_or_why(m.client_code, why);
    if (c == nullptr) return false;
    CancelOrderCmd cmd;
    cmd.client = c->id;
    cmd.cl_ord_id = m.cl_ord_id;
    cmd.orig_cl_ord_id = m.orig_cl_ord_id;
    cmd.order_id = m.order_id;
    cmd.symbol = m.symbol;
    cmd.side = m.side;
    return submit(std::move(cmd), why);
  }

  bool submit_replace_order(const ReplaceOrderMsg& m, std::string* why) override {
    const ClientSpec* c = client_or_why(m.client_code, why);
    if (c == nullptr) return false;
    ReplaceOrderCmd cmd;
    cmd.client = c->id;
    cmd.cl_ord_id = m.cl_ord_id;
    cmd.orig_cl_ord_id = m.orig_cl_ord_id;
    cmd.order_id = m.order_id;
    cmd.symbol = m.symbol;
    cmd.side = m.side;
    cmd.ord_type = m.ord_type;
    cmd.tif = m.tif;
    cmd.qty_text = m.order_qty;
    cmd.price_text = m.price;
    return submit(std::move(cmd), why);
  }

  bool submit_order_status(const OrderStatusMsg& m, std::string* why) override {
    const ClientSpec* c = client_or_why(m.client_code, why);
    if (c == nullptr) return false;
    OrderStatusCmd cmd;
    cmd.client = c->id;
    cmd.cl_ord_id = m.cl_ord_id;
    cmd.order_id = m.order_id;
    cmd.symbol = m.symbol;
    cmd.side = m.side;
    return submit(std::move(cmd), why);
  }

  bool submit_quote_cancel(const QuoteCancelMsg& m, std::string* why) override {
    const ClientSpec* c = client_or_why(m.client_code, why);
    if (c == nullptr) return false;
    QuoteCancelCmd cmd;
    cmd.client = c->id;
    cmd.quote_id = m.quote_id;
    cmd.cancel_type = m.cancel_type;
    return submit(std::move(cmd), why);
  }

  bool submit_market_data_request(const MarketDataRequestMsg& m, std::string* why) override {
    const ClientSpec* c = client_or_why(m.client_code, why);
    if (c == nullptr) return false;
    MarketDataRequestCmd cmd;
    cmd.client = c->id;
    cmd.md_req_id = m.md_req_id;
    cmd.subscription_type = m.subscription_type;
    cmd.market_depth = m.market_depth;
    cmd.update_type = m.update_type;
    cmd.entry_types = m.entry_types;
    cmd.symbols = m.symbols;
    return submit(std::move(cmd), why);
  }

  void session_ended(const std::string& client_code) override {
    const ClientSpec* c = cfg_.ref.find_client(client_code);
    if (c == nullptr) return;
    if (!runner_.submit_control(Command(SessionEndedCmd{c->id}))) {
      std::fprintf(stderr, "otcgw: could not end %s's subscriptions (engine stopping)\n", client_code.c_str());
    }
  }

  const std::vector<SessionEntry>& sessions() const override { return sessions_; }

  std::string check_logon(const std::string& comp_id, const std::string& username, const std::string& password,
                          bool has_username, bool has_password) const override {
    auto it = by_comp_id_.find(comp_id);
    if (it == by_comp_id_.end()) return "unknown SenderCompID '" + comp_id + "'";
    if (!has_username) return "Username(553) is required";
    if (!has_password) return "Password(554) is required";
    const SessionEntry& s = sessions_[it->second];
    std::string why;
    const bool ok = verify_password(password, s.password_hash, &why);
    if (!ok || username != s.username) return "invalid Username(553) or Password(554)";
    return "";
  }

  std::string listen_address() const override { return cfg_.listen_address; }
  int listen_port() const override { return cfg_.listen_port; }
  std::string fix_settings_path() const override { return cfg_.fix_settings_path; }
  std::string state_dir() const override { return cfg_.state_dir; }
  std::string journal_path() const override { return cfg_.journal_path; }
  bool committed_reports(const std::string& client_code, uint64_t after_seq, size_t max,
                         std::vector<StoredReportOut>* out, std::string* error) const override;
  uint64_t recovered_seq() const override { return recovered_seq_; }
  std::string audit_public_key() const override { return audit_key_ ? audit_key_->public_hex() : std::string(); }

  std::vector<std::string> banner() const override {
    std::vector<std::string> lines;
    for (const auto& s : sessions_) {
      std::string line = "  session FIX.4.4 SenderCompID=" + s.client_comp_id + " TargetCompID=<gateway CompID>" +
                         " client=" + s.client_code + " Username=" + s.username;
      for (const auto& d : demo_) {
        if (d.client_code == s.client_code) line += " Password=" + d.password;
      }
      lines.push_back(line);
    }
    return lines;
  }

  // EventSink: engine thread, after commit.
  void deliver(const std::vector<Event>& events) override;

 private:
  const ClientSpec* client_or_why(const std::string& code, std::string* why) const {
    const ClientSpec* c = cfg_.ref.find_client(code);
    if (c == nullptr) *why = reject_text(RejectReason::kUnknownClient, "client '" + code + "' not configured");
    return c;
  }

  template <typename Cmd>
  bool submit(Cmd cmd, std::string* why) {
    if (runner_.halted()) {
      // The storage error itself (paths, SQLite text) stays in our log, not on the wire.
      *why = reject_text(RejectReason::kJournalHalted, "journal commit failed; no new business accepted");
      return false;
    }
    if (!runner_.submit(Command(std::move(cmd)))) {
      *why = reject_text(RejectReason::kEngineBusy, "engine queue full");
      return false;
    }
    return true;
  }

  // FIX-ready reports; pure functions of the event and the reference data (any thread).
  ExecReportOut exec_report_out(const ExecReportEvent& x) const;
  ExecReportOut order_rejected_out(const OrderRejectedEvent& j) const;
  CancelRejectOut cancel_rejected_out(const CancelRejectedEvent& c) const;

  std::string qty_text(InstrumentId i, Qty q) const { return format_qty(cfg_.ref, cfg_.ref.instrument(i), q); }
  std::string px_text(InstrumentId i, Price p) const { return format_price(cfg_.ref.instrument(i), p); }
  const std::string& client_code(ClientId c) const { return cfg_.ref.client(c).code; }

  GatewayConfig cfg_;
  SystemClock clock_;
  std::unique_ptr<ledger::SqliteJournal> journal_;
  ledger::Ledger ledger_;
  Engine engine_;
  SimulatedFeed feed_;
  Runner runner_;
  Outbound* out_ = nullptr;
  std::vector<SessionEntry> sessions_;
  std::unordered_map<std::string, size_t> by_comp_id_;
  std::vector<DemoCredential> demo_;
  std::unique_ptr<Ed25519Key> audit_key_;
  bool key_created_ = false;
  uint64_t recovered_seq_ = 0;
};

// A credit line that differs from the last one journaled (none = 0) is journaled, before
// any posting may use it: the verifier (otcctl verify) checks balances against the
// journal alone.
void CoreImpl::journal_credit_lines(const ledger::RecoveredState& state) {
  for (const ClientSpec& client : cfg_.ref.clients) {
    for (const AssetSpec& asset : cfg_.ref.assets) {
      const Amount line = ledger_.credit_line(client.code, asset.code);
      const auto journaled = state.credit_lines.find({client.code, asset.code});
      if (line.value == (journaled == state.credit_lines.end() ? 0 : journaled->second)) continue;
      ledger::JournalRecord rec;
      rec.kind = ledger::RecordKind::kCreditLine;
      rec.ts = clock_.now();
      rec.client = client.code;
      rec.payload = "{\"amount\":" + std::to_string(line.value) + ",\"asset\":\"" + asset.code + "\",\"client\":\"" +
                    client.code + "\"}";
      journal_->append(std::move(rec));
    }
  }
}

bool CoreImpl::recover(std::string* error) {
  Result<Ed25519Key> key = Ed25519Key::load_or_create(cfg_.audit_key_path, cfg_.audit_public_key_path, &key_created_);
  if (!key.ok()) {
    *error = key.reject().detail;
    return false;
  }
  audit_key_ = std::make_unique<Ed25519Key>(std::move(key).value());
  ledger::CheckpointPolicy policy;
  policy.every_records = cfg_.checkpoint_every_records;
  policy.every_us = cfg_.checkpoint_every_seconds * 1000000;
  policy.key = audit_key_.get();
  policy.balances = [this](ledger::BalancesDigest* d) {
    std::vector<ledger::Account> accounts = ledger_.accounts();
    std::sort(accounts.begin(), accounts.end(),
              [](const ledger::Account& a, const ledger::Account& b) { return a.id < b.id; });
    for (const ledger::Account& a : accounts) d->add(a.id.value, ledger_.balance(a.id).value);
  };
  journal_->set_checkpoints(std::move(policy));
  Status tail = journal_->check_tail(audit_key_->public_hex());
  if (!tail.ok()) {
    *error = tail.reject().detail;
    return false;
  }

  ledger::RecoveredState state;
  Status s = journal_->load(&state);
  if (!s.ok()) {
    *error = "journal " + cfg_.journal_path + ": " + s.reject().detail;
    return false;
  }
  // Credit lines first: restore() checks every restored balance against its line, and
  // accounts opened later (new clients, new assets) get theirs from the same table.
  for (const ClientSpec& client : cfg_.ref.clients) {
    for (const auto& [asset_id, amount] : client.limits.credit) {
      ledger_.set_credit_line(client.code, cfg_.ref.asset(AssetId(asset_id)).code, amount);
    }
  }
  std::vector<ledger::RestoredAccount> accounts = state.accounts;
  for (auto& a : accounts) {
    const AssetSpec* asset = cfg_.ref.find_asset(a.account.asset_code);
    if (asset == nullptr) {
      *error = "journal " + cfg_.journal_path + " holds asset " + a.account.asset_code + " that the config lacks";
      return false;
    }
    a.account.asset = asset->id;
  }
  s = ledger_.restore(accounts, state.last_transfer_id);
  if (!s.ok()) {
    *error = "journal " + cfg_.journal_path + ": " + s.reject().detail;
    return false;
  }
  journal_credit_lines(state);
  s = engine_.start(state);
  if (!s.ok()) {
    *error = s.reject().detail;
    return false;
  }
  recovered_seq_ = state.last_seq;
  if (state.last_seq == 0) {
    // A new book: fund the demo clients from the external account.
    for (const DemoBalance& b : cfg_.demo_balances) {
      s = engine_.deposit(b.client, b.asset, b.amount, "demo funding");
      if (!s.ok()) {
        *error = "demo funding: " + s.reject().detail;
        return false;
      }
    }
  }
  if (journal_->pending() > 0) {
    s = journal_->commit();
    if (!s.ok()) {
      *error = "journal " + cfg_.journal_path + ": " + s.reject().detail;
      return false;
    }
  }
  return true;
}

void CoreImpl::deliver(const std::vector<Event>& events) {
  if (out_ == nullptr) return;
  for (const Event& e : events) {
    if (const auto* q = std::get_if<QuotedEvent>(&e)) {
      QuoteOut o;
      o.client_code = client_code(q->client);
      o.quote_req_id = q->quote_req_id;
      o.quote_id = format_quote_id(q->quote_id);
      o.symbol = cfg_.ref.instrument(q->instrument).symbol;
      o.side = q->side ? side_char(*q->side) : 0;
      o.order_qty = qty_text(q->instrument, q->qty);
      if (q->bid) {
        o.bid_px = px_text(q->instrument, *q->bid);
        o.bid_size = o.order_qty;
      }
      if (q->offer) {
        o.offer_px = px_text(q->instrument, *q->offer);
        o.offer_size = o.order_qty;
      }
      o.valid_until = format_fix_timestamp_ms(q->valid_until);
      o.transact_time = format_fix_timestamp_ms(q->ts);
      o.firm = q->firm;
      out_->send_quote(o);
    } else if (const auto* md = std::get_if<MarketDataEvent>(&e)) {
      const InstrumentSpec& inst = cfg_.ref.instrument(md->instrument);
      MarketDataOut o;
      o.client_code = client_code(md->client);
      o.md_req_id = md->md_req_id;
      o.symbol = inst.symbol;
      for (size_t i = 0; i < md->rungs.size(); ++i) {
        const MdRung& r = md->rungs[i];
        const std::string size = qty_text(inst.id, r.qty);
        if (r.bid) o.entries.push_back(MdEntryOut{'0', px_text(inst.id, *r.bid), size, static_cast<int>(i + 1)});
        if (r.offer) o.entries.push_back(MdEntryOut{'1', px_text(inst.id, *r.offer), size, static_cast<int>(i + 1)});
      }
      out_->send_market_data(o);
    } else if (const auto* mr = std::get_if<MarketDataRejectedEvent>(&e)) {
      MarketDataRejectOut o;
      o.client_code = client_code(mr->client);
      o.md_req_id = mr->md_req_id;
      o.reason = md_req_rej_reason(mr->reject.reason);
      o.text = reject_text(mr->reject.reason, mr->reject.detail);
      out_->send_market_data_reject(o);
    } else if (const auto* x = std::get_if<QuoteCancelAnsweredEvent>(&e)) {
      QuoteStatusOut o;
      o.client_code = client_code(x->client);
      o.quote_id = x->quote_id;
      if (x->reject) {
        const RejectReason r = x->reject->reason;
        const bool not_found = r == RejectReason::kUnknownQuote || r == RejectReason::kQuoteOfOtherClient ||
                               r == RejectReason::kQuoteAlreadyExecuted || r == RejectReason::kQuoteExpired ||
                               r == RejectReason::kQuoteCanceled;
        o.quote_status = not_found ? 9 : 5;  // Quote not found : Rejected
        o.text = reject_text(r, x->reject->detail);
      } else {
        o.quote_status = x->cancel_type == 4 ? 4 : 1;  // Canceled all : Canceled for symbol
        o.text = "canceled " + std::to_string(x->canceled) + (x->canceled == 1 ? " quote" : " quotes");
      }
      out_->send_quote_status(o);
    } else if (const auto* r = std::get_if<QuoteRejectedEvent>(&e)) {
      QuoteRejectOut o;
      o.client_code = client_code(r->client);
      o.quote_req_id = r->quote_req_id;
      o.symbol = r->symbol;
      o.side = r->side;
      o.order_qty = r->qty_text;
      o.reason = quote_request_reject_reason(r->reject.reason);
      o.text = reject_text(r->reject.reason, r->reject.detail);
      out_->send_quote_reject(o);
    } else if (const auto* er = std::get_if<ExecReportEvent>(&e)) {
      out_->send_exec_report(exec_report_out(*er));
    } else if (const auto* j = std::get_if<OrderRejectedEvent>(&e)) {
      out_->send_exec_report(order_rejected_out(*j));
    } else if (const auto* cr = std::get_if<CancelRejectedEvent>(&e)) {
      out_->send_cancel_reject(cancel_rejected_out(*cr));
    } else if (const auto* n = std::get_if<OrderNotTakenEvent>(&e)) {
      BusinessRejectOut o;
      o.client_code = client_code(n->client);
      o.ref_msg_type = std::string(1, n->msg_type);  // D, F or G
      o.ref_id = n->cl_ord_id;
      o.reason = 4;  // application not available
      o.text = reject_text(n->reject.reason, n->reject.detail);
      out_->send_business_reject(o);
    }
  }
}

// One ExecutionReport per state change of an accepted order, or a status answer (H).
ExecReportOut CoreImpl::exec_report_out(const ExecReportEvent& x) const {
  const OrderView& v = x.order;
  ExecReportOut o;
  o.client_code = client_code(v.client);
  o.order_id = format_order_id(v.order_id);
  // A status answer changes nothing and spends no ExecID: FIX 4.4 asks for ExecID "0" then.
  o.exec_id = (x.kind == ExecKind::kStatus || x.exec_id.value == 0) ? std::string("0") : format_exec_id(x.exec_id);
  o.cl_ord_id = v.cl_ord_id;
  o.orig_cl_ord_id = v.orig_cl_ord_id;
  o.exec_type = static_cast<char>(x.kind);
  o.ord_status = static_cast<char>(v.status);
  o.symbol = cfg_.ref.instrument(v.instrument).symbol;
  o.side = side_char(v.side);
  o.ord_type = v.ord_type;
  o.order_qty = qty_text(v.instrument, v.qty);
  if (v.price) o.price = px_text(v.instrument, *v.price);
  o.tif = v.tif;
  if (v.expire) o.expire_time = format_fix_timestamp_ms(*v.expire);
  if (x.kind == ExecKind::kTrade) {
    const AssetSpec& quote = cfg_.ref.asset(cfg_.ref.instrument(v.instrument).quote);
    o.last_qty = qty_text(v.instrument, x.last_qty);
    o.last_px = px_text(v.instrument, x.last_px);
    o.gross_trade_amt = format_decimal(x.notional.value, quote.decimals);
    o.commission = format_decimal(x.fee.value, quote.decimals);
    o.comm_currency = quote.code;
  }
  o.cum_qty = qty_text(v.instrument, v.cum_qty);
  o.leaves_qty = qty_text(v.instrument, v.leaves_qty);
  o.avg_px = v.cum_qty.value == 0 ? std::string("0") : px_text(v.instrument, v.avg_px);
  o.text = x.text;
  o.transact_time = format_fix_timestamp_ms(x.ts);
  o.journal_seq = x.seq;
  return o;
}

// An order refused before acceptance (150=8), or the status answer about an order we do
// not know (150=I, 39=8, 103=5).
ExecReportOut CoreImpl::order_rejected_out(const OrderRejectedEvent& j) const {
  ExecReportOut o;
  o.client_code = client_code(j.client);
  o.order_id = j.order_id.value == 0 ? std::string("NONE") : format_order_id(j.order_id);
  o.exec_id = j.exec_id.value == 0 ? std::string("0") : format_exec_id(j.exec_id);
  o.cl_ord_id = j.cl_ord_id;
  o.exec_type = j.exec_type == 'I' ? 'I' : '8';
  o.ord_status = '8';
  o.symbol = j.symbol;
  o.side = j.side;
  o.ord_type = j.ord_type;
  o.order_qty = j.qty_text;
  o.price = j.price_text;
  o.cum_qty = "0";
  o.leaves_qty = "0";
  o.avg_px = "0";
  o.ord_rej_reason = ord_rej_reason(j.reject.reason);
  o.text = reject_text(j.reject.reason, j.reject.detail);
  o.transact_time = format_fix_timestamp_ms(j.ts);
  o.journal_seq = j.seq;
  return o;
}

CancelRejectOut CoreImpl::cancel_rejected_out(const CancelRejectedEvent& c) const {
  CancelRejectOut o;
  o.client_code = client_code(c.client);
  o.order_id = c.order_id ? format_order_id(*c.order_id) : std::string("NONE");
  o.cl_ord_id = c.cl_ord_id;
  o.orig_cl_ord_id = c.orig_cl_ord_id;
  o.ord_status = c.ord_status ? static_cast<char>(*c.ord_status) : '8';
  o.response_to = c.response_to;
  o.cxl_rej_reason = cxl_rej_reason(c.reject.reason);
  o.text = reject_text(c.reject.reason, c.reject.detail);
  o.journal_seq = c.seq;
  return o;
}

bool CoreImpl::committed_reports(const std::string& client_code, uint64_t after_seq, size_t max,
                                 std::vector<StoredReportOut>* out, std::string* error) const {
  out->clear();
  auto reader = ledger::SqliteReportReader::open(cfg_.journal_path);
  if (!reader.ok()) {
    *error = reader.reject().detail;
    return false;
  }
  std::vector<ledger::StoredRecord> records;
  Status s = reader.value()->reports_after(client_code, after_seq, max, &records);
  if (!s.ok()) {
    *error = s.reject().detail;
    return false;
  }
  for (const ledger::StoredRecord& r : records) {
    Result<Event> e = report_of_record(cfg_.ref, r);
    if (!e.ok()) {
      *error = e.reject().detail;
      return false;
    }
    StoredReportOut o;
    o.journal_seq = r.seq;
    if (const auto* x = std::get_if<ExecReportEvent>(&e.value())) {
      o.exec_report = exec_report_out(*x);
    } else if (const auto* j = std::get_if<OrderRejectedEvent>(&e.value())) {
      o.exec_report = order_rejected_out(*j);
    } else {
      o.cancel_reject = true;
      o.cancel = cancel_rejected_out(std::get<CancelRejectedEvent>(e.value()));
    }
    out->push_back(std::move(o));
  }
  return true;
}

}  // namespace

std::unique_ptr<Core> create_core(const Options& options, std::string* error) {
  GatewayConfig cfg;
  if (!load_config(options.config_path, &cfg, error)) return nullptr;
  if (!options.state_dir.empty()) {
    const auto journal_name = std::filesystem::path(cfg.journal_path).filename();
    cfg.state_dir = std::filesystem::absolute(options.state_dir).lexically_normal().string();
    cfg.journal_path = (std::filesystem::path(cfg.state_dir) / journal_name).string();
  }
  {
    std::filesystem::path key(cfg.audit_key);
    if (key.is_relative()) key = std::filesystem::path(cfg.state_dir) / key;
    cfg.audit_key_path = key.lexically_normal().string();
    cfg.audit_public_key_path = key.replace_extension(".pub").lexically_normal().string();
  }
  if (!options.listen_address.empty()) cfg.listen_address = options.listen_address;
  if (options.listen_port >= 0) cfg.listen_port = options.listen_port;
  std::error_code ec;
  std::filesystem::create_directories(cfg.state_dir, ec);
  if (ec) {
    *error = "cannot create state directory " + cfg.state_dir + ": " + ec.message();
    return nullptr;
  }
  std::vector<DemoCredential> demo;
  if (!options.demo_credentials_path.empty() &&
      !load_demo_credentials(options.demo_credentials_path, cfg, &demo, error)) {
    return nullptr;
  }
  auto journal = ledger::SqliteJournal::open(cfg.journal_path);
  if (!journal.ok()) {
    *error = "journal " + cfg.journal_path + ": " + journal.reject().detail;
    return nullptr;
  }
  auto core = std::make_unique<CoreImpl>(std::move(cfg), std::move(journal).value());
  if (!core->recover(error)) return nullptr;
  core->set_demo(std::move(demo));
  return core;
}

}  // namespace otc::gw
