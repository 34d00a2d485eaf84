/* page_edit.h - what the services page editor (page_edit.c) shares with the generated pages
 * (pages.c): Markdown text pieces, and where render places the inventory's services on the page.
 * Internal to the render modules; commands and publish use render.h and render_plan.h. */
#ifndef VOS_PAGE_EDIT_H
#define VOS_PAGE_EDIT_H

#include "render.h"

/* Plain text for a table cell: Markdown punctuation escaped, line breaks as spaces. */
void vos_edit_cell_text(struct vos_buf *b, const char *s);
/* An inline code span for any text (a longer fence when the text holds backticks). */
void vos_edit_code(struct vos_buf *b, const char *s);
/* Prose on one line. */
void vos_edit_text(struct vos_buf *b, const char *s);
/* A service's ports: "8080/tcp, 53/udp" (markdown_cell), or with their address, name and check. */
void vos_edit_ports(struct vos_buf *b, const struct vos_service *s, bool markdown_cell);
/* Appends a table written as "| a | b |" lines (header, delimiter, rows) to b, aligned as render
 * aligns the services tables. */
void vos_edit_table_align(struct vos_buf *b, const char *table, size_t len);
/* `key:` from the front matter of a page text (trimmed; a quoted value unquoted and unescaped), or
 * NULL. Caller frees. */
char *vos_edit_frontmatter_value(const char *text, size_t len, const char *key);

/* A front matter value on one line, as Wiki.js's YAML loader reads it back: plain when YAML reads
 * plain text as that text, else single-quoted (a ": ", "#", a leading quote or indicator, a
 * blank at either end, a value YAML reads as a boolean, null or number). Line breaks become
 * spaces. */
void vos_edit_frontmatter_scalar(struct vos_buf *b, const char *s);

/* For each page row, the model service that lists it, or NULL (caller frees the array). */
const struct vos_mservice **vos_edit_services_by_row(const struct vos_model *m,
                                                     const struct vos_page *page);
/* Host name (vos_name_eq) -> index + 1 of the last services table under that host. */
void vos_edit_host_tables(struct vos_map *out, const struct vos_page *page);
/* The page table an inventory service the page lacks is added to, or (size_t)-1. */
size_t vos_edit_table_for(const struct vos_map *tables, const struct vos_mservice *s);

#endif
