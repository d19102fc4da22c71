// common/password.h: salted, deliberately slow password hashes (OpenSSL scrypt).
//
// Encoded form (stored in conf/, never the password itself):
//   scrypt$<N>$<r>$<p>$<salt, 32 hex>$<key, 64 hex>
// Default cost N=16384, r=8, p=1: 16 MiB of memory and ~40 ms per check on our
// machines, so a stolen config is expensive to brute-force. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace otc {

struct ScryptCost {
  uint64_t n = 16384;
  uint64_t r = 8;
  uint64_t p = 1;
};

// Hashes with a fresh 16-byte random salt. Returns "" only if OpenSSL fails.
std::string hash_password(std::string_view password, ScryptCost cost = {});

// True when `password` matches `encoded`. On a malformed `encoded`, returns false and
// says why in *error (if non-null). Comparison is constant-time.
bool verify_password(std::string_view password, std::string_view encoded, std::string* error);

// True when `encoded` is a well-formed hash we can check (for config validation).
bool password_hash_well_formed(std::string_view encoded, std::string* error);

}  // namespace otc
