// Package content holds what the site publishes as text: the rule book
// (rules/rulebook.json, the one source of every parameter the evaluator
// enforces), the interface strings (ui.json), the words of the downloads
// (dictionary.json: every table's and column's meaning, with {param}s
// filled from the rule book), the data licence (licence.json) and the
// Markdown pages in Chinese (zh/) and English (en/).
package content

import "embed"

// FS holds the rule book, the interface strings, the downloads' words,
// the licence and the pages.
//
//go:embed rules ui.json dictionary.json licence.json zh en
var FS embed.FS
