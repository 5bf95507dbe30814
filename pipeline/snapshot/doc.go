// Package snapshot finds the tables of a snapshot directory (snapshot.md)
// and streams their rows in typed column batches, from Parquet files
// (through arrow, or its column readers directly: direct.go) and Excel
// sheets (through excelize, or their XML directly: sheetxml.go). It knows
// formats and types, not rules: a value that cannot be read as its
// column's type is marked bad for the validator to reject, and a file that
// cannot be read at all is an error naming the file.
package snapshot
