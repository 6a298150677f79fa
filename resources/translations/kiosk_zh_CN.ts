<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountScreen</name>
    <message>
        <location filename="../../kiosk/ui/query.py" line="140"/>
        <source>Your credit account</source>
        <translation>您的信用账户</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="141"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="142"/>
        <source>Repay</source>
        <translation>还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="143"/>
        <source>Dispute a bill</source>
        <translation>账单异议</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="144"/>
        <source>Add a parent I repay for</source>
        <translation>添加由我代还的父母</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="146"/>
        <source>Loading your account, please wait…</source>
        <translation>正在查询您的账户，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="162"/>
        <source>You use your guardian&apos;s credit line: available {available}.</source>
        <translation>您共享监护人的信用额度：可用 {available}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="164"/>
        <source>Your account</source>
        <translation>您本人的账户</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="166"/>
        <location filename="../../kiosk/ui/query.py" line="173"/>
        <source>{relation}: {name}</source>
        <translation>{relation}：{name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="170"/>
        <source>Uses your credit line; you repay these bills.</source>
        <translation>共享您的信用额度，以下账单由您还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="175"/>
        <source>Registered by the hospital as your parent. You may take on repayment of their credit bills.</source>
        <translation>医院登记为您的父母。您可以自愿为其信用就医账单还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="178"/>
        <source>Take on repayment for {name}</source>
        <translation>为{name}代为还款</translation>
    </message>
</context>
<context>
    <name>Admit</name>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="24"/>
        <source>{department} · {ward}</source>
        <translation>{department} · {ward}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="25"/>
        <source>Ordered by Dr. {doctor} on {date}</source>
        <translation>{doctor} 医生开具 · {date}</translation>
    </message>
</context>
<context>
    <name>AdmitJourney</name>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="93"/>
        <location filename="../../kiosk/ui/journeys.py" line="50"/>
        <source>Admission on credit</source>
        <translation>信用入院</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="137"/>
        <source>Admitted: {department}, {ward}, bed {bed}</source>
        <translation>已办理入院：{department} {ward} {bed}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="139"/>
        <source>You are admitted without a deposit; your credit line is the guarantee.
Please go to {ward} of {department} with your admission order: your bed is {bed}.</source>
        <translation>您已免押金办理入院，由信用额度担保。
请持入院证前往{department}{ward}，您的床位是 {bed}。</translation>
    </message>
</context>
<context>
    <name>AdmitScreen</name>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="57"/>
        <source>Admission on credit</source>
        <translation>信用入院</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="63"/>
        <source>No deposit is needed: your credit line of {line} stands as the guarantee. Tap the admission order your doctor gave you.</source>
        <translation>无需缴纳押金：您 {line} 的信用额度作为担保。请点击医生为您开具的入院证。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="72"/>
        <source>No admission order was found for you. Please see your doctor for an admission order (入院证) first, then come back to be admitted.</source>
        <translation>未查到您的入院证。请先到医生处开具入院证，再来办理入院。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="77"/>
        <source>Admitting, please wait…</source>
        <translation>正在办理入院，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admit.py" line="79"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>BillScreen</name>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="83"/>
        <source>Your outpatient bill</source>
        <translation>您的门诊账单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="84"/>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="84"/>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="84"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="85"/>
        <source>Bill items</source>
        <translation>账单明细</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="86"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="87"/>
        <source>Repay now</source>
        <translation>立即还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="88"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="91"/>
        <source>Open the credit service</source>
        <translation>开通信用就医</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="92"/>
        <source>Open my own credit service</source>
        <translation>开通本人信用就医</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="94"/>
        <source>Pay in full now</source>
        <translation>现在全额支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="96"/>
        <source>Pay on credit and pay the rest now</source>
        <translation>信用支付，差额现场支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="98"/>
        <source>Pay on credit</source>
        <translation>信用支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="115"/>
        <source>(minor: uses the guardian&apos;s credit line)</source>
        <translation>（未成年人：使用监护人的信用额度）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="119"/>
        <source>Credit line {line} · used {used} · available {available}</source>
        <translation>信用额度 {line} · 已用 {used} · 可用 {available}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="121"/>
        <source>Credit service not opened</source>
        <translation>未开通信用就医</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="124"/>
        <source>{department} · Dr {doctor} · {date}</source>
        <translation>{department} · {doctor} 医生 · {date}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="129"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="130"/>
        <source>Paid by medical insurance fund</source>
        <translation>医保统筹支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="131"/>
        <source>Your part</source>
        <translation>个人负担</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="134"/>
        <source>Booked on your credit line</source>
        <translation>记入信用额度</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="136"/>
        <source>To pay now with your phone</source>
        <translation>需用手机现场支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="156"/>
        <source>You have no unpaid outpatient bills: there is nothing to pay now. Tap Done to finish.</source>
        <translation>您没有待缴的门诊账单，现在无需缴费。请点击“完成”结束。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/bill.py" line="161"/>
        <source>Settling, please wait…</source>
        <translation>正在结算，请稍候…</translation>
    </message>
</context>
<context>
    <name>CancelScreen</name>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="308"/>
        <source>Cancel this registration?</source>
        <translation>确定退掉这个号吗？</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="313"/>
        <source>The fee {fee} was never charged: the credit platform refused it. Nothing is given back, and nothing is left to pay.</source>
        <translation>挂号费 {fee} 未曾扣款：信用平台拒绝了该笔费用。无需退还，也无需再付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="316"/>
        <source>The fee {fee} goes back to the account you paid from.</source>
        <translation>挂号费 {fee} 将原路退回您的支付账户。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="319"/>
        <source>The fee {fee} goes back to your credit line.</source>
        <translation>挂号费 {fee} 将退回您的信用额度。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="321"/>
        <source>Cancelling, please wait…</source>
        <translation>正在退号，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="322"/>
        <source>Cancel registration</source>
        <translation>确认退号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="324"/>
        <source>Keep it</source>
        <translation>不退了</translation>
    </message>
</context>
<context>
    <name>CardAnimation</name>
    <message>
        <location filename="../../kiosk/ui/card_animation.py" line="45"/>
        <source>Picture: the card laid on the reader below the screen</source>
        <extracomment>One move of the card, in ms (the elderly mode&apos;s is slower).</extracomment>
        <translation>图示：将卡片放在屏幕下方的读卡区</translation>
    </message>
</context>
<context>
    <name>CloseConfirmScreen</name>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="44"/>
        <source>Close the credit service</source>
        <translation>关闭信用就医服务</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="47"/>
        <source>After closing, you pay each bill on the spot as before. You can open the service again later. It can be closed only when nothing is owed.</source>
        <translation>关闭后，您需像以前一样每次当场缴费，以后可以重新开通。只有在没有欠款时才能关闭。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="51"/>
        <source>The credit service of the children linked to you closes too: {names}.</source>
        <translation>与您关联的未成年子女的信用就医服务也将一并关闭：{names}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="53"/>
        <source>Closing, please wait…</source>
        <translation>正在关闭，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="54"/>
        <source>Close my credit service</source>
        <translation>关闭我的信用就医服务</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="55"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>CloseServiceJourney</name>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="72"/>
        <location filename="../../kiosk/ui/journeys.py" line="49"/>
        <source>Close credit service</source>
        <translation>关闭信用就医</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="107"/>
        <source>Repay now</source>
        <translation>立即还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="114"/>
        <source>Still owed: {amount}</source>
        <translation>尚欠金额：{amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="115"/>
        <source>Not closed</source>
        <translation>未能关闭</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="121"/>
        <source>The hospital system did not confirm in time. Your request is kept safely and will be completed automatically.</source>
        <translation>医院系统未能及时确认。您的申请已妥善保存，将自动完成。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="127"/>
        <source>You ({name})</source>
        <translation>您本人（{name}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="129"/>
        <source>{name} (linked child)</source>
        <translation>{name}（关联子女）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="132"/>
        <source>A linked patient</source>
        <translation>一位关联就诊人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="133"/>
        <source>The credit service is closed for:</source>
        <translation>已关闭以下人员的信用就医服务：</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="134"/>
        <source>From now on, please pay each bill on the spot.</source>
        <translation>今后请在每次就诊时当场缴费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/close_service.py" line="135"/>
        <source>Credit service closed</source>
        <translation>信用就医服务已关闭</translation>
    </message>
</context>
<context>
    <name>ComeOfAge</name>
    <message>
        <location filename="../../kiosk/ui/come_of_age.py" line="21"/>
        <source>Open my own credit service</source>
        <translation>开通本人信用就医</translation>
    </message>
</context>
<context>
    <name>ConfirmScreen</name>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="190"/>
        <source>You have not opened the credit service, so the fee is paid now with your phone.</source>
        <translation>您尚未开通信用就医，挂号费需用手机现场支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="192"/>
        <source>Your credit service is suspended because a bill is overdue, so the fee is paid now with your phone. You can also repay first.</source>
        <translation>您有逾期账单，信用就医服务已暂停，挂号费需用手机现场支付。您也可以先还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="194"/>
        <source>Your credit line is used up or a bill is overdue, so the fee is paid now with your phone. You can also repay first.</source>
        <translation>您的信用额度已用完或有逾期账单，挂号费需用手机现场支付。您也可以先还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="196"/>
        <source>Your available credit is less than the fee, so the fee is paid now with your phone.</source>
        <translation>您的可用信用额度不足挂号费，挂号费需用手机现场支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="205"/>
        <source>Confirm your registration</source>
        <translation>确认挂号信息</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="210"/>
        <source>Room {room}</source>
        <translation>诊室 {room}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="211"/>
        <source>Registration fee {fee}</source>
        <translation>挂号费 {fee}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="214"/>
        <source>Registering, please wait…</source>
        <translation>正在挂号，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="216"/>
        <source>Register on credit</source>
        <translation>信用挂号（记入额度）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="218"/>
        <source>Pay now {fee}</source>
        <translation>现场支付 {fee}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="221"/>
        <source>Repay first</source>
        <translation>先去还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="223"/>
        <source>Open my own credit service</source>
        <translation>开通本人信用就医</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/confirm.py" line="66"/>
        <source>Please confirm</source>
        <extracomment>``_texts``: title, what for, the confirm button&apos;s label (a callable); one of the callbacks runs once</extracomment>
        <translation>请确认</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/confirm.py" line="69"/>
        <source>In words: {words}</source>
        <translation>大写：{words}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/confirm.py" line="72"/>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/confirm.py" line="73"/>
        <location filename="../../kiosk/ui/register_screens.py" line="226"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>ConflictListScreen</name>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="105"/>
        <source>Queue conflicts</source>
        <translation>离线冲突处理</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="107"/>
        <source>Loading, please wait…</source>
        <translation>正在加载，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="109"/>
        <source>No conflicts to resolve. Closed today because the registration was cancelled: {cancelled}.</source>
        <translation>没有待处理的冲突。今日因退号而关闭：{cancelled} 笔。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="112"/>
        <source>No conflicts: every payment made offline was accepted or is still on its way.</source>
        <translation>没有冲突：离线支付均已被接受或正在上传。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="114"/>
        <source>{conflicts} payment(s) refused by the platform after they were made offline; {expired} queued payment(s) waiting too long.</source>
        <translation>{conflicts} 笔离线支付被平台拒绝；{expired} 笔排队支付等待过久。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="125"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>ConflictScreen</name>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="156"/>
        <source>Resolve a queue conflict</source>
        <translation>处理离线冲突</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="158"/>
        <source>The patient left with this bill paid on credit while the hospital system was offline; the platform has since refused it. Collect the amount from the patient, or confirm the bill was settled another way.</source>
        <translation>患者在医院系统离线期间以信用支付了此笔费用，平台事后拒绝了该笔结算。请向患者收取该款项，或确认该笔费用已通过其他方式结清。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="161"/>
        <source>Saving, please wait…</source>
        <translation>正在保存，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="162"/>
        <source>Payment collected</source>
        <translation>已收款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="163"/>
        <source>Settled elsewhere</source>
        <translation>已在别处结清</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="164"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>Conflicts</name>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="29"/>
        <source>credit line no longer covers it</source>
        <translation>信用额度已不足</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="31"/>
        <source>account suspended or closed meanwhile</source>
        <translation>其间账户已暂停或关闭</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="33"/>
        <source>already settled elsewhere</source>
        <translation>已在别处结算</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="34"/>
        <source>refused by the platform ({code})</source>
        <translation>平台拒绝（{code}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="39"/>
        <location filename="../../kiosk/ui/conflicts.py" line="54"/>
        <source>{name}  ID {masked_id} · {amount} on credit · {date}</source>
        <translation>{name}  证件号 {masked_id} · 信用 {amount} · {date}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="42"/>
        <source>{what}: {reason}</source>
        <translation>{what}：{reason}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="48"/>
        <source>Visits {visits}</source>
        <translation>就诊 {visits}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="58"/>
        <source>Registration cancelled at the kiosk: nothing to collect</source>
        <translation>已在自助机退号：无需收费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="60"/>
        <source>Bill cancelled at the kiosk: nothing to collect</source>
        <translation>已在自助机撤销：无需收费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="61"/>
        <source>{done} (refused: {reason})</source>
        <translation>{done}（平台拒绝原因：{reason}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="67"/>
        <source>Not yet sent since {date}: {kind}, {amount} on credit</source>
        <translation>自 {date} 起仍未上传：{kind}，信用 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="69"/>
        <source>Attempts {attempts}; last problem: {error}. IT: kiosk-admin queue list</source>
        <translation>已尝试 {attempts} 次；最近问题：{error}。IT：kiosk-admin queue list</translation>
    </message>
</context>
<context>
    <name>ConflictsJourney</name>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="184"/>
        <location filename="../../kiosk/ui/journeys.py" line="55"/>
        <source>Queue conflicts</source>
        <translation>离线冲突处理</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="221"/>
        <source>✓ Marked as payment collected.</source>
        <translation>✓ 已标记为已收款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/conflicts.py" line="222"/>
        <source>✓ Marked as settled elsewhere.</source>
        <translation>✓ 已标记为已在别处结清。</translation>
    </message>
</context>
<context>
    <name>ConsentScreen</name>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="65"/>
        <source>Consent to the credit service</source>
        <translation>信用就医服务授权书</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="66"/>
        <source>I agree and authorise the credit score lookup</source>
        <translation>我同意并授权查询信用分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="67"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="71"/>
        <source>Guardian {guardian} consents for {child}</source>
        <translation>监护人{guardian}为{child}授权</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="80"/>
        <source>Consent text version {version}, published {date}. Scroll to read all of it.</source>
        <translation>授权书版本 {version}，发布日期 {date}。请滑动阅读全文。</translation>
    </message>
</context>
<context>
    <name>Counterparts</name>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="20"/>
        <source>Insurance platform, group {reference}: its totals of the day are not this kiosk&apos;s ({kiosk} of bills here; it says: {detail}).</source>
        <extracomment>Each problem in words: {reference} {saga} {kiosk} {counterpart} (amounts) {detail}.</extracomment>
        <translation>医保平台，{reference} 组：当日汇总与本机不符（本机费用 {kiosk}；平台答复：{detail}）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="23"/>
        <source>Insurance platform: it did not answer the reconciliation ({detail}).</source>
        <translation>医保平台：对账未应答（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="25"/>
        <source>Credit platform, booking {reference} ({counterpart}): booked by this terminal, not in the kiosk&apos;s journal.</source>
        <translation>信用平台，记账 {reference}（{counterpart}）：本终端记账，本机日志中没有。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="28"/>
        <source>Credit platform, booking {reference} ({kiosk}, saga {saga}): in the kiosk&apos;s journal, not at the credit platform.</source>
        <translation>信用平台，记账 {reference}（{kiosk}，流程 {saga}）：本机日志中有，信用平台没有。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="31"/>
        <source>Credit platform, booking {reference} ({kiosk}, saga {saga}): voided at the credit platform, while the bill is settled at the insurance and paid at the HIS.</source>
        <translation>信用平台，记账 {reference}（{kiosk}，流程 {saga}）：信用平台已冲正，而该账单已在医保结算、在 HIS 已缴费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="34"/>
        <source>Credit platform, booking {reference} (saga {saga}): the kiosk voided it, the credit platform still has {counterpart} on the line.</source>
        <translation>信用平台，记账 {reference}（流程 {saga}）：本机已冲正，信用平台仍在信用额度上记 {counterpart}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="37"/>
        <source>Credit platform, booking {reference} (saga {saga}): {kiosk} on the line in the kiosk&apos;s journal, {counterpart} at the credit platform.</source>
        <translation>信用平台，记账 {reference}（流程 {saga}）：本机日志记信用额度 {kiosk}，信用平台记 {counterpart}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="40"/>
        <source>Credit platform: it did not answer the reconciliation ({detail}).</source>
        <translation>信用平台：对账未应答（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="42"/>
        <source>HIS, bills {detail} ({counterpart}): marked paid by this terminal, not in the kiosk&apos;s journal.</source>
        <translation>HIS，账单 {detail}（{counterpart}）：本终端标记已缴费，本机日志中没有。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="45"/>
        <source>HIS, bills {detail} ({kiosk}, saga {saga}): the kiosk marked them paid, the HIS has no such mark.</source>
        <translation>HIS，账单 {detail}（{kiosk}，流程 {saga}）：本机已标记缴费，HIS 没有该标记。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="48"/>
        <source>HIS, bills {detail} ({kiosk}, saga {saga}): unpaid again at the HIS, while settled at the insurance and on credit.</source>
        <translation>HIS，账单 {detail}（{kiosk}，流程 {saga}）：HIS 显示未缴费，而医保已结算、信用已记账。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="51"/>
        <source>HIS, bills {detail} (saga {saga}): the kiosk undid the mark, the HIS still shows them paid ({counterpart}).</source>
        <translation>HIS，账单 {detail}（流程 {saga}）：本机已撤销缴费标记，HIS 仍显示已缴费（{counterpart}）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="54"/>
        <source>HIS, mark {reference} (saga {saga}): the HIS&apos;s mark differs from the kiosk&apos;s in {detail}.</source>
        <translation>HIS，标记 {reference}（流程 {saga}）：HIS 的缴费标记与本机不同：{detail}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="57"/>
        <source>HIS: it did not answer the reconciliation ({detail}).</source>
        <translation>HIS：对账未应答（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="59"/>
        <source>Saga {saga}: stuck, a counterpart refused to undo a step ({detail}).</source>
        <translation>流程 {saga}：卡住，对方拒绝撤销其中一步（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="61"/>
        <source>Saga {saga}: not finished yet ({detail}).</source>
        <translation>流程 {saga}：尚未完成（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="63"/>
        <source>Saga {saga}: the answer to a settlement ({detail}) was lost and it is not reversed yet.</source>
        <translation>流程 {saga}：一笔结算（{detail}）的应答丢失，尚未冲正。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="69"/>
        <source>Ask the hospital&apos;s insurance office for the day&apos;s detail and compare it with this kiosk&apos;s settlements of the group (kiosk-admin reconcile lists them); a supervisor corrects the one that differs.</source>
        <extracomment>What to do next, by the finding&apos;s ``next_step``.</extracomment>
        <translation>请向医院医保办索取当日明细，与本机该组的结算（kiosk-admin reconcile 列出）逐笔核对；由主管更正不符的一笔。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="73"/>
        <source>Check the link to it, then run the reconciliation again.</source>
        <translation>请检查与其的连接，然后重新对账。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="75"/>
        <source>A supervisor checks whether the bills are paid at the HIS and settled at the insurance; if not, they void the booking at the credit platform.</source>
        <translation>由主管核实账单在 HIS 是否已缴费、在医保是否已结算；若否，在信用平台冲正该记账。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="78"/>
        <source>A supervisor checks the saga: the kiosk&apos;s recovery books it again with the same key, or the bill is undone everywhere.</source>
        <translation>由主管核查该流程：本机自动恢复会用同一键重新记账，否则在各方撤销该账单。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="81"/>
        <source>A supervisor books the bill on credit again, or cancels its settlement at the insurance and its payment at the HIS: else the patient owes it nowhere.</source>
        <translation>由主管在信用平台重新记账，或在医保撤销结算、在 HIS 撤销缴费：否则患者在任何一方都不欠此款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="84"/>
        <source>A supervisor voids the booking at the credit platform: the patient does not owe it.</source>
        <translation>由主管在信用平台冲正该记账：患者不欠此款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="86"/>
        <source>A supervisor corrects the booking at the credit platform to the plan the patient confirmed (the kiosk&apos;s journal).</source>
        <translation>由主管将信用平台的记账更正为患者确认的方案（见本机日志）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="89"/>
        <source>A supervisor checks the bills at the insurance and the credit platform; if they are not settled there, the HIS undoes the mark.</source>
        <translation>由主管核实账单在医保和信用平台是否已结算；若未结算，由 HIS 撤销缴费标记。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="92"/>
        <source>A supervisor checks the saga: the kiosk&apos;s recovery marks the bills again with the same key, or the bill is undone everywhere.</source>
        <translation>由主管核查该流程：本机自动恢复会用同一键重新标记缴费，否则在各方撤销该账单。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="95"/>
        <source>A supervisor marks the bills paid at the HIS again (with the settlement and the booking), or cancels the settlement at the insurance and voids the booking.</source>
        <translation>由主管在 HIS 重新标记已缴费（注明结算和记账），或在医保撤销结算并在信用平台冲正记账。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="98"/>
        <source>A supervisor undoes the mark at the HIS: the bills were not paid here.</source>
        <translation>由主管在 HIS 撤销缴费标记：该账单并未在此缴费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="100"/>
        <source>A supervisor corrects the HIS&apos;s mark to the settlement and booking the saga made.</source>
        <translation>由主管将 HIS 的缴费标记更正为该流程的结算和记账。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="102"/>
        <source>A supervisor undoes by hand the step the counterpart refused (the saga&apos;s journal names it), then tells IT.</source>
        <translation>由主管手工撤销对方拒绝的那一步（流程日志中有记录），然后通知信息科。</translation>
    </message>
    <message>
        <location filename="../../kiosk/reconciliation_words.py" line="105"/>
        <source>Nothing to do now: the kiosk&apos;s recovery ends it by itself; if it is still listed tomorrow, a supervisor looks at it.</source>
        <translation>现在无需处理：本机自动恢复会自行完成；如明天仍列出，请主管查看。</translation>
    </message>
</context>
<context>
    <name>CredentialsForm</name>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="283"/>
        <location filename="../../kiosk/ui/widgets.py" line="284"/>
        <source>Staff number</source>
        <extracomment>Refusals the person at the screen corrects on the spot (the form stays, with the message).</extracomment>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="285"/>
        <location filename="../../kiosk/ui/widgets.py" line="286"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="289"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="292"/>
        <source>Delete the last digit</source>
        <translation>删除最后一位</translation>
    </message>
</context>
<context>
    <name>CreditWords</name>
    <message>
        <location filename="../../kiosk/ui/query.py" line="28"/>
        <source>active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="29"/>
        <source>suspended</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="30"/>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="353"/>
        <source>disputed (answer by {date})</source>
        <translation>异议处理中（{date}前答复）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="355"/>
        <source>disputed</source>
        <translation>异议处理中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="357"/>
        <source>due</source>
        <translation>待还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="358"/>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="359"/>
        <source>paid</source>
        <translation>已还清</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="365"/>
        <source>Registration</source>
        <translation>挂号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="366"/>
        <source>Outpatient</source>
        <translation>门诊</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="367"/>
        <source>Inpatient</source>
        <translation>住院</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="36"/>
        <source>Child</source>
        <translation>子女</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="37"/>
        <source>Parent</source>
        <translation>父母</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="38"/>
        <source>Guardian</source>
        <translation>监护人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="44"/>
        <source>excellent (优秀)</source>
        <translation>优秀</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="45"/>
        <source>good (良好)</source>
        <translation>良好</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="46"/>
        <source>fair (中等)</source>
        <translation>中等</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="47"/>
        <source>poor (较差)</source>
        <translation>较差</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="48"/>
        <source>very poor (极差)</source>
        <translation>极差</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="50"/>
        <source>Medical-insurance credit grade: {grade} — {meaning}</source>
        <translation>医保信用等级：{grade}（{meaning}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="56"/>
        <source>Credit service not opened</source>
        <translation>未开通信用就医</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="57"/>
        <source>Credit line {line} · used {used} · available {available} · status: {status}</source>
        <translation>信用额度 {line} · 已用 {used} · 可用 {available} · 状态：{status}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="62"/>
        <source>Overdue: {amount}</source>
        <translation>逾期金额：{amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="82"/>
        <source>Reference</source>
        <translation>单号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="82"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="83"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="83"/>
        <source>Outstanding</source>
        <translation>未还</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="84"/>
        <source>Pay by</source>
        <translation>最后还款日</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="84"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="137"/>
        <source>No bills.</source>
        <extracomment>``notice``: words above the account (a callable: rendered again on a language change)</extracomment>
        <translation>暂无账单。</translation>
    </message>
</context>
<context>
    <name>DepartmentScreen</name>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="100"/>
        <source>Choose a department</source>
        <translation>请选择科室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="106"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="107"/>
        <source>My registrations (cancel)</source>
        <translation>我的挂号（退号）</translation>
    </message>
</context>
<context>
    <name>DeskBar</name>
    <message>
        <location filename="../../kiosk/ui/login.py" line="89"/>
        <source>Cashier {name} (staff number {operator_id})</source>
        <translation>收费员 {name}（工号 {operator_id}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/login.py" line="91"/>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
</context>
<context>
    <name>DeskLogin</name>
    <message>
        <location filename="../../kiosk/ui/login.py" line="121"/>
        <source>Log in again</source>
        <translation>重新登录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/login.py" line="123"/>
        <source>Open the shift</source>
        <translation>开班</translation>
    </message>
</context>
<context>
    <name>DeviceNotice</name>
    <message>
        <location filename="../../kiosk/ui/device_notice.py" line="22"/>
        <source>The ID-card reader is not working at the moment.</source>
        <translation>身份证读卡器暂时无法使用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/device_notice.py" line="23"/>
        <source>The social-security card reader is not working at the moment.</source>
        <translation>社保卡读卡器暂时无法使用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/device_notice.py" line="24"/>
        <source>The code scanner is not working at the moment.</source>
        <translation>扫码器暂时无法使用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/device_notice.py" line="26"/>
        <source>A reader of this kiosk is not working at the moment.</source>
        <translation>本机有一台读卡设备暂时无法使用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/device_notice.py" line="29"/>
        <source>Please place your resident ID card on the ID-card reader.</source>
        <extracomment>At a kiosk, the first device still working, in this order, is what the patient is offered.</extracomment>
        <translation>请将居民身份证放在身份证读卡器上。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/device_notice.py" line="30"/>
        <source>Please use your social-security card in its reader instead.</source>
        <translation>请改用社保卡，插入社保卡读卡器。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/device_notice.py" line="31"/>
        <source>Please scan your e-health code or insurance e-voucher instead.</source>
        <translation>请改为扫描电子健康卡或医保电子凭证。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/device_notice.py" line="33"/>
        <source>Please go to the service desk: staff there can help you.</source>
        <translation>请到服务台办理，工作人员会为您服务。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/device_notice.py" line="34"/>
        <source>You can still type the patient&apos;s ID number.</source>
        <translation>仍可手工输入患者的身份证号码。</translation>
    </message>
</context>
<context>
    <name>DischargeJourney</name>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="104"/>
        <location filename="../../kiosk/ui/journeys.py" line="51"/>
        <source>Discharge on credit</source>
        <translation>信用出院</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="167"/>
        <source>{booked} on your credit line and {paid} to pay now with your phone.</source>
        <translation>信用额度记账 {booked}，现在用手机支付 {paid}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="170"/>
        <source>{booked} on your credit line, nothing to pay now.</source>
        <translation>信用额度记账 {booked}，现在无需支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="172"/>
        <source>Confirm your discharge</source>
        <translation>请确认出院结算</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="173"/>
        <source>Discharge</source>
        <translation>确认出院</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="207"/>
        <source>The hospital system did not confirm in time. Your discharge is kept safely and will be completed automatically; it will never be charged twice.</source>
        <translation>医院系统未能及时确认。您的出院结算已安全保存，将自动完成，绝不会重复扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="209"/>
        <source>Please collect your documents at the cashier window.</source>
        <translation>请到收费窗口领取单据。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="217"/>
        <source>{booked} booked on your credit line, to repay by {due}.</source>
        <translation>已记入信用额度 {booked}，请于 {due} 前还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="211"/>
        <source>Paid now: {paid}.</source>
        <translation>现场支付：{paid}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="220"/>
        <source>Deposit returned: {amount}.</source>
        <translation>退还预交金：{amount}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="222"/>
        <source>Reference {reference}</source>
        <translation>流水号 {reference}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="224"/>
        <source>Your receipt and the itemised statement are printing.</source>
        <translation>凭条和费用清单正在打印。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="225"/>
        <source>The documents could not be printed. Your discharge is complete; please ask the cashier window for copies.</source>
        <translation>单据未能打印。您的出院结算已完成，请到收费窗口补打。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="227"/>
        <source>Discharged, credit pending confirmation</source>
        <translation>已出院，信用记账待确认</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="228"/>
        <source>Discharged</source>
        <translation>出院结算成功</translation>
    </message>
</context>
<context>
    <name>DischargeScreen</name>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="55"/>
        <location filename="../../kiosk/ui/discharge.py" line="64"/>
        <source>Discharge on credit</source>
        <translation>信用出院</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="56"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="56"/>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="56"/>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="56"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="57"/>
        <source>Items of the hospital stay</source>
        <translation>住院费用明细</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="58"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="59"/>
        <source>Repay now</source>
        <translation>立即还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="63"/>
        <source>Discharge and pay the rest now</source>
        <translation>信用出院，差额现场支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="66"/>
        <source>{department} · admitted {date} · {count} charges</source>
        <translation>{department} · {date} 入院 · 共 {count} 项费用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="71"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="71"/>
        <source>Paid by medical insurance fund</source>
        <translation>医保统筹支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="72"/>
        <source>Your part</source>
        <translation>个人负担</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="72"/>
        <source>Deposit paid</source>
        <translation>已交预交金</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="74"/>
        <source>Booked on your credit line</source>
        <translation>记入信用额度</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="75"/>
        <source>To pay now with your phone</source>
        <translation>需用手机现场支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="82"/>
        <source>Settling, please wait…</source>
        <translation>正在结算，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/discharge.py" line="60"/>
        <source>Open my own credit service</source>
        <translation>开通本人信用就医</translation>
    </message>
</context>
<context>
    <name>DisputeBillScreen</name>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="56"/>
        <source>Dispute a bill</source>
        <translation>账单异议</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="58"/>
        <source>Tap the bill you think is wrong. The hospital checks it and answers within {days} working days.</source>
        <translation>请点击您认为有误的账单。医院核实后将在{days}个工作日内答复。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="60"/>
        <source>Loading your bills, please wait…</source>
        <translation>正在查询您的账单，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="61"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="68"/>
        <source>{bill} — already disputed, cannot be picked</source>
        <translation>{bill} — 已提出异议，不可再选</translation>
    </message>
</context>
<context>
    <name>DisputeJourney</name>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="27"/>
        <source>{reference} · {kind} · {outstanding} · pay by {date} · {status}</source>
        <translation>{reference} · {kind} · {outstanding} · 最后还款日 {date} · {status}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="245"/>
        <location filename="../../kiosk/ui/journeys.py" line="47"/>
        <source>Dispute a bill</source>
        <translation>账单异议</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="276"/>
        <source>Show my account</source>
        <translation>查看我的账户</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="289"/>
        <source>The hospital system did not confirm in time. Your dispute is kept safely and will be sent automatically.</source>
        <translation>医院系统未能及时确认。您的异议已妥善保存，将自动提交。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="292"/>
        <source>Your dispute on bill {reference} ({amount}) is recorded.
The hospital will answer by {date} (within {days} working days).</source>
        <translation>您对账单 {reference}（{amount}）的异议已登记。
医院将于 {date} 前答复（{days}个工作日内）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="295"/>
        <source>Until then the bill is shown as disputed.</source>
        <translation>答复前该账单显示为“异议处理中”。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="301"/>
        <source>Dispute raised</source>
        <translation>异议已提交</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="298"/>
        <source>Your acknowledgement is printing. Please take it.</source>
        <translation>正在打印异议受理回执，请取走。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="299"/>
        <source>The acknowledgement could not be printed. The cashier window can print a copy; your dispute is recorded all the same.</source>
        <translation>异议受理回执未能打印，可到收费窗口补打；您的异议已照常受理。</translation>
    </message>
</context>
<context>
    <name>DisputeReasonScreen</name>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="206"/>
        <source>Why is this bill wrong?</source>
        <translation>您认为账单哪里有误？</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="208"/>
        <source>Tap the reason that fits best.</source>
        <translation>请点击最符合的原因。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="209"/>
        <source>Anything to add? (optional, up to 200 characters)</source>
        <translation>补充说明（选填，最多200字）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="210"/>
        <location filename="../../kiosk/ui/dispute.py" line="211"/>
        <source>Optional note</source>
        <translation>补充说明（选填）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="212"/>
        <source>Submit dispute</source>
        <translation>提交异议</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="213"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/dispute.py" line="214"/>
        <source>Sending your dispute, please wait…</source>
        <translation>正在提交异议，请稍候…</translation>
    </message>
</context>
<context>
    <name>GuardianScreen</name>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="196"/>
        <source>A parent or guardian must consent</source>
        <translation>需由父母或监护人授权</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="199"/>
        <source>Patients under 18 cannot open the credit service alone. A parent or guardian identifies with their own ID card and gives consent; the child then uses the guardian&apos;s credit line and the guardian repays.

Guardian: tap the button, then place your ID card on the reader.</source>
        <translation>未满18周岁不能单独开通信用就医服务。请父母或监护人使用本人身份证验证身份并授权；开通后孩子共享监护人的信用额度，由监护人负责还款。

请监护人点击下方按钮，然后将本人身份证放在读卡器上。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="202"/>
        <source>Guardian: identify now</source>
        <translation>监护人验证身份</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="203"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <location filename="../../kiosk/ui/home.py" line="138"/>
        <source>Welcome to {hospital}</source>
        <extracomment>Journeys offered below the tiles as a plain button, not as a tile of the same weight as paying a bill (issue 13): closing the credit service is there for who looks for it, never the first offer.</extracomment>
        <translation>欢迎来到{hospital}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/home.py" line="139"/>
        <source>Credit-based care: treat first, pay later</source>
        <translation>信用就医 · 先诊疗后付费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/home.py" line="144"/>
        <source>Starting, one moment please…</source>
        <translation>正在启动，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/home.py" line="147"/>
        <source>Standard text</source>
        <translation>标准模式</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/home.py" line="147"/>
        <source>Large text</source>
        <translation>大字模式</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/home.py" line="148"/>
        <source>More services</source>
        <translation>更多服务</translation>
    </message>
</context>
<context>
    <name>IdentifyScreen</name>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="20"/>
        <source>Resident ID card</source>
        <extracomment>Each medium&apos;s name, and where it goes (kiosk.domain.media&apos;s keys).</extracomment>
        <translation>居民身份证</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="21"/>
        <source>Social-security card</source>
        <translation>社保卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="22"/>
        <source>Medical-insurance e-voucher (QR code)</source>
        <translation>医保电子凭证（二维码）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="23"/>
        <source>E-health card (QR code)</source>
        <translation>电子健康卡（二维码）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="26"/>
        <source>Lay it on the card reader below the screen</source>
        <translation>放在屏幕下方的读卡区</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="27"/>
        <source>Put it in the social-security card reader</source>
        <translation>插入社保卡读卡器</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="28"/>
        <location filename="../../kiosk/ui/identify.py" line="29"/>
        <source>Hold the code on your phone under the scanner window</source>
        <translation>将手机上的二维码对准扫码窗口</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="204"/>
        <source>The last character (selected) does not agree with the other 17. A mistake in any of the 18 shows up there: compare each digit with the card, correct it, press Enter.</source>
        <extracomment>An ID number refused for what it is (kiosk.domain.idnumber): at the desk the typed digits stay, the suspect ones marked (``suspect_span``). ``typed``: the number last sent from the field; ``marked``: the refusal shown on it</extracomment>
        <translation>最后一位（已选中）与前 17 位对不上。18 位中任何一位输错都会在这里显出来：请逐位与证件核对，改正后按回车。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="207"/>
        <source>The birth date (digits 7 to 14, selected) is not a real date. Compare them with the card, correct them, press Enter.</source>
        <translation>出生日期（第 7 至 14 位，已选中）不是有效日期。请与证件核对，改正后按回车。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="210"/>
        <source>{count} of the 18 characters typed. Type the rest, then press Enter.</source>
        <translation>已输入 18 位中的 {count} 位。请输完其余各位，再按回车。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="213"/>
        <source>The selected character does not belong there: 17 digits, then a digit or X.</source>
        <translation>选中的字符不应出现在这里：应为 17 位数字，最后一位为数字或 X。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="217"/>
        <source>Identify yourself</source>
        <translation>身份识别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="220"/>
        <source>Place the patient&apos;s ID card on the reader, or type the ID number.</source>
        <translation>请将患者身份证放在读卡器上，或输入身份证号码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="223"/>
        <source>Use any one of these:</source>
        <translation>请任选以下一种方式：</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="225"/>
        <source>Place your resident ID card on the reader below the screen.</source>
        <translation>请将您的居民身份证放在屏幕下方的读卡器上。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="230"/>
        <source>18-character ID number</source>
        <translation>18位身份证号码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="231"/>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="232"/>
        <source>Look up</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="233"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="234"/>
        <source>Training: demo cards</source>
        <translation>培训：演示卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="237"/>
        <source>Reading your details, please wait…</source>
        <translation>正在读取您的信息，请稍候…</translation>
    </message>
</context>
<context>
    <name>IdleBanner</name>
    <message>
        <location filename="../../kiosk/ui/idle.py" line="120"/>
        <source>Are you still there? For your privacy this screen will be cleared in {seconds} seconds.</source>
        <translation>您还在吗？为保护您的隐私，本屏幕将在 {seconds} 秒后清除。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/idle.py" line="122"/>
        <source>I need more time</source>
        <translation>我需要更多时间</translation>
    </message>
</context>
<context>
    <name>ItExitScreen</name>
    <message>
        <location filename="../../kiosk/ui/lockdown.py" line="140"/>
        <source>IT staff: leave the kiosk</source>
        <translation>信息科人员：退出自助机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/lockdown.py" line="141"/>
        <source>Enter an IT staff number and PIN. Patients: please tap Back.</source>
        <translation>请输入信息科人员工号和密码。患者请点击“返回首页”。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/lockdown.py" line="143"/>
        <source>Checking, please wait…</source>
        <translation>正在核验，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/lockdown.py" line="144"/>
        <source>Leave the kiosk</source>
        <translation>退出自助机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/lockdown.py" line="146"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../kiosk/ui/keypad.py" line="114"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/keypad.py" line="115"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/keypad.py" line="116"/>
        <location filename="../../kiosk/ui/keypad.py" line="117"/>
        <source>Delete last digit</source>
        <translation>删除最后一位</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/keypad.py" line="118"/>
        <source>Phone number keypad</source>
        <translation>手机号码键盘</translation>
    </message>
</context>
<context>
    <name>LatePayments</name>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="24"/>
        <source>Paid just after the patient cancelled: refunded through the payment channel</source>
        <translation>患者取消后才支付成功：已原路退回</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="26"/>
        <source>Paid as the patient walked away: refunded through the payment channel</source>
        <translation>患者离开时支付成功：已原路退回</translation>
    </message>
</context>
<context>
    <name>LatePaymentsJourney</name>
    <message>
        <location filename="../../kiosk/ui/journeys.py" line="58"/>
        <location filename="../../kiosk/ui/late_payments.py" line="76"/>
        <source>Late phone payments</source>
        <translation>迟到的扫码支付</translation>
    </message>
</context>
<context>
    <name>LatePaymentsScreen</name>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="44"/>
        <location filename="../../kiosk/ui/late_payments.py" line="57"/>
        <source>Late phone payments</source>
        <translation>迟到的扫码支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="46"/>
        <source>Loading, please wait…</source>
        <translation>正在加载，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="50"/>
        <source>No phone payment came late in the last 7 days.</source>
        <translation>最近 7 天没有迟到的扫码支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="52"/>
        <source>Each was refunded through the payment channel. Tell the patient it reaches their payment account within a few days.</source>
        <translation>以下款项均已原路退回。请告知患者，退款将在几天内到账。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="55"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="55"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="55"/>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="56"/>
        <source>Terminal</source>
        <translation>终端</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="56"/>
        <source>What happened</source>
        <translation>处理情况</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/late_payments.py" line="63"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <location filename="../../kiosk/ui/login.py" line="53"/>
        <source>Cashier login</source>
        <translation>收费员登录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/login.py" line="54"/>
        <source>Enter your staff number and PIN. The desk logs you out after a while without use.</source>
        <translation>请输入工号和密码。长时间无操作将自动退出登录。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/login.py" line="57"/>
        <source>Checking, please wait…</source>
        <translation>正在核验，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/login.py" line="58"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="117"/>
        <source>Credit-based care kiosk</source>
        <translation>信用就医自助机</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="77"/>
        <location filename="../../kiosk/ui/messages.py" line="187"/>
        <source>This bill has already been paid.</source>
        <translation>该账单已支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="78"/>
        <source>You have no unpaid outpatient bills.</source>
        <translation>您没有待缴的门诊账单。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="90"/>
        <source>The credit service needs your authorisation to look up your credit score. Nothing was opened.</source>
        <translation>开通信用就医需要您授权查询信用分，本次未开通。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="92"/>
        <source>Your credit service is already open.</source>
        <translation>您已开通信用就医服务。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="99"/>
        <source>Your credit service is not open, so there is nothing to close.</source>
        <translation>您未开通信用就医服务，无需关闭。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="100"/>
        <source>This bill is already disputed. The hospital will answer the first dispute; a second one is not possible.</source>
        <translation>该账单已有异议在处理中。医院将答复已提交的异议，不能重复提出。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="101"/>
        <source>You have no unpaid bills to dispute.</source>
        <translation>您没有可提出异议的未还账单。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="58"/>
        <source>An ID number has 18 characters.</source>
        <translation>身份证号码为18位。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="59"/>
        <source>An ID number has 17 digits and then a digit or X.</source>
        <translation>身份证号码由17位数字加1位数字或X组成。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="60"/>
        <source>The birth date inside this ID number is not a real date.</source>
        <translation>该身份证号码中的出生日期无效。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="61"/>
        <location filename="../../kiosk/ui/messages.py" line="62"/>
        <source>This ID number is not valid (check digit).</source>
        <translation>该身份证号码校验位不正确。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="64"/>
        <location filename="../../kiosk/ui/messages.py" line="65"/>
        <source>The card could not be read.</source>
        <translation>无法读取该卡。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="66"/>
        <source>This card could not be verified.</source>
        <translation>该卡无法验证。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="68"/>
        <source>No patient record was found for this ID.</source>
        <translation>未找到该证件的就诊记录。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="69"/>
        <source>The hospital system is not answering right now.</source>
        <translation>医院系统暂时无响应。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="70"/>
        <source>You have not opened the credit service, so nothing can be paid on credit.</source>
        <translation>您尚未开通信用就医，无法使用信用支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="73"/>
        <source>Your credit service is suspended because a bill is overdue.</source>
        <translation>您有逾期账单，信用就医服务已暂停。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="76"/>
        <source>Your available credit is less than your part of this bill.</source>
        <translation>您的可用信用额度不足以支付本次个人负担部分。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="79"/>
        <source>Your credit line is used up or a bill is overdue.</source>
        <translation>您的信用额度已用完或有逾期账单。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="82"/>
        <source>You are 18 now and can no longer use your guardian&apos;s credit line.</source>
        <translation>您已年满18周岁，不能再使用监护人的信用额度。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="84"/>
        <source>The rest of the bill has not been paid yet.</source>
        <translation>差额尚未支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="85"/>
        <source>The payment code has expired. Nothing was charged.</source>
        <translation>支付码已过期，未产生扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="86"/>
        <source>The payment has not been completed. Nothing was charged.</source>
        <translation>支付未完成，未产生扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="87"/>
        <source>Something went wrong here. Nothing was charged twice.</source>
        <translation>此处出现问题，不会重复扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="89"/>
        <source>The consent text was updated while you were reading.</source>
        <translation>您阅读期间授权书已更新。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="91"/>
        <source>This is not a mobile number.</source>
        <translation>这不是有效的手机号码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="93"/>
        <source>Your credit score does not give a credit line at the moment.</source>
        <translation>您目前的信用分暂不能获得信用额度。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="94"/>
        <source>A patient under 18 needs a parent or guardian to open the credit service.</source>
        <translation>未满18周岁需由父母或监护人开通信用就医服务。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="95"/>
        <source>The guardian has not opened the credit service.</source>
        <translation>监护人尚未开通信用就医服务。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="96"/>
        <location filename="../../kiosk/ui/messages.py" line="106"/>
        <source>This card is not the card of the guardian registered for this child.</source>
        <translation>该证件不是医院登记的此儿童监护人的证件。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="97"/>
        <source>The guardian must be an adult with their own ID card.</source>
        <translation>监护人须为持本人身份证的成年人。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="98"/>
        <source>The credit service can be closed only when nothing is owed.</source>
        <translation>只有在没有欠款时才能关闭信用就医服务。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="102"/>
        <source>No reason for the dispute is chosen.</source>
        <translation>尚未选择异议原因。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="103"/>
        <source>The note can have at most 200 characters.</source>
        <translation>补充说明最多200字。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="104"/>
        <source>This is your own card.</source>
        <translation>这是您本人的证件。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="105"/>
        <source>This card belongs to a person under 18, who cannot be linked as a parent.</source>
        <translation>该证件持有人未满18周岁，不能关联为父母。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="107"/>
        <source>Only an adult can take on repayment for an adult parent. Nothing was changed.</source>
        <translation>只有成年人才能为成年父母代为还款，未作任何更改。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="108"/>
        <source>To repay for a parent, your own credit service must be open and active.</source>
        <translation>为父母代还款，您本人的信用就医服务须已开通且状态正常。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="109"/>
        <source>You already repay for this parent.</source>
        <translation>您已在为该父母代为还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="111"/>
        <source>This clinic session has just become full.</source>
        <translation>该时段刚刚约满。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="112"/>
        <source>You are already registered for this clinic session.</source>
        <translation>您已挂过该时段的号。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="113"/>
        <source>This session has already started, so the registration can no longer be cancelled here.</source>
        <translation>该就诊时段已开始，无法在自助机退号。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="117"/>
        <source>The fee for this registration was taken at the cashier window, so it cannot be cancelled here. Nothing was changed.</source>
        <translation>该挂号费已在收费窗口收取，无法在此退号，未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="119"/>
        <source>The amount is more than what is owed. Nothing was charged.</source>
        <translation>金额超过待还款额，未扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="121"/>
        <source>The refund is more than what can still be refunded for this settlement.</source>
        <translation>退费金额超过该结算的可退金额。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="122"/>
        <source>This is not an amount that can be refunded.</source>
        <translation>该金额无法退费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="123"/>
        <source>No reason for the refund is chosen.</source>
        <translation>尚未选择退费原因。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="125"/>
        <source>There is no hospital stay to settle for you.</source>
        <translation>没有需要结算的住院记录。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="128"/>
        <source>The card moved before it could be read.</source>
        <translation>卡片在读取完成前被移动了。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="129"/>
        <source>The card was taken out before it was read.</source>
        <translation>卡片在读取完成前被拔出。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="130"/>
        <source>This is not a social-security card.</source>
        <translation>这不是社会保障卡。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="131"/>
        <source>The card reader is not working.</source>
        <translation>读卡器出现故障。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="132"/>
        <source>This code cannot be used here.</source>
        <translation>此二维码无法在这里使用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="133"/>
        <source>This code was not recognised.</source>
        <translation>无法识别此二维码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="134"/>
        <location filename="../../kiosk/ui/messages.py" line="168"/>
        <source>This code has expired.</source>
        <translation>此二维码已过期。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="136"/>
        <source>The printer cannot be reached or is offline.</source>
        <translation>无法连接打印机或打印机已离线。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="137"/>
        <source>The printer is out of paper.</source>
        <translation>打印机缺纸。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="138"/>
        <source>The printer cover is open.</source>
        <translation>打印机盖板未合上。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="139"/>
        <source>The print job did not complete and was cancelled.</source>
        <translation>打印任务未完成，已取消。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="140"/>
        <source>The document could not be saved or sent.</source>
        <translation>单据无法保存或发送。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="141"/>
        <source>This printer cannot print this document.</source>
        <translation>该打印机无法打印此单据。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="142"/>
        <source>The document could not be made. The transaction itself is complete.</source>
        <translation>单据无法生成，交易本身已完成。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="143"/>
        <source>The printer reported an unexpected error.</source>
        <translation>打印机报告意外错误。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="147"/>
        <source>This operator is locked after 5 wrong PINs.</source>
        <translation>该工号已因连续 5 次输错密码被锁定。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="148"/>
        <source>The staff number or the PIN is missing.</source>
        <translation>尚未输入工号或密码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="152"/>
        <source>This refund is over the desk&apos;s limit.</source>
        <translation>此笔退费超过收费窗口限额。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="155"/>
        <source>This shift was opened by another cashier.</source>
        <translation>此班次由其他收费员开班。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="157"/>
        <source>Open your shift first: the platform takes no money at this desk without an open shift of yours.</source>
        <translation>请先开班：您在本窗口开班之前，平台不受理任何收退款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="158"/>
        <source>Your shift is still open at another desk.</source>
        <translation>您在另一个窗口的班次尚未结束。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="159"/>
        <source>Your login at this desk has ended.</source>
        <translation>您在本窗口的登录已失效。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="160"/>
        <source>Nobody is logged in at this desk.</source>
        <translation>本窗口尚无操作员登录。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="161"/>
        <source>This can only be done at a cashier window.</source>
        <translation>此业务只能在收费窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="162"/>
        <source>Your session at this kiosk has ended.</source>
        <translation>您在本机的操作已超时结束。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="163"/>
        <source>This kiosk has looked up many patients in a short time.</source>
        <translation>本机短时间内查询的患者过多。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="164"/>
        <source>Too many wrong PINs at this terminal.</source>
        <translation>本终端输错密码次数过多。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="165"/>
        <source>The hospital does not record this adult as the child&apos;s guardian.</source>
        <translation>医院没有登记此成年人为该儿童的监护人。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="166"/>
        <source>Your parent must consent to this.</source>
        <translation>此项须经您的父母本人同意。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="167"/>
        <source>This code is not right.</source>
        <translation>验证码不正确。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="169"/>
        <source>No mobile number of your parent is on file.</source>
        <translation>医院没有登记您父母的手机号码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="170"/>
        <source>This card is not the card of the parent you chose.</source>
        <translation>这不是您所选父母的身份证。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="177"/>
        <source>The hospital system is not answering, and your details were not seen at this kiosk recently.</source>
        <translation>医院系统暂时无法连接，且本机近期没有您的信息。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="179"/>
        <source>The hospital system is not answering, and your credit service is suspended.</source>
        <translation>医院系统暂时无法连接，且您的信用就医服务已暂停。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="180"/>
        <source>The hospital system is not answering, and a bill of yours is overdue.</source>
        <translation>医院系统暂时无法连接，且您有逾期账单。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="181"/>
        <source>The hospital system is not answering, and your credit details here are too old to use.</source>
        <translation>医院系统暂时无法连接，本机保存的信用信息已过期，无法使用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="182"/>
        <source>The hospital system is not answering, and this bill is more than your available credit.</source>
        <translation>医院系统暂时无法连接，且本次费用超过您的可用信用额度。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="183"/>
        <source>The hospital system is not answering, and this bill is over the amount that can be paid on credit offline.</source>
        <translation>医院系统暂时无法连接，且本次费用超过离线信用支付的单笔上限。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="184"/>
        <source>The hospital system is not answering, and this kiosk has taken all the credit payments it may hold until it is back.</source>
        <translation>医院系统暂时无法连接，本机离线信用支付已达上限，需待系统恢复。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="186"/>
        <source>The hospital&apos;s billing system is not answering, so your bills cannot be shown right now. Nothing was charged.</source>
        <translation>医院收费系统暂时没有响应，目前无法显示您的账单，未产生任何扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="188"/>
        <source>This bill was cancelled by the hospital: there is nothing to pay.</source>
        <translation>医院已作废该账单，无需支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="189"/>
        <source>The medical insurance platform did not accept this settlement. Nothing was charged.</source>
        <translation>医保平台未受理本次结算，未产生任何扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="190"/>
        <source>The medical insurance platform is not answering, so the insurance part cannot be worked out now. Nothing was charged.</source>
        <translation>医保平台暂时没有响应，目前无法计算医保支付部分，未产生任何扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="191"/>
        <source>This kiosk cannot reach the medical insurance platform right now. Nothing was charged.</source>
        <translation>本机暂时无法连接医保平台，未产生任何扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="192"/>
        <source>The medical insurance platform&apos;s answer could not be read. Nothing was charged twice; the kiosk checks and puts it right by itself.</source>
        <translation>无法识别医保平台的应答。不会重复扣费，本机会自动核对并纠正。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="193"/>
        <source>The kiosk had to sign in to the medical insurance platform again. Nothing was charged.</source>
        <translation>本机已重新签到医保平台，未产生任何扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="194"/>
        <source>No medical insurance was found for you here, so the whole bill is yours to pay.</source>
        <translation>未查询到您在本地的医保参保信息，本次费用需全部自付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="195"/>
        <source>The medical insurance platform did not confirm in time, so the payment was undone everywhere. Nothing was charged.</source>
        <translation>医保平台未及时确认，本次支付已在各系统全部撤销，未产生任何扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="196"/>
        <source>This registration was made while the credit platform was not answering, and its fee is still waiting to be confirmed by it, so it cannot be cancelled yet. Nothing was changed.</source>
        <translation>本次挂号是在信用平台无响应时办理的，挂号费仍在等待信用平台确认，暂时不能取消。未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="197"/>
        <source>The payment is not finished yet because a hospital system did not answer. The kiosk completes it, or undoes it, by itself; you will never be charged twice.</source>
        <translation>由于医院某个系统没有响应，本次支付尚未完成。本机会自动完成或撤销，绝不会重复扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="198"/>
        <source>This bill was set aside while you were away. Nothing was charged.</source>
        <translation>您离开期间该账单已被搁置，未产生任何扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="200"/>
        <source>This kiosk&apos;s software is older than its data, so it cannot start. Nothing was changed.</source>
        <translation>本机软件版本低于其数据版本，无法启动，数据未作任何改动。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="202"/>
        <source>Something went wrong.</source>
        <translation>出现问题。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="205"/>
        <source>{problem} {next_step}</source>
        <translation>{problem}{next_step}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="114"/>
        <source>This registration was not found or is already cancelled.</source>
        <translation>未找到该挂号记录，或已退号。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="115"/>
        <source>This clinic session has ended. Nothing was charged.</source>
        <translation>该门诊时段已结束，未扣任何费用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="116"/>
        <source>The fee for this registration was already repaid, so it cannot be cancelled here. Nothing was changed.</source>
        <translation>该挂号费已还款，无法在此退号，未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="118"/>
        <source>The hospital&apos;s fee for this session is not the fee shown. Nothing was charged.</source>
        <translation>医院该时段的挂号费与显示的不一致，未扣任何费用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="120"/>
        <source>There is nothing to repay on this account.</source>
        <translation>该账户没有待还款项。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="126"/>
        <source>You are already admitted.</source>
        <translation>您已办理入院。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="144"/>
        <source>This document is no longer waiting: it was already reprinted.</source>
        <translation>该单据已不在等待队列中：已重打。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="146"/>
        <source>The staff number or the PIN is wrong. After 5 wrong PINs in a row the operator is locked.</source>
        <translation>工号或密码错误。连续输错 5 次密码，该工号将被锁定。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="149"/>
        <source>This staff number may not work at the cashier desk.</source>
        <translation>该工号无收费窗口操作权限。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="150"/>
        <source>This staff number is not a supervisor&apos;s. A supervisor must approve this refund.</source>
        <translation>该工号不是主管。此笔退费须由主管审批。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="151"/>
        <source>This staff number is not IT staff&apos;s.</source>
        <translation>该工号不是信息科人员。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="153"/>
        <source>A shift is already open at this desk.</source>
        <translation>本窗口已有班次正在进行。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="154"/>
        <source>No shift is open at this desk.</source>
        <translation>本窗口当前没有开班。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="175"/>
        <source>The credit platform is not answering right now, and this needs it. Paying outpatient bills, registering for a clinic and discharge on credit still work here, within the offline limits.</source>
        <translation>信用平台暂时无法连接，此项业务需要信用平台。门诊缴费、挂号和出院结算仍可在本机以信用方式办理（受离线限额限制）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="176"/>
        <source>The credit platform is not answering right now, and this needs it. Paying outpatient bills on credit still works here, within the offline limits.</source>
        <translation>信用平台暂时无法连接，此项业务需要信用平台。门诊信用缴费仍可在本机办理（受离线限额限制）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="178"/>
        <source>The hospital system is not answering. Without the credit service, bills can only be paid at the cashier window for now.</source>
        <translation>医院系统暂时无法连接。您未开通信用就医，目前只能到收费窗口缴费。</translation>
    </message>
</context>
<context>
    <name>MyRegistrationsScreen</name>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="277"/>
        <source>My registrations</source>
        <translation>我的挂号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="278"/>
        <source>Tap a registration to cancel it. A registration can be cancelled until its session starts.</source>
        <translation>点击挂号记录即可退号。就诊时段开始前均可退号。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="280"/>
        <source>You have no registrations to cancel.</source>
        <translation>您没有可退的挂号。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="283"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>NextStep</name>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="54"/>
        <source>You can pay it now with your phone instead.</source>
        <extracomment>The credit platform not answering, a fee over what may go on credit offline: paid by phone instead (the HIS&apos;s channel does not need the credit platform), the button beside it.</extracomment>
        <translation>您也可以现在用手机支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="58"/>
        <location filename="../../kiosk/ui/messages.py" line="59"/>
        <location filename="../../kiosk/ui/messages.py" line="60"/>
        <location filename="../../kiosk/ui/messages.py" line="61"/>
        <location filename="../../kiosk/ui/messages.py" line="62"/>
        <source>Please check it and try again.</source>
        <translation>请核对后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="64"/>
        <source>Please take it off the reader and place it again.</source>
        <translation>请取下后重新放置。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="65"/>
        <source>Please place it flat on the reader and try again.</source>
        <translation>请将卡平放在读卡区后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="66"/>
        <location filename="../../kiosk/ui/messages.py" line="131"/>
        <location filename="../../kiosk/ui/messages.py" line="161"/>
        <location filename="../../kiosk/ui/messages.py" line="177"/>
        <location filename="../../kiosk/ui/messages.py" line="189"/>
        <location filename="../../kiosk/ui/messages.py" line="192"/>
        <source>Please go to the cashier window.</source>
        <translation>请到收费窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="68"/>
        <source>Please go to the registration desk.</source>
        <translation>请到挂号窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="69"/>
        <location filename="../../kiosk/ui/messages.py" line="186"/>
        <location filename="../../kiosk/ui/messages.py" line="190"/>
        <source>Please try again shortly or go to the cashier window.</source>
        <translation>请稍后重试或到收费窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="70"/>
        <location filename="../../kiosk/ui/messages.py" line="76"/>
        <location filename="../../kiosk/ui/messages.py" line="178"/>
        <location filename="../../kiosk/ui/messages.py" line="179"/>
        <location filename="../../kiosk/ui/messages.py" line="180"/>
        <location filename="../../kiosk/ui/messages.py" line="181"/>
        <location filename="../../kiosk/ui/messages.py" line="182"/>
        <location filename="../../kiosk/ui/messages.py" line="183"/>
        <location filename="../../kiosk/ui/messages.py" line="184"/>
        <source>Please pay at the cashier window.</source>
        <translation>请到收费窗口缴费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="71"/>
        <source>Tap &quot;Open the credit service&quot; to open it here now and then pay on credit, or pay your part in full now.</source>
        <translation>请点击“开通信用就医”在本机开通后使用信用支付，或现在全额支付个人负担部分。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="72"/>
        <source>You can pay your part in full now.</source>
        <translation>您可以现在全额支付个人负担部分。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="73"/>
        <source>Please repay it at the cashier window first.</source>
        <translation>请先到收费窗口还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="74"/>
        <location filename="../../kiosk/ui/messages.py" line="80"/>
        <source>Tap &quot;Repay now&quot; to repay it here with your phone; then you can use the credit service again.</source>
        <translation>请点击“立即还款”，在本机用手机还款，还款后即可继续使用信用就医。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="75"/>
        <location filename="../../kiosk/ui/messages.py" line="81"/>
        <source>Tap &quot;Repay now&quot; to take the repayment in cash or by bank card; then the credit service can be used again.</source>
        <translation>请点击“立即还款”，收取现金或银行卡还款，还款后即可继续使用信用就医。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="77"/>
        <location filename="../../kiosk/ui/messages.py" line="187"/>
        <source>If you need its receipt, please ask at the cashier window.</source>
        <translation>如需凭条，请到收费窗口咨询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="78"/>
        <source>If a bill is missing, please ask at the cashier window.</source>
        <translation>如有账单未显示，请到收费窗口咨询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="79"/>
        <source>Please repay first at the cashier window; then you can use it again.</source>
        <translation>请先到收费窗口还款，还款后即可继续使用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="82"/>
        <source>You can open your own credit service, or pay in full now.</source>
        <translation>您可以开通本人的信用就医服务，或现在全额支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="83"/>
        <source>Tap &quot;Open my own credit service&quot; to open it here now; then your stay can be settled on your own line.</source>
        <translation>请点击“开通本人信用就医”，现在即可在此开通；之后本次住院可用您本人的信用额度结算。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="84"/>
        <source>Please pay it with your phone or at the cashier window.</source>
        <translation>请用手机支付或到收费窗口缴费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="85"/>
        <location filename="../../kiosk/ui/messages.py" line="86"/>
        <location filename="../../kiosk/ui/messages.py" line="97"/>
        <location filename="../../kiosk/ui/messages.py" line="118"/>
        <location filename="../../kiosk/ui/messages.py" line="119"/>
        <location filename="../../kiosk/ui/messages.py" line="198"/>
        <source>Please start again.</source>
        <translation>请重新开始。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="87"/>
        <source>Please ask a member of staff for help.</source>
        <translation>请向工作人员求助。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="89"/>
        <source>Please read the new version and agree again.</source>
        <translation>请阅读新版本后重新同意。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="90"/>
        <source>To open it, start again and agree to the credit score check.</source>
        <translation>如需开通，请重新开始并同意查询信用分。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="91"/>
        <source>Please enter 11 digits starting with 1, for example 139 1234 5678.</source>
        <translation>请输入以1开头的11位数字，例如 139 1234 5678。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="92"/>
        <source>You can pay your bills on credit now.</source>
        <translation>您现在即可使用信用支付缴费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="93"/>
        <source>You can still pay at the cashier window.</source>
        <translation>您仍可到收费窗口缴费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="94"/>
        <source>Please come back with your guardian and their ID card.</source>
        <translation>请与监护人携带其身份证一同办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="95"/>
        <source>The guardian should open their own service first, then the child&apos;s.</source>
        <translation>请监护人先开通本人的服务，再为孩子开通。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="96"/>
        <location filename="../../kiosk/ui/messages.py" line="106"/>
        <location filename="../../kiosk/ui/messages.py" line="113"/>
        <source>Please ask at the registration desk.</source>
        <translation>请到挂号窗口咨询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="98"/>
        <source>Please repay first, then close it.</source>
        <translation>请先还款，再办理关闭。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="99"/>
        <location filename="../../kiosk/ui/messages.py" line="120"/>
        <source>Nothing more needs doing: tap Done.</source>
        <translation>无需其他操作，请点击“完成”。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="100"/>
        <source>The answer will show in your credit account.</source>
        <translation>答复结果将显示在您的信用账户中。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="101"/>
        <source>For a bill already paid, please ask at the cashier window.</source>
        <translation>已还清的账单如有疑问，请到收费窗口咨询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="102"/>
        <source>Please choose a reason for the dispute.</source>
        <translation>请选择异议原因。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="103"/>
        <source>Please shorten it.</source>
        <translation>请删减。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="104"/>
        <location filename="../../kiosk/ui/messages.py" line="105"/>
        <source>Your parent must place their own ID card on the reader.</source>
        <translation>请您的父母将其本人身份证放在读卡区。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="107"/>
        <location filename="../../kiosk/ui/messages.py" line="116"/>
        <location filename="../../kiosk/ui/messages.py" line="117"/>
        <source>Please ask at the cashier window.</source>
        <translation>请到收费窗口咨询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="108"/>
        <source>Please open your own credit service first, or repay what is overdue.</source>
        <translation>请先开通本人的信用就医服务，或先还清逾期款项。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="109"/>
        <source>Their bills show in your credit account.</source>
        <translation>其账单显示在您的信用账户中。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="111"/>
        <location filename="../../kiosk/ui/messages.py" line="115"/>
        <source>Please choose another time or doctor.</source>
        <translation>请选择其他时间或医生。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="112"/>
        <source>Your slip shows your queue number.</source>
        <translation>凭条上有您的就诊序号。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="114"/>
        <source>Please check your slip, or ask at the registration desk.</source>
        <translation>请核对您的凭条，或到挂号窗口咨询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="121"/>
        <source>Please enter a smaller amount.</source>
        <translation>请输入较小的金额。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="122"/>
        <source>Please enter an amount in yuan greater than zero, with at most two decimals.</source>
        <translation>请输入大于零的金额（元），最多两位小数。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="123"/>
        <source>Please choose the reason for the refund.</source>
        <translation>请选择退费原因。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="125"/>
        <source>Please ask the ward&apos;s nurse station.</source>
        <translation>请咨询病区护士站。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="126"/>
        <source>If something is not right, please ask the ward&apos;s nurse station.</source>
        <translation>如有疑问，请咨询病区护士站。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="128"/>
        <source>Please place it on the reader again and hold it still.</source>
        <translation>请重新将卡片放在读卡区并保持不动。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="129"/>
        <source>Please insert it again and wait for the screen to change.</source>
        <translation>请重新插入卡片，并等待屏幕变化后再取出。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="130"/>
        <source>Please insert your social-security card, or use your ID card.</source>
        <translation>请插入您的社会保障卡，或使用身份证。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="132"/>
        <source>Please show your medical-insurance e-voucher or e-health card code, or use your ID card.</source>
        <translation>请出示医保电子凭证或电子健康卡二维码，或使用身份证。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="133"/>
        <location filename="../../kiosk/ui/messages.py" line="134"/>
        <source>Please refresh the code on your phone and scan it again.</source>
        <translation>请在手机上刷新二维码后重新扫描。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="136"/>
        <source>Check that it is switched on and connected, then try again.</source>
        <translation>请检查打印机是否开机并已连接，然后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="137"/>
        <source>Load a new roll, close the cover and try again.</source>
        <translation>请装入新纸卷，合上盖板后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="138"/>
        <source>Close it and try again.</source>
        <translation>请合上后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="139"/>
        <source>Check the printer queue (it may be paused), then try again.</source>
        <translation>请检查打印队列（可能已暂停），然后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="140"/>
        <source>Check the printer settings, then try again.</source>
        <translation>请检查打印机设置，然后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="141"/>
        <source>Set an A4 printer queue for statements.</source>
        <translation>请为清单设置 A4 打印队列。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="142"/>
        <source>Please report this problem to the IT office.</source>
        <translation>请向信息科报告此问题。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="143"/>
        <source>Please try again; if it happens again, report it to the IT office.</source>
        <translation>请重试；如再次出现，请向信息科报告。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="144"/>
        <source>Tap Refresh to see what still waits.</source>
        <translation>请点击“刷新”查看仍在等待的单据。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="146"/>
        <source>Please check them and try again.</source>
        <translation>请核对后重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="147"/>
        <source>Please ask the IT office to unlock it.</source>
        <translation>请联系信息科解锁。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="148"/>
        <source>Please enter the staff number and the PIN.</source>
        <translation>请输入工号和密码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="149"/>
        <source>Please log in with a cashier&apos;s staff number.</source>
        <translation>请使用收费员工号登录。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="150"/>
        <source>Please ask a supervisor to enter their own staff number and PIN.</source>
        <translation>请主管输入其本人的工号和密码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="151"/>
        <source>Please ask the IT office.</source>
        <translation>请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="152"/>
        <source>A supervisor must enter their staff number and PIN to approve it.</source>
        <translation>须由主管输入工号和密码审批。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="153"/>
        <source>You can serve patients now; close the shift when you finish.</source>
        <translation>现在即可为患者办理，结束时请交班。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="154"/>
        <source>Tap &quot;Open shift&quot; first.</source>
        <translation>请先点击“开班”。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="155"/>
        <source>They or a supervisor must close it.</source>
        <translation>须由其本人或主管交班。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="157"/>
        <source>Tap &quot;Open the shift&quot;, then serve the patient again.</source>
        <translation>请点“开班”，然后重新为患者办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="158"/>
        <source>Close it there first, or ask a supervisor.</source>
        <translation>请先到该窗口交班，或请主管处理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="159"/>
        <source>Please log in again, then repeat the last step.</source>
        <translation>请重新登录，然后重做上一步。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="160"/>
        <source>Please log in, then repeat the last step.</source>
        <translation>请先登录，然后重做上一步。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="162"/>
        <source>Please place your ID card on the reader again.</source>
        <translation>请重新将身份证放在读卡区。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="163"/>
        <source>Please wait a minute, then try again, or go to the cashier window.</source>
        <translation>请稍等一分钟再试，或到收费窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="164"/>
        <source>Please wait a few minutes before trying again.</source>
        <translation>请等几分钟后再试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="165"/>
        <source>Please ask at the registration desk to record the family first.</source>
        <translation>请先到挂号窗口登记家庭关系。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="166"/>
        <source>Your parent can consent with their own ID card here, or with the code sent to their phone.</source>
        <translation>您的父母可在本机放置其本人身份证表示同意，或使用发送到其手机的验证码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="167"/>
        <source>Please check the 6 digits your parent received and type them again.</source>
        <translation>请核对父母收到的 6 位数字后重新输入。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="168"/>
        <source>Tap &quot;Send a code to their phone&quot; to send a new one.</source>
        <translation>请点“发送验证码到其手机”重新发送。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="169"/>
        <source>Your parent can consent with their own ID card here instead.</source>
        <translation>请您的父母在本机放置其本人身份证表示同意。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="170"/>
        <source>Please ask that parent to place their own ID card on the reader.</source>
        <translation>请该父母本人将身份证放在读卡区。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="175"/>
        <location filename="../../kiosk/ui/messages.py" line="176"/>
        <source>Please try again later or go to the cashier window.</source>
        <translation>请稍后再试或到收费窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="188"/>
        <source>Please ask at the cashier window if you are unsure.</source>
        <translation>如有疑问请到收费窗口咨询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="191"/>
        <source>Please go to the cashier window; staff will call IT.</source>
        <translation>请到收费窗口办理，工作人员会联系信息科。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="193"/>
        <source>Please try once more.</source>
        <translation>请再试一次。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="194"/>
        <source>Please ask at the cashier window if you are insured.</source>
        <translation>如您已参保，请到收费窗口咨询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="195"/>
        <source>Please try again.</source>
        <translation>请重试。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="196"/>
        <source>Please try again once the credit platform answers, or ask at the registration desk.</source>
        <translation>请在信用平台恢复后再试，或到挂号窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="197"/>
        <source>Please ask at the cashier window for your receipt.</source>
        <translation>请到收费窗口领取凭条。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="200"/>
        <source>Please call IT to reinstall the newer release.</source>
        <translation>请联系信息科重新安装较新的版本。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="202"/>
        <source>Please go to the cashier window for help.</source>
        <translation>请到收费窗口求助。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/messages.py" line="203"/>
        <source>Please call IT to reinstall version %1 or later.</source>
        <translation>请联系信息科重新安装 %1 或更高版本。</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="19"/>
        <source>Credit-based care: see the doctor first, pay afterwards. Open the service here with your ID card.</source>
        <translation>信用就医：先看病，后付费。持身份证即可在本机开通。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="21"/>
        <source>Repay on time to keep your credit line: at this kiosk, on your phone or at the cashier window.</source>
        <translation>请按时还款以保持信用额度：可在本机、手机或收费窗口还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="23"/>
        <source>Large text for older patients: tap &quot;Large text&quot; on the start screen.</source>
        <translation>老年患者可在首页点击“大字模式”。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="24"/>
        <source>Never tell anyone your payment codes. Hospital staff will never ask for them.</source>
        <translation>请勿向任何人透露付款码，医院工作人员不会索要。</translation>
    </message>
</context>
<context>
    <name>NoticesScreen</name>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="38"/>
        <location filename="../../kiosk/ui/notices.py" line="55"/>
        <source>Hospital notices</source>
        <translation>医院公告</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="57"/>
        <source>Notice {n} of {count}</source>
        <translation>第 {n} 条，共 {count} 条</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="59"/>
        <source>Tap anywhere to start</source>
        <translation>轻触屏幕任意位置开始</translation>
    </message>
</context>
<context>
    <name>OfflineBanner</name>
    <message>
        <location filename="../../kiosk/ui/offline.py" line="102"/>
        <source>Offline: the hospital system is not answering. Bills can still be paid on credit within limits; {queued} payment(s) waiting to be sent.</source>
        <extracomment>...unless the kiosk settles them with a saga across the HIS and the insurance platform (issue 12): the credit platform down, the part on credit is queued within the offline caps as for an outpatient bill. The journey&apos;s use case (an attribute of the services) has its ``saga`` then. The banner&apos;s tone (its ``tone`` property, which kiosk.qss colours): amber while anything is wrong, green for &quot;all sent&quot;. The ⚠/✓ signs say it too: colour is never the only cue.</extracomment>
        <translation>离线：医院系统暂时无法连接。仍可在限额内信用缴费；{queued} 笔支付等待上传。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/offline.py" line="106"/>
        <source>Back online: sending {queued} payment(s) made offline…</source>
        <translation>已恢复连接：正在上传 {queued} 笔离线支付…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/offline.py" line="109"/>
        <source>Back online: every payment made offline has been sent.</source>
        <translation>已恢复连接：离线支付已全部上传。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/offline.py" line="111"/>
        <source>Queue: {conflicts} payment(s) refused by the platform, {expired} waiting too long. Open “Queue conflicts”.</source>
        <translation>队列：{conflicts} 笔支付被平台拒绝，{expired} 笔等待过久。请打开“离线冲突处理”。</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="372"/>
        <source>EN</source>
        <translation>英</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="374"/>
        <source>Chinese pinyin input: tap for English letters</source>
        <translation>中文拼音输入：点按改为英文字母</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="375"/>
        <source>English letters: tap for Chinese pinyin input</source>
        <translation>英文字母：点按改为中文拼音输入</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="376"/>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="377"/>
        <source>Space</source>
        <translation>空格</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="378"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="379"/>
        <source>Done: put the keyboard away</source>
        <translation>完成：收起键盘</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="380"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="381"/>
        <source>Previous candidates</source>
        <translation>上一页候选字</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="382"/>
        <source>More candidates</source>
        <translation>下一页候选字</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="386"/>
        <source>On-screen keyboard</source>
        <translation>屏幕键盘</translation>
    </message>
</context>
<context>
    <name>OpenServiceJourney</name>
    <message>
        <location filename="../../kiosk/ui/journeys.py" line="45"/>
        <location filename="../../kiosk/ui/open_service.py" line="225"/>
        <source>Open credit service</source>
        <extracomment>session: the patient the service is opened for (adult, or the minor); guardian: the guardian&apos;s PatientSession, for a minor; details: CreditDetails of whoever consents (phone on file)</extracomment>
        <translation>开通信用就医</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="282"/>
        <source>Open the guardian&apos;s service</source>
        <translation>先为监护人开通</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="328"/>
        <source>Your credit service is already open; there is nothing to do.</source>
        <translation>您已开通信用就医服务，无需再次开通。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="330"/>
        <source>{child} already uses the guardian&apos;s credit line.</source>
        <translation>{child}已在使用监护人的信用额度。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="334"/>
        <source>Credit line {line}, available now {available}.</source>
        <translation>信用额度 {line}，当前可用 {available}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="336"/>
        <source>Credit service already open</source>
        <translation>信用就医服务已开通</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="342"/>
        <source>The hospital system did not confirm in time. Your request is kept safely and will be completed automatically; please check at the cashier window later.</source>
        <translation>医院系统未能及时确认。您的申请已妥善保存，将自动完成；请稍后到收费窗口查询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="347"/>
        <source>{child} now uses the guardian&apos;s credit line.</source>
        <translation>{child}现已共享监护人的信用额度。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="350"/>
        <source>Guardian&apos;s credit line {line}, available now {available}.</source>
        <translation>监护人信用额度 {line}，当前可用 {available}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="352"/>
        <source>The guardian repays the child&apos;s bills.</source>
        <translation>孩子的账单由监护人负责还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="354"/>
        <source>Your credit line: {line} ({score_name} tier {tier})</source>
        <translation>您的信用额度：{line}（{score_name}第{tier}档）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="358"/>
        <source>Your tier also lets you choose value-added services of the partner financial institutions.</source>
        <translation>您的信用分档位还可选择合作金融机构提供的增值服务。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="362"/>
        <source>Consent version {version}, given {time}.</source>
        <translation>授权书版本 {version}，授权时间 {time}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="364"/>
        <source>Repayment reminders go to {phone}.</source>
        <translation>还款提醒将发送至 {phone}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="365"/>
        <source>Credit service opened</source>
        <translation>信用就医服务开通成功</translation>
    </message>
</context>
<context>
    <name>Outcome</name>
    <message>
        <location filename="../../kiosk/ui/outcome.py" line="31"/>
        <source>Waiting for the hospital system</source>
        <translation>等待医院系统确认</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/outcome.py" line="41"/>
        <source>{booked} goes on your credit line, pending confirmation by the credit platform, which is not answering now.</source>
        <translation>{booked} 记入您的信用额度，信用平台暂时无响应，待其确认。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/outcome.py" line="43"/>
        <source>It is kept safely on this kiosk and sent as soon as the platform answers; it will never be charged twice.</source>
        <translation>该笔记账已安全保存在本机，平台恢复后自动发送，绝不会重复扣款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/outcome.py" line="46"/>
        <source>Your due date will be in the account query once confirmed, or ask the cashier window.</source>
        <translation>确认后可在账户查询中查看还款截止日，或到收费窗口咨询。</translation>
    </message>
</context>
<context>
    <name>OutcomeScreen</name>
    <message>
        <location filename="../../kiosk/ui/outcome.py" line="76"/>
        <source>Not done</source>
        <translation>未办理成功</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/outcome.py" line="83"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>ParentScreen</name>
    <message>
        <location filename="../../kiosk/ui/query.py" line="270"/>
        <source>Take on repayment for a parent</source>
        <translation>为父母代为还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="273"/>
        <source>{name} (ID {masked_id})</source>
        <translation>{name}（证件号 {masked_id}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="275"/>
        <source>You will repay the credit bills of your parent {parent}. Their bills will appear in your account query, and you can repay them here.</source>
        <translation>您将为父母{parent}的信用就医账单还款。其账单将显示在您的账户查询中，您可以在此还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="278"/>
        <source>Your parent {parent} must agree. Ask them to place their own ID card on the reader, or send a code to their mobile phone on file and type the code they received.</source>
        <translation>需经您的父母 {parent} 本人同意。请其将本人身份证放到读卡区，或向其登记的手机发送验证码，再输入其收到的验证码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="282"/>
        <source>A code was sent to your parent&apos;s phone {phone}. Type the 6 digits they received, then confirm: you will repay the credit bills of {parent}.</source>
        <translation>验证码已发送到您父母的手机 {phone}。请输入其收到的 6 位数字并确认：您将为 {parent} 偿还信用就医账单。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="286"/>
        <source>Adult children may take on repayment of their parents&apos; credit bills.

Tap Continue, then ask your parent to place their own ID card on the reader.</source>
        <translation>成年子女可自愿为父母的信用就医账单还款。

请点击“继续”，然后请您的父母将其本人身份证放在读卡器上。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="289"/>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="290"/>
        <source>Parent: place your ID card</source>
        <translation>父母本人放置身份证</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="291"/>
        <source>Send a code to their phone</source>
        <translation>发送验证码到其手机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="292"/>
        <source>Confirm: I repay for this parent</source>
        <translation>确认：由我为该父母还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="293"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="294"/>
        <source>Training: type the code from the demo phone</source>
        <translation>培训：填入演示手机收到的验证码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="305"/>
        <source>Saving, please wait…</source>
        <translation>正在保存，请稍候…</translation>
    </message>
</context>
<context>
    <name>PayJourney</name>
    <message>
        <location filename="../../kiosk/ui/journeys.py" line="42"/>
        <location filename="../../kiosk/ui/pay.py" line="32"/>
        <source>Pay outpatient bill</source>
        <translation>门诊缴费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="161"/>
        <source>The hospital system did not confirm in time. Your payment is kept safely and will be completed automatically; it will never be charged twice.</source>
        <translation>医院系统未能及时确认。您的支付已安全保存，将自动完成，绝不会重复扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="163"/>
        <source>Please collect your receipt at the cashier window.</source>
        <translation>请到收费窗口领取凭条。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="166"/>
        <source>{booked} booked on your credit line, to repay by {due}.</source>
        <translation>已记入信用额度 {booked}，请于 {due} 前还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="169"/>
        <location filename="../../kiosk/ui/pay.py" line="180"/>
        <source>Paid now: {paid}.</source>
        <translation>现场支付：{paid}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="170"/>
        <source>Medical insurance fund paid {fund}. Credit available now: {available}.</source>
        <translation>医保统筹支付 {fund}。当前可用额度：{available}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="172"/>
        <source>Reference {reference}</source>
        <translation>流水号 {reference}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="173"/>
        <source>Paid on credit</source>
        <translation>信用支付成功</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="181"/>
        <source>Medical insurance fund paid {fund}.</source>
        <translation>医保基金支付 {fund}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="182"/>
        <source>Your bill is paid.</source>
        <translation>账单已结清。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="183"/>
        <source>Paid, credit pending confirmation</source>
        <translation>已结算，信用记账待确认</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="188"/>
        <source>Your receipt is printing. Please take it.</source>
        <translation>凭条正在打印，请取走。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="189"/>
        <source>The receipt could not be printed. Your payment is complete; please ask the cashier window for a copy.</source>
        <translation>凭条未能打印。您的支付已完成，请到收费窗口补打。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="195"/>
        <source>{booked} booked on your credit line while the hospital system was offline.</source>
        <translation>医院系统离线期间，已记入信用额度 {booked}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="197"/>
        <source>Medical insurance fund part: {fund}.</source>
        <translation>医保统筹部分：{fund}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="198"/>
        <source>It is kept safely on this kiosk and will be sent to the hospital system as soon as it answers; it will never be charged twice.</source>
        <translation>本笔支付已安全保存在本机，医院系统恢复后将自动上传，绝不会重复扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="200"/>
        <source>Settled offline, will sync</source>
        <translation>离线结算成功，待上传</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pay.py" line="201"/>
        <source>The due date and your receipt are available at the cashier window or in the account query once it is sent.</source>
        <translation>上传后，可在收费窗口或信用账户查询中查看还款日期和凭条。</translation>
    </message>
</context>
<context>
    <name>PaymentScreen</name>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="52"/>
        <source>Pay the rest with your phone</source>
        <translation>请用手机支付差额</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="53"/>
        <source>Amount to pay now: {amount}</source>
        <translation>现场支付金额：{amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="55"/>
        <source>Scan the code with your payment app and confirm the payment.</source>
        <translation>请用支付应用扫描二维码并确认支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="56"/>
        <source>Preparing the payment code…</source>
        <translation>正在生成支付码…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="57"/>
        <source>Waiting for your payment…</source>
        <translation>正在等待您完成支付…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="58"/>
        <source>Payment received.</source>
        <translation>已收到付款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="59"/>
        <source>Cancelling the payment at the payment channel…</source>
        <translation>正在向支付渠道取消本次支付…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="61"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="62"/>
        <source>Training: pay from the demo phone</source>
        <translation>培训：用演示手机支付</translation>
    </message>
</context>
<context>
    <name>Payments</name>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="66"/>
        <source>The rest of your outpatient bill, paid with your phone</source>
        <translation>门诊费用超出额度部分，用手机支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="67"/>
        <source>The registration fee, paid with your phone</source>
        <translation>挂号费，用手机支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="68"/>
        <source>Repayment of your credit bills, paid with your phone</source>
        <translation>信用账单还款，用手机支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="69"/>
        <source>The rest of your hospital stay, paid with your phone</source>
        <translation>住院费用超出额度部分，用手机支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="105"/>
        <source>Please confirm the payment</source>
        <translation>请确认支付金额</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="106"/>
        <source>Pay {amount} now</source>
        <translation>确认支付 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="173"/>
        <source>Payment cancelled and refunded</source>
        <translation>支付已取消并退款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="174"/>
        <source>Your phone had paid {amount} just before you cancelled. It has been refunded through the payment channel to where it came from; nothing was charged.</source>
        <translation>您取消前手机已支付 {amount}。该笔款项已通过支付渠道原路退回，未产生任何扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="177"/>
        <source>The refund reaches your payment account within a few days. Staff at the cashier desk can see it too.</source>
        <translation>退款将在几天内到账。收费窗口也能查到这笔退款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="184"/>
        <source>The payment could not be cancelled</source>
        <translation>未能取消支付</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="185"/>
        <source>The payment channel did not answer. Do not pay the code on your phone.</source>
        <translation>支付渠道没有应答。请不要在手机上支付该二维码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/payment.py" line="186"/>
        <source>If your phone shows it as paid, please go to the cashier desk: the payment will be refunded.</source>
        <translation>如手机显示已支付，请到收费窗口办理，款项将退回。</translation>
    </message>
</context>
<context>
    <name>PhoneScreen</name>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="152"/>
        <source>Mobile phone for repayment reminders</source>
        <translation>接收还款提醒的手机号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="154"/>
        <source>Type the 11-digit mobile number, then confirm.</source>
        <translation>请输入11位手机号码，然后确认。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="157"/>
        <source>Reminders of amounts due will be sent to this number:</source>
        <translation>应还金额提醒将发送至此号码：</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="161"/>
        <source>Use this number</source>
        <translation>使用此号码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="162"/>
        <source>Enter another number</source>
        <translation>输入其他号码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="163"/>
        <source>Confirm this number</source>
        <translation>确认此号码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="164"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/open_service.py" line="172"/>
        <source>Opening your credit service, please wait…</source>
        <translation>正在为您开通信用就医服务，请稍候…</translation>
    </message>
</context>
<context>
    <name>QueryJourney</name>
    <message>
        <location filename="../../kiosk/ui/journeys.py" line="46"/>
        <location filename="../../kiosk/ui/query.py" line="330"/>
        <source>My credit account</source>
        <translation>信用账户查询</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="423"/>
        <source>You now repay for {name}.</source>
        <translation>您已为{name}代为还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/query.py" line="424"/>
        <source>The hospital system did not confirm yet; your request is kept and will be completed automatically.</source>
        <translation>医院系统尚未确认；您的申请已保存，将自动完成。</translation>
    </message>
</context>
<context>
    <name>Refund</name>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="34"/>
        <source>Service not performed</source>
        <translation>项目未执行</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="35"/>
        <source>Medicine returned</source>
        <translation>退药</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="36"/>
        <source>Charged in error</source>
        <translation>收费错误</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="37"/>
        <source>Other reason</source>
        <translation>其他原因</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="42"/>
        <source>{kind} · {date} · {reference}</source>
        <translation>{kind} · {date} · {reference}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="44"/>
        <source>Amount {amount} · refunded so far {refunded} · refundable {refundable}</source>
        <translation>金额 {amount} · 已退 {refunded} · 可退 {refundable}</translation>
    </message>
</context>
<context>
    <name>RefundEntryScreen</name>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="178"/>
        <location filename="../../kiosk/ui/refund.py" line="190"/>
        <source>Refund</source>
        <translation>退费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="180"/>
        <source>Amount to refund, in yuan (at most {refundable})</source>
        <translation>退费金额（元，最多 {refundable}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="182"/>
        <source>Amount to refund in yuan</source>
        <translation>退费金额（元）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="183"/>
        <source>Delete the last digit</source>
        <translation>删除最后一位</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="184"/>
        <source>Reason</source>
        <translation>退费原因</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="189"/>
        <source>Refunding, please wait…</source>
        <translation>正在退费，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="192"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>RefundJourney</name>
    <message>
        <location filename="../../kiosk/ui/journeys.py" line="52"/>
        <location filename="../../kiosk/ui/refund.py" line="212"/>
        <source>Refund</source>
        <translation>退费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="268"/>
        <source>Confirm the refund</source>
        <translation>请确认退费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="269"/>
        <source>Refund {amount} to the credit-care account</source>
        <translation>退 {amount} 至 信用就医账户</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="270"/>
        <source>Refund {amount}</source>
        <translation>确认退 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="301"/>
        <source>The platform did not confirm in time. The refund of {amount} is kept and will be completed automatically, once.</source>
        <translation>平台未能及时确认。退费 {amount} 已保存，将自动完成且只执行一次。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="303"/>
        <source>Do not refund it again: the platform applies it once.</source>
        <translation>请勿重复退费：平台只会执行一次。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="306"/>
        <source>{credit} back to the credit-care account: {bill} off this bill, {others} off other bills; the financial institution returns the balance of {balance} to the patient.</source>
        <translation>{credit} 已退回信用就医账户：冲减本笔欠款 {bill}，冲减其他欠款 {others}，余额 {balance} 由金融机构退还给患者。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="311"/>
        <source>{channel} goes back to the payment channel it was paid with.</source>
        <translation>{channel} 按原支付渠道原路退回。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="314"/>
        <source>{fund} goes back to the medical insurance fund.</source>
        <translation>{fund} 退回医保基金。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="316"/>
        <source>No cash is paid out at the desk for a credit-care bill.</source>
        <translation>信用就医账单不在窗口退付现金。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="318"/>
        <source>Nothing is overdue any more: the credit service is active again.</source>
        <translation>已无逾期欠款，信用就医服务已恢复。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="320"/>
        <source>Credit available now: {available}.</source>
        <translation>当前可用额度：{available}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="322"/>
        <source>Reference {reference}</source>
        <translation>流水号 {reference}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="323"/>
        <source>The refund receipt is printing.</source>
        <translation>退费凭条正在打印。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="324"/>
        <source>The refund receipt could not be printed. The refund is complete.</source>
        <translation>退费凭条未能打印，退费已完成。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="325"/>
        <source>Refunded {amount}</source>
        <translation>已退费 {amount}</translation>
    </message>
</context>
<context>
    <name>RefundListScreen</name>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="69"/>
        <source>Refund: choose the settlement</source>
        <translation>退费：请选择结算记录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="72"/>
        <source>This patient has no settlement that can be refunded.</source>
        <translation>该患者没有可退费的结算记录。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/refund.py" line="76"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>Register</name>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="26"/>
        <source>Morning</source>
        <translation>上午</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="26"/>
        <source>Afternoon</source>
        <translation>下午</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="32"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="34"/>
        <source>Tomorrow</source>
        <translation>明天</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="35"/>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="35"/>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="35"/>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="36"/>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="36"/>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="36"/>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="37"/>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="42"/>
        <source>{day} {date} · {period} {time}</source>
        <translation>{date} {day} · {period} {time}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="47"/>
        <source>Dr {doctor} · {title}</source>
        <translation>{doctor} {title}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="48"/>
        <source>Dr {doctor}</source>
        <translation>{doctor} 医生</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="53"/>
        <source>Credit service not opened</source>
        <translation>未开通信用就医</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="55"/>
        <source>Credit service suspended · available {available}</source>
        <translation>信用就医服务已暂停 · 可用 {available}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="57"/>
        <source>Credit available {available} of {line}</source>
        <translation>可用信用额度 {available}（总额度 {line}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="246"/>
        <source>Registration {reference}</source>
        <translation>挂号 {reference}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="248"/>
        <source>Registered on {when}</source>
        <translation>挂号时间 {when}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="250"/>
        <source>Fee {fee}</source>
        <translation>挂号费 {fee}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="252"/>
        <source>No. {queue}</source>
        <translation>{queue} 号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="254"/>
        <source>Started: ask at the registration desk</source>
        <translation>已开诊：请到挂号窗口咨询</translation>
    </message>
</context>
<context>
    <name>RegisterJourney</name>
    <message>
        <location filename="../../kiosk/ui/journeys.py" line="41"/>
        <location filename="../../kiosk/ui/register.py" line="58"/>
        <source>Register for a clinic</source>
        <translation>信用挂号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="178"/>
        <source>The hospital system did not confirm in time. Your registration is kept safely and will be completed automatically; you will never be charged twice.</source>
        <translation>医院系统未能及时确认。您的挂号已安全保存，将自动完成，绝不会重复扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="180"/>
        <source>Please ask at the registration desk for your queue number.</source>
        <translation>请到挂号窗口查询您的就诊序号。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="185"/>
        <source>Room {room}</source>
        <translation>诊室 {room}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="191"/>
        <source>Fee {fee} booked on your credit line, to repay by {due}.</source>
        <translation>挂号费 {fee} 已记入信用额度，请于 {due} 前还款。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="194"/>
        <source>Fee {fee} paid with your phone.</source>
        <translation>挂号费 {fee} 已通过手机支付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="197"/>
        <location filename="../../kiosk/ui/register.py" line="226"/>
        <source>Credit available now: {available}.</source>
        <translation>当前可用额度：{available}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="199"/>
        <location filename="../../kiosk/ui/register.py" line="228"/>
        <source>Reference {reference}</source>
        <translation>流水号 {reference}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="200"/>
        <source>Registered · your number is {queue}</source>
        <translation>挂号成功 · 您的就诊序号 {queue}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="207"/>
        <source>The hospital system did not confirm in time. Your cancellation is kept safely and will be completed automatically.</source>
        <translation>医院系统未能及时确认。您的退号申请已安全保存，将自动完成。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="209"/>
        <source>Please ask at the registration desk if you need a slip.</source>
        <translation>如需凭条，请到挂号窗口办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="212"/>
        <source>{credit} went back to your credit-care account: {bill} off this registration&apos;s bill, {others} off your other bills; the financial institution returns the balance of {balance} to you.</source>
        <translation>{credit} 已退回您的信用就医账户：冲减本笔挂号欠款 {bill}，冲减其他欠款 {others}；余额 {balance} 由金融机构退还给您。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="217"/>
        <source>The fee {fee} was returned to your credit line.</source>
        <translation>挂号费 {fee} 已退回您的信用额度。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="220"/>
        <source>The fee {fee} was never charged: the credit platform refused it. Nothing is left to pay.</source>
        <translation>挂号费 {fee} 未曾扣款：信用平台拒绝了该笔费用。无需再付。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="223"/>
        <source>{fee} will be refunded to the account you paid from.</source>
        <translation>{fee} 将原路退回您的支付账户。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="230"/>
        <source>Registration cancelled</source>
        <translation>已退号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="235"/>
        <source>Your slip is printing. Please take it.</source>
        <translation>凭条正在打印，请取走。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register.py" line="236"/>
        <source>The slip could not be printed. This does not change anything above; please ask at the registration desk for a copy.</source>
        <translation>凭条未能打印，不影响以上办理结果，请到挂号窗口补打。</translation>
    </message>
</context>
<context>
    <name>Repay</name>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="31"/>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="33"/>
        <source>Disputed</source>
        <translation>异议处理中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="34"/>
        <source>Due</source>
        <translation>待还款</translation>
    </message>
</context>
<context>
    <name>RepayJourney</name>
    <message>
        <location filename="../../kiosk/ui/journeys.py" line="43"/>
        <location filename="../../kiosk/ui/repay.py" line="209"/>
        <source>Repay</source>
        <translation>还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="244"/>
        <source>Repayment of {amount} received in cash</source>
        <translation>已收现金还款 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="245"/>
        <source>Repayment of {amount} paid by bank card</source>
        <translation>银行卡还款 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="246"/>
        <source>Confirm the repayment</source>
        <translation>确认还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="247"/>
        <source>Record {amount}</source>
        <translation>记录 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="267"/>
        <source>The hospital system did not confirm in time. Your repayment of {amount} is kept safely and will be completed automatically; it will never be charged twice.</source>
        <translation>医院系统未能及时确认。您的还款 {amount} 已安全保存，将自动完成，绝不会重复扣费。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="270"/>
        <source>Please ask the cashier window for a receipt.</source>
        <translation>请到收费窗口领取凭条。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="271"/>
        <source>{amount} repaid.</source>
        <translation>已还款 {amount}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="274"/>
        <source>Your credit service is active again.</source>
        <translation>您的信用就医服务已恢复。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="276"/>
        <source>Your credit service stays suspended until every overdue bill is repaid.</source>
        <translation>还清全部逾期账单后，信用就医服务才会恢复。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="279"/>
        <source>Real-time medical insurance settlement is available to you again.</source>
        <translation>您的医保实时结算已恢复。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="281"/>
        <source>Credit available now: {available}.</source>
        <translation>当前可用额度：{available}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="284"/>
        <source>Still to repay: {used}.</source>
        <translation>仍待还款：{used}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="285"/>
        <source>Reference {reference}</source>
        <translation>流水号 {reference}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="286"/>
        <source>Repaid</source>
        <translation>还款成功</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="290"/>
        <source>Your receipt is printing. Please take it.</source>
        <translation>凭条正在打印，请取走。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="291"/>
        <source>The receipt could not be printed. Your repayment is complete; please ask the cashier window for a copy.</source>
        <translation>凭条未能打印。您的还款已完成，请到收费窗口补打。</translation>
    </message>
</context>
<context>
    <name>RepayScreen</name>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="134"/>
        <source>My parent {name}</source>
        <translation>我的父母 {name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="135"/>
        <source>Me</source>
        <translation>本人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="138"/>
        <source>Repay</source>
        <translation>还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="149"/>
        <source>Credit line {line} · used {used} · available {available}</source>
        <translation>信用额度 {line} · 已用 {used} · 可用 {available}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="152"/>
        <source>Credit service suspended until the overdue bills are repaid.</source>
        <translation>信用就医服务已暂停，还清逾期账单后恢复。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="154"/>
        <source>Bills to repay: tap a bill to leave it out or put it back</source>
        <translation>待还账单：点击某张账单可取消或重新选中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="156"/>
        <source>Bill</source>
        <translation>账单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="156"/>
        <source>Due by</source>
        <translation>还款截止</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="156"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="156"/>
        <source>To repay</source>
        <translation>待还金额</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="167"/>
        <source>Total owed {total}</source>
        <translation>待还合计 {total}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="169"/>
        <source>(overdue {overdue})</source>
        <translation>（其中逾期 {overdue}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="174"/>
        <source>You owe nothing. Thank you.</source>
        <translation>您没有待还款项，谢谢。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="176"/>
        <source>Tap a bill to leave it out or put it back.</source>
        <translation>点击账单可取消或重新选中。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="181"/>
        <source>Recording the repayment, please wait…</source>
        <translation>正在登记还款，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="184"/>
        <source>Repay all {amount}</source>
        <translation>全部还清 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="185"/>
        <source>Repay selected {amount}</source>
        <translation>归还所选 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="186"/>
        <source>Cash {amount}</source>
        <translation>现金 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="187"/>
        <source>Bank card {amount}</source>
        <translation>银行卡 {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/repay.py" line="194"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>Reprint</name>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="25"/>
        <source>Printer offline</source>
        <translation>打印机离线</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="26"/>
        <source>Out of paper</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="27"/>
        <source>Printer cover open</source>
        <translation>打印机盖板未合上</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="28"/>
        <source>Stuck in the print queue</source>
        <translation>卡在打印队列中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="29"/>
        <source>Printer not reachable</source>
        <translation>无法连接打印机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="30"/>
        <source>Needs an A4 printer</source>
        <translation>需要 A4 打印机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="31"/>
        <source>Document could not be made</source>
        <translation>单据无法生成</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="32"/>
        <source>Printer fault</source>
        <translation>打印机故障</translation>
    </message>
</context>
<context>
    <name>ReprintJourney</name>
    <message>
        <location filename="../../kiosk/ui/journeys.py" line="53"/>
        <location filename="../../kiosk/ui/reprint.py" line="139"/>
        <source>Reprints</source>
        <translation>补打单据</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="169"/>
        <source>A copy of {title} {reference} was printed.</source>
        <translation>已打印 {title} {reference} 的副本。</translation>
    </message>
</context>
<context>
    <name>ReprintScreen</name>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="93"/>
        <source>Reprint queue</source>
        <extracomment>``outcome``: (kind, text) of the last reprint, printed or failed</extracomment>
        <translation>补打队列</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="95"/>
        <source>Loading, please wait…</source>
        <translation>正在加载，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="97"/>
        <source>Printing a copy, please wait…</source>
        <translation>正在打印副本，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="99"/>
        <source>Nothing is waiting to be reprinted.</source>
        <translation>没有待补打的单据。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="101"/>
        <source>{count} document(s) did not print. Reprint each as a copy for the patient.</source>
        <translation>有 {count} 份单据未能打印。请逐份为患者补打副本。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="104"/>
        <source>Documents waiting to be reprinted</source>
        <translation>等待补打的票据</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="106"/>
        <source>Document</source>
        <translation>单据</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="106"/>
        <source>Reference</source>
        <translation>单号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="106"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="106"/>
        <source>Reason</source>
        <translation>退费原因</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="110"/>
        <source>({count} attempts)</source>
        <translation>（已尝试 {count} 次）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="114"/>
        <source>Reprint</source>
        <translation>补打</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="122"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reprint.py" line="123"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>Screen</name>
    <message>
        <location filename="../../kiosk/ui/base.py" line="141"/>
        <source>Loading, please wait…</source>
        <extracomment>The look (object name in the stylesheet) of the standard lines a page makes by name. The data the screen shows, attribute -&gt; its value when there is none (what ``clear`` restores).</extracomment>
        <translation>正在加载，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/base.py" line="169"/>
        <source>{name}  ID {masked_id}</source>
        <translation>{name}  证件号 {masked_id}</translation>
    </message>
</context>
<context>
    <name>SessionScreen</name>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="137"/>
        <source>Room {room}</source>
        <translation>诊室 {room}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="139"/>
        <source>Full — no numbers left · fee {fee}</source>
        <translation>已约满 · 无剩余号源 · 挂号费 {fee}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="141"/>
        <source>Fee {fee} · {left} of {total} numbers left</source>
        <translation>挂号费 {fee} · 剩余 {left}/{total} 个号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="147"/>
        <source>{department}: choose a doctor and time</source>
        <translation>{department}：请选择医生和时间</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="148"/>
        <source>Choose a doctor and time</source>
        <translation>请选择医生和时间</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="149"/>
        <source>No clinic sessions in the next three days. Please choose another department.</source>
        <translation>未来三天没有可挂的号，请选择其他科室。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="152"/>
        <source>Other department</source>
        <translation>其他科室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/register_screens.py" line="153"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>Shift</name>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="29"/>
        <source>Registration</source>
        <translation>挂号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="30"/>
        <source>Registration cancelled</source>
        <translation>已退号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="31"/>
        <source>Outpatient settlement</source>
        <translation>门诊结算</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="32"/>
        <source>Discharge</source>
        <translation>出院结算</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="33"/>
        <source>Repayment</source>
        <translation>还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="34"/>
        <source>Refund</source>
        <translation>退费</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="38"/>
        <source>credit line</source>
        <translation>信用额度</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="38"/>
        <source>channel or card</source>
        <translation>渠道/银行卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="39"/>
        <source>cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="39"/>
        <source>total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="45"/>
        <source>{kind} {reference} ({amount}): in the desk&apos;s journal, not in the platform&apos;s records</source>
        <translation>{kind} {reference}（{amount}）：本窗口日志有，平台记录无</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="49"/>
        <source>{kind} {reference} ({amount}): in the platform&apos;s records, not in the desk&apos;s journal</source>
        <translation>{kind} {reference}（{amount}）：平台记录有，本窗口日志无</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="52"/>
        <source>{kind} {reference}: {part} {desk} here, {platform} at the platform</source>
        <translation>{kind} {reference}：{part} 本窗口 {desk}，平台 {platform}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="60"/>
        <source>Cash counted {counted}, as expected.</source>
        <translation>实点现金 {counted}，与应交现金相符。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="62"/>
        <source>Cash counted {counted}, expected {expected}: short by {gap}. Count again, then tell the supervisor.</source>
        <translation>实点现金 {counted}，应交 {expected}：短款 {gap}。请重新清点，并报告主管。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="66"/>
        <source>Cash counted {counted}, expected {expected}: over by {gap}. Count again, then tell the supervisor.</source>
        <translation>实点现金 {counted}，应交 {expected}：长款 {gap}。请重新清点，并报告主管。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="80"/>
        <source>The day so far agrees with the insurance platform, the credit platform and the HIS, to the fen.</source>
        <translation>当日至今与医保平台、信用平台、HIS 对账一致，精确到分。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="82"/>
        <source>The day so far at the insurance platform, the credit platform and the HIS: {count} differences. A supervisor deals with each one:</source>
        <translation>当日至今与医保平台、信用平台、HIS 对账：{count} 处差异，请主管逐一处理：</translation>
    </message>
</context>
<context>
    <name>ShiftJourney</name>
    <message>
        <location filename="../../kiosk/ui/journeys.py" line="54"/>
        <location filename="../../kiosk/ui/shift.py" line="263"/>
        <source>Shift and report</source>
        <translation>班次与对账</translation>
    </message>
</context>
<context>
    <name>ShiftScreen</name>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="161"/>
        <source>Kind</source>
        <extracomment>``counting``: the close asked, to confirm with the cash counted; ``doing``: &quot;opening&quot; or &quot;closing&quot;</extracomment>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="161"/>
        <source>Count</source>
        <translation>笔数</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="161"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="161"/>
        <source>Credit line</source>
        <translation>信用额度</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="162"/>
        <source>Channel or card</source>
        <translation>渠道/银行卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="162"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="162"/>
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="162"/>
        <source>Check</source>
        <translation>核对</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="163"/>
        <source>Shift figures by kind and channel</source>
        <translation>按业务类别与渠道的班次统计</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="175"/>
        <source>{count} · {amount}</source>
        <translation>{count} 笔 · {amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="177"/>
        <source>✓ agrees</source>
        <translation>✓ 一致</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="177"/>
        <source>differs</source>
        <translation>不符</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="181"/>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="183"/>
        <source>Cashier {name} (staff number {operator_id})</source>
        <translation>收费员 {name}（工号 {operator_id}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="188"/>
        <source>Shift {number} open since {time}.</source>
        <translation>班次 {number}，{time} 开班。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="191"/>
        <source>Shift {number} closed at {time}.</source>
        <translation>班次 {number}，{time} 已交班。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="194"/>
        <source>No shift is open. Open one before serving patients.</source>
        <translation>当前未开班。请先开班再为患者办理业务。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="201"/>
        <source>The desk&apos;s journal and the platform&apos;s records agree completely, to the fen.</source>
        <translation>本窗口统计与平台记录完全一致，精确到分。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="203"/>
        <source>{count} differences between the desk&apos;s journal and the platform&apos;s records: a supervisor must check each one.</source>
        <translation>本窗口统计与平台记录有 {count} 处差异，须由主管逐项核查。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="211"/>
        <source>Count the cash in the drawer and enter it in yuan, then tap &quot;Close the shift&quot;. The shift is closed at the platform and the report printed.</source>
        <translation>请清点钱箱现金并输入金额（元），然后点击“交班”。平台将关闭本班次并打印交班对账单。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="214"/>
        <source>Cash counted in the drawer, in yuan</source>
        <translation>钱箱实点现金（元）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="217"/>
        <source>Close the shift</source>
        <translation>交班</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="218"/>
        <source>Keep it open</source>
        <translation>暂不交班</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="221"/>
        <source>The report is printing on A4.</source>
        <translation>对账单正在用 A4 纸打印。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="223"/>
        <source>The report could not be printed. Check the A4 printer.</source>
        <translation>对账单未能打印，请检查 A4 打印机。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="228"/>
        <source>Loading, please wait…</source>
        <translation>正在加载，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="226"/>
        <source>Opening the shift…</source>
        <translation>正在开班…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="227"/>
        <source>Counting and printing the report, please wait…</source>
        <translation>正在统计并打印对账单，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="231"/>
        <source>Enter the cash counted in the drawer, in yuan (0 if there is none).</source>
        <translation>请输入钱箱实点现金（元，没有现金请输入 0）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="235"/>
        <source>Open shift</source>
        <translation>开班</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="236"/>
        <source>Close shift and print the report</source>
        <translation>交班并打印对账单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="237"/>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/shift.py" line="238"/>
        <source>Back to start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="37"/>
        <source>ID card reader</source>
        <extracomment>The printer back-ends&apos; states (``printing``: ``EscposBackend.status``, ``CupsBackend.status``, ``PdfFolderBackend.status``) as the patient is told them: ok, no paper, or not working.</extracomment>
        <translation>身份证读卡器</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="38"/>
        <source>Social-security card reader</source>
        <translation>社保卡读卡器</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="39"/>
        <source>Code scanner</source>
        <translation>扫码器</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="200"/>
        <source>Terminal {id}</source>
        <translation>终端 {id}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="207"/>
        <source>⚠ {device}: not working</source>
        <translation>⚠ {device}：故障</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="209"/>
        <source>✓ {device}</source>
        <translation>✓ {device}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="211"/>
        <source>{device}: starting</source>
        <translation>{device}：启动中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="215"/>
        <source>⚠ Printer: out of paper</source>
        <translation>⚠ 打印机：缺纸</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="217"/>
        <source>⚠ Printer: not working</source>
        <translation>⚠ 打印机：故障</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="219"/>
        <source>✓ Printer</source>
        <translation>✓ 打印机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="223"/>
        <source>✓ Network</source>
        <translation>✓ 网络</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="225"/>
        <source>⚠ Network: offline</source>
        <translation>⚠ 网络：已断开</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="234"/>
        <source>Time left {m}:{s:02d}</source>
        <translation>剩余时间 {m}:{s:02d}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="271"/>
        <source>The printer has run out of paper</source>
        <extracomment>The journeys that print (a receipt, a slip, a statement): offered without paper only with a word.</extracomment>
        <translation>打印机缺纸</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="272"/>
        <source>The printer is not working</source>
        <translation>打印机故障</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="273"/>
        <source>This kiosk cannot print your receipt now. You can go on without a paper receipt: the service desk prints it for you later. Or use another kiosk.</source>
        <translation>本机暂时无法打印凭条。您可以继续办理，不取纸质凭条：之后可到服务台为您补打。也可以换一台自助机办理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/status_bar.py" line="277"/>
        <source>Go on without a receipt</source>
        <translation>继续办理（不打印凭条）</translation>
    </message>
</context>
<context>
    <name>SupervisorApproval</name>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="340"/>
        <source>A refund over {limit} needs a supervisor: the supervisor enters their staff number and PIN, then taps Refund.</source>
        <translation>超过 {limit} 的退费须主管审批：请主管输入工号和密码，再点击“退费”。</translation>
    </message>
</context>
<context>
    <name>TrainingCards</name>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="38"/>
        <source>tier 1 credit</source>
        <extracomment>The picture of where each medium goes (kiosk/ui/icons.py). What each training card stands for (the demo roles, sandbox/demo_data.py), in the screen&apos;s language. A role missing here shows its key: tests/test_training_cards.py fails for it first.</extracomment>
        <translation>一档信用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="39"/>
        <source>tier 2, guardian</source>
        <translation>二档信用，监护人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="40"/>
        <source>tier 3, two visits</source>
        <translation>三档，两次就诊</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="41"/>
        <source>tier 4, extras</source>
        <translation>四档，增值服务</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="42"/>
        <source>child (guardian)</source>
        <translation>未成年（监护人）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="43"/>
        <source>overdue, suspended</source>
        <translation>逾期，已暂停</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="44"/>
        <source>credit not opened</source>
        <translation>未开通信用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="45"/>
        <source>aged 70+, bill due</source>
        <translation>70岁以上，待还款</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="46"/>
        <source>in hospital</source>
        <translation>住院中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="47"/>
        <source>line nearly used</source>
        <translation>额度快用完</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="48"/>
        <source>turns 18 soon</source>
        <translation>即将年满18岁</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="49"/>
        <source>damaged card</source>
        <translation>损坏的卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/identify.py" line="62"/>
        <source>Demo card:
{role}</source>
        <translation>示范卡：
{role}</translation>
    </message>
</context>
<context>
    <name>Worklist</name>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="105"/>
        <source>No shift is open: open it before taking any money.</source>
        <translation>尚未开班：收款前请先开班。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="107"/>
        <source>{count} payment(s) made offline refused by the platform: settle each with the patient.</source>
        <translation>{count} 笔离线收款被平台拒绝：请逐笔与患者处理。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="110"/>
        <source>{count} payment(s) made offline waiting more than {hours} h to be sent: call IT.</source>
        <translation>{count} 笔离线收款超过 {hours} 小时仍未上传：请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="113"/>
        <source>{count} payment(s) made offline still to be sent; the oldest becomes an alert at {time}.</source>
        <translation>{count} 笔离线收款待上传；最早一笔将于 {time} 转为告警。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="116"/>
        <source>{count} document(s) did not print: reprint them as copies.</source>
        <translation>{count} 份单据未打印：请补打（副本）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="117"/>
        <source>{count} phone payment(s) came late in the last 7 days and went back to the patient: tell whoever asks.</source>
        <translation>近 7 天有 {count} 笔手机支付迟到，已退回患者：如有人询问请告知。</translation>
    </message>
</context>
<context>
    <name>WorklistScreen</name>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="184"/>
        <source>Desk work list</source>
        <translation>窗口待办</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="187"/>
        <source>Shift {number} open since {time}.</source>
        <translation>班次 {number}，{time} 开班。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="195"/>
        <source>Starting, one moment please…</source>
        <translation>正在启动，请稍候…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="197"/>
        <source>Checking what is waiting…</source>
        <translation>正在查询待办事项…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="201"/>
        <source>Part of the list could not be checked: the platform is not answering. It is checked again each time you come back here.</source>
        <translation>部分待办未能查询：平台无应答。每次回到本页都会重新查询。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="204"/>
        <source>Nothing is waiting.</source>
        <translation>没有待办事项。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/worklist.py" line="208"/>
        <source>Start a journey (its key, or Tab and Enter):</source>
        <translation>办理业务（按对应按键，或用 Tab 选中后按回车）：</translation>
    </message>
</context>
</TS>
