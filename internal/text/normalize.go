package text

import "github.com/kefuai/kefu/internal/textnorm"

// Normalized is text after normalization, with a map back to the input;
// see textnorm.Normalized.
type Normalized = textnorm.Normalized

// Normalize applies the normalization every analyzer stage relies on; see
// textnorm.Normalize. Packages that only normalize import textnorm, which
// holds no dictionary.
func Normalize(s string) Normalized { return textnorm.Normalize(s) }
