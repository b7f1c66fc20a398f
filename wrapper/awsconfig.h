/*
 * awsconfig.h - the default AWS region, found where boto3 looks for it.
 */
#ifndef SMSHIM_AWSCONFIG_H
#define SMSHIM_AWSCONFIG_H

/*
 * boto3.session.Session().region_name: $AWS_DEFAULT_REGION, else `region`
 * of the profile ($AWS_PROFILE, $AWS_DEFAULT_PROFILE or "default") in
 * $AWS_CONFIG_FILE or ~/.aws/config.  Returns a new string, or NULL.
 */
char *awsconfig_default_region(void);

#endif
