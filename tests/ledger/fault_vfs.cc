// tests/ledger/fault_vfs.cc: the "faultfs" shim (see fault_vfs.h). Shaped like SQLite's
// own shims (ext/misc/vfstrace.c, src/test_vfs.c): a file is our header followed by the
// real VFS's file in the same allocation (szOsFile covers both).
#include "tests/ledger/fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace otc::test {
namespace {

enum class FileKind { kMainDb, kWal, kOther };

struct FaultFile {
  sqlite3_file base;   // first: SQLite sees this (pMethods = ours)
  sqlite3_file* real;  // the root VFS's file, right after this struct
  FileKind kind;
};
static_assert(sizeof(FaultFile) % 8 == 0, "the real file that follows must stay 8-byte aligned");

sqlite3_vfs* g_root = nullptr;  // the default VFS, set once at registration

std::atomic<int> g_mode{static_cast<int>(FaultMode::kNone)};
std::atomic<int> g_target{static_cast<int>(FaultTarget::kAny)};
std::atomic<int> g_countdown{0};
std::atomic<bool> g_sticky{false};
std::atomic<bool> g_fired_once{false};  // sticky: the first failure happened
std::atomic<int> g_fired{0};
std::atomic<int> g_wal_syncs{0};
std::atomic<int> g_db_syncs{0};
std::atomic<int> g_wal_writes{0};
std::atomic<int> g_db_writes{0};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }

bool targets(FileKind kind) {
  switch (static_cast<FaultTarget>(g_target.load())) {
    case FaultTarget::kWal:
      return kind == FileKind::kWal;
    case FaultTarget::kMainDb:
      return kind == FileKind::kMainDb;
    case FaultTarget::kAny:
      return kind == FileKind::kWal || kind == FileKind::kMainDb;
  }
  return false;
}

// True when this call (of `mode` on a file of `kind`) is to fail.
bool inject(FaultMode mode, FileKind kind) {
  if (static_cast<FaultMode>(g_mode.load()) != mode || !targets(kind)) return false;
  if (g_sticky.load() && g_fired_once.load()) {
    g_fired.fetch_add(1);
    return true;
  }
  // One thread writes through SQLite at a time here, but stay exact if not: the call
  // that takes the countdown from 1 to 0 is the one that fails.
  const int before = g_countdown.fetch_sub(1);
  if (before != 1) return false;
  g_fired.fetch_add(1);
  if (g_sticky.load()) {
    g_fired_once.store(true);
  } else {
    g_mode.store(static_cast<int>(FaultMode::kNone));  // one-shot
  }
  return true;
}

// ---- io methods: forward to the real file ----------------------------------------

int f_close(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  const int rc = r->pMethods->xClose(r);
  r->pMethods = nullptr;
  return rc;
}
int f_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xRead(r, buf, n, off);
}
int f_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  const FaultFile* ff = reinterpret_cast<FaultFile*>(f);
  if (ff->kind == FileKind::kWal) g_wal_writes.fetch_add(1);
  if (ff->kind == FileKind::kMainDb) g_db_writes.fetch_add(1);
  if (inject(FaultMode::kWrite, ff->kind)) return SQLITE_IOERR_WRITE;
  return ff->real->pMethods->xWrite(ff->real, buf, n, off);
}
int f_truncate(sqlite3_file* f, sqlite3_int64 size) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xTruncate(r, size);
}
int f_sync(sqlite3_file* f, int flags) {
  const FaultFile* ff = reinterpret_cast<FaultFile*>(f);
  if (ff->kind == FileKind::kWal) g_wal_syncs.fetch_add(1);
  if (ff->kind == FileKind::kMainDb) g_db_syncs.fetch_add(1);
  if (inject(FaultMode::kSync, ff->kind)) return SQLITE_IOERR_FSYNC;
  return ff->real->pMethods->xSync(ff->real, flags);
}
int f_file_size(sqlite3_file* f, sqlite3_int64* size) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xFileSize(r, size);
}
int f_lock(sqlite3_file* f, int level) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xLock(r, level);
}
int f_unlock(sqlite3_file* f, int level) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xUnlock(r, level);
}
int f_check_reserved_lock(sqlite3_file* f, int* out) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xCheckReservedLock(r, out);
}
int f_file_control(sqlite3_file* f, int op, void* arg) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xFileControl(r, op, arg);
}
int f_sector_size(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xSectorSize(r);
}
int f_device_characteristics(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xDeviceCharacteristics(r);
}
// Version 2: shared memory (the WAL index). Installed only for files whose real methods
// are version >= 2, so the real method exists.
int f_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** pp) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xShmMap(r, page, page_size, extend, pp);
}
int f_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xShmLock(r, offset, n, flags);
}
void f_shm_barrier(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  r->pMethods->xShmBarrier(r);
}
int f_shm_unmap(sqlite3_file* f, int delete_flag) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xShmUnmap(r, delete_flag);
}
// Version 3: memory-mapped reads.
int f_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** pp) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xFetch(r, off, n, pp);
}
int f_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xUnfetch(r, off, p);
}

// One table per version: a file gets the one matching its real file's iVersion, so
// SQLite never calls a method the real file lacks (it checks iVersion before xShm*/xFetch).
constexpr sqlite3_io_methods make_methods(int version) {
  return sqlite3_io_methods{version,
                            f_close,
                            f_read,
                            f_write,
                            f_truncate,
                            f_sync,
                            f_file_size,
                            f_lock,
                            f_unlock,
                            f_check_reserved_lock,
                            f_file_control,
                            f_sector_size,
                            f_device_characteristics,
                            version >= 2 ? f_shm_map : nullptr,
                            version >= 2 ? f_shm_lock : nullptr,
                            version >= 2 ? f_shm_barrier : nullptr,
                            version >= 2 ? f_shm_unmap : nullptr,
                            version >= 3 ? f_fetch : nullptr,
                            version >= 3 ? f_unfetch : nullptr};
}
const sqlite3_io_methods kMethodsV1 = make_methods(1);
const sqlite3_io_methods kMethodsV2 = make_methods(2);
const sqlite3_io_methods kMethodsV3 = make_methods(3);

// ---- vfs methods ----------------------------------------------------------------

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  FaultFile* ff = reinterpret_cast<FaultFile*>(file);
  ff->base.pMethods = nullptr;
  ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
  ff->real->pMethods = nullptr;
  ff->kind = (flags & SQLITE_OPEN_MAIN_DB) != 0 ? FileKind::kMainDb
             : (flags & SQLITE_OPEN_WAL) != 0   ? FileKind::kWal
                                                : FileKind::kOther;
  const int rc = g_root->xOpen(g_root, name, ff->real, flags, out_flags);
  // SQLite calls xClose exactly when pMethods is set, even after a failed open: mirror
  // the real file.
  const sqlite3_io_methods* m = ff->real->pMethods;
  if (m == nullptr) return rc;
  ff->base.pMethods = m->iVersion >= 3 ? &kMethodsV3 : m->iVersion == 2 ? &kMethodsV2 : &kMethodsV1;
  return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_root->xDelete(g_root, name, sync_dir); }
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_root->xAccess(g_root, name, flags, out); }
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_root->xFullPathname(g_root, name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) { return g_root->xDlOpen(g_root, name); }
void v_dl_error(sqlite3_vfs*, int n, char* msg) { g_root->xDlError(g_root, n, msg); }
void (*v_dl_sym(sqlite3_vfs*, void* handle, const char* sym))(void) { return g_root->xDlSym(g_root, handle, sym); }
void v_dl_close(sqlite3_vfs*, void* handle) { g_root->xDlClose(g_root, handle); }
int v_randomness(sqlite3_vfs*, int n, char* out) { return g_root->xRandomness(g_root, n, out); }
int v_sleep(sqlite3_vfs*, int us) { return g_root->xSleep(g_root, us); }
int v_current_time(sqlite3_vfs*, double* out) { return g_root->xCurrentTime(g_root, out); }
int v_get_last_error(sqlite3_vfs*, int n, char* out) {
  return g_root->xGetLastError != nullptr ? g_root->xGetLastError(g_root, n, out) : 0;
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return g_root->xCurrentTimeInt64(g_root, out); }
int v_set_system_call(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) {
  return g_root->xSetSystemCall(g_root, name, p);
}
sqlite3_syscall_ptr v_get_system_call(sqlite3_vfs*, const char* name) { return g_root->xGetSystemCall(g_root, name); }
const char* v_next_system_call(sqlite3_vfs*, const char* name) { return g_root->xNextSystemCall(g_root, name); }

sqlite3_vfs g_vfs;

}  // namespace

const char* register_fault_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_root = sqlite3_vfs_find(nullptr);
    if (g_root == nullptr) {
      std::fprintf(stderr, "faultfs: no default SQLite VFS\n");
      std::abort();
    }
    g_vfs = sqlite3_vfs{};
    // Version 1..3 methods offered as far as the root offers them (the fields of a
    // higher version are then left null and the version says so).
    g_vfs.iVersion = g_root->iVersion < 3 ? g_root->iVersion : 3;
    g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_root->szOsFile;
    g_vfs.mxPathname = g_root->mxPathname;
    g_vfs.zName = kFaultVfsName;
    g_vfs.xOpen = v_open;
    g_vfs.xDelete = v_delete;
    g_vfs.xAccess = v_access;
    g_vfs.xFullPathname = v_full_pathname;
    g_vfs.xDlOpen = v_dl_open;
    g_vfs.xDlError = v_dl_error;
    g_vfs.xDlSym = v_dl_sym;
    g_vfs.xDlClose = v_dl_close;
    g_vfs.xRandomness = v_randomness;
    g_vfs.xSleep = v_sleep;
    g_vfs.xCurrentTime = v_current_time;
    g_vfs.xGetLastError = v_get_last_error;
    if (g_vfs.iVersion >= 2) g_vfs.xCurrentTimeInt64 = v_current_time_int64;
    if (g_vfs.iVersion >= 3) {
      g_vfs.xSetSystemCall = v_set_system_call;
      g_vfs.xGetSystemCall = v_get_system_call;
      g_vfs.xNextSystemCall = v_next_system_call;
    }
    const int rc = sqlite3_vfs_register(&g_vfs, /*makeDflt=*/0);
    if (rc != SQLITE_OK) {
      std::fprintf(stderr, "faultfs: sqlite3_vfs_register: %s\n", sqlite3_errstr(rc));
      std::abort();
    }
  });
  return kFaultVfsName;
}

void arm_fault(FaultMode mode, FaultTarget target, int countdown, bool sticky) {
  if (countdown < 1) {
    std::fprintf(stderr, "faultfs: countdown %d < 1 (a test bug)\n", countdown);
    std::abort();
  }
  g_mode.store(static_cast<int>(FaultMode::kNone));  // no call matches while we rewrite the rest
  g_target.store(static_cast<int>(target));
  g_countdown.store(countdown);
  g_sticky.store(sticky);
  g_fired_once.store(false);
  g_mode.store(static_cast<int>(mode));
}

void disarm_fault() {
  g_mode.store(static_cast<int>(FaultMode::kNone));
  g_sticky.store(false);
  g_fired_once.store(false);
}

int faults_fired() { return g_fired.load(); }

FaultCounts fault_counts() {
  FaultCounts c;
  c.wal_syncs = g_wal_syncs.load();
  c.db_syncs = g_db_syncs.load();
  c.wal_writes = g_wal_writes.load();
  c.db_writes = g_db_writes.load();
  return c;
}

void reset_fault_counts() {
  g_fired.store(0);
  g_wal_syncs.store(0);
  g_db_syncs.store(0);
  g_wal_writes.store(0);
  g_db_writes.store(0);
}

}  // namespace otc::test
