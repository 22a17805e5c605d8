-- luacheck configuration: checks and lib/ run in the preflight sandbox
-- (the shipped standard, share/preflight/luacheckrc.lua, which a team
-- copies into its own check repository), specs run under busted.
local shipped = require("share.preflight.luacheckrc")

std = "lua54"
max_line_length = 100
stds.preflight = shipped.stds.preflight

files["checks/"] = { std = "preflight" }
files["lib/"] = { std = "preflight" }
files["tests/"] = { read_globals = { "preflight" } }
files["spec/"] = { std = "+busted" }
files["bench/"] = { read_globals = { "preflight" } }
