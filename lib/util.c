/* util.c - allocation, buffers, arenas, hash map, files, small parsers. */
#define _GNU_SOURCE
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void vos_die_oom(void)
{
	static const char msg[] = "vosctl: fatal: out of memory\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

void *vos_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		vos_die_oom();
	return p;
}

void *vos_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		vos_die_oom();
	return p;
}

void *vos_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		vos_die_oom();
	return q;
}

char *vos_strdup(const char *s)
{
	return vos_strndup(s, strlen(s));
}

char *vos_strndup(const char *s, size_t n)
{
	char *p = vos_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *vos_vasprintf(const char *fmt, va_list ap)
{
	struct vos_buf b = VOS_BUF_INIT;
	vos_buf_vaddf(&b, fmt, ap);
	return vos_buf_detach(&b, NULL);
}

char *vos_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = vos_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void *vos_grow(void *items, size_t *alloc, size_t want, size_t elsize)
{
	size_t n;
	if (want <= *alloc)
		return items;
	n = *alloc ? *alloc * 2 : 8;
	while (n < want)
		n *= 2;
	if (n > SIZE_MAX / elsize)
		vos_die_oom();
	*alloc = n;
	return vos_realloc(items, n * elsize);
}

/* ---------------------------------------------------------------- buffers */

void vos_buf_init(struct vos_buf *b)
{
	b->ptr = NULL;
	b->len = b->alloc = 0;
}

void vos_buf_release(struct vos_buf *b)
{
	free(b->ptr);
	vos_buf_init(b);
}

void vos_buf_reset(struct vos_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

static void buf_grow(struct vos_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;
	if (want < b->len)
		vos_die_oom();
	if (want > b->alloc) {
		size_t n = b->alloc ? b->alloc : 64;
		while (n < want)
			n *= 2;
		b->ptr = vos_realloc(b->ptr, n);
		b->alloc = n;
	}
}

void vos_buf_add(struct vos_buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void vos_buf_adds(struct vos_buf *b, const char *s)
{
	vos_buf_add(b, s, strlen(s));
}

void vos_buf_addc(struct vos_buf *b, char c)
{
	vos_buf_add(b, &c, 1);
}

void vos_buf_vaddf(struct vos_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->alloc - b->len) {
		buf_grow(b, (size_t)n);
		va_copy(cp, ap);
		vsnprintf(b->ptr + b->len, b->alloc - b->len, fmt, cp);
		va_end(cp);
	}
	b->len += (size_t)n;
}

void vos_buf_addf(struct vos_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vos_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *vos_buf_detach(struct vos_buf *b, size_t *len_out)
{
	char *p;
	if (!b->ptr)
		buf_grow(b, 0), b->ptr[0] = '\0';
	p = b->ptr;
	if (len_out)
		*len_out = b->len;
	vos_buf_init(b);
	return p;
}

/* ---------------------------------------------------------------- arena */

struct vos_arena_block {
	struct vos_arena_block *next;
	size_t size, used;
	max_align_t data[];
};

void vos_arena_init(struct vos_arena *a)
{
	a->head = NULL;
	a->used_total = 0;
}

void vos_arena_release(struct vos_arena *a)
{
	struct vos_arena_block *b = a->head, *next;
	while (b) {
		next = b->next;
		free(b);
		b = next;
	}
	vos_arena_init(a);
}

/* not zeroed */
/* A new block for n bytes (n already rounded), or the head block's room ran out. */
static void *arena_alloc_block(struct vos_arena *a, size_t n)
{
	struct vos_arena_block *b = a->head;
	size_t size = 64 * 1024 - sizeof(*b);
	if (n > size / 4) {
		/* a big allocation gets a block of its own, kept behind the head */
		struct vos_arena_block *big = vos_malloc(sizeof(*big) + n);
		big->size = big->used = n;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
			big->next = NULL;
			a->head = big;
		}
		a->used_total += n;
		return big->data;
	}
	b = vos_malloc(sizeof(*b) + size);
	b->size = size;
	b->used = n;
	b->next = a->head;
	a->head = b;
	a->used_total += n;
	return b->data;
}

/* the common case inline: room in the head block */
static inline void *arena_alloc_raw(struct vos_arena *a, size_t n)
{
	struct vos_arena_block *b = a->head;
	n = (n + 7) & ~(size_t)7;
	if (!n)
		n = 8;
	if (b && b->size - b->used >= n) {
		void *p = (char *)b->data + b->used;
		b->used += n;
		a->used_total += n;
		return p;
	}
	return arena_alloc_block(a, n);
}

void *vos_arena_alloc(struct vos_arena *a, size_t n)
{
	void *p = arena_alloc_raw(a, n);
	memset(p, 0, n);
	return p;
}

char *vos_arena_strndup(struct vos_arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *vos_arena_strdup(struct vos_arena *a, const char *s)
{
	return s ? vos_arena_strndup(a, s, strlen(s)) : NULL;
}

char *vos_arena_sprintf(struct vos_arena *a, const char *fmt, ...)
{
	struct vos_buf b = VOS_BUF_INIT;
	va_list ap;
	char *s;
	va_start(ap, fmt);
	vos_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	s = vos_arena_strndup(a, b.ptr ? b.ptr : "", b.len);
	vos_buf_release(&b);
	return s;
}

/* ---------------------------------------------------------------- hash map */

/* FNV-1a; nocase folds ASCII letters only, as strcasecmp does in the C locale vosctl runs in
 * (tolower() there is the same fold, but a function call per byte) */
static size_t map_hash(const char *s, bool nocase)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t h = 1469598103934665603ull;
	if (nocase) {
		for (; *p; p++) {
			unsigned c = *p;
			if (c - 'A' < 26u)
				c += 'a' - 'A';
			h = (h ^ c) * 1099511628211ull;
		}
	} else {
		for (; *p; p++)
			h = (h ^ *p) * 1099511628211ull;
	}
	return h;
}

static bool map_keyeq(const struct vos_map *m, const char *a, const char *b)
{
	return m->nocase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

void vos_map_init(struct vos_map *m, bool nocase)
{
	memset(m, 0, sizeof(*m));
	m->nocase = nocase;
}

void vos_map_release(struct vos_map *m)
{
	free(m->keys);
	free(m->vals);
	vos_map_init(m, m->nocase);
}

static void map_rehash(struct vos_map *m, size_t cap)
{
	const char **keys = m->keys;
	void **vals = m->vals;
	size_t old = m->cap, i;
	m->keys = vos_calloc(cap, sizeof(*m->keys));
	m->vals = vos_calloc(cap, sizeof(*m->vals));
	m->cap = cap;
	m->n = 0;
	for (i = 0; i < old; i++)
		if (keys[i])
			vos_map_put(m, keys[i], vals[i]);
	free(keys);
	free(vals);
}

void vos_map_reserve(struct vos_map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16;
	while (n * 4 >= cap * 3) /* the capacity n puts would grow it to */
		cap *= 2;
	if (cap > m->cap)
		map_rehash(m, cap);
}

void *vos_map_put(struct vos_map *m, const char *key, void *val)
{
	size_t i;
	if ((m->n + 1) * 4 >= m->cap * 3)
		map_rehash(m, m->cap ? m->cap * 2 : 16);
	i = map_hash(key, m->nocase) & (m->cap - 1);
	while (m->keys[i]) {
		if (map_keyeq(m, m->keys[i], key)) {
			void *old = m->vals[i];
			m->vals[i] = val;
			return old;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return NULL;
}

void *vos_map_get(const struct vos_map *m, const char *key)
{
	size_t i;
	if (!m->cap || !key)
		return NULL;
	i = map_hash(key, m->nocase) & (m->cap - 1);
	while (m->keys[i]) {
		if (map_keyeq(m, m->keys[i], key))
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

/* ---------------------------------------------------------------- files */

int vos_file_read(char **out, size_t *len_out, const char *path, size_t max, struct vos_err *err)
{
	return vos_file_read_uid(out, len_out, NULL, path, max, err);
}

int vos_file_read_uid(char **out, size_t *len_out, unsigned *uid_out, const char *path, size_t max,
                      struct vos_err *err)
{
	struct stat st;
	struct vos_buf b = VOS_BUF_INIT;
	int fd;
	*out = NULL;
	if (len_out)
		*len_out = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		return vos_err_set(err, e == ENOENT ? VOS_ENOTFOUND : VOS_EINPUT, "unable to open '%s': %s",
		                   path, strerror(e));
	}
	if (fstat(fd, &st) < 0) {
		memset(&st, 0, sizeof(st));
		st.st_uid = (uid_t)-1; /* unknown: trusted by nobody */
	}
	if (uid_out)
		*uid_out = (unsigned)st.st_uid;
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return vos_err_set(err, VOS_EINPUT, "unable to read '%s': is a directory", path);
	}
	/* a regular file over the limit is refused before reading it (pipes are checked as they come) */
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)max) {
		close(fd);
		return vos_err_set(err, VOS_EINPUT, "'%s' is larger than the limit of %zu bytes", path, max);
	}
	/* a regular file: room for exactly its size (and one byte to see the end), not the next power
	 * of two */
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		b.alloc = (size_t)st.st_size + 2;
		b.ptr = vos_malloc(b.alloc);
		b.ptr[0] = '\0';
	}
	for (;;) {
		ssize_t r;
		if (b.alloc - b.len < 2)
			buf_grow(&b, 65536);
		r = read(fd, b.ptr + b.len, b.alloc - b.len - 1);
		if (r < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			close(fd);
			vos_buf_release(&b);
			return vos_err_set(err, VOS_EIO, "unable to read '%s': %s", path, strerror(e));
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
		b.ptr[b.len] = '\0';
		if (b.len > max) {
			close(fd);
			vos_buf_release(&b);
			return vos_err_set(err, VOS_EINPUT, "'%s' is larger than the limit of %zu bytes", path, max);
		}
	}
	close(fd);
	*out = vos_buf_detach(&b, len_out);
	return 0;
}

bool vos_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool vos_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int vos_mkdir_p(const char *path, unsigned mode)
{
	char *p = vos_strdup(path), *s;
	int rc = 0;
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

char *vos_path_join(const char *dir, const char *name)
{
	size_t n;
	if (!dir || !*dir || name[0] == '/' || vos_streq(dir, "."))
		return vos_strdup(name);
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return vos_asprintf("%.*s/%s", (int)n, dir, name);
}

/* Appends the components of tail to out (an absolute path), applying "." and "..". */
static void path_append_lexical(struct vos_buf *out, const char *tail)
{
	while (*tail) {
		const char *e = strchr(tail, '/');
		size_t n = e ? (size_t)(e - tail) : strlen(tail);
		if (n == 2 && tail[0] == '.' && tail[1] == '.') {
			char *slash = strrchr(out->ptr, '/');
			out->len = slash && slash != out->ptr ? (size_t)(slash - out->ptr) : 1;
			out->ptr[out->len] = '\0';
		} else if (n && !(n == 1 && tail[0] == '.')) {
			if (out->ptr[out->len - 1] != '/')
				vos_buf_addc(out, '/');
			vos_buf_add(out, tail, n);
		}
		tail += n + (e ? 1 : 0);
	}
}

char *vos_path_resolve(const char *path, struct vos_err *err)
{
	char real[PATH_MAX], cwd[PATH_MAX];
	struct vos_buf abs = VOS_BUF_INIT, out = VOS_BUF_INIT;
	size_t cut;
	if (path[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd))) {
			vos_err_set(err, VOS_EIO, "unable to resolve '%s': %s", path, strerror(errno));
			return NULL;
		}
		vos_buf_addf(&abs, "%s/%s", cwd, path);
	} else {
		vos_buf_adds(&abs, path);
	}
	/* the longest prefix that exists, resolved; a prefix that exists but does not resolve (a
	 * dangling or looping link, no permission) is an error, not a path to guess at */
	for (cut = abs.len;;) {
		char save = abs.ptr[cut];
		struct stat st;
		bool ok;
		abs.ptr[cut] = '\0';
		ok = realpath(cut ? abs.ptr : "/", real) != NULL;
		if (!ok && (errno != ENOENT || lstat(abs.ptr, &st) == 0)) {
			int e = errno;
			vos_err_set(err, VOS_EIO, "unable to resolve '%s': %s", cut ? abs.ptr : "/", strerror(e));
			abs.ptr[cut] = save;
			vos_buf_release(&abs);
			return NULL;
		}
		abs.ptr[cut] = save;
		if (ok)
			break;
		while (cut > 0 && abs.ptr[--cut] != '/')
			;
	}
	vos_buf_adds(&out, real);
	path_append_lexical(&out, abs.ptr + cut);
	vos_buf_release(&abs);
	return vos_buf_detach(&out, NULL);
}

bool vos_path_within(const char *path, const char *root)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return path[0] == '/';
	return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

char *vos_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return vos_strdup(".");
	if (slash == path)
		return vos_strdup("/");
	return vos_strndup(path, (size_t)(slash - path));
}

/* ---------------------------------------------------------------- strings */

/* Length of the control character at s (C0, DEL, or a UTF-8 encoded C1), or 0. */
static size_t ctrl_len(const unsigned char *s)
{
	if (*s < 0x20 || *s == 0x7f)
		return 1;
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	return 0;
}

void vos_buf_add_escaped(struct vos_buf *b, const char *str)
{
	static const char letters[] = "\a\b\t\n\v\f\r";
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		size_t n = ctrl_len(s), i;
		const char *l;
		if (!n) {
			vos_buf_addc(b, (char)*s++);
			continue;
		}
		if (n == 1 && (l = strchr(letters, *s)) != NULL)
			vos_buf_addf(b, "\\%c", "abtnvfr"[l - letters]);
		else
			for (i = 0; i < n; i++)
				vos_buf_addf(b, "\\%03o", s[i]);
		s += n;
	}
}

const char *vos_arena_escaped(struct vos_arena *a, const char *str)
{
	const unsigned char *s;
	struct vos_buf b = VOS_BUF_INIT;
	char *r;
	if (!str)
		return NULL;
	for (s = (const unsigned char *)str; *s && !ctrl_len(s); s++)
		;
	if (!*s)
		return str;
	vos_buf_add_escaped(&b, str);
	r = vos_arena_strndup(a, b.ptr, b.len);
	vos_buf_release(&b);
	return r;
}

bool vos_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool vos_strcaseeq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcasecmp(a, b) == 0;
}

bool vos_contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return true;
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

bool vos_name_eq(const char *a, const char *b)
{
	return vos_strcaseeq(a, b);
}

size_t vos_edit_distance(const char *a, const char *b, size_t max)
{
	/* optimal string alignment over three rows; words compared here are short, longer ones are
	 * cut off early by max */
	size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0, i, j, best, d;
	size_t *base, *prev2, *prev, *cur, *t;
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	base = prev2 = vos_malloc(3 * (lb + 1) * sizeof(size_t));
	prev = prev2 + lb + 1;
	cur = prev + lb + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		int ca = tolower((unsigned char)a[i - 1]);
		cur[0] = i;
		best = i;
		for (j = 1; j <= lb; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			d = prev[j - 1] + (ca != cb);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		if (best > max) {
			free(base);
			return max + 1;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(base);
	return d > max ? max + 1 : d;
}

const char *vos_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t i, len = word ? strlen(word) : 0, max, best_d, d;
	const char *best = NULL;
	if (!len)
		return NULL;
	max = (len - 1) / 2 < 2 ? (len - 1) / 2 : 2;
	best_d = max + 1;
	for (i = 0; i < n; i++) {
		if (!cands[i] || !strcmp(cands[i], word))
			continue;
		d = vos_edit_distance(word, cands[i], max);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	return best;
}

bool vos_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool vos_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool vos_utf8_valid(const char *str, size_t len, size_t *bad_offset)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c;
		size_t n, k;
		uint32_t cp;
		/* ASCII runs, a word at a time */
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			goto bad;
		if (len - i <= n)
			goto bad;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += n + 1;
	}
	return true;
bad:
	if (bad_offset)
		*bad_offset = i;
	return false;
}

int vos_ipv4_parse(uint32_t *out, const char *s)
{
	uint32_t v = 0;
	int parts = 0;
	while (parts < 4) {
		unsigned n = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || n > 255)
				return -1;
			s++;
		}
		if (!digits)
			return -1;
		v = (v << 8) | n;
		parts++;
		if (parts < 4) {
			if (*s != '.')
				return -1;
			s++;
		}
	}
	if (*s)
		return -1;
	*out = v;
	return 0;
}

int vos_cidr_parse(uint32_t *net_out, uint32_t *mask_out, const char *s)
{
	const char *slash = strchr(s, '/');
	char addr[32];
	uint32_t a, mask;
	long bits;
	char *end;
	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return -1;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (vos_ipv4_parse(&a, addr) < 0)
		return -1;
	if (!slash[1] || slash[1] < '0' || slash[1] > '9')
		return -1;
	errno = 0;
	bits = strtol(slash + 1, &end, 10);
	if (*end || bits < 0 || bits > 32 || errno)
		return -1;
	mask = bits ? (uint32_t)(0xffffffffu << (32 - bits)) : 0;
	*net_out = a & mask;
	*mask_out = mask;
	return 0;
}

bool vos_ipv4_is_loopback(uint32_t addr)
{
	return (addr >> 24) == 127;
}

char *vos_now_iso(void)
{
	const char *env = getenv("VOSCTL_NOW");
	struct timespec ts;
	struct tm tmv;
	char buf[64];
	if (env && *env)
		return vos_strdup(env);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tmv);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tmv.tm_year + 1900,
	         tmv.tm_mon + 1, tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec, ts.tv_nsec / 1000000);
	return vos_strdup(buf);
}

long long vos_iso_time_parse(const char *s)
{
	struct tm tmv;
	int y, mo, d, h, mi, sec, n = 0;
	const char *p;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return -1;
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (strcmp(p, "Z") && strcmp(p, "+00:00"))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	memset(&tmv, 0, sizeof(tmv));
	tmv.tm_year = y - 1900;
	tmv.tm_mon = mo - 1;
	tmv.tm_mday = d;
	tmv.tm_hour = h;
	tmv.tm_min = mi;
	tmv.tm_sec = sec;
	return (long long)timegm(&tmv);
}

const char *vos_time_iso(long long t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tmv;
	if (!gmtime_r(&tt, &tmv))
		memset(&tmv, 0, sizeof(tmv));
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tmv.tm_year + 1900, tmv.tm_mon + 1, tmv.tm_mday,
	         tmv.tm_hour, tmv.tm_min, tmv.tm_sec);
	return buf;
}

int vos_date_parse(const char *s, int *ymd)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 0, m, d, i;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9'))
			return -1;
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	*ymd = y * 10000 + m * 100 + d;
	return 0;
}

int vos_date_today(int *ymd)
{
	const char *env = getenv("VOSCTL_TODAY");
	time_t now;
	struct tm tmv;
	if (env && *env)
		return vos_date_parse(env, ymd);
	now = time(NULL);
	localtime_r(&now, &tmv);
	*ymd = (tmv.tm_year + 1900) * 10000 + (tmv.tm_mon + 1) * 100 + tmv.tm_mday;
	return 0;
}

/* ---------------------------------------------------------------- random */

void vos_rng_seed(struct vos_rng *r, uint64_t seed)
{
	if (!seed) {
		struct timespec ts;
		if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed)) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			seed = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
			       ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)r;
		}
	}
	/* splitmix64 once: nearby seeds give unrelated states, and the state is never 0 */
	seed += 0x9e3779b97f4a7c15u;
	seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9u;
	seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebu;
	seed ^= seed >> 31;
	r->s = seed ? seed : 0x9e3779b97f4a7c15u;
}

uint64_t vos_rng_next(struct vos_rng *r)
{
	uint64_t x = r->s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545f4914f6cdd1du;
}

uint64_t vos_rng_below(struct vos_rng *r, uint64_t n)
{
	return n ? vos_rng_next(r) % n : 0;
}

/* ------------------------------------------------------------------ durations */

static const struct {
	const char *unit;
	long long ms;
} duration_units[] = {
	{"w", 7LL * 24 * 3600 * 1000}, {"d", 24LL * 3600 * 1000}, {"h", 3600LL * 1000},
	{"m", 60LL * 1000}, {"s", 1000}, {"ms", 1},
};
#define NDURATION_UNITS (sizeof(duration_units) / sizeof(duration_units[0]))

int vos_duration_parse(long long *ms_out, const char *s)
{
	long long total = 0;
	size_t last = 0; /* units must decrease: index of the next allowed unit */
	if (!s || !*s)
		return VOS_EINPUT;
	while (*s) {
		long long v = 0;
		size_t u, len;
		if (*s < '0' || *s > '9')
			return VOS_EINPUT;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (v > (LLONG_MAX - 9) / 10)
				return VOS_EINPUT;
			v = v * 10 + (*s - '0');
		}
		/* "ms" before "m" */
		if (s[0] == 'm' && s[1] == 's')
			u = NDURATION_UNITS - 1;
		else
			for (u = 0; u < NDURATION_UNITS - 1 && s[0] != duration_units[u].unit[0]; u++)
				;
		len = strlen(duration_units[u].unit);
		if (strncmp(s, duration_units[u].unit, len) || u < last)
			return VOS_EINPUT;
		if (v > (LLONG_MAX - total) / duration_units[u].ms)
			return VOS_EINPUT;
		total += v * duration_units[u].ms;
		last = u + 1;
		s += len;
	}
	*ms_out = total;
	return 0;
}

const char *vos_duration_format(long long ms, char *buf, size_t n)
{
	size_t u, used = 0;
	if (n)
		buf[0] = '\0';
	if (ms <= 0) {
		snprintf(buf, n, "0s");
		return buf;
	}
	for (u = 0; u < NDURATION_UNITS && used < n; u++) {
		long long q = ms / duration_units[u].ms;
		if (!q)
			continue;
		used += (size_t)snprintf(buf + used, n - used, "%lld%s", q, duration_units[u].unit);
		ms -= q * duration_units[u].ms;
	}
	return buf;
}
