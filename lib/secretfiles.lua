--- secretfiles: which files in the project root hold secrets (`.env`,
--- `.env.*` except `.env.example`, everything directly in `secrets/`) and
--- what is wrong with their permissions: group or other may read or
--- write, the owner is not the user preflight runs as, a symlink.
local M = {}

--- Whether a root-level name is an environment file with secrets.
-- @param name string
-- @return boolean
function M.is_env_file(name)
  return (name == ".env" or name:sub(1, 5) == ".env.") and name ~= ".env.example"
end

--- The paths to check, relative to the project root, sorted.
-- @return table|nil paths ("secrets" itself comes first when present)
-- @return string|nil err
function M.paths()
  local out = {}
  local root, err = preflight.fs.list(".")
  if not root then return nil, "cannot list the project root: " .. err end
  for _, name in ipairs(root) do
    if M.is_env_file(name) then out[#out + 1] = name end
  end
  local st = preflight.fs.stat("secrets")
  if st then
    table.insert(out, 1, "secrets")
    if st.type == "directory" then
      local names, lerr = preflight.fs.list("secrets")
      if not names then return nil, "cannot list secrets/: " .. lerr end
      for _, n in ipairs(names) do out[#out + 1] = "secrets/" .. n end
    end
  end
  return out
end

--- What is wrong with one path, or nil.
-- @param path string
-- @param st table fs.stat's result
-- @param uid integer the expected owner
-- @return string|nil
function M.problem(path, st, uid)
  if st.type == "symlink" then
    return ("%s is a symlink (want the file itself, mode 600)"):format(path)
  end
  local dir = st.type == "directory"
  local bad = st.mode & (dir and 63 or 54) -- 0o077 for folders, 0o066 for files
  if bad ~= 0 then
    return ("%s is mode %o, want no group or other %s (%s)"):format(path, st.mode,
      dir and "access" or "read or write", dir and "700" or "600")
  end
  if st.uid ~= uid then
    return ("%s is owned by uid %d, not by uid %d that runs preflight"):format(path, st.uid, uid)
  end
  return nil
end

--- Every problem among the paths.
-- @param paths table
-- @param uid integer
-- @return table list of problem strings
function M.problems(paths, uid)
  local out = {}
  for _, p in ipairs(paths) do
    local st, err = preflight.fs.stat(p)
    local why
    if not st then why = "cannot stat " .. err else why = M.problem(p, st, uid) end
    if why then out[#out + 1] = why end
  end
  return out
end

return M
