#include "base/slots.h"
#include <stdlib.h>
#include <string.h>

static uint32_t spot(const struct cc_slots *s, int32_t key)
{
	uint32_t h = (uint32_t)key * 2654435761u; /* Knuth's multiplicative hash */
	uint32_t i = (h ^ (h >> 15)) & s->mask;
	while (s->slot[i] >= 0 && s->key[i] != key)
		i = (i + 1) & s->mask;
	return i;
}

/* Doubles the table (or makes its first 64 places). 0 or -1. */
static int rehash(struct cc_slots *s)
{
	uint32_t size = s->slot ? (s->mask + 1) * 2 : 64;
	struct cc_slots t = *s;
	t.key = malloc(sizeof *t.key * size);
	t.slot = malloc(sizeof *t.slot * size);
	if (!t.key || !t.slot) {
		free(t.key);
		free(t.slot);
		return -1;
	}
	t.mask = size - 1;
	memset(t.slot, 0xff, sizeof *t.slot * size);
	for (uint32_t i = 0; s->slot && i <= s->mask; i++)
		if (s->slot[i] >= 0) {
			uint32_t j = spot(&t, s->key[i]);
			t.key[j] = s->key[i];
			t.slot[j] = s->slot[i];
		}
	free(s->key);
	free(s->slot);
	*s = t;
	return 0;
}

int cc_slots_row(struct cc_slots *s, int32_t key, void **rows, size_t size)
{
	if ((!s->slot || (uint32_t)(s->n + 1) * 2 > s->mask + 1) && rehash(s))
		return -1;
	uint32_t i = spot(s, key);
	if (s->slot[i] >= 0)
		return s->slot[i];
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 64;
		void *nr = realloc(*rows, size * (size_t)cap);
		if (!nr)
			return -1;
		*rows = nr;
		s->cap = cap;
	}
	memset((char *)*rows + size * (size_t)s->n, 0, size);
	s->key[i] = key;
	s->slot[i] = s->n;
	return s->n++;
}

void cc_slots_keys(const struct cc_slots *s, int32_t *out)
{
	for (uint32_t i = 0; s->slot && i <= s->mask; i++)
		if (s->slot[i] >= 0)
			out[s->slot[i]] = s->key[i];
}

void cc_slots_release(struct cc_slots *s)
{
	free(s->key);
	free(s->slot);
	memset(s, 0, sizeof *s);
}
