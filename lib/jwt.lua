--- jwt: JSON Web Tokens signed with HS256 (RFC 7519), as Upbit's API
--- wants them. Uses preflight.crypto and preflight.json.
local M = {}

M.HEADER = '{"alg":"HS256","typ":"JWT"}'

--- Sign already-encoded header and payload JSON texts.
-- @param header_json string
-- @param payload_json string
-- @param secret string
-- @return string the token "header.payload.signature"
function M.sign(header_json, payload_json, secret)
  local b64 = preflight.crypto.base64url
  local input = b64(header_json) .. "." .. b64(payload_json)
  return input .. "." .. b64(preflight.crypto.hmac_sha256(secret, input, "raw"))
end

--- Encode claims and sign them with HS256.
-- @param claims table string keys, JSON values
-- @param secret string
-- @return string|nil token
-- @return string|nil err
function M.encode(claims, secret)
  local payload, err = preflight.json.encode(claims)
  if not payload then return nil, "cannot encode JWT claims: " .. err end
  return M.sign(M.HEADER, payload, secret)
end

return M
