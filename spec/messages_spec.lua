local messages = require("messages")

describe("messages", function()
  it("joins, counts and formats amounts", function()
    assert.equal("a, b", messages.join({ "a", "b" }))
    assert.equal("1 order", messages.count(1, "order"))
    assert.equal("3 orders", messages.count(3, "order"))
    assert.equal("1234.50", messages.amount(1234.5))
  end)

  it("masks passwords in URLs and conninfo strings", function()
    assert.equal("redis://:***@127.0.0.1:6379/0",
      messages.mask_url("redis://:s3cret@127.0.0.1:6379/0"))
    assert.equal("postgresql://bot:***@db:5432/arb",
      messages.mask_url("postgresql://bot:p@ss@db:5432/arb"))
    assert.equal("postgresql://bot@db/arb", messages.mask_url("postgresql://bot@db/arb"))
    assert.equal("host=db password=*** dbname=arb",
      messages.mask_url("host=db password=hunter2 dbname=arb"))
    assert.equal("host=db password=*** dbname=arb",
      messages.mask_url("host=db password='a b' dbname=arb"))
  end)

  it("replaces plain text, pattern characters included", function()
    assert.equal("x?y x?y", messages.replace("a%.b? a%.b?", "a%.b", "x"):gsub("x%?", "x?y"))
    assert.equal("GET /p", messages.replace("GET https://h/p?sig=1", "https://h/p?sig=1", "/p"))
    assert.equal("abc", messages.replace("abc", "", "z"))
  end)
end)
