/*
 * report_text.h: the human report: one line per check, a summary, the
 * verdict. Colour and symbols only when asked (a TTY without NO_COLOR).
 */
#ifndef PF_REPORT_TEXT_H
#define PF_REPORT_TEXT_H

#include <stdio.h>

#include "evidence.h"

void pf_report_text(FILE *out, const pf_report *r, int color);
/* 1 when fd is a terminal and NO_COLOR is unset or empty. */
int pf_want_color(int fd);

#endif
