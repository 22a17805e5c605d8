-- Runs through the real sandbox: signing needs preflight.crypto.
local pack = require("pack")

describe("jwt", function()
  it("signs jwt.io's HS256 example exactly", function()
    assert.equal("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      .. "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
      .. "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      pack.eval([[return require("jwt").sign('{"alg":"HS256","typ":"JWT"}',
        '{"sub":"1234567890","name":"John Doe","iat":1516239022}', "your-256-bit-secret")]]))
  end)

  it("encodes claims with the HS256 header", function()
    local token = pack.eval([[return require("jwt").encode({ access_key = "a" }, "s")]])
    assert.equal("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY2Nlc3Nfa2V5IjoiYSJ9."
      .. pack.eval([[return preflight.crypto.base64url(preflight.crypto.hmac_sha256("s",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY2Nlc3Nfa2V5IjoiYSJ9", "raw"))]]), token)
  end)
end)
