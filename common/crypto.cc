#include "common/crypto.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/assert.h"

namespace otc {
namespace {

Reject key_error(std::string detail) { return make_reject(RejectReason::kJournalHalted, std::move(detail)); }

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// Writes `text` to a new file `path` with `mode`, fsynced; fails if it exists.
Status write_new_file(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return key_error("cannot create " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return key_error("cannot write " + path + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return key_error("cannot fsync " + path + ": " + why);
  }
  ::close(fd);
  return Ok{};
}

}  // namespace

std::string to_hex(const uint8_t* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = kHex[p[i] >> 4];
    s[2 * i + 1] = kHex[p[i] & 15];
  }
  return s;
}

bool from_hex(std::string_view s, std::vector<uint8_t>* out) {
  if (s.size() % 2 != 0) return false;
  out->assign(s.size() / 2, 0);
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      return false;
    }
    (*out)[i / 2] = static_cast<uint8_t>((*out)[i / 2] << 4 | v);
  }
  return true;
}

bool sha256_from_hex(std::string_view s, Sha256* out) {
  std::vector<uint8_t> bytes;
  if (s.size() != 64 || !from_hex(s, &bytes)) return false;
  std::memcpy(out->data(), bytes.data(), 32);
  return true;
}

struct Sha256Hasher::Impl {
  MdCtx ctx{EVP_MD_CTX_new()};
};

Sha256Hasher::Sha256Hasher() : impl_(new Impl) {
  OTC_ASSERT(impl_->ctx != nullptr);
  OTC_ASSERT(EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) == 1);
}

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::update(const void* p, size_t n) {
  OTC_ASSERT(EVP_DigestUpdate(impl_->ctx.get(), p, n) == 1);
}

Sha256 Sha256Hasher::finish() {
  Sha256 out;
  unsigned int len = 0;
  OTC_ASSERT(EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len) == 1 && len == out.size());
  OTC_ASSERT(EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) == 1);
  return out;
}

Sha256 sha256(std::string_view data) {
  Sha256Hasher h;
  h.update(data);
  return h.finish();
}

struct Ed25519Key::Impl {
  Pkey key;
};

Ed25519Key::Ed25519Key(Ed25519Key&&) noexcept = default;
Ed25519Key& Ed25519Key::operator=(Ed25519Key&&) noexcept = default;
Ed25519Key::~Ed25519Key() = default;

Result<Ed25519Key> Ed25519Key::from_seed(const std::vector<uint8_t>& seed) {
  if (seed.size() != 32) return key_error("an Ed25519 seed is 32 bytes, not " + std::to_string(seed.size()));
  Ed25519Key k;
  k.impl_.reset(new Impl);
  k.impl_->key.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!k.impl_->key) return key_error("OpenSSL refused the Ed25519 seed");
  uint8_t pub[32];
  size_t len = sizeof pub;
  if (EVP_PKEY_get_raw_public_key(k.impl_->key.get(), pub, &len) != 1 || len != sizeof pub) {
    return key_error("OpenSSL could not derive the Ed25519 public key");
  }
  k.public_hex_ = to_hex(pub, len);
  return k;
}

Result<Ed25519Key> Ed25519Key::generate() {
  std::vector<uint8_t> seed(32);
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, void (*)(EVP_PKEY_CTX*)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                              EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return key_error("OpenSSL could not generate an Ed25519 key");
  }
  Pkey key(raw);
  size_t len = seed.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), seed.data(), &len) != 1 || len != 32) {
    return key_error("OpenSSL could not export the Ed25519 key");
  }
  return from_seed(seed);
}

std::string Ed25519Key::seed_hex() const {
  uint8_t seed[32];
  size_t len = sizeof seed;
  OTC_ASSERT(EVP_PKEY_get_raw_private_key(impl_->key.get(), seed, &len) == 1 && len == sizeof seed);
  return to_hex(seed, len);
}

Result<Ed25519Key> Ed25519Key::load_or_create(const std::string& path, const std::string& public_path,
                                              bool* created) {
  *created = false;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return key_error("audit key " + path + ": " + std::strerror(errno));
    Result<Ed25519Key> k = generate();
    if (!k.ok()) return k;
    Status s = write_new_file(path, k.value().seed_hex() + "\n", 0600);
    if (!s.ok()) return s.reject();
    ::unlink(public_path.c_str());  // a stale public key of an older key must not stay beside it
    s = write_new_file(public_path, k.value().public_hex() + "\n", 0644);
    if (!s.ok()) return s.reject();
    *created = true;
    return k;
  }
  if ((st.st_mode & 077) != 0) {
    return key_error("audit key " + path + " is readable by group or others (mode " +
                     std::to_string(st.st_mode & 0777) + " octal digits); chmod 600 it");
  }
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return key_error("audit key " + path + ": cannot read it");
  std::vector<uint8_t> seed;
  if (line.size() != 64 || !from_hex(line, &seed)) {
    return key_error("audit key " + path + ": expected 64 lowercase hex characters (an Ed25519 seed)");
  }
  return from_seed(seed);
}

std::string Ed25519Key::sign_hex(std::string_view message) const {
  MdCtx ctx(EVP_MD_CTX_new());
  uint8_t sig[64];
  size_t len = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const uint8_t*>(message.data()), message.size()) != 1 ||
      len != sizeof sig) {
    return "";
  }
  return to_hex(sig, len);
}

bool ed25519_verify(std::string_view public_hex, std::string_view message, std::string_view signature_hex) {
  std::vector<uint8_t> pub;
  std::vector<uint8_t> sig;
  if (public_hex.size() != 64 || !from_hex(public_hex, &pub)) return false;
  if (signature_hex.size() != 128 || !from_hex(signature_hex, &sig)) return false;
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub.data(), pub.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), reinterpret_cast<const uint8_t*>(message.data()),
                          message.size()) == 1;
}

}  // namespace otc
