package dataset

// raw is the prefix of a file's URL at one commit of a GitHub repository.
const raw = "https://raw.githubusercontent.com/"

// registry holds every dataset Fetch knows. The checksums were computed on
// the files at the pinned commits; the converted files' checksums are
// those of the files the published benchmark figures were measured on.
var registry = []*Dataset{
	{
		Name:        "clinc150",
		LicenseName: "CC BY 3.0",
		Title:       "CLINC150 (OOS-eval), full variant: 150 intents and out-of-scope queries",
		Task:        Intents,
		Language:    "en",
		Homepage:    "https://github.com/clinc/oos-eval",
		License:     "CC BY 3.0 (Creative Commons Attribution 3.0 Unported), as stated in the repository's LICENSE file",
		Citation: "Stefan Larson, Anish Mahendran, Joseph J. Peper, Christopher Clarke, Andrew Lee, Parker Hill, " +
			"Jonathan K. Kummerfeld, Kevin Leach, Michael A. Laurenzano, Lingjia Tang, Jason Mars. " +
			"An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction. EMNLP-IJCNLP 2019. " +
			"https://www.aclweb.org/anthology/D19-1131",
		Conversion: "data_full.json's splits train, val and test become train.tsv, val.tsv and test.tsv " +
			"(intent<TAB>text, in the published order); oos_train, oos_val and oos_test become oos_*.tsv (label oos); " +
			"with_oos_*.tsv are each split followed by its out-of-scope split.",
		Files: []File{{
			Name:   "data_full.json",
			URL:    raw + "clinc/oos-eval/828f8093932c8fe6ca7936c3d2e52903b1c523de/data/data_full.json",
			SHA256: "36923c3705a59e08fe9c3883d8bc2dd966ef93e22cb78ac41171782a698d56e0",
			Size:   2495390,
		}},
		Outputs: []Output{
			{"train.tsv", "6f12011783e726f5e808c9065bf11a73b9e6838750156b808110552b144599f4"},
			{"val.tsv", "b9bc7761b45e43398cd4df045153ed8b0be0a477f8d9d9ec433efcdf7f1e42cf"},
			{"test.tsv", "ae81d0ea8632ed74d0bba4b891acc7ac9595e0690d13c860ef50a8e5feebeedc"},
			{"oos_train.tsv", "4ae520344fe75a231016868186b744a7242c157322c47033aefc5f1846aa922a"},
			{"oos_val.tsv", "a20a929a2299dcb3908fc15d40c82a41d8805aad07a2155ea380c9bc08639857"},
			{"oos_test.tsv", "198268c5afe2d10a9298e0cf353cbfb242796b91fe4f0ea439611f833f2c26c4"},
			{"with_oos_train.tsv", "f96a8756caee8fa43e7aac15c4aadaf938fbcdf17c3e3252e2554fb4cf489b3d"},
			{"with_oos_val.tsv", "d9da58dd870df59ebe15d0ea8dbfe78df25c3d5a0a4bd95812aec558d20b6bdf"},
			{"with_oos_test.tsv", "01ef7c8fdf824661a00e23c75bf92a27804ac92efbccd24f119c5055c5e0a5c3"},
		},
		OOSLabel: "oos",
		convert:  convertCLINC,
	},
	{
		Name:        "banking77",
		LicenseName: "CC BY 4.0",
		Title:       "BANKING77: online-banking queries, 77 intents",
		Task:        Intents,
		Language:    "en",
		Homepage:    "https://github.com/PolyAI-LDN/task-specific-datasets",
		License:     "CC BY 4.0 (Creative Commons Attribution 4.0 International), as stated in the repository's LICENSE file",
		Citation: "Iñigo Casanueva, Tadas Temčinas, Daniela Gerz, Matthew Henderson, Ivan Vulić. " +
			"Efficient Intent Detection with Dual Sentence Encoders. 2nd Workshop on NLP for ConvAI, ACL 2020. " +
			"https://arxiv.org/abs/2003.04807",
		Conversion: "banking_data/train.csv and test.csv (header text,category) become train.tsv and test.tsv " +
			"(category<TAB>text, in the published order); texts are trimmed and their line breaks become spaces. " +
			"There is no validation split.",
		Files: []File{{
			Name:   "train.csv",
			URL:    raw + "PolyAI-LDN/task-specific-datasets/57ec275d8078af65b7731c2a98be812d844a6d6b/banking_data/train.csv",
			SHA256: "b06e26ac675513959a63135f11b94ea7786ed02da65db93a5650d8838cbc664b",
			Size:   839073,
		}, {
			Name:   "test.csv",
			URL:    raw + "PolyAI-LDN/task-specific-datasets/57ec275d8078af65b7731c2a98be812d844a6d6b/banking_data/test.csv",
			SHA256: "d12d6e3bc4c3103966ae786dc435913c0c563dfa328f5a3646d0e62cfeeb474d",
			Size:   239961,
		}},
		Outputs: []Output{
			{"train.tsv", "2b04b49f0eddf0f29f540f04c2813d7c9c146f37703a3d25f6c3ea2d25cc837f"},
			{"test.tsv", "b68a8cd0b578c7d80953df60a30780877942104dca66ae7f4dacb2d0557c931e"},
		},
		convert: convertBanking,
	},
	{
		Name:        "smp2017_ecdt_task1",
		LicenseName: "research use",
		Title:       "SMP2017-ECDT task 1: Chinese assistant queries, 31 intents",
		Task:        Intents,
		Language:    "zh",
		Homepage:    "https://github.com/HITlilingzhi/SMP2017ECDT-DATA",
		Source: "the task-1 files as published in 2017, in the archive dataSet/往年数据.zip of " +
			"github.com/OnionWang/SMP2019-ECDT-NLU (the official LREC.zip is one large archive of every task)",
		License: "research use: all training and test data are open for research use, and any research result " +
			"using them must cite the paper below (official README); no licence file",
		Citation: "Wei-Nan Zhang, Zhigang Chen, Wanxiang Che, Guoping Hu, Ting Liu. " +
			"The First Evaluation of Chinese Human-Computer Dialogue Technology. arXiv:1709.10217, 2017.",
		Conversion: "Task1data/{train,develop,test}/<split>_<label>.txt (one query a line, UTF-8 with a byte-order mark, " +
			"CRLF) become train.tsv, val.tsv (develop) and test.tsv (label<TAB>query, files in name order, lines in file order); " +
			"queries are trimmed, empty lines are dropped and the one TAB inside a query becomes a space. The archive's data.json (SMP2018) is not used.",
		Files: []File{{
			Name:   "smp2017.zip",
			URL:    raw + "OnionWang/SMP2019-ECDT-NLU/8a014cc516484257af71d5957e656fc51236501a/dataSet/%E5%BE%80%E5%B9%B4%E6%95%B0%E6%8D%AE.zip",
			SHA256: "e9310fcf45dc09fc0d5f65ef423cd7622ac35e82b780ac80a8e8465594f282b7",
			Size:   114742,
		}},
		Outputs: []Output{
			{"train.tsv", "b84599bf0c42416151a4bceb9d41c62fab559127e7e62b125166ddd92a138260"},
			{"val.tsv", "6647df79b69c3b0033598a1c3bb7a8d3b2d1bb77a239c0052b245dc7a1153076"},
			{"test.tsv", "f8da4ca88bd5befff75b9b66a3224a1cafd04e5aa61f34839f7f783fda997b7c"},
		},
		convert: convertSMP,
	},
	{
		Name:        "afqmc",
		LicenseName: "research use",
		Title:       "AFQMC / ATEC 2018: Ant Financial customer-service question pairs (Chinese)",
		Task:        Pairs,
		Language:    "zh",
		Homepage:    "https://github.com/CLUEbenchmark/CLUE",
		Source: "AFQMC's public dev set from github.com/bigjeager/afqmc (data/afqmc/dev.json) and the ATEC 2018 " +
			"training file from github.com/IceFlameWorm/NLP_Datasets (ATEC/atec_nlp_sim_train.csv); " +
			"CLUE's own download is a zip archive on Google Cloud Storage",
		License: "research and evaluation use; provided by Ant Financial (蚂蚁金服) for the CLUE benchmark and the " +
			"ATEC 2018 competition, with no licence stated by either repository",
		Citation: "Liang Xu et al. CLUE: A Chinese Language Understanding Evaluation Benchmark. COLING 2020 (AFQMC task); " +
			"ATEC 2018 NLP competition, Ant Financial.",
		Conversion: "test.tsv is AFQMC's dev set (label<TAB>sentence1<TAB>sentence2, JSON lines in order); " +
			"train.tsv is the ATEC training file (id<TAB>s1<TAB>s2<TAB>label, byte-order marks removed) in the same " +
			"layout, less every pair that is also in test.tsv in either order (1,682 pairs).",
		Files: []File{{
			Name:   "afqmc_dev.json",
			URL:    raw + "bigjeager/afqmc/e30c4f7a842b7108dcef92232925e59caa6d42b0/data/afqmc/dev.json",
			SHA256: "79dd641269013783154d074a16ff90ee01a3bb9e946953922b1ea0bb8dff40da",
			Size:   576235,
		}, {
			Name:   "atec_nlp_sim_train.csv",
			URL:    raw + "IceFlameWorm/NLP_Datasets/a2203a7361b6386dd8d8b64f5d600aa1ec730d0d/ATEC/atec_nlp_sim_train.csv",
			SHA256: "226195955cf91bcfacec4d74c48d77e246808f65ad2a7d990c0f5194025e363d",
			Size:   3524664,
		}},
		Outputs: []Output{
			{"train.tsv", "9692db59214973935c38954ab2b243eee74f9a9da4673e84a0ee72e2d285fc50"},
			{"test.tsv", "7eee33d9739badb80a76804f62b10a94435bd9bd846b0413895d6e4c78cc0edc"},
		},
		convert: convertAFQMC,
	},
	{
		Name:        "sighan2005",
		LicenseName: "non-commercial research",
		Title:       "SIGHAN 2005 (second Chinese word segmentation bakeoff): PKU and MSR test sets",
		Task:        Segmentation,
		Language:    "zh",
		Homepage:    "http://sighan.cs.uchicago.edu/bakeoff2005/",
		Source: "the gold files of icwb2-data (Release 1, 2005-11-18) from the copy at github.com/yuikns/icwb2-data; " +
			"the bakeoff site serves the release as one zip archive over plain HTTP",
		License: "non-commercial research use: the bakeoff site makes the data available for non-commercial, research use; " +
			"the release README reserves any other use to the providers (Peking University, Microsoft Research)",
		Citation: "Thomas Emerson. The Second International Chinese Word Segmentation Bakeoff. " +
			"Proceedings of the Fourth SIGHAN Workshop on Chinese Language Processing, 2005.",
		Conversion: "gold/pku_test_gold.utf8 and gold/msr_test_gold.utf8 (one sentence a line, words separated by " +
			"two spaces, CRLF) become pku_test.tsv and msr_test.tsv: the words joined by single spaces, a TAB, and the " +
			"words joined with nothing (the raw sentence); empty lines are dropped.",
		Files: []File{{
			Name:   "pku_test_gold.utf8",
			URL:    raw + "yuikns/icwb2-data/873a51fa6234c644126d2f2c5c603a97809d2e49/gold/pku_test_gold.utf8",
			SHA256: "913f78b20b17ea1e154f6246644d7d624b2710641f109a15daee9d63c9fb88d4",
			Size:   718331,
		}, {
			Name:   "msr_test_gold.utf8",
			URL:    raw + "yuikns/icwb2-data/873a51fa6234c644126d2f2c5c603a97809d2e49/gold/msr_test_gold.utf8",
			SHA256: "cd1a8473841f1b2fcddd14d12599ad8872e6167feb64807af5bac2f6a32cb75d",
			Size:   766786,
		}},
		Outputs: []Output{
			{"pku_test.tsv", "13715a7df84ad9dd0700cc8e93291266e7bb7a0fb329fb05cbe28f4a83f0aba6"},
			{"msr_test.tsv", "baa097daed9d8a808b77e80af4168ba0084808dab2377b41785537134b453efd"},
		},
		convert: convertSIGHAN,
	},
}
