// tests/engine/scribble_alloc.cc: global operator new/delete that overwrite freed memory.
//
// A read of freed memory is undefined behaviour that usually goes unnoticed: the bytes
// still hold the old value until the allocator hands them out again. Linked into a test
// executable, this replacement fills every block with 0xDD when it is freed, so such a
// read returns an obviously wrong value in any build, not only under AddressSanitizer
// (where ASan's own checks are better: the replacement is left out there).
#if !defined(__SANITIZE_ADDRESS__)

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  std::memset(p, 0xDD, malloc_usable_size(p));
  // Keeps the compiler from dropping the memset as a dead store before free().
  __asm__ __volatile__("" : : "r"(p) : "memory");
  std::free(p);
}

void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }

#endif
