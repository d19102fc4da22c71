// tests/common/password_test.cc: scrypt password hashes (hash, verify, malformed encodings).
//
// Most cases use the cheapest accepted cost (N=1024, r=8, p=1) for speed; the default
// cost is exercised once.
#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/password.h"

namespace otc {
namespace {

constexpr ScryptCost kCheap{1024, 8, 1};

std::vector<std::string> split_fields(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '$') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool lower_hex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string join(const std::vector<std::string>& f) {
  std::string s;
  for (size_t i = 0; i < f.size(); ++i) s += (i ? "$" : "") + f[i];
  return s;
}

char flip_hex(char c) { return c == '0' ? '1' : '0'; }

}  // namespace

TEST_CASE("hash then verify; the encoding has the documented shape", "[password]") {
  const std::string h = hash_password("correct horse battery staple", kCheap);
  REQUIRE_FALSE(h.empty());
  const std::vector<std::string> f = split_fields(h);
  REQUIRE(f.size() == 6);
  CHECK(f[0] == "scrypt");
  CHECK(f[1] == "1024");
  CHECK(f[2] == "8");
  CHECK(f[3] == "1");
  CHECK(f[4].size() == 32);
  CHECK(lower_hex(f[4]));
  CHECK(f[5].size() == 64);
  CHECK(lower_hex(f[5]));

  std::string error;
  CHECK(password_hash_well_formed(h, &error));
  CHECK(error.empty());
  CHECK(verify_password("correct horse battery staple", h, &error));
  CHECK(error.empty());
  CHECK(verify_password("correct horse battery staple", h, nullptr));
}

TEST_CASE("a wrong password is refused without a format error", "[password]") {
  const std::string h = hash_password("s3cret", kCheap);
  REQUIRE_FALSE(h.empty());
  const char* const kWrong[] = {"", "s3cre", "s3cret ", "S3cret", "s3creu", "s3crets3cret"};
  for (const char* w : kWrong) {
    INFO("password \"" << w << "\"");
    std::string error;
    CHECK_FALSE(verify_password(w, h, &error));
    CHECK(error.empty());  // well-formed hash: a mismatch, not a malformed encoding
  }
  // Length counts, not a C string: an embedded NUL is not a terminator.
  const std::string with_nul("s3cret\0x", 8);
  CHECK_FALSE(verify_password(with_nul, h, nullptr));
}

TEST_CASE("empty, binary and long passwords hash and verify", "[password]") {
  const std::string kPasswords[] = {std::string(), std::string("a\0b", 3), std::string(10000, 'p'),
                                    "p\xc3\xa4ssw\xc3\xb6rd"};
  for (const std::string& p : kPasswords) {
    INFO("password length " << p.size());
    const std::string h = hash_password(p, kCheap);
    REQUIRE_FALSE(h.empty());
    CHECK(verify_password(p, h, nullptr));
    CHECK_FALSE(verify_password(p + "x", h, nullptr));
  }
  const std::string h = hash_password(std::string("a\0b", 3), kCheap);
  CHECK_FALSE(verify_password(std::string("a\0c", 3), h, nullptr));
  CHECK_FALSE(verify_password("a", h, nullptr));
}

TEST_CASE("each hash has a fresh salt", "[password]") {
  const std::string a = hash_password("same", kCheap);
  const std::string b = hash_password("same", kCheap);
  REQUIRE_FALSE(a.empty());
  REQUIRE_FALSE(b.empty());
  CHECK(a != b);
  CHECK(split_fields(a)[4] != split_fields(b)[4]);
  CHECK(split_fields(a)[5] != split_fields(b)[5]);
  CHECK(verify_password("same", a, nullptr));
  CHECK(verify_password("same", b, nullptr));
}

TEST_CASE("a tampered hash no longer verifies", "[password]") {
  const std::string h = hash_password("pw", kCheap);
  REQUIRE(verify_password("pw", h, nullptr));
  const std::vector<std::string> f = split_fields(h);
  REQUIRE(f.size() == 6);

  SECTION("one key digit flipped (each position)") {
    for (size_t i = 0; i < f[5].size(); ++i) {
      std::vector<std::string> t = f;
      t[5][i] = flip_hex(t[5][i]);
      INFO("key digit " << i);
      std::string error;
      CHECK_FALSE(verify_password("pw", join(t), &error));
      CHECK(error.empty());
    }
  }
  SECTION("one salt digit flipped") {
    std::vector<std::string> t = f;
    t[4][0] = flip_hex(t[4][0]);
    CHECK_FALSE(verify_password("pw", join(t), nullptr));
  }
  SECTION("cost changed") {
    std::vector<std::string> t = f;
    t[1] = "2048";
    CHECK_FALSE(verify_password("pw", join(t), nullptr));
    t = f;
    t[2] = "4";
    CHECK_FALSE(verify_password("pw", join(t), nullptr));
    t = f;
    t[3] = "2";
    CHECK_FALSE(verify_password("pw", join(t), nullptr));
  }
}

TEST_CASE("malformed encodings are refused with a reason", "[password]") {
  const std::string h = hash_password("pw", kCheap);
  const std::vector<std::string> f = split_fields(h);
  REQUIRE(f.size() == 6);
  const std::string& salt = f[4];
  const std::string& key = f[5];
  auto enc = [&](const std::string& n, const std::string& r, const std::string& p, const std::string& s,
                 const std::string& k) { return "scrypt$" + n + "$" + r + "$" + p + "$" + s + "$" + k; };
  auto upper = [](std::string s) {
    for (char& c : s) {
      if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
  };
  // Guarantee at least one letter so the uppercase variants differ from the original.
  std::string salt_with_letter = salt;
  salt_with_letter[0] = 'a';
  std::string key_with_letter = key;
  key_with_letter[0] = 'a';

  struct Case {
    const char* what;
    std::string encoded;
  };
  const Case kCases[] = {
      {"empty", ""},
      {"wrong scheme", "bcrypt$1024$8$1$" + salt + "$" + key},
      {"scheme case", "SCRYPT$1024$8$1$" + salt + "$" + key},
      {"scheme only", "scrypt"},
      {"missing key", "scrypt$1024$8$1$" + salt},
      {"missing p", "scrypt$1024$8$" + salt + "$" + key},
      {"extra field", h + "$00"},
      {"trailing $", h + "$"},
      {"N not a power of two", enc("1536", "8", "1", salt, key)},
      {"N 3000", enc("3000", "8", "1", salt, key)},
      {"N below 1024", enc("512", "8", "1", salt, key)},
      {"N zero", enc("0", "8", "1", salt, key)},
      {"r zero", enc("1024", "0", "1", salt, key)},
      {"p zero", enc("1024", "8", "0", salt, key)},
      {"N empty", enc("", "8", "1", salt, key)},
      {"N signed", enc("+1024", "8", "1", salt, key)},
      {"N negative", enc("-1024", "8", "1", salt, key)},
      {"N with space", enc(" 1024", "8", "1", salt, key)},
      {"N hex", enc("0x400", "8", "1", salt, key)},
      {"N beyond uint64", enc("18446744073709551616", "8", "1", salt, key)},
      {"uppercase salt", enc("1024", "8", "1", upper(salt_with_letter), key)},
      {"uppercase key", enc("1024", "8", "1", salt, upper(key_with_letter))},
      {"non-hex salt", enc("1024", "8", "1", "g" + salt.substr(1), key)},
      {"odd-length salt", enc("1024", "8", "1", salt.substr(1), key)},
      {"short salt (7 bytes)", enc("1024", "8", "1", salt.substr(0, 14), key)},
      {"empty salt", enc("1024", "8", "1", "", key)},
      {"short key (31 bytes)", enc("1024", "8", "1", salt, key.substr(0, 62))},
      {"long key (33 bytes)", enc("1024", "8", "1", salt, key + "00")},
      {"odd-length key", enc("1024", "8", "1", salt, key.substr(1))},
      {"memory cost 512 MiB", enc("524288", "8", "1", salt, key)},
      {"absurd memory cost (2 GiB)", enc("2097152", "8", "1", salt, key)},
      {"absurd memory cost (r)", enc("1024", "1048576", "1", salt, key)},
  };
  for (const Case& c : kCases) {
    INFO(c.what << ": \"" << c.encoded << "\"");
    std::string error;
    CHECK_FALSE(password_hash_well_formed(c.encoded, &error));
    CHECK_FALSE(error.empty());
    std::string verify_error;
    CHECK_FALSE(verify_password("pw", c.encoded, &verify_error));
    CHECK_FALSE(verify_error.empty());
    CHECK_FALSE(verify_password("pw", c.encoded, nullptr));  // null error pointer is allowed
  }
}

TEST_CASE("boundaries that are still well formed", "[password]") {
  const std::vector<std::string> f = split_fields(hash_password("pw", kCheap));
  REQUIRE(f.size() == 6);
  std::string error;
  // 8-byte salt is the minimum.
  CHECK(password_hash_well_formed("scrypt$1024$8$1$" + f[4].substr(0, 16) + "$" + f[5], &error));
  CHECK(error.empty());
  // A large but sane cost: 65536 * 8 * 128 = 64 MiB (format check only, not derived here).
  CHECK(password_hash_well_formed("scrypt$65536$8$1$" + f[4] + "$" + f[5], &error));
  CHECK(error.empty());
  // A long salt is fine.
  CHECK(password_hash_well_formed("scrypt$1024$8$1$" + f[4] + f[4] + "$" + f[5], &error));
  CHECK(error.empty());
}

TEST_CASE("the default cost is N=16384 r=8 p=1 and verifies", "[password][slow]") {
  const std::string h = hash_password("default cost");
  REQUIRE_FALSE(h.empty());
  CHECK(h.rfind("scrypt$16384$8$1$", 0) == 0);
  CHECK(verify_password("default cost", h, nullptr));
  CHECK_FALSE(verify_password("default cosT", h, nullptr));
}

// Regression: the memory bound N * r * 128 was once computed in
// uint64 and wraps, so an absurd cost whose product is a multiple of 2^64 passes as
// well formed. 2^57 * 1 * 128 = 2^64 -> 0.
TEST_CASE("memory bound does not wrap: N=2^57 r=1", "[password]") {
  const std::string enc = "scrypt$144115188075855872$1$1$" + std::string(32, 'a') + "$" + std::string(64, 'b');
  std::string error;
  CHECK_FALSE(password_hash_well_formed(enc, &error));
}

// Same bug, via r: 2^62 * 2 * 128 = 2^70 -> 0 mod 2^64.
TEST_CASE("memory bound does not wrap: N=2^62 r=2", "[password]") {
  const std::string enc = "scrypt$4611686018427387904$2$1$" + std::string(32, 'a') + "$" + std::string(64, 'b');
  std::string error;
  CHECK_FALSE(password_hash_well_formed(enc, &error));
}

// Regression: the header promises "well formed" means "a hash
// we can check", but parse() bounds only N*r*128 <= 256 MiB while OpenSSL needs
// 128*r*(N+2) + 128*r*p <= maxmem and p*r < 2^30. These encodings pass
// password_hash_well_formed and then fail in verify_password with
// "scrypt derivation failed".
TEST_CASE("well formed implies checkable: N*r*128 exactly 256 MiB", "[password]") {
  const std::string enc = "scrypt$262144$8$1$" + std::string(32, 'a') + "$" + std::string(64, 'b');
  std::string wf_error;
  const bool well_formed = password_hash_well_formed(enc, &wf_error);
  std::string error;
  CHECK_FALSE(verify_password("pw", enc, &error));
  CHECK((!well_formed || error.empty()));
}

TEST_CASE("well formed implies checkable: p drives memory (p=2^22)", "[password]") {
  const std::string enc = "scrypt$1024$1$4194304$" + std::string(32, 'a') + "$" + std::string(64, 'b');
  std::string wf_error;
  const bool well_formed = password_hash_well_formed(enc, &wf_error);
  std::string error;
  CHECK_FALSE(verify_password("pw", enc, &error));
  CHECK((!well_formed || error.empty()));
}

}  // namespace otc
