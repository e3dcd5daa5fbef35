/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of lib/tfl_list.h, the one doubly-linked list (the flow
 * table's last-seen order, output's fd cache and the -K writer cache are
 * all one): most-recent-first order, removal of the first, a middle, the
 * last and the only element, unlinked nodes, moving to the front (a hit on
 * the first, a middle and the last element) and the walk front to back;
 * and the first-in first-out use (push to the back, take the first) of the
 * report's and the dispatcher's queues, with whether a node is linked; and
 * removing elements while walking.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "tfl_list.h"

struct item {
  int id;
  struct tfl_list node;
};

static int id_of(struct tfl_list *n)
{
  return n ? TFL_LIST_ENTRY(n, struct item, node)->id : -1;
}

START_TEST(most_recent_first)
{
  struct tfl_list head = TFL_LIST_INIT(head);
  struct item it[4];
  ck_assert(Tfl_list_empty(&head));
  ck_assert_ptr_null(Tfl_list_first(&head));
  ck_assert_ptr_null(Tfl_list_last(&head));
  for (int i = 0; i < 4; i++) {
    it[i].id = i;
    Tfl_list_push_front(&head, &it[i].node);
  }
  /* 3 2 1 0 */
  ck_assert_int_eq(id_of(Tfl_list_first(&head)), 3);
  ck_assert_int_eq(id_of(Tfl_list_last(&head)), 0);
  /* use of 1 moves it to the front: 1 3 2 0 */
  Tfl_list_remove(&it[1].node);
  Tfl_list_push_front(&head, &it[1].node);
  ck_assert_int_eq(id_of(Tfl_list_first(&head)), 1);
  ck_assert_int_eq(id_of(head.next->next), 3);
  /* evict from the back until empty: 0, 2, 3, 1 */
  {
    static const int order[] = {0, 2, 3, 1};
    for (int i = 0; i < 4; i++) {
      struct tfl_list *n = Tfl_list_last(&head);
      ck_assert_int_eq(id_of(n), order[i]);
      Tfl_list_remove(n);
      ck_assert_ptr_eq(n->next, n); /* unlinked: points at itself */
    }
  }
  ck_assert(Tfl_list_empty(&head));
  ck_assert_ptr_eq(head.prev, &head);
}
END_TEST

/* The ids front to back, as a string ("3 1 0 2"). */
static const char *ids(const struct tfl_list *head)
{
  static char buf[64];
  const struct tfl_list *n;
  size_t len = 0;
  buf[0] = '\0';
  TFL_LIST_FOR_EACH(n, head)
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d", len ? " " : "",
                            id_of((struct tfl_list *)n));
  return buf;
}

START_TEST(move_front_and_walk)
{
  struct tfl_list head = TFL_LIST_INIT(head);
  struct item it[4];
  ck_assert_str_eq(ids(&head), "");
  for (int i = 0; i < 4; i++) {
    it[i].id = i;
    Tfl_list_push_front(&head, &it[i].node);
  }
  ck_assert_str_eq(ids(&head), "3 2 1 0");
  Tfl_list_move_front(&head, &it[3].node); /* already first: no change */
  ck_assert_str_eq(ids(&head), "3 2 1 0");
  Tfl_list_move_front(&head, &it[1].node); /* a middle one */
  ck_assert_str_eq(ids(&head), "1 3 2 0");
  Tfl_list_move_front(&head, &it[0].node); /* the last one */
  ck_assert_str_eq(ids(&head), "0 1 3 2");
  ck_assert_int_eq(id_of(Tfl_list_last(&head)), 2);
  ck_assert_ptr_eq(head.prev->next, &head); /* still closed both ways */
  ck_assert_ptr_eq(head.next->prev, &head);
  /* the only element, moved to the front of its own list */
  Tfl_list_remove(&it[0].node);
  Tfl_list_remove(&it[1].node);
  Tfl_list_remove(&it[3].node);
  Tfl_list_move_front(&head, &it[2].node);
  ck_assert_str_eq(ids(&head), "2");
  ck_assert_ptr_eq(head.prev, &it[2].node);
}
END_TEST

START_TEST(fifo_queue)
{
  struct tfl_list q = TFL_LIST_INIT(q);
  struct item it[4];
  for (int i = 0; i < 4; i++) {
    it[i].id = i;
    Tfl_list_init(&it[i].node);
    ck_assert(!Tfl_list_linked(&it[i].node));
  }
  Tfl_list_push_back(&q, &it[0].node); /* into an empty queue */
  ck_assert_str_eq(ids(&q), "0");
  ck_assert(Tfl_list_linked(&it[0].node));
  Tfl_list_push_back(&q, &it[1].node);
  Tfl_list_push_back(&q, &it[2].node);
  ck_assert_str_eq(ids(&q), "0 1 2");
  ck_assert_int_eq(id_of(Tfl_list_last(&q)), 2);
  /* taken in the order they came, while more arrive */
  Tfl_list_remove(Tfl_list_first(&q));
  ck_assert(!Tfl_list_linked(&it[0].node));
  Tfl_list_push_back(&q, &it[3].node);
  ck_assert_str_eq(ids(&q), "1 2 3");
  for (int want = 1; want <= 3; want++) {
    struct tfl_list *n = Tfl_list_first(&q);
    ck_assert_int_eq(id_of(n), want);
    Tfl_list_remove(n);
  }
  ck_assert(Tfl_list_empty(&q));
  ck_assert_ptr_eq(q.next, &q);
  ck_assert_ptr_eq(q.prev, &q);
}
END_TEST

/* Removing while walking: the first, a middle and the last element, then
 * all that are left. */
START_TEST(remove_while_walking)
{
  struct tfl_list head = TFL_LIST_INIT(head), *n, *next;
  struct item it[5];
  for (int i = 0; i < 5; i++) {
    it[i].id = i;
    Tfl_list_push_back(&head, &it[i].node);
  }
  TFL_LIST_FOR_EACH_SAFE(n, next, &head)
    if (id_of(n) % 2 == 0)
      Tfl_list_remove(n);
  ck_assert_str_eq(ids(&head), "1 3");
  TFL_LIST_FOR_EACH_SAFE(n, next, &head)
    Tfl_list_remove(n);
  ck_assert(Tfl_list_empty(&head));
  TFL_LIST_FOR_EACH_SAFE(n, next, &head) /* an empty list: no turn */
    ck_abort();
}
END_TEST

int main(void)
{
  Suite *s = suite_create("list");
  TCase *t = tcase_create("lru");
  tcase_add_test(t, most_recent_first);
  tcase_add_test(t, move_front_and_walk);
  tcase_add_test(t, fifo_queue);
  tcase_add_test(t, remove_while_walking);
  suite_add_tcase(s, t);
  return tu_run(s);
}
