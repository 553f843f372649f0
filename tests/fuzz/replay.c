/* SPDX-License-Identifier: GPL-2.0-or-later */
/* replay.c: run a fuzz target over corpus files without libFuzzer (TAP) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target: set up once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
/* Optional in a target: a final check after the last input (0 if good). */
int fuzz_replay_finish(void) __attribute__((weak));

/* The whole file in a malloc()ed buffer (NULL on error; *len set). */
static uint8_t *
replay_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			uint8_t *p = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		size_t len = 0;
		uint8_t *data = replay_read(argv[i], &len);

		if (!tap_ok(data != NULL, "read %s", argv[i]))
			continue;
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		tap_ok(1, "no crash on %s", argv[i]);
	}
	if (fuzz_replay_finish)
		tap_ok(fuzz_replay_finish() == 0, "final check of the target");
	return tap_done();
}
