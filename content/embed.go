// Package content holds what the site publishes as text: the rule book
// (rules/rulebook.json, the one source of every parameter the evaluator
// enforces), the interface strings (ui.json) and the Markdown pages in
// Chinese (zh/) and English (en/).
package content

import "embed"

// FS holds the rule book, the interface strings and the pages.
//
//go:embed rules ui.json zh en
var FS embed.FS
