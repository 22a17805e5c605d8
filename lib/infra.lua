--- infra: the Redis and PostgreSQL reachability checks, one decision for
--- both: the URL from the environment, a ping with a timeout, and the URL
--- shown with its password masked. The RUNBOOK's alert latency (KPI 10)
--- goes into the details beside the measured one.
local messages = require("messages")
local settings = require("settings")

local M = {}

M.TIMEOUT_MS = 2000

M.KINDS = {
  redis = { env = "REDIS_URL", ping = function(...) return preflight.redis.ping(...) end,
            answer = "PING", alert_ms = 50 },
  postgres = { env = "DATABASE_URL", ping = function(...) return preflight.db.ping(...) end,
               answer = "SELECT 1", alert_ms = 100 },
}

--- Ping the service named by its environment variable.
-- @param kind string "redis" or "postgres"
-- @return userdata the check's result
function M.ping(kind)
  local k = M.KINDS[kind]
  local url, err = settings.need(k.env)
  if not url then return preflight.fail(err) end
  local ok, res, class = k.ping(url, M.TIMEOUT_MS)
  if not ok and class == "url" then
    return preflight.fail(("%s is not usable: %s"):format(k.env, res))
  end
  if not ok then return preflight.fail(("%s unreachable: %s"):format(kind, res)) end
  return preflight.pass(("%s at %s answered %s"):format(kind, messages.mask_url(url), k.answer),
    { latency_ms = res, latency_ms_alert_max = k.alert_ms, alert = res > k.alert_ms })
end

return M
