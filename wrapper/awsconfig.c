/* awsconfig.c - the default AWS region, found where boto3 looks for it. */
#include "awsconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* The profile a [section] header names in the config file, or NULL. */
static const char *section_profile(char *header)
{
	header = trim(header);
	if (strcmp(header, "default") == 0)
		return "default";
	if (strncmp(header, "profile", 7) == 0 && isspace((unsigned char)header[7]))
		return trim(header + 8);
	return NULL;
}

char *awsconfig_default_region(void)
{
	const char *env = getenv("AWS_DEFAULT_REGION");
	if (env && env[0])
		return xstrdup(env);
	const char *profile = getenv("AWS_PROFILE");
	if (!profile || !profile[0])
		profile = getenv("AWS_DEFAULT_PROFILE");
	if (!profile || !profile[0])
		profile = "default";
	char *path;
	const char *file = getenv("AWS_CONFIG_FILE");
	if (file && file[0]) {
		path = file[0] == '~' && getenv("HOME") ? xasprintf("%s%s", getenv("HOME"), file + 1)
							: xstrdup(file);
	} else if (getenv("HOME")) {
		path = xasprintf("%s/.aws/config", getenv("HOME"));
	} else {
		return NULL;
	}
	FILE *f = fopen(path, "re");
	free(path);
	if (!f)
		return NULL;
	char *line = NULL, *region = NULL;
	size_t cap = 0;
	int in_profile = 0;
	while (getline(&line, &cap, f) > 0) {
		char *s = trim(line);
		if (s[0] == '[') {
			char *end = strchr(s, ']');
			if (end)
				*end = '\0';
			const char *name = section_profile(s + 1);
			in_profile = name && strcmp(name, profile) == 0;
			continue;
		}
		if (!in_profile || s[0] == '#' || s[0] == ';')
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (strcmp(trim(s), "region") == 0) {
			free(region);
			region = xstrdup(trim(eq + 1));
		}
	}
	free(line);
	fclose(f);
	return region;
}
