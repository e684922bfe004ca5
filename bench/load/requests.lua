-- wrk script of the load bench: send the requests of a file (bench/load/mix.py) in random order.
--
--   wrk -t1 -c10 -d30s -s bench/load/requests.lua http://127.0.0.1:8097 -- requests.tsv
--
-- Each line: method, path, Accept-Language, JSON body (may be empty), tab-separated.
-- wrk cannot tell which request an answer belongs to, so the body check is generic: a 200
-- whose body is a page with its <main> or a JSON document. done() prints one JSON line.

-- Globals, not locals: done() reads each thread's through thread:get().
requests = {}
failures = 0
example = ""
threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  -- Each thread its own sequence (tostring of a table holds its address).
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  for line in io.lines(args[1]) do
    local method, path, language, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = { ["Accept-Language"] = language }
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  local first = body:match("^%s*(.)")
  local ok = status == 200 and (first == "{" or first == "[" or body:find("<main", 1, true))
  if not ok then
    failures = failures + 1
    if example == "" then
      example = status .. " " .. body:sub(1, 160):gsub("[%c\"\\]", " ")
    end
  end
end

function done(summary, latency, _)
  local failed, examples = 0, {}
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    local seen = thread:get("example")
    if seen ~= "" then examples[#examples + 1] = '"' .. seen .. '"' end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "microseconds": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, '
      .. '"bad_answers": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, '
      .. '"examples": [%s]}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, failed, errors.connect, errors.read, errors.write,
    errors.timeout, table.concat(examples, ", ")))
end
