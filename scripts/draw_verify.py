#!/usr/bin/env python3
"""Independent re-implementation of Sanxiang's 双随机 draw generator (src/core/draw.h).

Anyone can re-run a published draw with nothing but Python's hashlib (SM3 via OpenSSL):

    python3 scripts/draw_verify.py POOL_HASH PUBLIC_VALUE N_TARGETS N_INSPECTORS K M [T:I ...]

prints the seed, then one line per drawn target: "target_index: inspector_index ...".
(T:I pairs are recusals: inspector I may not inspect target T; indices are 0-based pool order.)
Or import it: draw(pool_hash, public_value, n_targets, n_inspectors, k, m, recusals).
"""
import hashlib
import sys

DOMAIN = "sanxiang-draw-v1"


def sm3(data):
    return hashlib.new("sm3", data).digest()


def seed_of(pool_hash, public_value, k, m):
    return sm3(f"{DOMAIN}\n{pool_hash}\n{public_value}\n{k}\n{m}".encode())


class Stream:
    def __init__(self, seed):
        self.seed, self.counter, self.block, self.pos = seed, 0, b"", 32

    def u32(self):
        if self.pos + 4 > 32:
            self.block = sm3(self.seed + self.counter.to_bytes(4, "big"))
            self.counter += 1
            self.pos = 0
        v = int.from_bytes(self.block[self.pos:self.pos + 4], "big")
        self.pos += 4
        return v

    def below(self, n):
        limit = (1 << 32) - (1 << 32) % n
        while True:
            u = self.u32()
            if u < limit:
                return u % n


def pick(s, a, k):
    for i in range(k):
        j = i + s.below(len(a) - i)
        a[i], a[j] = a[j], a[i]
    return a[:k]


def draw(pool_hash, public_value, n_targets, n_inspectors, k, m, recusals=()):
    if k < 1 or m < 1 or k > n_targets or m > n_inspectors:
        raise ValueError("bad k/m")
    seed = seed_of(pool_hash, public_value, k, m)
    s = Stream(seed)
    targets = pick(s, list(range(n_targets)), k)
    rec = set(recusals)
    result = []
    for t in targets:
        elig = [i for i in range(n_inspectors) if (t, i) not in rec]
        if len(elig) < m:
            raise ValueError(f"target {t}: too few inspectors")
        result.append((t, pick(s, elig, m)))
    return seed.hex(), result


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) < 6:
        sys.exit(__doc__)
    recs = [tuple(int(x) for x in p.split(":")) for p in a[6:]]
    seed, res = draw(a[0], a[1], int(a[2]), int(a[3]), int(a[4]), int(a[5]), recs)
    print(seed)
    for t, insp in res:
        print(f"{t}: {' '.join(map(str, insp))}")
