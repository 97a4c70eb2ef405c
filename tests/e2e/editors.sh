# editors.sh: the editor integrations, with the real editors, headless:
# Vim's :Nsearch fills the quickfix list and jumps to the right file, line
# and column, and so do :grep with nsearch as 'grepprg' and both of Vim's
# grep formats; Emacs' M-x nsearch shows clickable passages that
# compile-goto-error and next-error visit. Also the fzf command line of
# the README (its nsearch part).
. "$TOP/tests/e2e/lib.sh"
export NSEARCH_CONFIG=

DB="$T/idx"
Q='Umerov meeting'
Q2='chief negotiator' # after "Ukraine’s": bytes and characters differ
cd "$TOP" || exit 2
# The one passage with the phrase: Umerov, "chief negotiator" and the meeting
# share line 8 of the Witkoff call (Umerov at byte 8).
WITKOFF=corpus/2025-12-31-witkoff-call-european-leaders.txt
"$NSEARCH_INDEX" --db "$DB" "$TOP/corpus"
rc=$?
expect "index the sample corpus" "0|$WITKOFF" "$rc|$(answer "$DB" "\"$Q2\"")"

# ref FILE QUERY PATTERN [MIN]: nsearch's answer to QUERY as --vimgrep lines
# (file:line:column:text), made from its --json answer and checked against
# the corpus: the answer whole (json_answer), at least MIN passages (default
# 1), each one's text that line of its file, and at its column (the first
# matched word) words matching the grep -i PATTERN. Otherwise FILE holds one
# line "BROKEN answer: why", which every check comparing with it fails on.
# What nsearch says is the reference of every editor below: a broken nsearch
# leaves none.
ref() {
    r_out=$1 r_q=$2 r_pat=$3 r_min=${4:-1}
    if ! json_answer "$DB" -- "$r_q" >"$T/ref.json"; then
        head -n 1 "$T/ref.json" >"$r_out"
        return 1
    fi
    jq -r 'select(.type == "match") | "\(.path):\(.line):\(.column + .spans[0].start):\(.text)"' "$T/ref.json" >"$T/ref.lines"
    r_bad=$(while IFS=: read -r f l c t; do
        if [ "$(sed -n "${l}p" "$f" 2>/dev/null)" != "$t" ]; then
            echo "$f:$l: not the file's line"
        elif ! printf '%s\n' "$t" | cut -b "$c"- | grep -qi "^\($r_pat\)"; then
            echo "$f:$l:$c: no match of $r_pat at the column"
        fi
    done <"$T/ref.lines" | head -n 1)
    r_n=$(wc -l <"$T/ref.lines" | tr -d ' ')
    if [ -n "$r_bad" ]; then
        echo "BROKEN answer: $r_q: $r_bad" >"$r_out"
    elif [ "$r_n" -lt "$r_min" ]; then
        echo "BROKEN answer: $r_q: $r_n passages, at least $r_min wanted" >"$r_out"
    else
        cp "$T/ref.lines" "$r_out"
        return 0
    fi
    return 1
}
# count FILE: the number of lines of a reference (a BROKEN answer as it is).
count() { if grep -q '^BROKEN answer:' "$1"; then cat "$1"; else wc -l <"$1" | tr -d ' '; fi; }
# pos LINE: a reference line's "/absolute/file|line|column" (a BROKEN answer as it is).
pos() { case "$1" in "BROKEN answer:"*) echo "$1" ;; *) echo "$1" | awk -F: -v top="$TOP" '{print top "/" $1 "|" $2 "|" $3}' ;; esac; }
# at LINE: a reference line's text from its column on (the matched word first).
at() { case "$1" in "BROKEN answer:"*) echo "$1" ;; *) echo "$1" | cut -d: -f4- | cut -b "$(echo "$1" | cut -d: -f3)"- ;; esac; }
# qf FILE: the quickfix view of a reference: absolute path, line, column, text.
qf() {
    if grep -q '^BROKEN answer:' "$1"; then cat "$1"; else
        awk -F: -v top="$TOP" '{t=$0; sub(/^[^:]*:[^:]*:[^:]*:/, "", t); print top "/" $1 "|" $2 "|" $3 "|" t}' "$1"
    fi
}
# same WANT GOT: GOT holds the lines of WANT, a reference nsearch gave.
same() { [ -s "$1" ] && ! grep -q '^BROKEN answer:' "$1" && cmp -s "$1" "$2"; }
# no_match QUERY: "no match" when nsearch's --json answer to QUERY is whole,
# exit 1 and empty (the witness that an empty list is its answer).
no_match() {
    answer "$DB" -- "$1" >"$T/.nomatch" || { cat "$T/.nomatch"; return; }
    if [ -s "$T/.nomatch" ] || [ "$(cat "$T/.answer.rc")" != 1 ]; then echo "matches: $(head -n 1 "$T/.nomatch")"; else echo "no match"; fi
}

ref "$T/want" "$Q" 'umerov\|meeting' 3
n_want=$(count "$T/want")
expect "the query has passages" "$WITKOFF:8:8" "$(grep -m 1 -o "^$WITKOFF:8:[0-9]*" "$T/want" || head -n 1 "$T/want")"
first=$(head -n 1 "$T/want")
second=$(sed -n 2p "$T/want")
f_pos=$(pos "$first")
f_path=$(echo "$f_pos" | cut -d'|' -f1)
f_line=$(echo "$f_pos" | cut -d'|' -f2)
qf "$T/want" >"$T/want.qf"
ref "$T/want.phrase" '"security guarantees"' 'security guarantee'
qf "$T/want.phrase" >"$T/want.phrase.qf"

ref "$T/want.mb" "\"$Q2\"" "$Q2"
mb=$(pos "$(head -n 1 "$T/want.mb")")
mb_line=$(echo "$mb" | cut -d'|' -f2)
mb_col=$(echo "$mb" | cut -d'|' -f3)
if sed -n "${mb_line}p" "$(echo "$mb" | cut -d'|' -f1)" 2>/dev/null | head -c "$((mb_col - 1))" 2>/dev/null | LC_ALL=C grep -q "$(printf '[\200-\377]')"; then
    ok "the multi-byte case has multi-byte characters before the match"
else
    not_ok "the multi-byte case has multi-byte characters before the match"
fi

# ---- Vim ---------------------------------------------------------------------
if command -v vim >/dev/null 2>&1; then
    cat >"$T/test.vim" <<EOF
set nomore
runtime! plugin/nsearch.vim
let g:nsearch_program = '$NSEARCH'
let g:nsearch_db = '$DB'
function! Dump(file) abort
  let out = []
  for e in getqflist()
    call add(out, fnamemodify(bufname(e.bufnr), ':p') . '|' . e.lnum . '|' . e.col . '|' . e.text)
  endfor
  call writefile(out, a:file)
endfunction
Nsearch $Q
call Dump('$T/vim.qf')
call writefile([getqflist({'title': 1}).title, winnr('\$') > 1 ? 'open' : 'closed', &buftype, line('\$')], '$T/vim.win')
cfirst
call writefile([expand('%:p'), line('.'), col('.'), getline('.')[col('.') - 1 :]], '$T/vim.jump')
" The first entry ends where its first matched word ends; every matched
" word of the visited file is highlighted (line, byte column, length).
call writefile([getqflist()[0].end_col], '$T/vim.endcol')
call writefile(map(filter(getmatches(), 'has_key(v:val, "pos1")'), 'v:val.pos1[0] . "," . v:val.pos1[1] . "," . v:val.pos1[2]'), '$T/vim.hl')
cnext
call writefile([expand('%:p'), line('.'), col('.')], '$T/vim.next')
" A phrase, quotes and all; a query without a match; a bad query.
Nsearch "security guarantees"
call Dump('$T/vim.phrase')
" A match after multi-byte characters: the column counts bytes.
Nsearch "$Q2"
cfirst
call writefile([expand('%:p'), line('.'), col('.'), getline('.')[col('.') - 1 :]], '$T/vim.mb')
Nsearch Umerov xylophone
call writefile([getqflist({'title': 1}).title, len(getqflist())], '$T/vim.partial')
let msgs = execute('Nsearch xylophone')
call writefile([len(getqflist())] + split(msgs, "\n"), '$T/vim.none')
let msgs = execute('Nsearch a OR -b')
call writefile(split(msgs, "\n"), '$T/vim.bad')
" :LNsearch! fills the location list and jumps.
only
LNsearch! $Q
call writefile([len(getloclist(0)), expand('%:p'), line('.')], '$T/vim.loc')
" :grep with nsearch as grepprg, with ripgrep's format, then Vim's default.
let &grepprg = '$NSEARCH --db $DB --vimgrep'
set shellpipe=>
set grepformat=%f:%l:%c:%m
silent grep! $Q
call Dump('$T/vim.grep')
set grepformat&
silent grep! $Q
call Dump('$T/vim.grepdefault')
" The README's recipe: -- before the query, so an excluded word is a word.
let &grepprg = '$NSEARCH --db $DB --vimgrep --'
set grepformat=%f:%l:%c:%m
silent grep! Umerov OR Witkoff -xylophone
call writefile([len(getqflist()), len(filter(getqflist(), 'v:val.valid'))] + map(getqflist(), 'v:val.text'), '$T/vim.grepnot')
qall!
EOF
    timeout 60 vim -Es -u NONE -i NONE -N --cmd "set rtp^=$TOP/editors/vim" -S "$T/test.vim" </dev/null >"$T/vim.out" 2>&1
    rc=$?
    # Exit 0, and the first list as long as nsearch's answer.
    expect "vim exits cleanly" "0|$n_want" "$rc|$(grep -c . "$T/vim.qf" 2>/dev/null)"
    expect ":Nsearch fills the quickfix list (file, line, column, text)" "$(cat "$T/want.qf")" "$(cat "$T/vim.qf" 2>/dev/null)"
    expect ":Nsearch names the list and opens the window" ":Nsearch $Q|open|quickfix|$n_want" "$(tr '\n' '|' <"$T/vim.win" 2>/dev/null | sed 's/|$//')"
    expect ":cfirst lands on the file, line and column of the first passage" "$f_pos" \
        "$(head -n 3 "$T/vim.jump" 2>/dev/null | tr '\n' '|' | sed 's/|$//')"
    expect "…on a matched word" "$(at "$first")" "$(sed -n 4p "$T/vim.jump" 2>/dev/null)"
    "$NSEARCH" --db "$DB" --json "$Q" | jq -r 'select(.type == "match")' >/dev/null 2>&1
    want_end=$("$NSEARCH" --db "$DB" --json "$Q" | jq -r 'select(.type == "match") | .column + .spans[0].end' | head -n 1)
    expect "quickfix end_col: the end of the first matched word" "$want_end" "$(cat "$T/vim.endcol" 2>/dev/null)"
    want_hl=$("$NSEARCH" --db "$DB" --json "$Q" | jq -r --arg p "$f_path" \
        'select(.type == "match") | select(("'"$TOP"'/" + .path) == $p) | .line as $l | .column as $c | .spans[] | "\($l),\($c + .start),\(.end - .start)"' | head -n 1)
    check "the visited file highlights its matched words (first: $want_hl)" grep -qx "$want_hl" "$T/vim.hl"
    expect "partial matches are said in the quickfix title" ":Nsearch Umerov xylophone  [partial matches: no passage has every word]" \
        "$(head -n 1 "$T/vim.partial" 2>/dev/null)"
    expect ":cnext goes to the second passage" "$(pos "$second")" "$(tr '\n' '|' <"$T/vim.next" 2>/dev/null | sed 's/|$//')"
    expect ":cfirst after multi-byte characters: the byte column" "$mb" "$(head -n 3 "$T/vim.mb" 2>/dev/null | tr '\n' '|' | sed 's/|$//')"
    check "…on the matched word" grep -q '^chief negotiator' "$T/vim.mb"
    expect ":Nsearch with a quoted phrase" "$(cat "$T/want.phrase.qf")" "$(cat "$T/vim.phrase" 2>/dev/null)"
    # (The witness: nsearch's whole --json answer to the query is no match.)
    expect ":Nsearch without a match: empty list, a message" "0|nsearch: no match for xylophone|no match" \
        "$(grep -v '^$' "$T/vim.none" 2>/dev/null | tr '\n' '|' | sed 's/|$//')|$(no_match xylophone)"
    check ":Nsearch with a bad query shows nsearch's error" grep -q "nsearch: query:[0-9]*: OR" "$T/vim.bad"
    expect ":LNsearch! fills the location list and jumps" "$n_want|$f_path|$f_line" \
        "$(tr '\n' '|' <"$T/vim.loc" 2>/dev/null | sed 's/|$//')"
    expect ":grep with grepprg=nsearch --vimgrep, grepformat=%f:%l:%c:%m" "$(cat "$T/want.qf")" "$(cat "$T/vim.grep" 2>/dev/null)"
    expect ":grep with Vim's default grepformat: file and line" \
        "$(awk -F'|' '{print $1 "|" $2}' "$T/want.qf")" "$(awk -F'|' '{print $1 "|" $2}' "$T/vim.grepdefault" 2>/dev/null)"
    # 10 passages (the default limit), each with Umerov or Witkoff.
    n_words=$(tail -n +3 "$T/vim.grepnot" 2>/dev/null | grep -ci 'umerov\|witkoff')
    expect ":grep with an excluded word (grepprg ending in --): every line a valid entry" "10|10|10 with the words" \
        "$(head -n 2 "$T/vim.grepnot" 2>/dev/null | tr '\n' '|')$n_words with the words"
    expect "…and no usage text in the list" "0 of 10 entries" \
        "$(grep -ci 'usage\|--help' "$T/vim.grepnot" 2>/dev/null) of $n_words entries"
    # (The witness: the script ran, its first list nsearch's answer.)
    expect_none "vim said nothing unexpected" "$(grep -v '^$' "$T/vim.out")" same "$T/want.qf" "$T/vim.qf"
else
    skip "Vim plugin" "vim is not installed (mk/deps.sh check installs it)"
fi

# ---- Neovim: the same plugin, the same script, the same answers ---------------
if command -v nvim >/dev/null 2>&1 && [ -f "$T/test.vim" ]; then
    mkdir -p "$T/nv"
    sed "s|$T/vim\.|$T/nv/vim.|g" "$T/test.vim" >"$T/ntest.vim"
    timeout 60 nvim --headless -u NONE -i NONE -n --cmd "set rtp^=$TOP/editors/vim" -S "$T/ntest.vim" </dev/null >"$T/nvim.out" 2>&1
    expect "nvim exits cleanly" 0 $?
    for f in qf win jump next endcol hl partial phrase loc grep grepnot; do
        if [ -s "$T/vim.$f" ] && cmp -s "$T/vim.$f" "$T/nv/vim.$f"; then ok "neovim: $f as in Vim"; else
            not_ok "neovim: $f as in Vim"
            diff "$T/vim.$f" "$T/nv/vim.$f" 2>&1 | head -n 5 | sed 's/^/    /'
        fi
    done
    # :NsearchLive's engine: one nsearch --serve job; requests as typed,
    # the newest answer fills the quickfix list.
    cat >"$T/live.lua" <<EOF
vim.g.nsearch_program = '$NSEARCH'
vim.g.nsearch_db = '$DB'
local live = require('nsearch.live')
live.query('Umer')
live.query('Umerov')
local last = live.query('$Q')
vim.wait(10000, function() return vim.g.nsearch_live_answered == last end, 20)
local out = { tostring(vim.g.nsearch_live_answered == last), vim.fn.getqflist({ title = 1 }).title }
for _, e in ipairs(vim.fn.getqflist()) do
  table.insert(out, vim.fn.fnamemodify(vim.fn.bufname(e.bufnr), ':p') .. '|' .. e.lnum .. '|' .. e.col .. '|' .. e.text)
end
local pid = vim.fn.jobpid(live.start())
table.insert(out, 1, tostring(pid))
live.query('Umerov xylophone')
vim.wait(10000, function() return vim.g.nsearch_live_answered == last + 1 end, 20)
table.insert(out, 2, vim.fn.getqflist({ title = 1 }).title .. '|' .. tostring(vim.fn.jobpid(live.start()) == pid))
vim.fn.writefile(out, '$T/live.out')
live.stop()
vim.cmd('qall!')
EOF
    timeout 60 nvim --headless -u NONE -i NONE -n --cmd "set rtp^=$TOP/editors/vim" -c "luafile $T/live.lua" </dev/null >"$T/live.err" 2>&1
    expect ":NsearchLive: the newest answer arrived" "true|:NsearchLive $Q" "$(sed -n '3,4p' "$T/live.out" 2>/dev/null | tr '\n' '|' | sed 's/|$//')"
    expect ":NsearchLive: the quickfix list is the command line's" "$(cat "$T/want.qf")" "$(sed -n '5,$p' "$T/live.out" 2>/dev/null)"
    expect ":NsearchLive: partial matches said, one server for the session" \
        ":NsearchLive Umerov xylophone  [partial matches: no passage has every word]|true" "$(sed -n 2p "$T/live.out" 2>/dev/null)"
else
    skip "Neovim plugin" "nvim is not installed (mk/deps.sh check installs it)"
fi

# ---- Emacs --------------------------------------------------------------------
if command -v emacs >/dev/null 2>&1; then
    cat >"$T/test.el" <<EOF
(setq nsearch-program "$NSEARCH" nsearch-db "$DB")
(setq default-directory "$TOP/")
(defun out (file &rest lines)
  (with-temp-file file (insert (mapconcat (lambda (x) (format "%s" x)) lines "\n") "\n")))
(defun wait-for (buf)
  (let ((n 0))
    (while (and (get-buffer-process buf) (< n 300))
      (accept-process-output (get-buffer-process buf) 0.1)
      (setq n (1+ n)))))
(let ((buf (nsearch "$Q")))
  (wait-for buf)
  (with-current-buffer buf
    (out "$T/emacs.mode" major-mode
         (if (string-match-p "finished (matches found)" (buffer-string)) "finished" (buffer-string)))
    ;; The passages, as the buffer shows them.
    (let (lines)
      (goto-char (point-min))
      (while (re-search-forward nsearch--line-regexp nil t)
        (push (buffer-substring (line-beginning-position) (line-end-position)) lines))
      (apply #'out "$T/emacs.lines" (nreverse lines)))
    ;; RET on the first passage (what a click does).
    (goto-char (point-min))
    (compilation-next-error 1)
    (compile-goto-error)
    ;; Now in the visited file.
    (out "$T/emacs.goto" (buffer-file-name) (line-number-at-pos)
         (1+ (- (position-bytes (point)) (position-bytes (line-beginning-position))))
         (buffer-substring (point) (line-end-position)))
    ;; The matched words of the visited line are highlighted.
    (apply #'out "$T/emacs.hl"
           (mapcar (lambda (ov) (format "%d,%d" (line-number-at-pos (overlay-start ov))
                                        (1+ (- (position-bytes (overlay-start ov))
                                               (position-bytes (line-beginning-position))))))
                   (sort (seq-filter (lambda (o) (overlay-get o 'nsearch))
                                     (overlays-in (line-beginning-position) (line-end-position)))
                         (lambda (a b) (< (overlay-start a) (overlay-start b)))))))
  ;; next-error: the second passage.
  ;; (next-error leaves the file in the selected window.)
  (next-error)
  (with-current-buffer (window-buffer)
    (goto-char (window-point))
    (out "$T/emacs.next" (buffer-file-name) (line-number-at-pos)
         (1+ (- (position-bytes (point)) (position-bytes (line-beginning-position)))))))
(let ((buf (nsearch "\\"$Q2\\"")))
  (wait-for buf)
  (with-current-buffer buf
    (goto-char (point-min))
    (compilation-next-error 1)
    (compile-goto-error)
    (out "$T/emacs.mb" (buffer-file-name) (line-number-at-pos)
         (1+ (- (position-bytes (point)) (position-bytes (line-beginning-position))))
         (buffer-substring (point) (line-end-position)))))
(let ((buf (nsearch "Umerov xylophone")))
  (wait-for buf)
  (with-current-buffer buf (out "$T/emacs.partial" header-line-format)))
(let ((buf (nsearch "xylophone")))
  (wait-for buf)
  (with-current-buffer buf
    (out "$T/emacs.none" (if (string-match-p "no matches found" (buffer-string)) "no matches" (buffer-string)))))
EOF
    timeout 120 emacs --batch -Q -l "$TOP/editors/emacs/nsearch.el" -l "$T/test.el" >"$T/emacs.out" 2>&1
    rc=$?
    # Exit 0, and the first buffer as long as nsearch's answer.
    n_lines=$(grep -c . "$T/emacs.lines" 2>/dev/null)
    expect "emacs exits cleanly" "0|$n_want" "$rc|$n_lines"
    [ "$rc" -eq 0 ] || sed 's/^/    /' "$T/emacs.out"
    expect "M-x nsearch: an nsearch-mode buffer, finished" "nsearch-mode|finished|$n_want passages" \
        "$(tr '\n' '|' <"$T/emacs.mode" 2>/dev/null | sed 's/|$//')|$n_lines passages"
    expect "M-x nsearch: the buffer shows the passages" "$(cat "$T/want")" "$(cat "$T/emacs.lines" 2>/dev/null)"
    expect "compile-goto-error visits the file, line and byte column" "$f_pos" \
        "$(head -n 3 "$T/emacs.goto" 2>/dev/null | tr '\n' '|' | sed 's/|$//')"
    expect "…on a matched word" "$(at "$first")" "$(sed -n 4p "$T/emacs.goto" 2>/dev/null)"
    want_ehl=$("$NSEARCH" --db "$DB" --json "$Q" | jq -r 'select(.type == "match") | .line as $l | .column as $c | [.spans[] | "\($l),\($c + .start)"] | join("|")' | head -n 1)
    expect "the visited line's matched words are highlighted (overlays)" "$want_ehl" "$(tr '\n' '|' <"$T/emacs.hl" 2>/dev/null | sed 's/|$//')"
    expect "partial matches are said in the header line" "nsearch Umerov xylophone: partial matches (no passage has every word)" \
        "$(cat "$T/emacs.partial" 2>/dev/null)"
    expect "next-error goes to the second passage" "$(pos "$second")" "$(tr '\n' '|' <"$T/emacs.next" 2>/dev/null | sed 's/|$//')"
    expect "compile-goto-error after multi-byte characters: the byte column" "$mb" \
        "$(head -n 3 "$T/emacs.mb" 2>/dev/null | tr '\n' '|' | sed 's/|$//')"
    check "…on the matched word" grep -q '^chief negotiator' "$T/emacs.mb"
    expect "no match: said so" "no matches" "$(cat "$T/emacs.none" 2>/dev/null)"
    # Names that nsearch prints quoted (a '"', a '\', an ESC, a byte not
    # UTF-8): RET on each line visits that very file, and each file once.
    QN="$T/qnames"
    mkdir -p "$QN"
    for n in 'back\slash "q".txt' 'c\x1bq.txt' "$(printf 'c\033q.txt')" "$(printf 'odd\377.txt')"; do
        printf 'Quokka\n\nA quokka here.\n' >"$QN/$n"
    done
    # Two more quoted names that do not match: listed, they would be visited.
    printf 'Wombat\n\nThe wombat was there.\n' >"$QN/wombat \"w\".txt"
    printf 'Wombat\n\nThe wombat was there.\n' >"$QN/z\\y.txt"
    "$NSEARCH_INDEX" --db "$T/qidx" "$QN" >/dev/null 2>&1 || not_ok "index the quoted names"
    cat >"$T/quoted.el" <<EOF
(setq nsearch-program "$NSEARCH" nsearch-db "$T/qidx")
(setq default-directory "$QN/")
(let ((buf (nsearch "quokka")) (names nil) (n 0))
  (while (and (get-buffer-process buf) (< n 300))
    (accept-process-output (get-buffer-process buf) 0.1)
    (setq n (1+ n)))
  (with-current-buffer buf (goto-char (point-min)))
  ;; Every entry of the buffer, in turn (at most 10).
  (dotimes (_ 10)
    (with-current-buffer buf
      (when (ignore-errors (compilation-next-error 1) t)
        (compile-goto-error)
        ;; Now in the visited file.
        (push (encode-coding-string (file-name-nondirectory (buffer-file-name)) 'utf-8) names))))
  (with-temp-file "$T/emacs.quoted"
    (set-buffer-multibyte nil)
    (dolist (x (sort names #'string<)) (insert x "|"))))
EOF
    timeout 120 emacs --batch -Q -l "$TOP/editors/emacs/nsearch.el" -l "$T/quoted.el" >"$T/emacs.qout" 2>&1
    expect "M-x nsearch: quoted names (\", \\, ESC, \\xff) visit those very files" \
        "$(cd "$QN" && grep -l quokka -- * | LC_ALL=C sort | tr '\n' '|' | od -An -c)" "$(od -An -c <"$T/emacs.quoted" 2>/dev/null)"
else
    skip "Emacs mode" "emacs is not installed (mk/deps.sh check installs emacs-nox)"
fi

# ---- consult-nsearch (Emacs with Debian's elpa-consult) ---------------------
CONSULT=$(ls -d /usr/share/emacs/site-lisp/elpa/consult-* 2>/dev/null | head -n 1)
if command -v emacs >/dev/null 2>&1 && [ -n "$CONSULT" ]; then
    cat >"$T/consult.el" <<EOF
(setq nsearch-program "$NSEARCH" nsearch-db "$DB")
(setq default-directory "$TOP/")
(require 'consult-nsearch)
(defun out (file &rest lines)
  (with-temp-file file (insert (mapconcat (lambda (x) (format "%s" x)) lines "\n") "\n")))
;; The command a keystroke runs.
(let ((cmd (car (consult-nsearch--builder "Witkoff -Rubio"))))
  (out "$T/consult.cmd" (mapconcat #'identity (cdr cmd) " ")))
;; The candidates consult makes from nsearch's output, and where RET goes.
(let* ((b (consult-nsearch--builder "$Q"))
       (lines (apply #'process-lines-ignore-status (car b)))
       (cands nil)
       (fmt (consult--grep-format (lambda (a) (when (consp a) (setq cands a))) #'consult-nsearch--builder)))
  (funcall fmt "$Q")
  (funcall fmt lines)
  (let* ((pos (consult--grep-position (car cands)))
         (m (car pos)))
    (with-current-buffer (marker-buffer m)
      (goto-char m)
      (out "$T/consult.jump" (length cands) (buffer-file-name) (line-number-at-pos)
           (1+ (- (position-bytes (point)) (position-bytes (line-beginning-position))))))))
(out "$T/consult.cmdp" (if (commandp 'consult-nsearch) "command" "missing"))
EOF
    # emacs -Q reads no site start files: give it consult's folders (and
    # compat's, which consult needs) by hand.
    dirs=$(for d in /usr/share/emacs/site-lisp/elpa/*/; do printf -- '-L %s ' "$d"; done)
    timeout 120 emacs --batch -Q $dirs -l "$TOP/editors/emacs/nsearch.el" -L "$TOP/editors/emacs" -l "$T/consult.el" >"$T/consult.out" 2>&1
    expect "consult-nsearch: emacs exits cleanly" 0 "$?"
    expect "consult-nsearch is a command once consult is there" "command" "$(cat "$T/consult.cmdp" 2>/dev/null)"
    expect "consult-nsearch: the query goes after -- (an excluded word is no option)" \
        "--null --no-heading --color=never --limit 50 --db $DB -- Witkoff -Rubio" "$(cat "$T/consult.cmd" 2>/dev/null)"
    expect "consult-nsearch: one candidate per passage; RET lands on the file, line and first match" \
        "$n_want|$f_pos" "$(tr '\n' '|' <"$T/consult.jump" 2>/dev/null | sed 's/|$//')"
else
    skip "consult-nsearch" "emacs or elpa-consult is not installed (mk/deps.sh check installs them)"
fi

# ---- Names that are not UTF-8, in the plugins that read JSON ----------------
# --json and --serve give such a name's path with U+FFFD for each bad byte
# and its exact bytes in "path_bytes": :Nsearch, :NsearchLive and M-x
# nsearch's highlights must use the bytes. Each matching file holds its own
# line 3, so an empty buffer or another file shows; the decoys don't match.
# Hand-counted: "The edword ..." has edword on line 3 at byte 5, 6 bytes.
QU="$T/u8names"
mkdir -p "$QU"
printf 'T\n\nThe edword in the cafe file.\n' >"$QU/caf$(printf '\351').txt"
printf 'T\n\nThe edword in the odd ff file.\n' >"$QU/odd$(printf '\377')x.txt"
printf 'T\n\nThe edword in the plain file.\n' >"$QU/plain.txt"
printf 'T\n\nThe wombat was there.\n' >"$QU/z$(printf '\376').txt"
printf 'T\n\nThe wombat was there.\n' >"$QU/other.txt"
"$NSEARCH_INDEX" --db "$T/uidx" "$QU" >/dev/null 2>&1 || not_ok "index the names that are not UTF-8"
# The witness that nsearch's own --json answer is whole (a stand-in's isn't).
u_whole=$(answer "$T/uidx" -- edword >/dev/null && echo whole || cat "$T/.answer")
# want FORMAT: the visited files as FORMAT lays out (name, line 3), sorted.
u_want() { (cd "$QU" && for n in "caf$(printf '\351').txt" "odd$(printf '\377')x.txt" plain.txt; do
    printf "$1\n" "$n" "$(sed -n 3p "$n")"
done | LC_ALL=C sort | cat -v | tr '\n' '|'); echo "$u_whole"; }
u_got() { LC_ALL=C sort "$1" 2>/dev/null | cat -v | tr '\n' '|'; echo "$u_whole"; }
if command -v vim >/dev/null 2>&1; then
    cat >"$T/u8.vim" <<EOF
set nomore
runtime! plugin/nsearch.vim
let g:nsearch_program = '$NSEARCH'
let g:nsearch_db = '$T/uidx'
cd $QU
Nsearch edword
let out = []
for i in range(1, len(getqflist()))
  execute 'cc ' . i
  let hl = map(filter(getmatches(), 'has_key(v:val, "pos1")'), 'join(v:val.pos1, ",")')
  call add(out, join([expand('%:t'), filereadable(expand('%:p')), getline(3), line('.'), col('.'), join(hl, ' ')], '|'))
endfor
call writefile(out, '$T/vim.u8')
qall!
EOF
    timeout 60 vim -Es -u NONE -i NONE -N --cmd "set rtp^=$TOP/editors/vim" -S "$T/u8.vim" </dev/null >"$T/vim.u8out" 2>&1
    expect ":Nsearch, :cc on names with \\xe9 and \\xff (and a plain one): the real file, line, column, highlight" \
        "$(u_want '%s|1|%s|3|5|3,5,6')" "$(u_got "$T/vim.u8")"
else
    skip "Vim plugin, names that are not UTF-8" "vim is not installed (mk/deps.sh check installs it)"
fi
if command -v nvim >/dev/null 2>&1; then
    sed "s|$T/vim\\.u8|$T/nvim.u8|" "$T/u8.vim" >"$T/u8n.vim"
    timeout 60 nvim --headless -u NONE -i NONE -n --cmd "set rtp^=$TOP/editors/vim" -S "$T/u8n.vim" </dev/null >"$T/nvim.u8out" 2>&1
    expect "neovim :Nsearch, :cc on names with \\xe9 and \\xff: the real file, line, column, highlight" \
        "$(u_want '%s|1|%s|3|5|3,5,6')" "$(u_got "$T/nvim.u8")"
    cat >"$T/u8live.lua" <<EOF
vim.g.nsearch_program = '$NSEARCH'
vim.g.nsearch_db = '$T/uidx'
vim.cmd('cd $QU')
local live = require('nsearch.live')
local last = live.query('edword')
vim.wait(10000, function() return vim.g.nsearch_live_answered == last end, 20)
local out = {}
for i = 1, #vim.fn.getqflist() do
  vim.cmd('silent cc ' .. i)
  table.insert(out, table.concat({ vim.fn.expand('%:t'), vim.fn.filereadable(vim.fn.expand('%:p')), vim.fn.getline(3), vim.fn.line('.'), vim.fn.col('.') }, '|'))
end
vim.fn.writefile(out, '$T/live.u8')
live.stop()
vim.cmd('qall!')
EOF
    timeout 60 nvim --headless -u NONE -i NONE -n --cmd "set rtp^=$TOP/editors/vim" -c "luafile $T/u8live.lua" </dev/null >"$T/live.u8err" 2>&1
    expect ":NsearchLive, :cc on names with \\xe9 and \\xff: the real file, line, column" \
        "$(u_want '%s|1|%s|3|5')" "$(u_got "$T/live.u8")"
else
    skip "Neovim, names that are not UTF-8" "nvim is not installed (mk/deps.sh check installs it)"
fi
if command -v emacs >/dev/null 2>&1; then
    cat >"$T/u8.el" <<EOF
(setq nsearch-program "$NSEARCH" nsearch-db "$T/uidx")
(setq default-directory "$QU/")
(let ((buf (nsearch "edword")) (out nil) (n 0))
  (while (and (get-buffer-process buf) (< n 300))
    (accept-process-output (get-buffer-process buf) 0.1)
    (setq n (1+ n)))
  (with-current-buffer buf (goto-char (point-min)))
  ;; Every entry of the buffer, in turn (at most 10).
  (dotimes (_ 10)
    (with-current-buffer buf
      (when (ignore-errors (compilation-next-error 1) t)
        (compile-goto-error)
        ;; Now in the visited file: its name, that it exists, the line,
        ;; where point is (byte column), the highlights (line,byte column).
        (let ((lb (position-bytes (line-beginning-position))))
          (push (mapconcat
                 (lambda (x) (if (stringp x) (encode-coding-string x 'utf-8) (format "%s" x)))
                 (list (file-name-nondirectory (buffer-file-name))
                       (if (file-exists-p (buffer-file-name)) 1 0)
                       (save-excursion (goto-char (point-min)) (forward-line 2)
                                       (buffer-substring-no-properties (point) (line-end-position)))
                       (line-number-at-pos) (1+ (- (position-bytes (point)) lb))
                       (mapconcat (lambda (o) (format "%d,%d" (line-number-at-pos (overlay-start o))
                                                      (1+ (- (position-bytes (overlay-start o)) lb))))
                                  (seq-filter (lambda (o) (overlay-get o 'nsearch))
                                              (overlays-in (point-min) (point-max)))
                                  " "))
                 "|")
                out)))))
  (with-temp-file "$T/emacs.u8"
    (set-buffer-multibyte nil)
    (dolist (x out) (insert x "\n"))))
EOF
    timeout 120 emacs --batch -Q -l "$TOP/editors/emacs/nsearch.el" -l "$T/u8.el" >"$T/emacs.u8out" 2>&1
    expect "M-x nsearch on names with \\xe9 and \\xff: the real file, line, column, the word highlighted" \
        "$(u_want '%s|1|%s|3|5|3,5')" "$(u_got "$T/emacs.u8")"
else
    skip "Emacs mode, names that are not UTF-8" "emacs is not installed (mk/deps.sh check installs emacs-nox)"
fi

# ---- fzf (the README's command line, its nsearch part) ----------------------------
# fzf runs: nsearch --vimgrep {q} || true, then previews with the file and
# line of the chosen entry. {q} is the typed query, shell-quoted by fzf.
reload() { sh -c "'$NSEARCH' --db '$DB' --vimgrep -- $1 || true"; }
expect "fzf reload: a partial query typed so far is answered" "$(cat "$T/want")" "$(reload "'Umerov meeting'")"
# (The witness: nsearch's whole --json answer to the query is no match.)
expect "fzf reload: a query with no match gives nothing, exit 0" "0:|no match" \
    "$(out=$(reload "'xylophone'"); echo "$?:$out")|$(no_match xylophone)"
# A phrase not closed yet runs to the end of the query: the closed phrase's passages.
expect "fzf reload: an unfinished query (unclosed quote) is answered" "0|$(cat "$T/want.phrase")" \
    "$(reload "'\"security guarantees'" >"$T/fzf.out" 2>/dev/null; echo $?)|$(cat "$T/fzf.out")"
# At start fzf reloads with no query: nsearch's usage error, hidden by the
# README's 2>/dev/null, and nothing in the list.
expect "fzf reload: the empty query (fzf at start) exits 0" "0||nsearch: query:1: the query is empty: type a word to search for" \
    "$(reload "''" >"$T/fzf.out" 2>"$T/fzf.err"; echo $?)|$(cat "$T/fzf.out")|$(head -n 1 "$T/fzf.err")"
# The preview (sed -n "{2}p" {1}) of the first entry fzf lists: the line of
# the first passage nsearch found.
line=$(reload "'Umerov meeting'" | head -n 1)
f=$(echo "$line" | cut -d: -f1)
l=$(echo "$line" | cut -d: -f2)
case "$first" in "BROKEN answer:"*) want_text=$first ;; *) want_text=$(echo "$first" | cut -d: -f4-) ;; esac
expect "fzf preview: {1} and {2} name the file and line" "$want_text" "$(sed -n "${l}p" "$f" 2>/dev/null)"
if command -v fzf >/dev/null 2>&1; then
    # Lines piped in, as a picker's reload command gives them (fzf runs
    # FZF_DEFAULT_COMMAND only when its input is a terminal).
    got=$("$NSEARCH" --db "$DB" --vimgrep -- 'Umerov meeting' | fzf --filter '' --delimiter : | head -n 1)
    expect "fzf reads the lines" "$first" "$got"
else
    skip "fzf reads the lines" "fzf is not installed (mk/deps.sh check installs it)"
fi
