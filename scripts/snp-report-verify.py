#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check an SNP attestation report end to end, with code the model did not
write: the report the L2 guest printed (snp-report's "raw OFFSET HEX"
lines in the console log) must carry the launch digest the model computed
(its trace amd_psp_snp_launch_digest) and a signature that OpenSSL
verifies under the public key the model signs with (its trace
amd_psp_snp_report), which must be the public half of the documented
private key (SHA-384 of the seed, modulo the group order). The layout is
the SEV-SNP firmware ABI's (AMD 56860,
ATTESTATION_REPORT): MEASUREMENT at 0x90, the signed part 0x000-0x29f,
R and S little-endian at 0x2a0 and 0x2e8, 72 bytes each.

Usage: snp-report-verify.py CONSOLE_LOG MODEL_LOG
Prints one line saying what was verified; exits 1 with the reason if
anything does not hold."""
import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPORT_SIZE = 0x4A0
SIGNED = 0x2A0
MEASUREMENT = slice(0x90, 0xC0)
# SubjectPublicKeyInfo of an uncompressed P-384 point: the DER prefix up
# to the point (id-ecPublicKey, secp384r1, BIT STRING of 97 bytes).
SPKI_P384 = bytes.fromhex("3076301006072a8648ce3d020106052b81040022036200")
# PKCS#8 of a P-384 private key, up to the 48 bytes of the key itself.
PKCS8_P384 = bytes.fromhex("304e020100301006072a8648ce3d020106052b810400220437303502010104" "30")
P384_N = int("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
             "581a0db248b0a77aecec196accc52973", 16)
# The model's signing key (hw/i386/amd-psp-crypto.c): public on purpose.
KEY_SEED = b"QEMU AMD PSP model: SEV-SNP VCEK"


def fail(why):
    print(why)
    sys.exit(1)


def der_int(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return b"\x02" + bytes([len(b)]) + b


def main():
    console, model = (Path(p).read_text(errors="replace") for p in sys.argv[1:3])
    raw = {}
    for m in re.finditer(r"snp-report: raw ([0-9a-f]{3}) ([0-9a-f]+)", console):
        raw[int(m.group(1), 16)] = bytes.fromhex(m.group(2))
    report = b"".join(raw[k] for k in sorted(raw))
    if len(report) != REPORT_SIZE or sorted(raw) != list(range(0, REPORT_SIZE, 32)):
        fail(f"the guest printed {len(report)} bytes of report, not {REPORT_SIZE}")
    digests = re.findall(r"launch digest ([0-9a-f]{96})", model)
    keys = re.findall(r"public key x ([0-9a-f]{96}) y ([0-9a-f]{96})", model)
    if len(set(digests)) != 1 or not keys:
        fail(f"model log: {len(set(digests))} launch digest(s), {len(keys)} signed report(s)")
    if report[MEASUREMENT].hex() != digests[0]:
        fail(f"MEASUREMENT {report[MEASUREMENT].hex()} is not the model's launch digest {digests[0]}")
    r = report[SIGNED:SIGNED + 72]
    s = report[SIGNED + 72:SIGNED + 144]
    if any(r[48:]) or any(s[48:]):
        fail("R or S is not zero beyond its 48 bytes")
    body = der_int(r[:48][::-1]) + der_int(s[:48][::-1])
    sig = b"\x30" + bytes([len(body)]) + body
    if report[0x160:0x180] != b"\xff" * 32 or report[0x1E0:0x1E8] != report[0x38:0x40]:
        fail("REPORT_ID_MA is not all ones (no migration agent), or COMMITTED_TCB "
             "is not the current TCB")
    x, y = (bytes.fromhex(k) for k in keys[-1])
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        # The model's key is documented: d = SHA-384(seed) mod n. OpenSSL
        # derives its public half, which must be the one the model traced.
        dk = int.from_bytes(hashlib.sha384(KEY_SEED).digest(), "big") % P384_N
        (d / "priv.der").write_bytes(PKCS8_P384 + dk.to_bytes(48, "big"))
        pub = subprocess.run(["openssl", "pkey", "-inform", "DER", "-in", d / "priv.der",
                              "-pubout", "-outform", "DER"], capture_output=True)
        if pub.returncode or pub.stdout[-96:] != x + y:
            fail("the traced public key is not the one of the model's documented private key")
        (d / "pub.der").write_bytes(SPKI_P384 + b"\x04" + x + y)
        (d / "sig.der").write_bytes(sig)
        (d / "signed").write_bytes(report[:SIGNED])
        conv = subprocess.run(["openssl", "pkey", "-pubin", "-inform", "DER",
                               "-in", d / "pub.der", "-out", d / "pub.pem"],
                              capture_output=True, text=True)
        if conv.returncode:
            fail(f"OpenSSL refuses the model's public key: {conv.stderr.strip()}")
        ver = subprocess.run(["openssl", "dgst", "-sha384", "-verify", d / "pub.pem",
                              "-signature", d / "sig.der", d / "signed"],
                             capture_output=True, text=True)
        if ver.returncode or "Verified OK" not in ver.stdout:
            fail(f"OpenSSL: {(ver.stdout + ver.stderr).strip()}")
    print(f"MEASUREMENT is the launch digest {digests[0][:16]}...; "
          "ECDSA P-384 signature verified by OpenSSL under the model's documented key")


if __name__ == "__main__":
    main()
