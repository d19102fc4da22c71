#include "common/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace otc {

TimeUs SystemClock::now() const {
  const auto d = std::chrono::system_clock::now().time_since_epoch();
  return TimeUs(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

namespace {

struct Split {
  std::tm tm;
  int64_t us;  // 0..999999
};

Split split(TimeUs t) {
  int64_t secs = t.value / 1000000;
  int64_t us = t.value % 1000000;
  if (us < 0) {
    us += 1000000;
    secs -= 1;
  }
  Split s{};
  const std::time_t tt = static_cast<std::time_t>(secs);
  gmtime_r(&tt, &s.tm);
  s.us = us;
  return s;
}

}  // namespace

std::string format_fix_timestamp_ms(TimeUs t) {
  const Split s = split(t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d-%02d:%02d:%02d.%03d", s.tm.tm_year + 1900, s.tm.tm_mon + 1,
                s.tm.tm_mday, s.tm.tm_hour, s.tm.tm_min, s.tm.tm_sec, static_cast<int>(s.us / 1000));
  return buf;
}

std::string format_iso8601_us(TimeUs t) {
  const Split s = split(t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", s.tm.tm_year + 1900, s.tm.tm_mon + 1,
                s.tm.tm_mday, s.tm.tm_hour, s.tm.tm_min, s.tm.tm_sec, static_cast<int>(s.us));
  return buf;
}

}  // namespace otc
