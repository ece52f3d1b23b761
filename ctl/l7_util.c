// SPDX-License-Identifier: GPL-2.0-only
/* What every L7 parser shares: allow lists and the protocols' names. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "l7.h"

static const char *const proto_names[L7_PROTO_MAX] = {
	[L7_HTTP] = "http",
	[L7_MQTT] = "mqtt",
	[L7_MODBUS] = "modbus",
	[L7_DNS] = "dns",
	[L7_COAP] = "coap",
};

const char *l7_proto_name(enum l7_proto p)
{
	return p > L7_NONE && p < L7_PROTO_MAX ? proto_names[p] : NULL;
}

enum l7_proto l7_proto_by_name(const char *name)
{
	int p;

	for (p = L7_NONE + 1; p < L7_PROTO_MAX; p++)
		if (!strcmp(proto_names[p], name))
			return p;
	return L7_NONE;
}

const char *l7_reason(const char *fmt, ...)
{
	/* Read at once by the caller (the log), before the next packet. */
	static __thread char buf[L7_NAME_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

bool l7_strlist_has(const struct l7_strlist *l, const char *s)
{
	size_t i;

	if (!l->set)
		return true;
	for (i = 0; i < l->n; i++)
		if (!strcmp(l->s[i], s))
			return true;
	return false;
}

bool l7_path_allowed(const struct l7_strlist *prefixes, const char *path)
{
	size_t i, n;

	if (!prefixes->set)
		return true;
	for (i = 0; i < prefixes->n; i++) {
		n = strlen(prefixes->s[i]);
		if (strncmp(path, prefixes->s[i], n))
			continue;
		/* "/api" must not allow "/apix": a whole segment, or all. */
		if ((n && prefixes->s[i][n - 1] == '/') || !path[n] ||
		    path[n] == '/' || path[n] == '?')
			return true;
	}
	return false;
}

bool l7_name_allowed(const struct l7_strlist *suffixes, const char *name)
{
	size_t i, n, len = strlen(name);
	const char *sfx;

	if (!suffixes->set)
		return true;
	/* A query name may end in the root's dot: "a.example.com." */
	if (len && name[len - 1] == '.')
		len--;
	for (i = 0; i < suffixes->n; i++) {
		sfx = suffixes->s[i];
		n = strlen(sfx);
		if (n && sfx[n - 1] == '.')
			n--;
		if (!n)
			return true;	/* "." allows every name */
		if (n > len || strncasecmp(name + len - n, sfx, n))
			continue;
		if (n == len || name[len - n - 1] == '.')
			return true;
	}
	return false;
}

void l7_strlist_free(struct l7_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof(*l));
}

void l7_policy_free(struct l7_policy *p)
{
	l7_strlist_free(&p->methods);
	l7_strlist_free(&p->paths);
	l7_strlist_free(&p->topics);
	l7_strlist_free(&p->names);
}
