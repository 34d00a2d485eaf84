/* vocab.h - the lab's vocabulary (lib/vocab.c): the classes, traits, planes and roles a lab may
 * use, each with a one-line meaning. vosctl ships a default set (compiled in, docs/inventory.md
 * "Vocabulary"); an inventory's `vocabulary:` section adds words to it, or replaces it with
 * `defaults: false`. Every word the inventory uses must be declared: an unknown word is a located
 * "unknown-word" error with a "did you mean".
 *
 * Ownership: the words' strings are borrowed (the default set is static; a lab's words live in the
 * inventory's arena); a pending use's word is copied into the arena given to vos_vocab_use.
 */
#ifndef VOS_VOCAB_H
#define VOS_VOCAB_H

#include "diag.h"

enum vos_vocab_kind {
	VOS_VOCAB_CLASS = 0, /* a service's class */
	VOS_VOCAB_TRAIT = 1, /* a service's or a host's traits */
	VOS_VOCAB_PLANE = 2, /* a host's plane ("control"; "Control Plane" is the same plane) */
	VOS_VOCAB_ROLE = 3,  /* a host's role ("GPU Inference"; ASCII case ignored) */
};
#define VOS_VOCAB__COUNT 4

struct vos_vocab_word {
	const char *word, *meaning;
	unsigned char kind;       /* enum vos_vocab_kind */
	bool lab;                 /* declared by the lab (else one of the default set) */
	bool used;                /* first_use is set */
	struct vos_loc loc;       /* the lab's declaration (file NULL for a default word) */
	struct vos_loc first_use; /* the first use the inventory made of it */
};

/* A use not yet known to be declared when it was read (a word declared by a later file, or a
 * misspelling): settled by vos_vocab_finish. */
struct vos_vocab_use {
	const char *word;
	unsigned char kind;
	struct vos_loc loc;
};

struct vos_vocab {
	struct vos_vocab_word *words; size_t nwords, words_alloc; /* the default set first */
	size_t ndefaults;
	struct vos_map by_word[VOS_VOCAB__COUNT]; /* word -> index + 1 into words */
	bool defaults;              /* the default set is in force (true unless `defaults: false`) */
	struct vos_vocab_use *pending; size_t npending, pending_alloc;
};

/* The default set, in force (filled in on the first declaration, use or vos_vocab_finish: an
 * initialised vocabulary owns no memory yet). */
void vos_vocab_init(struct vos_vocab *v);
void vos_vocab_release(struct vos_vocab *v);
/* "class", "trait", "plane", "role"; and the plural the `vocabulary:` section uses as its key. */
const char *vos_vocab_kind_name(enum vos_vocab_kind kind);
const char *vos_vocab_kind_plural(enum vos_vocab_kind kind);
/* Declares a lab word (word and meaning borrowed). A default word declared again takes the lab's
 * meaning; a lab word declared twice is an "inventory-duplicate-id" error citing the first. */
void vos_vocab_declare(struct vos_vocab *v, enum vos_vocab_kind kind, const char *word,
                       const char *meaning, const struct vos_loc *loc, struct vos_diags *diags);
/* Records one use of word at loc (the word is copied into arena when it has to be kept). */
void vos_vocab_use(struct vos_vocab *v, struct vos_arena *arena, enum vos_vocab_kind kind,
                   const char *word, const struct vos_loc *loc);
/* Reports every use of a word that is not declared once the whole inventory is read: one
 * "unknown-word" error per use, at the word, with a "did you mean" when a declared word is close. */
void vos_vocab_finish(struct vos_vocab *v, struct vos_diags *diags);
/* The declared word in force (borrowed), or NULL. */
const struct vos_vocab_word *vos_vocab_lookup(const struct vos_vocab *v, enum vos_vocab_kind kind,
                                              const char *word);
/* Whether a word of the array is in force (a default word is not under `defaults: false`). */
bool vos_vocab_active(const struct vos_vocab *v, const struct vos_vocab_word *w);

/* Who uses a word: "service", "host" or "rule" and its id, at loc. */
struct vos_vocab_user {
	const char *what, *id;
	struct vos_loc loc;
};
struct vos_inventory;
/* Every user of w in the inventory, in inventory order (*out the caller's to free). */
void vos_vocab_users(struct vos_vocab_user **out, size_t *n, const struct vos_inventory *inv,
                     const struct vos_vocab_word *w);

#endif
