/* The engine vifd gives its classifiers: match rules JIT-compiled (match.c). */
#ifndef VD_MATCH_H
#define VD_MATCH_H

#include "vn_classify.h"

extern const struct vn_classify_engine vd_match_engine;

#endif
