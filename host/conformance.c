/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The conformance run of --check-scanner (see conformance.h).  Each
 * capture run is a child tcpflow (posix_spawn of /proc/self/exe), so that a
 * module that crashes, exits or hangs ends that child, not the check.
 * Captures come from TF_CONFORMANCE_DIR ($(pkgdatadir)/conformance), or
 * from $TCPFLOW_CONFORMANCE_DIR (for an install under DESTDIR).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conformance.h"
#include "loader.h"
#include "log.h"
#include "module.h"

#ifndef TF_CONFORMANCE_DIR
#define TF_CONFORMANCE_DIR "/usr/share/tcpflow/conformance"
#endif

extern char **environ;

struct check {
  FILE *out;
  int failed;
};

static void verdict(struct check *c, int ok, const char *fmt, const char *a, const char *b)
{
  fprintf(c->out, ok ? "ok - " : "FAIL - ");
  fprintf(c->out, fmt, a, b);
  fputc('\n', c->out);
  if (!ok)
    c->failed = 1;
}

static int copy_file(const char *from, const char *to)
{
  char buf[65536];
  ssize_t n;
  int rc = 0;
  int in = open(from, O_RDONLY | O_CLOEXEC);
  int outfd = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
  if (in < 0 || outfd < 0) {
    if (in >= 0)
      close(in);
    return -1;
  }
  while ((n = read(in, buf, sizeof(buf))) > 0)
    if (write(outfd, buf, (size_t)n) != n)
      rc = -1;
  if (n < 0 || close(outfd) != 0)
    rc = -1;
  close(in);
  return rc;
}

/* Runs this program on one capture; the exit status, or -1 (a signal or
 * no child). */
static int run_tcpflow(const char *moddir, const char *name, const char *outdir,
                       const char *capture)
{
  char self[PATH_MAX], log[PATH_MAX * 2 + 16];
  char *argv[] = {self, "--plugin-dir", (char *)moddir, "-E", (char *)name, "-o",
                  (char *)outdir, "-S", "scanner_timeout=60", "-r", (char *)capture, NULL};
  char **env;
  size_t n = 0, k = 0;
  posix_spawn_file_actions_t fa;
  pid_t pid;
  int status, rc;
  ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0)
    return -1;
  self[len] = '\0';
  /* Only the module under test: no scanner directory from the environment. */
  while (environ[n])
    n++;
  if (!(env = calloc(n + 1, sizeof(*env))))
    return -1;
  for (size_t i = 0; i < n; i++)
    if (strncmp(environ[i], "TCPFLOW_PLUGIN_PATH=", 20) != 0)
      env[k++] = environ[i];
  snprintf(log, sizeof(log), "%s.log", outdir);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  rc = posix_spawn(&pid, self, &fa, NULL, argv, env);
  posix_spawn_file_actions_destroy(&fa);
  free(env);
  if (rc != 0)
    return -1;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The report parses, has no <scanner_failure>; fills names with the
 * <filename>s of its fileobjects (a newline after each). */
static int check_report(const char *path, char **names, int *failure)
{
  xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                              XML_PARSE_NOWARNING | XML_PARSE_HUGE);
  size_t len = 0;
  xmlNodePtr stack[64];
  int depth = 0;
  *failure = 0;
  *names = NULL;
  if (!doc)
    return -1;
  stack[depth++] = xmlDocGetRootElement(doc);
  while (depth > 0) {
    xmlNodePtr node = stack[--depth];
    for (; node; node = node->next) {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (xmlStrcmp(node->name, (const xmlChar *)"scanner_failure") == 0)
        *failure = 1;
      if (xmlStrcmp(node->name, (const xmlChar *)"filename") == 0) {
        xmlChar *t = xmlNodeGetContent(node);
        const char *base = t ? strrchr((const char *)t, '/') : NULL;
        const char *s = base ? base + 1 : (const char *)t;
        char *grown = s ? realloc(*names, len + strlen(s) + 2) : NULL;
        if (grown) {
          *names = grown;
          len += (size_t)snprintf(grown + len, strlen(s) + 2, "%s\n", s);
        }
        xmlFree(t);
      }
      if (node->children && depth < 64)
        stack[depth++] = node->children;
    }
  }
  xmlFreeDoc(doc);
  return 0;
}

/* A file of the output directory that is a flow file, derived from one
 * (<flow file><suffix>), a run output (<scanner>.<name>) or the report. */
static int file_expected(const char *file, const char *names, const char *scanner)
{
  size_t sl = strlen(scanner);
  if (strcmp(file, "report.xml") == 0)
    return 1;
  if (strncmp(file, scanner, sl) == 0 && file[sl] == '.')
    return 1;
  for (const char *p = names; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    if (n > 0 && strncmp(file, p, n) == 0)
      return 1;
    p = nl ? nl + 1 : p + n;
  }
  return 0;
}

static int same_contents(const char *a, const char *b)
{
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  int same = fa && fb;
  while (same) {
    int ca = fgetc(fa), cb = fgetc(fb);
    if (ca != cb)
      same = 0;
    if (ca == EOF || cb == EOF)
      break;
  }
  if (fa)
    fclose(fa);
  if (fb)
    fclose(fb);
  return same;
}

static int is_capture(const struct dirent *d)
{
  return d->d_name[0] != '.';
}

static void check_capture(struct check *c, const char *tmp, const char *moddir,
                          const char *name, const char *dir, const char *capture)
{
  char cap[PATH_MAX * 2], out[2][PATH_MAX * 2], report[PATH_MAX * 2 + 16];
  char *names = NULL;
  int failure = 0, rc[2], unexpected = 0, differ = 0;
  DIR *d;
  struct dirent *e;
  snprintf(cap, sizeof(cap), "%s/%s", dir, capture);
  for (int i = 0; i < 2; i++) {
    snprintf(out[i], sizeof(out[i]), "%s/%s.run%d", tmp, capture, i + 1);
    rc[i] = run_tcpflow(moddir, name, out[i], cap);
  }
  {
    char see[PATH_MAX * 2 + 48];
    int ok = rc[0] == 0 && rc[1] == 0;
    snprintf(see, sizeof(see), " (exit %d; see %s.log)", rc[0] ? rc[0] : rc[1], out[0]);
    verdict(c, ok, "%s: tcpflow exits with 0%s", capture, ok ? "" : see);
  }
  snprintf(report, sizeof(report), "%s/report.xml", out[0]);
  verdict(c, check_report(report, &names, &failure) == 0,
          "%s: report.xml is well-formed XML%s", capture, "");
  verdict(c, !failure, "%s: no <scanner_failure> in the report%s", capture, "");
  if (!(d = opendir(out[0]))) {
    verdict(c, 0, "%s: output directory %s", capture, out[0]);
    free(names);
    return;
  }
  while ((e = readdir(d)) != NULL) {
    char a[PATH_MAX * 3], b[PATH_MAX * 3];
    if (e->d_name[0] == '.')
      continue;
    if (!file_expected(e->d_name, names, name)) {
      verdict(c, 0, "%s: unexpected file %s (neither a flow file, derived from one, nor a "
              "run output)", capture, e->d_name);
      unexpected++;
    }
    if (strcmp(e->d_name, "report.xml") == 0)
      continue;
    snprintf(a, sizeof(a), "%s/%s", out[0], e->d_name);
    snprintf(b, sizeof(b), "%s/%s", out[1], e->d_name);
    if (!same_contents(a, b)) {
      verdict(c, 0, "%s: %s differs between two runs of the same capture", capture, e->d_name);
      differ++;
    }
  }
  closedir(d);
  if (!unexpected)
    verdict(c, 1, "%s: only flow files, files derived from them and run outputs%s", capture, "");
  if (!differ)
    verdict(c, 1, "%s: the same files on a second run%s", capture, "");
  free(names);
}

static int remove_tree(const char *path)
{
  DIR *d = opendir(path);
  struct dirent *e;
  if (!d)
    return unlink(path);
  while ((e = readdir(d)) != NULL) {
    char sub[PATH_MAX * 2];
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
    remove_tree(sub);
  }
  closedir(d);
  return rmdir(path);
}

tf_err Tf_conformance_run(const char *module_file, FILE *out)
{
  const char *dir = getenv("TCPFLOW_CONFORMANCE_DIR");
  const char *tmpdir = getenv("TMPDIR");
  const char *base = strrchr(module_file, '/');
  char tmp[PATH_MAX], moddir[PATH_MAX + 16] = "", copy[PATH_MAX * 2], name[256];
  struct check c = {out, 0};
  struct dirent **caps;
  size_t len;
  int n;
  base = base ? base + 1 : module_file;
  len = strlen(base);
  if (len < 4 || strcmp(base + len - 3, ".so") != 0 || len - 3 >= sizeof(name)) {
    Tf_log_error("--check-scanner %s: not a module file (NAME.so)", module_file);
    return TF_ERR_USAGE;
  }
  snprintf(name, sizeof(name), "%.*s", (int)(len - 3), base);
  if (!dir || !*dir)
    dir = TF_CONFORMANCE_DIR;
  n = scandir(dir, &caps, is_capture, alphasort);
  if (n <= 0) {
    Tf_log_error("--check-scanner: no captures in %s", dir);
    return TF_ERR_USAGE;
  }
  snprintf(tmp, sizeof(tmp), "%s/tcpflow-check-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  if (mkdtemp(tmp))
    snprintf(moddir, sizeof(moddir), "%s/module", tmp);
  if (!moddir[0] || mkdir(moddir, 0755) != 0) {
    Tf_log_error("--check-scanner: cannot create a scratch directory: %s", strerror(errno));
    return TF_ERR_OUTPUT;
  }
  snprintf(copy, sizeof(copy), "%s/%s", moddir, base);
  if (copy_file(module_file, copy) != 0) {
    Tf_log_error("--check-scanner: cannot read %s: %s", module_file, strerror(errno));
    remove_tree(tmp);
    return TF_ERR_USAGE;
  }
  /* The runs enable the scanner by the name its descriptor declares, which
   * need not be the file's (read in a child process, as for a run). */
  {
    struct tfs_ctx m;
    memset(&m, 0, sizeof(m));
    if (Tf_loader_init() == TF_OK)
      Tf_loader_probe(&m, moddir, base, name, TF_PROBE_IN_CHILD);
    if (!m.desc) {
      fprintf(out, "FAIL - %s cannot be used: %s\n%s: FAILED\n", module_file,
              m.load_error[0] ? m.load_error : "the module loader cannot start", module_file);
      Tf_loader_release(&m);
      for (int i = 0; i < n; i++)
        free(caps[i]);
      free(caps);
      remove_tree(tmp);
      return TF_ERR_SCANNER;
    }
    snprintf(name, sizeof(name), "%s", m.desc->name);
    Tf_loader_release(&m);
  }
  fprintf(out, "checking %s (scanner '%s') over %d captures in %s\n", module_file, name, n, dir);
  for (int i = 0; i < n; i++) {
    check_capture(&c, tmp, moddir, name, dir, caps[i]->d_name);
    free(caps[i]);
  }
  free(caps);
  if (c.failed)
    fprintf(out, "scratch directory kept for inspection: %s\n", tmp);
  else
    remove_tree(tmp);
  fprintf(out, "%s: %s\n", module_file, c.failed ? "FAILED" : "passed");
  return c.failed ? TF_ERR_SCANNER : TF_OK;
}
