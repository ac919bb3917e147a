package yamlx_test

import (
	"fmt"

	"github.com/kefuai/kefu/internal/yamlx"
)

func Example() {
	type config struct {
		Name    string `yaml:"name"`
		Retries int    `yaml:"retries"`
	}
	n, err := yamlx.Parse([]byte("name: shop\nretries: many\ncolour: blue\n"))
	if err != nil {
		panic(err)
	}
	var c config
	for _, e := range yamlx.Decode(n, &c) {
		fmt.Println(e)
	}
	fmt.Println(c.Name)
	// Output:
	// line 2, column 10: retries: want a whole number, have "many"
	// line 3, column 1: colour: unknown field "colour"
	// shop
}
