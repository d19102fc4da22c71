// engine/price_feed.h: reference prices, from a deterministic simulated source.
//
// A PriceSource produces reference mids with timestamps; the runner turns them into
// PriceTick commands for the engine, so the engine itself never asks for prices.
// SimulatedFeed is a seeded random walk per instrument: the same seed and the same
// sequence of step() calls give the same prices, bit for bit. Single-threaded.
#pragma once

#include <cstdint>
#include <vector>

#include "common/types.h"
#include "engine/reference_data.h"

namespace otc::engine {

struct PriceTick {
  InstrumentId instrument;
  Price mid;
  TimeUs ts;
};

class PriceSource {
 public:
  virtual ~PriceSource() = default;
  // Prices as of `now`, one per instrument that has one.
  virtual std::vector<PriceTick> step(TimeUs now) = 0;
};

class SimulatedFeed final : public PriceSource {
 public:
  SimulatedFeed(const ReferenceData& ref, uint64_t seed);
  std::vector<PriceTick> step(TimeUs now) override;

 private:
  uint64_t next_random();  // splitmix64

  const ReferenceData& ref_;
  uint64_t state_;
  std::vector<int64_t> mids_;
  bool first_ = true;
};

}  // namespace otc::engine
