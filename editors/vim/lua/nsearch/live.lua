-- nsearch/live.lua: a live picker for Neovim, without any other plugin.
--
-- Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
--
-- :NsearchLive opens a one-line prompt in a floating window. One
-- `nsearch --serve` process per session answers JSON requests (one a line);
-- each keystroke sends the prompt's text, and the newest answer fills the
-- quickfix list (older answers that arrive late are dropped). <CR> closes
-- the prompt and jumps to the first passage, <Esc> closes it.
-- Options: g:nsearch_program, g:nsearch_db, g:nsearch_limit (default 50).
local M = {}

local job, pending, seq, shown = nil, '', 0, 0
local asked = {} -- request id -> the text it asked for

local function program()
  local cmd = { vim.g.nsearch_program or 'nsearch', '--serve' }
  if vim.g.nsearch_db and vim.g.nsearch_db ~= '' then
    table.insert(cmd, '--db')
    table.insert(cmd, vim.fn.expand(vim.g.nsearch_db))
  end
  return cmd
end

-- The file of a match: its path, or, for a name that is not UTF-8 (its
-- path has U+FFFD for each bad byte and names no file), the name made of
-- its path_bytes.
function M.path(o)
  if type(o.path_bytes) ~= 'table' or #o.path_bytes == 0 then return o.path end
  local parts = {}
  for i, b in ipairs(o.path_bytes) do parts[i] = string.char(b) end
  return table.concat(parts)
end

-- The quickfix items of one serve response (see README "Serve mode").
function M.items(resp)
  local items = {}
  for _, o in ipairs(resp.matches or {}) do
    local col = o.column
    local it = { filename = M.path(o), lnum = o.line, col = col, text = (o.text:gsub('%c', ' ')) }
    local sp = o.spans and o.spans[1]
    if sp and not o.path:match('%.jsonl$') and not o.path:match('%.jsonl%.gz$') then
      it.col = o.column + sp.start
      it.end_col = o.column + sp['end']
    end
    table.insert(items, it)
  end
  return items
end

local function on_response(line)
  local ok, resp = pcall(vim.fn.json_decode, line)
  if not ok or type(resp) ~= 'table' or type(resp.id) ~= 'number' then return end
  if resp.id < shown then return end -- an older keystroke's answer
  shown = resp.id
  local title = ':NsearchLive ' .. (asked[resp.id] or '')
  asked[resp.id] = nil
  if resp.error then
    vim.fn.setqflist({}, ' ', { title = title .. '  [' .. (resp.error.message or 'error') .. ']', items = {} })
    return
  end
  if resp.summary and resp.summary.partial then
    title = title .. '  [partial matches: no passage has every word]'
  end
  vim.fn.setqflist({}, ' ', { title = title, items = M.items(resp) })
  vim.g.nsearch_live_answered = resp.id
end

-- Start the session's server (once).
function M.start()
  if job and job > 0 then return job end
  job = vim.fn.jobstart(program(), {
    on_stdout = function(_, data)
      -- data: lines split at newlines; the last one is a partial line.
      data[1] = pending .. data[1]
      pending = table.remove(data)
      for _, l in ipairs(data) do
        if l ~= '' then on_response(l) end
      end
    end,
    on_exit = function() job = nil end,
    stdout_buffered = false,
  })
  return job
end

-- Ask for `text` (what the prompt holds now). Returns the request id.
function M.query(text)
  if not M.start() or job <= 0 then return nil end
  seq = seq + 1
  if text:match('^%s*$') then
    shown = seq
    vim.fn.setqflist({}, ' ', { title = ':NsearchLive', items = {} })
    return seq
  end
  asked[seq] = text
  local req = vim.fn.json_encode({ id = seq, query = text, limit = vim.g.nsearch_limit or 50 })
  -- The server answers in order; remember which answer is the newest.
  vim.fn.chansend(job, req .. '\n')
  return seq
end

function M.stop()
  if job then vim.fn.jobstop(job) end
  job = nil
end

-- The prompt: a scratch buffer in a floating window.
function M.open()
  local buf = vim.api.nvim_create_buf(false, true)
  local width = math.max(40, math.floor(vim.o.columns * 0.6))
  local win = vim.api.nvim_open_win(buf, true, {
    relative = 'editor', row = 1, col = math.floor((vim.o.columns - width) / 2),
    width = width, height = 1, style = 'minimal', border = 'single',
  })
  vim.cmd('botright copen')
  vim.api.nvim_set_current_win(win)
  vim.api.nvim_create_autocmd({ 'TextChanged', 'TextChangedI' }, {
    buffer = buf,
    callback = function() M.query(vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1] or '') end,
  })
  local function close(jump)
    vim.cmd('stopinsert')
    if vim.api.nvim_win_is_valid(win) then vim.api.nvim_win_close(win, true) end
    if jump and #vim.fn.getqflist() > 0 then vim.cmd('cfirst') end
  end
  vim.keymap.set('i', '<CR>', function() close(true) end, { buffer = buf })
  vim.keymap.set({ 'i', 'n' }, '<Esc>', function() close(false) end, { buffer = buf })
  vim.cmd('startinsert')
end

return M
