/*
 * smshim.h - the contract between the smshim wrapper and libsmshim.so.
 *
 * Every name the two pieces agree on lives here and nowhere else: the
 * variables they read, the exit codes the wrapper reserves for its own
 * failures, the log prefix and the limits.  The preload library includes
 * this header too, so it must stay free of anything but macros.
 */
#ifndef SMSHIM_H
#define SMSHIM_H

#ifndef SMSHIM_VERSION
#define SMSHIM_VERSION "0.1.0"
#endif

/* Where the job lives (SageMaker's own names). */
#define SMSHIM_DEFAULT_BASE_DIR "/opt/ml"
#define SMSHIM_ENV_BASE_DIR "SAGEMAKER_BASE_DIR"

/* What smshim reads from its own environment, each read once at start. */
#define SMSHIM_ENV_NUM_CPUS "SMSHIM_NUM_CPUS"       /* pin the CPU count */
#define SMSHIM_ENV_NUM_GPUS "SMSHIM_NUM_GPUS"       /* pin the GPU count */
#define SMSHIM_ENV_NUM_NEURONS "SMSHIM_NUM_NEURONS" /* pin the Neuron core count */
#define SMSHIM_ENV_PYTHON "SMSHIM_PYTHON"           /* interpreter for Python entry points */
#define SMSHIM_ENV_STOP_TIMEOUT "SMSHIM_STOP_TIMEOUT" /* seconds between SIGTERM and SIGKILL */
#define SMSHIM_ENV_LOG_LEVEL "SMSHIM_LOG_LEVEL"     /* debug|info|warning|error */
#define SMSHIM_ENV_SKIP_DNS_WAIT "SMSHIM_SKIP_DNS_WAIT" /* "1": do not wait for hosts */
#define SMSHIM_ENV_DNS_TIMEOUT "SMSHIM_DNS_TIMEOUT"     /* seconds to wait for hosts */
#define SMSHIM_ENV_CODE_MAX_BYTES "SMSHIM_CODE_MAX_BYTES" /* unpacked code, all files */
#define SMSHIM_ENV_CODE_MAX_FILES "SMSHIM_CODE_MAX_FILES" /* unpacked code, entries */

/* The preload library's own switches. */
#define SMSHIM_ENV_DISABLE "SMSHIM_DISABLE"     /* "1": the library does nothing */
#define SMSHIM_ENV_DEBUG "SMSHIM_DEBUG"         /* "1": the library explains itself */
#define SMSHIM_ENV_WRAPPER "SMSHIM_WRAPPER"     /* path of the smshim program */
#define SMSHIM_ENV_TRAIN_ARG "SMSHIM_TRAIN_ARG" /* drop|keep SageMaker's "train" */
/*
 * Set by the wrapper in every child it starts: the process tree is already
 * under smshim, so the preload library must not hand anything over again.
 * Its value is the wrapper's pid.
 */
#define SMSHIM_ENV_ACTIVE "SMSHIM_ACTIVE"

/*
 * How the preload library hands the entry process over:
 *     execve(<smshim>, {SMSHIM_PROGRAM, SMSHIM_OPT_ENTRY, "--", argv...})
 * where <smshim> is $SMSHIM_WRAPPER, else <libdir>/../bin/SMSHIM_PROGRAM
 * beside the library, else the install prefix's bin/SMSHIM_PROGRAM.
 */
#define SMSHIM_PROGRAM "smshim"
#define SMSHIM_OPT_ENTRY "--entry"

/*
 * Exit codes.  A supervised command's own status passes through unchanged
 * (0-255, 128+N for death by signal N, 126 and 127 when it cannot be
 * started).  smshim's own failures use these codes, taken from sysexits(3);
 * the reason is always on stderr and, for a job, in output/failure.
 */
#define SMSHIM_EXIT_OK 0
#define SMSHIM_EXIT_USAGE 64       /* bad command line or SMSHIM_* value */
#define SMSHIM_EXIT_DATA 65        /* a config file is malformed or holds bad values */
#define SMSHIM_EXIT_NOINPUT 66     /* a config file is missing or unreadable */
#define SMSHIM_EXIT_UNAVAILABLE 69 /* something the job needs is unavailable */
#define SMSHIM_EXIT_SOFTWARE 70    /* internal error (out of memory) */
#define SMSHIM_EXIT_OSERR 71       /* the system refused (fork, pipe, signals) */
#define SMSHIM_EXIT_CANTCREAT 73   /* code/, output/ or a temporary file can't be written */
#define SMSHIM_EXIT_INSTALL 75     /* installing the user's dependencies failed */
#define SMSHIM_EXIT_NOEXEC 126     /* the command exists but cannot be executed */
#define SMSHIM_EXIT_NOTFOUND 127   /* the command does not exist */

/* Every line smshim writes to stderr starts with a timestamp and this. */
#define SMSHIM_LOG_PREFIX "smshim"

/* Limits (docs/robustness.md explains each). */
#define SMSHIM_CONFIG_MAX_BYTES (16u * 1024 * 1024) /* one config file */
#define SMSHIM_JSON_MAX_DEPTH 900                  /* nesting in any JSON text */
#define SMSHIM_FAILURE_MAX_BYTES 1024              /* what SageMaker shows of output/failure */
#define SMSHIM_CODE_MAX_BYTES_DEFAULT (10ull << 30) /* 10 GiB of unpacked code */
#define SMSHIM_CODE_MAX_FILES_DEFAULT 1000000ull    /* entries in the code archive */

#endif /* SMSHIM_H */
