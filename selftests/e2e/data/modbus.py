#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# A scripted Modbus/TCP peer for utm.sh (no Modbus package in Debian 12
# that fits: python3-pymodbus 3.0 needs asyncio servers and more).
#   modbus.py server ADDR PORT LOG   answers every request; appends
#                                    "unit fc" per request to LOG
#   modbus.py client ADDR PORT UNIT FC [ADDR QTY|VALUE]
#                                    one request; prints "ok FC BYTES" on an
#                                    answer, "reset" or "closed" otherwise
import socket
import struct
import sys


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def serve(addr, port, log):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(8)
    regs = [0] * 100
    while True:
        c, _ = ls.accept()
        c.settimeout(10)
        try:
            while True:
                hdr = recv_exact(c, 7)
                if not hdr:
                    break
                tid, proto, length, unit = struct.unpack(">HHHB", hdr)
                pdu = recv_exact(c, length - 1)
                if pdu is None:
                    break
                fc = pdu[0]
                with open(log, "a") as f:
                    f.write("%d %d\n" % (unit, fc))
                if fc in (3, 4):
                    start, qty = struct.unpack(">HH", pdu[1:5])
                    data = b"".join(struct.pack(">H", regs[(start + i) % 100])
                                    for i in range(qty))
                    body = bytes([fc, len(data)]) + data
                elif fc == 6:
                    start, value = struct.unpack(">HH", pdu[1:5])
                    regs[start % 100] = value
                    body = pdu[:5]
                else:
                    body = bytes([fc | 0x80, 1])
                c.sendall(struct.pack(">HHHB", tid, 0, len(body) + 1, unit) + body)
        except (socket.timeout, ConnectionResetError):
            pass
        c.close()


def client(addr, port, unit, fc, a, b):
    s = socket.create_connection((addr, port), timeout=5)
    pdu = struct.pack(">BHH", fc, a, b)
    s.sendall(struct.pack(">HHHB", 1, 0, len(pdu) + 1, unit) + pdu)
    try:
        hdr = recv_exact(s, 7)
        if not hdr:
            print("closed")
            return
        length = struct.unpack(">H", hdr[4:6])[0]
        body = recv_exact(s, length - 1)
        print("ok %d %s" % (body[0], body[1:].hex()))
    except ConnectionResetError:
        print("reset")
    except socket.timeout:
        print("timeout")


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
               int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]))
