--- gitignore: decide whether a path is ignored by a .gitignore text, with
--- git's rules: comments, blank lines, `!` negation, anchoring by a leading
--- or inner slash, directory-only patterns with a trailing slash, `*`, `?`,
--- `[...]` and `**`, the last matching pattern wins, and a file inside an
--- ignored folder cannot be re-included.
local M = {}

--- Translate one glob (no slashes handled specially here) to a Lua pattern
--- body. `**` is handled by the caller's segment logic.
-- @param glob string
-- @return string
local function glob_to_pattern(glob)
  local out, i, n = {}, 1, #glob
  while i <= n do
    local c = glob:sub(i, i)
    if c == "*" then
      if glob:sub(i, i + 1) == "**" then
        out[#out + 1] = ".*"
        i = i + 2
      else
        out[#out + 1] = "[^/]*"
        i = i + 1
      end
    elseif c == "?" then
      out[#out + 1] = "[^/]"
      i = i + 1
    elseif c == "[" then
      local j = glob:find("]", i + 2, true)
      if not j then
        out[#out + 1] = "%["
        i = i + 1
      else
        local body = glob:sub(i + 1, j - 1)
        local neg = body:sub(1, 1) == "!" or body:sub(1, 1) == "^"
        if neg then body = body:sub(2) end
        body = body:gsub("[%%%]]", "%%%0")
        out[#out + 1] = "[" .. (neg and "^" or "") .. body .. "]"
        i = j + 1
      end
    elseif c == "\\" and i < n then
      out[#out + 1] = "%" .. glob:sub(i + 1, i + 1)
      i = i + 2
    else
      out[#out + 1] = c:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
      i = i + 1
    end
  end
  return table.concat(out)
end

--- Parse .gitignore text into a list of rules.
-- @param text string the file's contents
-- @return table rules, each {negate, dir_only, anchored, pattern, alt,
--   lead_any, source}
function M.parse(text)
  local rules = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    line = line:gsub("\r$", "")
    -- trailing spaces are ignored unless escaped
    line = line:gsub("([^\\])%s+$", "%1"):gsub("^%s+$", "")
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local rule = { source = line }
      if line:sub(1, 1) == "!" then
        rule.negate = true
        line = line:sub(2)
      elseif line:sub(1, 2) == "\\!" or line:sub(1, 2) == "\\#" then
        line = line:sub(2)
      end
      if line:sub(-1) == "/" then
        rule.dir_only = true
        line = line:sub(1, -2)
      end
      if line:find("/", 1, true) then
        rule.anchored = true
        line = line:gsub("^/", "")
      end
      local body
      if rule.anchored then
        -- "**/" at the start matches any leading folders, also none
        if line:sub(1, 3) == "**/" then
          rule.lead_any = true
          line = line:sub(4)
        end
        body = glob_to_pattern(line)
        rule.pattern = "^" .. body .. "$"
        if body:find("/.*/", 1, true) then
          -- "a/**/b" also matches "a/b"
          rule.alt = "^" .. body:gsub("/%.%*/", "/") .. "$"
        end
      else
        rule.pattern = "^" .. glob_to_pattern(line) .. "$"
      end
      if line ~= "" then rules[#rules + 1] = rule end
    end
  end
  return rules
end

--- Does one rule match this path?
local function rule_matches(rule, path, is_dir)
  if rule.dir_only and not is_dir then return false end
  if rule.lead_any then
    local p = path
    while true do
      if p:find(rule.pattern) or (rule.alt and p:find(rule.alt)) then
        return true
      end
      local slash = p:find("/", 1, true)
      if not slash then return false end
      p = p:sub(slash + 1)
    end
  end
  if rule.anchored then
    return path:find(rule.pattern) ~= nil
      or (rule.alt ~= nil and path:find(rule.alt) ~= nil)
  end
  local base = path:match("([^/]+)$") or path
  return base:find(rule.pattern) ~= nil
end

--- The verdict of the rules for one path, ignoring its parents.
local function own_state(rules, path, is_dir)
  local ignored = false
  for _, rule in ipairs(rules) do
    if rule_matches(rule, path, is_dir) then ignored = not rule.negate end
  end
  return ignored
end

--- Is `path` (relative to the folder of the .gitignore, `/`-separated)
--- ignored? A path inside an ignored folder is ignored whatever follows.
-- @param rules table from M.parse
-- @param path string
-- @param is_dir boolean
-- @return boolean
function M.ignored(rules, path, is_dir)
  path = path:gsub("^%./", ""):gsub("/$", "")
  local prefix = ""
  for part in path:gmatch("([^/]+)/") do
    prefix = prefix .. part
    if own_state(rules, prefix, true) then return true end
    prefix = prefix .. "/"
  end
  return own_state(rules, path, is_dir)
end

return M
