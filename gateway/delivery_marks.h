// gateway/delivery_marks.h: which committed reports each client's session was handed.
//
// A report (ExecutionReport, OrderCancelReject) is sent only after its journal record
// committed, and only to a logged-on session; a client that was logged out, or a gateway
// that crashed between commit and send, leaves reports committed but unsent. They are
// sent when the client logs on again, from the journal (FixApp::onLogon). To send each
// exactly once, this file remembers per client the last journal record whose report was
// handed to QuickFIX: one line appended (write(2), O_APPEND: survives kill -9) per
// report, just before QuickFIX stores and sends it, with the FIX MsgSeqNum it got and
// the creation time of the session's store. At start-up the last line of a client counts
// only if that message completed: its MsgSeqNum is below the store's next sender number
// in the same store incarnation (QuickFIX advances it after sending); otherwise the
// crash came between our line and the send, and the report goes again.
//
// Format (text, one record per line):
//   otcgw-delivery-marks v1 base=<seq>     first line: reports up to <seq> count as delivered
//   <client> <journal seq> <fix seq> <store created>   (created "-" and fix seq 0: known complete)
// Rewritten compactly (temp file, fsync, rename) at every start. Plain C++14 (gateway/).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace otc {
namespace gw {

class DeliveryMarks {
 public:
  struct StoreState {
    int next_sender_seq = 1;
    std::string created;  // the store's creation time as text
  };
  // (client) -> its session store's state now; false if it has no session.
  using StoreProbe = std::function<bool(const std::string&, StoreState*)>;

  DeliveryMarks() = default;
  ~DeliveryMarks();
  DeliveryMarks(const DeliveryMarks&) = delete;
  DeliveryMarks& operator=(const DeliveryMarks&) = delete;

  // Reads `path` (a missing file starts at base `journal_last_seq`: whatever an older build
  // sent is not sent again), computes every client's mark, clamps marks to
  // `journal_last_seq`, rewrites the file compactly and keeps it open for record().
  bool open(const std::string& path, uint64_t journal_last_seq, const StoreProbe& probe, std::string* error);

  // The last journal record whose report the client's session was handed.
  uint64_t mark(const std::string& client) const;

  // Notes that the report of journal record `seq` gets FIX MsgSeqNum `fix_seq` in the store
  // created at `created`. False (and says why) if the line could not be written.
  bool record(const std::string& client, uint64_t seq, int fix_seq, const std::string& created, std::string* error);

  const std::string& path() const { return path_; }
  bool started_fresh() const { return fresh_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool fresh_ = false;
  uint64_t base_ = 0;
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> marks_;
};

}  // namespace gw
}  // namespace otc
