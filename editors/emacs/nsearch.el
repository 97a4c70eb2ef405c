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
  "^\\(?1:.+?\\):\\(?2:[1-9][0-9]*\\):\\(?3:[1-9][0-9]*\\):"
  "A line of `nsearch --vimgrep': file, line, byte column of the match.")

(defvar nsearch-regexp-alist
  ;; No column here: compile.el counts characters, nsearch counts bytes
  ;; as ripgrep does; `nsearch--goto-column' places point afterwards.
  `((,nsearch--line-regexp 1 2 nil nil nil (3 'compilation-column-number)))
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
  (compilation-start (nsearch-command query) #'nsearch-mode))

(provide 'nsearch)

;;; nsearch.el ends here
