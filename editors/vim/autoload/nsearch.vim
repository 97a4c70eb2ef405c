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

" Run {query}; fill the location list of the current window when
" {loclist}, else the quickfix list; with {jump} go to the first passage.
function! nsearch#search(query, loclist, jump) abort
  " stderr apart, so that warnings never become quickfix entries.
  let errfile = tempname()
  let lines = systemlist(nsearch#command(a:query) . ' 2>' . shellescape(errfile))
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
  let what = {'title': ':Nsearch ' . a:query, 'lines': lines, 'efm': '%f:%l:%c:%m'}
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
  for l in err
    echomsg l
  endfor
endfunction
