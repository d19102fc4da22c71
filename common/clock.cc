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

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool parse_fix_timestamp(std::string_view s, TimeUs* out) {
  int y, mo, d, h, mi, se;
  if (s.size() != 17 && s.size() != 21 && s.size() != 24) return false;
  if (!digits(s, 0, 4, &y) || !digits(s, 4, 2, &mo) || !digits(s, 6, 2, &d) || s[8] != '-' ||
      !digits(s, 9, 2, &h) || s[11] != ':' || !digits(s, 12, 2, &mi) || s[14] != ':' || !digits(s, 15, 2, &se)) {
    return false;
  }
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || d < 1) return false;
  const int month_days = kDays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0);
  if (d > month_days || h > 23 || mi > 59 || se > 59) return false;
  int64_t frac_us = 0;
  if (s.size() > 17) {
    if (s[17] != '.') return false;
    int f = 0;
    if (s.size() == 21) {
      if (!digits(s, 18, 3, &f)) return false;
      frac_us = static_cast<int64_t>(f) * 1000;
    } else {
      if (!digits(s, 18, 6, &f)) return false;
      frac_us = f;
    }
  }
  const int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  *out = TimeUs(secs * 1000000 + frac_us);
  return true;
}

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
