// SPDX-License-Identifier: GPL-2.0-only
/* Tunnel sessions: data messages in and out, counters and expiry. */
#include <errno.h>
#include <string.h>
#include <endian.h>
#include <sodium.h>

#include "session.h"
#include "wire.h"

struct session_timers session_timers = {
	.rekey_after_ns = REKEY_AFTER_TIME_NS,
	.reject_after_ns = REJECT_AFTER_TIME_NS,
	.rekey_timeout_ns = REKEY_TIMEOUT_NS,
	.rekey_attempt_ns = REKEY_ATTEMPT_TIME_NS,
};

int session_timers_scale(unsigned int scale)
{
	if (scale < 1 || scale > 1000)
		return -EINVAL;
	session_timers.rekey_after_ns = REKEY_AFTER_TIME_NS / scale;
	session_timers.reject_after_ns = REJECT_AFTER_TIME_NS / scale;
	session_timers.rekey_timeout_ns = REKEY_TIMEOUT_NS / scale;
	session_timers.rekey_attempt_ns = REKEY_ATTEMPT_TIME_NS / scale;
	return 0;
}

int session_init(struct session *s, struct noise_hs *hs, bool initiator,
		 uint32_t local_index, uint32_t remote_index, uint64_t now_ns)
{
	uint8_t send[NOISE_KEYLEN], recv[NOISE_KEYLEN];
	uint8_t suite = hs->chosen & CIPHER_AES256GCM;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = noise_split(hs, send, recv, NULL);
	if (!ret)
		ret = cipher_key_init(&s->send_key, suite, send);
	if (!ret)
		ret = cipher_key_init(&s->recv_key, suite, recv);
	sodium_memzero(send, sizeof(send));
	sodium_memzero(recv, sizeof(recv));
	if (ret) {
		session_wipe(s);
		return -EINVAL;
	}
	s->valid = true;
	s->features = hs->chosen;
	s->initiator = initiator;
	s->local_index = local_index;
	s->remote_index = remote_index;
	s->created_ns = now_ns;
	replay_init(&s->replay);
	return 0;
}

void session_wipe(struct session *s)
{
	sodium_memzero(s, sizeof(*s));
}

bool session_expired(const struct session *s, uint64_t now_ns)
{
	return !s->valid || now_ns - s->created_ns >= session_timers.reject_after_ns ||
	       s->send_counter >= REJECT_AFTER_MESSAGES;
}

bool session_wants_rekey(const struct session *s, uint64_t now_ns)
{
	return s->initiator &&
	       (now_ns - s->created_ns >= session_timers.rekey_after_ns ||
		s->send_counter >= REKEY_AFTER_MESSAGES);
}

long session_encrypt(struct session *s, const uint8_t *pt, size_t len,
		     uint8_t flags, uint8_t *out, uint64_t now_ns)
{
	struct tunctl_msg_data h = {
		.type = TUNCTL_MSG_DATA,
		.flags = flags,
		.tunnel_id = htobe16(s->tunnel_id),
		.receiver = htole32(s->remote_index),
		.counter = htole64(s->send_counter),
	};

	if (session_expired(s, now_ns))
		return -EKEYEXPIRED;
	/* Copied in: out need not be aligned (a UDP GSO batch). */
	memcpy(out, &h, sizeof(h));
	cipher_seal(&s->send_key, s->send_counter++, out, sizeof(h), pt, len,
		    out + sizeof(h));
	return (long)(len + TUNCTL_DATA_OVERHEAD);
}

long session_decrypt(struct session *s, const uint8_t *msg, size_t len,
		     uint8_t *pt, uint8_t *flags, uint64_t now_ns)
{
	struct tunctl_msg_data h;
	uint64_t counter;

	if (len < TUNCTL_DATA_OVERHEAD)
		return -EBADMSG;
	/* Copied out: msg need not be aligned (a UDP GRO run). */
	memcpy(&h, msg, sizeof(h));
	if (be16toh(h.tunnel_id) != s->tunnel_id)
		return -EBADMSG;
	if (!s->valid || now_ns - s->created_ns >= session_timers.reject_after_ns)
		return -EKEYEXPIRED;
	counter = le64toh(h.counter);
	if (counter >= REJECT_AFTER_MESSAGES)
		return -ESTALE;
	if (cipher_open(&s->recv_key, counter, msg, sizeof(h),
			msg + sizeof(h), len - sizeof(h), pt))
		return -EBADMSG;
	/* Only an authentic counter may move the window. */
	if (!replay_check(&s->replay, counter))
		return -ESTALE;
	*flags = h.flags;
	return (long)(len - TUNCTL_DATA_OVERHEAD);
}
