// common/crypto.h: the few primitives the book of record needs, on OpenSSL.
//
// SHA-256 (the journal's hash chain) and Ed25519 (the audit key that signs
// checkpoints; ledger/FORMAT.md). Hex is lowercase everywhere. Thread-safe: no shared
// state besides OpenSSL's own.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace otc {

using Sha256 = std::array<uint8_t, 32>;

std::string to_hex(const uint8_t* p, size_t n);
inline std::string to_hex(const Sha256& h) { return to_hex(h.data(), h.size()); }
// Lowercase hex only; false on odd length or any other character.
bool from_hex(std::string_view s, std::vector<uint8_t>* out);
bool sha256_from_hex(std::string_view s, Sha256* out);

// Incremental SHA-256.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void update(const void* p, size_t n);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // The digest; the hasher is then reset for reuse.
  Sha256 finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Sha256 sha256(std::string_view data);

// An Ed25519 private key (the gateway's audit key).
class Ed25519Key {
 public:
  // A fresh random key.
  static Result<Ed25519Key> generate();
  // From the 32-byte seed (RFC 8032 private key).
  static Result<Ed25519Key> from_seed(const std::vector<uint8_t>& seed);
  // Reads the key file at `path` (64 hex characters of the seed, one line), or, when it
  // does not exist, creates it with a fresh key (mode 0600, fsynced) and writes the
  // public key beside it (`public_path`). Refuses a key file readable by group or
  // others. *created says which happened.
  static Result<Ed25519Key> load_or_create(const std::string& path, const std::string& public_path, bool* created);

  Ed25519Key(Ed25519Key&&) noexcept;
  Ed25519Key& operator=(Ed25519Key&&) noexcept;
  ~Ed25519Key();

  const std::string& public_hex() const { return public_hex_; }
  std::string seed_hex() const;
  // The 64-byte signature of `message`, hex. Empty only if OpenSSL fails.
  std::string sign_hex(std::string_view message) const;

 private:
  Ed25519Key() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string public_hex_;
};

// True when `signature_hex` is a valid Ed25519 signature of `message` by `public_hex`.
bool ed25519_verify(std::string_view public_hex, std::string_view message, std::string_view signature_hex);

}  // namespace otc
