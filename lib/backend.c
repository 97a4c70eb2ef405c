/* backend.c: libxapian's version and fatal handler for the programs
 * (backend.h), through the binding.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include "backend.h"

#include "xapian-c.h"

const char *ns_backend_version(void)
{
    return xc_version();
}

void ns_backend_set_fatal_handler(void (*fn)(const char *what))
{
    xc_set_fatal_handler(fn);
}
