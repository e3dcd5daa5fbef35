/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The fast path for the common capture: a plain classic-pcap file.  The
 * file is mapped in windows (PCAPFILE_WINDOW bytes, released as the read
 * moves on, so memory stays small whatever the file's size) and packets
 * are handed out in place: no copy into a read buffer and another into
 * libpcap's packet buffer.
 *
 * It takes only what needs no interpretation: the link types tcpflow
 * decodes whose headers libpcap passes through unchanged, and records
 * whose lengths are plainly valid.  Anything else (another link type, FCS
 * bits in the link-type field, a record longer than the snapshot length,
 * a truncated record) makes Tf_pcapfile_next return -1 before that
 * record, and source.c lets libpcap read from there, so every error is
 * found and worded by libpcap exactly as without this reader.
 */
#ifndef TF_PCAPFILE_H
#define TF_PCAPFILE_H

#include <pcap/pcap.h>
#include <stdint.h>

struct tf_pcapfile;

/* NULL when path is not a plain classic-pcap file of a link type this
 * reader takes (nothing is said: libpcap reads it instead). */
struct tf_pcapfile *Tf_pcapfile_open(const char *path);
int Tf_pcapfile_dlt(const struct tf_pcapfile *r);

/* 1: the next packet in *h (h->ts.tv_usec in nanoseconds, as libpcap's
 * nanosecond mode) and *data (valid until the next call); 0: the
 * end of the file; -1: a record this reader leaves to libpcap (it has
 * returned Tf_pcapfile_count packets before it). */
int Tf_pcapfile_next(struct tf_pcapfile *r, struct pcap_pkthdr *h, const uint8_t **data);
uint64_t Tf_pcapfile_count(const struct tf_pcapfile *r);

void Tf_pcapfile_close(struct tf_pcapfile *r);

#endif
