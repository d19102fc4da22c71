// gateway/config.h: reads and validates the business configuration (TOML).
//
// Format: conf/README.md. Everything is checked at load: unknown assets or tiers,
// decimals out of range, grids that do not divide, duplicate symbols or CompIDs,
// malformed password hashes. A config that fails is refused whole with a message
// naming the key. Called once at start-up, before any thread starts.
#pragma once

#include <string>
#include <vector>

#include "engine/reference_data.h"
#include "engine/runner.h"

namespace otc::gw {

struct ClientCredentials {
  std::string client_code;
  std::string sender_comp_id;  // the client's SenderCompID (our TargetCompID)
  std::string username;
  std::string password_hash;   // common/password.h encoding
};

struct DemoBalance {
  ClientId client;
  AssetId asset;
  Amount amount;
  std::string text;  // as configured, for the start-up banner
};

struct GatewayConfig {
  std::string config_path;
  std::string listen_address = "127.0.0.1";
  int listen_port = 9876;
  std::string fix_settings_path;  // absolute
  std::string state_dir;          // absolute; journal, FIX store and logs live here
  std::string journal_path;       // absolute
  std::string audit_key;          // the audit key file as configured; relative = in state_dir
  std::string audit_key_path;     // resolved at start-up (create_core), after --state-dir
  std::string audit_public_key_path;  // beside it, extension .pub
  uint64_t checkpoint_every_records = 1000;
  int64_t checkpoint_every_seconds = 5;
  uint64_t feed_seed = 1;
  engine::ReferenceData ref;
  engine::RunnerConfig runner;
  std::vector<ClientCredentials> credentials;  // index = ClientId
  std::vector<DemoBalance> demo_balances;
};

// Loads `path`. Relative paths inside are relative to the file's folder. On failure
// returns false and says what and where in *error.
bool load_config(const std::string& path, GatewayConfig* out, std::string* error);

// Demo credentials (conf/demo-credentials.toml): plain passwords for the demo clients,
// loaded only when asked (make run), each checked against the configured hash.
struct DemoCredential {
  std::string client_code;
  std::string password;
};
bool load_demo_credentials(const std::string& path, const GatewayConfig& config, std::vector<DemoCredential>* out,
                           std::string* error);

}  // namespace otc::gw
