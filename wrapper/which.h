/* which.h - find a program on PATH without starting a process. */
#ifndef SMSHIM_WHICH_H
#define SMSHIM_WHICH_H

/*
 * The path of the executable regular file `name` would run as, searched in
 * $PATH like which(1) does (a name with a '/' is checked as it is).
 * Returns a new string, or NULL when there is none.
 */
char *which(const char *name);

#endif
