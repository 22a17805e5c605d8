-- D98 stage rule: no live environment file may exist yet. A dangling
-- symlink counts as present: fs.stat does not follow links.
return {
  id = "secrets.env_live_absent",
  title = ".env.live does not exist at this stage",
  tags = { "secrets", "git" },
  run = function()
    local st = preflight.fs.stat(".env.live")
    if st then
      return preflight.fail(".env.live exists (a " .. st.type .. ", " .. st.size
        .. " bytes); remove it: LIVE settings are not allowed at stage D98",
        { type = st.type })
    end
    return preflight.pass(".env.live is absent")
  end,
}
