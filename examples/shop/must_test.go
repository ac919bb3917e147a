package shop_test

import "context"

var bg = context.Background()

// must returns v, panicking on err: for calls that cannot fail in a test.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
