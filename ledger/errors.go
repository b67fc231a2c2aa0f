package ledger

import (
	"errors"
	"fmt"

	"guitai/dsl"
)

// Code names why the ledger refused or failed, stable across releases so
// that windows, scripts and tests can match on it ("E_DAILY_LIMIT"). The
// codes a catalog step may name are the keys of Messages.
type Code string

// Error is a refused or failed submission: a stable code, the form field at
// fault (empty when none) and the message to show the teller. Nothing is
// posted when Submit returns an *Error.
type Error struct {
	Code  Code
	Field string
	Msg   dsl.Text
	Err   error // the underlying cause, if any
}

// Error returns "CODE [field]: english message".
func (e *Error) Error() string {
	s := string(e.Code)
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
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Messages maps every error code to its message. Catalog steps may only name
// codes listed here; Catalog.Check verifies it.
var Messages = map[Code]dsl.Text{
	"E_REQUIRED":                 {Zh: "必填项未填写", En: "required value missing"},
	"E_TYPE":                     {Zh: "数据类型不正确", En: "wrong value type"},
	"E_AMOUNT_SYNTAX":            {Zh: "金额格式不正确（仅限半角数字，最多两位小数）", En: "not a decimal amount"},
	"E_AMOUNT_PRECISION":         {Zh: "金额最多两位小数", En: "more than two decimal places"},
	"E_AMOUNT_RANGE":             {Zh: "金额超出范围", En: "amount out of range"},
	"E_AMOUNT_MIN":               {Zh: "金额必须大于零", En: "amount must be positive"},
	"E_INT_SYNTAX":               {Zh: "必须是整数", En: "not a whole number"},
	"E_INT_RANGE":                {Zh: "数值超出范围", En: "number out of range"},
	"E_DATE_SYNTAX":              {Zh: "日期格式应为YYYY-MM-DD", En: "date must be YYYY-MM-DD"},
	"E_TOO_LONG":                 {Zh: "内容过长", En: "too long"},
	"E_ACCOUNT_SYNTAX":           {Zh: "账号格式不正确", En: "malformed account number"},
	"E_IDCARD_SYNTAX":            {Zh: "身份证号码无效", En: "invalid ID number"},
	"E_UNKNOWN_PARAM":            {Zh: "交易不接受该字段", En: "field not accepted by the transaction"},
	"E_UNKNOWN_TXN":              {Zh: "交易不存在", En: "unknown transaction"},
	"E_NOT_LOOKUP":               {Zh: "该交易会记账，不能用于查询", En: "the transaction posts; it cannot be a lookup"},
	"E_NO_IDEMPOTENCY_KEY":       {Zh: "缺少防重复提交标识", En: "missing idempotency key"},
	"E_IDEMPOTENCY_MISMATCH":     {Zh: "防重复标识已用于另一笔交易", En: "idempotency key used by another transaction"},
	"E_IDEMPOTENCY_CONFLICT":     {Zh: "防重复标识已用于内容不同的交易（金额、账号或柜员不同）", En: "idempotency key already used for a different request (amount, account or teller)"},
	"E_ACCOUNT_UNKNOWN":          {Zh: "账户不存在", En: "unknown account"},
	"E_ACCOUNT_CLOSED":           {Zh: "账户已销户或冻结", En: "account closed or frozen"},
	"E_INSUFFICIENT_FUNDS":       {Zh: "可用余额不足", En: "insufficient funds"},
	"E_DAILY_LIMIT":              {Zh: "超过账户当日取现限额", En: "daily withdrawal limit exceeded"},
	"E_SAME_ACCOUNT":             {Zh: "转入账号不能与转出账号相同", En: "payer and payee are the same account"},
	"E_BALANCE_NOT_ZERO":         {Zh: "账户余额不为零", En: "balance is not zero"},
	"E_ID_MISMATCH":              {Zh: "证件与账户户主不符", En: "ID number does not match the account holder"},
	"E_BOX_NOT_OPEN":             {Zh: "尾箱未开启或已轧账", En: "cash box not open or already balanced"},
	"E_BOX_INSUFFICIENT":         {Zh: "尾箱现金不足", En: "not enough cash in the box"},
	"E_VAULT_INSUFFICIENT":       {Zh: "金库现金不足", En: "not enough cash in the vault"},
	"E_DENOMINATIONS":            {Zh: "券别合计与金额不符", En: "denominations do not add up to the amount"},
	"E_HANDOVER_INVALID":         {Zh: "交接人不是本网点其他柜员", En: "handover must be another user of this branch"},
	"E_DIFF_REASON":              {Zh: "账实不符，请说明差错原因", En: "cash does not agree: give the reason"},
	"E_ORIG_NOT_FOUND":           {Zh: "原交易不存在", En: "original entry not found"},
	"E_RECEIPT_UNKNOWN":          {Zh: "该交易没有凭条", En: "no receipt for this entry"},
	"E_REVERSAL_OTHER_DAY":       {Zh: "只能冲正当日交易", En: "only entries of this business day can be reversed"},
	"E_NOT_REVERSIBLE":           {Zh: "该交易不可冲正", En: "entry cannot be reversed"},
	"E_REVERSAL_NOT_ALLOWED":     {Zh: "只有原柜员或主管可以冲正", En: "only the original teller or a supervisor may reverse"},
	"E_ALREADY_REVERSED":         {Zh: "原交易已冲正", En: "entry already reversed"},
	"E_REVERSAL_INSUFFICIENT":    {Zh: "余额不足，无法冲正", En: "balance too low to reverse"},
	"E_UNBALANCED":               {Zh: "借贷不平衡", En: "postings do not balance"},
	"E_AUTH_REQUIRED":            {Zh: "需要主管授权", En: "supervisor authorization required"},
	"E_AUTH_SELF":                {Zh: "不能授权本人交易", En: "cannot authorize one's own transaction"},
	"E_RATE_SYNTAX":              {Zh: "利率格式不正确（年利率百分数，如1.75）", En: "not an annual rate in percent such as 1.75"},
	"E_RATE_PRECISION":           {Zh: "利率最多四位小数", En: "a rate has at most four decimal places"},
	"E_RATE_RANGE":               {Zh: "利率须在0到100之间", En: "a rate must be 0 to 100 percent"},
	"E_DATE_ORDER":               {Zh: "支取日不能早于存入日", En: "the closing date is before the opening date"},
	"E_PARTIAL":                  {Zh: "部分提前支取须在到期日前，金额小于本金，且只能一次", En: "a partial withdrawal is made once, before maturity, of less than the principal"},
	"E_COUNTERPART_REQUIRED":     {Zh: "交接须由对方柜员本人确认（密码或指纹）", En: "the other teller of the handover must confirm it (password or finger)"},
	"E_COUNTERPART_MISMATCH":     {Zh: "确认交接的柜员不是交接人", En: "the teller who confirmed is not the handover's other teller"},
	"E_COUNTERPART_SELF":         {Zh: "交接须由另一名柜员确认", En: "another teller must confirm the handover"},
	"E_AUTH_ROLE":                {Zh: "授权人不是主管", En: "authorizer is not a supervisor"},
	"E_AUTH_REUSED":              {Zh: "该授权已用于另一笔交易，请重新授权", En: "this authorization approved another request; authorize again"},
	"E_AUTH_DUPLICATE":           {Zh: "两名授权人不能是同一人", En: "the two authorizers must be different users"},
	"E_POLICY_AUTHORIZERS":       {Zh: "授权人数只能是1或2", En: "authorizers must be 1 or 2"},
	"E_BAD_CREDENTIALS":          {Zh: "用户名或密码错误", En: "wrong user or password"},
	"E_USER_LOCKED":              {Zh: "用户已锁定", En: "user locked"},
	"E_USER_EXISTS":              {Zh: "用户已存在", En: "user already exists"},
	"E_USER_UNKNOWN":             {Zh: "用户不存在", En: "unknown user"},
	"E_ROLE":                     {Zh: "角色无权办理该交易", En: "role may not post this transaction"},
	"E_WEAK_PASSWORD":            {Zh: "密码至少8位", En: "password needs 8 characters or more"},
	"E_FINGER_MODULE":            {Zh: "未指定指纹模块", En: "fingerprint module not given"},
	"E_FINGER_PAGE":              {Zh: "指纹页号无效", En: "invalid fingerprint page"},
	"E_FINGER_TAKEN":             {Zh: "该指纹页已登记", En: "fingerprint page already enrolled"},
	"E_FINGER_DUPLICATE":         {Zh: "该指纹已登记给其他用户", En: "this finger is already enrolled for another user"},
	"E_FINGER_FULL":              {Zh: "指纹模块已满", En: "fingerprint module full"},
	"E_FINGER_UNKNOWN":           {Zh: "指纹未登记", En: "fingerprint not enrolled"},
	"E_FINGER_MISMATCH":          {Zh: "指纹与授权人不符", En: "fingerprint does not belong to the authorizer"},
	"E_FINGER_NONE":              {Zh: "未检测到手指，请将手指放在指纹仪上", En: "no finger on the sensor"},
	"E_FINGER_NO_MATCH":          {Zh: "指纹不匹配", En: "fingerprint matches no template"},
	"E_FINGER_BAD_IMAGE":         {Zh: "指纹图像不清晰，请清洁后平按重试", En: "fingerprint image unusable: clean the sensor and press flat"},
	"E_FINGER_TIMEOUT":           {Zh: "指纹仪无响应", En: "fingerprint module did not answer"},
	"E_FINGER_CHECKSUM":          {Zh: "指纹仪应答校验错误，请检查连线和波特率", En: "garbled reply from the fingerprint module (bad checksum)"},
	"E_FINGER_DEVICE":            {Zh: "指纹仪故障", En: "fingerprint module failure"},
	"E_DAY_OPEN":                 {Zh: "尚有尾箱未轧账，不能日切", En: "a cash box of the day is not balanced: the day cannot be closed"},
	"E_BRANCH_UNKNOWN":           {Zh: "网点不存在", En: "no such branch"},
	"E_PENDING":                  {Zh: "尚有未完成事项（尾箱未轧账或凭证待打印）", En: "something is pending (box not balanced or receipts to print)"},
	"E_CONSTRAINT":               {Zh: "数据约束不满足", En: "constraint violated"},
	"E_DB_UNREACHABLE":           {Zh: "无法连接账务数据库，请检查网络或数据库服务", En: "the ledger database cannot be reached: check the network or the database server"},
	"E_BUSY":                     {Zh: "系统繁忙，请重试", En: "database busy, try again"},
	"E_DB":                       {Zh: "数据库错误", En: "database error"},
	"E_KEY_MISSING":              {Zh: "不是演示账簿，须设置密钥环境变量", En: "not a demo ledger: set the key's environment variable"},
	"E_KEY_DEMO":                 {Zh: "演示密钥只能用于演示账簿", En: "the demo key is only for a demo ledger"},
	"E_KEY_MALFORMED":            {Zh: "密钥格式不正确", En: "malformed key"},
	"E_SELF_APPROVAL":            {Zh: "不能审批本人提交的发布包", En: "the submitter cannot approve their own package"},
	"E_RELEASE_UNKNOWN":          {Zh: "发布包或表单不存在", En: "no such release package or form"},
	"E_RELEASE_INVALID":          {Zh: "发布包检查未通过", En: "the package fails its checks"},
	"E_RELEASE_NO_TXN":           {Zh: "表单未指定提交的交易", En: "a form names no transaction"},
	"E_RELEASE_VERSION_TAKEN":    {Zh: "该版本号已用于内容不同的发布包，请使用新版本号", En: "this version number is taken by a package with other content: use a new version"},
	"E_RELEASE_STATE":            {Zh: "发布包当前状态不允许该操作", En: "not allowed in the package's state"},
	"E_RELEASE_DIGEST":           {Zh: "发布包摘要不符", En: "the package digest does not match"},
	"E_RELEASE_SIGNATURE":        {Zh: "发布包签名无效", En: "the package signature does not verify"},
	"E_RELEASE_UNSIGNED":         {Zh: "没有可用于签名发布包的SM2密钥", En: "no SM2 key to sign the package with"},
	"E_RELEASE_ROLE":             {Zh: "只有主管或管理员可以审批、启用或回退发布包", En: "only a supervisor or an admin may approve, activate or roll back a package"},
	"E_RELEASE_TARGET":           {Zh: "发布目标无效", En: "invalid release target"},
	"E_RELEASE_NOT_ACTIVE":       {Zh: "该发布包版本未启用（未启用过，或该目标上没有可回退的版本）", En: "the package version is not active (never activated, or nothing to roll back for that target)"},
	"E_RELEASE_NOT_FOR_TERMINAL": {Zh: "该发布包版本未对本终端或本网点启用，不能使用", En: "this package version was never active for this terminal or branch"},

	// Holds (migration 00009): freezes, stop payments, loss reports.
	"E_ACCOUNT_HELD":           {Zh: "账户已被冻结、止付或挂失，不能支取", En: "the account is frozen, stopped or reported lost: no debit"},
	"E_AVAILABLE_INSUFFICIENT": {Zh: "账户有部分冻结，可用余额不足", En: "part of the balance is held: available balance insufficient"},
	"E_LOSS_REPORTED":          {Zh: "该账户已挂失", En: "the account is already reported lost"},
	"E_HOLD_ACTION":            {Zh: "业务类型不正确", En: "unknown action"},
	"E_HOLD_KIND":              {Zh: "冻结类型或范围不正确", En: "unknown kind or scope of hold"},
	"E_HOLD_UNKNOWN":           {Zh: "该账户没有此笔有效的冻结或止付", En: "no such hold in force on this account"},
	"E_HOLD_AUTHORITY":         {Zh: "续冻、解冻或解除止付须由原冻结机关或原申请人办理", En: "only the authority or requester that placed the hold may renew or lift it"},
	"E_HOLD_EXPIRY":            {Zh: "到期日须晚于当前营业日（续冻晚于原到期日），且不超过一年", En: "the expiry must be after today (a renewal after the old expiry) and within a year"},
	"E_HOLD_AMOUNT":            {Zh: "部分冻结须输入冻结金额", En: "a partial freeze needs an amount"},

	// Built-in functions of the catalog (catalog.Funcs).
	"E_RATE":               {Zh: "利率格式不正确（百分比，最多四位小数）", En: "not a percent rate (at most four decimals)"},
	"E_INTEREST_DATES":     {Zh: "支取日早于存入日", En: "the closing date is before the opening date"},
	"E_INTEREST":           {Zh: "无法计算利息：本金、期限或利率超出范围", En: "interest cannot be computed: principal, term or rate out of range"},
	"E_PARTIAL_WITHDRAWAL": {Zh: "部分提前支取只能一次，须在到期前，金额须大于零且小于本金", En: "a partial early withdrawal is allowed once, before maturity, for more than zero and less than the principal"},
	"E_PIN_SYNTAX":         {Zh: "密码须为6位数字", En: "a PIN is 6 digits"},
	"E_PIN_NOT_SET":        {Zh: "该账户未设置密码", En: "no PIN is set on this account"},

	// Cash and vouchers (migration 00010): 3103–3107, 3201–3203.
	"E_EXCHANGE_IN":           {Zh: "兑换金额：收入券别合计与兑换金额不符", En: "amount: the notes taken in do not add up to the amount"},
	"E_EXCHANGE_UNEQUAL":      {Zh: "兑换金额：付出券别合计与收入不等，兑换须等额", En: "amount: the notes paid out must add up to the notes taken in"},
	"E_TRANSFER_RECEIVER":     {Zh: "接收柜员须为本网点其他在岗柜员", En: "receiver: must be another active teller of this branch"},
	"E_TRANSFER_RECEIVER_BOX": {Zh: "接收柜员的尾箱已轧账，不能调入", En: "receiver: their cash box is already balanced for the day"},
	"E_OVER_SHORT_ACTION":     {Zh: "请选择长款或短款", En: "action: choose over or short"},
	"E_OVER_SHORT_REASON":     {Zh: "长短款原因至少写4个字", En: "reason: say why in at least 4 characters"},
	"E_VOUCHER_KIND":          {Zh: "凭证种类须为银行卡、存折、存单或支票", En: "kind: card, passbook, certificate or cheque book"},
	"E_VOUCHER_RANGE":         {Zh: "凭证号段有误：止号不小于起号，一次至多1000份", En: "serial range: the last must not be below the first, at most 1000"},
	"E_VOUCHER_NOT_IN_VAULT":  {Zh: "号段内有凭证不在本网点库房或已使用", En: "serial range: some vouchers are not unused in the branch vault"},
	"E_VOUCHER_NOT_IN_BOX":    {Zh: "号段内有凭证不在本人尾箱或已使用", En: "serial range: some vouchers are not unused in your cash box"},
	"E_VOUCHER_NONE":          {Zh: "尾箱中没有该种类的空白凭证，请先领用（3201）", En: "no unused voucher of this kind in your cash box: issue some first (3201)"},
	"E_VOUCHER_ACTION":        {Zh: "请选择作废或上缴", En: "action: choose void or return"},
	"E_VOUCHER_REASON":        {Zh: "凭证作废须写明原因", En: "reason: a void needs a reason"},
	"E_HANDOVER_AMOUNT":       {Zh: "交接金额须等于尾箱余额（整箱交接）", En: "amount: a handover hands over the whole box's balance"},
	"E_HANDOVER_WITNESS":      {Zh: "监交人须为本网点主管，且不是交接双方", En: "witness: a supervisor, neither of the two tellers"},

	// Term and notice deposits (migration 00011): 1501–1504, 1408.
	"E_TERM_ACCOUNT":        {Zh: "定期或通知存款账户不能用此交易存取或转账，请用1502或1504办理", En: "a term or notice deposit is not paid in, out or transferred with this transaction: use 1502 or 1504"},
	"E_TERM_SETTLE_ACCOUNT": {Zh: "开定期须凭客户本人正常状态的活期账户（卡）办理，定期账户不能作为结算账户", En: "account: a term deposit is opened from the customer's active demand account (card), not from a term deposit"},
	"E_TERM_PRODUCT":        {Zh: "请选择存期：三个月、六个月、一年、二年、三年或五年", En: "product: choose a term of 3 or 6 months, 1, 2, 3 or 5 years"},
	"E_TERM_RATE":           {Zh: "利率表中没有该产品在营业日生效的利率，请联系总行维护利率表", En: "no rate of this product is in effect on the business date: the rate table needs a row"},
	"E_TERM_MIN":            {Zh: "存款金额低于该产品起存金额（整存整取50元，通知存款5万元起存）", En: "amount: below the product's minimum (50.00 yuan for a term deposit, 50,000.00 for a notice deposit)"},
	"E_TERM_SOURCE":         {Zh: "请选择资金来源：现金或本人活期账户转存", En: "source: choose cash or a transfer from the customer's demand account"},
	"E_TERM_UNKNOWN":        {Zh: "没有这个定期存单（账号），请核对存单号", En: "account: no such term deposit; check the certificate number"},
	"E_TERM_CLOSED":         {Zh: "该定期存单已销户支取，不能再次支取", En: "account: this term deposit was closed and paid out already"},
	"E_TERM_MODE":           {Zh: "请选择支取方式：到期支取、全部提前支取或部分提前支取", En: "mode: choose full (at or after maturity), early or partial early"},
	"E_TERM_NOT_MATURE":     {Zh: "存单未到期，不能按到期支取；请选择提前支取或部分提前支取", En: "mode: the deposit has not matured; choose an early or a partial early withdrawal"},
	"E_TERM_MATURED":        {Zh: "存单已到期（或逾期），应按到期支取，不能提前支取", En: "mode: the deposit has matured; withdraw it in full, not early"},
	"E_TERM_PARTIAL_TWICE":  {Zh: "该存单已部分提前支取过一次，不能再次部分提前支取；可全部提前支取", En: "mode: this deposit was partly withdrawn once already; only the whole may be withdrawn early now"},
	"E_TERM_REMAINDER":      {Zh: "部分提前支取后留存金额不得低于起存金额，请少取或全部提前支取", En: "withdraw_amount: what stays must be at least the minimum; withdraw less, or everything early"},
	"E_TERM_INTEREST_BOOK":  {Zh: "本机构没有利息支出科目，无法付息，请联系系统管理员", En: "the branch has no interest-expense book; interest cannot be paid"},
	"E_NOTICE_PRODUCT":      {Zh: "请选择通知存款品种：一天通知或七天通知", En: "product: choose a 1-day or a 7-day notice deposit"},
	"E_NOTICE_UNKNOWN":      {Zh: "没有这个通知存款账户，请核对账号", En: "account: no such notice deposit; check the account number"},
	"E_NOTICE_ACTION":       {Zh: "请选择业务：支取通知登记或支取", En: "action: choose a notice of withdrawal or the withdrawal"},
	"E_NOTICE_AMOUNT":       {Zh: "通知或支取金额超过通知存款余额", En: "amount: more than the notice deposit holds"},
	"E_NOTICE_REMAINDER":    {Zh: "通知存款每次支取不少于5万元，留存不少于5万元；不足的请全部支取", En: "amount: a notice deposit is withdrawn 50,000.00 at least at a time and keeps 50,000.00 at least; otherwise withdraw it all"},

	// Accounts, PINs and customers (migration 00012): 2202, 2203, 2205, 2210, 2212, 2214, 2104.
	"E_PIN_ACTION":        {Zh: "请选择修改密码或重置密码", En: "action: choose change or reset"},
	"E_PIN_MISMATCH":      {Zh: "原密码错误，连续错误3次将锁定", En: "wrong PIN: three in a row lock it"},
	"E_PIN_LOCKED":        {Zh: "密码已锁定，须凭身份证件由主管授权重置", En: "the PIN is locked: reset it with the holder's ID and a supervisor"},
	"E_PIN_CONFIRM":       {Zh: "两次输入的新密码不一致", En: "the new PIN and its confirmation differ"},
	"E_PIN_SAME":          {Zh: "新密码不能与原密码相同", En: "the new PIN must differ from the old one"},
	"E_PIN_WEAK":          {Zh: "新密码过于简单（如六位相同或连续数字）", En: "the new PIN is too simple (one digit six times or a run)"},
	"E_LOSS_ACTION":       {Zh: "请选择解挂或补卡", En: "action: choose release or replacement"},
	"E_LOSS_NOT_REPORTED": {Zh: "该账户没有有效的挂失", En: "no loss report in force on this account"},
	"E_CARD_IN_USE":       {Zh: "新卡号已被使用", En: "the new card number is in use"},
	"E_NOT_DORMANT":       {Zh: "该账户不是久悬（睡眠）账户", En: "the account is not dormant"},
	"E_ACCOUNT_DORMANT":   {Zh: "久悬（睡眠）账户不能支取，请先激活（2214）", En: "a dormant account: activate it first (2214)"},
	"E_DEDUCT_HOLD":       {Zh: "扣划须依据本账户有效的司法冻结", En: "a deduction needs a judicial freeze in force on this account"},
	"E_DEDUCT_AMOUNT":     {Zh: "扣划金额须大于零，且不超过冻结金额与可扣划余额", En: "the deduction must be more than zero and within the frozen amount and the balance"},
	"E_DEDUCT_PAYEE":      {Zh: "收款账户不存在或非正常状态", En: "the payee account does not exist or is not active"},
	"E_CERT_ACTION":       {Zh: "请选择开立或收回存款证明", En: "action: choose issue or return"},
	"E_CERT_AMOUNT":       {Zh: "证明金额须大于零", En: "the certificate's amount must be more than zero"},
	"E_CUSTOMER_UNKNOWN":  {Zh: "本行无此客户，请先开立Ⅰ类户（2101）", En: "no such customer here: open a class I account first (2101)"},
	"E_NAME_MISMATCH":     {Zh: "姓名与证件登记的客户不符", En: "the name differs from the customer's"},
	"E_ACCOUNT_CLASS":     {Zh: "请选择Ⅱ类户或Ⅲ类户", En: "class: choose II or III"},
	"E_BOUND_ACCOUNT":     {Zh: "绑定账户须为本人在本行的正常Ⅰ类户", En: "the bound account must be the customer's own active class I account"},
	"E_CLASS_LIMIT":       {Zh: "同一客户同类账户已达5户上限", En: "the customer already has 5 accounts of this class"},
	"E_NOTHING_CHANGED":   {Zh: "请至少输入一项变更内容", En: "enter at least one new value"},
	"E_ID_EXPIRED":        {Zh: "证件有效期须晚于当前营业日", En: "the ID document's expiry must be after today"},

	// Reprint, statements and previous-day reversal: 1406, 1407, 1902, 1903.
	"E_REVERSAL_SAME_DAY":   {Zh: "当日交易请用1901冲正，隔日冲正只处理以前营业日的交易", En: "an entry of today is reversed with 1901; 1902 takes entries of earlier business dates"},
	"E_RECEIPT_NOT_PRINTED": {Zh: "原凭条尚未打印，请在补打队列中打印原件", En: "the original receipt was never printed: print it from the reprint queue"},
	"E_STATEMENT_DATES":     {Zh: "对账单起止日期有误：起始日不能晚于截止日，截止日不能晚于今日", En: "statement dates: the first may not be after the last, nor the last after today"},
	"E_STATEMENT_TOO_MANY":  {Zh: "该期间交易超过50笔，凭条打印不下：请缩短起止日期分次打印", En: "more than 50 entries in those dates, too many for one slip: print shorter periods"},
	"E_RESERVATION_ACCOUNT": {Zh: "账户非正常状态，不能预约大额取现", En: "the account is not active: no cash reservation"},
	"E_RESERVATION_AMOUNT":  {Zh: "大额取现预约金额须在5万元（含）以上，以下无需预约", En: "a cash reservation is for 50,000 yuan or more; less needs none"},
	"E_RESERVATION_DATE":    {Zh: "取现日期须晚于今日：大额取现至少提前一个营业日预约", En: "the withdrawal date must be after today: book at least one business day ahead"},
	"E_RESERVATION_EXISTS":  {Zh: "该账户当日已有大额取现预约，不能重复预约", En: "this account already has a cash reservation for that day"},
	"E_RESERVATION_NONE":    {Zh: "该账户当日没有可取消的大额取现预约", En: "no cash reservation of this account for that day to cancel"},
	"E_RESERVATION_ACTION":  {Zh: "请选择预约或取消预约", En: "choose to book or to cancel a reservation"},
	// 3104 vault cash request / return (vault keeper under dual control).
	"E_VAULT_DIRECTION":    {Zh: "请选择向金库请领或上缴", En: "choose a request from the vault or a return to it"},
	"E_VAULT_KEEPER":       {Zh: "库管员须为本网点其他未锁定的用户", En: "the vault keeper must be another unlocked user of this branch"},
	"E_VAULT_BOX_NOT_OPEN": {Zh: "尾箱今日尚未调入开箱或已轧账：开箱请用3101调入，轧账后上缴请用3102", En: "your box has not been opened today or is balanced: open it with 3101, hand in a balanced box with 3102"},
	// 3901 day-end counts the box's vouchers with the cash.
	"E_VOUCHER_COUNT": {Zh: "重要空白凭证实点份数与尾箱账面不符：请查明，短缺须报告主管，不能轧账", En: "the vouchers counted differ from the box's book: find them, report a missing one to a supervisor; the box cannot be balanced"},
	// One class I account per person (2101); 3108 clears a 3106 over/short (migration 00017).
	"E_CLASS_I_EXISTS":          {Zh: "该客户在本行已有正常Ⅰ类户，同一人只能开立一个Ⅰ类户：可开立Ⅱ、Ⅲ类户（2104）", En: "this person already has an open class I account at the bank (one per person): open a class II or III account (2104)"},
	"E_OVER_SHORT_ITEM":         {Zh: "本网点没有该流水号的长短款挂账（3106）", En: "no over/short of this branch was booked (3106) under that serial"},
	"E_OVER_SHORT_CLEARED":      {Zh: "该笔长短款已处理完毕，不能重复处理", En: "that over/short is already cleared in full"},
	"E_OVER_SHORT_CLEAR_ACTION": {Zh: "长款可转收入或退还客户，短款可由柜员赔补或报损核销", En: "an overage goes to income or back to the customer; a shortage is recovered from the teller or written off"},
	"E_OVER_SHORT_EXCEEDS":      {Zh: "处理金额超过该笔长短款未处理余额", En: "amount: more than is outstanding on that over/short"},
}

// errf returns the *Error of code for field, wrapping cause.
func errf(code Code, field string, cause error) *Error {
	msg, ok := Messages[code]
	if !ok {
		msg = dsl.Text{Zh: string(code), En: string(code)}
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
