/*
 * failure.h - output/failure and output/success, the files SageMaker reads
 * after a job (trainer.py, files.py write_failure_file).
 */
#ifndef SMSHIM_FAILURE_H
#define SMSHIM_FAILURE_H

/*
 * Write `text` to output_dir/failure, cut to the SMSHIM_FAILURE_MAX_BYTES
 * SageMaker shows (at a UTF-8 character boundary).  A failure file the
 * user wrote is kept.  The file appears whole or not at all: it is written
 * aside and linked into place.  Nothing is written when output_dir does
 * not exist.  Returns 0, or -1 after a warning.
 */
int failure_write(const char *output_dir, const char *text);

/*
 * The toolkit's text for a failed child (errors.py _CalledProcessError):
 *
 *     ExecuteUserScriptError:
 *     ExitCode 3
 *     ErrorMessage "<the last lines of its stderr>"
 *     ExtraInfo "Killed by SIGTERM (signal 15)"      (only for a signal)
 *     Command "<the command>"
 *
 * fitted into SMSHIM_FAILURE_MAX_BYTES: the command is cut first, then the
 * error message loses its oldest lines.  `kind` is the error class name
 * ("ExecuteUserScriptError", "InstallRequirementsError").  Returns a new
 * string.
 */
char *failure_text(const char *kind, int status, int signal, int killed_after_grace,
		   long long grace_s, const char *stderr_tail, const char *command);

/* An empty output_dir/success, the same way.  Returns 0 or -1. */
int success_write(const char *output_dir);

#endif
