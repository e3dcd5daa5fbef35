/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of lib/tfl_list.h, the one doubly-linked list (the -K writer
 * cache of host/pcapout.c is one): most-recent-first order, removal of the
 * first, a middle, the last and the only element, and unlinked nodes.
 */
#include <check.h>
#include <stdlib.h>

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

int main(void)
{
  Suite *s = suite_create("list");
  TCase *t = tcase_create("lru");
  SRunner *r;
  int failed;
  tcase_add_test(t, most_recent_first);
  suite_add_tcase(s, t);
  r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
