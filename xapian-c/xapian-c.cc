/* xapian-c.cc: the C binding over libxapian declared in xapian-c.h.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * This is the only C++ file of the project. Every exported function is
 * extern "C" and runs its body inside guard(), which catches every exception
 * and turns it into an xc_status plus a thread-local message, so no C++
 * exception can unwind through C frames (that would be undefined behaviour
 * and, in practice, std::terminate).
 *
 * Each handle is a small struct holding the Xapian object by value. Xapian's
 * own classes are reference-counted handles, so copying one (a query into a
 * combined query, a database into an enquire session) is cheap and keeps the
 * underlying object alive as long as any copy needs it.
 */
#include "xapian-c.h"

#include <xapian.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

/* ------------------------------------------------------------- handles */

struct xc_document {
    Xapian::Document doc;
    /* Buffers behind the pointers returned by the getters: Xapian returns
     * strings by value, so the bytes must live somewhere until the caller's
     * next get call. Values and data use separate buffers so reading one
     * does not invalidate a pointer to the other. */
    std::string value_buf;
    std::string data_buf;
};

struct xc_database {
    Xapian::Database db;
};

struct xc_writable {
    Xapian::WritableDatabase db;
};

struct xc_query {
    Xapian::Query q;
};

struct xc_enquire {
    Xapian::Enquire enq;
    explicit xc_enquire(const Xapian::Database &db) : enq(db)
    {
    }
};

struct xc_mset {
    Xapian::MSet mset;
};

namespace
{

/* ------------------------------------------------------- error handling */

/* The message of the last failure in this thread (see xc_errmsg()). */
thread_local std::string last_error;

/* Store "<type>: <msg>[: <errstr>] (<fn>[ <detail>][, <extra>])" as the
 * thread's message, without ever throwing: every argument is a C string,
 * so nothing is allocated before the try block, and when building the
 * message fails for lack of memory a short literal is stored instead
 * (assigning at most 15 characters to a std::string never allocates: its
 * inline buffer is at least that big). `errstr`, `detail` and `extra` may be
 * NULL or empty. */
void set_message(const char *type, const char *msg, const char *errstr, const char *fn,
                 const char *detail, const char *extra) noexcept
{
    try {
        std::string m = type;
        m += ": ";
        m += msg;
        if (errstr && *errstr) {
            m += ": ";
            m += errstr;
        }
        m += " (";
        m += fn;
        if (detail && *detail) {
            m += " ";
            m += detail;
        }
        if (extra && *extra) {
            m += ", ";
            m += extra;
        }
        m += ")";
        last_error.swap(m);
    } catch (...) {
        last_error.assign("out of memory");
    }
}

/* Record a failure detected by the binding itself (bad argument, missing
 * term) and return its status, so callers can `return fail(...)`. Never
 * throws, so it is safe outside guard(). */
xc_status fail(xc_status st, const char *fn, const char *msg, const char *detail = nullptr) noexcept
{
    set_message("xapian-c", msg, nullptr, fn, detail, nullptr);
    return st;
}

/* Record a Xapian exception. Xapian keeps errno's text apart from the
 * message, and it is often the most useful part ("No such file or
 * directory"); the remote backend's context names the server. */
xc_status from_xapian(const Xapian::Error &e, xc_status st, const char *fn, const char *detail,
                      const char *extra = nullptr) noexcept
{
    const char *errstr = nullptr;
    try {
        errstr = e.get_error_string(); /* formats strerror() lazily: may throw */
    } catch (...) {
    }
    const char *ctx = extra ? extra : e.get_context().c_str();
    set_message(e.get_type(), e.get_msg().c_str(), errstr, fn, detail, ctx);
    return st;
}

/* Map the exception being handled to a status and record its message. This
 * must only be called from inside a catch block: `throw;` rethrows the
 * current exception so that one ordered list of handlers serves every entry
 * point. Subclasses come before their base classes, since the first
 * matching handler wins (DatabaseVersionError and DatabaseNotFoundError
 * derive from DatabaseOpeningError, which derives from DatabaseError;
 * NetworkTimeoutError derives from NetworkError). */
xc_status map_exception(const char *fn, const char *detail) noexcept
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        return from_xapian(e, XC_ERR_LOCKED, fn, detail);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return from_xapian(e, XC_ERR_MODIFIED, fn, detail);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return from_xapian(e, XC_ERR_CORRUPT, fn, detail);
    } catch (const Xapian::DatabaseVersionError &e) {
        return from_xapian(e, XC_ERR_VERSION, fn, detail);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return from_xapian(e, XC_ERR_NOTFOUND, fn, detail);
    } catch (const Xapian::DatabaseOpeningError &e) {
        return from_xapian(e, XC_ERR_NOTFOUND, fn, detail);
    } catch (const Xapian::DocNotFoundError &e) {
        return from_xapian(e, XC_ERR_NOTFOUND, fn, detail);
    } catch (const Xapian::DatabaseClosedError &e) {
        return from_xapian(e, XC_ERR_INVALID, fn, detail);
    } catch (const Xapian::DatabaseError &e) {
        /* DatabaseCreateError and plain DatabaseError: I/O failures, a
         * full disk. */
        return from_xapian(e, XC_ERR_IO, fn, detail);
    } catch (const Xapian::NetworkError &e) {
        /* Includes NetworkTimeoutError. */
        return from_xapian(e, XC_ERR_NETWORK, fn, detail);
    } catch (const Xapian::InvalidArgumentError &e) {
        return from_xapian(e, XC_ERR_INVALID, fn, detail);
    } catch (const Xapian::InvalidOperationError &e) {
        return from_xapian(e, XC_ERR_INVALID, fn, detail);
    } catch (const Xapian::UnimplementedError &e) {
        return from_xapian(e, XC_ERR_INVALID, fn, detail);
    } catch (const Xapian::RangeError &e) {
        return from_xapian(e, XC_ERR_INVALID, fn, detail);
    } catch (const Xapian::WildcardError &e) {
        /* A wildcard expanding to more than its max_expansion terms: the
         * header promises XC_ERR_INVALID for this. */
        return from_xapian(e, XC_ERR_INVALID, fn, detail);
    } catch (const Xapian::Error &e) {
        /* AssertionError, FeatureUnavailableError, InternalError,
         * SerialisationError, QueryParserError, ... */
        return from_xapian(e, XC_ERR_OTHER, fn, detail);
    } catch (const std::bad_alloc &) {
        set_message("std::bad_alloc", "out of memory", nullptr, fn, detail, nullptr);
        return XC_ERR_NOMEM;
    } catch (const std::exception &e) {
        set_message("std::exception", e.what(), nullptr, fn, detail, nullptr);
        return XC_ERR_OTHER;
    } catch (const char *s) {
        /* A few corners of libxapian throw string literals. */
        set_message("exception", s ? s : "(null)", nullptr, fn, detail, nullptr);
        return XC_ERR_OTHER;
    } catch (...) {
        set_message("exception", "unknown C++ exception", nullptr, fn, detail, nullptr);
        return XC_ERR_OTHER;
    }
}

/* Run `body` (a callable returning xc_status) and turn any exception into a
 * status. `fn` and `detail` (a path or similar, may be NULL) name the
 * operation in the message. */
template <typename F> xc_status guard(const char *fn, const char *detail, F &&body) noexcept
{
    try {
        return body();
    } catch (...) {
        return map_exception(fn, detail);
    }
}

/* The integer inside an enum argument. C lets callers pass any int as an
 * enum, but in C++ merely reading an enum object holding a value outside
 * the enumerators' range is undefined (UBSan flags it), so switches over
 * caller-supplied enums look at the object's bytes instead. */
template <typename E> unsigned raw_enum(const E &e)
{
    static_assert(sizeof(E) <= sizeof(unsigned), "enum wider than unsigned");
    unsigned v = 0;
    std::memcpy(&v, &e, sizeof e);
    return v;
}

/* Null-argument check shared by most entry points. */
#define XC_REQUIRE(cond, fn)                                                                       \
    do {                                                                                           \
        if (!(cond)) return fail(XC_ERR_INVALID, fn, "invalid argument: " #cond);                  \
    } while (0)

/* A byte string from pointer + length; a NULL pointer is allowed only with
 * length 0 (the empty string). */
inline std::string bytes(const char *p, size_t len)
{
    return len ? std::string(p, len) : std::string();
}

/* Copy `s` into malloc'd memory for the C caller (NUL-terminated for
 * convenience; the length travels separately). */
char *dup_malloc(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

xc_status get_metadata(const Xapian::Database &db, const char *fn, const char *key, size_t keylen,
                       char **val, size_t *len)
{
    if (val) *val = nullptr;
    if (len) *len = 0;
    XC_REQUIRE(val && len, fn);
    XC_REQUIRE(key || keylen == 0, fn);
    return guard(fn, nullptr, [&] {
        std::string v = db.get_metadata(bytes(key, keylen));
        if (!v.empty()) {
            *val = dup_malloc(v);
            *len = v.size();
        }
        return XC_OK;
    });
}

/* Collect the queries of a C array, rejecting NULL entries. */
bool collect(const xc_query *const *subs, size_t n, std::vector<Xapian::Query> &out)
{
    out.reserve(n);
    for (size_t i = 0; i < n; i++) {
        if (!subs[i]) return false;
        out.push_back(subs[i]->q);
    }
    return true;
}

xc_status new_query(const Xapian::Query &q, xc_query **out)
{
    *out = new xc_query{q};
    return XC_OK;
}

/* Phrase and near share everything but the operator. Xapian's window is the
 * span of positions the whole match may cover, so n terms that must be
 * adjacent need a window of n; ours counts the extra positions allowed. */
xc_status positional(const char *fn, Xapian::Query::op xop, const xc_query *const *subs, size_t n,
                     unsigned window, xc_query **out)
{
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(subs && n >= 1, fn);
    if (n > 0xffffffffu - window) return fail(XC_ERR_INVALID, fn, "window too large");
    return guard(fn, nullptr, [&] {
        std::vector<Xapian::Query> v;
        if (!collect(subs, n, v))
            return fail(XC_ERR_INVALID, fn, "invalid argument: NULL subquery");
        Xapian::termcount w = Xapian::termcount(n) + window;
        return new_query(Xapian::Query(xop, v.begin(), v.end(), w), out);
    });
}

} // namespace

/* ============================================================ C API */

extern "C" {

const char *xc_status_name(xc_status s)
{
    switch (raw_enum(s)) {
    case XC_OK: return "ok";
    case XC_ERR_LOCKED: return "locked";
    case XC_ERR_MODIFIED: return "modified";
    case XC_ERR_CORRUPT: return "corrupt";
    case XC_ERR_NOTFOUND: return "notfound";
    case XC_ERR_VERSION: return "version";
    case XC_ERR_NETWORK: return "network";
    case XC_ERR_INVALID: return "invalid";
    case XC_ERR_NOMEM: return "nomem";
    case XC_ERR_IO: return "io";
    case XC_ERR_OTHER: return "other";
    }
    return "unknown";
}

const char *xc_errmsg(void)
{
    return last_error.c_str();
}

const char *xc_version(void)
{
    return Xapian::version_string();
}

void xc_free(void *p)
{
    std::free(p);
}

/* ------------------------------------------------------------ documents */

xc_status xc_document_new(xc_document **out)
{
    static const char fn[] = "xc_document_new";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    return guard(fn, nullptr, [&] {
        *out = new xc_document();
        return XC_OK;
    });
}

void xc_document_free(xc_document *doc)
{
    delete doc;
}

xc_status xc_document_add_posting(xc_document *doc, const char *term, size_t len, xc_termpos pos,
                                  unsigned wdfinc)
{
    static const char fn[] = "xc_document_add_posting";
    XC_REQUIRE(doc && term, fn);
    return guard(fn, nullptr, [&] {
        doc->doc.add_posting(bytes(term, len), pos, wdfinc);
        return XC_OK;
    });
}

xc_status xc_document_add_term(xc_document *doc, const char *term, size_t len, unsigned wdfinc)
{
    static const char fn[] = "xc_document_add_term";
    XC_REQUIRE(doc && term, fn);
    return guard(fn, nullptr, [&] {
        doc->doc.add_term(bytes(term, len), wdfinc);
        return XC_OK;
    });
}

xc_status xc_document_add_boolean_term(xc_document *doc, const char *term, size_t len)
{
    static const char fn[] = "xc_document_add_boolean_term";
    XC_REQUIRE(doc && term, fn);
    return guard(fn, nullptr, [&] {
        doc->doc.add_boolean_term(bytes(term, len));
        return XC_OK;
    });
}

xc_status xc_document_set_value(xc_document *doc, xc_valueno slot, const char *val, size_t len)
{
    static const char fn[] = "xc_document_set_value";
    XC_REQUIRE(doc && (val || len == 0), fn);
    return guard(fn, nullptr, [&] {
        /* Xapian treats adding an empty value as removing the slot. */
        doc->doc.add_value(slot, bytes(val, len));
        return XC_OK;
    });
}

xc_status xc_document_get_value(xc_document *doc, xc_valueno slot, const char **val, size_t *len)
{
    static const char fn[] = "xc_document_get_value";
    if (val) *val = nullptr;
    if (len) *len = 0;
    XC_REQUIRE(doc && val && len, fn);
    return guard(fn, nullptr, [&] {
        doc->value_buf = doc->doc.get_value(slot);
        *val = doc->value_buf.data();
        *len = doc->value_buf.size();
        return XC_OK;
    });
}

xc_status xc_document_set_data(xc_document *doc, const char *data, size_t len)
{
    static const char fn[] = "xc_document_set_data";
    XC_REQUIRE(doc && (data || len == 0), fn);
    return guard(fn, nullptr, [&] {
        doc->doc.set_data(bytes(data, len));
        return XC_OK;
    });
}

xc_status xc_document_get_data(xc_document *doc, const char **data, size_t *len)
{
    static const char fn[] = "xc_document_get_data";
    if (data) *data = nullptr;
    if (len) *len = 0;
    XC_REQUIRE(doc && data && len, fn);
    return guard(fn, nullptr, [&] {
        doc->data_buf = doc->doc.get_data();
        *data = doc->data_buf.data();
        *len = doc->data_buf.size();
        return XC_OK;
    });
}

xc_docid xc_document_docid(const xc_document *doc)
{
    if (!doc) return 0;
    try {
        return doc->doc.get_docid();
    } catch (...) {
        map_exception("xc_document_docid", nullptr);
        return 0;
    }
}

xc_status xc_document_terms(xc_document *doc,
                            int (*fn_cb)(void *ctx, const char *term, size_t len, unsigned wdf),
                            void *ctx)
{
    static const char fn[] = "xc_document_terms";
    XC_REQUIRE(doc && fn_cb, fn);
    return guard(fn, nullptr, [&] {
        for (Xapian::TermIterator t = doc->doc.termlist_begin(); t != doc->doc.termlist_end();
             ++t) {
            const std::string &term = *t;
            if (fn_cb(ctx, term.data(), term.size(), t.get_wdf())) break;
        }
        return XC_OK;
    });
}

/* ------------------------------------------------- read-only databases */

xc_status xc_database_open(const char *path, xc_database **out)
{
    static const char fn[] = "xc_database_open";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(path, fn);
    return guard(fn, path, [&] {
        *out = new xc_database{Xapian::Database(path)};
        return XC_OK;
    });
}

xc_status xc_database_open_glass(const char *path, xc_database **out)
{
    static const char fn[] = "xc_database_open_glass";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(path, fn);
    return guard(fn, path, [&] {
        *out = new xc_database{Xapian::Database(path, Xapian::DB_BACKEND_GLASS)};
        return XC_OK;
    });
}

xc_status xc_database_open_remote(const char *host, unsigned port, unsigned timeout_ms,
                                  unsigned connect_timeout_ms, xc_database **out)
{
    static const char fn[] = "xc_database_open_remote";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(host && port > 0 && port <= 65535, fn);
    return guard(fn, host, [&] {
        /* Xapian's arguments are milliseconds despite their useconds_t type;
         * 0 means "no timeout" there, so map our 0 to its documented default
         * of 10 s rather than waiting forever. */
        const unsigned dflt = 10000;
        *out =
            new xc_database{Xapian::Remote::open(host, port, timeout_ms ? timeout_ms : dflt,
                                                 connect_timeout_ms ? connect_timeout_ms : dflt)};
        return XC_OK;
    });
}

xc_status xc_database_new_combined(xc_database **out)
{
    static const char fn[] = "xc_database_new_combined";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    return guard(fn, nullptr, [&] {
        *out = new xc_database{Xapian::Database()};
        return XC_OK;
    });
}

xc_status xc_database_add_shard(xc_database *db, const xc_database *shard)
{
    static const char fn[] = "xc_database_add_shard";
    XC_REQUIRE(db && shard && db != shard, fn);
    return guard(fn, nullptr, [&] {
        db->db.add_database(shard->db);
        return XC_OK;
    });
}

void xc_database_close(xc_database *db)
{
    delete db;
}

xc_status xc_database_reopen(xc_database *db, int *changed)
{
    static const char fn[] = "xc_database_reopen";
    if (changed) *changed = 0;
    XC_REQUIRE(db, fn);
    return guard(fn, nullptr, [&] {
        bool moved = db->db.reopen();
        if (changed) *changed = moved ? 1 : 0;
        return XC_OK;
    });
}

xc_status xc_database_doccount(xc_database *db, uint32_t *out)
{
    static const char fn[] = "xc_database_doccount";
    XC_REQUIRE(out, fn);
    *out = 0;
    XC_REQUIRE(db, fn);
    return guard(fn, nullptr, [&] {
        *out = db->db.get_doccount();
        return XC_OK;
    });
}

xc_status xc_database_lastdocid(xc_database *db, xc_docid *out)
{
    static const char fn[] = "xc_database_lastdocid";
    XC_REQUIRE(out, fn);
    *out = 0;
    XC_REQUIRE(db, fn);
    return guard(fn, nullptr, [&] {
        *out = db->db.get_lastdocid();
        return XC_OK;
    });
}

xc_status xc_database_avlength(xc_database *db, double *out)
{
    static const char fn[] = "xc_database_avlength";
    XC_REQUIRE(out, fn);
    *out = 0;
    XC_REQUIRE(db, fn);
    return guard(fn, nullptr, [&] {
        *out = db->db.get_avlength();
        return XC_OK;
    });
}

xc_status xc_database_termfreq(xc_database *db, const char *term, size_t len, uint32_t *out)
{
    static const char fn[] = "xc_database_termfreq";
    XC_REQUIRE(out, fn);
    *out = 0;
    XC_REQUIRE(db && term, fn);
    return guard(fn, nullptr, [&] {
        *out = db->db.get_termfreq(bytes(term, len));
        return XC_OK;
    });
}

xc_status xc_database_postlist(xc_database *db, const char *term, size_t len,
                               int (*fn)(void *ctx, xc_docid docid, uint32_t wdf), void *ctx)
{
    static const char fn_[] = "xc_database_postlist";
    XC_REQUIRE(db && term && fn, fn_);
    return guard(fn_, nullptr, [&] {
        std::string t = bytes(term, len);
        for (Xapian::PostingIterator i = db->db.postlist_begin(t), e = db->db.postlist_end(t);
             i != e; ++i) {
            if (fn(ctx, *i, i.get_wdf())) break;
        }
        return XC_OK;
    });
}

xc_status xc_database_collfreq(xc_database *db, const char *term, size_t len, uint32_t *out)
{
    static const char fn[] = "xc_database_collfreq";
    XC_REQUIRE(out, fn);
    *out = 0;
    XC_REQUIRE(db && term, fn);
    return guard(fn, nullptr, [&] {
        *out = db->db.get_collection_freq(bytes(term, len));
        return XC_OK;
    });
}

xc_status xc_database_find_term(xc_database *db, const char *term, size_t len, xc_docid *out)
{
    static const char fn[] = "xc_database_find_term";
    XC_REQUIRE(out, fn);
    *out = 0;
    XC_REQUIRE(db && term && len > 0, fn);
    return guard(fn, nullptr, [&] {
        std::string t(term, len);
        Xapian::PostingIterator p = db->db.postlist_begin(t);
        if (p == db->db.postlist_end(t))
            return fail(XC_ERR_NOTFOUND, fn, "no document is indexed by this term");
        *out = *p;
        return XC_OK;
    });
}

xc_status xc_database_get_metadata(xc_database *db, const char *key, size_t keylen, char **val,
                                   size_t *len)
{
    static const char fn[] = "xc_database_get_metadata";
    if (!db) {
        if (val) *val = nullptr;
        if (len) *len = 0;
        return fail(XC_ERR_INVALID, fn, "invalid argument: db");
    }
    return get_metadata(db->db, fn, key, keylen, val, len);
}

xc_status xc_database_get_document(xc_database *db, xc_docid docid, xc_document **out)
{
    static const char fn[] = "xc_database_get_document";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(db, fn);
    return guard(fn, nullptr, [&] {
        /* Build the handle first so that a failure to allocate it can't leak
         * anything; get_document() then fills it in place. */
        std::unique_ptr<xc_document> d(new xc_document());
        d->doc = db->db.get_document(docid);
        *out = d.release();
        return XC_OK;
    });
}

xc_status xc_database_allterms(xc_database *db, const char *prefix, size_t prefixlen,
                               int (*fn_cb)(void *ctx, const char *term, size_t len, uint32_t tf),
                               void *ctx)
{
    static const char fn[] = "xc_database_allterms";
    XC_REQUIRE(db && fn_cb && (prefix || prefixlen == 0), fn);
    return guard(fn, nullptr, [&] {
        std::string pfx = bytes(prefix, prefixlen);
        for (Xapian::TermIterator t = db->db.allterms_begin(pfx); t != db->db.allterms_end(pfx);
             ++t) {
            const std::string &term = *t;
            if (fn_cb(ctx, term.data(), term.size(), t.get_termfreq())) break;
        }
        return XC_OK;
    });
}

xc_status xc_database_metadata_keys(xc_database *db, const char *prefix, size_t prefixlen,
                                    int (*fn_cb)(void *ctx, const char *key, size_t len), void *ctx)
{
    static const char fn[] = "xc_database_metadata_keys";
    XC_REQUIRE(db && fn_cb && (prefix || prefixlen == 0), fn);
    return guard(fn, nullptr, [&] {
        std::string pfx = bytes(prefix, prefixlen);
        for (Xapian::TermIterator t = db->db.metadata_keys_begin(pfx);
             t != db->db.metadata_keys_end(pfx); ++t) {
            const std::string &key = *t;
            if (fn_cb(ctx, key.data(), key.size())) break;
        }
        return XC_OK;
    });
}

static xc_status check_in_process(const char *path, size_t *errors)
{
    static const char fn[] = "xc_database_check";
    XC_REQUIRE(errors, fn);
    *errors = 0;
    XC_REQUIRE(path, fn);
    return guard(fn, path, [&] {
        /* With opts 0 check() only writes a line or two per table, and the
         * description of every problem it finds; capture it instead of
         * letting it reach any stream of ours. */
        std::ostringstream report;
        size_t n = Xapian::Database::check(path, 0, &report);
        if (n > 0) {
            /* Keep the lines that describe problems, skipping the per-table
             * headings ("postlist:") and "... checked OK" lines, up to a
             * size that stays readable in one message. */
            std::istringstream lines(report.str());
            std::string line, kept;
            while (std::getline(lines, line) && kept.size() < 1000) {
                if (line.empty() || line.back() == ':' ||
                    line.find("checked OK") != std::string::npos ||
                    line.find("Lazily created") != std::string::npos)
                    continue;
                if (!kept.empty()) kept += "; ";
                kept += line;
            }
            std::string msg = std::to_string(n) + " error(s) found";
            if (!kept.empty()) msg += ": " + kept;
            set_message("check", msg.c_str(), nullptr, fn, path, nullptr);
        }
        *errors = n;
        return XC_OK;
    });
}

#if defined(__SANITIZE_ADDRESS__)
/* libxapian 1.4.22's Database::check deletes an object through a base
 * pointer whose destructor is not virtual: harmless (it ends in free), but
 * AddressSanitizer reports new-delete-type-mismatch, and GCC 12's ASan has
 * no suppression that reaches one frame of a library. So that the class
 * stays checked in everything else (nsearch's own code above all),
 * sanitizer builds run check() alone in a child: this program again
 * (/proc/self/exe), with new_delete_type_mismatch=0 for that child only,
 * stopped by the constructor below before main, which sends the result
 * back through a pipe. Release builds call check() in process. */
#include <sys/wait.h>
#include <unistd.h>

namespace
{
struct check_child {
    check_child()
    {
        const char *p = getenv("XC_CHECK_CHILD_PATH"), *fd = getenv("XC_CHECK_CHILD_FD");
        if (!p || !fd) return;
        size_t n = 0;
        xc_status st = check_in_process(p, &n);
        dprintf(atoi(fd), "%d %zu\n%s", (int)st, n, (st != XC_OK || n) ? xc_errmsg() : "");
        _exit(0);
    }
} check_child_boot;
} // namespace

xc_status xc_database_check(const char *path, size_t *errors)
{
    static const char fn[] = "xc_database_check";
    XC_REQUIRE(errors, fn);
    *errors = 0;
    XC_REQUIRE(path, fn);
    int p[2];
    if (pipe(p) != 0) return fail(XC_ERR_OTHER, fn, "pipe failed", path);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return fail(XC_ERR_OTHER, fn, "fork failed", path);
    }
    if (pid == 0) {
        close(p[0]);
        const char *old = getenv("ASAN_OPTIONS");
        std::string opts = old && *old ? std::string(old) + ":new_delete_type_mismatch=0"
                                       : std::string("new_delete_type_mismatch=0");
        setenv("ASAN_OPTIONS", opts.c_str(), 1);
        setenv("XC_CHECK_CHILD_PATH", path, 1);
        setenv("XC_CHECK_CHILD_FD", std::to_string(p[1]).c_str(), 1);
        execl("/proc/self/exe", "xc-check", (char *)nullptr);
        _exit(127);
    }
    close(p[1]);
    std::string got;
    char buf[4096];
    ssize_t r;
    while ((r = read(p[0], buf, sizeof buf)) > 0)
        got.append(buf, (size_t)r);
    close(p[0]);
    int ws = 0;
    waitpid(pid, &ws, 0);
    int st = 0;
    size_t n = 0;
    size_t nl = got.find('\n');
    if (nl == std::string::npos || sscanf(got.c_str(), "%d %zu", &st, &n) != 2)
        return fail(XC_ERR_OTHER, fn, "the check process gave no answer", path);
    std::string msg = got.substr(nl + 1);
    *errors = n;
    if (st != XC_OK) return fail((xc_status)st, fn, msg.c_str(), path);
    if (n) fail(XC_OK, fn, msg.c_str(), path);
    return XC_OK;
}
#else
xc_status xc_database_check(const char *path, size_t *errors)
{
    return check_in_process(path, errors);
}
#endif
xc_status xc_database_probe(xc_database *db)
{
    static const char fn[] = "xc_database_probe";
    XC_REQUIRE(db, fn);
    return guard(fn, nullptr, [&] {
        Xapian::Database &d = db->db;
        (void)d.get_doccount();
        /* Leftmost and rightmost paths of the posting table. */
        Xapian::TermIterator t = d.allterms_begin();
        if (t != d.allterms_end()) {
            Xapian::PostingIterator p = d.postlist_begin(*t);
            if (p != d.postlist_end(*t)) (void)p.get_doclength();
        }
        t = d.allterms_begin();
        t.skip_to(std::string(4, '\xff'));
        Xapian::TermIterator m = d.metadata_keys_begin();
        if (m != d.metadata_keys_end()) (void)d.get_metadata(*m);
        /* The last document: its length, terms and data. */
        Xapian::docid last = d.get_lastdocid();
        if (last) {
            try {
                Xapian::Document doc = d.get_document(last);
                (void)doc.get_data();
                (void)d.get_doclength(last);
                for (Xapian::TermIterator tl = d.termlist_begin(last); tl != d.termlist_end(last);
                     ++tl)
                    ;
            } catch (const Xapian::DocNotFoundError &) {
                /* deleted: nothing to read there */
            }
        }
        return XC_OK;
    });
}

namespace
{
void (*fatal_handler)(const char *) = nullptr;

[[noreturn]] void on_terminate()
{
    if (fatal_handler)
        fatal_handler("libxapian called std::terminate (an error while it was "
                      "recovering from a failed write)");
    std::abort();
}
} // namespace

void xc_set_fatal_handler(void (*fn)(const char *what))
{
    fatal_handler = fn;
    std::set_terminate(fn ? on_terminate : nullptr);
}

xc_status xc_database_scan(xc_database *db)
{
    static const char fn[] = "xc_database_scan";
    XC_REQUIRE(db, fn);
    return guard(fn, nullptr, [&] {
        Xapian::Database &d = db->db;
        for (Xapian::TermIterator t = d.allterms_begin(); t != d.allterms_end(); ++t) {
            const std::string term = *t;
            (void)d.get_collection_freq(term);
            for (Xapian::PostingIterator p = d.postlist_begin(term); p != d.postlist_end(term); ++p)
                (void)p.get_wdf();
        }
        for (Xapian::PostingIterator p = d.postlist_begin(std::string());
             p != d.postlist_end(std::string()); ++p) {
            Xapian::docid id = *p;
            (void)p.get_doclength();
            Xapian::Document doc = d.get_document(id);
            (void)doc.get_data();
            for (Xapian::ValueIterator v = doc.values_begin(); v != doc.values_end(); ++v)
                (void)*v;
            for (Xapian::TermIterator tl = d.termlist_begin(id); tl != d.termlist_end(id); ++tl)
                (void)tl.get_wdf();
        }
        for (Xapian::TermIterator m = d.metadata_keys_begin(); m != d.metadata_keys_end(); ++m)
            (void)d.get_metadata(*m);
        return XC_OK;
    });
}

xc_status xc_compact(const char *const *sources, size_t n, const char *dest, unsigned flags)
{
    static const char fn[] = "xc_compact";
    XC_REQUIRE(sources && n > 0 && dest, fn);
    for (size_t i = 0; i < n; i++)
        XC_REQUIRE(sources[i], fn);
    const unsigned known =
        XC_COMPACT_FULLER | XC_COMPACT_MULTIPASS | XC_COMPACT_SINGLE_FILE | XC_COMPACT_NO_RENUMBER;
    if (flags & ~known) return fail(XC_ERR_INVALID, fn, "unknown flags");
    return guard(fn, dest, [&] {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(sources[i], Xapian::DB_BACKEND_GLASS));
        /* FULL (split items whenever it saves space) is what xapian-compact
         * uses by default; FULLER packs further at the cost of updates. */
        unsigned xflags =
            (flags & XC_COMPACT_FULLER) ? Xapian::Compactor::FULLER : Xapian::Compactor::FULL;
        if (flags & XC_COMPACT_MULTIPASS) xflags |= Xapian::DBCOMPACT_MULTIPASS;
        if (flags & XC_COMPACT_SINGLE_FILE) xflags |= Xapian::DBCOMPACT_SINGLE_FILE;
        if (flags & XC_COMPACT_NO_RENUMBER) xflags |= Xapian::DBCOMPACT_NO_RENUMBER;
        /* No Compactor object: it would only add progress output. */
        all.compact(dest, xflags);
        return XC_OK;
    });
}

/* --------------------------------------------------- writable databases */

namespace
{
/* Serializes the opens that set XAPIAN_FLUSH_THRESHOLD (and those that
 * don't, so they never read another's temporary value). */
std::mutex open_env_lock;

/* Sets XAPIAN_FLUSH_THRESHOLD for its lifetime, then restores it. */
class flush_env
{
    bool active_ = false, had_ = false;
    std::string old_;

  public:
    explicit flush_env(unsigned threshold)
    {
        if (threshold == 0) return;
        const char *p = getenv("XAPIAN_FLUSH_THRESHOLD");
        if (p) {
            had_ = true;
            old_ = p;
        }
        char v[32];
        snprintf(v, sizeof v, "%u", threshold);
        active_ = setenv("XAPIAN_FLUSH_THRESHOLD", v, 1) == 0;
    }
    ~flush_env()
    {
        if (!active_) return;
        if (had_)
            setenv("XAPIAN_FLUSH_THRESHOLD", old_.c_str(), 1);
        else
            unsetenv("XAPIAN_FLUSH_THRESHOLD");
    }
    flush_env(const flush_env &) = delete;
    flush_env &operator=(const flush_env &) = delete;
};
} // namespace

xc_status xc_writable_open(const char *path, xc_open_mode mode, unsigned flags, unsigned wait_ms,
                           xc_writable **out)
{
    return xc_writable_open_flush(path, mode, flags, wait_ms, 0, out);
}

xc_status xc_writable_open_flush(const char *path, xc_open_mode mode, unsigned flags,
                                 unsigned wait_ms, unsigned flush_threshold, xc_writable **out)
{
    static const char fn[] = "xc_writable_open";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(path, fn);
    int xflags;
    switch (raw_enum(mode)) {
    case XC_OPEN_CREATE_OR_OPEN: xflags = Xapian::DB_CREATE_OR_OPEN; break;
    case XC_OPEN_CREATE: xflags = Xapian::DB_CREATE; break;
    case XC_OPEN_OVERWRITE: xflags = Xapian::DB_CREATE_OR_OVERWRITE; break;
    case XC_OPEN_OPEN: xflags = Xapian::DB_OPEN; break;
    default: return fail(XC_ERR_INVALID, fn, "unknown open mode", path);
    }
    if (flags & XC_WRITABLE_SINGLE_FILE)
        return fail(XC_ERR_INVALID, fn, "libxapian 1.4 cannot write a single-file database", path);
    if (flags & ~unsigned(XC_WRITABLE_NO_SYNC | XC_WRITABLE_FULL_SYNC))
        return fail(XC_ERR_INVALID, fn, "unknown flags", path);
    if (flags & XC_WRITABLE_NO_SYNC) xflags |= Xapian::DB_NO_SYNC;
    if (flags & XC_WRITABLE_FULL_SYNC) xflags |= Xapian::DB_FULL_SYNC;
    /* No backend flag: libxapian 1.4 creates glass by default, and naming
     * DB_BACKEND_GLASS would skip its detection of what already exists at
     * `path` (a stub file, a chert database). */

    /* The retry loop runs inside guard() too, so that nothing thrown from
     * the handlers below (which a try can't catch for itself) escapes. */
    return guard(fn, path, [&] {
        using clock = std::chrono::steady_clock;
        const clock::time_point start = clock::now();
        const clock::time_point deadline = start + std::chrono::milliseconds(wait_ms);
        for (;;) {
            try {
                std::lock_guard<std::mutex> hold(open_env_lock);
                flush_env env(flush_threshold);
                /* Glass only: never a stub file (it can run a program). */
                *out = new xc_writable{
                    Xapian::WritableDatabase(path, xflags | Xapian::DB_BACKEND_GLASS)};
                return XC_OK;
            } catch (const Xapian::DatabaseLockError &e) {
                /* Only "already locked" is worth waiting for: a lock file
                 * that can't be created (an unwritable folder, a read-only
                 * medium) won't get better by waiting. */
                if (e.get_msg().find("already locked") == std::string::npos) {
                    return from_xapian(e, XC_ERR_IO, fn, path);
                }
                /* Xapian's own DB_RETRY_LOCK waits without a bound, so poll
                 * instead: short sleeps keep the extra latency after the
                 * holder lets go small without spinning. */
                clock::time_point now = clock::now();
                if (now >= deadline) {
                    long long waited =
                        std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count();
                    char extra[64];
                    snprintf(extra, sizeof extra, "waited %lld ms", waited);
                    return from_xapian(e, XC_ERR_LOCKED, fn, path, extra);
                }
                auto step =
                    std::min<clock::duration>(std::chrono::milliseconds(20), deadline - now);
                std::this_thread::sleep_for(step);
            } catch (const Xapian::DatabaseCreateError &e) {
                /* Xapian reports "a database already exists" for DB_CREATE
                 * with the same class as a failure to create the directory.
                 * Tell them apart by whether something is there: the header
                 * promises XC_ERR_INVALID for the former. */
                struct stat st;
                bool exists = ::stat(path, &st) == 0;
                return from_xapian(
                    e, (mode == XC_OPEN_CREATE && exists) ? XC_ERR_INVALID : XC_ERR_IO, fn, path);
            }
        }
    });
}

void xc_writable_close(xc_writable *w)
{
    if (!w) return;
    try {
        /* close() commits (or cancels an open transaction) and releases the
         * lock even when other handles (xc_writable_database) still share
         * the database; the destructor alone would keep it open for them. */
        w->db.close();
    } catch (...) {
        /* Nowhere to report it: callers who care use _close_checked. */
    }
    /* ~WritableDatabase swallows its own exceptions (it must: destructors
     * are noexcept), so this can't throw. */
    delete w;
}

xc_status xc_writable_close_checked(xc_writable *w)
{
    static const char fn[] = "xc_writable_close_checked";
    if (!w) return XC_OK;
    xc_status st = guard(fn, nullptr, [&] {
        w->db.close();
        return XC_OK;
    });
    delete w;
    return st;
}

xc_status xc_writable_commit(xc_writable *w)
{
    static const char fn[] = "xc_writable_commit";
    XC_REQUIRE(w, fn);
    return guard(fn, nullptr, [&] {
        w->db.commit();
        return XC_OK;
    });
}

xc_status xc_writable_begin_transaction(xc_writable *w, int flushed)
{
    static const char fn[] = "xc_writable_begin_transaction";
    XC_REQUIRE(w, fn);
    return guard(fn, nullptr, [&] {
        w->db.begin_transaction(flushed != 0);
        return XC_OK;
    });
}

xc_status xc_writable_commit_transaction(xc_writable *w)
{
    static const char fn[] = "xc_writable_commit_transaction";
    XC_REQUIRE(w, fn);
    return guard(fn, nullptr, [&] {
        w->db.commit_transaction();
        return XC_OK;
    });
}

xc_status xc_writable_cancel_transaction(xc_writable *w)
{
    static const char fn[] = "xc_writable_cancel_transaction";
    XC_REQUIRE(w, fn);
    return guard(fn, nullptr, [&] {
        w->db.cancel_transaction();
        return XC_OK;
    });
}

xc_status xc_writable_set_metadata(xc_writable *w, const char *key, size_t keylen, const char *val,
                                   size_t len)
{
    static const char fn[] = "xc_writable_set_metadata";
    XC_REQUIRE(w && (key || keylen == 0) && (val || len == 0), fn);
    return guard(fn, nullptr, [&] {
        w->db.set_metadata(bytes(key, keylen), bytes(val, len));
        return XC_OK;
    });
}

xc_status xc_writable_get_metadata(xc_writable *w, const char *key, size_t keylen, char **val,
                                   size_t *len)
{
    static const char fn[] = "xc_writable_get_metadata";
    if (!w) {
        if (val) *val = nullptr;
        if (len) *len = 0;
        return fail(XC_ERR_INVALID, fn, "invalid argument: w");
    }
    return get_metadata(w->db, fn, key, keylen, val, len);
}

xc_status xc_writable_doccount(xc_writable *w, uint32_t *out)
{
    static const char fn[] = "xc_writable_doccount";
    XC_REQUIRE(out, fn);
    *out = 0;
    XC_REQUIRE(w, fn);
    return guard(fn, nullptr, [&] {
        *out = w->db.get_doccount();
        return XC_OK;
    });
}

xc_status xc_writable_add_document(xc_writable *w, const xc_document *doc, xc_docid *docid)
{
    static const char fn[] = "xc_writable_add_document";
    if (docid) *docid = 0;
    XC_REQUIRE(w && doc, fn);
    return guard(fn, nullptr, [&] {
        Xapian::docid did = w->db.add_document(doc->doc);
        if (docid) *docid = did;
        return XC_OK;
    });
}

xc_status xc_writable_replace_by_term(xc_writable *w, const char *term, size_t len,
                                      const xc_document *doc, xc_docid *docid)
{
    static const char fn[] = "xc_writable_replace_by_term";
    if (docid) *docid = 0;
    XC_REQUIRE(w && term && len > 0 && doc, fn);
    return guard(fn, nullptr, [&] {
        Xapian::docid did = w->db.replace_document(std::string(term, len), doc->doc);
        if (docid) *docid = did;
        return XC_OK;
    });
}

xc_status xc_writable_replace_document(xc_writable *w, xc_docid docid, const xc_document *doc)
{
    static const char fn[] = "xc_writable_replace_document";
    XC_REQUIRE(w && doc, fn);
    return guard(fn, nullptr, [&] {
        w->db.replace_document(docid, doc->doc);
        return XC_OK;
    });
}

xc_status xc_writable_delete_by_term(xc_writable *w, const char *term, size_t len)
{
    static const char fn[] = "xc_writable_delete_by_term";
    XC_REQUIRE(w && term && len > 0, fn);
    return guard(fn, nullptr, [&] {
        w->db.delete_document(std::string(term, len));
        return XC_OK;
    });
}

xc_status xc_writable_delete_document(xc_writable *w, xc_docid docid)
{
    static const char fn[] = "xc_writable_delete_document";
    XC_REQUIRE(w, fn);
    return guard(fn, nullptr, [&] {
        w->db.delete_document(docid);
        return XC_OK;
    });
}

xc_status xc_writable_database(xc_writable *w, xc_database **out)
{
    static const char fn[] = "xc_writable_database";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(w, fn);
    return guard(fn, nullptr, [&] {
        /* A Database copy shares the writer's internals, so it sees
         * uncommitted changes. */
        *out = new xc_database{Xapian::Database(w->db)};
        return XC_OK;
    });
}

/* -------------------------------------------------------------- queries */

xc_status xc_query_term(const char *term, size_t len, unsigned wqf, xc_termpos pos, xc_query **out)
{
    static const char fn[] = "xc_query_term";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(term || len == 0, fn);
    return guard(fn, nullptr,
                 [&] { return new_query(Xapian::Query(bytes(term, len), wqf, pos), out); });
}

xc_status xc_query_all(xc_query **out)
{
    static const char fn[] = "xc_query_all";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    return guard(fn, nullptr, [&] { return new_query(Xapian::Query::MatchAll, out); });
}

xc_status xc_query_none(xc_query **out)
{
    static const char fn[] = "xc_query_none";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    return guard(fn, nullptr, [&] { return new_query(Xapian::Query::MatchNothing, out); });
}

xc_status xc_query_combine(xc_query_op op, const xc_query *const *subs, size_t n, xc_query **out)
{
    static const char fn[] = "xc_query_combine";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(subs && n >= 1, fn);
    Xapian::Query::op xop;
    switch (raw_enum(op)) {
    case XC_OP_AND: xop = Xapian::Query::OP_AND; break;
    case XC_OP_OR: xop = Xapian::Query::OP_OR; break;
    case XC_OP_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
    case XC_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
    case XC_OP_FILTER: xop = Xapian::Query::OP_FILTER; break;
    case XC_OP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
    case XC_OP_MAX: xop = Xapian::Query::OP_MAX; break;
    default: return fail(XC_ERR_INVALID, fn, "unknown query operator");
    }
    return guard(fn, nullptr, [&] {
        std::vector<Xapian::Query> v;
        if (!collect(subs, n, v))
            return fail(XC_ERR_INVALID, fn, "invalid argument: NULL subquery");
        return new_query(Xapian::Query(xop, v.begin(), v.end()), out);
    });
}

xc_status xc_query_phrase(const xc_query *const *subs, size_t n, unsigned window, xc_query **out)
{
    return positional("xc_query_phrase", Xapian::Query::OP_PHRASE, subs, n, window, out);
}

xc_status xc_query_near(const xc_query *const *subs, size_t n, unsigned window, xc_query **out)
{
    return positional("xc_query_near", Xapian::Query::OP_NEAR, subs, n, window, out);
}

xc_status xc_query_scale(const xc_query *sub, double factor, xc_query **out)
{
    static const char fn[] = "xc_query_scale";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    /* Written as !(>=) so that NaN is rejected too; Xapian only checks < 0. */
    XC_REQUIRE(sub && factor >= 0.0, fn);
    return guard(fn, nullptr, [&] {
        return new_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sub->q, factor), out);
    });
}

xc_status xc_query_value_range(xc_valueno slot, const char *lo, size_t lolen, const char *hi,
                               size_t hilen, xc_query **out)
{
    static const char fn[] = "xc_query_value_range";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    return guard(fn, nullptr, [&] {
        /* libxapian's VALUE_LE only matches documents with a value in the
         * slot, but VALUE_GE with an empty bound becomes MatchAll, taking
         * in documents without one. Stored values are never empty, so
         * "\0" is a lower bound every set value meets: using it for a
         * missing or empty `lo` keeps "has a value" true in every case. */
        std::string low = (lo && lolen) ? std::string(lo, lolen) : std::string(1, '\0');
        if (hi)
            return new_query(
                Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, low, bytes(hi, hilen)), out);
        return new_query(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, low), out);
    });
}

xc_status xc_query_wildcard(const char *prefix, size_t len, unsigned max_expansion, xc_query **out)
{
    static const char fn[] = "xc_query_wildcard";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(prefix || len == 0, fn);
    return guard(fn, nullptr, [&] {
        /* LIMIT_ERROR: more than max_expansion terms throws WildcardError
         * when the query runs, rather than silently dropping terms. */
        return new_query(Xapian::Query(Xapian::Query::OP_WILDCARD, bytes(prefix, len),
                                       max_expansion, Xapian::Query::WILDCARD_LIMIT_ERROR),
                         out);
    });
}

xc_status xc_query_describe(const xc_query *q, char **out)
{
    static const char fn[] = "xc_query_describe";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(q, fn);
    return guard(fn, nullptr, [&] {
        *out = dup_malloc(q->q.get_description());
        return XC_OK;
    });
}

void xc_query_free(xc_query *q)
{
    delete q;
}

/* -------------------------------------------------------------- enquire */

xc_status xc_enquire_new(xc_database *db, xc_enquire **out)
{
    static const char fn[] = "xc_enquire_new";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(db, fn);
    return guard(fn, nullptr, [&] {
        *out = new xc_enquire(db->db);
        return XC_OK;
    });
}

void xc_enquire_free(xc_enquire *e)
{
    delete e;
}

xc_status xc_enquire_set_query(xc_enquire *e, const xc_query *q)
{
    static const char fn[] = "xc_enquire_set_query";
    XC_REQUIRE(e && q, fn);
    return guard(fn, nullptr, [&] {
        e->enq.set_query(q->q);
        return XC_OK;
    });
}

xc_status xc_enquire_set_bm25(xc_enquire *e, double k1, double k2, double k3, double b,
                              double min_normlen)
{
    static const char fn[] = "xc_enquire_set_bm25";
    XC_REQUIRE(e, fn);
    /* libxapian silently clamps out-of-range parameters (negative to 0, b
     * to 1); a caller passing them has a bug, so say so. The comparisons
     * are written to be false for NaN. */
    if (!(k1 >= 0 && k2 >= 0 && k3 >= 0 && b >= 0 && b <= 1 && min_normlen >= 0))
        return fail(XC_ERR_INVALID, fn, "BM25 parameters must be >= 0, and b <= 1");
    return guard(fn, nullptr, [&] {
        e->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return XC_OK;
    });
}

xc_status xc_enquire_set_collapse_key(xc_enquire *e, xc_valueno slot, unsigned max)
{
    static const char fn[] = "xc_enquire_set_collapse_key";
    XC_REQUIRE(e, fn);
    return guard(fn, nullptr, [&] {
        if (max == 0)
            e->enq.set_collapse_key(Xapian::BAD_VALUENO);
        else
            e->enq.set_collapse_key(slot, max);
        return XC_OK;
    });
}

xc_status xc_enquire_set_sort(xc_enquire *e, xc_sort sort, xc_valueno slot, int descending)
{
    static const char fn[] = "xc_enquire_set_sort";
    XC_REQUIRE(e, fn);
    /* Xapian's `reverse` flag turns its default ascending value order into
     * descending, which is what our `descending` means. */
    bool rev = descending != 0;
    return guard(fn, nullptr, [&] {
        switch (raw_enum(sort)) {
        case XC_SORT_RELEVANCE: e->enq.set_sort_by_relevance(); return XC_OK;
        case XC_SORT_VALUE: e->enq.set_sort_by_value(slot, rev); return XC_OK;
        case XC_SORT_VALUE_THEN_RELEVANCE:
            e->enq.set_sort_by_value_then_relevance(slot, rev);
            return XC_OK;
        case XC_SORT_RELEVANCE_THEN_VALUE:
            e->enq.set_sort_by_relevance_then_value(slot, rev);
            return XC_OK;
        }
        return fail(XC_ERR_INVALID, fn, "unknown sort order");
    });
}

xc_status xc_enquire_set_docid_order(xc_enquire *e, int descending)
{
    static const char fn[] = "xc_enquire_set_docid_order";
    XC_REQUIRE(e, fn);
    return guard(fn, nullptr, [&] {
        e->enq.set_docid_order(descending ? Xapian::Enquire::DESCENDING
                                          : Xapian::Enquire::ASCENDING);
        return XC_OK;
    });
}

xc_status xc_enquire_mset(xc_enquire *e, uint32_t first, uint32_t maxitems, uint32_t check_at_least,
                          xc_mset **out)
{
    static const char fn[] = "xc_enquire_mset";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(e, fn);
    return guard(fn, nullptr, [&] {
        std::unique_ptr<xc_mset> m(new xc_mset());
        m->mset = e->enq.get_mset(first, maxitems, check_at_least);
        *out = m.release();
        return XC_OK;
    });
}

xc_status xc_enquire_value_counts(xc_enquire *e, xc_valueno slot,
                                  void (*fn_cb)(void *ctx, const char *val, size_t len,
                                                uint32_t count),
                                  void *ctx, uint32_t *matches)
{
    static const char fn[] = "xc_enquire_value_counts";
    XC_REQUIRE(e && fn_cb, fn);
    return guard(fn, nullptr, [&] {
        Xapian::ValueCountMatchSpy spy(slot);
        e->enq.add_matchspy(&spy);
        /* The spy is ours (on the stack): the enquire must forget it
         * whatever happens. */
        struct forget {
            Xapian::Enquire &q;
            ~forget()
            {
                q.clear_matchspies();
            }
        } guard_spy{e->enq};
        /* An empty window that checks every match: the spy sees them all. */
        Xapian::MSet m = e->enq.get_mset(0, 0, Xapian::doccount(-1));
        if (matches) *matches = m.get_matches_estimated();
        for (Xapian::TermIterator v = spy.values_begin(); v != spy.values_end(); ++v) {
            const std::string val = *v;
            fn_cb(ctx, val.data(), val.size(), v.get_termfreq());
        }
        return XC_OK;
    });
}

xc_status xc_enquire_matching_terms(xc_enquire *e, xc_docid docid,
                                    int (*fn_cb)(void *ctx, const char *term, size_t len),
                                    void *ctx)
{
    static const char fn[] = "xc_enquire_matching_terms";
    XC_REQUIRE(e && fn_cb, fn);
    return guard(fn, nullptr, [&] {
        for (Xapian::TermIterator t = e->enq.get_matching_terms_begin(docid);
             t != e->enq.get_matching_terms_end(docid); ++t) {
            const std::string &term = *t;
            if (fn_cb(ctx, term.data(), term.size())) break;
        }
        return XC_OK;
    });
}

/* ---------------------------------------------------------------- msets */

void xc_mset_free(xc_mset *m)
{
    delete m;
}

/* The size and the estimates are plain fields of the MSet; they can't throw,
 * and a NULL handle reads as an empty result. */
size_t xc_mset_size(const xc_mset *m)
{
    return m ? m->mset.size() : 0;
}

uint32_t xc_mset_estimated(const xc_mset *m)
{
    return m ? m->mset.get_matches_estimated() : 0;
}

uint32_t xc_mset_lower_bound(const xc_mset *m)
{
    return m ? m->mset.get_matches_lower_bound() : 0;
}

uint32_t xc_mset_upper_bound(const xc_mset *m)
{
    return m ? m->mset.get_matches_upper_bound() : 0;
}

xc_status xc_mset_item(const xc_mset *m, size_t i, xc_docid *docid, double *weight, uint32_t *rank)
{
    static const char fn[] = "xc_mset_item";
    if (docid) *docid = 0;
    if (weight) *weight = 0;
    if (rank) *rank = 0;
    XC_REQUIRE(m, fn);
    if (i >= m->mset.size()) return fail(XC_ERR_INVALID, fn, "item index out of range");
    return guard(fn, nullptr, [&] {
        Xapian::MSetIterator it = m->mset[Xapian::doccount(i)];
        if (docid) *docid = *it;
        if (weight) *weight = it.get_weight();
        if (rank) *rank = it.get_rank();
        return XC_OK;
    });
}

xc_status xc_mset_document(const xc_mset *m, size_t i, xc_document **out)
{
    static const char fn[] = "xc_mset_document";
    XC_REQUIRE(out, fn);
    *out = nullptr;
    XC_REQUIRE(m, fn);
    if (i >= m->mset.size()) return fail(XC_ERR_INVALID, fn, "item index out of range");
    return guard(fn, nullptr, [&] {
        std::unique_ptr<xc_document> d(new xc_document());
        d->doc = m->mset[Xapian::doccount(i)].get_document();
        *out = d.release();
        return XC_OK;
    });
}

} /* extern "C" */
