// tests/catch_printers.h: how Catch2 prints our types in failure messages.
// Include after <catch2/catch.hpp>.
#pragma once

#include <string>

#include "common/reject.h"
#include "common/types.h"

namespace Catch {
template <>
struct StringMaker<otc::RejectReason> {
  static std::string convert(otc::RejectReason r) {
    return std::string(otc::reject_name(r)) + " (" + std::to_string(static_cast<int>(r)) + ")";
  }
};
}  // namespace Catch
