// common/clock.h: time as an injected dependency, and UTC formatting.
//
// The engine never reads the wall clock: it is handed a Clock. SystemClock is for the
// running gateway; ManualClock for tests and replays. now() may be called from any
// thread for SystemClock; ManualClock is single-threaded.
#pragma once

#include <string>
#include <string_view>

#include "common/types.h"

namespace otc {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeUs now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimeUs now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeUs start) : now_(start) {}
  TimeUs now() const override { return now_; }
  void set(TimeUs t) { now_ = t; }
  void advance_us(int64_t us) { now_ = TimeUs(now_.value + us); }

 private:
  TimeUs now_;
};

// FIX UTCTimestamp with milliseconds: "YYYYMMDD-HH:MM:SS.sss".
std::string format_fix_timestamp_ms(TimeUs t);
// ISO 8601 with microseconds: "YYYY-MM-DDTHH:MM:SS.ssssssZ".
std::string format_iso8601_us(TimeUs t);

// Parses a FIX UTCTimestamp "YYYYMMDD-HH:MM:SS" with optional ".sss" or ".ssssss"
// (FIX 4.4 allows milliseconds; we also take microseconds). Checks every field's range
// (leap seconds refused). False on anything else.
[[nodiscard]] bool parse_fix_timestamp(std::string_view text, TimeUs* out);

}  // namespace otc
