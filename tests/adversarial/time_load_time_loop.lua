-- expect: error timeout
while true do end
