/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Helpers shared by the host's unit tests: frames built in code, a scratch
 * output directory, and a way to feed segments to the reassembler. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "run.h"
#include "tfl_packet.h"

/* The options of the tests' run (testutil.c). */
extern struct tf_options tf_opt;
/* The run the tests drive: its options are tf_opt. */
extern struct tf_run tu_ctx;

/* Fresh tf_opt defaults with outdir set to a new temporary directory, and
 * tu_ctx's reassembly, output and flow table started. */
void tu_setup(void);
/* Close all flows and remove the directory. */
void tu_teardown(void);
const char *tu_outdir(void);

/* A TCP segment from src:sport to dst:dport (dotted IPv4 or IPv6 text),
 * given straight to Tf_demux_packet.  ts_sec is the packet time. */
void tu_seg(const char *src, uint16_t sport, const char *dst, uint16_t dport, uint32_t seq,
            uint8_t flags, const void *data, size_t len, long ts_sec);
/* The same with a VLAN ID (-1 for none). */
void tu_seg_vlan(int vlan, const char *src, uint16_t sport, const char *dst, uint16_t dport,
                 uint32_t seq, uint8_t flags, const void *data, size_t len, long ts_sec);

/* Contents of a file below the output directory (malloc'd, NUL added), or
 * NULL when missing. */
char *tu_read(const char *name, size_t *len);
int tu_count_files(void);

/* Ethernet + IPv4 + TCP frame with payload into buf; returns its length.
 * pad adds that many zero bytes after the IP packet (Ethernet padding). */
size_t tu_frame_ipv4(uint8_t *buf, size_t cap, uint16_t vlan_tci, int use_vlan,
                     const char *payload, size_t plen, size_t pad);

/* Run every test of s; the exit status for main. */
int tu_run(Suite *s);

#endif
