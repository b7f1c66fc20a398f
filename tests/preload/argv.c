/*
 * argv.c - prints how it was started, on one line: whether the kernel
 * asked for secure execution (AT_SECURE), whether libsmshim is mapped
 * into it, then its arguments, argv[0] first.  tests/preload.bats builds
 * it with cc, and makes a setuid copy of it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

static int preloaded(void)
{
	char line[4096];
	int found = 0;
	FILE *maps = fopen("/proc/self/maps", "r");
	if (!maps)
		return -1;
	while (!found && fgets(line, sizeof line, maps))
		found = strstr(line, "libsmshim") != NULL;
	fclose(maps);
	return found;
}

int main(int argc, char **argv)
{
	printf("secure=%lu preloaded=%d", getauxval(AT_SECURE), preloaded());
	for (int i = 0; i < argc; i++)
		printf(" [%s]", argv[i]);
	putchar('\n');
	return 0;
}
