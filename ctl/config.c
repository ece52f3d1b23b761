// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config parsing and validation. The walker carries the JSON pointer of
 * the value it is looking at, so each error names its place in the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "config.h"
#include "json_pos.h"
#include "maps.h"

#define MAX_FILE_SIZE (4 << 20)

struct walker {
	const char *name;
	const struct json_pos_index *pos;
	struct conf_diag *diag;
	char ptr[512];
};

static void diag_add(struct conf_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void diag_add(struct conf_diag *d, const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (d->n >= CONF_MAX_ERRORS) {
		d->more++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	if (m)
		d->msg[d->n++] = m;
}

/* "/local/arp" -> "local.arp", for messages. */
static void ptr_to_dotted(const char *ptr, char *out, size_t outsz)
{
	size_t n = 0;

	if (*ptr == '/')
		ptr++;
	for (; *ptr && n + 1 < outsz; ptr++)
		out[n++] = *ptr == '/' ? '.' : *ptr;
	out[n] = '\0';
	if (!n)
		snprintf(out, outsz, "(top level)");
}

static void werr(struct walker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void werr(struct walker *w, const char *fmt, ...)
{
	char what[256], dotted[512];
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	json_pos_find(w->pos, w->ptr, &line, &col);
	ptr_to_dotted(w->ptr, dotted, sizeof(dotted));
	diag_add(w->diag, "%s:%d:%d: %s: %s", w->name, line, col, dotted, what);
}

static size_t push(struct walker *w, const char *key)
{
	size_t old = strlen(w->ptr);

	snprintf(w->ptr + old, sizeof(w->ptr) - old, "/%s", key);
	return old;
}

static void pop(struct walker *w, size_t old)
{
	w->ptr[old] = '\0';
}

/* Report every key of obj not in allowed[]. */
static void check_keys(struct walker *w, json_t *obj,
		       const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *const *a;
		size_t old;

		for (a = allowed; *a; a++)
			if (!strcmp(*a, key))
				break;
		if (*a)
			continue;
		old = push(w, key);
		werr(w, "unknown key");
		pop(w, old);
	}
}

static bool want_type(struct walker *w, json_t *v, json_type t,
		      const char *what)
{
	if (json_typeof(v) == t)
		return true;
	werr(w, "expected %s", what);
	return false;
}

static void get_bool(struct walker *w, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	size_t old;

	if (!v)
		return;
	old = push(w, key);
	if (json_is_boolean(v))
		*out = json_is_true(v);
	else
		werr(w, "expected true or false");
	pop(w, old);
}

static void opt_string(struct walker *w, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	size_t old;

	if (!v)
		return;
	old = push(w, key);
	want_type(w, v, JSON_STRING, "a string");
	pop(w, old);
}

static void parse_local(struct walker *w, json_t *local,
			struct conf_local *out)
{
	static const char *const keys[] = { "arp", "ndp", "dhcp", NULL };

	if (!want_type(w, local, JSON_OBJECT, "an object"))
		return;
	check_keys(w, local, keys);
	get_bool(w, local, "arp", &out->arp);
	get_bool(w, local, "ndp", &out->ndp);
	get_bool(w, local, "dhcp", &out->dhcp);
}

static void parse_node(struct walker *w, json_t *node)
{
	static const char *const keys[] = {
		"name", "listen_port", "overlay", NULL
	};
	static const char *const ov_keys[] = { "interface", "address", NULL };
	json_t *port, *ov;
	size_t old;

	if (!want_type(w, node, JSON_OBJECT, "an object"))
		return;
	check_keys(w, node, keys);
	opt_string(w, node, "name");
	port = json_object_get(node, "listen_port");
	if (port) {
		old = push(w, "listen_port");
		if (!json_is_integer(port) || json_integer_value(port) < 1 ||
		    json_integer_value(port) > 65535)
			werr(w, "expected a port number from 1 to 65535");
		pop(w, old);
	}
	ov = json_object_get(node, "overlay");
	if (ov) {
		old = push(w, "overlay");
		if (want_type(w, ov, JSON_OBJECT, "an object")) {
			check_keys(w, ov, ov_keys);
			opt_string(w, ov, "interface");
			opt_string(w, ov, "address");
		}
		pop(w, old);
	}
}

static void parse_peers(struct walker *w, json_t *peers)
{
	static const char *const keys[] = { "endpoint", "overlay", NULL };
	const char *name;
	json_t *peer;

	if (!want_type(w, peers, JSON_OBJECT, "an object"))
		return;
	json_object_foreach(peers, name, peer) {
		size_t old = push(w, name);

		if (want_type(w, peer, JSON_OBJECT, "an object")) {
			check_keys(w, peer, keys);
			opt_string(w, peer, "endpoint");
			opt_string(w, peer, "overlay");
		}
		pop(w, old);
	}
}

static void parse_tunnels(struct walker *w, json_t *tunnels)
{
	if (!want_type(w, tunnels, JSON_ARRAY, "an array"))
		return;
	/*
	 * Tunnels are the next step of the product. Until the daemon can run
	 * them, a config that asks for one must not look accepted.
	 */
	if (json_array_size(tunnels))
		werr(w, "tunnels are not supported by this version yet");
}

static void parse_root(struct walker *w, json_t *root,
		       struct tunctl_conf *conf)
{
	static const char *const keys[] = {
		"node", "local", "peers", "tunnels", NULL
	};
	static const struct {
		const char *key;
		void (*parse)(struct walker *, json_t *);
	} sections[] = {
		{ "node", parse_node },
		{ "peers", parse_peers },
		{ "tunnels", parse_tunnels },
	};
	json_t *v;
	size_t i, old;

	if (!want_type(w, root, JSON_OBJECT, "an object"))
		return;
	check_keys(w, root, keys);
	v = json_object_get(root, "local");
	if (v) {
		old = push(w, "local");
		parse_local(w, v, &conf->local);
		pop(w, old);
	}
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		v = json_object_get(root, sections[i].key);
		if (!v)
			continue;
		old = push(w, sections[i].key);
		sections[i].parse(w, v);
		pop(w, old);
	}
}

void conf_defaults(struct tunctl_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	/* Link-level necessities are on unless the operator turns them off. */
	conf->local.arp = true;
	conf->local.ndp = true;
	conf->local.dhcp = true;
}

int conf_load_text(const char *name, const char *text, size_t len,
		   struct tunctl_conf *conf, struct conf_diag *diag)
{
	struct tunctl_conf tmp;
	struct walker w = { .name = name, .diag = diag };
	struct json_pos_index *pos;
	json_error_t jerr;
	json_t *root;

	memset(diag, 0, sizeof(*diag));
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		diag_add(diag, "%s:%d:%d: %s", name, jerr.line, jerr.column,
			 jerr.text);
		return -EINVAL;
	}
	pos = json_pos_index_build(text, len);
	w.pos = pos;
	conf_defaults(&tmp);
	parse_root(&w, root, &tmp);
	json_pos_index_free(pos);
	json_decref(root);
	if (diag->n)
		return -EINVAL;
	*conf = tmp;
	return 0;
}

int conf_load_file(const char *path, struct tunctl_conf *conf,
		   struct conf_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	memset(diag, 0, sizeof(*diag));
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		diag_add(diag, "%s: %s", path, strerror(-ret));
		return ret;
	}
	text = malloc(MAX_FILE_SIZE + 1);
	if (!text) {
		fclose(f);
		diag_add(diag, "%s: out of memory", path);
		return -ENOMEM;
	}
	len = fread(text, 1, MAX_FILE_SIZE + 1, f);
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!ret && len > MAX_FILE_SIZE) {
		diag_add(diag, "%s: larger than %d bytes", path, MAX_FILE_SIZE);
		ret = -EFBIG;
	} else if (ret) {
		diag_add(diag, "%s: read error", path);
	}
	if (!ret)
		ret = conf_load_text(path, text, len, conf, diag);
	free(text);
	return ret;
}

void conf_diag_print(const struct conf_diag *diag)
{
	size_t i;

	for (i = 0; i < diag->n; i++)
		fprintf(stderr, "tunctl: %s\n", diag->msg[i]);
	if (diag->more)
		fprintf(stderr, "tunctl: ... and %zu more errors\n", diag->more);
}

void conf_diag_free(struct conf_diag *diag)
{
	size_t i;

	for (i = 0; i < diag->n; i++)
		free(diag->msg[i]);
	memset(diag, 0, sizeof(*diag));
}

unsigned int conf_dp_flags(const struct tunctl_conf *conf)
{
	return (conf->local.arp ? TUNCTL_CFG_ALLOW_ARP : 0) |
	       (conf->local.ndp ? TUNCTL_CFG_ALLOW_NDP : 0) |
	       (conf->local.dhcp ? TUNCTL_CFG_ALLOW_DHCP : 0);
}
