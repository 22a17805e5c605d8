-- Every required setting and secret is set (by name; values are never
-- shown), and the numeric settings that are set are valid. The list of
-- names lives in lib/settings.lua.
local settings = require("settings")
local messages = require("messages")

return {
  id = "settings.required_present",
  title = "Required settings and secrets are set",
  tags = { "settings", "secrets" },
  run = function(ctx)
    local missing, required = settings.missing(ctx.mode)
    if not missing then return preflight.fail(required) end
    if #missing > 0 then
      return preflight.fail(("missing or empty in %s mode: %s"):format(ctx.mode,
        messages.join(missing)), { missing = #missing })
    end
    local bad = {}
    for _, name in ipairs(settings.NUMBER_ORDER) do
      if settings.is_set(name) then
        local _, err = settings.threshold(name, ctx)
        bad[#bad + 1] = err
      end
    end
    local _, aerr = settings.assets()
    bad[#bad + 1] = aerr
    if #bad > 0 then return preflight.fail(table.concat(bad, "; ")) end
    return preflight.pass(("all %d required settings are set: %s"):format(#required,
      messages.join(required)), { required = #required })
  end,
}
