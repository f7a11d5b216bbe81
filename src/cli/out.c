/*
 * Printing command results (see out.h).
 */
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "cli/out.h"

int cli_table_init(struct cli_table *t, size_t n, const char *const *names)
{
	memset(t, 0, sizeof *t);
	t->ncols = n;
	t->cols = calloc(n, sizeof *t->cols);
	t->heads = calloc(n, sizeof *t->heads);
	t->numeric = calloc(n, sizeof *t->numeric);
	if (!t->cols || !t->heads || !t->numeric)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(names[i], '=');
		size_t len = eq ? (size_t)(eq - names[i]) : strlen(names[i]);
		if (len && names[i][len - 1] == '#') {
			t->numeric[i] = 1;
			len--;
		}
		t->cols[i] = strndup(names[i], len);
		if (!t->cols[i])
			return -1;
		t->heads[i] = eq ? eq + 1 : t->cols[i];
	}
	return 0;
}

int cli_table_add(struct cli_table *t, const char *const *values)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **p = realloc(t->cells, sizeof *p * cap * t->ncols);
		if (!p)
			return -1;
		t->cells = p;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = values[i] ? strdup(values[i]) : NULL;
	t->nrows++;
	return 0;
}

size_t cli_display_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp;
		int len;
		if (*p < 0x80) {
			cp = *p;
			len = 1;
		} else if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			len = 2;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			len = 3;
		} else {
			cp = *p & 0x07;
			len = 4;
		}
		for (int i = 1; i < len; i++) {
			if (!p[i]) {
				len = i;
				break;
			}
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		p += len;
		/* CJK, Hangul, full-width forms and CJK punctuation are two columns wide. */
		if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD))
			w += 2;
		else
			w += 1;
	}
	return w;
}

static const char *cellv(const struct cli_table *t, size_t r, size_t c)
{
	return t->cells[r * t->ncols + c];
}

void cli_table_print(const struct cli_table *t, FILE *f, int format)
{
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 30);
	if (format == CLI_FMT_JSON) {
		cc_buf_puts(&b, "[");
		for (size_t r = 0; r < t->nrows; r++) {
			cc_buf_puts(&b, r ? ",\n {" : "\n {");
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = cellv(t, r, c);
				if (c)
					cc_buf_puts(&b, ", ");
				cc_buf_json_str(&b, t->cols[c], strlen(t->cols[c]));
				cc_buf_puts(&b, ": ");
				if (!v || (t->numeric[c] && !*v))
					cc_buf_puts(&b, "null");
				else if (t->numeric[c])
					cc_buf_puts(&b, v);
				else
					cc_buf_json_str(&b, v, strlen(v));
			}
			cc_buf_puts(&b, "}");
		}
		cc_buf_puts(&b, t->nrows ? "\n]\n" : "]\n");
	} else if (format == CLI_FMT_CSV) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				cc_buf_putc(&b, ',');
			cc_buf_csv_cell(&b, t->heads[c], strlen(t->heads[c]), 1);
		}
		cc_buf_puts(&b, "\r\n");
		for (size_t r = 0; r < t->nrows; r++) {
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = cellv(t, r, c);
				if (c)
					cc_buf_putc(&b, ',');
				if (v) /* text guarded against formulas, numbers as they are */
					cc_buf_csv_cell(&b, v, strlen(v), !t->numeric[c]);
			}
			cc_buf_puts(&b, "\r\n");
		}
	} else {
		size_t *w = calloc(t->ncols, sizeof *w);
		if (!w)
			return;
		for (size_t c = 0; c < t->ncols; c++)
			w[c] = cli_display_width(t->heads[c]);
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = cellv(t, r, c);
				size_t dw = v ? cli_display_width(v) : 0;
				if (dw > w[c])
					w[c] = dw > 60 ? 60 : dw;
			}
		for (size_t r = 0; r <= t->nrows; r++) {
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = r == 0 ? t->heads[c] : cellv(t, r - 1, c);
				if (!v)
					v = "";
				size_t dw = cli_display_width(v);
				int right = r > 0 && t->numeric[c];
				size_t pad = dw < w[c] ? w[c] - dw : 0;
				if (right)
					for (size_t k = 0; k < pad; k++)
						cc_buf_putc(&b, ' ');
				cc_buf_puts(&b, v);
				if (!right && c + 1 < t->ncols)
					for (size_t k = 0; k < pad; k++)
						cc_buf_putc(&b, ' ');
				if (c + 1 < t->ncols)
					cc_buf_puts(&b, "  ");
			}
			cc_buf_putc(&b, '\n');
			if (r == 0) {
				for (size_t c = 0; c < t->ncols; c++) {
					for (size_t k = 0; k < w[c]; k++)
						cc_buf_putc(&b, '-');
					if (c + 1 < t->ncols)
						cc_buf_puts(&b, "  ");
				}
				cc_buf_putc(&b, '\n');
			}
		}
		free(w);
	}
	fwrite(b.data ? b.data : "", 1, b.len, f);
	cc_buf_release(&b);
}

void cli_table_release(struct cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (size_t c = 0; t->cols && c < t->ncols; c++)
		free(t->cols[c]);
	free(t->cells);
	free(t->cols);
	free(t->heads);
	free(t->numeric);
	memset(t, 0, sizeof *t);
}
