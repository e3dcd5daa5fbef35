/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * 802.11 frame decoding (radiotap, Prism, AVS, plain 802.11) -- self-contained
 * so that both the host (to find IP inside data frames) and the wifi scanner
 * (to read management frames) compile it.  No host dependencies.
 */
#ifndef TFL_DOT11_H
#define TFL_DOT11_H

#include <stddef.h>
#include <stdint.h>

/* DLT values (libpcap), spelled out so this file needs no pcap.h. */
#define TFL_DLT_IEEE802_11 105
#define TFL_DLT_PRISM_HEADER 119
#define TFL_DLT_IEEE802_11_RADIO 127
#define TFL_DLT_IEEE802_11_RADIO_AVS 163

enum tfl_dot11_status {
  TFL_DOT11_OK = 0,       /* frame decoded */
  TFL_DOT11_MALFORMED,    /* a header or element runs past the captured bytes */
  TFL_DOT11_UNSUPPORTED   /* not an 802.11 link type */
};

/* One decoded 802.11 frame. */
struct tfl_dot11_frame {
  int type;              /* 0 management, 1 control, 2 data */
  int subtype;
  int to_ds, from_ds, protected_frame;
  uint8_t addr1[6], addr2[6], addr3[6], addr4[6];
  int have_addr4;
  uint8_t bssid[6], src[6], dst[6]; /* resolved from the DS bits */
  int channel;           /* from radiotap/prism/DS element, or -1 */
  const uint8_t *body;   /* frame body after the MAC header (and QoS/HT fields) */
  size_t body_len;       /* FCS already removed when known to be present */
  int fcs_present;
};

/* Strip the capture header (radiotap/prism/avs) of dlt and parse the 802.11
 * MAC header.  Never reads outside frame[0..caplen). */
enum tfl_dot11_status Tfl_dot11_decode(int dlt, const uint8_t *frame, size_t caplen,
                                     struct tfl_dot11_frame *out);

/* For a data frame: if the body is LLC/SNAP, set *ethertype and *payload to
 * what follows the SNAP header.  Returns 1 when found. */
int Tfl_dot11_llc_payload(const struct tfl_dot11_frame *f, uint16_t *ethertype,
                         const uint8_t **payload, size_t *payload_len);

/* Walk the information elements of a management frame body (after the fixed
 * fields); calls fn for each complete element.  Returns 0, or -1 when an
 * element runs past the end (elements before it were delivered). */
typedef void (*tfl_dot11_ie_fn)(void *arg, uint8_t id, const uint8_t *data, uint8_t len);
int Tfl_dot11_walk_ies(const struct tfl_dot11_frame *f, tfl_dot11_ie_fn fn, void *arg);

#endif
