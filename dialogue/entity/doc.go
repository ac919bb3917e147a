// Package entity finds the values customers give in Chinese and English
// customer-service conversations: numbers written with digits or Chinese
// numerals, mobile numbers, amounts of money, quantities, and dates and
// times, including relative ones ("明天", "下周一", "next monday") resolved
// against a reference time.
//
// Every function here is pure, allocation-light and safe for concurrent
// use. Functions that find a value in free text take the text as the
// customer wrote it: they fold full-width forms and case themselves
// ("３月５号" is "3月5号", "ＲＭＢ" is "rmb"). They never panic, whatever
// the input.
package entity
