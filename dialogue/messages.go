package dialogue

// Messages are what the engine says on its own. Each field is a template
// ("{order_id}" is replaced by the slot's value). Empty fields take the
// default of the flow's language.
type Messages struct {
	// NotUnderstood starts a re-prompt after an answer that was not
	// understood, when the slot has no Reprompt.
	NotUnderstood string `yaml:"notUnderstood,omitempty" json:"notUnderstood,omitempty"`
	// Invalid is the reason given for an answer that failed validation
	// when the slot's Validation has no Message.
	Invalid string `yaml:"invalid,omitempty" json:"invalid,omitempty"`
	// ConfirmAgain starts a confirmation asked again after an unclear
	// reply.
	ConfirmAgain string `yaml:"confirmAgain,omitempty" json:"confirmAgain,omitempty"`
	// ConfirmExplicit starts a confirmation asked again after a tentative
	// yes ("应该是吧") to a step with side effects.
	ConfirmExplicit string `yaml:"confirmExplicit,omitempty" json:"confirmExplicit,omitempty"`
	// Waiting answers a customer who is not ready ("等一下", "not yet");
	// the question stays open.
	Waiting string `yaml:"waiting,omitempty" json:"waiting,omitempty"`
	// Resume starts the question asked again after a digression.
	Resume string `yaml:"resume,omitempty" json:"resume,omitempty"`
	// Cancelled confirms a cancellation.
	Cancelled string `yaml:"cancelled,omitempty" json:"cancelled,omitempty"`
	// Restarted confirms a restart.
	Restarted string `yaml:"restarted,omitempty" json:"restarted,omitempty"`
	// Handoff accompanies a hand-off to a person.
	Handoff string `yaml:"handoff,omitempty" json:"handoff,omitempty"`
	// RetryLimit accompanies the hand-off after too many failed answers.
	RetryLimit string `yaml:"retryLimit,omitempty" json:"retryLimit,omitempty"`
	// Expired tells the customer that the previous conversation timed out.
	Expired string `yaml:"expired,omitempty" json:"expired,omitempty"`
	// Yes and No are the quick replies offered with a confirmation.
	Yes string `yaml:"yes,omitempty" json:"yes,omitempty"`
	No  string `yaml:"no,omitempty" json:"no,omitempty"`
}

// defaultMessages returns the built-in messages of a language.
func defaultMessages(l Lang) Messages {
	if l == LangEN {
		return Messages{
			NotUnderstood:   "Sorry, I didn't catch that. ",
			Invalid:         "That doesn't look right.",
			ConfirmAgain:    "Please answer yes or no. ",
			ConfirmExplicit: "To be safe, please reply \"yes\" to go ahead or \"no\" to stop. ",
			Waiting:         "Sure, take your time. Reply \"yes\" when you're ready, or \"no\" to stop.",
			Resume:          "Back to where we were: ",
			Cancelled:       "OK, I've cancelled that.",
			Restarted:       "OK, let's start over.",
			Handoff:         "Let me connect you with a member of our team.",
			RetryLimit:      "Sorry, I'm having trouble understanding. Let me connect you with a member of our team.",
			Expired:         "Our previous conversation timed out, so let's start again.",
			Yes:             "Yes",
			No:              "No",
		}
	}
	return Messages{
		NotUnderstood:   "抱歉，我没有理解您的回答。",
		Invalid:         "您的回答不符合要求。",
		ConfirmAgain:    "请回复“是”或“不是”。",
		ConfirmExplicit: "为了安全，请回复“确认”继续，或回复“不用了”取消。",
		Waiting:         "好的，不着急。您想好了回复“确认”即可，或回复“不用了”取消。",
		Resume:          "回到刚才的问题：",
		Cancelled:       "好的，已为您取消。",
		Restarted:       "好的，我们重新开始。",
		Handoff:         "正在为您转接人工客服，请稍候。",
		RetryLimit:      "抱歉，我没能理解您的回答，正在为您转接人工客服。",
		Expired:         "由于长时间没有回复，之前的对话已结束。",
		Yes:             "是",
		No:              "不是",
	}
}

// merge returns m with the non-empty fields of o.
func (m Messages) merge(o Messages) Messages {
	for _, f := range messageFields(&o) {
		if *f.src != "" {
			*f.dst(&m) = *f.src
		}
	}
	return m
}

// messageField is one field of Messages: src in the flow's Messages, dst
// in another.
type messageField struct {
	src *string
	dst func(*Messages) *string
}

// messageFields lists the fields of m.
func messageFields(m *Messages) []messageField {
	return []messageField{
		{&m.NotUnderstood, func(o *Messages) *string { return &o.NotUnderstood }},
		{&m.Invalid, func(o *Messages) *string { return &o.Invalid }},
		{&m.ConfirmAgain, func(o *Messages) *string { return &o.ConfirmAgain }},
		{&m.ConfirmExplicit, func(o *Messages) *string { return &o.ConfirmExplicit }},
		{&m.Waiting, func(o *Messages) *string { return &o.Waiting }},
		{&m.Resume, func(o *Messages) *string { return &o.Resume }},
		{&m.Cancelled, func(o *Messages) *string { return &o.Cancelled }},
		{&m.Restarted, func(o *Messages) *string { return &o.Restarted }},
		{&m.Handoff, func(o *Messages) *string { return &o.Handoff }},
		{&m.RetryLimit, func(o *Messages) *string { return &o.RetryLimit }},
		{&m.Expired, func(o *Messages) *string { return &o.Expired }},
		{&m.Yes, func(o *Messages) *string { return &o.Yes }},
		{&m.No, func(o *Messages) *string { return &o.No }},
	}
}
