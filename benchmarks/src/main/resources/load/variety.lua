-- Request variety for the load benchmark, so the middleware's batches compress as real
-- traffic's do rather than identical requests': 50,000 requests prepared once per wrk thread
-- and sent in turn, each to /hello/{id} with an id among 100,000, a fifth with a query string,
-- with one of ten user agents (browsers, tools, crawlers) drawn at random. The cycle is longer
-- than the middleware's batch (10,000 records), so a batch does not repeat itself; the client
-- address is loopback's, the same for every request, which a real API's traffic is not.
local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "curl/8.11.0",
  "python-requests/2.32.3",
  "okhttp/4.12.0",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
}

local requests = {}
local next = 0

function init(args)
  math.randomseed(7919)
  for i = 1, 50000 do
    local path = "/hello/" .. math.random(0, 99999)
    if math.random(5) == 1 then
      path = path .. "?page=" .. math.random(0, 99) .. "&sort=name"
    end
    requests[i] = wrk.format("GET", path, { ["User-Agent"] = agents[math.random(#agents)] })
  end
end

function request()
  next = (next % #requests) + 1
  return requests[next]
end
