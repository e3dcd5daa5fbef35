/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The one doubly-linked list of the project (intrusive and circular, as
 * the Linux kernel's list_head): a struct embeds a struct tfl_list and is
 * found from it with TFL_LIST_ENTRY.  The head is a struct tfl_list of its
 * own, so that no element is special: removing the first, the last or the
 * only element is the same two stores (the hand-written LRU lists before
 * this each had head and tail cases, which the static analyzer could not
 * follow).  Used for most-recent-first orders: push to the front when
 * made, Tfl_list_move_front on use, evict or expire from the back (the
 * flow table's last-seen order, output's and -K's open-file caches); and
 * as a first-in first-out queue: Tfl_list_push_back, take the first (the
 * report's entries waiting for scanners, the flows scanners finish
 * later).
 *
 * Every operation is static inline: they run for every packet, and a call
 * would cost more than the few stores they are.
 *
 * The list owns nothing: elements are allocated and freed by their owner,
 * which removes an element before freeing it.
 */
#ifndef TFL_LIST_H
#define TFL_LIST_H

#include <stddef.h>

struct tfl_list {
  struct tfl_list *prev, *next;
};

/* A head (or an unlinked element) that points at itself. */
#define TFL_LIST_INIT(name) {&(name), &(name)}

/* The struct of type `type` whose member `member` is the list node `node`. */
#define TFL_LIST_ENTRY(node, type, member) \
  ((type *)(void *)((char *)(node) - offsetof(type, member)))

static inline void Tfl_list_init(struct tfl_list *l)
{
  l->prev = l->next = l;
}

static inline int Tfl_list_empty(const struct tfl_list *head)
{
  return head->next == head;
}

/* Puts n (unlinked) first. */
static inline void Tfl_list_push_front(struct tfl_list *head, struct tfl_list *n)
{
  n->prev = head;
  n->next = head->next;
  head->next->prev = n;
  head->next = n;
}

/* Puts n (unlinked) last. */
static inline void Tfl_list_push_back(struct tfl_list *head, struct tfl_list *n)
{
  Tfl_list_push_front(head->prev, n);
}

/* Whether n is in a list: an element that was initialised or removed
 * points at itself. */
static inline int Tfl_list_linked(const struct tfl_list *n)
{
  return n->next != n;
}

/* Takes n out of its list; n is then unlinked (points at itself). */
static inline void Tfl_list_remove(struct tfl_list *n)
{
  n->prev->next = n->next;
  n->next->prev = n->prev;
  Tfl_list_init(n);
}

/* Moves n (linked, in head's list) to the front; nothing when it is there
 * already, which is the common case of a cache hit. */
static inline void Tfl_list_move_front(struct tfl_list *head, struct tfl_list *n)
{
  if (head->next == n)
    return;
  n->prev->next = n->next;
  n->next->prev = n->prev;
  Tfl_list_push_front(head, n);
}

/* The first or last node, or NULL when the list is empty. */
static inline struct tfl_list *Tfl_list_first(const struct tfl_list *head)
{
  return Tfl_list_empty(head) ? NULL : head->next;
}

static inline struct tfl_list *Tfl_list_last(const struct tfl_list *head)
{
  return Tfl_list_empty(head) ? NULL : head->prev;
}

/* Walks the list front to back with `pos` (a struct tfl_list *).  The body
 * must not remove `pos`: to empty a list, take Tfl_list_last (or first)
 * until it is NULL. */
#define TFL_LIST_FOR_EACH(pos, head) \
  for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

/* The same walk where the body may remove (and free) `pos`: `next` (a
 * struct tfl_list *) holds the node after it. */
#define TFL_LIST_FOR_EACH_SAFE(pos, next, head) \
  for ((pos) = (head)->next, (next) = (pos)->next; (pos) != (head); \
       (pos) = (next), (next) = (pos)->next)

#endif
