-- Drives Neovim's built-in LSP client (0.7 API: start_client and
-- buf_attach_client, which later versions keep) against `tdlc lsp` on the
-- current buffer: waits for the published diagnostics, asks for hover on
-- `y` in line 2, writes what the client got to $OUT and quits.
local out = {}
local function finish(code)
  vim.fn.writefile(out, os.getenv('OUT'))
  vim.cmd(code == 0 and 'qa!' or 'cq!')
end
local id = vim.lsp.start_client({
  name = 'tdlc',
  cmd = { os.getenv('TDLC'), 'lsp' },
  root_dir = vim.fn.getcwd(),
})
if not id then
  table.insert(out, 'error: the client did not start')
  return finish(1)
end
vim.lsp.buf_attach_client(0, id)
local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
if not ok then
  table.insert(out, 'error: no diagnostics within 20 s')
  return finish(1)
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, string.format('diagnostic %d:%d %s', d.lnum + 1,
                                  d.col + 1, d.message))
end
local params = {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  position = { line = 1, character = 6 },
}
local responses = vim.lsp.buf_request_sync(0, 'textDocument/hover', params,
                                           20000)
for _, r in pairs(responses or {}) do
  local contents = r.result and r.result.contents
  local text = type(contents) == 'table' and (contents.value or '') or
                   tostring(contents)
  table.insert(out, 'hover: ' .. text:gsub('\n', ' | '))
end
finish(0)
