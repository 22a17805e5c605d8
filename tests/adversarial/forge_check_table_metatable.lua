-- expect: error contract
return setmetatable({ title = 't', run = function() return preflight.pass('ok') end }, { __index = { id = 'adv.x' } })
