" nsearch.vim: search a news index from Vim with nsearch.
" :Nsearch {query} fills the quickfix list with the best passages and opens
" it; :LNsearch does the same with the window's location list. See
" :help nsearch.
"
" Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.

if exists('g:loaded_nsearch') || &compatible || v:version < 800
  finish
endif
let g:loaded_nsearch = 1

command! -nargs=+ -bang Nsearch call nsearch#search(<q-args>, 0, <bang>0)
command! -nargs=+ -bang LNsearch call nsearch#search(<q-args>, 1, <bang>0)

" Neovim: a live picker over one nsearch --serve process (lua/nsearch/live.lua).
if has('nvim')
  command! NsearchLive lua require('nsearch.live').open()
endif
