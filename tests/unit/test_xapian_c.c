/* test_xapian_c.c: unit tests for the C binding over libxapian (xapian-c/).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Every function of xapian-c.h is called, and every status is provoked for
 * real rather than simulated: two writers on one database (locked), a reader
 * left behind by many commits (modified), garbage written into a table file
 * (corrupt), a version file claiming another format (version), a closed port
 * and a real xapian-tcpsrv on 127.0.0.1 (network), an address-space limit in
 * a child process (nomem). The searches run over a five-document corpus
 * whose expected results were worked out by hand, so the tests check exact
 * docids and orders, not just "something came back".
 *
 * Everything happens in a fresh directory under $TMPDIR (or /tmp), removed
 * at the end. No address other than 127.0.0.1 is ever contacted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"
#include "xapian-c.h"

extern char **environ;

/* RLIMIT_AS can't bound an AddressSanitizer process (its shadow memory
 * alone is terabytes of address space), so the out-of-memory test is
 * skipped there. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#if UNDER_ASAN
/* libxapian 1.4.22's Database::check() deletes its GlassTableCheck objects
 * through a GlassTable pointer, whose destructor isn't virtual, so every
 * check aborts an ASan process with new-delete-type-mismatch inside
 * libxapian. The object adds only a pointer to its base and the sized
 * delete ends in free(), so nothing is lost in practice. Turn that one
 * report off for this binary (ASAN_OPTIONS from the environment still
 * override it). The name is ASan's interface, hence the underscores. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "new_delete_type_mismatch=0";
}
#endif

enum { PATHLEN = 1024, MAXHITS = 32 };

/* Value slots of the test corpus. */
enum { SLOT_CAT = 0, SLOT_DATE = 1 };

static char root[PATHLEN];   /* the temporary directory */
static char corpus[PATHLEN]; /* the five-document corpus, built once */
static xc_database *cdb;     /* read-only handle on it */

/* --------------------------------------------------------------- helpers */

#define OK(expr)           check_status(XC_OK, (expr), #expr, __FILE__, __LINE__)
#define EXPECT(want, expr) check_status((want), (expr), #expr, __FILE__, __LINE__)

static void check_status(xc_status want, xc_status got, const char *what, const char *file,
                         int line)
{
    if (got != want) {
        print_error("%s: got %s, want %s; message: %s\n", what, xc_status_name(got),
                    xc_status_name(want), xc_errmsg());
        _fail(file, line);
    }
}

/* The last error message must mention `needle` (usually the Xapian error
 * class, to prove which exception was mapped). */
#define EXPECT_MSG(needle) check_msg((needle), __FILE__, __LINE__)

static void check_msg(const char *needle, const char *file, int line)
{
    if (!strstr(xc_errmsg(), needle)) {
        print_error("message '%s' lacks '%s'\n", xc_errmsg(), needle);
        _fail(file, line);
    }
}

static void path_in(char *buf, const char *name)
{
    int n = snprintf(buf, PATHLEN, "%s/%s", root, name);
    assert_true(n > 0 && n < PATHLEN);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *to)
{
    char buf[8192];
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_TRUNC);
    assert_true(in >= 0 && out >= 0);
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    assert_int_equal(n, 0);
    close(in);
    close(out);
}

/* Queries made by the helpers below are parked here and freed after each
 * test, which keeps the tests readable and leak-free under ASan. */
static xc_query *pool[256];
static size_t npool;

static xc_query *keep(xc_query *q)
{
    assert_non_null(q);
    assert_true(npool < sizeof pool / sizeof pool[0]);
    return pool[npool++] = q;
}

static int free_pool(void **state)
{
    (void)state;
    while (npool)
        xc_query_free(pool[--npool]);
    return 0;
}

static xc_query *T(const char *term)
{
    xc_query *q = NULL;
    OK(xc_query_term(term, strlen(term), 1, 0, &q));
    return keep(q);
}

static xc_query *TP(const char *term, unsigned wqf, xc_termpos pos)
{
    xc_query *q = NULL;
    OK(xc_query_term(term, strlen(term), wqf, pos, &q));
    return keep(q);
}

static xc_query *combine(xc_query_op op, xc_query *a, xc_query *b)
{
    const xc_query *subs[2] = {a, b};
    xc_query *q = NULL;
    OK(xc_query_combine(op, subs, 2, &q));
    return keep(q);
}

/* Two-term phrase / near queries (`window` extra positions allowed). */
static xc_query *phrase(xc_query *a, xc_query *b, unsigned window)
{
    const xc_query *subs[2] = {a, b};
    xc_query *q = NULL;
    OK(xc_query_phrase(subs, 2, window, &q));
    return keep(q);
}

static xc_query *near(xc_query *a, xc_query *b, unsigned window)
{
    const xc_query *subs[2] = {a, b};
    xc_query *q = NULL;
    OK(xc_query_near(subs, 2, window, &q));
    return keep(q);
}

/* A document whose space-separated words are postings at positions 1, 2, ... */
static xc_document *text_doc(const char *text)
{
    xc_document *doc = NULL;
    OK(xc_document_new(&doc));
    xc_termpos pos = 0;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, " ");
        if (len) OK(xc_document_add_posting(doc, p, len, ++pos, 1));
        p += len;
        p += strspn(p, " ");
    }
    return doc;
}

static xc_docid add_text(xc_writable *w, const char *text, const char *data)
{
    xc_document *doc = text_doc(text);
    OK(xc_document_set_data(doc, data, strlen(data)));
    xc_docid id = 0;
    OK(xc_writable_add_document(w, doc, &id));
    xc_document_free(doc);
    return id;
}

/* Results of a search, in mset order. */
typedef struct hits {
    size_t n;
    xc_docid id[MAXHITS];
    double w[MAXHITS];
} hits;

static hits run_enquire(xc_enquire *e, const xc_query *q)
{
    hits h;
    memset(&h, 0, sizeof h);
    xc_mset *m = NULL;
    OK(xc_enquire_set_query(e, q));
    OK(xc_enquire_mset(e, 0, MAXHITS, MAXHITS, &m));
    h.n = xc_mset_size(m);
    assert_true(h.n <= MAXHITS);
    for (size_t i = 0; i < h.n; i++) {
        uint32_t rank = 99;
        OK(xc_mset_item(m, i, &h.id[i], &h.w[i], &rank));
        assert_int_equal(rank, i);
    }
    xc_mset_free(m);
    return h;
}

/* A search of `db` with default settings. */
static hits run_on(xc_database *db, const xc_query *q)
{
    xc_enquire *e = NULL;
    OK(xc_enquire_new(db, &e));
    hits h = run_enquire(e, q);
    xc_enquire_free(e);
    return h;
}

static hits run(const xc_query *q)
{
    return run_on(cdb, q);
}

#define IDS(...)  ((const xc_docid[]){__VA_ARGS__})
#define NIDS(...) (sizeof IDS(__VA_ARGS__) / sizeof(xc_docid))
/* The hits must be exactly these docids, in this order. */
#define EXPECT_IDS(h, ...)                                                                         \
    check_ids(&(h), 0, IDS(__VA_ARGS__), NIDS(__VA_ARGS__), __FILE__, __LINE__)
/* The hits must be exactly these docids, in any order. */
#define EXPECT_SET(h, ...)                                                                         \
    check_ids(&(h), 1, IDS(__VA_ARGS__), NIDS(__VA_ARGS__), __FILE__, __LINE__)

static int cmp_docid(const void *a, const void *b)
{
    xc_docid x = *(const xc_docid *)a, y = *(const xc_docid *)b;
    return (x > y) - (x < y);
}

static void check_ids(const hits *h, int any_order, const xc_docid *want, size_t n,
                      const char *file, int line)
{
    xc_docid got[MAXHITS];
    memcpy(got, h->id, sizeof got);
    if (any_order) qsort(got, h->n, sizeof got[0], cmp_docid);
    int same = h->n == n;
    for (size_t i = 0; same && i < n; i++)
        same = got[i] == want[i];
    if (!same) {
        char buf[512];
        size_t off = 0;
        for (size_t i = 0; i < h->n && off < sizeof buf - 16; i++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, " %u", (unsigned)got[i]);
        buf[off] = '\0';
        print_error("hits:%s; want %zu docids starting %u\n", buf, n, n ? (unsigned)want[0] : 0);
        _fail(file, line);
    }
}

static double weight_of(const hits *h, xc_docid id)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->id[i] == id) return h->w[i];
    fail_msg("docid %u not in the hits", (unsigned)id);
    return 0;
}

/* Collects the terms passed to a callback (and their wdf or termfreq). */
typedef struct termlist {
    size_t n, stop_after;
    char terms[16][64];
    unsigned wdf[16];
    uint32_t tf[16];
} termlist;

static int collect_term(termlist *tl, const char *term, size_t len)
{
    assert_true(tl->n < 16 && len < 64);
    memcpy(tl->terms[tl->n], term, len);
    tl->terms[tl->n][len] = '\0';
    tl->n++;
    return tl->stop_after && tl->n >= tl->stop_after;
}

static int on_doc_term(void *ctx, const char *term, size_t len, unsigned wdf)
{
    termlist *tl = ctx;
    tl->wdf[tl->n] = wdf;
    return collect_term(tl, term, len);
}

static int on_all_term(void *ctx, const char *term, size_t len, uint32_t tf)
{
    termlist *tl = ctx;
    tl->tf[tl->n] = tf;
    return collect_term(tl, term, len);
}

static int on_match_term(void *ctx, const char *term, size_t len)
{
    return collect_term(ctx, term, len);
}

/* ---------------------------------------------------------------- corpus */

/* The corpus. Lengths (in postings) are 3, 4, 3, 9, 3; "quick" has wdf 1
 * wherever it occurs, so BM25 ranks it d1 = d3 > d2 > d4 and ties are
 * broken by docid. */
static const struct {
    const char *text, *cat, *date, *data;
} docs[] = {
    {"quick brown fox", "a", "2020", "doc one"},
    {"quick red brown fox", "a", "2018", "doc two"},
    {"brown quick dog", "b", "2022", "doc three"},
    {"fox jumps over the high wall and then quick", "b", "2019", "doc four"},
    {"lazy dog fast", "c", "2021", "doc five"},
};

static int group_setup(void **state)
{
    (void)state;
    if (scratch_make(root, sizeof root, "nsearch-test-xapian-c") != 0) return -1;
    /* A remote server that went away must give NetworkError, not kill us. */
    signal(SIGPIPE, SIG_IGN);

    path_in(corpus, "corpus");
    xc_writable *w = NULL;
    if (xc_writable_open(corpus, XC_OPEN_CREATE, XC_WRITABLE_NO_SYNC, 0, &w) != XC_OK) return -1;
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        xc_document *doc = text_doc(docs[i].text);
        char term[16];
        snprintf(term, sizeof term, "XC%s", docs[i].cat);
        xc_document_add_boolean_term(doc, term, strlen(term));
        snprintf(term, sizeof term, "Qd%zu", i + 1);
        xc_document_add_boolean_term(doc, term, strlen(term));
        xc_document_set_value(doc, SLOT_CAT, docs[i].cat, strlen(docs[i].cat));
        xc_document_set_value(doc, SLOT_DATE, docs[i].date, strlen(docs[i].date));
        xc_document_set_data(doc, docs[i].data, strlen(docs[i].data));
        xc_docid id = 0;
        xc_status st = xc_writable_add_document(w, doc, &id);
        xc_document_free(doc);
        if (st != XC_OK || id != i + 1) return -1;
    }
    if (xc_writable_close_checked(w) != XC_OK) return -1;
    return xc_database_open(corpus, &cdb) == XC_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    xc_database_close(cdb);
    if (root[0]) scratch_remove(root);
    return 0;
}

/* A fresh empty writable database called `name` under the temp dir. */
static xc_writable *new_db(const char *name, char *path)
{
    path_in(path, name);
    xc_writable *w = NULL;
    OK(xc_writable_open(path, XC_OPEN_CREATE, XC_WRITABLE_NO_SYNC, 0, &w));
    return w;
}

/* ------------------------------------------------------- status, version */

static void *errmsg_in_thread(void *arg)
{
    /* A new thread has no failure yet, whatever other threads did. */
    *(int *)arg = strcmp(xc_errmsg(), "") == 0;
    return NULL;
}

static void test_status_and_misc(void **state)
{
    (void)state;
    static const char *names[] = {"ok",       "locked",  "modified", "corrupt",
                                  "notfound", "version", "network",  "invalid",
                                  "nomem",    "io",      "other"};
    for (int s = XC_OK; s <= XC_ERR_OTHER; s++)
        assert_string_equal(xc_status_name((xc_status)s), names[s]);
    assert_non_null(xc_status_name((xc_status)99));

    const char *v = xc_version();
    assert_non_null(v);
    assert_true(v[0] >= '1' && v[0] <= '9' && strchr(v, '.'));

    /* The message is per thread. */
    xc_database *db = (xc_database *)1;
    EXPECT(XC_ERR_INVALID, xc_database_open(NULL, &db));
    assert_null(db);
    assert_string_not_equal(xc_errmsg(), "");
    pthread_t t;
    int clean = 0;
    assert_int_equal(pthread_create(&t, NULL, errmsg_in_thread, &clean), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(clean);
    /* Successful calls leave it alone. */
    char before[256];
    snprintf(before, sizeof before, "%s", xc_errmsg());
    uint32_t n = 0;
    OK(xc_database_doccount(cdb, &n));
    assert_string_equal(xc_errmsg(), before);

    /* Every destructor accepts NULL, and NULL msets read as empty. */
    xc_free(NULL);
    xc_document_free(NULL);
    xc_database_close(NULL);
    xc_writable_close(NULL);
    OK(xc_writable_close_checked(NULL));
    xc_query_free(NULL);
    xc_enquire_free(NULL);
    xc_mset_free(NULL);
    assert_int_equal(xc_mset_size(NULL), 0);
    assert_int_equal(xc_mset_estimated(NULL), 0);
    assert_int_equal(xc_mset_lower_bound(NULL), 0);
    assert_int_equal(xc_mset_upper_bound(NULL), 0);
    assert_int_equal(xc_document_docid(NULL), 0);
}

/* ------------------------------------------------------------- documents */

static void test_document_roundtrip(void **state)
{
    (void)state;
    char path[PATHLEN];
    xc_writable *w = new_db("docs", path);

    xc_document *doc = NULL;
    OK(xc_document_new(&doc));
    assert_int_equal(xc_document_docid(doc), 0);
    OK(xc_document_add_posting(doc, "hello", 5, 1, 1));
    OK(xc_document_add_posting(doc, "world", 5, 2, 1));
    OK(xc_document_add_posting(doc, "hello", 5, 3, 1));
    OK(xc_document_add_term(doc, "nopos", 5, 3));
    OK(xc_document_add_boolean_term(doc, "Kx", 2));
    /* Lengths are honoured: only "ab" of "abc" is added. */
    OK(xc_document_add_term(doc, "abc", 2, 1));
    OK(xc_document_set_value(doc, 0, "v0", 2));
    OK(xc_document_set_value(doc, 3, "v\0three", 7));
    OK(xc_document_set_value(doc, 5, "gone", 4));
    OK(xc_document_set_value(doc, 5, "", 0)); /* an empty value removes the slot */
    static const char data[] = "da\0ta\n";
    OK(xc_document_set_data(doc, data, sizeof data - 1));

    const char *val = NULL;
    size_t len = 99;
    OK(xc_document_get_value(doc, 3, &val, &len));
    assert_int_equal(len, 7);
    assert_memory_equal(val, "v\0three", 7);
    OK(xc_document_get_value(doc, 5, &val, &len));
    assert_int_equal(len, 0);

    /* Terms come sorted by byte value, with their wdf. */
    termlist tl = {0};
    OK(xc_document_terms(doc, on_doc_term, &tl));
    assert_int_equal(tl.n, 5);
    assert_string_equal(tl.terms[0], "Kx");
    assert_int_equal(tl.wdf[0], 0);
    assert_string_equal(tl.terms[1], "ab");
    assert_string_equal(tl.terms[2], "hello");
    assert_int_equal(tl.wdf[2], 2);
    assert_string_equal(tl.terms[3], "nopos");
    assert_int_equal(tl.wdf[3], 3);
    assert_string_equal(tl.terms[4], "world");
    assert_int_equal(tl.wdf[4], 1);
    /* Stopping early. */
    termlist two = {.stop_after = 2};
    OK(xc_document_terms(doc, on_doc_term, &two));
    assert_int_equal(two.n, 2);

    xc_docid id = 0;
    OK(xc_writable_add_document(w, doc, &id));
    assert_int_equal(id, 1);
    xc_document_free(doc);
    OK(xc_writable_close_checked(w));

    xc_database *db = NULL;
    OK(xc_database_open(path, &db));
    xc_document *back = NULL;
    OK(xc_database_get_document(db, 1, &back));
    assert_int_equal(xc_document_docid(back), 1);
    const char *d = NULL;
    OK(xc_document_get_data(back, &d, &len));
    assert_int_equal(len, sizeof data - 1);
    assert_memory_equal(d, data, len);
    /* Data and value buffers are separate: reading a value keeps `d`. */
    OK(xc_document_get_value(back, 0, &val, &len));
    assert_int_equal(len, 2);
    assert_memory_equal(val, "v0", 2);
    assert_memory_equal(d, data, sizeof data - 1);
    OK(xc_document_get_value(back, 3, &val, &len));
    assert_int_equal(len, 7);
    assert_memory_equal(val, "v\0three", 7);
    OK(xc_document_get_value(back, 5, &val, &len));
    assert_int_equal(len, 0);
    termlist tl2 = {0};
    OK(xc_document_terms(back, on_doc_term, &tl2));
    assert_int_equal(tl2.n, tl.n);
    for (size_t i = 0; i < tl.n; i++) {
        assert_string_equal(tl2.terms[i], tl.terms[i]);
        assert_int_equal(tl2.wdf[i], tl.wdf[i]);
    }
    xc_document_free(back);

    /* The positions went in: "hello world" is a phrase, "world hello"
     * (positions 2, 3) is one too, "nopos" has none. */
    hits h = run_on(db, phrase(T("hello"), T("world"), 0));
    EXPECT_IDS(h, 1);
    h = run_on(db, phrase(T("world"), T("hello"), 0));
    EXPECT_IDS(h, 1);
    h = run_on(db, phrase(T("hello"), T("nopos"), 5));
    assert_int_equal(h.n, 0);
    xc_database_close(db);
}

/* ------------------------------------------------------------ statistics */

static void test_database_stats(void **state)
{
    (void)state;
    uint32_t n = 0;
    OK(xc_database_doccount(cdb, &n));
    assert_int_equal(n, 5);
    xc_docid last = 0;
    OK(xc_database_lastdocid(cdb, &last));
    assert_int_equal(last, 5);
    double av = 0;
    OK(xc_database_avlength(cdb, &av));
    assert_true(fabs(av - 22.0 / 5) < 1e-9);

    OK(xc_database_termfreq(cdb, "quick", 5, &n));
    assert_int_equal(n, 4);
    OK(xc_database_termfreq(cdb, "absent", 6, &n));
    assert_int_equal(n, 0);
    OK(xc_database_collfreq(cdb, "fox", 3, &n));
    assert_int_equal(n, 3);
    OK(xc_database_collfreq(cdb, "XCa", 3, &n)); /* boolean terms have wdf 0 */
    assert_int_equal(n, 0);

    xc_docid id = 0;
    OK(xc_database_find_term(cdb, "Qd3", 3, &id));
    assert_int_equal(id, 3);
    OK(xc_database_find_term(cdb, "dog", 3, &id));
    assert_int_equal(id, 3);
    id = 7;
    EXPECT(XC_ERR_NOTFOUND, xc_database_find_term(cdb, "absent", 6, &id));
    assert_int_equal(id, 0);

    termlist tl = {0};
    OK(xc_database_allterms(cdb, "Q", 1, on_all_term, &tl));
    assert_int_equal(tl.n, 5);
    for (size_t i = 0; i < 5; i++) {
        char want[8];
        snprintf(want, sizeof want, "Qd%zu", i + 1);
        assert_string_equal(tl.terms[i], want);
        assert_int_equal(tl.tf[i], 1);
    }
    termlist xc = {0};
    OK(xc_database_allterms(cdb, "XC", 2, on_all_term, &xc));
    assert_int_equal(xc.n, 3);
    assert_string_equal(xc.terms[0], "XCa");
    assert_int_equal(xc.tf[0], 2);
    assert_int_equal(xc.tf[2], 1);
    /* Early stop; the empty prefix starts at the first term ("Qd1"). */
    termlist first = {.stop_after = 1};
    OK(xc_database_allterms(cdb, NULL, 0, on_all_term, &first));
    assert_int_equal(first.n, 1);
    assert_string_equal(first.terms[0], "Qd1");
}

/* --------------------------------------------------------------- queries */

static void test_query_operators(void **state)
{
    (void)state;
    hits h = run(T("quick"));
    EXPECT_IDS(h, 1, 3, 2, 4);
    /* d1 and d3 have the same length and wdf, so the same weight. */
    assert_true(h.w[0] == h.w[1] && h.w[1] > h.w[2] && h.w[2] > h.w[3] && h.w[3] > 0);

    /* wqf 2 scales BM25's query-side factor (k3 = 1) from 1 to 4/3. */
    hits h2 = run(TP("quick", 2, 0));
    EXPECT_IDS(h2, 1, 3, 2, 4);
    for (size_t i = 0; i < 4; i++)
        assert_true(fabs(h2.w[i] - h.w[i] * 4.0 / 3.0) < 1e-9);

    xc_query *q = NULL;
    OK(xc_query_all(&q));
    h = run(keep(q));
    EXPECT_SET(h, 1, 2, 3, 4, 5);
    OK(xc_query_none(&q));
    h = run(keep(q));
    assert_int_equal(h.n, 0);

    h = run(combine(XC_OP_AND, T("quick"), T("fox")));
    EXPECT_SET(h, 1, 2, 4);
    h = run(combine(XC_OP_OR, T("lazy"), T("red")));
    EXPECT_SET(h, 2, 5);
    h = run(combine(XC_OP_AND_NOT, T("quick"), T("fox")));
    EXPECT_IDS(h, 3);
    /* AND_MAYBE: the matches of "quick", with d2 lifted by its rare "red". */
    h = run(combine(XC_OP_AND_MAYBE, T("quick"), T("red")));
    EXPECT_IDS(h, 2, 1, 3, 4);
    /* FILTER: weights come from "quick" alone. */
    hits plain = run(T("quick"));
    h = run(combine(XC_OP_FILTER, T("quick"), T("XCb")));
    EXPECT_IDS(h, 3, 4);
    assert_true(h.w[0] == plain.w[1] && h.w[1] == plain.w[3]);
    h = run(combine(XC_OP_SYNONYM, T("red"), T("lazy")));
    EXPECT_SET(h, 2, 5);
    /* MAX: d1 contains both terms but weighs as the better of the two,
     * where OR adds them up. */
    h = run(combine(XC_OP_MAX, T("quick"), T("fox")));
    EXPECT_SET(h, 1, 2, 3, 4);
    hits foxq = run(T("fox"));
    hits orq = run(combine(XC_OP_OR, T("quick"), T("fox")));
    double wq = weight_of(&plain, 1), wf = weight_of(&foxq, 1);
    assert_true(fabs(weight_of(&h, 1) - (wq > wf ? wq : wf)) < 1e-9);
    assert_true(fabs(weight_of(&orq, 1) - (wq + wf)) < 1e-9);

    /* A single subquery is allowed; none is not. */
    const xc_query *one[1] = {T("dog")};
    OK(xc_query_combine(XC_OP_OR, one, 1, &q));
    h = run(keep(q));
    EXPECT_IDS(h, 3, 5);
    q = (xc_query *)1;
    EXPECT(XC_ERR_INVALID, xc_query_combine(XC_OP_AND, one, 0, &q));
    assert_null(q);

    char *desc = NULL;
    OK(xc_query_describe(combine(XC_OP_AND, T("quick"), T("fox")), &desc));
    assert_non_null(strstr(desc, "quick"));
    assert_non_null(strstr(desc, "AND"));
    xc_free(desc);
}

static void test_query_positional(void **state)
{
    (void)state;
    /* Phrase, in order: d1 "quick brown", d2 "quick red brown". */
    hits h = run(phrase(T("quick"), T("brown"), 0));
    EXPECT_IDS(h, 1);
    h = run(phrase(T("quick"), T("brown"), 1));
    EXPECT_SET(h, 1, 2);
    h = run(phrase(T("brown"), T("quick"), 0)); /* d3 "brown quick" */
    EXPECT_IDS(h, 3);
    /* Near, any order: d3 has them adjacent the other way round. */
    h = run(near(T("quick"), T("brown"), 0));
    EXPECT_SET(h, 1, 3);
    h = run(near(T("quick"), T("brown"), 1));
    EXPECT_SET(h, 1, 2, 3);
    /* d4: fox at 1, quick at 9, so 7 positions between them. */
    h = run(near(T("fox"), T("quick"), 6));
    EXPECT_SET(h, 1, 2);
    h = run(near(T("fox"), T("quick"), 7));
    EXPECT_SET(h, 1, 2, 4);
    /* An OR of terms is allowed inside a phrase. */
    h = run(phrase(combine(XC_OP_OR, T("quick"), T("red")), T("brown"), 0));
    EXPECT_SET(h, 1, 2);
    /* Three terms. */
    const xc_query *three[3] = {T("quick"), T("brown"), T("fox")};
    xc_query *q = NULL;
    OK(xc_query_phrase(three, 3, 0, &q));
    h = run(keep(q));
    EXPECT_IDS(h, 1);
    OK(xc_query_phrase(three, 3, 1, &q));
    h = run(keep(q));
    EXPECT_SET(h, 1, 2);
}

static void test_query_scale_range_wildcard(void **state)
{
    (void)state;
    xc_query *q = NULL;
    hits plain = run(T("quick"));
    OK(xc_query_scale(T("quick"), 2.5, &q));
    hits h = run(keep(q));
    EXPECT_IDS(h, 1, 3, 2, 4);
    for (size_t i = 0; i < 4; i++)
        assert_true(fabs(h.w[i] - 2.5 * plain.w[i]) < 1e-9);
    OK(xc_query_scale(T("quick"), 0, &q));
    h = run(keep(q));
    EXPECT_IDS(h, 1, 2, 3, 4);
    assert_true(h.w[0] == 0 && h.w[3] == 0);

    /* Dates: d1 2020, d2 2018, d3 2022, d4 2019, d5 2021. */
    OK(xc_query_value_range(SLOT_DATE, "2019", 4, "2021", 4, &q));
    h = run(keep(q));
    EXPECT_SET(h, 1, 4, 5);
    OK(xc_query_value_range(SLOT_DATE, NULL, 0, "2019", 4, &q));
    h = run(keep(q));
    EXPECT_SET(h, 2, 4);
    OK(xc_query_value_range(SLOT_DATE, "2021", 4, NULL, 0, &q));
    h = run(keep(q));
    EXPECT_SET(h, 3, 5);
    OK(xc_query_value_range(SLOT_DATE, NULL, 0, NULL, 0, &q));
    h = run(keep(q));
    EXPECT_SET(h, 1, 2, 3, 4, 5);
    /* Only documents with a value in the slot match, even unbounded. */
    OK(xc_query_value_range(9, NULL, 0, NULL, 0, &q));
    h = run(keep(q));
    assert_int_equal(h.n, 0);
    OK(xc_query_value_range(9, "", 0, "zzzz", 4, &q));
    h = run(keep(q));
    assert_int_equal(h.n, 0);
    OK(xc_query_value_range(SLOT_DATE, "", 0, NULL, 0, &q));
    h = run(keep(q));
    EXPECT_SET(h, 1, 2, 3, 4, 5);
    OK(xc_query_value_range(SLOT_DATE, "2021", 4, "2019", 4, &q));
    h = run(keep(q));
    assert_int_equal(h.n, 0);
    /* Byte-wise: "2020-06" sorts between "2020" and "2021". */
    OK(xc_query_value_range(SLOT_DATE, "2020-06", 7, "2021", 4, &q));
    h = run(keep(q));
    EXPECT_IDS(h, 5);

    /* "f" expands to "fast" and "fox". */
    OK(xc_query_wildcard("f", 1, 0, &q));
    h = run(keep(q));
    EXPECT_SET(h, 1, 2, 4, 5);
    OK(xc_query_wildcard("f", 1, 2, &q));
    h = run(keep(q));
    EXPECT_SET(h, 1, 2, 4, 5);
    OK(xc_query_wildcard("qu", 2, 1, &q));
    h = run(keep(q));
    EXPECT_SET(h, 1, 2, 3, 4);
    OK(xc_query_wildcard("zzz", 3, 1, &q));
    h = run(keep(q));
    assert_int_equal(h.n, 0);
    /* Too many expansions fails at search time, not at construction. */
    OK(xc_query_wildcard("f", 1, 1, &q));
    keep(q);
    xc_enquire *e = NULL;
    OK(xc_enquire_new(cdb, &e));
    OK(xc_enquire_set_query(e, q));
    xc_mset *m = (xc_mset *)1;
    EXPECT(XC_ERR_INVALID, xc_enquire_mset(e, 0, 10, 0, &m));
    assert_null(m);
    EXPECT_MSG("WildcardError");
    xc_enquire_free(e);
}

/* --------------------------------------------------------------- enquire */

static hits run_sorted(xc_sort sort, xc_valueno slot, int descending, const xc_query *q)
{
    xc_enquire *e = NULL;
    OK(xc_enquire_new(cdb, &e));
    OK(xc_enquire_set_sort(e, sort, slot, descending));
    hits h = run_enquire(e, q);
    xc_enquire_free(e);
    return h;
}

/* xc_enquire_value_counts: every match counted by its value. The counts
 * are written out as "VALUE:COUNT " in the order they come. */
static void on_value_count(void *ctx, const char *val, size_t len, uint32_t count)
{
    char *out = ctx;
    size_t at = strlen(out);
    assert_true(at + len + 16 < 256);
    snprintf(out + at, 256 - at, "%.*s:%u ", (int)len, val, (unsigned)count);
}

static void test_value_counts(void **state)
{
    (void)state;
    xc_enquire *e = NULL;
    xc_query *q = NULL;
    OK(xc_enquire_new(cdb, &e));
    /* Dates: d1 2020, d2 2018, d3 2022, d4 2019, d5 2021; the range holds
     * three, one each, listed in value order. */
    OK(xc_query_value_range(SLOT_DATE, "2019", 4, "2021", 4, &q));
    OK(xc_enquire_set_query(e, keep(q)));
    char got[256] = "";
    uint32_t matches = 0;
    OK(xc_enquire_value_counts(e, SLOT_DATE, on_value_count, got, &matches));
    assert_int_equal(matches, 3);
    assert_string_equal(got, "2019:1 2020:1 2021:1 ");
    /* Every document, counted by a slot some share (the categories); the
     * spy is gone after the call: a plain search still works. */
    OK(xc_query_value_range(SLOT_DATE, NULL, 0, NULL, 0, &q));
    OK(xc_enquire_set_query(e, keep(q)));
    got[0] = '\0';
    OK(xc_enquire_value_counts(e, SLOT_CAT, on_value_count, got, &matches));
    assert_int_equal(matches, 5);
    unsigned total = 0, c;
    for (const char *p = strchr(got, ':'); p; p = strchr(p + 1, ':'))
        if (sscanf(p + 1, "%u", &c) == 1) total += c;
    assert_int_equal(total, 5);
    hits h = run_enquire(e, q);
    assert_int_equal(h.n, 5);
    /* A slot no document has: matches, no values. */
    got[0] = '\0';
    OK(xc_enquire_value_counts(e, 9, on_value_count, got, NULL));
    assert_string_equal(got, "");
    EXPECT(XC_ERR_INVALID, xc_enquire_value_counts(e, 9, NULL, NULL, NULL));
    xc_enquire_free(e);
}

static void test_enquire_options(void **state)
{
    (void)state;
    xc_query *all = NULL;
    OK(xc_query_all(&all));
    keep(all);

    /* Sort by date only. */
    hits h = run_sorted(XC_SORT_VALUE, SLOT_DATE, 0, all);
    EXPECT_IDS(h, 2, 4, 1, 5, 3);
    h = run_sorted(XC_SORT_VALUE, SLOT_DATE, 1, all);
    EXPECT_IDS(h, 3, 5, 1, 4, 2);
    /* By category, then relevance within one. */
    h = run_sorted(XC_SORT_VALUE_THEN_RELEVANCE, SLOT_CAT, 0, T("quick"));
    EXPECT_IDS(h, 1, 2, 3, 4);
    h = run_sorted(XC_SORT_VALUE_THEN_RELEVANCE, SLOT_CAT, 1, T("quick"));
    EXPECT_IDS(h, 3, 4, 1, 2);
    /* By relevance, the date breaking the d1/d3 tie. */
    h = run_sorted(XC_SORT_RELEVANCE_THEN_VALUE, SLOT_DATE, 0, T("quick"));
    EXPECT_IDS(h, 1, 3, 2, 4);
    h = run_sorted(XC_SORT_RELEVANCE_THEN_VALUE, SLOT_DATE, 1, T("quick"));
    EXPECT_IDS(h, 3, 1, 2, 4);
    h = run_sorted(XC_SORT_RELEVANCE, 0, 0, T("quick"));
    EXPECT_IDS(h, 1, 3, 2, 4);

    xc_enquire *e = NULL;
    OK(xc_enquire_new(cdb, &e));
    /* Docid order only breaks ties: d1/d3 here, everything at weight 0. */
    OK(xc_enquire_set_docid_order(e, 1));
    h = run_enquire(e, T("quick"));
    EXPECT_IDS(h, 3, 1, 2, 4);
    xc_query *zero = NULL;
    OK(xc_query_scale(T("quick"), 0, &zero));
    h = run_enquire(e, keep(zero));
    EXPECT_IDS(h, 4, 3, 2, 1);
    OK(xc_enquire_set_docid_order(e, 0));
    h = run_enquire(e, zero);
    EXPECT_IDS(h, 1, 2, 3, 4);

    /* BM25: b = 0 ignores document length, so every "quick" weighs the
     * same; b = 1 normalises fully. */
    OK(xc_enquire_set_bm25(e, 1, 0, 1, 0, 0.5));
    h = run_enquire(e, T("quick"));
    EXPECT_IDS(h, 1, 2, 3, 4);
    assert_true(h.w[0] == h.w[3] && h.w[0] > 0);
    OK(xc_enquire_set_bm25(e, 1, 0, 1, 1, 0.5));
    h = run_enquire(e, T("quick"));
    EXPECT_IDS(h, 1, 3, 2, 4);
    /* k1 = 0 ignores wdf: "quick" at wqf 1 in every doc, so equal again. */
    OK(xc_enquire_set_bm25(e, 0, 0, 1, 0.5, 0.5));
    h = run_enquire(e, T("quick"));
    EXPECT_IDS(h, 1, 2, 3, 4);
    EXPECT(XC_ERR_INVALID, xc_enquire_set_bm25(e, -1, 0, 1, 0.5, 0.5));
    EXPECT(XC_ERR_INVALID, xc_enquire_set_bm25(e, 1, 0, 1, 1.5, 0.5));
    EXPECT(XC_ERR_INVALID, xc_enquire_set_bm25(e, 1, 0, 1, NAN, 0.5));
    OK(xc_enquire_set_bm25(e, 1, 0, 1, 0.5, 0.5)); /* the defaults */
    h = run_enquire(e, T("quick"));
    EXPECT_IDS(h, 1, 3, 2, 4);

    /* Collapse on category: the best of a (d1) and of b (d3). */
    OK(xc_enquire_set_collapse_key(e, SLOT_CAT, 1));
    h = run_enquire(e, T("quick"));
    EXPECT_IDS(h, 1, 3);
    OK(xc_enquire_set_collapse_key(e, SLOT_CAT, 2));
    h = run_enquire(e, T("quick"));
    EXPECT_IDS(h, 1, 3, 2, 4);
    OK(xc_enquire_set_collapse_key(e, SLOT_CAT, 1));
    OK(xc_enquire_set_collapse_key(e, SLOT_CAT, 0)); /* off again */
    h = run_enquire(e, T("quick"));
    EXPECT_IDS(h, 1, 3, 2, 4);

    /* Matching terms come in query-position order. */
    OK(xc_enquire_set_query(e,
                            combine(XC_OP_OR, combine(XC_OP_OR, TP("red", 1, 2), TP("quick", 1, 1)),
                                    TP("lazy", 1, 3))));
    termlist tl = {0};
    OK(xc_enquire_matching_terms(e, 2, on_match_term, &tl));
    assert_int_equal(tl.n, 2);
    assert_string_equal(tl.terms[0], "quick");
    assert_string_equal(tl.terms[1], "red");
    OK(xc_enquire_set_query(e,
                            combine(XC_OP_OR, combine(XC_OP_OR, TP("red", 1, 1), TP("quick", 1, 2)),
                                    TP("lazy", 1, 3))));
    termlist tl2 = {0};
    OK(xc_enquire_matching_terms(e, 2, on_match_term, &tl2));
    assert_int_equal(tl2.n, 2);
    assert_string_equal(tl2.terms[0], "red");
    assert_string_equal(tl2.terms[1], "quick");
    termlist first = {.stop_after = 1};
    OK(xc_enquire_matching_terms(e, 2, on_match_term, &first));
    assert_int_equal(first.n, 1);
    termlist d5 = {0};
    OK(xc_enquire_matching_terms(e, 5, on_match_term, &d5));
    assert_int_equal(d5.n, 1);
    assert_string_equal(d5.terms[0], "lazy");
    /* Without query positions they come in byte order. */
    OK(xc_enquire_set_query(e, combine(XC_OP_OR, T("red"), T("quick"))));
    termlist tl3 = {0};
    OK(xc_enquire_matching_terms(e, 2, on_match_term, &tl3));
    assert_int_equal(tl3.n, 2);
    assert_string_equal(tl3.terms[0], "quick");
    assert_string_equal(tl3.terms[1], "red");
    termlist none = {0};
    OK(xc_enquire_matching_terms(e, 5, on_match_term, &none));
    assert_int_equal(none.n, 0);
    xc_enquire_free(e);

    EXPECT(XC_ERR_INVALID, xc_enquire_set_sort(e = NULL, XC_SORT_VALUE, 0, 0));
    OK(xc_enquire_new(cdb, &e));
    EXPECT(XC_ERR_INVALID, xc_enquire_set_sort(e, (xc_sort)42, 0, 0));
    /* No query set yet: an empty result, not an error. */
    xc_mset *m = NULL;
    OK(xc_enquire_mset(e, 0, 10, 0, &m));
    assert_int_equal(xc_mset_size(m), 0);
    xc_mset_free(m);
    xc_enquire_free(e);
}

static void test_mset(void **state)
{
    (void)state;
    xc_enquire *e = NULL;
    OK(xc_enquire_new(cdb, &e));
    OK(xc_enquire_set_query(e, T("quick")));
    xc_mset *m = NULL;
    OK(xc_enquire_mset(e, 1, 2, 10, &m));
    assert_int_equal(xc_mset_size(m), 2);
    assert_int_equal(xc_mset_estimated(m), 4);
    assert_int_equal(xc_mset_lower_bound(m), 4);
    assert_int_equal(xc_mset_upper_bound(m), 4);
    xc_docid id = 0;
    double wt = 0;
    uint32_t rank = 0;
    OK(xc_mset_item(m, 0, &id, &wt, &rank));
    assert_int_equal(id, 3);
    assert_int_equal(rank, 1); /* ranks count from the whole result list */
    assert_true(wt > 0);
    OK(xc_mset_item(m, 1, &id, NULL, &rank));
    assert_int_equal(id, 2);
    assert_int_equal(rank, 2);
    OK(xc_mset_item(m, 1, NULL, NULL, NULL));
    id = 9;
    EXPECT(XC_ERR_INVALID, xc_mset_item(m, 2, &id, &wt, &rank));
    assert_int_equal(id, 0);
    assert_int_equal(rank, 0);

    xc_document *doc = NULL;
    OK(xc_mset_document(m, 0, &doc));
    assert_int_equal(xc_document_docid(doc), 3);
    const char *data = NULL;
    size_t len = 0;
    OK(xc_document_get_data(doc, &data, &len));
    assert_int_equal(len, strlen("doc three"));
    assert_memory_equal(data, "doc three", len);
    const char *val = NULL;
    OK(xc_document_get_value(doc, SLOT_DATE, &val, &len));
    assert_int_equal(len, 4);
    assert_memory_equal(val, "2022", 4);
    xc_document_free(doc);
    doc = (xc_document *)1;
    EXPECT(XC_ERR_INVALID, xc_mset_document(m, 2, &doc));
    assert_null(doc);
    xc_mset_free(m);

    /* Past the end. */
    OK(xc_enquire_mset(e, 10, 10, 0, &m));
    assert_int_equal(xc_mset_size(m), 0);
    assert_int_equal(xc_mset_estimated(m), 4);
    xc_mset_free(m);
    xc_enquire_free(e);
}

/* ----------------------------------------------------- writable updates */

static void expect_data(xc_database *db, xc_docid id, const char *want)
{
    xc_document *doc = NULL;
    OK(xc_database_get_document(db, id, &doc));
    const char *data = NULL;
    size_t len = 0;
    OK(xc_document_get_data(doc, &data, &len));
    assert_int_equal(len, strlen(want));
    assert_memory_equal(data, want, len);
    xc_document_free(doc);
}

static void test_writable_updates(void **state)
{
    (void)state;
    char path[PATHLEN];
    xc_writable *w = new_db("updates", path);
    assert_int_equal(add_text(w, "alpha", "first"), 1);

    /* Replace-by-term adds when no document has the term... */
    xc_document *doc = text_doc("beta");
    OK(xc_document_add_boolean_term(doc, "Qkey", 4));
    OK(xc_document_set_data(doc, "v1", 2));
    xc_docid id = 0;
    OK(xc_writable_replace_by_term(w, "Qkey", 4, doc, &id));
    assert_int_equal(id, 2);
    /* ... and replaces in place when one has. */
    OK(xc_document_set_data(doc, "v2", 2));
    OK(xc_writable_replace_by_term(w, "Qkey", 4, doc, &id));
    assert_int_equal(id, 2);
    OK(xc_writable_replace_by_term(w, "Qkey", 4, doc, NULL));
    uint32_t n = 0;
    OK(xc_writable_doccount(w, &n));
    assert_int_equal(n, 2);

    /* A reader on the writer sees uncommitted changes. */
    xc_database *live = NULL;
    OK(xc_writable_database(w, &live));
    expect_data(live, 2, "v2");

    /* Replace by docid, including one that doesn't exist yet. */
    OK(xc_document_set_data(doc, "by id", 5));
    OK(xc_writable_replace_document(w, 1, doc));
    expect_data(live, 1, "by id");
    OK(xc_writable_replace_document(w, 10, doc));
    xc_docid last = 0;
    OK(xc_database_lastdocid(live, &last));
    assert_int_equal(last, 10);
    xc_document_free(doc);

    /* Delete by term removes all three holders of Qkey. */
    OK(xc_database_termfreq(live, "Qkey", 4, &n));
    assert_int_equal(n, 3);
    OK(xc_writable_delete_by_term(w, "Qkey", 4));
    OK(xc_writable_doccount(w, &n));
    assert_int_equal(n, 0);
    OK(xc_writable_delete_by_term(w, "Qnobody", 7));
    assert_int_equal(add_text(w, "gamma", "third"), 11);
    OK(xc_writable_delete_document(w, 11));
    EXPECT(XC_ERR_NOTFOUND, xc_writable_delete_document(w, 11));
    EXPECT_MSG("DocNotFoundError");
    EXPECT(XC_ERR_INVALID, xc_writable_delete_document(w, 0));
    EXPECT_MSG("InvalidArgumentError");
    OK(xc_writable_commit(w));
    OK(xc_writable_doccount(w, &n));
    assert_int_equal(n, 0);

    /* Once the writer is closed the shared handle answers "invalid"
     * (DatabaseClosedError) rather than crashing; it still needs freeing. */
    xc_writable_close(w);
    EXPECT(XC_ERR_INVALID, xc_database_termfreq(live, "alpha", 5, &n));
    EXPECT_MSG("DatabaseClosedError");
    xc_database_close(live);
}

static int collect_key(void *ctx, const char *key, size_t len)
{
    strncat((char *)ctx, key, len);
    strcat((char *)ctx, ",");
    return 0;
}

static int collect_first_key(void *ctx, const char *key, size_t len)
{
    collect_key(ctx, key, len);
    return 1;
}

static void test_metadata(void **state)
{
    (void)state;
    char path[PATHLEN];
    xc_writable *w = new_db("meta", path);
    OK(xc_writable_set_metadata(w, "k1", 2, "v\0x1", 4));
    char *val = (char *)1;
    size_t len = 99;
    OK(xc_writable_get_metadata(w, "k1", 2, &val, &len));
    assert_int_equal(len, 4);
    assert_memory_equal(val, "v\0x1", 4);
    xc_free(val);
    OK(xc_writable_get_metadata(w, "nope", 4, &val, &len));
    assert_null(val);
    assert_int_equal(len, 0);
    OK(xc_writable_set_metadata(w, "k2", 2, "two", 3));
    OK(xc_writable_set_metadata(w, "k2", 2, NULL, 0)); /* empty deletes */
    EXPECT(XC_ERR_INVALID, xc_writable_set_metadata(w, "", 0, "x", 1));
    EXPECT_MSG("InvalidArgumentError");
    OK(xc_writable_commit(w));

    xc_database *db = NULL;
    OK(xc_database_open(path, &db));
    OK(xc_database_get_metadata(db, "k1", 2, &val, &len));
    assert_int_equal(len, 4);
    assert_memory_equal(val, "v\0x1", 4);
    xc_free(val);
    val = (char *)1;
    OK(xc_database_get_metadata(db, "k2", 2, &val, &len));
    assert_null(val);
    assert_int_equal(len, 0);
    EXPECT(XC_ERR_INVALID, xc_database_get_metadata(db, "", 0, &val, &len));
    /* Keys by prefix, sorted; the deleted k2 is gone; early stop. */
    OK(xc_writable_set_metadata(w, "j0", 2, "x", 1));
    OK(xc_writable_commit(w));
    OK(xc_database_reopen(db, NULL));
    char keys[64] = "";
    OK(xc_database_metadata_keys(db, "k", 1, collect_key, keys));
    assert_string_equal(keys, "k1,");
    keys[0] = '\0';
    OK(xc_database_metadata_keys(db, "", 0, collect_key, keys));
    assert_string_equal(keys, "j0,k1,");
    keys[0] = '\0';
    OK(xc_database_metadata_keys(db, "", 0, collect_first_key, keys));
    assert_string_equal(keys, "j0,");
    EXPECT(XC_ERR_INVALID, xc_database_metadata_keys(NULL, "", 0, collect_key, keys));
    xc_database_close(db);
    xc_writable_close(w);
}

static void test_transactions(void **state)
{
    (void)state;
    char path[PATHLEN];
    xc_writable *w = new_db("txn", path);
    add_text(w, "one", "1");
    OK(xc_writable_commit(w));

    OK(xc_writable_begin_transaction(w, 0));
    EXPECT(XC_ERR_INVALID, xc_writable_begin_transaction(w, 0)); /* no nesting */
    EXPECT_MSG("InvalidOperationError");
    add_text(w, "two", "2");
    uint32_t n = 0;
    OK(xc_writable_doccount(w, &n));
    assert_int_equal(n, 2);
    OK(xc_writable_cancel_transaction(w));
    OK(xc_writable_doccount(w, &n));
    assert_int_equal(n, 1);

    OK(xc_writable_begin_transaction(w, 1));
    add_text(w, "three", "3");
    OK(xc_writable_commit_transaction(w));
    EXPECT(XC_ERR_INVALID, xc_writable_commit_transaction(w));
    EXPECT(XC_ERR_INVALID, xc_writable_cancel_transaction(w));
    /* A flushed transaction is on disk as soon as it commits. */
    xc_database *db = NULL;
    OK(xc_database_open(path, &db));
    OK(xc_database_doccount(db, &n));
    assert_int_equal(n, 2);
    OK(xc_database_termfreq(db, "three", 5, &n));
    assert_int_equal(n, 1);
    OK(xc_database_termfreq(db, "two", 3, &n));
    assert_int_equal(n, 0);
    xc_database_close(db);

    /* Closing inside a transaction discards it. */
    OK(xc_writable_begin_transaction(w, 1));
    add_text(w, "four", "4");
    xc_writable_close(w);
    OK(xc_database_open(path, &db));
    OK(xc_database_doccount(db, &n));
    assert_int_equal(n, 2);
    xc_database_close(db);
}

static void test_reopen(void **state)
{
    (void)state;
    char path[PATHLEN];
    xc_writable *w = new_db("reopen", path);
    add_text(w, "one", "1");
    OK(xc_writable_commit(w));
    xc_database *db = NULL;
    OK(xc_database_open(path, &db));
    add_text(w, "two", "2");
    OK(xc_writable_commit(w));

    uint32_t n = 0;
    OK(xc_database_doccount(db, &n));
    assert_int_equal(n, 1); /* still at the revision it opened */
    int changed = -1;
    OK(xc_database_reopen(db, &changed));
    assert_int_equal(changed, 1);
    OK(xc_database_doccount(db, &n));
    assert_int_equal(n, 2);
    OK(xc_database_reopen(db, &changed));
    assert_int_equal(changed, 0);
    OK(xc_database_reopen(db, NULL));
    xc_database_close(db);
    xc_writable_close(w);
}

static void test_open_modes(void **state)
{
    (void)state;
    char path[PATHLEN], other[PATHLEN];
    xc_writable *w = new_db("modes", path);
    add_text(w, "one", "1");
    OK(xc_writable_close_checked(w));

    w = (xc_writable *)1;
    EXPECT(XC_ERR_INVALID, xc_writable_open(path, XC_OPEN_CREATE, 0, 0, &w));
    assert_null(w);
    EXPECT_MSG("DatabaseCreateError");

    OK(xc_writable_open(path, XC_OPEN_CREATE_OR_OPEN, XC_WRITABLE_FULL_SYNC, 0, &w));
    uint32_t n = 0;
    OK(xc_writable_doccount(w, &n));
    assert_int_equal(n, 1);
    xc_writable_close(w);
    OK(xc_writable_open(path, XC_OPEN_OPEN, 0, 0, &w));
    OK(xc_writable_doccount(w, &n));
    assert_int_equal(n, 1);
    xc_writable_close(w);
    OK(xc_writable_open(path, XC_OPEN_OVERWRITE, XC_WRITABLE_NO_SYNC, 0, &w));
    OK(xc_writable_doccount(w, &n));
    assert_int_equal(n, 0);
    xc_writable_close(w);

    path_in(other, "modes-missing");
    EXPECT(XC_ERR_NOTFOUND, xc_writable_open(other, XC_OPEN_OPEN, 0, 0, &w));
    EXPECT_MSG("DatabaseNotFoundError");
    assert_null(w);
    OK(xc_writable_open(other, XC_OPEN_OVERWRITE, 0, 0, &w)); /* creates */
    xc_writable_close(w);

    EXPECT(XC_ERR_INVALID, xc_writable_open(path, XC_OPEN_OPEN, XC_WRITABLE_SINGLE_FILE, 0, &w));
    EXPECT(XC_ERR_INVALID, xc_writable_open(path, XC_OPEN_OPEN, 64, 0, &w));
    EXPECT(XC_ERR_INVALID, xc_writable_open(path, (xc_open_mode)9, 0, 0, &w));
    assert_null(w);

    /* libxapian creates only the leaf directory: a missing parent is an
     * I/O-level failure (DatabaseCreateError), in every creating mode. */
    path_in(other, "no-such-parent/db");
    EXPECT(XC_ERR_IO, xc_writable_open(other, XC_OPEN_CREATE_OR_OPEN, 0, 0, &w));
    EXPECT_MSG("DatabaseCreateError");
    EXPECT(XC_ERR_IO, xc_writable_open(other, XC_OPEN_CREATE, 0, 0, &w));
    assert_null(w);
}

/* ---------------------------------------------------------------- locked */

struct closer {
    xc_writable *w;
    unsigned delay_ms;
};

static void *close_later(void *arg)
{
    struct closer *c = arg;
    sleep_ms(c->delay_ms);
    xc_writable_close(c->w);
    return NULL;
}

static void test_locked(void **state)
{
    (void)state;
    char path[PATHLEN];
    xc_writable *w1 = new_db("locked", path);
    xc_writable *w2 = (xc_writable *)1;

    /* libxapian locks per open, so a second writer in the same process is
     * refused like one in another process would be. */
    long long t0 = now_ms();
    EXPECT(XC_ERR_LOCKED, xc_writable_open(path, XC_OPEN_OPEN, 0, 0, &w2));
    assert_true(now_ms() - t0 < 250);
    assert_null(w2);
    EXPECT_MSG("DatabaseLockError");

    t0 = now_ms();
    EXPECT(XC_ERR_LOCKED, xc_writable_open(path, XC_OPEN_OPEN, 0, 300, &w2));
    long long waited = now_ms() - t0;
    assert_true(waited >= 295 && waited < 3000);
    EXPECT_MSG("waited");

    /* The holder lets go during the wait. */
    struct closer c = {w1, 150};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, close_later, &c), 0);
    t0 = now_ms();
    OK(xc_writable_open(path, XC_OPEN_OPEN, 0, 5000, &w2));
    waited = now_ms() - t0;
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(waited >= 100 && waited < 5000);
    add_text(w2, "after", "the wait");
    OK(xc_writable_close_checked(w2));
}

/* ------------------------------------------------- modified underneath */

/* Rewrite every document of `w` with terms that depend on `round`. */
static void churn(xc_writable *w, int round, int ndocs)
{
    char term[32];
    for (int i = 1; i <= ndocs; i++) {
        xc_document *doc = NULL;
        OK(xc_document_new(&doc));
        for (int j = 0; j < 20; j++) {
            int n = snprintf(term, sizeof term, "t%d", j + round * 7);
            OK(xc_document_add_term(doc, term, (size_t)n, 1));
        }
        int n = snprintf(term, sizeof term, "u%d", i + round * 1000);
        OK(xc_document_add_term(doc, term, (size_t)n, 1));
        OK(xc_document_set_data(doc, term, (size_t)n));
        if (round == 0)
            OK(xc_writable_add_document(w, doc, NULL));
        else
            OK(xc_writable_replace_document(w, (xc_docid)i, doc));
        xc_document_free(doc);
    }
    OK(xc_writable_commit(w));
}

static int count_term(void *ctx, const char *term, size_t len, uint32_t tf)
{
    (void)term;
    (void)len;
    (void)tf;
    ++*(int *)ctx;
    return 0;
}

/* Read from `db` until something fails; the first failure's status. The
 * reader keeps the blocks it last read in memory, so the probe includes a
 * search for a term it has not read before (term `fresh` of the first
 * revision): only reads of new blocks can notice they were recycled. */
static xc_status probe(xc_database *db, int fresh)
{
    uint32_t n;
    xc_status st = xc_database_termfreq(db, "u250", 4, &n);
    if (st != XC_OK) return st;
    xc_document *doc = NULL;
    if ((st = xc_database_get_document(db, 250, &doc)) != XC_OK) return st;
    const char *data;
    size_t len;
    st = xc_document_get_data(doc, &data, &len);
    xc_document_free(doc);
    if (st != XC_OK) return st;
    int count = 0;
    if ((st = xc_database_allterms(db, "u", 1, count_term, &count)) != XC_OK) return st;
    char term[16];
    snprintf(term, sizeof term, "t%d", fresh % 20);
    xc_query *q = NULL;
    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    if ((st = xc_query_term(term, strlen(term), 1, 0, &q)) == XC_OK &&
        (st = xc_enquire_new(db, &e)) == XC_OK && (st = xc_enquire_set_query(e, q)) == XC_OK)
        st = xc_enquire_mset(e, 0, 10, 0, &m);
    xc_mset_free(m);
    xc_enquire_free(e);
    xc_query_free(q);
    return st;
}

static void test_modified(void **state)
{
    (void)state;
    char path[PATHLEN];
    xc_writable *w = new_db("modified", path);
    churn(w, 0, 300);
    xc_database *db = NULL;
    OK(xc_database_open(path, &db));

    /* Glass keeps the blocks of only the latest revisions; rewriting all
     * documents a few times recycles the ones the reader still points at. */
    xc_status st = XC_OK;
    int round;
    for (round = 1; round <= 20 && st == XC_OK; round++) {
        churn(w, round, 300);
        st = probe(db, round);
    }
    EXPECT(XC_ERR_MODIFIED, st);
    EXPECT_MSG("DatabaseModifiedError");

    int changed = 0;
    OK(xc_database_reopen(db, &changed));
    assert_int_equal(changed, 1);
    OK(probe(db, 0));
    char term[32];
    int n = snprintf(term, sizeof term, "u%d", 250 + (round - 1) * 1000);
    uint32_t tf = 0;
    OK(xc_database_termfreq(db, term, (size_t)n, &tf));
    assert_int_equal(tf, 1);
    xc_database_close(db);
    xc_writable_close(w);
}

/* --------------------------------------------------------------- corrupt */

/* Overwrite block `block` of a table file with garbage, keeping its first
 * 4 bytes (the revision) so that glass sees a damaged block of the right
 * age rather than a block rewritten by a newer revision. */
static void garble_block(const char *file, long block)
{
    unsigned char buf[8192];
    int fd = open(file, O_RDWR);
    assert_true(fd >= 0);
    off_t off = (off_t)block * (off_t)sizeof buf;
    assert_int_equal(pread(fd, buf, 4, off), 4);
    memset(buf + 4, 0xab, sizeof buf - 4);
    assert_int_equal(pwrite(fd, buf, sizeof buf, off), (ssize_t)sizeof buf);
    close(fd);
}

static void test_corrupt(void **state)
{
    (void)state;
    char path[PATHLEN], table[PATHLEN + 32];
    xc_writable *w = new_db("corrupt", path);
    for (int i = 0; i < 2000; i++) {
        char text[128];
        snprintf(text, sizeof text, "t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 u%d", i);
        xc_document *doc = text_doc(text);
        OK(xc_writable_add_document(w, doc, NULL));
        xc_document_free(doc);
    }
    OK(xc_writable_close_checked(w));
    snprintf(table, sizeof table, "%s/postlist.glass", path);
    struct stat sb;
    assert_int_equal(stat(table, &sb), 0);
    assert_true(sb.st_size >= 4 * 8192);

    /* A block in the middle: opening works, reading every term hits it. */
    garble_block(table, (long)(sb.st_size / 8192 / 2));
    xc_database *db = NULL;
    OK(xc_database_open(path, &db));
    int count = 0;
    EXPECT(XC_ERR_CORRUPT, xc_database_allterms(db, NULL, 0, count_term, &count));
    EXPECT_MSG("DatabaseCorruptError");
    xc_database_close(db);
    /* The check gives up on such damage with an exception: a status. */
    size_t errors = 7;
    EXPECT(XC_ERR_CORRUPT, xc_database_check(path, &errors));
    assert_int_equal(errors, 0);

    /* The root block: opening fails already. */
    for (long b = 0; b < (long)(sb.st_size / 8192); b++)
        garble_block(table, b);
    db = (xc_database *)1;
    EXPECT(XC_ERR_CORRUPT, xc_database_open(path, &db));
    assert_null(db);
}

static void test_check(void **state)
{
    (void)state;
    size_t errors = 99;
    OK(xc_database_check(corpus, &errors));
    assert_int_equal(errors, 0);

    /* Two one-document databases alike but for one wdf: swapping their
     * termlist tables leaves a consistent B-tree whose document length
     * disagrees with the postlist table. Check counts that, no exception. */
    char a[PATHLEN], b[PATHLEN], from[PATHLEN + 32], to[PATHLEN + 32];
    for (int i = 0; i < 2; i++) {
        xc_writable *w = new_db(i ? "check-b" : "check-a", i ? b : a);
        xc_document *doc = NULL;
        OK(xc_document_new(&doc));
        OK(xc_document_add_term(doc, "apple", 5, 1));
        OK(xc_document_add_term(doc, "banana", 6, (unsigned)i + 1));
        OK(xc_writable_add_document(w, doc, NULL));
        xc_document_free(doc);
        OK(xc_writable_close_checked(w));
    }
    snprintf(from, sizeof from, "%s/termlist.glass", b);
    snprintf(to, sizeof to, "%s/termlist.glass", a);
    copy_file(from, to);
    OK(xc_database_check(a, &errors));
    assert_true(errors > 0);
    EXPECT_MSG("doesn't match");

    path_in(a, "check-missing");
    EXPECT(XC_ERR_NOTFOUND, xc_database_check(a, &errors));
    assert_int_equal(errors, 0);
}

/* ----------------------------------------------- not found, version, io */

static void test_notfound(void **state)
{
    (void)state;
    char path[PATHLEN];
    xc_database *db = (xc_database *)1;
    path_in(path, "missing");
    EXPECT(XC_ERR_NOTFOUND, xc_database_open(path, &db));
    assert_null(db);
    EXPECT_MSG("DatabaseNotFoundError");
    EXPECT_MSG(path); /* the message names the path */

    path_in(path, "empty-dir");
    assert_int_equal(mkdir(path, 0700), 0);
    EXPECT(XC_ERR_NOTFOUND, xc_database_open(path, &db));

    path_in(path, "bad.stub");
    write_file(path, "nonsense here\n");
    EXPECT(XC_ERR_NOTFOUND, xc_database_open(path, &db));
    EXPECT_MSG("Bad line");

    xc_document *doc = (xc_document *)1;
    EXPECT(XC_ERR_NOTFOUND, xc_database_get_document(cdb, 99, &doc));
    assert_null(doc);
    EXPECT_MSG("DocNotFoundError");
    EXPECT(XC_ERR_INVALID, xc_database_get_document(cdb, 0, &doc));
}

static void test_version_and_other(void **state)
{
    (void)state;
    char path[PATHLEN], file[PATHLEN + 32];
    xc_writable *w = new_db("version", path);
    add_text(w, "one", "1");
    OK(xc_writable_close_checked(w));
    /* Bytes 14-15 of iamglass are the format version (a date code). */
    snprintf(file, sizeof file, "%s/iamglass", path);
    int fd = open(file, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "\x01\x01", 2, 14), 2);
    close(fd);
    xc_database *db = (xc_database *)1;
    EXPECT(XC_ERR_VERSION, xc_database_open(path, &db));
    assert_null(db);
    EXPECT_MSG("DatabaseVersionError");
    EXPECT(XC_ERR_VERSION, xc_writable_open(path, XC_OPEN_OPEN, 0, 0, &w));

    /* A flint database (dropped in 1.4) is FeatureUnavailableError: no
     * status of its own, so "other". */
    path_in(path, "flint");
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(file, sizeof file, "%s/iamflint", path);
    write_file(file, "");
    EXPECT(XC_ERR_OTHER, xc_database_open(path, &db));
    EXPECT_MSG("FeatureUnavailableError");
}

/* --------------------------------------------------------------- network */

/* A TCP port on 127.0.0.1 that was free a moment ago. */
static unsigned free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    close(s);
    return ntohs(sa.sin_port);
}

static void test_network_errors(void **state)
{
    (void)state;
    unsigned port = free_port();
    xc_database *db = (xc_database *)1;
    long long t0 = now_ms();
    EXPECT(XC_ERR_NETWORK, xc_database_open_remote("127.0.0.1", port, 1000, 1000, &db));
    assert_true(now_ms() - t0 < 3000);
    assert_null(db);
    EXPECT_MSG("NetworkError");
    EXPECT_MSG("127.0.0.1");

    /* The same through a stub file. */
    char path[PATHLEN], line[64];
    path_in(path, "remote.stub");
    snprintf(line, sizeof line, "remote 127.0.0.1:%u\n", port);
    write_file(path, line);
    EXPECT(XC_ERR_NETWORK, xc_database_open(path, &db));

    /* A server that accepts the connection (the kernel does, into the
     * backlog) but never speaks: NetworkTimeoutError after timeout_ms. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t salen = sizeof sa;
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(s, 4), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &salen), 0);
    t0 = now_ms();
    EXPECT(XC_ERR_NETWORK,
           xc_database_open_remote("127.0.0.1", ntohs(sa.sin_port), 200, 1000, &db));
    long long waited = now_ms() - t0;
    close(s);
    assert_true(waited >= 150 && waited < 3000);
    EXPECT_MSG("NetworkTimeoutError");

    EXPECT(XC_ERR_INVALID, xc_database_open_remote(NULL, port, 0, 0, &db));
    EXPECT(XC_ERR_INVALID, xc_database_open_remote("127.0.0.1", 0, 0, 0, &db));
    EXPECT(XC_ERR_INVALID, xc_database_open_remote("127.0.0.1", 70000, 0, 0, &db));
}

/* Stop the server and the per-connection children it forked (it runs in a
 * process group of its own), waiting a bounded time. */
static void stop_server(pid_t pid)
{
    kill(-pid, SIGTERM);
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) return;
        sleep_ms(20);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void test_network_tcpsrv(void **state)
{
    (void)state;
    unsigned port = free_port();
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%u", port);
    char *argv[] = {"xapian-tcpsrv", "--quiet",   "--port", portstr,
                    "--interface",   "127.0.0.1", corpus,   NULL};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, "xapian-tcpsrv", &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc == ENOENT) {
        print_message("xapian-tcpsrv not found (package xapian-tools): skipped\n");
        skip();
    }
    assert_int_equal(rc, 0);

    /* Wait (at most 5 s) for it to listen. */
    xc_database *db = NULL;
    xc_status st = XC_ERR_NETWORK;
    for (int i = 0; i < 100 && st != XC_OK; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            fail_msg("xapian-tcpsrv exited early (port %u taken?)", port);
        st = xc_database_open_remote("127.0.0.1", port, 5000, 1000, &db);
        if (st != XC_OK) sleep_ms(50);
    }
    if (st != XC_OK) {
        stop_server(pid);
        fail_msg("xapian-tcpsrv did not answer: %s", xc_errmsg());
    }

    uint32_t n = 0;
    OK(xc_database_doccount(db, &n));
    assert_int_equal(n, 5);
    OK(xc_database_termfreq(db, "quick", 5, &n));
    assert_int_equal(n, 4);
    hits h = run_on(db, T("quick"));
    EXPECT_IDS(h, 1, 3, 2, 4);
    expect_data(db, 3, "doc three");

    /* A stub naming the remote shard next to a local one. */
    char path[PATHLEN], text[PATHLEN + 64];
    path_in(path, "mixed.stub");
    snprintf(text, sizeof text, "remote 127.0.0.1:%u\nauto %s\n", port, corpus);
    write_file(path, text);
    xc_database *mixed = NULL;
    OK(xc_database_open(path, &mixed));
    OK(xc_database_doccount(mixed, &n));
    assert_int_equal(n, 10);
    h = run_on(mixed, T("red"));
    EXPECT_SET(h, 3, 4); /* d2 of each shard, interleaved: 2*2-1, 2*2 */

    /* Once the server is gone, using the connection is a network error. */
    stop_server(pid);
    xc_enquire *e = NULL;
    OK(xc_enquire_new(db, &e));
    OK(xc_enquire_set_query(e, T("lazy")));
    xc_mset *m = (xc_mset *)1;
    EXPECT(XC_ERR_NETWORK, xc_enquire_mset(e, 0, 10, 0, &m));
    assert_null(m);
    EXPECT_MSG("Network");
    xc_enquire_free(e);
    xc_database_close(mixed);
    xc_database_close(db);
}

/* ------------------------------------------------ stubs, shards, compact */

static void make_shards(char *a, char *b)
{
    xc_writable *w = new_db("shard-a", a);
    add_text(w, "apple banana", "A1");
    add_text(w, "apple", "A2");
    OK(xc_writable_close_checked(w));
    w = new_db("shard-b", b);
    add_text(w, "apple cherry", "B1");
    add_text(w, "banana", "B2");
    add_text(w, "cherry", "B3");
    OK(xc_writable_close_checked(w));
}

/* The data of the hits of `q`, sorted and joined with spaces. */
static void data_of(xc_database *db, const xc_query *q, char *out, size_t outlen)
{
    hits h = run_on(db, q);
    char items[MAXHITS][16];
    for (size_t i = 0; i < h.n; i++) {
        xc_document *doc = NULL;
        OK(xc_database_get_document(db, h.id[i], &doc));
        const char *data;
        size_t len;
        OK(xc_document_get_data(doc, &data, &len));
        assert_true(len < 16);
        memcpy(items[i], data, len);
        items[i][len] = '\0';
        xc_document_free(doc);
    }
    qsort(items, h.n, sizeof items[0], (int (*)(const void *, const void *))strcmp);
    out[0] = '\0';
    for (size_t i = 0; i < h.n; i++) {
        if (i) strncat(out, " ", outlen - strlen(out) - 1);
        strncat(out, items[i], outlen - strlen(out) - 1);
    }
}

static void expect_shard_pair(xc_database *db, xc_docid last)
{
    uint32_t n = 0;
    OK(xc_database_doccount(db, &n));
    assert_int_equal(n, 5);
    xc_docid l = 0;
    OK(xc_database_lastdocid(db, &l));
    assert_int_equal(l, last);
    OK(xc_database_termfreq(db, "apple", 5, &n));
    assert_int_equal(n, 3);
    OK(xc_database_termfreq(db, "cherry", 6, &n));
    assert_int_equal(n, 2);
    char got[128];
    data_of(db, T("apple"), got, sizeof got);
    assert_string_equal(got, "A1 A2 B1");
    data_of(db, T("banana"), got, sizeof got);
    assert_string_equal(got, "A1 B2");
}

static void test_stub_and_combined(void **state)
{
    (void)state;
    char a[PATHLEN], b[PATHLEN], stub[PATHLEN], text[2 * PATHLEN + 64];
    make_shards(a, b);

    /* One absolute line, one relative (to the stub's directory). */
    path_in(stub, "shards.stub");
    snprintf(text, sizeof text, "# two shards\nauto %s\nauto shard-b\n", a);
    write_file(stub, text);
    xc_database *db = NULL;
    OK(xc_database_open(stub, &db));
    /* Docids interleave: shard i's k-th document is (k-1)*2 + i + 1. */
    expect_shard_pair(db, 6);
    hits h = run_on(db, T("apple"));
    EXPECT_SET(h, 1, 2, 3);
    xc_database_close(db);

    xc_database *all = NULL, *sa = NULL, *sb = NULL;
    OK(xc_database_new_combined(&all));
    uint32_t n = 9;
    OK(xc_database_doccount(all, &n));
    assert_int_equal(n, 0);
    OK(xc_database_open(a, &sa));
    OK(xc_database_open(b, &sb));
    OK(xc_database_add_shard(all, sa));
    OK(xc_database_add_shard(all, sb));
    /* The combined handle holds its own references to the shards. */
    xc_database_close(sa);
    xc_database_close(sb);
    expect_shard_pair(all, 6);
    h = run_on(all, T("cherry"));
    EXPECT_SET(h, 2, 6);
    EXPECT(XC_ERR_INVALID, xc_database_add_shard(all, all));
    EXPECT(XC_ERR_INVALID, xc_database_add_shard(all, NULL));
    xc_database_close(all);
}

static void test_compact(void **state)
{
    (void)state;
    char a[PATHLEN], b[PATHLEN], dest[PATHLEN];
    path_in(a, "shard-a");
    path_in(b, "shard-b");
    struct stat sb;
    if (stat(a, &sb) != 0) make_shards(a, b);
    const char *const srcs[] = {a, b};

    /* Renumbered: A's documents become 1-2, B's 3-5. */
    path_in(dest, "compact-1");
    OK(xc_compact(srcs, 2, dest, 0));
    xc_database *db = NULL;
    OK(xc_database_open(dest, &db));
    expect_shard_pair(db, 5);
    hits h = run_on(db, T("apple"));
    EXPECT_SET(h, 1, 2, 3);
    xc_database_close(db);
    size_t errors = 1;
    OK(xc_database_check(dest, &errors));
    assert_int_equal(errors, 0);

    path_in(dest, "compact-2");
    OK(xc_compact(srcs, 2, dest, XC_COMPACT_FULLER | XC_COMPACT_MULTIPASS));
    OK(xc_database_open(dest, &db));
    expect_shard_pair(db, 5);
    xc_database_close(db);

    path_in(dest, "compact-3.glass");
    OK(xc_compact(srcs, 2, dest, XC_COMPACT_SINGLE_FILE));
    assert_int_equal(stat(dest, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    OK(xc_database_open(dest, &db));
    expect_shard_pair(db, 5);
    xc_database_close(db);

    /* Keeping docids needs disjoint ranges; these both start at 1. */
    path_in(dest, "compact-4");
    EXPECT(XC_ERR_INVALID, xc_compact(srcs, 2, dest, XC_COMPACT_NO_RENUMBER));
    EXPECT_MSG("InvalidOperationError");
    const char *const one[] = {a};
    OK(xc_compact(one, 1, dest, XC_COMPACT_NO_RENUMBER));

    path_in(dest, "compact-5");
    EXPECT(XC_ERR_INVALID, xc_compact(srcs, 0, dest, 0));
    EXPECT(XC_ERR_INVALID, xc_compact(srcs, 2, dest, 1024));
    EXPECT(XC_ERR_INVALID, xc_compact(srcs, 2, NULL, 0));
    const char *const missing[] = {a, dest};
    EXPECT(XC_ERR_NOTFOUND, xc_compact(missing, 2, dest, 0));
}

/* --------------------------------------------------------------- invalid */

static void test_invalid_arguments(void **state)
{
    (void)state;
    xc_document *doc = (xc_document *)1;
    xc_database *db = (xc_database *)1;
    xc_writable *w = (xc_writable *)1;
    xc_query *q = (xc_query *)1;
    xc_enquire *e = (xc_enquire *)1;
    xc_mset *m = (xc_mset *)1;
    uint32_t n = 9;
    char *s = (char *)1;
    size_t len = 9;

    EXPECT(XC_ERR_INVALID, xc_document_new(NULL));
    EXPECT(XC_ERR_INVALID, xc_database_open("x", NULL));
    EXPECT(XC_ERR_INVALID, xc_database_new_combined(NULL));
    EXPECT(XC_ERR_INVALID, xc_writable_open(NULL, XC_OPEN_OPEN, 0, 0, &w));
    assert_null(w);
    EXPECT(XC_ERR_INVALID, xc_database_doccount(NULL, &n));
    assert_int_equal(n, 0);
    EXPECT(XC_ERR_INVALID, xc_database_termfreq(cdb, NULL, 3, &n));
    EXPECT(XC_ERR_INVALID, xc_database_get_metadata(NULL, "k", 1, &s, &len));
    assert_null(s);
    assert_int_equal(len, 0);
    EXPECT(XC_ERR_INVALID, xc_database_get_document(NULL, 1, &doc));
    assert_null(doc);
    EXPECT(XC_ERR_INVALID, xc_database_allterms(cdb, "", 0, NULL, NULL));
    EXPECT(XC_ERR_INVALID, xc_database_check(NULL, &len));
    EXPECT(XC_ERR_INVALID, xc_database_reopen(NULL, NULL));
    EXPECT(XC_ERR_INVALID, xc_writable_commit(NULL));
    EXPECT(XC_ERR_INVALID, xc_writable_add_document(NULL, NULL, NULL));
    EXPECT(XC_ERR_INVALID, xc_writable_database(NULL, &db));
    assert_null(db);
    EXPECT(XC_ERR_INVALID, xc_document_add_term(NULL, "a", 1, 1));
    EXPECT(XC_ERR_INVALID, xc_document_get_data(NULL, NULL, NULL));
    EXPECT(XC_ERR_INVALID, xc_document_terms(NULL, on_doc_term, NULL));

    /* Rejected by libxapian itself. */
    OK(xc_document_new(&doc));
    EXPECT(XC_ERR_INVALID, xc_document_add_term(doc, "", 0, 1));
    EXPECT_MSG("InvalidArgumentError");
    char longterm[300];
    memset(longterm, 'x', sizeof longterm);
    OK(xc_document_add_term(doc, longterm, sizeof longterm, 1));
    char path[PATHLEN];
    w = new_db("invalid", path);
    EXPECT(XC_ERR_INVALID, xc_writable_add_document(w, doc, NULL));
    EXPECT_MSG("Term too long");
    xc_writable_close(w);
    xc_document_free(doc);

    /* Queries. */
    EXPECT(XC_ERR_INVALID, xc_query_term(NULL, 1, 1, 0, &q));
    assert_null(q);
    const xc_query *subs[2] = {T("a"), NULL};
    q = (xc_query *)1;
    EXPECT(XC_ERR_INVALID, xc_query_combine(XC_OP_OR, subs, 2, &q));
    assert_null(q);
    EXPECT(XC_ERR_INVALID, xc_query_combine(XC_OP_OR, NULL, 1, &q));
    EXPECT(XC_ERR_INVALID, xc_query_combine((xc_query_op)77, subs, 1, &q));
    EXPECT(XC_ERR_INVALID, xc_query_phrase(subs, 0, 0, &q));
    EXPECT(XC_ERR_INVALID, xc_query_near(subs, 2, 0, &q));
    EXPECT(XC_ERR_INVALID, xc_query_phrase(subs, 1, 0xffffffffu, &q));
    EXPECT(XC_ERR_INVALID, xc_query_scale(subs[0], -1, &q));
    EXPECT(XC_ERR_INVALID, xc_query_scale(subs[0], NAN, &q));
    EXPECT(XC_ERR_INVALID, xc_query_scale(NULL, 1, &q));
    EXPECT(XC_ERR_INVALID, xc_query_wildcard(NULL, 1, 0, &q));
    EXPECT(XC_ERR_INVALID, xc_query_describe(NULL, &s));
    EXPECT(XC_ERR_INVALID, xc_query_all(NULL));
    EXPECT(XC_ERR_INVALID, xc_query_none(NULL));
    EXPECT(XC_ERR_INVALID, xc_query_value_range(0, "a", 1, "b", 1, NULL));
    assert_null(q);

    /* A phrase over anything but terms (or an OR of terms) is refused
     * when the query is built (UnimplementedError). */
    const xc_query *nonleaf[2] = {combine(XC_OP_AND, T("quick"), T("brown")), T("fox")};
    q = (xc_query *)1;
    EXPECT(XC_ERR_INVALID, xc_query_phrase(nonleaf, 2, 0, &q));
    EXPECT_MSG("UnimplementedError");
    assert_null(q);

    OK(xc_enquire_new(cdb, &e));
    EXPECT(XC_ERR_INVALID, xc_enquire_set_query(e, NULL));
    EXPECT(XC_ERR_INVALID, xc_enquire_matching_terms(e, 1, NULL, NULL));
    xc_enquire_free(e);
    e = (xc_enquire *)1;
    EXPECT(XC_ERR_INVALID, xc_enquire_new(NULL, &e));
    assert_null(e);
    EXPECT(XC_ERR_INVALID, xc_enquire_mset(NULL, 0, 10, 0, &m));
    EXPECT(XC_ERR_INVALID, xc_enquire_set_bm25(NULL, 1, 0, 1, 0.5, 0.5));
    EXPECT(XC_ERR_INVALID, xc_enquire_set_collapse_key(NULL, 0, 1));
    EXPECT(XC_ERR_INVALID, xc_enquire_set_docid_order(NULL, 0));
    EXPECT(XC_ERR_INVALID, xc_mset_item(NULL, 0, NULL, NULL, NULL));
    EXPECT(XC_ERR_INVALID, xc_mset_document(NULL, 0, &doc));
}

/* ----------------------------------------------------------- out of memory */

/* Runs in a child: exit status 0 when both allocations failed cleanly. */
static int nomem_child(void)
{
    const size_t big = (size_t)1 << 30;
    /* A gigabyte of readable zero pages as the source of the copies. It
     * costs address space but no memory, and is mapped before the limit
     * so that only the binding's own allocation can fail. */
    void *p = mmap(NULL, big, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return 20;
    xc_document *doc = NULL;
    if (xc_document_new(&doc) != XC_OK) return 21;
    /* Allow 256 MiB more than what is mapped now. */
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%lu", &pages) != 1) return 22;
    fclose(f);
    rlim_t cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)256 << 20);
    struct rlimit rl;
    getrlimit(RLIMIT_AS, &rl);
    rl.rlim_cur = cur;
    if (setrlimit(RLIMIT_AS, &rl) != 0) return 23;

    if (xc_document_set_data(doc, p, big) != XC_ERR_NOMEM) return 24;
    if (!strstr(xc_errmsg(), "bad_alloc")) return 25;
    xc_query *q = (xc_query *)1;
    if (xc_query_term(p, big, 1, 0, &q) != XC_ERR_NOMEM || q != NULL) return 26;
    /* Small things still work afterwards. */
    if (xc_document_set_data(doc, "ok", 2) != XC_OK) return 27;
    xc_document_free(doc);
    return 0;
}

static void test_nomem(void **state)
{
    (void)state;
    if (UNDER_ASAN) {
        print_message("RLIMIT_AS does not work under AddressSanitizer: skipped\n");
        skip();
    }
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) _exit(nomem_child());
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 500 && done == 0; i++) {
        done = waitpid(pid, &status, WNOHANG);
        if (done == 0) sleep_ms(20);
    }
    if (done == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        fail_msg("out-of-memory child hung");
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* ------------------------------------------------------------------ main */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_status_and_misc, free_pool),
        cmocka_unit_test_teardown(test_document_roundtrip, free_pool),
        cmocka_unit_test_teardown(test_database_stats, free_pool),
        cmocka_unit_test_teardown(test_query_operators, free_pool),
        cmocka_unit_test_teardown(test_query_positional, free_pool),
        cmocka_unit_test_teardown(test_query_scale_range_wildcard, free_pool),
        cmocka_unit_test_teardown(test_value_counts, free_pool),
        cmocka_unit_test_teardown(test_enquire_options, free_pool),
        cmocka_unit_test_teardown(test_mset, free_pool),
        cmocka_unit_test_teardown(test_writable_updates, free_pool),
        cmocka_unit_test_teardown(test_metadata, free_pool),
        cmocka_unit_test_teardown(test_transactions, free_pool),
        cmocka_unit_test_teardown(test_reopen, free_pool),
        cmocka_unit_test_teardown(test_open_modes, free_pool),
        cmocka_unit_test_teardown(test_locked, free_pool),
        cmocka_unit_test_teardown(test_modified, free_pool),
        cmocka_unit_test_teardown(test_corrupt, free_pool),
        cmocka_unit_test_teardown(test_check, free_pool),
        cmocka_unit_test_teardown(test_notfound, free_pool),
        cmocka_unit_test_teardown(test_version_and_other, free_pool),
        cmocka_unit_test_teardown(test_network_errors, free_pool),
        cmocka_unit_test_teardown(test_network_tcpsrv, free_pool),
        cmocka_unit_test_teardown(test_stub_and_combined, free_pool),
        cmocka_unit_test_teardown(test_compact, free_pool),
        cmocka_unit_test_teardown(test_invalid_arguments, free_pool),
        cmocka_unit_test_teardown(test_nomem, free_pool),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
