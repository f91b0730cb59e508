-- wrk script for bench/ledger.sh: GET an inclusion proof of a random record (1..MAXID), logged in.
local maxid = tonumber(os.getenv("MAXID"))
local cookie = "sx_session=" .. os.getenv("COOKIE")
local path = os.getenv("PROOF_PATH") or "inclusion"

function setup(thread)
  thread:set("id", math.random(1, 1000000))
end

function init(args)
  math.randomseed(os.time() + (id or 0))
end

request = function()
  if path == "consistency" then
    local b = math.random(2, maxid)
    local a = math.random(1, b)
    return wrk.format("GET", "/api/v1/ledger/proofs/consistency?first=" .. a .. "&second=" .. b)
  end
  return wrk.format("GET", "/api/v1/ledger/proofs/inclusion?record=" .. math.random(1, maxid),
                    {["Cookie"] = cookie})
end
