/*
 * Error codes and messages (see error.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include "base/error.h"

int cc_error_set(struct cc_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		err->internal = 0;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void cc_error_clear(struct cc_error *err)
{
	if (err) {
		err->code = 0;
		err->internal = 0;
		err->msg[0] = '\0';
	}
}

const char *cc_strerror(int code)
{
	switch (code) {
	case CC_OK: return "ok";
	case CC_EINVAL: return "invalid";
	case CC_ENOMEM: return "out_of_memory";
	case CC_EIO: return "io_error";
	case CC_ENOTFOUND: return "not_found";
	case CC_EDB: return "database_error";
	case CC_EENCODING: return "bad_encoding";
	case CC_EPARSE: return "parse_error";
	case CC_EEXIST: return "exists";
	case CC_EPERM: return "forbidden";
	case CC_EBUSY: return "busy";
	case CC_EREJECT: return "rejected_rows";
	default: return "error";
	}
}
