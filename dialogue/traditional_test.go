package dialogue_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
)

// Answers in traditional characters fill slots as their simplified forms
// do, and operators may write values in either script.
func TestTraditionalSlotInputs(t *testing.T) {
	reasons := []dialogue.LookupValue{
		{Value: "质量问题", Synonyms: []string{"坏了", "破损"}},
		{Value: "发错货", Synonyms: []string{"颜色不对"}},
	}
	tradReasons := []dialogue.LookupValue{{Value: "質量問題", Synonyms: []string{"壞了"}}}
	for _, tc := range []struct {
		name   string
		slot   dialogue.Slot
		answer string
		want   string
	}{
		{"lookup value", dialogue.Slot{Type: dialogue.SlotLookup, Values: reasons}, "質量問題", "say: got 质量问题"},
		{"lookup synonym", dialogue.Slot{Type: dialogue.SlotLookup, Values: reasons}, "收到就壞了", "say: got 质量问题"},
		{"lookup synonym 2", dialogue.Slot{Type: dialogue.SlotLookup, Values: reasons}, "顏色不對", "say: got 发错货"},
		{"traditional value, simplified answer", dialogue.Slot{Type: dialogue.SlotLookup, Values: tradReasons}, "坏了", "say: got 質量問題"},
		{"traditional value, traditional answer", dialogue.Slot{Type: dialogue.SlotLookup, Values: tradReasons}, "質量問題", "say: got 質量問題"},
		{"order", dialogue.Slot{Type: dialogue.SlotOrder}, "訂單號 TB2025030512345", "say: got TB2025030512345"},
		{"order pattern", dialogue.Slot{Type: dialogue.SlotOrder, Pattern: `dd\d{10}`}, "我的訂單是ＤＤ２０２５０３０５０１", "say: got DD2025030501"},
		{"mobile", dialogue.Slot{Type: dialogue.SlotMobile}, "電話是 138-1234-5678", "say: got 13812345678"},
		{"amount", dialogue.Slot{Type: dialogue.SlotAmount}, "兩千五百塊", "say: got 2500.00"},
		{"amount yuan", dialogue.Slot{Type: dialogue.SlotAmount}, "退我三百五十元錢", "say: got 350.00"},
		{"quantity", dialogue.Slot{Type: dialogue.SlotQuantity}, "買了兩件", "say: got 2"},
		{"number", dialogue.Slot{Type: dialogue.SlotNumber}, "兩百五", "say: got 250"},
		{"date next monday", dialogue.Slot{Type: dialogue.SlotDate}, "下週一", "say: got 2025-03-17"},
		{"date weekday", dialogue.Slot{Type: dialogue.SlotDate}, "這個禮拜五", "say: got 2025-03-14"},
		{"date after tomorrow", dialogue.Slot{Type: dialogue.SlotDate}, "大後天", "say: got 2025-03-15"},
		{"date in days", dialogue.Slot{Type: dialogue.SlotDate}, "三天以後", "say: got 2025-03-15"},
		{"time", dialogue.Slot{Type: dialogue.SlotTime}, "明天晚上8點", "say: got 2025-03-13 20:00"},
		{"time of day", dialogue.Slot{Type: dialogue.SlotTime}, "後天下午三點半", "say: got 2025-03-14 15:30"},
		{"yes", dialogue.Slot{Type: dialogue.SlotYesNo}, "對的", "say: got yes"},
		{"no", dialogue.Slot{Type: dialogue.SlotYesNo}, "不對", "say: got no"},
		{"no thanks", dialogue.Slot{Type: dialogue.SlotYesNo}, "不需要了，謝謝", "say: got no"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := oneSlot(t, tc.slot, tc.answer)
			require.NotEmpty(t, got)
			assert.Equal(t, tc.want, got[0], tc.answer)
		})
	}
}

func TestTraditionalConfirmation(t *testing.T) {
	for in, want := range map[string]dialogue.Answer{
		"對": dialogue.Yes, "沒錯": dialogue.Yes, "確認": dialogue.Yes, "沒問題": dialogue.Yes, "好的，謝謝": dialogue.Yes,
		"不對": dialogue.No, "錯了": dialogue.No, "沒有": dialogue.No, "不是這個": dialogue.No,
		"是不是要運費？": dialogue.Unsure, "可以嗎": dialogue.Unsure, "對不對": dialogue.Unsure,
	} {
		assert.Equal(t, want, dialogue.Confirmation(in), in)
	}
}
