/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * --fanout GROUP (and -j N on an interface): the capture socket joins a
 * Linux PACKET_FANOUT group in hash mode, so the kernel gives each member
 * whole connections (its flow hash is symmetric: both directions go to the
 * same member; IP fragments are reassembled before hashing).  libpcap has
 * no interface for it (1.10): we set it on the descriptor of the activated
 * handle.
 */
#ifndef TF_FANOUT_H
#define TF_FANOUT_H

#include <pcap/pcap.h>

#include "error.h"

#define TF_FANOUT_MAX_GROUP 65535

/* Joins group (1..65535) with the socket of the activated handle p. */
tf_err Tf_fanout_join(pcap_t *p, const char *iface, int group);

#endif
