// tests/ledger/fault_vfs.h: "faultfs", a SQLite VFS for tests that fails fsync or write
// on demand (LevelDB's fault-injection Env, for SQLite).
//
// It wraps the default VFS (sqlite3_vfs_find(nullptr)) and forwards every call; each file
// it opens wraps the real sqlite3_file and forwards every io method (io methods version
// 1..3, as the real file offers them: xShm* for WAL, xFetch/xUnfetch). Only when armed
// does it differ: the Nth matching xSync (mode kSync) or xWrite (mode kWrite) on the
// target file (the WAL, the main database, or either) from the arming on returns
// SQLITE_IOERR_FSYNC / SQLITE_IOERR_WRITE without touching the real file. One-shot
// unless `sticky` (then every later matching call fails too, a dead disk) until disarm().
// It also counts xSync and xWrite calls per file kind, so a test can see that a commit
// really syncs (synchronous=FULL in WAL mode syncs the WAL at each commit).
//
// Registered (not as the default) by register_fault_vfs(); open with the VFS name
// kFaultVfsName. State is process-wide and atomic: a test arms it on its own thread while
// a runner thread writes.
#pragma once

namespace otc::test {

inline constexpr const char* kFaultVfsName = "faultfs";

enum class FaultMode { kNone, kSync, kWrite };
enum class FaultTarget { kWal, kMainDb, kAny };

// Registers "faultfs" once (later calls do nothing); fails the test run (abort) if SQLite
// refuses. Returns kFaultVfsName.
const char* register_fault_vfs();

// Fails the `countdown`-th matching call from now (1 = the next one). REQUIRES countdown >= 1.
void arm_fault(FaultMode mode, FaultTarget target, int countdown, bool sticky = false);
void disarm_fault();
// How many calls failed by injection since the last reset_fault_counts().
int faults_fired();

struct FaultCounts {
  int wal_syncs = 0;
  int db_syncs = 0;
  int wal_writes = 0;
  int db_writes = 0;
};
// Calls that reached faultfs (injected failures included) since the last reset.
FaultCounts fault_counts();
void reset_fault_counts();

}  // namespace otc::test
