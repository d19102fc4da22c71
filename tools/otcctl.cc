// otcctl: the operator's and compliance reviewer's command-line tool.
// Subcommands so far:
//   hash-password   print a salted scrypt hash for a client's password (conf/otcgw.toml)
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include "common/password.h"

int main(int argc, char** argv) {
  CLI::App app{"otcctl: operate and audit the OTC gateway"};
  app.require_subcommand(1);

  auto* hash = app.add_subcommand("hash-password",
                                  "Print a salted scrypt hash of a password for a client's password_hash. "
                                  "Reads the password from stdin (one line) unless --password is given.");
  std::string password;
  bool from_arg = false;
  hash->add_option("--password", password, "the password (visible in the process list; prefer stdin)");
  uint64_t n = 16384;
  hash->add_option("--scrypt-n", n, "scrypt cost N (power of two >= 1024)")->capture_default_str();

  CLI11_PARSE(app, argc, argv);

  if (hash->parsed()) {
    from_arg = !password.empty();
    if (!from_arg && !std::getline(std::cin, password)) {
      std::fprintf(stderr, "otcctl: no password on stdin\n");
      return 2;
    }
    if (password.empty()) {
      std::fprintf(stderr, "otcctl: empty password refused\n");
      return 2;
    }
    if (n < 1024 || (n & (n - 1)) != 0) {
      std::fprintf(stderr, "otcctl: --scrypt-n must be a power of two >= 1024\n");
      return 2;
    }
    otc::ScryptCost cost;
    cost.n = n;
    const std::string h = otc::hash_password(password, cost);
    if (h.empty()) {
      std::fprintf(stderr, "otcctl: hashing failed (OpenSSL)\n");
      return 1;
    }
    std::printf("%s\n", h.c_str());
  }
  return 0;
}
