// engine/runner.h: the engine thread, its bounded inbound queue and group commit.
//
// Session threads call submit() (never blocks: a full queue answers false and the
// caller rejects with kEngineBusy). The runner thread takes every waiting command (up
// to batch_max), lets the engine handle them, commits the journal once for the whole
// batch, and only then hands the batch's events to the sink. So no answer derived from
// a record leaves before that record is durable, and throughput grows with load.
//
// Quotes, quote rejects and price snapshots are the exception: they are delivered
// before the commit (the issue allows quotes to be answered before their record is
// durable), so an RFQ does not wait for the fsync. An order on a quote always arrives
// in a later batch, after that quote's commit.
//
// If a commit fails the journal halts; the batch's orders (accepted, filled or
// rejected: their OrderIDs/ExecIDs were never made durable) are answered as
// OrderNotTaken, and its QuoteCancels as answered with nothing canceled
// (kJournalHalted); so is every later request. A quote of that batch was already sent
// but can never be executed (every later order is refused). The reason is logged and
// kept (halt_reason()). A failed checkpoint halts the same way.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "engine/engine.h"

namespace otc::engine {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Called on the engine thread with the events of one committed batch, in order.
  virtual void deliver(const std::vector<Event>& events) = 0;
};

struct RunnerConfig {
  size_t queue_capacity = 65536;
  size_t batch_max = 1024;
  int64_t feed_interval_ms = 100;    // reference price steps
  int64_t timer_interval_ms = 100;   // quote expiry sweeps
};

class Runner {
 public:
  Runner(const ReferenceData& ref, Engine& engine, ledger::Journal& journal, const Clock& clock, PriceSource* feed,
         EventSink& sink, RunnerConfig config);
  ~Runner();

  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Handles session ends submitted before it (start-up housekeeping), then feeds the first
  // reference prices (so quotes can be given at once), then starts the thread.
  void start();
  // Handles what is queued, then stops the thread. Idempotent.
  void stop();

  // Thread-safe, never blocks for long. False when the queue is full or stopped.
  [[nodiscard]] bool submit(Command cmd);
  // For session housekeeping that must not be lost to a full queue (SessionEndedCmd):
  // taken even beyond queue_capacity (one per session event, so bounded by sessions).
  // False only when stopped.
  [[nodiscard]] bool submit_control(Command cmd);

  bool halted() const { return halted_.load(std::memory_order_acquire); }
  std::string halt_reason() const;
  size_t queue_depth() const;

 private:
  void run();
  void feed_prices(TimeUs now, std::vector<Event>* events);
  // Handles `batch` after what this round already put in `events` (timer), commits once,
  // then delivers everything.
  void process(std::vector<Command>& batch, std::vector<Event>& events);
  void rewrite_as_halted(std::vector<Event>& events) const;
  void halt(const std::string& why);

  const ReferenceData& ref_;
  Engine& engine_;
  ledger::Journal& journal_;
  const Clock& clock_;
  PriceSource* feed_;
  EventSink& sink_;
  RunnerConfig config_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Command> queue_;  // bounded by config_.queue_capacity
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<bool> halted_{false};
  std::string halt_reason_;  // guarded by mu_
  std::vector<Event> early_;  // run thread only: what process() delivers before the commit
};

}  // namespace otc::engine
