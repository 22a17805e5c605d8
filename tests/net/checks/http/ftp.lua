-- A scheme other than http and https is misuse: it raises.
return {
  id = "http.ftp",
  title = "ftp:// raises",
  run = function()
    preflight.http.request{url = "ftp://127.0.0.1/file"}
    return preflight.pass("must not get here")
  end,
}
