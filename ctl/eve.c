// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UTM's event log (eve.h): one JSON object per line, each line one
 * write() on an O_APPEND descriptor, rotated by size.
 *
 * A line, in this order (keys absent where they do not apply):
 *   "timestamp"  local time with microseconds and offset, as Suricata
 *                writes it: "2026-12-02T01:23:45.123456+0000"
 *   "event_type" "alert" or "drop"
 *   "tunnel_id", "src_ip", "src_port", "dest_ip", "dest_port"
 *                (ports only for TCP and UDP, where they mean something)
 *   "proto"      "TCP", "UDP", "ICMP", or the number as a string ("47")
 *   "app_proto"  when the tunnel has an L7 policy
 *   "alert":     {"action", "signature_id", "rev", "signature"}
 *   "drop":      {"reason", "action"}: the L7 reason and how the session
 *                ended ("reset", "drop"); ev->action ("blocked") is what
 *                "drop" already says, so it is not repeated
 *   "action"     top level, only for other event types that carry one
 * Strings come from rule files and packets: bytes that are not UTF-8
 * become '?' (jansson refuses such strings); control bytes are escaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <jansson.h>

#include "eve.h"

/* A string field longer than this is cut: one line must stay a line. */
#define EVE_STR_MAX 2048

/* Bytes of the well-formed UTF-8 sequence at s (RFC 3629), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, beyond Unicode. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* s as a JSON string, each byte of an ill-formed sequence as '?'. */
static json_t *eve_str(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strnlen(s, EVE_STR_MAX), i = 0, o = 0, n;
	char *buf = malloc(len + 1);
	json_t *j;

	if (!buf)
		return json_string("?");
	while (i < len) {
		n = utf8_seq(u + i, len - i);
		if (!n) {
			buf[o++] = '?';
			i++;
			continue;
		}
		memcpy(buf + o, u + i, n);
		o += n;
		i += n;
	}
	j = json_stringn(buf, o);
	free(buf);
	return j ? j : json_string("?");
}

static void set_str(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, eve_str(s));
}

static void set_ip(json_t *o, const char *key, uint32_t addr)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr in = { .s_addr = addr };

	inet_ntop(AF_INET, &in, a, sizeof(a));
	json_object_set_new(o, key, json_string(a));
}

static void set_timestamp(json_t *o)
{
	struct timespec ts;
	struct tm tm;
	char date[32], zone[8], out[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(out, sizeof(out), "%s.%06ld%s", date, ts.tv_nsec / 1000, zone);
	json_object_set_new(o, "timestamp", json_string(out));
}

static json_t *event_json(const struct eve_event *ev)
{
	json_t *o = json_object();
	char num[8];

	set_timestamp(o);
	set_str(o, "event_type", ev->event_type ? ev->event_type : "event");
	json_object_set_new(o, "tunnel_id", json_integer(ev->tunnel_id));
	set_ip(o, "src_ip", ev->saddr);
	if (ev->proto == IPPROTO_TCP || ev->proto == IPPROTO_UDP)
		json_object_set_new(o, "src_port", json_integer(ev->sport));
	set_ip(o, "dest_ip", ev->daddr);
	if (ev->proto == IPPROTO_TCP || ev->proto == IPPROTO_UDP)
		json_object_set_new(o, "dest_port", json_integer(ev->dport));
	switch (ev->proto) {
	case IPPROTO_TCP:
		json_object_set_new(o, "proto", json_string("TCP"));
		break;
	case IPPROTO_UDP:
		json_object_set_new(o, "proto", json_string("UDP"));
		break;
	case IPPROTO_ICMP:
		json_object_set_new(o, "proto", json_string("ICMP"));
		break;
	default:
		snprintf(num, sizeof(num), "%u", ev->proto);
		json_object_set_new(o, "proto", json_string(num));
	}
	set_str(o, "app_proto", ev->app_proto);
	if (ev->event_type && !strcmp(ev->event_type, "alert")) {
		json_t *a = json_object();

		set_str(a, "action", ev->action);
		json_object_set_new(a, "signature_id", json_integer(ev->sid));
		json_object_set_new(a, "rev", json_integer(ev->rev));
		set_str(a, "signature", ev->msg ? ev->msg : "");
		json_object_set_new(o, "alert", a);
	} else if (ev->event_type && !strcmp(ev->event_type, "drop")) {
		json_t *d = json_object();

		set_str(d, "reason", ev->reason);
		set_str(d, "action", ev->l7_action ? ev->l7_action : ev->action);
		json_object_set_new(o, "drop", d);
	} else {
		set_str(o, "action", ev->action);
	}
	return o;
}

static int open_fd(struct eve_log *log)
{
	struct stat st;
	int fd;

	fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	/* A character device (/dev/null, /dev/full) has no size to keep. */
	log->size = fstat(fd, &st) || !S_ISREG(st.st_mode) ? 0 : st.st_size;
	log->fd = fd;
	return 0;
}

int eve_open(struct eve_log *log, const char *path, uint64_t max_bytes,
	     unsigned int keep)
{
	size_t len = strlen(path);

	log->fd = -1;
	log->size = 0;
	log->write_errors = 0;
	log->max_bytes = max_bytes;
	log->keep = keep;
	if (!len)
		return -EINVAL;
	if (len >= sizeof(log->path))
		return -ENAMETOOLONG;
	memcpy(log->path, path, len + 1);
	return open_fd(log);
}

int eve_reopen(struct eve_log *log)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
	return open_fd(log);
}

void eve_close(struct eve_log *log)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
}

/*
 * FILE.(keep-1) -> FILE.keep, ..., FILE -> FILE.1 (rename drops the old
 * FILE.keep); with keep 0 the file is simply removed. Then a fresh FILE.
 */
static int rotate(struct eve_log *log)
{
	char from[sizeof(log->path) + 16], to[sizeof(log->path) + 16];
	unsigned int i;

	close(log->fd);
	log->fd = -1;
	if (!log->keep) {
		if (unlink(log->path) && errno != ENOENT)
			return -errno;
		return open_fd(log);
	}
	for (i = log->keep; i > 1; i--) {
		snprintf(from, sizeof(from), "%s.%u", log->path, i - 1);
		snprintf(to, sizeof(to), "%s.%u", log->path, i);
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	snprintf(to, sizeof(to), "%s.1", log->path);
	if (rename(log->path, to) && errno != ENOENT)
		return -errno;
	return open_fd(log);
}

void eve_write(struct eve_log *log, const struct eve_event *ev)
{
	json_t *o = event_json(ev);
	char *text = json_dumps(o, JSON_COMPACT), *line;
	size_t len;
	ssize_t n;

	json_decref(o);
	line = text ? realloc(text, strlen(text) + 2) : NULL;
	if (!line) {
		free(text);
		log->write_errors++;
		return;
	}
	len = strlen(line);
	line[len++] = '\n';
	/* Closed by a failed rotation or reopen: try again, each event. */
	if (log->fd < 0 && open_fd(log))
		goto fail;
	if (log->max_bytes && log->size &&
	    log->size + len > log->max_bytes && rotate(log))
		goto fail;
	n = write(log->fd, line, len);
	if (n > 0)
		log->size += n;
	if (n != (ssize_t)len) {
		/* Not ours any more (closed under us): open ours again next. */
		if (n < 0 && errno == EBADF)
			log->fd = -1;
		goto fail;
	}
	free(line);
	return;
fail:
	log->write_errors++;
	free(line);
}
