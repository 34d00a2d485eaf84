/* util.h - allocation, growable buffers, arenas, files. */
#ifndef VOS_UTIL_H
#define VOS_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "error.h" /* enum vos_error, struct vos_err */

/* Size limits for untrusted input (documented in docs/limits.md). */
#define VOS_MAX_PAGE_BYTES (64u * 1024u * 1024u)
#define VOS_MAX_YAML_BYTES (64u * 1024u * 1024u)

#define VOS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VOS_UNUSED(x) ((void)(x))

#if defined(__GNUC__)
#define VOS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define VOS_NORETURN __attribute__((noreturn))
#else
#define VOS_PRINTF(f, a)
#define VOS_NORETURN
#endif

/* Allocators that abort on out-of-memory: no NULL checks at call sites. */
void *vos_malloc(size_t n);
void *vos_calloc(size_t nmemb, size_t size);
void *vos_realloc(void *p, size_t n);
char *vos_strdup(const char *s);
char *vos_strndup(const char *s, size_t n);
char *vos_asprintf(const char *fmt, ...) VOS_PRINTF(1, 2);
char *vos_vasprintf(const char *fmt, va_list ap);
VOS_NORETURN void vos_die_oom(void);

/* Grow an array: ensures items has room for want elements (an expression; alloc and want are
 * evaluated twice, so they must have no side effects; the call is only made when it must grow). */
void *vos_grow(void *items, size_t *alloc, size_t want, size_t elsize);
#define VOS_GROW(items, alloc, want) \
	((items) = (want) <= (alloc) ? (items) : vos_grow((items), &(alloc), (want), sizeof(*(items))))

/* Append one element to a (items, n, alloc) triple; evaluates to a pointer to it. */
#define VOS_PUSH(items, n, alloc) \
	(VOS_GROW(items, alloc, (n) + 1), memset(&(items)[(n)], 0, sizeof(*(items))), &(items)[(n)++])

/* A growable byte buffer, always NUL-terminated (git's strbuf, curl's dynbuf). */
struct vos_buf {
	char *ptr;
	size_t len;
	size_t alloc;
};
#define VOS_BUF_INIT {NULL, 0, 0}
void vos_buf_init(struct vos_buf *b);
void vos_buf_release(struct vos_buf *b);
void vos_buf_reset(struct vos_buf *b);
void vos_buf_add(struct vos_buf *b, const void *data, size_t len);
void vos_buf_adds(struct vos_buf *b, const char *s);
void vos_buf_addc(struct vos_buf *b, char c);
void vos_buf_addf(struct vos_buf *b, const char *fmt, ...) VOS_PRINTF(2, 3);
void vos_buf_vaddf(struct vos_buf *b, const char *fmt, va_list ap);
/* Hands the buffer over: returns the string (caller frees) and resets b. */
char *vos_buf_detach(struct vos_buf *b, size_t *len_out);

/* A bump allocator: everything is freed at once by vos_arena_release. */
struct vos_arena_block;
struct vos_arena {
	struct vos_arena_block *head;
	size_t used_total;
};
void vos_arena_init(struct vos_arena *a);
void vos_arena_release(struct vos_arena *a);
void *vos_arena_alloc(struct vos_arena *a, size_t n); /* zeroed, 8-aligned */
char *vos_arena_strdup(struct vos_arena *a, const char *s);
char *vos_arena_strndup(struct vos_arena *a, const char *s, size_t n);
char *vos_arena_sprintf(struct vos_arena *a, const char *fmt, ...) VOS_PRINTF(2, 3);

/* A string -> pointer hash map (open addressing). Keys are borrowed: they must outlive the map. */
struct vos_map {
	const char **keys;
	void **vals;
	size_t n, cap;
	bool nocase; /* compare ASCII case-insensitively */
};
void vos_map_init(struct vos_map *m, bool nocase);
void vos_map_release(struct vos_map *m);
/* Room for n keys without rehashing (the capacity n puts would grow the map to). */
void vos_map_reserve(struct vos_map *m, size_t n);
/* Returns the previous value for key (NULL if none) and stores val. */
void *vos_map_put(struct vos_map *m, const char *key, void *val);
void *vos_map_get(const struct vos_map *m, const char *key);
/* A map that indexes an array stores index + 1 as its value, so that NULL still means absent:
 * VOS_MAP_INDEX(i) is the value to store for index i, VOS_MAP_SLOT(v) turns a value read back into
 * index + 1 (0 when absent). */
#define VOS_MAP_INDEX(i) ((void *)(uintptr_t)((i) + 1))
#define VOS_MAP_SLOT(v) ((size_t)(uintptr_t)(v))

/* Files. vos_file_read reads at most max bytes; over that it fails with VOS_EINPUT. A missing file
 * is VOS_ENOTFOUND, a read error VOS_EIO; err says why: "unable to open 'x': No such file or
 * directory". */
int vos_file_read(char **out, size_t *len_out, const char *path, size_t max, struct vos_err *err);
/* The same, and *uid_out is the owner of the file read (fstat of the descriptor read from). */
int vos_file_read_uid(char **out, size_t *len_out, unsigned *uid_out, const char *path, size_t max,
                      struct vos_err *err);
/* Writing a file: vos_file_write in lockfile.h. */
bool vos_is_dir(const char *path);
/* mkdir -p: creates path and its missing parents with mode; 0, or -1 with errno set. */
int vos_mkdir_p(const char *path, unsigned mode);
bool vos_is_file(const char *path);
/* Joins dir and name ("a" + "b" -> "a/b"; an absolute name is returned as is). Caller frees. */
char *vos_path_join(const char *dir, const char *name);
/* Directory part of a path ("a/b/c" -> "a/b", "c" -> "."). Caller frees. */
char *vos_path_dirname(const char *path);

/* The absolute path path names once the symbolic links of the part that exists are resolved, the
 * rest appended with "." and ".." applied (as mkdir would make it); relative to the working
 * directory. Caller frees. NULL with err (VOS_EIO) when an existing part does not resolve (a
 * dangling or looping link, no permission). */
char *vos_path_resolve(const char *path, struct vos_err *err);
/* True when the absolute path is root or below it (both resolved). */
bool vos_path_within(const char *path, const char *root);

/* Strings. */
bool vos_streq(const char *a, const char *b);      /* NULL-safe */
bool vos_strcaseeq(const char *a, const char *b);  /* NULL-safe, ASCII */
/* Whether needle occurs in hay, ignoring ASCII case (an empty needle always does). */
bool vos_contains_nocase(const char *hay, const char *needle);
/* Host names and service display names are the same on the page and in the inventory when they
 * are equal ignoring ASCII case (as DNS compares host names): every module compares them with
 * this, and maps keyed by them are made with vos_map_init(map, VOS_NAMES_NOCASE). Service ids,
 * VLAN names and rule ids are exact. */
#define VOS_NAMES_NOCASE true
bool vos_name_eq(const char *a, const char *b); /* NULL-safe */
bool vos_starts_with(const char *s, const char *prefix);
bool vos_ends_with(const char *s, const char *suffix);
/* The edit distance of a and b ignoring ASCII case: insertions, deletions, substitutions and
 * transpositions of two neighbours each count 1 ("cahce" -> "cache" is 1). Past max it stops and
 * returns max + 1. NULL-safe (NULL is ""). */
size_t vos_edit_distance(const char *a, const char *b, size_t max);
/* The candidate closest to word for a "did you mean" (borrowed from cands), or NULL when none is
 * close enough: at most 2 edits, and fewer than half of word's length; an exact match (word
 * itself) is never suggested, a match ignoring case is. Ties go to the first candidate. */
const char *vos_suggest(const char *word, const char *const *cands, size_t n);
/* Appends str with its control characters (C0, DEL and UTF-8 encoded C1) escaped as git's
 * quote_path does: \t \n \r \a \b \f \v, else \ooo per byte. Text from a page or an inventory
 * printed that way cannot drive a terminal (set its title, clear it, erase lines). */
void vos_buf_add_escaped(struct vos_buf *b, const char *str);
/* str itself when it has no control character, else its escaped copy in a (borrowed). NULL-safe. */
const char *vos_arena_escaped(struct vos_arena *a, const char *str);
/* Validates UTF-8; returns true if valid, else sets *bad_offset to the first bad byte. */
bool vos_utf8_valid(const char *s, size_t len, size_t *bad_offset);
/* Parses an IPv4 dotted quad; returns 0 on success. */
int vos_ipv4_parse(uint32_t *out, const char *s);
/* Parses "a.b.c.d/n"; returns 0 on success. */
int vos_cidr_parse(uint32_t *net_out, uint32_t *mask_out, const char *s);
bool vos_ipv4_is_loopback(uint32_t addr);

/* Now in Wiki.js's format, "2026-11-23T18:30:00.000Z" (or $VOSCTL_NOW when set, for tests). Caller frees. */
char *vos_now_iso(void);
/* A duration as Prometheus writes one: units ms, s, m, h, d, w, one or more in decreasing order
 * ("5m", "1h30m", "250ms", "0s"). Returns 0 with *ms_out, or VOS_EINPUT (no unit, a bad unit,
 * an overflow). */
int vos_duration_parse(long long *ms_out, const char *s);
/* ms as such a duration ("5m", "1h30m", "7m3.250s" is written "7m3s250ms") into buf. */
const char *vos_duration_format(long long ms, char *buf, size_t n);
/* Seconds since the epoch of an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SS[.fff]Z" (vos_now_iso's form,
 * "Z" or "+00:00"); -1 when s is not one. */
long long vos_iso_time_parse(const char *s);
/* A unix time as "2027-01-31T12:00:00Z" into buf (n >= 21 bytes); returns buf. */
const char *vos_time_iso(long long t, char *buf, size_t n);
/* A calendar date "YYYY-MM-DD" (a real day, years 1970-9999) as YYYYMMDD in *ymd: 0, or -1. */
int vos_date_parse(const char *s, int *ymd);
/* Today's date (local time) as YYYYMMDD, or $VOSCTL_TODAY (YYYY-MM-DD) when set, for tests:
 * 0, or -1 when $VOSCTL_TODAY is not a date. */
int vos_date_today(int *ymd);

/* A small pseudo-random source (xorshift64*) whose state the caller owns: lib/ keeps no process-wide
 * random state (no rand()/srand()), so two users of the library in one process cannot disturb each
 * other. Not for secrets. vos_rng_seed with seed 0 seeds from getrandom(2) (else the clock, the pid
 * and the state's address); any other seed gives a fixed sequence (tests). */
struct vos_rng {
	uint64_t s;
};
void vos_rng_seed(struct vos_rng *r, uint64_t seed);
uint64_t vos_rng_next(struct vos_rng *r);
/* A number in [0, n) (0 when n is 0). */
uint64_t vos_rng_below(struct vos_rng *r, uint64_t n);

/* The version of vosctl (from VERSION, see lib/version.c). */
const char *vos_version(void);

#endif
