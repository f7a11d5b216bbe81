#include "base/bigmem.h"
#include <stdlib.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((size_t)2 << 20)

void *cc_big_alloc(size_t n)
{
	if (n == 0)
		return NULL;
	if (n < 2 * HUGE_PAGE)
		return malloc(n);
	size_t len = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	void *p = NULL;
	if (len < n || posix_memalign(&p, HUGE_PAGE, len) != 0)
		return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	(void)madvise(p, len, MADV_HUGEPAGE); /* advice only: without it, small pages */
#endif
	return p;
}
