-- append.lua: wrk script for the record-append benchmark. Every request is
-- POST /api/v1/cases/{id}/records with a `note` step (allowed to officers in
-- every non-terminal state, 云南 附件2 第九条（二十二）) of about 400 bytes.
--
-- Run it with one connection per thread (wrk -tN -cN) and CLIENTS=N: thread i
-- owns the cases CASES[i], CASES[i+N], CASES[i+2N], ... and appends to them in
-- turn, so no two clients ever touch the same case (no queueing on one case's
-- row lock) and no case grows far beyond the size of a real case file during
-- the run (Sanxiang replays a case's history before each step).
-- wrk itself counts answers other than 2xx ("Non-2xx or 3xx responses").
-- Environment: COOKIE (sx_session value), CSRF (X-CSRF-Token), CASES ("2 3 4 ..."), CLIENTS.

local all = {}
for id in string.gmatch(os.getenv("CASES") or "", "%d+") do
  all[#all + 1] = id
end
local clients = tonumber(os.getenv("CLIENTS") or "1")
local started = 0

function setup(thread)
  local mine = {}
  for k = started + 1, #all, clients do
    mine[#mine + 1] = all[k]
  end
  started = started + 1
  thread:set("my_cases", table.concat(mine, " "))
end

local body = '{"action":"note","body":{"title":"基准","content":"'
  .. string.rep("执法人员与当事人电话沟通，告知其补充提交结算明细及进销存台账。", 6)
  .. '"}}'

local paths = {}
local turn = 0

function init(args)
  for id in string.gmatch(my_cases, "%d+") do
    paths[#paths + 1] = "/api/v1/cases/" .. id .. "/records"
  end
  headers = {
    ["Cookie"] = "sx_session=" .. os.getenv("COOKIE"),
    ["X-CSRF-Token"] = os.getenv("CSRF"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  turn = turn % #paths + 1
  return wrk.format("POST", paths[turn], headers, body)
end
