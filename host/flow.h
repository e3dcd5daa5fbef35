/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * One direction of a TCP connection: its identity, statistics, reassembly
 * state and output state.  Flows are owned by the flow table (flowtab.c),
 * which allocates them from a slab and frees them when they are purged.
 */
#ifndef TF_FLOW_H
#define TF_FLOW_H

#include <stdint.h>
#include <sys/time.h>

#include "tfl_list.h"

#define TF_NO_VLAN 0xffff

/* The hash key.  Compared with memcmp, so it has no padding holes. */
struct tf_flow_key {
  uint8_t family;        /* 4 or 6 */
  uint8_t reserved;      /* always 0 */
  uint16_t vlan;         /* VLAN ID or TF_NO_VLAN */
  uint16_t sport;
  uint16_t dport;
  uint8_t src[16];
  uint8_t dst[16];
};

/* A range of stream offsets [start, end). */
struct tf_range {
  uint64_t start, end;
};

struct tf_findx_entry {
  uint64_t offset;
  struct timeval ts;
  uint64_t len;
};

enum tf_flow_role {
  TF_ROLE_UNKNOWN = 0,
  TF_ROLE_CLIENT,        /* SYN without ACK seen */
  TF_ROLE_SERVER         /* SYN/ACK seen */
};

struct tf_wbuf;
struct tf_kpcap;

struct tf_flow {
  struct tf_flow_key key;
  struct tf_flow *hash_next;
  struct tfl_list lru;   /* open-file LRU while fd >= 0 (output.c) */
  struct tfl_list idle;  /* last-seen order (flowtab.c) */

  uint64_t flow_id;
  uint64_t session_id;
  uint32_t connection_count;

  /* statistics for the report */
  struct timeval first_ts, last_ts;
  uint32_t first_nsec, last_nsec; /* their fractions in ns (tfl_packet.h) */
  uint64_t packets, len, caplen;
  uint64_t out_of_order_count, violations;
  uint8_t mac_src[6], mac_dst[6];
  /* Flags as bytes, together: a million open flows cost less memory. */
  uint8_t have_macs;
  uint8_t syn_seen;
  uint8_t fin_seen;
  uint8_t seen_overflow; /* too fragmented to track: no FIN close */
  uint8_t has_file;      /* created on disk (or temp storage) */
  uint8_t temp_storage;  /* -FX with data scanners: hidden file */
  uint8_t stream_diverged; /* streamed bytes changed: replay all at close */
  int vlan;              /* VLAN ID or -1 */
  enum tf_flow_role role;
  uint64_t peer_flow_id; /* the other direction, or UINT64_MAX */
  int end_reason;        /* why it closed: TFS_END_* of the SDK (demux.c) */

  /* reassembly: the stream offset `pos` corresponds to sequence `nsn` */
  uint32_t isn, nsn;
  uint64_t pos;
  uint64_t length;       /* logical length: highest offset placed + 1 */
  uint64_t fin_end;      /* stream offset just past the FIN's data */
  struct tf_range *seen; /* merged ranges of bytes placed: &seen_one or owned */
  struct tf_range seen_one; /* most flows never need more than one range */
  uint32_t nseen, seen_cap;

  /* output (output.c) */
  char *path;            /* as reported: outdir prefix + name; owned */
  int fd;                /* -1 when not open */
  int kpcap_started;     /* -K: its file was created in this run (pcapout.c) */
  uint64_t file_size;    /* bytes in the file */
  struct tf_wbuf *wbuf;  /* pending appends, from the output pool */
  struct tf_findx_entry *findx; /* -I entries; owned */
  uint32_t nfindx, findx_cap;
  uint64_t console_bytes; /* bytes printed in console mode */
  uint64_t streamed;     /* bytes handed to streaming scanners so far */
  void **scanner_slots;  /* per-scanner state (dispatch.c); owned */
  struct tf_kpcap *kpcap; /* -K writer while cached (pcapout.c) */
  /* -j/--shard: a flow of another partition.  Only its bookkeeping is kept
   * (numbers, sequence state, what its file would hold) so that flow ids,
   * session ids, closes and stragglers match a single run; nothing is
   * written, scanned or reported. */
  int foreign;
};

#endif
