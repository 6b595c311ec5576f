/* `tracerd status`'s two outputs of an answer: lines for people, or one
 * JSON object (--json; its keys are in tracerd(1), `tracerd status`). */
#ifndef TRACERD_STATUSPRINT_H
#define TRACERD_STATUSPRINT_H

#include <stdio.h>

#include "statusread.h"

void statusprint_text(FILE *f, const struct status_view *v);
void statusprint_json(FILE *f, const struct status_view *v);

#endif
