#include "common/assert.h"
#include "engine/order_book.h"

namespace otc::engine {

Price Order::avg_px() const {
  if (cum.value == 0) return Price(0);
  const __int128 q = cum.value;
  return Price(static_cast<int64_t>((cum_value + q / 2) / q));
}

OrderBook::Key OrderBook::key(const Order& o) {
  return o.side == Side::kBuy ? Key(-o.limit.value, o.priority) : Key(o.limit.value, o.priority);
}

void OrderBook::add(const Order& o) {
  OTC_ASSERT(is_open(o.status));
  OTC_ASSERT(o.leaves().value > 0);
  OTC_ASSERT(o.limit.value > 0);
  auto& m = o.side == Side::kBuy ? bids_ : asks_;
  const bool inserted = m.emplace(key(o), o.id).second;
  OTC_ASSERT(inserted);
}

void OrderBook::remove(const Order& o) {
  auto& m = o.side == Side::kBuy ? bids_ : asks_;
  auto it = m.find(key(o));
  OTC_ASSERT(it != m.end() && it->second == o.id);
  m.erase(it);
}

bool OrderBook::contains(const Order& o) const {
  const auto& m = o.side == Side::kBuy ? bids_ : asks_;
  auto it = m.find(key(o));
  return it != m.end() && it->second == o.id;
}

std::vector<OrderId> OrderBook::side_orders(Side side) const {
  const auto& m = side == Side::kBuy ? bids_ : asks_;
  std::vector<OrderId> out;
  out.reserve(m.size());
  for (const auto& [k, id] : m) out.push_back(id);
  return out;
}

}  // namespace otc::engine
