/*
 * floor.c - the cheapest possible exec wrapper: it only execs its
 * arguments.  bench/startup.sh runs it beside smshim, so that the cost of
 * any second exec on the machine at hand can be told from smshim's own work.
 */
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 2)
		return 64;
	execve(argv[1], argv + 1, environ);
	return 127;
}
