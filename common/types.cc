#include "common/types.h"

#include <charconv>

namespace otc {

std::string format_order_id(OrderId id) { return "O" + std::to_string(id.value); }
std::string format_quote_id(QuoteId id) { return "Q" + std::to_string(id.value); }
std::string format_exec_id(ExecId id) { return "E" + std::to_string(id.value); }

bool parse_quote_id(const std::string& text, QuoteId* out) {
  if (text.size() < 2 || text.size() > 21 || text[0] != 'Q') return false;
  if (text[1] == '0') return false;  // canonical form only: no leading zeros, no Q0
  uint64_t v = 0;
  const char* first = text.data() + 1;
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last) return false;
  *out = QuoteId(v);
  return true;
}

}  // namespace otc
