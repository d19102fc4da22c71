#include "common/assert.h"
#include "engine/price_feed.h"


#include "common/checked.h"

namespace otc::engine {

SimulatedFeed::SimulatedFeed(const ReferenceData& ref, uint64_t seed) : ref_(ref), state_(seed) {
  mids_.reserve(ref.instruments.size());
  for (const auto& inst : ref.instruments) {
    OTC_ASSERT(inst.initial_mid.value > 0 && inst.initial_mid.value % inst.tick == 0);
    mids_.push_back(inst.initial_mid.value);
  }
}

uint64_t SimulatedFeed::next_random() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::vector<PriceTick> SimulatedFeed::step(TimeUs now) {
  std::vector<PriceTick> out;
  out.reserve(mids_.size());
  for (size_t i = 0; i < mids_.size(); ++i) {
    const InstrumentSpec& inst = ref_.instruments[i];
    if (!first_ && inst.step_cbps > 0) {
      // Uniform move in [-step, +step] cbps, rounded to the tick; never below one tick.
      const uint64_t span = static_cast<uint64_t>(2 * inst.step_cbps + 1);
      const int64_t move_cbps = static_cast<int64_t>(next_random() % span) - inst.step_cbps;
      int64_t delta = 0;
      const int64_t mag = move_cbps < 0 ? -move_cbps : move_cbps;
      if (mul_div(mids_[i], mag, kCbpsPerUnit, Rounding::kDown, &delta)) {
        delta = delta / inst.tick * inst.tick;
        int64_t next = move_cbps < 0 ? mids_[i] - delta : mids_[i] + delta;
        if (next < inst.tick) next = inst.tick;
        mids_[i] = next;
      }
    }
    out.push_back(PriceTick{inst.id, Price(mids_[i]), now});
  }
  first_ = false;
  return out;
}

}  // namespace otc::engine
