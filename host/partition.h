/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The partition of a connection, for -j, --shard and --merge: a fixed hash
 * of the canonical connection key, so that both directions, every run,
 * every machine and every build put a connection in the same partition.
 * The hash is part of the interface (shards made by different builds are
 * merged): never change it; a new one needs a new TF_PARTITION_HASH name.
 */
#ifndef TF_PARTITION_H
#define TF_PARTITION_H

#include <stdint.h>

#include "flow.h"

/* The name of the hash, recorded in shard reports and compared by --merge. */
#define TF_PARTITION_HASH "tcpflow-fnv1a64-fmix-v1"
#define TF_PARTITION_MAX 1024

/* The 64-bit hash of a connection: FNV-1a over the 39-byte canonical key
 * (family, VLAN big-endian or 0xffff, then the lower endpoint's 16-byte
 * address and big-endian port, then the higher one's; IPv4 addresses take
 * the first 4 of the 16 bytes, the rest zero; endpoints ordered by address
 * bytes, then port), finished with MurmurHash3's fmix64. */
uint64_t Tf_partition_hash(const struct tf_flow_key *k);

/* The partition (0..n-1) of the connection of k; n >= 1. */
uint32_t Tf_partition_of(const struct tf_flow_key *k, uint32_t n);

/* Parses "K/N" (0 <= K < N <= TF_PARTITION_MAX); 0 on success, -1 with a
 * message in err otherwise. */
int Tf_partition_parse(const char *s, uint32_t *k, uint32_t *n, char *err, size_t errlen);

#endif
