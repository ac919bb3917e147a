package xlsx_test

import (
	"bytes"
	"fmt"

	"github.com/kefuai/kefu/internal/xlsx"
)

func Example() {
	var buf bytes.Buffer
	if err := xlsx.Write(&buf, "FAQ", [][]string{{"id", "question"}, {"007", "运费怎么算？"}}); err != nil {
		panic(err)
	}
	rows, err := xlsx.ReadFirstSheet(buf.Bytes(), 1<<20)
	if err != nil {
		panic(err)
	}
	fmt.Println(rows)
	// Output: [[id question] [007 运费怎么算？]]
}
