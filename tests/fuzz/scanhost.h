/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A minimal in-memory tcpflow host for driving one scanner through its
 * descriptor (sdk/tcpflow/scanner.h) from a harness.  Unlike the unit
 * tests' fake host it writes nothing to disk: output bytes are only read
 * (so the sanitizers check every buffer the scanner hands over) and
 * counted, and misuse of the services aborts, because a fuzzer only
 * notices what crashes.
 */
#ifndef TF_FUZZ_SCANHOST_H
#define TF_FUZZ_SCANHOST_H

#include <stddef.h>
#include <stdint.h>
#include <tcpflow/scanner.h>

/* Start a run of sc: settings are cleared, flow paths live in dir. */
void Sh_begin(const struct tfs_scanner *sc, const char *dir);
/* -S name=value for the next init (both strings must outlive the run). */
void Sh_set(const char *name, const char *value);
/* init; returns what the scanner returned. */
int Sh_init(void **state);

/* A flow direction; its path is <dir>/flow<id>. */
struct tfs_flow_info Sh_flow(uint64_t flow_id, uint64_t session_id, int reverse);

/* Replay data in pieces: sizes come from the chunking bytes in `plan`
 * (each byte is one piece's size, 0 meaning a gap of the next byte's size
 * when gaps are allowed); the last plan byte repeats. */
void Sh_replay(void *state, const struct tfs_flow_info *flow, const uint8_t *data, size_t len,
               const uint8_t *plan, size_t plan_len, int gaps);

/* run_end and fini, then check that every output was closed. */
void Sh_end(void *state);

/* Track outputs whose path ends with tail (set before the flows) ... */
void Sh_track_output(const char *tail);
/* ... and the most bytes written to one of them so far (for cap checks). */
uint64_t Sh_max_output(void);

#endif
