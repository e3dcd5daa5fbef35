/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * python scanner: hands every closed flow to a user function written in
 * Python 3 and records what it returns in the report.
 *
 *   -e python -S py_path=DIR -S py_module=MOD -S py_function=FN
 *
 * The flow content is gathered straight into the bytes object that is
 * passed to the function: the buffer is created with
 * PyBytes_FromStringAndSize(NULL, n), filled through PyBytes_AS_STRING as
 * flow_data delivers, and sized with _PyBytes_Resize.  That is legal while
 * we hold the only reference (nobody has seen the object yet), and it
 * saves a second copy of flows that can be tens of megabytes.  The first
 * allocation uses the flow's known length, so most flows never resize.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tcpflow/scanner.h>

#include "tfl_parse.h"

struct py_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  const char *module_name, *function_name; /* host strings, valid all run */
  PyObject *function;
  PyThreadState *saved; /* the main thread state while the GIL is released */
  size_t max_bytes;
  /* The flow being closed. */
  uint64_t flow_id;
  PyObject *buf;   /* bytes object under construction, or NULL */
  size_t filled;   /* bytes written into buf */
  size_t cap;      /* current size of buf */
  int truncated;
};

static const struct tfs_setting py_settings[] = {
    {"py_path", "", "directory put at the front of sys.path (relative to the current directory)"},
    {"py_module", "", "Python module to import"},
    {"py_function", "", "function of that module called with each flow's content as bytes"},
    {"py_max_bytes", "67108864", "most bytes of one flow handed to Python; longer flows are cut"},
    {NULL, NULL, NULL},
};

/* Parses a positive size that fits in a Py_ssize_t. */
static int py_parse_size(const char *v, size_t *out)
{
  uint64_t n;
  if (Tfl_parse_u64(v, 1, (uint64_t)PY_SSIZE_T_MAX, &n) != 0)
    return -1;
  *out = (size_t)n;
  return 0;
}

/* Puts dir (made absolute, so that a script changing directory does not
 * change where imports come from) at the front of sys.path. */
static int py_add_path(struct py_state *s, const char *dir)
{
  PyObject *syspath = PySys_GetObject("path"); /* borrowed */
  PyObject *entry;
  char cwd[PATH_MAX];
  int rc;
  if (dir[0] == '/') {
    entry = PyUnicode_DecodeFSDefault(dir);
  } else {
    if (!getcwd(cwd, sizeof(cwd))) {
      s->host->log(s->ctx, TFS_LOG_ERROR, "cannot resolve py_path '%s': %s", dir,
                   strerror(errno));
      return -1;
    }
    entry = PyUnicode_FromFormat("%s/%s", cwd, dir);
  }
  if (!syspath || !PyList_Check(syspath) || !entry) {
    Py_XDECREF(entry);
    PyErr_Print();
    s->host->log(s->ctx, TFS_LOG_ERROR, "cannot set sys.path");
    return -1;
  }
  rc = PyList_Insert(syspath, 0, entry);
  Py_DECREF(entry);
  if (rc != 0) {
    PyErr_Print();
    return -1;
  }
  return 0;
}

/* 1 when the pending exception says that module itself does not exist (not
 * a module it imports); clears it then. */
static int py_is_missing_module(const char *module)
{
  PyObject *type, *value, *tb, *name;
  int missing = 0;
  if (!PyErr_ExceptionMatches(PyExc_ModuleNotFoundError))
    return 0;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  name = value ? PyObject_GetAttrString(value, "name") : NULL;
  if (name && PyUnicode_Check(name)) {
    const char *n = PyUnicode_AsUTF8(name);
    missing = n && strcmp(n, module) == 0;
  }
  PyErr_Clear();
  Py_XDECREF(name);
  if (missing) {
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
  } else {
    PyErr_Restore(type, value, tb);
  }
  return missing;
}

/* Imports the module and finds the function; messages name what the user
 * got wrong. */
static int py_load(struct py_state *s, const char *path)
{
  PyObject *module, *fn;
  if (path && *path && py_add_path(s, path) != 0)
    return -1;
  module = PyImport_ImportModule(s->module_name);
  if (!module) {
    if (py_is_missing_module(s->module_name)) {
      s->host->log(s->ctx, TFS_LOG_ERROR,
                   "python module '%s' not found (py_path='%s'); it must be a file %s.py "
                   "in py_path or on the default sys.path",
                   s->module_name, path ? path : "", s->module_name);
    } else {
      s->host->log(s->ctx, TFS_LOG_ERROR, "python module '%s' failed to import:",
                   s->module_name);
      PyErr_Print();
    }
    return -1;
  }
  fn = PyObject_GetAttrString(module, s->function_name);
  Py_DECREF(module); /* sys.modules keeps it, and fn keeps its globals */
  if (!fn) {
    PyErr_Clear();
    s->host->log(s->ctx, TFS_LOG_ERROR, "python module '%s' has no function '%s'",
                 s->module_name, s->function_name);
    return -1;
  }
  if (!PyCallable_Check(fn)) {
    s->host->log(s->ctx, TFS_LOG_ERROR, "'%s.%s' is a %s, not a callable function",
                 s->module_name, s->function_name, Py_TYPE(fn)->tp_name);
    Py_DECREF(fn);
    return -1;
  }
  s->function = fn;
  return 0;
}

static void py_fini(void *state);

/* The host opens scanners with local symbol scope, so libpython, which
 * came in with this module, is local too; but the C extension modules a
 * script imports (_json, _socket...) are not linked against libpython and
 * expect its symbols in the global scope.  Promote it, as embedders do. */
static void py_promote_libpython(const struct tfs_host *host, tfs_ctx *ctx)
{
  Dl_info info;
  if (!dladdr((void *)(uintptr_t)&Py_InitializeEx, &info) || !info.dli_fname)
    return;
  if (!dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL))
    host->log(ctx, TFS_LOG_WARN, "cannot make %s global (C extension modules may fail to "
              "import): %s", info.dli_fname, dlerror());
}

static int py_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  const char *module = host->setting(ctx, "py_module");
  const char *function = host->setting(ctx, "py_function");
  struct py_state *s;
  size_t max;
  if (!module || !*module || !function || !*function) {
    host->log(ctx, TFS_LOG_ERROR,
              "python scanner needs -S py_module=MODULE and -S py_function=FUNCTION "
              "(and usually -S py_path=DIR)");
    return TFS_ERROR;
  }
  if (py_parse_size(host->setting(ctx, "py_max_bytes"), &max) != 0) {
    host->log(ctx, TFS_LOG_ERROR, "py_max_bytes must be a positive number of bytes, not '%s'",
              host->setting(ctx, "py_max_bytes"));
    return TFS_ERROR;
  }
  if (Py_IsInitialized()) {
    /* Two embedders in one process would share and finalize one
     * interpreter behind each other's back. */
    host->log(ctx, TFS_LOG_ERROR, "a Python interpreter is already running in this process");
    return TFS_ERROR;
  }
  s = calloc(1, sizeof(*s));
  if (!s) {
    host->log(ctx, TFS_LOG_ERROR, "out of memory");
    return TFS_ERROR;
  }
  s->host = host;
  s->ctx = ctx;
  s->module_name = module;
  s->function_name = function;
  s->max_bytes = max;
  s->flow_id = UINT64_MAX;
  /* 0: leave SIGINT and friends to the host. */
  py_promote_libpython(host, ctx);
  Py_InitializeEx(0);
  if (py_load(s, host->setting(ctx, "py_path")) != 0) {
    s->saved = PyEval_SaveThread();
    py_fini(s);
    return TFS_ERROR;
  }
  /* Release the GIL; every callback takes it with PyGILState_Ensure, so
   * the host may call us from any one thread. */
  s->saved = PyEval_SaveThread();
  *state = s;
  return TFS_OK;
}

/* Makes room for need bytes in the flow buffer; 0 on success. */
static int py_reserve(struct py_state *s, const struct tfs_flow_info *flow, size_t need)
{
  size_t cap;
  if (need <= s->cap)
    return 0;
  if (!s->buf) {
    cap = flow->length > need ? (size_t)flow->length : need;
    if (cap > s->max_bytes)
      cap = s->max_bytes;
    s->buf = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)cap);
  } else {
    cap = s->cap * 2 > need ? s->cap * 2 : need;
    if (cap > s->max_bytes)
      cap = s->max_bytes;
    if (_PyBytes_Resize(&s->buf, (Py_ssize_t)cap) != 0)
      s->buf = NULL; /* _PyBytes_Resize freed it */
  }
  if (!s->buf) {
    PyErr_Clear();
    s->cap = s->filled = 0;
    return -1;
  }
  s->cap = cap;
  return 0;
}

static void py_flow_reset(struct py_state *s, uint64_t flow_id)
{
  Py_CLEAR(s->buf);
  s->flow_id = flow_id;
  s->filled = s->cap = 0;
  s->truncated = 0;
}

static int py_flow_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                        const uint8_t *data, size_t len)
{
  struct py_state *s = state;
  PyGILState_STATE g = PyGILState_Ensure();
  size_t keep, pos;
  int rc = TFS_OK;
  if (s->flow_id != flow->flow_id)
    py_flow_reset(s, flow->flow_id);
  /* The host never sends len 0 (SDK 1.1), but with nothing to keep the
   * buffer may not exist yet: PyBytes_AS_STRING(NULL) must not be reached. */
  if (len == 0)
    goto out;
  /* Data arrives in order, but a sender may skip: whatever lies between
   * what we have and offset reads as zeros, like the flow file. */
  if (offset >= s->max_bytes) {
    s->truncated = 1;
    goto out;
  }
  pos = (size_t)offset;
  keep = len;
  if (keep > s->max_bytes - pos) {
    keep = s->max_bytes - pos;
    s->truncated = 1;
  }
  if (py_reserve(s, flow, pos + keep) != 0) {
    s->host->log(s->ctx, TFS_LOG_ERROR, "out of memory for flow %s",
                 flow->path ? flow->path : "(no file)");
    rc = TFS_ERROR;
    goto out;
  }
  if (!s->buf) /* nothing reserved: pos + keep is 0, nothing to place */
    goto out;
  if (pos > s->filled)
    memset(PyBytes_AS_STRING(s->buf) + s->filled, 0, pos - s->filled);
  if (data)
    memcpy(PyBytes_AS_STRING(s->buf) + pos, data, keep);
  else
    memset(PyBytes_AS_STRING(s->buf) + pos, 0, keep);
  if (pos + keep > s->filled)
    s->filled = pos + keep;
out:
  PyGILState_Release(g);
  return rc;
}

/* The flow's content as a bytes object of the right size (a new reference,
 * or NULL on memory error). */
static PyObject *py_take_buffer(struct py_state *s, const struct tfs_flow_info *flow)
{
  PyObject *b;
  if (s->flow_id != flow->flow_id || !s->buf)
    return PyBytes_FromStringAndSize("", 0);
  if (s->filled != s->cap && _PyBytes_Resize(&s->buf, (Py_ssize_t)s->filled) != 0) {
    s->buf = NULL;
    return NULL;
  }
  b = s->buf;
  s->buf = NULL;
  return b;
}

static void py_write_result(struct py_state *s, const struct tfs_flow_info *flow,
                            const char *text)
{
  const struct tfs_host *h = s->host;
  h->xml_start(s->ctx, "tcpflow:result");
  h->xml_attr(s->ctx, "scanner", "python");
  if (flow->path)
    h->xml_attr(s->ctx, "path", flow->path);
  h->xml_attr(s->ctx, "module", s->module_name);
  h->xml_attr(s->ctx, "function", s->function_name);
  if (s->truncated) {
    char n[32];
    snprintf(n, sizeof(n), "%zu", s->max_bytes);
    h->xml_attr(s->ctx, "truncated", "1");
    h->xml_attr(s->ctx, "passed_bytes", n);
  }
  h->xml_text(s->ctx, text);
  h->xml_end(s->ctx);
}

/* Reports the pending exception of a call about one flow, keeping the run
 * alive: SystemExit would otherwise end the whole process in PyErr_Print. */
static void py_report_exception(struct py_state *s, const char *where)
{
  if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
    PyErr_Clear();
    s->host->log(s->ctx, TFS_LOG_WARN, "%s.%s called sys.exit() on flow %s; ignored",
                 s->module_name, s->function_name, where);
    return;
  }
  s->host->log(s->ctx, TFS_LOG_WARN, "%s.%s raised an exception on flow %s:", s->module_name,
               s->function_name, where);
  fflush(stderr);
  PyErr_Print();
}

static int py_flow_close(void *state, const struct tfs_flow_info *flow)
{
  struct py_state *s = state;
  PyGILState_STATE g = PyGILState_Ensure();
  const char *where = flow->path ? flow->path : "(no file)";
  PyObject *data, *ret;
  int rc = TFS_OK;
  data = py_take_buffer(s, flow);
  if (!data) {
    PyErr_Clear();
    s->host->log(s->ctx, TFS_LOG_ERROR, "out of memory for flow %s", where);
    rc = TFS_ERROR;
    goto out;
  }
  ret = PyObject_CallOneArg(s->function, data);
  Py_DECREF(data);
  if (!ret) {
    py_report_exception(s, where);
  } else if (PyUnicode_Check(ret)) {
    Py_ssize_t n;
    const char *text = PyUnicode_AsUTF8AndSize(ret, &n);
    if (text) {
      if (strlen(text) != (size_t)n)
        s->host->log(s->ctx, TFS_LOG_WARN, "%s.%s returned a str with a NUL character on "
                     "flow %s; recorded up to it", s->module_name, s->function_name, where);
      py_write_result(s, flow, text);
    } else {
      s->host->log(s->ctx, TFS_LOG_WARN, "%s.%s returned a str that is not valid UTF-8 "
                   "on flow %s:", s->module_name, s->function_name, where);
      PyErr_Print();
    }
    Py_DECREF(ret);
  } else {
    if (ret != Py_None)
      s->host->log(s->ctx, TFS_LOG_WARN,
                   "%s.%s returned %s on flow %s; only str (recorded) or None is expected",
                   s->module_name, s->function_name, Py_TYPE(ret)->tp_name, where);
    Py_DECREF(ret);
  }
out:
  py_flow_reset(s, UINT64_MAX); /* no flow is being gathered */
  PyGILState_Release(g);
  return rc;
}

static void py_fini(void *state)
{
  struct py_state *s = state;
  if (!s)
    return;
  if (s->saved)
    PyEval_RestoreThread(s->saved);
  Py_CLEAR(s->buf);
  Py_CLEAR(s->function);
  if (Py_FinalizeEx() != 0)
    s->host->log(s->ctx, TFS_LOG_WARN, "errors while shutting Python down");
  free(s);
}

static const struct tfs_scanner py_scanner = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "python",
    .version = "1.0",
    .description = "calls a Python 3 function with each flow's content; records the str it returns",
    .flags = TFS_SCANNER_WANTS_DATA | TFS_SCANNER_NOT_IN_ALL,
    .settings = py_settings,
    .init = py_init,
    .flow_data = py_flow_data,
    .flow_close = py_flow_close,
    .fini = py_fini,
};

TFS_SCANNER_ENTRY(py_scanner)
