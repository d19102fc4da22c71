// otcctl: the operator's and compliance reviewer's command-line tool.
// Subcommands so far:
//   hash-password   print a salted scrypt hash for a client's password (conf/otcgw.toml)
//   verify          check a journal file: hash chain, signed checkpoints, ledger invariants
//                   (ledger/FORMAT.md, "Verification")
// Exit codes: 0 done / verified, 1 verification failed (or hashing failed), 2 usage error.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "common/password.h"
#include "ledger/verify.h"

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
// Progress lines: only for big journals (or a person watching), at most two a second.
constexpr uint64_t kProgressRecordsMin = 100'000;
constexpr double kProgressIntervalS = 0.5;

std::string trim(std::string s) {
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The first line of `path`, trimmed; false when it cannot be read.
bool read_key_file(const std::string& path, std::string* out) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return false;
  *out = trim(line);
  return true;
}

// "SEQ:HASH" (as the gateway logs its checkpoints).
bool parse_anchor(const std::string& text, std::pair<uint64_t, std::string>* out) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string seq = text.substr(0, colon);
  if (!std::all_of(seq.begin(), seq.end(), [](unsigned char c) { return std::isdigit(c) != 0; }) || seq.size() > 19) {
    return false;
  }
  const uint64_t n = std::stoull(seq);
  const std::string hash = lower(trim(text.substr(colon + 1)));
  if (n == 0 || hash.size() != 64 ||
      !std::all_of(hash.begin(), hash.end(), [](unsigned char c) { return std::isxdigit(c) != 0; })) {
    return false;
  }
  *out = {n, hash};
  return true;
}

struct VerifyArgs {
  std::string journal;
  std::string public_key;
  std::string public_key_file;
  std::vector<std::string> anchors;
  bool quiet = false;
};

int run_verify(const VerifyArgs& args) {
  otc::ledger::VerifyOptions o;
  o.journal_path = args.journal;
  std::error_code ec;
  if (!std::filesystem::exists(args.journal, ec)) {
    std::fprintf(stderr, "otcctl verify: no journal file %s\n", args.journal.c_str());
    return kExitUsage;
  }
  std::string key_source;
  if (!args.public_key.empty()) {
    o.public_key_hex = trim(args.public_key);
    key_source = "--public-key";
  } else {
    std::string file = args.public_key_file;
    if (file.empty()) {
      // The gateway writes audit.pub beside its audit key, in the state directory: usually
      // the journal's directory.
      std::filesystem::path dir = std::filesystem::path(args.journal).parent_path();
      if (dir.empty()) dir = ".";
      const std::string beside = (dir / "audit.pub").string();
      if (!std::filesystem::exists(beside, ec)) {
        std::fprintf(stderr,
                     "otcctl verify: no audit public key: give --public-key HEX or --public-key-file FILE "
                     "(there is no audit.pub beside the journal, in %s)\n",
                     dir.string().c_str());
        return kExitUsage;
      }
      file = beside;
    }
    if (!read_key_file(file, &o.public_key_hex)) {
      std::fprintf(stderr, "otcctl verify: cannot read the public key file %s\n", file.c_str());
      return kExitUsage;
    }
    key_source = file;
    if (!args.quiet && args.public_key_file.empty()) {
      std::fprintf(stderr, "verify: using the audit public key in %s\n", file.c_str());
    }
  }
  const std::string key = lower(o.public_key_hex);
  if (key.size() != 64 || !std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isxdigit(c) != 0; })) {
    std::fprintf(stderr, "otcctl verify: the audit public key (%s) must be 64 hex characters, got '%s'\n",
                 key_source.c_str(), o.public_key_hex.c_str());
    return kExitUsage;
  }
  for (const std::string& a : args.anchors) {
    std::pair<uint64_t, std::string> anchor;
    if (!parse_anchor(a, &anchor)) {
      std::fprintf(stderr, "otcctl verify: --anchor '%s': expected SEQ:HASH (a record number >= 1, 64 hex)\n",
                   a.c_str());
      return kExitUsage;
    }
    o.anchors.push_back(std::move(anchor));
  }

  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  Clock::time_point last_line = start;
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  if (!args.quiet) {
    o.progress = [&](uint64_t done, uint64_t total) {
      if (done == 0 || done >= total || (total <= kProgressRecordsMin && !tty)) return;
      const Clock::time_point now = Clock::now();
      if (std::chrono::duration<double>(now - last_line).count() < kProgressIntervalS) return;
      last_line = now;
      std::fprintf(stderr, "verify: %llu/%llu records (%llu%%)\n", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total), static_cast<unsigned long long>(done * 100 / total));
    };
  }

  const otc::ledger::VerifyReport r = otc::ledger::verify_journal(o);
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (!r.ok) {
    std::printf("verify FAILED: %s\n", r.error.c_str());
    std::fflush(stdout);
    return kExitFailed;
  }
  if (args.quiet) return 0;
  std::printf("verify OK: %s\n", args.journal.c_str());
  std::printf("  records        %llu\n", static_cast<unsigned long long>(r.records));
  std::printf("  transfers      %llu\n", static_cast<unsigned long long>(r.transfers));
  std::printf("  accounts       %llu\n", static_cast<unsigned long long>(r.accounts));
  if (r.checkpoints == 0) {
    std::printf("  checkpoints    none\n");
  } else {
    std::printf("  checkpoints    %llu, the last at record %llu\n", static_cast<unsigned long long>(r.checkpoints),
                static_cast<unsigned long long>(r.last_checkpoint_seq));
  }
  std::printf("  unsigned tail  %llu records%s\n", static_cast<unsigned long long>(r.unsigned_tail),
              r.unsigned_tail == 0 ? "" : " (hash chain only: a cut there shows only against --anchor)");
  if (!o.anchors.empty()) std::printf("  anchors        %llu held\n", static_cast<unsigned long long>(r.anchors));
  std::printf("  audit key      %s (%s)\n", key.c_str(), key_source.c_str());
  std::printf("  elapsed        %.2f s\n", elapsed_s);
  return 0;
}

}  // namespace

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

  auto* verify = app.add_subcommand(
      "verify",
      "Check a journal file read-only (safe while the gateway runs): the hash chain, every signed checkpoint "
      "against the audit public key, and the ledger invariants. Exit 0 verified, 1 failed (naming the first bad "
      "record), 2 usage error.");
  VerifyArgs verify_args;
  verify->add_option("--journal", verify_args.journal, "the journal file (e.g. var/otcgw.db)")->required();
  auto* key_opt = verify->add_option("--public-key", verify_args.public_key, "the audit public key (64 hex)");
  auto* key_file_opt =
      verify->add_option("--public-key-file", verify_args.public_key_file,
                         "a file holding the audit public key (default: audit.pub beside the journal)");
  key_opt->excludes(key_file_opt);
  verify->add_option("--anchor", verify_args.anchors,
                     "SEQ:HASH of a checkpoint as the gateway logged it: the journal must still hold it (repeatable)");
  verify->add_flag("--quiet", verify_args.quiet, "no progress, no summary: only a failure is printed");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // prints help or the error
    return rc == 0 ? 0 : kExitUsage;
  }

  if (verify->parsed()) return run_verify(verify_args);

  if (hash->parsed()) {
    from_arg = !password.empty();
    if (!from_arg && !std::getline(std::cin, password)) {
      std::fprintf(stderr, "otcctl: no password on stdin\n");
      return kExitUsage;
    }
    if (password.empty()) {
      std::fprintf(stderr, "otcctl: empty password refused\n");
      return kExitUsage;
    }
    if (n < 1024 || (n & (n - 1)) != 0) {
      std::fprintf(stderr, "otcctl: --scrypt-n must be a power of two >= 1024\n");
      return kExitUsage;
    }
    otc::ScryptCost cost;
    cost.n = n;
    const std::string h = otc::hash_password(password, cost);
    if (h.empty()) {
      std::fprintf(stderr, "otcctl: hashing failed (OpenSSL)\n");
      return kExitFailed;
    }
    std::printf("%s\n", h.c_str());
  }
  return 0;
}
