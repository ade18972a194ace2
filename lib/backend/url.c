/*
 * SQLAlchemy database URLs: dialect[+driver]://user:password@host:port/db?k=v.
 * Parsing follows SQLAlchemy's reading of the same text, so a URL that works
 * in a Flask config works here. Messages never repeat the password.
 */
#include "athanor.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into the arena; '+' becomes a space when `plus`. */
static char *decode(ath_arena *arena, const char *s, size_t n, bool plus)
{
    char *out = ath_arena_alloc(arena, n + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            out[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (plus && s[i] == '+') {
            out[j++] = ' ';
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    return out;
}

static int invalid(const char *why)
{
    return ath_error(ATH_EINVAL, "invalid database URL: %s", why);
}

static int parse_query(ath_url *url, ath_arena *arena, const char *q)
{
    size_t cap = 0;
    while (*q) {
        size_t n = strcspn(q, "&");
        if (n > 0) {
            const char *eq = memchr(q, '=', n);
            size_t klen = eq ? (size_t)(eq - q) : n;
            ath_url_param *p = ATH_PUSH(arena, url->params, url->nparams, cap);
            if (!p)
                return ath_error_oom();
            p->key = decode(arena, q, klen, true);
            p->value = eq ? decode(arena, eq + 1, n - klen - 1, true) : ath_arena_strdup(arena, "");
            if (!p->key || !p->value)
                return ath_error_oom();
            if (!*p->key)
                return invalid("a query parameter has no name");
        }
        q += n;
        if (*q == '&')
            q++;
    }
    return 0;
}

static int parse_port(ath_url *url, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (n > 5)
        return invalid("the port is not a number from 1 to 65535");
    char tmp[8];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)tmp[i]))
            return invalid("the port is not a number from 1 to 65535");
    long v = strtol(tmp, NULL, 10);
    if (v < 1 || v > 65535)
        return invalid("the port is not a number from 1 to 65535");
    url->port = (int)v;
    return 0;
}

int ath_url_parse(ath_url *out, ath_arena *arena, const char *text)
{
    memset(out, 0, sizeof(*out));
    if (!text || !*text)
        return invalid("the URL is empty");
    const char *sep = strstr(text, "://");
    if (!sep || sep == text)
        return invalid("expected dialect://..., for example sqlite:///app.db or "
                       "postgresql://user@host/db");
    for (const char *p = text; p < sep; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '+')
            return invalid("the scheme may hold only letters, digits, '_' and '+'");
    out->scheme = ath_arena_strndup(arena, text, (size_t)(sep - text));
    if (!out->scheme)
        return ath_error_oom();
    const char *plus = strchr(out->scheme, '+');
    size_t dlen = plus ? (size_t)(plus - out->scheme) : strlen(out->scheme);
    if (plus) {
        out->driver = ath_arena_strdup(arena, plus + 1);
        if (!out->driver)
            return ath_error_oom();
    }
    if (dlen == 6 && strncmp(out->scheme, "sqlite", 6) == 0)
        out->dialect = ATH_DIALECT_SQLITE;
    else if ((dlen == 10 && strncmp(out->scheme, "postgresql", 10) == 0) ||
             (dlen == 8 && strncmp(out->scheme, "postgres", 8) == 0))
        out->dialect = ATH_DIALECT_POSTGRESQL;
    else
        return ath_error(ATH_EINVAL,
                         "invalid database URL: unsupported database '%.*s' (Athanor works with "
                         "sqlite and postgresql)",
                         (int)dlen, out->scheme);

    /* user[:password]@ as SQLAlchemy's pattern reads it: the user runs to the
     * first ':' or '/', and the password from that ':' to the next '@', so it
     * may hold '/' and '?'. Without a password the user ends at the last '@'
     * before any ':' or '/', and may hold '@' itself (Azure's user@server). */
    const char *rest = sep + 3;
    size_t ulen = strcspn(rest, ":/");
    const char *at = NULL, *pw_colon = NULL;
    if (rest[ulen] == ':' && (at = strchr(rest + ulen + 1, '@')) != NULL)
        pw_colon = rest + ulen;
    for (size_t i = ulen; !at && i > 0; i--)
        if (rest[i - 1] == '@')
            at = rest + i - 1;
    if (at) {
        const char *user_end = pw_colon ? pw_colon : at;
        out->username = decode(arena, rest, (size_t)(user_end - rest), false);
        if (!out->username)
            return ath_error_oom();
        if (pw_colon) {
            out->password = decode(arena, pw_colon + 1, (size_t)(at - pw_colon - 1), false);
            if (!out->password)
                return ath_error_oom();
        }
        rest = at + 1;
    }

    const char *query = strchr(rest, '?');
    size_t restlen = query ? (size_t)(query - rest) : strlen(rest);
    if (query) {
        int rc = parse_query(out, arena, query + 1);
        if (rc)
            return rc;
    }

    /* host[:port] up to the first '/'; an IPv6 host is bracketed. */
    const char *slash = memchr(rest, '/', restlen);
    size_t hostlen = slash ? (size_t)(slash - rest) : restlen;
    const char *hp = rest;
    const char *portp = NULL;
    size_t hlen = hostlen;
    if (hostlen && hp[0] == '[') {
        const char *close = memchr(hp, ']', hostlen);
        if (!close)
            return invalid("an IPv6 host is missing its ']'");
        out->host = ath_arena_strndup(arena, hp + 1, (size_t)(close - hp - 1));
        if (!out->host)
            return ath_error_oom();
        if (close + 1 < hp + hostlen) {
            if (close[1] != ':')
                return invalid("unexpected text after the IPv6 host");
            portp = close + 2;
        }
        hlen = 0;
    } else {
        const char *colon = memchr(hp, ':', hostlen);
        if (colon) {
            portp = colon + 1;
            hlen = (size_t)(colon - hp);
        }
        if (hlen) {
            out->host = ath_arena_strndup(arena, hp, hlen);
            if (!out->host)
                return ath_error_oom();
        }
    }
    if (portp) {
        int rc = parse_port(out, portp, (size_t)(rest + hostlen - portp));
        if (rc)
            return rc;
    }
    if (slash) {
        out->database = ath_arena_strndup(arena, slash + 1, restlen - hostlen - 1);
        if (!out->database)
            return ath_error_oom();
    }

    if (out->dialect == ATH_DIALECT_SQLITE) {
        if (out->host || out->username || out->port)
            return invalid("a SQLite URL has no host, user or port: use sqlite:///relative.db, "
                           "sqlite:////absolute.db or sqlite:// for memory");
    }
    return 0;
}

void ath_url_format_redacted(ath_buf *out, const ath_url *url)
{
    ath_buf_puts(out, url->scheme);
    ath_buf_puts(out, "://");
    if (url->username) {
        ath_buf_puts(out, url->username);
        if (url->password)
            ath_buf_puts(out, ":***");
        ath_buf_putc(out, '@');
    }
    if (url->host) {
        bool v6 = strchr(url->host, ':') != NULL;
        if (v6)
            ath_buf_putc(out, '[');
        ath_buf_puts(out, url->host);
        if (v6)
            ath_buf_putc(out, ']');
    }
    if (url->port)
        ath_buf_printf(out, ":%d", url->port);
    if (url->database) {
        ath_buf_putc(out, '/');
        ath_buf_puts(out, url->database);
    }
    for (size_t i = 0; i < url->nparams; i++) {
        ath_buf_putc(out, i ? '&' : '?');
        ath_buf_puts(out, url->params[i].key);
        ath_buf_putc(out, '=');
        ath_buf_puts(out, strcmp(url->params[i].key, "password") == 0 ? "***" : url->params[i].value);
    }
}

const char *ath_url_param_get(const ath_url *url, const char *key)
{
    for (size_t i = url->nparams; i > 0; i--)
        if (strcmp(url->params[i - 1].key, key) == 0)
            return url->params[i - 1].value;
    return NULL;
}
