/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Content-Type to extension lookup over the generated table (mime_table.c). */
#include "mime.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Longer than any registered type; longer values cannot match anyway. */
#define MIME_TYPE_MAX 128

static int mime_cmp(const void *key, const void *elem)
{
  return strcmp(key, ((const struct http_mime *)elem)->type);
}

const char *Http_mime_ext(const char *content_type)
{
  char type[MIME_TYPE_MAX];
  size_t n = 0;
  const struct http_mime *hit;
  if (!content_type)
    return NULL;
  while (*content_type == ' ' || *content_type == '\t')
    content_type++;
  for (; *content_type && *content_type != ';'; content_type++) {
    if (n + 1 == sizeof(type))
      return NULL;
    type[n++] = (char)tolower((unsigned char)*content_type);
  }
  while (n && (type[n - 1] == ' ' || type[n - 1] == '\t'))
    n--;
  type[n] = '\0';
  if (!n)
    return NULL;
  hit = bsearch(type, Http_mime_table, Http_mime_count, sizeof(Http_mime_table[0]), mime_cmp);
  return hit ? hit->ext : NULL;
}
