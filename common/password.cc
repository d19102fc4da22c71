#include "common/password.h"

#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <cstdint>
#include <vector>

namespace otc {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kKeyBytes = 32;
constexpr uint64_t kMaxMemBytes = 256ull << 20;  // refuse absurd costs from a config file
constexpr uint64_t kMaxR = 32;
constexpr uint64_t kMaxP = 16;


bool derive(std::string_view password, const unsigned char* salt, size_t salt_len, const ScryptCost& c,
            unsigned char* key) {
  return EVP_PBE_scrypt(password.data(), password.size(), salt, salt_len, c.n, c.r, c.p, kMaxMemBytes, key,
                        kKeyBytes) == 1;
}

struct Parsed {
  ScryptCost cost;
  std::vector<unsigned char> salt;
  std::vector<unsigned char> key;
};

bool parse(std::string_view enc, Parsed* out, std::string* error) {
  auto fail = [&](const char* why) {
    if (error) *error = why;
    return false;
  };
  std::string_view parts[6];
  size_t n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= enc.size(); ++i) {
    if (i == enc.size() || enc[i] == '$') {
      if (n == 6) return fail("too many '$'-separated fields (expected 6)");
      parts[n++] = enc.substr(start, i - start);
      start = i + 1;
    }
  }
  if (n != 6) return fail("expected scrypt$N$r$p$salt$key");
  if (parts[0] != "scrypt") return fail("unsupported scheme (expected 'scrypt')");
  uint64_t* fields[3] = {&out->cost.n, &out->cost.r, &out->cost.p};
  for (int i = 0; i < 3; ++i) {
    const std::string_view f = parts[1 + i];
    auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), *fields[i]);
    if (ec != std::errc() || ptr != f.data() + f.size() || *fields[i] == 0) return fail("bad scrypt cost parameter");
  }
  if ((out->cost.n & (out->cost.n - 1)) != 0 || out->cost.n < 1024) return fail("scrypt N must be a power of two >= 1024");
  if (out->cost.r > kMaxR || out->cost.p > kMaxP) return fail("scrypt r must be <= 32 and p <= 16");
  // OpenSSL's own bound: 128*r*(N+2) + 128*r*p bytes must fit maxmem. Computed so that
  // nothing overflows: r <= 32 and p <= 16 are small, N is bounded first.
  if (out->cost.n > kMaxMemBytes / 128) return fail("scrypt cost exceeds the memory bound");
  const uint64_t need = 128 * out->cost.r * (out->cost.n + 2) + 128 * out->cost.r * out->cost.p;
  if (need > kMaxMemBytes) return fail("scrypt cost exceeds the memory bound");
  if (!from_hex(parts[4], &out->salt) || out->salt.size() < 8) return fail("salt must be >= 8 bytes of lowercase hex");
  if (!from_hex(parts[5], &out->key) || out->key.size() != kKeyBytes) return fail("key must be 32 bytes of lowercase hex");
  return true;
}

}  // namespace

std::string hash_password(std::string_view password, ScryptCost cost) {
  unsigned char salt[kSaltBytes];
  unsigned char key[kKeyBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) return "";
  if (!derive(password, salt, sizeof salt, cost, key)) return "";
  std::string out = "scrypt$" + std::to_string(cost.n) + "$" + std::to_string(cost.r) + "$" + std::to_string(cost.p) +
                    "$" + to_hex(salt, sizeof salt) + "$" + to_hex(key, sizeof key);
  OPENSSL_cleanse(key, sizeof key);
  return out;
}

bool password_hash_well_formed(std::string_view encoded, std::string* error) {
  Parsed p;
  return parse(encoded, &p, error);
}

bool verify_password(std::string_view password, std::string_view encoded, std::string* error) {
  Parsed p;
  if (!parse(encoded, &p, error)) return false;
  unsigned char key[kKeyBytes];
  if (!derive(password, p.salt.data(), p.salt.size(), p.cost, key)) {
    if (error) *error = "scrypt derivation failed";
    return false;
  }
  const bool same = CRYPTO_memcmp(key, p.key.data(), kKeyBytes) == 0;
  OPENSSL_cleanse(key, sizeof key);
  return same;
}

}  // namespace otc
