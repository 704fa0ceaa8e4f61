/* grow: arrays that double as they fill, the one place that does the realloc arithmetic. */
#ifndef UDSCOPE_GROW_H
#define UDSCOPE_GROW_H

#include <stddef.h>

/* Room in V (*CAP elements of SIZE bytes) for element N: when N has reached *CAP, the array
 * is reallocated to twice *CAP (FIRST when it is 0). Returns the array to use from now on
 * (V itself while there is room), or NULL when memory ran out: V and *CAP are then as they
 * were and V must still be freed by its owner. */
void *grow_room(void *v, size_t *cap, size_t n, size_t size, size_t first);

#endif
