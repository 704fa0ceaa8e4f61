/* grow: arrays that double as they fill. */
#include "config.h"

#include "core/base/grow.h"

#include <stdint.h>
#include <stdlib.h>

/* Double the array when element N would not fit; the caller keeps the pointer it returns. */
void *grow_room(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
	if (n < *cap)
		return v;
	size_t ncap = *cap ? *cap * 2 : first;
	if (ncap <= n || ncap > SIZE_MAX / size)
		return NULL;
	void *nv = realloc(v, ncap * size);
	if (!nv)
		return NULL;
	*cap = ncap;
	return nv;
}
