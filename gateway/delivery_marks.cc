#include "gateway/delivery_marks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace otc {
namespace gw {
namespace {

const char kHeader[] = "otcgw-delivery-marks v1 base=";

bool write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool parse_u64(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

struct Line {
  uint64_t seq = 0;
  uint64_t fix_seq = 0;
  std::string created;
};

}  // namespace

DeliveryMarks::~DeliveryMarks() {
  if (fd_ >= 0) ::close(fd_);
}

bool DeliveryMarks::open(const std::string& path, uint64_t journal_last_seq, const StoreProbe& probe,
                         std::string* error) {
  path_ = path;
  std::map<std::string, std::vector<Line>> last_two;  // per client: its last two lines
  std::ifstream in(path);
  if (!in) {
    if (errno != ENOENT) {
      *error = "delivery marks " + path + ": cannot read: " + std::strerror(errno);
      return false;
    }
    fresh_ = true;
    base_ = journal_last_seq;
  } else {
    std::string header;
    if (!std::getline(in, header) || header.compare(0, sizeof kHeader - 1, kHeader) != 0 ||
        !parse_u64(header.substr(sizeof kHeader - 1), &base_)) {
      *error = "delivery marks " + path + ": not a delivery marks file (bad first line)";
      return false;
    }
    std::string text;
    size_t line_no = 1;
    while (std::getline(in, text)) {
      ++line_no;
      if (in.eof() && !text.empty()) break;  // a torn last line (killed mid-write): never completed
      std::istringstream ls(text);
      std::string client, seq, fix_seq, created, extra;
      Line l;
      if (!(ls >> client >> seq >> fix_seq >> created) || (ls >> extra) || !parse_u64(seq, &l.seq) ||
          !parse_u64(fix_seq, &l.fix_seq)) {
        *error = "delivery marks " + path + ": malformed line " + std::to_string(line_no);
        return false;
      }
      l.created = created;
      std::vector<Line>& v = last_two[client];
      if (v.size() == 2) v.erase(v.begin());
      v.push_back(l);
    }
  }
  marks_.clear();
  for (const auto& kv : last_two) {
    const std::vector<Line>& v = kv.second;
    const Line& last = v.back();
    bool complete = last.created == "-";
    if (!complete) {
      StoreState st;
      // No session any more, or a store made since (reset): the send completed before.
      complete = !probe(kv.first, &st) || st.created != last.created ||
                 last.fix_seq < static_cast<uint64_t>(st.next_sender_seq);
    }
    uint64_t mark = base_;
    if (complete) {
      mark = last.seq;
    } else if (v.size() == 2) {
      mark = v[0].seq;  // handed over before the last one started: complete
    }
    if (mark > journal_last_seq) mark = journal_last_seq;  // marks of another journal file
    if (mark < base_) mark = base_;
    marks_[kv.first] = mark;
  }
  if (base_ > journal_last_seq) base_ = journal_last_seq;

  // Rewrite compactly: the header and one known-complete line per client.
  std::string out = kHeader + std::to_string(base_) + "\n";
  for (const auto& kv : marks_) out += kv.first + " " + std::to_string(kv.second) + " 0 -\n";
  const std::string tmp = path + ".tmp";
  const int tfd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (tfd < 0 || !write_all(tfd, out) || ::fsync(tfd) != 0) {
    *error = "delivery marks " + tmp + ": cannot write: " + std::strerror(errno);
    if (tfd >= 0) ::close(tfd);
    return false;
  }
  ::close(tfd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = "delivery marks " + path + ": cannot replace: " + std::strerror(errno);
    return false;
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) {
    *error = "delivery marks " + path + ": cannot open for append: " + std::strerror(errno);
    return false;
  }
  return true;
}

uint64_t DeliveryMarks::mark(const std::string& client) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = marks_.find(client);
  return it == marks_.end() ? base_ : it->second;
}

bool DeliveryMarks::record(const std::string& client, uint64_t seq, int fix_seq, const std::string& created,
                           std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  marks_[client] = seq;
  if (fd_ < 0) {
    *error = "delivery marks not open";
    return false;
  }
  const std::string line = client + " " + std::to_string(seq) + " " + std::to_string(fix_seq) + " " +
                           (created.empty() ? std::string("?") : created) + "\n";
  if (!write_all(fd_, line)) {
    *error = "delivery marks " + path_ + ": write failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace gw
}  // namespace otc
