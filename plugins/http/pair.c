/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Pairing responses with their requests.  The two directions of a
 * connection are different flows, closed at different times; when the
 * request flow closes first its (method, URI) queue waits here for the
 * response flow.  Bounded: the oldest session is evicted when full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "tfl_list.h"

#define PAIR_SESSIONS 1024
#define PAIR_PER_SESSION 4096

struct pair_req {
  struct tfl_list node; /* in its session's queue */
  char method[24];
  char *uri;
};

struct pair_session {
  uint64_t session;
  uint64_t age; /* insertion order, for eviction */
  int used;
  int done;
  unsigned count;
  struct tfl_list reqs; /* struct pair_req, oldest first; owned */
};

struct http_pairs {
  struct pair_session s[PAIR_SESSIONS];
  uint64_t clock;
};

/* An unused session, its queue empty. */
static void pair_reset(struct pair_session *s)
{
  memset(s, 0, sizeof(*s));
  Tfl_list_init(&s->reqs);
}

struct http_pairs *Http_pairs_new(void)
{
  struct http_pairs *pp = malloc(sizeof(*pp));
  if (!pp)
    return NULL;
  pp->clock = 0;
  for (unsigned i = 0; i < PAIR_SESSIONS; i++)
    pair_reset(&pp->s[i]);
  return pp;
}

static void pair_clear(struct pair_session *s)
{
  struct tfl_list *n;
  while ((n = Tfl_list_first(&s->reqs)) != NULL) {
    struct pair_req *r = TFL_LIST_ENTRY(n, struct pair_req, node);
    Tfl_list_remove(n);
    free(r->uri);
    free(r);
  }
  pair_reset(s);
}

void Http_pairs_free(struct http_pairs *pp)
{
  unsigned i;
  if (!pp)
    return;
  for (i = 0; i < PAIR_SESSIONS; i++)
    pair_clear(&pp->s[i]);
  free(pp);
}

static struct pair_session *pair_find(const struct http_pairs *pp, uint64_t session)
{
  unsigned i;
  for (i = 0; i < PAIR_SESSIONS; i++)
    if (pp->s[i].used && pp->s[i].session == session)
      return (struct pair_session *)&pp->s[i];
  return NULL;
}

static struct pair_session *pair_get(struct http_pairs *pp, uint64_t session)
{
  struct pair_session *s = pair_find(pp, session), *oldest = &pp->s[0];
  unsigned i;
  if (s)
    return s;
  for (i = 0; i < PAIR_SESSIONS; i++) {
    if (!pp->s[i].used) {
      oldest = &pp->s[i];
      break;
    }
    if (pp->s[i].age < oldest->age)
      oldest = &pp->s[i];
  }
  pair_clear(oldest);
  oldest->used = 1;
  oldest->session = session;
  oldest->age = ++pp->clock;
  return oldest;
}

void Http_pairs_push(struct http_pairs *pp, uint64_t session, const char *method,
                     const char *uri)
{
  struct pair_session *s = pair_get(pp, session);
  struct pair_req *r;
  if (s->done || s->count >= PAIR_PER_SESSION)
    return;
  r = calloc(1, sizeof(*r));
  if (!r)
    return;
  snprintf(r->method, sizeof(r->method), "%s", method); /* cut to the field */
  r->uri = uri ? strdup(uri) : NULL;
  Tfl_list_push_back(&s->reqs, &r->node);
  s->count++;
}

int Http_pairs_pop(struct http_pairs *pp, uint64_t session, char *method, size_t method_size,
                   char **uri)
{
  struct pair_session *s = pair_find(pp, session);
  struct tfl_list *n = s ? Tfl_list_first(&s->reqs) : NULL;
  struct pair_req *r;
  if (!n || method_size == 0)
    return 0;
  r = TFL_LIST_ENTRY(n, struct pair_req, node);
  Tfl_list_remove(n);
  s->count--;
  snprintf(method, method_size, "%s", r->method);
  *uri = r->uri;
  free(r);
  return 1;
}

void Http_pairs_done(struct http_pairs *pp, uint64_t session)
{
  struct pair_session *s = pair_get(pp, session);
  uint64_t age = s->age;
  pair_clear(s);
  s->used = 1;
  s->session = session;
  s->age = age;
  s->done = 1;
}

void Http_pairs_request_closed(struct http_pairs *pp, uint64_t session)
{
  struct pair_session *s = pair_find(pp, session);
  if (s && s->done)
    pair_clear(s);
}
