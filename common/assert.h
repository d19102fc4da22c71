// common/assert.h: assertions that stay on in release builds.
//
// For our own invariants only (a posting balances, filled <= ordered): a failure is a
// bug, so the process stops at once rather than carrying on with wrong money. Never
// for conditions the outside world controls: those are rejected with a reason.
#pragma once

#include <cstdio>
#include <cstdlib>

#define OTC_ASSERT(cond)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);     \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)
