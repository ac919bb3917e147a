package dataset_test

import (
	"context"
	"fmt"
	"os"

	"github.com/kefuai/kefu/internal/dataset"
)

func ExampleWriteList() {
	dataset.WriteList(os.Stdout)
	// Output:
	// NAME                TASK          LANG  LICENCE                  TITLE
	// afqmc               pairs         zh    research use             AFQMC / ATEC 2018: Ant Financial customer-service question pairs (Chinese)
	// banking77           intents       en    CC BY 4.0                BANKING77: online-banking queries, 77 intents
	// clinc150            intents       en    CC BY 3.0                CLINC150 (OOS-eval), full variant: 150 intents and out-of-scope queries
	// sighan2005          segmentation  zh    non-commercial research  SIGHAN 2005 (second Chinese word segmentation bakeoff): PKU and MSR test sets
	// smp2017_ecdt_task1  intents       zh    research use             SMP2017-ECDT task 1: Chinese assistant queries, 31 intents
}

// Fetch downloads a dataset once into the cache and returns the folder of
// its converted files; later calls use the cache.
func ExampleFetch() {
	d, err := dataset.Lookup("clinc150")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Task, d.OOSLabel, d.Has("with_oos_test.tsv"))
	if os.Getenv("KEFU_EXAMPLE_FETCH") == "" {
		return // no network in tests
	}
	dir, err := dataset.Fetch(context.Background(), d, dataset.Options{Log: os.Stderr})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dir)
	// Output: intents oos true
}
