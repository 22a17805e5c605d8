/* version.h: the tool's name and version, shown by `preflight version`
 * and recorded in every evidence document. */
#ifndef PF_VERSION_H
#define PF_VERSION_H

#define PF_NAME "preflight"
#define PF_VERSION "0.1.0"

#endif
