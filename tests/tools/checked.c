/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * What the tests run as $TCPFLOW (tests/Makefile.am): the real binary
 * ($TCPFLOW_REAL) with the same arguments, standard streams, environment
 * and signal dispositions, then a check of the reports that run wrote --
 * report.xml with libxml2's parser (namespaces too, no XML_PARSE_HUGE, as
 * xmllint), report.jsonl with python3's json module -- so every report of
 * the whole suite is checked.  An ill-formed report is named on stderr,
 * appended to $TF_BAD_REPORTS when set (lib.sh then fails the test) and
 * makes the exit status 99 (a hard error for automake).  Otherwise the exit
 * status is tcpflow's, and a death by a signal is passed on as one.
 *
 * C rather than a shell script: a background shell ignores SIGINT and
 * cannot trap it, so it could not pass SIGINT on to tcpflow.
 */
#include <errno.h>
#include <libxml/parser.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
#define NFWD (sizeof(forwarded) / sizeof(forwarded[0]))
static struct sigaction saved[NFWD];
static volatile pid_t child;

static void forward(int sig)
{
  if (child > 0)
    kill(child, sig);
}

/* -o, -X and -S report_format=, found as getopt would (short options may
 * be clustered and take their value from the rest of the word or the next
 * word). */
static void find_reports(int argc, char **argv, const char **outdir, const char **named,
                         const char **format)
{
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0)
      return;
    if (strcmp(a, "--chroot") == 0 || strcmp(a, "--relinquish-privileges") == 0 ||
        strcmp(a, "--plugin-dir") == 0) {
      i++;
      continue;
    }
    if (a[0] != '-' || a[1] == '-' || a[1] == '\0')
      continue;
    for (const char *c = a + 1; *c; c++) {
      const char *v;
      if (!strchr("bdeEfFiLmorRSTUwxXz", *c))
        continue;
      v = c[1] ? c + 1 : (i + 1 < argc ? argv[++i] : "");
      if (*c == 'o')
        *outdir = v;
      else if (*c == 'X')
        *named = v;
      else if (*c == 'S' && strncmp(v, "report_format=", 14) == 0)
        *format = v + 14;
      break;
    }
  }
}

static int written_since(const char *path, const struct timeval *t0)
{
  struct stat st;
  if (!path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return 0;
  /* A second of slack for file systems with coarse times. */
  return st.st_mtim.tv_sec >= t0->tv_sec - 1;
}

static int xml_ok(const char *path)
{
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  xmlDocPtr doc;
  int ok;
  if (!ctxt)
    return 0;
  doc = xmlCtxtReadFile(ctxt, path, NULL, XML_PARSE_NONET);
  ok = doc && ctxt->wellFormed && ctxt->nsWellFormed;
  xmlFreeDoc(doc);
  xmlFreeParserCtxt(ctxt);
  return ok;
}

static int jsonl_ok(const char *path)
{
  static const char prog[] =
      "import json, sys\n"
      "for n, l in enumerate(open(sys.argv[1], 'rb'), 1):\n"
      "    o = json.loads(l.decode('utf-8'))\n"
      "    assert isinstance(o, dict) and l.endswith(b'}\\n'), 'line %d' % n\n";
  char *args[] = {"python3", "-c", (char *)prog, (char *)path, NULL};
  pid_t pid;
  int status;
  if (posix_spawnp(&pid, "python3", NULL, NULL, args, environ) != 0)
    return 1; /* no python3: not checked */
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void bad(const char *path, const char *what)
{
  const char *log = getenv("TF_BAD_REPORTS");
  FILE *f;
  fprintf(stderr, "checked: %s is not %s\n", path, what);
  if (log && (f = fopen(log, "a"))) {
    fprintf(f, "%s\n", path);
    fclose(f);
  }
}

int main(int argc, char **argv)
{
  const char *real = getenv("TCPFLOW_REAL");
  const char *outdir = ".";
  const char *named = NULL;
  const char *format = "dfxml";
  char xml[4096];
  char jsonl[4096];
  const char *xml_path;
  const char *jsonl_path;
  struct timeval t0;
  int status;
  int failed = 0;
  pid_t pid;
  if (!real) {
    fprintf(stderr, "checked: TCPFLOW_REAL is not set\n");
    return 99;
  }
  find_reports(argc, argv, &outdir, &named, &format);
  snprintf(xml, sizeof(xml), "%s/report.xml", outdir);
  snprintf(jsonl, sizeof(jsonl), "%s/report.jsonl", outdir);
  xml_path = strcmp(format, "jsonl") == 0 ? NULL : named ? named : xml;
  jsonl_path = strcmp(format, "jsonl") == 0 ? (named ? named : jsonl)
               : strcmp(format, "both") == 0 ? jsonl : NULL;
  gettimeofday(&t0, NULL);

  /* Handlers first, so no signal is lost between fork and exec; the child
   * is given back the dispositions we were given (SIG_IGN stays SIG_IGN). */
  for (size_t i = 0; i < NFWD; i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    sigaction(forwarded[i], &sa, &saved[i]);
  }
  pid = fork();
  if (pid < 0) {
    perror("checked: fork");
    return 99;
  }
  if (pid == 0) {
    for (size_t i = 0; i < NFWD; i++)
      sigaction(forwarded[i], &saved[i], NULL);
    argv[0] = (char *)real;
    execv(real, argv);
    perror(real);
    _exit(127);
  }
  child = pid;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      perror("checked: waitpid");
      return 99;
    }
  }
  child = 0;

  if (written_since(xml_path, &t0) && !xml_ok(xml_path)) {
    bad(xml_path, "well-formed XML");
    failed = 1;
  }
  if (written_since(jsonl_path, &t0) && !jsonl_ok(jsonl_path)) {
    bad(jsonl_path, "valid JSON lines");
    failed = 1;
  }
  if (failed)
    return 99;
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    signal(sig, SIG_DFL);
    raise(sig);
    return 128 + sig;
  }
  return WEXITSTATUS(status);
}
