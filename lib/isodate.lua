--- isodate: parse RFC 3339 / ISO 8601 date-times as exchanges send them
--- ("2027-03-05T18:19:34+09:00", "...Z", fractional seconds allowed) into
--- Unix seconds, in pure Lua. (preflight.clock.iso8601 formats the other
--- way.)
local httpdate = require("httpdate")

local M = {}

--- Parse a date-time with a UTC offset. A time without an offset is
--- refused: its zone would be a guess.
-- @param s any
-- @return number|nil Unix seconds
-- @return string|nil err
function M.parse(s)
  if type(s) ~= "string" then return nil, "not a date-time string" end
  local y, mo, d, hh, mm, ss, rest = s:match(
    "^(%d%d%d%d)%-(%d%d)%-(%d%d)[Tt ](%d%d):(%d%d):(%d%d)(.*)$")
  if not y then
    return nil, ('"%s" is not an ISO 8601 date-time'):format(s:sub(1, 64))
  end
  rest = rest:gsub("^%.%d+", "", 1)
  local off
  if rest == "Z" or rest == "z" then
    off = 0
  else
    local sign, oh, om = rest:match("^([+-])(%d%d):?(%d%d)$")
    if not sign then
      return nil, ('"%s" has no UTC offset'):format(s:sub(1, 64))
    end
    oh, om = tonumber(oh), tonumber(om)
    if oh > 23 or om > 59 then
      return nil, ('"%s" has an offset out of range'):format(s:sub(1, 64))
    end
    off = (oh * 3600 + om * 60) * (sign == "-" and -1 or 1)
  end
  y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
  hh, mm, ss = tonumber(hh), tonumber(mm), tonumber(ss)
  if mo < 1 or mo > 12 or d < 1 or d > 31 or hh > 23 or mm > 59 or ss > 60 then
    return nil, ('"%s" is out of range'):format(s:sub(1, 64))
  end
  return httpdate.days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss - off
end

return M
