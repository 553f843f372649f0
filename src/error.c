/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.c: the error table and the last reported error */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "error.h"

static const struct {
	const char *name;
	int status;
	const char *desc;
} vs_error_table[] = {
#define VS_ERROR_ROW(code, status, desc) {#code, status, desc},
	VS_ERROR_LIST(VS_ERROR_ROW)
#undef VS_ERROR_ROW
};

static __thread enum vs_code last_code = VS_OK;
static __thread char *last_message;

static void
error_set(enum vs_code code, char *msg)
{
	free(last_message);
	last_message = msg;
	last_code = code;
}

int
vs_error(enum vs_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_set(code, xvasprintf(fmt, ap));
	va_end(ap);
	return -1;
}

int
vs_error_errno(enum vs_code code, int errnum, const char *fmt, ...)
{
	AUTOFREE char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	error_set(code, xasprintf("%s: %s", msg, strerror(errnum)));
	return -1;
}

enum vs_code
vs_error_code(void)
{
	return last_code;
}

const char *
vs_error_message(void)
{
	return last_message ? last_message : "";
}

void
vs_error_reset(void)
{
	error_set(VS_OK, NULL);
}

static int
code_ok(enum vs_code code)
{
	return (unsigned)code < VS_ERR__COUNT;
}

const char *
vs_error_name(enum vs_code code)
{
	return code_ok(code) ? vs_error_table[code].name : "VS_ERR_UNKNOWN";
}

int
vs_error_status(enum vs_code code)
{
	return code_ok(code) ? vs_error_table[code].status : 1;
}

const char *
vs_error_desc(enum vs_code code)
{
	return code_ok(code) ? _(vs_error_table[code].desc) : "";
}
