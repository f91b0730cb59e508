-- append.lua: wrk script for the record-append benchmark. Every request is
-- POST /api/v1/cases/{id}/records with a `note` step (allowed to officers in
-- every non-terminal state, 云南 附件2 第九条（二十二）) of about 400 bytes.
-- Run it with one connection per thread (wrk -tN -cN): thread i appends to the
-- i-th case of CASES, so the N clients never queue on one case's row lock.
-- wrk itself counts answers other than 2xx ("Non-2xx or 3xx responses").
-- Environment: COOKIE (sx_session value), CSRF (X-CSRF-Token), CASES ("2 3 4 ...").

local cases = {}
for id in string.gmatch(os.getenv("CASES") or "", "%d+") do
  cases[#cases + 1] = id
end
local next_case = 0

function setup(thread)
  next_case = next_case + 1
  thread:set("case_id", cases[(next_case - 1) % #cases + 1])
end

local body = '{"action":"note","body":{"title":"基准","content":"'
  .. string.rep("执法人员与当事人电话沟通，告知其补充提交结算明细及进销存台账。", 6)
  .. '"}}'

function init(args)
  path = "/api/v1/cases/" .. case_id .. "/records"
  headers = {
    ["Cookie"] = "sx_session=" .. os.getenv("COOKIE"),
    ["X-CSRF-Token"] = os.getenv("CSRF"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  return wrk.format("POST", path, headers, body)
end
