// common/result.h: a value or a precise rejection.
//
// Anything that can turn a request down returns Result<T>: either a T or a Reject
// carrying a stable RejectReason and a human-readable detail (for FIX Text(58)).
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "common/reject.h"

namespace otc {

struct Reject {
  RejectReason reason;
  std::string detail;  // specific to this request, e.g. "0.00005 is not a multiple of 0.0001"
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Reject reject) : v_(std::move(reject)) {}   // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Reject& reject() const { return std::get<1>(v_); }

 private:
  std::variant<T, Reject> v_;
};

struct Ok {};
using Status = Result<Ok>;

inline Reject make_reject(RejectReason r, std::string detail = {}) { return Reject{r, std::move(detail)}; }

}  // namespace otc
