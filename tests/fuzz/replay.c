/* replay.c: run a fuzz target over corpus files without libFuzzer (TAP) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		size_t len = 0;
		AUTOFREE char *data = file_read(argv[i], 16 << 20, &len);

		if (!tap_ok(data != NULL, "read %s", argv[i]))
			continue;
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		tap_ok(1, "no crash on %s", argv[i]);
	}
	return tap_done();
}
