-- Drives the API Sentinel language server from Neovim's own LSP client (0.7 and later), as a user would:
-- open an OpenAPI file, wait for the diagnostics, hover one, ask for its code actions, apply the suppression,
-- write the file and wait for the re-analysis. Every wait has a deadline.
-- Input (environment): API_SENTINEL_NODE, API_SENTINEL_SERVER (dist/server.js), API_SENTINEL_WORKSPACE,
-- API_SENTINEL_SPEC (a file in the workspace), API_SENTINEL_RULE (the finding to fix), API_SENTINEL_TIMEOUT_MS.
-- Output: JSON in API_SENTINEL_RESULT; the exit code is 0 on success, 1 on failure (the reason is in the JSON).

local env = vim.env
local timeout = tonumber(env.API_SENTINEL_TIMEOUT_MS or '20000')
local rule = env.API_SENTINEL_RULE
local result = { steps = {} }

local function write_result()
  local file = assert(io.open(env.API_SENTINEL_RESULT, 'w'))
  file:write(vim.json.encode(result))
  file:close()
end

-- The last step reached tells where a failure happened.
local function step(name)
  table.insert(result.steps, name)
end

local function wait_for(what, predicate)
  if not vim.wait(timeout, predicate, 50) then
    error('no ' .. what .. ' within ' .. timeout .. ' ms', 0)
  end
end

local function request(client, method, params, buf)
  local response, err = client.request_sync(method, params, timeout, buf)
  if not response then error(method .. ' failed: ' .. tostring(err), 0) end
  if response.err then error(method .. ' failed: ' .. vim.inspect(response.err), 0) end
  return response.result
end

-- What the editor shows, in LSP terms (0-based lines; columns are bytes, equal to UTF-16 units on ASCII lines).
local function shown(buf, client_id)
  return vim.tbl_map(function(d)
    return {
      code = d.code, source = d.source, severity = d.severity, message = d.message,
      range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    }
  end, vim.diagnostic.get(buf, { namespace = vim.lsp.diagnostic.get_namespace(client_id) }))
end

local function has(diagnostics, code)
  for _, d in ipairs(diagnostics) do
    if d.code == code then return true end
  end
  return false
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(env.API_SENTINEL_SPEC))
  local buf = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(buf)

  -- Versions of the publishes for this file, to tell the re-analysis of an edit from an older result.
  local published = {}
  local show = vim.lsp.handlers['textDocument/publishDiagnostics']
  local exit = {}
  local client_id = vim.lsp.start_client({
    name = 'api-sentinel',
    cmd = { env.API_SENTINEL_NODE, env.API_SENTINEL_SERVER, '--stdio' },
    root_dir = env.API_SENTINEL_WORKSPACE,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
        if params.uri == uri then table.insert(published, params.version or vim.NIL) end
        return show(err, params, ctx, config)
      end,
    },
    on_exit = function(code, signal) exit = { code = code, signal = signal } end,
  })
  if not client_id then error('the language server did not start', 0) end
  local client = vim.lsp.get_client_by_id(client_id)
  vim.lsp.buf_attach_client(buf, client_id)
  step('started')

  wait_for('diagnostics with ' .. rule, function() return has(shown(buf, client_id), rule) end)
  result.opened = shown(buf, client_id)
  step('diagnostics')

  local target
  for _, d in ipairs(result.opened) do
    if d.code == rule then target = d; break end
  end
  -- The diagnostics as Neovim's own code-action command sends them: rebuilt from what it shows, with the server's data.
  local context = {}
  for _, d in ipairs(vim.lsp.diagnostic.get_line_diagnostics(buf, target.range.start.line, nil, client_id)) do
    if d.code == rule then table.insert(context, d) end
  end

  local hover = request(client, 'textDocument/hover', { textDocument = { uri = uri }, position = target.range.start }, buf)
  result.hover = hover and hover.contents.value or vim.NIL
  step('hover')

  local actions = request(client, 'textDocument/codeAction', {
    textDocument = { uri = uri }, range = target.range, context = { diagnostics = context },
  }, buf) or {}
  result.actions = vim.tbl_map(function(a) return a.title end, actions)
  step('code actions')

  local chosen
  for _, a in ipairs(actions) do
    if a.title == 'Suppress ' .. rule .. ' here (give the reason)' then chosen = a end
  end
  if not chosen then error('no suppression among the code actions', 0) end
  vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
  local edited = vim.lsp.util.buf_versions[buf]
  vim.cmd('write')
  step('applied and written')

  wait_for('diagnostics after the fix', function()
    local last = published[#published]
    return last ~= vim.NIL and last ~= nil and last >= edited and not has(shown(buf, client_id), rule)
  end)
  result.fixed = shown(buf, client_id)
  result.fixed_version = published[#published]
  result.edited_version = edited
  step('re-analysed')

  client.stop()
  wait_for('server exit', function() return exit.code ~= nil end)
  result.exit = exit
  step('stopped')
end

local ok, err = xpcall(run, debug.traceback)
if not ok then result.error = tostring(err) end
write_result()
if ok then vim.cmd('qall!') else vim.cmd('cquit 1') end
