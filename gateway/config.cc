#include "gateway/config.h"

#include <filesystem>
#include <initializer_list>
#include <string_view>
#include <set>
#include <unordered_map>
#include <toml++/toml.h>

#include "common/decimal.h"
#include "common/password.h"

namespace otc::gw {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMdLadderSizesMax = 10;
constexpr int64_t kSlippageMaxBoundCbps = 100'000;  // engine.slippage_max_bps may not exceed 1000 bps (10%)
constexpr int64_t kOrdersMax = 1 << 24;             // bound of open_orders_max and retired_orders_max

// Thrown only inside this file and caught in load_config: config errors abort the load.
struct ConfigError {
  std::string what;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw ConfigError{where + ": " + what}; }

std::string join(const std::string& where, const std::string& key) { return where.empty() ? key : where + "." + key; }

// An optional table or array: absent is fine, present with another type is refused.
const toml::table* optional_table(const toml::table& t, const std::string& key, const std::string& where) {
  if (!t.contains(key)) return nullptr;
  const toml::table* sub = t[key].as_table();
  if (sub == nullptr) fail(join(where, key), "must be a table");
  return sub;
}

const toml::array* optional_array(const toml::table& t, const std::string& key, const std::string& where) {
  if (!t.contains(key)) return nullptr;
  const toml::array* a = t[key].as_array();
  if (a == nullptr) fail(join(where, key), "must be an array");
  return a;
}

// Refuses keys we do not know: a misspelt optional key must not fall back to a default.
void check_keys(const toml::table& t, std::initializer_list<std::string_view> known, const std::string& where) {
  for (const auto& [key, node] : t) {
    (void)node;
    bool ok = false;
    for (std::string_view k : known) ok = ok || key.str() == k;
    if (!ok) fail(where.empty() ? std::string(key.str()) : where + "." + std::string(key.str()), "unknown key");
  }
}

const toml::table& table_at(const toml::table& t, const std::string& key, const std::string& where) {
  const toml::table* sub = t[key].as_table();
  if (sub == nullptr) fail(join(where, key), "missing table");
  return *sub;
}

std::string str(const toml::table& t, const std::string& key, const std::string& where) {
  auto v = t[key].value_exact<std::string>();
  if (!v) fail(join(where, key), "missing or not a string");
  if (v->empty()) fail(join(where, key), "must not be empty");
  return *v;
}

std::string str_or(const toml::table& t, const std::string& key, const std::string& where, const std::string& dflt) {
  if (!t.contains(key)) return dflt;
  return str(t, key, where);
}

int64_t integer(const toml::table& t, const std::string& key, const std::string& where, int64_t lo, int64_t hi) {
  auto v = t[key].value_exact<int64_t>();
  if (!v) fail(join(where, key), "missing or not an integer");
  if (*v < lo || *v > hi) fail(join(where, key), "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return *v;
}

int64_t integer_or(const toml::table& t, const std::string& key, const std::string& where, int64_t dflt, int64_t lo,
                   int64_t hi) {
  if (!t.contains(key)) return dflt;
  return integer(t, key, where, lo, hi);
}

bool boolean_or(const toml::table& t, const std::string& key, const std::string& where, bool dflt) {
  if (!t.contains(key)) return dflt;
  auto v = t[key].value_exact<bool>();
  if (!v) fail(join(where, key), "not a boolean (true or false)");
  return *v;
}

// A decimal string at `scale`, exactly (no rounding), optionally > 0.
int64_t decimal(const std::string& text, int scale, const std::string& where, bool positive) {
  int64_t v = 0;
  const DecimalError e = parse_decimal(text, scale, &v);
  if (e != DecimalError::kOk) {
    fail(where, "'" + text + "' is not a decimal with at most " + std::to_string(scale) +
                    " decimals (" + decimal_error_name(e) + ")");
  }
  if (positive && v <= 0) fail(where, "'" + text + "' must be positive");
  if (!positive && v < 0) fail(where, "'" + text + "' must not be negative");
  return v;
}

int64_t bps_to_cbps(const toml::table& t, const std::string& key, const std::string& where) {
  return decimal(str(t, key, where), 2, where + "." + key, false);
}

// A UTC time of day, exactly "HH:MM" (two digits each), 00:00..23:59, as minutes after midnight.
int64_t utc_time_of_day_minutes(const std::string& text, const std::string& where) {
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  const bool shape = text.size() == 5 && digit(text[0]) && digit(text[1]) && text[2] == ':' && digit(text[3]) &&
                     digit(text[4]);
  const int hours = shape ? (text[0] - '0') * 10 + (text[1] - '0') : 0;
  const int minutes = shape ? (text[3] - '0') * 10 + (text[4] - '0') : 0;
  if (!shape || hours > 23 || minutes > 59) fail(where, "'" + text + "' is not a UTC time of day \"HH:MM\" in 00:00..23:59");
  return hours * 60 + minutes;
}

// A table `ASSET = "amount"`: known assets only, each amount >= 0 at that asset's decimals.
std::unordered_map<uint16_t, Amount> amounts_by_asset(const toml::table& t, const std::string& where,
                                                      const GatewayConfig& c) {
  std::unordered_map<uint16_t, Amount> out;
  for (const auto& [key, node] : t) {
    const std::string code(key.str());
    const std::string w = where + "." + code;
    const engine::AssetSpec* a = c.ref.find_asset(code);
    if (a == nullptr) fail(w, "unknown asset");
    auto v = node.value_exact<std::string>();
    if (!v) fail(w, "must be a decimal string");
    out[a->id.value] = Amount(decimal(*v, a->decimals, w, false));
  }
  return out;
}

const toml::array& array_at(const toml::table& t, const std::string& key, const std::string& where) {
  const toml::array* a = t[key].as_array();
  if (a == nullptr || a->empty()) fail(join(where, key), "missing or empty array of tables");
  return *a;
}

std::string resolve(const fs::path& base, const std::string& p) {
  fs::path path(p);
  if (path.is_relative()) path = base / path;
  return path.lexically_normal().string();
}

void load_assets(const toml::table& root, GatewayConfig* c) {
  for (const toml::node& n : array_at(root, "assets", "")) {
    const std::string where = "assets[" + std::to_string(c->ref.assets.size()) + "]";
    const toml::table* t = n.as_table();
    if (t == nullptr) fail(where, "not a table");
    check_keys(*t, {"code", "decimals", "kind"}, where);
    engine::AssetSpec a;
    a.id = AssetId(static_cast<uint16_t>(c->ref.assets.size()));
    a.code = str(*t, "code", where);
    a.decimals = static_cast<int>(integer(*t, "decimals", where, 0, engine::kAssetDecimalsMax));
    a.kind = str(*t, "kind", where);
    if (a.kind != "fiat" && a.kind != "crypto" && a.kind != "stablecoin") {
      fail(where + ".kind", "must be fiat, crypto or stablecoin");
    }
    for (const auto& other : c->ref.assets) {
      if (other.code == a.code) fail(where + ".code", "duplicate asset " + a.code);
    }
    c->ref.assets.push_back(a);
  }
}

void load_instruments(const toml::table& root, GatewayConfig* c) {
  for (const toml::node& n : array_at(root, "instruments", "")) {
    const std::string where = "instruments[" + std::to_string(c->ref.instruments.size()) + "]";
    const toml::table* t = n.as_table();
    if (t == nullptr) fail(where, "not a table");
    check_keys(*t, {"symbol", "base", "quote", "price_decimals", "tick", "lot", "min_qty", "max_qty", "initial_mid",
                    "step_bps", "size_bands", "skew_bps_per_unit", "skew_max_bps", "md_ladder"},
               where);
    engine::InstrumentSpec i;
    i.id = InstrumentId(static_cast<uint16_t>(c->ref.instruments.size()));
    i.symbol = str(*t, "symbol", where);
    const std::string base = str(*t, "base", where);
    const std::string quote = str(*t, "quote", where);
    if (i.symbol != base + "/" + quote) fail(where + ".symbol", "must be base/quote ('" + base + "/" + quote + "')");
    const engine::AssetSpec* b = c->ref.find_asset(base);
    const engine::AssetSpec* q = c->ref.find_asset(quote);
    if (b == nullptr) fail(where + ".base", "unknown asset " + base);
    if (q == nullptr) fail(where + ".quote", "unknown asset " + quote);
    i.base = b->id;
    i.quote = q->id;
    i.price_decimals = static_cast<int>(integer(*t, "price_decimals", where, 0, engine::kPriceDecimalsMax));
    i.tick = decimal(str(*t, "tick", where), i.price_decimals, where + ".tick", true);
    i.lot = Qty(decimal(str(*t, "lot", where), b->decimals, where + ".lot", true));
    i.min_qty = Qty(decimal(str(*t, "min_qty", where), b->decimals, where + ".min_qty", true));
    i.max_qty = Qty(decimal(str(*t, "max_qty", where), b->decimals, where + ".max_qty", true));
    if (i.min_qty.value % i.lot.value != 0) fail(where + ".min_qty", "must be a multiple of lot");
    if (i.max_qty.value % i.lot.value != 0) fail(where + ".max_qty", "must be a multiple of lot");
    if (i.max_qty < i.min_qty) fail(where + ".max_qty", "must be >= min_qty");
    if (b->decimals + i.price_decimals - q->decimals > 36 || b->decimals + i.price_decimals - q->decimals < -18) {
      fail(where, "decimals of base, quote and price are too far apart");
    }
    i.initial_mid = Price(decimal(str(*t, "initial_mid", where), i.price_decimals, where + ".initial_mid", true));
    if (i.initial_mid.value % i.tick != 0) fail(where + ".initial_mid", "must be on the tick grid");
    i.step_cbps = bps_to_cbps(*t, "step_bps", where);
    if (i.step_cbps > 10000) fail(where + ".step_bps", "must be <= 100");
    if (const toml::array* bands = optional_array(*t, "size_bands", where)) {
      for (const toml::node& bn : *bands) {
        const std::string bw = where + ".size_bands[" + std::to_string(i.size_bands.size()) + "]";
        const toml::table* bt = bn.as_table();
        if (bt == nullptr) fail(bw, "not a table");
        check_keys(*bt, {"min_notional", "add_bps"}, bw);
        engine::SizeBand sb;
        sb.min_notional =
            Amount(decimal(str(*bt, "min_notional", bw), q->decimals, bw + ".min_notional", true));
        sb.add_cbps = bps_to_cbps(*bt, "add_bps", bw);
        if (sb.add_cbps >= engine::kSpreadMaxCbps) fail(bw + ".add_bps", "must be < 1000 bps");
        if (!i.size_bands.empty() && sb.min_notional <= i.size_bands.back().min_notional) {
          fail(bw + ".min_notional", "bands must be in increasing min_notional order");
        }
        i.size_bands.push_back(sb);
      }
    }
    if (t->contains("skew_bps_per_unit") || t->contains("skew_max_bps")) {
      i.skew_cbps_per_unit = bps_to_cbps(*t, "skew_bps_per_unit", where);
      i.skew_max_cbps = bps_to_cbps(*t, "skew_max_bps", where);
      if (i.skew_cbps_per_unit > engine::kSkewMaxCbps) fail(where + ".skew_bps_per_unit", "must be <= 1000 bps");
      if (i.skew_max_cbps > engine::kSkewMaxCbps) fail(where + ".skew_max_bps", "must be <= 1000 bps");
    }
    if (const toml::array* ladder = optional_array(*t, "md_ladder", where)) {
      if (ladder->empty()) fail(where + ".md_ladder", "must name at least one size (or leave the key out)");
      if (ladder->size() > kMdLadderSizesMax) fail(where + ".md_ladder", "at most 10 sizes");
      for (const toml::node& ln : *ladder) {
        const std::string lw = where + ".md_ladder[" + std::to_string(i.md_ladder.size()) + "]";
        auto v = ln.value_exact<std::string>();
        if (!v) fail(lw, "must be a decimal string");
        const Qty q(decimal(*v, b->decimals, lw, true));
        if (q.value % i.lot.value != 0) fail(lw, "must be a multiple of lot");
        if (q < i.min_qty || q > i.max_qty) fail(lw, "must be within [min_qty, max_qty]");
        if (!i.md_ladder.empty() && q <= i.md_ladder.back()) fail(lw, "sizes must be increasing");
        i.md_ladder.push_back(q);
      }
    }
    if (i.md_ladder.empty()) i.md_ladder.push_back(i.min_qty);  // default: the smallest tradeable size
    if (c->ref.find_instrument(i.symbol) != nullptr) fail(where + ".symbol", "duplicate instrument " + i.symbol);
    c->ref.instruments.push_back(i);
    c->ref.index();
  }
}

void load_tiers(const toml::table& root, GatewayConfig* c) {
  for (const toml::node& n : array_at(root, "tiers", "")) {
    const std::string where = "tiers[" + std::to_string(c->ref.tiers.size()) + "]";
    const toml::table* t = n.as_table();
    if (t == nullptr) fail(where, "not a table");
    check_keys(*t,
               {"name", "half_spread_bps", "fee_bps", "quote_ttl_ms", "quote_ttl_max_ms", "slippage_bps",
                "half_spread_bps_by_instrument"},
               where);
    engine::TierSpec tier;
    tier.id = static_cast<uint32_t>(c->ref.tiers.size());
    tier.name = str(*t, "name", where);
    tier.half_spread_cbps = bps_to_cbps(*t, "half_spread_bps", where);
    tier.fee_cbps = bps_to_cbps(*t, "fee_bps", where);
    if (tier.half_spread_cbps >= engine::kSpreadMaxCbps) fail(where + ".half_spread_bps", "must be < 1000 bps");
    if (tier.fee_cbps >= 100000) fail(where + ".fee_bps", "must be < 1000 bps");
    tier.quote_ttl_ms = integer(*t, "quote_ttl_ms", where, engine::kQuoteTtlMinMs, 600000);
    tier.quote_ttl_max_ms =
        integer_or(*t, "quote_ttl_max_ms", where, tier.quote_ttl_ms, engine::kQuoteTtlMinMs, 600000);
    if (tier.quote_ttl_max_ms < tier.quote_ttl_ms) fail(where + ".quote_ttl_max_ms", "must be >= quote_ttl_ms");
    // Required: a market order's default tolerance must be a deliberate choice.
    tier.slippage_cbps = decimal(str(*t, "slippage_bps", where), 2, where + ".slippage_bps", true);
    if (tier.slippage_cbps > c->ref.limits.slippage_max_cbps) {
      fail(where + ".slippage_bps", "must be <= engine.slippage_max_bps (" +
                                        format_decimal(c->ref.limits.slippage_max_cbps, 2) + " bps)");
    }
    if (const toml::table* by = optional_table(*t, "half_spread_bps_by_instrument", where)) {
      for (const auto& [key, node] : *by) {
        const std::string sym(key.str());
        const std::string w = where + ".half_spread_bps_by_instrument." + sym;
        const engine::InstrumentSpec* inst = c->ref.find_instrument(sym);
        if (inst == nullptr) fail(w, "unknown instrument");
        auto v = node.value_exact<std::string>();
        if (!v) fail(w, "must be a decimal string");
        const int64_t cbps = decimal(*v, 2, w, false);
        if (cbps >= engine::kSpreadMaxCbps) fail(w, "must be < 1000 bps");
        tier.half_spread_by_instrument_cbps[inst->id.value] = cbps;
      }
    }
    for (const auto& other : c->ref.tiers) {
      if (other.name == tier.name) fail(where + ".name", "duplicate tier " + tier.name);
    }
    c->ref.tiers.push_back(tier);
  }
}

void load_clients(const toml::table& root, GatewayConfig* c) {
  std::set<std::string> comp_ids;
  std::set<std::string> usernames;
  for (const toml::node& n : array_at(root, "clients", "")) {
    const std::string where = "clients[" + std::to_string(c->ref.clients.size()) + "]";
    const toml::table* t = n.as_table();
    if (t == nullptr) fail(where, "not a table");
    check_keys(*t,
               {"id", "legal_name", "tier", "sender_comp_id", "username", "password_hash", "cancel_on_disconnect",
                "limits", "demo_balances"},
               where);
    engine::ClientSpec cl;
    cl.id = ClientId(static_cast<uint32_t>(c->ref.clients.size()));
    cl.code = str(*t, "id", where);
    for (char ch : cl.code) {
      if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
        fail(where + ".id", "only A-Z, 0-9, '_' and '-' allowed");
      }
    }
    if (cl.code == "DESK" || cl.code == "FEES" || cl.code == "EXTERNAL") fail(where + ".id", "reserved owner name");
    cl.legal_name = str(*t, "legal_name", where);
    const std::string tier = str(*t, "tier", where);
    bool found = false;
    for (const auto& tr : c->ref.tiers) {
      if (tr.name == tier) {
        cl.tier = tr.id;
        found = true;
      }
    }
    if (!found) fail(where + ".tier", "unknown tier " + tier);
    if (c->ref.find_client(cl.code) != nullptr) fail(where + ".id", "duplicate client " + cl.code);
    ClientCredentials cred;
    cred.client_code = cl.code;
    cred.sender_comp_id = str(*t, "sender_comp_id", where);
    cred.username = str(*t, "username", where);
    cred.password_hash = str(*t, "password_hash", where);
    std::string why;
    if (!password_hash_well_formed(cred.password_hash, &why)) fail(where + ".password_hash", why);
    if (!comp_ids.insert(cred.sender_comp_id).second) fail(where + ".sender_comp_id", "duplicate " + cred.sender_comp_id);
    if (!usernames.insert(cred.username).second) fail(where + ".username", "duplicate " + cred.username);
    cl.cancel_on_disconnect = boolean_or(*t, "cancel_on_disconnect", where, false);
    if (const toml::table* lim = optional_table(*t, "limits", where)) {
      const std::string lw = where + ".limits";
      check_keys(*lim, {"max_order_notional", "max_open_orders", "max_daily_notional", "max_position", "credit"}, lw);
      // Notionals in the reference asset ([engine] reference_asset), at its decimals.
      const int ref_decimals = c->ref.asset(c->ref.limits.reference_asset).decimals;
      if (lim->contains("max_order_notional")) {
        cl.limits.order_notional_max =
            Amount(decimal(str(*lim, "max_order_notional", lw), ref_decimals, lw + ".max_order_notional", true));
      }
      if (lim->contains("max_open_orders")) {
        cl.limits.open_orders_max = static_cast<size_t>(
            integer(*lim, "max_open_orders", lw, 1, static_cast<int64_t>(c->ref.limits.open_orders_max)));
      }
      if (lim->contains("max_daily_notional")) {
        cl.limits.daily_notional_max =
            Amount(decimal(str(*lim, "max_daily_notional", lw), ref_decimals, lw + ".max_daily_notional", true));
      }
      if (const toml::table* pos = optional_table(*lim, "max_position", lw)) {
        cl.limits.position_max = amounts_by_asset(*pos, lw + ".max_position", *c);
      }
      if (const toml::table* cr = optional_table(*lim, "credit", lw)) {
        cl.limits.credit = amounts_by_asset(*cr, lw + ".credit", *c);
      }
    }
    if (const toml::table* bal = optional_table(*t, "demo_balances", where)) {
      for (const auto& [key, node] : *bal) {
        const std::string code(key.str());
        const std::string w = where + ".demo_balances." + code;
        const engine::AssetSpec* a = c->ref.find_asset(code);
        if (a == nullptr) fail(w, "unknown asset");
        auto v = node.value_exact<std::string>();
        if (!v) fail(w, "must be a decimal string");
        const int64_t amount = decimal(*v, a->decimals, w, true);
        c->demo_balances.push_back(DemoBalance{cl.id, a->id, Amount(amount), *v});
      }
    }
    c->ref.clients.push_back(cl);
    c->credentials.push_back(cred);
    c->ref.index();
  }
}

void load(const std::string& path, GatewayConfig* c) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    fail(path, std::string(e.description()) + " at line " + std::to_string(e.source().begin.line));
  }
  const fs::path dir = fs::absolute(fs::path(path)).parent_path();
  c->config_path = fs::absolute(fs::path(path)).lexically_normal().string();

  check_keys(root, {"gateway", "engine", "assets", "instruments", "tiers", "clients"}, "");
  const toml::table& gw = table_at(root, "gateway", "");
  check_keys(gw, {"listen_address", "listen_port", "fix_settings", "state_dir", "journal", "audit_key",
                  "checkpoint_every_records", "checkpoint_every_seconds"},
             "gateway");
  c->listen_address = str_or(gw, "listen_address", "gateway", "127.0.0.1");
  c->listen_port = static_cast<int>(integer(gw, "listen_port", "gateway", 0, 65535));
  c->fix_settings_path = resolve(dir, str(gw, "fix_settings", "gateway"));
  c->state_dir = resolve(dir, str(gw, "state_dir", "gateway"));
  c->journal_path = resolve(fs::path(c->state_dir), str(gw, "journal", "gateway"));
  c->audit_key = str_or(gw, "audit_key", "gateway", "audit.key");
  if (c->audit_key.empty()) fail("gateway.audit_key", "must name a file");
  c->checkpoint_every_records =
      static_cast<uint64_t>(integer_or(gw, "checkpoint_every_records", "gateway", 1000, 1, 10000000));
  c->checkpoint_every_seconds = integer_or(gw, "checkpoint_every_seconds", "gateway", 5, 1, 86400);

  const toml::table& en = table_at(root, "engine", "");
  check_keys(en, {"queue_capacity", "batch_max", "feed_seed", "feed_interval_ms", "timer_interval_ms", "price_age_max_ms",
                  "live_quotes_max", "live_quotes_per_client_max", "retired_quotes_max", "cl_ord_ids_per_client_max",
                  "md_min_interval_ms", "md_subscriptions_per_client_max", "md_symbols_per_request_max",
                  "reference_asset", "day_end_utc", "open_orders_max", "retired_orders_max", "slippage_max_bps"},
             "engine");
  c->runner.queue_capacity = static_cast<size_t>(integer(en, "queue_capacity", "engine", 1, 1 << 24));
  c->runner.batch_max = static_cast<size_t>(integer(en, "batch_max", "engine", 1, 1 << 20));
  c->runner.feed_interval_ms = integer(en, "feed_interval_ms", "engine", 1, 60000);
  c->runner.timer_interval_ms = integer(en, "timer_interval_ms", "engine", 1, 60000);
  c->feed_seed = static_cast<uint64_t>(integer(en, "feed_seed", "engine", 0, INT64_MAX));
  c->ref.limits.price_age_max_ms = integer(en, "price_age_max_ms", "engine", 1, 3600000);
  c->ref.limits.live_quotes_max = static_cast<size_t>(integer(en, "live_quotes_max", "engine", 1, 1 << 24));
  c->ref.limits.live_quotes_per_client_max = static_cast<size_t>(
      integer_or(en, "live_quotes_per_client_max", "engine", 1000, 1, static_cast<int64_t>(c->ref.limits.live_quotes_max)));
  c->ref.limits.retired_quotes_max =
      static_cast<size_t>(integer_or(en, "retired_quotes_max", "engine", 100000, 0, 1 << 24));
  c->ref.limits.cl_ord_ids_per_client_max =
      static_cast<size_t>(integer_or(en, "cl_ord_ids_per_client_max", "engine", 1000000, 1, 1 << 26));
  c->ref.limits.md_min_interval_ms = integer_or(en, "md_min_interval_ms", "engine", 250, 1, 3600000);
  c->ref.limits.md_subscriptions_per_client_max =
      static_cast<size_t>(integer_or(en, "md_subscriptions_per_client_max", "engine", 64, 1, 4096));
  c->ref.limits.md_symbols_per_request_max =
      static_cast<size_t>(integer_or(en, "md_symbols_per_request_max", "engine", 16, 1, 256));
  if (c->ref.limits.price_age_max_ms < c->runner.feed_interval_ms) {
    fail("engine.price_age_max_ms", "must be >= feed_interval_ms or no quote is ever firm");
  }
  const std::string reference_asset = str_or(en, "reference_asset", "engine", "USD");  // resolved after [[assets]]
  c->ref.limits.day_end_utc_minutes =
      utc_time_of_day_minutes(str_or(en, "day_end_utc", "engine", "00:00"), "engine.day_end_utc");
  c->ref.limits.open_orders_max = static_cast<size_t>(integer_or(en, "open_orders_max", "engine", 100000, 1, kOrdersMax));
  c->ref.limits.retired_orders_max =
      static_cast<size_t>(integer_or(en, "retired_orders_max", "engine", 100000, 0, kOrdersMax));
  c->ref.limits.slippage_max_cbps =
      decimal(str_or(en, "slippage_max_bps", "engine", "1000"), 2, "engine.slippage_max_bps", true);
  if (c->ref.limits.slippage_max_cbps > kSlippageMaxBoundCbps) fail("engine.slippage_max_bps", "must be <= 1000 bps");

  load_assets(root, c);
  c->ref.index();
  const engine::AssetSpec* ref_asset = c->ref.find_asset(reference_asset);
  if (ref_asset == nullptr) fail("engine.reference_asset", "unknown asset " + reference_asset);
  c->ref.limits.reference_asset = ref_asset->id;
  load_instruments(root, c);
  load_tiers(root, c);
  load_clients(root, c);
  c->ref.index();
}

}  // namespace

bool load_config(const std::string& path, GatewayConfig* out, std::string* error) {
  GatewayConfig c;
  try {
    load(path, &c);
  } catch (const ConfigError& e) {
    *error = "config " + path + ": " + e.what;
    return false;
  }
  *out = std::move(c);
  return true;
}

bool load_demo_credentials(const std::string& path, const GatewayConfig& config, std::vector<DemoCredential>* out,
                           std::string* error) {
  std::vector<DemoCredential> loaded;
  try {
    toml::table root;
    try {
      root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      fail(path, std::string(e.description()) + " at line " + std::to_string(e.source().begin.line));
    }
    for (const auto& cred : config.credentials) {
      if (!root.contains(cred.client_code)) continue;
      auto pw = root[cred.client_code]["password"].value_exact<std::string>();
      if (!pw) fail(path + ": " + cred.client_code + ".password", "missing or not a string");
      std::string why;
      if (!verify_password(*pw, cred.password_hash, &why)) {
        fail(path + ": " + cred.client_code, "demo password does not match the configured password_hash" +
                                                 (why.empty() ? std::string() : " (" + why + ")"));
      }
      loaded.push_back(DemoCredential{cred.client_code, *pw});
    }
  } catch (const ConfigError& e) {
    *error = e.what;
    return false;
  }
  out->insert(out->end(), loaded.begin(), loaded.end());
  return true;
}

}  // namespace otc::gw
