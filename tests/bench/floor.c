/* floor.c - the validate benchmark's floor: the least work any validator of a lab must do.
 *
 * Usage: floor PAGE INVENTORY_DIR
 * Reads every *.yaml / *.yml file of INVENTORY_DIR and runs libyaml's event parser over it (no tree),
 * then parses PAGE with cmark-gfm with the table extension attached and walks the node tree once.
 * Prints the counts, so the work cannot be optimised away. Exit 0, or 1 on any error.
 */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	if (!f) {
		perror(path);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			char *p;
			cap = cap ? cap * 2 : 1 << 16;
			p = realloc(buf, cap + 1);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static long yaml_events(const char *path)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	size_t len;
	long count = 0;
	int done = 0;
	char *buf = read_file(path, &len);
	if (!buf)
		return -1;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			fprintf(stderr, "%s:%lu:%lu: %s\n", path, (unsigned long)parser.problem_mark.line + 1,
			        (unsigned long)parser.problem_mark.column + 1,
			        parser.problem ? parser.problem : "parse error");
			count = -1;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		count++;
	}
	yaml_parser_delete(&parser);
	free(buf);
	return count;
}

static int is_yaml(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.')
		return 0;
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static long page_nodes(const char *path, long *tables)
{
	cmark_parser *parser;
	cmark_node *doc;
	cmark_iter *it;
	cmark_event_type ev;
	cmark_syntax_extension *table;
	size_t len;
	long count = 0;
	char *buf = read_file(path, &len);
	if (!buf)
		return -1;
	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	table = cmark_find_syntax_extension("table");
	if (!table || !cmark_parser_attach_syntax_extension(parser, table)) {
		fprintf(stderr, "floor: no table extension\n");
		cmark_parser_free(parser);
		free(buf);
		return -1;
	}
	cmark_parser_feed(parser, buf, len);
	doc = cmark_parser_finish(parser);
	it = cmark_iter_new(doc);
	*tables = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev == CMARK_EVENT_ENTER) {
			count++;
			if (!strcmp(cmark_node_get_type_string(cmark_iter_get_node(it)), "table"))
				(*tables)++;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	free(buf);
	return count;
}

int main(int argc, char **argv)
{
	struct dirent **names;
	long events = 0, nodes, tables = 0;
	int i, n, files = 0, rc = 0;
	if (argc != 3) {
		fprintf(stderr, "usage: floor PAGE INVENTORY_DIR\n");
		return 2;
	}
	n = scandir(argv[2], &names, NULL, alphasort);
	if (n < 0) {
		perror(argv[2]);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (is_yaml(names[i]->d_name) && rc == 0) {
			size_t l = strlen(argv[2]) + strlen(names[i]->d_name) + 2;
			char *path = malloc(l);
			long e;
			if (!path)
				return 1;
			snprintf(path, l, "%s/%s", argv[2], names[i]->d_name);
			e = yaml_events(path);
			free(path);
			if (e < 0)
				rc = 1;
			else
				events += e;
			files++;
		}
		free(names[i]);
	}
	free(names);
	nodes = page_nodes(argv[1], &tables);
	if (nodes < 0)
		rc = 1;
	printf("floor: %d yaml files, %ld events; page: %ld nodes, %ld tables\n", files, events, nodes, tables);
	return rc;
}
