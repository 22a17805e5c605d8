local httpdate = require("httpdate")

describe("httpdate", function()
  it("parses IMF-fixdate", function()
    assert.equal(784111777, httpdate.parse("Sun, 06 Nov 1994 08:49:37 GMT"))
    assert.equal(1700000005, httpdate.parse("Tue, 14 Nov 2023 22:13:25 GMT"))
    assert.equal(951782400, httpdate.parse("Tue, 29 Feb 2000 00:00:00 GMT"))
    assert.equal(0, httpdate.parse("Thu, 01 Jan 1970 00:00:00 GMT"))
  end)

  it("counts days like the Gregorian calendar", function()
    assert.equal(0, httpdate.days_from_civil(1970, 1, 1))
    assert.equal(11016, httpdate.days_from_civil(2000, 2, 29))
    assert.equal(-1, httpdate.days_from_civil(1969, 12, 31))
  end)

  it("refuses other formats", function()
    assert.same({ nil, 'Date header "Sunday, 06-Nov-94 08:49:37 GMT" is not an HTTP date' },
      { httpdate.parse("Sunday, 06-Nov-94 08:49:37 GMT") })
    assert.same({ nil, 'Date header "Sun, 06 Nov 1994 25:49:37 GMT" is out of range' },
      { httpdate.parse("Sun, 06 Nov 1994 25:49:37 GMT") })
    assert.same({ nil, "no Date header" }, { httpdate.parse(nil) })
  end)
end)
