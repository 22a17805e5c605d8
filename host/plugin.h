/*
 * plugin.h: the network and crypto primitive families live in a separate
 * shared object, preflight_net.so, loaded in a worker on the first use of
 * preflight.http, preflight.redis, preflight.db or preflight.crypto.
 * libcurl, hiredis, libpq and libcrypto (and the ~35 libraries they pull
 * in) then cost nothing to a run whose checks do not use them, and
 * starting preflight and forking a worker stay cheap.
 */
#ifndef PF_PLUGIN_H
#define PF_PLUGIN_H

#include <stddef.h>

#include <lua.h>

#define PF_PLUGIN_NAME "preflight_net.so"
/* sign.c alone, with libcrypto: what keygen, approve and the live gate
 * load, so that checking two signatures does not load libcurl, hiredis
 * and libpq (about 9 ms) in the parent */
#define PF_SIGN_PLUGIN_NAME "preflight_sign.so"

/*
 * Find a family's open function (for example "pf_open_http") in the
 * plugin, loading it on first use. Returns NULL with a message in err when
 * the plugin cannot be found or loaded.
 */
lua_CFunction pf_plugin_symbol(const char *symbol, char *err, size_t errlen);

/* A function of the signing plugin, preflight_sign.so (sign.h), found
 * like the network plugin (the real executable's folder, the install
 * folder; never argv[0]), as a generic function pointer the caller casts
 * back to the function's own type. NULL with err set when the plugin or
 * the symbol cannot be found. */
typedef void (*pf_plugin_fn)(void);
pf_plugin_fn pf_plugin_function(const char *symbol, char *err, size_t errlen);

/*
 * Load the plugin now, in this process, if it is not loaded yet (no Lua
 * runs: only the libraries' own initialisers). The runner calls it before
 * fanning out for slow checks, so the new workers inherit the mapping
 * instead of each loading ~35 libraries. Failure is ignored here: a
 * worker that needs the plugin reports it.
 */
void pf_plugin_preload(void);

/*
 * Push a family table that loads itself from the plugin on first access:
 * an empty table whose __index fills it with the plugin's functions
 * (`symbol` names the family's open function, `family` is its name in
 * messages). A plugin that cannot be loaded raises "preflight.<family>
 * unavailable: ..." in the check that touched the family.
 */
void pf_plugin_push_lazy(lua_State *L, const char *family, const char *symbol);

#endif
