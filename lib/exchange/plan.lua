--- exchange.plan: the planned arbitrage order, from the settings alone.
--- For every asset of TRADE_ASSETS the bot places one LIMIT order of
--- PLANNED_NOTIONAL_USD on each exchange of EXCHANGES, buying on one and
--- selling on the other: the first exchange in EXCHANGES is the buying
--- leg, the second the selling leg (`binance,upbit`: buy on Binance, sell
--- on Upbit). An exchange alone in EXCHANGES is held to both sides. The
--- order checks (order_rules, order_test), the balance checks and
--- exposure.combined all use this one definition, plus the decimal
--- helpers the adapters need to shape an order the way an exchange wants.
local settings = require("settings")

local M = {}

--- Names of the sides in messages.
M.LEG = { buy = "buying leg", sell = "selling leg" }

--- The sides an exchange trades in the planned order.
-- @param name string exchange name (in EXCHANGES)
-- @return table|nil list of "buy" / "sell"
-- @return string|nil err
function M.sides(name)
  local list, err = settings.exchanges()
  if not list then return nil, err end
  if #list == 1 and list[1] == name then return { "buy", "sell" } end
  if list[1] == name then return { "buy" } end
  if list[2] == name then return { "sell" } end
  return nil, ("%s is not a leg of the planned order (EXCHANGES %s)"):format(name,
    settings.get("EXCHANGES"))
end

--- The planned notional and the traded assets, validated; ctx gives the
--- mode for the live limits.
-- @return number|nil planned notional in USD
-- @return table|string assets, or err
function M.size(ctx)
  local planned, err = settings.threshold("PLANNED_NOTIONAL_USD", ctx)
  if not planned then return nil, err end
  if planned <= 0 then return nil, "PLANNED_NOTIONAL_USD is 0: there is no order to check" end
  local assets, aerr = settings.assets()
  if not assets then return nil, aerr end
  return planned, assets
end

--- Digits after the point of an exchange's decimal step, trailing zeros
--- ignored: "0.00001000" -> 5, "0.01" -> 2, "1.00000000" -> 0.
-- @param s string|number
-- @return integer
function M.decimals(s)
  local frac = (tostring(s):match("%.(%d*)$") or ""):gsub("0+$", "")
  return #frac
end

--- x rounded down to a whole multiple of step (> 0), as a number and as
--- text with dec digits after the point.
-- @param x number
-- @param step number
-- @param dec integer
-- @return number
-- @return string
function M.floor_to(x, step, dec)
  local text = ("%." .. dec .. "f"):format(math.floor(x / step + 1e-9) * step)
  return tonumber(text), text
end

--- A plain decimal text of x without trailing zeros (at most 8 digits
--- after the point): 143000000 -> "143000000", 0.0010139 -> "0.0010139".
-- @param x number
-- @return string
function M.plain(x)
  local s = ("%.8f"):format(x):gsub("0+$", ""):gsub("%.$", "")
  return s
end

return M
