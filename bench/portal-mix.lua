-- wrk script for the sample portal: one action per run, chosen by the first script argument
-- (list, read, save, search). The session token comes from $PORTAL_TOKEN. Plain wrk is closed
-- loop (it cannot hold a fixed rate), so these figures complement portal-load's, not replace them.
-- wrk itself reports non-2xx answers ("Non-2xx or 3xx responses").
local action = "list"
local token = os.getenv("PORTAL_TOKEN") or ""
local queries = { "invoice", "shipment", "northwind", "delayed", "renewal" }
local n = 0

function init(args)
  action = args[1] or "list"
end

function request()
  n = n + 1
  local headers = { ["Authorization"] = "Bearer " .. token }
  local id = (n % 50) + 1
  if action == "read" then
    return wrk.format("GET", "/api/records/" .. id, headers)
  elseif action == "search" then
    return wrk.format("GET", "/api/records?q=" .. queries[(n % #queries) + 1], headers)
  elseif action == "save" then
    headers["Content-Type"] = "application/json"
    local body = '{"title":"Benchmark save #' .. n .. '","body":"Updated by wrk."}'
    return wrk.format("PUT", "/api/records/" .. id, headers, body)
  end
  return wrk.format("GET", "/api/records?limit=50", headers)
end
