/*
 * Errors: negative codes returned by every function that can fail, and a caller-owned
 * struct cc_error that carries a message for people (lowercase, problem first, subject
 * quoted: "cannot open database 'x.db'").
 */
#ifndef CC_BASE_ERROR_H
#define CC_BASE_ERROR_H

enum cc_errcode {
	CC_OK = 0,
	CC_EINVAL = -1,	   /* bad argument or bad input */
	CC_ENOMEM = -2,	   /* allocation failed or a bounded buffer is full */
	CC_EIO = -3,	   /* file or socket I/O */
	CC_ENOTFOUND = -4, /* no such record, file or name */
	CC_EDB = -5,	   /* the store failed */
	CC_EENCODING = -6, /* text neither UTF-8 nor GB18030 */
	CC_EPARSE = -7,	   /* syntax error in a file or expression */
	CC_EEXIST = -8,	   /* already exists */
	CC_EPERM = -9,	   /* not allowed */
	CC_EBUSY = -10,	   /* locked, try again */
	CC_EREJECT = -11,  /* finished, but some rows were rejected */
};

struct cc_error {
	int code;
	char msg[1024];
	/* The message holds a library's own words (SQLite's): fine for a log or a terminal,
	 * not for a web client (http_error_from sends a generic message instead). */
	int internal;
};

/* Sets ERR (may be NULL) to CODE and the printf-style message; returns CODE. */
int cc_error_set(struct cc_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears ERR (may be NULL). */
void cc_error_clear(struct cc_error *err);

/* Returns a short English name for CODE ("invalid", "not_found", ...). */
const char *cc_strerror(int code);

#endif
