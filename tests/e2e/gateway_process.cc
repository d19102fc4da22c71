#include "tests/e2e/gateway_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace otc {
namespace e2e {
namespace {

constexpr int kStartTimeoutMs = 15000;
constexpr int kStopTimeoutMs = 15000;
constexpr int kPollMs = 10;

}  // namespace

GatewayProcess::GatewayProcess(const std::string& binary, const std::string& config, const std::string& state_dir)
    : binary_(binary), config_(config), state_dir_(state_dir), own_state_dir_(state_dir.empty()) {}

GatewayProcess::~GatewayProcess() {
  stop();
  if (own_state_dir_ && !state_dir_.empty()) {
    const std::string cmd = "rm -rf '" + state_dir_ + "'";
    if (std::system(cmd.c_str()) != 0) {
      // Leaving a temp dir behind is not worth failing a test run for.
    }
  }
}

bool GatewayProcess::start(std::string* error) {
  if (own_state_dir_) {
    char tmpl[] = "/tmp/otc-e2e-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      *error = "mkdtemp failed";
      return false;
    }
    state_dir_ = tmpl;
  }
  std::remove((state_dir_ + "/ready").c_str());
  const std::string ready = state_dir_ + "/ready";
  const std::string out = state_dir_ + "/gateway.out";
  pid_ = fork();
  if (pid_ < 0) {
    *error = "fork failed";
    return false;
  }
  if (pid_ == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execl(binary_.c_str(), binary_.c_str(), "--config", config_.c_str(), "--state-dir", state_dir_.c_str(),
          "--listen", "127.0.0.1", "--port", "0", "--ready-file", ready.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream f(ready);
    int port = -1;
    if (f >> port && port > 0) {
      port_ = port;
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *error = "gateway exited during start-up:\n" + output();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
  *error = "gateway did not listen within the start-up timeout:\n" + output();
  return false;
}

void GatewayProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStopTimeoutMs);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void GatewayProcess::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStopTimeoutMs);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // SIGKILL cannot be caught: a process not gone by now is stuck in the kernel (e.g. D state).
  std::fprintf(stderr, "gateway_process: pid %d not reaped %d ms after SIGKILL; giving up on it\n",
               static_cast<int>(pid_), kStopTimeoutMs);
  pid_ = -1;
}

std::string GatewayProcess::output() const {
  std::ifstream f(state_dir_ + "/gateway.out");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace e2e
}  // namespace otc
