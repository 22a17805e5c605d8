-- The primitives this check pack added to the host, called from a real
-- sandbox: preflight.crypto, preflight.fs.list and preflight.env.uid.
local pack = require("pack")
local support = require("support")

describe("host primitives", function()
  it("crypto.hmac_sha256 matches RFC 4231 and Binance's example", function()
    assert.equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      pack.eval([[return preflight.crypto.hmac_sha256("Jefe", "what do ya want for nothing?")]]))
    assert.equal("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
      pack.eval([[return preflight.crypto.hmac_sha256(
        "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
        .. "&recvWindow=5000&timestamp=1499827319559")]]))
    assert.equal("32", pack.eval([[return #preflight.crypto.hmac_sha256("k", "m", "raw")]]))
  end)

  it("crypto.sha512 matches FIPS 180 for abc and the empty string", function()
    assert.equal("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      .. "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      pack.eval([[return preflight.crypto.sha512("abc")]]))
    assert.equal("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      .. "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
      pack.eval([[return preflight.crypto.sha512("")]]))
  end)

  it("crypto.base64url has no padding and uses - and _", function()
    assert.equal("Zm9vYg|-_8", pack.eval(
      [[return preflight.crypto.base64url("foob") .. "|"
        .. preflight.crypto.base64url("\251\255")]]))
  end)

  it("crypto.uuid4 gives fresh version 4 UUIDs", function()
    assert.equal("true", pack.eval([[local a, b = preflight.crypto.uuid4(), preflight.crypto.uuid4()
      local shape = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-4%x%x%x%-[89ab]%x%x%x%-%x+$"
      return a ~= b and a:match(shape) ~= nil]]))
  end)

  it("crypto misuse raises", function()
    assert.truthy(pack.eval([[return preflight.crypto.sha512(nil)]]):match(
      "^error: .*bad argument #1 to 'sha512' %(string expected, got nil%)$"))
    assert.truthy(pack.eval([[return preflight.crypto.hmac_sha256("k", "m", "b64")]]):match(
      "invalid option 'b64'"))
  end)

  describe("fs.list", function()
    local root
    before_each(function() root = support.tmpdir() end)
    after_each(function() support.rmtree(root) end)

    local function list(path)
      local dir = support.tmpdir()
      support.write(dir .. "/c.lua", ([[return { id = "spec.list", title = "t", run = function()
        local names, err, code = preflight.fs.list(%q)
        if not names then return preflight.fail(err .. " " .. tostring(code)) end
        return preflight.pass(table.concat(names, ","))
      end }]]):format(path))
      local r = support.host.run({ dir .. "/c.lua" }, { root = root })
      support.rmtree(dir)
      return r.checks[1]
    end

    it("lists names sorted, hidden ones included, without . and ..", function()
      assert(os.execute("cd '" .. root .. "' && mkdir -p secrets/sub && touch secrets/b"
        .. " secrets/.a secrets/C"))
      local c = list("secrets")
      assert.equal("pass", c.status)
      assert.equal(".a,C,b,sub", c.message)
      assert.equal("", list("secrets/sub").message)
    end)

    it("returns nil, err for a missing folder or a file", function()
      assert.equal("secrets: No such file or directory 2", list("secrets").message)
      assert(os.execute("touch '" .. root .. "/f'"))
      assert.equal("f: Not a directory 20", list("f").message)
    end)

    it("stays below the project root", function()
      assert.equal("..: outside the project root nil", list("..").message)
      assert.equal("/etc: outside the project root nil", list("/etc").message)
      assert(os.execute("ln -s /etc '" .. root .. "/out'"))
      assert.equal("out: outside the project root nil", list("out").message)
    end)

    it("refuses more than 10000 entries", function()
      assert(os.execute("mkdir '" .. root .. "/many' && cd '" .. root
        .. "/many' && seq 10001 | xargs touch"))
      assert.equal("many: more than 10000 entries nil", list("many").message)
    end)
  end)

  describe("fs.read", function()
    local root
    before_each(function() root = support.tmpdir() end)
    after_each(function() support.rmtree(root) end)

    -- Reads path with max_bytes max and reports how many values came back.
    local function read(path, max)
      local dir = support.tmpdir()
      support.write(dir .. "/c.lua", ([[return { id = "spec.read", title = "t", run = function()
        local n = select("#", preflight.fs.read(%q, %d))
        local body, err = preflight.fs.read(%q, %d)
        if not body then return preflight.fail(n .. " " .. err) end
        return preflight.pass(n .. " " .. #body)
      end }]]):format(path, max, path, max))
      local r = support.host.run({ dir .. "/c.lua" }, { root = root })
      support.rmtree(dir)
      return r.checks[1]
    end

    it("reads a file up to max_bytes, one value back", function()
      assert(os.execute("head -c 20000 /dev/zero > '" .. root .. "/big'"))
      local c = read("big", 20000)
      assert.equal("pass", c.status)
      assert.equal("1 20000", c.message)
    end)

    it("returns exactly nil, err for a file over max_bytes", function()
      assert(os.execute("head -c 20000 /dev/zero > '" .. root .. "/big'"))
      assert.equal("2 big: larger than 19999 bytes", read("big", 19999).message)
      assert.equal("2 big: larger than 10 bytes", read("big", 10).message)
    end)

    it("stays below the project root", function()
      assert.equal("2 ..: outside the project root", read("..", 10).message)
    end)
  end)

  it("env.uid is the effective user id", function()
    assert.equal(io.popen("id -u"):read("l"), pack.eval([[return preflight.env.uid()]]))
  end)
end)
