// Package validate streams a snapshot's tables row by row and gives each row
// a verdict: used, or rejected with a stable reason code (reasons.go). Used
// rows are handed to a Sink (the rules engine) in one pass over the large
// tables; rejected rows go to the quarantine file with where they came from
// and their raw values. After the scan, the safety checks decide whether the
// build may publish at all.
package validate
