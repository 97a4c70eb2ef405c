;;; nsearch.el --- Search a news index with nsearch  -*- lexical-binding: t; -*-

;; Copyright (C) 2026 the nsearch authors.
;; SPDX-License-Identifier: GPL-2.0-or-later

;; Version: 0.1.0
;; Package-Requires: ((emacs "25.1"))
;; Keywords: matching, tools, news

;;; Commentary:

;; M-x nsearch asks for a query and runs `nsearch --vimgrep QUERY' in a
;; buffer like *grep*: every passage is a line "file:line:column:text",
;; and RET, a mouse click, `next-error' (M-g n) or `previous-error'
;; (M-g p) visit the file at that line, on the first matched word.
;;
;; The query is nsearch's query language: words (all required),
;; "a phrase", OR, -word, NEAR/5, prefix*, title:, source:,
;; date:2025-12, since:7d (see nsearch(1)).
;;
;; Customize `nsearch-program', `nsearch-db', `nsearch-limit' and
;; `nsearch-arguments' (M-x customize-group RET nsearch).

;;; Code:

(require 'compile)
(require 'grep)

(defgroup nsearch nil
  "Search a news index with nsearch."
  :group 'tools
  :prefix "nsearch-")

(defcustom nsearch-program "nsearch"
  "The nsearch program."
  :type 'string)

(defcustom nsearch-db nil
  "The index to search (passed as --db), or nil for nsearch's default.
The default is $NSEARCH_DB, else the db of nsearch's configuration
file, else ~/.local/share/nsearch/index."
  :type '(choice (const :tag "nsearch's default" nil) directory))

(defcustom nsearch-limit nil
  "Passages to show (passed as --limit), or nil for nsearch's default."
  :type '(choice (const :tag "nsearch's default" nil) integer))

(defcustom nsearch-arguments nil
  "Further arguments for nsearch, such as (\"--sort\" \"date\")."
  :type '(repeat string))

(defvar nsearch-history nil
  "Queries given to `nsearch'.")

(defconst nsearch--line-regexp
  "^\\(?1:\"\\(?:[^\"\\\\]\\|\\\\.\\)*\"\\|.+?\\):\\(?2:[1-9][0-9]*\\):\\(?3:[1-9][0-9]*\\):"
  "A line of `nsearch --vimgrep': file, line, byte column of the match.
The file is as nsearch prints it: in double quotes with C escapes when
the name holds a control character, bytes that are not UTF-8, a quote or
a backslash (see `nsearch--unquote').")

(defun nsearch--unquote (path)
  "The file name PATH stands for, PATH as nsearch prints it.
A name in double quotes has C escapes: \\\\ \\\" \\n \\t \\r, \\xHH (a
byte) and \\uXXXX (a character); any other name is as it is."
  (if (not (and (> (length path) 1) (string-prefix-p "\"" path) (string-suffix-p "\"" path)))
      path
    (let ((parts nil) (i 1) (end (1- (length path))))
      (while (< i end)
        (let ((c (aref path i)))
          (if (and (eq c ?\\) (< (1+ i) end))
              (let ((e (aref path (1+ i))))
                (cond
                 ((eq e ?x)
                  (push (unibyte-string (string-to-number (substring path (+ i 2) (+ i 4)) 16)) parts)
                  (setq i (+ i 4)))
                 ((eq e ?u)
                  (push (encode-coding-string
                         (string (string-to-number (substring path (+ i 2) (+ i 6)) 16)) 'utf-8)
                        parts)
                  (setq i (+ i 6)))
                 (t
                  (push (string (pcase e (?n ?\n) (?t ?\t) (?r ?\r) (_ e))) parts)
                  (setq i (+ i 2)))))
            (push (encode-coding-string (string c) 'utf-8) parts)
            (setq i (1+ i)))))
      ;; Bytes that are not UTF-8 stay raw bytes, which Emacs gives back
      ;; as they were when it opens the file.
      (decode-coding-string (apply #'concat (nreverse parts)) 'utf-8-unix))))

(defun nsearch--file ()
  "The file of the `nsearch --vimgrep' line just matched, for compile.el."
  (list (nsearch--unquote (match-string-no-properties 1))))

(defvar nsearch-regexp-alist
  ;; No column here: compile.el counts characters, nsearch counts bytes
  ;; as ripgrep does; `nsearch--goto-column' places point afterwards.
  `((,nsearch--line-regexp nsearch--file 2 nil nil nil (3 'compilation-column-number)))
  "`compilation-error-regexp-alist' for `nsearch-mode'.")

(defun nsearch-command (query)
  "The shell command that searches for QUERY."
  (mapconcat #'shell-quote-argument
             (append (list nsearch-program "--vimgrep")
                     (when nsearch-db
                       (list "--db" (expand-file-name nsearch-db)))
                     (when nsearch-limit
                       (list "--limit" (number-to-string nsearch-limit)))
                     nsearch-arguments
                     (list "--" query))
             " "))

(defun nsearch--exit-message (status code msg)
  "Say how nsearch ended: STATUS and CODE as for `compilation-exit-message-function', MSG the default."
  (if (eq status 'exit)
      (cond ((eq code 0) '("finished (matches found)\n" . "matched"))
            ((eq code 1) '("finished with no matches found\n" . "no match"))
            (t (cons msg code)))
    (cons msg code)))

(defun nsearch--goto-column ()
  "Put point on the byte column of the passage `next-error' just visited."
  (let ((buf next-error-last-buffer))
    (when (and (buffer-live-p buf)
               (eq (buffer-local-value 'major-mode buf) 'nsearch-mode))
      (let ((col (with-current-buffer buf
                   (save-excursion
                     (goto-char compilation-current-error)
                     (beginning-of-line)
                     (when (looking-at nsearch--line-regexp)
                       (string-to-number (match-string 3)))))))
        (when col
          (let ((pos (byte-to-position
                      (+ (position-bytes (line-beginning-position)) col -1))))
            (when (and pos (<= pos (line-end-position)))
              (goto-char pos))))))))

(add-hook 'next-error-hook #'nsearch--goto-column)

;;; Highlights and partial matches, from `nsearch --json'.

(defvar-local nsearch--query nil
  "The query of this nsearch buffer.")

(defvar-local nsearch--spans nil
  "Matched words of this buffer's passages: a hash table from \"FILE:LINE\"
\(FILE absolute) to a list of (START . END) byte columns in the file.")

(defvar nsearch--overlays nil
  "Overlays of the matched words shown in visited files.")

(defun nsearch--json-args (query)
  "The arguments of `nsearch --json' for QUERY, as the list was made."
  (append (list "--json")
          (when nsearch-db (list "--db" (expand-file-name nsearch-db)))
          (when nsearch-limit (list "--limit" (number-to-string nsearch-limit)))
          nsearch-arguments
          (list "--" query)))

(defun nsearch--json-file (o)
  "The file of the `nsearch --json' match O (an alist).
Its path, or for a name that is not UTF-8 (whose path has U+FFFD for each
bad byte, naming no file) the name made of its path_bytes, as
`nsearch--unquote' makes it from the quoted name."
  (let ((bytes (alist-get 'path_bytes o)))
    (if (and (vectorp bytes) (> (length bytes) 0))
        (decode-coding-string (apply #'unibyte-string (append bytes nil)) 'utf-8-unix)
      (alist-get 'path o))))

(defun nsearch--read-json (query)
  "Run `nsearch --json' for QUERY: (SPANS . PARTIAL)."
  (let ((spans (make-hash-table :test 'equal)) (partial nil))
    (with-temp-buffer
      (apply #'call-process nsearch-program nil (list t nil) nil (nsearch--json-args query))
      (goto-char (point-min))
      (while (not (eobp))
        (let* ((line (buffer-substring-no-properties (point) (line-end-position)))
               (o (ignore-errors (json-parse-string line :object-type 'alist))))
          (cond
           ((equal (alist-get 'type o) "summary")
            (setq partial (eq (alist-get 'partial o) t)))
           ((and (equal (alist-get 'type o) "match")
                 (not (string-match-p "\\.jsonl\\(?:\\.gz\\)?\\'" (alist-get 'path o))))
            ;; A text file's passage keeps its line's bytes: the file's
            ;; byte column of a match is column + start.
            (let ((key (format "%s:%d" (expand-file-name (nsearch--json-file o))
                               (alist-get 'line o)))
                  (col (alist-get 'column o)))
              (dolist (sp (append (alist-get 'spans o) nil))
                (push (cons (+ col (alist-get 'start sp)) (+ col (alist-get 'end sp)))
                      (gethash key spans)))))))
        (forward-line 1)))
    (cons spans partial)))

(defun nsearch--finished (buf _msg)
  "After the search in BUF: read the highlights, say when matches are partial."
  (when (and (buffer-live-p buf)
             (eq (buffer-local-value 'major-mode buf) 'nsearch-mode))
    (with-current-buffer buf
      (when nsearch--query
        (let ((r (nsearch--read-json nsearch--query)))
          (setq nsearch--spans (car r))
          (setq header-line-format
                (if (cdr r)
                    (format "nsearch %s: partial matches (no passage has every word)"
                            nsearch--query)
                  (format "nsearch %s" nsearch--query))))))))

(defun nsearch--highlight ()
  "Highlight the matched words on the line `next-error' just visited."
  (let ((buf next-error-last-buffer))
    (mapc #'delete-overlay nsearch--overlays)
    (setq nsearch--overlays nil)
    (when (and (buffer-live-p buf)
               (eq (buffer-local-value 'major-mode buf) 'nsearch-mode)
               buffer-file-name)
      (let* ((spans (buffer-local-value 'nsearch--spans buf))
             (key (format "%s:%d" (expand-file-name buffer-file-name) (line-number-at-pos)))
             (lb (position-bytes (line-beginning-position))))
        (dolist (sp (and spans (gethash key spans)))
          (let ((s (byte-to-position (+ lb (car sp) -1)))
                (e (byte-to-position (+ lb (cdr sp) -1))))
            (when (and s e (<= e (1+ (line-end-position))))
              (let ((ov (make-overlay s e)))
                (overlay-put ov 'face 'match)
                (overlay-put ov 'nsearch t)
                (push ov nsearch--overlays)))))))))

(add-hook 'next-error-hook #'nsearch--highlight t)

(defvar nsearch-mode-map
  (let ((map (make-sparse-keymap)))
    (set-keymap-parent map grep-mode-map)
    map)
  "Keymap of `nsearch-mode': that of `grep-mode'.")

(define-compilation-mode nsearch-mode "nsearch"
  "Passages found by nsearch; RET or a click visits one."
  (setq-local compilation-error-regexp-alist nsearch-regexp-alist)
  (setq-local compilation-exit-message-function #'nsearch--exit-message)
  (setq-local compilation-disable-input t)
  (setq-local compilation-error-face grep-hit-face))

;;;###autoload
(defun nsearch (query)
  "Search the news index for QUERY and show the passages, best first.
Runs nsearch in `default-directory', so paths under it are relative."
  (interactive
   (list (read-string "nsearch: " nil 'nsearch-history)))
  (when (string-match-p "\\`[[:space:]]*\\'" query)
    (user-error "nsearch: empty query"))
  (let ((buf (compilation-start (nsearch-command query) #'nsearch-mode)))
    (with-current-buffer buf
      (setq nsearch--query query)
      (add-hook 'compilation-finish-functions #'nsearch--finished nil t))
    buf))

(provide 'nsearch)

;;; nsearch.el ends here
