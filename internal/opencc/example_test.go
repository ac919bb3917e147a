package opencc_test

import (
	"fmt"
	"strings"

	"github.com/kefuai/kefu/internal/opencc"
)

func ExampleConvert() {
	phrases, _ := opencc.Parse(strings.NewReader("头发\t頭髮\n"), "STPhrases.txt")
	chars, _ := opencc.Parse(strings.NewReader("发\t發 髮\n头\t頭\n"), "STCharacters.txt")
	fmt.Println(opencc.Convert("头发发了", phrases, chars))
	// Output: 頭髮發了
}
