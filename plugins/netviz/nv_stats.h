/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * netviz accounting: everything the picture shows, gathered while the
 * capture is read, with bounded memory.
 *
 * Two sources, so that every figure agrees with report.xml:
 *  - every frame (the packet callback) feeds the header and the bandwidth
 *    timeline, classified with the host's own decoders (lib/tfl_link.c,
 *    tfl_ip.c, tfl_defrag.c), so frame counts equal report.xml's <frames> element;
 *  - the four "top" charts count TCP flows as the host does: a flow adds its
 *    packets (flow_close's count, report.xml's packets attribute) and the
 *    wire bytes of exactly the frames the host put into it (report.xml's len
 *    attribute).  Which frames those are is followed event by event (see
 *    Nv_stats_packet) and checked against the host's packet count when the
 *    flow closes.
 *
 * Ownership: Nv_stats_new allocates everything, Nv_stats_free releases it.
 * Nothing here keeps a pointer into packet data after a call returns.
 */
#ifndef NV_STATS_H
#define NV_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <tcpflow/scanner.h>

/* Traffic classes of the timeline, in stacking order (bottom first). */
enum nv_class {
  NV_HTTP,
  NV_HTTPS,
  NV_SSH,
  NV_FTP,
  NV_MAIL,
  NV_DNS,
  NV_SMB,
  NV_TCP_OTHER,
  NV_NOT_TCP,
  NV_NCLASS
};

/* Network layer of a frame, for the "Transports" header line. */
enum nv_net { NV_NET_IPV4, NV_NET_IPV6, NV_NET_ARP, NV_NET_OTHER, NV_NNET };
/* IP protocol of a frame, for the "Protocols" header line. */
enum nv_proto { NV_PROTO_TCP, NV_PROTO_UDP, NV_PROTO_ICMP, NV_PROTO_OTHER, NV_NPROTO };

/* Timeline storage: buckets of width_us microseconds, aligned on multiples
 * of the width since the epoch.  When the capture spans more than
 * NV_MAX_BUCKETS buckets, the width grows to the next step of a ladder in
 * which every width divides the next (1 ms, 10 ms, ..., 1 s, 10 s, 1 min,
 * 10 min, 1 h, 1 day, 10 days, ...), so display bins built from nice units
 * are exact sums of stored buckets. */
#define NV_MAX_BUCKETS 20000

struct nv_bucket {
  uint64_t bytes[NV_NCLASS];
};

struct nv_timeline {
  int64_t width_us;
  int64_t base;          /* absolute index (time / width) of b[0] */
  size_t n;
  struct nv_bucket *b;   /* NV_MAX_BUCKETS entries */
};

/* One counted key of a "top" table. */
struct nv_count {
  uint64_t packets;
  uint64_t bytes;
};

/* Addresses: family 4 or 6, network order, IPv4 in the first 4 bytes. */
struct nv_addr_ent {
  uint8_t family;
  uint8_t addr[16];
  struct nv_count c;
};

/* A bounded table of addresses: at most max entries are counted one by
 * one; traffic of addresses first seen after that goes to `others`. */
struct nv_addr_tab {
  struct nv_addr_ent *ents;
  size_t n, max;
  uint32_t *index;       /* open addressing: entry number + 1, 0 = free */
  size_t index_size;
  struct nv_count others;
  uint64_t others_keys;  /* times an untracked address was added */
};

struct nv_flow; /* one open flow direction (nv_stats.c) */

/* A TCP frame whose flow the host has not told us yet (see Nv_stats_packet). */
struct nv_pending {
  int valid;
  uint8_t family;
  uint8_t src[16], dst[16];
  uint16_t sport, dport;
  int syn;
  int has_payload;
  uint32_t wirelen;
};

struct nv_stats {
  /* frames, as report.xml's <frames> counts them */
  uint64_t frames, frame_bytes;
  uint64_t net_bytes[NV_NNET];
  uint64_t vlan_bytes;
  uint64_t proto_bytes[NV_NPROTO];
  int have_time;
  int64_t first_us, last_us; /* earliest and latest frame time */
  struct nv_timeline tl;

  /* TCP flows, as report.xml's <fileobject>s count them */
  uint64_t flows, flow_packets, flow_bytes;
  uint64_t flows_inexact; /* flows whose bytes could not be matched exactly */
  struct nv_addr_tab src, dst;
  struct nv_count *sport, *dport; /* 65536 entries each */

  /* open flows, by 4-tuple */
  struct nv_flow **open;
  size_t open_size, open_n;
  struct nv_pending pending;

  struct tfl_defrag *defrag;
};

/* A new accounting state counting at most addr_max addresses per table
 * (1 or more).  NULL when memory runs out. */
struct nv_stats *Nv_stats_new(size_t addr_max);
void Nv_stats_free(struct nv_stats *st);

/* Every captured frame, in capture order, before the host decodes it. */
void Nv_stats_packet(struct nv_stats *st, const struct tfs_packet *pkt);
/* The host opened a flow direction: slot is its scanner_state slot. */
int Nv_stats_flow_open(struct nv_stats *st, const struct tfs_flow_info *fi);
/* The host closed a flow direction: its totals go into the top tables. */
void Nv_stats_flow_close(struct nv_stats *st, const struct tfs_flow_info *fi);
/* End of input: settles the last frame's flow. */
void Nv_stats_finish(struct nv_stats *st);

/* Class of a TCP segment between the two ports. */
enum nv_class Nv_class_of_ports(uint16_t a, uint16_t b);
/* Display name of a class ("HTTP", ..., "other TCP", "not TCP"). */
const char *Nv_class_name(enum nv_class c);

/* Adds one stored bucket's worth of bytes at time t_us (exposed for tests). */
void Nv_timeline_add(struct nv_timeline *tl, int64_t t_us, enum nv_class c, uint64_t bytes);

/* Floor division for signed times (C's / truncates toward zero). */
int64_t Nv_floordiv(int64_t a, int64_t b);

/* Entries of a table sorted by bytes, then packets (descending), then by
 * address: a new array of t->n pointers the caller frees, or NULL. */
const struct nv_addr_ent **Nv_addr_sorted(const struct nv_addr_tab *t);

#endif
