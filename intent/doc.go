// Package intent trains, runs and evaluates intent classifiers for Chinese
// and English customer messages.
//
// # Model
//
// Train builds a Model from labelled examples. Text is normalized and
// analyzed once (Chinese word segmentation with the embedded dictionary,
// English stemming, operator words and synonyms); two feature views are
// taken from the tokens (words with their neighbours, name classes from the
// dictionary's part-of-speech tags and single Chinese characters; and
// character n-grams), each weighted by TF-IDF into a sparse vector over the
// hashed features seen in training (at most Options.MaxFeatures columns a
// view, so that memory stays bounded).
// One neural network with a hidden layer is trained on each view, with
// dropout and label smoothing; the Model averages their probabilities.
// Label smoothing keeps the networks from being certain about everything,
// which is what makes a low top probability a good sign that a text is
// out of scope.
//
// Training is deterministic for a given Options.Seed and independent of the
// number of goroutines used. A trained Model is immutable and safe for
// concurrent use; Save/Load (WriteTo/Load) write and read it as one file.
//
// # Out of scope
//
// Classify marks a text out of scope when the best intent's confidence is
// below the model's threshold (Model.Threshold). Options.Threshold fixes
// the threshold; a negative value turns detection off. Otherwise Train
// chooses it from confidences given to texts the model was not trained on:
//
//   - In-scope texts: the validation examples (Options.Validation) when
//     there are at least 50 of them with intents the model knows; else
//     cross-validation of the training examples: they are split in five
//     parts per intent, and up to three models, each trained on four parts,
//     score the part they did not see. A large training set is split into
//     more, smaller parts, and only as many models are trained as it takes
//     to hold out 1,500 examples: about one training more.
//   - Out-of-scope texts: validation examples labelled Options.OutOfScope
//     (or with an intent the model does not know) and training examples
//     labelled Options.OutOfScope. They are never trained on; under
//     cross-validation every fold's model scores them.
//
// The threshold maximizes in-scope accuracy (texts predicted as their own
// intent and accepted) plus half the out-of-scope recall (out-of-scope
// texts rejected), each a share of its own kind, so that neither a large
// validation set nor a handful of out-of-scope examples decides alone. It
// stays between two bounds: it rejects at least 1% and at most 5% of the
// held-out in-scope texts the model gets right. Detection is thus never
// silently off, and never costs more than a small share of the answers
// the model would get right (about 5% of them at most, measured on
// held-out texts; the final model, trained on all examples, is a little
// surer than the cross-validation models).
//
// With fewer than 8 out-of-scope examples there is nothing to sweep
// against: the default for the number of intents (12/intents, at most 0.5:
// a multiple of the confidence given to a text that fits no intent) is
// used, lowered to the upper bound when it would reject more. That check
// needs the held-out texts too, so without a validation file it costs the
// cross-validation; on training sets with at least 50 examples an intent
// on average it is skipped, since models trained on that much are sure
// enough of the texts they get right that it rarely changes anything. With
// fewer than 20 held-out in-scope texts the model gets right, the default
// is used as it is.
//
// Info.ThresholdSource tells where the threshold came from
// (ThresholdFixed, ThresholdValidation, ThresholdCrossValidation,
// ThresholdDefault, ThresholdDisabled) and Info.Warnings what the data
// could not support and what was done instead; Evaluate's reports show
// both.
//
// Cross-validation costs training time: on small sets, where every network
// gets a minimum number of updates whatever its size, each fold costs about
// as much as the model itself, so training takes two to three times as
// long. Validation examples, or a fixed threshold, skip it. The
// measurements are in docs/thresholds.md.
//
// # Rules
//
// Operator rules (keywords or regular expressions) decide before the model,
// for wording that must always map to one intent ("转人工").
//
// # Evaluation
//
// Evaluate and CrossValidate score a classifier: accuracy, macro-F1,
// per-intent precision, recall and F1, the confusion matrix, in-scope
// accuracy and out-of-scope recall and precision. A Report is written as
// text, JSON, or a self-contained HTML page with a confusion heat map: the
// quarterly accuracy report an operator hands to a customer.
package intent
