package analytics_test

import "os"

func fileBytes(path string) ([]byte, error) { return os.ReadFile(path) }
