// Package report writes the downloads: the contract CSVs (providers.csv,
// notices.csv) and the manifest that records every input and output with
// its SHA-256, which the next build reads for its --max-drop check.
package report
