// Package report writes the downloads: the tables (providers, commitments,
// notices, violations, services) as CSV and Parquet, the monthly summary,
// everything in one JSON document with its JSON Schema, the regulators'
// workbook, and the manifest and SHA256SUMS that record every file with its
// SHA-256 (the next build reads the manifest for its --max-drop check).
//
// Go declares each table's columns and rows; the words come from the
// content tree: content/dictionary.json gives every table's and column's
// meaning in Chinese and English, the files' descriptions and the
// workbook's own words, with {param}s filled from the rule book when the
// downloads are built; content/licence.json gives the terms of reuse.
package report
