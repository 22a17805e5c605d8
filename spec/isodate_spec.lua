local isodate = require("isodate")

describe("isodate", function()
  it("reads Upbit's KST date-times and other offsets as Unix seconds", function()
    -- 2021-03-05T18:19:34+09:00 is 09:19:34 UTC
    assert.equal(1614935974, isodate.parse("2021-03-05T18:19:34+09:00"))
    assert.equal(1614935974, isodate.parse("2021-03-05T09:19:34Z"))
    assert.equal(1614935974, isodate.parse("2021-03-05T09:19:34.250+00:00"))
    assert.equal(1614935974, isodate.parse("2021-03-05T04:49:34-0430"))
    assert.equal(1700000000, isodate.parse("2023-11-14T22:13:20+00:00"))
  end)

  it("refuses a time without a zone, a short time, or garbage", function()
    assert.same({ nil, '"2027-06-18T18:19:34" has no UTC offset' },
      { isodate.parse("2027-06-18T18:19:34") })
    assert.same({ nil, '"2027-06-18 18:19" is not an ISO 8601 date-time' },
      { isodate.parse("2027-06-18 18:19") })
    assert.same({ nil, '"2027-13-01T00:00:00Z" is out of range' },
      { isodate.parse("2027-13-01T00:00:00Z") })
    assert.same({ nil, '"2027-01-01T00:00:00+24:00" has an offset out of range' },
      { isodate.parse("2027-01-01T00:00:00+24:00") })
    assert.same({ nil, "not a date-time string" }, { isodate.parse(1614935974) })
    assert.same({ nil, "not a date-time string" }, { isodate.parse(nil) })
  end)
end)
