/*
 * Console modes: every packet's payload printed as it arrives, in the
 * formats of tcpflow 1.6.1 (checked byte for byte against it).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "log.h"
#include "options.h"

#define HEX_PER_LINE 32

static sem_t *con_sem;

tf_err Tf_console_init(void)
{
  if (!tf_opt.semlock)
    return TF_OK;
  con_sem = sem_open(tf_opt.semlock, O_CREAT, 0644, 1);
  if (con_sem == SEM_FAILED) {
    con_sem = NULL;
    Tf_log_error("-L %s: cannot open the semaphore", tf_opt.semlock);
    return TF_ERR_USAGE;
  }
  return TF_OK;
}

void Tf_console_shutdown(void)
{
  if (con_sem)
    sem_close(con_sem);
  con_sem = NULL;
  if (fflush(stdout) != 0 || ferror(stdout))
    Tf_log_error("cannot write to standard output");
}

/* Console output strips unless -B; -s strips always. */
static int con_strip(void)
{
  return tf_opt.strip_nonprint || !tf_opt.console_binary;
}

static void con_text(const uint8_t *p, size_t len)
{
  if (!con_strip()) {
    fwrite(p, 1, len, stdout);
    return;
  }
  for (size_t i = 0; i < len; i++)
    putchar(isprint(p[i]) || p[i] == '\n' || p[i] == '\r' ? p[i] : '.');
}

/* Lines of up to 32 bytes: offset, bytes in pairs, then the characters.
 * The hex column is padded to the widest line of this packet. */
static void con_hex(const uint8_t *p, size_t len)
{
  size_t widest = 0;
  for (size_t line = 0; line < len; line += HEX_PER_LINE) {
    size_t n = len - line < HEX_PER_LINE ? len - line : HEX_PER_LINE;
    size_t w = n * 2 + n / 2;
    if (w > widest)
      widest = w;
  }
  for (size_t line = 0; line < len; line += HEX_PER_LINE) {
    size_t n = len - line < HEX_PER_LINE ? len - line : HEX_PER_LINE, w = 0;
    printf("%04zx: ", line);
    for (size_t i = 0; i < n; i++) {
      printf("%02x", p[line + i]);
      w += 2;
      if (i & 1) {
        putchar(' ');
        w++;
      }
    }
    for (; w < widest; w++)
      putchar(' ');
    putchar(' ');
    for (size_t i = 0; i < n; i++)
      putchar(isprint(p[line + i]) ? p[line + i] : '.');
    putchar('\n');
  }
}

/* JSON from the flow key (1.6.1 re-parsed the name: wrong with -o, IPv6). */
static void con_json(const struct tf_flow *f, const uint8_t *p, size_t len)
{
  char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
  int af = f->key.family == 4 ? AF_INET : AF_INET6;
  inet_ntop(af, f->key.src, src, sizeof(src));
  inet_ntop(af, f->key.dst, dst, sizeof(dst));
  printf("{\"src_host\":\"%s\",\"src_port\":%u,\"dst_host\":\"%s\",\"dst_port\":%u,\"payload\": [",
         src, f->key.sport, dst, f->key.dport);
  for (size_t i = 0; i < len; i++)
    printf(i ? ",%u" : "%u", p[i]);
  printf("]}\n");
}

static const char *con_colour(const struct tf_flow *f)
{
  switch (f->role) {
  case TF_ROLE_CLIENT:
    return "\033[0;34m"; /* blue: client to server */
  case TF_ROLE_SERVER:
    return "\033[0;31m"; /* red: server to client */
  default:
    return "\033[0;32m"; /* green: undecided (1.6.1 never used it) */
  }
}

void Tf_console_print(struct tf_flow *f, const char *name, const uint8_t *data, size_t len)
{
  uint64_t room = f->console_bytes < tf_opt.max_bytes ? tf_opt.max_bytes - f->console_bytes : 0;
  if (len > room)
    len = (size_t)room;
  if (len == 0)
    return; /* past -b */
  f->console_bytes += len;
  if (con_sem)
    sem_wait(con_sem);
  if (tf_opt.console_json) {
    con_json(f, data, len);
  } else {
    if (tf_opt.console_color)
      fputs(con_colour(f), stdout);
    if (tf_opt.console == TF_CONSOLE_WITH_HEADER)
      printf(tf_opt.console_hex ? "%s: \n" : "%s: ", name);
    if (tf_opt.console_hex)
      con_hex(data, len);
    else
      con_text(data, len);
    if (tf_opt.console_color)
      fputs("\033[0m", stdout);
    if (!tf_opt.console_no_newline)
      putchar('\n');
  }
  if (con_sem) {
    fflush(stdout);
    sem_post(con_sem);
  }
}
