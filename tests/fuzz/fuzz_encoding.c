/*
 * libFuzzer target for encoding detection and conversion. The input is fed to cc_encdetect in
 * pieces whose sizes come from the input itself, and the decision must not depend on the
 * split; then cc_gb18030_to_utf8 runs on it, and its output (when it succeeds) must be valid
 * UTF-8. A GB18030 verdict must agree with the validator.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_encdetect whole, split;
	enum cc_encoding e1 = CC_ENC_UTF8, e2 = CC_ENC_UTF8;
	struct cc_error err1, err2;
	cc_error_clear(&err1);
	cc_error_clear(&err2);

	cc_encdetect_init(&whole);
	cc_encdetect_feed(&whole, data, size);
	int rc1 = cc_encdetect_finish(&whole, &e1, &err1);

	/* Split points from a cheap generator seeded by the input's length and first byte. */
	uint32_t x = (uint32_t)size * 2654435761u + (size ? data[0] : 0);
	cc_encdetect_init(&split);
	for (size_t i = 0; i < size;) {
		x = x * 1103515245u + 12345u;
		size_t k = 1 + (x >> 16) % 7;
		if (k > size - i)
			k = size - i;
		cc_encdetect_feed(&split, data + i, k);
		i += k;
	}
	int rc2 = cc_encdetect_finish(&split, &e2, &err2);
	if (rc1 != rc2 || (rc1 == 0 && e1 != e2) || (rc1 && strcmp(err1.msg, err2.msg) != 0))
		abort();
	if (rc1 == 0 && e1 == CC_ENC_UTF8 && cc_utf8_valid_prefix(data, size) != size)
		abort();
	if (rc1 == 0 && e1 == CC_ENC_GB18030 && cc_gb18030_valid_prefix(data, size) != size)
		abort();

	char *out = NULL;
	size_t n = 0;
	if (cc_gb18030_to_utf8((const char *)data, size, &out, &n, &err1) == 0) {
		if (cc_utf8_valid_prefix((const unsigned char *)out, n) != n || out[n] != '\0')
			abort();
		(void)cc_utf8_len(out, n);
		free(out);
	}

	/* The source over the same bytes reads back valid UTF-8 or fails cleanly. */
	struct cc_source *s = NULL;
	if (cc_source_open_mem(&s, data, size, &err1) == 0) {
		char buf[97];
		ssize_t k;
		while ((k = cc_source_read(s, buf, sizeof buf, &err1)) > 0)
			;
		cc_source_free(s);
	}
	return 0;
}
