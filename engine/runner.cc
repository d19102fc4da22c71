#include "common/assert.h"
#include "engine/runner.h"

#include <chrono>
#include <cstdio>

#include "engine/pricing.h"

namespace otc::engine {

Runner::Runner(const ReferenceData& ref, Engine& engine, ledger::Journal& journal, const Clock& clock,
               PriceSource* feed, EventSink& sink, RunnerConfig config)
    : ref_(ref), engine_(engine), journal_(journal), clock_(clock), feed_(feed), sink_(sink), config_(config) {
  OTC_ASSERT(config_.queue_capacity > 0);
  OTC_ASSERT(config_.batch_max > 0);
  OTC_ASSERT(config_.feed_interval_ms > 0 && config_.timer_interval_ms > 0);
}

Runner::~Runner() { stop(); }

void Runner::start() {
  OTC_ASSERT(!thread_.joinable());
  // Session ends queued before start (start-up housekeeping: cancel-on-disconnect of
  // clients no session is logged on for) go first, before any price can fill what they
  // cancel; other queued commands wait for the thread as usual. Then the first prices,
  // which may already reach resting orders rebuilt from the journal: their fills are
  // committed and delivered like any batch's.
  std::vector<Command> queued;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::deque<Command> rest;
    for (Command& c : queue_) {
      if (std::holds_alternative<SessionEndedCmd>(c)) {
        queued.push_back(std::move(c));
      } else {
        rest.push_back(std::move(c));
      }
    }
    queue_.swap(rest);
  }
  std::vector<Event> events;
  process(queued, events);
  queued.clear();
  events.clear();
  feed_prices(clock_.now(), &events);
  process(queued, events);
  thread_ = std::thread([this] { run(); });
}

void Runner::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Runner::submit(Command cmd) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= config_.queue_capacity) return false;
    queue_.push_back(std::move(cmd));
  }
  cv_.notify_one();
  return true;
}

bool Runner::submit_control(Command cmd) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(cmd));
  }
  cv_.notify_one();
  return true;
}

std::string Runner::halt_reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return halt_reason_;
}

size_t Runner::queue_depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void Runner::feed_prices(TimeUs now, std::vector<Event>* events) {
  if (feed_ == nullptr) return;
  for (const PriceTick& t : feed_->step(now)) engine_.handle(PriceTickCmd{t}, events);
}

void Runner::run() {
  using Steady = std::chrono::steady_clock;
  const auto feed_every = std::chrono::milliseconds(config_.feed_interval_ms);
  const auto timer_every = std::chrono::milliseconds(config_.timer_interval_ms);
  auto next_feed = Steady::now() + feed_every;
  auto next_timer = Steady::now() + timer_every;
  std::vector<Command> batch;
  std::vector<Event> events;
  batch.reserve(config_.batch_max);
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_until(lock, std::min(next_feed, next_timer), [&] { return stopping_ || !queue_.empty(); });
      stopping = stopping_;
      while (!queue_.empty() && batch.size() < config_.batch_max) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const auto steady_now = Steady::now();
    events.clear();
    if (steady_now >= next_feed) {
      feed_prices(clock_.now(), &events);  // resting orders the new prices reach fill
      next_feed = steady_now + feed_every;
    }
    const bool timer = steady_now >= next_timer;
    if (timer) {
      engine_.handle(TimerCmd{}, &events);  // expiry sweep; market data that moved
      next_timer = steady_now + timer_every;
    }
    process(batch, events);
    batch.clear();
    if (timer && !journal_.halted()) {
      // Records committed in a quiet spell still get signed within the checkpoint interval.
      Status s = journal_.checkpoint_if_due(clock_.now(), false);
      if (!s.ok()) halt(s.reject().detail);
    }
    if (stopping) {
      std::lock_guard<std::mutex> lock(mu_);
      if (queue_.empty()) return;
    }
  }
}

void Runner::halt(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    halt_reason_ = why;
  }
  halted_.store(true, std::memory_order_release);
  std::fprintf(stderr, "otcgw: JOURNAL HALTED, refusing new business: %s\n", why.c_str());
}

void Runner::process(std::vector<Command>& batch, std::vector<Event>& events) {
  for (const Command& c : batch) engine_.handle(c, &events);
  // Quotes (and quote rejects, and prices) go out before the commit: answering them does
  // not wait for the fsync. An order on a quote comes in a later batch, so it executes
  // only a quote whose record committed first (or the journal halted and it is refused).
  // Everything else waits for the commit.
  early_.clear();
  size_t kept = 0;
  for (Event& e : events) {
    if (std::holds_alternative<QuotedEvent>(e) || std::holds_alternative<QuoteRejectedEvent>(e) ||
        std::holds_alternative<MarketDataEvent>(e)) {
      early_.push_back(std::move(e));
    } else {
      if (&events[kept] != &e) events[kept] = std::move(e);
      ++kept;
    }
  }
  events.resize(kept);
  if (!early_.empty()) sink_.deliver(early_);
  if (journal_.pending() > 0 && !journal_.halted()) {
    Status s = journal_.commit();
    if (!s.ok()) {
      halt(s.reject().detail);
      if (journal_.in_doubt()) {
        // It may be durable: neither its reports nor "not taken" may be told. After the
        // restart the journal says which, and committed reports are delivered then.
        std::fprintf(stderr, "otcgw: the last batch's outcome is in doubt: %zu answers withheld until restart\n",
                     events.size());
        events.clear();
      } else {
        rewrite_as_halted(events);
      }
    }
  }
  if (!events.empty()) sink_.deliver(events);
}

void Runner::rewrite_as_halted(std::vector<Event>& events) const {
  const Reject halted = make_reject(RejectReason::kJournalHalted, "journal commit failed; request not executed");
  std::vector<Event> out;
  out.reserve(events.size());
  for (Event& e : events) {
    if (auto* x = std::get_if<ExecReportEvent>(&e)) {
      // Its OrderID/ExecIDs never became durable: they must not be told to anyone. The
      // request that caused it gets one answer; fills, and cancels the engine made on
      // its own (IOC remainder, expiry, price moves), vanish: they never happened.
      if (x->kind == ExecKind::kNew) {
        out.push_back(OrderNotTakenEvent{x->order.client, x->order.cl_ord_id, 'D', halted, x->ts});
      } else if (x->kind == ExecKind::kReplaced) {
        out.push_back(OrderNotTakenEvent{x->order.client, x->order.cl_ord_id, 'G', halted, x->ts});
      } else if (x->kind == ExecKind::kCanceled && !x->order.orig_cl_ord_id.empty() && x->text.empty()) {
        out.push_back(OrderNotTakenEvent{x->order.client, x->order.cl_ord_id, 'F', halted, x->ts});
      } else if (x->kind == ExecKind::kStatus) {
        // A status read from memory may show the batch's lost changes: not told either.
        out.push_back(OrderNotTakenEvent{x->order.client, x->request_id, 'H', halted, x->ts});
      }
    } else if (auto* r = std::get_if<OrderRejectedEvent>(&e)) {
      out.push_back(OrderNotTakenEvent{r->client, r->cl_ord_id, r->exec_type == 'I' ? 'H' : 'D', halted, r->ts});
    } else if (auto* c = std::get_if<CancelRejectedEvent>(&e)) {
      out.push_back(OrderNotTakenEvent{c->client, c->cl_ord_id, c->response_to == '2' ? 'G' : 'F', halted, c->ts});
    } else if (auto* qc = std::get_if<QuoteCancelAnsweredEvent>(&e)) {
      // The withdrawal was never made durable: report that nothing was canceled.
      QuoteCancelAnsweredEvent answer = *qc;
      answer.canceled = 0;
      answer.reject = halted;
      out.push_back(std::move(answer));
    } else {
      out.push_back(std::move(e));
    }
  }
  events.swap(out);
}

}  // namespace otc::engine
