// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the config parser and the JSON position index:
 * any byte string must yield either a config or a list of errors, never a
 * crash, a leak or an out-of-bounds read (built with ASan and UBSan).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "json_pos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tunctl_conf conf;
	struct conf_diag diag;
	struct json_pos_index *idx;
	int line, col;

	if (conf_load_text("fuzz.json", (const char *)data, size, &conf,
			   &diag) == 0) {
		if (diag.n)
			__builtin_trap();	/* success comes without errors */
		conf_free(&conf);
	}
	conf_diag_free(&diag);

	idx = json_pos_index_build((const char *)data, size);
	json_pos_find(idx, "/tunnels/0/port", &line, &col);
	if (line < 1 || col < 0)
		__builtin_trap();
	json_pos_index_free(idx);
	return 0;
}
