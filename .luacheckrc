-- luacheck configuration: checks and lib/ run in the preflight sandbox,
-- specs run under busted.
std = "lua54"
max_line_length = 100

files["checks/"] = { read_globals = { "preflight" } }
files["lib/"] = { read_globals = { "preflight" } }
files["tests/"] = { read_globals = { "preflight" } }
files["spec/"] = { std = "+busted" }
files["bench/"] = { read_globals = { "preflight" } }
