--- httpdate: parse the HTTP Date header (RFC 9110 IMF-fixdate,
--- "Sun, 06 Nov 1994 08:49:37 GMT") into Unix seconds, in pure Lua.
local M = {}

local MONTHS = {
  Jan = 1, Feb = 2, Mar = 3, Apr = 4, May = 5, Jun = 6,
  Jul = 7, Aug = 8, Sep = 9, Oct = 10, Nov = 11, Dec = 12,
}

--- Days from 1970-01-01 to a civil date (proleptic Gregorian).
-- @param y integer
-- @param m integer 1..12
-- @param d integer 1..31
-- @return integer
function M.days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

--- Parse an IMF-fixdate.
-- @param s string
-- @return integer|nil Unix seconds
-- @return string|nil err
function M.parse(s)
  if type(s) ~= "string" then return nil, "no Date header" end
  local d, mon, y, hh, mm, ss = s:match(
    "^%a%a%a, (%d%d) (%a%a%a) (%d%d%d%d) (%d%d):(%d%d):(%d%d) GMT$")
  local m = MONTHS[mon or ""]
  if not d or not m then
    return nil, ('Date header "%s" is not an HTTP date'):format(s:sub(1, 64))
  end
  d, y, hh, mm, ss = tonumber(d), tonumber(y), tonumber(hh), tonumber(mm), tonumber(ss)
  if d < 1 or d > 31 or hh > 23 or mm > 59 or ss > 60 then
    return nil, ('Date header "%s" is out of range'):format(s)
  end
  return M.days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss
end

return M
