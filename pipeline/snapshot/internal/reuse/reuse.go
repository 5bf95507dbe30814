// Package reuse sizes the buffers a table reader keeps from batch to
// batch: a batch of rows reuses the last one's arrays when they are large
// enough, so reading a large table allocates once, not once a batch.
package reuse

// Len returns s with length n, reusing its array when its capacity
// allows; the elements keep what they held (the caller overwrites them).
func Len[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Cleared is Len with every element set to its zero value.
func Cleared[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}
