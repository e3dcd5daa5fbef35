/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A pcapng reader for the one kind of file libpcap will not read to the
 * end: interfaces of different link types in one file (libpcap 1.10 stops
 * at the first interface whose type differs from the first one's, and so
 * did tcpflow 1.6.1).  source.c falls back to it only then; everything
 * else is read by libpcap.
 *
 * It reads Section Header, Interface Description, Enhanced, Simple and
 * (obsolete) Packet blocks in either byte order, with if_tsresol and
 * if_tsoffset, and skips every other block.  Every length is checked
 * against the block before it is used; a block that lies ends the read
 * with an error naming its offset.
 */
#ifndef TF_PCAPNG_H
#define TF_PCAPNG_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

struct tf_pcapng;

/* NULL with a message in err if the file cannot be opened. */
struct tf_pcapng *Tf_pcapng_open(const char *path, char *err, size_t errlen);
/* The same on a stream the reader then owns (closed by Tf_pcapng_close,
 * or here on failure). */
struct tf_pcapng *Tf_pcapng_open_stream(FILE *fp, char *err, size_t errlen);

/* The next packet: 1 with *h (h->ts.tv_usec in nanoseconds, as libpcap's
 * nanosecond mode), *data and *dlt set (data valid until the next call), 0 at the end of the file, -1 on a malformed or truncated
 * file (Tf_pcapng_error says what and where). */
int Tf_pcapng_next(struct tf_pcapng *r, struct pcap_pkthdr *h, const uint8_t **data, int *dlt);
const char *Tf_pcapng_error(const struct tf_pcapng *r);

void Tf_pcapng_close(struct tf_pcapng *r);

#endif
