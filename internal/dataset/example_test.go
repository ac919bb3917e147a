package dataset_test

import (
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

// A benchmark looks a dataset up by name, then calls Fetch to download
// and convert it once into the cache:
//
//	dir, err := dataset.Fetch(ctx, d, dataset.Options{Log: os.Stderr})
//
// and reads its converted files from dir.
func ExampleLookup() {
	d, err := dataset.Lookup("clinc150")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Task, d.Language, d.LicenseName)
	fmt.Println(d.Has("with_oos_test.tsv"), d.OOSLabel)
	_, err = dataset.Lookup("clinc")
	fmt.Println(err)
	// Output:
	// intents en CC BY 3.0
	// true oos
	// no dataset "clinc" (available: afqmc, banking77, clinc150, sighan2005, smp2017_ecdt_task1)
}
