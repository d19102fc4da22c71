// otcgw: the gateway process. Loads conf/, opens the journal, starts the engine thread
// and the FIX acceptor on the configured address, prints where it listens, and runs
// until SIGINT/SIGTERM. Compiled as C++14 (QuickFIX headers).
#ifndef HAVE_SSL
#define HAVE_SSL 1
#endif
#include <quickfix/FileLog.h>
#include <quickfix/FileStore.h>
#include <quickfix/SessionSettings.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "gateway/acceptor.h"
#include "gateway/bridge.h"
#include "gateway/fix_app.h"
#include "gateway/redacting_log.h"

namespace {

void usage() {
  std::fprintf(stderr,
               "usage: otcgw --config PATH [--state-dir DIR] [--listen ADDR] [--port N]\n"
               "             [--demo-credentials PATH] [--ready-file PATH]\n"
               "  --port 0 picks a free port; --ready-file gets 'PORT' written once listening.\n");
}

std::string dir_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

std::string absolute_from(const std::string& base_dir, const std::string& p) {
  if (!p.empty() && p[0] == '/') return p;
  return base_dir + "/" + p;
}

// Re-targets the QuickFIX settings at our state directory and resolves the data
// dictionary relative to the settings file, for the defaults and every session.
FIX::SessionSettings retarget(const FIX::SessionSettings& in, const std::string& settings_path,
                              const std::string& state_dir) {
  const std::string base = dir_of(settings_path);
  auto fix = [&](FIX::Dictionary d) {
    d.setString("FileStorePath", state_dir + "/fix/store");
    d.setString("FileLogPath", state_dir + "/fix/log");
    if (d.has("DataDictionary")) d.setString("DataDictionary", absolute_from(base, d.getString("DataDictionary")));
    return d;
  };
  FIX::SessionSettings out;
  out.set(fix(in.get()));
  for (const FIX::SessionID& id : in.getSessions()) out.set(id, fix(in.get(id)));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  otc::gw::Options opt;
  std::string ready_file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "otcgw: %s needs a value\n", a.c_str());
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--config") opt.config_path = value();
    else if (a == "--state-dir") opt.state_dir = value();
    else if (a == "--listen") opt.listen_address = value();
    else if (a == "--port") {
      const std::string v = value();
      char* end = nullptr;
      const long p = std::strtol(v.c_str(), &end, 10);
      if (end == v.c_str() || *end != 0 || p < 0 || p > 65535) {
        std::fprintf(stderr, "otcgw: --port must be 0..65535, got '%s'\n", v.c_str());
        return 2;
      }
      opt.listen_port = static_cast<int>(p);
    } else if (a == "--demo-credentials") opt.demo_credentials_path = value();
    else if (a == "--ready-file") ready_file = value();
    else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else {
      std::fprintf(stderr, "otcgw: unknown argument '%s'\n", a.c_str());
      usage();
      return 2;
    }
  }
  if (opt.config_path.empty()) {
    usage();
    return 2;
  }

  // Signals are taken synchronously by the main thread; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string error;
  std::unique_ptr<otc::gw::Core> core = otc::gw::create_core(opt, &error);
  if (!core) {
    std::fprintf(stderr, "otcgw: cannot start: %s\n", error.c_str());
    return 1;
  }

  try {
    FIX::SessionSettings settings =
        retarget(FIX::SessionSettings(core->fix_settings_path()), core->fix_settings_path(), core->state_dir());
    // Every configured client has exactly one FIX session, and nothing else does.
    std::string our_comp_id;
    std::set<std::string> fix_clients;
    for (const FIX::SessionID& id : settings.getSessions()) {
      if (id.getBeginString().getValue() != "FIX.4.4") throw FIX::ConfigError("only FIX.4.4 sessions are supported");
      if (!our_comp_id.empty() && our_comp_id != id.getSenderCompID().getValue()) {
        throw FIX::ConfigError("all sessions must share one SenderCompID (ours)");
      }
      our_comp_id = id.getSenderCompID().getValue();
      fix_clients.insert(id.getTargetCompID().getValue());
    }
    std::set<std::string> config_clients;
    for (const auto& s : core->sessions()) config_clients.insert(s.client_comp_id);
    if (fix_clients != config_clients) {
      throw FIX::ConfigError("the FIX sessions' TargetCompIDs must be exactly the clients' sender_comp_id values");
    }

    otc::gw::FixApp app(*core, our_comp_id);
    core->set_outbound(&app);
    FIX::FileStoreFactory file_store(settings);
    // Which committed reports each client was handed before (a crash may have come in
    // between): read against the sessions' stores, before any session runs.
    std::map<std::string, std::string> comp_of_client;
    for (const auto& s : core->sessions()) comp_of_client[s.client_code] = s.client_comp_id;
    auto probe = [&](const std::string& client, otc::gw::DeliveryMarks::StoreState* st) {
      auto it = comp_of_client.find(client);
      if (it == comp_of_client.end()) return false;
      FIX::MessageStore* ms = file_store.create(FIX::SessionID("FIX.4.4", our_comp_id, it->second));
      st->next_sender_seq = ms->getNextSenderMsgSeqNum();
      st->created = FIX::UtcTimeStampConvertor::convert(ms->getCreationTime(), 0);
      file_store.destroy(ms);
      return true;
    };
    std::string marks_error;
    if (!app.open_delivery_marks(core->state_dir() + "/delivery.marks", core->recovered_seq(), probe, &marks_error)) {
      std::fprintf(stderr, "otcgw: cannot start: %s\n", marks_error.c_str());
      return 1;
    }
    otc::gw::StreamingAwareStoreFactory store(file_store);  // streaming prices are not kept
    FIX::FileLogFactory file_logs(settings);
    otc::gw::RedactingLogFactory logs(file_logs);  // no passwords in the message logs
    otc::gw::Core& core_ref = *core;
    otc::gw::BoundAcceptor acceptor(
        app, store, settings, logs, core->listen_address(), core->listen_port(),
        [&core_ref](const std::string& comp, const std::string& user, const std::string& pass, bool has_user,
                    bool has_pass) { return core_ref.check_logon(comp, user, pass, has_user, has_pass); });
    acceptor.set_logon_accepted([&app](const FIX::SessionID& id, bool reset) { app.logon_arriving(id, reset); });
    core->start();
    acceptor.start();

    std::printf("otcgw listening on %s:%d (FIX 4.4, plain TCP), gateway CompID %s\n", core->listen_address().c_str(),
                acceptor.bound_port(), our_comp_id.c_str());
    std::printf("journal (SQLite, WAL): %s\n", core->journal_path().c_str());
    std::printf("audit public key (Ed25519, signs journal checkpoints): %s\n", core->audit_public_key().c_str());
    std::printf("sessions:\n");
    for (std::string line : core->banner()) {
      const std::string placeholder = "<gateway CompID>";
      const size_t at = line.find(placeholder);
      if (at != std::string::npos) line.replace(at, placeholder.size(), our_comp_id);
      std::printf("%s\n", line.c_str());
    }
    std::printf("try: ./build/tools/otc-fix-client --port %d quote --symbol BTC/USD --side buy --qty 0.5\n",
                acceptor.bound_port());
    std::printf("stop with Ctrl-C\n");
    std::fflush(stdout);
    if (!ready_file.empty()) {
      const std::string tmp = ready_file + ".tmp";
      {
        std::ofstream f(tmp);
        f << acceptor.bound_port() << "\n";
      }
      std::rename(tmp.c_str(), ready_file.c_str());
    }

    int sig = 0;
    sigwait(&signals, &sig);
    std::printf("otcgw: signal %d, logging sessions out and stopping\n", sig);
    std::fflush(stdout);
    acceptor.stop();
    core->stop();
  } catch (const FIX::Exception& e) {
    std::fprintf(stderr, "otcgw: cannot start: %s\n", e.what());
    return 1;
  }
  return 0;
}
