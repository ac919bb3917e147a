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
// below the model's threshold. Train tunes the threshold on validation
// examples when given (the value that maximizes validation accuracy, with
// out-of-scope examples counted right when rejected), or uses a default
// that depends on the number of intents. Options.Threshold fixes it.
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
