/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The flow table: O(1) lookup by key, flows in order of last activity (for
 * timeouts), and a slab so that creating flows does not call malloc for
 * each one.  The table owns every flow.
 */
#ifndef TF_FLOWTAB_H
#define TF_FLOWTAB_H

#include <stddef.h>

#include "error.h"
#include "flow.h"

struct tf_run;
struct tf_flowtab;

/* Creates run->flows, empty. */
tf_err Tf_flowtab_init(struct tf_run *run);
/* Frees run->flows and every flow in it (nothing when there is none). */
void Tf_flowtab_free(struct tf_run *run);

struct tf_flow *Tf_flowtab_find(const struct tf_flowtab *ft, const struct tf_flow_key *key);
/* A new zeroed flow with key set, inserted; NULL when out of memory. */
struct tf_flow *Tf_flowtab_insert(struct tf_flowtab *ft, const struct tf_flow_key *key);
/* Unlink and free (the caller has released what the flow owns). */
void Tf_flowtab_remove(struct tf_flowtab *ft, struct tf_flow *f);

/* Mark f active now: it moves to the most-recent end. */
void Tf_flowtab_touch(struct tf_flowtab *ft, struct tf_flow *f);
/* The least recently active flow, or NULL. */
struct tf_flow *Tf_flowtab_oldest(const struct tf_flowtab *ft);

size_t Tf_flowtab_count(const struct tf_flowtab *ft);
/* All flows, sorted by flow_id, in a malloc'd array the caller frees. */
struct tf_flow **Tf_flowtab_sorted(const struct tf_flowtab *ft, size_t *n);

/* The reverse-direction key of k. */
void Tf_flowtab_reverse_key(const struct tf_flow_key *k, struct tf_flow_key *rev);

#endif
