// tests/e2e/gateway_process.h: starts the real otcgw binary for a test and stops it.
//
// The gateway listens on a port it picks itself (--port 0) and writes it to a ready
// file; every wait is bounded; the process is terminated (SIGTERM, then SIGKILL) and
// its temporary state directory removed when the object goes away.
#pragma once

#include <sys/types.h>

#include <string>

namespace otc {
namespace e2e {

class GatewayProcess {
 public:
  // With `state_dir` empty a fresh temporary one is made and removed at the end; a
  // given one is used as is and kept (restart tests).
  GatewayProcess(const std::string& binary, const std::string& config, const std::string& state_dir = "");
  ~GatewayProcess();

  // Starts and waits (bounded) until it listens. False with *error otherwise.
  bool start(std::string* error);
  void stop();
  // Crash simulation: SIGKILL (no clean-up of any kind in the gateway), then reaps the
  // process (bounded wait). No-op when not running. The state directory is kept.
  void kill_hard();
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  const std::string& state_dir() const { return state_dir_; }
  std::string journal_path() const { return state_dir_ + "/otcgw.db"; }
  std::string output() const;  // what the gateway printed (stdout + stderr)

 private:
  std::string binary_;
  std::string config_;
  std::string state_dir_;
  bool own_state_dir_ = true;
  pid_t pid_ = -1;
  int port_ = -1;
};

}  // namespace e2e
}  // namespace otc
