/*
 * bundle: the case-file bundle (电子卷宗, DESIGN §5; issue 5 point 5) as a set
 * of named files in memory — its manifest, and the offline verifier that needs
 * nothing but those files (no database, no network, no clock).
 *
 * Format "sanxiang-bundle/v1" (the archive around it is a tar written by
 * app/bundle.c; this module never sees it):
 *
 *   manifest.json    canonical JSON: {"case":{...},"checkpoint":{...},
 *                    "files":[{"path","sm3","size"[,"kind","record_seq","included"]}],
 *                    "format":"sanxiang-bundle/v1"}; every other file is listed once
 *                    with its SM3 and size. Entries with "included":false are
 *                    hash-only (a document or media item whose bytes are not in the
 *                    bundle): their SM3 is the one the record at record_seq holds.
 *   case.json        the case projection, parties, officers (informative: the
 *                    records are the truth; its id, number, head_hash and
 *                    record_count must agree with the manifest and the chain).
 *   records.jsonl    one line per record in seq order, canonical JSON
 *                    {"action","actor","at","body","case","corrects","hash","id",
 *                    "prev_hash","recorded_at","seq","type"}: the envelope of
 *                    ledger/chain.h plus prev_hash, hash and the store id;
 *                    hash = SM3(prev_hash || envelope).
 *   proofs.jsonl     one line per record: {"leaf_index","path":[hex...],
 *                    "record_hash","seq","tree_size"}, an RFC 6962 inclusion
 *                    proof of SM3(0x00 || record hash) in the checkpoint's tree.
 *   checkpoint.txt   the checkpoint's signed text (ledger/checkpoint.h), byte exact.
 *   checkpoint.sig   the SM2 signature of checkpoint.txt, lowercase hex + LF.
 *   public-key.pem   the instance's SM2 public key (SubjectPublicKeyInfo PEM).
 *   README.txt       how to check all of this by hand (Chinese).
 *   documents/, media/  the bytes of documents and media, named by their SM3,
 *                    when the instance has them.
 *
 * Ownership: files and strings are borrowed; reports and manifests are
 * appended to the caller's sx_buf. No globals, no I/O.
 *
 * Errors: lg_bundle_verify returns SX_E_TAMPER ("bundle-altered") when
 * anything does not verify (err: the first finding; every finding is a line
 * of the report); SX_E_NOMEM / SX_E_CRYPTO / SX_E_TOOBIG otherwise.
 */
#ifndef LG_BUNDLE_H
#define LG_BUNDLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "sx_buf.h"
#include "sx_err.h"

#define LG_BUNDLE_FORMAT "sanxiang-bundle/v1"
#define LG_BUNDLE_MANIFEST "manifest.json"
#define LG_BUNDLE_CASE "case.json"
#define LG_BUNDLE_RECORDS "records.jsonl"
#define LG_BUNDLE_PROOFS "proofs.jsonl"
#define LG_BUNDLE_CHECKPOINT "checkpoint.txt"
#define LG_BUNDLE_SIGNATURE "checkpoint.sig"
#define LG_BUNDLE_PUBKEY "public-key.pem"
#define LG_BUNDLE_README "README.txt"
/* Most findings one report lists (the rest are counted). */
#define LG_BUNDLE_MAX_FINDINGS 64

/* One file of a bundle (borrowed). */
struct lg_bundle_file {
    const char *path;
    const uint8_t *data;
    size_t len;
};

/* A file referenced by a record whose bytes may be left out (documents, media). */
struct lg_bundle_ref {
    const char *path; /* path it has (or would have) in the bundle */
    const char *kind; /* "document" | "media" */
    const char *sm3;  /* 64 lowercase hex, as the record holds it */
    int64_t size;     /* bytes, as the record holds it (0: unknown) */
    int64_t record_seq;
    int included; /* 1: the bytes are one of the files; 0: hash only */
};

/*
 * Append manifest.json for files (every file but the manifest, in the order
 * given: the caller sorts by path) and refs (hash-only entries and the
 * record_seq/kind of included ones, matched by path) to out, as canonical
 * JSON. case_obj and checkpoint_obj are copied in as "case" and "checkpoint".
 * SX_E_INVALID for a ref whose included file is missing or a duplicate path.
 */
int lg_bundle_manifest(const json_t *case_obj, const json_t *checkpoint_obj,
                       const struct lg_bundle_file *files, size_t n_files,
                       const struct lg_bundle_ref *refs, size_t n_refs, struct sx_buf *out,
                       struct sx_err *err) SX_WUR;

/* What a verification found. */
struct lg_bundle_report {
    int64_t records;   /* records whose chain link verified */
    int64_t proofs;    /* inclusion proofs that verified */
    int64_t files;     /* manifest entries whose bytes matched */
    int64_t hash_only; /* manifest entries without bytes (hash only) */
    int64_t tree_size; /* the checkpoint's */
    int key_pinned;    /* 1: the signature was checked with the pinned key */
    int signature_ok;  /* 1: the checkpoint signature verified */
    int64_t problems;  /* findings, including those past LG_BUNDLE_MAX_FINDINGS */
    char case_number[128];
    char key_id[65];        /* key the signature was checked with */
    struct sx_buf findings; /* one zh-CN line per finding (caller frees) */
};

/* Zero rep and give its findings buffer a cap. Free with lg_bundle_report_free. */
void lg_bundle_report_init(struct lg_bundle_report *rep);
void lg_bundle_report_free(struct lg_bundle_report *rep);

/*
 * Check the bundle made of files (every file of the archive, manifest
 * included) offline: every manifest entry's SM3 and size, no file missing or
 * added; the case chain of records.jsonl (ledger/chain.h: every hash
 * recomputed from its envelope and prev_hash, seq without gaps) up to the
 * manifest's head; one inclusion proof per record against the checkpoint
 * root; the checkpoint's text and its SM2 signature with public-key.pem, or
 * with pinned_pem (a public or private SM2 key PEM obtained elsewhere) when
 * given — the bundled key must then be the same key; case.json agreeing with
 * the chain; each hash-only or included document/media entry matching the
 * SM3 its record holds. 0 when all of it holds, SX_E_TAMPER otherwise (rep
 * lists each finding: the file, the record seq, the proof).
 */
int lg_bundle_verify(const struct lg_bundle_file *files, size_t n_files, const char *pinned_pem,
                     struct lg_bundle_report *rep, struct sx_err *err) SX_WUR;

#endif
