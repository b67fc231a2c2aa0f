package ledger

import (
	"errors"
	"fmt"

	"guitai/dsl"
)

// Error is a refused or failed submission: a stable code, the form field at
// fault (empty when none) and the message to show the teller. Nothing is
// posted when Submit returns an *Error.
type Error struct {
	Code  string
	Field string
	Msg   dsl.Text
	Err   error // the underlying cause, if any
}

// Error returns "CODE [field]: english message".
func (e *Error) Error() string {
	s := e.Code
	if e.Field != "" {
		s += " [" + e.Field + "]"
	}
	s += ": " + e.Msg.In("en")
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches another *Error by code, so errors.Is(err, &Error{Code: c}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// CodeOf returns the code of an *Error in err's chain, or "" when there is none.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Messages maps every error code to its message. Catalog steps may only name
// codes listed here; Catalog.Check verifies it.
var Messages = map[string]dsl.Text{
	"E_REQUIRED":              {Zh: "必填项未填写", En: "required value missing"},
	"E_TYPE":                  {Zh: "数据类型不正确", En: "wrong value type"},
	"E_AMOUNT_SYNTAX":         {Zh: "金额格式不正确（仅限半角数字，最多两位小数）", En: "not a decimal amount"},
	"E_AMOUNT_PRECISION":      {Zh: "金额最多两位小数", En: "more than two decimal places"},
	"E_AMOUNT_RANGE":          {Zh: "金额超出范围", En: "amount out of range"},
	"E_AMOUNT_MIN":            {Zh: "金额必须大于零", En: "amount must be positive"},
	"E_INT_SYNTAX":            {Zh: "必须是整数", En: "not a whole number"},
	"E_INT_RANGE":             {Zh: "数值超出范围", En: "number out of range"},
	"E_DATE_SYNTAX":           {Zh: "日期格式应为YYYY-MM-DD", En: "date must be YYYY-MM-DD"},
	"E_TOO_LONG":              {Zh: "内容过长", En: "too long"},
	"E_ACCOUNT_SYNTAX":        {Zh: "账号格式不正确", En: "malformed account number"},
	"E_IDCARD_SYNTAX":         {Zh: "身份证号码无效", En: "invalid ID number"},
	"E_UNKNOWN_PARAM":         {Zh: "交易不接受该字段", En: "field not accepted by the transaction"},
	"E_UNKNOWN_TXN":           {Zh: "交易不存在", En: "unknown transaction"},
	"E_NOT_LOOKUP":            {Zh: "该交易会记账，不能用于查询", En: "the transaction posts; it cannot be a lookup"},
	"E_NO_IDEMPOTENCY_KEY":    {Zh: "缺少防重复提交标识", En: "missing idempotency key"},
	"E_IDEMPOTENCY_MISMATCH":  {Zh: "防重复标识已用于另一笔交易", En: "idempotency key used by another transaction"},
	"E_IDEMPOTENCY_CONFLICT":  {Zh: "防重复标识已用于内容不同的交易（金额、账号或柜员不同）", En: "idempotency key already used for a different request (amount, account or teller)"},
	"E_ACCOUNT_UNKNOWN":       {Zh: "账户不存在", En: "unknown account"},
	"E_ACCOUNT_CLOSED":        {Zh: "账户已销户或冻结", En: "account closed or frozen"},
	"E_INSUFFICIENT_FUNDS":    {Zh: "可用余额不足", En: "insufficient funds"},
	"E_DAILY_LIMIT":           {Zh: "超过账户当日取现限额", En: "daily withdrawal limit exceeded"},
	"E_SAME_ACCOUNT":          {Zh: "转入账号不能与转出账号相同", En: "payer and payee are the same account"},
	"E_BALANCE_NOT_ZERO":      {Zh: "账户余额不为零", En: "balance is not zero"},
	"E_ID_MISMATCH":           {Zh: "证件与账户户主不符", En: "ID number does not match the account holder"},
	"E_BOX_NOT_OPEN":          {Zh: "尾箱未开启或已轧账", En: "cash box not open or already balanced"},
	"E_BOX_INSUFFICIENT":      {Zh: "尾箱现金不足", En: "not enough cash in the box"},
	"E_VAULT_INSUFFICIENT":    {Zh: "金库现金不足", En: "not enough cash in the vault"},
	"E_DENOMINATIONS":         {Zh: "券别合计与金额不符", En: "denominations do not add up to the amount"},
	"E_HANDOVER_INVALID":      {Zh: "交接人不是本网点其他柜员", En: "handover must be another user of this branch"},
	"E_DIFF_REASON":           {Zh: "账实不符，请说明差错原因", En: "cash does not agree: give the reason"},
	"E_ORIG_NOT_FOUND":        {Zh: "原交易不存在", En: "original entry not found"},
	"E_RECEIPT_UNKNOWN":       {Zh: "该交易没有凭条", En: "no receipt for this entry"},
	"E_REVERSAL_OTHER_DAY":    {Zh: "只能冲正当日交易", En: "only entries of this business day can be reversed"},
	"E_NOT_REVERSIBLE":        {Zh: "该交易不可冲正", En: "entry cannot be reversed"},
	"E_REVERSAL_NOT_ALLOWED":  {Zh: "只有原柜员或主管可以冲正", En: "only the original teller or a supervisor may reverse"},
	"E_ALREADY_REVERSED":      {Zh: "原交易已冲正", En: "entry already reversed"},
	"E_REVERSAL_INSUFFICIENT": {Zh: "余额不足，无法冲正", En: "balance too low to reverse"},
	"E_UNBALANCED":            {Zh: "借贷不平衡", En: "postings do not balance"},
	"E_AUTH_REQUIRED":         {Zh: "需要主管授权", En: "supervisor authorization required"},
	"E_AUTH_SELF":             {Zh: "不能授权本人交易", En: "cannot authorize one's own transaction"},
	"E_AUTH_ROLE":             {Zh: "授权人不是主管", En: "authorizer is not a supervisor"},
	"E_AUTH_REUSED":           {Zh: "该授权已用于另一笔交易，请重新授权", En: "this authorization approved another request; authorize again"},
	"E_AUTH_DUPLICATE":        {Zh: "两名授权人不能是同一人", En: "the two authorizers must be different users"},
	"E_POLICY_AUTHORIZERS":    {Zh: "授权人数只能是1或2", En: "authorizers must be 1 or 2"},
	"E_BAD_CREDENTIALS":       {Zh: "用户名或密码错误", En: "wrong user or password"},
	"E_USER_LOCKED":           {Zh: "用户已锁定", En: "user locked"},
	"E_USER_EXISTS":           {Zh: "用户已存在", En: "user already exists"},
	"E_USER_UNKNOWN":          {Zh: "用户不存在", En: "unknown user"},
	"E_ROLE":                  {Zh: "角色无权办理该交易", En: "role may not post this transaction"},
	"E_WEAK_PASSWORD":         {Zh: "密码至少8位", En: "password needs 8 characters or more"},
	"E_FINGER_MODULE":         {Zh: "未指定指纹模块", En: "fingerprint module not given"},
	"E_FINGER_PAGE":           {Zh: "指纹页号无效", En: "invalid fingerprint page"},
	"E_FINGER_TAKEN":          {Zh: "该指纹页已登记", En: "fingerprint page already enrolled"},
	"E_FINGER_DUPLICATE":      {Zh: "该指纹已登记给其他用户", En: "this finger is already enrolled for another user"},
	"E_FINGER_FULL":           {Zh: "指纹模块已满", En: "fingerprint module full"},
	"E_FINGER_UNKNOWN":        {Zh: "指纹未登记", En: "fingerprint not enrolled"},
	"E_FINGER_MISMATCH":       {Zh: "指纹与授权人不符", En: "fingerprint does not belong to the authorizer"},
	"E_FINGER_NONE":           {Zh: "未检测到手指，请将手指放在指纹仪上", En: "no finger on the sensor"},
	"E_FINGER_NO_MATCH":       {Zh: "指纹不匹配", En: "fingerprint matches no template"},
	"E_FINGER_BAD_IMAGE":      {Zh: "指纹图像不清晰，请清洁后平按重试", En: "fingerprint image unusable: clean the sensor and press flat"},
	"E_FINGER_TIMEOUT":        {Zh: "指纹仪无响应", En: "fingerprint module did not answer"},
	"E_FINGER_CHECKSUM":       {Zh: "指纹仪应答校验错误，请检查连线和波特率", En: "garbled reply from the fingerprint module (bad checksum)"},
	"E_FINGER_DEVICE":         {Zh: "指纹仪故障", En: "fingerprint module failure"},
	"E_DAY_OPEN":              {Zh: "尚有尾箱未轧账，不能日切", En: "a cash box of the day is not balanced: the day cannot be closed"},
	"E_BRANCH_UNKNOWN":        {Zh: "网点不存在", En: "no such branch"},
	"E_PENDING":               {Zh: "尚有未完成事项（尾箱未轧账或凭证待打印）", En: "something is pending (box not balanced or receipts to print)"},
	"E_CONSTRAINT":            {Zh: "数据约束不满足", En: "constraint violated"},
	"E_DB_UNREACHABLE":        {Zh: "无法连接账务数据库，请检查网络或数据库服务", En: "the ledger database cannot be reached: check the network or the database server"},
	"E_BUSY":                  {Zh: "系统繁忙，请重试", En: "database busy, try again"},
	"E_DB":                    {Zh: "数据库错误", En: "database error"},
}

// errf returns the *Error of code for field, wrapping cause.
func errf(code, field string, cause error) *Error {
	msg, ok := Messages[code]
	if !ok {
		msg = dsl.Text{Zh: code, En: code}
	}
	return &Error{Code: code, Field: field, Msg: msg, Err: cause}
}

// wrapDB turns a driver error into a coded error, keeping coded ones.
func wrapDB(err error) error {
	if err == nil || CodeOf(err) != "" {
		return err
	}
	if isConstraint(err) {
		return errf("E_CONSTRAINT", "", err)
	}
	if isRetryable(err) {
		return errf("E_BUSY", "", err)
	}
	return errf("E_DB", "", fmt.Errorf("%w", err))
}
