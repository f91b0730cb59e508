#!/bin/bash
# Reproduce tests/data/merkle-sm3/sm3-vectors.txt with the OpenSSL CLI and xxd only — no Sanxiang
# code — so the unit test checks our SM3 Merkle tree against an independent computation.
#
# Leaves: the 8 standard RFC 6962 test leaves (as in ../merkle-vectors/rfc6962-sha256.json), then a
# 32-byte record-hash-like leaf (SM3 of "abc", as the product's leaves are record hashes).
# Definitions (RFC 6962 §2.1 with SM3): leaf = SM3(00 || d), node = SM3(01 || l || r),
# empty root = SM3(""). Output lines: "leaf <i> <leaf hex> <leaf hash>", "root <n> <root hex>".
#
# Run:  bash tests/data/merkle-sm3/make.sh > tests/data/merkle-sm3/sm3-vectors.txt
set -euo pipefail
sm3() { xxd -r -p | openssl dgst -sm3 -binary | xxd -p -c 64; }
leaves=("" "00" "10" "2021" "3031" "40414243" "5051525354555657" "606162636465666768696a6b6c6d6e6f"
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
declare -a lh
echo "# SM3 Merkle vectors, made by make.sh with $(openssl version | cut -d' ' -f1-2)"
for i in "${!leaves[@]}"; do
    lh[$i]=$(printf '00%s' "${leaves[$i]}" | sm3)
    echo "leaf $i ${leaves[$i]:--} ${lh[$i]}"
done
# MTH(lo, hi) by the RFC's recursion
mth() {
    local lo=$1 hi=$2 n=$(( $2 - $1 )) k=1
    if [ "$n" -eq 1 ]; then echo "${lh[$lo]}"; return; fi
    while [ $(( k * 2 )) -lt "$n" ]; do k=$(( k * 2 )); done
    local l r
    l=$(mth "$lo" $(( lo + k )))
    r=$(mth $(( lo + k )) "$hi")
    printf '01%s%s' "$l" "$r" | sm3
}
echo "root 0 $(printf '' | sm3)"
for n in $(seq 1 ${#leaves[@]}); do
    echo "root $n $(mth 0 "$n")"
done
