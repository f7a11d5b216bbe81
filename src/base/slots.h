/*
 * Rows keyed by an integer, in the order keys first appear: the districts of a roll-up (a
 * region code per enterprise, a few thousand distinct among a million rows). A hash of the
 * keys finds a key's row in constant time, where a scan of the rows seen so far made a
 * roll-up over 1M enterprises cost rows x districts.
 */
#ifndef CC_BASE_SLOTS_H
#define CC_BASE_SLOTS_H
#include <stddef.h>
#include <stdint.h>

struct cc_slots {
	int32_t *key, *slot; /* open addressing: slot -1 empty */
	uint32_t mask;
	int n, cap; /* rows in use, rows allocated in the caller's array */
};

/*
 * The index of KEY's row in *ROWS (an array of SIZE-byte rows that S grows with realloc):
 * the row KEY got when it first came, or a new zeroed row appended (index n before the call).
 * -1 when out of memory (nothing changed). Zero-initialise S; free *ROWS and call
 * cc_slots_release when done.
 */
int cc_slots_row(struct cc_slots *s, int32_t key, void **rows, size_t size);
/* Writes each row's key into OUT[row] (S->n of them): the keys in order of first
 * appearance, read off the hash once rather than kept beside the rows. */
void cc_slots_keys(const struct cc_slots *s, int32_t *out);
void cc_slots_release(struct cc_slots *s);

#endif
