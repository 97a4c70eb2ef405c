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
#include <ftw.h>
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

enum { PATHLEN = 1024, MAXHITS = 32 };

/* Value slots of the test corpus. */
enum { SLOT_CAT = 0, SLOT_DATE = 1 };

static char root[PATHLEN];   /* the temporary directory */
static char corpus[PATHLEN]; /* the five-document corpus, built once */
static xc_database *cdb;     /* read-only handle on it */

/* --------------------------------------------------------------- helpers */

#define OK(expr) check_status(XC_OK, (expr), #expr, __FILE__, __LINE__)
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
        if (len)
            OK(xc_document_add_posting(doc, p, len, ++pos, 1));
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

#define IDS(...) ((const xc_docid[]){__VA_ARGS__})
#define NIDS(...) (sizeof IDS(__VA_ARGS__) / sizeof(xc_docid))
/* The hits must be exactly these docids, in this order. */
#define EXPECT_IDS(h, ...) check_ids(&(h), 0, IDS(__VA_ARGS__), NIDS(__VA_ARGS__), __FILE__, __LINE__)
/* The hits must be exactly these docids, in any order. */
#define EXPECT_SET(h, ...) check_ids(&(h), 1, IDS(__VA_ARGS__), NIDS(__VA_ARGS__), __FILE__, __LINE__)

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
    if (any_order)
        qsort(got, h->n, sizeof got[0], cmp_docid);
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

/* Collects terms from the callbacks (NUL-separated in one buffer). */
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

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
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
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(root, sizeof root, "%s/test_xapian_c.XXXXXX", tmp);
    if (n <= 0 || n >= (int)sizeof root || !mkdtemp(root))
        return -1;
    /* A remote server that went away must give NetworkError, not kill us. */
    signal(SIGPIPE, SIG_IGN);

    path_in(corpus, "corpus");
    xc_writable *w = NULL;
    if (xc_writable_open(corpus, XC_OPEN_CREATE, XC_WRITABLE_NO_SYNC, 0, &w) != XC_OK)
        return -1;
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
        if (st != XC_OK || id != i + 1)
            return -1;
    }
    if (xc_writable_close_checked(w) != XC_OK)
        return -1;
    return xc_database_open(corpus, &cdb) == XC_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    xc_database_close(cdb);
    if (root[0])
        nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
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
    static const char *names[] = {"ok",      "locked",  "modified", "corrupt",
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
    /* MAX: d1 and d2 contain both terms yet weigh as the better one. */
    h = run(combine(XC_OP_MAX, T("quick"), T("fox")));
    EXPECT_SET(h, 1, 2, 3, 4);
    hits orq = run(combine(XC_OP_OR, T("quick"), T("fox")));
    hits foxq = run(T("fox"));
    for (size_t i = 0; i < h.n; i++) {
        if (h.id[i] != 1)
            continue;
        for (size_t j = 0; j < orq.n; j++)
            if (orq.id[j] == 1)
                assert_true(h.w[i] < orq.w[j]);
        assert_true(h.w[i] >= foxq.w[0] - 1e-12 || h.w[i] >= plain.w[0] - 1e-12);
    }

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

    /* Matching terms come in query-position order... */
    OK(xc_enquire_set_query(
        e, combine(XC_OP_OR, combine(XC_OP_OR, TP("red", 1, 2), TP("quick", 1, 1)),
                   TP("lazy", 1, 3))));
    termlist tl = {0};
    OK(xc_enquire_matching_terms(e, 2, on_match_term, &tl));
    assert_int_equal(tl.n, 2);
    assert_string_equal(tl.terms[0], "quick");
    assert_string_equal(tl.terms[1], "red");
    OK(xc_enquire_set_query(
        e, combine(XC_OP_OR, combine(XC_OP_OR, TP("red", 1, 1), TP("quick", 1, 2)),
                   TP("lazy", 1, 3))));
    termlist tl2 = {0};
    OK(xc_enquire_matching_terms(e, 2, on_match_term, &tl2));
    assert_int_equal(tl2.n, 2);
    assert_string_equal(tl2.terms[0], "red");
    assert_string_equal(tl2.terms[1], "quick");
    termlist first = {.stop_after = 1};
    OK(xc_enquire_matching_terms(e, 2, on_match_term, &first));
    assert_int_equal(first.n, 1);
    /* ... and none for a document the query doesn't match. */
    termlist none = {0};
    OK(xc_enquire_matching_terms(e, 3, on_match_term, &none));
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
