#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# gen-seeds.py: write the hand-made seed inputs of the virtshare-fsd fuzz
# targets (formats: tests/fuzz/fuzz-vhost-user.c and fuzz-fuse.c) into
# DIR/vhost-user and DIR/fuse. The committed corpora started from these,
# merged (-merge=1) with what libFuzzer found.
import os
import struct
import sys

# ---- vhost-user --------------------------------------------------------

GET_FEATURES, SET_FEATURES, SET_OWNER, RESET_OWNER, SET_MEM_TABLE = 1, 2, 3, 4, 5
SET_VRING_NUM, SET_VRING_ADDR, SET_VRING_BASE, GET_VRING_BASE = 8, 9, 10, 11
SET_VRING_KICK, SET_VRING_CALL, SET_VRING_ERR = 12, 13, 14
GET_PROTOCOL_FEATURES, SET_PROTOCOL_FEATURES, GET_QUEUE_NUM = 15, 16, 17
SET_VRING_ENABLE, RESET_DEVICE, GET_MAX_MEM_SLOTS = 18, 34, 36
ADD_MEM_REG, REM_MEM_REG = 37, 38

F_VERSION_1, F_INDIRECT, F_EVENT_IDX, F_PROTOCOL = 1 << 32, 1 << 28, 1 << 29, 1 << 30
UVA = 0x7F0000000000
NEED_REPLY = 0x8


def msg(req, payload=b"", nfds=0, eventfd=False, flags=1):
    ctl = nfds | (0x10 if eventfd else 0)
    return bytes([ctl]) + struct.pack("<III", req, flags, len(payload)) + payload


def u64(v):
    return struct.pack("<Q", v)


def state(i, n):
    return struct.pack("<II", i, n)


def region(gpa, size, uva, off):
    return struct.pack("<QQQQ", gpa, size, uva, off)


def memwrite(off, data):
    out = b""
    while data:
        chunk, data = data[:255], data[255:]
        out += bytes([0x80]) + struct.pack("<HB", off, len(chunk)) + chunk
        off += len(chunk)
    return out


KICK = bytes([0x40])


def desc(addr, length, flags, nxt):
    return struct.pack("<QIHH", addr, length, flags, nxt)


def setup(features=F_VERSION_1 | F_INDIRECT | F_EVENT_IDX | F_PROTOCOL,
          qnum=8, q=1, regions=None):
    s = msg(GET_FEATURES) + msg(SET_FEATURES, u64(features))
    s += msg(GET_PROTOCOL_FEATURES)
    s += msg(SET_PROTOCOL_FEATURES, u64(1 | 8 | (1 << 13) | (1 << 15)))
    s += msg(SET_OWNER) + msg(GET_QUEUE_NUM) + msg(GET_MAX_MEM_SLOTS)
    regions = regions or [(0, 0x10000, UVA, 0)]
    mt = struct.pack("<II", len(regions), 0)
    for r in regions:
        mt += region(*r)
    s += msg(SET_MEM_TABLE, mt, nfds=len(regions))
    s += msg(SET_VRING_NUM, state(q, qnum))
    s += msg(SET_VRING_ADDR, struct.pack("<IIQQQQ", q, 0, UVA + 0x1000,
                                          UVA + 0x3000, UVA + 0x2000, 0))
    s += msg(SET_VRING_BASE, state(q, 0))
    s += msg(SET_VRING_CALL, u64(q), nfds=1, eventfd=True)
    s += msg(SET_VRING_ERR, u64(q), nfds=1, eventfd=True)
    s += msg(SET_VRING_KICK, u64(q), nfds=1, eventfd=True)
    s += msg(SET_VRING_ENABLE, state(q, 1))
    return s


def ring(descs, heads, used_event=0):
    s = memwrite(0x1000, b"".join(descs))
    avail = struct.pack("<HH", 0, len(heads)) + b"".join(
        struct.pack("<H", h) for h in heads) + struct.pack("<H", used_event)
    return s + memwrite(0x2000, avail)


def vhost_user_seeds():
    seeds = {}
    chains = [desc(0x4000, 64, 1, 1), desc(0x5000, 128, 2, 0),
              desc(0x4100, 16, 1, 3), desc(0x5100, 64, 2, 0)]
    body = memwrite(0x4000, b"\x02request one" + b"\0" * 52)
    body += memwrite(0x4100, b"\x01deferred" + b"\0" * 7)
    seeds["ring-basic"] = setup() + ring(chains, [0, 2]) + body + KICK + \
        msg(GET_VRING_BASE, state(1, 0)) + KICK
    # An indirect table after one direct descriptor.
    ind = [desc(0x4000, 32, 1, 1), desc(0x5000, 32, 2, 0)]
    seeds["ring-indirect"] = setup() + memwrite(0x6000, b"".join(ind)) + \
        ring([desc(0x4200, 8, 1, 1), desc(0x6000, 32, 4, 0)], [0]) + \
        body + KICK
    # A loop, a head out of range, a chain with readable after writable.
    seeds["ring-hostile"] = setup() + ring(
        [desc(0x4000, 8, 1, 1), desc(0x4000, 8, 1, 0),
         desc(0x5000, 8, 2, 3), desc(0x4000, 8, 1, 0)], [0, 2, 7]) + KICK
    # Buffers crossing two adjacent regions.
    seeds["ring-two-regions"] = setup(regions=[
        (0, 0x8000, UVA, 0), (0x8000, 0x8000, UVA + 0x8000, 0x8000)]) + \
        ring([desc(0x7ff0, 64, 1, 1), desc(0x5000, 64, 2, 0)], [0]) + KICK
    # No EVENT_IDX, no indirect: a ring of 4.
    seeds["ring-plain"] = setup(features=F_VERSION_1 | F_PROTOCOL,
                                qnum=4) + ring(chains, [0, 2]) + body + KICK
    # The memory table changing under a deferred request.
    seeds["mem-change"] = seeds["ring-basic"] + msg(
        REM_MEM_REG, u64(0) + region(0, 0x10000, UVA, 0)) + msg(
        ADD_MEM_REG, u64(0) + region(0, 0x10000, UVA, 0), nfds=1) + \
        msg(SET_VRING_KICK, u64(1), nfds=1, eventfd=True) + KICK
    seeds["reset"] = seeds["ring-basic"] + msg(RESET_DEVICE) + \
        msg(RESET_OWNER) + KICK + setup() + KICK
    seeds["need-reply"] = msg(SET_PROTOCOL_FEATURES, u64(8)) + msg(
        SET_FEATURES, u64(F_PROTOCOL), flags=1 | NEED_REPLY) + msg(
        SET_VRING_NUM, state(0, 3), flags=1 | NEED_REPLY)
    # Hostile messages, one per seed: each ends the connection.
    seeds["bad-size"] = msg(SET_FEATURES, u64(0) + b"x")
    seeds["bad-fds"] = msg(SET_MEM_TABLE, struct.pack("<II", 1, 0) +
                           region(0, 0x1000, UVA, 0))
    seeds["bad-region"] = msg(SET_MEM_TABLE, struct.pack("<II", 1, 0) +
                              region(0, 0x100000, UVA, 0xffff000), nfds=1)
    seeds["bad-ring"] = setup(qnum=32768)
    seeds["bad-index"] = msg(SET_VRING_NUM, state(200, 8))
    seeds["too-many-fds"] = msg(SET_VRING_CALL, u64(1), nfds=9, eventfd=True)
    seeds["truncated"] = msg(SET_FEATURES, u64(0))[:9]
    return seeds

# ---- FUSE --------------------------------------------------------------


LOOKUP, FORGET, GETATTR, SETATTR, READLINK, SYMLINK = 1, 2, 3, 4, 5, 6
MKNOD, MKDIR, UNLINK, RMDIR, RENAME, LINK, OPEN, READ, WRITE = 8, 9, 10, 11, 12, 13, 14, 15, 16
STATFS, RELEASE, FSYNC, SETXATTR, GETXATTR, LISTXATTR = 17, 18, 20, 21, 22, 23
REMOVEXATTR, FLUSH, INIT, OPENDIR, READDIR, RELEASEDIR = 24, 25, 26, 27, 28, 29
FSYNCDIR, GETLK, SETLK, SETLKW, ACCESS, CREATE, INTERRUPT = 30, 31, 32, 33, 34, 35, 36
DESTROY, BATCH_FORGET, FALLOCATE, READDIRPLUS, RENAME2 = 38, 42, 43, 44, 45
LSEEK, COPY_FILE_RANGE, SYNCFS = 46, 47, 50
ROOT = 1
FH0, FH1 = 1 << 32, (1 << 32) | 1

unique = [100]


def req(op, node, args=b"", ctl=0x5 << 2, uid=0, gid=0):
    unique[0] += 1
    h = struct.pack("<IIQQIIIHH", 40 + len(args), op, unique[0], node, uid,
                    gid, 42, 0, 0)
    body = h + args
    return bytes([ctl]) + struct.pack("<H", len(body)) + body


def name(s):
    return s.encode() + b"\0"


def init_args(minor=38):
    return struct.pack("<IIIIII11I", 7, minor, 65536, 0xffffffff,
                       0xffffffff, 0, *([0] * 11))


def fuse_seeds():
    s = {}
    A = bytes([0x01 | 0x10 | 0x20 | 0x40 | (2 << 2)])
    s["init"] = bytes([0]) + req(INIT, 0, init_args()) + \
        req(GETATTR, ROOT, struct.pack("<IIQ", 0, 0, 0))
    s["init-old"] = bytes([0]) + req(INIT, 0, init_args()[:16]) + \
        req(INIT, 0, struct.pack("<II", 7, 20))
    s["lookup"] = A + req(LOOKUP, ROOT, name("hello.txt")) + \
        req(LOOKUP, ROOT, name("dir")) + req(LOOKUP, 3, name("nested.txt")) + \
        req(LOOKUP, ROOT, name("up")) + req(READLINK, 5) + \
        req(LOOKUP, ROOT, name("..")) + req(LOOKUP, ROOT, name("fifo")) + \
        req(OPEN, 6, struct.pack("<II", 0, 0)) + \
        req(FORGET, 2, struct.pack("<Q", 1)) + \
        req(BATCH_FORGET, 0, struct.pack("<II", 2, 0) +
            struct.pack("<QQ", 3, 1) + struct.pack("<QQ", 99, 5))
    s["rw"] = A + req(LOOKUP, ROOT, name("hello.txt")) + \
        req(OPEN, 2, struct.pack("<II", os.O_RDWR, 0)) + \
        req(READ, 2, struct.pack("<QQIIQII", FH0, 0, 4096, 0, 0, 0, 0)) + \
        req(WRITE, 2, struct.pack("<QQIIQII", FH0, 3, 5, 0, 0, 0, 0) +
            b"HELLO", ctl=0x5 << 2 | 2) + \
        req(LSEEK, 2, struct.pack("<QQII", FH0, 0, 3, 0)) + \
        req(FALLOCATE, 2, struct.pack("<QQQII", FH0, 0, 8192, 0, 0)) + \
        req(FSYNC, 2, struct.pack("<QII", FH0, 1, 0)) + \
        req(FLUSH, 2, struct.pack("<QIIQ", FH0, 0, 0, 7)) + \
        req(SETATTR, 2, struct.pack("<IIQQQQQQIIIIIIII", 1 << 3 | 1, 0, FH0,
                                    100, 0, 0, 0, 0, 0, 0, 0, 0o600, 0, 0,
                                    0, 0)) + \
        req(RELEASE, 2, struct.pack("<QIIQ", FH0, 0, 0, 0))
    s["dirs"] = A + req(OPENDIR, ROOT, struct.pack("<II", 0, 0)) + \
        req(READDIR, ROOT, struct.pack("<QQIIQII", FH0, 0, 4096, 0, 0, 0,
                                       0)) + \
        req(READDIRPLUS, ROOT, struct.pack("<QQIIQII", FH0, 0, 4096, 0, 0,
                                           0, 0)) + \
        req(FSYNCDIR, ROOT, struct.pack("<QII", FH0, 0, 0)) + \
        req(RELEASEDIR, ROOT, struct.pack("<QIIQ", FH0, 0, 0, 0)) + \
        req(MKDIR, ROOT, struct.pack("<II", 0o755, 0o22) + name("new")) + \
        req(RMDIR, ROOT, name("new")) + req(STATFS, ROOT) + \
        req(SYNCFS, ROOT, struct.pack("<Q", 0))
    s["create"] = A + req(CREATE, ROOT, struct.pack("<IIII", os.O_RDWR,
                                                    0o644, 0o22, 0) +
                          name("made")) + \
        req(MKNOD, ROOT, struct.pack("<IIII", 0o10644, 0, 0o22, 0) +
            name("fifo2")) + \
        req(SYMLINK, ROOT, name("ln") + name("../outside/secret")) + \
        req(LINK, 2, struct.pack("<Q", 2) + name("made2")) + \
        req(RENAME, ROOT, struct.pack("<Q", ROOT) + name("made") +
            name("renamed")) + \
        req(RENAME2, ROOT, struct.pack("<QII", ROOT, 2, 0) + name("ln") +
            name("renamed")) + \
        req(UNLINK, ROOT, name("made2")) + \
        req(COPY_FILE_RANGE, 2, struct.pack("<QQQQQQQ", FH0, 0, 2, FH0, 10,
                                            5, 0)) + \
        req(ACCESS, 2, struct.pack("<II", 4, 0), uid=1000, gid=1000)
    s["xattr"] = A + req(SETXATTR, ROOT, struct.pack("<II", 3, 0) +
                         name("user.k") + b"val") + \
        req(GETXATTR, ROOT, struct.pack("<II", 0, 0) + name("user.k")) + \
        req(GETXATTR, ROOT, struct.pack("<II", 64, 0) + name("user.k")) + \
        req(LISTXATTR, ROOT, struct.pack("<II", 0, 0)) + \
        req(LISTXATTR, ROOT, struct.pack("<II", 256, 0)) + \
        req(REMOVEXATTR, ROOT, name("user.k"))
    lk = struct.pack("<QQQII", 0, 100, 1, 0, 42)
    s["locks"] = A + req(LOOKUP, ROOT, name("hello.txt")) + \
        req(OPEN, 2, struct.pack("<II", os.O_RDWR, 0)) + \
        req(GETLK, 2, struct.pack("<QQ", FH0, 7) + lk + struct.pack("<II",
                                                                     0, 0)) + \
        req(SETLK, 2, struct.pack("<QQ", FH0, 7) + lk + struct.pack("<II",
                                                                     0, 0)) + \
        req(SETLKW, 2, struct.pack("<QQ", FH0, 8) + lk + struct.pack("<II",
                                                                      0, 0)) + \
        req(INTERRUPT, 0, struct.pack("<Q", 105)) + \
        req(SETLK, 2, struct.pack("<QQ", FH0, 7) + lk + struct.pack("<II",
                                                                     1, 0)) + \
        req(DESTROY, 0) + req(INIT, 0, init_args())
    s["hostile"] = A + req(LOOKUP, ROOT, b"a/b\0") + \
        req(LOOKUP, ROOT, b"") + req(LOOKUP, ROOT, b"x" * 300) + \
        req(GETATTR, 12345) + req(READ, 2, struct.pack("<Q", 77)) + \
        req(999, ROOT) + bytes([0x01]) + struct.pack("<H", 20) + b"\x40" + \
        b"\0" * 19 + req(SETXATTR, ROOT, struct.pack("<II", 9999, 0) +
                         name("user.x"))
    s["readonly"] = bytes([0x01 | 0x02]) + req(LOOKUP, ROOT,
                                              name("hello.txt")) + \
        req(OPEN, 2, struct.pack("<II", os.O_RDWR, 0)) + \
        req(MKDIR, ROOT, struct.pack("<II", 0o755, 0) + name("x"))
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    for target, seeds in (("vhost-user", vhost_user_seeds()),
                          ("fuse", fuse_seeds())):
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for n, data in seeds.items():
            with open(os.path.join(d, "seed-" + n), "wb") as f:
                f.write(data)


main()
