-- Secret files in the project root (.env, .env.* but .env.example, and
-- secrets/ with what is directly in it) are owned by the user running
-- preflight, and neither group nor others may read or write them.
local secretfiles = require("secretfiles")

return {
  id = "secrets.file_permissions",
  title = "Secret files are private to the user running preflight",
  tags = { "secrets" },
  run = function()
    local paths, err = secretfiles.paths()
    if not paths then return preflight.fail(err) end
    if #paths == 0 then
      return preflight.pass("no secret files in the project root (no .env, .env.* or secrets/)")
    end
    local problems = secretfiles.problems(paths, preflight.env.uid())
    if #problems > 0 then
      return preflight.fail(table.concat(problems, "; "), { problems = #problems })
    end
    return preflight.pass(("%d secret paths are private: %s"):format(#paths,
      table.concat(paths, ", ")), { paths = #paths })
  end,
}
