--- messages: small helpers that keep check messages uniform: lists,
--- amounts, and connection strings with their passwords masked.
local M = {}

--- Join a list of strings with ", ".
-- @param list table
-- @return string
function M.join(list)
  return table.concat(list, ", ")
end

--- "1 open order" / "3 open orders".
-- @param n integer
-- @param word string singular
-- @return string
function M.count(n, word)
  return ("%d %s%s"):format(n, word, n == 1 and "" or "s")
end

--- An amount with two decimals ("1234.50").
-- @param x number
-- @return string
function M.amount(x)
  return ("%.2f"):format(x)
end

--- A connection string with any password replaced by ***: the userinfo
--- password of a URL (`redis://:pw@h`, `postgresql://u:pw@h/db`) and a
--- libpq `password=...` pair.
-- @param s string
-- @return string
function M.mask_url(s)
  s = s:gsub("^(%a[%w+.-]*://[^:/@]*:)[^/]*@", "%1***@")
  s = s:gsub("(password%s*=%s*)'[^']*'", "%1***")
  s = s:gsub("(password%s*=%s*)[^%s']+", "%1***")
  return s
end

--- Replace every plain occurrence of `old` in `s` by `new` (no patterns).
-- @param s string
-- @param old string
-- @param new string
-- @return string
function M.replace(s, old, new)
  if old == "" then return s end
  local out, i = {}, 1
  while true do
    local a, b = s:find(old, i, true)
    if not a then break end
    out[#out + 1] = s:sub(i, a - 1)
    out[#out + 1] = new
    i = b + 1
  end
  out[#out + 1] = s:sub(i)
  return table.concat(out)
end

return M
