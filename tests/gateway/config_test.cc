// tests/gateway/config_test.cc: gateway/config.h against the real conf/otcgw.toml and
// against copies of it with one textual edit each.
//
// The real file must load with the values the demo and the docs rely on (counts, exact
// minor-unit values, resolved absolute paths). Each broken copy must be refused whole,
// with an error that names the offending key (conf/README.md: "<key>: <reason>").
// Copies live in a fresh mkdtemp folder removed at the end of each test case.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/password.h"
#include "gateway/config.h"

#ifndef OTC_SOURCE_DIR
#error "OTC_SOURCE_DIR must be defined (tests/gateway/CMakeLists.txt)"
#endif

namespace otc::gw {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

const fs::path kSourceDir = fs::path(OTC_SOURCE_DIR).lexically_normal();
const fs::path kConfPath = kSourceDir / "conf" / "otcgw.toml";
const fs::path kDemoCredentialsPath = kSourceDir / "conf" / "demo-credentials.toml";
const fs::path kE2eConfPath = kSourceDir / "tests" / "e2e" / "otcgw-e2e.toml";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  REQUIRE(out.good());
  out << text;
  out.close();
  REQUIRE(out.good());
}

// A fresh folder from mkdtemp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "otc_config_test_XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = fs::path(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// One textual edit: replaces the first `from` at or after `anchor`, which must occur
// exactly once ("" = start of file), so that an edit cannot land in the wrong place
// silently when conf/otcgw.toml changes.
struct Edit {
  const char* anchor;
  const char* from;
  const char* to;
};

std::string edited(const std::string& text, const Edit& e) {
  size_t start = 0;
  if (e.anchor[0] != '\0') {
    INFO("anchor: " << e.anchor);
    REQUIRE(count_of(text, e.anchor) == 1);
    start = text.find(e.anchor);
  }
  const size_t at = text.find(e.from, start);
  INFO("edit target: " << e.from);
  REQUIRE(at != std::string::npos);
  std::string out = text;
  out.replace(at, std::string(e.from).size(), e.to);
  REQUIRE(out != text);
  return out;
}

// Writes the real otcgw.toml with `e` applied into `dir` and loads it.
bool load_edited(const TempDir& dir, const Edit& e, GatewayConfig* out, std::string* error) {
  const fs::path p = dir.path() / "otcgw.toml";
  spit(p, edited(slurp(kConfPath), e));
  return load_config(p.string(), out, error);
}

// The same with several edits, applied in order (each to the result of the previous one).
bool load_edited_all(const TempDir& dir, std::initializer_list<Edit> edits, GatewayConfig* out, std::string* error) {
  std::string text = slurp(kConfPath);
  for (const Edit& e : edits) text = edited(text, e);
  const fs::path p = dir.path() / "otcgw.toml";
  spit(p, text);
  return load_config(p.string(), out, error);
}

const engine::InstrumentSpec& instrument(const GatewayConfig& c, const std::string& symbol) {
  const engine::InstrumentSpec* i = c.ref.find_instrument(symbol);
  INFO("instrument " << symbol);
  REQUIRE(i != nullptr);
  return *i;
}

// An instrument's md_ladder as plain minor-unit integers (readable in failure messages).
std::vector<int64_t> ladder(const engine::InstrumentSpec& i) {
  std::vector<int64_t> out;
  for (const Qty& q : i.md_ladder) out.push_back(q.value);
  return out;
}

const engine::AssetSpec& asset(const GatewayConfig& c, const std::string& code) {
  const engine::AssetSpec* a = c.ref.find_asset(code);
  INFO("asset " << code);
  REQUIRE(a != nullptr);
  return *a;
}

const engine::TierSpec& tier(const GatewayConfig& c, const std::string& name) {
  for (const auto& t : c.ref.tiers) {
    if (t.name == name) return t;
  }
  FAIL("no tier " << name);
  return c.ref.tiers.front();  // unreachable
}

const engine::ClientSpec& client(const GatewayConfig& c, const std::string& code) {
  const engine::ClientSpec* cl = c.ref.find_client(code);
  INFO("client " << code);
  REQUIRE(cl != nullptr);
  return *cl;
}

// An optional client limit as a plain integer (readable in failure messages); -1 when absent.
int64_t opt(const std::optional<Amount>& a) { return a ? a->value : -1; }
int64_t opt(const std::optional<size_t>& n) { return n ? static_cast<int64_t>(*n) : -1; }

// A per-asset limit table (max_position, credit) as sorted "CODE minor-units" lines.
std::vector<std::string> by_asset(const GatewayConfig& c, const std::unordered_map<uint16_t, Amount>& m) {
  std::vector<std::string> out;
  for (const auto& [asset_id, amount] : m) {
    out.push_back(c.ref.asset(AssetId(asset_id)).code + " " + std::to_string(amount.value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The configured demo balance of (client, asset) in minor units; -1 when absent.
int64_t demo_balance(const GatewayConfig& c, const std::string& client, const std::string& asset_code) {
  const engine::ClientSpec* cl = c.ref.find_client(client);
  REQUIRE(cl != nullptr);
  const AssetId a = asset(c, asset_code).id;
  int64_t found = -1;
  for (const auto& b : c.demo_balances) {
    if (b.client == cl->id && b.asset == a) {
      REQUIRE(found == -1);  // at most one entry per (client, asset)
      found = b.amount.value;
    }
  }
  return found;
}

}  // namespace

// ---------------------------------------------------------------------------
// The real file.

TEST_CASE("conf/otcgw.toml loads with the expected reference data", "[config]") {
  GatewayConfig c;
  std::string error;
  REQUIRE(load_config(kConfPath.string(), &c, &error));
  CHECK(error.empty());

  SECTION("counts") {
    CHECK(c.ref.assets.size() == 7);
    CHECK(c.ref.instruments.size() == 8);
    CHECK(c.ref.tiers.size() == 3);
    CHECK(c.ref.clients.size() == 3);
    CHECK(c.credentials.size() == 3);
    CHECK(c.demo_balances.size() == 8);  // ACME 5, BETA 3, GAMMA none
  }

  SECTION("ids are the positions in file order") {
    const char* const kAssets[] = {"USD", "EUR", "GBP", "BTC", "ETH", "USDT", "USDC"};
    const int kDecimals[] = {2, 2, 2, 8, 9, 6, 6};
    const char* const kKinds[] = {"fiat", "fiat", "fiat", "crypto", "crypto", "stablecoin", "stablecoin"};
    REQUIRE(c.ref.assets.size() == std::size(kAssets));
    for (size_t i = 0; i < std::size(kAssets); ++i) {
      INFO("asset " << i);
      CHECK(c.ref.assets[i].id.value == i);
      CHECK(c.ref.assets[i].code == kAssets[i]);
      CHECK(c.ref.assets[i].decimals == kDecimals[i]);
      CHECK(c.ref.assets[i].kind == kKinds[i]);
    }
    const char* const kSymbols[] = {"BTC/USD",  "ETH/USD",  "BTC/EUR", "ETH/BTC",
                                    "USDT/USD", "USDC/USD", "EUR/USD", "GBP/USD"};
    REQUIRE(c.ref.instruments.size() == std::size(kSymbols));
    for (size_t i = 0; i < std::size(kSymbols); ++i) {
      INFO("instrument " << i);
      CHECK(c.ref.instruments[i].id.value == i);
      CHECK(c.ref.instruments[i].symbol == kSymbols[i]);
      CHECK(c.ref.find_instrument(kSymbols[i]) == &c.ref.instruments[i]);
    }
    const char* const kClients[] = {"ACME", "BETA", "GAMMA"};
    for (size_t i = 0; i < std::size(kClients); ++i) {
      INFO("client " << i);
      CHECK(c.ref.clients[i].id.value == i);
      CHECK(c.ref.clients[i].code == kClients[i]);
      CHECK(c.ref.clients[i].tier == i);  // ACME gold, BETA silver, GAMMA bronze
      CHECK(c.ref.tiers[i].id == i);
      CHECK(c.credentials[i].client_code == kClients[i]);  // credentials index = ClientId
    }
    CHECK(c.ref.find_asset("XBT") == nullptr);
    CHECK(c.ref.find_instrument("BTC/USDT") == nullptr);
    CHECK(c.ref.find_client("DESK") == nullptr);
  }

  SECTION("[gateway] and [engine]") {
    CHECK(c.listen_address == "127.0.0.1");
    CHECK(c.listen_port == 9876);
    CHECK(c.feed_seed == 20261121u);
    CHECK(c.runner.queue_capacity == 65536u);
    CHECK(c.runner.batch_max == 1024u);
    CHECK(c.runner.feed_interval_ms == 100);
    CHECK(c.runner.timer_interval_ms == 100);
    CHECK(c.ref.limits.price_age_max_ms == 2000);
    CHECK(c.ref.limits.live_quotes_max == 100000u);
    CHECK(c.ref.limits.retired_quotes_max == 100000u);
    CHECK(c.ref.limits.cl_ord_ids_per_client_max == 1000000u);
    CHECK(c.ref.limits.md_min_interval_ms == 250);
    CHECK(c.ref.limits.md_subscriptions_per_client_max == 64u);
    CHECK(c.ref.limits.md_symbols_per_request_max == 16u);
    // Order keys.
    CHECK(c.ref.limits.reference_asset == asset(c, "USD").id);
    CHECK(c.ref.limits.day_end_utc_minutes == 21 * 60);  // "21:00"
    CHECK(c.ref.limits.open_orders_max == 100000u);
    CHECK(c.ref.limits.retired_orders_max == 100000u);
    CHECK(c.ref.limits.slippage_max_cbps == 50'000);  // "500" bps
  }

  SECTION("md_ladder: the streaming sizes in exact base minor units") {
    // BTC 8 decimals (satoshi): 0.1, 1, 5, 20 BTC.
    CHECK(ladder(instrument(c, "BTC/USD")) ==
          std::vector<int64_t>{10'000'000, 100'000'000, 500'000'000, 2'000'000'000});
    CHECK(ladder(instrument(c, "BTC/EUR")) == std::vector<int64_t>{10'000'000, 100'000'000, 500'000'000});
    // ETH 9 decimals (gwei): 1, 10, 100 ETH, also when ETH is the base against BTC.
    CHECK(ladder(instrument(c, "ETH/USD")) ==
          std::vector<int64_t>{1'000'000'000, 10'000'000'000, 100'000'000'000});
    CHECK(ladder(instrument(c, "ETH/BTC")) ==
          std::vector<int64_t>{1'000'000'000, 10'000'000'000, 100'000'000'000});
    // Stablecoins 6 decimals: 10k, 100k, 1M.
    for (const char* sym : {"USDT/USD", "USDC/USD"}) {
      INFO("instrument " << sym);
      CHECK(ladder(instrument(c, sym)) ==
            std::vector<int64_t>{10'000'000'000, 100'000'000'000, 1'000'000'000'000});
    }
    // Fiat 2 decimals (cents): 100k, 1M, 5M.
    for (const char* sym : {"EUR/USD", "GBP/USD"}) {
      INFO("instrument " << sym);
      CHECK(ladder(instrument(c, sym)) == std::vector<int64_t>{10'000'000, 100'000'000, 500'000'000});
    }
    // Every configured ladder satisfies the loader's invariants.
    for (const auto& i : c.ref.instruments) {
      INFO("instrument " << i.symbol);
      REQUIRE_FALSE(i.md_ladder.empty());
      CHECK(i.md_ladder.size() <= 10u);
      for (size_t k = 0; k < i.md_ladder.size(); ++k) {
        INFO("rung " << k);
        CHECK(i.md_ladder[k].value % i.lot.value == 0);
        CHECK(i.md_ladder[k] >= i.min_qty);
        CHECK(i.md_ladder[k] <= i.max_qty);
        if (k > 0) CHECK(i.md_ladder[k - 1] < i.md_ladder[k]);
      }
    }
  }

  SECTION("paths are absolute, resolved against the config's folder and state_dir") {
    CHECK(fs::path(c.config_path).is_absolute());
    CHECK(c.config_path == kConfPath.string());
    CHECK(c.fix_settings_path == (kSourceDir / "conf" / "fix-sessions.cfg").string());
    CHECK(c.state_dir == (kSourceDir / "var").string());  // "../var", normalised
    CHECK(c.journal_path == (kSourceDir / "var" / "otcgw.db").string());
    CHECK_THAT(c.state_dir, !Contains(".."));
  }

  SECTION("BTC/USD in exact minor units") {
    const auto& i = instrument(c, "BTC/USD");
    CHECK(i.base == asset(c, "BTC").id);
    CHECK(i.quote == asset(c, "USD").id);
    CHECK(i.price_decimals == 2);
    CHECK(i.tick == 1);           // "0.01" at 2 decimals
    CHECK(i.lot == Qty(10'000));  // 0.0001 BTC in satoshi
    CHECK(i.min_qty == Qty(10'000));
    CHECK(i.max_qty == Qty(5'000'000'000));    // 50 BTC
    CHECK(i.initial_mid == Price(6'500'000));  // 65000.00
    CHECK(i.step_cbps == 100);                 // 1 bp
    // Bands by notional at mid, in the QUOTE asset's minor units (USD cents).
    REQUIRE(i.size_bands.size() == 2);
    CHECK(i.size_bands[0].min_notional == Amount(25'000'000));  // 250,000.00 USD
    CHECK(i.size_bands[0].add_cbps == 200);                     // 2 bp
    CHECK(i.size_bands[1].min_notional == Amount(100'000'000));  // 1,000,000.00 USD
    CHECK(i.size_bands[1].add_cbps == 500);
    CHECK(i.skew_cbps_per_unit == 20);  // 0.2 bp per BTC held
    CHECK(i.skew_max_cbps == 500);      // 5 bp
  }

  SECTION("ETH/USD bands in USD cents, not in gwei; skew per whole ETH") {
    const auto& i = instrument(c, "ETH/USD");
    REQUIRE(i.size_bands.size() == 2);
    CHECK(i.size_bands[0].min_notional == Amount(25'000'000));
    CHECK(i.size_bands[0].add_cbps == 200);
    CHECK(i.size_bands[1].min_notional == Amount(100'000'000));
    CHECK(i.size_bands[1].add_cbps == 500);
    CHECK(i.skew_cbps_per_unit == 1);  // "0.01" bp
    CHECK(i.skew_max_cbps == 500);
  }

  SECTION("instruments without bands or skew keys get none") {
    for (const char* sym : {"BTC/EUR", "ETH/BTC", "USDT/USD", "USDC/USD", "EUR/USD", "GBP/USD"}) {
      INFO("instrument " << sym);
      const auto& i = instrument(c, sym);
      CHECK(i.size_bands.empty());
      CHECK(i.skew_cbps_per_unit == 0);
      CHECK(i.skew_max_cbps == 0);
    }
  }

  SECTION("ETH is kept in gwei (9 decimals)") {
    CHECK(asset(c, "ETH").decimals == 9);
    const auto& i = instrument(c, "ETH/USD");
    CHECK(i.lot == Qty(1'000'000));              // 0.001 ETH
    CHECK(i.max_qty == Qty(1'000'000'000'000));  // 1000 ETH
    CHECK(i.initial_mid == Price(320'000));
    const auto& eb = instrument(c, "ETH/BTC");
    CHECK(eb.base == asset(c, "ETH").id);
    CHECK(eb.quote == asset(c, "BTC").id);
    CHECK(eb.price_decimals == 6);
    CHECK(eb.tick == 1);
    CHECK(eb.initial_mid == Price(49'000));  // 0.049000
    CHECK(eb.size_bands.empty());
  }

  SECTION("fiat and stablecoin instruments") {
    const auto& eur = instrument(c, "EUR/USD");
    CHECK(eur.price_decimals == 5);
    CHECK(eur.tick == 1);
    CHECK(eur.lot == Qty(1));                  // 0.01 EUR = 1 cent
    CHECK(eur.min_qty == Qty(100'000));        // 1000 EUR
    CHECK(eur.max_qty == Qty(5'000'000'000));  // 50,000,000 EUR
    CHECK(eur.initial_mid == Price(108'500));
    CHECK(eur.step_cbps == 20);  // 0.2 bp
    const auto& usdt = instrument(c, "USDT/USD");
    CHECK(usdt.lot == Qty(1'000'000));  // 1 USDT at 6 decimals
    CHECK(usdt.step_cbps == 10);
    CHECK(usdt.initial_mid == Price(100'010));
  }

  SECTION("tiers: spreads and fees in cbps (1 bp = 100 cbps)") {
    const auto& gold = tier(c, "gold");
    const auto& silver = tier(c, "silver");
    const auto& bronze = tier(c, "bronze");
    CHECK(gold.half_spread_cbps == 500);
    CHECK(gold.fee_cbps == 0);
    CHECK(gold.quote_ttl_ms == 10000);
    CHECK(gold.quote_ttl_max_ms == 60000);
    CHECK(silver.half_spread_cbps == 1000);
    CHECK(silver.fee_cbps == 100);
    CHECK(silver.quote_ttl_ms == 5000);
    CHECK(silver.quote_ttl_max_ms == 30000);
    CHECK(bronze.half_spread_cbps == 2500);
    CHECK(bronze.fee_cbps == 500);
    CHECK(bronze.quote_ttl_ms == 3000);
    CHECK(bronze.quote_ttl_max_ms == 10000);
    CHECK(gold.slippage_cbps == 1000);  // "10" bps
    CHECK(silver.slippage_cbps == 2000);
    CHECK(bronze.slippage_cbps == 5000);

    const InstrumentId eur_usd = instrument(c, "EUR/USD").id;
    const InstrumentId gbp_usd = instrument(c, "GBP/USD").id;
    const InstrumentId btc_usd = instrument(c, "BTC/USD").id;
    CHECK(gold.half_spread_by_instrument_cbps.size() == 4);
    CHECK(gold.half_spread_for(eur_usd) == 50);  // "0.5" bp
    CHECK(gold.half_spread_for(gbp_usd) == 80);
    CHECK(gold.half_spread_for(instrument(c, "USDT/USD").id) == 100);
    CHECK(gold.half_spread_for(btc_usd) == 500);  // no override: the tier's default
    CHECK(silver.half_spread_for(eur_usd) == 100);
    CHECK(silver.half_spread_for(gbp_usd) == 150);
    CHECK(silver.half_spread_for(btc_usd) == 1000);
    CHECK(bronze.half_spread_by_instrument_cbps.empty());
    CHECK(bronze.half_spread_for(eur_usd) == 2500);
  }

  SECTION("clients and credentials") {
    CHECK(c.ref.clients[0].legal_name == "Acme Capital Partners LLC");
    CHECK(c.ref.clients[2].legal_name == "Gamma Treasury GmbH");
    CHECK(c.ref.tier_of(ClientId(1)).name == "silver");
    const char* const kComp[] = {"ACME", "BETA", "GAMMA"};
    const char* const kUser[] = {"acme", "beta", "gamma"};
    for (size_t i = 0; i < 3; ++i) {
      INFO("client " << i);
      CHECK(c.credentials[i].sender_comp_id == kComp[i]);
      CHECK(c.credentials[i].username == kUser[i]);
      CHECK_THAT(c.credentials[i].password_hash, Catch::Matchers::StartsWith("scrypt$16384$8$1$"));
    }
  }

  SECTION("cancel_on_disconnect and pre-trade limits (notionals in USD cents)") {
    const auto& acme = client(c, "ACME");
    CHECK_FALSE(acme.cancel_on_disconnect);
    CHECK(opt(acme.limits.order_notional_max) == 500'000'000);    // 5,000,000.00 USD
    CHECK(opt(acme.limits.open_orders_max) == 200);
    CHECK(opt(acme.limits.daily_notional_max) == 5'000'000'000);  // 50,000,000.00 USD
    // Positions and credit in each asset's own minor units: BTC satoshi, ETH gwei.
    CHECK(by_asset(c, acme.limits.position_max) ==
          std::vector<std::string>{"BTC 50000000000", "ETH 5000000000000"});  // 500 BTC, 5000 ETH
    CHECK(by_asset(c, acme.limits.credit) == std::vector<std::string>{"USD 25000000"});  // 250,000.00 USD

    const auto& beta = client(c, "BETA");
    CHECK(beta.cancel_on_disconnect);
    CHECK(opt(beta.limits.order_notional_max) == 100'000'000);
    CHECK(opt(beta.limits.open_orders_max) == 50);
    CHECK(opt(beta.limits.daily_notional_max) == 500'000'000);
    CHECK(by_asset(c, beta.limits.position_max) == std::vector<std::string>{"BTC 5000000000"});  // 50 BTC
    CHECK(beta.limits.credit.empty());

    const auto& gamma = client(c, "GAMMA");
    CHECK_FALSE(gamma.cancel_on_disconnect);  // the default
    CHECK(opt(gamma.limits.open_orders_max) == 10);
    CHECK(opt(gamma.limits.order_notional_max) == -1);
    CHECK(opt(gamma.limits.daily_notional_max) == -1);
    CHECK(gamma.limits.position_max.empty());
    CHECK(gamma.limits.credit.empty());
  }

  SECTION("demo balances in minor units") {
    CHECK(demo_balance(c, "ACME", "USD") == 500'000'000);  // 5,000,000.00
    CHECK(demo_balance(c, "ACME", "EUR") == 200'000'000);
    CHECK(demo_balance(c, "ACME", "BTC") == 5'000'000'000);    // 50 BTC
    CHECK(demo_balance(c, "ACME", "ETH") == 500'000'000'000);  // 500 ETH in gwei
    CHECK(demo_balance(c, "ACME", "USDT") == 1'000'000'000'000);
    CHECK(demo_balance(c, "ACME", "GBP") == -1);
    CHECK(demo_balance(c, "BETA", "USD") == 100'000'000);
    CHECK(demo_balance(c, "BETA", "BTC") == 500'000'000);
    CHECK(demo_balance(c, "BETA", "ETH") == 50'000'000'000);
    CHECK(demo_balance(c, "GAMMA", "USD") == -1);
    for (const auto& b : c.demo_balances) {
      if (b.client == ClientId(0) && b.asset == asset(c, "USD").id) CHECK(b.text == "5000000.00");
    }
  }
}

TEST_CASE("tests/e2e/otcgw-e2e.toml loads; BETA cancels on disconnect, ACME does not", "[config][orders]") {
  GatewayConfig c;
  std::string error;
  REQUIRE(load_config(kE2eConfPath.string(), &c, &error));
  INFO("error: " << error);
  CHECK(client(c, "BETA").cancel_on_disconnect);
  CHECK_FALSE(client(c, "ACME").cancel_on_disconnect);
  CHECK_FALSE(client(c, "GAMMA").cancel_on_disconnect);
  CHECK(c.ref.limits.reference_asset == asset(c, "USD").id);
  CHECK(c.ref.limits.day_end_utc_minutes == 21 * 60);
  CHECK(c.ref.limits.slippage_max_cbps == 50'000);
  CHECK(tier(c, "gold").slippage_cbps == 1000);
  CHECK(tier(c, "silver").slippage_cbps == 2000);
  CHECK(tier(c, "bronze").slippage_cbps == 5000);
  CHECK(tier(c, "silver").quote_ttl_ms == 400);  // the e2e file's own settings are kept
  CHECK(instrument(c, "BTC/USD").min_qty == Qty(100'000));
  CHECK(opt(client(c, "ACME").limits.open_orders_max) == 200);
  CHECK(opt(client(c, "BETA").limits.order_notional_max) == 100'000'000);
  CHECK(opt(client(c, "GAMMA").limits.open_orders_max) == 10);
}

TEST_CASE("a copy resolves its relative paths against its own folder, also when loaded by a relative path",
          "[config]") {
  TempDir dir;
  const fs::path p = dir.path() / "otcgw.toml";
  spit(p, slurp(kConfPath));
  GatewayConfig c;
  std::string error;

  // ctest runs us in the build tree; name the copy relative to the working directory.
  const fs::path rel = fs::relative(p);
  REQUIRE(rel.is_relative());
  REQUIRE(load_config(rel.string(), &c, &error));
  // fs::relative() goes through weakly_canonical, so compare against the canonical folder.
  const fs::path base = fs::weakly_canonical(dir.path());
  CHECK(c.config_path == (base / "otcgw.toml").string());
  CHECK(c.fix_settings_path == (base / "fix-sessions.cfg").string());
  CHECK(c.state_dir == (base.parent_path() / "var").string());
  CHECK(c.journal_path == (base.parent_path() / "var" / "otcgw.db").string());
  CHECK(fs::path(c.fix_settings_path).is_absolute());
  CHECK(fs::path(c.journal_path).is_absolute());
}

TEST_CASE("absolute paths in the file are kept; journal is relative to state_dir", "[config]") {
  struct Case {
    const char* name;
    Edit edit;
    const char* state_dir;
    const char* journal;
  };
  // clang-format off
  static const Case kCases[] = {
      {"absolute state_dir", {"", "state_dir = \"../var\"", "state_dir = \"/srv/otc/state\""}, "/srv/otc/state", "/srv/otc/state/otcgw.db"},
      {"absolute journal", {"", "journal = \"otcgw.db\"", "journal = \"/data/j.db\""}, nullptr, "/data/j.db"},
      {"journal in a subfolder", {"", "journal = \"otcgw.db\"", "journal = \"db/./x/../otcgw.db\""}, nullptr, nullptr},
  };
  // clang-format on
  for (const Case& k : kCases) {
    INFO(k.name);
    TempDir dir;
    GatewayConfig c;
    std::string error;
    REQUIRE(load_edited(dir, k.edit, &c, &error));
    if (k.state_dir != nullptr) CHECK(c.state_dir == k.state_dir);
    if (k.journal != nullptr) {
      CHECK(c.journal_path == k.journal);
    } else {
      CHECK(c.journal_path == (fs::path(c.state_dir) / "db" / "otcgw.db").string());
    }
  }
}

TEST_CASE("a missing file is refused with its path", "[config]") {
  TempDir dir;
  const std::string p = (dir.path() / "nope.toml").string();
  GatewayConfig c;
  std::string error;
  CHECK_FALSE(load_config(p, &c, &error));
  CHECK_THAT(error, Contains(p));
}

// ---------------------------------------------------------------------------
// Broken copies: one line per case, ending in what the error must say.

namespace {

struct Broken {
  const char* name;
  Edit edit;
  const char* key;   // the key the error must name
  const char* what;  // and a piece of the reason
};

// Anchors start with "\n" where the bare text also occurs inside another key
// (`id = "ACME"` is inside `sender_comp_id = "ACME"`).
// clang-format off
const Broken kBroken[] = {
    // Unknown keys: a misspelt optional key must not fall back to a default.
    {"unknown top-level key", {"", "[gateway]\n", "colour = \"blue\"\n[gateway]\n"}, "colour", "unknown key"},
    {"unknown top-level table", {"", "[engine]\n", "[risk]\nlimit = 1\n[engine]\n"}, "risk", "unknown key"},
    {"unknown key in [gateway]", {"", "journal = \"otcgw.db\"", "journal = \"otcgw.db\"\njournal_mode = \"wal\""}, "gateway.journal_mode", "unknown key"},
    {"unknown key in [engine]", {"", "batch_max = 1024", "batch_max = 1024\nbatch_size = 10"}, "engine.batch_size", "unknown key"},
    {"unknown key in [[assets]]", {"", "code = \"ETH\"", "code = \"ETH\"\nname = \"Ether\""}, "assets[4].name", "unknown key"},
    {"unknown key in [[instruments]]", {"", "symbol = \"ETH/BTC\"", "symbol = \"ETH/BTC\"\nticksize = \"0.1\""}, "instruments[3].ticksize", "unknown key"},
    {"unknown key in [[tiers]]", {"", "name = \"silver\"", "name = \"silver\"\nhalf_spread = \"10\""}, "tiers[1].half_spread", "unknown key"},
    {"unknown key in [[clients]]", {"", "\nid = \"BETA\"", "\nid = \"BETA\"\npasword_hash = \"x\""}, "clients[1].pasword_hash", "unknown key"},
    {"unknown key in size_bands", {"symbol = \"BTC/USD\"", "{ min_notional = \"250000\", add_bps = \"2\" }", "{ min_notional = \"250000\", add_bps = \"2\", add_pips = \"1\" }"}, "instruments[0].size_bands[0].add_pips", "unknown key"},
    {"size band with the old key min_qty", {"symbol = \"BTC/USD\"", "{ min_notional = \"250000\", add_bps = \"2\" }", "{ min_qty = \"5\", add_bps = \"2\" }"}, "instruments[0].size_bands[0].min_qty", "unknown key"},
    {"size band with both min_qty and min_notional", {"symbol = \"ETH/USD\"", "{ min_notional = \"1000000\", add_bps = \"5\" }", "{ min_notional = \"1000000\", min_qty = \"500\", add_bps = \"5\" }"}, "instruments[1].size_bands[1].min_qty", "unknown key"},
    {"unknown skew key in [[instruments]]", {"symbol = \"BTC/USD\"", "skew_max_bps = \"5\"", "skew_max_bps = \"5\"\nskew_bps = \"1\""}, "instruments[0].skew_bps", "unknown key"},
    {"unknown key quote_ttl_max in [[tiers]]", {"name = \"gold\"", "quote_ttl_max_ms = 60000", "quote_ttl_max = 60000"}, "tiers[0].quote_ttl_max", "unknown key"},

    // Missing required keys (no defaults).
    {"missing listen_port", {"", "listen_port = 9876", ""}, "gateway.listen_port", "missing"},
    {"missing fix_settings", {"", "fix_settings = \"fix-sessions.cfg\"", ""}, "gateway.fix_settings", "missing"},
    {"empty state_dir", {"", "state_dir = \"../var\"", "state_dir = \"\""}, "gateway.state_dir", "must not be empty"},
    {"missing price_age_max_ms", {"", "price_age_max_ms = 2000", ""}, "engine.price_age_max_ms", "missing"},
    {"missing asset decimals", {"code = \"BTC\"", "decimals = 8", ""}, "assets[3].decimals", "missing"},
    {"missing instrument tick", {"symbol = \"ETH/BTC\"", "tick = \"0.000001\"", ""}, "instruments[3].tick", "missing"},
    {"tick as a TOML float", {"symbol = \"ETH/BTC\"", "tick = \"0.000001\"", "tick = 0.000001"}, "instruments[3].tick", "not a string"},
    {"missing tier quote_ttl_ms", {"name = \"bronze\"", "quote_ttl_ms = 3000", ""}, "tiers[2].quote_ttl_ms", "missing"},
    {"missing client password_hash", {"\nid = \"GAMMA\"", "password_hash = ", "# password_hash = "}, "clients[2].password_hash", "missing"},
    {"missing client tier", {"\nid = \"BETA\"", "tier = \"silver\"", ""}, "clients[1].tier", "missing"},

    // Duplicates.
    {"duplicate asset", {"", "code = \"USDC\"", "code = \"USDT\""}, "assets[6].code", "duplicate asset USDT"},
    {"duplicate instrument symbol", {"", "symbol = \"GBP/USD\"\nmd_ladder = [\"100000\", \"1000000\", \"5000000\"]\nbase = \"GBP\"", "symbol = \"EUR/USD\"\nmd_ladder = [\"100000\", \"1000000\", \"5000000\"]\nbase = \"EUR\""}, "instruments[7].symbol", "duplicate instrument EUR/USD"},
    {"duplicate tier", {"", "name = \"bronze\"", "name = \"gold\""}, "tiers[2].name", "duplicate tier gold"},
    {"duplicate client id", {"", "\nid = \"GAMMA\"", "\nid = \"BETA\""}, "clients[2].id", "duplicate client BETA"},
    {"duplicate sender_comp_id", {"", "sender_comp_id = \"GAMMA\"", "sender_comp_id = \"ACME\""}, "clients[2].sender_comp_id", "duplicate ACME"},
    {"duplicate username", {"", "username = \"gamma\"", "username = \"beta\""}, "clients[2].username", "duplicate beta"},

    // Instruments: symbol, assets, grids.
    {"symbol not base/quote", {"", "symbol = \"ETH/USD\"", "symbol = \"ETHUSD\""}, "instruments[1].symbol", "must be base/quote"},
    {"symbol reversed", {"", "symbol = \"ETH/USD\"", "symbol = \"USD/ETH\""}, "instruments[1].symbol", "must be base/quote"},
    {"unknown base asset", {"", "symbol = \"BTC/EUR\"\nmd_ladder = [\"0.1\", \"1\", \"5\"]\nbase = \"BTC\"", "symbol = \"XBT/EUR\"\nmd_ladder = [\"0.1\", \"1\", \"5\"]\nbase = \"XBT\""}, "instruments[2].base", "unknown asset XBT"},
    {"unknown quote asset", {"", "symbol = \"ETH/BTC\"\nmd_ladder = [\"1\", \"10\", \"100\"]\nbase = \"ETH\"\nquote = \"BTC\"", "symbol = \"ETH/XBT\"\nmd_ladder = [\"1\", \"10\", \"100\"]\nbase = \"ETH\"\nquote = \"XBT\""}, "instruments[3].quote", "unknown asset XBT"},
    {"price_decimals above 12", {"symbol = \"ETH/BTC\"", "price_decimals = 6", "price_decimals = 13"}, "instruments[3].price_decimals", "[0, 12]"},
    {"tick finer than price_decimals", {"symbol = \"ETH/BTC\"", "tick = \"0.000001\"", "tick = \"0.0000001\""}, "instruments[3].tick", "at most 6 decimals"},
    {"tick zero", {"symbol = \"BTC/USD\"", "tick = \"0.01\"", "tick = \"0\""}, "instruments[0].tick", "must be positive"},
    {"lot finer than the base asset (BTC 8)", {"symbol = \"BTC/USD\"", "lot = \"0.0001\"", "lot = \"0.000000001\""}, "instruments[0].lot", "at most 8 decimals"},
    {"lot finer than the base asset (ETH 9)", {"symbol = \"ETH/USD\"", "lot = \"0.001\"", "lot = \"0.0000000001\""}, "instruments[1].lot", "at most 9 decimals"},
    {"lot negative", {"symbol = \"BTC/USD\"", "lot = \"0.0001\"", "lot = \"-0.0001\""}, "instruments[0].lot", "must be positive"},
    {"min_qty off the lot grid", {"symbol = \"BTC/USD\"", "min_qty = \"0.0001\"", "min_qty = \"0.00015\""}, "instruments[0].min_qty", "multiple of lot"},
    {"max_qty off the lot grid", {"symbol = \"BTC/USD\"", "max_qty = \"50\"", "max_qty = \"50.00005\""}, "instruments[0].max_qty", "multiple of lot"},
    {"min_qty above max_qty", {"symbol = \"ETH/USD\"", "min_qty = \"0.001\"", "min_qty = \"1000.001\""}, "instruments[1].max_qty", ">= min_qty"},
    {"max_qty overflows int64 minor units", {"symbol = \"ETH/USD\"", "max_qty = \"1000\"", "max_qty = \"10000000000\""}, "instruments[1].max_qty", "overflow"},
    {"initial_mid off the tick grid", {"symbol = \"BTC/USD\"", "tick = \"0.01\"", "tick = \"0.03\""}, "instruments[0].initial_mid", "tick grid"},
    {"initial_mid finer than price_decimals", {"symbol = \"BTC/USD\"", "initial_mid = \"65000.00\"", "initial_mid = \"65000.001\""}, "instruments[0].initial_mid", "at most 2 decimals"},
    {"step_bps above 100", {"symbol = \"BTC/USD\"", "step_bps = \"1\"", "step_bps = \"100.01\""}, "instruments[0].step_bps", "<= 100"},
    {"size bands equal min_notional", {"symbol = \"BTC/USD\"", "{ min_notional = \"1000000\", add_bps = \"5\" }", "{ min_notional = \"250000.00\", add_bps = \"5\" }"}, "instruments[0].size_bands[1].min_notional", "increasing"},
    {"size bands decreasing min_notional", {"symbol = \"BTC/USD\"", "{ min_notional = \"1000000\", add_bps = \"5\" }", "{ min_notional = \"249999.99\", add_bps = \"5\" }"}, "instruments[0].size_bands[1].min_notional", "increasing"},
    {"size bands decreasing min_notional (ETH/USD)", {"symbol = \"ETH/USD\"", "{ min_notional = \"1000000\", add_bps = \"5\" }", "{ min_notional = \"100000\", add_bps = \"5\" }"}, "instruments[1].size_bands[1].min_notional", "increasing"},
    {"size band min_notional zero", {"symbol = \"BTC/USD\"", "min_notional = \"250000\"", "min_notional = \"0\""}, "instruments[0].size_bands[0].min_notional", "must be positive"},
    {"size band min_notional 0.00", {"symbol = \"ETH/USD\"", "min_notional = \"250000\"", "min_notional = \"0.00\""}, "instruments[1].size_bands[0].min_notional", "must be positive"},
    {"size band min_notional negative", {"symbol = \"BTC/USD\"", "min_notional = \"250000\"", "min_notional = \"-250000\""}, "instruments[0].size_bands[0].min_notional", "must be positive"},
    {"size band min_notional not a string", {"symbol = \"BTC/USD\"", "min_notional = \"250000\"", "min_notional = 250000"}, "instruments[0].size_bands[0].min_notional", "not a string"},
    {"size band min_notional missing", {"symbol = \"BTC/USD\"", "min_notional = \"250000\", ", ""}, "instruments[0].size_bands[0].min_notional", "missing"},
    {"size band add_bps = 1000", {"symbol = \"BTC/USD\"", "add_bps = \"5\"", "add_bps = \"1000\""}, "instruments[0].size_bands[1].add_bps", "< 1000 bps"},
    {"size band add_bps with 3 decimals", {"symbol = \"BTC/USD\"", "add_bps = \"5\"", "add_bps = \"5.001\""}, "instruments[0].size_bands[1].add_bps", "at most 2 decimals"},
    // min_notional is at the QUOTE asset's decimals (USD 2), not the base's (BTC 8, ETH 9).
    {"size band min_notional finer than the quote (USD 2)", {"symbol = \"BTC/USD\"", "min_notional = \"250000\"", "min_notional = \"250000.001\""}, "instruments[0].size_bands[0].min_notional", "at most 2 decimals"},
    {"size band min_notional at base decimals (BTC 8) is too fine for USD", {"symbol = \"BTC/USD\"", "min_notional = \"1000000\"", "min_notional = \"1000000.00000001\""}, "instruments[0].size_bands[1].min_notional", "at most 2 decimals"},
    {"size band min_notional finer than the quote (ETH/USD)", {"symbol = \"ETH/USD\"", "min_notional = \"250000\"", "min_notional = \"0.001\""}, "instruments[1].size_bands[0].min_notional", "at most 2 decimals"},
    {"size band min_notional finer than a crypto quote (BTC 8)", {"", "symbol = \"ETH/BTC\"", "symbol = \"ETH/BTC\"\nsize_bands = [ { min_notional = \"10.000000001\", add_bps = \"2\" } ]"}, "instruments[3].size_bands[0].min_notional", "at most 8 decimals"},

    // Inventory skew.
    {"skew_bps_per_unit above 1000", {"symbol = \"BTC/USD\"", "skew_bps_per_unit = \"0.2\"", "skew_bps_per_unit = \"1000.01\""}, "instruments[0].skew_bps_per_unit", "<= 1000 bps"},
    {"skew_max_bps above 1000", {"symbol = \"BTC/USD\"", "skew_max_bps = \"5\"", "skew_max_bps = \"1000.01\""}, "instruments[0].skew_max_bps", "<= 1000 bps"},
    {"skew_max_bps far above 1000 (ETH/USD)", {"symbol = \"ETH/USD\"", "skew_max_bps = \"5\"", "skew_max_bps = \"5000\""}, "instruments[1].skew_max_bps", "<= 1000 bps"},
    {"skew_bps_per_unit as a TOML float", {"symbol = \"BTC/USD\"", "skew_bps_per_unit = \"0.2\"", "skew_bps_per_unit = 0.2"}, "instruments[0].skew_bps_per_unit", "not a string"},
    {"skew_max_bps as a TOML integer", {"symbol = \"BTC/USD\"", "skew_max_bps = \"5\"", "skew_max_bps = 5"}, "instruments[0].skew_max_bps", "not a string"},
    {"skew_max_bps as a boolean", {"symbol = \"ETH/USD\"", "skew_max_bps = \"5\"", "skew_max_bps = true"}, "instruments[1].skew_max_bps", "not a string"},
    {"skew_bps_per_unit negative", {"symbol = \"BTC/USD\"", "skew_bps_per_unit = \"0.2\"", "skew_bps_per_unit = \"-0.2\""}, "instruments[0].skew_bps_per_unit", "must not be negative"},
    {"skew_max_bps negative", {"symbol = \"BTC/USD\"", "skew_max_bps = \"5\"", "skew_max_bps = \"-5\""}, "instruments[0].skew_max_bps", "must not be negative"},
    {"skew_bps_per_unit with 3 decimals", {"symbol = \"ETH/USD\"", "skew_bps_per_unit = \"0.01\"", "skew_bps_per_unit = \"0.001\""}, "instruments[1].skew_bps_per_unit", "at most 2 decimals"},
    {"skew_bps_per_unit empty", {"symbol = \"BTC/USD\"", "skew_bps_per_unit = \"0.2\"", "skew_bps_per_unit = \"\""}, "instruments[0].skew_bps_per_unit", "must not be empty"},
    // The two skew keys come together: one without the other is refused, naming the missing one.
    {"skew_bps_per_unit without skew_max_bps", {"symbol = \"BTC/USD\"", "skew_max_bps = \"5\"", ""}, "instruments[0].skew_max_bps", "missing"},
    {"skew_max_bps without skew_bps_per_unit", {"symbol = \"ETH/USD\"", "skew_bps_per_unit = \"0.01\"", ""}, "instruments[1].skew_bps_per_unit", "missing"},
    {"skew_max_bps alone on an instrument without skew", {"", "symbol = \"BTC/EUR\"", "symbol = \"BTC/EUR\"\nskew_max_bps = \"5\""}, "instruments[2].skew_bps_per_unit", "missing"},

    // Streaming ladder (md_ladder): decimal strings in base units, each positive, on the lot grid,
    // within [min_qty, max_qty], strictly increasing, at most 10. The error names the entry.
    {"md_ladder entry off the lot grid (BTC lot 0.0001)", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"1.00005\", \"5\", \"20\"]"}, "instruments[0].md_ladder[1]", "multiple of lot"},
    {"md_ladder entry off the lot grid (USDT lot 1)", {"symbol = \"USDT/USD\"", "md_ladder = [\"10000\", \"100000\", \"1000000\"]", "md_ladder = [\"10000.5\", \"100000\", \"1000000\"]"}, "instruments[4].md_ladder[0]", "multiple of lot"},
    {"md_ladder entry finer than the base asset (BTC 8)", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"1\", \"5\", \"20.000000001\"]"}, "instruments[0].md_ladder[3]", "at most 8 decimals"},
    {"md_ladder entry finer than the base asset (ETH 9)", {"symbol = \"ETH/USD\"", "md_ladder = [\"1\", \"10\", \"100\"]", "md_ladder = [\"1\", \"10.0000000001\", \"100\"]"}, "instruments[1].md_ladder[1]", "at most 9 decimals"},
    {"md_ladder entry read at the base decimals, not the quote's (ETH/BTC)", {"symbol = \"ETH/BTC\"", "md_ladder = [\"1\", \"10\", \"100\"]", "md_ladder = [\"1\", \"10\", \"100.0000000001\"]"}, "instruments[3].md_ladder[2]", "at most 9 decimals"},
    {"md_ladder entry zero", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0\", \"1\", \"5\", \"20\"]"}, "instruments[0].md_ladder[0]", "must be positive"},
    {"md_ladder entry negative", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"-0.1\", \"1\", \"5\", \"20\"]"}, "instruments[0].md_ladder[0]", "must be positive"},
    {"md_ladder entry empty", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"\", \"5\", \"20\"]"}, "instruments[0].md_ladder[1]", "(empty)"},
    {"md_ladder entry with an exponent", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"1e0\", \"5\", \"20\"]"}, "instruments[0].md_ladder[1]", "(malformed)"},
    {"md_ladder entry with spaces", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \" 1\", \"5\", \"20\"]"}, "instruments[0].md_ladder[1]", "(malformed)"},
    {"md_ladder entry overflows int64 minor units", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"1\", \"5\", \"100000000000\"]"}, "instruments[0].md_ladder[3]", "overflow"},
    {"md_ladder entry below min_qty (USDT min 100)", {"symbol = \"USDT/USD\"", "md_ladder = [\"10000\", \"100000\", \"1000000\"]", "md_ladder = [\"99\", \"100000\", \"1000000\"]"}, "instruments[4].md_ladder[0]", "within [min_qty, max_qty]"},
    {"md_ladder entry one cent below min_qty (EUR min 1000)", {"symbol = \"EUR/USD\"", "md_ladder = [\"100000\", \"1000000\", \"5000000\"]", "md_ladder = [\"999.99\", \"1000000\", \"5000000\"]"}, "instruments[6].md_ladder[0]", "within [min_qty, max_qty]"},
    {"md_ladder entry above max_qty (BTC max 50)", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"1\", \"5\", \"50.0001\"]"}, "instruments[0].md_ladder[3]", "within [min_qty, max_qty]"},
    {"md_ladder entry one cent above max_qty (GBP max 50000000)", {"symbol = \"GBP/USD\"", "md_ladder = [\"100000\", \"1000000\", \"5000000\"]", "md_ladder = [\"100000\", \"1000000\", \"50000000.01\"]"}, "instruments[7].md_ladder[2]", "within [min_qty, max_qty]"},
    {"md_ladder not increasing", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"5\", \"1\", \"20\"]"}, "instruments[0].md_ladder[2]", "increasing"},
    {"md_ladder decreasing", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"20\", \"5\", \"1\", \"0.1\"]"}, "instruments[0].md_ladder[1]", "increasing"},
    {"md_ladder with a repeated size", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"1\", \"1\", \"20\"]"}, "instruments[0].md_ladder[2]", "increasing"},
    {"md_ladder with a repeated size spelt differently", {"symbol = \"ETH/USD\"", "md_ladder = [\"1\", \"10\", \"100\"]", "md_ladder = [\"1\", \"10\", \"10.000\"]"}, "instruments[1].md_ladder[2]", "increasing"},
    {"md_ladder with 11 sizes", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"0.2\", \"0.3\", \"0.4\", \"0.5\", \"0.6\", \"0.7\", \"0.8\", \"0.9\", \"1\", \"1.1\"]"}, "instruments[0].md_ladder", "at most 10 sizes"},
    {"md_ladder with 11 sizes (ETH/BTC)", {"symbol = \"ETH/BTC\"", "md_ladder = [\"1\", \"10\", \"100\"]", "md_ladder = [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\", \"10\", \"11\"]"}, "instruments[3].md_ladder", "at most 10 sizes"},
    {"md_ladder as a string", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = \"0.1\""}, "instruments[0].md_ladder", "must be an array"},
    {"md_ladder as a boolean", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = true"}, "instruments[0].md_ladder", "must be an array"},
    {"md_ladder as an inline table", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = { sizes = [\"0.1\"] }"}, "instruments[0].md_ladder", "must be an array"},
    {"md_ladder entries as TOML floats", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [0.1, 1.0, 5.0, 20.0]"}, "instruments[0].md_ladder[0]", "must be a decimal string"},
    {"md_ladder entries as TOML integers", {"symbol = \"ETH/USD\"", "md_ladder = [\"1\", \"10\", \"100\"]", "md_ladder = [1, 10, 100]"}, "instruments[1].md_ladder[0]", "must be a decimal string"},
    {"md_ladder with one integer among strings", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"1\", 5, \"20\"]"}, "instruments[0].md_ladder[2]", "must be a decimal string"},
    {"md_ladder entry as a nested array", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [[\"0.1\"]]"}, "instruments[0].md_ladder[0]", "must be a decimal string"},
    {"md_ladder misspelt", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladders = [\"0.1\", \"1\", \"5\", \"20\"]"}, "instruments[0].md_ladders", "unknown key"},

    // Assets.
    {"asset decimals above 18", {"code = \"USDC\"", "decimals = 6", "decimals = 19"}, "assets[6].decimals", "[0, 18]"},
    {"asset kind unknown", {"code = \"GBP\"", "kind = \"fiat\"", "kind = \"metal\""}, "assets[2].kind", "fiat, crypto or stablecoin"},

    // Tiers.
    // The message names the key (see the regression case below).
    {"half_spread_bps = 1000", {"name = \"bronze\"", "half_spread_bps = \"25\"", "half_spread_bps = \"1000\""}, "tiers[2]", "< 1000 bps"},
    {"fee_bps = 1000", {"name = \"silver\"", "fee_bps = \"1\"", "fee_bps = \"1000.00\""}, "tiers[1]", "< 1000 bps"},
    {"half_spread_bps negative", {"name = \"bronze\"", "half_spread_bps = \"25\"", "half_spread_bps = \"-1\""}, "tiers[2].half_spread_bps", "must not be negative"},
    {"half_spread override = 1000", {"name = \"gold\"", "\"EUR/USD\" = \"0.5\"", "\"EUR/USD\" = \"1000\""}, "tiers[0].half_spread_bps_by_instrument.EUR/USD", "< 1000 bps"},
    {"half_spread override for an unknown instrument", {"name = \"silver\"", "\"GBP/USD\" = \"1.5\"", "\"GBP/JPY\" = \"1.5\""}, "tiers[1].half_spread_bps_by_instrument.GBP/JPY", "unknown instrument"},
    {"half_spread override not a string", {"name = \"silver\"", "\"GBP/USD\" = \"1.5\"", "\"GBP/USD\" = 1.5"}, "tiers[1].half_spread_bps_by_instrument.GBP/USD", "decimal string"},
    {"quote_ttl_ms below 100", {"name = \"bronze\"", "quote_ttl_ms = 3000", "quote_ttl_ms = 99"}, "tiers[2].quote_ttl_ms", "[100, 600000]"},
    {"quote_ttl_ms above 600000", {"name = \"bronze\"", "quote_ttl_ms = 3000", "quote_ttl_ms = 600001"}, "tiers[2].quote_ttl_ms", "[100, 600000]"},
    {"quote_ttl_ms 0", {"name = \"gold\"", "quote_ttl_ms = 10000", "quote_ttl_ms = 0"}, "tiers[0].quote_ttl_ms", "[100, 600000]"},
    {"quote_ttl_max_ms < quote_ttl_ms", {"name = \"bronze\"", "quote_ttl_max_ms = 10000", "quote_ttl_max_ms = 2999"}, "tiers[2].quote_ttl_max_ms", ">= quote_ttl_ms"},
    {"quote_ttl_ms raised above quote_ttl_max_ms", {"name = \"silver\"", "quote_ttl_ms = 5000", "quote_ttl_ms = 30001"}, "tiers[1].quote_ttl_max_ms", ">= quote_ttl_ms"},
    {"quote_ttl_max_ms above 600000", {"name = \"gold\"", "quote_ttl_max_ms = 60000", "quote_ttl_max_ms = 600001"}, "tiers[0].quote_ttl_max_ms", "[100, 600000]"},
    {"quote_ttl_max_ms below 100", {"name = \"bronze\"", "quote_ttl_ms = 3000\nquote_ttl_max_ms = 10000", "quote_ttl_ms = 100\nquote_ttl_max_ms = 99"}, "tiers[2].quote_ttl_max_ms", "[100, 600000]"},
    {"quote_ttl_max_ms negative", {"name = \"silver\"", "quote_ttl_max_ms = 30000", "quote_ttl_max_ms = -1"}, "tiers[1].quote_ttl_max_ms", "[100, 600000]"},
    {"quote_ttl_max_ms as a string", {"name = \"silver\"", "quote_ttl_max_ms = 30000", "quote_ttl_max_ms = \"30000\""}, "tiers[1].quote_ttl_max_ms", "not an integer"},
    {"quote_ttl_max_ms as a TOML float", {"name = \"gold\"", "quote_ttl_max_ms = 60000", "quote_ttl_max_ms = 60000.0"}, "tiers[0].quote_ttl_max_ms", "not an integer"},

    // Clients.
    {"unknown tier on a client", {"\nid = \"BETA\"", "tier = \"silver\"", "tier = \"platinum\""}, "clients[1].tier", "unknown tier platinum"},
    {"password_hash N not a power of two", {"\nid = \"ACME\"", "password_hash = \"scrypt$16384$", "password_hash = \"scrypt$1000$"}, "clients[0].password_hash", "power of two"},
    {"password_hash other scheme", {"\nid = \"ACME\"", "password_hash = \"scrypt$", "password_hash = \"bcrypt$"}, "clients[0].password_hash", "unsupported scheme"},
    {"password_hash upper-case salt", {"", "$41818a33ada0788e", "$41818A33ADA0788E"}, "clients[0].password_hash", "salt"},
    {"password_hash short key", {"", "a4b290f7\"", "a4b290\""}, "clients[0].password_hash", "key must be 32 bytes"},
    {"password_hash missing field", {"", "scrypt$16384$8$1$7edd04f0", "scrypt$16384$8$7edd04f0"}, "clients[1].password_hash", "expected scrypt$N$r$p$salt$key"},
    {"demo balance for an unknown asset", {"\nid = \"BETA\"", "ETH = \"50\"", "DOGE = \"50\""}, "clients[1].demo_balances.DOGE", "unknown asset"},
    {"demo balance with too many decimals", {"\nid = \"ACME\"", "USD = \"5000000.00\"", "USD = \"5000000.001\""}, "clients[0].demo_balances.USD", "at most 2 decimals"},
    {"demo balance zero", {"\nid = \"BETA\"", "BTC = \"5\"", "BTC = \"0\""}, "clients[1].demo_balances.BTC", "must be positive"},
    {"demo balance not a string", {"\nid = \"BETA\"", "BTC = \"5\"", "BTC = 5"}, "clients[1].demo_balances.BTC", "decimal string"},
    {"reserved client id DESK", {"", "\nid = \"GAMMA\"", "\nid = \"DESK\""}, "clients[2].id", "reserved"},
    {"reserved client id FEES", {"", "\nid = \"GAMMA\"", "\nid = \"FEES\""}, "clients[2].id", "reserved"},
    {"reserved client id EXTERNAL", {"", "\nid = \"GAMMA\"", "\nid = \"EXTERNAL\""}, "clients[2].id", "reserved"},
    {"client id with lower case", {"", "\nid = \"GAMMA\"", "\nid = \"Gamma\""}, "clients[2].id", "only A-Z"},
    {"client id with a space", {"", "\nid = \"GAMMA\"", "\nid = \"GAM MA\""}, "clients[2].id", "only A-Z"},

    // [gateway] / [engine] ranges and relations.
    {"listen_port above 65535", {"", "listen_port = 9876", "listen_port = 65536"}, "gateway.listen_port", "[0, 65535]"},
    {"queue_capacity zero", {"", "queue_capacity = 65536", "queue_capacity = 0"}, "engine.queue_capacity", "[1, "},
    {"price_age_max_ms < feed_interval_ms", {"", "price_age_max_ms = 2000", "price_age_max_ms = 99"}, "engine.price_age_max_ms", ">= feed_interval_ms"},
    {"cl_ord_ids_per_client_max zero", {"", "cl_ord_ids_per_client_max = 1000000", "cl_ord_ids_per_client_max = 0"}, "engine.cl_ord_ids_per_client_max", "[1, "},
    // Market data limits: optional integers, each in its range.
    {"md_min_interval_ms zero", {"", "md_min_interval_ms = 250", "md_min_interval_ms = 0"}, "engine.md_min_interval_ms", "[1, 3600000]"},
    {"md_min_interval_ms negative", {"", "md_min_interval_ms = 250", "md_min_interval_ms = -250"}, "engine.md_min_interval_ms", "[1, 3600000]"},
    {"md_min_interval_ms above one hour", {"", "md_min_interval_ms = 250", "md_min_interval_ms = 3600001"}, "engine.md_min_interval_ms", "[1, 3600000]"},
    {"md_min_interval_ms as a string", {"", "md_min_interval_ms = 250", "md_min_interval_ms = \"250\""}, "engine.md_min_interval_ms", "not an integer"},
    {"md_min_interval_ms as a TOML float", {"", "md_min_interval_ms = 250", "md_min_interval_ms = 250.0"}, "engine.md_min_interval_ms", "not an integer"},
    {"md_min_interval_ms as a boolean", {"", "md_min_interval_ms = 250", "md_min_interval_ms = true"}, "engine.md_min_interval_ms", "not an integer"},
    {"md_subscriptions_per_client_max zero", {"", "md_subscriptions_per_client_max = 64", "md_subscriptions_per_client_max = 0"}, "engine.md_subscriptions_per_client_max", "[1, 4096]"},
    {"md_subscriptions_per_client_max above 4096", {"", "md_subscriptions_per_client_max = 64", "md_subscriptions_per_client_max = 4097"}, "engine.md_subscriptions_per_client_max", "[1, 4096]"},
    {"md_subscriptions_per_client_max negative", {"", "md_subscriptions_per_client_max = 64", "md_subscriptions_per_client_max = -1"}, "engine.md_subscriptions_per_client_max", "[1, 4096]"},
    {"md_subscriptions_per_client_max as a string", {"", "md_subscriptions_per_client_max = 64", "md_subscriptions_per_client_max = \"64\""}, "engine.md_subscriptions_per_client_max", "not an integer"},
    {"md_subscriptions_per_client_max as a TOML float", {"", "md_subscriptions_per_client_max = 64", "md_subscriptions_per_client_max = 64.0"}, "engine.md_subscriptions_per_client_max", "not an integer"},
    {"md_symbols_per_request_max zero", {"", "md_symbols_per_request_max = 16", "md_symbols_per_request_max = 0"}, "engine.md_symbols_per_request_max", "[1, 256]"},
    {"md_symbols_per_request_max above 256", {"", "md_symbols_per_request_max = 16", "md_symbols_per_request_max = 257"}, "engine.md_symbols_per_request_max", "[1, 256]"},
    {"md_symbols_per_request_max negative", {"", "md_symbols_per_request_max = 16", "md_symbols_per_request_max = -16"}, "engine.md_symbols_per_request_max", "[1, 256]"},
    {"md_symbols_per_request_max as a string", {"", "md_symbols_per_request_max = 16", "md_symbols_per_request_max = \"16\""}, "engine.md_symbols_per_request_max", "not an integer"},
    {"md_symbols_per_request_max as a boolean", {"", "md_symbols_per_request_max = 16", "md_symbols_per_request_max = true"}, "engine.md_symbols_per_request_max", "not an integer"},
    {"md_min_interval_ms misspelt", {"", "md_min_interval_ms = 250", "md_min_interval = 250"}, "engine.md_min_interval", "unknown key"},
    {"md_symbols_per_request_max misspelt", {"", "md_symbols_per_request_max = 16", "md_symbols_per_request = 16"}, "engine.md_symbols_per_request", "unknown key"},

    // [engine] order keys.
    {"reference_asset unknown", {"", "reference_asset = \"USD\"", "reference_asset = \"XBT\""}, "engine.reference_asset", "unknown asset XBT"},
    {"reference_asset lower case", {"", "reference_asset = \"USD\"", "reference_asset = \"usd\""}, "engine.reference_asset", "unknown asset usd"},
    {"reference_asset empty", {"", "reference_asset = \"USD\"", "reference_asset = \"\""}, "engine.reference_asset", "must not be empty"},
    {"reference_asset as an integer", {"", "reference_asset = \"USD\"", "reference_asset = 0"}, "engine.reference_asset", "not a string"},
    {"reference_asset as an inline table", {"", "reference_asset = \"USD\"", "reference_asset = { code = \"USD\" }"}, "engine.reference_asset", "not a string"},
    {"day_end_utc 24:00", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"24:00\""}, "engine.day_end_utc", "'24:00' is not a UTC time of day"},
    {"day_end_utc 23:60", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"23:60\""}, "engine.day_end_utc", "not a UTC time of day"},
    {"day_end_utc 99:99", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"99:99\""}, "engine.day_end_utc", "not a UTC time of day"},
    {"day_end_utc 7:5", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"7:5\""}, "engine.day_end_utc", "'7:5' is not a UTC time of day"},
    {"day_end_utc 7:05 (one-digit hour)", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"7:05\""}, "engine.day_end_utc", "not a UTC time of day"},
    {"day_end_utc ab:cd", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"ab:cd\""}, "engine.day_end_utc", "'ab:cd' is not a UTC time of day"},
    {"day_end_utc with seconds", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"21:00:00\""}, "engine.day_end_utc", "not a UTC time of day"},
    {"day_end_utc with a dot", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"21.00\""}, "engine.day_end_utc", "not a UTC time of day"},
    {"day_end_utc with a sign", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"-1:00\""}, "engine.day_end_utc", "not a UTC time of day"},
    {"day_end_utc with a space", {"", "day_end_utc = \"21:00\"", "day_end_utc = \" 21:00\""}, "engine.day_end_utc", "not a UTC time of day"},
    {"day_end_utc empty", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"\""}, "engine.day_end_utc", "must not be empty"},
    {"day_end_utc as an integer", {"", "day_end_utc = \"21:00\"", "day_end_utc = 2100"}, "engine.day_end_utc", "not a string"},
    {"day_end_utc as a TOML local time", {"", "day_end_utc = \"21:00\"", "day_end_utc = 21:00:00"}, "engine.day_end_utc", "not a string"},
    {"open_orders_max zero", {"", "open_orders_max = 100000", "open_orders_max = 0"}, "engine.open_orders_max", "[1, 16777216]"},
    {"open_orders_max negative", {"", "open_orders_max = 100000", "open_orders_max = -1"}, "engine.open_orders_max", "[1, 16777216]"},
    {"open_orders_max above 16777216", {"", "open_orders_max = 100000", "open_orders_max = 16777217"}, "engine.open_orders_max", "[1, 16777216]"},
    {"open_orders_max as a string", {"", "open_orders_max = 100000", "open_orders_max = \"100000\""}, "engine.open_orders_max", "not an integer"},
    {"open_orders_max as a TOML float", {"", "open_orders_max = 100000", "open_orders_max = 100000.0"}, "engine.open_orders_max", "not an integer"},
    {"retired_orders_max negative", {"", "retired_orders_max = 100000", "retired_orders_max = -1"}, "engine.retired_orders_max", "[0, 16777216]"},
    {"retired_orders_max above 16777216", {"", "retired_orders_max = 100000", "retired_orders_max = 16777217"}, "engine.retired_orders_max", "[0, 16777216]"},
    {"retired_orders_max as a string", {"", "retired_orders_max = 100000", "retired_orders_max = \"100000\""}, "engine.retired_orders_max", "not an integer"},
    {"retired_orders_max as a boolean", {"", "retired_orders_max = 100000", "retired_orders_max = false"}, "engine.retired_orders_max", "not an integer"},
    {"slippage_max_bps zero", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"0\""}, "engine.slippage_max_bps", "must be positive"},
    {"slippage_max_bps negative", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"-500\""}, "engine.slippage_max_bps", "must be positive"},
    {"slippage_max_bps above 1000", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"1000.01\""}, "engine.slippage_max_bps", "<= 1000 bps"},
    {"slippage_max_bps with 3 decimals", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"500.001\""}, "engine.slippage_max_bps", "at most 2 decimals"},
    {"slippage_max_bps as a TOML integer", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = 500"}, "engine.slippage_max_bps", "not a string"},
    {"slippage_max_bps as a TOML float", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = 500.0"}, "engine.slippage_max_bps", "not a string"},
    {"slippage_max_bps malformed", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"5e2\""}, "engine.slippage_max_bps", "(malformed)"},
    {"slippage_max_bps below a tier's slippage_bps", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"49.99\""}, "tiers[2].slippage_bps", "must be <= engine.slippage_max_bps (49.99 bps)"},
    {"slippage_max_bps misspelt", {"", "slippage_max_bps = \"500\"", "max_slippage_bps = \"500\""}, "engine.max_slippage_bps", "unknown key"},

    // [[tiers]] slippage_bps: required, 0 < x <= engine.slippage_max_bps.
    {"missing tier slippage_bps", {"name = \"silver\"", "slippage_bps = \"20\"\n", ""}, "tiers[1].slippage_bps", "missing"},
    {"tier slippage_bps zero", {"name = \"gold\"", "slippage_bps = \"10\"", "slippage_bps = \"0\""}, "tiers[0].slippage_bps", "must be positive"},
    {"tier slippage_bps 0.00", {"name = \"gold\"", "slippage_bps = \"10\"", "slippage_bps = \"0.00\""}, "tiers[0].slippage_bps", "must be positive"},
    {"tier slippage_bps negative", {"name = \"bronze\"", "slippage_bps = \"50\"", "slippage_bps = \"-50\""}, "tiers[2].slippage_bps", "must be positive"},
    {"tier slippage_bps above slippage_max_bps", {"name = \"bronze\"", "slippage_bps = \"50\"", "slippage_bps = \"500.01\""}, "tiers[2].slippage_bps", "must be <= engine.slippage_max_bps (500 bps)"},
    {"tier slippage_bps with 3 decimals", {"name = \"silver\"", "slippage_bps = \"20\"", "slippage_bps = \"20.005\""}, "tiers[1].slippage_bps", "at most 2 decimals"},
    {"tier slippage_bps as a TOML integer", {"name = \"silver\"", "slippage_bps = \"20\"", "slippage_bps = 20"}, "tiers[1].slippage_bps", "not a string"},
    {"tier slippage_bps as a TOML float", {"name = \"gold\"", "slippage_bps = \"10\"", "slippage_bps = 10.0"}, "tiers[0].slippage_bps", "not a string"},
    {"tier slippage_bps empty", {"name = \"gold\"", "slippage_bps = \"10\"", "slippage_bps = \"\""}, "tiers[0].slippage_bps", "must not be empty"},
    {"tier slippage_bps misspelt", {"name = \"gold\"", "slippage_bps = \"10\"", "slippage = \"10\""}, "tiers[0].slippage", "unknown key"},

    // [[clients]] cancel_on_disconnect: a boolean.
    {"cancel_on_disconnect as a string", {"\nid = \"BETA\"", "cancel_on_disconnect = true", "cancel_on_disconnect = \"true\""}, "clients[1].cancel_on_disconnect", "not a boolean"},
    {"cancel_on_disconnect as an integer", {"\nid = \"ACME\"", "cancel_on_disconnect = false", "cancel_on_disconnect = 0"}, "clients[0].cancel_on_disconnect", "not a boolean"},
    {"cancel_on_disconnect misspelt", {"\nid = \"BETA\"", "cancel_on_disconnect = true", "cancel_on_logout = true"}, "clients[1].cancel_on_logout", "unknown key"},

    // [clients.limits]: notionals in the reference asset (USD, 2 decimals), positions and
    // credit in each asset's units; unknown keys and assets refused.
    {"unknown key in [clients.limits]", {"\nid = \"BETA\"", "max_open_orders = 50", "max_open_orders = 50\nmax_orders = 5"}, "clients[1].limits.max_orders", "unknown key"},
    {"limits key at the client level", {"\nid = \"GAMMA\"", "[clients.limits]\nmax_open_orders = 10", "max_open_orders = 10"}, "clients[2].max_open_orders", "unknown key"},
    {"limits as an integer", {"\nid = \"GAMMA\"", "[clients.limits]\nmax_open_orders = 10", "limits = 10"}, "clients[2].limits", "must be a table"},
    {"max_order_notional zero", {"\nid = \"BETA\"", "max_order_notional = \"1000000\"", "max_order_notional = \"0\""}, "clients[1].limits.max_order_notional", "must be positive"},
    {"max_order_notional negative", {"\nid = \"ACME\"", "max_order_notional = \"5000000\"", "max_order_notional = \"-5000000\""}, "clients[0].limits.max_order_notional", "must be positive"},
    {"max_order_notional finer than the reference asset (USD 2)", {"\nid = \"ACME\"", "max_order_notional = \"5000000\"", "max_order_notional = \"5000000.001\""}, "clients[0].limits.max_order_notional", "at most 2 decimals"},
    {"max_order_notional as a TOML integer", {"\nid = \"ACME\"", "max_order_notional = \"5000000\"", "max_order_notional = 5000000"}, "clients[0].limits.max_order_notional", "not a string"},
    {"max_order_notional empty", {"\nid = \"ACME\"", "max_order_notional = \"5000000\"", "max_order_notional = \"\""}, "clients[0].limits.max_order_notional", "must not be empty"},
    {"max_order_notional malformed", {"\nid = \"ACME\"", "max_order_notional = \"5000000\"", "max_order_notional = \"5,000,000\""}, "clients[0].limits.max_order_notional", "(malformed)"},
    {"max_order_notional overflows int64 minor units", {"\nid = \"ACME\"", "max_order_notional = \"5000000\"", "max_order_notional = \"100000000000000000\""}, "clients[0].limits.max_order_notional", "overflow"},
    {"max_open_orders zero", {"\nid = \"GAMMA\"", "max_open_orders = 10", "max_open_orders = 0"}, "clients[2].limits.max_open_orders", "[1, 100000]"},
    {"max_open_orders above engine.open_orders_max", {"\nid = \"ACME\"", "max_open_orders = 200", "max_open_orders = 100001"}, "clients[0].limits.max_open_orders", "[1, 100000]"},
    {"max_open_orders as a string", {"\nid = \"ACME\"", "max_open_orders = 200", "max_open_orders = \"200\""}, "clients[0].limits.max_open_orders", "not an integer"},
    {"max_open_orders as a TOML float", {"\nid = \"BETA\"", "max_open_orders = 50", "max_open_orders = 50.0"}, "clients[1].limits.max_open_orders", "not an integer"},
    {"max_daily_notional zero", {"\nid = \"ACME\"", "max_daily_notional = \"50000000\"", "max_daily_notional = \"0.00\""}, "clients[0].limits.max_daily_notional", "must be positive"},
    {"max_daily_notional finer than USD", {"\nid = \"BETA\"", "max_daily_notional = \"5000000\"", "max_daily_notional = \"5000000.005\""}, "clients[1].limits.max_daily_notional", "at most 2 decimals"},
    {"max_daily_notional as a TOML float", {"\nid = \"BETA\"", "max_daily_notional = \"5000000\"", "max_daily_notional = 5000000.0"}, "clients[1].limits.max_daily_notional", "not a string"},
    {"max_position for an unknown asset", {"\nid = \"ACME\"", "max_position = { BTC = \"500\", ETH = \"5000\" }", "max_position = { BTC = \"500\", DOGE = \"5000\" }"}, "clients[0].limits.max_position.DOGE", "unknown asset"},
    {"max_position negative", {"\nid = \"BETA\"", "max_position = { BTC = \"50\" }", "max_position = { BTC = \"-1\" }"}, "clients[1].limits.max_position.BTC", "must not be negative"},
    {"max_position finer than BTC (8)", {"\nid = \"BETA\"", "max_position = { BTC = \"50\" }", "max_position = { BTC = \"50.000000001\" }"}, "clients[1].limits.max_position.BTC", "at most 8 decimals"},
    {"max_position finer than ETH (9)", {"\nid = \"ACME\"", "ETH = \"5000\" }", "ETH = \"5000.0000000001\" }"}, "clients[0].limits.max_position.ETH", "at most 9 decimals"},
    {"max_position not a string", {"\nid = \"BETA\"", "max_position = { BTC = \"50\" }", "max_position = { BTC = 50 }"}, "clients[1].limits.max_position.BTC", "must be a decimal string"},
    {"max_position not a table", {"\nid = \"BETA\"", "max_position = { BTC = \"50\" }", "max_position = \"50\""}, "clients[1].limits.max_position", "must be a table"},
    {"credit for an unknown asset", {"\nid = \"ACME\"", "credit = { USD = \"250000\" }", "credit = { XBT = \"250000\" }"}, "clients[0].limits.credit.XBT", "unknown asset"},
    {"credit negative", {"\nid = \"ACME\"", "credit = { USD = \"250000\" }", "credit = { USD = \"-1\" }"}, "clients[0].limits.credit.USD", "must not be negative"},
    {"credit finer than USD", {"\nid = \"ACME\"", "credit = { USD = \"250000\" }", "credit = { USD = \"250000.001\" }"}, "clients[0].limits.credit.USD", "at most 2 decimals"},
    {"credit not a string", {"\nid = \"ACME\"", "credit = { USD = \"250000\" }", "credit = { USD = 250000 }"}, "clients[0].limits.credit.USD", "must be a decimal string"},
    {"credit not a table", {"\nid = \"ACME\"", "credit = { USD = \"250000\" }", "credit = [\"250000\"]"}, "clients[0].limits.credit", "must be a table"},
};
// clang-format on

}  // namespace

TEST_CASE("broken configs are refused whole, naming the key", "[config]") {
  for (const Broken& b : kBroken) {
    INFO("case: " << b.name);
    TempDir dir;
    GatewayConfig c;
    c.listen_port = 4242;  // a refused load leaves *out alone
    std::string error;
    const bool ok = load_edited(dir, b.edit, &c, &error);
    INFO("error: " << error);
    CHECK_FALSE(ok);
    CHECK_THAT(error, Contains(std::string(b.key) + ":") || Contains(std::string(b.key) + "."));
    CHECK_THAT(error, Contains(b.what));
    CHECK_THAT(error, Catch::Matchers::StartsWith("config " + (dir.path() / "otcgw.toml").string() + ": "));
    CHECK(c.listen_port == 4242);
    CHECK(c.ref.assets.empty());
    CHECK(c.credentials.empty());
  }
}

TEST_CASE("boundary values that must still load", "[config]") {
  struct Ok {
    const char* name;
    Edit edit;
    Edit also{"", nullptr, nullptr};  // an optional second edit, applied after `edit`
  };
  // clang-format off
  static const Ok kOk[] = {
      {"listen_port 0 (any free port)", {"", "listen_port = 9876", "listen_port = 0"}},
      {"listen_port 65535", {"", "listen_port = 9876", "listen_port = 65535"}},
      {"price_age_max_ms == feed_interval_ms", {"", "price_age_max_ms = 2000", "price_age_max_ms = 100"}},
      {"quote_ttl_ms 100", {"name = \"bronze\"", "quote_ttl_ms = 3000", "quote_ttl_ms = 100"}},
      {"quote_ttl_ms 600000 (with quote_ttl_max_ms 600000)", {"name = \"bronze\"", "quote_ttl_ms = 3000\nquote_ttl_max_ms = 10000", "quote_ttl_ms = 600000\nquote_ttl_max_ms = 600000"}},
      {"quote_ttl_ms 600000 with quote_ttl_max_ms omitted", {"name = \"bronze\"", "quote_ttl_ms = 3000\nquote_ttl_max_ms = 10000", "quote_ttl_ms = 600000"}},
      {"quote_ttl_max_ms == quote_ttl_ms", {"name = \"silver\"", "quote_ttl_max_ms = 30000", "quote_ttl_max_ms = 5000"}},
      {"quote_ttl_max_ms 600000", {"name = \"gold\"", "quote_ttl_max_ms = 60000", "quote_ttl_max_ms = 600000"}},
      {"quote_ttl_ms and quote_ttl_max_ms 100", {"name = \"bronze\"", "quote_ttl_ms = 3000\nquote_ttl_max_ms = 10000", "quote_ttl_ms = 100\nquote_ttl_max_ms = 100"}},
      {"skew_bps_per_unit 1000", {"symbol = \"BTC/USD\"", "skew_bps_per_unit = \"0.2\"", "skew_bps_per_unit = \"1000\""}},
      {"skew_max_bps 1000.00", {"symbol = \"BTC/USD\"", "skew_max_bps = \"5\"", "skew_max_bps = \"1000.00\""}},
      {"skew both zero", {"symbol = \"ETH/USD\"", "skew_bps_per_unit = \"0.01\"\nskew_max_bps = \"5\"", "skew_bps_per_unit = \"0\"\nskew_max_bps = \"0.00\""}},
      {"skew keys omitted", {"symbol = \"BTC/USD\"", "skew_bps_per_unit = \"0.2\"        # desk long 10 BTC -> prices 2 bps lower\nskew_max_bps = \"5\"", ""}},
      {"min_notional 0.01 (one cent)", {"symbol = \"BTC/USD\"", "min_notional = \"250000\"", "min_notional = \"0.01\""}},
      {"min_notional with trailing zeros beyond the quote scale", {"symbol = \"BTC/USD\"", "min_notional = \"250000\"", "min_notional = \"250000.0000\""}},
      {"size bands one cent apart", {"symbol = \"BTC/USD\"", "min_notional = \"1000000\"", "min_notional = \"250000.01\""}},
      {"size_bands omitted", {"symbol = \"BTC/USD\"", "size_bands = [ { min_notional = \"250000\", add_bps = \"2\" }, { min_notional = \"1000000\", add_bps = \"5\" } ]", ""}},
      {"half_spread_bps 999.99", {"name = \"bronze\"", "half_spread_bps = \"25\"", "half_spread_bps = \"999.99\""}},
      {"fee_bps 999.99", {"name = \"bronze\"", "fee_bps = \"5\"", "fee_bps = \"999.99\""}},
      {"add_bps 999.99", {"symbol = \"BTC/USD\"", "add_bps = \"5\"", "add_bps = \"999.99\""}},
      {"step_bps 100", {"symbol = \"BTC/USD\"", "step_bps = \"1\"", "step_bps = \"100\""}},
      // The ladder must move with min_qty: [1, 10, 100] ETH is below a min_qty of 1000.
      {"min_qty == max_qty", {"symbol = \"ETH/USD\"", "min_qty = \"0.001\"", "min_qty = \"1000\""}, {"symbol = \"ETH/USD\"", "md_ladder = [\"1\", \"10\", \"100\"]", "md_ladder = [\"1000\"]"}},
      {"min_qty == max_qty, md_ladder omitted", {"symbol = \"ETH/USD\"", "min_qty = \"0.001\"", "min_qty = \"1000\""}, {"symbol = \"ETH/USD\"", "md_ladder = [\"1\", \"10\", \"100\"]\n", ""}},
      {"lot at exactly the base decimals (ETH 9)", {"symbol = \"ETH/USD\"", "lot = \"0.001\"", "lot = \"0.000000001\""}},
      {"trailing zeros beyond the scale", {"symbol = \"BTC/USD\"", "tick = \"0.01\"", "tick = \"0.0100\""}},
      {"client id with digits, '_' and '-'", {"", "\nid = \"GAMMA\"", "\nid = \"GAMMA_2-B\""}},
      {"optional retired_quotes_max omitted", {"", "retired_quotes_max = 100000", ""}},
      {"retired_quotes_max 0 (remember none)", {"", "retired_quotes_max = 100000", "retired_quotes_max = 0"}},
      {"md_min_interval_ms 1", {"", "md_min_interval_ms = 250", "md_min_interval_ms = 1"}},
      {"md_min_interval_ms 3600000", {"", "md_min_interval_ms = 250", "md_min_interval_ms = 3600000"}},
      {"md_subscriptions_per_client_max 1", {"", "md_subscriptions_per_client_max = 64", "md_subscriptions_per_client_max = 1"}},
      {"md_subscriptions_per_client_max 4096", {"", "md_subscriptions_per_client_max = 64", "md_subscriptions_per_client_max = 4096"}},
      {"md_symbols_per_request_max 1", {"", "md_symbols_per_request_max = 16", "md_symbols_per_request_max = 1"}},
      {"md_symbols_per_request_max 256", {"", "md_symbols_per_request_max = 16", "md_symbols_per_request_max = 256"}},
      {"md_ladder with 10 sizes", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1\", \"0.2\", \"0.3\", \"0.4\", \"0.5\", \"0.6\", \"0.7\", \"0.8\", \"0.9\", \"1\"]"}},
      {"md_ladder of one size", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"1\"]"}},
      {"md_ladder from min_qty to max_qty", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.0001\", \"50\"]"}},
      {"md_ladder one lot apart", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"1\", \"1.0001\"]"}},
      {"md_ladder at min_qty and max_qty (EUR)", {"symbol = \"EUR/USD\"", "md_ladder = [\"100000\", \"1000000\", \"5000000\"]", "md_ladder = [\"1000\", \"50000000\"]"}},
      {"md_ladder with trailing zeros beyond the scale", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]", "md_ladder = [\"0.1000000000\", \"1.0\", \"5\", \"20\"]"}},
      {"md_ladder omitted", {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]\n", ""}},
      {"day_end_utc 00:00", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"00:00\""}},
      {"day_end_utc 23:59", {"", "day_end_utc = \"21:00\"", "day_end_utc = \"23:59\""}},
      {"open_orders_max == the largest client max_open_orders", {"", "open_orders_max = 100000", "open_orders_max = 200"}},
      {"open_orders_max 16777216", {"", "open_orders_max = 100000", "open_orders_max = 16777216"}},
      {"retired_orders_max 0 (remember none)", {"", "retired_orders_max = 100000", "retired_orders_max = 0"}},
      {"retired_orders_max 16777216", {"", "retired_orders_max = 100000", "retired_orders_max = 16777216"}},
      {"slippage_max_bps 1000", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"1000\""}},
      {"slippage_max_bps 1000.00", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"1000.00\""}},
      {"slippage_max_bps == the widest tier's slippage_bps", {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"50\""}},
      {"tier slippage_bps 0.01", {"name = \"gold\"", "slippage_bps = \"10\"", "slippage_bps = \"0.01\""}},
      {"tier slippage_bps == slippage_max_bps", {"name = \"bronze\"", "slippage_bps = \"50\"", "slippage_bps = \"500.00\""}},
      {"reference_asset EUR", {"", "reference_asset = \"USD\"", "reference_asset = \"EUR\""}},
      {"cancel_on_disconnect omitted", {"\nid = \"BETA\"", "cancel_on_disconnect = true", ""}},
      {"empty [clients.limits]", {"\nid = \"GAMMA\"", "max_open_orders = 10", ""}},
      {"[clients.limits] omitted", {"\nid = \"GAMMA\"", "[clients.limits]\nmax_open_orders = 10", ""}},
      {"max_open_orders == engine.open_orders_max", {"\nid = \"ACME\"", "max_open_orders = 200", "max_open_orders = 100000"}},
      {"max_open_orders 1", {"\nid = \"GAMMA\"", "max_open_orders = 10", "max_open_orders = 1"}},
      {"max_order_notional one cent", {"\nid = \"ACME\"", "max_order_notional = \"5000000\"", "max_order_notional = \"0.01\""}},
      {"max_position zero", {"\nid = \"BETA\"", "max_position = { BTC = \"50\" }", "max_position = { BTC = \"0\" }"}},
      {"max_position empty", {"\nid = \"BETA\"", "max_position = { BTC = \"50\" }", "max_position = {}"}},
      {"credit zero", {"\nid = \"ACME\"", "credit = { USD = \"250000\" }", "credit = { USD = \"0.00\" }"}},
      {"credit as a sub-table", {"\nid = \"ACME\"", "credit = { USD = \"250000\" }", "[clients.limits.credit]\nUSD = \"250000\"\nBTC = \"1.5\""}},
  };
  // clang-format on
  for (const Ok& k : kOk) {
    INFO("case: " << k.name);
    TempDir dir;
    GatewayConfig c;
    std::string error;
    const bool ok = k.also.from == nullptr ? load_edited(dir, k.edit, &c, &error)
                                           : load_edited_all(dir, {k.edit, k.also}, &c, &error);
    INFO("error: " << error);
    CHECK(ok);
  }
}

TEST_CASE("optional keys take their documented defaults", "[config]") {
  TempDir dir;
  const fs::path p = dir.path() / "otcgw.toml";
  std::string text = slurp(kConfPath);
  for (const char* line : {"listen_address = \"127.0.0.1\"", "retired_quotes_max = 100000",
                           "cl_ord_ids_per_client_max = 1000000", "md_min_interval_ms = 250",
                           "md_subscriptions_per_client_max = 64", "md_symbols_per_request_max = 16"}) {
    text = edited(text, {"", line, "# removed"});
  }
  spit(p, text);
  GatewayConfig c;
  std::string error;
  REQUIRE(load_config(p.string(), &c, &error));
  CHECK(c.listen_address == "127.0.0.1");
  CHECK(c.ref.limits.retired_quotes_max == 100000u);
  CHECK(c.ref.limits.cl_ord_ids_per_client_max == 1000000u);
  CHECK(c.ref.limits.md_min_interval_ms == 250);
  CHECK(c.ref.limits.md_subscriptions_per_client_max == 64u);
  CHECK(c.ref.limits.md_symbols_per_request_max == 16u);
}

TEST_CASE("order keys take their documented defaults", "[config][orders]") {
  TempDir dir;
  const fs::path p = dir.path() / "otcgw.toml";
  std::string text = slurp(kConfPath);
  for (const char* line : {"reference_asset = \"USD\"", "day_end_utc = \"21:00\"", "open_orders_max = 100000",
                           "retired_orders_max = 100000", "slippage_max_bps = \"500\"", "cancel_on_disconnect = false",
                           "cancel_on_disconnect = true"}) {
    text = edited(text, {"", line, "# removed"});
  }
  // BETA without a [clients.limits] table at all.
  text = edited(text, {"\nid = \"BETA\"",
                       "[clients.limits]\nmax_order_notional = \"1000000\"\nmax_open_orders = 50\n"
                       "max_daily_notional = \"5000000\"\nmax_position = { BTC = \"50\" }\n",
                       ""});
  REQUIRE(count_of(text, "cancel_on_disconnect") == 0);
  spit(p, text);
  GatewayConfig c;
  std::string error;
  REQUIRE(load_config(p.string(), &c, &error));
  INFO("error: " << error);
  CHECK(c.ref.limits.reference_asset == asset(c, "USD").id);
  CHECK(c.ref.limits.day_end_utc_minutes == 0);  // "00:00"
  CHECK(c.ref.limits.open_orders_max == 100000u);
  CHECK(c.ref.limits.retired_orders_max == 100000u);
  CHECK(c.ref.limits.slippage_max_cbps == 100'000);  // "1000" bps
  for (const auto& cl : c.ref.clients) {
    INFO("client " << cl.code);
    CHECK_FALSE(cl.cancel_on_disconnect);
  }
  const auto& beta = client(c, "BETA");
  CHECK(opt(beta.limits.order_notional_max) == -1);
  CHECK(opt(beta.limits.open_orders_max) == -1);
  CHECK(opt(beta.limits.daily_notional_max) == -1);
  CHECK(beta.limits.position_max.empty());
  CHECK(beta.limits.credit.empty());
  CHECK(opt(client(c, "ACME").limits.open_orders_max) == 200);  // the others keep theirs
}

TEST_CASE("order engine keys are read as given", "[config][orders]") {
  TempDir dir;
  GatewayConfig c;
  std::string error;
  REQUIRE(load_edited_all(dir,
                          {{"", "reference_asset = \"USD\"", "reference_asset = \"EUR\""},
                           {"", "open_orders_max = 100000", "open_orders_max = 16777216"},
                           {"", "retired_orders_max = 100000", "retired_orders_max = 0"},
                           {"", "slippage_max_bps = \"500\"", "slippage_max_bps = \"1000\""},
                           {"name = \"gold\"", "slippage_bps = \"10\"", "slippage_bps = \"12.34\""},
                           {"name = \"silver\"", "slippage_bps = \"20\"", "slippage_bps = \"0.01\""},
                           {"name = \"bronze\"", "slippage_bps = \"50\"", "slippage_bps = \"1000.00\""}},
                          &c, &error));
  INFO("error: " << error);
  CHECK(c.ref.limits.reference_asset == asset(c, "EUR").id);
  CHECK(c.ref.limits.open_orders_max == 16'777'216u);
  CHECK(c.ref.limits.retired_orders_max == 0u);
  CHECK(c.ref.limits.slippage_max_cbps == 100'000);
  CHECK(tier(c, "gold").slippage_cbps == 1234);
  CHECK(tier(c, "silver").slippage_cbps == 1);
  CHECK(tier(c, "bronze").slippage_cbps == 100'000);
}

TEST_CASE("day_end_utc converts to minutes after midnight UTC", "[config][orders]") {
  struct Case {
    const char* text;
    int64_t minutes;
  };
  // (21:00 = 1260 is the real file's value, checked above.)
  static const Case kCases[] = {{"00:00", 0},   {"00:01", 1},    {"07:05", 425},
                                {"12:30", 750}, {"20:59", 1259}, {"23:59", 1439}};
  for (const Case& k : kCases) {
    INFO("day_end_utc " << k.text);
    TempDir dir;
    GatewayConfig c;
    std::string error;
    const std::string to = std::string("day_end_utc = \"") + k.text + "\"";
    REQUIRE(load_edited(dir, {"", "day_end_utc = \"21:00\"", to.c_str()}, &c, &error));
    CHECK(c.ref.limits.day_end_utc_minutes == k.minutes);
  }
}

TEST_CASE("client notional limits are read at the reference asset's decimals", "[config][orders]") {
  SECTION("reference_asset BTC (8 decimals)") {
    TempDir dir;
    GatewayConfig c;
    std::string error;
    REQUIRE(load_edited_all(dir,
                            {{"", "reference_asset = \"USD\"", "reference_asset = \"BTC\""},
                             {"\nid = \"ACME\"", "max_order_notional = \"5000000\"", "max_order_notional = \"0.00000001\""},
                             {"\nid = \"ACME\"", "max_daily_notional = \"50000000\"", "max_daily_notional = \"12.5\""}},
                            &c, &error));
    INFO("error: " << error);
    CHECK(c.ref.limits.reference_asset == asset(c, "BTC").id);
    CHECK(opt(client(c, "ACME").limits.order_notional_max) == 1);              // one satoshi
    CHECK(opt(client(c, "ACME").limits.daily_notional_max) == 1'250'000'000);  // 12.5 BTC
    CHECK(opt(client(c, "BETA").limits.order_notional_max) == 100'000'000'000'000);  // 1,000,000 BTC
    // Positions and credit stay in each asset's own units.
    CHECK(by_asset(c, client(c, "ACME").limits.position_max) ==
          std::vector<std::string>{"BTC 50000000000", "ETH 5000000000000"});
    CHECK(by_asset(c, client(c, "ACME").limits.credit) == std::vector<std::string>{"USD 25000000"});
  }
  SECTION("a digit the reference asset cannot hold is refused") {
    TempDir dir;
    GatewayConfig c;
    std::string error;
    CHECK_FALSE(load_edited_all(dir,
                                {{"", "reference_asset = \"USD\"", "reference_asset = \"BTC\""},
                                 {"\nid = \"BETA\"", "max_order_notional = \"1000000\"",
                                  "max_order_notional = \"0.000000001\""}},
                                &c, &error));
    INFO("error: " << error);
    CHECK_THAT(error, Contains("clients[1].limits.max_order_notional:"));
    CHECK_THAT(error, Contains("at most 8 decimals"));
  }
  SECTION("ETH positions in gwei, credit in several assets") {
    TempDir dir;
    GatewayConfig c;
    std::string error;
    REQUIRE(load_edited(dir,
                        {"\nid = \"ACME\"", "credit = { USD = \"250000\" }",
                         "credit = { USD = \"0.01\", ETH = \"0.000000001\", USDT = \"1.5\" }"},
                        &c, &error));
    INFO("error: " << error);
    CHECK(by_asset(c, client(c, "ACME").limits.credit) ==
          std::vector<std::string>{"ETH 1", "USD 1", "USDT 1500000"});
  }
}

TEST_CASE("a client's max_open_orders may not exceed engine.open_orders_max", "[config][orders]") {
  TempDir dir;
  GatewayConfig c;
  std::string error;
  CHECK_FALSE(load_edited(dir, {"", "open_orders_max = 100000", "open_orders_max = 199"}, &c, &error));
  INFO("error: " << error);
  CHECK_THAT(error, Contains("clients[0].limits.max_open_orders: must be in [1, 199]"));
}

TEST_CASE("md engine keys are read as given", "[config][md]") {
  TempDir dir;
  GatewayConfig c;
  std::string error;
  REQUIRE(load_edited_all(dir,
                          {{"", "md_min_interval_ms = 250", "md_min_interval_ms = 3600000"},
                           {"", "md_subscriptions_per_client_max = 64", "md_subscriptions_per_client_max = 4096"},
                           {"", "md_symbols_per_request_max = 16", "md_symbols_per_request_max = 1"}},
                          &c, &error));
  INFO("error: " << error);
  CHECK(c.ref.limits.md_min_interval_ms == 3'600'000);
  CHECK(c.ref.limits.md_subscriptions_per_client_max == 4096u);
  CHECK(c.ref.limits.md_symbols_per_request_max == 1u);
}

TEST_CASE("a missing md_ladder defaults to [min_qty]; the others keep theirs", "[config][md]") {
  TempDir dir;
  GatewayConfig c;
  std::string error;
  REQUIRE(load_edited_all(dir,
                          {{"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]\n", ""},
                           {"symbol = \"ETH/BTC\"", "md_ladder = [\"1\", \"10\", \"100\"]\n", ""},
                           {"symbol = \"USDT/USD\"", "md_ladder = [\"10000\", \"100000\", \"1000000\"]\n", ""},
                           {"symbol = \"EUR/USD\"", "md_ladder = [\"100000\", \"1000000\", \"5000000\"]\n", ""}},
                          &c, &error));
  INFO("error: " << error);
  CHECK(ladder(instrument(c, "BTC/USD")) == std::vector<int64_t>{10'000});         // 0.0001 BTC
  CHECK(ladder(instrument(c, "ETH/BTC")) == std::vector<int64_t>{1'000'000});      // 0.001 ETH in gwei
  CHECK(ladder(instrument(c, "USDT/USD")) == std::vector<int64_t>{100'000'000});   // 100 USDT
  CHECK(ladder(instrument(c, "EUR/USD")) == std::vector<int64_t>{100'000});        // 1000.00 EUR
  for (const char* sym : {"BTC/USD", "ETH/BTC", "USDT/USD", "EUR/USD"}) {
    INFO("instrument " << sym);
    const auto& i = instrument(c, sym);
    REQUIRE(i.md_ladder.size() == 1u);
    CHECK(i.md_ladder[0] == i.min_qty);
  }
  // Untouched instruments keep the configured ladder.
  CHECK(ladder(instrument(c, "ETH/USD")) == std::vector<int64_t>{1'000'000'000, 10'000'000'000, 100'000'000'000});
  CHECK(ladder(instrument(c, "GBP/USD")) == std::vector<int64_t>{10'000'000, 100'000'000, 500'000'000});
}

TEST_CASE("md_ladder values convert exactly at the base asset's decimals", "[config][md]") {
  SECTION("boundaries of the BTC/USD grid") {
    TempDir dir;
    GatewayConfig c;
    std::string error;
    REQUIRE(load_edited(dir,
                        {"symbol = \"BTC/USD\"", "md_ladder = [\"0.1\", \"1\", \"5\", \"20\"]",
                         "md_ladder = [\"0.0001\", \"0.10000000\", \"1.0001\", \"49.9999\", \"50\"]"},
                        &c, &error));
    INFO("error: " << error);
    CHECK(ladder(instrument(c, "BTC/USD")) ==
          std::vector<int64_t>{10'000, 10'000'000, 100'010'000, 4'999'990'000, 5'000'000'000});
  }
  SECTION("ten sizes") {
    TempDir dir;
    GatewayConfig c;
    std::string error;
    REQUIRE(load_edited(dir,
                        {"symbol = \"ETH/USD\"", "md_ladder = [\"1\", \"10\", \"100\"]",
                         "md_ladder = [\"0.001\", \"0.01\", \"0.1\", \"1\", \"2\", \"5\", \"10\", "
                         "\"100\", \"500\", \"1000\"]"},
                        &c, &error));
    INFO("error: " << error);
    CHECK(ladder(instrument(c, "ETH/USD")) ==
          std::vector<int64_t>{1'000'000, 10'000'000, 100'000'000, 1'000'000'000, 2'000'000'000, 5'000'000'000,
                               10'000'000'000, 100'000'000'000, 500'000'000'000, 1'000'000'000'000});
  }
  SECTION("EUR/USD in cents") {
    TempDir dir;
    GatewayConfig c;
    std::string error;
    REQUIRE(load_edited(dir,
                        {"symbol = \"EUR/USD\"", "md_ladder = [\"100000\", \"1000000\", \"5000000\"]",
                         "md_ladder = [\"1000\", \"1000.01\", \"50000000\"]"},
                        &c, &error));
    INFO("error: " << error);
    CHECK(ladder(instrument(c, "EUR/USD")) == std::vector<int64_t>{100'000, 100'001, 5'000'000'000});
  }
}

TEST_CASE("quote_ttl_max_ms defaults to the tier's quote_ttl_ms", "[config]") {
  TempDir dir;
  GatewayConfig c;
  std::string error;
  REQUIRE(load_edited(dir, {"name = \"bronze\"", "quote_ttl_max_ms = 10000\n", ""}, &c, &error));
  CHECK(tier(c, "bronze").quote_ttl_ms == 3000);
  CHECK(tier(c, "bronze").quote_ttl_max_ms == 3000);
  CHECK(tier(c, "gold").quote_ttl_max_ms == 60000);  // the others keep theirs
  CHECK(tier(c, "silver").quote_ttl_max_ms == 30000);
}

TEST_CASE("skew keys: omitted means no skew; values convert to cbps exactly", "[config]") {
  SECTION("both omitted") {
    TempDir dir;
    GatewayConfig c;
    std::string error;
    REQUIRE(load_edited(dir, {"symbol = \"ETH/USD\"", "skew_bps_per_unit = \"0.01\"\nskew_max_bps = \"5\"\n", ""}, &c,
                        &error));
    CHECK(instrument(c, "ETH/USD").skew_cbps_per_unit == 0);
    CHECK(instrument(c, "ETH/USD").skew_max_cbps == 0);
    CHECK(instrument(c, "BTC/USD").skew_cbps_per_unit == 20);  // untouched
  }
  SECTION("at the bound and with two decimals") {
    TempDir dir;
    GatewayConfig c;
    std::string error;
    REQUIRE(load_edited(dir, {"symbol = \"ETH/USD\"", "skew_bps_per_unit = \"0.01\"\nskew_max_bps = \"5\"",
                              "skew_bps_per_unit = \"1000\"\nskew_max_bps = \"12.34\""},
                        &c, &error));
    CHECK(instrument(c, "ETH/USD").skew_cbps_per_unit == 100'000);
    CHECK(instrument(c, "ETH/USD").skew_cbps_per_unit == engine::kSkewMaxCbps);
    CHECK(instrument(c, "ETH/USD").skew_max_cbps == 1234);
    CHECK(instrument(c, "BTC/USD").skew_max_cbps == 500);  // untouched
  }
}

TEST_CASE("size band min_notional is read at the quote asset's decimals", "[config]") {
  // ETH/BTC: base ETH (9 decimals), quote BTC (8): the band is in satoshi.
  TempDir dir;
  GatewayConfig c;
  std::string error;
  REQUIRE(load_edited(dir,
                      {"", "symbol = \"ETH/BTC\"",
                       "symbol = \"ETH/BTC\"\nsize_bands = [ { min_notional = \"12.5\", add_bps = \"1.5\" }, "
                       "{ min_notional = \"12.50000001\", add_bps = \"3\" } ]"},
                      &c, &error));
  INFO("error: " << error);
  const auto& i = instrument(c, "ETH/BTC");
  REQUIRE(i.size_bands.size() == 2);
  CHECK(i.size_bands[0].min_notional == Amount(1'250'000'000));
  CHECK(i.size_bands[0].add_cbps == 150);
  CHECK(i.size_bands[1].min_notional == Amount(1'250'000'001));
  CHECK(i.size_bands[1].add_cbps == 300);
}

TEST_CASE("a missing table or array of tables is refused naming it", "[config]") {
  struct Cut {
    const char* name;
    const char* from;  // erase [from, to)
    const char* to;
    const char* key;
  };
  static const Cut kCuts[] = {
      {"no [gateway]", "[gateway]\n", "[engine]\n", "gateway"},
      {"no [engine]", "[engine]\n", "# Ledger minor units", "engine"},
      {"no [[assets]]", "[[assets]]\n", "[[instruments]]\n", "assets"},
      {"no [[tiers]]", "[[tiers]]\n", "# Clients.", "tiers"},
  };
  for (const Cut& k : kCuts) {
    INFO("case: " << k.name);
    std::string text = slurp(kConfPath);
    const size_t a = text.find(k.from);
    const size_t b = text.find(k.to);
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    REQUIRE(a < b);
    text.erase(a, b - a);
    TempDir dir;
    const fs::path p = dir.path() / "otcgw.toml";
    spit(p, text);
    GatewayConfig c;
    std::string error;
    CHECK_FALSE(load_config(p.string(), &c, &error));
    INFO("error: " << error);
    CHECK_THAT(error, Contains(std::string(k.key) + ": missing"));
  }
}

TEST_CASE("a TOML syntax error is refused with its line", "[config]") {
  const std::string text = slurp(kConfPath);
  const std::string needle = "[engine]\n";
  REQUIRE(count_of(text, needle) == 1);
  const size_t at = text.find(needle);
  const long line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  TempDir dir;
  GatewayConfig c;
  std::string error;
  CHECK_FALSE(load_edited(dir, {"", "[engine]\n", "[engine\n"}, &c, &error));
  INFO("error: " << error);
  CHECK_THAT(error, Contains("line " + std::to_string(line)));
  CHECK_THAT(error, Contains((dir.path() / "otcgw.toml").string()));
}

// Regressions: the loader's contract is that a failing config is refused
// "with a message naming the key" and that integers are TOML integers. These cases fail
// were refused only once the loader was made strict.

TEST_CASE("regression: the tier spread/fee bound error does not name the key", "[config]") {
  TempDir dir;
  GatewayConfig c;
  std::string error;
  REQUIRE_FALSE(
      load_edited(dir, {"name = \"bronze\"", "half_spread_bps = \"25\"", "half_spread_bps = \"1000\""}, &c, &error));
  INFO("error: " << error);
  CHECK_THAT(error, Contains("tiers[2].half_spread_bps"));
}

TEST_CASE("regression: wrong TOML types are converted or ignored instead of refused", "[config]") {
  struct Case {
    const char* name;
    Edit edit;
    const char* key;
  };
  // clang-format off
  static const Case kCases[] = {
      {"boolean as an integer", {"", "listen_port = 9876", "listen_port = true"}, "gateway.listen_port"},
      {"float as an integer", {"name = \"bronze\"", "quote_ttl_ms = 3000", "quote_ttl_ms = 3000.0"}, "tiers[2].quote_ttl_ms"},
      {"integer listen_address falls back to the default", {"", "listen_address = \"127.0.0.1\"", "listen_address = 2130706433"}, "gateway.listen_address"},
      {"size_bands not an array is ignored", {"symbol = \"BTC/USD\"", "size_bands = [ { min_notional = \"250000\", add_bps = \"2\" }, { min_notional = \"1000000\", add_bps = \"5\" } ]", "size_bands = \"none\""}, "instruments[0].size_bands"},
  };
  // clang-format on
  for (const Case& k : kCases) {
    INFO("case: " << k.name);
    TempDir dir;
    GatewayConfig c;
    std::string error;
    const std::string text = edited(slurp(kConfPath), k.edit);
    const fs::path p = dir.path() / "otcgw.toml";
    spit(p, text);
    const bool ok = load_config(p.string(), &c, &error);
    INFO("error: " << error);
    CHECK_FALSE(ok);
    CHECK_THAT(error, Contains(k.key));
  }
}

// ---------------------------------------------------------------------------
// Demo credentials.

TEST_CASE("conf/demo-credentials.toml: three passwords that match the configured hashes", "[config][demo]") {
  GatewayConfig c;
  std::string error;
  REQUIRE(load_config(kConfPath.string(), &c, &error));
  std::vector<DemoCredential> creds;
  REQUIRE(load_demo_credentials(kDemoCredentialsPath.string(), c, &creds, &error));
  CHECK(error.empty());
  REQUIRE(creds.size() == 3);
  const char* const kIds[] = {"ACME", "BETA", "GAMMA"};
  for (size_t i = 0; i < 3; ++i) {
    INFO("credential " << i);
    CHECK(creds[i].client_code == kIds[i]);  // configuration order
    CHECK(verify_password(creds[i].password, c.credentials[i].password_hash, nullptr));
  }
  CHECK(creds[0].password == "acme-demo-2026");
}

TEST_CASE("demo credentials: a wrong password is refused naming the client", "[config][demo]") {
  GatewayConfig c;
  std::string error;
  REQUIRE(load_config(kConfPath.string(), &c, &error));
  TempDir dir;
  const fs::path p = dir.path() / "demo-credentials.toml";
  const std::string text = slurp(kDemoCredentialsPath);
  REQUIRE(count_of(text, "beta-demo-2026") == 1);
  std::string wrong = text;
  wrong.replace(wrong.find("beta-demo-2026"), 14, "beta-demo-2027");
  spit(p, wrong);
  std::vector<DemoCredential> creds;
  CHECK_FALSE(load_demo_credentials(p.string(), c, &creds, &error));
  INFO("error: " << error);
  CHECK_THAT(error, Contains("BETA"));
  CHECK_THAT(error, Contains("does not match"));
  CHECK_THAT(error, Contains(p.string()));
  CHECK_THAT(error, !Contains("ACME"));
  CHECK_THAT(error, !Contains("beta-demo-202"));  // the password itself is never echoed
}

TEST_CASE("demo credentials: clients without a table are skipped, unknown ids ignored", "[config][demo]") {
  GatewayConfig c;
  std::string error;
  REQUIRE(load_config(kConfPath.string(), &c, &error));
  TempDir dir;
  const fs::path p = dir.path() / "demo-credentials.toml";
  spit(p, "[GAMMA]\npassword = \"gamma-demo-2026\"\n[ZETA]\npassword = \"whatever\"\n");
  std::vector<DemoCredential> creds;
  REQUIRE(load_demo_credentials(p.string(), c, &creds, &error));
  REQUIRE(creds.size() == 1);
  CHECK(creds[0].client_code == "GAMMA");
  CHECK(creds[0].password == "gamma-demo-2026");
}

TEST_CASE("demo credentials: a TOML syntax error is refused", "[config][demo]") {
  GatewayConfig c;
  std::string error;
  REQUIRE(load_config(kConfPath.string(), &c, &error));
  TempDir dir;
  const fs::path p = dir.path() / "demo-credentials.toml";
  spit(p, "[ACME\npassword = \"acme-demo-2026\"\n");
  std::vector<DemoCredential> creds;
  CHECK_FALSE(load_demo_credentials(p.string(), c, &creds, &error));
  CHECK_THAT(error, Contains(p.string()));
}

}  // namespace otc::gw
