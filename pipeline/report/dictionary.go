package report

// Column is one column of a download, as the data dictionary explains it.
type Column struct {
	Table, Name, Type, Zh, En string
}

// Dictionary lists every column of every tabular download, in file and
// column order.
func Dictionary() []Column {
	var out []Column
	add := func(table string, cols [][4]string) {
		for _, c := range cols {
			out = append(out, Column{Table: table, Name: c[0], Type: c[1], Zh: c[2], En: c[3]})
		}
	}
	add("providers.csv", [][4]string{
		{"provider_id", "text", "服务商编号", "Provider id"},
		{"name", "text", "服务商名称（原文）", "Provider name as registered"},
		{"category", "enum", "类目代码：operations 代运营、software 软件工具、marketing 营销推广、training 培训、customer_service 客服外包、design 设计、other 其他", "Category code: operations, software, marketing, training, customer_service, design, other"},
		{"status", "enum", "平台状态：active 正常、suspended 暂停、cleared 已清退", "Status on the platform: active, suspended, cleared"},
		{"grade", "enum", "评级 A–E；unrated 数据不足；cleared 已清退", "Grade A–E; unrated (too few data); cleared"},
		{"score", "decimal(1)", "得分 0–100，一位小数；未评级时为空", "Score 0–100 with one decimal; empty when not rated"},
		{"delivery_due", "integer", "近90天到期、可评估的订单数", "Orders due and assessable in the last 90 days"},
		{"delivery_on_time", "integer", "其中按时交付的订单数", "Of those, delivered on time"},
		{"response_due", "integer", "近90天到期的售后工单（首次响应）", "Tickets due for a first reply in the last 90 days"},
		{"response_on_time", "integer", "其中按时首次回复的工单数", "Of those, answered on time"},
		{"resolution_due", "integer", "近90天到期的售后工单（处理）", "Tickets due for resolution in the last 90 days"},
		{"resolution_on_time", "integer", "其中按时处理完毕的工单数", "Of those, resolved on time"},
		{"checks", "integer", "近90天平台抽查电话次数", "Platform test calls in the last 90 days"},
		{"checks_answered", "integer", "其中接听次数", "Of those, answered"},
		{"orders_90", "integer", "近90天下单的有效订单数（不含已取消）", "Orders placed in the last 90 days, not cancelled"},
		{"complaints_upheld_90", "integer", "近90天成立且未被撤销的投诉数", "Complaints upheld in the last 90 days and not overturned"},
		{"points_365", "integer", "近365天违规积分", "Violation points in the last 365 days"},
		{"incidents_365", "integer", "近365天客服失联次数", "Unreachable incidents in the last 365 days"},
		{"deduction_365", "money", "近365天扣除保证金合计（元，两位小数）", "Deposit deducted in the last 365 days (CNY, two decimals)"},
		{"measures", "list", "截至数据日生效中的处罚措施，以分号分隔（不含一次性扣款）", "Measures in force at the as-of date, ';'-separated (one-off deductions left out)"},
	})
	add("notices.csv", [][4]string{
		{"notice_id", "text", "公示编号，由内容和日期生成，永久不变", "Notice id, derived from its content and date; never changes"},
		{"provider_id", "text", "服务商编号", "Provider id"},
		{"rule_id", "text", "规则编号", "Rule id"},
		{"rule_version", "text", "适用的规则版本", "Version of the rule applied"},
		{"measure", "enum", "处罚措施代码", "Measure code"},
		{"issued_on", "date", "公示日期", "Date issued"},
		{"effective_until", "date", "措施生效的最后一天；永久措施为空", "Last day the measure is in force; empty when permanent"},
		{"status", "enum", "in_force 生效中、expired 已到期、rescinded 已撤销", "in_force, expired or rescinded"},
		{"appeal_by", "date", "申诉截止日期", "Last day to appeal"},
		{"facts_zh", "text", "事实（中文）", "Facts in Chinese"},
		{"facts_en", "text", "事实（英文）", "Facts in English"},
	})
	out = append(out, Column{Table: "*.csv", Name: "—", Type: "rule",
		Zh: "以 =、+、-、@、制表符或回车开头的单元格前加一个英文单引号，防止电子表格把它当作公式执行。",
		En: "A cell that begins with =, +, -, @, a tab or a carriage return gets a leading apostrophe so that spreadsheets never run it as a formula."})
	return out
}
