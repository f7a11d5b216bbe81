/*
 * Files compiled into the binary: web/ and data/ (see tools/mkbuiltin.c).
 */
#ifndef CC_BASE_BUILTIN_H
#define CC_BASE_BUILTIN_H
#include <stddef.h>

struct cc_builtin {
	const char *name;	   /* "web/index.html", "data/chains/ic.json" */
	const unsigned char *data; /* NUL-terminated for convenience; size excludes the NUL */
	size_t size;
};

extern const struct cc_builtin cc_builtin_files[];
extern const int cc_builtin_count;

/* Returns the built-in file called NAME, or NULL. */
const struct cc_builtin *cc_builtin_find(const char *name);

/*
 * Reads a data file: from DIR/NAME when a data override folder is set (cc_data_dir),
 * else from the built-in copy "data/NAME". On success *out is a malloc'd NUL-terminated
 * buffer the caller frees and *len its size. Returns 0, or CC_ENOTFOUND / CC_EIO.
 */
int cc_data_read(const char *name, char **out, size_t *len);

/* Sets the override folder for cc_data_read (NULL: built-in only). Not thread-safe. */
void cc_data_set_dir(const char *dir);
const char *cc_data_dir(void);

#endif
