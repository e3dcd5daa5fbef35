/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "naming.h"

/* v in exactly d decimal digits (zero-padded; v < 10^d) at p. */
static char *naming_digits(char *p, unsigned long long v, int d)
{
  for (int i = d - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return p + d;
}

void Tf_naming_addr(int family, const uint8_t *a, char *buf, size_t n)
{
  if (family == 4) {
    /* Every name has two of these: no printf ("%03u.%03u.%03u.%03u"). */
    char digits[16];
    char *p = digits;
    for (int i = 0; i < 4; i++) {
      p = naming_digits(p, a[i], 3);
      *p++ = i < 3 ? '.' : '\0';
    }
    if (n > 0) {
      size_t len = n - 1 < sizeof(digits) - 1 ? n - 1 : sizeof(digits) - 1;
      memcpy(buf, digits, len);
      buf[len] = '\0';
    }
    return;
  }
  if (!inet_ntop(AF_INET6, a, buf, (socklen_t)n))
    snprintf(buf, n, "invalid");
}

const char *Tf_naming_prefix_for(char letter)
{
  switch (letter) {
  case 't':
    return "%tT";
  case 'T':
    return "%T";
  case 'k':
    return "%K/";
  case 'm':
    return "%M000-%M999/%M%K/";
  case 'g':
    return "%G000000-%G999999/%G%M000-%G%M999/%G%M%K/";
  default:
    return NULL;
  }
}

/* A name is safe when it is relative and no component is "", "." or "..". */
static int naming_safe(const char *name)
{
  const char *p = name;
  if (*p == '\0' || *p == '/')
    return 0;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
      return 0;
    if (!slash)
      break;
    p = slash + 1;
  }
  return 1;
}

int Tf_naming_check(const char *tmpl, char *err, size_t errlen)
{
  char literal[4096];
  size_t n = 0;
  for (const char *p = tmpl; *p; p++) {
    if (*p != '%') {
      if (n + 1 < sizeof(literal))
        literal[n++] = *p;
      continue;
    }
    p++;
    if (*p == '\0') {
      snprintf(err, errlen, "invalid filename template '%s': it cannot end with a %%", tmpl);
      return -1;
    }
    if (!strchr("AaBbEeTtVvCc#NKMGS%", *p)) {
      snprintf(err, errlen, "invalid filename template '%s': unknown specifier %%%c", tmpl, *p);
      return -1;
    }
    /* A specifier expands to something without '/' or dots-only parts;
     * stand in a neutral character so the component check below sees it. */
    if (n + 1 < sizeof(literal))
      literal[n++] = 'x';
  }
  literal[n] = '\0';
  if (!naming_safe(literal)) {
    snprintf(err, errlen,
             "invalid filename template '%s': names must stay inside the output directory "
             "(no absolute path, no empty, '.' or '..' component)",
             tmpl);
    return -1;
  }
  return 0;
}

static size_t naming_put(char *buf, size_t buflen, size_t at, const char *s)
{
  size_t len = strlen(s);
  if (at < buflen) {
    size_t room = buflen - at - 1;
    memcpy(buf + at, s, len < room ? len : room);
  }
  return at + len;
}

static void naming_mac(const struct tf_flow *f, const uint8_t *mac, char *out, size_t n)
{
  /* Links without MAC addresses give nothing (1.6.1 printed frame bytes). */
  if (!f->have_macs) {
    out[0] = '\0';
    return;
  }
  snprintf(out, n, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
           mac[5]);
}

int Tf_naming_expand(const char *tmpl, const struct tf_flow *f, uint32_t counter,
                     int counter_always, char *buf, size_t buflen)
{
  size_t at = 0;
  char tmp[64];
  int show_counter = counter > 0 || counter_always;
  for (const char *p = tmpl; *p; p++) {
    if (*p != '%') {
      if (at + 1 < buflen)
        buf[at] = *p;
      at++;
      continue;
    }
    p++;
    tmp[0] = '\0';
    switch (*p) {
    case 'A':
      Tf_naming_addr(f->key.family, f->key.src, tmp, sizeof(tmp));
      break;
    case 'B':
      Tf_naming_addr(f->key.family, f->key.dst, tmp, sizeof(tmp));
      break;
    case 'a': /* "%05u" */
      *naming_digits(tmp, f->key.sport, 5) = '\0';
      break;
    case 'b':
      *naming_digits(tmp, f->key.dport, 5) = '\0';
      break;
    case 'E':
      naming_mac(f, f->mac_src, tmp, sizeof(tmp));
      break;
    case 'e':
      naming_mac(f, f->mac_dst, tmp, sizeof(tmp));
      break;
    case 'T': {
      struct tm tm;
      time_t t = f->first_ts.tv_sec;
      gmtime_r(&t, &tm);
      strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%SZ", &tm);
      break;
    }
    case 't':
      snprintf(tmp, sizeof(tmp), "%lld", (long long)f->first_ts.tv_sec);
      break;
    case 'V':
      if (f->vlan >= 0)
        snprintf(tmp, sizeof(tmp), "--");
      break;
    case 'v':
      if (f->vlan >= 0)
        snprintf(tmp, sizeof(tmp), "%d", f->vlan);
      break;
    case 'C':
      if (show_counter)
        snprintf(tmp, sizeof(tmp), "c");
      break;
    case 'c':
      if (show_counter)
        snprintf(tmp, sizeof(tmp), "%u", counter);
      break;
    case '#':
      snprintf(tmp, sizeof(tmp), "%u", counter);
      break;
    case 'N':
      snprintf(tmp, sizeof(tmp), "%03llu", (unsigned long long)(f->flow_id % 1000));
      break;
    case 'K': /* "%03llu" */
      *naming_digits(tmp, f->flow_id / 1000 % 1000, 3) = '\0';
      break;
    case 'M':
      snprintf(tmp, sizeof(tmp), "%03llu", (unsigned long long)(f->flow_id / 1000000 % 1000));
      break;
    case 'G':
      snprintf(tmp, sizeof(tmp), "%03llu",
               (unsigned long long)(f->flow_id / 1000000000 % 1000));
      break;
    case 'S':
      snprintf(tmp, sizeof(tmp), "%020llu", (unsigned long long)f->session_id);
      break;
    case '%':
      snprintf(tmp, sizeof(tmp), "%%");
      break;
    default: /* Tf_naming_check rejected it before any packet was read */
      return -1;
    }
    at = naming_put(buf, buflen, at, tmp);
  }
  if (at >= buflen)
    return -1;
  buf[at] = '\0';
  return naming_safe(buf) ? (int)at : -1;
}
