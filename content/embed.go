// Package content holds what the site publishes as text: the rule book
// (rules/rulebook.json, the one source of every parameter the evaluator
// enforces) and the Markdown pages and UI strings in Chinese and English.
package content

import "embed"

// FS holds the rule book and the pages.
//
//go:embed rules
var FS embed.FS
