;;; consult-nsearch.el --- Search a news index with nsearch, live, through consult  -*- lexical-binding: t -*-

;; Copyright (C) 2026 the nsearch authors.
;; SPDX-License-Identifier: GPL-2.0-or-later

;;; Commentary:

;; M-x consult-nsearch: type a query; nsearch answers as you type (consult's
;; asynchronous command API, one nsearch process per input, the previous one
;; killed), the passages are previewed in their files, RET jumps to the
;; line and the first matched word.  nsearch's query language is used as it
;; is (phrases, OR, -exclusions, NEAR, fields): everything typed is one
;; query, after "--" so that an excluded word is never an option.  As with
;; consult-ripgrep, text after a second "#" (#query#--sort date) is passed
;; as further arguments.
;;
;; nsearch prints `path NUL line:passage' with --null --no-heading, which
;; is the shape consult reads from `rg --null --line-number'.
;;
;; This file does nothing unless consult is installed (Debian: elpa-consult).
;; Settings shared with M-x nsearch: `nsearch-program', `nsearch-db'.

;;; Code:

(require 'nsearch)

(defcustom consult-nsearch-args '("--null" "--no-heading" "--color=never" "--limit" "50")
  "Arguments of nsearch before the query, for `consult-nsearch'."
  :type '(repeat string)
  :group 'nsearch)

(when (require 'consult nil t)

  (defun consult-nsearch--builder (input)
    "The nsearch command line for INPUT, and a highlighter for its words."
    (pcase-let* ((`(,arg . ,opts) (consult--command-split input)))
      (unless (string-match-p "\\`[[:space:]]*\\'" arg)
        (cons (append (list nsearch-program)
                      consult-nsearch-args
                      (when nsearch-db (list "--db" (expand-file-name nsearch-db)))
                      opts
                      (list "--" arg))
              (apply-partially #'consult--highlight-regexps
                               (mapcar #'regexp-quote
                                       (seq-remove (lambda (w) (member w '("OR" "AND" "NOT")))
                                                   (split-string
                                                    (replace-regexp-in-string
                                                     "[\"“”()]\\|\\b[a-z]+:\\|-\\(?:\\b\\|\\'\\)\\|\\*" " " arg)
                                                    "[[:space:]]+" t)))
                               t)))))

  ;;;###autoload
  (defun consult-nsearch (&optional initial)
    "Search the news index with nsearch as you type.
INITIAL is the initial input."
    (interactive)
    (consult--grep "nsearch" #'consult-nsearch--builder default-directory initial)))

(provide 'consult-nsearch)

;;; consult-nsearch.el ends here
