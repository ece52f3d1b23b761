#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tunctl genkey / pubkey as an operator uses them: keys through pipes and
# files, never on the command line; bad input is one clear error, exit 2.

. "$(dirname "$0")/lib.sh"

umask 077
check "genkey writes a 44-character base64 key" sh -c \
	"$TUNCTL genkey > $WORK/priv && grep -Eq '^[A-Za-z0-9+/]{43}=\$' $WORK/priv"
check "pubkey derives a public key from it" sh -c \
	"$TUNCTL pubkey < $WORK/priv > $WORK/pub && grep -Eq '^[A-Za-z0-9+/]{43}=\$' $WORK/pub"
check_not "two genkeys differ" sh -c "test \"\$($TUNCTL genkey)\" = \"\$($TUNCTL genkey)\""
check_eq "pubkey of RFC 7748's Alice" "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=" \
	"$(echo dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo= | $TUNCTL pubkey)"

echo "not-a-key" | $TUNCTL pubkey >"$WORK/out" 2>&1
check_eq "garbage on stdin: exit 2" 2 "$?"
check "garbage on stdin: one clear line" grep -qx \
	"tunctl: pubkey: stdin: not a base64 X25519 private key" "$WORK/out"
check_not "the bad input is not echoed" grep -q "not-a-key" "$WORK/out"
$TUNCTL pubkey dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo= >"$WORK/out" 2>&1
check_eq "a key as an argument is refused" 2 "$?"

(umask 022; $TUNCTL genkey >"$WORK/readable" 2>"$WORK/warn")
check "genkey warns when its file is world-readable" grep -q \
	"warning: writing a private key to a file others can read" "$WORK/warn"
$TUNCTL genkey >"$WORK/private" 2>"$WORK/nowarn"
check_not "no warning for a private file" test -s "$WORK/nowarn"

summary
