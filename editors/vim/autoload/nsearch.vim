" autoload/nsearch.vim: the work behind :Nsearch and :LNsearch.
"
" Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
"
" nsearch --vimgrep prints "path:line:column:text" (column in bytes, as
" ripgrep does, which is also what Vim's %c reads), one line per passage,
" paths relative to the working folder: the quickfix list reads it with
" 'errorformat' %f:%l:%c:%m. Exit status 0 matched, 1 no match, 2 error.

" The shell command for {query} (one argument: nsearch joins its words).
function! nsearch#command(query) abort
  let args = [get(g:, 'nsearch_program', 'nsearch'), '--vimgrep']
  let db = get(g:, 'nsearch_db', '')
  if !empty(db)
    let args += ['--db', expand(db)]
  endif
  if get(g:, 'nsearch_limit', 0) > 0
    let args += ['--limit', string(g:nsearch_limit)]
  endif
  let args += get(g:, 'nsearch_args', [])
  let args += ['--', a:query]
  return join(map(args, 'shellescape(v:val)'), ' ')
endfunction

" The JSON command for {query}: what :Nsearch runs (the matches' spans
" give the highlights, the summary says when the matches are partial).
function! nsearch#json_command(query) abort
  return substitute(nsearch#command(a:query), '--vimgrep', '--json', '')
endfunction

" The file of a match object {o}: its "path", or, for a name that is not
" UTF-8 (whose "path" has U+FFFD for each bad byte, naming no file), the
" name made of its "path_bytes" (printf's %c writes one byte).
function! nsearch#path(o) abort
  let bytes = get(a:o, 'path_bytes', 0)
  if type(bytes) != v:t_list || empty(bytes)
    return a:o.path
  endif
  return join(map(copy(bytes), 'printf("%c", v:val)'), '')
endfunction

" Quickfix items, a title suffix and highlights from nsearch --json lines.
" A match's column is its passage's; for a text file its first span starts
" at byte column + start (reader.h), so col and end_col are the first
" matched word's, and every span is highlighted once its file is shown.
function! nsearch#parse(lines) abort
  let items = []
  let partial = 0
  let hl = {}
  for l in a:lines
    try
      let o = json_decode(l)
    catch
      continue
    endtry
    if type(o) != v:t_dict
      continue
    endif
    if get(o, 'type', '') ==# 'summary'
      let partial = get(o, 'partial', v:false) is v:true
      continue
    endif
    if get(o, 'type', '') !=# 'match'
      continue
    endif
    let path = nsearch#path(o)
    let it = {'filename': path, 'lnum': o.line, 'col': o.column,
          \ 'text': substitute(o.text, '[[:cntrl:]]', ' ', 'g'), 'vcol': 0}
    let spans = get(o, 'spans', [])
    if !empty(spans) && o.path !~# '\.jsonl\(\.gz\)\=$'
      let it.col = o.column + spans[0].start
      let it.end_col = o.column + spans[0].end
      let key = fnamemodify(path, ':p')
      let hl[key] = get(hl, key, []) + map(copy(spans),
            \ '[o.line, o.column + v:val.start, v:val.end - v:val.start]')
    endif
    call add(items, it)
  endfor
  return {'items': items, 'partial': partial, 'hl': hl}
endfunction

" Highlight the matched words of the last search in the current window
" (autocommand on BufWinEnter; also right after a jump).
function! nsearch#highlight() abort
  for id in get(w:, 'nsearch_matches', [])
    silent! call matchdelete(id)
  endfor
  let w:nsearch_matches = []
  let pos = get(get(g:, 'nsearch_hl', {}), expand('%:p'), [])
  " matchaddpos takes at most 8 positions a call.
  let i = 0
  while i < len(pos)
    call add(w:nsearch_matches, matchaddpos('Search', pos[i : i + 7]))
    let i += 8
  endwhile
endfunction

augroup nsearch_highlight
  autocmd!
  autocmd BufWinEnter * call nsearch#highlight()
augroup END

" Run {query}; fill the location list of the current window when
" {loclist}, else the quickfix list; with {jump} go to the first passage.
function! nsearch#search(query, loclist, jump) abort
  " stderr apart, so that warnings never become quickfix entries.
  let errfile = tempname()
  let lines = systemlist(nsearch#json_command(a:query) . ' 2>' . shellescape(errfile))
  let rc = v:shell_error
  let err = filereadable(errfile) ? readfile(errfile) : []
  call delete(errfile)
  if rc > 1
    echohl ErrorMsg
    for l in empty(err) ? ['nsearch: exit status ' . rc] : err
      echomsg l
    endfor
    echohl None
    return
  endif
  let r = nsearch#parse(lines)
  let g:nsearch_hl = r.hl
  let title = ':Nsearch ' . a:query . (r.partial ? '  [partial matches: no passage has every word]' : '')
  let what = {'title': title, 'items': r.items}
  if a:loclist
    call setloclist(0, [], ' ', what)
  else
    call setqflist([], ' ', what)
  endif
  if rc == 1
    echomsg 'nsearch: no match for ' . a:query
    return
  endif
  if a:loclist
    lopen
    if a:jump
      lfirst
    endif
  else
    botright copen
    if a:jump
      cfirst
    endif
  endif
  if a:jump
    call nsearch#highlight()
  endif
  for l in err
    echomsg l
  endfor
endfunction
