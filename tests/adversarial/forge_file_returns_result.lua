-- expect: error contract
return preflight.pass('top level')
