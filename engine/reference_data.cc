#include "engine/reference_data.h"

namespace otc::engine {

void ReferenceData::index() {
  instrument_by_symbol_.clear();
  asset_by_code_.clear();
  client_by_code_.clear();
  for (const auto& i : instruments) instrument_by_symbol_.emplace(i.symbol, i.id.value);
  for (const auto& a : assets) asset_by_code_.emplace(a.code, a.id.value);
  for (const auto& c : clients) client_by_code_.emplace(c.code, c.id.value);
}

const InstrumentSpec* ReferenceData::find_instrument(const std::string& symbol) const {
  auto it = instrument_by_symbol_.find(symbol);
  return it == instrument_by_symbol_.end() ? nullptr : &instruments[it->second];
}

const AssetSpec* ReferenceData::find_asset(const std::string& code) const {
  auto it = asset_by_code_.find(code);
  return it == asset_by_code_.end() ? nullptr : &assets[it->second];
}

const ClientSpec* ReferenceData::find_client(const std::string& code) const {
  auto it = client_by_code_.find(code);
  return it == client_by_code_.end() ? nullptr : &clients[it->second];
}

}  // namespace otc::engine
