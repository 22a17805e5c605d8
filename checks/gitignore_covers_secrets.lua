-- .gitignore must keep every .env.* file and the secrets/ folder out of git.
local gitignore = require("gitignore")

local MUST_IGNORE = {
  { path = ".env.live", dir = false },
  { path = ".env.paper", dir = false },
  { path = ".env.production", dir = false },
  { path = "secrets", dir = true },
  { path = "secrets/exchange.key", dir = false },
}

return {
  id = "git.gitignore_covers_secrets",
  title = ".gitignore covers .env.* and secrets/",
  tags = { "secrets", "git" },
  run = function()
    local text, err = preflight.fs.read(".gitignore")
    if not text then
      return preflight.fail("cannot read .gitignore: " .. err)
    end
    local rules = gitignore.parse(text)
    local uncovered = {}
    for _, want in ipairs(MUST_IGNORE) do
      if not gitignore.ignored(rules, want.path, want.dir) then
        uncovered[#uncovered + 1] = want.path .. (want.dir and "/" or "")
      end
    end
    if #uncovered > 0 then
      return preflight.fail(".gitignore does not cover " .. table.concat(uncovered, ", "),
        { uncovered = #uncovered })
    end
    return preflight.pass(".gitignore covers .env.* and secrets/",
      { rules = #rules })
  end,
}
