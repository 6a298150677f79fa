<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>BillScreen</name>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="105" />
        <source>Your outpatient bill</source>
        <translation>您的门诊账单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="106" />
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="106" />
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="106" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="107" />
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="108" />
        <source>Pay on credit</source>
        <translation>信用支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="117" />
        <source>{name}  ID {masked_id}</source>
        <translation>{name}  证件号 {masked_id}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="119" />
        <source>(minor: uses the guardian's credit line)</source>
        <translation>（未成年人：使用监护人的信用额度）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="123" />
        <source>Credit line {line} · used {used} · available {available}</source>
        <translation>信用额度 {line} · 已用 {used} · 可用 {available}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="125" />
        <source>Credit service not opened</source>
        <translation>未开通信用就医</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="132" />
        <source>{department} · Dr {doctor} · {date}</source>
        <translation>{department} · {doctor} 医生 · {date}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="134" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="134" />
        <source>Paid by medical insurance fund</source>
        <translation>医保统筹支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="135" />
        <source>Your part, booked on your credit line</source>
        <translation>个人负担（记入信用额度）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="141" />
        <source>Settling, please wait…</source>
        <translation>正在结算，请稍候…</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <location filename="../../kiosk/ui/home.py" line="52" />
        <source>Welcome to {hospital}</source>
        <translation>欢迎来到{hospital}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/home.py" line="53" />
        <source>Credit-based care: treat first, pay later</source>
        <translation>信用就医 · 先诊疗后付费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/home.py" line="54" />
        <source>Pay outpatient bill</source>
        <translation>门诊缴费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/home.py" line="55" />
        <source>Starting, one moment please…</source>
        <translation>正在启动，请稍候…</translation>
    </message>
</context>
<context>
    <name>IdentifyScreen</name>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="100" />
        <source>Identify yourself</source>
        <translation>身份识别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="103" />
        <source>Place the patient's ID card on the reader, or type the ID number.</source>
        <translation>请将患者身份证放在读卡器上，或输入身份证号码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="106" />
        <source>Place your resident ID card on the reader below the screen.</source>
        <translation>请将您的居民身份证放在屏幕下方的读卡器上。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="107" />
        <source>18-character ID number</source>
        <translation>18位身份证号码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="108" />
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="109" />
        <source>Look up</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="110" />
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="111" />
        <source>Training: demo cards</source>
        <translation>培训：演示卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="112" />
        <source>Reading your details, please wait…</source>
        <translation>正在读取您的信息，请稍候…</translation>
    </message>
</context>
<context>
    <name>IdleBanner</name>
    <message>
        <location filename="../../kiosk/ui/idle.py" line="104" />
        <source>Are you still there? For your privacy this screen will be cleared in {seconds} seconds.</source>
        <translation>您还在吗？为保护您的隐私，本屏幕将在 {seconds} 秒后清除。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/idle.py" line="106" />
        <source>I need more time</source>
        <translation>我需要更多时间</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="78" />
        <source>Credit-based care kiosk</source>
        <translation>信用就医自助机</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="13" />
        <source>An ID number has 18 characters. Please check it and try again.</source>
        <translation>身份证号码为18位，请核对后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="14" />
        <source>An ID number has 17 digits and then a digit or X. Please check it.</source>
        <translation>身份证号码由17位数字加1位数字或X组成，请核对。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="15" />
        <source>The birth date inside this ID number is not a real date. Please check it.</source>
        <translation>该身份证号码中的出生日期无效，请核对。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="16" />
        <location filename="../../kiosk/ui/messages.py" line="17" />
        <source>This ID number is not valid (check digit). Please check it and try again.</source>
        <translation>该身份证号码校验位不正确，请核对后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="19" />
        <source>The card could not be read. Please take it off the reader and place it again.</source>
        <translation>无法读取该卡，请取下后重新放置。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="20" />
        <source>The card could not be read. Please place it flat on the reader and try again.</source>
        <translation>无法读取该卡，请将卡平放在读卡器上重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="21" />
        <source>This card could not be verified. Please go to the cashier window.</source>
        <translation>该卡无法验证，请到收费窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="23" />
        <source>No patient record was found for this ID. Please go to the registration desk.</source>
        <translation>未找到该证件的就诊记录，请到挂号窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="24" />
        <source>The hospital system is not answering right now. Please try again shortly or go to the cashier window.</source>
        <translation>医院系统暂时无响应，请稍后重试或到收费窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="25" />
        <source>You have not opened the credit service. Please pay at the cashier window.</source>
        <translation>您尚未开通信用就医，请到收费窗口缴费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="26" />
        <source>Your credit service is suspended because a bill is overdue. Please repay it at the cashier window first.</source>
        <translation>您有逾期账单，信用就医服务已暂停，请先到收费窗口还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="27" />
        <source>Your available credit is less than your part of this bill. Please pay at the cashier window.</source>
        <translation>您的可用信用额度不足以支付本次个人负担部分，请到收费窗口缴费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="28" />
        <source>This bill has already been paid.</source>
        <translation>该账单已支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="29" />
        <source>You have no unpaid outpatient bills.</source>
        <translation>您没有待缴的门诊账单。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="31" />
        <source>Something went wrong. Please go to the cashier window for help.</source>
        <translation>出现问题，请到收费窗口寻求帮助。</translation>
    </message>
</context>
<context>
    <name>ResultScreen</name>
    <message>
        <location filename="../../kiosk/ui/result.py" line="52" />
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/result.py" line="55" />
        <source>Not paid</source>
        <translation>未支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/result.py" line="63" />
        <source>Waiting for the hospital system</source>
        <translation>等待医院系统确认</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/result.py" line="65" />
        <source>The hospital system did not confirm in time. Your payment is kept safely and will be completed automatically; it will never be charged twice.</source>
        <translation>医院系统未能及时确认。您的支付已安全保存，将自动完成，绝不会重复扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/result.py" line="67" />
        <source>Please collect your receipt at the cashier window.</source>
        <translation>请到收费窗口领取凭条。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/result.py" line="70" />
        <source>Paid on credit</source>
        <translation>信用支付成功</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/result.py" line="73" />
        <source>{booked} booked on your credit line, to repay by {due}.
Medical insurance fund paid {fund}. Credit available now: {available}.
Reference {reference}</source>
        <translation>已记入信用额度 {booked}，请于 {due} 前还款。
医保统筹支付 {fund}。当前可用额度：{available}。
流水号 {reference}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/result.py" line="79" />
        <source>Your receipt is printing. Please take it.</source>
        <translation>凭条正在打印，请取走。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/result.py" line="80" />
        <source>The receipt could not be printed. Your payment is complete; please ask the cashier window for a copy.</source>
        <translation>凭条未能打印。您的支付已完成，请到收费窗口补打。</translation>
    </message>
</context>
</TS>