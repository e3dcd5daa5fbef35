/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A fake tcpflow host for scanner unit tests: a struct tfs_host whose
 * output files are real files in a private temporary directory and whose
 * XML and log calls are recorded as text, so a test can drive a scanner
 * through its descriptor and check both.
 *
 * Not a plugin and not installed: the check programs of the plugins list
 * ../testing/fake_host.c and ../testing/fake_host.h in their _SOURCES.
 */
#ifndef TF_TESTING_FAKE_HOST_H
#define TF_TESTING_FAKE_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <tcpflow/scanner.h>

/* A host for one scanner (its settings table gives the defaults), with a
 * fresh temporary directory, which is also "tcpflow.outdir" unless set
 * otherwise.  Aborts on failure. */
tfs_ctx *Fake_host_new(const struct tfs_scanner *scanner);
/* Removes the directory and everything in it, and frees the flows'
 * scanner_state slots. */
void Fake_host_free(tfs_ctx *ctx);
const struct tfs_host *Fake_host_api(void);
const char *Fake_host_dir(const tfs_ctx *ctx);

/* -S name=value (also host settings such as "tcpflow.no_decompress");
 * value NULL removes it.  Strings are copied. */
void Fake_host_set(tfs_ctx *ctx, const char *name, const char *value);

/* Recorded XML, compact and unescaped: <a x='1'>text<b/></a>.  Open
 * elements are shown unclosed. */
const char *Fake_host_xml(const tfs_ctx *ctx);
/* Log lines "L: message\n", L one of E W I D. */
const char *Fake_host_log(const tfs_ctx *ctx);
/* Forgets the recorded XML and log. */
void Fake_host_clear(tfs_ctx *ctx);
/* output_open calls refused because of a bad suffix or a flow without
 * a file. */
int Fake_host_bad_suffixes(const tfs_ctx *ctx);

/* A flow whose file is <dir>/<name> (name NULL: no file, path NULL), of
 * `length` bytes.  Its scanner_state points at a fresh slot (NULL) that
 * lives until Fake_host_free; every call makes a new flow. */
struct tfs_flow_info Fake_host_flow(tfs_ctx *ctx, uint64_t flow_id, uint64_t session_id,
                                    const char *name, uint64_t length);
/* Slots of flows made by Fake_host_flow that still hold something (a
 * scanner must empty its slot by flow_close). */
int Fake_host_live_states(const tfs_ctx *ctx);
/* Contents of <dir>/<name> (NUL-terminated for convenience), or NULL when
 * it does not exist.  The caller frees it. */
char *Fake_host_slurp(const tfs_ctx *ctx, const char *name, size_t *len);
/* Number of entries in the directory. */
int Fake_host_files(const tfs_ctx *ctx);

/* Drives one whole flow: flow_open, data in chunks of `step` bytes
 * (0: one call), flow_close.  Returns the first error. */
int Fake_host_replay(const struct tfs_scanner *sc, void *state,
                     const struct tfs_flow_info *flow, const void *data, size_t len,
                     size_t step);

/* Runs a check suite; the exit status for main(). */
struct Suite;
int Fake_host_run_suite(struct Suite *s);

#endif
