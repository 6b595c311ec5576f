/* Component-wise path strings, for suggest and what-if. */
#include <string.h>

#include "policypath.h"

bool policypath_under(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(dir, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

unsigned policypath_depth(const char *path)
{
	unsigned n = 0;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			n++;
	return n;
}

void policypath_parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash)
		return;
	if (slash == path)
		path[1] = '\0';
	else
		*slash = '\0';
}

void policypath_common(char *a, const char *b)
{
	while (!policypath_under(a, b))
		policypath_parent(a);
}

bool policypath_writable(const char *path)
{
	return path[0] == '/' && !path[strcspn(path, " \t\r\v\f\n")];
}

void policypath_put(FILE *out, const char *path, const char *home)
{
	if (home && strcmp(home, "/") != 0 && policypath_under(home, path))
		fprintf(out, "~%s", path + strlen(home));
	else
		fputs(path, out);
}

void policypath_show(FILE *out, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
}
