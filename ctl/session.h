/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tunnel session: the transport keys from one handshake, a send counter
 * and the receive replay window. Data messages (wire.h) carry the
 * receiver's index and the counter in clear, both authenticated as AD.
 */
#ifndef TUNCTL_SESSION_H
#define TUNCTL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cipher.h"
#include "noise.h"
#include "replay.h"

/* Timers and limits (README "Timers"), WireGuard's values. */
#define REKEY_AFTER_TIME_NS	(120ULL * 1000000000ULL)
#define REJECT_AFTER_TIME_NS	(180ULL * 1000000000ULL)
#define REKEY_TIMEOUT_NS	(5ULL * 1000000000ULL)
#define REKEY_ATTEMPT_TIME_NS	(90ULL * 1000000000ULL)
#define REKEY_AFTER_MESSAGES	(1ULL << 60)
#define REJECT_AFTER_MESSAGES	(UINT64_MAX - (1ULL << 13))

/*
 * The timers in force: the values above, divided by a scale that only
 * tests set (TUNCTL_TIMER_SCALE), so a rekey can be watched in seconds.
 */
struct session_timers {
	uint64_t rekey_after_ns;
	uint64_t reject_after_ns;
	uint64_t rekey_timeout_ns;
	uint64_t rekey_attempt_ns;
};
extern struct session_timers session_timers;
/* Divide every timer by scale (1..1000); 0 on success. */
int session_timers_scale(unsigned int scale);

struct session {
	bool valid;
	bool initiator;
	uint16_t tunnel_id;	/* in every data header, for relays */
	uint8_t features;	/* wire.h TUNCTL_FEAT_*, from the handshake */
	uint32_t local_index;	/* packets to us carry it */
	uint32_t remote_index;	/* packets we send carry it */
	struct cipher_key send_key;	/* its suite is the session's cipher */
	struct cipher_key recv_key;
	uint64_t send_counter;
	struct replay_window replay;
	uint64_t created_ns;	/* CLOCK_MONOTONIC */
};

/* From a finished handshake; wipes nothing of hs (the caller does). */
int session_init(struct session *s, struct noise_hs *hs, bool initiator,
		 uint32_t local_index, uint32_t remote_index, uint64_t now_ns);
/* Data for another tunnel than s's is refused (-EBADMSG) by decrypt. */
void session_wipe(struct session *s);
/* Too old or too used to send on; receiving still works until expired. */
bool session_expired(const struct session *s, uint64_t now_ns);
bool session_wants_rekey(const struct session *s, uint64_t now_ns);

/*
 * Encrypt len bytes into out (len + TUNCTL_DATA_OVERHEAD bytes) with the
 * header's flags (wire.h TUNCTL_DATA_F_*; the caller sends only what
 * s->features allows); returns the message length or -EKEYEXPIRED.
 */
long session_encrypt(struct session *s, const uint8_t *pt, size_t len,
		     uint8_t flags, uint8_t *out, uint64_t now_ns);
/*
 * Decrypt a data message into pt (len - TUNCTL_DATA_OVERHEAD bytes) and
 * its authenticated flags into *flags; returns the plaintext length,
 * -EBADMSG (not authentic), -ESTALE (a replay or too old) or -EKEYEXPIRED.
 */
long session_decrypt(struct session *s, const uint8_t *msg, size_t len,
		     uint8_t *pt, uint8_t *flags, uint64_t now_ns);

#endif /* TUNCTL_SESSION_H */
